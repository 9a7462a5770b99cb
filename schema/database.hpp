// The Inspel database: one SQLite file, `inspel.db`, in the data directory.
//
// Design
// ------
// SQLite is the source of truth for everything Inspel knows; the search index and the exports
// are derived from it and can be rebuilt. The file runs in WAL mode with synchronous=FULL, so a
// COMMIT that returned is on disk (the WAL is fsynced) and survives kill -9 and power loss.
//
// One writer. All writes go through `database::write`, which hands a job to the single writer
// thread. The writer gathers every job that arrived while the previous commit was syncing and
// runs them in one transaction (each inside its own SAVEPOINT, so one failing job fails alone),
// then one COMMIT and one fsync complete them all: group commit. A caller is completed only after
// that COMMIT returned, which is what lets the server say "201 Created" honestly. No fsync ever
// runs on an I/O thread.
//
// Many readers. `database::read` lends a read-only connection from a small pool; in WAL mode
// readers see the last committed state and never block the writer.
//
// Migrations. Numbered SQL files in schema/migrations/ (NNNN_name.sql) are compiled into the
// binary. At start-up those newer than `PRAGMA user_version` are applied in one transaction and
// user_version is set to the highest. A database whose user_version is higher than any migration
// this binary knows comes from a newer Inspel: it is refused and left untouched.
#pragma once

#include "schema/sqlite.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace inspel::schema {

struct migration {
    int version;
    const char* name;
    const char* sql;
};

// The migrations compiled into this binary, in version order.
std::span<const migration> migrations();
int latest_version();

struct newer_database_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct migrate_result {
    int from;
    int to;
};

std::filesystem::path database_file(const std::filesystem::path& data_dir);

// Applies the pending migrations to data_dir/inspel.db, creating it if needed.
// Throws newer_database_error (file untouched) or sqlite_error.
migrate_result migrate(const std::filesystem::path& data_dir);

// One unit of work for the writer. `apply` runs inside the group transaction on the writer thread;
// `done` runs after the COMMIT, with nullptr on success or the error: where the database's
// completion runner puts it (see run_completions_with), by default on the writer thread, in
// order. `done` must be quick: post anything heavier elsewhere.
struct write_job {
    std::function<void(connection&)> apply;
    std::function<void(std::exception_ptr)> done;
    // Runs `done` on the writer right after the COMMIT whatever the runner: for write_and_wait (its
    // caller may be the runner's thread) and for bookkeeping that must be over by the time the
    // commit is visible (see accounts::service::touch).
    bool done_on_writer = false;
};

class database {
public:
    // Migrates, then opens the writer thread and the reader pool.
    explicit database(const std::filesystem::path& data_dir,
                      std::chrono::milliseconds commit_delay = std::chrono::milliseconds(0));
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    void write(write_job job);

    // Runs `fn` in the next group commit and waits for the commit: for the command line, tests and
    // background threads, never for I/O threads.
    template <class F>
    auto write_and_wait(F&& fn) -> decltype(fn(std::declval<connection&>())) {
        using R = decltype(fn(std::declval<connection&>()));
        auto result = std::make_shared<std::promise<R>>();
        auto value = std::make_shared<std::optional<std::conditional_t<std::is_void_v<R>, int, R>>>();
        write({[fn = std::forward<F>(fn), value](connection& c) mutable {
                   if constexpr (std::is_void_v<R>) {
                       fn(c);
                   } else {
                       value->emplace(fn(c));
                   }
               },
               [result, value](std::exception_ptr e) {
                   if (e) return result->set_exception(e);
                   if constexpr (std::is_void_v<R>) {
                       result->set_value();
                   } else {
                       result->set_value(std::move(**value));
                   }
               },
               true});
        return result->get_future().get();
    }

    // Runs `fn` with a read-only connection that sees the last committed state.
    template <class F>
    auto read(F&& fn) -> decltype(fn(std::declval<connection&>())) {
        lease l(*this);
        return fn(*l.conn);
    }

    // Hands each commit's completions, as one function that runs them in order, to `runner`
    // instead of running them on the writer thread: a server gives them to its I/O threads, so the
    // writer goes straight back to writing and the I/O thread wakes once per commit rather than
    // once per item. nullptr: back to the writer thread. Set it before, and clear it after, the
    // thread it hands to runs.
    void run_completions_with(std::function<void(std::function<void()>)> runner);

    // Calls `observer` on the writer thread after every successful COMMIT (e.g. to wake the indexer)
    // until unsubscribe(returned id).
    std::uint64_t on_commit(std::function<void()> observer);
    void unsubscribe(std::uint64_t id);

    // True while the writer runs and its last commit succeeded, and a reader can query.
    bool ready();

    // Stops taking jobs, finishes those queued, and joins the writer. Idempotent.
    void stop();

    // Group commits so far and the jobs they held (for /metrics and benchmarks).
    std::uint64_t commits() const { return commits_.load(); }
    std::uint64_t jobs_committed() const { return jobs_committed_.load(); }

    const std::filesystem::path& data_dir() const { return data_dir_; }

private:
    struct lease {
        explicit lease(database& d);
        ~lease();
        database& db;
        std::unique_ptr<connection> conn;
    };

    void run_writer();
    void commit_batch(std::vector<write_job>& batch);

    std::filesystem::path data_dir_;
    std::chrono::milliseconds commit_delay_;

    std::mutex queue_mutex_;
    std::condition_variable queue_cv_;
    std::deque<write_job> queue_;
    bool stopping_ = false;
    std::atomic<bool> healthy_{true};
    std::atomic<std::uint64_t> commits_{0};
    std::atomic<std::uint64_t> jobs_committed_{0};
    std::vector<std::pair<std::uint64_t, std::function<void()>>> observers_;
    std::uint64_t next_observer_ = 1;
    std::mutex observers_mutex_;  // held while observers run
    std::mutex runner_mutex_;     // held while completions are handed over
    std::function<void(std::function<void()>)> runner_;
    std::unique_ptr<connection> writer_conn_;
    std::thread writer_;

    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<connection>> idle_readers_;
};

}  // namespace inspel::schema
