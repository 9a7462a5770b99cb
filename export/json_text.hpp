// JSON text written directly, for the streamed lists of results.json (one item per line, a million
// items a night): no nlohmann::json object is built per item.
//
// The bytes are those nlohmann::json's dump(-1, ' ', false, error_handler_t::replace) gives for the
// same values, so the summary (still dumped by nlohmann) and the items read as one document:
// - strings: `"` and `\` escaped, \b \f \n \r \t by name, other control characters as \u00xx (lower-case
//   hex), everything else as it is (UTF-8, not \u-escaped); each invalid UTF-8 sequence (a byte that
//   cannot start one, or the valid start of one cut short) becomes one U+FFFD;
// - numbers: integers as digits, doubles in nlohmann's shortest round-trip form, NaN and infinities
//   as null.
//
// Stored JSON (an item's answers) is copied through as it is when it already is what nlohmann would
// write for it (`is_canonical`): compact, object keys sorted and unique, strings valid UTF-8 with
// nlohmann's escapes only, integers only. Everything Inspel stores is written by nlohmann's dump(), so
// that is every row in practice; anything else takes the slow road (parse and dump) and comes out as
// before.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace inspel::exporting::json_text {

// `s` as a JSON string, quotes included.
void append_string(std::string& out, std::string_view s);

// Integers as digits; a double as nlohmann dumps it.
void append_number(std::string& out, std::int64_t n);
void append_number(std::string& out, double d);

// True when `text` is exactly what nlohmann's dump() gives for the JSON value it holds (see above);
// false for anything else, including text that is not JSON at all.
bool is_canonical(std::string_view text);

// The JSON `text` in nlohmann's form: as it is when canonical, otherwise parsed and dumped;
// `null` when it is not JSON.
void append_canonical(std::string& out, std::string_view text);

}  // namespace inspel::exporting::json_text
