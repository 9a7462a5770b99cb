// The officials' workspace over HTTP (issue 8): the item page and its forms, the submissions,
// tags, notes, answers, templates, overdue and personal-data APIs, and the search page's bulk
// actions. Handlers translate; the rules live in workspace/.
#pragma once

#include "config/config.hpp"
#include "schema/database.hpp"
#include "search/index.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"
#include "workspace/workspace.hpp"

#include <memory>

namespace inspel::server::handlers {

struct workspace_area {
    workspace_area(schema::database& db, search::index& idx, const config::settings& settings)
        : db(db), index(idx), settings(settings), tasks(db, settings) {}
    // Stops mail delivery and retention; before the database stops.
    void stop() { tasks.stop(); }

    schema::database& db;
    search::index& index;
    const config::settings& settings;
    workspace::background tasks;
};

std::unique_ptr<workspace_area> add_workspace_routes(router& r, schema::database& db, search::index& idx,
                                                     const config::settings& settings, metrics& stats);

}  // namespace inspel::server::handlers
