#define BOOST_TEST_MODULE dialogue_api
// Dialogues over real HTTP: the real service with real accounts (bearer tokens for the API, a
// session for the officials' pages), a real SQLite file, and the real binary for the import.
#include "accounts/admin.hpp"
#include "accounts/audit.hpp"
#include "dialogue/store/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/running_app.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace inspel::test;
using nlohmann::json;
namespace accounts = inspel::accounts;
namespace store = inspel::dialogue::store;
namespace schema = inspel::schema;
namespace server = inspel::server;

namespace {

const std::string password = "correct horse battery";

// The dates the tests use are relative to the Swedish day the service sees.
std::string day_from_today(int days) {
    auto today = std::chrono::sys_days(store::swedish_day(std::chrono::system_clock::now()));
    return inspel::dialogue::format_day(std::chrono::year_month_day(today + std::chrono::days(days)));
}

// A service with an official, an elected representative and an administrator, each with a token.
struct fixture {
    running_app app;
    std::string official, elected, admin;

    fixture() {
        official = token_for("anna", "official");
        elected = token_for("erik", "elected");
        admin = token_for("ada", "admin");
    }

    std::string token_for(const std::string& name, const std::string& role) {
        BOOST_TEST_REQUIRE(accounts::admin::add_user(app.app().database(), name, role, password).ok());
        auto t = accounts::admin::create_token(app.app().database(), name);
        BOOST_TEST_REQUIRE(t.ok());
        return t.value().secret;
    }

    response call(http::verb verb, const std::string& target, const json& body, const std::string& token) {
        auto c = app.client();
        std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
        if (!token.empty()) headers["Authorization"] = "Bearer " + token;
        return c.request(verb, target, body.is_null() ? "" : body.dump(), headers);
    }
    response post(const std::string& target, const json& body, const std::string& token) {
        return call(http::verb::post, target, body, token);
    }
    response patch(const std::string& target, const json& body, const std::string& token) {
        return call(http::verb::patch, target, body, token);
    }
    response get(const std::string& target, const std::string& token = {}) {
        auto c = app.client();
        std::map<std::string, std::string> headers;
        if (!token.empty()) headers["Authorization"] = "Bearer " + token;
        return c.get(target, headers);
    }
    response move(const std::string& slug, json body, const std::string& token) {
        return post("/api/v1/dialogues/" + slug + "/transitions", body, token);
    }

    std::int64_t count(const std::string& sql) {
        return app.app().database().read([&](schema::connection& c) {
            auto st = c.prepare(sql);
            st.step();
            return st.int64(0);
        });
    }
    std::vector<accounts::audit_record> audit(const std::string& action) {
        accounts::audit_filter f;
        f.action = action;
        f.object_type = "dialogue";
        return app.app().database().read([&](schema::connection& c) { return accounts::query_audit(c, f).records; });
    }
};

std::vector<std::string> problem_fields(const response& r) {
    std::vector<std::string> out;
    json body = json_of(r);
    for (const auto& p : body["error"]["problems"]) out.push_back(p["field"]);
    return out;
}

bool names(const response& r, const std::string& field) {
    auto f = problem_fields(r);
    return std::find(f.begin(), f.end(), field) != f.end();
}

// What the commission decides, dated around today so the window is open now.
json commission() {
    return {{"purpose", "Vilka cykelstråk ska prioriteras?"},
            {"description", "En frågepanel och två möten."},
            {"decision",
             {{"body", "Kommunstyrelsen"}, {"date", day_from_today(-20)}, {"paragraph", "§ 113"},
              {"registry_number", "KS2026/55"}}},
            {"influence_level", "konsultation"},
            {"target_groups",
             {{{"group", "KHR"}, {"considered", true}, {"note", "Remiss"}},
              {{"group", "KPR"}, {"considered", true}, {"note", "Möte"}},
              {{"group", "children_youth"}, {"considered", true}, {"note", "Skolbesök"}}}},
            {"opens_at", day_from_today(-10)},
            {"closes_at", day_from_today(30)},
            {"decision_expected", day_from_today(90)},
            {"outside_purpose",
             {{"action", "forward_to_feedback"}, {"notice", "Din synpunkt skickas till synpunktshanteringen."}}}};
}

json initiative(const std::string& slug) {
    return {{"slug", slug}, {"title", "Cykelplan " + slug}, {"kind", "medborgardialog"}};
}

// Creates a dialogue and takes it to execution.
void launch(fixture& f, const std::string& slug) {
    json body = initiative(slug);
    body.update(commission());
    body["communication_plan"] = "Affischer";
    body["feedback_plan"] = "Brev till alla";
    body["questions"] = json::parse(R"([{"id": "q1", "type": "scale", "text": "Hur trygg?", "min": 1, "max": 5,
                                          "required": true}])");
    BOOST_TEST_REQUIRE(f.post("/api/v1/dialogues", body, f.official).result_int() == 201u);
    BOOST_TEST_REQUIRE(f.move(slug, {{"to", "planning"}}, f.official).result_int() == 200u);
    BOOST_TEST_REQUIRE(
        f.move(slug, {{"to", "execution"}, {"launch", {{"date", day_from_today(-5)}}}}, f.official).result_int() == 200u);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_dialogue_walks_through_all_nine_steps) {
    fixture f;
    auto created = f.post("/api/v1/dialogues", initiative("cykel"), f.official);
    BOOST_TEST_REQUIRE(created.result_int() == 201u);
    BOOST_TEST(created[http::field::location] == "/api/v1/dialogues/cykel");
    BOOST_TEST(json_of(created)["state"] == "initiative");
    BOOST_TEST(json_of(created)["owner"] == "anna");
    auto id = json_of(created)["id"].get<std::int64_t>();

    // Steg 2 without a commission: every gap is named at once, and nothing changes.
    auto bare = f.move("cykel", {{"to", "planning"}}, f.official);
    BOOST_TEST(bare.result_int() == 422u);
    BOOST_TEST(json_of(bare)["error"]["code"] == "incomplete");
    BOOST_TEST(problem_fields(bare).size() == 15u);
    BOOST_TEST(names(bare, "outside_purpose.action"));
    BOOST_TEST(names(bare, "target_groups.KHR"));
    BOOST_TEST(f.count("SELECT count(*) FROM dialogue_transitions") == 0);

    // The commission arrives by PATCH, the decision itself with the transition.
    json c = commission();
    json decision = c["decision"];
    c.erase("decision");
    auto patched = f.patch("/api/v1/dialogues/cykel", c, f.official);
    BOOST_TEST_REQUIRE(patched.result_int() == 200u);
    BOOST_TEST(json_of(patched)["purpose"] == "Vilka cykelstråk ska prioriteras?");
    auto planning = f.move("cykel", {{"to", "planning"}, {"decision", decision}, {"note", "KS § 113"}}, f.official);
    BOOST_TEST_REQUIRE(planning.result_int() == 200u, planning.body());
    BOOST_TEST(json_of(planning)["state"] == "planning");
    BOOST_TEST(json_of(planning)["next_state"] == "execution");

    // Steg 4 needs the plans: named, then supplied with the launch.
    auto early = f.move("cykel", {{"to", "execution"}}, f.official);
    BOOST_TEST(early.result_int() == 422u);
    BOOST_TEST(names(early, "feedback_plan"));
    BOOST_TEST(names(early, "communication_plan"));
    BOOST_TEST(names(early, "launch.date"));
    auto launched = f.move("cykel",
                           {{"to", "execution"},
                            {"communication_plan", "Affischer"},
                            {"feedback_plan", "Brev till alla som svarat"},
                            {"launch", {{"date", day_from_today(-5)}}}},
                           f.official);
    BOOST_TEST_REQUIRE(launched.result_int() == 200u, launched.body());
    BOOST_TEST(json_of(launched)["accepts_input"] == true);

    // Input is taken until closes_at: compiling now is refused, and closes_at is frozen.
    auto too_soon = f.move("cykel", {{"to", "compilation"}}, f.official);
    BOOST_TEST(too_soon.result_int() == 422u);
    BOOST_TEST(names(too_soon, "closes_at"));
    auto frozen = f.patch("/api/v1/dialogues/cykel", {{"closes_at", day_from_today(-1)}}, f.official);
    BOOST_TEST(frozen.result_int() == 409u);
    BOOST_TEST(json_of(frozen)["error"]["field"] == "closes_at");
    // A new decision closes it early.
    auto amended = f.patch("/api/v1/dialogues/cykel",
                           {{"closes_at", day_from_today(-1)},
                            {"amendment",
                             {{"body", "Kommunstyrelsen"}, {"date", day_from_today(0)}, {"paragraph", "§ 150"},
                              {"registry_number", "KS2026/55"}, {"reason", "Tillräckligt många svar"}}}},
                           f.official);
    BOOST_TEST_REQUIRE(amended.result_int() == 200u, amended.body());
    BOOST_TEST(json_of(amended)["accepts_input"] == false);
    BOOST_TEST(json_of(amended)["amendments"][0]["fields"] == json::array({"closes_at"}));
    BOOST_TEST(f.audit("dialogue.amend").size() == 1u);

    BOOST_TEST_REQUIRE(f.move("cykel", {{"to", "compilation"}}, f.official).result_int() == 200u);
    BOOST_TEST_REQUIRE(f.move("cykel",
                              {{"to", "feedback"},
                               {"compilation", {{"summary", "40 svar"}, {"date", day_from_today(0)}}}},
                              f.official)
                           .result_int() == 200u);
    BOOST_TEST_REQUIRE(
        f.move("cykel", {{"to", "processing"}, {"presentation", {{"to", "Kommunstyrelsen"}, {"date", day_from_today(0)}}}},
               f.official)
            .result_int() == 200u);
    json final_decision = {{"body", "Kommunfullmäktige"}, {"date", day_from_today(0)}, {"paragraph", "§ 9"},
                           {"registry_number", "KS2026/55"}, {"action_plan", "Bygg stråk Norr"},
                           {"resident_feedback", "Brev och webb"}};
    auto no_proposal = f.move("cykel", {{"to", "decided"}, {"final_decision", final_decision}}, f.official);
    BOOST_TEST(no_proposal.result_int() == 422u);
    BOOST_TEST(problem_fields(no_proposal) == std::vector<std::string>{"proposal.summary"},
               boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(f.move("cykel",
                              {{"to", "decided"},
                               {"final_decision", final_decision},
                               {"proposal", {{"summary", "Tre stråk"}}}},
                              f.official)
                           .result_int() == 200u);
    auto evaluated = f.move("cykel", {{"to", "evaluated"}, {"evaluation", {{"summary", "Bra"}, {"date", day_from_today(0)}}}},
                            f.admin);
    BOOST_TEST_REQUIRE(evaluated.result_int() == 200u);
    BOOST_TEST(json_of(evaluated)["next_state"].is_null());

    // It took effect: the row, the history with each decision, and the audit trail.
    BOOST_TEST(f.count("SELECT count(*) FROM dialogues WHERE state = 'evaluated' AND id = " + std::to_string(id)) == 1);
    auto read = f.get("/api/v1/dialogues/" + std::to_string(id), f.official);
    BOOST_TEST_REQUIRE(read.result_int() == 200u);
    const json history = json_of(read)["history"];
    BOOST_TEST_REQUIRE(history.size() == 7u);
    BOOST_TEST(history[0]["to"] == "planning");
    BOOST_TEST(history[0]["decided_by"] == "anna");
    BOOST_TEST(history[0]["decision"]["decision"]["paragraph"] == "§ 113");
    BOOST_TEST(history[0]["decision"]["note"] == "KS § 113");
    BOOST_TEST(history[1]["decision"]["feedback_plan"] == "Brev till alla som svarat");
    BOOST_TEST(history[6]["decided_by"] == "ada");
    auto transitions = f.audit("dialogue.transition");
    BOOST_TEST(transitions.size() == 7u);
    BOOST_TEST(transitions.front().entry.actor == "ada");  // newest first
    BOOST_TEST(transitions.front().entry.details["to"] == "evaluated");
    BOOST_TEST(transitions.back().entry.details["decision"]["decision"]["registry_number"] == "KS2026/55");
    BOOST_TEST(f.audit("dialogue.update").size() == 1u);
    BOOST_TEST(f.audit("dialogue.create").size() == 1u);

    // Everything after the evaluation is frozen, and there is no step beyond it.
    BOOST_TEST(f.patch("/api/v1/dialogues/cykel", {{"evaluation", {{"summary", "Annat"}}}}, f.official).result_int() ==
               409u);
    BOOST_TEST(f.move("cykel", {{"to", "evaluated"}}, f.official).result_int() == 409u);
}

BOOST_AUTO_TEST_CASE(steps_out_of_order_answer_409_and_name_the_next_step) {
    fixture f;
    BOOST_TEST_REQUIRE(f.post("/api/v1/dialogues", initiative("hopp"), f.official).result_int() == 201u);
    for (const char* to : {"initiative", "execution", "compilation", "feedback", "processing", "decided", "evaluated"}) {
        BOOST_TEST_CONTEXT(to) {
            auto r = f.move("hopp", {{"to", to}}, f.official);
            BOOST_TEST(r.result_int() == 409u);
            BOOST_TEST(json_of(r)["error"]["code"] == "conflict");
            BOOST_TEST(json_of(r)["error"]["message"].get<std::string>().find("the next step is planning") !=
                       std::string::npos);
        }
    }
    launch(f, "bakat");
    for (const char* to : {"initiative", "planning", "execution", "feedback"}) {
        BOOST_TEST_CONTEXT(to) { BOOST_TEST(f.move("bakat", {{"to", to}}, f.official).result_int() == 409u); }
    }
    auto unknown = f.move("bakat", {{"to", "done"}}, f.official);
    BOOST_TEST(unknown.result_int() == 422u);
    BOOST_TEST(json_of(unknown)["error"]["field"] == "to");
    BOOST_TEST(f.move("no-such", {{"to", "planning"}}, f.official).result_int() == 404u);
    BOOST_TEST(f.count("SELECT count(*) FROM dialogues WHERE slug = 'bakat' AND state = 'execution'") == 1);
}

BOOST_AUTO_TEST_CASE(elected_representatives_read_but_do_not_change) {
    fixture f;
    launch(f, "las");
    BOOST_TEST(f.post("/api/v1/dialogues", initiative("ny"), f.elected).result_int() == 403u);
    BOOST_TEST(f.patch("/api/v1/dialogues/las", {{"owner", "erik"}}, f.elected).result_int() == 403u);
    BOOST_TEST(f.move("las", {{"to", "compilation"}}, f.elected).result_int() == 403u);
    auto read = f.get("/api/v1/dialogues/las", f.elected);
    BOOST_TEST(read.result_int() == 200u);
    BOOST_TEST(json_of(read)["owner"] == "anna");  // the full record, not the public one
    BOOST_TEST(json_of(read)["history"].size() == 2u);
    // Without credentials, changes are refused outright.
    BOOST_TEST(f.post("/api/v1/dialogues", initiative("ny"), "").result_int() == 401u);
    BOOST_TEST(f.count("SELECT count(*) FROM dialogues WHERE slug = 'ny'") == 0);
    BOOST_TEST(f.count("SELECT count(*) FROM dialogues WHERE slug = 'las' AND json_extract(definition, '$.owner') = 'anna'") == 1);
}

BOOST_AUTO_TEST_CASE(the_public_sees_only_dialogues_in_execution) {
    fixture f;
    launch(f, "oppen");
    BOOST_TEST_REQUIRE(f.post("/api/v1/dialogues", initiative("utkast"), f.official).result_int() == 201u);

    auto list = f.get("/api/v1/dialogues");
    BOOST_TEST_REQUIRE(list.result_int() == 200u);
    const json items = json_of(list)["dialogues"];
    BOOST_TEST_REQUIRE(items.size() == 1u);
    BOOST_TEST(items[0]["slug"] == "oppen");
    BOOST_TEST(items[0]["influence_level"] == "konsultation");
    BOOST_TEST(items[0]["closes_at"] == day_from_today(30));
    BOOST_TEST(items[0]["outside_purpose"]["notice"] == "Din synpunkt skickas till synpunktshanteringen.");
    BOOST_TEST(items[0]["accepts_input"] == true);
    BOOST_TEST(!items[0].contains("owner"));
    BOOST_TEST(!items[0].contains("communication_plan"));

    BOOST_TEST(json_of(f.get("/api/v1/dialogues", f.official))["dialogues"].size() == 2u);
    BOOST_TEST(f.get("/api/v1/dialogues/utkast").result_int() == 404u);
    BOOST_TEST(f.get("/api/v1/dialogues/utkast", f.elected).result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(bad_requests_are_named) {
    fixture f;
    auto c = f.app.client();
    auto wrong_type = c.request(http::verb::post, "/api/v1/dialogues", initiative("x").dump(),
                                {{"Content-Type", "text/plain"}, {"Authorization", "Bearer " + f.official}});
    BOOST_TEST(wrong_type.result_int() == 415u);
    auto malformed = c.request(http::verb::post, "/api/v1/dialogues", "{\"slug\":",
                               {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + f.official}});
    BOOST_TEST(malformed.result_int() == 400u);

    json bad = initiative("fel");
    bad["outside_purpose"] = {{"action", "throw_away"}};
    bad["questions"] = json::parse(R"([{"id": "q1", "type": "scale", "text": "?", "min": 5, "max": 1}])");
    auto invalid = f.post("/api/v1/dialogues", bad, f.official);
    BOOST_TEST(invalid.result_int() == 422u);
    BOOST_TEST(json_of(invalid)["error"]["code"] == "invalid");
    BOOST_TEST(names(invalid, "outside_purpose.action"));
    BOOST_TEST(names(invalid, "questions[0].max"));

    BOOST_TEST(f.post("/api/v1/dialogues", initiative("dubbel"), f.official).result_int() == 201u);
    auto twice = f.post("/api/v1/dialogues", initiative("dubbel"), f.official);
    BOOST_TEST(twice.result_int() == 409u);
    BOOST_TEST(json_of(twice)["error"]["field"] == "slug");
    auto state = f.patch("/api/v1/dialogues/dubbel", {{"state", "execution"}}, f.official);
    BOOST_TEST(state.result_int() == 422u);
    BOOST_TEST(json_of(state)["error"]["field"] == "state");
    BOOST_TEST(f.count("SELECT count(*) FROM dialogues") == 1);
}

BOOST_AUTO_TEST_CASE(the_public_page_explains_the_dialogue) {
    fixture f;
    launch(f, "sidan");
    auto c = f.app.client();
    auto page = c.get("/dialogues/sidan");
    BOOST_TEST_REQUIRE(page.result_int() == 200u);
    const std::string& html = page.body();
    BOOST_TEST(html.find("Cykelplan sidan") != std::string::npos);
    BOOST_TEST(html.find("Kommunen lyssnar på vad du tycker") != std::string::npos);  // konsultation explained
    BOOST_TEST(html.find("/forms/panel_response?dialogue=sidan") != std::string::npos);
    BOOST_TEST(html.find("/forms/feedback?dialogue=sidan") != std::string::npos);
    BOOST_TEST(html.find("kommunens vanliga synpunktshantering") != std::string::npos);
    BOOST_TEST(html.find("Kommunstyrelsen") != std::string::npos);
    BOOST_TEST(html.find(day_from_today(30)) != std::string::npos);
    BOOST_TEST(page["Content-Security-Policy"].find("script-src 'self'") != std::string::npos);

    BOOST_TEST_REQUIRE(f.post("/api/v1/dialogues", initiative("gomd"), f.official).result_int() == 201u);
    BOOST_TEST(c.get("/dialogues/gomd").result_int() == 404u);
    BOOST_TEST(c.get("/dialogues/finns-inte").result_int() == 404u);
    // Titles are escaped, never markup.
    BOOST_TEST_REQUIRE(f.patch("/api/v1/dialogues/gomd", {{"title", "<script>x</script>"}}, f.official).result_int() ==
                       200u);
    auto officials = f.get("/official/dialogues/gomd", f.official);
    BOOST_TEST(officials.result_int() == 200u);
    BOOST_TEST(officials.body().find("<script>x") == std::string::npos);
    BOOST_TEST(officials.body().find("&lt;script&gt;x") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(officials_move_a_dialogue_on_from_its_page) {
    fixture f;
    BOOST_TEST_REQUIRE(f.post("/api/v1/dialogues", initiative("form"), f.official).result_int() == 201u);
    json without_decision = commission();
    without_decision.erase("decision");
    BOOST_TEST_REQUIRE(f.patch("/api/v1/dialogues/form", without_decision, f.official).result_int() == 200u);

    auto c = f.app.client();
    auto login = c.post_json("/api/v1/session", {{"username", "anna"}, {"password", password}});
    BOOST_TEST_REQUIRE(login.result_int() == 200u);
    std::string set(login[http::field::set_cookie]);
    std::string cookie = set.substr(0, set.find(';'));
    std::string csrf = json_of(login)["csrf_token"];

    auto page = c.get("/official/dialogues/form", {{"Cookie", cookie}});
    BOOST_TEST_REQUIRE(page.result_int() == 200u);
    BOOST_TEST(page.body().find("name=\"csrf_token\" value=\"" + csrf + "\"") != std::string::npos);
    BOOST_TEST(page.body().find("Beslut om uppdrag (steg 2)") != std::string::npos);

    auto form = [&](const std::string& body) {
        return c.request(http::verb::post, "/official/dialogues/form/transitions", body,
                         {{"Cookie", cookie}, {"Content-Type", "application/x-www-form-urlencoded"}});
    };
    // Without the CSRF token the form is refused.
    BOOST_TEST(form("to=planning").result_int() == 403u);
    // A missing paragraph comes back beside its field, with what was typed kept.
    auto missing = form("csrf_token=" + csrf + "&to=planning&decision.body=Kommunstyrelsen&decision.date=" +
                        day_from_today(-1) + "&decision.registry_number=KS1&decision.paragraph=&note=Hej+d%C3%A5");
    BOOST_TEST(missing.result_int() == 422u);
    BOOST_TEST(missing.body().find("href=\"#f-decision-paragraph\"") != std::string::npos);
    BOOST_TEST(missing.body().find("aria-invalid=\"true\" aria-describedby=\"f-decision-paragraph-error\"") !=
               std::string::npos);
    BOOST_TEST(missing.body().find("value=\"KS1\"") != std::string::npos);
    BOOST_TEST(missing.body().find("Hej då") != std::string::npos);
    BOOST_TEST(f.count("SELECT count(*) FROM dialogues WHERE slug = 'form' AND state = 'initiative'") == 1);

    auto done = form("csrf_token=" + csrf + "&to=planning&decision.body=Kommunstyrelsen&decision.date=" +
                     day_from_today(-1) + "&decision.registry_number=KS1&decision.paragraph=%C2%A7+4");
    BOOST_TEST(done.result_int() == 303u);
    BOOST_TEST(done[http::field::location] == "/official/dialogues/form");
    BOOST_TEST(f.count("SELECT count(*) FROM dialogues WHERE slug = 'form' AND state = 'planning'") == 1);
    BOOST_TEST(f.count("SELECT count(*) FROM dialogue_transitions WHERE decided_by = 'anna'") == 1);
    // The same form sent again is a step already taken.
    auto again = form("csrf_token=" + csrf + "&to=planning&decision.paragraph=%C2%A7+4");
    BOOST_TEST(again.result_int() == 409u);

    auto after = c.get("/official/dialogues/form", {{"Cookie", cookie}});
    BOOST_TEST(after.body().find("§ 4") != std::string::npos);
    BOOST_TEST(after.body().find("Beslut om igångsättning (steg 4)") != std::string::npos);
    BOOST_TEST(after.body().find("feedback_plan") != std::string::npos);  // listed as missing for the launch
}

BOOST_AUTO_TEST_CASE(the_import_command_is_idempotent_by_slug) {
    temp_dir dir;
    std::string demo = std::string(INSPEL_SOURCE_DIR) + "/deploy/demo/cykelplan.json";
    auto first = run(INSPEL_BINARY, {"dialogue", "import", demo, "--data", dir.path().string()});
    BOOST_TEST(first.status == 0, first.err);
    BOOST_TEST(first.out.find("imported dialogue cykelplan-2030") != std::string::npos);
    auto second = run(INSPEL_BINARY, {"dialogue", "import", demo, "--data", dir.path().string()});
    BOOST_TEST(second.status == 0);
    BOOST_TEST(second.out.find("already present") != std::string::npos);

    std::ofstream(dir / "bad.json") << R"({"slug": "trasig", "title": "T", "kind": "medborgardialog", "state": "execution"})";
    auto bad = run(INSPEL_BINARY, {"dialogue", "import", (dir / "bad.json").string(), "--data", dir.path().string()});
    BOOST_TEST(bad.status == 1);
    BOOST_TEST(bad.err.find("feedback_plan") != std::string::npos);
    BOOST_TEST(run(INSPEL_BINARY, {"dialogue", "import", "--data", dir.path().string()}).status == 2);

    // The demo dialogue takes input today, through the real service on that data directory.
    running_app app([&](inspel::config::settings& s) { s.data_dir = dir.path(); });
    auto c = app.client();
    auto list = json_of(c.get("/api/v1/dialogues"))["dialogues"];
    BOOST_TEST_REQUIRE(list.size() == 1u);
    BOOST_TEST(list[0]["slug"] == "cykelplan-2030");
    BOOST_TEST(list[0]["accepts_input"] == true);
    BOOST_TEST(c.get("/dialogues/cykelplan-2030").result_int() == 200u);
    auto rows = app.app().database().read([](schema::connection& conn) {
        auto st = conn.prepare("SELECT count(*) FROM dialogue_transitions WHERE to_state = 'execution'");
        st.step();
        return st.int64(0);
    });
    BOOST_TEST(rows == 1);
}
