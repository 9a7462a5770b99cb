#include "ingest/text.hpp"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <stdexcept>

namespace inspel::ingest::text {
namespace {

struct decoded {
    char32_t cp;
    std::size_t size;
};

// One well-formed UTF-8 sequence at s[i], by the table in RFC 3629 section 4.
std::optional<decoded> decode(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b0 = byte(i);
    if (b0 < 0x80) return decoded{b0, 1};
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    char32_t cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
        if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;  // no overlong forms
        if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
        return std::nullopt;
    }
    if (i + n > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k) {
        unsigned char b = byte(i + k);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return std::nullopt;
        cp = (cp << 6) | (b & 0x3F);
    }
    return decoded{cp, n};
}

bool is_white(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto d = decode(s, i);
        if (!d) return i;
        i += d->size;
    }
    return std::nullopt;
}

std::string mark_invalid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (auto d = decode(s, i)) {
            out.append(s.substr(i, d->size));
            i += d->size;
        } else {
            out.append(invalid_marker);
            ++i;
        }
    }
    return out;
}

std::optional<char32_t> find_forbidden(std::string_view s, lines allowed) {
    for (std::size_t i = 0; i < s.size();) {
        auto d = decode(s, i);
        if (!d) return U'\xFFFD';  // callers check validity first; never let bad bytes pass here either
        char32_t c = d->cp;
        i += d->size;
        if (c < 0x20) {
            if (allowed == lines::multiple && (c == '\t' || c == '\n')) continue;
            return c;
        }
        if (c >= 0x7F && c <= 0x9F) return c;
        if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) return c;
    }
    return std::nullopt;
}

std::string unify_newlines(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            out += '\n';
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string_view trim(std::string_view s) {
    for (;;) {
        if (!s.empty() && is_white(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
        else if (s.starts_with("\xC2\xA0")) s.remove_prefix(2);
        else break;
    }
    for (;;) {
        if (!s.empty() && is_white(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
        else if (s.ends_with("\xC2\xA0")) s.remove_suffix(2);
        else break;
    }
    return s;
}

std::string to_nfc(std::string_view s) {
    bool ascii = true;
    for (char c : s) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii) return std::string(s);  // ASCII is always in NFC; most input is mostly ASCII
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFC data unavailable: ") + u_errorName(status));
    icu::StringPiece piece(s.data(), static_cast<std::int32_t>(s.size()));
    if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return std::string(s);
    status = U_ZERO_ERROR;
    std::string out;
    out.reserve(s.size());
    icu::StringByteSink<std::string> sink(&out);
    nfc->normalizeUTF8(0, piece, sink, nullptr, status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("NFC normalisation failed: ") + u_errorName(status));
    return out;
}

std::size_t length(std::string_view s) {
    std::size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace inspel::ingest::text
