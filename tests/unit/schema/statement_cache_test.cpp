#include "schema/sqlite.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::schema;
using inspel::test::temp_dir;

namespace {

struct two_connections {
    temp_dir dir;
    connection writer{dir.path() / "t.db", connection::mode::read_write};
    two_connections() {
        writer.exec("PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        writer.exec("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')");
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(statement_cache, two_connections)

BOOST_AUTO_TEST_CASE(a_cached_statement_comes_back_reset_and_without_bindings) {
    {
        auto st = writer.cached("SELECT v FROM t WHERE id = ?");
        st.bind(1, 2);
        BOOST_TEST(st.step());
        BOOST_TEST(st.text(0) == "b");
    }  // left mid-result, with a binding
    auto again = writer.cached("SELECT v FROM t WHERE id = ?");
    BOOST_TEST(!again.step());  // the old binding is gone: id = NULL matches nothing
    again.reset();
    again.bind(1, 3);
    BOOST_TEST(again.step());
    BOOST_TEST(again.text(0) == "c");
}

BOOST_AUTO_TEST_CASE(the_same_text_in_use_twice_gets_two_statements) {
    auto outer = writer.cached("SELECT id FROM t ORDER BY id");
    std::vector<std::int64_t> pairs;
    while (outer.step()) {
        auto inner = writer.cached("SELECT id FROM t ORDER BY id");
        while (inner.step()) pairs.push_back(outer.int64(0) * 10 + inner.int64(0));
    }
    BOOST_TEST(pairs.size() == 9u);
    BOOST_TEST(pairs.front() == 11);
    BOOST_TEST(pairs.back() == 33);
}

BOOST_AUTO_TEST_CASE(a_returned_read_holds_no_snapshot) {
    connection reader(dir.path() / "t.db", connection::mode::read_only);
    {
        auto st = reader.cached("SELECT count(*) FROM t");
        BOOST_TEST(st.step());
        BOOST_TEST(st.int64(0) == 3);
    }
    writer.exec("INSERT INTO t (v) VALUES ('d')");
    auto st = reader.cached("SELECT count(*) FROM t");
    BOOST_TEST(st.step());
    BOOST_TEST(st.int64(0) == 4);  // a statement still open would have kept the reader on its old snapshot
}

BOOST_AUTO_TEST_CASE(a_bad_text_throws_and_caches_nothing) {
    BOOST_CHECK_THROW(writer.cached("SELECT nothing FROM nowhere"), sqlite_error);
    BOOST_CHECK_THROW(writer.cached("SELECT nothing FROM nowhere"), sqlite_error);
}

BOOST_AUTO_TEST_SUITE_END()
