#define BOOST_TEST_MODULE search
// The real Xapian index fed from a real SQLite file through the outbox, as the service runs it.
#include "search/index.hpp"
#include "search/terms.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace inspel;
using inspel::test::temp_dir;

namespace {

struct item {
    std::string kind = "feedback";
    std::string title = "";
    std::string body = "";
    std::string area = "";
    std::string received_at = "2026-06-01T10:00:00.000Z";
    std::string language = "sv";
};

// A data dir with a database and a running index, like the service's.
struct fixture {
    temp_dir dir;
    std::unique_ptr<schema::database> db = std::make_unique<schema::database>(dir.path());
    std::unique_ptr<search::index> idx = open_index();
    int next = 0;

    std::unique_ptr<search::index> open_index() {
        return std::make_unique<search::index>(dir.path(), *db);
    }

    ~fixture() {
        if (idx) idx->stop();
        db->stop();
    }

    // Inserts items as intake does: the row and its outbox entry in one transaction.
    std::vector<std::int64_t> add(const std::vector<item>& items) {
        return db->write_and_wait([&](schema::connection& c) {
            std::vector<std::int64_t> ids;
            for (const auto& it : items) {
                c.prepare("INSERT INTO submissions (receipt, kind, title, title_redacted, body, body_redacted, area, "
                          "language, received_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(1, "R" + std::to_string(next++))
                    .bind(2, it.kind)
                    .bind(3, it.title)
                    .bind(4, it.title)
                    .bind(5, it.body)
                    .bind(6, it.body)
                    .bind(7, it.area.empty() ? std::optional<std::string>() : it.area)
                    .bind(8, it.language)
                    .bind(9, it.received_at)
                    .bind(10, it.received_at)
                    .run();
                ids.push_back(c.last_insert_rowid());
                c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, ?)")
                    .bind(1, ids.back())
                    .bind(2, it.received_at)
                    .run();
            }
            return ids;
        });
    }

    search::query_result find(const std::string& text, std::map<std::string, std::vector<std::string>> filters = {}) {
        BOOST_REQUIRE(idx->wait_until_caught_up(std::chrono::seconds(10)));
        search::query_request r;
        r.text = text;
        r.filters = std::move(filters);
        r.page_size = 100;
        return idx->search(r);
    }

    std::set<std::int64_t> ids_for(const std::string& text) {
        std::set<std::int64_t> out;
        for (const auto& it : find(text).items) out.insert(it.id);
        return out;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(inflected_swedish_forms_find_each_other) {
    fixture f;
    auto ids = f.add({{.title = "Skolan behöver fler lärare", .body = "Klasserna är för stora."},
                      {.title = "Ny cykelbana", .body = "Bygg en cykelbana längs ån till centrum."},
                      {.title = "Parkering", .body = "Fler parkeringsplatser vid stationen."}});
    BOOST_TEST(f.ids_for("skolor").count(ids[0]) == 1u);
    BOOST_TEST(f.ids_for("skolornas").count(ids[0]) == 1u);
    BOOST_TEST(f.ids_for("cykelbanorna").count(ids[1]) == 1u);
    BOOST_TEST(f.ids_for("cykelban*").count(ids[1]) == 1u);
    BOOST_TEST(f.ids_for("skolor").count(ids[2]) == 0u);
    // Capitalised as typed at the start of a sentence, and next to upper-case operators.
    BOOST_TEST(f.ids_for("Skolor").count(ids[0]) == 1u);
    BOOST_TEST(f.ids_for("Skolor OR Cykelbanorna") == (std::set<std::int64_t>{ids[0], ids[1]}));
    BOOST_TEST(f.ids_for("Cykelbanan NOT Skolor") == std::set<std::int64_t>{ids[1]});
    BOOST_TEST(f.ids_for("\"Bygg en cykelbana\"") == std::set<std::int64_t>{ids[1]});
    BOOST_TEST(f.ids_for("\"bygg en cykelbanorna\"").empty());  // a phrase is the words as written
}

BOOST_AUTO_TEST_CASE(accents_fold_but_swedish_letters_stay) {
    fixture f;
    auto ids = f.add({{.title = "Kafé vid torget", .body = "Ett café med müsli."},
                      {.title = "Får i hagen", .body = "Fåren betar."},
                      {.title = "Far och son", .body = "Pappa cyklar."}});
    BOOST_TEST(f.ids_for("cafe").count(ids[0]) == 1u);
    BOOST_TEST(f.ids_for("musli").count(ids[0]) == 1u);
    BOOST_TEST(f.ids_for("får") == std::set<std::int64_t>{ids[1]});
    BOOST_TEST(f.ids_for("far") == std::set<std::int64_t>{ids[2]});
    BOOST_TEST(search::fold_accents("Émile Zoë åka") == "Emile Zoe åka");
    BOOST_TEST(search::fold_accents("ÅÄÖ") == "ÅÄÖ");
}

BOOST_AUTO_TEST_CASE(phrases_booleans_prefixes_and_filters) {
    fixture f;
    auto ids = f.add({{.kind = "proposal", .title = "Belysning i parken", .body = "Mörkt på kvällen vid gångvägen.", .area = "Centrum"},
                      {.kind = "feedback", .title = "Gångvägen", .body = "Belysning saknas i parken.", .area = "Norr"},
                      {.kind = "feedback", .title = "Snöröjning", .body = "Gångvägen plogas sent.", .area = "centrum"}});
    BOOST_TEST(f.ids_for("title:belysning") == std::set<std::int64_t>{ids[0]});
    BOOST_TEST(f.ids_for("\"belysning i parken\"") == (std::set<std::int64_t>{ids[0]}));
    BOOST_TEST(f.ids_for("gångvägen NOT belysning") == std::set<std::int64_t>{ids[2]});
    BOOST_TEST(f.ids_for("snöröjning OR parken").size() == 3u);
    BOOST_TEST(f.find("gångvägen", {{"kind", {"feedback"}}}).total == 2u);
    BOOST_TEST(f.find("", {{"area", {"Centrum"}}}).total == 2u);  // area compared in lower case
    BOOST_TEST(f.find("kind:proposal").total == 1u);
}

BOOST_AUTO_TEST_CASE(facets_count_the_whole_match_set) {
    fixture f;
    std::vector<item> items;
    for (int i = 0; i < 30; ++i)
        items.push_back({.kind = i % 3 == 0 ? "proposal" : "feedback",
                         .title = "Trafik " + std::to_string(i),
                         .body = "Trafiken på gatan.",
                         .area = i % 2 ? "Norr" : "Söder",
                         .received_at = i < 10 ? "2026-05-03T08:00:00.000Z" : "2026-06-03T08:00:00.000Z"});
    f.add(items);
    search::query_request r;
    r.text = "trafik";
    r.page_size = 5;
    BOOST_REQUIRE(f.idx->wait_until_caught_up(std::chrono::seconds(10)));
    auto res = f.idx->search(r);
    BOOST_TEST(res.total == 30u);
    BOOST_TEST(res.total_exact);
    BOOST_TEST(res.items.size() == 5u);
    BOOST_TEST(res.facets_exact);
    auto count = [&](const std::string& facet, const std::string& value) -> std::uint64_t {
        for (const auto& v : res.facets[facet])
            if (v.value == value) return v.count;
        return 0;
    };
    BOOST_TEST(count("kind", "proposal") == 10u);
    BOOST_TEST(count("kind", "feedback") == 20u);
    BOOST_TEST(count("area", "norr") == 15u);
    BOOST_TEST(count("month", "2026-05") == 10u);
    BOOST_TEST(count("month", "2026-06") == 20u);
}

BOOST_AUTO_TEST_CASE(dates_sort_and_range) {
    fixture f;
    auto ids = f.add({{.title = "Gammal", .body = "bänk", .received_at = "2026-01-10T08:00:00.000Z"},
                      {.title = "Ny", .body = "bänk", .received_at = "2026-03-10T08:00:00.000Z"},
                      {.title = "Mitten", .body = "bänk", .received_at = "2026-02-10T08:00:00.000Z"}});
    BOOST_REQUIRE(f.idx->wait_until_caught_up(std::chrono::seconds(10)));
    search::query_request r;
    r.text = "bänk";
    r.sort = search::sort_order::newest;
    auto res = f.idx->search(r);
    BOOST_REQUIRE(res.items.size() == 3u);
    BOOST_TEST(res.items[0].id == ids[1]);
    BOOST_TEST(res.items[2].id == ids[0]);
    r.from = "2026-02-01";
    r.to = "2026-02-28";
    res = f.idx->search(r);
    BOOST_TEST(res.total == 1u);
    BOOST_TEST(res.items.at(0).id == ids[2]);
    r.to = "February";
    BOOST_CHECK_THROW(f.idx->search(r), search::query_error);
}

BOOST_AUTO_TEST_CASE(bad_syntax_is_a_query_error_not_a_crash) {
    fixture f;
    f.add({{.title = "Något", .body = "text"}});
    for (std::string q : {"title:(", "\"unclosed phrase", "AND", "NOT", "(((", "a AND OR b", "*", "tag:"}) {
        BOOST_TEST_CONTEXT(q) {
            try {
                f.find(q);  // either a result or a query_error; nothing else
            } catch (const search::query_error& e) {
                BOOST_TEST(e.field == "q");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(snippets_mark_matches_and_escape_html) {
    fixture f;
    f.add({{.title = "Skript", .body = "Skriv <script>alert(1)</script> om lekplatsen i parken."}});
    auto res = f.find("lekplatsen");
    BOOST_REQUIRE(res.items.size() == 1u);
    BOOST_TEST(res.items[0].snippet.find("<mark>lekplatsen</mark>") != std::string::npos, res.items[0].snippet);
    BOOST_TEST(res.items[0].snippet.find("<script>") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(spelling_suggestion_when_little_is_found) {
    fixture f;
    f.add({{.title = "Biblioteket", .body = "Biblioteket borde ha längre öppettider."}});
    auto res = f.find("bibloteket");
    BOOST_TEST(res.total == 0u);
    BOOST_REQUIRE(res.suggestion.has_value());
    BOOST_TEST(*res.suggestion == "biblioteket");
    // Words that are all in the index but never meet are not "corrected".
    f.add({{.title = "Simhallen", .body = "Simhallen stänger tidigt."}});
    auto rare = f.find("biblioteket simhallen");
    BOOST_TEST(rare.total == 0u);
    BOOST_TEST(!rare.suggestion.has_value());
}

BOOST_AUTO_TEST_CASE(a_restart_mid_indexing_loses_nothing_and_doubles_nothing) {
    fixture f;
    std::vector<item> items;
    for (int i = 0; i < 5000; ++i) items.push_back({.title = "Förslag " + std::to_string(i), .body = "gatlampor"});
    f.add(items);
    f.idx->stop();  // very likely mid-way through the outbox
    f.idx.reset();
    f.idx = f.open_index();  // replays what was left
    auto res = f.find("gatlampor");
    BOOST_TEST(res.total == 5000u);
    BOOST_TEST(f.idx->documents() == 5000u);
    BOOST_TEST(f.idx->outbox_backlog() == 0u);
}

BOOST_AUTO_TEST_CASE(an_index_of_an_older_format_is_rebuilt_by_the_running_indexer) {
    fixture f;
    f.add({{.kind = "proposal", .body = "gatlampor"}, {.body = "gatlampor", .area = "Norr"}});
    BOOST_TEST(f.find("gatlampor").total == 2u);
    f.idx->stop();
    f.idx.reset();
    {
        // What an older Inspel left: documents without the facets value and no format mark.
        Xapian::WritableDatabase old((f.dir.path() / "index" / "current").string(), Xapian::DB_OPEN);
        for (Xapian::docid d = 1; d <= old.get_lastdocid(); ++d) {
            Xapian::Document doc = old.get_document(d);
            doc.remove_value(search::slot::facets);
            old.replace_document(d, doc);
        }
        old.set_metadata(search::format_key, "");
        old.commit();
    }
    f.idx = f.open_index();
    auto res = f.find("gatlampor");
    BOOST_TEST(res.total == 2u);
    BOOST_TEST(f.idx->documents() == 2u);
    std::map<std::string, std::uint64_t> kinds;
    for (const auto& v : res.facets["kind"]) kinds[v.value] = v.count;
    BOOST_TEST(kinds["proposal"] == 1u);
    BOOST_TEST(kinds["feedback"] == 1u);
    BOOST_TEST(res.facets["area"].size() == 1u);
}

BOOST_AUTO_TEST_CASE(reindex_gives_the_same_results_as_incremental_indexing) {
    // 1,600 items are four chunks of the rebuild: with three builders every shard gets some, and
    // the merged index must answer exactly as the one built item by item.
    for (unsigned builders : {1u, 3u}) {
        BOOST_TEST_CONTEXT("builders " << builders) {
            fixture f;
            std::vector<item> items;
            for (int i = 0; i < 1600; ++i)
                items.push_back({.kind = i % 2 ? "proposal" : "feedback", .title = "Ärende " + std::to_string(i),
                                 .body = i % 3 ? "cykelvägar och skolor" : "parker och bibliotek",
                                 .area = i % 4 ? "Norr" : "Syd"});
            items[1234].body = "Biblioteket borde ha längre öppettider.";
            auto ids = f.add(items);
            auto snapshot = [&] {
                std::vector<std::pair<std::int64_t, std::string>> out;
                for (std::string q : {"skola", "parken", "cykelväg*", "kind:proposal", "öppettider"}) {
                    auto res = f.find(q);
                    for (const auto& it : res.items) out.emplace_back(it.id, q);
                    out.emplace_back(static_cast<std::int64_t>(res.total), "total " + q);
                    for (const auto& [facet, values] : res.facets)
                        for (const auto& v : values) out.emplace_back(static_cast<std::int64_t>(v.count), facet + " " + v.value);
                }
                return out;
            };
            auto before = snapshot();
            f.idx->stop();
            f.idx.reset();
            BOOST_TEST(search::rebuild(f.dir.path(), *f.db, builders) == 1600u);
            f.idx = f.open_index();
            BOOST_TEST(f.idx->documents() == 1600u);
            BOOST_TEST(snapshot() == before);
            // The merged spelling dictionary still suggests.
            auto misspelt = f.find("bibloteket");
            BOOST_REQUIRE(misspelt.suggestion.has_value());
            BOOST_TEST(*misspelt.suggestion == "biblioteket");
            // An item changed after the rebuild replaces its document, wherever the merge put it.
            f.db->write_and_wait([&](schema::connection& c) {
                c.prepare("UPDATE submissions SET body = 'simhall', body_redacted = 'simhall' WHERE id = ?").bind(1, ids[1234]).run();
                c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, '2026-01-01T00:00:00Z')")
                    .bind(1, ids[1234]).run();
            });
            BOOST_TEST(f.ids_for("simhall") == std::set<std::int64_t>{ids[1234]});
            BOOST_TEST(f.ids_for("öppettider").empty());
            BOOST_TEST(f.idx->documents() == 1600u);
        }
    }
}

BOOST_AUTO_TEST_CASE(reindex_refuses_while_the_index_is_in_use) {
    fixture f;
    BOOST_CHECK_THROW(search::rebuild(f.dir.path(), *f.db), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(swedish_definite_forms_share_a_stem) {
    auto stem = search::stemmer_for("sv");
    const std::vector<std::vector<std::string>> groups = {
        {"skolan", "skolor", "skola", "skolornas"}, {"gatan", "gator", "gata"}, {"huset", "husen", "hus"},
        {"barnet", "barnen", "barn"}, {"cykeln", "cykel", "cyklar"}, {"cykelbanorna", "cykelbana", "cykelbanan"}};
    for (const auto& g : groups)
        for (const auto& w : g) BOOST_TEST_CONTEXT(w) { BOOST_TEST(stem(w) == stem(g.front())); }
    // Short words keep their letters.
    BOOST_TEST(stem("plan") == "plan");
    BOOST_TEST(stem("vet") == "vet");
    BOOST_TEST(search::stemmer_for("en")("schools") == "school");
}

BOOST_AUTO_TEST_CASE(lower_and_fold_agree_with_icu_on_swedish_and_other_text) {
    BOOST_TEST(search::lower("ÅÄÖ Skolan") == "åäö skolan");
    BOOST_TEST(search::lower("ÉCOLE Über") == "école über");
    BOOST_TEST(search::fold_accents("plain ascii") == "plain ascii");
    BOOST_TEST(search::fold_accents("Ångström café") == "Ångström cafe");  // å and ö stay, é folds
}

BOOST_AUTO_TEST_CASE(tags_and_routing_are_searchable_and_counted) {
    fixture f;
    auto ids = f.add({{.title = "Trafik", .body = "bilar"}, {.title = "Trafik igen", .body = "bussar"}});
    f.db->write_and_wait([&](schema::connection& c) {
        c.exec("INSERT INTO tags (id, name, created_by, created_at) VALUES (1, 'Trafiksäkerhet', 'anna', 'now')");
        c.prepare("INSERT INTO submission_tags (submission_id, tag_id, added_by, added_at) VALUES (?, 1, 'anna', 'now')")
            .bind(1, ids[0])
            .run();
        c.prepare("UPDATE submissions SET routing_outcome = 'needs_review' WHERE id = ?").bind(1, ids[1]).run();
        for (auto id : ids) c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, 'now')").bind(1, id).run();
    });
    BOOST_TEST(f.ids_for("tag:trafiksäkerhet") == std::set<std::int64_t>{ids[0]});
    BOOST_TEST(f.find("trafik", {{"tag", {"Trafiksäkerhet"}}}).total == 1u);
    BOOST_TEST(f.find("", {{"routing", {"needs_review"}}}).items.at(0).id == ids[1]);
    auto res = f.find("trafik");
    BOOST_TEST(res.facets["tag"].at(0).value == "trafiksäkerhet");
    BOOST_TEST(res.facets["routing"].at(0).value == "needs_review");
    for (const auto& it : res.items)
        if (it.id == ids[0]) BOOST_TEST(it.tags == std::vector<std::string>{"Trafiksäkerhet"});
}

// Facet counts come from a table in memory (facets.hpp): it must be loaded from the index when the
// server starts, and follow every later change of a document.
BOOST_AUTO_TEST_CASE(facet_counts_survive_a_restart_and_follow_changes) {
    fixture f;
    auto ids = f.add({{.kind = "proposal", .body = "lekplats", .area = "Norr"},
                      {.body = "lekplats", .area = "Norr"},
                      {.body = "lekplats", .area = "Söder"}});
    auto counts = [&](const std::string& facet) {
        std::map<std::string, std::uint64_t> m;
        auto res = f.find("lekplats");
        for (const auto& v : res.facets[facet]) m[v.value] = v.count;
        return m;
    };
    using counted = std::map<std::string, std::uint64_t>;
    BOOST_TEST((counts("area") == counted{{"norr", 2}, {"söder", 1}}));

    f.idx->stop();
    f.idx.reset();
    f.idx = f.open_index();
    BOOST_TEST((counts("area") == counted{{"norr", 2}, {"söder", 1}}));
    BOOST_TEST((counts("kind") == counted{{"feedback", 2}, {"proposal", 1}}));

    // Two tags on one item, one on another, and an item moved to another area.
    f.db->write_and_wait([&](schema::connection& c) {
        c.exec("INSERT INTO tags (id, name, created_by, created_at) VALUES (1, 'Barn', 'anna', 'now'), "
               "(2, 'Park', 'anna', 'now')");
        c.prepare("INSERT INTO submission_tags (submission_id, tag_id, added_by, added_at) VALUES (?, 1, 'anna', 'now'), "
                  "(?, 2, 'anna', 'now'), (?, 2, 'anna', 'now')")
            .bind(1, ids[0])
            .bind(2, ids[0])
            .bind(3, ids[1])
            .run();
        c.prepare("UPDATE submissions SET area = 'Söder' WHERE id = ?").bind(1, ids[1]).run();
        for (auto id : ids) c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, 'now')").bind(1, id).run();
    });
    BOOST_TEST((counts("tag") == counted{{"barn", 1}, {"park", 2}}));
    BOOST_TEST((counts("area") == counted{{"norr", 1}, {"söder", 2}}));

    f.idx->stop();
    f.idx.reset();
    f.idx = f.open_index();
    BOOST_TEST((counts("tag") == counted{{"barn", 1}, {"park", 2}}));
}

// BM25's length normalisation is computed when a document is indexed (terms.hpp, "Ranking"): of
// two items that use a word equally often, the shorter ranks first, as with BM25 at search time.
BOOST_AUTO_TEST_CASE(shorter_items_rank_first_for_the_same_word_count) {
    fixture f;
    std::string filler;
    for (int i = 0; i < 150; ++i) filler += " ord" + std::to_string(i);
    auto ids = f.add({{.body = "Parkeringen vid torget är full.", .received_at = "2026-01-01T10:00:00.000Z"},
                      {.body = "Parkeringen vid torget är full." + filler, .received_at = "2026-02-01T10:00:00.000Z"}});
    auto res = f.find("parkering");
    BOOST_REQUIRE(res.items.size() == 2u);
    // Equal weights would put the newer (longer) item first.
    BOOST_TEST(res.items[0].id == ids[0]);
    BOOST_TEST(res.items[0].score > res.items[1].score);
}

// A phrase or a wildcard matches the words' own terms, a plain word its stem: both must weigh
// alike, or a query that mixes them ranks by the plain word alone.
BOOST_AUTO_TEST_CASE(phrase_and_wildcard_matches_weigh_like_stem_matches) {
    fixture f;
    auto ids = f.add({{.body = "En röd cykel står vid stationen.", .received_at = "2026-01-01T10:00:00.000Z"},
                      {.body = "Bilen står vid stationen.", .received_at = "2026-02-01T10:00:00.000Z"},
                      {.body = "Tåget går från stationen.", .received_at = "2026-03-01T10:00:00.000Z"}});
    // Two words in a phrase against one outside it, each word in one item: the phrase weighs more.
    auto phrase = f.find("\"röd cykel\" OR bilen");
    BOOST_REQUIRE(phrase.items.size() == 2u);
    BOOST_TEST(phrase.items[0].id == ids[0]);
    BOOST_TEST(phrase.items[0].score > 1.5 * phrase.items[1].score);
    // One word through a wildcard against one through its stem, in items of the same length.
    auto wildcard = f.find("cyk* OR bilen");
    BOOST_REQUIRE(wildcard.items.size() == 2u);
    BOOST_TEST(wildcard.items[0].score / wildcard.items[1].score < 1.25);
    BOOST_TEST(wildcard.items[0].score / wildcard.items[1].score > 0.8);
}

// A match set larger than the facet sample is sampled in every stretch of the index, which is in
// order of arrival: last month's items are counted, not only the oldest ones.
BOOST_AUTO_TEST_CASE(estimated_facets_represent_old_and_new_items_alike) {
    fixture f;
    std::vector<item> items;
    for (int i = 0; i < 4800; ++i)
        items.push_back({.kind = i % 4 ? "feedback" : "proposal",
                         .body = "Trafiken på Storgatan " + std::to_string(i),
                         .received_at = i < 2400 ? "2024-01-10T08:00:00.000Z" : "2026-06-10T08:00:00.000Z"});
    // Items with one of the two words only, so that Xapian can only estimate how many have both.
    for (int i = 0; i < 400; ++i)
        items.push_back({.body = i % 2 ? "Trafiken i centrum" : "Storgatan i centrum", .received_at = "2026-07-10T08:00:00.000Z"});
    f.add(items);
    auto res = f.find("trafiken");
    BOOST_TEST(!res.facets_exact);
    BOOST_TEST(res.total == 5000u);  // one word: Xapian knows how many
    BOOST_TEST(res.total_exact);
    // Two words: Xapian estimates, and so does the sample.
    auto pair = f.find("trafiken storgatan");
    BOOST_TEST(!pair.total_exact);
    BOOST_TEST(pair.total >= 4300u);
    BOOST_TEST(pair.total <= 5300u);
    std::map<std::string, std::uint64_t> months, kinds;
    for (const auto& v : res.facets["month"]) months[v.value] = v.count;
    for (const auto& v : res.facets["kind"]) kinds[v.value] = v.count;
    BOOST_TEST(months["2024-01"] >= 2000u);
    BOOST_TEST(months["2024-01"] <= 2800u);
    BOOST_TEST(months["2026-06"] >= 2000u);
    BOOST_TEST(months["2026-06"] <= 2800u);
    BOOST_TEST(kinds["proposal"] >= 1000u);
    BOOST_TEST(kinds["proposal"] <= 1400u);
    // Where Xapian knows the total, a value every match has is counted exactly that often.
    auto feedback = f.find("", {{"kind", {"feedback"}}});
    BOOST_TEST(!feedback.facets_exact);
    BOOST_TEST(feedback.total == 4000u);
    BOOST_TEST(feedback.facets["kind"].size() == 1u);
    BOOST_TEST(feedback.facets["kind"].at(0).count == 4000u);
}
