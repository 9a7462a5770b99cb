#include "server/app.hpp"

#include "server/auth.hpp"
#include "server/handlers/accounts.hpp"
#include "server/handlers/dialogues.hpp"
#include "server/handlers/exports.hpp"
#include "server/handlers/intake.hpp"
#include "server/handlers/operations.hpp"
#include "server/handlers/search.hpp"
#include "server/handlers/triage.hpp"
#include "server/handlers/workspace.hpp"

namespace inspel::server {

app::app(config::settings settings) : settings_(std::move(settings)) {
    config::prepare_data_dir(settings_);
    db_ = std::make_unique<schema::database>(settings_.data_dir, settings_.commit_delay);
    accounts_ = std::make_unique<accounts::service>(*db_, settings_);
    index_ = std::make_unique<search::index>(settings_.data_dir, *db_);
    add_routes();
    if (settings_.export_nightly) {
        try {
            nightly_ = std::make_unique<exporting::nightly>(*db_, exporting::nightly_settings_from(settings_));
        } catch (const std::invalid_argument& e) {
            throw config::config_error("export.time_zone", e.what());
        }
        nightly_->start();
    }
    server_ = std::make_unique<server>(settings_, router_, metrics_);
    // Completions (mostly answers to residents) go to the I/O threads in one piece per commit.
    db_->run_completions_with([s = server_.get()](std::function<void()> f) { s->post(std::move(f)); });
    // First, so every later middleware and handler sees who is asking.
    server_->use(make_auth_middleware(*accounts_, router_));
}

app::~app() {
    if (db_) db_->run_completions_with(nullptr);
    server_.reset();
    // The export reads through the database, so it stops before it.
    if (nightly_) nightly_->stop();
    // Mail delivery and retention write through the database, so they stop before it.
    if (workspace_) workspace_->stop();
    // The indexer writes through the database, so it stops first.
    if (index_) index_->stop();
    if (db_) db_->stop();
}

void app::add_routes() {
    handlers::add_operations_routes(router_, metrics_, *db_, *index_);
    handlers::add_accounts_routes(router_, *accounts_, *db_, settings_);
    handlers::add_search_routes(router_, *index_);
    intake_ = handlers::add_intake_routes(router_, *db_, settings_, metrics_);
    handlers::add_dialogue_routes(router_, *db_);
    handlers::add_export_routes(router_, *db_, exporting::nightly_settings_from(settings_).out_dir);
    workspace_ = handlers::add_workspace_routes(router_, *db_, *index_, settings_, metrics_);
    handlers::add_triage_routes(router_, *db_);
}

void app::run(bool handle_signals) {
    server_->run(handle_signals);
    db_->run_completions_with(nullptr);  // the I/O threads have stopped
    if (nightly_) nightly_->stop();
    workspace_->stop();
    index_->stop();
    db_->stop();
}

}  // namespace inspel::server
