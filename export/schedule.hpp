// When the nightly export runs: a local time of day in the municipality's time zone, once per local
// day, daylight-saving days included.
//
// The zone's rules come from ICU's copy of the tz database (GCC 12's <chrono> has no zoned_time, and
// ICU already decides what "today" is for dialogues). A local time the clocks skip (02:30 on the last
// Sunday of March in Stockholm) runs at the first instant after the gap; a time that happens twice
// (02:30 on the last Sunday of October) runs at its first occurrence and not again. A run missed
// because the service was down runs as soon as it is back, once, for that day.
//
// Nothing here reads the clock: the schedule answers for the instant it is given, so tests drive it
// across a daylight-saving change with a fake clock.
#pragma once

#include "dialogue/dialogue.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace inspel::exporting {

using sys_time = std::chrono::system_clock::time_point;

class time_zone {
public:
    // Throws std::invalid_argument for a zone the tz database does not know.
    explicit time_zone(const std::string& name);
    ~time_zone();
    time_zone(time_zone&&) noexcept;
    time_zone& operator=(time_zone&&) noexcept;

    // The local calendar day at `t`.
    dialogue::day local_day(sys_time t) const;
    // The first instant at which the local clock on day `d` has reached `time_of_day` (see above).
    sys_time instant(dialogue::day d, std::chrono::minutes time_of_day) const;
    const std::string& name() const { return name_; }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::string name_;
};

class nightly_schedule {
public:
    nightly_schedule(time_zone zone, std::chrono::minutes time_of_day, std::optional<dialogue::day> last_run = {});

    // The local day whose run is due at `now`: its time has come and it has not run yet.
    std::optional<dialogue::day> due(sys_time now) const;
    void done(dialogue::day d) { last_run_ = d; }
    // When the next run falls due after `now` (now itself when one is due).
    sys_time next(sys_time now) const;
    std::optional<dialogue::day> last_run() const { return last_run_; }
    const time_zone& zone() const { return zone_; }

private:
    time_zone zone_;
    std::chrono::minutes at_;
    std::optional<dialogue::day> last_run_;
};

}  // namespace inspel::exporting
