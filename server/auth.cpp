#include "server/auth.hpp"

#include "accounts/crypto.hpp"

#include <stdexcept>

namespace inspel::server {
namespace {

bool changes_state(http::verb v) {
    return v == http::verb::post || v == http::verb::put || v == http::verb::patch || v == http::verb::delete_;
}

std::optional<accounts::required> required_for(access who) {
    switch (who) {
        case access::anyone: return std::nullopt;
        case access::signed_in: return accounts::required::signed_in;
        case access::official: return accounts::required::official;
        case access::admin: return accounts::required::admin;
    }
    return accounts::required::admin;
}

std::shared_ptr<const principal> principal_of(const accounts::authenticated& a) {
    auto p = std::make_shared<principal>();
    p->user_id = a.who.user_id;
    p->username = a.who.username;
    p->role = std::string(accounts::to_string(a.who.role));
    p->via_token = a.via_token;
    p->csrf_token = a.csrf_token;
    return p;
}

bool is_form(const http_request& req) {
    std::string_view type = req[http::field::content_type];
    return type.substr(0, type.find(';')) == "application/x-www-form-urlencoded";
}

bool csrf_ok(const http_request& req, const std::string& expected) {
    if (expected.empty()) return false;
    std::string_view header = req["X-CSRF-Token"];
    if (!header.empty()) return accounts::crypto::constant_time_equal(header, expected);
    if (!is_form(req)) return false;
    auto form = form_of(req.body());
    auto it = form.find("csrf_token");
    return it != form.end() && accounts::crypto::constant_time_equal(it->second, expected);
}

http_response unauthorized(const request_context& ctx, std::string_view code, std::string_view message) {
    auto res = error_response(ctx.target(), http::status::unauthorized, code, message);
    if (is_api_path(ctx.target())) res.set(http::field::www_authenticate, "Bearer realm=\"inspel\"");
    return res;
}

}  // namespace

middleware make_auth_middleware(accounts::service& accounts, const router& routes) {
    for (const auto& r : routes.routes())
        if (r->where == runs_on::io && r->who != access::anyone)
            throw std::logic_error("route " + r->pattern +
                                   " needs a signed-in user but runs on the I/O thread, where sessions cannot be looked "
                                   "up; register it with runs_on::worker");

    return [&accounts](request_context& ctx, const router::route& r) -> std::optional<http_response> {
        if (r.where == runs_on::io) return std::nullopt;
        const http_request& req = ctx.request;
        std::string_view authorization = req[http::field::authorization];
        if (!authorization.empty()) {
            constexpr std::string_view scheme = "Bearer ";
            if (authorization.size() <= scheme.size() ||
                !std::equal(scheme.begin(), scheme.end(), authorization.begin(),
                            [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
                return unauthorized(ctx, "unauthorized", "Only 'Authorization: Bearer TOKEN' is understood here.");
            auto token = authorization.substr(scheme.size());
            token.remove_prefix(std::min(token.find_first_not_of(' '), token.size()));
            auto who = accounts.authenticate_token(token);
            if (!who) return unauthorized(ctx, "invalid_token", "The API token is unknown or has been revoked.");
            ctx.user = principal_of(*who);
        } else if (auto cookie = cookie_value(req, session_cookie_name)) {
            if (auto who = accounts.authenticate_session(*cookie)) {
                if (!changes_state(req.method()) || csrf_ok(req, who->csrf_token)) {
                    ctx.user = principal_of(*who);
                } else if (r.who != access::anyone) {
                    return error_response(ctx.target(), http::status::forbidden, "csrf",
                                          "This request lacks the session's CSRF token (X-CSRF-Token header or "
                                          "csrf_token form field). Reload the page and try again.");
                }
            }
        }

        auto needed = required_for(r.who);
        if (!needed) return std::nullopt;
        if (!ctx.user) {
            if (!is_api_path(ctx.target()) && req.method() == http::verb::get) {
                http_response res{http::status::see_other, 11};
                res.set(http::field::location, "/login?next=" + percent_encode(ctx.target()));
                res.set(http::field::cache_control, "no-store");
                return res;
            }
            return unauthorized(ctx, "unauthorized", "Sign in, or send an API token, to use this.");
        }
        auto role = accounts::parse_role(ctx.user->role);
        if (!role || !accounts::role_allows(*role, *needed))
            return error_response(ctx.target(), http::status::forbidden, "forbidden",
                                  "Your role (" + ctx.user->role + ") may not do this.");
        return std::nullopt;
    };
}

std::string session_cookie(const std::string& secret, const config::settings& settings) {
    // No Max-Age: the cookie ends with the browser; the server ends the session on its own limits.
    return std::string(session_cookie_name) + "=" + secret + "; Path=/; HttpOnly; SameSite=Lax" +
           (settings.secure_cookies() ? "; Secure" : "");
}

std::string expired_session_cookie(const config::settings& settings) {
    return std::string(session_cookie_name) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" +
           (settings.secure_cookies() ? "; Secure" : "");
}

std::optional<std::string> cookie_value(const http_request& req, std::string_view name) {
    for (auto it = req.find(http::field::cookie); it != req.end() && it->name() == http::field::cookie; ++it) {
        std::string_view rest = it->value();
        while (!rest.empty()) {
            auto semi = rest.find(';');
            std::string_view pair = rest.substr(0, semi);
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            pair.remove_prefix(std::min(pair.find_first_not_of(' '), pair.size()));
            auto eq = pair.find('=');
            if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
            auto value = pair.substr(eq + 1);
            while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            return std::string(value);
        }
    }
    return std::nullopt;
}

std::multimap<std::string, std::string> form_of(std::string_view body) {
    return query_of("?" + std::string(body));
}

nlohmann::json page_view(const request_context& ctx, nlohmann::json view) {
    if (ctx.user) {
        view["user"] = {{"name", ctx.user->username}, {"role", ctx.user->role}};
        view["csrf_token"] = ctx.user->csrf_token;
    }
    return view;
}

std::string local_redirect(std::string_view next) {
    // Only "/something" on this site: not "//host", not "/\host" (browsers read both as another
    // host), no control characters that could split a header.
    bool local = !next.empty() && next.front() == '/' && (next.size() == 1 || (next[1] != '/' && next[1] != '\\'));
    for (char c : next)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) local = false;
    return local ? std::string(next) : std::string("/official");
}

std::string percent_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace inspel::server
