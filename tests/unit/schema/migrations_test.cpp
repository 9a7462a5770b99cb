#include "schema/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>

using namespace inspel::schema;
using inspel::test::temp_dir;

namespace {

int version_of(const std::filesystem::path& dir) {
    connection c(database_file(dir), connection::mode::read_only);
    auto st = c.prepare("PRAGMA user_version");
    st.step();
    return static_cast<int>(st.int64(0));
}

std::string bytes_of(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migrations_)

BOOST_AUTO_TEST_CASE(versions_run_one_two_three) {
    int expected = 1;
    for (const auto& m : migrations()) BOOST_TEST(m.version == expected++);
    BOOST_TEST(latest_version() == static_cast<int>(migrations().size()));
}

BOOST_AUTO_TEST_CASE(a_fresh_database_gets_every_migration) {
    temp_dir dir;
    auto r = migrate(dir.path());
    BOOST_TEST(r.from == 0);
    BOOST_TEST(r.to == latest_version());
    BOOST_TEST(version_of(dir.path()) == latest_version());

    connection c(database_file(dir.path()), connection::mode::read_only);
    auto st = c.prepare("PRAGMA journal_mode");
    st.step();
    BOOST_TEST(st.text(0) == "wal");
    auto created = c.prepare("SELECT value FROM instance WHERE key = 'created_at'");
    BOOST_TEST(created.step());
}

BOOST_AUTO_TEST_CASE(migrating_again_changes_nothing) {
    temp_dir dir;
    migrate(dir.path());
    auto r = migrate(dir.path());
    BOOST_TEST(r.from == latest_version());
    BOOST_TEST(r.to == latest_version());
    connection c(database_file(dir.path()), connection::mode::read_only);
    auto st = c.prepare("SELECT count(*) FROM instance WHERE key = 'created_at'");
    st.step();
    BOOST_TEST(st.int64(0) == 1);  // the first migration did not run twice
}

BOOST_AUTO_TEST_CASE(a_database_from_a_newer_inspel_is_refused_and_untouched) {
    temp_dir dir;
    {
        // A database as a future Inspel would leave it: rollback journal, higher version.
        connection c(database_file(dir.path()), connection::mode::read_write);
        c.exec("CREATE TABLE future (x INTEGER)");
        c.exec("PRAGMA user_version = " + std::to_string(latest_version() + 1));
    }
    auto before = bytes_of(database_file(dir.path()));
    BOOST_CHECK_THROW(migrate(dir.path()), newer_database_error);
    BOOST_CHECK_THROW(database d(dir.path()), newer_database_error);
    BOOST_TEST(bytes_of(database_file(dir.path())) == before);
    BOOST_TEST(!std::filesystem::exists(dir / "inspel.db-wal"));
    try {
        migrate(dir.path());
    } catch (const newer_database_error& e) {
        BOOST_TEST(std::string(e.what()).find("newer Inspel") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(foreign_keys_are_enforced_on_every_connection) {
    temp_dir dir;
    database db(dir.path());
    db.write_and_wait([](connection& c) {
        c.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent(id))");
    });
    BOOST_CHECK_THROW(db.write_and_wait([](connection& c) { c.exec("INSERT INTO child (p) VALUES (42)"); }),
                      sqlite_error);
    db.read([](connection& c) {
        auto st = c.prepare("PRAGMA foreign_keys");
        st.step();
        BOOST_TEST(st.int64(0) == 1);
    });
}

BOOST_AUTO_TEST_SUITE_END()
