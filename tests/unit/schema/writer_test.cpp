#include "schema/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>
#include <latch>
#include <thread>

using namespace inspel::schema;
using inspel::test::temp_dir;

namespace {

void create_table(database& db) {
    db.write_and_wait([](connection& c) { c.exec("CREATE TABLE item (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"); });
}

std::int64_t count(database& db) {
    return db.read([](connection& c) {
        auto st = c.prepare("SELECT count(*) FROM item");
        st.step();
        return st.int64(0);
    });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(writer)

BOOST_AUTO_TEST_CASE(a_completed_write_is_visible_to_readers_and_survives_reopening) {
    temp_dir dir;
    {
        database db(dir.path());
        create_table(db);
        auto id = db.write_and_wait([](connection& c) {
            c.prepare("INSERT INTO item (text) VALUES (?)").bind(1, "hej").run();
            return c.last_insert_rowid();
        });
        BOOST_TEST(id == 1);
        BOOST_TEST(count(db) == 1);
    }
    database reopened(dir.path());
    BOOST_TEST(count(reopened) == 1);
}

BOOST_AUTO_TEST_CASE(concurrent_writes_share_commits) {
    temp_dir dir;
    database db(dir.path());
    create_table(db);
    auto commits_before = db.commits();
    constexpr int n = 400;
    std::atomic<int> done{0}, failed{0};
    std::latch all_done(n);
    for (int i = 0; i < n; ++i) {
        db.write({[i](connection& c) {
                      c.prepare("INSERT INTO item (text) VALUES (?)").bind(1, "item " + std::to_string(i)).run();
                  },
                  [&](std::exception_ptr e) {
                      (e ? failed : done)++;
                      all_done.count_down();
                  }});
    }
    all_done.wait();
    BOOST_TEST(done == n);
    BOOST_TEST(failed == 0);
    BOOST_TEST(count(db) == n);
    // Jobs queued while a commit was running ride along in the next one.
    BOOST_TEST(db.commits() - commits_before < static_cast<std::uint64_t>(n));
}

BOOST_AUTO_TEST_CASE(a_failing_job_fails_alone) {
    temp_dir dir;
    database db(dir.path());
    create_table(db);
    std::latch all_done(3);
    std::vector<bool> ok(3);
    auto job = [&](int i, bool fail) {
        return write_job{[i, fail](connection& c) {
                             c.prepare("INSERT INTO item (text) VALUES (?)").bind(1, "x" + std::to_string(i)).run();
                             if (fail) throw std::runtime_error("invalid");
                         },
                         [&, i](std::exception_ptr e) {
                             ok[static_cast<std::size_t>(i)] = !e;
                             all_done.count_down();
                         }};
    };
    // Stall the writer so the three jobs land in one batch.
    std::latch release(1);
    db.write({[&](connection&) { release.wait(); }, [](std::exception_ptr) {}});
    db.write(job(0, false));
    db.write(job(1, true));
    db.write(job(2, false));
    release.count_down();
    all_done.wait();
    BOOST_TEST(ok[0]);
    BOOST_TEST(!ok[1]);
    BOOST_TEST(ok[2]);
    BOOST_TEST(count(db) == 2);  // the failed job's insert was rolled back
}

BOOST_AUTO_TEST_CASE(writes_after_stop_are_refused_not_lost_silently) {
    temp_dir dir;
    database db(dir.path());
    create_table(db);
    db.stop();
    BOOST_CHECK_THROW(db.write_and_wait([](connection& c) { c.exec("INSERT INTO item (text) VALUES ('late')"); }),
                      std::runtime_error);
}

BOOST_AUTO_TEST_CASE(commit_observers_run_after_each_commit) {
    temp_dir dir;
    database db(dir.path());
    std::atomic<int> seen{0};
    auto id = db.on_commit([&] { ++seen; });
    create_table(db);
    BOOST_TEST(seen >= 1);
    int after = seen;
    db.unsubscribe(id);
    db.write_and_wait([](connection& c) { c.exec("INSERT INTO item (text) VALUES ('x')"); });
    BOOST_TEST(seen == after);
}

BOOST_AUTO_TEST_CASE(completions_go_to_the_runner_one_piece_per_commit_in_order) {
    temp_dir dir;
    // A long commit delay gathers the three jobs below into one commit.
    database db(dir.path(), std::chrono::milliseconds(200));
    std::mutex m;
    std::vector<std::function<void()>> handed;
    db.run_completions_with([&](std::function<void()> f) {
        std::lock_guard lock(m);
        handed.push_back(std::move(f));
    });
    // write_and_wait completes on the writer: its caller may be the runner's own thread.
    create_table(db);
    BOOST_TEST(handed.empty());

    std::vector<std::string> done;
    for (std::string text : {"a", "b", "c"})
        db.write({[text](connection& c) { c.prepare("INSERT INTO item (text) VALUES (?)").bind(1, text).run(); },
                  [&done, text](std::exception_ptr e) { done.push_back(e ? "failed " + text : text); }});
    for (int i = 0; i < 500; ++i) {
        std::lock_guard lock(m);
        if (!handed.empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(m);
    BOOST_REQUIRE_EQUAL(handed.size(), 1u);
    BOOST_TEST(done.empty());  // nothing ran on the writer
    handed.front()();
    BOOST_TEST(done == (std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(count(db) == 3);
    db.run_completions_with(nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
