#include "ingest/clock.hpp"

#include <unicode/timezone.h>

#include <cstdio>
#include <memory>
#include <mutex>

namespace inspel::ingest {
namespace {

using namespace std::chrono;

// Offset from UTC in Sweden at `t` (one hour, two in summer), from ICU's time zone data.
milliseconds swedish_offset(system_clock::time_point t) {
    static std::mutex m;
    static std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(municipal_time_zone));
    std::lock_guard lock(m);
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    auto when = static_cast<UDate>(duration_cast<milliseconds>(t.time_since_epoch()).count());
    zone->getOffset(when, false, raw, dst, status);
    if (U_FAILURE(status)) return hours(1);  // CET; ICU's data is compiled in, so this does not happen in practice
    return milliseconds(raw + dst);
}

std::string format(system_clock::time_point t, bool with_time, bool iso) {
    auto day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss hms{floor<milliseconds>(t - day)};
    char buf[40];
    if (iso)
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                      static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                      static_cast<int>(hms.subseconds().count()));
    else if (with_time)
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
    else
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                      static_cast<unsigned>(ymd.day()));
    return buf;
}

}  // namespace

std::string iso_utc(system_clock::time_point t) { return format(t, true, true); }

std::string swedish_date(system_clock::time_point t) { return format(t + swedish_offset(t), false, false); }

std::string swedish_time(std::string_view iso) {
    int y, mo, d, h, mi, s;
    if (iso.size() < 19 ||
        std::sscanf(std::string(iso.substr(0, 19)).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
        return std::string(iso);
    sys_days day = year{y} / month{static_cast<unsigned>(mo)} / ::std::chrono::day{static_cast<unsigned>(d)};
    system_clock::time_point t = day + hours(h) + minutes(mi) + seconds(s);
    return format(t + swedish_offset(t), true, false);
}

}  // namespace inspel::ingest
