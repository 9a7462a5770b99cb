#pragma once

#include "search/document.hpp"
#include "search/facets.hpp"
#include "search/query.hpp"

#include <functional>
#include <map>
#include <vector>

#include <xapian.h>

namespace inspel::search {

// What a result row shows, read from the source of truth for the page's ids.
using row_loader = std::function<std::map<std::int64_t, indexed_item>(const std::vector<std::int64_t>& ids)>;

// Runs one search against an open database whose facet values `facets` holds. Throws query_error
// on bad syntax or parameters.
query_result run_query(Xapian::Database& db, const facet_table& facets, const query_request& request,
                       const row_loader& load_rows);

// The ids of every item the request matches (its text and filters; paging and sort are ignored), in
// id order, for a bulk action over a whole result. More than `limit` matches is a query_error.
std::vector<std::int64_t> match_ids(Xapian::Database& db, const query_request& request, std::size_t limit);

}  // namespace inspel::search
