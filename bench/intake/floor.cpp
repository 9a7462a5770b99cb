// What one submission costs without HTTP (issue 4): the floor under the intake benchmark.
//
//   taskset -c 0 build/bench/intake_floor --bodies FILE [--items N] [--in-flight N] [--ceiling REQ_PER_S [--peer REQ_PER_S]]
//
// FILE holds one JSON request body per line (bench/intake/run.sh makes it from real texts). On the
// calling thread and the database's writer, which the caller pins to one core as the server is
// pinned in run.sh, it measures per submission:
//   check  the I/O thread's half: parse, validate, NFC, find and redact personal data (from_json,
//          validate), as the server runs it for every POST;
//   store  the writer's half: ingest::intake::submit with N submissions in flight, the real group
//          commit (one transaction and one fsync per group), routing and the outbox row included;
//   insert the least SQLite can do for the same durability: the submission row and its outbox row,
//          prepared once, 48 to a transaction (the group size the server reaches under load).
// No index runs: search catches up later, so it is no part of the 201.
//
// With --ceiling (GET /healthz answered per second on the same core, as run.sh measures it) and
// --peer (the fastify peer's accepted submissions per second), it also prints the time per
// submission that the targets "40 % of the ceiling" and "10 x the peer" leave, against the least a
// submission can take (HTTP as the ceiling costs it, the checks, the bare insert) and what it takes.
#include "ingest/intake.hpp"
#include "schema/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

using namespace inspel;
using clock_type = std::chrono::steady_clock;

namespace {

double us_per_item(clock_type::time_point start, std::size_t items) {
    return std::chrono::duration<double, std::micro>(clock_type::now() - start).count() / static_cast<double>(items);
}

ingest::submission checked(const std::string& body) {
    auto result = ingest::validate(ingest::from_json(body), ingest::channel::api);
    if (auto* item = std::get_if<ingest::submission>(&result)) return std::move(*item);
    throw std::runtime_error("a request body is invalid (field '" + std::get<std::vector<ingest::field_error>>(result).front().field + "')");
}

}  // namespace

int main(int argc, char** argv) {
    std::string bodies_file;
    std::size_t items = 30000, in_flight = 64;
    double ceiling = 0, peer = 0;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&] {
            if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
            return std::string(argv[++i]);
        };
        if (a == "--bodies") bodies_file = value();
        else if (a == "--items") items = std::stoul(value());
        else if (a == "--in-flight") in_flight = std::stoul(value());
        else if (a == "--ceiling") ceiling = std::stod(value());
        else if (a == "--peer") peer = std::stod(value());
        else {
            std::cerr << "usage: intake_floor --bodies FILE [--items N] [--in-flight N] [--ceiling REQ_PER_S [--peer REQ_PER_S]]\n";
            return 2;
        }
    }
    std::vector<std::string> bodies;
    std::ifstream in(bodies_file);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) bodies.push_back(line);
    if (bodies.empty() || items == 0 || in_flight == 0) {
        std::cerr << "intake_floor: no request bodies in '" << bodies_file << "' (or --items/--in-flight 0)\n";
        return 2;
    }

    // check: the I/O thread's half, over the same bodies the load sends.
    std::vector<ingest::submission> ready;
    ready.reserve(items);
    auto start = clock_type::now();
    for (std::size_t i = 0; i < items; ++i) ready.push_back(checked(bodies[i % bodies.size()]));
    double check_us = us_per_item(start, items);

    test::temp_dir dir;
    double store_us = 0, insert_us = 0;
    std::uint64_t commits = 0;
    {
        std::filesystem::create_directories(dir.path() / "store");
        schema::migrate(dir.path() / "store");
        schema::database db(dir.path() / "store");
        ingest::intake intake(db);
        std::mutex m;
        std::condition_variable cv;
        std::size_t outstanding = 0, created = 0;
        start = clock_type::now();
        for (auto& item : ready) {
            {
                std::unique_lock lock(m);
                cv.wait(lock, [&] { return outstanding < in_flight; });
                ++outstanding;
            }
            intake.submit(std::move(item), std::nullopt, [&](ingest::outcome o) {
                std::lock_guard lock(m);
                --outstanding;
                if (o.result == ingest::outcome::status::created) ++created;
                cv.notify_all();
            });
        }
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return outstanding == 0; });
        store_us = us_per_item(start, items);
        commits = db.commits();
        if (created != items) {
            std::cerr << "intake_floor: " << items - created << " submissions were not created\n";
            return 1;
        }
    }
    {
        std::filesystem::create_directories(dir.path() / "insert");
        schema::migrate(dir.path() / "insert");
        schema::database db(dir.path() / "insert");
        constexpr std::size_t group = 48;
        std::size_t receipt = 0;
        const std::string at = "2026-12-07T10:00:00.000Z";
        start = clock_type::now();
        for (std::size_t done = 0; done < items; done += group) {
            db.write_and_wait([&](schema::connection& c) {
                auto ins = c.cached(
                    "INSERT INTO submissions (receipt, kind, title, title_redacted, body, body_redacted, language, "
                    "personal_data, channel, status, received_at, updated_at, routing_outcome) "
                    "VALUES (?, 'feedback', NULL, NULL, ?, ?, 'sv', '[]', 'api', 'received', ?, ?, 'no_dialogue')");
                auto out = c.cached("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, ?)");
                for (std::size_t i = done; i < std::min(items, done + group); ++i) {
                    const auto& body = bodies[i % bodies.size()];
                    ins.reset();
                    ins.bind(1, "FLOOR-" + std::to_string(receipt++)).bind(2, body).bind(3, body).bind(4, at).bind(5, at);
                    ins.run();
                    out.reset();
                    out.bind(1, c.last_insert_rowid()).bind(2, at).run();
                }
            });
        }
        insert_us = us_per_item(start, items);
    }

    std::printf("per submission, %zu submissions, one core:\n", items);
    std::printf("  check  (parse, validate, NFC, personal data)        %8.1f us   %8.0f/s\n", check_us, 1e6 / check_us);
    std::printf("  store  (intake::submit, %zu in flight, %.1f per commit) %8.1f us   %8.0f/s\n", in_flight,
                static_cast<double>(items) / static_cast<double>(commits ? commits : 1), store_us, 1e6 / store_us);
    std::printf("  insert (bare row + outbox row, 48 per commit)        %8.1f us   %8.0f/s\n", insert_us, 1e6 / insert_us);
    if (ceiling > 0) {
        // The least a submission can take: HTTP as GET /healthz costs it, the checks, the bare insert.
        double http_us = 1e6 / ceiling;
        double least_us = http_us + check_us + insert_us, now_us = http_us + check_us + store_us;
        double budget_us = 1e6 / (0.4 * ceiling);
        std::printf("time per submission on one core that a target leaves, against what it takes:\n");
        std::printf("  40 %% of the ceiling (%.0f/s)         %8.1f us\n", ceiling, budget_us);
        if (peer > 0) {
            std::printf("  10 x the peer (%.0f/s)                %8.1f us\n", peer, 1e6 / (10 * peer));
            budget_us = std::min(budget_us, 1e6 / (10 * peer));
        }
        std::printf("  the least: HTTP %.1f + check %.1f + bare insert %.1f = %.1f us (%.1fx the tighter target)\n",
                    http_us, check_us, insert_us, least_us, least_us / budget_us);
        std::printf("  today:     HTTP %.1f + check %.1f + store %.1f = %.1f us (%.1fx)\n", http_us, check_us, store_us,
                    now_us, now_us / budget_us);
    }
    return 0;
}
