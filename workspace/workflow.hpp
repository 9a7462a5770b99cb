// The workflow of one item, as a pure state machine: which status may follow which, and what a
// step needs. No I/O: items.cpp asks it before it writes anything.
//
//   received ──> in_progress ──> answered ──> closed
//       │             │             ^   │
//       │             └─> rejected  │   └──> in_progress (a follow-up question reopens it)
//       ├──> answered (answered at once) 
//       └──> rejected, closed
//   closed, rejected ──> in_progress (reopened)
//
// `answered` is reached only by answering (POST .../answer), never by setting the status, so an
// item can never be "answered" without an answer the resident can read. `rejected` needs a
// reason: the resident is owed one. Nothing goes back to `received`: it means "nobody has
// looked at this yet", which stops being true once someone has.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inspel::workspace {

enum class status { received, in_progress, answered, closed, rejected };

std::string_view to_string(status s);
std::optional<status> parse_status(std::string_view s);
const std::vector<status>& all_statuses();
// "Mottagen", "Under handläggning", ... ("sv") or "Received", ... ("en").
std::string_view status_label(status s, std::string_view lang);

// Why a change is refused: the request field it concerns and a sentence for a person.
struct problem {
    std::string field;
    std::string message;
};

// May an item in `from` be set to `to` (with `reason`, needed for rejected)? Nothing when it may.
// from == to is not a step; callers treat it as "nothing to do" before asking.
std::optional<problem> check_status_change(status from, status to, std::string_view reason);

// May an item in `from` be answered now?
std::optional<problem> check_answer(status from);

// The statuses an official can choose on the item page from `from` (answered is not among them).
std::vector<status> next_statuses(status from);

}  // namespace inspel::workspace
