// Dialogues over HTTP: the API (/api/v1/dialogues...), the public page of a dialogue in execution
// (/dialogues/{slug}), and the officials' pages (/official/dialogues...). Handlers translate; the
// rules live in dialogue/ and the records in dialogue/store/.
#pragma once

#include "dialogue/panel.hpp"
#include "schema/database.hpp"
#include "server/router.hpp"

#include <nlohmann/json.hpp>

namespace inspel::server::handlers {

void add_dialogue_routes(router& r, schema::database& db);

// The view of a dialogue's frågepanel for the partial templates/panel_questions.mustache: one entry
// per question with its field name (dialogue::form_field), label, options (checked as answered),
// scale steps, and the error beside it. `answers` are those typed so far (answers_from_form), kept
// when the form comes back with errors. For the form at /forms/panel_response?dialogue=SLUG.
nlohmann::json panel_questions_view(const dialogue::dialogue& d, const nlohmann::json& answers,
                                    const std::vector<dialogue::answer_error>& errors, std::string_view lang);

}  // namespace inspel::server::handlers
