// Triage over HTTP (issue 7): officials' overrides of a routing decision and the review queue page.
// The decision logic and its storage live in routing/; GET /api/v1/submissions/{id} (workspace.cpp)
// already shows the routing object.
#pragma once

#include "schema/database.hpp"
#include "server/router.hpp"

namespace inspel::server::handlers {

void add_triage_routes(router& r, schema::database& db);

}  // namespace inspel::server::handlers
