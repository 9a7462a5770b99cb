// Working days in Sweden, for response deadlines.
//
// A deadline of "N working days" counts the days after the day an item arrived that are neither
// Saturday, Sunday, a public holiday (allmän helgdag: New Year's Day, Epiphany, Good Friday,
// Easter Monday, 1 May, Ascension Day, National Day, Midsummer Day, All Saints' Day, Christmas
// Day, Boxing Day; Easter Sunday and Whitsun fall on Sundays anyway), nor one of the three eves
// the law on computing statutory time (lag 1930:173) treats like them: Midsummer Eve, Christmas
// Eve and New Year's Eve. The deadline is the end of the Nth such day; an item is overdue from the
// next calendar day. Days are Swedish calendar days (Europe/Stockholm), as people count them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace inspel::workspace {

using date = std::chrono::year_month_day;

bool is_public_holiday(date d);
bool is_working_day(date d);
// The Nth working day after `from` (from itself does not count); `from` when n is 0.
date add_working_days(date from, int n);

// The Swedish calendar day of a stored UTC timestamp (2026-05-12T22:30:00.000Z -> 2026-05-13).
std::optional<date> swedish_day_of(std::string_view iso_utc);
date swedish_today(std::chrono::system_clock::time_point now);
std::string format(date d);

}  // namespace inspel::workspace
