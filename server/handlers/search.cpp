#include "server/handlers/search.hpp"

#include <algorithm>
#include <charconv>

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

void add_search_routes(router& r, search::index& idx) {
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
