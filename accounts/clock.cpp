#include "accounts/clock.hpp"

#include <cstdio>

namespace inspel::accounts {

std::string clock::iso8601() const {
    using namespace std::chrono;
    auto t = floor<milliseconds>(now());
    auto day = floor<days>(t);
    year_month_day d(day);
    hh_mm_ss<milliseconds> hms(t - day);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    return buf;
}

}  // namespace inspel::accounts
