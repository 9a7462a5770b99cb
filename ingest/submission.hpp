// A resident's submission: what arrives (a draft, from JSON or a web form), the checks it must
// pass, and the validated item that goes to the database.
//
// Checking is a pure function of the draft, run on the I/O thread before anything touches the
// disk. Every problem is reported with the field it concerns (API names: "title",
// "contact.email", "answers[2].value"), so the API can answer one JSON envelope naming the field
// and a web form can put a message beside each field. Text fields go through the same steps in
// the same order: valid UTF-8, newlines unified, no control characters, trimmed, NFC, length
// counted in characters after NFC (what a person sees), then personal data found and a redacted
// copy made.
#pragma once

#include "ingest/personal_data.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace inspel::ingest {

enum class kind { proposal, feedback, panel_response, public_question };
inline constexpr kind all_kinds[] = {kind::proposal, kind::feedback, kind::panel_response, kind::public_question};
std::optional<kind> kind_from(std::string_view name);
std::string_view name_of(kind k);

inline constexpr std::string_view feedback_types[] = {"praise", "complaint", "idea", "question"};

enum class channel { api, form };

enum class problem {
    malformed_json,       // the body is not JSON (400)
    not_an_object,        // JSON, but not an object (400)
    unknown_field,
    duplicate_field,      // a form field sent twice
    wrong_type,           // detail: the expected type
    required,
    not_applicable,       // a field that does not belong to this kind
    too_long,             // limit, actual
    invalid_utf8,
    forbidden_character,  // detail: the code point as U+XXXX
    unknown_value,        // detail: the allowed values
    invalid_email,
    invalid_phone,
    invalid_language,
    too_many,             // limit, actual
    unknown_dialogue,           // detail: the id or slug
    dialogue_not_in_execution,  // detail: the dialogue's state
    dialogue_not_yet_open,      // detail: opens_at (YYYY-MM-DD)
    dialogue_closed,            // detail: closes_at (YYYY-MM-DD)
    no_panel,                   // a panel_response to a dialogue without a frågepanel
    panel_answer,               // an answer the dialogue's frågepanel does not accept
};

struct field_error {
    field_error(std::string field, problem what, std::size_t limit = 0, std::size_t actual = 0, std::string detail = {})
        : field(std::move(field)), what(what), limit(limit), actual(actual), detail(std::move(detail)) {}

    std::string field;  // API name; "" for the body as a whole
    problem what;
    std::size_t limit;
    std::size_t actual;
    std::string detail;
    // Set when the dialogue domain worded the problem itself (its refusals, panel answers).
    std::string message_sv, message_en;
};

// What arrived, field by field, before any check. Absent and empty are the same.
struct draft {
    std::optional<std::string> kind, title, body, feedback_type, dialogue, area, language;
    std::optional<bool> consent_publish;
    std::optional<std::string> contact_name, contact_email, contact_phone;
    std::optional<nlohmann::json> answers;
};

struct parsed {
    draft fields;
    std::vector<field_error> errors;  // problems of shape: unknown fields, wrong types, bad JSON
};

// A JSON request body, as POST /api/v1/submissions receives it.
parsed from_json(std::string_view body);

// The fields of an urlencoded web form (already percent-decoded, in order). `form_kind` comes
// from the address (/forms/{kind}); field names are the API's, with contact_name, contact_email
// and contact_phone for the contact object.
parsed from_form(std::string_view form_kind, const std::vector<std::pair<std::string, std::string>>& fields);

// The checked item, normalised, with its redacted copies.
struct submission {
    ingest::kind kind;
    ingest::channel channel = channel::api;
    std::optional<std::string> feedback_type, title, title_redacted, body, body_redacted, dialogue, area;
    std::string language = "sv";
    bool consent_publish = false;
    std::optional<std::string> contact_name, contact_email, contact_phone;
    std::optional<nlohmann::json> answers, answers_redacted;
    std::vector<personal_data_kind> personal_data;  // kinds found in the free text
};

// Every problem with `p` (including those found while parsing), or the submission.
std::variant<submission, std::vector<field_error>> validate(parsed p, channel via);

// The API's error code for a problem: "malformed_json", "no_panel", "unknown_dialogue",
// "dialogue_closed", or "invalid" for the rest; and whether it is 400 (not understood) or 422.
std::string_view api_code(problem p);
bool is_bad_request(problem p);

}  // namespace inspel::ingest
