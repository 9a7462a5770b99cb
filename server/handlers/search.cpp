#include "server/handlers/search.hpp"

#include "server/auth.hpp"
#include "server/templates.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

namespace inspel::server::handlers {
namespace {

unsigned parse_positive(const std::string& field, const std::string& v) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || end != v.data() + v.size() || n == 0)
        throw search::query_error(field, field + " must be a positive whole number");
    return n;
}

}  // namespace

search::query_request search_request_from(const std::multimap<std::string, std::string>& query) {
    search::query_request req;
    const auto& keys = search::filter_keys();
    for (const auto& [k, v] : query) {
        if (k == "q") {
            req.text = v;
        } else if (std::find(keys.begin(), keys.end(), k) != keys.end()) {
            req.filters[k].push_back(v);
        } else if (k == "from") {
            req.from = v;
        } else if (k == "to") {
            req.to = v;
        } else if (k == "sort") {
            if (v == "relevance") req.sort = search::sort_order::relevance;
            else if (v == "newest") req.sort = search::sort_order::newest;
            else if (v == "oldest") req.sort = search::sort_order::oldest;
            else throw search::query_error("sort", "sort must be relevance, newest or oldest");
        } else if (k == "page") {
            req.page = parse_positive("page", v);
        } else if (k == "page_size") {
            req.page_size = parse_positive("page_size", v);
        } else if (k == "lang") {
            req.language = v;
        } else if (k == "facets") {
            req.want_facets = v != "0" && v != "false";
        } else {
            throw search::query_error(k, "unknown parameter '" + k + "'");
        }
    }
    return req;
}

nlohmann::json to_json(const search::query_result& result) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& it : result.items)
        items.push_back({{"id", it.id},
                         {"kind", it.kind},
                         {"title", it.title},
                         {"snippet", it.snippet},
                         {"dialogue", it.dialogue.empty() ? nlohmann::json(nullptr) : nlohmann::json(it.dialogue)},
                         {"tags", it.tags},
                         {"status", it.status},
                         {"routing", it.routing.empty() ? nlohmann::json(nullptr) : nlohmann::json(it.routing)},
                         {"area", it.area.empty() ? nlohmann::json(nullptr) : nlohmann::json(it.area)},
                         {"received_at", it.received_at}});
    nlohmann::json facets = nlohmann::json::object();
    for (const auto& [name, values] : result.facets) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
        facets[name] = list;
    }
    nlohmann::json out = {{"total", result.total},
                          {"total_is_estimate", !result.total_exact},
                          {"items", items},
                          {"facets", facets},
                          {"facets_are_estimates", !result.facets_exact},
                          {"suggestion", result.suggestion ? nlohmann::json(*result.suggestion) : nlohmann::json(nullptr)}};
    return out;
}

namespace {

using params = std::multimap<std::string, std::string>;

// Mustache treats "" as true in a {{#section}}; null is false.
nlohmann::json or_null(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

std::string href_of(const params& p) {
    std::string out = "/search";
    char sep = '?';
    for (const auto& [k, v] : p) {
        out += sep + percent_encode(k) + "=" + percent_encode(v);
        sep = '&';
    }
    return out;
}

// The current parameters with one changed: `value` toggled for `key` (facets), or set (paging).
params toggled(params p, const std::string& key, const std::string& value) {
    p.erase("page");
    for (auto it = p.begin(); it != p.end(); ++it)
        if (it->first == key && it->second == value) {
            p.erase(it);
            return p;
        }
    p.emplace(key, value);
    return p;
}

params with_page(params p, unsigned page) {
    p.erase("page");
    if (page > 1) p.emplace("page", std::to_string(page));
    return p;
}

std::string label(bool en, const std::string& facet, const std::string& value) {
    static const std::map<std::string, std::pair<const char*, const char*>> names = {
        {"proposal", {"Medborgarförslag", "Citizen proposal"}},
        {"feedback", {"Synpunkt", "Feedback"}},
        {"panel_response", {"Svar i frågepanel", "Panel response"}},
        {"public_question", {"Allmänhetens fråga", "Public question"}},
        {"received", {"Mottagen", "Received"}},
        {"in_progress", {"Under handläggning", "In progress"}},
        {"answered", {"Besvarad", "Answered"}},
        {"closed", {"Avslutad", "Closed"}},
        {"rejected", {"Avvisad", "Rejected"}},
        {"in_purpose", {"Inom syftet", "Within purpose"}},
        {"outside_purpose", {"Utanför syftet", "Outside purpose"}},
        {"needs_review", {"Behöver granskas", "Needs review"}},
        {"no_dialogue", {"Ingen dialog", "No dialogue"}},
    };
    if (facet == "kind" || facet == "status" || facet == "routing") {
        auto it = names.find(value);
        if (it != names.end()) return en ? it->second.second : it->second.first;
    }
    return value;
}

const std::vector<std::pair<std::string, std::pair<const char*, const char*>>>& facet_headings() {
    static const std::vector<std::pair<std::string, std::pair<const char*, const char*>>> h = {
        {"kind", {"Typ", "Kind"}},         {"dialogue", {"Dialog", "Dialogue"}}, {"status", {"Status", "Status"}},
        {"tag", {"Tagg", "Tag"}},          {"routing", {"Styrning", "Routing"}}, {"area", {"Område", "Area"}},
        {"month", {"Månad", "Month"}},
    };
    return h;
}

http_response search_page(const request_context& ctx, search::index& idx) {
    params p = query_of(ctx.target());
    // How many items a bulk action changed (issue 8): shown once, never carried into links.
    std::string changed;
    if (auto c = p.find("changed"); c != p.end()) changed = c->second;
    p.erase("changed");
    bool en = false;
    if (auto l = p.find("lang"); l != p.end()) en = l->second == "en";
    auto first = [&](const std::string& k) {
        auto it = p.find(k);
        return it == p.end() ? std::string() : it->second;
    };
    nlohmann::json view = {{"title", en ? "Search" : "Sök"}, {"lang", en ? "en" : "sv"}, {"q", first("q")}};
    nlohmann::json hidden = nlohmann::json::array();
    for (const auto& [k, v] : p)
        if (k != "q" && k != "sort" && k != "page") hidden.push_back({{"name", k}, {"value", v}});
    view["hidden"] = hidden;
    std::string sort = first("sort").empty() ? "relevance" : first("sort");
    nlohmann::json sorts = nlohmann::json::array();
    for (auto [value, sv, enl] : {std::tuple{"relevance", "Bäst träff först", "Best match first"},
                                  std::tuple{"newest", "Nyast först", "Newest first"},
                                  std::tuple{"oldest", "Äldst först", "Oldest first"}})
        sorts.push_back({{"value", value}, {"label", en ? enl : sv}, {"selected", sort == value}});
    view["sorts"] = sorts;

    http::status status = http::status::ok;
    try {
        params for_query = p;
        for_query.erase("lang");
        auto req = search_request_from(for_query);
        auto res = idx.search(req);
        view["total"] = res.total;
        view["estimate"] = !res.total_exact;
        view["facets_estimated"] = !res.facets_exact;
        nlohmann::json facets = nlohmann::json::array();
        for (const auto& [name, heading] : facet_headings()) {
            auto f = res.facets.find(name);
            if (f == res.facets.end() || f->second.empty() || name == "month") continue;
            nlohmann::json values = nlohmann::json::array();
            for (const auto& v : f->second) {
                bool selected = false;
                for (auto [it, end] = p.equal_range(name); it != end; ++it) selected |= it->second == v.value;
                values.push_back({{"value", label(en, name, v.value)},
                                  {"count", v.count},
                                  {"selected", selected},
                                  {"href", href_of(toggled(p, name, v.value))}});
            }
            facets.push_back({{"label", en ? heading.second : heading.first}, {"values", values}});
        }
        view["facets"] = facets;
        nlohmann::json items = nlohmann::json::array();
        for (const auto& it : res.items)
            items.push_back({{"id", it.id},
                             {"title", it.title},
                             {"kind_label", label(en, "kind", it.kind)},
                             {"received", it.received_at.substr(0, 10)},
                             {"dialogue", or_null(it.dialogue)},
                             {"area", or_null(it.area)},
                             {"status", label(en, "status", it.status)},
                             {"routing", or_null(it.routing.empty() ? "" : label(en, "routing", it.routing))},
                             {"snippet", it.snippet},
                             {"tags", it.tags},
                             {"has_tags", !it.tags.empty()}});
        view["items"] = items;
        // The bulk form (issue 8) posts the selection and comes back to this very search.
        view["has_items"] = !items.empty();
        view["return_to"] = href_of(p);
        if (!changed.empty()) view["changed"] = changed;
        view["page"] = req.page;
        if (req.page > 1) view["prev_href"] = href_of(with_page(p, req.page - 1));
        if (static_cast<std::uint64_t>(req.page) * req.page_size < res.total) view["next_href"] = href_of(with_page(p, req.page + 1));
        if (res.suggestion) {
            view["suggestion"] = *res.suggestion;
            params s = p;
            s.erase("q");
            s.emplace("q", *res.suggestion);
            view["suggestion_href"] = href_of(s);
        }
    } catch (const search::query_error& e) {
        status = http::status::bad_request;
        view["error"] = e.what();
    }
    return html_response(status, render_page("search", page_view(ctx, view)));
}

}  // namespace

void add_search_routes(router& r, search::index& idx) {
    r.add(http::verb::get, "/search", sync_handler([&idx](const request_context& ctx) { return search_page(ctx, idx); }),
          runs_on::worker, access::official);
    r.add(http::verb::get, "/api/v1/search", sync_handler([&idx](const request_context& ctx) {
              try {
                  auto req = search_request_from(query_of(ctx.target()));
                  return json_response(http::status::ok, to_json(idx.search(req)));
              } catch (const search::query_error& e) {
                  return error_response(ctx.target(), http::status::bad_request, "bad_query", e.what(), e.field);
              }
          }),
          runs_on::worker, access::official);
}

}  // namespace inspel::server::handlers
