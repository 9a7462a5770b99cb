#include "server/router.hpp"

#include <stdexcept>

namespace inspel::server {
namespace {

// "/a/b" -> {"a", "b"}; "/" -> {""}. Empty segments are kept, so "/a//b" matches nothing by accident.
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    for (;;) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool is_capture(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

// How well a pattern matches: -1 for no match, else the number of literal segments.
int score(std::string_view pattern, const std::vector<std::string_view>& path,
          std::map<std::string, std::string>* params) {
    auto pat = segments(pattern);
    if (pat.size() != path.size()) return -1;
    int literals = 0;
    for (std::size_t i = 0; i < pat.size(); ++i) {
        if (is_capture(pat[i])) {
            if (path[i].empty()) return -1;
            if (params) (*params)[std::string(pat[i].substr(1, pat[i].size() - 2))] = percent_decode(path[i], false);
        } else if (pat[i] == path[i]) {
            ++literals;
        } else {
            return -1;
        }
    }
    return literals;
}

}  // namespace

struct responder::state {
    send_fn send;
    std::string target;
    std::atomic<bool> sent{false};
    ~state() {
        if (!sent.exchange(true))
            send(error_response(target, http::status::internal_server_error, "internal",
                                "The server failed to answer this request."));
    }
};

responder::responder(send_fn send, std::string target)
    : state_(std::make_shared<state>(std::move(send), std::move(target))) {}

void responder::operator()(http_response res) const {
    if (!state_->sent.exchange(true)) state_->send(std::move(res));
}

void router::add(http::verb method, std::string pattern, handler fn, runs_on where, access who) {
    for (const auto& r : routes_)
        if (r->method == method && r->pattern == pattern) throw std::logic_error("route registered twice: " + pattern);
    routes_.push_back(std::make_unique<route>(route{method, std::move(pattern), std::move(fn), where, who}));
}

void router::add(http::verb method, std::string pattern, sync_handler fn, runs_on where, access who) {
    add(
        method, std::move(pattern),
        handler([fn = std::move(fn)](request_context ctx, responder respond) { respond(fn(ctx)); }), where, who);
}

router::match router::find(http::verb method, std::string_view path) const {
    auto segs = segments(path);
    match m;
    int best = -1;
    std::vector<std::string> allowed;
    for (const auto& r : routes_) {
        int s = score(r->pattern, segs, nullptr);
        if (s < 0) continue;
        if (r->method == method) {
            if (s > best) {
                best = s;
                m.found = r.get();
            }
        } else {
            allowed.push_back(std::string(http::to_string(r->method)));
        }
    }
    if (m.found) {
        score(m.found->pattern, segs, &m.params);
        return m;
    }
    for (const auto& a : allowed) {
        if (m.allow.find(a) != std::string::npos) continue;
        m.allow += (m.allow.empty() ? "" : ", ") + a;
    }
    return m;
}

}  // namespace inspel::server
