#include "dialogue/wording.hpp"

namespace inspel::dialogue {

namespace {
std::string_view pick(std::string_view lang, std::string_view sv, std::string_view en) { return lang == "en" ? en : sv; }
}  // namespace

std::string_view influence_name(influence_level v, std::string_view lang) {
    switch (v) {
        case influence_level::information: return pick(lang, "Information", "Information");
        case influence_level::konsultation: return pick(lang, "Konsultation", "Consultation");
        case influence_level::dialog: return pick(lang, "Dialog", "Dialogue");
        case influence_level::inflytande: return pick(lang, "Inflytande", "Influence");
        case influence_level::medbeslutande: return pick(lang, "Medbeslutande", "Co-decision");
    }
    return {};
}

std::string_view influence_explanation(influence_level v, std::string_view lang) {
    switch (v) {
        case influence_level::information:
            return pick(lang, "Kommunen berättar vad som händer. Du kan inte påverka beslutet här.",
                        "The municipality tells you what is happening. You cannot influence the decision here.");
        case influence_level::konsultation:
            return pick(lang,
                        "Kommunen lyssnar på vad du tycker. Dina svar vägs in när de förtroendevalda sedan "
                        "fattar beslut, men det är de som bestämmer.",
                        "The municipality listens to what you think. Your answers are weighed in when the elected "
                        "representatives later decide, but they make the decision.");
        case influence_level::dialog:
            return pick(lang,
                        "Vi resonerar tillsammans om olika alternativ och byter tankar och idéer. Ingen lösning "
                        "väljs i dialogen; de förtroendevalda beslutar efteråt.",
                        "We reason together about different options and exchange thoughts and ideas. No solution "
                        "is chosen in the dialogue; the elected representatives decide afterwards.");
        case influence_level::inflytande:
            return pick(lang,
                        "Du får direkt inflytande: inom ramen för dialogen påverkar du tillsammans med de "
                        "förtroendevalda vad som blir av.",
                        "You get direct influence: within the dialogue you shape the outcome together with the "
                        "elected representatives.");
        case influence_level::medbeslutande:
            return pick(lang,
                        "Du är med och bestämmer: de förtroendevalda har lämnat över beslutet i vissa frågor, "
                        "inom bestämda ramar, till dem som deltar.",
                        "You take part in deciding: within set limits, the elected representatives have handed "
                        "the decision on certain questions to those who take part.");
    }
    return {};
}

std::string_view state_label(dialogue_state s, std::string_view lang) {
    switch (s) {
        case dialogue_state::initiative: return pick(lang, "Initiativ (steg 1)", "Initiative (step 1)");
        case dialogue_state::planning: return pick(lang, "Planering (steg 3)", "Planning (step 3)");
        case dialogue_state::execution: return pick(lang, "Genomförande (steg 5)", "Under way (step 5)");
        case dialogue_state::compilation: return pick(lang, "Sammanställning (steg 6)", "Compilation (step 6)");
        case dialogue_state::feedback: return pick(lang, "Återkoppling (steg 7)", "Feedback (step 7)");
        case dialogue_state::processing: return pick(lang, "Bearbetning (steg 8)", "Processing (step 8)");
        case dialogue_state::decided:
            return pick(lang, "Beslut och åtgärdsplan (steg 9)", "Decision and action plan (step 9)");
        case dialogue_state::evaluated: return pick(lang, "Utvärderad", "Evaluated");
    }
    return {};
}

std::string_view transition_label(dialogue_state s, std::string_view lang) {
    switch (s) {
        case dialogue_state::initiative: return pick(lang, "Initiativ", "Initiative");
        case dialogue_state::planning: return pick(lang, "Beslut om uppdrag (steg 2)", "Commission (step 2)");
        case dialogue_state::execution: return pick(lang, "Beslut om igångsättning (steg 4)", "Launch (step 4)");
        case dialogue_state::compilation:
            return pick(lang, "Insamlingen avslutas, sammanställning börjar (steg 6)",
                        "Input closes, compilation begins (step 6)");
        case dialogue_state::feedback:
            return pick(lang, "Sammanställningen lämnas till de förtroendevalda (steg 7)",
                        "The compilation goes to the elected representatives (step 7)");
        case dialogue_state::processing:
            return pick(lang, "Bearbetning och förslag till beslut (steg 8)", "Processing and proposals (step 8)");
        case dialogue_state::decided:
            return pick(lang, "Beslut och åtgärdsplan (steg 9)", "Decision and action plan (step 9)");
        case dialogue_state::evaluated:
            return pick(lang, "Utvärdering av dialogen", "Evaluation of the dialogue");
    }
    return {};
}

std::string outside_purpose_explanation(const outside_purpose_rule& rule, std::string_view lang) {
    if (!rule.action) return {};
    bool en = lang == "en";
    switch (*rule.action) {
        case outside_action::forward_to_feedback:
            return en ? "It is passed on to the municipality's ordinary handling of feedback (synpunktshantering)."
                      : "Den skickas vidare till kommunens vanliga synpunktshantering.";
        case outside_action::forward_to_department:
            return en ? "It is forwarded to " + rule.department.value_or("the department concerned") + "."
                      : "Den skickas vidare till " + rule.department.value_or("den förvaltning det gäller") + ".";
        case outside_action::register_as_proposal:
            return en ? "It is registered as a citizens' proposal (medborgarförslag)."
                      : "Den registreras som ett medborgarförslag.";
        case outside_action::answer_directly:
            return en ? "An official answers you directly." : "En handläggare svarar dig direkt.";
        case outside_action::keep:
            return en ? "It is kept, but leads to no further action in this dialogue."
                      : "Den sparas, men leder inte till någon åtgärd i den här dialogen.";
    }
    return {};
}

std::string_view kind_label(dialogue_kind k, std::string_view lang) {
    return k == dialogue_kind::medborgardialog ? pick(lang, "Medborgardialog", "Citizens' dialogue")
                                               : pick(lang, "Brukardialog", "Service users' dialogue");
}

}  // namespace inspel::dialogue
