// A dialogue that satisfies every step, in the JSON of the issue, and helpers to bend it.
#pragma once

#include "dialogue/dialogue.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

namespace inspel::test {

inline nlohmann::json complete_dialogue_json() {
    return nlohmann::json::parse(R"({
  "slug": "cykelplan-2027", "title": "Cykelplan 2027", "kind": "medborgardialog", "language": "sv",
  "purpose": "Vilka cykelstråk ska kommunen prioritera de kommande fem åren?",
  "description": "En enkät och två öppna möten om cykelstråken i centrum.",
  "owner": "anna.handlaggare",
  "decision": {"body": "Kommunstyrelsen", "date": "2026-05-12", "paragraph": "§ 113", "registry_number": "KS2026/55"},
  "influence_level": "konsultation",
  "target_groups": [{"group": "KHR", "considered": true, "note": "Remiss till rådet i juni"},
                    {"group": "KPR", "considered": true, "note": "Möte med rådet"},
                    {"group": "children_youth", "considered": true, "note": "Skolbesök"},
                    {"group": "Boende i centrum"}],
  "opens_at": "2026-06-01", "closes_at": "2026-09-30", "decision_expected": "2026-12-15",
  "communication_plan": "Annonser, affischer vid cykelställ och sociala medier.",
  "feedback_plan": "Sammanställningen publiceras på webben och skickas till alla som lämnat e-post.",
  "outside_purpose": {"action": "forward_to_department", "department": "Samhällsbyggnadsförvaltningen",
                      "notice": "Din synpunkt gäller inte cykelplanen och skickas till Samhällsbyggnadsförvaltningen."},
  "routing_hints": {"keywords": ["cykel", "cykelbana"], "areas": ["Centrum"]},
  "questions": [
    {"id": "q1", "type": "scale", "text": "Hur trygg känner du dig på cykel?", "min": 1, "max": 5, "required": true},
    {"id": "q2", "type": "single_choice", "text": "Cyklar du till jobbet?", "options": ["Ja", "Nej", "Vet inte"]},
    {"id": "q3", "type": "multiple_choice", "text": "Vilka stråk använder du?", "options": ["Norr", "Söder", "Centrum"]},
    {"id": "q4", "type": "free_text", "text": "Något mer?", "max_length": 50}],
  "launch": {"date": "2026-05-30", "summary": "Avstämt med kommunstyrelsens arbetsutskott."},
  "compilation": {"date": "2026-10-10", "summary": "312 svar; tryggheten i korsningar är störst fråga."},
  "presentation": {"to": "Kommunstyrelsen", "date": "2026-11-01"},
  "proposal": {"date": "2026-11-20", "summary": "Tre stråk föreslås prioriteras."},
  "final_decision": {"body": "Kommunfullmäktige", "date": "2026-12-14", "paragraph": "§ 201",
                     "registry_number": "KS2026/55", "action_plan": "Bygg stråk Norr 2027.",
                     "resident_feedback": "Brev till alla deltagare och en artikel på webben."},
  "evaluation": {"date": "2026-12-18", "summary": "Bra spridning; få svar från unga."}
})");
}

inline dialogue::dialogue parsed(const nlohmann::json& j) {
    auto r = dialogue::parse(j);
    if (!r.value) {
        std::string all;
        for (const auto& e : r.errors) all += e.field + ": " + e.message + "; ";
        BOOST_FAIL("sample does not parse: " << all);
    }
    return *r.value;
}

inline dialogue::day on(const char* text) { return *dialogue::parse_day(text); }

}  // namespace inspel::test
