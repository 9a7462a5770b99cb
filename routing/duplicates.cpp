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

std::size_t recent_shingles::prefix(std::size_t set_size) const {
    if (set_size == 0) return 0;
    auto shared = static_cast<std::size_t>(std::ceil(threshold_ * static_cast<double>(set_size) - 1e-9));
    return set_size - std::clamp<std::size_t>(shared, 1, set_size) + 1;
}

void recent_shingles::forget_newest(items& g) const {
    const auto& [id, shingles] = g.order.back();
    for (std::size_t i = 0; i < prefix(shingles.size()); ++i) {
        auto held = g.holders.find(shingles[i]);
        if (held == g.holders.end()) continue;
        auto& ids = held->second;
        ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
        if (ids.empty()) g.holders.erase(held);
    }
    g.order.pop_back();
}

void recent_shingles::add(const group& key, std::int64_t id, std::vector<std::uint64_t> shingles) {
    items& g = groups_[key];
    while (!g.order.empty() && g.order.back().first >= id) forget_newest(g);
    for (std::size_t i = 0; i < prefix(shingles.size()); ++i) g.holders[shingles[i]].push_back(id);
    g.order.emplace_back(id, std::move(shingles));
    if (g.order.size() <= window_) return;
    // The oldest goes; its id is the first of every list it is in.
    const auto& [old, old_shingles] = g.order.front();
    for (std::size_t i = 0; i < prefix(old_shingles.size()); ++i) {
        auto held = g.holders.find(old_shingles[i]);
        if (held == g.holders.end()) continue;
        auto& ids = held->second;
        if (!ids.empty() && ids.front() == old) ids.erase(ids.begin());
        if (ids.empty()) g.holders.erase(held);
    }
    g.order.pop_front();
}

std::vector<std::int64_t> recent_shingles::resembling(const group& key, const std::vector<std::uint64_t>& mine) const {
    std::vector<std::int64_t> out;
    auto found = groups_.find(key);
    if (found == groups_.end()) return out;
    const items& g = found->second;

    std::vector<std::int64_t> candidates;
    for (std::size_t i = 0; i < prefix(mine.size()); ++i)
        if (auto held = g.holders.find(mine[i]); held != g.holders.end())
            candidates.insert(candidates.end(), held->second.begin(), held->second.end());
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

    // The window is in id order, so each candidate's shingles are found by binary search. Sets that
    // differ too much in size cannot reach the threshold (resemblance <= smaller / larger).
    auto mine_size = static_cast<double>(mine.size());
    for (auto id : candidates) {
        auto at = std::lower_bound(g.order.begin(), g.order.end(), id, [](const auto& e, std::int64_t v) { return e.first < v; });
        if (at == g.order.end() || at->first != id) continue;
        auto theirs = static_cast<double>(at->second.size());
        if (std::min(theirs, mine_size) < threshold_ * std::max(theirs, mine_size)) continue;
        if (resemblance(mine, at->second) >= threshold_) out.push_back(id);
    }
    return out;
}

}  // namespace inspel::routing
