#include "bench/corpus.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace inspel::bench {
namespace fs = std::filesystem;
namespace {

void add_text(corpus& c, const std::string& text) {
    std::string sentence;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        sentence += ch == '\n' ? ' ' : ch;
        bool end = (ch == '.' || ch == '!' || ch == '?') && (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n');
        if (end || i + 1 == text.size()) {
            auto b = sentence.find_first_not_of(" \t");
            if (b != std::string::npos && sentence.size() - b > 20) c.sentences.push_back(sentence.substr(b));
            sentence.clear();
        }
    }
}

bool is_letter_byte(unsigned char ch) { return std::isalpha(ch) || ch >= 0x80; }

}  // namespace

corpus load_corpus(const fs::path& dir) {
    corpus c;
    c.source = dir.string();
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::ifstream in(f);
        if (f.extension() == ".txt") {
            std::stringstream ss;
            ss << in.rdbuf();
            add_text(c, ss.str());
        } else if (f.extension() == ".jsonl") {
            std::string line;
            while (std::getline(in, line)) {
                auto j = nlohmann::json::parse(line, nullptr, false);
                if (!j.is_object()) continue;
                for (const char* k : {"text", "question", "sentence"})
                    if (j.contains(k) && j[k].is_string()) add_text(c, j[k].get<std::string>() + ".");
            }
        }
    }
    std::set<std::string> words;
    for (const auto& s : c.sentences) {
        std::string w;
        for (char ch : s + " ") {
            if (is_letter_byte(static_cast<unsigned char>(ch))) {
                w += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            } else {
                if (w.size() >= 4) words.insert(w);
                w.clear();
            }
        }
    }
    c.words.assign(words.begin(), words.end());
    return c;
}

corpus default_corpus(const fs::path& source_dir) {
    // Both folders: ../shared/data may hold only part of its sets on a given machine, and the
    // municipal texts of ../shared/seeds are the register residents and officials write in.
    corpus c = load_corpus(source_dir / ".." / "shared" / "seeds");
    fs::path data = source_dir / ".." / "shared" / "data";
    if (fs::exists(data)) {
        corpus d = load_corpus(data);
        c.sentences.insert(c.sentences.end(), d.sentences.begin(), d.sentences.end());
        std::set<std::string> words(c.words.begin(), c.words.end());
        words.insert(d.words.begin(), d.words.end());
        c.words.assign(words.begin(), words.end());
        c.source = d.source + " and " + c.source;
    }
    return c;
}

synthetic_item item_maker::next() {
    static const char* kinds[] = {"proposal", "feedback", "feedback", "feedback", "public_question"};
    static const char* areas[] = {"Centrum", "Norr", "Söder", "Öster", "Väster", "Hamnen", "Bruket", "Skogsbo"};
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng_() % n); };
    synthetic_item it;
    it.kind = kinds[pick(std::size(kinds))];
    const std::string& lead = c_.sentences[pick(c_.sentences.size())];
    // A title is the sentence's start, cut at a space so no UTF-8 sequence is split.
    std::size_t limit = 60 + pick(40);
    std::size_t cut = lead.size() <= limit ? lead.size() : lead.rfind(' ', limit);
    it.title = lead.substr(0, cut == std::string::npos ? lead.size() : cut);
    int n = 1 + static_cast<int>(pick(4));
    for (int i = 0; i < n; ++i) it.body += (i ? " " : "") + c_.sentences[pick(c_.sentences.size())];
    it.area = areas[pick(std::size(areas))];
    char date[40];
    std::snprintf(date, sizeof date, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", 2024 + static_cast<int>(pick(3)),
                  1 + static_cast<int>(pick(12)), 1 + static_cast<int>(pick(28)), static_cast<int>(pick(24)),
                  static_cast<int>(pick(60)), static_cast<int>(pick(60)));
    it.received_at = date;
    return it;
}

std::string item_maker::query() {
    int n = 1 + static_cast<int>(rng_() % 3);
    std::string q;
    for (int i = 0; i < n; ++i) q += (i ? " " : "") + c_.words[rng_() % c_.words.size()];
    return q;
}

}  // namespace inspel::bench
