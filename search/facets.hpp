// Facet counts from memory.
//
// Counting facets means looking at each matching document's facets value (terms.hpp, slot 1).
// Read through Xapian, that is a block read in the value table per document: at 200,000 items it
// was a fifth of the server's time in searches. The facet_table keeps every document's facet
// values in memory instead, as small codes in an array indexed by Xapian docid (28 bytes a
// document: 28 MB at a million items), so a count costs a few array reads per match.
//
// The server's index loads the table when it opens and the indexer updates it after each commit,
// before readers can see that commit. Xapian never reuses a docid, so a deleted document's row is
// simply never asked for again.
#pragma once

#include <xapian.h>

#include <array>
#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace inspel::search {

// The fields of the facets value, in order; `multi` fields hold several values, each ended by '\n'.
struct facet_field {
    const char* name;
    bool multi;
};
inline constexpr facet_field facet_fields[] = {
    {"kind", false}, {"dialogue", false}, {"status", false}, {"tag", true},
    {"routing", false}, {"area", false}, {"month", false},
};
inline constexpr std::size_t facet_field_count = std::size(facet_fields);

// Value -> number of documents, one map per field of facet_fields.
using facet_counts = std::array<std::map<std::string, std::uint64_t, std::less<>>, facet_field_count>;

class facet_table {
public:
    // Reads the facets value of every document in `db` (once, when the index opens).
    void load(const Xapian::Database& db);
    // Records the facets values of documents just committed (docid, value of slot::facets).
    void update(const std::vector<std::pair<Xapian::docid, std::string>>& documents);
    // Counts every field's values over the given documents. A docid the table has not seen (a
    // reader newer than the table by a moment) counts for nothing.
    facet_counts count(const std::vector<Xapian::docid>& documents) const;

private:
    using code = std::uint32_t;  // 0: the field is empty
    struct row {
        std::array<code, facet_field_count> fields{};
    };
    void set(Xapian::docid id, std::string_view value);
    code intern(std::size_t field, std::string_view value);

    std::vector<row> rows_;  // by docid
    std::array<std::vector<std::string>, facet_field_count> values_;  // code -> value
    std::array<std::unordered_map<std::string, code>, facet_field_count> codes_;
    mutable std::shared_mutex mutex_;
};

}  // namespace inspel::search
