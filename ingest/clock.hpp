// Time as Inspel writes and shows it. Stored timestamps are UTC ISO-8601 with milliseconds
// (2026-05-12T08:30:00.123Z), which sort as text. Dates that people decide (a dialogue opens on
// 1 June, closes on 30 September) are Swedish calendar days, so they are compared with the date
// in Europe/Stockholm, where every Swedish municipality is.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace inspel::ingest {

inline constexpr const char* municipal_time_zone = "Europe/Stockholm";

// 2026-05-12T08:30:00.123Z
std::string iso_utc(std::chrono::system_clock::time_point t);

// The calendar day in Sweden at `t`: 2026-05-12.
std::string swedish_date(std::chrono::system_clock::time_point t);

// A stored UTC timestamp as a person in Sweden reads it: "2026-05-12 10:30". Unchanged if not parseable.
std::string swedish_time(std::string_view iso);

}  // namespace inspel::ingest
