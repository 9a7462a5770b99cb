#pragma once

#include "search/query.hpp"

#include <xapian.h>

namespace inspel::search {

// Runs one search against an open database. Throws query_error on bad syntax or parameters.
query_result run_query(Xapian::Database& db, const query_request& request);

}  // namespace inspel::search
