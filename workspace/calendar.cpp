#include "workspace/calendar.hpp"

#include "ingest/clock.hpp"

#include <cstdio>

namespace inspel::workspace {
namespace {

using namespace std::chrono;

// Easter Sunday (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
date easter(int y) {
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month_ = (h + l - 7 * m + 114) / 31, day_ = ((h + l - 7 * m + 114) % 31) + 1;
    return year{y} / month{static_cast<unsigned>(month_)} / day{static_cast<unsigned>(day_)};
}

date shifted(date d, int n) { return date{sys_days(d) + days(n)}; }

// The day of `weekday` in [first, first + 6] of the month.
bool is_weekday_between(date d, weekday wd, unsigned m, unsigned first, unsigned last) {
    return weekday(sys_days(d)) == wd && d.month() == month{m} && static_cast<unsigned>(d.day()) >= first &&
           static_cast<unsigned>(d.day()) <= last;
}

}  // namespace

bool is_public_holiday(date d) {
    unsigned m = static_cast<unsigned>(d.month()), dd = static_cast<unsigned>(d.day());
    if ((m == 1 && (dd == 1 || dd == 6)) || (m == 5 && dd == 1) || (m == 6 && dd == 6) ||
        (m == 12 && (dd == 24 || dd == 25 || dd == 26 || dd == 31)))
        return true;
    date e = easter(static_cast<int>(d.year()));
    if (d == shifted(e, -2) || d == e || d == shifted(e, 1) || d == shifted(e, 39) || d == shifted(e, 49)) return true;
    // Midsummer Eve: the Friday between 19 and 25 June; Midsummer Day the Saturday after.
    if (is_weekday_between(d, Friday, 6, 19, 25) || is_weekday_between(d, Saturday, 6, 20, 26)) return true;
    // All Saints' Day: the Saturday between 31 October and 6 November.
    if (weekday(sys_days(d)) == Saturday && ((m == 10 && dd == 31) || (m == 11 && dd <= 6))) return true;
    return false;
}

bool is_working_day(date d) {
    weekday wd(sys_days{d});
    return wd != Saturday && wd != Sunday && !is_public_holiday(d);
}

date add_working_days(date from, int n) {
    date d = from;
    while (n > 0) {
        d = shifted(d, 1);
        if (is_working_day(d)) --n;
    }
    return d;
}

std::optional<date> swedish_day_of(std::string_view iso_utc) {
    // swedish_time gives "YYYY-MM-DD HH:MM" in Swedish time, or the input when it cannot parse it.
    std::string local = ingest::swedish_time(iso_utc);
    int y = 0;
    unsigned mo = 0, dd = 0;
    if (local.size() < 10 || std::sscanf(local.c_str(), "%4d-%2u-%2u", &y, &mo, &dd) != 3) return std::nullopt;
    date d{year{y}, month{mo}, day{dd}};
    if (!d.ok()) return std::nullopt;
    return d;
}

date swedish_today(system_clock::time_point now) {
    auto d = swedish_day_of(ingest::iso_utc(now));
    return d ? *d : date{floor<days>(now)};
}

std::string format(date d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

}  // namespace inspel::workspace
