#include "export/schedule.hpp"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <mutex>
#include <stdexcept>

namespace inspel::exporting {

using namespace std::chrono;

struct time_zone::impl {
    std::unique_ptr<icu::BasicTimeZone> zone;
    mutable std::mutex m;  // ICU zones are not documented as safe for concurrent calls
};

time_zone::time_zone(const std::string& name) : impl_(std::make_unique<impl>()), name_(name) {
    std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(name)));
    icu::UnicodeString id;
    tz->getID(id);
    auto* basic = dynamic_cast<icu::BasicTimeZone*>(tz.get());
    if (id == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID) || !basic)
        throw std::invalid_argument("unknown time zone '" + name + "' (use a tz database name such as Europe/Stockholm)");
    tz.release();
    impl_->zone.reset(basic);
}

time_zone::~time_zone() = default;
time_zone::time_zone(time_zone&&) noexcept = default;
time_zone& time_zone::operator=(time_zone&&) noexcept = default;

dialogue::day time_zone::local_day(sys_time t) const {
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    {
        std::lock_guard lock(impl_->m);
        impl_->zone->getOffset(static_cast<UDate>(duration_cast<milliseconds>(t.time_since_epoch()).count()), false,
                               raw, dst, status);
    }
    if (U_FAILURE(status)) throw std::runtime_error("time zone " + name_ + ": cannot compute the offset");
    return year_month_day{floor<days>(t + milliseconds(raw + dst))};
}

sys_time time_zone::instant(dialogue::day d, minutes time_of_day) const {
    // The wall-clock reading as if it were UTC, then shifted by the zone's offset at that reading.
    auto wall = sys_days(d) + time_of_day;
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    {
        std::lock_guard lock(impl_->m);
        impl_->zone->getOffsetFromLocal(static_cast<UDate>(duration_cast<milliseconds>(wall.time_since_epoch()).count()),
                                        UCAL_TZ_LOCAL_FORMER, UCAL_TZ_LOCAL_FORMER, raw, dst, status);
    }
    if (U_FAILURE(status)) throw std::runtime_error("time zone " + name_ + ": cannot convert a local time");
    return time_point_cast<system_clock::duration>(wall - milliseconds(raw + dst));
}

nightly_schedule::nightly_schedule(time_zone zone, minutes time_of_day, std::optional<dialogue::day> last_run)
    : zone_(std::move(zone)), at_(time_of_day), last_run_(last_run) {}

std::optional<dialogue::day> nightly_schedule::due(sys_time now) const {
    auto today = zone_.local_day(now);
    if (last_run_ && sys_days(*last_run_) >= sys_days(today)) return std::nullopt;
    if (now < zone_.instant(today, at_)) return std::nullopt;
    return today;
}

sys_time nightly_schedule::next(sys_time now) const {
    if (due(now)) return now;
    auto today = zone_.local_day(now);
    auto tonight = zone_.instant(today, at_);
    if (now < tonight && !(last_run_ && sys_days(*last_run_) >= sys_days(today))) return tonight;
    return zone_.instant(year_month_day{sys_days(today) + days(1)}, at_);
}

}  // namespace inspel::exporting
