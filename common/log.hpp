// Structured logging: one JSON object per line on stderr. Callers pass fields, never request
// bodies or anything a resident wrote: logs are read by operators, not by case handlers.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace inspel::log {

// Writes {"ts": ..., "level": ..., "event": ..., <fields>} as one line, atomically.
void write(std::string_view level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

inline void info(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    write("info", event, std::move(fields));
}
inline void error(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    write("error", event, std::move(fields));
}

// Silences logging below errors (tests and benchmarks that flood the server).
void set_quiet(bool quiet);

}  // namespace inspel::log
