// Export speed and memory, next to the sqlite3 command line dumping the same rows, and intake's
// throughput while an export runs.
//
//   build/bench/export_bench [--items 100000] [--panel 10000] [--big 1000000] [--intake-seconds 10]
//                            [--rounds 3] [--work DIR] [--binary PATH]
//
// 1. A dialogue (the demo's, in execution) gets `items` items, `panel` of them frågepanel responses,
//    made of real Swedish sentences (bench/corpus), with routing outcomes, tags and statuses spread
//    over them, written straight into SQLite.
// 2. The real `inspel export` binary compiles it (all five files); wall time and the child's peak
//    resident memory (wait4's ru_maxrss) are reported. Then `sqlite3 -readonly DB ".mode json"`
//    dumps the same rows and columns (the export's own SELECT) to a file, timed the same way.
// 3. Intake: the real `inspel serve` takes JSON submissions from four keep-alive clients, in
//    `rounds` pairs of windows of `intake-seconds`: alone, then while exports of the dialogue run back
//    to back (at nice 10, as the nightly thread runs inside `serve`). Alternating windows on one
//    server keep a neighbour's load, which comes and goes on a shared machine, from landing on one
//    side only; each window is printed with the load average, and the ratio is over all of them.
// 4. The dialogue grows to `big` items and the machine-readable files alone (--files csv,json) are
//    timed against the sqlite3 JSON dump of the same rows.
// --binary runs another inspel executable (an older build, for a before/after on the same machine).
#include "bench/corpus.hpp"
#include "common/log.hpp"
#include "dialogue/store/store.hpp"
#include "schema/database.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <map>
#include <spawn.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>

extern char** environ;

using namespace inspel;
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

struct measured {
    int status = -1;
    double seconds = 0;
    double peak_mib = 0;
};

// Runs argv with stdout/stderr to /dev/null and `env` added; times it and reads its peak RSS.
measured run_measured(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> copy = argv;
    for (auto& s : copy) args.push_back(s.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    auto start = clock_type::now();
    pid_t pid = 0;
    measured m;
    if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data()) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return m;
    }
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    m.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    m.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    m.peak_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
    return m;
}

std::uint64_t folder_bytes(const fs::path& dir) {
    std::uint64_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) n += e.file_size();
    return n;
}

// The rows and columns the export reads (compilation.cpp, for_each_item), for sqlite3 to dump.
const char* dump_sql =
    "SELECT s.id, s.kind, coalesce(s.feedback_type, ''), s.received_at, coalesce(s.area, ''), s.language, s.status, "
    "coalesce(s.title_redacted, ''), coalesce(s.body_redacted, ''), s.answers_redacted, s.consent_publish, "
    "coalesce(s.routing_outcome, ''), coalesce(s.routing_action, ''), s.routing_score, s.duplicate_of, "
    "(SELECT group_concat(name, char(31)) FROM (SELECT t.name AS name FROM submission_tags st JOIN tags t ON "
    "t.id = st.tag_id WHERE st.submission_id = s.id ORDER BY t.name COLLATE NOCASE, t.id)) AS tags, "
    "s.personal_data, (s.contact_name IS NOT NULL OR s.contact_email IS NOT NULL OR s.contact_phone IS NOT NULL) "
    "FROM submissions s WHERE s.dialogue_id = 1 ORDER BY s.id";

class loader {
public:
    loader(const fs::path& data, const bench::corpus& c) : data_(data), maker_(c, 42), rng_(7) {}

    // Adds `n` items to dialogue 1, `panel` of them frågepanel responses, in one transaction.
    void add(std::int64_t n, std::int64_t panel) {
        schema::connection c(schema::database_file(data_), schema::connection::mode::read_write);
        c.exec("PRAGMA synchronous=OFF");
        c.exec("BEGIN");
        auto ins = c.prepare(
            "INSERT INTO submissions (receipt, kind, feedback_type, title, title_redacted, body, body_redacted, "
            "dialogue_id, area, language, consent_publish, contact_email, answers, answers_redacted, personal_data, "
            "status, received_at, updated_at, routing_outcome, routing_dialogue_id, routing_action, routing_score) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 'sv', ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?)");
        auto tag = c.prepare("INSERT INTO submission_tags (submission_id, tag_id, added_by, added_at) VALUES (?, ?, 'bench', ?)");
        c.exec("INSERT OR IGNORE INTO tags (id, name, dialogue_id, created_by, created_at) VALUES "
               "(1, 'Trygghet', 1, 'bench', '2026-01-01'), (2, 'Belysning', 1, 'bench', '2026-01-01'), "
               "(3, 'Cykelparkering', 1, 'bench', '2026-01-01'), (4, 'Vinterväghållning', 1, 'bench', '2026-01-01')");
        static const char* routings[] = {"in_purpose", "in_purpose", "in_purpose", "outside_purpose", "needs_review", ""};
        static const char* actions[] = {"forward_to_department", "forward_to_feedback", "keep"};
        static const char* statuses[] = {"received", "in_progress", "answered", "closed", "rejected"};
        static const char* often[] = {"Varje dag", "Varje vecka", "Någon gång i månaden", "Sällan eller aldrig"};
        static const char* strak[] = {"Centrum – stationen", "Norr – centrum", "Söder – centrum", "Längs ån", "Till skolorna"};
        for (std::int64_t i = 0; i < n; ++i) {
            auto it = maker_.next();
            bool is_panel = panel > 0 && panel_added_ < panel && i % std::max<std::int64_t>(n / panel, 1) == 0;
            std::string kind = is_panel ? "panel_response" : it.kind;
            if (is_panel) ++panel_added_;
            std::string routing = routings[rng_() % 6];
            ins.reset();
            ins.bind(1, "B" + std::to_string(next_++)).bind(2, kind);
            ins.bind(3, kind == "feedback" ? std::optional<std::string>("idea") : std::nullopt);
            if (is_panel) {
                ins.bind(4, nullptr).bind(5, nullptr).bind(6, nullptr).bind(7, nullptr);
                nlohmann::json a = nlohmann::json::array(
                    {{{"question", "trygghet"}, {"value", 1 + static_cast<int>(rng_() % 5)}},
                     {{"question", "hur_ofta"}, {"value", often[rng_() % 4]}},
                     {{"question", "strak"}, {"value", {strak[rng_() % 5], strak[rng_() % 5]}}},
                     {{"question", "ovrigt"}, {"value", it.body}}});
                ins.bind(11, a.dump()).bind(12, a.dump());
            } else {
                ins.bind(4, it.title).bind(5, it.title).bind(6, it.body).bind(7, it.body);
                ins.bind(11, nullptr).bind(12, nullptr);
            }
            ins.bind(8, it.area.empty() ? std::optional<std::string>() : std::optional<std::string>(it.area));
            ins.bind(9, static_cast<int>(rng_() % 2));
            ins.bind(10, rng_() % 3 == 0 ? std::optional<std::string>("someone@example.se") : std::nullopt);
            ins.bind(13, statuses[rng_() % 5]).bind(14, it.received_at).bind(15, it.received_at);
            if (routing.empty()) ins.bind(16, nullptr).bind(17, nullptr);
            else ins.bind(16, routing).bind(17, 1);
            ins.bind(18, routing == "outside_purpose" ? std::optional<std::string>(actions[rng_() % 3]) : std::nullopt);
            ins.bind(19, routing.empty() ? std::optional<double>() : std::optional<double>(0.5));
            ins.run();
            if (routing == "in_purpose" && rng_() % 2 == 0) {
                auto id = c.last_insert_rowid();
                tag.reset();
                tag.bind(1, id).bind(2, static_cast<std::int64_t>(1 + rng_() % 4)).bind(3, it.received_at).run();
            }
        }
        c.exec("COMMIT");
    }

private:
    fs::path data_;
    bench::item_maker maker_;
    std::mt19937_64 rng_;
    std::int64_t next_ = 0, panel_added_ = 0;
};

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

struct intake_window {
    std::uint64_t accepted = 0;
    double seconds = 0;
    std::uint64_t exports = 0;
};

// One server; `rounds` pairs of windows of `seconds`: four clients post submissions, alone, then while
// exports run back to back. Prints each window; returns the totals {alone, exporting}.
std::pair<intake_window, intake_window> intake(const std::string& binary, const fs::path& data, const fs::path& work,
                                               double seconds, int rounds) {
    test::process server(binary, {"serve", "--listen", "127.0.0.1:0", "--data", data.string()},
                         {{"INSPEL_EXPORT_NIGHTLY", "false"}, {"INSPEL_RATE_LIMIT", "0"}});
    auto port = server.wait_for_port();
    server.drain_in_background();
    auto window = [&](double length, bool exporting) {
        std::atomic<bool> stop{false};
        std::atomic<std::uint64_t> accepted{0}, exports{0};
        std::thread exporter;
        if (exporting)
            exporter = std::thread([&] {
                for (int round = 0; !stop; ++round) {
                    auto out = work / ("load-" + std::to_string(round));
                    // At nice 10, as the nightly thread inside `serve` runs (export/nightly.cpp).
                    run_measured({"/usr/bin/nice", "-n", "10", binary, "export", "--data", data.string(), "--out",
                                  out.string(), "--date", "2026-03-01"});
                    fs::remove_all(out);
                    if (!stop) ++exports;
                }
            });
        std::vector<std::thread> clients;
        auto until = clock_type::now() + std::chrono::duration<double>(length);
        auto started = clock_type::now();
        for (int k = 0; k < 4; ++k)
            clients.emplace_back([&, k] {
                test::http_client client(port);
                for (int i = 0; clock_type::now() < until; ++i) {
                    auto r = client.post_json("/api/v1/submissions",
                                              {{"kind", "feedback"},
                                               {"feedback_type", "idea"},
                                               {"title", "Bättre belysning " + std::to_string(k)},
                                               {"body", "Cykelvägen längs ån behöver bättre belysning på kvällarna, "
                                                        "nummer " + std::to_string(i) + "."}});
                    if (r.result_int() == 201) ++accepted;
                }
            });
        for (auto& t : clients) t.join();
        intake_window w{accepted.load(), std::chrono::duration<double>(clock_type::now() - started).count(), 0};
        stop = true;
        if (exporter.joinable()) exporter.join();
        w.exports = exports.load();
        return w;
    };
    window(2, false);  // warm up: connections, caches, the first checkpoints
    intake_window alone, exporting;
    for (int r = 0; r < rounds; ++r) {
        for (bool with_export : {false, true}) {
            auto w = window(seconds, with_export);
            std::printf("  round %d, %-10s %6.0f submissions/s%s  (load average %s)\n", r + 1,
                        with_export ? "exporting:" : "alone:", static_cast<double>(w.accepted) / w.seconds,
                        with_export ? (", " + std::to_string(w.exports) + " exports finished").c_str() : "",
                        load_average().c_str());
            std::fflush(stdout);
            auto& total = with_export ? exporting : alone;
            total.accepted += w.accepted;
            total.seconds += w.seconds;
            total.exports += w.exports;
        }
    }
    server.signal(SIGTERM);
    server.wait(std::chrono::seconds(30));
    return {alone, exporting};
}

void row(const char* what, std::int64_t items, const measured& m, std::uint64_t bytes) {
    std::printf("%-44s %9lld %9.2f %10.1f %12.1f\n", what, static_cast<long long>(items), m.seconds, m.peak_mib,
                static_cast<double>(bytes) / (1024.0 * 1024.0));
}

}  // namespace

int main(int argc, char** argv) {
    std::int64_t items = 100000, panel = 10000, big = 1000000;
    double intake_seconds = 10;
    int rounds = 3;
    std::optional<fs::path> work_dir;
    std::string binary = INSPEL_BINARY;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--items") items = std::stoll(v);
        else if (k == "--panel") panel = std::stoll(v);
        else if (k == "--big") big = std::stoll(v);
        else if (k == "--intake-seconds") intake_seconds = std::stod(v);
        else if (k == "--rounds") rounds = std::max(1, std::stoi(v));
        else if (k == "--work") work_dir = v;
        else if (k == "--binary") binary = fs::absolute(v).string();
        else {
            std::cerr << "unknown flag " << k << "\n";
            return 2;
        }
    }
    log::set_quiet(true);
    test::temp_dir tmp;
    fs::path work = work_dir ? *work_dir : tmp.path();
    fs::path data = work / "data", out = work / "out";
    fs::create_directories(data);
    auto corpus = bench::default_corpus(INSPEL_SOURCE_DIR);

    {
        schema::database db(data);
        std::ifstream in(std::string(INSPEL_SOURCE_DIR) + "/deploy/demo/cykelplan.json");
        std::stringstream text;
        text << in.rdbuf();
        auto def = nlohmann::json::parse(text.str());
        dialogue::store::request who{"bench", "admin", "", std::chrono::system_clock::now()};
        auto o = db.write_and_wait([&](schema::connection& c) { return dialogue::store::import(c, def, who); });
        if (o.result != dialogue::store::status::ok || o.value->id != 1) {
            std::cerr << "could not import the demo dialogue\n";
            return 1;
        }
        db.stop();
    }
    loader load(data, corpus);
    auto t0 = clock_type::now();
    load.add(items, panel);
    std::printf("%s; load average %s\n", binary.c_str(), load_average().c_str());
    std::printf("text from %s; loaded %lld items (%lld frågepanel responses) in %.1f s\n", corpus.source.c_str(),
                static_cast<long long>(items), static_cast<long long>(panel),
                std::chrono::duration<double>(clock_type::now() - t0).count());
    std::printf("\n%-44s %9s %9s %10s %12s\n", "run", "items", "seconds", "peak MiB", "output MiB");

    auto db_file = schema::database_file(data).string();
    auto export_run = [&](const std::string& name, const std::vector<std::string>& extra) {
        auto dir = out / name;
        std::vector<std::string> args = {binary, "export", "--data", data.string(), "--out", dir.string(),
                                         "--dialogue", "cykelplan-2030", "--date", "2026-03-01"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto m = run_measured(args);
        if (m.status != 0) {
            std::cerr << "inspel export failed with status " << m.status << "\n";
            std::exit(1);
        }
        return std::make_pair(m, folder_bytes(dir));
    };
    auto sqlite_dump = [&](const std::string& name) {
        auto file = out / (name + ".json");
        fs::create_directories(out);
        auto m = run_measured({"/usr/bin/sqlite3", "-readonly", db_file, ".mode json", ".once " + file.string(), dump_sql});
        return std::make_pair(m, static_cast<std::uint64_t>(fs::file_size(file)));
    };

    auto [all5, all5_bytes] = export_run("all", {});
    row("inspel export, all five files", items, all5, all5_bytes);
    auto [machine, machine_bytes] = export_run("machine", {"--files", "csv,json"});
    row("inspel export --files csv,json", items, machine, machine_bytes);
    auto [dump, dump_bytes] = sqlite_dump("dump");
    row("sqlite3 -readonly .mode json (same rows)", items, dump, dump_bytes);

    std::printf("(load average %s)\n", load_average().c_str());
    if (intake_seconds > 0) {
        std::printf("\nintake, %d rounds of %.0f s alone and %.0f s while exporting:\n", rounds, intake_seconds,
                    intake_seconds);
        auto [alone, loaded] = intake(binary, data, work, intake_seconds, rounds);
        double alone_rate = static_cast<double>(alone.accepted) / alone.seconds;
        double loaded_rate = static_cast<double>(loaded.accepted) / loaded.seconds;
        std::printf("intake alone: %.0f submissions/s; while exporting (%llu exports of %lld items finished): "
                    "%.0f/s = %.0f%%\n",
                    alone_rate, static_cast<unsigned long long>(loaded.exports), static_cast<long long>(items),
                    loaded_rate, alone_rate > 0 ? 100.0 * loaded_rate / alone_rate : 0.0);
    }

    if (big > items) {
        t0 = clock_type::now();
        load.add(big - items, 0);
        std::printf("\ngrew the dialogue to %lld items in %.1f s\n", static_cast<long long>(big),
                    std::chrono::duration<double>(clock_type::now() - t0).count());
        std::printf("%-44s %9s %9s %10s %12s\n", "run", "items", "seconds", "peak MiB", "output MiB");
        auto [bm, bm_bytes] = export_run("big-machine", {"--files", "csv,json"});
        row("inspel export --files csv,json", big, bm, bm_bytes);
        auto [bd, bd_bytes] = sqlite_dump("big-dump");
        row("sqlite3 -readonly .mode json (same rows)", big, bd, bd_bytes);
        auto [ba, ba_bytes] = export_run("big-all", {});
        row("inspel export, all five files", big, ba, ba_bytes);
        std::printf("(load average %s)\n", load_average().c_str());
    }
    return 0;
}
