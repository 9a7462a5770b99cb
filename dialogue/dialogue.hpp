// Dialogues (medborgardialog, brukardialog) and the decisions that carry them through the nine steps.
//
// The model
// ---------
// A dialogue exists because someone with the mandate decided it should: the commissioning decision
// (Steg 2 of the municipality's Strategi för Medborgardialog). That decision is data the rest of the
// service obeys: it says what the dialogue is for (purpose), how much residents can influence
// (the participation ladder), whom it must reach (the disability and pensioners' councils are always
// considered; children and young people are heard on what concerns them), when input is taken, and
// what becomes of input that falls outside the purpose. This part holds that record and the rules
// that move it; it does no I/O and reads no clock, so every rule is a pure function of the record,
// the caller's role and the date the caller passes in ("today", the municipality's local date).
//
// States. The nine steps alternate between work and decision points. The work phases are states;
// the decision points are the transitions between them, and each transition demands what its step
// in the policy demands:
//
//     initiative --commission (Steg 2)--> planning --launch (Steg 4)--> execution
//       --close (Steg 5 ends)--> compilation --present (Steg 7)--> feedback
//       --process (Steg 8)--> processing --decide (Steg 9)--> decided --evaluate--> evaluated
//
// A dialogue moves exactly one step forward at a time; a backward or skipping move is refused as
// out of order. Only officials and administrators record steps: elected representatives take the
// decisions in their own meetings (the record names the body, date, § and diarienummer) and read
// everything here, but change nothing. Input from residents is accepted only in `execution`, and
// only between `opens_at` and `closes_at` inclusive (see process.hpp: accepts_input).
//
// What each transition requires is checked as a whole and every gap is named, with the field path
// a client would fill (`decision.paragraph`, `target_groups.KHR`, `outside_purpose.department`), so
// an official sees the full list at once instead of fixing one error per round trip. Requirements are
// cumulative: a dialogue in `execution` satisfies everything the commission and the launch demanded.
//
// Freezing. Each field belongs to the transition that decides it (the commission decides purpose,
// influence, target groups, timeline and the outside-purpose rule; the launch decides the title,
// slug, plans and the frågepanel; later steps decide their own records). Once that transition has
// passed, the field is frozen: an ordinary edit is refused, and only a new decision (an amendment
// naming body, date, § and diarienummer) may change it. Amendments are kept in the record, so the
// history of what was decided, and when, stays complete. The owner and the routing hints are
// operational, never frozen.
//
// The record. `dialogue` below mirrors the JSON of the API field by field (parse/to_json). Fields a
// dialogue does not yet need are optional: an initiative may be little more than a title. Parsing
// checks the form of what is present (types, lengths, dates, enumerations, question definitions)
// and reports every error with its path; whether what is present is enough is the business of the
// transitions.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inspel::dialogue {

// A calendar date as the decisions write it (YYYY-MM-DD), without time of day or zone.
using day = std::chrono::year_month_day;
std::optional<day> parse_day(std::string_view text);  // strict YYYY-MM-DD, a real date
std::string format_day(day d);

enum class dialogue_kind { medborgardialog, brukardialog };
// The participation ladder (delaktighetstrappan) of the policy, lowest rung first.
enum class influence_level { information, konsultation, dialog, inflytande, medbeslutande };
enum class dialogue_state { initiative, planning, execution, compilation, feedback, processing, decided, evaluated };
// What happens to input that falls outside the dialogue's purpose, as the commission decided.
enum class outside_action { forward_to_feedback, forward_to_department, register_as_proposal, answer_directly, keep };
enum class question_type { free_text, single_choice, multiple_choice, scale };

std::string_view to_string(dialogue_kind v);
std::string_view to_string(influence_level v);
std::string_view to_string(dialogue_state v);
std::string_view to_string(outside_action v);
std::string_view to_string(question_type v);
std::optional<dialogue_kind> kind_from(std::string_view s);
std::optional<influence_level> influence_from(std::string_view s);
std::optional<dialogue_state> state_from(std::string_view s);
std::optional<outside_action> outside_action_from(std::string_view s);
std::optional<question_type> question_type_from(std::string_view s);

// One problem with a field of a record or a request; `field` is a dotted path ("decision.date",
// "questions[2].options", "target_groups.KPR").
struct field_error {
    std::string field;
    std::string message;
    bool operator==(const field_error&) const = default;
};

// A formal decision of an elected body (or, for a brukardialog, of the responsible management).
struct formal_decision {
    std::optional<std::string> body;             // e.g. Kommunstyrelsen
    std::optional<day> date;
    std::optional<std::string> paragraph;        // e.g. § 113
    std::optional<std::string> registry_number;  // diarienummer, e.g. KS2026/55
    bool empty() const { return !body && !date && !paragraph && !registry_number; }
};

// The three groups the policy names are `KHR`, `KPR` and `children_youth`; any other is free text.
struct target_group {
    std::string group;
    std::optional<bool> considered;
    std::optional<std::string> note;  // how the group is reached, or why it is not concerned
};
inline constexpr std::string_view named_groups[] = {"KHR", "KPR", "children_youth"};

struct outside_purpose_rule {
    std::optional<outside_action> action;
    std::optional<std::string> department;  // where forward_to_department sends it
    std::optional<std::string> notice;      // shown to a resident whose input falls outside
};

struct routing_hints {
    std::vector<std::string> keywords;
    std::vector<std::string> areas;
};

// A frågepanel question. Choice questions have options; scales have min and max; free text may
// set max_length (default default_free_text_length characters).
struct question {
    std::string id;
    question_type type = question_type::free_text;
    std::string text;
    std::optional<std::string> help;
    std::vector<std::string> options;
    std::optional<std::int64_t> min, max;
    std::optional<std::int64_t> max_length;
    bool required = false;
};
inline constexpr std::int64_t default_free_text_length = 4000;

// The written outcome of a step: the launch, the compilation, the proposal and the evaluation.
struct step_record {
    std::optional<std::string> summary;
    std::optional<day> date;
    bool empty() const { return !summary && !date; }
};

// Steg 7: the compilation presented to the elected representatives.
struct presentation_record {
    std::optional<std::string> to;  // the body it was presented to
    std::optional<day> date;
    bool empty() const { return !to && !date; }
};

// Steg 9: the decision taken from the dialogue, its action plan, and how residents hear of it.
struct final_decision_record {
    formal_decision decision;
    std::optional<std::string> action_plan;
    std::optional<std::string> resident_feedback;
    bool empty() const { return decision.empty() && !action_plan && !resident_feedback; }
};

// A new decision that changed fields frozen by an earlier one.
struct amendment {
    formal_decision decision;
    std::string reason;
    std::vector<std::string> fields;  // top-level fields it changed
    std::string recorded_by;
    std::string recorded_at;          // UTC timestamp
};

struct dialogue {
    std::string slug;
    std::string title;
    dialogue_kind kind = dialogue_kind::medborgardialog;
    std::string language = "sv";
    dialogue_state state = dialogue_state::initiative;
    std::optional<std::string> purpose;
    std::optional<std::string> description;
    std::optional<std::string> owner;  // username of the responsible official
    formal_decision decision;          // the commissioning decision (Steg 2)
    std::optional<influence_level> influence;
    std::vector<target_group> target_groups;
    std::optional<day> opens_at, closes_at, decision_expected;
    std::optional<std::string> communication_plan;
    std::optional<std::string> feedback_plan;
    outside_purpose_rule outside_purpose;
    routing_hints hints;
    std::vector<question> questions;
    step_record launch;       // Steg 4
    step_record compilation;  // Steg 6
    presentation_record presentation;  // Steg 7
    step_record proposal;     // Steg 8
    final_decision_record final_decision;  // Steg 9
    step_record evaluation;   // the evaluation against the commission
    std::vector<amendment> amendments;

    const target_group* group(std::string_view name) const;
    const question* find_question(std::string_view id) const;
};

struct parse_result {
    std::optional<dialogue> value;  // set when errors is empty
    std::vector<field_error> errors;
};

// Reads a dialogue from its JSON, checking the form of every field present. Unknown fields are
// errors. `state` and `amendments` are read too (stored records, imports); whether a caller may set
// them is the caller's decision (see creatable_fields in process.hpp).
parse_result parse(const nlohmann::json& j);
// The JSON of the API; fields without a value are left out.
nlohmann::json to_json(const dialogue& d);

// Limits, in characters (Unicode code points).
inline constexpr std::size_t max_title_length = 200;
inline constexpr std::size_t max_short_text = 300;    // names, paragraphs, notices' titles
inline constexpr std::size_t max_long_text = 10000;   // purpose, plans, summaries
inline constexpr std::size_t max_questions = 100;
inline constexpr std::size_t max_options = 50;

// Counts code points in valid UTF-8.
std::size_t text_length(std::string_view utf8);

}  // namespace inspel::dialogue
