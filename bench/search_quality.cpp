// Search quality (issue 6): Inspel's index against SQLite FTS5 on SweFAQ, in one run.
//
//   build/bench/search_quality [--data DIR]     (DIR defaults to ../shared/data/superlim2-sv)
//
// Every distinct candidate answer of swefaq/swefaq_dev.jsonl becomes an item, stored and indexed as
// intake and the indexer store them (SQLite row, outbox, the real search::index). Each question is
// then a query; its right answer is candidate_answers[label]. Both engines get the same words of
// the question joined with OR: Inspel through its query language (search::index::search, relevance
// order), FTS5 as "w1" OR "w2" ... ranked by bm25() over an unicode61 table of the same texts. The
// report is MRR@10 (mean of 1/rank of the right answer, 0 when not in the top ten) and recall@10.
#include "schema/database.hpp"
#include "search/index.hpp"
#include "search/terms.hpp"
#include "tests/support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace inspel;
namespace fs = std::filesystem;

namespace {

struct question {
    std::string text;
    std::int64_t answer;  // item id of the right answer
};


struct scores {
    double mrr = 0, recall = 0;
    void add(const std::vector<std::int64_t>& ranked, std::int64_t right) {
        for (std::size_t r = 0; r < ranked.size() && r < 10; ++r)
            if (ranked[r] == right) {
                mrr += 1.0 / static_cast<double>(r + 1);
                recall += 1;
                return;
            }
    }
};

}  // namespace

int main(int argc, char** argv) {
    fs::path data = INSPEL_SOURCE_DIR "/../shared/data/superlim2-sv";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--data") data = argv[i + 1];
        else {
            std::cerr << "usage: search_quality [--data DIR]\n";
            return 2;
        }
    }
    fs::path file = data / "swefaq" / "swefaq_dev.jsonl";
    std::ifstream in(file);
    if (!in) {
        std::cerr << "search_quality: " << file << " not found (SuperLim-2 SweFAQ)\n";
        return 2;
    }

    test::temp_dir work;
    schema::database db(work.path());
    auto idx = std::make_unique<search::index>(work.path(), db);
    schema::connection fts(work.path() / "fts.db", schema::connection::mode::read_write);
    fts.exec("CREATE VIRTUAL TABLE fts USING fts5(body, tokenize='unicode61')");

    // Answers are shared by the questions of a category: each distinct text is one item.
    std::map<std::string, std::int64_t> item_of;
    std::vector<question> questions;
    std::int64_t receipt = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto j = nlohmann::json::parse(line);
        const auto& answers = j.at("candidate_answers");
        for (const auto& a : answers) {
            std::string text = a.get<std::string>();
            if (item_of.contains(text)) continue;
            item_of[text] = db.write_and_wait([&](schema::connection& c) {
                c.prepare("INSERT INTO submissions (receipt, kind, body, body_redacted, language, received_at, updated_at) "
                          "VALUES (?, 'feedback', ?, ?, 'sv', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')")
                    .bind(1, "FAQ-" + std::to_string(receipt++)).bind(2, text).bind(3, text).run();
                auto id = c.last_insert_rowid();
                c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, '2026-01-01T00:00:00Z')")
                    .bind(1, id).run();
                return id;
            });
            fts.prepare("INSERT INTO fts (rowid, body) VALUES (?, ?)").bind(1, item_of[text]).bind(2, text).run();
        }
        questions.push_back({j.at("question").get<std::string>(),
                             item_of.at(answers.at(j.at("label").get<std::size_t>()).get<std::string>())});
    }
    if (!idx->wait_until_caught_up(std::chrono::seconds(60))) {
        std::cerr << "search_quality: the indexer did not catch up\n";
        return 1;
    }

    scores inspel_scores, fts_scores;
    auto fts_query = fts.prepare("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 10");
    for (const auto& q : questions) {
        auto words = search::words_of(q.text);
        std::string inspel_text, fts_text;
        for (const auto& w : words) {
            inspel_text += (inspel_text.empty() ? "" : " OR ") + w;
            fts_text += (fts_text.empty() ? "\"" : " OR \"") + w + "\"";
        }
        search::query_request r;
        r.text = inspel_text;
        r.page_size = 10;
        r.want_facets = false;
        std::vector<std::int64_t> ranked;
        for (const auto& it : idx->search(r).items) ranked.push_back(it.id);
        inspel_scores.add(ranked, q.answer);

        ranked.clear();
        fts_query.reset();
        fts_query.bind(1, fts_text);
        while (fts_query.step()) ranked.push_back(fts_query.int64(0));
        fts_scores.add(ranked, q.answer);
    }
    idx->stop();
    db.stop();

    double n = static_cast<double>(questions.size());
    std::printf("SweFAQ dev (%s): %zu questions, %zu distinct answers as items; query = the question's words joined with OR\n",
                file.c_str(), questions.size(), item_of.size());
    std::printf("                         MRR@10   recall@10\n");
    std::printf("inspel (Xapian)          %6.3f   %6.3f\n", inspel_scores.mrr / n, inspel_scores.recall / n);
    std::printf("sqlite fts5 (unicode61)  %6.3f   %6.3f\n", fts_scores.mrr / n, fts_scores.recall / n);
    std::printf("MRR@10 inspel/fts5: %.2fx\n", fts_scores.mrr > 0 ? inspel_scores.mrr / fts_scores.mrr : 0.0);
    return 0;
}
