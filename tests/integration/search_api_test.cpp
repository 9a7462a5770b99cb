#define BOOST_TEST_MODULE search_api
// Officials' search over real HTTP, fed by real intake: what a resident sends is findable within a
// second, by inflected forms, and never by the personal data in it.
#include "tests/support/officials.hpp"
#include "tests/support/running_app.hpp"

#include <boost/test/unit_test.hpp>

#include <thread>

using namespace inspel;
using namespace inspel::test;

namespace {

std::string submit(http_client& c, const std::string& title, const std::string& body, const std::string& area = "") {
    nlohmann::json j = {{"kind", "feedback"}, {"feedback_type", "idea"}, {"title", title}, {"body", body}};
    if (!area.empty()) j["area"] = area;
    auto r = c.post_json("/api/v1/submissions", j);
    BOOST_TEST_REQUIRE(r.result_int() == 201u, r.body());
    return json_of(r)["receipt"].get<std::string>();
}

nlohmann::json find_items(http_client& c, const std::map<std::string, std::string>& auth, const std::string& query) {
    auto r = c.get("/api/v1/search?" + query, auth);
    BOOST_TEST_REQUIRE(r.result_int() == 200u, r.body());
    return json_of(r);
}

// Polls until the query finds `n` items or `within` passes; returns how long it took.
std::chrono::milliseconds until_found(http_client& c, const std::map<std::string, std::string>& auth,
                                      const std::string& query, std::uint64_t n, std::chrono::milliseconds within) {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < within) {
        if (find_items(c, auth, query)["total"].get<std::uint64_t>() >= n) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_submission_is_findable_within_a_second_by_inflected_forms) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    submit(c, "Skolan vid torget", "Skolan behöver en ny cykelbana till entrén.", "Centrum");
    auto took = until_found(c, auth, "q=skolor", 1, std::chrono::seconds(3));
    BOOST_TEST(took.count() < 1000);
    auto res = find_items(c, auth, "q=cykelbanorna");
    BOOST_TEST(res["total"] == 1);
    auto item = res["items"][0];
    BOOST_TEST(item["kind"] == "feedback");
    BOOST_TEST(item["area"] == "Centrum");
    BOOST_TEST(item["snippet"].get<std::string>().find("<mark>") != std::string::npos);
    BOOST_TEST(res["facets"]["kind"][0]["value"] == "feedback");
    BOOST_TEST(res["facets"]["kind"][0]["count"] == 1);
}

BOOST_AUTO_TEST_CASE(personal_data_is_never_findable_nor_in_snippets) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    submit(c, "Gatubelysning", "Lampan är trasig. Mitt personnummer är 811218-9876, ring 070-123 45 67 "
                               "eller mejla anna.svensson@example.se.");
    BOOST_TEST_REQUIRE(until_found(c, auth, "q=gatubelysning", 1, std::chrono::seconds(3)).count() < 3000);
    for (std::string q : {"811218-9876", "8112189876", "9876", "070-123", "anna.svensson", "example.se", "svensson"}) {
        BOOST_TEST_CONTEXT(q) {
            auto res = find_items(c, auth, "q=" + q);
            BOOST_TEST(res["total"] == 0);
        }
    }
    auto snippet = find_items(c, auth, "q=lampan")["items"][0]["snippet"].get<std::string>();
    BOOST_TEST(snippet.find("9876") == std::string::npos, snippet);
    BOOST_TEST(snippet.find("svensson") == std::string::npos, snippet);
}

BOOST_AUTO_TEST_CASE(facet_counts_match_the_database) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    for (int i = 0; i < 12; ++i) submit(c, "Parkering " + std::to_string(i), "Parkeringen vid stationen.", i % 3 ? "Norr" : "Söder");
    BOOST_TEST_REQUIRE(until_found(c, auth, "q=parkering", 12, std::chrono::seconds(5)).count() < 5000);
    auto res = find_items(c, auth, "q=parkering&page_size=5");
    std::map<std::string, std::int64_t> from_index;
    for (const auto& v : res["facets"]["area"]) from_index[v["value"]] = v["count"];
    auto from_db = app.app().database().read([](schema::connection& db) {
        std::map<std::string, std::int64_t> m;
        auto st = db.prepare("SELECT lower(area), count(*) FROM submissions GROUP BY lower(area)");
        while (st.step()) m[st.text(0)] = st.int64(1);
        return m;
    });
    BOOST_TEST(from_index == from_db);
    BOOST_TEST(res["items"].size() == 5u);
    BOOST_TEST(res["total"] == 12);
    BOOST_TEST(res["total_is_estimate"] == false);
}

BOOST_AUTO_TEST_CASE(bad_queries_answer_400_and_officials_only) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto elected = bearer_for(app.app().database(), "erik", "elected");
    auto c = app.client();
    auto bad = c.get("/api/v1/search?q=title:(", auth);
    BOOST_TEST((bad.result_int() == 400u || bad.result_int() == 200u));  // Xapian may read it leniently
    auto bad_date = c.get("/api/v1/search?q=x&from=igår", auth);
    BOOST_TEST(bad_date.result_int() == 400u);
    BOOST_TEST(json_of(bad_date)["error"]["field"] == "from");
    auto bad_param = c.get("/api/v1/search?colour=blue", auth);
    BOOST_TEST(bad_param.result_int() == 400u);
    BOOST_TEST(json_of(bad_param)["error"]["field"] == "colour");
    BOOST_TEST(c.get("/api/v1/search?q=x").result_int() == 401u);
    BOOST_TEST(c.get("/api/v1/search?q=x", elected).result_int() == 403u);
}

BOOST_AUTO_TEST_CASE(the_search_page_shows_results_and_escapes_what_residents_wrote) {
    running_app app;
    auto auth = bearer_for(app.app().database(), "anna");
    auto c = app.client();
    submit(c, "<script>alert(1)</script> Bänkar", "Fler bänkar i parken <b>nu</b>.");
    BOOST_TEST_REQUIRE(until_found(c, auth, "q=bänkar", 1, std::chrono::seconds(3)).count() < 3000);
    auto page = c.get("/search?q=b%C3%A4nkar", auth);
    BOOST_TEST(page.result_int() == 200u);
    BOOST_TEST(page.body().find("<script>alert") == std::string::npos);
    BOOST_TEST(page.body().find("&lt;script&gt;") != std::string::npos, page.body());
    BOOST_TEST(page.body().find("<mark>") != std::string::npos);
    BOOST_TEST(page.body().find("/official/submissions/") != std::string::npos);
}
