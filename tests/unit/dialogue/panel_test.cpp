// Frågepanel answers checked against the questions of the sample dialogue:
// q1 scale 1-5 required, q2 single choice, q3 multiple choice, q4 free text of at most 50 characters.
#include "dialogue/panel.hpp"
#include "tests/unit/dialogue/sample.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::dialogue;
using inspel::test::complete_dialogue_json;
using inspel::test::parsed;
using nlohmann::json;

BOOST_AUTO_TEST_SUITE(panel)

BOOST_AUTO_TEST_CASE(good_answers_pass) {
    auto d = parsed(complete_dialogue_json());
    const char* good[] = {
        R"([{"question": "q1", "value": 4}])",
        R"([{"question": "q1", "value": 1}, {"question": "q2", "value": "Vet inte"}])",
        R"([{"question": "q1", "value": 5}, {"question": "q3", "value": ["Norr", "Centrum"]}])",
        R"([{"question": "q1", "value": 3}, {"question": "q4", "value": "Fler cykelställ vid stationen"}])",
        R"([{"question": "q1", "value": 3}, {"question": "q2", "value": ""}, {"question": "q3", "value": []},
            {"question": "q4", "value": null}])",
        R"([{"question": "q4", "value": "Först"}, {"question": "q1", "value": 2}])",
    };
    for (const char* answers : good) {
        BOOST_TEST_CONTEXT(answers) {
            auto errors = validate_answers(d, json::parse(answers));
            BOOST_TEST(errors.empty(), (errors.empty() ? "" : errors[0].question + ": " + errors[0].message));
        }
    }
}

BOOST_AUTO_TEST_CASE(every_bad_answer_is_named_by_question_and_code) {
    auto d = parsed(complete_dialogue_json());
    const struct {
        const char* answers;
        const char* question;
        const char* code;
    } cases[] = {
        {R"([])", "q1", "required"},
        {R"([{"question": "q1", "value": null}])", "q1", "required"},
        {R"([{"question": "q2", "value": "Ja"}])", "q1", "required"},
        {R"([{"question": "q1", "value": 0}])", "q1", "out_of_range"},
        {R"([{"question": "q1", "value": 6}])", "q1", "out_of_range"},
        {R"([{"question": "q1", "value": -3}])", "q1", "out_of_range"},
        {R"([{"question": "q1", "value": 3.5}])", "q1", "wrong_type"},
        {R"([{"question": "q1", "value": "4"}])", "q1", "wrong_type"},
        {R"([{"question": "q1", "value": true}])", "q1", "wrong_type"},
        {R"([{"question": "q1", "value": 18446744073709551615}])", "q1", "out_of_range"},
        {R"([{"question": "q1", "value": 4}, {"question": "q2", "value": "Kanske"}])", "q2", "not_an_option"},
        {R"([{"question": "q1", "value": 4}, {"question": "q2", "value": "ja"}])", "q2", "not_an_option"},
        {R"([{"question": "q1", "value": 4}, {"question": "q2", "value": ["Ja"]}])", "q2", "wrong_type"},
        {R"([{"question": "q1", "value": 4}, {"question": "q3", "value": "Norr"}])", "q3", "wrong_type"},
        {R"([{"question": "q1", "value": 4}, {"question": "q3", "value": ["Norr", "Väster"]}])", "q3", "not_an_option"},
        {R"([{"question": "q1", "value": 4}, {"question": "q3", "value": ["Norr", "Norr"]}])", "q3", "duplicate"},
        {R"([{"question": "q1", "value": 4}, {"question": "q3", "value": ["Norr", 2]}])", "q3", "wrong_type"},
        {R"([{"question": "q1", "value": 4}, {"question": "q4", "value": 12}])", "q4", "wrong_type"},
        {R"([{"question": "q1", "value": 4}, {"question": "q4", "value": "ett\u0000två"}])", "q4", "wrong_type"},
        {R"([{"question": "q1", "value": 4}, {"question": "q4", "value": "012345678901234567890123456789012345678901234567890"}])",
         "q4", "too_long"},
        {R"([{"question": "q1", "value": 4}, {"question": "q9", "value": "x"}])", "q9", "unknown_question"},
        {R"([{"question": "q1", "value": 4}, {"question": "q1", "value": 5}])", "q1", "duplicate"},
        {R"({"q1": 4})", "", "invalid"},
        {R"([4])", "", "invalid"},
        {R"([{"value": 4}])", "", "invalid"},
        {R"([{"question": "q1", "value": 4, "extra": 1}])", "", "invalid"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.answers) {
            auto errors = validate_answers(d, json::parse(c.answers));
            BOOST_TEST_REQUIRE(errors.size() == 1u);
            BOOST_TEST(errors[0].question == c.question);
            BOOST_TEST(errors[0].code == c.code);
            BOOST_TEST(!errors[0].message.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(fifty_characters_of_swedish_fit_in_fifty) {
    auto d = parsed(complete_dialogue_json());
    std::string text;
    for (int i = 0; i < 50; ++i) text += "å";
    BOOST_TEST(validate_answers(d, json::array({{{"question", "q1"}, {"value", 2}}, {{"question", "q4"}, {"value", text}}}))
                   .empty());
}

BOOST_AUTO_TEST_CASE(several_problems_come_in_question_order_in_the_language_asked) {
    auto d = parsed(complete_dialogue_json());
    auto errors = validate_answers(
        d, json::parse(R"([{"question": "q3", "value": ["Öst"]}, {"question": "zz", "value": 1},
                           {"question": "q2", "value": "Kanske"}])"),
        "sv");
    std::vector<std::string> order;
    for (const auto& e : errors) order.push_back(e.question);
    BOOST_TEST(order == (std::vector<std::string>{"q1", "q2", "q3", "zz"}), boost::test_tools::per_element());
    BOOST_TEST(errors[0].message == "Du behöver svara på frågan.");
}

BOOST_AUTO_TEST_CASE(form_fields_become_answers) {
    auto d = parsed(complete_dialogue_json());
    std::multimap<std::string, std::string> fields{{"answer_q1", "4"},     {"answer_q2", "Ja"},
                                                   {"answer_q3", "Norr"},  {"answer_q3", "Söder"},
                                                   {"answer_q4", "Mer ljus"}, {"other", "x"}};
    json answers = answers_from_form(d, fields);
    BOOST_TEST(answers == json::parse(R"([{"question": "q1", "value": 4}, {"question": "q2", "value": "Ja"},
        {"question": "q3", "value": ["Norr", "Söder"]}, {"question": "q4", "value": "Mer ljus"}])"));
    BOOST_TEST(validate_answers(d, answers).empty());

    auto typed = answers_from_form(d, {{"answer_q1", "fyra"}});
    BOOST_TEST(typed[0]["value"] == "fyra");
    BOOST_TEST(validate_answers(d, typed).at(0).code == "wrong_type");
    BOOST_TEST(form_field(d.questions[2]) == "answer_q3");
}

BOOST_AUTO_TEST_SUITE_END()
