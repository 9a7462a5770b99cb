#include "workspace/workspace.hpp"

#include "common/log.hpp"
#include "workspace/personal_data.hpp"

#include <algorithm>

namespace inspel::workspace {

deadline_rules rules_of(const config::settings& s) { return {s.acknowledge_days, s.answer_days}; }

background::background(schema::database& db, const config::settings& settings)
    : db_(db), retention_months_(settings.retention_months), mail_(db, settings) {
    bool any_rule = std::any_of(retention_months_.begin(), retention_months_.end(), [](const auto& kv) { return kv.second > 0; });
    if (any_rule) retention_ = std::thread([this] { run_retention(); });
}

background::~background() { stop(); }

void background::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
    }
    if (retention_.joinable()) retention_.join();
    mail_.stop();
}

void background::run_retention() {
    auto next = std::chrono::steady_clock::now() + first_retention_run;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (wake_.wait_until(lock, next, [&] { return stopping_; })) return;
        }
        try {
            auto done = db_.write_and_wait([this](schema::connection& c) {
                return apply_retention(c, retention_months_, std::chrono::system_clock::now());
            });
            ++retention_runs_;
            log::info("retention_applied", {{"items", done.size()}});
        } catch (const std::exception& e) {
            log::error("retention_failed", {{"what", e.what()}});
        }
        next = std::chrono::steady_clock::now() + std::chrono::hours(24);
    }
}

}  // namespace inspel::workspace
