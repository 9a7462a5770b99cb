// Tags: a vocabulary per dialogue plus shared tags, put on items one at a time or in bulk.
//
// Names. A tag is named as an official typed it the first time (trimmed, inner whitespace
// collapsed, at most 60 characters, no control characters); names compare case-insensitively
// (tags.name is COLLATE NOCASE, so "Trafik" and "trafik" are one tag). An item carries a name at
// most once.
//
// Which tag a name means on an item: the tag of the item's own dialogue's vocabulary if it has
// one by that name, otherwise the shared tag by that name, which is created the first time it is
// used. So a dialogue can have its own "Trygghet" while everything else shares one.
//
// Bulk. apply_tags() is set-based: the ids go into a temporary table with one statement
// (json_each over one bound JSON array), and each step is one INSERT ... SELECT or DELETE over it:
// find the items that will change, create missing shared tags, add, remove, write one search-outbox
// row and one audit row per changed item. Ten thousand items are a handful of statements inside one
// transaction on the writer, not ten thousand round trips; docs/BENCHMARKS.md has the figures.
#pragma once

#include "schema/sqlite.hpp"
#include "workspace/items.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace inspel::workspace {

inline constexpr std::size_t max_tag_length = 60;
// A bulk action over a search result touches at most this many items.
inline constexpr std::size_t max_bulk_items = 100'000;

// The name as stored, or why it cannot be a tag name.
std::variant<std::string, problem> normalise_tag(std::string_view typed);

struct tag_change {
    std::vector<std::string> add, remove;
    bool empty() const { return add.empty() && remove.empty(); }
};
// "add" and "remove": arrays of names (either may be missing; a name in both is refused).
std::variant<tag_change, problem> parse_tag_change(const nlohmann::json& add, const nlohmann::json& remove);

// Adds and removes on every item of `ids` that exists. `changed` counts items whose tags changed.
outcome apply_tags(schema::connection& c, const std::vector<std::int64_t>& ids, const tag_change& change,
                   const actor& who, const std::string& now);

// The current tag names of one item.
std::vector<std::string> tags_of(schema::connection& c, std::int64_t id);

// The vocabulary: shared tags and, with `dialogue` (a slug), that dialogue's own, each with how
// many items carry it.
nlohmann::json vocabulary(schema::connection& c, const std::optional<std::string>& dialogue);
// Creates a tag in a dialogue's vocabulary (slug) or, without one, a shared tag. 409 if it exists.
outcome create_tag(schema::connection& c, const std::string& name, const std::optional<std::string>& dialogue,
                   const actor& who, const std::string& now);

}  // namespace inspel::workspace
