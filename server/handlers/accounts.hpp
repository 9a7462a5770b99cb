// Routes for officials' accounts: sessions (JSON and the login page), the officials' start
// page, and the audit trail. The logic lives in accounts/; these translate HTTP to it and back.
#pragma once

#include "accounts/service.hpp"
#include "config/config.hpp"
#include "schema/database.hpp"
#include "server/router.hpp"

namespace inspel::server::handlers {

void add_accounts_routes(router& r, accounts::service& accounts, schema::database& db,
                         const config::settings& settings);

}  // namespace inspel::server::handlers
