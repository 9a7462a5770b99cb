// Dialogues in the database: reading them, and recording creations, edits, amendments and steps.
//
// The dialogue itself is one JSON document (`dialogues.definition`, the shape of the API); the
// columns beside it (slug, title, kind, language, state, opens_at, closes_at) are copies of the
// parts other code queries, rewritten from the document on every save so they never disagree.
// `dialogue_transitions` keeps every step taken with the data its decision fixed.
//
// Every change runs inside the caller's write transaction (a write_job's apply, on the single
// writer): the read of the current record, the rules of dialogue/process.hpp, the write, the
// history row and the audit row (accounts::append_audit) commit together or not at all. A refusal
// writes nothing and comes back as an outcome, not an exception.
#pragma once

#include "dialogue/dialogue.hpp"
#include "dialogue/process.hpp"
#include "schema/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inspel::dialogue::store {

struct stored {
    std::int64_t id = 0;
    dialogue record;
    std::string created_at, updated_at;  // UTC ISO-8601
};

struct history_entry {
    std::int64_t id = 0;
    dialogue_state from = dialogue_state::initiative, to = dialogue_state::initiative;
    std::string decided_by, decided_at;
    nlohmann::json decision;
};

// By id (all digits) or slug; nullopt when there is none (or the stored JSON is unreadable, which
// the CHECK constraints and this part's own writes rule out).
std::optional<stored> find(schema::connection& c, std::string_view ref);
// All dialogues, or those in one state; newest first.
std::vector<stored> list(schema::connection& c, std::optional<dialogue_state> only = std::nullopt);
// The steps a dialogue took, oldest first.
std::vector<history_entry> history(schema::connection& c, std::int64_t id);

// The Swedish calendar day (Europe/Stockholm) and the UTC timestamp of `t`: decisions are dated in
// Swedish days, records are stamped in UTC.
day swedish_day(std::chrono::system_clock::time_point t);
std::string utc_timestamp(std::chrono::system_clock::time_point t);

// Who changes what, from where, and when.
struct request {
    std::string actor;           // username ("system" for the command line)
    std::string role;            // admin | official | elected
    std::string client_address;  // empty from the command line
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

enum class status {
    ok,
    not_found,
    forbidden,   // 403: the role may not
    invalid,     // 422: malformed request or fields
    conflict,    // 409: a step out of order, a frozen field, a slug in use
    incomplete,  // 422: the step's requirements are missing (errors name each)
};

struct outcome {
    status result = status::ok;
    std::optional<stored> value;
    std::vector<field_error> errors;
    bool changed = false;  // false when nothing needed writing (an empty PATCH, an import already done)
};

// POST /api/v1/dialogues.
outcome create(schema::connection& c, const nlohmann::json& body, const request& r);
// PATCH /api/v1/dialogues/{ref}: a merge patch, with "amendment" for frozen fields.
outcome update(schema::connection& c, std::string_view ref, const nlohmann::json& patch, const request& r);
// POST /api/v1/dialogues/{ref}/transitions: {"to": STATE, "note": "...", ...fields the step decides}.
outcome transition(schema::connection& c, std::string_view ref, const nlohmann::json& body, const request& r);
// `inspel dialogue import`: a whole dialogue, possibly in a later state. Idempotent by slug: a
// slug already present is left as it is (changed = false).
outcome import(schema::connection& c, const nlohmann::json& definition, const request& r);

}  // namespace inspel::dialogue::store
