// Officials' search: GET /api/v1/search.
#pragma once

#include "search/index.hpp"
#include "server/router.hpp"

namespace inspel::server::handlers {

void add_search_routes(router& r, search::index& idx);

// Reads a search request from a query string; throws search::query_error naming the bad parameter.
search::query_request search_request_from(const std::multimap<std::string, std::string>& query);
nlohmann::json to_json(const search::query_result& result);

}  // namespace inspel::server::handlers
