#include "export/nightly.hpp"

#include "common/log.hpp"
#include "export/files.hpp"

#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

namespace inspel::exporting {

namespace fs = std::filesystem;
using namespace std::chrono;

namespace {

constexpr const char* state_file = ".nightly-last-run";

std::optional<dialogue::day> read_last_run(const fs::path& dir) {
    std::ifstream in(dir / state_file);
    std::string text;
    if (!(in >> text)) return std::nullopt;
    return dialogue::parse_day(text);
}

}  // namespace

nightly_settings nightly_settings_from(const config::settings& s) {
    nightly_settings n;
    n.out_dir = s.export_dir.empty() ? s.data_dir / "exports" : s.export_dir;
    if (!s.export_public_dir.empty()) n.public_dir = s.export_public_dir;
    n.time_zone = s.export_time_zone;
    n.time_of_day = s.export_time;
    return n;
}

nightly::nightly(schema::database& db, nightly_settings settings, clock now)
    : db_(db),
      settings_(std::move(settings)),
      now_(std::move(now)),
      schedule_(time_zone(settings_.time_zone), settings_.time_of_day, read_last_run(settings_.out_dir)) {}

nightly::~nightly() { stop(); }

void nightly::start() {
    std::lock_guard lock(m_);
    if (thread_.joinable() || stopping_) return;
    thread_ = std::thread([this] { loop(); });
}

void nightly::stop() {
    {
        std::lock_guard lock(m_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::optional<dialogue::day> nightly::last_run() const {
    std::lock_guard lock(m_);
    return schedule_.last_run();
}

bool nightly::tick() {
    auto now = now_();
    std::optional<dialogue::day> day;
    {
        std::lock_guard lock(m_);
        if (now < retry_after_) return false;
        day = schedule_.due(now);
    }
    if (!day) return false;
    auto started = steady_clock::now();
    try {
        std::size_t written = 0, unchanged = 0;
        auto one = [&](const fs::path& dir, audience who) {
            fs::create_directories(dir);
            options o;
            o.out_dir = dir;
            o.who = who;
            o.date = *day;
            o.only_changed = true;
            auto done = db_.read([&](schema::connection& c) { return run(c, o); });
            for (const auto& e : done) (e.written ? written : unchanged)++;
        };
        one(settings_.out_dir, audience::internal);
        if (settings_.public_dir) one(*settings_.public_dir, audience::publication);
        write_file(settings_.out_dir / state_file, dialogue::format_day(*day) + "\n");
        {
            std::lock_guard lock(m_);
            schedule_.done(*day);
        }
        ++runs_;
        log::info("export.nightly", {{"date", dialogue::format_day(*day)},
                                     {"written", written},
                                     {"unchanged", unchanged},
                                     {"seconds", duration<double>(steady_clock::now() - started).count()}});
        return true;
    } catch (const std::exception& e) {
        // A full disk or a vanished folder: try again in an hour rather than every minute.
        std::lock_guard lock(m_);
        retry_after_ = now + hours(1);
        log::error("export.nightly_failed", {{"date", dialogue::format_day(*day)}, {"what", e.what()}});
        return false;
    }
}

void nightly::loop() {
    // Residents' submissions come first: on Linux a thread has its own nice value, and this one
    // yields the CPU to the I/O threads and the writer while it compiles. At this priority the
    // export also keeps to this one thread (export.hpp, "Speed"), leaving the other core to intake.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
    while (true) {
        tick();
        std::unique_lock lock(m_);
        // Waking once a minute follows wall-clock jumps and suspends that a single long sleep would miss.
        auto now = now_();
        auto wait = duration_cast<milliseconds>(std::max(schedule_.next(now), retry_after_) - now);
        wait = std::clamp(wait, milliseconds(10), milliseconds(minutes(1)));
        if (cv_.wait_for(lock, wait, [this] { return stopping_; })) return;
    }
}

}  // namespace inspel::exporting
