// Receipt codes: what a resident keeps to follow an item, e.g. K7QM-3XHD-9TRA-PV2W.
//
// 80 bits from the operating system's CSPRNG (libsodium's randombytes, getrandom(2) on Linux),
// written as sixteen Crockford base32 symbols in four groups of four. Crockford's alphabet has no
// I, L, O or U, so a code read aloud or copied by hand survives: on lookup, case is ignored,
// I and L read as 1, O as 0, and hyphens and spaces are dropped. Codes are never derived from the
// item's id, so they cannot be guessed or enumerated.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace inspel::ingest {

inline constexpr std::size_t receipt_bits = 80;

// A fresh random code in canonical form (upper case, grouped with hyphens).
std::string new_receipt();

// The canonical form of a code as a person typed it, or nullopt if it cannot be one.
std::optional<std::string> canonical_receipt(std::string_view typed);

}  // namespace inspel::ingest
