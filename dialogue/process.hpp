// The nine steps as rules: which step comes next, what it requires, who may record it, which fields
// it freezes, how a record is created, edited and amended, and whether input is accepted today.
// The model is explained at the top of dialogue/dialogue.hpp.
#pragma once

#include "dialogue/dialogue.hpp"

#include <span>

namespace inspel::dialogue {

// The state after `s`, or nullopt after `evaluated`.
std::optional<dialogue_state> next_state(dialogue_state s);

// Roles as the accounts part names them: "admin", "official", "elected". Only officials and
// administrators record decisions and edits; elected representatives read.
bool may_change(std::string_view role);

enum class verdict {
    allowed,
    forbidden,     // the role may not record steps
    out_of_order,  // backward, repeated, or skipping a step
    incomplete,    // requirements missing: every one is named
};

struct transition_check {
    verdict result = verdict::allowed;
    std::vector<field_error> problems;
    bool ok() const { return result == verdict::allowed; }
};

// Whether `role` may move `d` (which already holds any data sent with the transition) to `to` on `today`.
transition_check check_transition(const dialogue& d, dialogue_state to, std::string_view role, day today);

// What `d` lacks to have passed every transition up to and including the one into `s`. Rules
// relative to a date ("not after today", "the window has closed") are checked only when `today` is
// given: they hold at the moment of a transition, not forever after.
std::vector<field_error> requirements_through(const dialogue& d, dialogue_state s,
                                              std::optional<day> today = std::nullopt);

// The top-level JSON fields decided by the transition into `s`.
std::span<const std::string_view> fields_decided_by(dialogue_state s);
// The state whose transition decides `field`; nullopt for fields that never freeze (owner, routing_hints).
std::optional<dialogue_state> deciding_state(std::string_view field);
bool is_frozen(const dialogue& d, std::string_view field);

// The data a transition into `to` decided, as the history records it.
nlohmann::json decision_snapshot(const dialogue& d, dialogue_state to);

// Who asks, and when: the caller's identity, the role of its account, today's local date, and a
// UTC timestamp for the record.
struct edit_context {
    std::string actor;
    std::string role;
    day today;
    std::string timestamp;
};

enum class edit_status {
    ok,
    forbidden,  // the role may not change dialogues
    invalid,    // malformed fields, or an amendment that is incomplete
    frozen,     // a frozen field without a new decision
};

struct edit_result {
    edit_status status = edit_status::ok;
    std::optional<dialogue> value;     // the record after the edit, when ok
    std::vector<field_error> errors;
    std::vector<std::string> changed;  // top-level fields that changed
    std::vector<std::string> amended;  // of those, the frozen ones a new decision changed
};

// A new dialogue from the JSON of POST /api/v1/dialogues. It starts at `initiative` (sending
// another state is an error) and, when no owner is named, belongs to the official creating it.
edit_result create(const nlohmann::json& body, const edit_context& ctx);

// Applies a JSON merge patch (RFC 7386) to `current`. Frozen fields change only when the patch
// carries "amendment": {"body", "date", "paragraph", "registry_number", "reason"}: the new decision,
// which is appended to the record's amendments. The result must still satisfy every step passed.
edit_result apply_edit(const dialogue& current, const nlohmann::json& patch, const edit_context& ctx);

// A dialogue loaded from a file (seeding, tests): it may stand in any state, provided it satisfies
// every step up to that state.
std::vector<field_error> check_import(const dialogue& d);

// --- input from residents -------------------------------------------------------------------------

enum class input_status {
    open,          // in execution and inside its window
    not_launched,  // still initiative or planning
    not_yet_open,  // launched, but the window opens later
    closed,        // launched, the window has passed
    finished,      // compilation or later
};

struct input_check {
    input_status status = input_status::open;
    bool accepted() const { return status == input_status::open; }
};

// Whether the dialogue takes residents' input on `today` (the municipality's local date).
input_check accepts_input(const dialogue& d, day today);

// A sentence for the resident whose input was refused, in "sv" or "en".
std::string refusal_message(const dialogue& d, input_check c, std::string_view lang);

}  // namespace inspel::dialogue
