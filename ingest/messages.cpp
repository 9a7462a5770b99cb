#include "ingest/messages.hpp"

namespace inspel::ingest {
namespace {

std::string pick(lang l, std::string sv, std::string en) { return l == lang::sv ? std::move(sv) : std::move(en); }

std::string quoted(const std::string& label, lang l) {
    return l == lang::sv ? "”" + label + "”" : "“" + label + "”";
}

std::string kind_in_english(std::optional<kind> k) {
    if (!k) return "submission";
    switch (*k) {
        case kind::proposal: return "proposal";
        case kind::feedback: return "feedback";
        case kind::panel_response: return "panel response";
        case kind::public_question: return "public question";
    }
    return "submission";
}

// answers[3].value -> answers: the label of a nested field is its list's.
std::string_view base_field(std::string_view f) { return f.substr(0, f.find_first_of("[.", f.rfind("contact.", 0) == 0 ? 8 : 0)); }

std::string state_name(std::string_view state, lang l) {
    struct row {
        std::string_view state, sv, en;
    };
    static constexpr row rows[] = {
        {"initiative", "är bara ett initiativ", "is only an initiative"},
        {"planning", "planeras fortfarande", "is still being planned"},
        {"compilation", "sammanställs nu", "is being compiled"},
        {"feedback", "är avslutad och återkopplas nu", "has ended and its results are being reported"},
        {"processing", "är avslutad och bereds nu", "has ended and is being processed"},
        {"decided", "är avslutad och beslutad", "has ended and been decided"},
        {"evaluated", "är avslutad", "has ended"},
    };
    for (const auto& r : rows)
        if (r.state == state) return std::string(l == lang::sv ? r.sv : r.en);
    return l == lang::sv ? "tar inte emot något just nu" : "is not open at the moment";
}

}  // namespace

std::string label(std::string_view field, std::optional<kind> k, lang l) {
    std::string_view f = base_field(field);
    if (f == "title") return k == kind::proposal ? pick(l, "Rubrik på förslaget", "Title of your proposal") : pick(l, "Rubrik", "Title");
    if (f == "body") {
        if (k == kind::proposal) return pick(l, "Ditt förslag", "Your proposal");
        if (k == kind::feedback) return pick(l, "Din synpunkt", "Your feedback");
        if (k == kind::public_question) return pick(l, "Din fråga", "Your question");
        if (k == kind::panel_response) return pick(l, "Övriga kommentarer", "Other comments");
        return pick(l, "Text", "Text");
    }
    if (f == "kind") return pick(l, "Typ av ärende", "Kind");
    if (f == "feedback_type") return pick(l, "Vad vill du ge?", "What would you like to give?");
    if (f == "dialogue") return pick(l, "Dialog", "Dialogue");
    if (f == "area") return pick(l, "Område eller stadsdel", "Area or district");
    if (f == "language") return pick(l, "Språk", "Language");
    if (f == "consent_publish") return pick(l, "Publicering", "Publication");
    if (f == "contact.name") return pick(l, "Ditt namn", "Your name");
    if (f == "contact.email") return pick(l, "Din e-postadress", "Your e-mail address");
    if (f == "contact.phone") return pick(l, "Ditt telefonnummer", "Your phone number");
    if (f == "answers") return pick(l, "Svar", "Answers");
    return std::string(field);
}

std::string api_message(const field_error& e, std::optional<kind> k) {
    if (!e.message_en.empty()) return e.message_en;
    const std::string f = "\"" + e.field + "\"";
    const std::string limit = std::to_string(e.limit), actual = std::to_string(e.actual);
    switch (e.what) {
        case problem::malformed_json: return "The body is not valid JSON: " + e.detail + ".";
        case problem::not_an_object: return "The body must be a JSON object.";
        case problem::unknown_field: return "Unknown field " + f + ".";
        case problem::duplicate_field: return "The field " + f + " was sent more than once.";
        case problem::wrong_type: return f + " must be " + e.detail + ".";
        case problem::required: return f + " is required for a " + kind_in_english(k) + ".";
        case problem::not_applicable: return f + " does not apply to a " + kind_in_english(k) + ".";
        case problem::too_long: return f + " is " + actual + " characters long; at most " + limit + " are allowed.";
        case problem::invalid_utf8: return f + " is not valid UTF-8 text.";
        case problem::forbidden_character:
            return f + " contains the character " + e.detail + ", a control character or noncharacter that is not allowed.";
        case problem::unknown_value: return f + " must be one of: " + e.detail + ".";
        case problem::invalid_email: return f + " is not an e-mail address like name@example.se.";
        case problem::invalid_phone:
            return f + " is not a phone number: use 6 to 15 digits, with spaces, hyphens or a leading + if you like.";
        case problem::invalid_language: return f + " must be an ISO 639 language code such as sv or en.";
        case problem::too_many: return f + " has " + actual + " entries; at most " + limit + " are allowed.";
        case problem::unknown_dialogue: return "There is no dialogue \"" + e.detail + "\".";
        case problem::dialogue_not_in_execution:
            return "The dialogue is not taking input: it " + state_name(e.detail, lang::en) + ".";
        case problem::dialogue_not_yet_open: return "The dialogue takes input from " + e.detail + ".";
        case problem::dialogue_closed: return "The dialogue stopped taking input after " + e.detail + ".";
        case problem::no_panel: return "This dialogue has no frågepanel; send feedback to it instead.";
        case problem::panel_answer: return f + " is not an acceptable answer.";
    }
    return f + " is not valid.";
}

std::string form_message(const field_error& e, std::optional<kind> k, lang l) {
    if (!e.message_sv.empty()) return l == lang::sv ? e.message_sv : e.message_en;
    const std::string name = quoted(label(e.field, k, l), l);
    const std::string limit = std::to_string(e.limit), actual = std::to_string(e.actual);
    std::string_view f = base_field(e.field);
    switch (e.what) {
        case problem::required:
            if (f == "title") return pick(l, "Skriv en rubrik.", "Enter a title.");
            if (f == "body" && k == kind::proposal) return pick(l, "Skriv ditt förslag.", "Write your proposal.");
            if (f == "body" && k == kind::feedback) return pick(l, "Skriv din synpunkt.", "Write your feedback.");
            if (f == "body" && k == kind::public_question) return pick(l, "Skriv din fråga.", "Write your question.");
            if (f == "feedback_type")
                return pick(l, "Välj om det är beröm, klagomål, en idé eller en fråga.",
                            "Choose whether it is praise, a complaint, an idea or a question.");
            if (f == "contact.name")
                return pick(l, "Skriv ditt namn. Ett medborgarförslag behöver namn och e-postadress.",
                            "Enter your name. A proposal needs a name and an e-mail address.");
            if (f == "contact.email")
                return pick(l, "Skriv din e-postadress, så att kommunen kan svara dig.",
                            "Enter your e-mail address, so that the municipality can answer you.");
            if (f == "dialogue") return pick(l, "Välj vilken dialog svaren gäller.", "Choose the dialogue your answers are for.");
            return pick(l, "Fyll i " + name + ".", "Fill in " + name + ".");
        case problem::too_long:
            return pick(l, name + " får vara högst " + limit + " tecken. Nu är det " + actual + ".",
                        name + " can be at most " + limit + " characters. It is now " + actual + ".");
        case problem::invalid_utf8:
            return pick(l, name + " innehåller tecken som inte gick att läsa. Skriv texten igen.",
                        name + " contains characters that could not be read. Please type the text again.");
        case problem::forbidden_character:
            return pick(l, name + " innehåller ett osynligt styrtecken (" + e.detail + "). Ta bort det och skicka igen.",
                        name + " contains an invisible control character (" + e.detail + "). Remove it and send again.");
        case problem::unknown_value: return pick(l, "Välj ett av alternativen.", "Choose one of the options.");
        case problem::invalid_email:
            return pick(l, "Skriv e-postadressen i formen namn@exempel.se.",
                        "Enter the e-mail address in the form name@example.com.");
        case problem::invalid_phone:
            return pick(l, "Skriv telefonnumret med siffror, till exempel 070-123 45 67.",
                        "Enter the phone number in digits, for example +46 70 123 45 67.");
        case problem::invalid_language: return pick(l, "Välj ett språk.", "Choose a language.");
        case problem::too_many:
            return pick(l, name + " har för många delar (högst " + limit + ").", name + " has too many parts (at most " + limit + ").");
        case problem::not_applicable:
            return pick(l, name + " hör inte till den här sortens ärende.", name + " does not belong to this kind of submission.");
        case problem::unknown_dialogue:
            return pick(l, "Dialogen finns inte. Den kan ha tagits bort eller bytt adress.",
                        "That dialogue does not exist. It may have been removed or moved.");
        case problem::dialogue_not_in_execution:
            return pick(l, "Dialogen tar inte emot synpunkter: den " + state_name(e.detail, l) + ".",
                        "The dialogue is not taking input: it " + state_name(e.detail, l) + ".");
        case problem::dialogue_not_yet_open:
            return pick(l, "Dialogen tar emot synpunkter från " + long_date(e.detail, l) + ".",
                        "The dialogue takes input from " + long_date(e.detail, l) + ".");
        case problem::dialogue_closed:
            return pick(l, "Dialogen slutade ta emot synpunkter " + long_date(e.detail, l) +
                               ". Du kan fortfarande lämna en vanlig synpunkt.",
                        "The dialogue stopped taking input on " + long_date(e.detail, l) +
                            ". You can still send ordinary feedback.");
        case problem::no_panel:
            return pick(l, "Den här dialogen har ingen frågepanel. Lämna gärna en synpunkt i stället.",
                        "This dialogue has no questionnaire. You are welcome to send feedback instead.");
        case problem::panel_answer: return pick(l, "Svaret kan inte tas emot.", "The answer cannot be accepted.");
        case problem::malformed_json:
        case problem::not_an_object:
        case problem::unknown_field:
        case problem::duplicate_field:
        case problem::wrong_type:
            break;
    }
    // Only a changed or broken form gets here: say so plainly.
    return pick(l, "Formuläret gick inte att läsa (" + e.field + "). Ladda om sidan och försök igen.",
                "The form could not be read (" + e.field + "). Reload the page and try again.");
}

std::string long_date(std::string_view d, lang l) {
    static constexpr std::string_view sv[] = {"januari", "februari", "mars",      "april",   "maj",      "juni",
                                              "juli",    "augusti",  "september", "oktober", "november", "december"};
    static constexpr std::string_view en[] = {"January", "February", "March",     "April",   "May",      "June",
                                              "July",    "August",   "September", "October", "November", "December"};
    auto num = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (d[i] < '0' || d[i] > '9') return -1;
            v = v * 10 + (d[i] - '0');
        }
        return v;
    };
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return std::string(d);
    int y = num(0, 4), m = num(5, 2), day = num(8, 2);
    if (y < 0 || m < 1 || m > 12 || day < 1 || day > 31) return std::string(d);
    return std::to_string(day) + " " + std::string(l == lang::sv ? sv[m - 1] : en[m - 1]) + " " + std::to_string(y);
}

}  // namespace inspel::ingest
