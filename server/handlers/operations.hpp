// Routes for the people who run Inspel: liveness, readiness, metrics, static files.
#pragma once

#include "schema/database.hpp"
#include "search/index.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"

namespace inspel::server::handlers {

void add_operations_routes(router& r, metrics& stats, schema::database& db, search::index& idx);

}  // namespace inspel::server::handlers
