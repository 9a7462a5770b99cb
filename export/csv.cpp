#include "export/csv.hpp"

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace inspel::exporting {

namespace {

// True for the bytes that make a field need quotes: , " CR LF.
constexpr bool needs_quotes(unsigned char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; }

// Whether `field` holds one of them; sixteen bytes at a time where SSE2 is at hand.
bool any_needs_quotes(std::string_view field) {
    std::size_t i = 0;
#ifdef __SSE2__
    const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r'),
                  lf = _mm_set1_epi8('\n');
    for (; i + 16 <= field.size(); i += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(field.data() + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        if (_mm_movemask_epi8(hit)) return true;
    }
#endif
    for (; i < field.size(); ++i)
        if (needs_quotes(static_cast<unsigned char>(field[i]))) return true;
    return false;
}

}  // namespace

csv_writer::csv_writer(output_file& out) : out_(out) { out_.write("\xEF\xBB\xBF"); }

void append_csv_field(std::string& line, std::string_view field, bool numeric) {
    bool defuse = !numeric && !field.empty() &&
                  (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@' || field[0] == '\t');
    if (!any_needs_quotes(field)) {
        if (defuse) line += '\'';
        line += field;
        return;
    }
    line += '"';
    if (defuse) line += '\'';
    // Copy up to each quote, then double it.
    while (!field.empty()) {
        const void* q = std::memchr(field.data(), '"', field.size());
        std::size_t n = q ? static_cast<std::size_t>(static_cast<const char*>(q) - field.data()) + 1 : field.size();
        line.append(field.data(), n);
        if (q) line += '"';
        field.remove_prefix(n);
    }
    line += '"';
}

void csv_writer::row(const std::vector<std::string>& fields, const std::vector<bool>& numeric) {
    for (std::size_t i = 0; i < fields.size(); ++i) field(fields[i], i < numeric.size() && numeric[i]);
    end_row();
}

void csv_writer::end_row() {
    line_ += "\r\n";
    out_.write(line_);
    line_.clear();
    first_ = true;
}

}  // namespace inspel::exporting
