// The time accounts/ runs on. It reads the system clock, but can be moved forward, so tests
// can let sessions expire and login delays pass without waiting: the service takes a clock and
// tests keep a handle to it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace inspel::accounts {

class clock {
public:
    using time_point = std::chrono::system_clock::time_point;

    time_point now() const {
        auto base = frozen_ ? time_point(std::chrono::system_clock::duration(frozen_at_.load()))
                            : std::chrono::system_clock::now();
        return base + std::chrono::seconds(skew_.load());
    }
    std::int64_t unix_seconds() const {
        return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    }
    // ISO 8601 UTC with milliseconds, e.g. 2024-05-01T10:00:00.000Z: the form stored in the database.
    std::string iso8601() const;

    // For tests: from now on this clock reads `by` later than before. Thread-safe.
    void advance(std::chrono::seconds by) { skew_ += by.count(); }
    // For tests: stops the clock where it is, so only advance() moves it.
    void freeze() {
        frozen_at_ = std::chrono::system_clock::now().time_since_epoch().count();
        frozen_ = true;
    }

private:
    std::atomic<std::int64_t> skew_{0};
    std::atomic<bool> frozen_{false};
    std::atomic<std::chrono::system_clock::rep> frozen_at_{0};
};

}  // namespace inspel::accounts
