#include "common/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace inspel::log {
namespace {
std::atomic<bool> quiet_{false};

std::string utc_now() {
    using namespace std::chrono;
    auto now = system_clock::now();
    auto secs = system_clock::to_time_t(now);
    auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
    return buf;
}
}  // namespace

void set_quiet(bool quiet) { quiet_ = quiet; }

void write(std::string_view level, std::string_view event, nlohmann::json fields) {
    if (quiet_ && level != "error") return;
    // Ordered, so every line starts with when, how bad and what.
    nlohmann::ordered_json line = {{"ts", utc_now()}, {"level", level}, {"event", event}};
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    // One write(2) per line keeps lines whole when threads log at once.
    std::size_t off = 0;
    while (off < text.size()) {
        ssize_t n = ::write(STDERR_FILENO, text.data() + off, text.size() - off);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
    }
}

}  // namespace inspel::log
