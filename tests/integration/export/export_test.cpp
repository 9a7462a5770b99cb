// The export against a real database: every file's counts agree with SQL, the CSV and XLSX open in
// independent readers, a second run gives the same bytes, a crash leaves the previous export, and
// the public export holds no personal data and no item that may not be published.
#define BOOST_TEST_MODULE export
#include "export/files.hpp"
#include "export/json_text.hpp"
#include "export/sha256.hpp"
#include "tests/integration/export/fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <map>
#include <thread>

using namespace inspel;
using namespace inspel::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json results_of(const fs::path& folder) { return json::parse(read_text(folder / "results.json")); }

std::string file_bytes(const fs::path& p) { return read_text(p); }

std::map<std::string, std::string> folder_bytes(const fs::path& folder) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(folder)) out[e.path().filename().string()] = file_bytes(e.path());
    return out;
}

// Every text of every file of the export, the XLSX's cells included.
std::string all_text(const fs::path& folder) {
    std::string text;
    for (auto name : {"report.html", "items.csv", "results.json", "manifest.json"}) text += read_text(folder / name);
    json x = inspect(folder)["xlsx"];
    for (const auto& s : x["sheets"])
        for (const auto& row : s["rows"])
            for (const auto& cell : row) text += cell.get<std::string>() + "\n";
    return text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(counts_in_every_file_agree_with_the_database) {
    export_fixture f;
    f.add_items(400);
    temp_dir out;
    auto done = f.export_to(out.path(), exporting::audience::internal);
    BOOST_REQUIRE_EQUAL(done.size(), 1u);
    BOOST_TEST(done[0].written);
    fs::path folder = out / f.slug / "2026-03-01";
    BOOST_REQUIRE(fs::is_directory(folder));

    const std::string where = " FROM submissions WHERE dialogue_id = ?";
    std::int64_t total = f.scalar("SELECT count(*)" + where);
    BOOST_TEST(total == 400);
    BOOST_TEST(done[0].items == total);

    // results.json
    json r = results_of(folder);
    BOOST_TEST(r["schema_version"] == 1);
    BOOST_TEST(r["audience"] == "internal");
    BOOST_TEST(r["items"].size() == static_cast<std::size_t>(total));
    BOOST_TEST(r["participation"]["items"] == total);
    for (const auto& k : r["participation"]["by_kind"])
        BOOST_TEST(k["count"].get<std::int64_t>() ==
                   f.scalar("SELECT count(*)" + where + " AND kind = '" + k["kind"].get<std::string>() + "'"));
    BOOST_TEST(r["in_purpose"]["count"] == f.scalar("SELECT count(*)" + where + " AND routing_outcome = 'in_purpose'"));
    BOOST_TEST(r["outside_purpose"]["count"] ==
               f.scalar("SELECT count(*)" + where + " AND routing_outcome = 'outside_purpose'"));
    BOOST_TEST(r["awaiting_review"]["count"] ==
               f.scalar("SELECT count(*)" + where + " AND (routing_outcome IS NULL OR routing_outcome = 'needs_review')"));
    for (const auto& a : r["outside_purpose"]["by_action"])
        BOOST_TEST(a["count"].get<std::int64_t>() ==
                   f.scalar("SELECT count(*)" + where + " AND routing_outcome = 'outside_purpose' AND routing_action = '" +
                            a["action"].get<std::string>() + "'"));
    for (const auto& t : r["in_purpose"]["by_tag"])
        BOOST_TEST(t["count"].get<std::int64_t>() ==
                   f.scalar("SELECT count(*) FROM submissions s JOIN submission_tags st ON st.submission_id = s.id "
                            "JOIN tags t ON t.id = st.tag_id WHERE s.dialogue_id = ? AND s.routing_outcome = "
                            "'in_purpose' AND t.name = '" + t["tag"].get<std::string>() + "'"));
    BOOST_TEST(r["in_purpose"]["by_tag"].size() == 3u);
    for (const auto& a : r["participation"]["by_area"]) {
        std::string cond = a["area"].is_null() ? " AND area IS NULL" : " AND area = '" + a["area"].get<std::string>() + "'";
        BOOST_TEST(a["count"].get<std::int64_t>() == f.scalar("SELECT count(*)" + where + cond));
    }
    // The frågepanel: every option's count, recomputed by SQLite from the stored answers.
    std::int64_t panel = f.scalar("SELECT count(*)" + where + " AND kind = 'panel_response'");
    BOOST_TEST(r["panel"]["responses"] == panel);
    for (const auto& q : r["panel"]["questions"]) {
        BOOST_TEST_CONTEXT("question " << q["id"]) {
            if (q["type"] == "free_text") {
                BOOST_TEST(q["answered"] == panel);
                continue;
            }
            for (const auto& o : q["options"]) {
                std::string value = o["option"].is_string() ? "'" + o["option"].get<std::string>() + "'" : o["option"].dump();
                std::string sql = q["type"] == "multiple_choice"
                                      ? "SELECT count(*) FROM submissions s, json_each(s.answers_redacted) a, "
                                        "json_each(json_extract(a.value, '$.value')) v WHERE s.dialogue_id = ? AND "
                                        "json_extract(a.value, '$.question') = '" + q["id"].get<std::string>() +
                                            "' AND v.value = " + value
                                      : "SELECT count(*) FROM submissions s, json_each(s.answers_redacted) a WHERE "
                                        "s.dialogue_id = ? AND json_extract(a.value, '$.question') = '" +
                                            q["id"].get<std::string>() + "' AND json_extract(a.value, '$.value') = " + value;
                BOOST_TEST(o["count"].get<std::int64_t>() == f.scalar(sql));
            }
        }
    }
    // Participation per target group comes from the question that names the groups.
    for (const auto& g : r["participation"]["target_groups"]) {
        if (g["group"] == "Pendlare")
            BOOST_TEST(g["responses"].get<std::int64_t>() ==
                       f.scalar("SELECT count(*) FROM submissions s, json_each(s.answers_redacted) a, "
                                "json_each(json_extract(a.value, '$.value')) v WHERE s.dialogue_id = ? AND "
                                "json_extract(a.value, '$.question') = 'grupp' AND v.value = 'Pendlare'"));
        if (g["group"] == "KHR") BOOST_TEST(g["responses"].is_null());
    }
    BOOST_TEST(r["free_text_answers"].size() == static_cast<std::size_t>(panel));
    // Items come by id, each once.
    std::int64_t previous = 0;
    for (const auto& it : r["items"]) {
        BOOST_TEST(it["id"].get<std::int64_t>() > previous);
        previous = it["id"].get<std::int64_t>();
    }

    // items.csv and items.xlsx, read by Python.
    json x = inspect(folder);
    const json& rows = x["csv"]["rows"];
    BOOST_TEST(rows.size() == static_cast<std::size_t>(total));
    std::set<std::int64_t> csv_ids;
    for (const auto& row : rows) csv_ids.insert(std::stoll(row["id"].get<std::string>()));
    std::set<std::int64_t> db_ids;
    for (const auto& it : f.items) db_ids.insert(it.id);
    BOOST_TEST((csv_ids == db_ids));
    // Text survives the round trip, quotes, commas and line breaks included; a formula is defused.
    for (const auto& row : rows) {
        const auto& it = *std::find_if(f.items.begin(), f.items.end(),
                                       [&](const seeded_item& s) { return std::to_string(s.id) == row["id"]; });
        BOOST_TEST(row["kind"] == it.kind);
        BOOST_TEST(row["status"] == it.status);
        BOOST_TEST(row["routing_outcome"] == it.routing);
        if (it.kind != "panel_response") {
            std::string text = row["text"];
            BOOST_TEST(text.find("\n\"Citat\", sa hon.") != std::string::npos);
            BOOST_TEST(text[0] != '=');
        }
    }
    std::vector<std::string> names;
    for (const auto& s : x["xlsx"]["sheets"]) names.push_back(s["name"]);
    BOOST_TEST((names == std::vector<std::string>{"Sammanfattning", "Medborgarförslag", "Synpunkter", "Frågepanelen",
                                                  "Allmänhetens frågor"}));
    std::map<std::string, std::string> sheet_kind = {{"Medborgarförslag", "proposal"},
                                                     {"Synpunkter", "feedback"},
                                                     {"Frågepanelen", "panel_response"},
                                                     {"Allmänhetens frågor", "public_question"}};
    for (const auto& s : x["xlsx"]["sheets"]) {
        if (s["name"] == "Sammanfattning") continue;
        BOOST_TEST_CONTEXT("sheet " << s["name"]) {
            BOOST_TEST(s["rows"].size() - 1 ==
                       static_cast<std::size_t>(f.scalar("SELECT count(*)" + where + " AND kind = '" +
                                                         sheet_kind[s["name"]] + "'")));
            BOOST_TEST(s["rows"][0][0] == "Nr");
        }
    }
    BOOST_TEST(x["xlsx"]["core"].get<std::string>().find("2026-03-01T00:00:00Z") != std::string::npos);

    // manifest.json: sizes and hashes recomputed by hashlib.
    BOOST_TEST(x["manifest"].size() == 4u);
    for (const auto& m : x["manifest"]) {
        BOOST_TEST(m["bytes"] == m["listed_bytes"]);
        BOOST_TEST(m["sha256"] == m["listed_sha256"]);
    }
    json manifest = json::parse(read_text(folder / "manifest.json"));
    BOOST_TEST(manifest["dialogue"]["slug"] == f.slug);
    BOOST_TEST(manifest["high_water_mark"]["items"] == total);
    BOOST_TEST(manifest["items"] == total);

    // report.html: the key figures, every item awaiting review flagged (fewer than the list limit).
    std::string report = read_text(folder / "report.html");
    BOOST_TEST(report.find("<strong>" + std::to_string(total) + "</strong><span>bidrag i sammanställningen") !=
               std::string::npos);
    std::size_t flagged = 0;
    for (std::size_t at = report.find("class=\"item awaiting\""); at != std::string::npos;
         at = report.find("class=\"item awaiting\"", at + 1))
        ++flagged;
    auto awaiting = r["awaiting_review"]["count"].get<std::int64_t>();
    BOOST_REQUIRE(awaiting > 100);  // more than the list limit: the report lists 100 and says where the rest are
    BOOST_TEST(flagged == 100u);
    BOOST_TEST(report.find("Här visas de 100 första av " + std::to_string(awaiting)) != std::string::npos);
    BOOST_TEST(report.find("<svg") != std::string::npos);
    BOOST_TEST(report.find("<script") == std::string::npos);
    BOOST_TEST(report.find("http://") == std::string::npos);  // nothing external
}

BOOST_AUTO_TEST_CASE(a_second_run_is_byte_identical) {
    export_fixture f;
    f.add_items(300);
    temp_dir a, b;
    f.export_to(a.path(), exporting::audience::internal);
    f.export_to(b.path(), exporting::audience::internal);
    auto first = folder_bytes(a / f.slug / "2026-03-01");
    BOOST_TEST(first.size() == 5u);
    BOOST_TEST((first == folder_bytes(b / f.slug / "2026-03-01")));
    // Again into the same folder: it is replaced, by the same bytes, and nothing is left beside it.
    f.export_to(a.path(), exporting::audience::internal);
    BOOST_TEST((first == folder_bytes(a / f.slug / "2026-03-01")));
    BOOST_TEST(std::distance(fs::directory_iterator(a / f.slug), fs::directory_iterator()) == 1);
    // The public export is deterministic too.
    f.export_to(a.path() / "pub", exporting::audience::publication);
    f.export_to(b.path() / "pub", exporting::audience::publication);
    BOOST_TEST((folder_bytes(a / "pub" / f.slug / "2026-03-01") == folder_bytes(b / "pub" / f.slug / "2026-03-01")));
}

BOOST_AUTO_TEST_CASE(a_crash_mid_export_leaves_the_previous_export_intact) {
    export_fixture f;
    f.add_items(200);
    temp_dir out;
    f.export_to(out.path(), exporting::audience::internal);
    fs::path folder = out / f.slug / "2026-03-01";
    auto before = folder_bytes(folder);
    f.add_items(50, 2);  // new data, so the next export would differ

    // A real crash: a child process dies (no unwinding, no cleanup) in the middle of writing.
    pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        try {
            exporting::options o;
            o.out_dir = out.path();
            o.date = *dialogue::parse_day("2026-03-01");
            o.before_file = [](std::string_view file) {
                if (file == "results.json") ::_exit(3);
            };
            schema::connection c(schema::database_file(f.data_dir()), schema::connection::mode::read_only);
            exporting::run(c, o);
        } catch (...) {
        }
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    BOOST_REQUIRE(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 3);

    BOOST_TEST((folder_bytes(folder) == before));
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(out / f.slug)) left.push_back(e.path().filename().string());
    BOOST_TEST(left.size() == 2u);  // the export and the dead run's hidden temporary folder
    auto folders = exporting::export_folders(out / f.slug);
    BOOST_REQUIRE_EQUAL(folders.size(), 1u);
    BOOST_TEST(folders[0] == folder);

    // A failure that unwinds (a full disk) leaves nothing behind at all.
    BOOST_CHECK_THROW(f.export_to(out.path(), exporting::audience::internal, "2026-03-01",
                                  [](std::string_view file) {
                                      if (file == "items.xlsx") throw std::runtime_error("disk full");
                                  }),
                      std::runtime_error);
    BOOST_TEST((folder_bytes(folder) == before));

    // The next run completes, replaces the folder and removes the dead run's leftovers.
    f.export_to(out.path(), exporting::audience::internal);
    left.clear();
    for (const auto& e : fs::directory_iterator(out / f.slug)) left.push_back(e.path().filename().string());
    BOOST_TEST((left == std::vector<std::string>{"2026-03-01"}));
    BOOST_TEST(results_of(folder)["items"].size() == 250u);
}

BOOST_AUTO_TEST_CASE(the_public_export_has_no_personal_data_and_only_consented_items) {
    export_fixture f;
    f.add_items(300);
    temp_dir out;
    f.export_to(out.path(), exporting::audience::publication);
    fs::path folder = out / f.slug / "2026-03-01";
    json r = results_of(folder);
    BOOST_TEST(r["audience"] == "public");

    std::set<std::int64_t> allowed, exported_ids;
    for (const auto& it : f.items)
        if (it.consent && it.status != "rejected") allowed.insert(it.id);
    for (const auto& it : r["items"]) exported_ids.insert(it["id"].get<std::int64_t>());
    BOOST_TEST(!allowed.empty());
    BOOST_TEST((exported_ids == allowed));
    BOOST_TEST(r["participation"]["items"] == allowed.size());
    BOOST_TEST(r["participation"]["total_received"] == f.items.size());
    // Kept in a variable: a range-for over a member of a temporary would read freed memory.
    auto inspected = inspect(folder);
    for (const auto& row : inspected["csv"]["rows"]) BOOST_TEST(allowed.count(std::stoll(row["id"].get<std::string>())));
    for (const auto& it : r["items"]) {
        BOOST_TEST(!it.contains("status"));
        BOOST_TEST(!it.contains("has_contact"));
        BOOST_TEST(!it.contains("personal_data_redacted"));
        BOOST_TEST(it["received_on"].get<std::string>().size() == 10u);
    }
    // No contact data and no unredacted text anywhere, in any file; no officials' usernames either.
    std::string text = all_text(folder);
    for (const char* secret : {secret_name, secret_email, secret_phone, secret_personnummer, "anna.handlaggare"})
        BOOST_TEST_CONTEXT(secret) { BOOST_TEST(text.find(secret) == std::string::npos); }
    BOOST_TEST(text.find("[e-post]") != std::string::npos);  // the redacted texts are there

    // The internal export has every item, but no contact data and no unredacted text either.
    temp_dir internal;
    f.export_to(internal.path(), exporting::audience::internal);
    std::string inside = all_text(internal / f.slug / "2026-03-01");
    for (const char* secret : {secret_name, secret_email, secret_phone, secret_personnummer})
        BOOST_TEST_CONTEXT(secret) { BOOST_TEST(inside.find(secret) == std::string::npos); }
}

BOOST_AUTO_TEST_CASE(escaping_keeps_residents_markup_inert) {
    export_fixture f;
    f.db().write_and_wait([&](schema::connection& c) {
        c.prepare("INSERT INTO submissions (receipt, kind, title, title_redacted, body, body_redacted, dialogue_id, "
                  "language, status, received_at, updated_at, routing_outcome, routing_dialogue_id, consent_publish) "
                  "VALUES ('X1', 'proposal', ?, ?, ?, ?, ?, 'sv', 'received', '2026-02-02T10:00:00.000Z', "
                  "'2026-02-02T10:00:00.000Z', 'in_purpose', ?, 1)")
            .bind(1, "<script>alert(1)</script>")
            .bind(2, "<script>alert(1)</script>")
            .bind(3, "<img src=x onerror=alert(2)> & \"quoted\" 'single'")
            .bind(4, "<img src=x onerror=alert(2)> & \"quoted\" 'single'")
            .bind(5, f.dialogue_id)
            .bind(6, f.dialogue_id)
            .run();
    });
    temp_dir out;
    f.export_to(out.path(), exporting::audience::internal);
    std::string report = read_text(out / f.slug / "2026-03-01" / "report.html");
    BOOST_TEST(report.find("<script>") == std::string::npos);
    BOOST_TEST(report.find("<img") == std::string::npos);
    BOOST_TEST(report.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    BOOST_TEST(report.find("&lt;img src=x onerror=alert(2)&gt; &amp; &quot;quoted&quot; &apos;single&apos;") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(unchanged_data_is_not_exported_again_and_changes_are) {
    export_fixture f;
    f.add_items(50);
    temp_dir out;
    exporting::options o;
    o.out_dir = out.path();
    o.date = *dialogue::parse_day("2026-03-01");
    o.only_changed = true;
    auto first = f.db().read([&](schema::connection& c) { return exporting::run(c, o); });
    BOOST_REQUIRE_EQUAL(first.size(), 1u);
    BOOST_TEST(first[0].written);
    o.date = *dialogue::parse_day("2026-03-02");
    auto second = f.db().read([&](schema::connection& c) { return exporting::run(c, o); });
    BOOST_TEST(!second[0].written);
    BOOST_TEST(!fs::exists(out / f.slug / "2026-03-02"));
    // A tag added to an existing item changes the mark.
    f.db().write_and_wait([&](schema::connection& c) {
        c.prepare("INSERT INTO tags (name, dialogue_id, created_by, created_at) VALUES ('Ny', ?, 'anna', 'x')")
            .bind(1, f.dialogue_id).run();
        c.prepare("INSERT INTO submission_tags (submission_id, tag_id, added_by, added_at) "
                  "SELECT ?, id, 'anna', '2026-03-01T12:00:00Z' FROM tags WHERE name = 'Ny'")
            .bind(1, f.items[0].id).run();
    });
    auto third = f.db().read([&](schema::connection& c) { return exporting::run(c, o); });
    BOOST_TEST(third[0].written);
    BOOST_TEST(fs::exists(out / f.slug / "2026-03-02" / "manifest.json"));
    BOOST_TEST(third[0].high_water_mark != first[0].high_water_mark);
}

// The items and free-text answers of results.json are written directly, not through nlohmann::json;
// these cases hold the direct writer to nlohmann's bytes.

namespace {

std::string nlohmann_dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string direct_string(std::string_view s) {
    std::string out;
    exporting::json_text::append_string(out, s);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(strings_are_escaped_as_nlohmann_escapes_them) {
    std::vector<std::string> cases = {
        "", "Cykelvägen längs ån", "\"citat\" och \\ snedstreck", "tab\tny rad\nretur\r", std::string("nul\0x", 5),
        "\x01\x07\x08\x0b\x0c\x1f\x7f", "emoji 🚲 och 中文", "\xEF\xBF\xBD redan ersatt",
        // Ill-formed UTF-8: lone continuation bytes, sequences cut short (inside and at the end),
        // overlong forms, surrogates, beyond U+10FFFF, bytes that never start a sequence.
        "a\x80" "b", "\xC3", "\xC3(", "\xE2\x82", "\xE2\x82(", "\xF0\x9F\x9A", "\xF0\x9F\x9A(", "\xC0\xAF", "\xE0\x80\x80",
        "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF5\x80", "\xFF\xFE", "\xC3\xA5\xC3", "\xE2\x82\xAC\xE2\x82",
        // Long enough for the sixteen-byte scan, with the special byte at every position.
        std::string(40, 'x') + "\"" + std::string(20, 'y'), std::string(31, 'z') + "\xC3\xA5" + std::string(17, 'w')};
    for (std::size_t at = 0; at < 20; ++at) cases.push_back(std::string(at, 'a') + "\x1f" + std::string(20 - at, 'b'));
    std::mt19937 rng(9);
    const std::string alphabet = "ab ,\"\\\n\t\x01\x7f\xC3\xA5\x80\xE2\x82\xAC\xF0\x9F\xED\xA0\xFF";
    for (int i = 0; i < 20000; ++i) {
        std::string s(rng() % 40, ' ');
        for (auto& ch : s) ch = rng() % 4 == 0 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
        cases.push_back(s);
    }
    for (const auto& s : cases)
        BOOST_TEST_CONTEXT("string " << json(s).dump(-1, ' ', true, json::error_handler_t::replace)) {
            BOOST_TEST(direct_string(s) == nlohmann_dump(json(s)));
        }
}

BOOST_AUTO_TEST_CASE(numbers_are_written_as_nlohmann_writes_them) {
    for (double d : {0.0, -0.0, 0.25, 0.1, 1.0 / 3, 1e-5, 12345678.9, 1e21, 1e300, -2.5e-300, 0.5,
                     std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
        std::string out;
        exporting::json_text::append_number(out, d);
        BOOST_TEST(out == nlohmann_dump(json(d)));
    }
    for (std::int64_t n : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{42}, std::numeric_limits<std::int64_t>::max(),
                           std::numeric_limits<std::int64_t>::min()}) {
        std::string out;
        exporting::json_text::append_number(out, n);
        BOOST_TEST(out == nlohmann_dump(json(n)));
    }
}

BOOST_AUTO_TEST_CASE(stored_json_is_copied_only_when_it_is_what_nlohmann_would_write) {
    std::vector<std::string> texts = {
        // What Inspel stores: nlohmann's compact dumps.
        json::array({{{"question", "trygghet"}, {"value", 4}}, {{"question", "strak"}, {"value", {"Längs ån", "Norr"}}},
                     {{"question", "ovrigt"}, {"value", "Ring [telefon]\n\"Citat\" \x01"}}})
            .dump(),
        "[]", "{}", "null", "true", "-7", "\"\\u001f\\b\"", R"([{"a":{"b":[1,2,{}]},"b":null}])",
        // JSON in other forms: the same value, rewritten as nlohmann writes it.
        "[ 1, 2 ]", "{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":2}", "\"\\u00e5\"", "\"\\/\"", "\"\\u001F\"", "\"\\u000a\"",
        "1.50", "1e2", "-0", "0.0", "123456789012345678901", "\"\\ud83d\\udeb2\"", " true", "[1]\n",
        // Not JSON at all: null, as before.
        "", "[", "[1,]", "{\"a\"}", "\"open", "tru", "01", "\"\x01\"", "\"\xC3\"", "[1] x"};
    for (const auto& t : texts)
        BOOST_TEST_CONTEXT("text " << t) {
            json parsed = json::parse(t, nullptr, false);
            std::string expected = parsed.is_discarded() ? "null" : nlohmann_dump(parsed);
            std::string out;
            exporting::json_text::append_canonical(out, t);
            BOOST_TEST(out == expected);
            // Copied only when it is exactly nlohmann's form (doubles always take the parser: safe).
            if (exporting::json_text::is_canonical(t)) BOOST_TEST(t == expected);
        }
    // Inspel's own stored form is copied.
    for (std::size_t i = 0; i < 8; ++i) BOOST_TEST_CONTEXT("text " << texts[i]) {
            BOOST_TEST(exporting::json_text::is_canonical(texts[i]));
        }
}

BOOST_AUTO_TEST_CASE(checksums_agree_with_libsodium) {
    std::mt19937 rng(3);
    std::string data(3 << 20, '\0');
    for (auto& ch : data) ch = static_cast<char>(rng());
    BOOST_TEST_MESSAGE("SHA instructions: " << (exporting::sha256::hardware() ? "yes" : "no"));
    for (std::size_t n : {0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 1 << 20, 3 << 20}) {
        exporting::sha256 h;
        std::string_view part(data.data(), n);
        // Fed in uneven pieces, so that blocks straddle calls.
        for (std::size_t at = 0; at < n;) {
            std::size_t k = std::min<std::size_t>(n - at, 1 + rng() % 700);
            h.update(part.substr(at, k));
            at += k;
        }
        BOOST_TEST_CONTEXT("length " << n) { BOOST_TEST(h.hex() == exporting::sha256::hex_portable(part)); }
    }
}

BOOST_AUTO_TEST_CASE(every_streamed_line_is_what_nlohmann_writes_for_it) {
    export_fixture f;
    f.add_items(8000);  // results.json fills the writer's buffers several times over
    // Texts the direct writer must escape: control characters, quotes, and ill-formed UTF-8 (which
    // SQLite stores as it was given), in a title, a text and a free-text answer.
    f.db().write_and_wait([&](schema::connection& c) {
        std::string odd = "Rad 1\nrad 2\t\"citat\" \\ \x01 \xC3( \xE2\x82 \xED\xA0\x80 ån 🚲";
        c.prepare("INSERT INTO submissions (receipt, kind, title, title_redacted, body, body_redacted, dialogue_id, "
                  "language, status, received_at, updated_at, routing_outcome, routing_dialogue_id, routing_score) "
                  "VALUES ('ODD1', 'proposal', ?1, ?1, ?2, ?2, ?3, 'sv', 'received', '2026-02-02T10:00:00.000Z', "
                  "'2026-02-02T10:00:00.000Z', 'in_purpose', ?3, 0.1)")
            .bind(1, odd).bind(2, "-" + odd).bind(3, f.dialogue_id).run();
        json answers = json::array({{{"question", "ovrigt"}, {"value", "Fri text med \"citat\"\noch \x02"}}});
        c.prepare("INSERT INTO submissions (receipt, kind, answers, answers_redacted, dialogue_id, language, status, "
                  "received_at, updated_at) VALUES ('ODD2', 'panel_response', ?1, ?1, ?2, 'sv', 'received', "
                  "'2026-02-02T10:00:00.000Z', '2026-02-02T10:00:00.000Z')")
            .bind(1, answers.dump()).bind(2, f.dialogue_id).run();
    });
    for (auto who : {exporting::audience::internal, exporting::audience::publication}) {
        temp_dir out;
        f.export_to(out.path(), who);
        std::string text = read_text(out / f.slug / "2026-03-01" / "results.json");
        if (who == exporting::audience::internal)
            BOOST_REQUIRE(fs::file_size(out / f.slug / "2026-03-01" / "results.json") > (5u << 20));
        std::istringstream lines(text);
        std::string line;
        std::size_t checked = 0;
        bool in_list = false;
        while (std::getline(lines, line)) {
            if (line == "\"free_text_answers\": [" || line == "\"items\": [" || line.ends_with("\"items\": [")) {
                in_list = true;
                continue;
            }
            if (!in_list || line == "]," || line == "]") {
                in_list = in_list && line != "]," && line != "]";
                continue;
            }
            std::string element = line.ends_with(",") ? line.substr(0, line.size() - 1) : line;
            BOOST_TEST_CONTEXT("line " << element) { BOOST_TEST(element == nlohmann_dump(json::parse(element))); }
            ++checked;
        }
        json r = json::parse(text);
        BOOST_TEST(checked == r["items"].size() + r["free_text_answers"].size());
        for (const auto& it : r["items"])
            if (it["title"].is_string() && it["title"].get<std::string>().starts_with("Rad 1"))
                BOOST_TEST(it["title"].get<std::string>() ==
                           "Rad 1\nrad 2\t\"citat\" \\ \x01 \xEF\xBF\xBD( \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD ån 🚲");
    }
}

BOOST_AUTO_TEST_CASE(a_run_in_the_background_writes_the_same_bytes) {
    // At a lowered priority (the nightly thread's nice 10) the export writes on its own thread;
    // otherwise writer threads do. Files larger than the writers' buffers, byte for byte the same.
    export_fixture f;
    f.add_items(7000);
    temp_dir normal, background;
    f.export_to(normal.path(), exporting::audience::internal);
    std::exception_ptr failed;
    std::thread niced([&] {
        try {
            BOOST_REQUIRE(::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) == 0);
            f.export_to(background.path(), exporting::audience::internal);
        } catch (...) {
            failed = std::current_exception();
        }
    });
    niced.join();
    if (failed) std::rethrow_exception(failed);
    auto a = folder_bytes(normal / f.slug / "2026-03-01"), b = folder_bytes(background / f.slug / "2026-03-01");
    BOOST_TEST(a["results.json"].size() > (3u << 20));
    BOOST_TEST((a == b));
}
