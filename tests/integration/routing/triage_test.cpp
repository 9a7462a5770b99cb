// Triage end to end against the real service: every outcome, every outside-purpose action (the
// resident sees the notice on the receipt page and in the API answer; the item lands where the rule
// says), officials' overrides with their audit rows, the triage page, and near-duplicates.
#define BOOST_TEST_MODULE triage
#include <boost/test/unit_test.hpp>

#include "ingest/clock.hpp"
#include "tests/support/officials.hpp"
#include "tests/support/running_app.hpp"

#include <regex>

using namespace inspel;
using namespace inspel::test;
using json = nlohmann::json;

namespace {

std::string day_offset(int days) {
    return ingest::swedish_date(std::chrono::system_clock::now() + std::chrono::hours(24 * days));
}

// An open dialogue about cycling whose outside-purpose rule is `action`.
std::int64_t add_dialogue(server::app& a, const std::string& slug, const std::string& action,
                          const std::string& purpose = "Var behövs nya cykelvägar, cykelbanor och cykelparkering i "
                                                       "centrum för att fler ska cykla säkert till skola och arbete?",
                          std::vector<std::string> keywords = {"cykel", "cykelväg", "cykelparkering", "cykla"}) {
    json rule = {{"action", action}, {"notice", "Ditt inspel gäller inte " + slug + ": regel " + action + "."}};
    if (action == "forward_to_department") rule["department"] = "Tekniska förvaltningen";
    json definition = {{"slug", slug},
                       {"title", "Dialog " + slug},
                       {"kind", "medborgardialog"},
                       {"language", "sv"},
                       {"state", "execution"},
                       {"opens_at", day_offset(-5)},
                       {"closes_at", day_offset(5)},
                       {"purpose", purpose},
                       {"outside_purpose", rule},
                       {"routing_hints", {{"keywords", keywords}, {"areas", json::array()}}}};
    return a.database().write_and_wait([&](schema::connection& c) {
        c.prepare("INSERT INTO dialogues (slug, title, kind, language, state, opens_at, closes_at, definition, created_at, "
                  "updated_at) VALUES (?, ?, 'medborgardialog', 'sv', 'execution', ?, ?, ?, '2026-01-01T00:00:00Z', "
                  "'2026-01-01T00:00:00Z')")
            .bind(1, slug).bind(2, "Dialog " + slug).bind(3, day_offset(-5)).bind(4, day_offset(5))
            .bind(5, definition.dump()).run();
        return c.last_insert_rowid();
    });
}

json stored(server::app& a, std::int64_t id) {
    return a.database().read([&](schema::connection& c) {
        auto st = c.prepare("SELECT coalesce(routing_outcome, ''), coalesce(routing_action, ''), routing_dialogue_id, "
                            "duplicate_of, (SELECT count(*) FROM routing_decisions WHERE submission_id = s.id), "
                            "(SELECT count(*) FROM index_outbox WHERE submission_id = s.id) FROM submissions s WHERE id = ?");
        st.bind(1, id);
        BOOST_REQUIRE(st.step());
        return json{{"outcome", st.text(0)},
                    {"action", st.text(1)},
                    {"dialogue", st.is_null(2) ? json(nullptr) : json(st.int64(2))},
                    {"duplicate_of", st.is_null(3) ? json(nullptr) : json(st.int64(3))},
                    {"decisions", st.int64(4)},
                    {"queued", st.int64(5)}};
    });
}

const std::string on_topic = "Bygg en säker cykelväg och mer cykelparkering vid skolan så att barnen kan cykla.";
const std::string off_topic = "Soptunnorna i kvarteret töms alldeles för sällan och det luktar illa på gården.";

json send(http_client& c, json body) {
    if (body["kind"] == "proposal") body["contact"] = {{"name", "Eva Ek"}, {"email", "eva@example.se"}};
    auto r = c.post_json("/api/v1/submissions", body);
    BOOST_TEST_INFO(r.body());
    BOOST_REQUIRE_EQUAL(r.result_int(), 201u);
    return json::parse(r.body());
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_outside_action_reaches_the_resident_and_lands_where_the_rule_says) {
    running_app app;
    auto c = app.client();
    for (std::string action : {"forward_to_feedback", "forward_to_department", "register_as_proposal", "answer_directly", "keep"}) {
        std::string slug = "d-" + action;
        std::replace(slug.begin(), slug.end(), '_', '-');
        auto did = add_dialogue(app.app(), slug, action);
        json out = send(c, {{"kind", "proposal"}, {"title", "Sophämtning"}, {"body", off_topic}, {"dialogue", slug}});
        BOOST_TEST_CONTEXT(action) {
            BOOST_TEST(out["routing"]["outcome"] == "outside_purpose");
            BOOST_TEST(out["routing"]["action"] == action);
            BOOST_TEST(out["routing"]["notice"] == "Ditt inspel gäller inte " + slug + ": regel " + action + ".");
            auto row = stored(app.app(), out["id"]);
            BOOST_TEST(row["outcome"] == "outside_purpose");
            BOOST_TEST(row["action"] == action);
            BOOST_TEST(row["dialogue"] == did);
            BOOST_TEST(row["decisions"] == 1);
            auto page = c.get("/receipts/" + out["receipt"].get<std::string>());
            BOOST_TEST(page.body().find("Utanför dialogens syfte") != std::string::npos);
            BOOST_TEST(page.body().find("regel " + action) != std::string::npos);
            if (action == "forward_to_department")
                BOOST_TEST(page.body().find("Tekniska förvaltningen") != std::string::npos);
            auto api = json::parse(c.get("/api/v1/receipts/" + out["receipt"].get<std::string>()).body());
            BOOST_TEST(api["routing"]["action"] == action);
        }
    }
}

BOOST_AUTO_TEST_CASE(in_purpose_review_and_no_dialogue_outcomes) {
    running_app app;
    auto c = app.client();
    auto did = add_dialogue(app.app(), "cykel", "forward_to_feedback");
    auto auth = bearer_for(app.app().database(), "anna");

    json in = send(c, {{"kind", "proposal"}, {"title", "Cykelväg"}, {"body", on_topic}, {"dialogue", "cykel"}});
    BOOST_TEST(in["routing"].is_null());  // nothing to tell the resident
    BOOST_TEST(stored(app.app(), in["id"])["outcome"] == "in_purpose");
    auto page = c.get("/receipts/" + in["receipt"].get<std::string>());
    BOOST_TEST(page.body().find("Utanför dialogens syfte") == std::string::npos);

    // The official's view carries the fixed routing object and its explanation.
    auto item = json::parse(c.get("/api/v1/submissions/" + std::to_string(in["id"].get<int>()), auth).body());
    BOOST_TEST(item["routing"]["outcome"] == "in_purpose");
    BOOST_TEST(item["routing"]["dialogue"] == "cykel");
    BOOST_TEST(item["routing"]["score"].is_number());
    BOOST_TEST(item["routing"]["explanation"]["rule"] == "score_at_or_above_accept");
    BOOST_TEST(item["routing"]["explanation"]["version"].is_string());
    BOOST_TEST(item["routing"]["explanation"]["terms"].size() > 0u);

    // Shares a few words with the purpose, none of them telling: the uncertain band.
    json unsure = send(c, {{"kind", "proposal"},
                           {"title", "Gatan"},
                           {"body", "Det är svårt att ta sig till arbetet i centrum på vintern"},
                           {"dialogue", "cykel"}});
    BOOST_TEST(stored(app.app(), unsure["id"])["outcome"] == "needs_review");

    // No dialogue: handled by kind; a clear match is suggested.
    json question = send(c, {{"kind", "public_question"}, {"body", "Varför är det så få skyltar i parken?"}});
    auto q = stored(app.app(), question["id"]);
    BOOST_TEST(q["outcome"] == "no_dialogue");
    BOOST_TEST(q["action"] == "council_queue");
    BOOST_TEST(q["dialogue"].is_null());
    json suggested = send(c, {{"kind", "feedback"}, {"feedback_type", "idea"}, {"body", on_topic}});
    auto s = stored(app.app(), suggested["id"]);
    BOOST_TEST(s["outcome"] == "no_dialogue");
    BOOST_TEST(s["action"] == "feedback_handling");
    BOOST_TEST(s["dialogue"] == did);
}

BOOST_AUTO_TEST_CASE(an_override_is_audited_indexed_shown_to_the_resident_and_learned) {
    running_app app;
    auto c = app.client();
    add_dialogue(app.app(), "cykel", "forward_to_department");
    auto auth = bearer_for(app.app().database(), "anna");
    json item = send(c, {{"kind", "proposal"}, {"title", "Cykelväg"}, {"body", on_topic}, {"dialogue", "cykel"}});
    std::string id = std::to_string(item["id"].get<int>());

    // Refusals change nothing.
    BOOST_TEST(c.post_json("/api/v1/submissions/" + id + "/routing", {{"outcome", "maybe"}}, auth).result_int() == 422u);
    BOOST_TEST(c.post_json("/api/v1/submissions/" + id + "/routing", {{"outcome", "in_purpose"}, {"dialogue", "nope"}}, auth)
                   .result_int() == 422u);
    BOOST_TEST(c.post_json("/api/v1/submissions/999999/routing", {{"outcome", "in_purpose"}}, auth).result_int() == 404u);
    BOOST_TEST(c.post_json("/api/v1/submissions/" + id + "/routing", {{"outcome", "in_purpose"}}).result_int() == 401u);
    BOOST_TEST(stored(app.app(), item["id"])["decisions"] == 1);

    auto r = c.post_json("/api/v1/submissions/" + id + "/routing",
                         {{"outcome", "outside_purpose"}, {"dialogue", "cykel"}, {"reason", "Gäller skolgården"}}, auth);
    BOOST_REQUIRE_EQUAL(r.result_int(), 200u);
    json body = json::parse(r.body());
    BOOST_TEST(body["routing"]["outcome"] == "outside_purpose");
    BOOST_TEST(body["routing"]["action"] == "forward_to_department");
    BOOST_TEST(body["routing"]["explanation"]["decided_by"] == "anna");
    auto after = stored(app.app(), item["id"]);
    BOOST_TEST(after["outcome"] == "outside_purpose");
    BOOST_TEST(after["decisions"] == 2);

    auto audit = app.app().database().read([&](schema::connection& conn) {
        auto st = conn.prepare("SELECT actor, details FROM audit_log WHERE action = 'submission.routing' AND object_id = ?");
        st.bind(1, id);
        BOOST_REQUIRE(st.step());
        return json{{"actor", st.text(0)}, {"details", json::parse(st.text(1))}};
    });
    BOOST_TEST(audit["actor"] == "anna");
    BOOST_TEST(audit["details"]["reason"] == "Gäller skolgården");
    BOOST_TEST(audit["details"]["previous"] == "in_purpose");

    auto page = c.get("/receipts/" + item["receipt"].get<std::string>());
    BOOST_TEST(page.body().find("Tekniska förvaltningen") != std::string::npos);

    // The routing learned from the correction: the same text sent again is now outside.
    json again = send(c, {{"kind", "proposal"}, {"title", "Cykelväg igen"}, {"body", on_topic + " Tack."}, {"dialogue", "cykel"}});
    auto learned = json::parse(c.get("/api/v1/submissions/" + std::to_string(again["id"].get<int>()), auth).body());
    BOOST_TEST(learned["routing"]["outcome"] == "outside_purpose");
    BOOST_TEST(learned["routing"]["explanation"]["rule"] == "learned_outside");
}

BOOST_AUTO_TEST_CASE(the_triage_page_lists_review_items_oldest_first_and_confirms_in_one_click) {
    running_app app;
    auto c = app.client();
    add_dialogue(app.app(), "cykel", "keep");
    auto auth = bearer_for(app.app().database(), "anna");
    std::string unsure = "Det är svårt att ta sig till arbetet i centrum på vintern";
    json first = send(c, {{"kind", "proposal"}, {"title", "Första osäkra"}, {"body", unsure}, {"dialogue", "cykel"}});
    json second = send(c, {{"kind", "proposal"}, {"title", "Andra osäkra"}, {"body", unsure + " på vintern"}, {"dialogue", "cykel"}});
    BOOST_REQUIRE(stored(app.app(), first["id"])["outcome"] == "needs_review");

    auto page = c.get("/official/triage", auth);
    BOOST_REQUIRE_EQUAL(page.result_int(), 200u);
    auto p1 = page.body().find("Första osäkra"), p2 = page.body().find("Andra osäkra");
    BOOST_TEST(p1 != std::string::npos);
    BOOST_TEST(p2 != std::string::npos);
    BOOST_TEST(p1 < p2);
    BOOST_TEST(page.body().find("name=\"csrf_token\"") != std::string::npos);
    BOOST_TEST(c.get("/official/triage").result_int() != 200u);  // officials only

    std::string id = std::to_string(first["id"].get<int>());
    auto headers = auth;
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    auto done = c.request(http::verb::post, "/official/triage/" + id, "outcome=in_purpose&dialogue=cykel", headers);
    BOOST_TEST(done.result_int() == 303u);
    BOOST_TEST(stored(app.app(), first["id"])["outcome"] == "in_purpose");
    auto later = c.get("/official/triage", auth);
    BOOST_TEST(later.body().find("Första osäkra") == std::string::npos);
    BOOST_TEST(later.body().find("Andra osäkra") != std::string::npos);

    auto bad = c.request(http::verb::post, "/official/triage/" + id, "outcome=bogus", headers);
    BOOST_TEST(bad.result_int() == 422u);
    BOOST_TEST(bad.body().find("Beslutet sparades inte") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(near_duplicates_are_linked_and_kept) {
    running_app app;
    auto c = app.client();
    add_dialogue(app.app(), "cykel", "keep");
    auto auth = bearer_for(app.app().database(), "anna");
    std::string letter = "Vi boende på Storgatan kräver att kommunen bygger en säker cykelväg mellan skolan och "
                         "idrottshallen innan nästa läsår, eftersom barnen i dag cyklar i blandtrafik.";
    json a = send(c, {{"kind", "proposal"}, {"title", "Cykelväg"}, {"body", "Hej! " + letter + " Anna"}, {"dialogue", "cykel"}});
    json b = send(c, {{"kind", "proposal"}, {"title", "Cykelväg"}, {"body", letter + " Hälsningar Per"}, {"dialogue", "cykel"}});
    json other = send(c, {{"kind", "proposal"}, {"title", "Parkering"}, {"body", on_topic}, {"dialogue", "cykel"}});
    BOOST_TEST(stored(app.app(), b["id"])["duplicate_of"] == a["id"]);
    BOOST_TEST(stored(app.app(), a["id"])["duplicate_of"].is_null());
    BOOST_TEST(stored(app.app(), other["id"])["duplicate_of"].is_null());
    // Kept and counted like any item; the official sees the two together.
    auto item = json::parse(c.get("/api/v1/submissions/" + std::to_string(b["id"].get<int>()), auth).body());
    BOOST_TEST(item["duplicate_of"]["id"] == a["id"]);
    BOOST_TEST(stored(app.app(), b["id"])["outcome"] != "");
}
