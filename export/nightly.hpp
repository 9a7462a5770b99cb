// The nightly export inside `inspel serve`: a thread that wakes at least once a minute, asks the
// schedule (schedule.hpp) whether tonight's run is due, and if so exports every dialogue in
// execution or later whose data changed since its latest export, from one read snapshot, to the
// internal folder (and to the public one when configured). The day of the last run is kept in
// OUT/.nightly-last-run, so a restart neither repeats a night nor forgets one it missed.
#pragma once

#include "export/export.hpp"
#include "config/config.hpp"
#include "export/schedule.hpp"
#include "schema/database.hpp"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace inspel::exporting {

struct nightly_settings {
    std::filesystem::path out_dir;                    // internal compilations
    std::optional<std::filesystem::path> public_dir;  // public compilations, when wanted
    std::string time_zone = "Europe/Stockholm";
    std::chrono::minutes time_of_day{120};
};

// The nightly's settings from Inspel's: the internal folder defaults to DATA/exports.
nightly_settings nightly_settings_from(const config::settings& s);

class nightly {
public:
    using clock = std::function<sys_time()>;

    // Throws std::invalid_argument for an unknown time zone.
    nightly(schema::database& db, nightly_settings settings, clock now = [] { return std::chrono::system_clock::now(); });
    ~nightly();
    nightly(const nightly&) = delete;
    nightly& operator=(const nightly&) = delete;

    // Starts the thread; stop() (or the destructor) ends it, waiting for a run in progress.
    void start();
    void stop();

    // Runs tonight's export if it is due by the clock; true when it ran. The thread calls this; tests
    // call it directly with a fake clock.
    bool tick();

    std::uint64_t runs() const { return runs_.load(); }
    std::optional<dialogue::day> last_run() const;
    const std::filesystem::path& out_dir() const { return settings_.out_dir; }

private:
    void loop();

    schema::database& db_;
    nightly_settings settings_;
    clock now_;
    mutable std::mutex m_;
    nightly_schedule schedule_;
    sys_time retry_after_{};
    std::atomic<std::uint64_t> runs_{0};
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace inspel::exporting
