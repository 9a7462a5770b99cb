#include "routing/duplicates.hpp"

#include "search/terms.hpp"

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


}  // namespace

std::vector<std::uint64_t> shingles(std::string_view text) {
    auto words = search::words_of(text);
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

void recent_shingles::forget_newest(items& g) {
    auto& [id, shingles] = g.order.back();
    for (auto h : shingles) {
        auto& ids = g.holders[h];
        ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
        if (ids.empty()) g.holders.erase(h);
    }
    g.sizes.erase(id);
    g.order.pop_back();
}

void recent_shingles::add(const group& key, std::int64_t id, std::vector<std::uint64_t> shingles) {
    items& g = groups_[key];
    while (!g.order.empty() && g.order.back().first >= id) forget_newest(g);
    for (auto h : shingles) g.holders[h].push_back(id);
    g.sizes[id] = shingles.size();
    g.order.emplace_back(id, std::move(shingles));
    if (g.order.size() <= window_) return;
    // The oldest goes; its id is the first of every list it is in.
    const auto& [old, old_shingles] = g.order.front();
    for (auto h : old_shingles) {
        auto& ids = g.holders[h];
        if (!ids.empty() && ids.front() == old) ids.erase(ids.begin());
        if (ids.empty()) g.holders.erase(h);
    }
    g.sizes.erase(old);
    g.order.pop_front();
}

std::vector<std::int64_t> recent_shingles::resembling(const group& key, const std::vector<std::uint64_t>& mine,
                                                      double threshold) const {
    std::vector<std::int64_t> out;
    auto g = groups_.find(key);
    if (g == groups_.end() || mine.empty()) return out;
    std::unordered_map<std::int64_t, std::size_t> shared;
    for (auto h : mine)
        if (auto f = g->second.holders.find(h); f != g->second.holders.end())
            for (auto id : f->second) ++shared[id];
    for (const auto& [id, common] : shared) {
        std::size_t theirs = g->second.sizes.at(id);
        double r = static_cast<double>(common) / static_cast<double>(mine.size() + theirs - common);
        if (r >= threshold) out.push_back(id);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace inspel::routing
