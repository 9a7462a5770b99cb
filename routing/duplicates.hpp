// Near-duplicates: an item whose text closely repeats an earlier one (a campaign letter, a proposal
// sent again). Pure logic; routing/store.hpp feeds it recent items and records `duplicate_of`.
//
// Texts are compared as sets of word shingles (three consecutive words, folded and lower-cased,
// hashed to 64 bits) by Jaccard resemblance. Shingles ignore word order only locally, so a campaign
// text with a changed greeting or signature still resembles the original, while two texts that share
// a topic but are written independently do not. Very short texts (fewer words than a shingle) are
// compared as word sets instead. The duplicate is linked, never dropped: it still counts, as what
// it is, and officials see the two together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

namespace inspel::routing {

// How much of two texts' shingles must be shared to call one a repeat of the other. 0.6 keeps a
// letter with a different greeting and name (most of the text the same) and leaves out texts that
// merely share phrases.
inline constexpr double duplicate_resemblance = 0.6;

// Sorted, unique shingle hashes of a text.
std::vector<std::uint64_t> shingles(std::string_view text);
// Jaccard resemblance of two shingle sets (sorted, unique), in [0, 1].
double resemblance(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

// The shingles of the most recent items of each group (a dialogue, or none), with an inverted
// index from shingle to the items holding it, so a new item is compared only with items it shares
// a shingle with and no earlier text is read back. One per writer thread; not thread-safe.
//
// Prefix filtering keeps the index small: two sets whose resemblance reaches t share at least
// ceil(t * max(|a|, |b|)) shingles, and then, whatever one order all shingles are put in, a shared
// one lies within the first |a| - ceil(t |a|) + 1 of a and the first |b| - ceil(t |b|) + 1 of b
// (Chaudhuri, Ganti and Kaushik 2006). The order here is the hashes' own, since sets are sorted by
// hash, so an item is indexed under, and a new one looks up, only the first 40 % or so of its
// shingles; candidates are then compared in full, so the answer is exact.
//
// Memory follows the window: `window` items per group. Ids only grow, so an id at or below the last
// one of its group can only come from a transaction that rolled back; add() forgets those first.
// What it returns are candidates: the caller checks them against the stored text.
class recent_shingles {
public:
    using group = std::optional<std::int64_t>;
    recent_shingles(std::size_t window, double threshold) : window_(window), threshold_(threshold) {}

    bool knows(const group& g) const { return groups_.contains(g); }
    // Marks the group as loaded, also when it has no items yet.
    void start(const group& g) { groups_[g]; }
    void add(const group& g, std::int64_t id, std::vector<std::uint64_t> shingles);
    // Ids of the group's items whose resemblance with `mine` reaches the threshold, oldest first.
    std::vector<std::int64_t> resembling(const group& g, const std::vector<std::uint64_t>& mine) const;

private:
    struct items {
        std::deque<std::pair<std::int64_t, std::vector<std::uint64_t>>> order;  // oldest first
        std::unordered_map<std::uint64_t, std::vector<std::int64_t>> holders;    // prefix shingle -> ids, ascending
    };
    // How many of a set's first shingles are indexed and looked up (see above).
    std::size_t prefix(std::size_t set_size) const;
    void forget_newest(items& g) const;
    std::size_t window_;
    double threshold_;
    std::map<group, items> groups_;
};

}  // namespace inspel::routing
