// The words residents and officials read about a dialogue, in plain Swedish (and English): the rungs
// of the participation ladder as the policy explains them, the names of the steps, and what becomes
// of input outside a dialogue's purpose. Kept here, beside the rules, so every page and API answer
// explains the same decision the same way.
#pragma once

#include "dialogue/dialogue.hpp"

namespace inspel::dialogue {

// What residents can influence at this level, in a sentence or two (Strategi för Medborgardialog, 2).
std::string_view influence_name(influence_level v, std::string_view lang);
std::string_view influence_explanation(influence_level v, std::string_view lang);

// The step a state is, as the policy names it ("Genomförande (steg 5)").
std::string_view state_label(dialogue_state s, std::string_view lang);
// The decision or act that moves a dialogue into `s` ("Igångsättning (steg 4)").
std::string_view transition_label(dialogue_state s, std::string_view lang);

// What happens to input outside the purpose under `rule`, for residents.
std::string outside_purpose_explanation(const outside_purpose_rule& rule, std::string_view lang);

std::string_view kind_label(dialogue_kind k, std::string_view lang);

}  // namespace inspel::dialogue
