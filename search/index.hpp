// The search index: Xapian, always in step with SQLite.
//
// SQLite is the source of truth. Every committed change to a submission puts a row in the
// `index_outbox` table in the same transaction. One indexer thread, the only owner of the
// Xapian WritableDatabase, drains the outbox in batches: it reads the items, replaces their
// documents (by unique id term, so a replay never doubles), commits Xapian, and only then deletes
// the outbox rows it handled. A crash anywhere in between leaves the rows in the outbox, and the
// next start replays them: nothing missed, nothing doubled. The indexer is woken by every SQLite
// commit, so an item is findable well within a second of its 201.
//
// On disk: DATA/index/current is a symlink to the live database directory (gen-NNNNNN).
// `inspel reindex` builds a whole new generation beside it and swaps the symlink with one
// rename(2), so readers see either the old index or the new one, never half of one.
//
// Readers borrow a Xapian::Database from a pool and reopen it when the indexer has committed
// since, so searches always see the latest commit without reopening on every query.
#pragma once

#include "schema/database.hpp"
#include "search/facets.hpp"
#include "search/query.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace Xapian {
class Database;
class WritableDatabase;
}  // namespace Xapian

namespace inspel::search {

class index {
public:
    // Opens (or creates) DATA/index and starts the indexer thread, which first replays the outbox
    // and then wakes on every commit of `db`.
    index(const std::filesystem::path& data_dir, schema::database& db);
    ~index();
    index(const index&) = delete;
    index& operator=(const index&) = delete;

    // Wakes the indexer.
    void notify();
    // Open, its directory writable, and the indexer running.
    bool ready() const;
    // Stops the indexer after its current batch. Idempotent.
    void stop();

    // Runs a search; throws query_error for bad syntax. Thread-safe.
    query_result search(const query_request& request);
    // Every matching id, for a bulk action (see searcher.hpp: match_ids). Thread-safe.
    std::vector<std::int64_t> matching_ids(const query_request& request, std::size_t limit);

    // Blocks until the outbox is empty and indexed (tests, benchmarks); false on timeout.
    bool wait_until_caught_up(std::chrono::milliseconds timeout);

    // Documents in the index, and Xapian commits made (for /metrics).
    std::uint64_t documents();
    std::uint64_t commits() const { return generation_.load(); }
    std::uint64_t outbox_backlog();

private:
    struct reader_lease;
    void run_indexer();
    bool drain_once();
    void upgrade_format();

    std::filesystem::path dir_;
    schema::database& db_;
    std::unique_ptr<Xapian::WritableDatabase> writer_;
    std::thread thread_;
    std::uint64_t subscription_ = 0;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = true;  // replay the outbox at start
    bool stopping_ = false;
    std::atomic<bool> healthy_{true};
    std::atomic<std::uint64_t> generation_{0};
    facet_table facets_;  // of every document the indexer has committed
    std::condition_variable caught_up_;

    std::mutex readers_mutex_;
    std::vector<std::pair<std::unique_ptr<Xapian::Database>, std::uint64_t>> idle_readers_;
};

// Rebuilds the whole index from SQLite into a new generation and swaps it in atomically.
// Refuses (throws) while a server holds the index. Returns the number of items indexed.
// `builders` index in parallel (0: one per core this process may use), each into a shard; the
// shards are merged by Xapian's compact, which also leaves the index tightly packed.
std::uint64_t rebuild(const std::filesystem::path& data_dir, schema::database& db, unsigned builders = 0);

}  // namespace inspel::search
