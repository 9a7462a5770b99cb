// The frågepanel: a resident's answers checked against the dialogue's questions.
//
// A panel_response carries "answers": [{"question": "q1", "value": 4}, ...]: a string for single
// choice and free text, a list of strings for multiple choice, a whole number for a scale. A question
// left out, answered with null, an empty or blank string, or an empty list counts as unanswered;
// that is an error only for a required question. Everything else is checked against the question's
// definition, and every problem is reported per question so a form can show each one beside its
// field.
#pragma once

#include "dialogue/dialogue.hpp"

#include <map>

namespace inspel::dialogue {

struct answer_error {
    std::string question;  // the question id ("" when the answers as a whole are malformed)
    std::string code;      // invalid | unknown_question | duplicate | required | wrong_type |
                           // not_an_option | out_of_range | too_long
    std::string message;   // in the language asked for
    bool operator==(const answer_error&) const = default;
};

// Every problem with `answers` for dialogue `d`, in question order; empty when they are acceptable.
// `lang` is "sv" (residents' forms) or "en".
std::vector<answer_error> validate_answers(const dialogue& d, const nlohmann::json& answers,
                                           std::string_view lang = "en");

// The name of the HTML form field that carries the answer to `q`: "answer_<id>" (repeated for the
// options of a multiple choice question).
std::string form_field(const question& q);

// The answers array built from a submitted HTML form's fields (see form_field). Scale answers that
// are whole numbers become numbers; anything else is kept as typed, so validate_answers reports it.
nlohmann::json answers_from_form(const dialogue& d, const std::multimap<std::string, std::string>& fields);

}  // namespace inspel::dialogue
