// The dialogue record: JSON in, JSON out, and every malformed field named by its path.
#include "dialogue/dialogue.hpp"
#include "tests/unit/dialogue/sample.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::dialogue;
using inspel::test::complete_dialogue_json;
using nlohmann::json;

BOOST_AUTO_TEST_SUITE(record)

BOOST_AUTO_TEST_CASE(the_issue_shape_round_trips) {
    json in = complete_dialogue_json();
    auto r = parse(in);
    BOOST_TEST_REQUIRE(r.errors.empty());
    const dialogue& d = *r.value;
    BOOST_TEST(d.slug == "cykelplan-2027");
    BOOST_TEST((d.influence == influence_level::konsultation));
    BOOST_TEST((d.outside_purpose.action == outside_action::forward_to_department));
    BOOST_TEST(d.questions.size() == 4u);
    BOOST_TEST(*d.questions[0].max == 5);
    BOOST_TEST((d.group("KHR")->considered == true));
    BOOST_TEST(!d.group("Boende i centrum")->considered.has_value());

    json out = to_json(d);
    // Everything sent comes back; the service adds the state and the questions' required flags.
    json expected = in;
    expected["state"] = "initiative";
    for (auto& q : expected["questions"])
        if (!q.contains("required")) q["required"] = false;
    BOOST_TEST(out == expected, out.dump() << "\n!=\n" << expected.dump());
    BOOST_TEST(to_json(*parse(out).value) == out);
}

BOOST_AUTO_TEST_CASE(a_minimal_initiative_is_a_title_a_slug_and_a_kind) {
    auto r = parse({{"slug", "skolgard"}, {"title", "Skolgården"}, {"kind", "brukardialog"}});
    BOOST_TEST_REQUIRE(r.errors.empty());
    BOOST_TEST((r.value->state == dialogue_state::initiative));
    BOOST_TEST(r.value->language == "sv");
    BOOST_TEST(!r.value->purpose.has_value());
}

struct bad_field {
    const char* patch;     // a JSON merge patch applied to the complete sample
    const char* field;     // the path the error must name
};

BOOST_AUTO_TEST_CASE(every_malformed_field_is_named_by_its_path) {
    const bad_field cases[] = {
        {R"({"slug": null})", "slug"},
        {R"({"slug": "Cykel Plan"})", "slug"},
        {R"({"slug": "2027"})", "slug"},
        {R"({"slug": "-cykel"})", "slug"},
        {R"({"title": "   "})", "title"},
        {R"({"title": 5})", "title"},
        {R"({"title": "två\nrader"})", "title"},
        {R"({"kind": "folkomröstning"})", "kind"},
        {R"({"language": "svenska"})", "language"},
        {R"({"state": "done"})", "state"},
        {R"({"purpose": ["a"]})", "purpose"},
        {R"({"colour": "red"})", "colour"},
        {R"({"decision": "KS"})", "decision"},
        {R"({"decision": {"date": "2026-02-30"}})", "decision.date"},
        {R"({"decision": {"date": "12/5/2026"}})", "decision.date"},
        {R"({"decision": {"paragraf": "§ 1"}})", "decision.paragraf"},
        {R"({"influence_level": "total"})", "influence_level"},
        {R"({"target_groups": {"KHR": true}})", "target_groups"},
        {R"({"target_groups": [{"considered": true}]})", "target_groups[0].group"},
        {R"({"target_groups": [{"group": "KHR", "considered": "ja"}]})", "target_groups[0].considered"},
        {R"({"target_groups": [{"group": "KHR"}, {"group": "KHR"}]})", "target_groups[1].group"},
        {R"({"opens_at": "2026-13-01"})", "opens_at"},
        {R"({"closes_at": 20260930})", "closes_at"},
        {R"({"outside_purpose": {"action": "delete"}})", "outside_purpose.action"},
        {R"({"outside_purpose": {"notice": ""}})", "outside_purpose.notice"},
        {R"({"routing_hints": {"keywords": "cykel"}})", "routing_hints.keywords"},
        {R"({"routing_hints": {"areas": ["Centrum", "Centrum"]}})", "routing_hints.areas[1]"},
        {R"({"questions": {}})", "questions"},
        {R"({"questions": [{"type": "scale", "text": "?", "min": 1, "max": 5}]})", "questions[0].id"},
        {R"({"questions": [{"id": "q 1", "type": "free_text", "text": "?"}]})", "questions[0].id"},
        {R"({"questions": [{"id": "a", "type": "free_text", "text": "?"}, {"id": "a", "type": "free_text", "text": "?"}]})",
         "questions[1].id"},
        {R"({"questions": [{"id": "a", "type": "rating", "text": "?"}]})", "questions[0].type"},
        {R"({"questions": [{"id": "a", "type": "free_text"}]})", "questions[0].text"},
        {R"({"questions": [{"id": "a", "type": "single_choice", "text": "?", "options": ["Ja"]}]})",
         "questions[0].options"},
        {R"({"questions": [{"id": "a", "type": "single_choice", "text": "?", "options": ["Ja", "Ja"]}]})",
         "questions[0].options[1]"},
        {R"({"questions": [{"id": "a", "type": "free_text", "text": "?", "options": ["Ja", "Nej"]}]})",
         "questions[0].options"},
        {R"({"questions": [{"id": "a", "type": "scale", "text": "?", "min": 1}]})", "questions[0].max"},
        {R"({"questions": [{"id": "a", "type": "scale", "text": "?", "min": 5, "max": 5}]})", "questions[0].max"},
        {R"({"questions": [{"id": "a", "type": "scale", "text": "?", "min": 1.5, "max": 5}]})", "questions[0].min"},
        {R"({"questions": [{"id": "a", "type": "single_choice", "text": "?", "options": ["a", "b"], "min": 1}]})",
         "questions[0].min"},
        {R"({"questions": [{"id": "a", "type": "free_text", "text": "?", "max_length": 0}]})",
         "questions[0].max_length"},
        {R"({"questions": [{"id": "a", "type": "free_text", "text": "?", "required": "yes"}]})",
         "questions[0].required"},
        {R"({"questions": [{"id": "a", "type": "free_text", "text": "?", "colour": 1}]})", "questions[0].colour"},
        {R"({"launch": {"date": "soon"}})", "launch.date"},
        {R"({"presentation": {"to": 1}})", "presentation.to"},
        {R"({"final_decision": {"action_plan": ""}})", "final_decision.action_plan"},
        {R"({"evaluation": {"grade": "A"}})", "evaluation.grade"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.patch) {
            json j = complete_dialogue_json();
            j.merge_patch(json::parse(c.patch));
            auto r = parse(j);
            BOOST_TEST(!r.value.has_value());
            bool named = false;
            for (const auto& e : r.errors) named = named || e.field == c.field;
            BOOST_TEST(named, "no error names " << c.field << "; got " << (r.errors.empty() ? "" : r.errors[0].field));
        }
    }
}

BOOST_AUTO_TEST_CASE(all_errors_are_reported_at_once) {
    auto r = parse({{"title", ""}, {"kind", "x"}, {"opens_at", "tomorrow"}});
    std::vector<std::string> fields;
    for (const auto& e : r.errors) fields.push_back(e.field);
    std::vector<std::string> expected{"slug", "title", "kind", "opens_at"};
    BOOST_TEST(fields == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(lengths_count_characters_not_bytes) {
    json j = complete_dialogue_json();
    j["title"] = std::string();
    for (int i = 0; i < 200; ++i) j["title"] = j["title"].get<std::string>() + "ö";
    BOOST_TEST(parse(j).errors.empty());
    j["title"] = j["title"].get<std::string>() + "ö";
    BOOST_TEST(parse(j).errors.at(0).field == "title");
}

BOOST_AUTO_TEST_CASE(dates_are_strict) {
    BOOST_TEST(parse_day("2028-02-29").has_value());
    BOOST_TEST(!parse_day("2027-02-29").has_value());
    BOOST_TEST(!parse_day("2027-2-28").has_value());
    BOOST_TEST(!parse_day("2027-02-28T00:00").has_value());
    BOOST_TEST(format_day(*parse_day("2026-06-01")) == "2026-06-01");
}

BOOST_AUTO_TEST_SUITE_END()
