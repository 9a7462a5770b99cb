#include "routing/duplicates.hpp"

#include "search/terms.hpp"

#include <algorithm>
#include <cmath>

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
    std::vector<std::uint64_t> words;
    for (const auto& w : search::words_of(text)) words.push_back(fnv1a(w));
    std::vector<std::uint64_t> out;
    if (words.size() < shingle_words) {
        out = words;
    } else {
        for (std::size_t i = 0; i + shingle_words <= words.size(); ++i) {
            // Order matters ("a b c" is not "c b a"), hence the multiply between words.
            std::uint64_t h = 0;
            for (std::size_t k = 0; k < shingle_words; ++k) h = (h ^ words[i + k]) * 1099511628211ull;
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
    g.order.pop_back();
}

void recent_shingles::add(const group& key, std::int64_t id, std::vector<std::uint64_t> shingles) {
    items& g = groups_[key];
    while (!g.order.empty() && g.order.back().first >= id) forget_newest(g);
    for (auto h : shingles) g.holders[h].push_back(id);
    g.order.emplace_back(id, std::move(shingles));
    if (g.order.size() <= window_) return;
    // The oldest goes; its id is the first of every list it is in.
    const auto& [old, old_shingles] = g.order.front();
    for (auto h : old_shingles) {
        auto& ids = g.holders[h];
        if (!ids.empty() && ids.front() == old) ids.erase(ids.begin());
        if (ids.empty()) g.holders.erase(h);
    }
    g.order.pop_front();
}

std::vector<std::int64_t> recent_shingles::resembling(const group& key, const std::vector<std::uint64_t>& mine,
                                                      double threshold) const {
    std::vector<std::int64_t> out;
    auto found = groups_.find(key);
    if (found == groups_.end() || mine.empty()) return out;
    const items& g = found->second;

    // Prefix filtering: an item that reaches the threshold shares at least `need` of my shingles,
    // so it holds one of any |mine| - need + 1 of them. Taking the rarest, the common phrases
    // ("det är en") that half the window holds never make anyone a candidate.
    auto need = static_cast<std::size_t>(std::ceil(threshold * static_cast<double>(mine.size()) - 1e-9));
    need = std::clamp<std::size_t>(need, 1, mine.size());
    std::vector<const std::vector<std::int64_t>*> lists;
    std::size_t absent = 0;
    for (auto h : mine) {
        if (auto f = g.holders.find(h); f != g.holders.end()) lists.push_back(&f->second);
        else ++absent;
    }
    std::size_t prefix = mine.size() - need + 1;
    if (absent >= prefix) return out;  // my rarest shingles are held by no one
    prefix -= absent;
    std::partial_sort(lists.begin(), lists.begin() + static_cast<std::ptrdiff_t>(std::min(prefix, lists.size())),
                      lists.end(), [](const auto* a, const auto* b) { return a->size() < b->size(); });
    std::vector<std::int64_t> candidates;
    for (std::size_t i = 0; i < prefix && i < lists.size(); ++i)
        candidates.insert(candidates.end(), lists[i]->begin(), lists[i]->end());
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

    // The window is in id order, so each candidate's shingles are found by binary search.
    for (auto id : candidates) {
        auto at = std::lower_bound(g.order.begin(), g.order.end(), id, [](const auto& e, std::int64_t v) { return e.first < v; });
        if (at != g.order.end() && at->first == id && resemblance(mine, at->second) >= threshold) out.push_back(id);
    }
    return out;
}

}  // namespace inspel::routing
