// Triage in the database: the routing decision taken inside intake's write transaction, officials'
// overrides, and the review queue.
//
// The current decision is stored on the submission (routing_* columns, duplicate_of) and every
// decision is appended to routing_decisions: the machine's first, then each official's. What
// officials decided is also what the routing learns from: items they confirmed in a dialogue join
// its profile, items they moved out of a dialogue join its negative profile (routing.hpp).
//
// Building the profiles reads every open dialogue and the officials' decisions, so the router is
// cached per writer and rebuilt only when a dialogue changed, the day changed (dialogues open and
// close by date) or an official decided something (a process-wide generation counter). All writes
// here run inside the caller's write_job, so a decision, its audit row and its index-outbox row
// commit together.
#pragma once

#include "routing/duplicates.hpp"
#include "routing/routing.hpp"
#include "schema/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace inspel::routing {

// How many of the most recent items (sent to the same dialogue, or to none) a new one is compared
// with for near-duplicates: a campaign arrives within days, and the comparison stays cheap.
inline constexpr int duplicate_window = 500;
// How many officials' decisions the profiles learn from (the most recent).
inline constexpr int learned_window = 2000;

// The router for the writer thread, rebuilt when what it depends on changed.
class cache {
public:
    cache();
    ~cache();
    const router& get(schema::connection& c, std::chrono::system_clock::time_point now);
    recent_shingles& recent();

private:
    struct state;
    std::unique_ptr<state> state_;
};

// Loads the profiles of the dialogues in execution (open = taking input today) with what officials
// taught them.
std::vector<dialogue_profile> load_profiles(schema::connection& c, std::chrono::system_clock::time_point now);

// A new item's route, decided before the item is stored, so that one INSERT writes the item with
// its decision (the routing_* columns and duplicate_of; see ingest/intake.cpp).
struct new_route {
    decision d;
    std::optional<std::int64_t> duplicate_of;  // the first of the near-duplicates it repeats
    std::string explanation;                   // d.explanation as JSON text, as stored
    std::vector<std::uint64_t> shingles;       // of its text; empty for panel responses
};
new_route route_new(schema::connection& c, const router& r, recent_shingles& recent, const item& it);
// Records the route of the item just stored under submission_id: the machine's row in
// routing_decisions, and the item among the recent ones later items are compared with. Call in the
// same transaction as the insert.
void record_new(schema::connection& c, recent_shingles& recent, std::int64_t submission_id, const item& it,
                new_route route, const std::string& at);

// The part of a decision a resident may see: {"outcome", "action", "department", "notice"} when the
// item fell outside the dialogue's purpose, else null.
nlohmann::json resident_view(std::string_view outcome, const std::optional<std::string>& explanation_json);

// An official's decision: POST /api/v1/submissions/{id}/routing.
struct override_request {
    std::string outcome;
    std::optional<std::string> dialogue;  // id or slug
    std::optional<std::string> reason;
    std::string actor, client_address, at;
};
struct override_result {
    enum class status { ok, not_found, invalid } result = status::ok;
    std::string field, message;  // for invalid
};
override_result apply_override(schema::connection& c, std::int64_t submission_id, const override_request& r);

// Items waiting for a person, oldest first.
struct review_entry {
    std::int64_t id = 0;
    std::string kind, received_at, title, excerpt;
    std::optional<std::string> dialogue_slug, dialogue_title;
    std::optional<double> score;
    std::vector<std::string> terms;
};
std::vector<review_entry> review_queue(schema::connection& c, int limit);

}  // namespace inspel::routing
