// The officials' workspace: where residents' input becomes decision material and gets its answer.
//
// Design
// ------
// The parts, each a pair of files:
//   workflow    the status machine of one item (pure: which step may follow which)
//   calendar    Swedish working days, for deadlines (pure)
//   items       reading one item whole; status, assignment, notes, the answer (on the writer)
//   tags        the vocabulary and set-based bulk tagging
//   deadlines   overdue items against the per-kind promises in the config
//   personal_data  finding, exporting and anonymising a person's data; the retention rule
//   mail        the outgoing mail queue and its sender
// and this file, which runs the two things that happen without a request: the mail sender and
// the daily retention run.
//
// Invariants, shared with the rest of Inspel (docs/ARCHITECTURE.md):
//   - Every change an official makes is one write_job on the single writer: the change, its audit
//     row(s) and its search-outbox row(s) commit together. A refused request changes nothing.
//   - Personal data is read only by officials and admins, and each look at it is audited. It never
//     reaches the index (which is fed the redacted text), logs, or the audit details.
//   - An answer that was acknowledged is on disk, and so is its mail; the mail is retried until it
//     is delivered (or its recipient's data is erased).
// HTTP lives in server/handlers/workspace.cpp, which only translates.
#pragma once

#include "config/config.hpp"
#include "schema/database.hpp"
#include "workspace/deadlines.hpp"
#include "workspace/mail.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace inspel::workspace {

deadline_rules rules_of(const config::settings& s);

// The work the server does on its own: mail delivery and, once a day, the retention rule.
class background {
public:
    background(schema::database& db, const config::settings& settings);
    ~background();
    background(const background&) = delete;
    background& operator=(const background&) = delete;

    mail_sender& mail() { return mail_; }
    // Stops both; call before the database stops. Idempotent.
    void stop();
    std::uint64_t retention_runs() const { return retention_runs_.load(); }

    // The first retention run comes this long after start, then one a day.
    static constexpr std::chrono::minutes first_retention_run{1};

private:
    void run_retention();

    schema::database& db_;
    std::map<std::string, int> retention_months_;
    mail_sender mail_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> retention_runs_{0};
    std::thread retention_;
};

}  // namespace inspel::workspace
