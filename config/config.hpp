// Inspel's settings: one struct, one place that fills it.
//
// Every setting has a built-in default (below), a key in the TOML config file, and an
// environment variable; some also have a command-line flag. Later sources win:
//     defaults < config file < environment < flags
// Unknown keys are refused rather than ignored, so a misspelt setting never silently falls
// back to its default. Validation happens here too, so the server never starts half-configured.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace inspel::config {

struct settings {
    // --- server ---
    std::string listen_host = "127.0.0.1";           // address to listen on
    std::uint16_t listen_port = 8080;                // port; 0 picks a free one (tests)
    unsigned threads = 0;                            // I/O threads; 0 = one per core
    std::chrono::seconds read_timeout{30};           // a request must arrive within this
    std::size_t header_limit = 16 * 1024;            // bytes of request line + headers
    std::size_t body_limit = 1024 * 1024;            // bytes of body; more answers 413
    std::chrono::seconds shutdown_deadline{10};      // time allowed to finish requests on SIGTERM
    std::string public_url = "http://127.0.0.1:8080";  // how residents reach the site; https => Secure cookies
    std::vector<std::string> trusted_proxies;        // peers whose X-Forwarded-For is believed

    // --- storage ---
    std::filesystem::path data_dir = "var";          // SQLite database and Xapian index live here
    std::chrono::milliseconds commit_delay{0};       // extra wait to gather a bigger group commit

    // --- officials' sessions ---
    std::chrono::minutes session_idle{30};           // a session unused this long ends
    std::chrono::hours session_absolute{12};         // no session lives longer than this

    // --- resident intake abuse limits ---
    double rate_limit_per_minute = 60;               // sustained POSTs per client; 0 turns it off
    double rate_limit_burst = 20;                    // POSTs a client may send at once
    std::chrono::seconds form_min_fill{3};           // a form sent faster than this is a bot

    // --- officials' workspace: deadlines, mail to residents, retention (issue 8) ---
    // Per kind (proposal, feedback, panel_response, public_question); 0 means no deadline / no rule.
    std::map<std::string, int> acknowledge_days = {{"proposal", 2}, {"feedback", 2}, {"public_question", 2},
                                                   {"panel_response", 0}};  // working days to take an item up
    std::map<std::string, int> answer_days = {{"proposal", 10}, {"feedback", 10}, {"public_question", 10},
                                              {"panel_response", 0}};       // working days to answer it
    std::map<std::string, int> retention_months = {{"proposal", 0}, {"feedback", 0}, {"public_question", 0},
                                                   {"panel_response", 0}};  // months, then contact data goes
    std::string smtp_server;                         // HOST:PORT of the mail relay; empty sends no mail
    std::string mail_from = "inspel@localhost";      // the From address of mail to residents
    std::chrono::milliseconds mail_retry_initial{30'000};  // first wait after a failed delivery
    std::chrono::milliseconds mail_retry_max{3'600'000};   // the wait doubles up to this

    // --- nightly export of each dialogue's compiled results (issue 9) ---
    std::filesystem::path export_dir;                // internal compilations; empty = DATA/exports
    std::filesystem::path export_public_dir;         // public compilations too, each night; empty = none
    std::string export_time_zone = "Europe/Stockholm";  // the municipality's zone for the nightly run
    std::chrono::minutes export_time{2 * 60};        // local time of day of the nightly run (02:00)
    bool export_nightly = true;                      // `serve` runs the export every night

    bool secure_cookies() const { return public_url.rfind("https://", 0) == 0; }
};

// A bad setting: `key` names where it came from (a file key, an environment variable or a flag).
struct config_error : std::runtime_error {
    config_error(std::string key, const std::string& problem)
        : std::runtime_error(key + ": " + problem), key(std::move(key)) {}
    std::string key;
};

// Where the settings come from. `flags` maps a setting's key (e.g. "server.listen") to its value.
struct sources {
    std::optional<std::filesystem::path> file;
    std::map<std::string, std::string> environment;  // usually read from ::environ
    std::map<std::string, std::string> flags;
};

// Builds the settings from all sources in precedence order; throws config_error.
settings load(const sources& from);

// The process environment, restricted to INSPEL_* variables.
std::map<std::string, std::string> inspel_environment();

// Creates the data dir if needed and proves it writable; throws config_error.
void prepare_data_dir(const settings& s);

// The documentation of every setting: key, environment variable, default, meaning.
struct setting_doc {
    std::string key;
    std::string env;
    std::string flag;
    std::string meaning;
};
std::vector<setting_doc> documentation();

}  // namespace inspel::config
