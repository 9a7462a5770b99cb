// Real Swedish text for benchmarks. The issues name ../shared/data/ (SuperLim and friends); where
// that folder is missing, the municipal policy texts in ../shared/seeds/ are the real text at hand.
// Items are made by drawing whole sentences of those texts, so vocabulary, word lengths and
// inflection are real Swedish, in a deterministic order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace inspel::bench {

struct corpus {
    std::vector<std::string> sentences;
    std::vector<std::string> words;  // distinct lower-case words of four letters or more
    std::string source;              // where the text came from, for the report
};

// Reads every *.txt under `dir` (recursively) and *.jsonl "text"/"question"/"sentence" fields.
corpus load_corpus(const std::filesystem::path& dir);

// The default: ../shared/seeds, and ../shared/data where present, relative to the source tree.
corpus default_corpus(const std::filesystem::path& source_dir);

struct synthetic_item {
    std::string kind, title, body, area, received_at;
};

// A deterministic stream of items drawn from the corpus.
class item_maker {
public:
    item_maker(const corpus& c, std::uint64_t seed) : c_(c), rng_(seed) {}
    synthetic_item next();
    // A query of 1-3 corpus words.
    std::string query();

private:
    const corpus& c_;
    std::mt19937_64 rng_;
};

}  // namespace inspel::bench
