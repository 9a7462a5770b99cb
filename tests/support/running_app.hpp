// The real Inspel service in this process, on an ephemeral port, with its own data directory.
#pragma once

#include "common/log.hpp"
#include "server/app.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

#include <functional>
#include <memory>
#include <thread>

namespace inspel::test {

inline config::settings test_settings(const std::filesystem::path& data_dir) {
    config::settings s;
    s.listen_host = "127.0.0.1";
    s.listen_port = 0;
    s.threads = 2;
    s.data_dir = data_dir;
    s.shutdown_deadline = std::chrono::seconds(5);
    return s;
}

class running_app {
public:
    // `adjust` may change the settings before the service starts.
    explicit running_app(std::function<void(config::settings&)> adjust = {}) { start(adjust); }
    ~running_app() { stop(); }

    void start(const std::function<void(config::settings&)>& adjust = {}) {
        log::set_quiet(true);
        auto s = test_settings(dir_.path());
        if (adjust) adjust(s);
        app_ = std::make_unique<server::app>(s);
        app_->listen();
        port_ = app_->local_endpoint().port();
        thread_ = std::thread([this] { app_->run(false); });
    }
    // Stops the service and closes its database, as a shutdown would.
    void stop() {
        if (!app_) return;
        app_->stop();
        thread_.join();
        app_.reset();
    }
    void restart(const std::function<void(config::settings&)>& adjust = {}) {
        stop();
        start(adjust);
    }

    unsigned short port() const { return port_; }
    http_client client() const { return http_client(port_); }
    server::app& app() { return *app_; }
    const std::filesystem::path& data_dir() const { return dir_.path(); }

private:
    temp_dir dir_;
    std::unique_ptr<server::app> app_;
    std::thread thread_;
    unsigned short port_ = 0;
};

}  // namespace inspel::test
