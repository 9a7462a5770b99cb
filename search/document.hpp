// From a submission row in SQLite to a Xapian document (see terms.hpp for the scheme).
#pragma once

#include "schema/sqlite.hpp"

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace inspel::search {

// What the index knows of one submission: redacted text and facets, never personal data.
struct indexed_item {
    std::int64_t id = 0;
    std::string kind, title, text, dialogue, status, area, language = "sv", received_at, routing;
    std::vector<std::string> tags;
};

// Reads one item; nullopt when it no longer exists.
std::optional<indexed_item> load_item(schema::connection& c, std::int64_t id);

// Reads several items with one prepared statement; missing ones are left out.
std::map<std::int64_t, indexed_item> load_items(schema::connection& c, const std::vector<std::int64_t>& ids);

// Visits every item in id order (for reindex; run it inside a read transaction for one snapshot).
void for_each_item(schema::connection& c, const std::function<void(const indexed_item&)>& visit);

// Builds the document. `tg` carries the database for spelling data, when wanted.
Xapian::Document build_document(const indexed_item& item, Xapian::TermGenerator& tg);

}  // namespace inspel::search
