// The nine steps: order, roles, every requirement of every transition, freezing and amendments,
// and when input is accepted.
#include "dialogue/process.hpp"
#include "tests/unit/dialogue/sample.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::dialogue;
using inspel::test::complete_dialogue_json;
using inspel::test::on;
using inspel::test::parsed;
using nlohmann::json;

namespace {

const dialogue_state states[] = {dialogue_state::initiative,  dialogue_state::planning, dialogue_state::execution,
                                 dialogue_state::compilation, dialogue_state::feedback, dialogue_state::processing,
                                 dialogue_state::decided,     dialogue_state::evaluated};

// A date on which the move into `to` is timely for the sample: inside the window up to the launch,
// after every recorded step from the compilation on.
day today_for(dialogue_state to) {
    return static_cast<int>(to) <= static_cast<int>(dialogue_state::execution) ? on("2026-06-15") : on("2026-12-20");
}

dialogue sample_in(dialogue_state s, const char* patch = "{}") {
    json j = complete_dialogue_json();
    j.merge_patch(json::parse(patch));
    dialogue d = parsed(j);
    d.state = s;
    return d;
}

std::vector<std::string> fields_of(const std::vector<field_error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.field);
    return out;
}

edit_context official(const char* today = "2026-06-15") { return {"anna.handlaggare", "official", on(today), "2026-06-15T10:00:00Z"}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(process)

BOOST_AUTO_TEST_CASE(a_complete_dialogue_walks_every_step) {
    dialogue d = sample_in(dialogue_state::initiative);
    for (auto to : states) {
        if (to == dialogue_state::initiative) continue;
        BOOST_TEST_CONTEXT(to_string(to)) {
            auto c = check_transition(d, to, "official", today_for(to));
            BOOST_TEST(c.ok(), (c.problems.empty() ? "" : c.problems[0].field + ": " + c.problems[0].message));
            d.state = to;
        }
    }
    BOOST_TEST(!next_state(d.state).has_value());
}

BOOST_AUTO_TEST_CASE(every_move_but_the_next_one_is_out_of_order) {
    int refused = 0;
    for (auto from : states)
        for (auto to : states) {
            if (next_state(from) == to) continue;
            BOOST_TEST_CONTEXT(to_string(from) << " -> " << to_string(to)) {
                auto c = check_transition(sample_in(from), to, "official", today_for(to));
                BOOST_TEST((c.result == verdict::out_of_order));
                BOOST_TEST_REQUIRE(c.problems.size() == 1u);
                BOOST_TEST(c.problems[0].field == "to");
                BOOST_TEST(c.problems[0].message.find(std::string(to_string(from))) != std::string::npos);
                ++refused;
            }
        }
    BOOST_TEST(refused == 64 - 7);
}

BOOST_AUTO_TEST_CASE(only_officials_and_administrators_move_a_dialogue) {
    for (auto to : states) {
        if (to == dialogue_state::initiative) continue;
        auto from = static_cast<dialogue_state>(static_cast<int>(to) - 1);
        for (const char* role : {"elected", "", "resident", "Official"}) {
            BOOST_TEST_CONTEXT(to_string(to) << " by '" << role << "'") {
                auto c = check_transition(sample_in(from), to, role, today_for(to));
                BOOST_TEST((c.result == verdict::forbidden));
            }
        }
        BOOST_TEST(check_transition(sample_in(from), to, "admin", today_for(to)).ok());
    }
    // The role is checked before the order, so an elected representative learns nothing more.
    BOOST_TEST((check_transition(sample_in(dialogue_state::initiative), dialogue_state::decided, "elected",
                                 on("2026-06-15"))
                    .result == verdict::forbidden));
}

struct missing {
    dialogue_state to;
    const char* patch;  // merge patch on the complete sample, in the state before `to`
    const char* field;  // the requirement that must be named
    const char* today = nullptr;
};

BOOST_AUTO_TEST_CASE(every_missing_requirement_is_named) {
    using S = dialogue_state;
    const missing cases[] = {
        // Steg 2: the commission.
        {S::planning, R"({"decision": null})", "decision.body"},
        {S::planning, R"({"decision": {"body": null}})", "decision.body"},
        {S::planning, R"({"decision": {"date": null}})", "decision.date"},
        {S::planning, R"({"decision": {"paragraph": null}})", "decision.paragraph"},
        {S::planning, R"({"decision": {"registry_number": null}})", "decision.registry_number"},
        {S::planning, R"({"decision": {"date": "2026-06-16"}, "launch": {"date": "2026-06-16"}})", "decision.date"},
        {S::planning, R"({"purpose": null})", "purpose"},
        {S::planning, R"({"description": null})", "description"},
        {S::planning, R"({"influence_level": null})", "influence_level"},
        {S::planning, R"({"influence_level": "information"})", "influence_level"},
        {S::planning, R"({"target_groups": [{"group": "KPR", "considered": true}, {"group": "children_youth", "considered": true}]})",
         "target_groups.KHR"},
        {S::planning, R"({"target_groups": [{"group": "KHR", "considered": false, "note": "x"}, {"group": "KPR", "considered": true}, {"group": "children_youth", "considered": true}]})",
         "target_groups.KHR"},
        {S::planning, R"({"target_groups": [{"group": "KHR", "considered": true}, {"group": "children_youth", "considered": true}]})",
         "target_groups.KPR"},
        {S::planning, R"({"target_groups": [{"group": "KHR", "considered": true}, {"group": "KPR"}, {"group": "children_youth", "considered": true}]})",
         "target_groups.KPR"},
        {S::planning, R"({"target_groups": [{"group": "KHR", "considered": true}, {"group": "KPR", "considered": true}]})",
         "target_groups.children_youth"},
        {S::planning, R"({"target_groups": [{"group": "KHR", "considered": true}, {"group": "KPR", "considered": true}, {"group": "children_youth", "considered": false}]})",
         "target_groups.children_youth"},
        {S::planning, R"({"target_groups": null})", "target_groups.KHR"},
        {S::planning, R"({"opens_at": null})", "opens_at"},
        {S::planning, R"({"closes_at": null})", "closes_at"},
        {S::planning, R"({"decision_expected": null})", "decision_expected"},
        {S::planning, R"({"closes_at": "2026-05-31"})", "closes_at"},
        {S::planning, R"({"decision_expected": "2026-09-29"})", "decision_expected"},
        {S::planning, R"({"outside_purpose": null})", "outside_purpose.action"},
        {S::planning, R"({"outside_purpose": {"action": null}})", "outside_purpose.action"},
        {S::planning, R"({"outside_purpose": {"department": null}})", "outside_purpose.department"},
        {S::planning, R"({"outside_purpose": {"notice": null}})", "outside_purpose.notice"},
        // Steg 3 and 4: the plan and the launch.
        {S::execution, R"({"owner": null})", "owner"},
        {S::execution, R"({"communication_plan": null})", "communication_plan"},
        {S::execution, R"({"feedback_plan": null})", "feedback_plan"},
        {S::execution, R"({"launch": null})", "launch.date"},
        {S::execution, R"({"launch": {"date": "2026-05-01"}})", "launch.date"},
        {S::execution, R"({"launch": {"date": "2026-06-16"}})", "launch.date"},
        {S::execution, R"({})", "closes_at", "2026-10-01"},
        // Earlier requirements still hold later.
        {S::execution, R"({"purpose": null})", "purpose"},
        // Steg 5 ends when the window has closed.
        {S::compilation, R"({})", "closes_at", "2026-09-30"},
        // Steg 6 and 7.
        {S::feedback, R"({"compilation": null})", "compilation.summary"},
        {S::feedback, R"({"compilation": {"date": null}})", "compilation.date"},
        {S::feedback, R"({"compilation": {"date": "2026-12-21"}})", "compilation.date"},
        {S::processing, R"({"presentation": null})", "presentation.to"},
        {S::processing, R"({"presentation": {"date": null}})", "presentation.date"},
        // Steg 8 and 9.
        {S::decided, R"({"proposal": null})", "proposal.summary"},
        {S::decided, R"({"final_decision": {"body": null}})", "final_decision.body"},
        {S::decided, R"({"final_decision": {"date": null}})", "final_decision.date"},
        {S::decided, R"({"final_decision": {"paragraph": null}})", "final_decision.paragraph"},
        {S::decided, R"({"final_decision": {"registry_number": null}})", "final_decision.registry_number"},
        {S::decided, R"({"final_decision": {"action_plan": null}})", "final_decision.action_plan"},
        {S::decided, R"({"final_decision": {"resident_feedback": null}})", "final_decision.resident_feedback"},
        // The evaluation against the commission.
        {S::evaluated, R"({"evaluation": null})", "evaluation.summary"},
        {S::evaluated, R"({"evaluation": {"date": null}})", "evaluation.date"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(to_string(c.to) << " " << c.patch) {
            auto from = static_cast<dialogue_state>(static_cast<int>(c.to) - 1);
            dialogue d = sample_in(from, c.patch);
            auto check = check_transition(d, c.to, "official", c.today ? on(c.today) : today_for(c.to));
            BOOST_TEST((check.result == verdict::incomplete));
            auto fields = fields_of(check.problems);
            BOOST_TEST((std::find(fields.begin(), fields.end(), c.field) != fields.end()),
                       "missing " << c.field << " not named");
            for (const auto& p : check.problems) BOOST_TEST(!p.message.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(an_empty_initiative_is_told_everything_the_commission_needs_at_once) {
    dialogue d = parsed({{"slug", "ny"}, {"title", "Ny"}, {"kind", "medborgardialog"}});
    auto c = check_transition(d, dialogue_state::planning, "official", on("2026-06-15"));
    std::vector<std::string> expected{"decision.body",
                                      "decision.date",
                                      "decision.paragraph",
                                      "decision.registry_number",
                                      "purpose",
                                      "description",
                                      "influence_level",
                                      "target_groups.KHR",
                                      "target_groups.KPR",
                                      "target_groups.children_youth",
                                      "opens_at",
                                      "closes_at",
                                      "decision_expected",
                                      "outside_purpose.action",
                                      "outside_purpose.notice"};
    BOOST_TEST(fields_of(c.problems) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(children_not_concerned_is_accepted_with_a_reason) {
    dialogue d = sample_in(dialogue_state::initiative,
                           R"({"target_groups": [{"group": "KHR", "considered": true}, {"group": "KPR", "considered": true},
                                                 {"group": "children_youth", "considered": false, "note": "Gäller äldreboenden"}]})");
    BOOST_TEST(check_transition(d, dialogue_state::planning, "official", on("2026-06-15")).ok());
}

BOOST_AUTO_TEST_CASE(forward_to_feedback_needs_no_department) {
    dialogue d = sample_in(dialogue_state::initiative,
                           R"({"outside_purpose": {"action": "forward_to_feedback", "department": null}})");
    BOOST_TEST(check_transition(d, dialogue_state::planning, "official", on("2026-06-15")).ok());
}

BOOST_AUTO_TEST_CASE(fields_freeze_when_their_step_has_passed) {
    BOOST_TEST(!is_frozen(sample_in(dialogue_state::initiative), "purpose"));
    BOOST_TEST(is_frozen(sample_in(dialogue_state::planning), "purpose"));
    BOOST_TEST(!is_frozen(sample_in(dialogue_state::planning), "questions"));
    BOOST_TEST(is_frozen(sample_in(dialogue_state::execution), "questions"));
    BOOST_TEST(is_frozen(sample_in(dialogue_state::execution), "slug"));
    BOOST_TEST(!is_frozen(sample_in(dialogue_state::execution), "compilation"));
    BOOST_TEST(is_frozen(sample_in(dialogue_state::feedback), "compilation"));
    BOOST_TEST(!is_frozen(sample_in(dialogue_state::evaluated), "owner"));
    BOOST_TEST(!is_frozen(sample_in(dialogue_state::evaluated), "routing_hints"));

    const struct {
        dialogue_state state;
        const char* patch;
        const char* field;
    } cases[] = {
        {dialogue_state::planning, R"({"purpose": "Något annat"})", "purpose"},
        {dialogue_state::planning, R"({"decision": {"paragraph": "§ 1"}})", "decision"},
        {dialogue_state::planning, R"({"target_groups": [{"group": "KHR", "considered": true}, {"group": "KPR", "considered": true}, {"group": "children_youth", "considered": true}]})",
         "target_groups"},
        {dialogue_state::execution, R"({"closes_at": "2026-12-31"})", "closes_at"},
        {dialogue_state::execution, R"({"questions": []})", "questions"},
        {dialogue_state::execution, R"({"title": "Cykelplan"})", "title"},
        {dialogue_state::feedback, R"({"compilation": {"summary": "Annat"}})", "compilation"},
        {dialogue_state::evaluated, R"({"evaluation": {"summary": "Annat"}})", "evaluation"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(to_string(c.state) << " " << c.patch) {
            auto r = apply_edit(sample_in(c.state), json::parse(c.patch), official());
            BOOST_TEST((r.status == edit_status::frozen));
            BOOST_TEST(fields_of(r.errors) == std::vector<std::string>{c.field}, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(unfrozen_fields_change_freely_and_the_change_is_listed) {
    auto r = apply_edit(sample_in(dialogue_state::planning),
                        json::parse(R"({"feedback_plan": "Brev", "owner": "bo", "routing_hints": {"areas": ["Norr"]}})"),
                        official());
    BOOST_TEST_REQUIRE((r.status == edit_status::ok));
    BOOST_TEST(*r.value->feedback_plan == "Brev");
    BOOST_TEST(r.value->hints.areas == std::vector<std::string>{"Norr"}, boost::test_tools::per_element());
    BOOST_TEST(r.value->hints.keywords.size() == 2u);  // merge patch keeps what it does not name
    std::vector<std::string> changed{"feedback_plan", "owner", "routing_hints"};
    BOOST_TEST(r.changed == changed, boost::test_tools::per_element());
    BOOST_TEST(r.amended.empty());
}

BOOST_AUTO_TEST_CASE(a_new_decision_changes_frozen_fields_and_is_recorded) {
    json patch = json::parse(R"({"closes_at": "2026-10-31",
        "amendment": {"body": "Kommunstyrelsen", "date": "2026-06-10", "paragraph": "§ 140",
                      "registry_number": "KS2026/55", "reason": "Förlängd insamling efter sommaren"}})");
    auto r = apply_edit(sample_in(dialogue_state::execution), patch, official());
    BOOST_TEST_REQUIRE((r.status == edit_status::ok), (r.errors.empty() ? "" : r.errors[0].field));
    BOOST_TEST(format_day(*r.value->closes_at) == "2026-10-31");
    BOOST_TEST_REQUIRE(r.value->amendments.size() == 1u);
    const auto& a = r.value->amendments[0];
    BOOST_TEST(*a.decision.paragraph == "§ 140");
    BOOST_TEST(a.fields == std::vector<std::string>{"closes_at"}, boost::test_tools::per_element());
    BOOST_TEST(a.recorded_by == "anna.handlaggare");
    BOOST_TEST(a.reason == "Förlängd insamling efter sommaren");
    // The amendment survives a round trip through JSON (it is stored in the definition).
    BOOST_TEST(parsed(to_json(*r.value)).amendments.size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_amendment_must_be_a_complete_decision_and_must_change_something_frozen) {
    auto base = sample_in(dialogue_state::execution);
    auto incomplete = apply_edit(base, json::parse(R"({"closes_at": "2026-10-31", "amendment": {"body": "KS"}})"),
                                 official());
    BOOST_TEST((incomplete.status == edit_status::invalid));
    std::vector<std::string> expected{"amendment.date", "amendment.paragraph", "amendment.registry_number",
                                      "amendment.reason"};
    BOOST_TEST(fields_of(incomplete.errors) == expected, boost::test_tools::per_element());

    auto needless = apply_edit(base, json::parse(R"({"owner": "bo", "amendment": {"body": "KS", "date": "2026-06-10",
        "paragraph": "§ 1", "registry_number": "KS1", "reason": "x"}})"), official());
    BOOST_TEST((needless.status == edit_status::invalid));
    BOOST_TEST(needless.errors.at(0).field == "amendment");

    auto future = apply_edit(base, json::parse(R"({"closes_at": "2026-10-31", "amendment": {"body": "KS",
        "date": "2026-07-01", "paragraph": "§ 1", "registry_number": "KS1", "reason": "x"}})"), official());
    BOOST_TEST((future.status == edit_status::invalid));
    BOOST_TEST(future.errors.at(0).field == "amendment.date");
}

BOOST_AUTO_TEST_CASE(an_amended_record_must_still_satisfy_the_steps_passed) {
    auto r = apply_edit(sample_in(dialogue_state::execution), json::parse(R"({"outside_purpose": null,
        "amendment": {"body": "KS", "date": "2026-06-10", "paragraph": "§ 1", "registry_number": "KS1", "reason": "x"}})"),
                        official());
    BOOST_TEST((r.status == edit_status::invalid));
    BOOST_TEST(fields_of(r.errors) == (std::vector<std::string>{"outside_purpose.action", "outside_purpose.notice"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(edits_refuse_state_amendments_and_bad_roles) {
    auto base = sample_in(dialogue_state::initiative);
    BOOST_TEST((apply_edit(base, json::parse(R"({"state": "execution"})"), official()).status == edit_status::invalid));
    BOOST_TEST((apply_edit(base, json::parse(R"({"amendments": []})"), official()).status == edit_status::invalid));
    BOOST_TEST((apply_edit(base, json::array(), official()).status == edit_status::invalid));
    auto elected = official();
    elected.role = "elected";
    BOOST_TEST((apply_edit(base, json::parse(R"({"owner": "x"})"), elected).status == edit_status::forbidden));
    BOOST_TEST((create(complete_dialogue_json(), elected).status == edit_status::forbidden));
}

BOOST_AUTO_TEST_CASE(creation_starts_at_initiative_and_defaults_the_owner) {
    auto r = create({{"slug", "ny"}, {"title", "Ny"}, {"kind", "brukardialog"}}, official());
    BOOST_TEST_REQUIRE((r.status == edit_status::ok));
    BOOST_TEST(*r.value->owner == "anna.handlaggare");
    json later = complete_dialogue_json();
    later["state"] = "execution";
    auto refused = create(later, official());
    BOOST_TEST((refused.status == edit_status::invalid));
    BOOST_TEST(refused.errors.at(0).field == "state");
}

BOOST_AUTO_TEST_CASE(imports_must_satisfy_every_step_up_to_their_state) {
    BOOST_TEST(check_import(sample_in(dialogue_state::evaluated)).empty());
    auto gaps = check_import(sample_in(dialogue_state::execution, R"({"feedback_plan": null})"));
    BOOST_TEST(fields_of(gaps) == std::vector<std::string>{"feedback_plan"}, boost::test_tools::per_element());
    BOOST_TEST(check_import(sample_in(dialogue_state::initiative, R"({"purpose": null})")).empty());
}

BOOST_AUTO_TEST_CASE(the_history_records_what_each_transition_decided) {
    auto d = sample_in(dialogue_state::planning);
    json commission = decision_snapshot(d, dialogue_state::planning);
    BOOST_TEST(commission["decision"]["registry_number"] == "KS2026/55");
    BOOST_TEST(commission["outside_purpose"]["action"] == "forward_to_department");
    BOOST_TEST(!commission.contains("questions"));
    json launch = decision_snapshot(d, dialogue_state::execution);
    BOOST_TEST(launch["questions"].size() == 4u);
    BOOST_TEST(launch["launch"]["date"] == "2026-05-30");
}

BOOST_AUTO_TEST_CASE(input_is_accepted_only_in_execution_inside_the_window) {
    const struct {
        dialogue_state state;
        const char* today;
        input_status expected;
    } cases[] = {
        {dialogue_state::initiative, "2026-06-15", input_status::not_launched},
        {dialogue_state::planning, "2026-06-15", input_status::not_launched},
        {dialogue_state::execution, "2026-05-31", input_status::not_yet_open},
        {dialogue_state::execution, "2026-06-01", input_status::open},
        {dialogue_state::execution, "2026-09-30", input_status::open},
        {dialogue_state::execution, "2026-10-01", input_status::closed},
        {dialogue_state::compilation, "2026-06-15", input_status::finished},
        {dialogue_state::evaluated, "2026-06-15", input_status::finished},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(to_string(c.state) << " on " << c.today) {
            auto d = sample_in(c.state);
            auto r = accepts_input(d, on(c.today));
            BOOST_TEST((r.status == c.expected));
            BOOST_TEST(r.accepted() == (c.expected == input_status::open));
            auto message = refusal_message(d, r, "sv");
            BOOST_TEST(message.empty() == r.accepted());
            if (!r.accepted()) BOOST_TEST(message.find("Cykelplan 2027") != std::string::npos);
        }
    }
    BOOST_TEST(refusal_message(sample_in(dialogue_state::execution), {input_status::closed}, "sv").find("2026-09-30") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
