// Search speed: Inspel's search API against SQLite FTS5 on the same items and queries, in one run.
//
//   build/bench/search_bench --items 200000 [--queries 1000] [--work DIR [--reuse]]
//
// --reuse runs only the queries, against the items, index and FTS5 table an earlier run left in
// --work DIR (same --items: the queries are drawn from the same sequence), e.g. to profile the
// server at a million items without building them again.
//
// Loads N items made of real Swedish sentences into a fresh data dir, times `reindex` (the full
// rebuild) and incremental indexing through the outbox, then starts the real `inspel serve`
// pinned to core 0 and sends 1-3 word queries from core 1 over one keep-alive connection: top 20,
// snippets and facets, as the search page asks. The same queries then run in this process against
// an FTS5 table (unicode61 tokenizer) over the same items: top 20 by rank with snippet(), plus the
// kind/area/month counts over the whole match set. FTS5 gets no HTTP cost, so the ratio is, if
// anything, kind to it.
#include "bench/corpus.hpp"
#include "bench/support.hpp"
#include "schema/database.hpp"
#include "search/index.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

using namespace inspel;
using clock_type = std::chrono::steady_clock;

namespace {

double ms_since(clock_type::time_point t) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

// Inserts items as intake stores them; with_outbox queues them for the incremental indexer.
void insert_items(schema::database& db, bench::item_maker& maker, std::size_t n, std::size_t first_receipt,
                  bool with_outbox, std::vector<bench::synthetic_item>* keep = nullptr) {
    constexpr std::size_t chunk = 20000;
    for (std::size_t done = 0; done < n; done += chunk) {
        std::vector<bench::synthetic_item> items;
        for (std::size_t i = done; i < std::min(n, done + chunk); ++i) items.push_back(maker.next());
        db.write_and_wait([&](schema::connection& c) {
            auto ins = c.prepare(
                "INSERT INTO submissions (receipt, kind, title, title_redacted, body, body_redacted, area, language, "
                "received_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'sv', ?, ?)");
            auto out = c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, ?)");
            std::size_t r = first_receipt + done;
            for (const auto& it : items) {
                ins.reset();
                ins.bind(1, "BENCH-" + std::to_string(r++)).bind(2, it.kind).bind(3, it.title).bind(4, it.title);
                ins.bind(5, it.body).bind(6, it.body).bind(7, it.area).bind(8, it.received_at).bind(9, it.received_at);
                ins.run();
                if (with_outbox) {
                    out.reset();
                    out.bind(1, c.last_insert_rowid()).bind(2, it.received_at).run();
                }
            }
        });
        if (keep) keep->insert(keep->end(), items.begin(), items.end());
    }
}

struct fts_store {
    schema::connection c;
    fts_store(const std::filesystem::path& file, bool create) : c(file, schema::connection::mode::read_write) {
        if (!create) return;
        c.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
               "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61');"
               "CREATE TABLE meta (id INTEGER PRIMARY KEY, kind TEXT, area TEXT, month TEXT);");
    }
};

}  // namespace

int main(int argc, char** argv) {
    std::size_t items = 20000, queries = 500;
    std::string binary = INSPEL_BINARY;
    std::optional<std::filesystem::path> work_arg;
    bool reuse = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--reuse") {
            reuse = true;
            continue;
        }
        if (i + 1 == argc) a = "--help";
        if (a == "--items") items = std::stoul(argv[i + 1]);
        else if (a == "--queries") queries = std::stoul(argv[i + 1]);
        else if (a == "--work") work_arg = argv[i + 1];
        else if (a == "--inspel") binary = argv[i + 1];
        else {
            std::cerr << "usage: search_bench [--items N] [--queries Q] [--work DIR [--reuse]] [--inspel BINARY]\n";
            return 2;
        }
        ++i;
    }
    if (reuse && !work_arg) {
        std::cerr << "search_bench: --reuse needs the --work DIR of an earlier run\n";
        return 2;
    }
    test::temp_dir tmp;
    std::filesystem::path work = work_arg.value_or(tmp.path());
    std::filesystem::create_directories(work / "data");
    auto corpus = bench::default_corpus(INSPEL_SOURCE_DIR);
    std::cout << "corpus: " << corpus.sentences.size() << " sentences, " << corpus.words.size() << " words from "
              << corpus.source << "\n";
    bench::item_maker maker(corpus, 42);

    fts_store fts(work / "fts.db", !reuse);
    std::string token;
    if (reuse) {
        for (std::size_t i = 0; i < items; ++i) maker.next();  // the same queries as the run that built it
        std::ifstream(work / "token") >> token;
    } else {
        // 1. Items into SQLite, then the full rebuild (what `inspel reindex` does).
        std::size_t incremental = std::max<std::size_t>(1000, items / 20);
        std::vector<bench::synthetic_item> all;
        all.reserve(items);
        double reindex_ms = 0, incremental_ms = 0;
        {
            schema::database db(work / "data");
            auto t = clock_type::now();
            insert_items(db, maker, items - incremental, 0, false, &all);
            std::cout << "loaded " << items - incremental << " items into SQLite in " << ms_since(t) / 1000 << " s\n";
            t = clock_type::now();
            search::rebuild(work / "data", db);
            reindex_ms = ms_since(t);
            // 2. The rest through the outbox, as intake feeds the running indexer.
            search::index idx(work / "data", db);
            t = clock_type::now();
            insert_items(db, maker, incremental, items - incremental, true, &all);
            if (!idx.wait_until_caught_up(std::chrono::minutes(30))) throw std::runtime_error("indexer never caught up");
            incremental_ms = ms_since(t);
            idx.stop();
        }
        std::printf("reindex: %zu items in %.1f s (%.0f items/s)\n", items - incremental, reindex_ms / 1000,
                    (items - incremental) / (reindex_ms / 1000));
        std::printf("incremental indexing (insert + outbox + index): %zu items in %.1f s (%.0f items/s)\n", incremental,
                    incremental_ms / 1000, incremental / (incremental_ms / 1000));

        // 3. The same items in FTS5.
        {
            auto t = clock_type::now();
            fts.c.exec("BEGIN");
            auto ins = fts.c.prepare("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)");
            auto meta = fts.c.prepare("INSERT INTO meta (id, kind, area, month) VALUES (?, ?, ?, ?)");
            std::int64_t id = 1;
            for (const auto& it : all) {
                ins.reset();
                ins.bind(1, id).bind(2, it.title).bind(3, it.body).run();
                meta.reset();
                meta.bind(1, id++).bind(2, it.kind).bind(3, it.area).bind(4, it.received_at.substr(0, 7)).run();
            }
            fts.c.exec("COMMIT");
            std::printf("fts5 build: %.1f s\n", ms_since(t) / 1000);
        }

        // 4. An official and a token, with the real command line.
        token = bench::official_token(binary, work / "data");
        std::ofstream(work / "token") << token << "\n";
    }

    std::vector<std::string> qs;
    for (std::size_t i = 0; i < queries; ++i) qs.push_back(maker.query());

    // 5. Inspel over HTTP: server on core 0, this client on core 1.
    std::vector<double> inspel_ms;
    double inspel_hits = 0;
    {
        test::process server("/usr/bin/taskset", {"-c", "0", binary, "serve", "--listen", "127.0.0.1:0", "--data",
                                                  (work / "data").string()});
        auto port = server.wait_for_port(std::chrono::seconds(120));
        server.drain_in_background();
        bench::pin_to_cpu(1);
        test::http_client client(port);
        std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + token}};
        auto ask = [&](const std::string& q) {
            auto res = client.get("/api/v1/search?page_size=20&q=" + bench::url_encode(q), auth);
            if (res.result_int() != 200) throw std::runtime_error("search answered " + std::to_string(res.result_int()) + ": " + res.body());
            return res;
        };
        for (std::size_t i = 0; i < std::min<std::size_t>(50, qs.size()); ++i) ask(qs[i]);  // warm the page cache
        for (const auto& q : qs) {
            auto t = clock_type::now();
            auto res = ask(q);
            inspel_ms.push_back(ms_since(t));
            inspel_hits += test::json_of(res)["total"].get<double>();
        }
        server.signal(SIGTERM);
        server.wait(std::chrono::seconds(10));
    }

    // 6. FTS5 in-process, same queries, on core 1 too.
    std::vector<double> fts_ms;
    double fts_hits = 0;
    {
        auto top = fts.c.prepare(
            "SELECT rowid, title, snippet(fts, 1, '<mark>', '</mark>', '…', 24) FROM fts WHERE fts MATCH ? "
            "ORDER BY rank LIMIT 20");
        auto facets = fts.c.prepare("SELECT m.kind, m.area, m.month FROM fts JOIN meta m ON m.id = fts.rowid WHERE fts MATCH ?");
        for (const auto& q : qs) {
            std::string match;
            std::string w;
            for (char ch : q + " ") {
                if (ch == ' ') {
                    if (!w.empty()) match += (match.empty() ? "" : " ") + std::string("\"") + w + "\"";
                    w.clear();
                } else {
                    w += ch;
                }
            }
            auto t = clock_type::now();
            top.reset();
            top.bind(1, match);
            while (top.step()) {
            }
            std::map<std::string, int> kinds, areas, months;
            std::size_t n = 0;
            facets.reset();
            facets.bind(1, match);
            while (facets.step()) {
                ++kinds[facets.text(0)], ++areas[facets.text(1)], ++months[facets.text(2)];
                ++n;
            }
            fts_ms.push_back(ms_since(t));
            fts_hits += static_cast<double>(n);
        }
    }

    auto a = bench::summarise(inspel_ms), b = bench::summarise(fts_ms);
    std::printf("\n%zu items, %zu queries of 1-3 words, top 20 with snippets and facets\n", items, queries);
    std::printf("%-28s %10s %10s %10s %12s\n", "", "p50 ms", "p99 ms", "mean ms", "mean hits");
    std::printf("%-28s %10.2f %10.2f %10.2f %12.0f\n", "inspel (HTTP, Xapian)", a.p50, a.p99, a.mean, inspel_hits / queries);
    std::printf("%-28s %10.2f %10.2f %10.2f %12.0f\n", "sqlite fts5 (in-process)", b.p50, b.p99, b.mean, fts_hits / queries);
    std::printf("ratio fts5/inspel: p50 %.1fx, p99 %.1fx\n", b.p50 / a.p50, b.p99 / a.p99);
    return 0;
}
