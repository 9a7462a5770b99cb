// Response deadlines: which open items have waited longer than the municipality promised.
//
// Two promises per kind (settings.acknowledge_days, settings.answer_days, in Swedish working days,
// see calendar.hpp): an item is taken up (leaves `received`) within the first, and answered,
// closed or rejected within the second. An item is overdue from the day after its deadline. The
// list and the /metrics gauge are computed on demand from the open items (status received or
// in_progress); nothing is stored, so changing a setting changes the answer at once.
#pragma once

#include "schema/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace inspel::workspace {

struct deadline_rules {
    std::map<std::string, int> acknowledge_days;  // kind -> working days; 0: none
    std::map<std::string, int> answer_days;
};

struct overdue_item {
    std::int64_t id = 0;
    std::string kind, status, received_at, title, deadline;  // deadline: "acknowledge" or "answer"
    std::string due;                                          // the last day it was on time, YYYY-MM-DD
    std::optional<std::string> assignee;
};

// Overdue open items, the longest overdue first. An item past both deadlines is listed once, as "answer".
std::vector<overdue_item> overdue(schema::connection& c, const deadline_rules& rules,
                                  std::chrono::system_clock::time_point now);

// How many, per kind (every kind present, 0 when none).
std::map<std::string, double> overdue_by_kind(schema::connection& c, const deadline_rules& rules,
                                              std::chrono::system_clock::time_point now);

}  // namespace inspel::workspace
