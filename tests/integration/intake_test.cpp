#define BOOST_TEST_MODULE intake
// Resident intake through the real service: the JSON API, the web forms and the receipt pages,
// each case checking the answer and then the database.
#include "ingest/clock.hpp"
#include "ingest/intake.hpp"
#include "tests/support/running_app.hpp"

#include <boost/test/unit_test.hpp>

#include <future>
#include <regex>
#include <set>

using namespace inspel;
using namespace inspel::test;
using json = nlohmann::json;

namespace {

const std::string submissions = "/api/v1/submissions";

// Forms filled by tests are sent at once; the fill-time check has its own cases.
void instant_forms(config::settings& s) { s.form_min_fill = std::chrono::seconds(0); }

std::int64_t count(server::app& a, const std::string& sql = "SELECT count(*) FROM submissions") {
    return a.database().read([&](schema::connection& c) {
        auto st = c.prepare(sql);
        st.step();
        return st.int64(0);
    });
}

// The stored row of a receipt, as column -> text (NULL as null).
json row_of(server::app& a, const std::string& receipt) {
    return a.database().read([&](schema::connection& c) {
        auto st = c.prepare(
            "SELECT id, kind, feedback_type, title, title_redacted, body, body_redacted, dialogue_id, area, language, "
            "consent_publish, contact_name, contact_email, contact_phone, answers, personal_data, channel, status, "
            "received_at FROM submissions WHERE receipt = ?");
        st.bind(1, receipt);
        json row = nullptr;
        if (!st.step()) return row;
        const char* names[] = {"id",           "kind",          "feedback_type",  "title",         "title_redacted",
                               "body",         "body_redacted", "dialogue_id",    "area",          "language",
                               "consent_publish", "contact_name", "contact_email", "contact_phone", "answers",
                               "personal_data", "channel",      "status",         "received_at"};
        row = json::object();
        for (int i = 0; i < 19; ++i) row[names[i]] = st.is_null(i) ? json(nullptr) : json(st.text(i));
        return row;
    });
}

std::string day_offset(int days) {
    return ingest::swedish_date(std::chrono::system_clock::now() + std::chrono::hours(24 * days));
}

std::int64_t add_dialogue(server::app& a, const std::string& slug, const std::string& state, const std::string& opens,
                          const std::string& closes, const json& questions = json::array()) {
    json definition = {{"slug", slug},      {"title", "Dialog " + slug}, {"kind", "medborgardialog"}, {"language", "sv"},
                       {"state", state},    {"opens_at", opens},          {"closes_at", closes}};
    if (!questions.empty()) definition["questions"] = questions;
    return a.database().write_and_wait([&](schema::connection& c) {
        c.prepare(
             "INSERT INTO dialogues (slug, title, kind, language, state, opens_at, closes_at, definition, created_at, "
             "updated_at) VALUES (?, ?, 'medborgardialog', 'sv', ?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
            .bind(1, slug)
            .bind(2, "Dialog " + slug)
            .bind(3, state)
            .bind(4, opens)
            .bind(5, closes)
            .bind(6, definition.dump())
            .run();
        return c.last_insert_rowid();
    });
}

const json feedback = {{"kind", "feedback"}, {"feedback_type", "complaint"}, {"body", "Gatlyktan på Storgatan är trasig."}};

// The hidden form token of a form page.
std::string token_in(const std::string& html) {
    std::smatch m;
    BOOST_REQUIRE(std::regex_search(html, m, std::regex("name=\"form_token\" value=\"([^\"]+)\"")));
    return m[1];
}

std::string urlencode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) {
        if (!out.empty()) out += '&';
        for (const std::string* s : {&k, &v}) {
            for (unsigned char c : *s) {
                if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
                else {
                    char buf[4];
                    std::snprintf(buf, sizeof buf, "%%%02X", c);
                    out += buf;
                }
            }
            if (s == &k) out += '=';
        }
    }
    return out;
}

response post_form(http_client& c, const std::string& target, const std::vector<std::pair<std::string, std::string>>& fields,
                   std::map<std::string, std::string> headers = {}) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    return c.request(http::verb::post, target, urlencode(fields), headers);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api)

BOOST_AUTO_TEST_CASE(each_kind_is_stored_and_answered_with_a_receipt) {
    running_app app;
    auto c = app.client();
    add_dialogue(app.app(), "cykelplan", "execution", day_offset(-10), day_offset(10),
                 json::array({{{"id", "q1"}, {"type", "scale"}, {"text", "Hur trygg känner du dig?"}, {"min", 1}, {"max", 5},
                               {"required", true}},
                              {{"id", "q2"}, {"type", "free_text"}, {"text", "Något mer?"}}}));
    const std::vector<json> items = {
        {{"kind", "proposal"},
         {"title", "Fler cykelställ"},
         {"body", "Vid stationen behövs fler cykelställ."},
         {"area", "Centrum"},
         {"consent_publish", true},
         {"contact", {{"name", "Anna Svensson"}, {"email", "anna@example.se"}, {"phone", "070-123 45 67"}}}},
        feedback,
        {{"kind", "public_question"}, {"body", "När öppnar simhallen igen?"}, {"language", "sv"}},
        {{"kind", "panel_response"},
         {"dialogue", "cykelplan"},
         {"answers", {{{"question", "q1"}, {"value", 4}}, {{"question", "q2"}, {"value", "Belysning på cykelbanan."}}}}},
    };
    std::set<std::string> receipts;
    for (const auto& item : items) {
        BOOST_TEST_CONTEXT(item["kind"]) {
            auto r = c.post_json(submissions, item);
            BOOST_TEST(r.result_int() == 201u, r.body());
            auto body = json_of(r);
            BOOST_TEST(body["status"] == "received");
            BOOST_TEST(body["kind"] == item["kind"]);
            std::string receipt = body["receipt"];
            BOOST_TEST(std::regex_match(receipt, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")));
            BOOST_TEST(std::regex_match(body["received_at"].get<std::string>(),
                                        std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
            BOOST_TEST(r[http::field::location] == "/api/v1/receipts/" + receipt);
            receipts.insert(receipt);
            auto row = row_of(app.app(), receipt);
            BOOST_REQUIRE(!row.is_null());
            BOOST_TEST(row["kind"] == item["kind"]);
            BOOST_TEST(row["status"] == "received");
            BOOST_TEST(row["channel"] == "api");
            BOOST_TEST(row["id"] == std::to_string(body["id"].get<std::int64_t>()));
        }
    }
    BOOST_TEST(receipts.size() == 4u);
    auto rows = count(app.app(), "SELECT count(*) FROM submissions WHERE kind = 'proposal' AND contact_name = 'Anna Svensson' "
                                 "AND contact_email = 'anna@example.se' AND consent_publish = 1 AND area = 'Centrum'");
    BOOST_TEST(rows == 1);
    BOOST_TEST(count(app.app(), "SELECT count(*) FROM submissions WHERE kind = 'panel_response' AND dialogue_id IS NOT NULL "
                                "AND json_extract(answers, '$[0].value') = 4") == 1);
}

BOOST_AUTO_TEST_CASE(the_receipt_api_shows_status_without_personal_data) {
    running_app app;
    auto c = app.client();
    json item = {{"kind", "proposal"},
                 {"title", "Ny lekplats"},
                 {"body", "Mitt personnummer är 850709-9805."},
                 {"contact", {{"name", "Bertil Berg"}, {"email", "bertil@example.se"}}}};
    std::string receipt = json_of(c.post_json(submissions, item))["receipt"];
    for (std::string typed : {receipt, [&] {
                                  std::string lower = receipt;
                                  for (char& ch : lower) ch = static_cast<char>(std::tolower(ch));
                                  lower.erase(std::remove(lower.begin(), lower.end(), '-'), lower.end());
                                  return lower;
                              }()}) {
        auto r = c.get("/api/v1/receipts/" + typed);
        BOOST_TEST(r.result_int() == 200u);
        auto body = json_of(r);
        BOOST_TEST(body["receipt"] == receipt);
        BOOST_TEST(body["status"] == "received");
        BOOST_TEST(body["kind"] == "proposal");
        BOOST_TEST(body["answer"].is_null());
        for (const char* secret : {"Bertil", "bertil@", "850709", "Ny lekplats"}) BOOST_TEST(r.body().find(secret) == std::string::npos);
    }
    BOOST_TEST(c.get("/api/v1/receipts/AAAA-BBBB-CCCC-DDDD").result_int() == 404u);
    BOOST_TEST(c.get("/api/v1/receipts/not-a-code").result_int() == 404u);
    BOOST_TEST(json_of(c.get("/api/v1/receipts/not-a-code"))["error"]["code"] == "not_found");
}

BOOST_AUTO_TEST_CASE(every_validation_error_names_its_field_and_stores_nothing) {
    running_app app([](config::settings& s) { s.rate_limit_per_minute = 0; });
    auto c = app.client();
    struct row {
        std::string body;
        unsigned status;
        std::string code;
        json field;
    };
    const std::string long_title(201, 'x');
    const std::vector<row> table = {
        {"{\"kind\": \"feedback\",", 400, "malformed_json", nullptr},
        {"[]", 400, "malformed_json", nullptr},
        {R"({"kind":"letter","body":"x"})", 422, "invalid", "kind"},
        {R"({"body":"x"})", 422, "invalid", "kind"},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","priority":"high"})", 422, "invalid", "priority"},
        {R"({"kind":"feedback","feedback_type":"praise","body":["x"]})", 422, "invalid", "body"},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","consent_publish":1})", 422, "invalid", "consent_publish"},
        {R"({"kind":"feedback","feedback_type":"praise"})", 422, "invalid", "body"},
        {R"({"kind":"feedback","body":"x"})", 422, "invalid", "feedback_type"},
        {R"({"kind":"feedback","feedback_type":"love","body":"x"})", 422, "invalid", "feedback_type"},
        {R"({"kind":"proposal","body":"x","contact":{"name":"A","email":"a@b.se"}})", 422, "invalid", "title"},
        {R"({"kind":"proposal","title":"t","body":"x"})", 422, "invalid", "contact.name"},
        {R"({"kind":"proposal","title":"t","body":"x","contact":{"name":"A","email":"a.b.se"}})", 422, "invalid", "contact.email"},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","contact":{"phone":"abc"}})", 422, "invalid", "contact.phone"},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","title":")" + long_title + "\"}", 422, "invalid", "title"},
        {R"({"kind":"feedback","feedback_type":"praise","body":"nul\u0000byte"})", 422, "invalid", "body"},
        {"{\"kind\":\"feedback\",\"feedback_type\":\"praise\",\"body\":\"bad \xFF byte\"}", 422, "invalid", "body"},
        {R"({"kind":"public_question","body":"x","answers":[]})", 422, "invalid", "answers"},
        {R"({"kind":"panel_response","answers":[{"question":"q1","value":3}]})", 422, "invalid", "dialogue"},
        {R"({"kind":"feedback","feedback_type":"praise","body":"x","dialogue":"ingen-sadan"})", 422, "unknown_dialogue", "dialogue"},
    };
    for (const auto& r : table) {
        BOOST_TEST_CONTEXT("body: " << r.body.substr(0, 100)) {
            auto res = c.request(http::verb::post, submissions, r.body, {{"Content-Type", "application/json"}});
            BOOST_TEST(res.result_int() == r.status, res.body());
            auto e = json_of(res)["error"];
            BOOST_TEST(e["code"] == r.code);
            BOOST_TEST(e["field"] == r.field);
            BOOST_TEST(e["message"].get<std::string>().size() > 10u);
        }
    }
    BOOST_TEST(count(app.app()) == 0);
}

BOOST_AUTO_TEST_CASE(a_wrong_content_type_is_415_and_an_oversized_body_413) {
    running_app app([](config::settings& s) { s.body_limit = 4096; });
    auto c = app.client();
    for (std::string type : {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"}) {
        BOOST_TEST_CONTEXT(type) {
            auto r = c.request(http::verb::post, submissions, feedback.dump(), {{"Content-Type", type}});
            BOOST_TEST(r.result_int() == 415u);
            BOOST_TEST(json_of(r)["error"]["code"] == "unsupported_media_type");
        }
    }
    BOOST_TEST(c.request(http::verb::post, submissions, feedback.dump(), {{"Content-Type", "Application/JSON; charset=UTF-8"}})
                   .result_int() == 201u);
    json big = feedback;
    big["body"] = std::string(8000, 'a');
    auto r = app.client().post_json(submissions, big);
    BOOST_TEST(r.result_int() == 413u);
    BOOST_TEST(count(app.app()) == 1);
}

BOOST_AUTO_TEST_CASE(a_repeated_idempotency_key_gets_the_first_answer) {
    running_app app;
    auto c = app.client();
    auto first = c.post_json(submissions, feedback, {{"Idempotency-Key", "retry-7f3a"}});
    BOOST_TEST(first.result_int() == 201u);
    auto again = c.post_json(submissions, feedback, {{"Idempotency-Key", "retry-7f3a"}});
    BOOST_TEST(again.result_int() == 201u);
    BOOST_TEST(json_of(again)["receipt"] == json_of(first)["receipt"]);
    BOOST_TEST(json_of(again) == json_of(first));
    BOOST_TEST(again["Idempotent-Replayed"] == "true");
    BOOST_TEST(count(app.app()) == 1);

    json other = feedback;
    other["body"] = "Något helt annat.";
    auto mismatch = c.post_json(submissions, other, {{"Idempotency-Key", "retry-7f3a"}});
    BOOST_TEST(mismatch.result_int() == 422u);
    BOOST_TEST(json_of(mismatch)["error"]["code"] == "idempotency_mismatch");
    BOOST_TEST(json_of(mismatch)["error"]["field"] == "Idempotency-Key");
    BOOST_TEST(count(app.app()) == 1);

    BOOST_TEST(c.post_json(submissions, feedback, {{"Idempotency-Key", "another"}}).result_int() == 201u);
    BOOST_TEST(c.post_json(submissions, feedback).result_int() == 201u);  // without a key, each is new
    BOOST_TEST(count(app.app()) == 3);
    auto bad = c.post_json(submissions, feedback, {{"Idempotency-Key", std::string(201, 'k')}});
    BOOST_TEST(bad.result_int() == 400u);
    BOOST_TEST(json_of(bad)["error"]["field"] == "Idempotency-Key");
}

BOOST_AUTO_TEST_CASE(concurrent_retries_with_one_key_store_one_item) {
    running_app app([](config::settings& s) { s.rate_limit_per_minute = 0; });
    std::vector<std::thread> threads;
    std::mutex m;
    std::set<std::string> receipts;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&] {
            auto c = app.client();
            auto r = c.post_json(submissions, feedback, {{"Idempotency-Key", "same-for-all"}});
            std::lock_guard lock(m);
            receipts.insert(json_of(r)["receipt"].get<std::string>());
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(receipts.size() == 1u);
    BOOST_TEST(count(app.app()) == 1);
}

BOOST_AUTO_TEST_CASE(rapid_posts_from_one_address_meet_the_rate_limit) {
    running_app app;  // the defaults: 60 a minute, bursts of 20
    auto c = app.client();
    int created = 0, limited = 0;
    std::string retry_after;
    for (int i = 0; i < 200; ++i) {
        auto r = c.post_json(submissions, feedback);
        if (r.result_int() == 201u) ++created;
        if (r.result_int() == 429u) {
            ++limited;
            retry_after = std::string(r[http::field::retry_after]);
            BOOST_TEST(json_of(r)["error"]["code"] == "rate_limited");
        }
    }
    BOOST_TEST(limited > 0);
    BOOST_TEST(created >= 20);
    BOOST_TEST(created < 30);
    BOOST_TEST(std::stoi(retry_after) >= 1);
    BOOST_TEST(count(app.app()) == created);
}

BOOST_AUTO_TEST_CASE(rate_limit_zero_from_the_environment_turns_the_limit_off) {
    auto settings = config::load({std::nullopt, {{"INSPEL_RATE_LIMIT", "0"}}, {}});
    BOOST_TEST(settings.rate_limit_per_minute == 0.0);
    running_app app([&](config::settings& s) { s.rate_limit_per_minute = settings.rate_limit_per_minute; });
    auto c = app.client();
    for (int i = 0; i < 200; ++i) BOOST_TEST_REQUIRE(c.post_json(submissions, feedback).result_int() == 201u);
    BOOST_TEST(count(app.app()) == 200);
}

BOOST_AUTO_TEST_CASE(personnummer_with_a_valid_luhn_digit_is_redacted_and_an_invalid_one_is_not) {
    running_app app;
    auto c = app.client();
    json valid = feedback, invalid = feedback;
    valid["body"] = "Mitt personnummer är 19850709-9805, ring 070-123 45 67.";
    valid["title"] = "Gäller 850709-9805";
    invalid["body"] = "Ärendenummer 19850709-9806 från förra året.";
    std::string a = json_of(c.post_json(submissions, valid))["receipt"];
    std::string b = json_of(c.post_json(submissions, invalid))["receipt"];
    auto ra = row_of(app.app(), a), rb = row_of(app.app(), b);
    BOOST_TEST(ra["body"] == valid["body"]);  // the original, for officials
    BOOST_TEST(ra["body_redacted"] == "Mitt personnummer är [personnummer], ring [telefon].");
    BOOST_TEST(ra["title_redacted"] == "Gäller [personnummer]");
    BOOST_TEST(json::parse(ra["personal_data"].get<std::string>()) == json::array({"personnummer", "phone"}));
    BOOST_TEST(rb["body_redacted"] == invalid["body"]);
    BOOST_TEST(rb["personal_data"] == "[]");
}

BOOST_AUTO_TEST_CASE(two_spellings_of_o_umlaut_are_stored_as_the_same_bytes) {
    running_app app;
    auto c = app.client();
    json composed = feedback, decomposed = feedback;
    composed["body"] = "Sk\xC3\xB6nt med nya b\xC3\xA4nkar";       // ö and ä as single code points
    decomposed["body"] = "Sko\xCC\x88nt med nya ba\xCC\x88nkar";  // o and a + combining diaeresis
    std::string a = json_of(c.post_json(submissions, composed))["receipt"];
    std::string b = json_of(c.post_json(submissions, decomposed))["receipt"];
    BOOST_TEST(row_of(app.app(), a)["body"] == row_of(app.app(), b)["body"]);
    BOOST_TEST(row_of(app.app(), b)["body"] == composed["body"]);
}

BOOST_AUTO_TEST_CASE(dialogues_are_checked_when_named) {
    running_app app;
    auto c = app.client();
    auto open_id = add_dialogue(app.app(), "oppen", "execution", day_offset(-1), day_offset(1));
    add_dialogue(app.app(), "planeras", "planning", day_offset(1), day_offset(30));
    add_dialogue(app.app(), "stangd", "execution", day_offset(-30), day_offset(-1));
    add_dialogue(app.app(), "snart", "execution", day_offset(2), day_offset(30));
    struct row {
        json dialogue;
        unsigned status;
        std::string code;
    };
    const std::vector<row> table = {
        {"oppen", 201, ""},
        {open_id, 201, ""},
        {"planeras", 422, "dialogue_closed"},
        {"stangd", 422, "dialogue_closed"},
        {"snart", 422, "dialogue_closed"},
        {"finns-inte", 422, "unknown_dialogue"},
        {999, 422, "unknown_dialogue"},
    };
    for (const auto& r : table) {
        BOOST_TEST_CONTEXT(r.dialogue) {
            json item = feedback;
            item["dialogue"] = r.dialogue;
            auto res = c.post_json(submissions, item);
            BOOST_TEST(res.result_int() == r.status, res.body());
            if (r.status == 201u) {
                BOOST_TEST(row_of(app.app(), json_of(res)["receipt"])["dialogue_id"] == std::to_string(open_id));
                BOOST_TEST(json_of(c.get("/api/v1/receipts/" + json_of(res)["receipt"].get<std::string>()))["dialogue"]["slug"] ==
                           "oppen");
            } else {
                BOOST_TEST(json_of(res)["error"]["code"] == r.code);
                BOOST_TEST(json_of(res)["error"]["field"] == "dialogue");
            }
        }
    }
    BOOST_TEST(count(app.app()) == 2);
}

BOOST_AUTO_TEST_CASE(panel_responses_are_checked_against_the_dialogues_questions) {
    running_app app;
    auto c = app.client();
    add_dialogue(app.app(), "utan-panel", "execution", day_offset(-1), day_offset(1));
    add_dialogue(app.app(), "med-panel", "execution", day_offset(-1), day_offset(1),
                 json::array({{{"id", "q1"}, {"type", "single_choice"}, {"text", "Cyklar du?"},
                               {"options", {"Ja", "Nej"}}, {"required", true}}}));
    json answer = {{"kind", "panel_response"}, {"dialogue", "utan-panel"}, {"answers", {{{"question", "q1"}, {"value", "Ja"}}}}};
    auto none = c.post_json(submissions, answer);
    BOOST_TEST(none.result_int() == 422u);
    BOOST_TEST(json_of(none)["error"]["code"] == "no_panel");
    BOOST_TEST(json_of(none)["error"]["field"] == "dialogue");

    answer["dialogue"] = "med-panel";
    answer["answers"][0]["value"] = "Kanske";
    auto wrong = c.post_json(submissions, answer);
    BOOST_TEST(wrong.result_int() == 422u);
    BOOST_TEST(json_of(wrong)["error"]["code"] == "invalid");
    BOOST_TEST(json_of(wrong)["error"]["field"] == "answers.q1");
    BOOST_TEST(count(app.app()) == 0);

    answer["answers"][0]["value"] = "Ja";
    BOOST_TEST(c.post_json(submissions, answer).result_int() == 201u);
    BOOST_TEST(count(app.app()) == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(forms)

BOOST_AUTO_TEST_CASE(each_form_is_shown_sent_and_answered_with_its_receipt_page) {
    running_app app(instant_forms);
    auto c = app.client();
    struct form {
        std::string kind;
        std::vector<std::pair<std::string, std::string>> fields;
    };
    const std::vector<form> forms = {
        {"proposal",
         {{"title", "Bänkar i parken"}, {"body", "Fler bänkar längs ån."}, {"contact_name", "Cecilia"},
          {"contact_email", "cecilia@example.se"}, {"consent_publish", "yes"}}},
        {"feedback", {{"feedback_type", "praise"}, {"body", "Tack för snöröjningen!"}}},
        {"public_question", {{"body", "Hur går arbetet med den nya skolan?"}, {"contact_name", "David"}}},
    };
    for (const auto& f : forms) {
        BOOST_TEST_CONTEXT(f.kind) {
            auto page = c.get("/forms/" + f.kind);
            BOOST_TEST(page.result_int() == 200u);
            BOOST_TEST(page.body().find("<html lang=\"sv\">") != std::string::npos);
            BOOST_TEST(page.body().find("name=\"website\"") != std::string::npos);  // the honeypot
            auto fields = f.fields;
            fields.emplace_back("form_token", token_in(page.body()));
            fields.emplace_back("website", "");
            auto sent = post_form(c, "/forms/" + f.kind, fields);
            BOOST_TEST(sent.result_int() == 303u, sent.body());
            std::string location(sent[http::field::location]);
            BOOST_TEST_REQUIRE(location.rfind("/receipts/", 0) == 0u);
            std::string receipt = location.substr(10);
            auto row = row_of(app.app(), receipt);
            BOOST_TEST(row["kind"] == f.kind);
            BOOST_TEST(row["channel"] == "form");
            BOOST_TEST(row["body"] == f.fields[f.kind == "feedback" || f.kind == "proposal" ? 1 : 0].second);
            auto receipt_page = c.get(location);
            BOOST_TEST(receipt_page.result_int() == 200u);
            BOOST_TEST(receipt_page.body().find(receipt) != std::string::npos);
            BOOST_TEST(receipt_page.body().find("Vad händer nu?") != std::string::npos);
        }
    }
    BOOST_TEST(count(app.app(), "SELECT count(*) FROM submissions WHERE consent_publish = 1") == 1);
}

BOOST_AUTO_TEST_CASE(a_double_submit_stores_one_item) {
    running_app app(instant_forms);
    auto c = app.client();
    std::vector<std::pair<std::string, std::string>> fields = {
        {"feedback_type", "complaint"}, {"body", "Bussen kom inte."}, {"form_token", token_in(c.get("/forms/feedback").body())},
        {"website", ""}};
    auto first = post_form(c, "/forms/feedback", fields);
    auto other_tab = app.client();
    auto second = post_form(other_tab, "/forms/feedback", fields);
    BOOST_TEST(first.result_int() == 303u);
    BOOST_TEST(second.result_int() == 303u);
    BOOST_TEST(first[http::field::location] == second[http::field::location]);
    BOOST_TEST(count(app.app()) == 1);

    // The same form sent again with other content is not silently merged: it says so, with a new token.
    fields[1].second = "Bussen kom inte, igen.";
    auto changed = post_form(c, "/forms/feedback", fields);
    BOOST_TEST(changed.result_int() == 409u);
    BOOST_TEST(changed.body().find(std::string(first[http::field::location]).substr(10)) != std::string::npos);
    BOOST_TEST(token_in(changed.body()) != fields[2].second);
    BOOST_TEST(count(app.app()) == 1);
}

BOOST_AUTO_TEST_CASE(an_invalid_form_comes_back_with_a_summary_messages_and_everything_typed) {
    running_app app(instant_forms);
    auto c = app.client();
    std::string token = token_in(c.get("/forms/proposal").body());
    auto r = post_form(c, "/forms/proposal",
                       {{"title", "Säkrare <övergångsställe> & \"cykel\""}, {"body", ""}, {"contact_name", "Eva"},
                        {"contact_email", "eva-at-example"}, {"form_token", token}, {"website", ""}});
    BOOST_TEST(r.result_int() == 422u);
    const std::string& html = r.body();
    BOOST_TEST(html.find("<title>Fel: ") != std::string::npos);
    BOOST_TEST(html.find("class=\"error-summary\"") != std::string::npos);
    BOOST_TEST(html.find("<a href=\"#f-body\">Skriv ditt förslag.</a>") != std::string::npos);
    BOOST_TEST(html.find("<a href=\"#f-contact_email\">") != std::string::npos);
    BOOST_TEST(html.find("id=\"f-body-error\"") != std::string::npos);
    BOOST_TEST(std::regex_search(html, std::regex("<textarea id=\"f-body\"[^>]*aria-describedby=\"f-body-hint f-body-error\"[^>]*aria-invalid=\"true\"")));
    // What was typed is back, escaped.
    BOOST_TEST(html.find("value=\"Säkrare &lt;övergångsställe&gt; &amp; &quot;cykel&quot;\"") != std::string::npos);
    BOOST_TEST(html.find("<övergångsställe>") == std::string::npos);
    BOOST_TEST(html.find("value=\"eva-at-example\"") != std::string::npos);
    BOOST_TEST(html.find("value=\"Eva\"") != std::string::npos);
    BOOST_TEST(token_in(html) == token);  // the same form, so a corrected send is still one item
    BOOST_TEST(count(app.app()) == 0);
}

BOOST_AUTO_TEST_CASE(bots_are_stopped_by_the_honeypot_the_token_and_the_fill_time) {
    running_app app;  // form_min_fill: 3 s
    auto c = app.client();
    std::vector<std::pair<std::string, std::string>> good = {{"feedback_type", "idea"}, {"body", "Fler papperskorgar."}};
    auto with = [&](std::string token, std::string honeypot) {
        auto f = good;
        f.emplace_back("form_token", std::move(token));
        f.emplace_back("website", std::move(honeypot));
        return f;
    };
    std::string token = token_in(c.get("/forms/feedback").body());
    auto fast = post_form(c, "/forms/feedback", with(token, ""));
    BOOST_TEST(fast.result_int() == 422u);
    BOOST_TEST(fast.body().find("mycket snabbt") != std::string::npos);
    BOOST_TEST(fast.body().find("Fler papperskorgar.") != std::string::npos);
    BOOST_TEST(post_form(c, "/forms/feedback", with("forged", "")).result_int() == 422u);
    BOOST_TEST(post_form(c, "/forms/feedback", good).result_int() == 422u);  // no token at all
    std::string other_form = token_in(c.get("/forms/proposal").body());
    std::this_thread::sleep_for(std::chrono::milliseconds(3100));
    BOOST_TEST(post_form(c, "/forms/feedback", with(token, "http://spam.example")).result_int() == 422u);
    BOOST_TEST(post_form(c, "/forms/feedback", with(other_form, "")).result_int() == 422u);
    BOOST_TEST(count(app.app()) == 0);
    // A person who waited is let through with the same token.
    auto human = post_form(c, "/forms/feedback", with(token, ""));
    BOOST_TEST(human.result_int() == 303u);
    BOOST_TEST(count(app.app()) == 1);
    auto m = c.get("/metrics").body();
    BOOST_TEST(m.find("inspel_intake_bot_checks_total 5") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_form_to_a_closed_dialogue_says_why_and_keeps_the_text) {
    running_app app(instant_forms);
    auto c = app.client();
    add_dialogue(app.app(), "gammal", "execution", day_offset(-30), day_offset(-2));
    add_dialogue(app.app(), "aktuell", "execution", day_offset(-2), day_offset(2));
    auto page = c.get("/forms/feedback?dialogue=aktuell");
    BOOST_TEST(page.result_int() == 200u);
    BOOST_TEST(page.body().find("name=\"dialogue\" value=\"aktuell\"") != std::string::npos);
    BOOST_TEST(page.body().find("Dialog aktuell") != std::string::npos);
    BOOST_TEST(c.get("/forms/feedback?dialogue=finns-inte").result_int() == 404u);
    auto closed = post_form(c, "/forms/feedback",
                            {{"feedback_type", "idea"}, {"body", "Mer ljus i parken."}, {"dialogue", "gammal"},
                             {"form_token", token_in(page.body())}, {"website", ""}});
    BOOST_TEST(closed.result_int() == 422u);
    BOOST_TEST(closed.body().find("slutade ta emot") != std::string::npos);
    BOOST_TEST(closed.body().find("Mer ljus i parken.") != std::string::npos);
    BOOST_TEST(count(app.app()) == 0);
}

BOOST_AUTO_TEST_CASE(english_by_query_or_accept_language) {
    running_app app(instant_forms);
    auto c = app.client();
    auto by_query = c.get("/forms/feedback?lang=en");
    BOOST_TEST(by_query.body().find("<html lang=\"en\">") != std::string::npos);
    BOOST_TEST(by_query.body().find("Give feedback") != std::string::npos);
    BOOST_TEST(by_query.body().find("action=\"/forms/feedback?lang=en\"") != std::string::npos);
    auto by_header = c.get("/", {{"Accept-Language", "en-GB,en;q=0.9,sv;q=0.5"}});
    BOOST_TEST(by_header.body().find("<html lang=\"en\">") != std::string::npos);
    auto swedish = c.get("/", {{"Accept-Language", "sv-SE,sv;q=0.9,en;q=0.8"}});
    BOOST_TEST(swedish.body().find("<html lang=\"sv\">") != std::string::npos);
    auto sent = post_form(c, "/forms/feedback?lang=en",
                          {{"feedback_type", "praise"}, {"body", "Nice library."}, {"form_token", token_in(by_query.body())}});
    BOOST_TEST(sent.result_int() == 303u);
    BOOST_TEST(std::string(sent[http::field::location]).ends_with("?lang=en"));
    auto receipt = c.get(std::string(sent[http::field::location]));
    BOOST_TEST(receipt.body().find("What happens next?") != std::string::npos);
    auto bad = post_form(c, "/forms/feedback?lang=en", {{"form_token", token_in(by_query.body())}});
    BOOST_TEST(bad.body().find("Write your feedback.") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_start_page_lists_the_forms_open_dialogues_and_the_receipt_lookup) {
    running_app app;
    auto c = app.client();
    add_dialogue(app.app(), "skolvag", "execution", day_offset(-1), day_offset(5),
                 json::array({{{"id", "q1"}, {"type", "free_text"}, {"text", "Hur tar du dig till skolan?"}}}));
    add_dialogue(app.app(), "framtida", "planning", day_offset(5), day_offset(50));
    auto page = c.get("/");
    BOOST_TEST(page.result_int() == 200u);
    for (const char* href : {"/forms/proposal", "/forms/feedback", "/forms/public_question", "/dialogues/skolvag",
                             "/forms/panel_response?dialogue=skolvag", "action=\"/receipts\""})
        BOOST_TEST(page.body().find(href) != std::string::npos, href);
    BOOST_TEST(page.body().find("framtida") == std::string::npos);

    std::string receipt = json_of(c.post_json(submissions, feedback))["receipt"];
    std::string typed = receipt;
    for (char& ch : typed) ch = static_cast<char>(std::tolower(ch));
    auto found = c.get("/receipts?code=" + typed);
    BOOST_TEST(found.result_int() == 303u);
    BOOST_TEST(found[http::field::location] == "/receipts/" + receipt);
    auto wrong = c.get("/receipts?code=12");
    BOOST_TEST(wrong.result_int() == 422u);
    BOOST_TEST(wrong.body().find("aria-invalid=\"true\"") != std::string::npos);
    BOOST_TEST(c.get("/receipts/AAAA-BBBB-CCCC-DDDD").result_int() == 404u);
    BOOST_TEST(c.get("/forms/complaint").result_int() == 404u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(store)

ingest::outcome submit_and_wait(ingest::intake& in, const json& body, std::optional<ingest::idempotency> key) {
    auto item = std::get<ingest::submission>(ingest::validate(ingest::from_json(body.dump()), ingest::channel::api));
    std::promise<ingest::outcome> done;
    in.submit(std::move(item), std::move(key), [&](ingest::outcome o) { done.set_value(std::move(o)); });
    return done.get_future().get();
}

std::int64_t count_in(schema::database& db, const std::string& sql) {
    return db.read([&](schema::connection& c) {
        auto st = c.prepare(sql);
        st.step();
        return st.int64(0);
    });
}

BOOST_AUTO_TEST_CASE(the_item_its_outbox_row_and_its_key_commit_together_or_not_at_all) {
    temp_dir dir;
    schema::database db(dir.path());
    ingest::intake in(db);
    auto o = submit_and_wait(in, feedback, ingest::idempotency{"api:one", ingest::request_hash("one")});
    BOOST_TEST((o.result == ingest::outcome::status::created));
    std::int64_t id = o.response["id"];
    BOOST_TEST(count_in(db, "SELECT count(*) FROM index_outbox WHERE submission_id = " + std::to_string(id)) == 1);
    BOOST_TEST(count_in(db, "SELECT count(*) FROM idempotency_keys WHERE key = 'api:one' AND submission_id = " +
                                std::to_string(id)) == 1);

    // Make the outbox insert fail: the item must not be stored without its index job.
    db.write_and_wait([](schema::connection& c) { c.exec("ALTER TABLE index_outbox RENAME TO index_outbox_gone"); });
    auto failed = submit_and_wait(in, feedback, ingest::idempotency{"api:two", ingest::request_hash("two")});
    BOOST_TEST((failed.result == ingest::outcome::status::failed));
    BOOST_TEST(static_cast<bool>(failed.error));
    BOOST_TEST(count_in(db, "SELECT count(*) FROM submissions") == 1);
    BOOST_TEST(count_in(db, "SELECT count(*) FROM idempotency_keys") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(panel_form)

const json questions = json::array(
    {{{"id", "q1"}, {"type", "scale"}, {"text", "Hur trygg är skolvägen?"}, {"min", 1}, {"max", 5}, {"required", true}},
     {{"id", "q2"}, {"type", "single_choice"}, {"text", "Går du till skolan?"}, {"options", {"Ja", "Nej"}}},
     {{"id", "q3"}, {"type", "multiple_choice"}, {"text", "Hur tar du dig dit?"}, {"options", {"Buss", "Cykel", "Bil"}}},
     {{"id", "q4"}, {"type", "free_text"}, {"text", "Något mer?"}}});

BOOST_AUTO_TEST_CASE(a_frågepanel_is_answered_through_its_form) {
    running_app app(instant_forms);
    auto c = app.client();
    add_dialogue(app.app(), "skolvag", "execution", day_offset(-1), day_offset(5), questions);
    add_dialogue(app.app(), "utan-fragor", "execution", day_offset(-1), day_offset(5));
    BOOST_TEST(c.get("/forms/panel_response").result_int() == 404u);
    BOOST_TEST(c.get("/forms/panel_response?dialogue=utan-fragor").result_int() == 404u);
    auto page = c.get("/forms/panel_response?dialogue=skolvag");
    BOOST_TEST_REQUIRE(page.result_int() == 200u);
    for (const char* part : {"Hur trygg är skolvägen?", "name=\"answer_q1\"", "name=\"answer_q3\"", "name=\"answer_q4\"",
                             "name=\"dialogue\" value=\"skolvag\""})
        BOOST_TEST(page.body().find(part) != std::string::npos, part);
    BOOST_TEST(page.body().find("field-error") == std::string::npos);  // no error shown before sending
    std::string token = token_in(page.body());

    auto bad = post_form(c, "/forms/panel_response",
                         {{"dialogue", "skolvag"}, {"answer_q2", "Kanske"}, {"answer_q4", "Mer ljus vid övergångsstället."},
                          {"form_token", token}, {"website", ""}});
    BOOST_TEST(bad.result_int() == 422u);
    BOOST_TEST(bad.body().find("href=\"#q-q1\"") != std::string::npos);
    BOOST_TEST(bad.body().find("href=\"#q-q2\"") != std::string::npos);
    BOOST_TEST(bad.body().find("Mer ljus vid övergångsstället.") != std::string::npos);  // typed answers kept
    // Only the questions in error are marked so.
    BOOST_TEST(std::regex_search(bad.body(), std::regex("<fieldset id=\"q-q1\"[^>]*aria-describedby=\"q-q1-error\"")));
    BOOST_TEST(std::regex_search(bad.body(), std::regex("<textarea id=\"q-q4\"[^>]*>")));
    BOOST_TEST(!std::regex_search(bad.body(), std::regex("<textarea id=\"q-q4\"[^>]*aria-invalid")));
    BOOST_TEST(count(app.app()) == 0);

    auto sent = post_form(c, "/forms/panel_response",
                          {{"dialogue", "skolvag"}, {"answer_q1", "4"}, {"answer_q2", "Ja"}, {"answer_q3", "Buss"},
                           {"answer_q3", "Cykel"}, {"answer_q4", "Ring mig på 070-123 45 67."}, {"form_token", token},
                           {"website", ""}});
    BOOST_TEST(sent.result_int() == 303u, sent.body());
    BOOST_TEST(count(app.app(), "SELECT count(*) FROM submissions WHERE kind = 'panel_response' AND channel = 'form' "
                                "AND json_extract(answers, '$[0].value') = 4 "
                                "AND json_extract(answers, '$[2].value') = json_array('Buss', 'Cykel') "
                                "AND json_extract(answers_redacted, '$[3].value') = 'Ring mig på [telefon].'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
