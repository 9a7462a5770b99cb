#include "database.hpp"

#include <pthread.h>

#include <string>

namespace inspel::schema {
namespace {

int user_version(connection& c) {
    auto st = c.prepare("PRAGMA user_version");
    st.step();
    return static_cast<int>(st.int64(0));
}

void configure_writer(connection& c) {
    c.exec("PRAGMA journal_mode=WAL");
    c.exec("PRAGMA synchronous=FULL");
    c.exec("PRAGMA foreign_keys=ON");
    // Intake touches a random leaf of the receipt index per item; with SQLite's default 2 MiB
    // cache those leaves are read from the file again and again once the table outgrows it.
    c.exec("PRAGMA cache_size=-65536");
    // Gives the disk back after a burst, or after a long export's snapshot held checkpoints back.
    c.exec("PRAGMA journal_size_limit=67108864");
}

}  // namespace

int latest_version() {
    auto all = migrations();
    return all.empty() ? 0 : all.back().version;
}

std::filesystem::path database_file(const std::filesystem::path& data_dir) { return data_dir / "inspel.db"; }

migrate_result migrate(const std::filesystem::path& data_dir) {
    connection c(database_file(data_dir), connection::mode::read_write);
    // Read the version before any PRAGMA that writes, so a newer database is left exactly as it was.
    int from = user_version(c);
    if (from > latest_version())
        throw newer_database_error("the database " + database_file(data_dir).string() + " has schema version " +
                                   std::to_string(from) + " but this Inspel knows only up to " +
                                   std::to_string(latest_version()) + "; use a newer Inspel");
    configure_writer(c);
    if (from == latest_version()) return {from, from};
    transaction tx(c);
    for (const auto& m : migrations()) {
        if (m.version <= from) continue;
        try {
            c.exec(m.sql);
        } catch (const sqlite_error& e) {
            throw sqlite_error(e.code, "migration " + std::to_string(m.version) + " (" + m.name + "): " + e.what());
        }
    }
    c.exec("PRAGMA user_version=" + std::to_string(latest_version()));
    tx.commit();
    return {from, latest_version()};
}

database::database(const std::filesystem::path& data_dir, std::chrono::milliseconds commit_delay)
    : data_dir_(data_dir), commit_delay_(commit_delay) {
    migrate(data_dir_);
    writer_conn_ = std::make_unique<connection>(database_file(data_dir_), connection::mode::read_write);
    configure_writer(*writer_conn_);
    writer_ = std::thread([this] { run_writer(); });
}

database::~database() { stop(); }

void database::write(write_job job) {
    {
        std::lock_guard lock(queue_mutex_);
        if (!stopping_) {
            queue_.push_back(std::move(job));
            queue_cv_.notify_one();
            return;
        }
    }
    job.done(std::make_exception_ptr(std::runtime_error("the database is shutting down")));
}

std::uint64_t database::on_commit(std::function<void()> observer) {
    std::lock_guard lock(queue_mutex_);
    observers_.emplace_back(next_observer_, std::move(observer));
    return next_observer_++;
}

void database::unsubscribe(std::uint64_t id) {
    // Taken under the same lock the writer holds while calling observers, so once this returns
    // the observer is not running and never will again.
    std::lock_guard lock(observers_mutex_);
    std::lock_guard qlock(queue_mutex_);
    std::erase_if(observers_, [id](const auto& o) { return o.first == id; });
}

void database::stop() {
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
        queue_cv_.notify_all();
    }
    if (writer_.joinable()) writer_.join();
}

bool database::ready() {
    if (!healthy_ || !writer_.joinable()) return false;
    try {
        return read([](connection& c) {
            auto st = c.prepare("SELECT 1");
            return st.step() && st.int64(0) == 1;
        });
    } catch (const sqlite_error&) {
        return false;
    }
}

void database::run_writer() {
    pthread_setname_np(pthread_self(), "inspel-writer");  // names the thread in top -H and perf
    std::vector<write_job> batch;
    for (;;) {
        {
            std::unique_lock lock(queue_mutex_);
            queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            if (commit_delay_.count() > 0 && !stopping_) {
                lock.unlock();
                std::this_thread::sleep_for(commit_delay_);
                lock.lock();
            }
            // Everything that queued up while the last fsync ran goes into this one transaction.
            batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
            queue_.clear();
        }
        commit_batch(batch);
        batch.clear();
    }
}

void database::commit_batch(std::vector<write_job>& batch) {
    connection& c = *writer_conn_;
    std::vector<std::exception_ptr> failures(batch.size());
    std::exception_ptr batch_failure;
    try {
        transaction tx(c);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            c.cached("SAVEPOINT job").run();
            try {
                batch[i].apply(c);
                c.cached("RELEASE job").run();
            } catch (...) {
                failures[i] = std::current_exception();
                c.cached("ROLLBACK TO job").run();
                c.cached("RELEASE job").run();
            }
        }
        tx.commit();
        healthy_ = true;
    } catch (...) {
        // The COMMIT itself failed (disk full, I/O error): nothing in this batch is durable.
        batch_failure = std::current_exception();
        healthy_ = false;
    }
    if (!batch_failure) {
        ++commits_;
        jobs_committed_ += batch.size();
        std::lock_guard running(observers_mutex_);
        std::vector<std::pair<std::uint64_t, std::function<void()>>> observers;
        {
            std::lock_guard lock(queue_mutex_);
            observers = observers_;
        }
        for (auto& o : observers) o.second();
    }
    std::vector<std::function<void()>> handed;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        std::exception_ptr e = batch_failure ? batch_failure : failures[i];
        if (batch[i].done_on_writer) batch[i].done(e);
        else handed.push_back([done = std::move(batch[i].done), e] { done(e); });
    }
    if (handed.empty()) return;
    auto all = [handed = std::move(handed)] {
        for (const auto& f : handed) f();
    };
    {
        std::lock_guard lock(runner_mutex_);
        if (runner_) return runner_(std::move(all));
    }
    all();
}

void database::run_completions_with(std::function<void(std::function<void()>)> runner) {
    std::lock_guard lock(runner_mutex_);
    runner_ = std::move(runner);
}

database::lease::lease(database& d) : db(d) {
    {
        std::lock_guard lock(db.readers_mutex_);
        if (!db.idle_readers_.empty()) {
            conn = std::move(db.idle_readers_.back());
            db.idle_readers_.pop_back();
            return;
        }
    }
    conn = std::make_unique<connection>(database_file(db.data_dir_), connection::mode::read_only);
    conn->exec("PRAGMA foreign_keys=ON");
    // Reads map the file instead of copying each page in through read(): a reader's own page
    // cache is dropped whenever the writer commits, which under intake is all the time.
    conn->exec("PRAGMA mmap_size=1073741824");
}

database::lease::~lease() {
    std::lock_guard lock(db.readers_mutex_);
    db.idle_readers_.push_back(std::move(conn));
}

}  // namespace inspel::schema
