// What an official's search asks and what it answers, independent of HTTP.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace inspel::search {

enum class sort_order { relevance, newest, oldest };

struct query_request {
    std::string text;  // words, "phrases", AND/OR/NOT, cykel*, title:..., tag:...
    // Exact filters: kind, dialogue, status, tag, routing, area -> accepted values (OR within a key, AND across keys).
    std::map<std::string, std::vector<std::string>> filters;
    std::optional<std::string> from, to;  // YYYY-MM-DD, inclusive, on received_at (UTC)
    sort_order sort = sort_order::relevance;
    unsigned page = 1;        // 1-based
    unsigned page_size = 20;  // at most 100
    std::string language = "sv";  // how the query words are stemmed
    bool want_facets = true;
};

struct result_item {
    std::int64_t id = 0;
    std::string kind, title, snippet, dialogue, status, received_at, area, routing;
    std::vector<std::string> tags;
    double score = 0;
};

struct facet_value {
    std::string value;
    std::uint64_t count = 0;
};

struct query_result {
    std::uint64_t total = 0;
    bool total_exact = true;
    std::vector<result_item> items;
    std::map<std::string, std::vector<facet_value>> facets;  // kind, dialogue, status, tag, routing, area, month
    bool facets_exact = true;  // false when counted over the first part of a huge match set, then scaled
    std::optional<std::string> suggestion;
};

// Bad query syntax or a bad parameter: `field` names which.
struct query_error : std::runtime_error {
    query_error(std::string field, const std::string& message) : std::runtime_error(message), field(std::move(field)) {}
    std::string field;
};

// The filter keys a request may carry.
const std::vector<std::string>& filter_keys();

}  // namespace inspel::search
