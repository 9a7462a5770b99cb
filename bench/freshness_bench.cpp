// Freshness under load (issue 6): how long after its 201 a new submission can be found by search,
// while intake runs at full speed.
//
//   build/bench/freshness_bench [--seconds 30] [--connections 64] [--rate R] [--probes-per-second 5]
//                               [--pin] [--inspel BINARY] [--data DIR]
//
// Starts the real `inspel serve` on a fresh data directory (per-client rate limit off), and wrk
// POSTing real texts (bench/intake/make_bodies.py over DIR, default ../shared/data, else the seeds;
// bench/intake/post.lua) over many keep-alive connections for the given seconds: as fast as the
// server takes them, or about R per second with --rate R. Meanwhile it
// POSTs probes, each a submission carrying a made-up word of its own, and asks the search API for
// the outstanding probes' words every 50 ms; a probe's freshness is the time from its 201 to the
// first search that finds it. After the load it keeps asking until every probe is found (or two
// minutes pass; a probe never found counts as missing).
//
// Without --pin the server, wrk and this client share all cores, as on a server a municipality
// runs; with --pin the server gets core 0 and the load core 1, as in bench/intake/run.sh.
#include "bench/support.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include <unistd.h>

using namespace inspel;
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

double ms_between(clock_type::time_point a, clock_type::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// A word no text contains: letters only, so every analyser keeps it whole.
std::string made_up_word(std::mt19937_64& random) {
    std::string w = "sondq";
    for (int i = 0; i < 8; ++i) w += static_cast<char>('a' + random() % 26);
    return w;
}

// CPU seconds the process's threads have used, split into its indexer thread and all the others
// (the I/O threads and the writer: intake, plus the probes' searches), from /proc.
struct cpu_split {
    double indexer = 0, others = 0;
};
cpu_split cpu_of(int pid) {
    cpu_split out;
    double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream stat(task.path() / "stat");
        std::string line;
        std::getline(stat, line);
        auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        // After "pid (comm)": state is field 3, utime field 14, stime field 15.
        std::istringstream rest(line.substr(close + 2));
        std::string field;
        double utime = 0, stime = 0;
        for (int n = 3; n <= 15 && rest >> field; ++n) {
            if (n == 14) utime = std::stod(field);
            if (n == 15) stime = std::stod(field);
        }
        std::string comm;
        std::getline(std::ifstream(task.path() / "comm"), comm);
        (comm == "inspel-indexer" ? out.indexer : out.others) += (utime + stime) / tick;
    }
    return out;
}

std::string field_of(const std::string& text, const std::string& key) {
    auto at = text.find(" " + key + "=");
    if (at == std::string::npos) return "0";
    at += key.size() + 2;
    return text.substr(at, text.find(' ', at) - at);
}

}  // namespace

int main(int argc, char** argv) {
    int seconds = 30, connections = 64;
    double rate = 0;
    double probes_per_second = 5;
    bool pin = false;
    std::string binary = INSPEL_BINARY;
    fs::path data = INSPEL_SOURCE_DIR "/../shared/data";
    if (!fs::exists(data)) data = INSPEL_SOURCE_DIR "/../shared/seeds";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        bool has_value = i + 1 < argc;
        if (a == "--pin") pin = true;
        else if (a == "--seconds" && has_value) seconds = std::stoi(argv[++i]);
        else if (a == "--connections" && has_value) connections = std::stoi(argv[++i]);
        else if (a == "--rate" && has_value) rate = std::stod(argv[++i]);
        else if (a == "--probes-per-second" && has_value) probes_per_second = std::stod(argv[++i]);
        else if (a == "--inspel" && has_value) binary = argv[++i];
        else if (a == "--data" && has_value) data = argv[++i];
        else {
            std::cerr << "usage: freshness_bench [--seconds S] [--connections N] [--probes-per-second P] [--pin] "
                         "[--rate R] [--inspel BINARY] [--data DIR]\n";
            return 2;
        }
    }

    test::temp_dir work;
    auto bodies = test::run("/usr/bin/python3", {INSPEL_SOURCE_DIR "/bench/intake/make_bodies.py", data.string(), "2000"});
    if (bodies.status != 0) throw std::runtime_error("make_bodies.py failed: " + bodies.err);
    std::ofstream(work.path() / "bodies.jsonl") << bodies.out;
    fs::create_directories(work.path() / "data");
    std::string token = bench::official_token(binary, work.path() / "data");

    std::vector<std::string> serve = {binary, "serve", "--listen", "127.0.0.1:0", "--data", (work.path() / "data").string()};
    if (pin) serve.insert(serve.begin(), {"-c", "0"});
    test::process server(pin ? "/usr/bin/taskset" : binary, pin ? serve : std::vector<std::string>(serve.begin() + 1, serve.end()),
                         {{"INSPEL_RATE_LIMIT", "0"}});
    auto port = server.wait_for_port(std::chrono::seconds(60));
    server.drain_in_background();
    if (pin) bench::pin_to_cpu(1);

    std::string url = "http://127.0.0.1:" + std::to_string(port);
    std::vector<std::string> wrk_args = {"-t1", "-c" + std::to_string(connections), "-d" + std::to_string(seconds) + "s",
                                         "--timeout", "10s", "--latency", "-s", INSPEL_SOURCE_DIR "/bench/intake/post.lua",
                                         url, "--", "post", (work.path() / "bodies.jsonl").string(),
                                         std::to_string(rate > 0 ? static_cast<long>(connections * 1000 / rate) : 0)};
    if (pin) wrk_args.insert(wrk_args.begin(), {"-c", "1", "/usr/bin/wrk"});
    test::process wrk(pin ? "/usr/bin/taskset" : "/usr/bin/wrk", wrk_args);
    wrk.drain_in_background();

    test::http_client submitter(port), searcher(port);
    std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + token}};
    std::mt19937_64 random(2026);
    struct probe {
        std::string word;
        clock_type::time_point accepted;
    };
    std::map<std::int64_t, probe> outstanding;  // item id -> probe
    std::vector<double> freshness_ms;
    std::size_t sent = 0;

    auto ask = [&] {
        if (outstanding.empty()) return;
        std::string q;
        std::size_t asked = 0;
        for (const auto& [id, p] : outstanding) {
            if (asked++ == 100) break;  // a page holds 100
            q += (q.empty() ? "" : " OR ") + p.word;
        }
        auto res = searcher.get("/api/v1/search?page_size=100&q=" + bench::url_encode(q), auth);
        auto now = clock_type::now();
        if (res.result_int() != 200) throw std::runtime_error("search answered " + std::to_string(res.result_int()) + ": " + res.body());
        auto found_items = test::json_of(res);  // kept: a range-for over a temporary's member dangles
        for (const auto& item : found_items["items"]) {
            auto found = outstanding.find(item["id"].get<std::int64_t>());
            if (found == outstanding.end()) continue;
            freshness_ms.push_back(ms_between(found->second.accepted, now));
            outstanding.erase(found);
        }
    };

    auto start = clock_type::now(), load_ends = start + std::chrono::seconds(seconds);
    auto next_probe = start + std::chrono::milliseconds(500);  // let wrk reach full speed first
    auto probe_gap = std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(1.0 / probes_per_second));
    while (clock_type::now() < load_ends) {
        if (clock_type::now() >= next_probe) {
            std::string word = made_up_word(random);
            auto res = submitter.post_json("/api/v1/submissions", {{"kind", "feedback"},
                                                                   {"feedback_type", "idea"},
                                                                   {"body", "Ett förslag om parken, märkt " + word + "."}});
            auto accepted = clock_type::now();
            if (res.result_int() != 201) throw std::runtime_error("a probe got " + std::to_string(res.result_int()) + ": " + res.body());
            outstanding[test::json_of(res)["id"].get<std::int64_t>()] = {word, accepted};
            ++sent;
            next_probe += probe_gap;
        }
        ask();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto status = wrk.wait(std::chrono::seconds(30));
    std::string wrk_out = wrk.stdout_text();
    auto give_up = clock_type::now() + std::chrono::minutes(2);
    while (!outstanding.empty() && clock_type::now() < give_up) {
        ask();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto metrics = test::http_client(port).get("/metrics").body();
    // What indexing costs next to intake: once the index has caught up, every submission has had
    // both, so the two shares of the server's CPU divide by the same count.
    auto backlog_of = [&](const std::string& text) {
        auto at = text.find("\ninspel_index_outbox_backlog ");
        if (at == std::string::npos) return std::string("?");
        auto line = text.substr(at + 1, text.find('\n', at + 1) - at - 1);
        return line.substr(line.find(' ') + 1);
    };
    std::string backlog_after_load = backlog_of(metrics);
    for (auto until = clock_type::now() + std::chrono::minutes(3); backlog_of(metrics) != "0" && clock_type::now() < until;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        metrics = test::http_client(port).get("/metrics").body();
    }
    bool caught_up = backlog_of(metrics) == "0";
    cpu_split cpu = cpu_of(server.pid());
    server.signal(SIGTERM);
    server.wait(std::chrono::seconds(30));

    auto result = wrk_out.substr(std::min(wrk_out.size(), wrk_out.find("RESULT")));
    double accepted = std::stod(field_of(result, "accepted")), duration_us = std::stod(field_of(result, "duration_us"));
    auto f = bench::summarise(freshness_ms);
    std::printf("freshness under load: wrk -c%d for %d s, %s%s, texts from %s\n", connections, seconds,
                rate > 0 ? ("about " + std::to_string(static_cast<long>(rate)) + " POSTs/s").c_str() : "as fast as it goes",
                pin ? " (server on core 0, load on core 1)" : " (all cores shared)", data.c_str());
    std::printf("intake during the load: %.0f accepted/s (wrk exit %d)\n", duration_us > 0 ? accepted / (duration_us / 1e6) : 0.0,
                status.value_or(-1));
    std::printf("probes: %zu sent, %zu found, %zu never found\n", sent, freshness_ms.size(), outstanding.size());
    std::printf("freshness (201 -> findable): p50 %.0f ms, p99 %.0f ms, max %.0f ms, mean %.0f ms\n", f.p50, f.p99, f.max, f.mean);
    std::printf("index backlog when every probe was found: %s\n", backlog_after_load.c_str());
    if (caught_up && accepted > 0) {
        double items = accepted + static_cast<double>(sent);
        double intake_us = cpu.others * 1e6 / items, index_us = cpu.indexer * 1e6 / items;
        unsigned cores = std::thread::hardware_concurrency();
        std::printf("server CPU per submission: intake %.0f us (every thread but the indexer), indexing %.0f us (%.1fx intake)\n",
                    intake_us, index_us, index_us / intake_us);
        std::printf("so with %u cores and nothing else running, the index keeps up with at most %.0f submissions/s\n", cores,
                    cores * 1e6 / (intake_us + index_us));
    } else {
        std::printf("the index did not catch up within three minutes; no CPU figures\n");
    }
    if (status != 0) std::fprintf(stderr, "freshness_bench: wrk failed: %s\n", wrk.stderr_text().c_str());
    return outstanding.empty() && sent > 0 && status == 0 ? 0 : 1;
}
