// Triage (issue 7): does an item belong to the purpose of the dialogue it was sent to, and if not,
// what does that dialogue's commissioning decision say should become of it?
//
// Design
// ------
// This part decides; it does no I/O and reads no clock. The caller (routing/store.hpp) loads the
// open dialogues and what officials taught them, and stores what comes out, inside intake's write
// transaction, so the answer to the resident already carries the outcome.
//
// Model. Each dialogue is a class with a word distribution, analysed with Xapian's stemmer for the
// dialogue's own language: its title, purpose, description and frågepanel questions, its routing
// keywords (counted more: an official chose them as the words that matter), and the items officials
// confirmed as in purpose there. One more class, "outside", stands for everything else: the items
// officials moved out of any dialogue. Every dialogue is smoothed towards all the text the router
// knows (a Dirichlet prior), so a word a dialogue has never seen counts for it only as much as the
// word is common in general; the outside class is smoothed towards no word in particular.
//
// Score. An item is analysed the same way (stop words dropped; a Swedish compound the vocabulary
// does not know stands for its longest known head and tail: "kärnkraftsolyckan" for "kärnkraft"
// and "olyckan") and scored per class by its log-likelihood, as multinomial naive Bayes does;
// words no class has seen are left out, being equally unlikely under all. The score of a
// dialogue is its posterior probability among all classes, in [0, 1]: high when the item's words
// are typical of that dialogue and of no other, low when another dialogue or the outside class
// explains them better. A word all dialogues use decides nothing. Because the score is a
// probability, one pair of thresholds serves every dialogue, however long its purpose text.
//
// Decision for an item sent to a dialogue:
//   panel_response                    -> in_purpose (answers to the dialogue's own questions)
//   score >= accept                   -> in_purpose
//   learned outside (the outside class, taught by officials, wins) -> outside_purpose
//   score <  reject                   -> outside_purpose: the dialogue's rule is applied, and an
//                                        open dialogue scoring >= accept is named as a suggestion
//   in between                        -> needs_review (a person decides)
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

inline constexpr std::string_view version = "routing-2026.2";

enum class outcome { in_purpose, outside_purpose, needs_review, no_dialogue };
std::string_view to_string(outcome o);
std::optional<outcome> outcome_from(std::string_view s);

// The handling of an item sent to no dialogue, by its kind.
std::string_view kind_handling(std::string_view kind);

// All the tunable numbers, in one place. The thresholds are posterior probabilities, chosen on the
// tuning set of bench/routing-eval (see docs/BENCHMARKS.md), never on the set reported.
struct thresholds {
    double accept = 0.70;          // at or above: in purpose
    double reject = 0.03;          // below: outside purpose; between: needs_review
    double area_evidence = 0.10;   // added (item's area among the dialogue's) or subtracted (another area)
    double keyword_weight = 3.0;   // an official's keyword counts as this many occurrences
    double learned_weight = 1.0;   // each word of an item officials judged counts this much
    double prior_weight = 20.0;    // Dirichlet prior: how many words of background each class starts with
    double evidence_scale = 1.0;   // log-likelihoods are divided by this before the posterior
    std::size_t compound_min = 4;  // shortest known stem (bytes) an unknown compound stands for
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
    struct model {
        std::map<std::string, double, std::less<>> count;  // stem -> weighted occurrences
        double total = 0;
    };
    // An item's terms per language, analysed once per decision.
    using analysed = std::map<std::string, std::map<std::string, int>, std::less<>>;
    std::map<std::string, int> analyse_known(std::string_view text, std::string_view language) const;
    const std::map<std::string, int>& terms_in(analysed& cache, std::string_view text, const std::string& language) const;
    // Log-likelihood of the item's terms under a class, and the terms it favours most over the background.
    double log_likelihood(const model& m, const std::map<std::string, int>& terms) const;
    std::vector<std::string> telling_terms(const model& m, const std::map<std::string, int>& terms) const;
    // Posterior of every dialogue (same order as inputs_) and of the outside class (last).
    std::vector<double> posteriors(const item& it, analysed& terms) const;
    std::optional<std::size_t> index_of(std::int64_t dialogue) const;

    std::vector<dialogue_profile> inputs_;
    thresholds limits_;
    std::vector<model> dialogues_;
    model outside_;
    model background_;
    std::size_t outside_taught_ = 0;            // items officials moved out, in outside_
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
