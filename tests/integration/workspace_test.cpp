#define BOOST_TEST_MODULE workspace
// The officials' workspace over real HTTP against the real service: each action and the audit rows
// it writes, bulk tagging over a search result of 10,000 items (timed), the answer reaching the
// receipt page and an SMTP sink (with retries and a restart), personal-data search, export and
// anonymisation (gone from the index and snippets, the text kept), deadlines, the item page and
// its forms. Item texts are sentences from the municipal policy texts in /work/shared/seeds.
#include "accounts/audit.hpp"
#include "ingest/clock.hpp"
#include "server/auth.hpp"
#include "tests/support/officials.hpp"
#include "tests/support/process.hpp"
#include "tests/support/running_app.hpp"
#include "tests/support/smtp_sink.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iostream>
#include <thread>

using namespace inspel;
using namespace inspel::test;
using namespace std::chrono_literals;
using json = nlohmann::json;
using headers = std::map<std::string, std::string>;

namespace {

struct submitted {
    std::int64_t id;
    std::string receipt;
};

submitted submit(http_client& c, json body) {
    if (!body.contains("kind")) body["kind"] = "feedback";
    if (body["kind"] == "feedback" && !body.contains("feedback_type")) body["feedback_type"] = "idea";
    auto r = c.post_json("/api/v1/submissions", body);
    BOOST_TEST_REQUIRE(r.result_int() == 201u, r.body());
    auto j = json_of(r);
    return {j["id"].get<std::int64_t>(), j["receipt"].get<std::string>()};
}

response send(http_client& c, http::verb v, const std::string& target, const json& body, const headers& auth) {
    auto h = auth;
    h["Content-Type"] = "application/json";
    return c.request(v, target, body.dump(), h);
}

std::vector<accounts::audit_record> audit(server::app& app, const std::string& action, std::optional<std::int64_t> id = {}) {
    accounts::audit_filter f;
    f.action = action;
    if (id) {
        f.object_type = "submission";
        f.object_id = std::to_string(*id);
    }
    f.limit = accounts::audit_filter::max_limit;
    return app.database().read([&](schema::connection& c) { return accounts::query_audit(c, f).records; });
}

std::int64_t scalar(server::app& app, const std::string& sql) {
    return app.database().read([&](schema::connection& c) {
        auto st = c.prepare(sql);
        st.step();
        return st.int64(0);
    });
}

json find_items(http_client& c, const headers& auth, const std::string& query) {
    auto r = c.get("/api/v1/search?" + query, auth);
    BOOST_TEST_REQUIRE(r.result_int() == 200u, r.body());
    return json_of(r);
}

// Polls until `ok` holds or `within` passes; returns how long it took.
template <class F>
std::chrono::milliseconds until(F ok, std::chrono::milliseconds within) {
    auto start = std::chrono::steady_clock::now();
    while (!ok() && std::chrono::steady_clock::now() - start < within) std::this_thread::sleep_for(10ms);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

std::uint64_t facet_count(const json& res, const std::string& facet, const std::string& value) {
    for (const auto& f : res["facets"][facet])
        if (f["value"] == value) return f["count"];
    return 0;
}

// Sentences from the seed texts (Swedish municipal policy documents).
std::vector<std::string> seed_sentences() {
    std::vector<std::string> out;
    for (auto name : {"000_2c1e8cc4a1ee31c8.txt", "001_323322ce4826f5f8.txt", "002_5d5e15288bfbc484.txt",
                      "003_694b5dfc806369d0.txt", "004_f1034bc1d9062392.txt"}) {
        std::ifstream in(std::string("/work/shared/seeds/") + name);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), sentence;
        for (char ch : text) {
            sentence += ch == '\n' ? ' ' : ch;
            if (ch == '.' && sentence.size() > 40) {
                out.push_back(sentence.substr(sentence.find_first_not_of(' ')));
                sentence.clear();
            }
        }
    }
    if (out.empty()) out.push_back("Kommunen vill veta vad invånarna tycker om cykelvägarna i centrum.");
    return out;
}

std::string form_encode(const std::map<std::string, std::string>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + server::percent_encode(v);
    return out;
}

response post_form(http_client& c, const std::string& target, const std::map<std::string, std::string>& fields,
                   headers h) {
    h["Content-Type"] = "application/x-www-form-urlencoded";
    return c.request(http::verb::post, target, form_encode(fields), h);
}

}  // namespace

BOOST_AUTO_TEST_CASE(status_assignee_and_tags_in_one_patch_each_audited) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    bearer_for(app.app().database(), "bertil");
    auto c = app.client();
    auto item = submit(c, {{"title", "Cykelbanan"}, {"body", "Cykelbanan vid skolan behöver plogas tidigare."}});

    auto r = send(c, http::verb::patch, "/api/v1/submissions/" + std::to_string(item.id),
                  {{"status", "in_progress"}, {"assignee", "bertil"}, {"tags", {"Vinterväghållning", "Skola"}}}, auth);
    BOOST_TEST_REQUIRE(r.result_int() == 200u, r.body());
    auto j = json_of(r);
    BOOST_TEST(j["status"] == "in_progress");
    BOOST_TEST(j["assignee"] == "bertil");
    BOOST_TEST(j["tags"] == json({"Skola", "Vinterväghållning"}));
    BOOST_TEST(j["changed"] == true);

    // It took effect, with one audit row per kind of change.
    auto got = json_of(c.get("/api/v1/submissions/" + std::to_string(item.id), auth));
    BOOST_TEST(got["status"] == "in_progress");
    BOOST_TEST(got["taken_up_at"].is_string());
    auto status_rows = audit(app.app(), "submission.status", item.id);
    BOOST_TEST_REQUIRE(status_rows.size() == 1u);
    BOOST_TEST(status_rows[0].entry.actor == "anna");
    BOOST_TEST(status_rows[0].entry.details == json({{"from", "received"}, {"to", "in_progress"}}));
    auto assign_rows = audit(app.app(), "submission.assign", item.id);
    BOOST_TEST_REQUIRE(assign_rows.size() == 1u);
    BOOST_TEST(assign_rows[0].entry.details["to"] == "bertil");
    BOOST_TEST(assign_rows[0].entry.client_address == "127.0.0.1");
    auto tag_rows = audit(app.app(), "submission.tag", item.id);
    BOOST_TEST_REQUIRE(tag_rows.size() == 1u);
    BOOST_TEST(tag_rows[0].entry.details["added"].size() == 2u);
    BOOST_TEST(got["history"].size() == 3u);

    // Tags show up in search facets within a second.
    auto took = until([&] { return facet_count(find_items(c, auth, "tag=skola"), "tag", "skola") == 1; }, 3000ms);
    BOOST_TEST(took.count() < 1000);
    BOOST_TEST(find_items(c, auth, "status=in_progress")["total"] == 1);

    // The same again changes nothing and writes nothing.
    r = send(c, http::verb::patch, "/api/v1/submissions/" + std::to_string(item.id),
             {{"status", "in_progress"}, {"tags", {"skola", "vinterväghållning"}}}, auth);
    BOOST_TEST(json_of(r)["changed"] == false);
    BOOST_TEST(audit(app.app(), "submission.tag", item.id).size() == 1u);

    // Removing one tag by leaving it out of the set.
    r = send(c, http::verb::patch, "/api/v1/submissions/" + std::to_string(item.id), {{"tags", {"Skola"}}}, auth);
    BOOST_TEST(json_of(r)["tags"] == json({"Skola"}));
    BOOST_TEST(audit(app.app(), "submission.tag", item.id)[0].entry.details["removed"] == json({"Vinterväghållning"}));
}

BOOST_AUTO_TEST_CASE(refused_changes_change_nothing) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto elected = bearer_for(app.app().database(), "greta", "elected");
    auto c = app.client();
    auto item = submit(c, {{"body", "Belysningen i parken är trasig."}});
    std::string path = "/api/v1/submissions/" + std::to_string(item.id);

    struct row {
        json body;
        unsigned status;
        const char* field;
    };
    const row rows[] = {
        {{{"status", "rejected"}}, 422, "reason"},
        {{{"status", "answered"}}, 409, "status"},
        {{{"status", "done"}}, 422, "status"},
        {{{"assignee", "nobody"}}, 422, "assignee"},
        {{{"assignee", "greta"}}, 422, "assignee"},  // elected representatives do not handle items
        {{{"tags", {"ok", "a\nb"}}}, 422, "tags"},
        {{{"colour", "red"}}, 422, "colour"},
        {json::object(), 422, ""},
        {{{"status", "in_progress"}, {"assignee", "nobody"}}, 422, "assignee"},  // nothing, not half
    };
    for (const auto& r : rows)
        BOOST_TEST_CONTEXT(r.body.dump()) {
            auto res = send(c, http::verb::patch, path, r.body, auth);
            BOOST_TEST(res.result_int() == r.status, res.body());
            auto err = json_of(res)["error"];
            BOOST_TEST((err["field"].is_null() ? std::string() : err["field"].get<std::string>()) == r.field);
        }
    BOOST_TEST(json_of(c.get(path, auth))["status"] == "received");
    BOOST_TEST(scalar(app.app(), "SELECT count(*) FROM audit_log WHERE object_type = 'submission'") == 0);
    BOOST_TEST(send(c, http::verb::patch, path, {{"status", "in_progress"}}, elected).result_int() == 403u);
    BOOST_TEST(send(c, http::verb::patch, "/api/v1/submissions/99999", {{"status", "closed"}}, auth).result_int() == 404u);
    BOOST_TEST(c.request(http::verb::patch, path, "{", {{"Content-Type", "application/json"}, {"Authorization", auth.at("Authorization")}})
                   .result_int() == 400u);

    // Rejected with a reason: the reason is kept, and reopening clears it.
    auto res = send(c, http::verb::patch, path, {{"status", "rejected"}, {"reason", "Gäller inte kommunen."}}, auth);
    BOOST_TEST_REQUIRE(res.result_int() == 200u, res.body());
    BOOST_TEST(json_of(res)["rejection_reason"] == "Gäller inte kommunen.");
    BOOST_TEST(audit(app.app(), "submission.status", item.id)[0].entry.details["reason"] == "Gäller inte kommunen.");
    res = send(c, http::verb::patch, path, {{"status", "in_progress"}}, auth);
    BOOST_TEST(json_of(res)["rejection_reason"].is_null());
}

BOOST_AUTO_TEST_CASE(notes_are_internal_and_audited_without_their_text) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto elected = bearer_for(app.app().database(), "greta", "elected");
    auto c = app.client();
    auto item = submit(c, {{"body", "Bussen till Norr går för sällan på kvällarna."}});
    std::string path = "/api/v1/submissions/" + std::to_string(item.id);

    auto r = c.post_json(path + "/notes", {{"text", "Ringde Karin på trafikenheten."}}, auth);
    BOOST_TEST_REQUIRE(r.result_int() == 201u, r.body());
    BOOST_TEST(c.post_json(path + "/notes", {{"text", "   "}}, auth).result_int() == 422u);
    BOOST_TEST(c.post_json("/api/v1/submissions/424242/notes", {{"text", "x"}}, auth).result_int() == 404u);

    auto got = json_of(c.get(path, auth));
    BOOST_TEST_REQUIRE(got["notes"].size() == 1u);
    BOOST_TEST(got["notes"][0]["text"] == "Ringde Karin på trafikenheten.");
    BOOST_TEST(got["notes"][0]["author"] == "anna");
    auto rows = audit(app.app(), "submission.note", item.id);
    BOOST_TEST_REQUIRE(rows.size() == 1u);
    BOOST_TEST(rows[0].entry.details.dump().find("Karin") == std::string::npos);
    // An elected representative reads the item, but not the officials' notes.
    BOOST_TEST(json_of(c.get(path, elected))["notes"].empty());
    // Nor does the receipt show them.
    BOOST_TEST(c.get("/api/v1/receipts/" + item.receipt).body().find("Karin") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_answer_reaches_the_receipt_page_and_the_residents_mailbox) {
    smtp_sink sink;
    running_app app([&](config::settings& s) {
        s.smtp_server = sink.address();
        s.mail_from = "inspel@kommun.example.se";
        s.public_url = "https://inspel.kommun.example.se";
    });
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    auto item = submit(c, {{"title", "Gatlyktan"}, {"body", "Gatlyktan vid busshållplatsen är släckt."},
                           {"contact", {{"name", "Karin Lindqvist"}, {"email", "karin@example.se"}}}});
    auto quiet = submit(c, {{"body", "Ingen e-post lämnad här."}});

    std::string answer = "Tack! Vi byter lampan under vecka 21.";
    auto r = c.post_json("/api/v1/submissions/" + std::to_string(item.id) + "/answer", {{"text", answer}}, auth);
    BOOST_TEST_REQUIRE(r.result_int() == 200u, r.body());
    BOOST_TEST(json_of(r)["mail_queued"] == true);
    r = c.post_json("/api/v1/submissions/" + std::to_string(quiet.id) + "/answer", {{"text", "Tack för tipset."}}, auth);
    BOOST_TEST(json_of(r)["mail_queued"] == false);

    // The receipt, as API and as page.
    auto receipt = json_of(c.get("/api/v1/receipts/" + item.receipt));
    BOOST_TEST(receipt["status"] == "answered");
    BOOST_TEST(receipt["answer"]["text"] == answer);
    auto page = c.get("/receipts/" + item.receipt);
    BOOST_TEST(page.body().find("Tack! Vi byter lampan under vecka 21.") != std::string::npos);

    // The mail.
    BOOST_TEST_REQUIRE(sink.wait_for(1, 5s));
    auto mail = sink.messages()[0];
    BOOST_TEST(mail.to == "karin@example.se");
    BOOST_TEST(mail.from == "inspel@kommun.example.se");
    BOOST_TEST(mail.decoded_body().find(answer) != std::string::npos);
    BOOST_TEST(mail.decoded_body().find("https://inspel.kommun.example.se/receipts/" + item.receipt) != std::string::npos);
    BOOST_TEST(until([&] { return scalar(app.app(), "SELECT count(*) FROM outgoing_mail WHERE sent_at IS NOT NULL") == 1; }, 3s)
                   .count() < 3000);
    auto rows = audit(app.app(), "submission.answer", item.id);
    BOOST_TEST_REQUIRE(rows.size() == 1u);
    BOOST_TEST(rows[0].entry.details["mailed"] == true);
    BOOST_TEST(rows[0].entry.details.dump().find("lampan") == std::string::npos);
    BOOST_TEST(sink.messages().size() == 1u);  // the item without an address sent nothing

    // A closed item is not answered until it is reopened.
    std::string path = "/api/v1/submissions/" + std::to_string(quiet.id);
    send(c, http::verb::patch, path, {{"status", "closed"}}, auth);
    BOOST_TEST(c.post_json(path + "/answer", {{"text", "Ett till svar."}}, auth).result_int() == 409u);
    auto metrics = c.get("/metrics").body();
    BOOST_TEST(metrics.find("inspel_mail_queue{state=\"sent\"} 1") != std::string::npos, metrics);
}

BOOST_AUTO_TEST_CASE(mail_is_retried_and_survives_a_restart) {
    smtp_sink sink;
    sink.refuse(true);
    auto with_sink = [&](config::settings& s) {
        s.smtp_server = sink.address();
        s.mail_retry_initial = 50ms;
        s.mail_retry_max = 200ms;
    };
    running_app app(with_sink);
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    auto item = submit(c, {{"body", "Hur går det med min ansökan om parkeringstillstånd?"},
                           {"contact", {{"email", "olle@example.se"}}}});
    auto r = c.post_json("/api/v1/submissions/" + std::to_string(item.id) + "/answer", {{"text", "Den är beviljad."}}, auth);
    BOOST_TEST_REQUIRE(r.result_int() == 200u, r.body());

    // Refused: the row stays, with more attempts and the relay's answer.
    BOOST_TEST(until([&] { return sink.refused_count() >= 3; }, 5s).count() < 5000);
    BOOST_TEST(scalar(app.app(), "SELECT attempts FROM outgoing_mail") >= 2);
    BOOST_TEST(scalar(app.app(), "SELECT count(*) FROM outgoing_mail WHERE last_error LIKE '%451%' AND sent_at IS NULL") == 1);

    // The relay goes away altogether, and the service restarts while the mail waits.
    sink.stop();
    app.stop();
    sink.refuse(false);
    sink.start();
    app.start(with_sink);
    BOOST_TEST_REQUIRE(sink.wait_for(1, 5s));
    BOOST_TEST(sink.messages()[0].decoded_body().find("Den är beviljad.") != std::string::npos);
    BOOST_TEST(until([&] { return scalar(app.app(), "SELECT count(*) FROM outgoing_mail WHERE sent_at IS NOT NULL") == 1; }, 3s)
                   .count() < 3000);
    BOOST_TEST(scalar(app.app(), "SELECT count(*) FROM outgoing_mail") == 1);
}

BOOST_AUTO_TEST_CASE(bulk_tagging_a_search_result_of_ten_thousand_items) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    auto sentences = seed_sentences();
    constexpr int n = 10'000;
    // Items are written straight into SQLite (with their outbox rows), as intake would, in one go:
    // ten thousand HTTP submissions would only time the intake.
    app.app().database().write_and_wait([&](schema::connection& db) {
        auto st = db.prepare(
            "INSERT INTO submissions (receipt, kind, feedback_type, title, title_redacted, body, body_redacted, status, "
            "received_at, updated_at) VALUES (?, ?, 'idea', ?, ?, ?, ?, 'received', ?, ?)");
        auto out = db.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, ?)");
        std::string now = ingest::iso_utc(std::chrono::system_clock::now());
        for (int i = 0; i < n + 500; ++i) {
            // The first ten thousand are feedback about cycling, the rest proposals.
            std::string body = sentences[static_cast<std::size_t>(i) % sentences.size()] +
                               (i < n ? " Cykelvägen behöver lagas." : " Ett förslag om parken.");
            st.reset();
            st.bind(1, "BULK-" + std::to_string(i)).bind(2, i < n ? "feedback" : "proposal");
            st.bind(3, "Inspel " + std::to_string(i)).bind(4, "Inspel " + std::to_string(i)).bind(5, body).bind(6, body);
            st.bind(7, now).bind(8, now).run();
            out.reset();
            out.bind(1, db.last_insert_rowid()).bind(2, now).run();
        }
    });
    BOOST_TEST_REQUIRE(app.app().database().read([](schema::connection&) { return true; }));
    // Wait for the index (through the API: the same search the bulk action runs).
    BOOST_TEST_REQUIRE(until([&] { return find_items(c, auth, "kind=feedback&facets=0")["total"] == n; }, 120s).count() < 120000);

    auto start = std::chrono::steady_clock::now();
    auto r = c.post_json("/api/v1/tags/bulk",
                         {{"query", "cykelvägen"}, {"filters", {{"kind", "feedback"}}}, {"add", {"Cykel", "Underhåll"}}}, auth);
    auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST_REQUIRE(r.result_int() == 200u, r.body());
    BOOST_TEST(json_of(r)["changed"] == n);
    BOOST_TEST(json_of(r)["matched"] == n);
    std::cout << "bulk tagging of " << n << " items over a search result: " << took << " s (HTTP round trip)\n";
    BOOST_TEST(took < 5.0);

    // It took effect: tags, one outbox row and one audit row per item, and the facet counts.
    BOOST_TEST(scalar(app.app(), "SELECT count(DISTINCT submission_id) FROM submission_tags") == n);
    BOOST_TEST(scalar(app.app(), "SELECT count(*) FROM submission_tags") == 2 * n);
    BOOST_TEST(scalar(app.app(), "SELECT count(*) FROM audit_log WHERE action = 'submission.tag'") == n);
    BOOST_TEST(scalar(app.app(), "SELECT count(*) FROM tags") == 2);
    auto index_start = std::chrono::steady_clock::now();
    BOOST_TEST(until([&] { return facet_count(find_items(c, auth, "tag=cykel&facets=1"), "tag", "cykel") == n; }, 60s).count() < 60000);
    std::cout << "the index showed the tag on all " << n << " items after "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - index_start).count() << " s more\n";

    // Again: nothing changes. Then removing one tag from the whole result.
    r = c.post_json("/api/v1/tags/bulk", {{"query", "cykelvägen"}, {"add", {"cykel"}}}, auth);
    BOOST_TEST(json_of(r)["changed"] == 0);
    start = std::chrono::steady_clock::now();
    r = c.post_json("/api/v1/tags/bulk", {{"filters", {{"tag", "underhåll"}}}, {"remove", {"Underhåll"}}}, auth);
    std::cout << "bulk removal of a tag from " << n << " items: "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
    BOOST_TEST(json_of(r)["changed"] == n);
    BOOST_TEST(scalar(app.app(), "SELECT count(*) FROM submission_tags") == n);
}

BOOST_AUTO_TEST_CASE(bulk_by_ids_counts_only_items_that_changed) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    auto a = submit(c, {{"body", "Fler papperskorgar i parken."}});
    auto b = submit(c, {{"body", "Parken behöver fler bänkar."}});
    auto r = c.post_json("/api/v1/tags/bulk", {{"ids", {a.id}}, {"add", {"Park"}}}, auth);
    BOOST_TEST(json_of(r)["changed"] == 1);
    r = c.post_json("/api/v1/tags/bulk", {{"ids", {a.id, b.id, 777777}}, {"add", {"park"}}}, auth);
    BOOST_TEST(json_of(r)["changed"] == 1);  // a had it already; 777777 does not exist
    BOOST_TEST(json_of(r)["matched"] == 3);
    BOOST_TEST(scalar(app.app(), "SELECT count(*) FROM tags") == 1);  // "park" is "Park"
    for (const auto& [body, field] : std::vector<std::pair<json, std::string>>{
             {{{"ids", {a.id}}}, "add"},
             {{{"ids", {a.id}}, {"add", {"x"}}, {"remove", {"X"}}}, "remove"},
             {{{"ids", "all"}, {"add", {"x"}}}, "ids"},
             {{{"add", {"x"}}}, "ids"},
             {{{"query", "park AND ("}, {"add", {"x"}}}, "query"},
             {{{"ids", {a.id}}, {"query", "x"}, {"add", {"x"}}}, "ids"}})
        BOOST_TEST_CONTEXT(body.dump()) {
            auto res = c.post_json("/api/v1/tags/bulk", body, auth);
            BOOST_TEST(res.result_int() == 422u, res.body());
            BOOST_TEST(json_of(res)["error"]["field"] == field);
        }
}

BOOST_AUTO_TEST_CASE(a_dialogues_own_vocabulary_wins_over_a_shared_tag) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    // A dialogue row straight in SQLite: only its id and slug matter to tags.
    app.app().database().write_and_wait([](schema::connection& db) {
        db.exec("INSERT INTO dialogues (slug, title, kind, state, definition, created_at, updated_at) VALUES "
                "('cykelplan', 'Cykelplan', 'medborgardialog', 'execution', '{}', '2026-01-01T00:00:00.000Z', "
                "'2026-01-01T00:00:00.000Z')");
    });
    auto in_dialogue = submit(c, {{"body", "Det känns otryggt att cykla genom tunneln."}});
    auto elsewhere = submit(c, {{"body", "Det känns otryggt vid busstationen på kvällen."}});
    app.app().database().write_and_wait([&](schema::connection& db) {
        db.prepare("UPDATE submissions SET dialogue_id = (SELECT id FROM dialogues) WHERE id = ?").bind(1, in_dialogue.id).run();
    });
    auto r = c.post_json("/api/v1/tags", {{"name", "Trygghet"}, {"dialogue", "cykelplan"}}, auth);
    BOOST_TEST_REQUIRE(r.result_int() == 201u, r.body());
    BOOST_TEST(c.post_json("/api/v1/tags", {{"name", "trygghet"}, {"dialogue", "cykelplan"}}, auth).result_int() == 409u);
    BOOST_TEST(c.post_json("/api/v1/tags", {{"name", "x"}, {"dialogue", "nej"}}, auth).result_int() == 422u);
    auto vocab = json_of(c.get("/api/v1/tags?dialogue=cykelplan", auth))["tags"];
    BOOST_TEST_REQUIRE(vocab.size() == 1u);
    BOOST_TEST(vocab[0]["dialogue"] == "cykelplan");
    BOOST_TEST(audit(app.app(), "tag.create").size() == 1u);

    auto r2 = c.post_json("/api/v1/tags/bulk", {{"ids", {in_dialogue.id, elsewhere.id}}, {"add", {"TRYGGHET"}}}, auth);
    BOOST_TEST(json_of(r2)["changed"] == 2);
    // The dialogue's item got the dialogue's tag; the other a shared one, made for it.
    BOOST_TEST(scalar(app.app(), "SELECT count(*) FROM tags") == 2);
    BOOST_TEST(scalar(app.app(), "SELECT t.dialogue_id IS NOT NULL FROM submission_tags st JOIN tags t ON t.id = st.tag_id "
                                 "WHERE st.submission_id = " + std::to_string(in_dialogue.id)) == 1);
    BOOST_TEST(scalar(app.app(), "SELECT t.dialogue_id IS NULL FROM submission_tags st JOIN tags t ON t.id = st.tag_id "
                                 "WHERE st.submission_id = " + std::to_string(elsewhere.id)) == 1);
    BOOST_TEST(json_of(c.get("/api/v1/tags", auth))["tags"].size() == 1u);  // without a dialogue: the shared ones
}

BOOST_AUTO_TEST_CASE(personal_data_search_export_and_anonymisation) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    auto own = submit(c, {{"title", "Lekplatsen i parken"},
                          {"body", "Hej, jag heter Karin Lindqvist och min son skadade sig på gungan. Ring 070-123 45 67."},
                          {"contact", {{"name", "Karin Lindqvist"}, {"email", "Karin.Lindqvist@example.se"}, {"phone", "070-123 45 67"}}}});
    auto second = submit(c, {{"body", "Karin igen: gungan är fortfarande trasig."},
                             {"contact", {{"name", "Karin Lindqvist"}, {"email", "karin.lindqvist@example.se"}}}});
    auto mentioned = submit(c, {{"body", "Min granne karin.lindqvist@example.se har också klagat på gungan."},
                                {"contact", {{"name", "Per Persson"}, {"email", "per@example.se"}}}});
    auto other = submit(c, {{"body", "Gungan är bra, tycker jag."}});
    c.post_json("/api/v1/submissions/" + std::to_string(own.id) + "/notes", {{"text", "Karin Lindqvist ringde igen."}}, auth);
    c.post_json("/api/v1/submissions/" + std::to_string(own.id) + "/answer",
                {{"text", "Hej Karin! Gungan är lagad."}}, auth);
    BOOST_TEST_REQUIRE(until([&] { return find_items(c, auth, "q=lindqvist")["total"] == 1; }, 3s).count() < 3000);

    // Found by the contact e-mail (any case) and by the address in another item's text.
    auto found = c.get("/api/v1/personal-data?email=KARIN.lindqvist@example.se", auth);
    BOOST_TEST_REQUIRE(found.result_int() == 200u, found.body());
    auto items = json_of(found)["items"];
    BOOST_TEST_REQUIRE(items.size() == 3u);
    BOOST_TEST(items[0]["id"] == own.id);
    BOOST_TEST(items[0]["found_by"] == "contact");
    BOOST_TEST(items[2]["id"] == mentioned.id);
    BOOST_TEST(items[2]["found_by"] == "text");
    BOOST_TEST(json_of(c.get("/api/v1/personal-data?phone=%2B46701234567", auth))["items"].size() == 1u);
    BOOST_TEST(c.get("/api/v1/personal-data?email=nope", auth).result_int() == 422u);
    BOOST_TEST(c.get("/api/v1/personal-data", auth).result_int() == 422u);
    auto searches = audit(app.app(), "personal_data.search");
    BOOST_TEST_REQUIRE(searches.size() == 2u);
    BOOST_TEST(searches[0].entry.object_type == "person");
    BOOST_TEST(searches[0].entry.details.dump().find("karin") == std::string::npos);
    BOOST_TEST(searches[0].entry.object_id.find("karin") == std::string::npos);

    // The export carries everything about the person, contact details included.
    auto exported = c.get("/api/v1/personal-data/export?email=karin.lindqvist@example.se", auth);
    BOOST_TEST_REQUIRE(exported.result_int() == 200u);
    BOOST_TEST(std::string(exported[http::field::content_disposition]).find("attachment") != std::string::npos);
    auto ex = json_of(exported);
    BOOST_TEST(ex["items"].size() == 3u);
    BOOST_TEST(ex["items"][0]["contact"]["phone"] == "070-123 45 67");
    BOOST_TEST(ex["items"][0]["body"].get<std::string>().find("070-123 45 67") != std::string::npos);
    BOOST_TEST(ex["items"][0]["notes"].size() == 1u);
    BOOST_TEST(audit(app.app(), "personal_data.export").size() == 1u);

    // Anonymised: contact data and the unredacted text go, from the database and the index.
    auto r = c.post_json("/api/v1/personal-data/anonymise", {{"email", "karin.lindqvist@example.se"}}, auth);
    BOOST_TEST_REQUIRE(r.result_int() == 200u, r.body());
    BOOST_TEST(json_of(r)["changed"] == 3);
    auto item = json_of(c.get("/api/v1/submissions/" + std::to_string(own.id) + "?personal=1", auth));
    BOOST_TEST(item["contact"]["email"].is_null());
    BOOST_TEST(item["contact"]["name"].is_null());
    BOOST_TEST(item["anonymised_at"].is_string());
    std::string body = item["body"];
    BOOST_TEST(body.find("Lindqvist") == std::string::npos, body);
    BOOST_TEST(body.find("070") == std::string::npos, body);
    BOOST_TEST(body.find("skadade sig på gungan") != std::string::npos, body);  // the record stays
    BOOST_TEST(body.find("[namn]") != std::string::npos, body);
    BOOST_TEST(item["title"].get<std::string>().find("Lindqvist") == std::string::npos);
    BOOST_TEST(item["answer"]["text"].get<std::string>().find("Karin") == std::string::npos);
    BOOST_TEST(item["notes"][0]["text"].get<std::string>().find("Lindqvist") == std::string::npos);
    // The mentioning item keeps its own contact but loses the address in its text.
    auto m = json_of(c.get("/api/v1/submissions/" + std::to_string(mentioned.id) + "?personal=1", auth));
    BOOST_TEST(m["contact"]["email"] == "per@example.se");
    BOOST_TEST(m["body"].get<std::string>().find("karin.lindqvist") == std::string::npos);
    BOOST_TEST(m["anonymised_at"].is_null());
    // Untouched: the unrelated item.
    BOOST_TEST(json_of(c.get("/api/v1/submissions/" + std::to_string(other.id), auth))["anonymised_at"].is_null());
    // Gone from the index and from snippets.
    BOOST_TEST(until([&] { return find_items(c, auth, "q=lindqvist")["total"] == 0; }, 3s).count() < 3000);
    BOOST_TEST(find_items(c, auth, "q=karin")["total"] == 0);
    auto snippets = find_items(c, auth, "q=gungan");
    BOOST_TEST(snippets["total"] == 4);
    BOOST_TEST(snippets.dump().find("Lindqvist") == std::string::npos);
    BOOST_TEST(snippets.dump().find("Karin") == std::string::npos);
    // Audited per item, and a second time changes nothing.
    BOOST_TEST(audit(app.app(), "submission.anonymise").size() == 3u);
    BOOST_TEST(json_of(c.post_json("/api/v1/personal-data/anonymise", {{"email", "karin.lindqvist@example.se"}}, auth))["changed"] == 0);
    BOOST_TEST(json_of(c.get("/api/v1/receipts/" + second.receipt))["status"] == "received");
}

BOOST_AUTO_TEST_CASE(retention_dry_run_then_real_run_with_the_binary) {
    temp_dir dir;
    std::map<std::string, std::string> env = {{"INSPEL_DATA", dir.path().string()},
                                              {"INSPEL_RETENTION_MONTHS", "feedback=6, proposal=0"}};
    std::int64_t old_id = 0, new_id = 0, old_proposal = 0;
    {
        running_app app([&](config::settings& s) { s.data_dir = dir.path(); });
        auto c = app.client();
        old_id = submit(c, {{"body", "Snöröjningen på Storgatan var dålig i januari."},
                            {"contact", {{"name", "Olle Ek"}, {"email", "olle@example.se"}}}}).id;
        new_id = submit(c, {{"body", "Snöröjningen var bra i år."}, {"contact", {{"email", "eva@example.se"}}}}).id;
        old_proposal = submit(c, {{"kind", "proposal"}, {"title", "Ny lekplats"}, {"body", "Bygg en lekplats i Norr."},
                                  {"contact", {{"name", "Eva Ek"}, {"email", "eva@example.se"}}}}).id;
        app.app().database().write_and_wait([&](schema::connection& db) {
            db.prepare("UPDATE submissions SET received_at = '2024-01-15T10:00:00.000Z' WHERE id IN (?, ?)")
                .bind(1, old_id)
                .bind(2, old_proposal)
                .run();
        });
    }
    auto dry = run(INSPEL_BINARY, {"retention", "--dry-run"}, env);
    BOOST_TEST_REQUIRE(dry.status == 0, dry.err);
    BOOST_TEST(dry.out.find("would anonymise 1 item:") != std::string::npos, dry.out);
    BOOST_TEST(dry.out.find("  " + std::to_string(old_id) + "\tfeedback") != std::string::npos, dry.out);
    BOOST_TEST(dry.out.find("olle") == std::string::npos);
    auto contact_of = [&](std::int64_t id) {
        schema::database db(dir.path());
        return db.read([&](schema::connection& c) {
            auto st = c.prepare("SELECT contact_email FROM submissions WHERE id = ?");
            st.bind(1, id);
            st.step();
            return st.optional_text(0);
        });
    };
    BOOST_TEST((contact_of(old_id) == std::optional<std::string>("olle@example.se")));  // a dry run changes nothing

    auto real = run(INSPEL_BINARY, {"retention"}, env);
    BOOST_TEST_REQUIRE(real.status == 0, real.err);
    BOOST_TEST(real.out.find("anonymised 1 item:") != std::string::npos, real.out);
    BOOST_TEST(!contact_of(old_id).has_value());
    BOOST_TEST((contact_of(new_id) == std::optional<std::string>("eva@example.se")));       // too young
    BOOST_TEST((contact_of(old_proposal) == std::optional<std::string>("eva@example.se")));  // no rule for proposals
    auto again = run(INSPEL_BINARY, {"retention", "--dry-run"}, env);
    BOOST_TEST(again.out.find("would anonymise 0 items") != std::string::npos, again.out);
    {
        schema::database db(dir.path());
        accounts::audit_filter f;
        f.action = "submission.anonymise";
        auto rows = db.read([&](schema::connection& c) { return accounts::query_audit(c, f).records; });
        BOOST_TEST_REQUIRE(rows.size() == 1u);
        BOOST_TEST(rows[0].entry.actor == "system");
        BOOST_TEST(rows[0].entry.details["reason"] == "retention");
    }
    auto bad = run(INSPEL_BINARY, {"retention"}, {{"INSPEL_DATA", dir.path().string()}, {"INSPEL_RETENTION_MONTHS", "letters=3"}});
    BOOST_TEST(bad.status == 2);
}

BOOST_AUTO_TEST_CASE(overdue_items_are_listed_and_counted) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    auto late = submit(c, {{"body", "Ingen har svarat på min fråga om bygglov."}});
    auto taken = submit(c, {{"body", "Vägen behöver grusas."}});
    auto answered = submit(c, {{"body", "Tack för den nya bänken."}});
    auto fresh = submit(c, {{"body", "Nytt i dag."}});
    (void)fresh;
    c.post_json("/api/v1/submissions/" + std::to_string(answered.id) + "/answer", {{"text", "Varsågod!"}}, auth);
    send(c, http::verb::patch, "/api/v1/submissions/" + std::to_string(taken.id), {{"status", "in_progress"}}, auth);
    app.app().database().write_and_wait([&](schema::connection& db) {
        // Five calendar days ago is past two working days, not past ten; forty days is past both.
        auto five = ingest::iso_utc(std::chrono::system_clock::now() - std::chrono::hours(24 * 5));
        auto forty = ingest::iso_utc(std::chrono::system_clock::now() - std::chrono::hours(24 * 40));
        db.prepare("UPDATE submissions SET received_at = ? WHERE id = ?").bind(1, five).bind(2, late.id).run();
        db.prepare("UPDATE submissions SET received_at = ? WHERE id IN (?, ?)").bind(1, forty).bind(2, taken.id).bind(3, answered.id).run();
    });
    auto r = json_of(c.get("/api/v1/overdue", auth));
    BOOST_TEST_REQUIRE(r["total"] == 2, r.dump());
    BOOST_TEST(r["items"][0]["id"] == taken.id);
    BOOST_TEST(r["items"][0]["deadline"] == "answer");
    BOOST_TEST(r["items"][1]["id"] == late.id);
    BOOST_TEST(r["items"][1]["deadline"] == "acknowledge");
    auto metrics = c.get("/metrics").body();
    BOOST_TEST(metrics.find("inspel_overdue_items{kind=\"feedback\"} 2") != std::string::npos, metrics);
    auto page = c.get("/official/overdue", auth);
    BOOST_TEST(page.result_int() == 200u);
    BOOST_TEST(page.body().find("/official/submissions/" + std::to_string(late.id)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_item_page_shows_personal_data_only_on_request_and_audits_it) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto elected = bearer_for(app.app().database(), "greta", "elected");
    auto c = app.client();
    auto item = submit(c, {{"title", "Parkering"}, {"body", "Nå mig på sven@example.se om parkeringen vid torget."},
                           {"contact", {{"name", "Sven Svensson"}, {"email", "sven@example.se"}}}});
    std::string path = "/official/submissions/" + std::to_string(item.id);

    auto page = c.get(path, auth);
    BOOST_TEST_REQUIRE(page.result_int() == 200u, page.body());
    BOOST_TEST(page.body().find("[e-post]") != std::string::npos);
    BOOST_TEST(page.body().find("sven@example.se") == std::string::npos);
    BOOST_TEST(page.body().find("name=\"csrf_token\"") != std::string::npos);
    BOOST_TEST(audit(app.app(), "submission.view_personal_data", item.id).empty());

    page = c.get(path + "?personal=1", auth);
    BOOST_TEST(page.body().find("sven@example.se") != std::string::npos);
    BOOST_TEST(page.body().find("Sven Svensson") != std::string::npos);
    auto rows = audit(app.app(), "submission.view_personal_data", item.id);
    BOOST_TEST_REQUIRE(rows.size() == 1u);
    BOOST_TEST(rows[0].entry.actor == "anna");

    // An elected representative reads the redacted item, without forms and without personal data.
    page = c.get(path + "?personal=1", elected);
    BOOST_TEST(page.result_int() == 200u);
    BOOST_TEST(page.body().find("sven@example.se") == std::string::npos);
    BOOST_TEST(page.body().find("/note\"") == std::string::npos);
    BOOST_TEST(c.get("/api/v1/submissions/" + std::to_string(item.id) + "?personal=1", elected).result_int() == 403u);
    BOOST_TEST(audit(app.app(), "submission.view_personal_data", item.id).size() == 1u);
    BOOST_TEST(c.get("/official/submissions/98765", auth).result_int() == 404u);
    BOOST_TEST(c.get("/official/submissions/abc", auth).result_int() == 404u);
}

BOOST_AUTO_TEST_CASE(the_item_pages_forms_with_a_browser_session) {
    running_app app;
    accounts::admin::add_user(app.app().database(), "anna", "official", "a long test password 42");
    auto c = app.client();
    auto login = c.post_json("/api/v1/session", {{"username", "anna"}, {"password", "a long test password 42"}});
    BOOST_TEST_REQUIRE(login.result_int() == 200u);
    std::string set(login[http::field::set_cookie]);
    headers cookie = {{"Cookie", set.substr(0, set.find(';'))}};
    std::string csrf = json_of(login)["csrf_token"];
    auto item = submit(c, {{"body", "Skolgården behöver fler träd."}});
    std::string path = "/official/submissions/" + std::to_string(item.id);

    // Without the CSRF token: refused, nothing written.
    BOOST_TEST(post_form(c, path + "/note", {{"text", "utan token"}}, cookie).result_int() == 403u);
    // An empty note: the page again, the message beside the field.
    auto r = post_form(c, path + "/note", {{"csrf_token", csrf}, {"text", "  "}}, cookie);
    BOOST_TEST(r.result_int() == 422u);
    BOOST_TEST(r.body().find("id=\"f-note-text-error\"") != std::string::npos);
    BOOST_TEST(r.body().find("aria-invalid=\"true\"") != std::string::npos);
    // A rejection without reason keeps what was chosen.
    r = post_form(c, path + "/status", {{"csrf_token", csrf}, {"status", "rejected"}, {"reason", ""}}, cookie);
    BOOST_TEST(r.result_int() == 422u);
    BOOST_TEST(r.body().find("Give the reason") != std::string::npos);
    BOOST_TEST(r.body().find("<option value=\"rejected\" selected>") != std::string::npos);

    for (const auto& [form, fields] : std::vector<std::pair<std::string, std::map<std::string, std::string>>>{
             {"note", {{"text", "Kolla med parkförvaltningen."}}},
             {"tags", {{"add", "Skolgård"}}},
             {"assign", {{"assignee", "anna"}}},
             {"status", {{"status", "in_progress"}}},
             {"answer", {{"text", "Vi planterar tre lindar i höst."}}}}) {
        BOOST_TEST_CONTEXT(form) {
            auto f = fields;
            f["csrf_token"] = csrf;
            auto res = post_form(c, path + "/" + form, f, cookie);
            BOOST_TEST(res.result_int() == 303u, res.body());
            BOOST_TEST(std::string(res[http::field::location]) == path);
        }
    }
    auto got = json_of(c.get("/api/v1/submissions/" + std::to_string(item.id), cookie));
    BOOST_TEST(got["status"] == "answered");
    BOOST_TEST(got["assignee"] == "anna");
    BOOST_TEST(got["tags"] == json({"Skolgård"}));
    BOOST_TEST(got["notes"].size() == 1u);
    auto page = c.get(path, cookie).body();
    BOOST_TEST(page.find("Vi planterar tre lindar i höst.") != std::string::npos);
    BOOST_TEST(page.find("Skrev en anteckning") != std::string::npos);  // the history

    // Response templates fill the answer box.
    auto t = c.request(http::verb::post, "/api/v1/response-templates",
                       json{{"name", "Tack"}, {"body", "Tack för ditt inspel! Vi återkommer."}}.dump(),
                       {{"Cookie", cookie["Cookie"]}, {"X-CSRF-Token", csrf}, {"Content-Type", "application/json"}});
    BOOST_TEST_REQUIRE(t.result_int() == 201u, t.body());
    page = c.get(path + "?template=" + std::to_string(json_of(t)["id"].get<int>()), cookie).body();
    BOOST_TEST(page.find(">Tack för ditt inspel! Vi återkommer.</textarea>") != std::string::npos);
    BOOST_TEST(audit(app.app(), "template.create").size() == 1u);

    // The search page's bulk form: selected ids, one action.
    auto other = submit(c, {{"body", "Skolgården är för liten."}});
    auto res = post_form(c, "/official/bulk",
                         {{"csrf_token", csrf}, {"ids", std::to_string(other.id)}, {"action", "tag_add"}, {"value", "Skolgård"},
                          {"return_to", "/search?q=skolg%C3%A5rden"}},
                         cookie);
    BOOST_TEST(res.result_int() == 303u, res.body());
    BOOST_TEST(std::string(res[http::field::location]) == "/search?q=skolg%C3%A5rden&changed=1");
    BOOST_TEST(json_of(c.get("/api/v1/submissions/" + std::to_string(other.id), cookie))["tags"] == json({"Skolgård"}));
    res = post_form(c, "/official/bulk",
                    {{"csrf_token", csrf}, {"ids", std::to_string(other.id)}, {"action", "status"}, {"value", "closed"},
                     {"return_to", "https://evil.example/"}},
                    cookie);
    BOOST_TEST(std::string(res[http::field::location]) == "/search?changed=1");  // never off the site
}
