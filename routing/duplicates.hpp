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

struct earlier_item {
    std::int64_t id = 0;
    std::string text;
};

// Shingles of texts already seen, by content: each new item is compared with hundreds of recent
// ones, and their shingles do not change between one item and the next. Keyed by the text itself
// (its hash, then the text compared), so an edited or rolled-back item can never be mistaken for
// what was memoised. Not thread-safe: one per writer.
class shingle_memo {
public:
    explicit shingle_memo(std::size_t capacity = 20000) : capacity_(capacity) {}
    const std::vector<std::uint64_t>& of(std::string_view text);

private:
    struct entry {
        std::string text;
        std::vector<std::uint64_t> shingles;
    };
    std::size_t capacity_;
    std::unordered_multimap<std::size_t, entry> entries_;
};

// The earliest of `candidates` (ordered oldest first) that `text` repeats, if any.
std::optional<std::int64_t> find_duplicate(std::string_view text, const std::vector<earlier_item>& candidates,
                                           shingle_memo& memo, double threshold = duplicate_resemblance);

}  // namespace inspel::routing
