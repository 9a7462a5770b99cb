#include "routing/duplicates.hpp"

#include "search/terms.hpp"

#include <xapian.h>

#include <algorithm>

namespace inspel::routing {
namespace {

constexpr std::size_t shingle_words = 3;

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ull) {
    for (unsigned char ch : s) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    return h;
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    std::string folded = search::fold_accents(text), word;
    for (Xapian::Utf8Iterator i(folded); i != Xapian::Utf8Iterator(); ++i) {
        if (Xapian::Unicode::is_wordchar(*i)) {
            Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(*i));
        } else if (!word.empty()) {
            out.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) out.push_back(std::move(word));
    return out;
}

}  // namespace

std::vector<std::uint64_t> shingles(std::string_view text) {
    auto words = words_of(text);
    std::vector<std::uint64_t> out;
    if (words.size() < shingle_words) {
        for (const auto& w : words) out.push_back(fnv1a(w));
    } else {
        for (std::size_t i = 0; i + shingle_words <= words.size(); ++i) {
            std::uint64_t h = 14695981039346656037ull;
            for (std::size_t k = 0; k < shingle_words; ++k) h = fnv1a(words[i + k] + ' ', h);
            out.push_back(h);
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

double resemblance(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
    if (a.empty() || b.empty()) return 0.0;
    std::size_t common = 0;
    for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
        if (a[i] == b[j]) ++common, ++i, ++j;
        else if (a[i] < b[j]) ++i;
        else ++j;
    }
    return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

const std::vector<std::uint64_t>& shingle_memo::of(std::string_view text) {
    std::size_t h = std::hash<std::string_view>{}(text);
    for (auto [it, end] = entries_.equal_range(h); it != end; ++it)
        if (it->second.text == text) return it->second.shingles;
    // Starting afresh now and then keeps the memory bounded; the recent texts come back at once.
    if (entries_.size() >= capacity_) entries_.clear();
    return entries_.emplace(h, entry{std::string(text), shingles(text)})->second.shingles;
}

std::optional<std::int64_t> find_duplicate(std::string_view text, const std::vector<earlier_item>& candidates,
                                           shingle_memo& memo, double threshold) {
    auto mine = shingles(text);
    if (mine.empty()) return std::nullopt;
    for (const auto& c : candidates) {
        const auto& theirs = memo.of(c.text);
        // Resemblance is at most the smaller set's size over the larger's: skip the count when
        // that already falls short.
        auto [small, large] = std::minmax(mine.size(), theirs.size());
        if (static_cast<double>(small) < threshold * static_cast<double>(large)) continue;
        if (resemblance(mine, theirs) >= threshold) return c.id;
    }
    return std::nullopt;
}

}  // namespace inspel::routing
