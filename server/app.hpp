// The whole service in one object: settings in, a listening server out. main() and the
// integration tests both build Inspel through this, so the tests run what users run.
#pragma once

#include "accounts/service.hpp"
#include "config/config.hpp"
#include "export/nightly.hpp"
#include "schema/database.hpp"
#include "search/index.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"
#include "server/server.hpp"

#include <memory>

namespace inspel::server {

namespace handlers {
struct intake_area;
struct workspace_area;
}

class app {
public:
    // Opens the database (migrating it) and the index, and registers every route.
    explicit app(config::settings settings);
    ~app();

    void listen() { server_->listen(); }
    boost::asio::ip::tcp::endpoint local_endpoint() const { return server_->local_endpoint(); }
    // Serves until stop() or a signal, then closes the database. Every acknowledged write is committed.
    void run(bool handle_signals = true);
    void stop() { server_->stop(); }

    schema::database& database() { return *db_; }
    accounts::service& accounts() { return *accounts_; }
    const config::settings& settings() const { return settings_; }

private:
    void add_routes();

    config::settings settings_;
    metrics metrics_;
    router router_;
    std::unique_ptr<schema::database> db_;
    std::unique_ptr<accounts::service> accounts_;
    std::unique_ptr<search::index> index_;
    std::unique_ptr<handlers::intake_area> intake_;
    std::unique_ptr<exporting::nightly> nightly_;  // the nightly export, when export_nightly is on
    std::unique_ptr<handlers::workspace_area> workspace_;
    std::unique_ptr<server> server_;
};

}  // namespace inspel::server
