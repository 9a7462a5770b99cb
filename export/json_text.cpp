#include "export/json_text.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace inspel::exporting::json_text {

namespace {

// Printable ASCII other than `"` and `\`: copied as it is.
constexpr std::array<bool, 256> plain_ascii = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return t;
}();

// The length of the run of plain ASCII at the start of `s` (at most s.size()): printable, not a quote
// or backslash. Sixteen bytes at a time where SSE2 is at hand (every x86-64 has it).
inline std::size_t plain_run(std::string_view s) {
    std::size_t i = 0;
#ifdef __SSE2__
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    for (; i + 16 <= s.size(); i += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
        // A signed compare: bytes from 0x80 are negative, so "< 0x20" also catches every non-ASCII byte.
        __m128i special = _mm_or_si128(_mm_cmplt_epi8(v, space),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        if (int mask = _mm_movemask_epi8(special)) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
#endif
    while (i < s.size() && plain_ascii[static_cast<unsigned char>(s[i])]) ++i;
    return i;
}

// At s[i], a byte >= 0x80: the length of the well-formed UTF-8 sequence starting there (2 to 4), or 0
// when there is none; then `bad` is the length of the ill-formed part that one U+FFFD replaces: the
// start of a sequence and the continuation bytes valid so far, at least one byte (as nlohmann does,
// and Unicode's "maximal subpart" practice).
inline std::size_t sequence_at(std::string_view s, std::size_t i, std::size_t& bad) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) need = 1;
    else if (c == 0xE0) need = 2, lo = 0xA0;       // no overlong forms
    else if (c == 0xED) need = 2, hi = 0x9F;       // no surrogates
    else if (c >= 0xE1 && c <= 0xEF) need = 2;
    else if (c == 0xF0) need = 3, lo = 0x90;       // no overlong forms
    else if (c == 0xF4) need = 3, hi = 0x8F;       // nothing above U+10FFFF
    else if (c >= 0xF1 && c <= 0xF3) need = 3;
    else {
        bad = 1;
        return 0;
    }
    for (std::size_t k = 1; k <= need; ++k) {
        if (i + k >= s.size()) {
            bad = k;
            return 0;
        }
        auto d = static_cast<unsigned char>(s[i + k]);
        if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) {
            bad = k;
            return 0;
        }
    }
    return need + 1;
}

void append_escape(std::string& out, unsigned char c) {
    switch (c) {
        case '"': out += "\\\""; return;
        case '\\': out += "\\\\"; return;
        case '\b': out += "\\b"; return;
        case '\f': out += "\\f"; return;
        case '\n': out += "\\n"; return;
        case '\r': out += "\\r"; return;
        case '\t': out += "\\t"; return;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
            out.append(u, sizeof u);
        }
    }
}

// A recursive-descent check that text is nlohmann's compact dump of its value (see the header).
class canonical_check {
public:
    explicit canonical_check(std::string_view t) : t_(t) {}

    bool whole() { return value(0) && i_ == t_.size(); }

private:
    static constexpr int max_depth = 64;  // deeper is legal, just not expected: the slow road takes it

    bool value(int depth) {
        if (i_ >= t_.size()) return false;
        switch (t_[i_]) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': {
                bool escaped = false;
                return string(escaped);
            }
            case 't': return literal("true");
            case 'f': return literal("false");
            case 'n': return literal("null");
            default: return integer();
        }
    }

    bool object(int depth) {
        if (depth == max_depth) return false;
        ++i_;
        if (i_ < t_.size() && t_[i_] == '}') return ++i_, true;
        std::string_view previous;
        for (bool first = true;; first = false) {
            std::size_t key_start = i_ + 1;
            bool escaped = false;
            if (i_ >= t_.size() || t_[i_] != '"' || !string(escaped) || escaped) return false;
            std::string_view key = t_.substr(key_start, i_ - 1 - key_start);
            // nlohmann keeps keys in a std::map: sorted by bytes, no duplicates.
            if (!first && !(previous < key)) return false;
            previous = key;
            if (i_ >= t_.size() || t_[i_++] != ':' || !value(depth + 1) || i_ >= t_.size()) return false;
            char next = t_[i_++];
            if (next == '}') return true;
            if (next != ',') return false;
        }
    }

    bool array(int depth) {
        if (depth == max_depth) return false;
        ++i_;
        if (i_ < t_.size() && t_[i_] == ']') return ++i_, true;
        while (true) {
            if (!value(depth + 1) || i_ >= t_.size()) return false;
            char next = t_[i_++];
            if (next == ']') return true;
            if (next != ',') return false;
        }
    }

    // At the opening quote; leaves i_ after the closing one. `escaped`: the string holds an escape.
    bool string(bool& escaped) {
        ++i_;
        while (i_ < t_.size()) {
            auto c = static_cast<unsigned char>(t_[i_]);
            if (plain_ascii[c]) {
                ++i_;
            } else if (c == '"') {
                ++i_;
                return true;
            } else if (c == '\\') {
                escaped = true;
                if (!escape()) return false;
            } else if (c < 0x20) {
                return false;  // not JSON
            } else {
                std::size_t bad = 0, n = sequence_at(t_, i_, bad);
                if (n == 0) return false;  // nlohmann's parser refuses ill-formed UTF-8
                i_ += n;
            }
        }
        return false;
    }

    // The escapes nlohmann writes: the named ones, and \u00xx (lower-case) for the other controls.
    bool escape() {
        if (i_ + 1 >= t_.size()) return false;
        char e = t_[i_ + 1];
        if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
            i_ += 2;
            return true;
        }
        if (e != 'u' || i_ + 6 > t_.size() || t_[i_ + 2] != '0' || t_[i_ + 3] != '0') return false;
        char h = t_[i_ + 4], l = t_[i_ + 5];
        int low = l >= '0' && l <= '9' ? l - '0' : l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
        if ((h != '0' && h != '1') || low < 0) return false;
        int code = (h - '0') * 16 + low;
        if (code == '\b' || code == '\t' || code == '\n' || code == '\f' || code == '\r') return false;
        i_ += 6;
        return true;
    }

    bool literal(std::string_view word) {
        if (t_.substr(i_, word.size()) != word) return false;
        i_ += word.size();
        return true;
    }

    // Integers as nlohmann writes them: no "-0", no leading zero, no fraction or exponent (doubles
    // are rewritten by nlohmann, so they take the slow road), few enough digits to stay an integer.
    bool integer() {
        std::size_t start = i_;
        if (t_[i_] == '-') ++i_;
        std::size_t digits = i_;
        while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
        std::size_t n = i_ - digits;
        if (n == 0 || n > 18) return false;
        if (t_[digits] == '0' && (n > 1 || digits != start)) return false;
        return i_ == t_.size() || (t_[i_] != '.' && t_[i_] != 'e' && t_[i_] != 'E');
    }

    std::string_view t_;
    std::size_t i_ = 0;
};

}  // namespace

void append_string(std::string& out, std::string_view s) {
    out += '"';
    const std::size_t n = s.size();
    std::size_t i = 0, run = 0;  // [run, i) is copied as it is
    while (true) {
        i += plain_run(s.substr(i));
        if (i >= n) break;
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Two-byte sequences (å, ä, ö, é) first; the rest checked in full.
            if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
                i += 2;
                continue;
            }
            std::size_t bad = 0, len = sequence_at(s, i, bad);
            if (len) {
                i += len;
                continue;
            }
            out.append(s.data() + run, i - run);
            out += "\xEF\xBF\xBD";
            i += bad;
        } else {
            out.append(s.data() + run, i - run);
            append_escape(out, c);
            ++i;
        }
        run = i;
    }
    out.append(s.data() + run, n - run);
    out += '"';
}

void append_number(std::string& out, std::int64_t n) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr);
}

void append_number(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    // nlohmann's own Grisu2 conversion, the one its dump() uses.
    char buf[64];
    char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, end);
}

bool is_canonical(std::string_view text) { return canonical_check(text).whole(); }

void append_canonical(std::string& out, std::string_view text) {
    if (is_canonical(text)) {
        out += text;
        return;
    }
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) out += "null";
    else out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace inspel::exporting::json_text
