// How much a resident may send, in one place. Lengths are in characters (code points after NFC),
// chosen to fit what a person writes by hand with room to spare, and to keep one item small
// enough that a page of search results never carries megabytes. The request body as a whole is
// bounded separately by settings.body_limit (413).
#pragma once

#include <cstddef>

namespace inspel::ingest::limits {

inline constexpr std::size_t title = 200;
inline constexpr std::size_t body = 20'000;          // about eight pages of text
inline constexpr std::size_t area = 100;
inline constexpr std::size_t dialogue = 100;         // an id or a slug
inline constexpr std::size_t contact_name = 200;
inline constexpr std::size_t contact_email = 254;    // RFC 5321's limit on a forward path
inline constexpr std::size_t contact_phone = 40;
inline constexpr std::size_t answers = 100;          // entries in a panel response
inline constexpr std::size_t answer_question = 100;  // a question's id
inline constexpr std::size_t answer_text = 5'000;    // one free-text answer
inline constexpr std::size_t answer_choices = 50;    // choices in one multiple-choice answer
inline constexpr std::size_t json_depth = 8;         // nesting of the request body
inline constexpr std::size_t idempotency_key = 200;  // bytes of printable ASCII

}  // namespace inspel::ingest::limits
