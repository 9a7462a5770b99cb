#include "ingest/receipt.hpp"

#include "ingest/random.hpp"

#include <array>

namespace inspel::ingest {
namespace {

constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t symbols = receipt_bits / 5;

std::string grouped(std::string_view plain) {
    std::string out;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        if (i > 0 && i % 4 == 0) out += '-';
        out += plain[i];
    }
    return out;
}

}  // namespace

std::string new_receipt() {
    std::array<unsigned char, receipt_bits / 8> bytes{};
    random_bytes(bytes.data(), bytes.size());
    std::string plain;
    // 80 bits are exactly 16 symbols of 5 bits: take them from the top.
    unsigned buffer = 0, bits = 0;
    for (unsigned char b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            plain += alphabet[(buffer >> bits) & 0x1F];
        }
        buffer &= (1u << bits) - 1;
    }
    return grouped(plain);
}

std::optional<std::string> canonical_receipt(std::string_view typed) {
    std::string plain;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c == 'I' || c == 'L') c = '1';
        if (c == 'O') c = '0';
        if (alphabet.find(c) == std::string_view::npos) return std::nullopt;
        plain += c;
        if (plain.size() > symbols) return std::nullopt;
    }
    if (plain.size() != symbols) return std::nullopt;
    return grouped(plain);
}

}  // namespace inspel::ingest
