// Whether a dialogue takes a submission now: the one place intake asks, so that the dialogue
// domain (dialogue/, issue 5) is consulted in exactly one spot.
//
// The rule is the domain's (dialogue::accepts_input): input is accepted only in step 5 (state
// `execution`) and only from opens_at to closes_at inclusive, those being Swedish calendar days.
// A panel_response needs a dialogue with a frågepanel, and its answers must satisfy the panel's
// questions (dialogue::validate_answers). Dialogues are read through the dialogue store
// (dialogue/store), the one reader and writer of the dialogues table.
#pragma once

#include "dialogue/dialogue.hpp"
#include "ingest/submission.hpp"
#include "schema/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inspel::ingest {

struct dialogue_info {
    std::int64_t id = 0;
    std::string slug, title, state;
    std::optional<std::string> opens_at, closes_at;  // YYYY-MM-DD
    dialogue::dialogue model;
};

// By id (all digits) or slug.
std::optional<dialogue_info> find_dialogue(schema::connection& c, std::string_view ref);

struct admission {
    std::optional<std::int64_t> dialogue_id;  // set when admitted
    std::vector<field_error> refusals;        // set when not
};

// Runs inside the writer's transaction, so the answer holds for the item it admits.
admission admit(schema::connection& c, std::string_view dialogue_ref, kind k,
                const std::optional<nlohmann::json>& answers, std::chrono::system_clock::time_point now);

// Dialogues taking input today, soonest closing first (for the start page).
std::vector<dialogue_info> open_dialogues(schema::connection& c, std::chrono::system_clock::time_point now);

}  // namespace inspel::ingest
