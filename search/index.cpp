#include "search/index.hpp"

#include "common/log.hpp"
#include "search/document.hpp"
#include "search/searcher.hpp"
#include "search/terms.hpp"

#include <xapian.h>

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <set>
#include <thread>

namespace inspel::search {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t batch_size = 2000;
constexpr int indexer_nice = 10;

fs::path current_link(const fs::path& dir) { return dir / "current"; }

// Makes DATA/index/current point at a database, creating generation 1 on first use. A DATA/index
// that is itself a Xapian database (from before generations) is moved into gen-000001.
fs::path prepare_layout(const fs::path& dir) {
    fs::create_directories(dir);
    auto link = current_link(dir);
    if (!fs::exists(link)) {
        auto first = dir / "gen-000001";
        fs::create_directories(first);
        fs::create_directory_symlink(first.filename(), link);
    }
    return link;
}

std::string next_generation_name(const fs::path& dir) {
    int highest = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        auto name = e.path().filename().string();
        if (name.rfind("gen-", 0) == 0) highest = std::max(highest, std::atoi(name.c_str() + 4));
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "gen-%06d", highest + 1);
    return buf;
}

}  // namespace

struct index::reader_lease {
    explicit reader_lease(index& i) : owner(i) {
        {
            std::lock_guard lock(owner.readers_mutex_);
            if (!owner.idle_readers_.empty()) {
                db = std::move(owner.idle_readers_.back().first);
                seen = owner.idle_readers_.back().second;
                owner.idle_readers_.pop_back();
            }
        }
        std::uint64_t now = owner.generation_.load();
        if (!db) {
            db = std::make_unique<Xapian::Database>(current_link(owner.dir_).string());
        } else if (seen != now) {
            db->reopen();
        }
        seen = now;
    }
    ~reader_lease() {
        std::lock_guard lock(owner.readers_mutex_);
        owner.idle_readers_.emplace_back(std::move(db), seen);
    }
    index& owner;
    std::unique_ptr<Xapian::Database> db;
    std::uint64_t seen = 0;
};

index::index(const fs::path& data_dir, schema::database& db) : dir_(data_dir / "index"), db_(db) {
    auto link = prepare_layout(dir_);
    try {
        writer_ = std::make_unique<Xapian::WritableDatabase>(link.string(), Xapian::DB_CREATE_OR_OPEN);
    } catch (const Xapian::DatabaseLockError&) {
        throw std::runtime_error("the search index in " + dir_.string() +
                                 " is in use by another Inspel process (a server or a reindex)");
    }
    upgrade_format();
    facets_.load(*writer_);
    thread_ = std::thread([this] { run_indexer(); });
    subscription_ = db_.on_commit([this] { notify(); });
}

// An index built by another version of document.cpp is brought up to date by queueing every item
// for the indexer, so the server keeps answering (old documents stay findable until replaced).
// The queue is committed before the index records its new format: a crash in between only queues
// everything once more.
void index::upgrade_format() {
    if (writer_->get_metadata(format_key) == format) return;
    if (writer_->get_doccount() > 0) {
        db_.write_and_wait([](schema::connection& c) {
            c.exec("INSERT INTO index_outbox (submission_id, enqueued_at) "
                   "SELECT id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM submissions ORDER BY id");
        });
        log::info("index_format_upgrade", {{"to", std::string(format)}, {"documents", writer_->get_doccount()}});
    }
    writer_->set_metadata(format_key, std::string(format));
    writer_->commit();
}

index::~index() { stop(); }

void index::notify() {
    std::lock_guard lock(mutex_);
    pending_ = true;
    wake_.notify_one();
}

void index::stop() {
    if (subscription_) db_.unsubscribe(std::exchange(subscription_, 0));
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    if (writer_) {
        try {
            writer_->close();
        } catch (const Xapian::Error& e) {
            log::error("index_close_failed", {{"what", e.get_msg()}});
        }
        writer_.reset();
    }
}

bool index::ready() const { return healthy_ && writer_ && thread_.joinable() && ::access(dir_.c_str(), W_OK) == 0; }

void index::run_indexer() {
    pthread_setname_np(pthread_self(), "inspel-indexer");
    // Indexing is catch-up work: when the CPU is short, residents' submissions and officials'
    // searches go first, and the index catches up as soon as the load eases (Linux applies the
    // nice value per thread).
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), indexer_nice);
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            // The timeout is a safety net: a missed wake-up costs at most a second.
            wake_.wait_for(lock, std::chrono::seconds(1), [&] { return pending_ || stopping_; });
            if (stopping_) return;
            pending_ = false;
        }
        try {
            while (drain_once()) {
                std::lock_guard lock(mutex_);
                if (stopping_) return;
            }
            healthy_ = true;
        } catch (const std::exception& e) {
            // Leave the rows in the outbox; the next wake-up retries them.
            healthy_ = false;
            log::error("indexing_failed", {{"what", e.what()}});
        } catch (const Xapian::Error& e) {
            healthy_ = false;
            log::error("indexing_failed", {{"what", e.get_description()}});
        }
        caught_up_.notify_all();
    }
}

// Indexes one batch from the outbox. Returns true when it did something (there may be more).
bool index::drain_once() {
    std::vector<std::int64_t> outbox_ids;
    std::vector<std::pair<std::int64_t, std::optional<indexed_item>>> items;
    db_.read([&](schema::connection& c) {
        c.exec("BEGIN");
        try {
            auto st = c.cached("SELECT id, submission_id FROM index_outbox ORDER BY id LIMIT ?");
            st.bind(1, static_cast<std::int64_t>(batch_size));
            std::set<std::int64_t> seen;
            while (st.step()) {
                outbox_ids.push_back(st.int64(0));
                if (seen.insert(st.int64(1)).second) items.emplace_back(st.int64(1), std::nullopt);
            }
            std::vector<std::int64_t> wanted;
            for (const auto& [id, item] : items) wanted.push_back(id);
            auto rows = load_items(c, wanted);
            for (auto& [id, item] : items)
                if (auto row = rows.find(id); row != rows.end()) item = std::move(row->second);
            c.exec("COMMIT");
        } catch (...) {
            c.exec("ROLLBACK");
            throw;
        }
    });
    if (outbox_ids.empty()) return false;

    Xapian::TermGenerator tg;
    tg.set_database(*writer_);
    tg.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
    std::vector<std::pair<Xapian::docid, std::string>> facet_values;
    for (const auto& [id, item] : items) {
        if (item) {
            Xapian::Document doc = build_document(*item, tg);
            Xapian::docid docid = writer_->replace_document(id_term(id), doc);
            facet_values.emplace_back(docid, doc.get_value(slot::facets));
        } else {
            writer_->delete_document(id_term(id));
        }
    }
    writer_->commit();
    // The facet table first: a reader that sees this commit finds its documents' facets.
    facets_.update(facet_values);
    ++generation_;
    // Only now, with Xapian durable, forget the jobs. Ids only grow, so "up to the last" is exact.
    std::int64_t last = outbox_ids.back();
    db_.write_and_wait([last](schema::connection& c) {
        c.cached("DELETE FROM index_outbox WHERE id <= ?").bind(1, last).run();
    });
    return true;
}

bool index::wait_until_caught_up(std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (outbox_backlog() == 0) return true;
        notify();
        std::unique_lock lock(mutex_);
        caught_up_.wait_for(lock, std::chrono::milliseconds(20));
    }
    return outbox_backlog() == 0;
}

std::uint64_t index::outbox_backlog() {
    return db_.read([](schema::connection& c) {
        auto st = c.prepare("SELECT count(*) FROM index_outbox");
        st.step();
        return static_cast<std::uint64_t>(st.int64(0));
    });
}

std::uint64_t index::documents() {
    reader_lease r(*this);
    return r.db->get_doccount();
}

query_result index::search(const query_request& request) {
    reader_lease r(*this);
    return run_query(*r.db, facets_, request, [this](const std::vector<std::int64_t>& ids) {
        return db_.read([&](schema::connection& c) { return load_items(c, ids); });
    });
}

std::vector<std::int64_t> index::matching_ids(const query_request& request, std::size_t limit) {
    reader_lease r(*this);
    return match_ids(*r.db, request, limit);
}

namespace {

// One of the rebuild's builders: indexes the chunks of items dealt to it into a shard of its own.
class shard_builder {
public:
    // A shard is scratch until the merge, so its commits skip fsync; the merged generation is what
    // must be durable.
    explicit shard_builder(const fs::path& path)
        : out_(path.string(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC) {
        out_.set_metadata(format_key, std::string(format));
        tg_.set_database(out_);
        tg_.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
        thread_ = std::thread([this] { run(); });
    }
    // Without finish() (the reading failed): drops what is queued and stops.
    ~shard_builder() {
        {
            std::lock_guard lock(mutex_);
            queue_.clear();
        }
        stop();
    }

    // Blocks while the builder is two chunks behind, so reading never runs far ahead of indexing.
    void give(std::vector<indexed_item> chunk) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return queue_.size() < 2 || failure_; });
        if (failure_) std::rethrow_exception(failure_);
        queue_.push_back(std::move(chunk));
        changed_.notify_all();
    }
    // Waits until every chunk is indexed and committed; rethrows what went wrong in the builder.
    void finish() {
        stop();
        if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    }

private:
    void stop() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
            changed_.notify_all();
        }
        if (thread_.joinable()) thread_.join();
    }

    void run() {
        try {
            for (;;) {
                std::vector<indexed_item> chunk;
                {
                    std::unique_lock lock(mutex_);
                    changed_.wait(lock, [&] { return !queue_.empty() || done_; });
                    if (queue_.empty()) break;
                    chunk = std::move(queue_.front());
                    queue_.pop_front();
                    changed_.notify_all();
                }
                for (const auto& item : chunk) {
                    out_.add_document(build_document(item, tg_));
                    // Xapian buffers 10,000 documents by default; its in-memory posting maps then
                    // outgrow the caches. Flushing every 2,000 indexed 50k items 23% faster in a
                    // quarter of the memory (docs/BENCHMARKS.md, Search, 2026-12-07).
                    if (++buffered_ == flush_every) {
                        out_.commit();
                        buffered_ = 0;
                    }
                }
            }
            out_.commit();
            out_.close();
        } catch (...) {
            std::lock_guard lock(mutex_);
            failure_ = std::current_exception();
            changed_.notify_all();
        }
    }

    static constexpr std::size_t flush_every = 2000;
    Xapian::WritableDatabase out_;
    Xapian::TermGenerator tg_;
    std::size_t buffered_ = 0;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<indexed_item>> queue_;
    bool done_ = false;
    std::exception_ptr failure_;
    std::thread thread_;
};

unsigned usable_cores() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
}

}  // namespace

std::uint64_t rebuild(const fs::path& data_dir, schema::database& db, unsigned builders) {
    fs::path dir = data_dir / "index";
    auto link = prepare_layout(dir);
    // Holding the live index's lock keeps a server from starting (and tells us none runs).
    std::unique_ptr<Xapian::WritableDatabase> live;
    try {
        live = std::make_unique<Xapian::WritableDatabase>(link.string(), Xapian::DB_CREATE_OR_OPEN);
    } catch (const Xapian::DatabaseLockError&) {
        throw std::runtime_error("the search index is in use: stop the Inspel server before reindexing");
    }
    fs::path old_target = fs::read_symlink(link);
    std::string name = next_generation_name(dir);
    fs::path fresh = dir / name;
    if (builders == 0) builders = std::min(usable_cores(), 8u);
    std::vector<fs::path> shards;
    for (unsigned i = 0; i < builders; ++i) shards.push_back(dir / (name + ".shard-" + std::to_string(i)));
    // Shards of a failed rebuild are not left behind; the live index was never touched.
    struct remove_shards {
        const std::vector<fs::path>& paths;
        ~remove_shards() {
            std::error_code ec;
            for (const auto& p : paths) fs::remove_all(p, ec);
        }
    } cleanup{shards};

    // Items are read on this thread in id order, in one read transaction (the items and the
    // outbox high-water mark are one snapshot), and dealt out in chunks to one builder per core.
    // Chunks of consecutive items dealt in turn also mix old and new items in every shard.
    constexpr std::size_t chunk_size = 500;
    std::uint64_t count = 0;
    std::int64_t outbox_high = 0;
    {
        std::vector<std::unique_ptr<shard_builder>> workers;
        for (const auto& p : shards) workers.push_back(std::make_unique<shard_builder>(p));
        std::vector<indexed_item> chunk;
        std::size_t next = 0;
        db.read([&](schema::connection& c) {
            c.exec("BEGIN");
            try {
                auto st = c.prepare("SELECT coalesce(max(id), 0) FROM index_outbox");
                st.step();
                outbox_high = st.int64(0);
                for_each_item(c, [&](const indexed_item& item) {
                    chunk.push_back(item);
                    ++count;
                    if (chunk.size() == chunk_size) workers[next++ % workers.size()]->give(std::exchange(chunk, {}));
                });
                c.exec("COMMIT");
            } catch (...) {
                c.exec("ROLLBACK");
                throw;
            }
        });
        if (!chunk.empty()) workers[next % workers.size()]->give(std::move(chunk));
        for (auto& w : workers) w->finish();
    }
    // The shards become the new generation in one pass, which also packs its tables full.
    try {
        Xapian::Database all;
        for (const auto& p : shards) all.add_database(Xapian::Database(p.string()));
        all.compact(fresh.string());
    } catch (...) {
        std::error_code ec;
        fs::remove_all(fresh, ec);  // e.g. a full disk: leave no half generation behind
        throw;
    }
    // The swap: a new symlink renamed over the old one is atomic.
    fs::path tmp = dir / "current.tmp";
    fs::remove(tmp);
    fs::create_directory_symlink(name, tmp);
    fs::rename(tmp, link);
    live->close();
    live.reset();
    std::error_code ec;
    fs::remove_all(dir / old_target, ec);
    // Everything queued before the snapshot is in the new index.
    db.write_and_wait([outbox_high](schema::connection& c) {
        c.prepare("DELETE FROM index_outbox WHERE id <= ?").bind(1, outbox_high).run();
    });
    return count;
}

}  // namespace inspel::search
