// The checks on a submission, without any server: every kind, every kind of problem.
#include "ingest/messages.hpp"
#include "ingest/submission.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::ingest;
using json = nlohmann::json;

namespace {

std::variant<submission, std::vector<field_error>> check(const std::string& body) {
    return validate(from_json(body), channel::api);
}

std::vector<field_error> errors_of(const std::string& body) {
    auto r = check(body);
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<std::vector<field_error>>(r), "expected errors for " << body);
    return std::get<std::vector<field_error>>(r);
}

submission accepted(const std::string& body) {
    auto r = check(body);
    if (auto* e = std::get_if<std::vector<field_error>>(&r))
        BOOST_FAIL("refused: " << e->front().field << ": " << api_message(e->front(), std::nullopt));
    return std::get<submission>(r);
}

const json proposal = {{"kind", "proposal"},
                       {"title", "Fler cykelställ vid stationen"},
                       {"body", "Det behövs fler cykelställ."},
                       {"contact", {{"name", "Anna Svensson"}, {"email", "Anna@Example.se"}}}};

}  // namespace

BOOST_AUTO_TEST_SUITE(submissions)

BOOST_AUTO_TEST_CASE(each_kind_is_accepted_in_its_minimal_form) {
    auto p = accepted(proposal.dump());
    BOOST_TEST((p.kind == kind::proposal));
    BOOST_TEST(*p.contact_email == "anna@example.se");  // one spelling, so it can be found later
    BOOST_TEST(p.language == "sv");
    BOOST_TEST(!p.consent_publish);

    auto f = accepted(R"({"kind":"feedback","feedback_type":"praise","body":"Tack för den nya lekplatsen!"})");
    BOOST_TEST(*f.feedback_type == "praise");
    auto q = accepted(R"({"kind":"public_question","body":"När byggs den nya skolan?","language":"EN","area":"Centrum"})");
    BOOST_TEST(q.language == "en");
    BOOST_TEST(*q.area == "Centrum");
    auto r = accepted(R"({"kind":"panel_response","dialogue":"cykelplan-2027","answers":[{"question":"q1","value":4},
                         {"question":"q2","value":["Ja"]},{"question":"q3","value":"Ring 070-123 45 67"}]})");
    BOOST_TEST(*r.dialogue == "cykelplan-2027");
    BOOST_TEST(r.answers->size() == 3u);
    BOOST_TEST((*r.answers_redacted)[2]["value"] == "Ring [telefon]");
    BOOST_TEST((*r.answers)[2]["value"] == "Ring 070-123 45 67");
    auto by_id = accepted(R"({"kind":"feedback","feedback_type":"idea","body":"x","dialogue":12})");
    BOOST_TEST(*by_id.dialogue == "12");
}

BOOST_AUTO_TEST_CASE(text_is_trimmed_normalised_and_redacted) {
    json j = proposal;
    j["title"] = "  Ko\xCC\x88ket  ";
    j["body"] = "Rad ett\r\nMitt nummer är 850709-9805 och mejl anna@x.se.\r\n";
    auto s = accepted(j.dump());
    BOOST_TEST(*s.title == "K\xC3\xB6ket");
    BOOST_TEST(*s.body == "Rad ett\nMitt nummer är 850709-9805 och mejl anna@x.se.");
    BOOST_TEST(*s.body_redacted == "Rad ett\nMitt nummer är [personnummer] och mejl [e-post].");
    BOOST_TEST(s.personal_data.size() == 2u);
}

BOOST_AUTO_TEST_CASE(each_problem_names_its_field) {
    struct row {
        std::string body;
        std::string field;
        problem what;
    };
    const std::vector<row> table = {
        {"{not json", "", problem::malformed_json},
        {"", "", problem::malformed_json},
        {"[1,2]", "", problem::not_an_object},
        {std::string(20, '[') + std::string(20, ']'), "", problem::malformed_json},
        {R"({"kind":"complaint","body":"x"})", "kind", problem::unknown_value},
        {R"({"body":"x"})", "kind", problem::required},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","colour":"blue"})", "colour", problem::unknown_field},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","contact":{"fax":"1"}})", "contact.fax", problem::unknown_field},
        {R"({"kind":"feedback","feedback_type":"praise","body":42})", "body", problem::wrong_type},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","consent_publish":"yes"})", "consent_publish", problem::wrong_type},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","contact":"anna"})", "contact", problem::wrong_type},
        {R"({"kind":"feedback","feedback_type":"praise"})", "body", problem::required},
        {R"({"kind":"feedback","feedback_type":"praise","body":"   "})", "body", problem::required},
        {R"({"kind":"feedback","body":"x"})", "feedback_type", problem::required},
        {R"({"kind":"feedback","feedback_type":"rant","body":"x"})", "feedback_type", problem::unknown_value},
        {R"({"kind":"proposal","body":"x","contact":{"name":"A","email":"a@b.se"}})", "title", problem::required},
        {R"({"kind":"proposal","title":"t","body":"x","contact":{"name":"A"}})", "contact.email", problem::required},
        {R"({"kind":"proposal","title":"t","body":"x","contact":{"email":"a@b.se"}})", "contact.name", problem::required},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","contact":{"email":"not-an-address"}})", "contact.email", problem::invalid_email},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","contact":{"phone":"ring mig"}})", "contact.phone", problem::invalid_phone},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","language":"svenska"})", "language", problem::invalid_language},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","title":")" + std::string(201, 'a') + "\"}", "title", problem::too_long},
        {R"({"kind":"feedback","feedback_type":"praise","body":")" + std::string(20001, 'a') + "\"}", "body", problem::too_long},
        {R"({"kind":"feedback","feedback_type":"praise","body":"bell\u0007"})", "body", problem::forbidden_character},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","title":"two\nlines"})", "title", problem::forbidden_character},
        {"{\"kind\":\"feedback\",\"feedback_type\":\"praise\",\"body\":\"bad \xC3\x28 bytes\"}", "body", problem::invalid_utf8},
        {R"({"kind":"public_question","body":"x","feedback_type":"praise"})", "feedback_type", problem::not_applicable},
        {R"({"kind":"proposal","title":"t","body":"x","contact":{"name":"A","email":"a@b.se"},"answers":[]})", "answers", problem::not_applicable},
        {R"({"kind":"panel_response","answers":[{"question":"q1","value":1}]})", "dialogue", problem::required},
        {R"({"kind":"panel_response","dialogue":"d"})", "answers", problem::required},
        {R"({"kind":"panel_response","dialogue":"d","answers":{"q1":1}})", "answers", problem::wrong_type},
        {R"({"kind":"panel_response","dialogue":"d","answers":[{"question":"q1","value":true}]})", "answers[0].value", problem::wrong_type},
        {R"({"kind":"panel_response","dialogue":"d","answers":[{"question":"q1","value":1,"extra":2}]})", "answers[0].extra", problem::unknown_field},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","dialogue":"Not A Slug!"})", "dialogue", problem::unknown_dialogue},
    };
    for (const auto& r : table) {
        BOOST_TEST_CONTEXT("body: " << r.body.substr(0, 120)) {
            auto errors = errors_of(r.body);
            BOOST_TEST(errors.front().field == r.field);
            BOOST_TEST((errors.front().what == r.what), "got problem " << static_cast<int>(errors.front().what));
            BOOST_TEST(!api_message(errors.front(), std::nullopt).empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_form_reports_every_problem_at_once) {
    auto errors = std::get<std::vector<field_error>>(validate(
        from_form("proposal", {{"title", ""}, {"body", ""}, {"contact_name", ""}, {"contact_email", "nope"}}), channel::form));
    std::vector<std::string> fields;
    for (const auto& e : errors) fields.push_back(e.field);
    BOOST_TEST(fields == (std::vector<std::string>{"contact.email", "title", "body", "contact.name"}),
               boost::test_tools::per_element());
    BOOST_TEST(form_message(errors[1], kind::proposal, lang::sv) == "Skriv en rubrik.");
    BOOST_TEST(form_message(errors[0], kind::proposal, lang::en) == "Enter the e-mail address in the form name@example.com.");
}

BOOST_AUTO_TEST_CASE(form_fields_map_to_the_api_and_strangers_are_refused) {
    auto ok = validate(from_form("feedback", {{"feedback_type", "complaint"},
                                              {"body", "Trasig gatlykta"},
                                              {"consent_publish", "yes"},
                                              {"contact_phone", "070-123 45 67"}}),
                       channel::form);
    auto& s = std::get<submission>(ok);
    BOOST_TEST(s.consent_publish);
    BOOST_TEST(*s.contact_phone == "070-123 45 67");
    BOOST_TEST((s.channel == channel::form));
    auto bad = std::get<std::vector<field_error>>(
        validate(from_form("feedback", {{"feedback_type", "praise"}, {"body", "x"}, {"body", "y"}, {"admin", "1"}}), channel::form));
    BOOST_TEST(bad[0].field == "body");
    BOOST_TEST((bad[0].what == problem::duplicate_field));
    BOOST_TEST(bad[1].field == "admin");
    BOOST_TEST((bad[1].what == problem::unknown_field));
}

BOOST_AUTO_TEST_CASE(api_codes_and_statuses) {
    BOOST_TEST(api_code(problem::malformed_json) == "malformed_json");
    BOOST_TEST(is_bad_request(problem::malformed_json));
    BOOST_TEST(api_code(problem::too_long) == "invalid");
    BOOST_TEST(!is_bad_request(problem::too_long));
    BOOST_TEST(api_code(problem::no_panel) == "no_panel");
    BOOST_TEST(api_code(problem::dialogue_closed) == "dialogue_closed");
}

BOOST_AUTO_TEST_SUITE_END()
