// The export through the real service and the real binary: the download pages for officials and
// elected representatives, the nightly run inside `serve`, and `inspel export` on the command line.
#define BOOST_TEST_MODULE export_http
#include "export/export.hpp"
#include "export/files.hpp"
#include "tests/integration/export/fixture.hpp"
#include "tests/support/officials.hpp"
#include "tests/support/running_app.hpp"

#include <boost/test/unit_test.hpp>

#include <thread>

using namespace inspel;
using namespace inspel::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The demo dialogue and a few items, in the running service's own database.
void seed(schema::database& db) {
    dialogue::store::request who{"system", "admin", "", std::chrono::system_clock::now()};
    auto o = db.write_and_wait([&](schema::connection& c) { return dialogue::store::import(c, test_dialogue_json(), who); });
    BOOST_REQUIRE(o.result == dialogue::store::status::ok);
    db.write_and_wait([&](schema::connection& c) {
        for (int i = 0; i < 3; ++i)
            c.prepare("INSERT INTO submissions (receipt, kind, title, title_redacted, body, body_redacted, dialogue_id, "
                      "language, status, received_at, updated_at, routing_outcome, routing_dialogue_id, consent_publish) "
                      "VALUES (?, 'proposal', 'Cykelbana', 'Cykelbana', 'Bygg en cykelbana längs ån.', "
                      "'Bygg en cykelbana längs ån.', ?, 'sv', 'received', '2026-02-02T10:00:00.000Z', "
                      "'2026-02-02T10:00:00.000Z', 'in_purpose', ?, 1)")
                .bind(1, "H" + std::to_string(i)).bind(2, o.value->id).bind(3, o.value->id).run();
    });
}

std::vector<exporting::exported> export_now(schema::database& db, const fs::path& out, const std::string& date) {
    exporting::options o;
    o.out_dir = out;
    o.date = *dialogue::parse_day(date);
    return db.read([&](schema::connection& c) { return exporting::run(c, o); });
}

}  // namespace

BOOST_AUTO_TEST_CASE(signed_in_users_download_the_latest_export_from_the_dialogue_page) {
    running_app app([](config::settings& s) { s.export_nightly = false; });
    auto& db = app.app().database();
    seed(db);
    fs::path exports = app.data_dir() / "exports";
    export_now(db, exports, "2026-03-01");
    export_now(db, exports, "2026-03-02");
    auto elected = bearer_for(db, "erik.politiker", "elected");
    auto c = app.client();

    auto dialogue_page = c.get("/official/dialogues/cykelplan-2030", elected);
    BOOST_TEST(dialogue_page.result_int() == 200);
    BOOST_TEST(dialogue_page.body().find("href=\"/official/dialogues/cykelplan-2030/export\"") != std::string::npos);

    auto page = c.get("/official/dialogues/cykelplan-2030/export", elected);
    BOOST_TEST(page.result_int() == 200);
    BOOST_TEST(page.body().find("Senaste: 2026-03-02") != std::string::npos);
    BOOST_TEST(page.body().find("/official/dialogues/cykelplan-2030/export/2026-03-02/items.xlsx") != std::string::npos);
    BOOST_TEST(page.body().find("/official/dialogues/cykelplan-2030/export/2026-03-01/report.html") != std::string::npos);

    for (auto name : {"report.html", "items.csv", "items.xlsx", "results.json", "manifest.json"}) {
        BOOST_TEST_CONTEXT(name) {
            auto r = c.get(std::string("/official/dialogues/cykelplan-2030/export/2026-03-02/") + name, elected);
            BOOST_TEST(r.result_int() == 200);
            BOOST_TEST(r.body() == read_text(exports / "cykelplan-2030" / "2026-03-02" / name));
            BOOST_TEST(std::string(r[boost::beast::http::field::content_type]) == exporting::media_type(name));
        }
    }
    auto report = c.get("/official/dialogues/cykelplan-2030/export/2026-03-02/report.html", elected);
    BOOST_TEST(std::string(report["Content-Security-Policy"]).find("sandbox") != std::string::npos);
    auto csv = c.get("/official/dialogues/cykelplan-2030/export/2026-03-02/items.csv", elected);
    BOOST_TEST(std::string(csv[boost::beast::http::field::content_disposition]) ==
               "attachment; filename=\"cykelplan-2030-2026-03-02-items.csv\"");

    // Only known files of real exports of real dialogues.
    for (auto bad : {"/official/dialogues/cykelplan-2030/export/2026-03-02/inspel.db",
                     "/official/dialogues/cykelplan-2030/export/2026-03-03/report.html",
                     "/official/dialogues/cykelplan-2030/export/..%2F..%2F/report.html",
                     "/official/dialogues/cykelplan-2030/export/2026-03-02/..%2F..%2F..%2Finspel.db",
                     "/official/dialogues/ingen/export/2026-03-02/report.html", "/official/dialogues/ingen/export"})
        BOOST_TEST_CONTEXT(bad) { BOOST_TEST(c.get(bad, elected).result_int() == 404); }

    // Residents reach none of it.
    auto anonymous = c.get("/official/dialogues/cykelplan-2030/export/2026-03-02/items.csv");
    BOOST_TEST(anonymous.result_int() == 303);
    BOOST_TEST(anonymous.body().find("Cykelbana") == std::string::npos);
    BOOST_TEST(c.get("/official/dialogues/cykelplan-2030/export").result_int() == 303);
}

BOOST_AUTO_TEST_CASE(the_page_says_when_there_is_no_export_yet) {
    running_app app([](config::settings& s) { s.export_nightly = false; });
    seed(app.app().database());
    auto official = bearer_for(app.app().database(), "anna.handlaggare", "official");
    auto page = app.client().get("/official/dialogues/cykelplan-2030/export", official);
    BOOST_TEST(page.result_int() == 200);
    BOOST_TEST(page.body().find("Ingen sammanställning har gjorts än") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(serve_runs_the_nightly_export_by_itself) {
    running_app app([](config::settings& s) { s.export_nightly = false; });
    seed(app.app().database());
    // Restarted with the nightly on at 00:00 UTC: tonight's run has already come due, so it runs now.
    app.restart([](config::settings& s) {
        s.export_nightly = true;
        s.export_time_zone = "UTC";
        s.export_time = std::chrono::minutes(0);
    });
    fs::path folder = app.data_dir() / "exports" / "cykelplan-2030";
    for (int i = 0; i < 300 && exporting::export_folders(folder).empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto folders = exporting::export_folders(folder);
    BOOST_REQUIRE_EQUAL(folders.size(), 1u);
    BOOST_TEST(json::parse(read_text(folders[0] / "results.json"))["items"].size() == 3u);
    BOOST_TEST(fs::exists(app.data_dir() / "exports" / ".nightly-last-run"));
}

BOOST_AUTO_TEST_CASE(a_bad_time_zone_stops_the_service_from_starting) {
    temp_dir dir;
    auto r = run(INSPEL_BINARY, {"serve", "--data", dir.path().string(), "--listen", "127.0.0.1:0"},
                 {{"INSPEL_EXPORT_TIME_ZONE", "Europe/Atlantis"}});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.find("export.time_zone") != std::string::npos);
    r = run(INSPEL_BINARY, {"serve", "--data", dir.path().string()}, {{"INSPEL_EXPORT_TIME", "25:00"}});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.find("INSPEL_EXPORT_TIME") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_command_line_exports_one_or_all_dialogues) {
    export_fixture f;
    f.add_items(30);
    f.db().stop();
    temp_dir out;
    std::string data = f.data_dir().string();
    auto r = run(INSPEL_BINARY, {"export", "--data", data, "--out", out.path().string(), "--date", "2026-03-01"});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.out.find("exported cykelplan-2030 (30 items, internal)") != std::string::npos);
    BOOST_TEST(fs::exists(out / "cykelplan-2030" / "2026-03-01" / "manifest.json"));

    r = run(INSPEL_BINARY, {"export", "--data", data, "--out", (out / "pub").string(), "--dialogue", "cykelplan-2030",
                            "--date", "2026-03-01", "--public", "--files", "csv,json"});
    BOOST_TEST(r.status == 0);
    json manifest = json::parse(read_text(out / "pub" / "cykelplan-2030" / "2026-03-01" / "manifest.json"));
    BOOST_TEST(manifest["audience"] == "public");
    BOOST_TEST(manifest["files"].size() == 2u);
    BOOST_TEST(!fs::exists(out / "pub" / "cykelplan-2030" / "2026-03-01" / "items.xlsx"));

    // Without --date: today in the configured zone.
    r = run(INSPEL_BINARY, {"export", "--data", data, "--out", (out / "today").string()}, {{"INSPEL_EXPORT_TIME_ZONE", "UTC"}});
    BOOST_TEST(r.status == 0);
    BOOST_TEST(exporting::export_folders(out / "today" / "cykelplan-2030").size() == 1u);

    // Mistakes are named, with the usual exit statuses.
    r = run(INSPEL_BINARY, {"export", "--data", data, "--out", out.path().string(), "--dialogue", "ingen"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.find("there is no dialogue \"ingen\"") != std::string::npos);
    r = run(INSPEL_BINARY, {"export", "--data", data, "--out", out.path().string(), "--date", "2026-02-30"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.find("--date") != std::string::npos);
    r = run(INSPEL_BINARY, {"export", "--data", data});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.find("--out") != std::string::npos);
    r = run(INSPEL_BINARY, {"export", "--data", data, "--out", out.path().string(), "--files", "csv,pdf"});
    BOOST_TEST(r.status == 2);
    r = run(INSPEL_BINARY, {"export", "--data", (out / "nowhere").string(), "--out", out.path().string()});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.find("no database") != std::string::npos);
}
