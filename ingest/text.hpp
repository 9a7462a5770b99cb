// Checks and normalisation of the text residents send: UTF-8 validity, forbidden characters,
// Unicode NFC (so that "ö" typed as one code point or as "o" + combining diaeresis is one word),
// and lengths counted in characters rather than bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace inspel::ingest::text {

// The byte offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or nullopt when all of `s` is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view s);
inline bool is_valid_utf8(std::string_view s) { return !find_invalid_utf8(s); }

// Replaces every ill-formed byte sequence with U+FFFF, a noncharacter that no valid input carries
// (find_forbidden refuses it), so a JSON parser that insists on valid UTF-8 can still tell us
// which field held the bad bytes.
std::string mark_invalid_utf8(std::string_view s);
inline constexpr std::string_view invalid_marker = "\xEF\xBF\xBF";  // U+FFFF in UTF-8

enum class lines { single, multiple };

// The first code point that may not appear in a field: C0 controls (tab and line feed are allowed
// in multi-line text), DEL, C1 controls and Unicode noncharacters. `s` must be valid UTF-8.
std::optional<char32_t> find_forbidden(std::string_view s, lines allowed);

// CR LF and lone CR become LF: browsers send CR LF from a textarea, the API usually LF.
std::string unify_newlines(std::string_view s);

// Without leading and trailing white space (ASCII white space and U+00A0).
std::string_view trim(std::string_view s);

// Unicode Normalization Form C. `s` must be valid UTF-8.
std::string to_nfc(std::string_view s);

// Code points in valid UTF-8: what a resident counts as characters, near enough.
std::size_t length(std::string_view s);

}  // namespace inspel::ingest::text
