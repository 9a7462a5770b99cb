// A dialogue in execution with items of every kind, routing outcome, tag, status and consent, written
// straight into a real database (the triage and the workspace fill these columns in production; here
// the test decides them so it knows every count). Texts are sentences of the municipal policy texts
// in ../shared/seeds/, the real Swedish at hand.
#pragma once

#include "common/log.hpp"
#include "dialogue/store/store.hpp"
#include "export/export.hpp"
#include "schema/database.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace inspel::test {

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Sentences of the seed texts, long enough to read as input.
inline std::vector<std::string> seed_sentences() {
    std::vector<std::string> out;
    auto dir = std::filesystem::path(INSPEL_SOURCE_DIR) / "../shared/seeds";
    if (!std::filesystem::exists(dir)) dir = "/work/shared/seeds";
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::string text = read_text(f), sentence;
        for (char ch : text) {
            sentence += ch == '\n' ? ' ' : ch;
            if (ch == '.' || ch == '\n') {
                auto b = sentence.find_first_not_of(" \t");
                if (b != std::string::npos && sentence.size() - b > 40) out.push_back(sentence.substr(b));
                sentence.clear();
            }
        }
    }
    if (out.empty()) throw std::runtime_error("no seed texts found");
    return out;
}

// The demo dialogue, with a frågepanel question naming two of its target groups.
inline nlohmann::json test_dialogue_json() {
    auto j = nlohmann::json::parse(read_text(std::filesystem::path(INSPEL_SOURCE_DIR) / "deploy/demo/cykelplan.json"));
    j["questions"].push_back({{"id", "grupp"},
                              {"type", "multiple_choice"},
                              {"text", "Hör du till någon av de här grupperna?"},
                              {"options", {"Pendlare", "Boende i centrum"}}});
    return j;
}

struct seeded_item {
    std::int64_t id;
    std::string kind, routing, action, status, area;
    bool consent;
    std::vector<std::string> tags;
};

// Markers that must never appear in an export: the contact data and the unredacted text.
inline constexpr const char* secret_name = "Hemliga Kontaktsson";
inline constexpr const char* secret_email = "hemlig.kontakt@example.se";
inline constexpr const char* secret_phone = "070-123 45 67";
inline constexpr const char* secret_personnummer = "19121212-1212";

class export_fixture {
public:
    export_fixture() : db_((log::set_quiet(true), std::make_unique<schema::database>(dir_.path()))) {
        dialogue::store::request who{"system", "admin", "", std::chrono::system_clock::now()};
        auto o = db_->write_and_wait(
            [&](schema::connection& c) { return dialogue::store::import(c, test_dialogue_json(), who); });
        BOOST_REQUIRE(o.result == dialogue::store::status::ok);
        dialogue_id = o.value->id;
        slug = o.value->record.slug;
        sentences_ = seed_sentences();
    }

    // Adds `n` items of mixed kinds and fates, deterministically from `seed`.
    void add_items(int n, unsigned seed = 1) {
        std::mt19937 rng(seed);
        auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<unsigned>(k)); };
        db_->write_and_wait([&](schema::connection& c) {
            auto ins = c.prepare(
                "INSERT INTO submissions (receipt, kind, feedback_type, title, title_redacted, body, body_redacted, "
                "dialogue_id, area, language, consent_publish, contact_name, contact_email, contact_phone, answers, "
                "answers_redacted, personal_data, channel, status, received_at, updated_at, routing_outcome, "
                "routing_dialogue_id, routing_action, routing_score) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'sv', ?, ?, ?, ?, ?, ?, ?, 'api', ?, ?, ?, ?, ?, ?, ?)");
            for (int i = 0; i < n; ++i) {
                static const char* kinds[] = {"proposal", "feedback", "panel_response", "public_question"};
                static const char* areas[] = {"Centrum", "Norr", "Söder", ""};
                static const char* routings[] = {"in_purpose", "in_purpose", "outside_purpose", "needs_review", ""};
                static const char* actions[] = {"forward_to_department", "forward_to_feedback", "keep"};
                static const char* statuses[] = {"received", "in_progress", "answered", "rejected"};
                seeded_item it;
                it.kind = kinds[pick(4)];
                it.area = areas[pick(4)];
                it.routing = routings[pick(5)];
                it.action = it.routing == "outside_purpose" ? actions[pick(3)] : "";
                it.status = statuses[pick(4)];
                it.consent = pick(2) == 0;
                bool contact = pick(2) == 0;
                bool personal = pick(3) == 0;
                std::string sentence = sentences_[static_cast<std::size_t>(pick(static_cast<int>(sentences_.size())))];
                // A quote, a comma and a line break in every text, and a formula-looking start now and then.
                std::string body = (pick(10) == 0 ? "=SUMMA(A1) " : "") + sentence + "\n\"Citat\", sa hon.";
                std::string body_redacted = body;
                if (personal) {
                    body += " Ring " + std::string(secret_phone) + " eller skriv till " + secret_email +
                            ", personnummer " + secret_personnummer + ".";
                    body_redacted += " Ring [telefon] eller skriv till [e-post], personnummer [personnummer].";
                }
                std::string receipt = "R" + std::to_string(seed) + "-" + std::to_string(next_receipt_++);
                ins.reset();
                ins.bind(1, receipt).bind(2, it.kind);
                ins.bind(3, it.kind == "feedback" ? std::optional<std::string>("idea") : std::nullopt);
                if (it.kind == "panel_response") {
                    ins.bind(4, nullptr).bind(5, nullptr).bind(6, nullptr).bind(7, nullptr);
                    static const char* often[] = {"Varje dag", "Varje vecka", "Någon gång i månaden"};
                    nlohmann::json answers = nlohmann::json::array(
                        {{{"question", "trygghet"}, {"value", 1 + pick(5)}},
                         {{"question", "hur_ofta"}, {"value", often[pick(3)]}},
                         {{"question", "strak"}, {"value", {"Längs ån", "Till skolorna"}}},
                         {{"question", "grupp"}, {"value", {pick(2) ? "Pendlare" : "Boende i centrum"}}}});
                    nlohmann::json redacted = answers;
                    answers.push_back({{"question", "ovrigt"}, {"value", body}});
                    redacted.push_back({{"question", "ovrigt"}, {"value", body_redacted}});
                    ins.bind(14, answers.dump()).bind(15, redacted.dump());
                } else {
                    std::size_t cut = std::min<std::size_t>(40, sentence.size());
                    while (cut < sentence.size() && (static_cast<unsigned char>(sentence[cut]) & 0xC0) == 0x80) ++cut;
                    std::string title = sentence.substr(0, cut);
                    ins.bind(4, title).bind(5, title).bind(6, body).bind(7, body_redacted);
                    ins.bind(14, nullptr).bind(15, nullptr);
                }
                ins.bind(8, dialogue_id);
                ins.bind(9, it.area.empty() ? std::optional<std::string>() : std::optional<std::string>(it.area));
                ins.bind(10, it.consent ? 1 : 0);
                if (contact) ins.bind(11, secret_name).bind(12, secret_email).bind(13, secret_phone);
                else ins.bind(11, nullptr).bind(12, nullptr).bind(13, nullptr);
                ins.bind(16, personal ? R"(["phone","email","personnummer"])" : "[]");
                ins.bind(17, it.status);
                char at[40];
                std::snprintf(at, sizeof at, "2026-02-%02dT%02d:%02d:00.000Z", 1 + i % 28, i % 24, i % 60);
                ins.bind(18, at).bind(19, at);
                if (it.routing.empty()) ins.bind(20, nullptr).bind(21, nullptr);
                else ins.bind(20, it.routing).bind(21, dialogue_id);
                ins.bind(22, it.action.empty() ? std::optional<std::string>() : std::optional<std::string>(it.action));
                ins.bind(23, it.routing.empty() ? std::optional<double>() : std::optional<double>(0.25 + pick(50) / 100.0));
                ins.run();
                it.id = c.last_insert_rowid();
                if (it.routing == "in_purpose") {
                    static const char* tag_names[] = {"Trygghet", "Belysning", "Cykelparkering"};
                    for (int t = 0; t < 3; ++t)
                        if (pick(3) == 0) it.tags.push_back(tag_names[t]);
                    for (const auto& t : it.tags) {
                        c.prepare("INSERT OR IGNORE INTO tags (name, dialogue_id, created_by, created_at) "
                                  "VALUES (?, ?, 'anna', '2026-02-01T00:00:00Z')")
                            .bind(1, t).bind(2, dialogue_id).run();
                        c.prepare("INSERT INTO submission_tags (submission_id, tag_id, added_by, added_at) "
                                  "SELECT ?, id, 'anna', ? FROM tags WHERE name = ? AND dialogue_id = ?")
                            .bind(1, it.id).bind(2, at).bind(3, t).bind(4, dialogue_id).run();
                    }
                }
                items.push_back(std::move(it));
            }
        });
    }

    // Runs the export from one read snapshot.
    std::vector<exporting::exported> export_to(const std::filesystem::path& out, exporting::audience who,
                                               const std::string& date = "2026-03-01",
                                               std::function<void(std::string_view)> before = {}) {
        exporting::options o;
        o.out_dir = out;
        o.who = who;
        o.date = *dialogue::parse_day(date);
        o.before_file = std::move(before);
        return db_->read([&](schema::connection& c) { return exporting::run(c, o); });
    }

    std::int64_t scalar(const std::string& sql) {
        return db_->read([&](schema::connection& c) {
            auto st = c.prepare(sql);
            st.bind(1, dialogue_id);
            st.step();
            return st.int64(0);
        });
    }

    schema::database& db() { return *db_; }
    const std::filesystem::path& data_dir() const { return dir_.path(); }

    std::int64_t dialogue_id = 0;
    std::string slug;
    std::vector<seeded_item> items;

private:
    temp_dir dir_;
    std::unique_ptr<schema::database> db_;
    std::vector<std::string> sentences_;
    int next_receipt_ = 0;
};

// check_export.py's view of an export folder.
inline nlohmann::json inspect(const std::filesystem::path& folder) {
    auto r = run("/usr/bin/python3",
                 {std::string(INSPEL_SOURCE_DIR) + "/tests/integration/export/check_export.py", folder.string()});
    BOOST_TEST_INFO("check_export.py: " << r.err);
    BOOST_REQUIRE_EQUAL(r.status, 0);
    return nlohmann::json::parse(r.out);
}

}  // namespace inspel::test
