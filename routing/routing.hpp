// Triage (issue 7): does an item belong to the purpose of the dialogue it was sent to, and if not,
// what does that dialogue's commissioning decision say should become of it?
//
// Design
// ------
// This part decides; it does no I/O and reads no clock. The caller (routing/store.hpp) loads the
// open dialogues and what officials taught them, and stores what comes out, inside intake's write
// transaction, so the answer to the resident already carries the outcome.
//
// Profiles. Each dialogue becomes a bag of stemmed terms, analysed with Xapian's stemmer for the
// dialogue's own language: its title, purpose, description and frågepanel questions, its routing
// keywords (counted more: an official chose them as the words that matter), and the items officials
// confirmed as in purpose there (counted less each: many, and written by residents). Items officials
// moved OUT of the dialogue form a second, negative profile.
//
// Score. An item is analysed the same way (stop words dropped) and scored against a profile as the
// share of its informative weight the profile covers: sum of idf(t) over the item's terms found in
// the profile, divided by the sum over all its terms. idf is taken across all profiles, so a word
// every dialogue uses decides little. The score lies in [0, 1] whatever the length of the item or of
// the purpose text, which is what lets one pair of thresholds serve every dialogue. Swedish writes
// compounds as one word ("cykelbana", "gångväg"), so a term that is not in the profile but begins or
// ends with a profile term of some length counts at half weight.
//
// Decision for an item sent to a dialogue:
//   panel_response                    -> in_purpose (answers to the dialogue's own questions)
//   score >= accept                   -> in_purpose, unless another open dialogue clearly wins
//                                        (relative margin) -> outside_purpose with a suggestion
//   score <  reject                   -> outside_purpose: the dialogue's rule is applied
//   in between                        -> needs_review (a person decides)
//   closer to what officials moved out than to the profile (and not below reject) -> outside_purpose
//   the item's area is evidence: named in the dialogue's areas lifts the score, another area lowers it.
// An item sent to no dialogue is no_dialogue, handled by its kind; an open dialogue that clearly
// matches (score >= accept and a clear margin over the runner-up) is named as a suggestion.
//
// Every decision carries its explanation: score, the terms that decided it, the rule, the version
// of this logic (bump `version` whenever the logic or a constant changes, so old decisions can be
// told from new ones).
#pragma once

#include "dialogue/dialogue.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inspel::routing {

inline constexpr std::string_view version = "routing-2026.1";

enum class outcome { in_purpose, outside_purpose, needs_review, no_dialogue };
std::string_view to_string(outcome o);
std::optional<outcome> outcome_from(std::string_view s);

// The handling of an item sent to no dialogue, by its kind.
std::string_view kind_handling(std::string_view kind);

// All the tunable numbers, in one place. The defaults were chosen on the train split of
// bench/routing-eval (see docs/BENCHMARKS.md), and are shares of an item's informative weight,
// not raw counts, so they do not depend on the length of texts.
struct thresholds {
    double accept = 0.30;          // at or above: in purpose
    double reject = 0.12;          // below: outside purpose; between: needs_review
    double margin = 1.5;           // another dialogue wins "clearly" when its score is this many times higher
    double area_evidence = 0.10;   // added (item's area among the dialogue's) or subtracted (another area)
    double keyword_weight = 3.0;   // an official's keyword counts as this many occurrences
    double learned_weight = 0.5;   // each confirmed item's term counts this much
    std::size_t compound_min = 4;  // shortest profile stem matched inside a compound
};

// What the decision needs to know of one dialogue.
struct dialogue_profile {
    std::int64_t id = 0;
    std::string slug;
    std::string language = "sv";
    std::vector<std::string> texts;     // title, purpose, description, question texts
    std::vector<std::string> keywords;  // routing hints
    std::vector<std::string> areas;     // routing hints: districts the dialogue concerns
    bool open = true;                   // takes input today (its time window); only open ones are suggested
    dialogue::outside_purpose_rule outside;
    std::vector<std::string> confirmed;  // texts officials judged in purpose here
    std::vector<std::string> rejected;   // texts officials moved out of this dialogue
};

// Builds the input from a dialogue record.
dialogue_profile profile_of(std::int64_t id, const dialogue::dialogue& d, bool open);

struct item {
    std::string kind;                     // proposal | feedback | panel_response | public_question
    std::optional<std::int64_t> dialogue; // the dialogue it was sent to
    std::string text;                     // redacted title and body (and free-text answers)
    std::optional<std::string> area;
};

struct decision {
    outcome result = outcome::needs_review;
    std::optional<std::int64_t> dialogue;  // routed to / judged against / suggested
    std::optional<std::string> action;     // outside action, or the kind's handling for no_dialogue
    std::optional<std::string> department;
    std::optional<std::string> notice;     // shown to the resident when outside purpose
    std::optional<double> score;
    nlohmann::json explanation;            // {"terms","rule","version","decided_by",...}
};

class router {
public:
    explicit router(std::vector<dialogue_profile> dialogues, thresholds t = {});

    decision decide(const item& it) const;
    // The item's score against one dialogue (0 when unknown); the terms that matched, best first.
    double score(const item& it, std::int64_t dialogue, std::vector<std::string>* terms = nullptr) const;

    const std::vector<dialogue_profile>& dialogues() const { return inputs_; }
    const thresholds& limits() const { return limits_; }

private:
    struct profile {
        std::int64_t id = 0;
        std::string language;
        std::map<std::string, double> weight;      // stem -> damped count
        std::vector<std::string> stems_by_length;  // for compound matching, longest first
    };
    double score_against(const profile& p, const std::map<std::string, int>& item_terms,
                         std::vector<std::string>* terms) const;
    const profile* find(std::int64_t id) const;

    std::vector<dialogue_profile> inputs_;
    thresholds limits_;
    std::vector<profile> profiles_;
    std::vector<profile> negatives_;
    std::map<std::string, double> idf_;
};

// The rule's outcome for an item judged outside a dialogue: its action, department and notice.
void apply_outside_rule(const dialogue_profile& d, decision& out);

// One sentence for the resident saying where an item outside the purpose goes, in "sv" or "en".
std::string handling_sentence(std::string_view action, const std::optional<std::string>& department,
                              std::string_view lang);

// Content terms of a text as the routing sees them: folded, lower-cased, stop words dropped, stemmed
// for `language`; term -> occurrences.
std::map<std::string, int> analyse(std::string_view text, std::string_view language);

}  // namespace inspel::routing
