// The audit trail in a real SQLite file: appending, reading with filters and paging, and the
// triggers that keep it append-only.
#include "accounts/audit.hpp"
#include "schema/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel;
using namespace inspel::accounts;

namespace {

std::multimap<std::string, std::string> q(std::initializer_list<std::pair<const std::string, std::string>> l) {
    return std::multimap<std::string, std::string>(l);
}

struct audit_db {
    test::temp_dir dir;
    schema::database db{dir.path()};

    void add(const std::string& actor, const std::string& action, const std::string& type, const std::string& id) {
        db.write_and_wait([&](schema::connection& c) {
            append_audit(c, {actor, action, type, id, {{"n", id}}, "192.0.2.1"});
        });
    }
    audit_page page(const std::multimap<std::string, std::string>& params) {
        auto f = audit_filter_from(params);
        BOOST_TEST_REQUIRE(f.ok());
        return db.read([&](schema::connection& c) { return query_audit(c, f.value()); });
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(audit)

BOOST_AUTO_TEST_CASE(filters_are_parsed_and_bad_ones_name_their_field) {
    auto f = audit_filter_from(q({{"user", "anna"}, {"from", "2024-05-01"}, {"to", "2024-05-31"}, {"limit", "10"}}));
    BOOST_TEST_REQUIRE(f.ok());
    BOOST_TEST(*f->actor == "anna");
    BOOST_TEST(*f->from == "2024-05-01T00:00:00.000Z");
    BOOST_TEST(*f->until == "2024-06-01T00:00:00.000Z");  // `to` takes in the whole day
    BOOST_TEST(f->limit == 10);
    auto t = audit_filter_from(q({{"from", "2024-05-01T10:00:00Z"}, {"to", "2024-05-01T10:59:59"}}));
    BOOST_TEST_REQUIRE(t.ok());
    BOOST_TEST(*t->until == "2024-05-01T11:00:00.000Z");
    BOOST_TEST(audit_filter_from({}).value().limit == audit_filter::default_limit);

    struct bad_case {
        std::string key, value;
    };
    for (const auto& c : std::vector<bad_case>{{"from", "2024-02-30"},
                                               {"to", "yesterday"},
                                               {"from", "2024-05-01T25:00:00Z"},
                                               {"limit", "0"},
                                               {"limit", "501"},
                                               {"limit", "ten"},
                                               {"before", "-3"},
                                               {"colour", "red"}}) {
        BOOST_TEST_CONTEXT(c.key << "=" << c.value) {
            auto r = audit_filter_from(q({{c.key, c.value}}));
            BOOST_TEST_REQUIRE(!r.ok());
            BOOST_TEST(r.error().field == c.key);
            BOOST_TEST(!r.error().message.empty());
        }
    }
    auto reversed = audit_filter_from(q({{"from", "2024-05-02"}, {"to", "2024-05-01"}}));
    BOOST_TEST(!reversed.ok());
}

BOOST_AUTO_TEST_CASE(rows_come_back_newest_first_filtered_and_paged) {
    audit_db a;
    for (int i = 1; i <= 7; ++i) a.add(i % 2 ? "anna" : "bertil", "submission.tag", "submission", std::to_string(i));
    a.add("anna", "dialogue.transition", "dialogue", "3");

    auto all = a.page({});
    BOOST_TEST_REQUIRE(all.records.size() == 8u);
    BOOST_TEST(all.records.front().entry.action == "dialogue.transition");
    BOOST_TEST(all.records.front().entry.details["n"] == "3");
    BOOST_TEST(all.records.front().entry.client_address == "192.0.2.1");
    BOOST_TEST(!all.more);

    auto anna = a.page(q({{"user", "anna"}, {"action", "submission.tag"}}));
    BOOST_TEST(anna.records.size() == 4u);
    for (const auto& r : anna.records) BOOST_TEST(r.entry.actor == "anna");

    auto object = a.page(q({{"object_type", "submission"}, {"object_id", "3"}}));
    BOOST_TEST_REQUIRE(object.records.size() == 1u);
    BOOST_TEST(object.records[0].entry.object_id == "3");

    // Pages of three, following the cursor, see every row exactly once.
    std::vector<std::int64_t> seen;
    std::string before;
    for (;;) {
        auto params = q({{"limit", "3"}});
        if (!before.empty()) params.emplace("before", before);
        auto p = a.page(params);
        for (const auto& r : p.records) seen.push_back(r.id);
        if (!p.more) break;
        before = std::to_string(p.records.back().id);
    }
    BOOST_TEST(seen.size() == 8u);
    BOOST_TEST(std::is_sorted(seen.rbegin(), seen.rend()));

    // Rows are stamped with today's date in UTC: a window on that date finds them, one before it does not.
    std::string today = all.records.front().at.substr(0, 10);
    BOOST_TEST(a.page(q({{"from", today}, {"to", today}})).records.size() == 8u);
    BOOST_TEST(a.page(q({{"to", "2000-01-01"}})).records.empty());
}

BOOST_AUTO_TEST_CASE(the_trail_is_append_only) {
    audit_db a;
    a.add("anna", "user.login", "user", "1");
    BOOST_CHECK_THROW(a.db.write_and_wait([](schema::connection& c) { c.exec("UPDATE audit_log SET actor = 'x'"); }),
                      schema::sqlite_error);
    BOOST_CHECK_THROW(a.db.write_and_wait([](schema::connection& c) { c.exec("DELETE FROM audit_log"); }),
                      schema::sqlite_error);
    auto rows = a.page({});
    BOOST_TEST_REQUIRE(rows.records.size() == 1u);
    BOOST_TEST(rows.records[0].entry.actor == "anna");
}

BOOST_AUTO_TEST_SUITE_END()
