// What the export reads from the database: the counts of a dialogue's compilation, and its items one
// at a time. Everything here runs inside the caller's read transaction and holds no rows beyond the
// one being visited (the aggregates are bounded by the number of kinds, areas, tags and questions).
#pragma once

#include "dialogue/store/store.hpp"
#include "export/export.hpp"

#include <map>

namespace inspel::exporting {

// One item as every file shows it, read straight from the row SQLite returns: the texts are views of
// the row's columns, valid during the visit only (copy what must outlive it). Text is the redacted
// copy; contact data is never read.
struct item_row {
    std::int64_t id = 0;
    std::string_view kind;           // proposal | feedback | panel_response | public_question
    std::string_view feedback_type;  // praise | complaint | idea | question, or ""
    std::string_view received_at;    // UTC timestamp (internal) or the day (public)
    std::string_view area, language, status;
    std::string_view title, text;    // redacted
    std::string_view answers;        // the redacted answers as stored (JSON [{question, value}]), "" for none
    bool consent_publish = false;
    std::string_view routing_outcome;  // "" when not decided yet
    std::string_view routing_action;
    std::optional<double> routing_score;
    std::optional<std::int64_t> duplicate_of;
    std::vector<std::string_view> tags;      // by name
    std::vector<std::string> personal_data;  // kinds the redaction found
    bool has_contact = false;

    bool awaiting_review() const { return routing_outcome.empty() || routing_outcome == "needs_review"; }
    // The answers parsed (null when there are none or they are not JSON), for the XLSX and the report.
    nlohmann::json parsed_answers() const;
};

struct count {
    std::string key;
    std::int64_t n = 0;
};

// The frågepanel's answers to one question.
struct question_result {
    const dialogue::question* q = nullptr;
    std::int64_t answered = 0;
    std::vector<std::int64_t> option_counts;  // per option (choices) or per step min..max (scale)
    std::int64_t other = 0;                   // answers matching no option (a question changed by an amendment)
    double sum = 0;                           // scale: for the mean
};

struct participation_group {
    std::string group, label;
    std::optional<bool> considered;
    std::string note;
    std::optional<std::int64_t> responses;  // counted when a frågepanel choice question names the group
};

// The groups of items the report lists.
enum class item_filter {
    in_purpose_with_tag,  // the key is the tag's name
    in_purpose_untagged,
    outside_purpose_with_action,  // the key is the action
    awaiting_review,
};

struct compilation {
    const dialogue::store::stored* dialogue = nullptr;
    std::vector<dialogue::store::history_entry> history;
    audience who = audience::internal;
    // The data's high-water mark (export.hpp): what must change for the export to change. Counts and
    // the latest ids and timestamps of the dialogue's items (whatever the audience), their tags and
    // routing decisions, and the dialogue's own last change.
    nlohmann::json high_water_mark;

    std::int64_t items = 0;           // in this audience's set
    std::int64_t total_received = 0;  // every item of the dialogue, whatever the audience
    std::vector<count> by_kind;       // all four kinds, in a fixed order
    std::vector<count> by_area;       // "" = no area given; by count, then name
    std::vector<std::string> targeted_areas;  // routing_hints.areas
    std::vector<count> by_status;     // internal only
    std::vector<participation_group> target_groups;

    std::int64_t in_purpose = 0, outside_purpose = 0, awaiting_review = 0;
    std::vector<count> in_purpose_by_tag;  // by count, then name
    std::int64_t in_purpose_untagged = 0;
    std::vector<count> outside_by_action;  // by count, then action
    std::int64_t panel_responses = 0;
    std::vector<question_result> questions;
    // The frågepanel responses of the audience that hold answers, by id: where the free-text answers
    // are (8 bytes an item, so listing them needs no second pass over every item).
    std::vector<std::int64_t> panel_with_answers;
    // The first `list_limit` items of each group the report lists, by id: few, so that the report
    // reads them by id rather than searching the table for each group.
    std::map<std::pair<item_filter, std::string>, std::vector<std::int64_t>> listed;
};

// Reads the counts of dialogue `d`'s compilation for `who`, its high-water mark and the first
// `list_limit` items of each group the report lists, in one pass over its items.
compilation compile(schema::connection& c, const dialogue::store::stored& d, audience who,
                    std::size_t list_limit = 0);

// Visits every item of the compilation's audience, by id.
void for_each_item(schema::connection& c, const compilation& comp, const std::function<void(const item_row&)>& visit);

// Visits the items the report lists for group (f, key), as compile() noted them, by id.
void for_each_listed(schema::connection& c, const compilation& comp, item_filter f, const std::string& key,
                     const std::function<void(const item_row&)>& visit);

// Visits the non-empty answers to free-text question `question_id`, by item id, at most `limit` (0: all).
void for_each_free_text(schema::connection& c, const compilation& comp, const std::string& question_id,
                        std::size_t limit, const std::function<void(std::int64_t item, const std::string& text)>& visit);

// Swedish names for what the files show.
std::string_view kind_label(std::string_view kind);          // Medborgarförslag, ...
std::string_view kind_label_plural(std::string_view kind);   // Medborgarförslag, Synpunkter, ...
std::string_view action_label(std::string_view action);      // Skickas till synpunktshanteringen, ...
std::string_view routing_label(std::string_view outcome);    // Inom syftet, ...
std::string_view status_label(std::string_view status);
std::string_view feedback_type_label(std::string_view type);
std::string group_label(std::string_view group);             // KHR -> Kommunala handikapprådet (KHR)
inline constexpr std::string_view kinds[] = {"proposal", "feedback", "panel_response", "public_question"};

// The text of one answer value: options joined by "; ", numbers as digits.
std::string answer_text(const nlohmann::json& value);

}  // namespace inspel::exporting
