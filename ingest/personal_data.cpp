#include "ingest/personal_data.hpp"

#include <algorithm>
#include <optional>

namespace inspel::ingest {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_alnum(char c) { return is_digit(c) || is_ascii_alpha(c); }
bool is_high(char c) { return static_cast<unsigned char>(c) >= 0x80; }  // part of a non-ASCII letter, usually
int digit(char c) { return c - '0'; }

std::size_t digits_at(std::string_view t, std::size_t p) {
    std::size_t n = 0;
    while (p + n < t.size() && is_digit(t[p + n])) ++n;
    return n;
}

// A separator people put inside numbers: hyphen, space, no-break space, en dash (which word
// processors and phones substitute for a typed hyphen). Returns its length in bytes, or 0.
std::size_t separator_at(std::string_view t, std::size_t p, bool plus_too) {
    if (p >= t.size()) return 0;
    if (t[p] == '-' || t[p] == ' ' || (plus_too && t[p] == '+')) return 1;
    if (t.substr(p, 2) == "\xC2\xA0") return 2;
    if (t.substr(p, 3) == "\xE2\x80\x93") return 3;
    return 0;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// `year` < 0 means the century is unknown (ten-digit form): 29 February is then possible
// whenever the two-digit year is divisible by four (2000 was a leap year).
bool date_exists(int year, int yy, int month, int day) {
    static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1) return false;
    if (day > days[month - 1]) return false;
    if (month == 2 && day == 29) return year >= 0 ? leap(year) : yy % 4 == 0;
    return true;
}

bool luhn_ok(std::string_view ten) {
    int sum = 0;
    for (std::size_t i = 0; i < 9; ++i) {
        int v = digit(ten[i]) * (i % 2 == 0 ? 2 : 1);
        sum += v > 9 ? v - 9 : v;
    }
    return (10 - sum % 10) % 10 == digit(ten[9]);
}

// 10 or 12 digits; `day_offset` 0 for personnummer, 60 for samordningsnummer.
bool valid_identity_number(std::string_view d, int day_offset) {
    if (d.size() != 10 && d.size() != 12) return false;
    if (!std::all_of(d.begin(), d.end(), is_digit)) return false;
    int year = -1;
    if (d.size() == 12) {
        int century = digit(d[0]) * 10 + digit(d[1]);
        if (century < 18 || century > 20) return false;
        year = century * 100 + digit(d[2]) * 10 + digit(d[3]);
        d.remove_prefix(2);
    }
    int yy = digit(d[0]) * 10 + digit(d[1]);
    int month = digit(d[2]) * 10 + digit(d[3]);
    int day = digit(d[4]) * 10 + digit(d[5]) - day_offset;
    return date_exists(year, yy, month, day) && luhn_ok(d);
}

struct span {
    std::size_t begin, end;
};

bool overlaps(const std::vector<span>& taken, std::size_t b, std::size_t e) {
    return std::any_of(taken.begin(), taken.end(), [&](const span& s) { return b < s.end && s.begin < e; });
}

// --- e-mail ---

bool local_char(char c) {
    return is_ascii_alnum(c) || is_high(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
}
bool domain_char(char c) { return is_ascii_alnum(c) || is_high(c) || c == '.' || c == '-'; }

std::optional<span> email_around(std::string_view t, std::size_t at) {
    std::size_t b = at;
    while (b > 0 && local_char(t[b - 1])) --b;
    while (b < at && (t[b] == '.' || t[b] == '\'')) ++b;  // a sentence's full stop or a quote is not the address
    if (b == at) return std::nullopt;
    std::size_t e = at + 1;
    while (e < t.size() && domain_char(t[e])) ++e;
    while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;  // "... anna@kommun.se."
    std::string_view domain = t.substr(at + 1, e - at - 1);
    if (domain.find('.') == std::string_view::npos || domain.find("..") != std::string_view::npos ||
        domain.front() == '.' || domain.front() == '-')
        return std::nullopt;
    std::string_view tld = domain.substr(domain.rfind('.') + 1);
    if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), [](char c) { return is_ascii_alpha(c) || is_high(c); }))
        return std::nullopt;
    return span{b, e};
}

// --- personnummer and samordningsnummer ---

struct identity_candidate {
    std::size_t end;
    std::string digits;
};

// The forms a personnummer is written in, starting at `p` (which follows no digit).
std::vector<identity_candidate> identity_candidates_at(std::string_view t, std::size_t p) {
    std::vector<identity_candidate> out;
    std::size_t run = digits_at(t, p);
    if (run == 12 || run == 10) out.push_back({p + run, std::string(t.substr(p, run))});
    if (run == 8 || run == 6) {
        std::size_t sep = separator_at(t, p + run, true);
        if (sep && digits_at(t, p + run + sep) == 4) {
            std::size_t end = p + run + sep + 4;
            out.push_back({end, std::string(t.substr(p, run)) + std::string(t.substr(p + run + sep, 4))});
        }
    }
    return out;
}

// --- phone numbers ---

struct groups {
    std::size_t end = 0;
    std::size_t digits = 0;
    std::size_t count = 0;
    std::size_t first = 0;  // digits in the first group
};

// Digit groups joined by single separators, taking whole groups while the total stays within
// `max_digits`: "ring 070-123 45 67 2 gånger" stops after 67.
groups digit_groups(std::string_view t, std::size_t p, std::size_t max_digits) {
    groups g;
    g.end = p;
    std::size_t at = p;
    for (;;) {
        std::size_t run = digits_at(t, at);
        if (run == 0 || g.digits + run > max_digits) break;
        g.digits += run;
        if (g.count++ == 0) g.first = run;
        g.end = at + run;
        std::size_t sep = separator_at(t, g.end, false);
        if (!sep || digits_at(t, g.end + sep) == 0) break;
        at = g.end + sep;
    }
    return g;
}

// The Swedish number after the country code (+46 or 0046), without its leading 0.
std::optional<std::size_t> swedish_national_after_country_code(std::string_view t, std::size_t p) {
    p += separator_at(t, p, false);
    if (t.substr(p, 3) == "(0)") p += 3 + separator_at(t, p + 3, false);
    if (p >= t.size() || !is_digit(t[p]) || t[p] == '0') return std::nullopt;
    groups g = digit_groups(t, p, 9);
    if (g.digits < 7) return std::nullopt;
    if (g.count > 1 && (g.first > 3 || (g.first == 1 && t[p] != '8'))) return std::nullopt;
    return g.end;
}

std::optional<std::size_t> phone_at(std::string_view t, std::size_t p) {
    if (t[p] == '+') {
        if (t.substr(p + 1, 2) == "46") return swedish_national_after_country_code(t, p + 3);
        if (p + 1 >= t.size() || !is_digit(t[p + 1]) || t[p + 1] == '0') return std::nullopt;
        groups g = digit_groups(t, p + 1, 15);  // E.164: at most 15 digits
        if (g.digits < 8 || (g.count > 1 && g.first > 4)) return std::nullopt;
        return g.end;
    }
    if (t.substr(p, 4) == "0046") return swedish_national_after_country_code(t, p + 4);
    if (t[p] != '0' || p + 1 >= t.size() || !is_digit(t[p + 1]) || t[p + 1] == '0') return std::nullopt;
    // 0 + area code + subscriber number: 8 to 10 digits. Only Stockholm's area code (08) has two
    // digits; the others have three or four, which keeps dates like 01-02-2026 out.
    groups g = digit_groups(t, p, 10);
    if (g.digits < 8) return std::nullopt;
    if (g.count > 1 && !(g.first == 2 ? t[p + 1] == '8' : g.first == 3 || g.first == 4)) return std::nullopt;
    return g.end;
}

}  // namespace

std::string_view name_of(personal_data_kind k) {
    switch (k) {
        case personal_data_kind::personnummer: return "personnummer";
        case personal_data_kind::samordningsnummer: return "samordningsnummer";
        case personal_data_kind::email: return "email";
        case personal_data_kind::phone: return "phone";
    }
    return "unknown";
}

std::string_view placeholder(personal_data_kind k) {
    switch (k) {
        case personal_data_kind::personnummer: return "[personnummer]";
        case personal_data_kind::samordningsnummer: return "[samordningsnummer]";
        case personal_data_kind::email: return "[e-post]";
        case personal_data_kind::phone: return "[telefon]";
    }
    return "[personuppgift]";
}

bool is_valid_personnummer(std::string_view digits) { return valid_identity_number(digits, 0); }
bool is_valid_samordningsnummer(std::string_view digits) { return valid_identity_number(digits, 60); }

std::vector<personal_data_match> find_personal_data(std::string_view t) {
    std::vector<personal_data_match> found;
    std::vector<span> taken;
    auto take = [&](personal_data_kind k, std::size_t b, std::size_t e) {
        found.push_back({k, b, e});
        taken.push_back({b, e});
    };

    // E-mail first: an address may hold digits that would otherwise look like a number.
    for (std::size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
        if (auto s = email_around(t, at); s && !overlaps(taken, s->begin, s->end)) {
            take(personal_data_kind::email, s->begin, s->end);
            at = s->end - 1;
        }
    }

    for (std::size_t p = 0; p < t.size(); ++p) {
        if (!is_digit(t[p]) || (p > 0 && is_digit(t[p - 1]))) continue;
        for (const auto& c : identity_candidates_at(t, p)) {
            if (c.end < t.size() && is_digit(t[c.end])) continue;
            if (overlaps(taken, p, c.end)) continue;
            if (is_valid_personnummer(c.digits)) take(personal_data_kind::personnummer, p, c.end);
            else if (is_valid_samordningsnummer(c.digits)) take(personal_data_kind::samordningsnummer, p, c.end);
            else continue;
            p = c.end - 1;
            break;
        }
    }

    for (std::size_t p = 0; p < t.size(); ++p) {
        if (t[p] != '+' && t[p] != '0') continue;
        if (p > 0 && (is_ascii_alnum(t[p - 1]) || t[p - 1] == '+' || t[p - 1] == '.' || t[p - 1] == ',')) continue;
        auto end = phone_at(t, p);
        if (!end || (*end < t.size() && is_digit(t[*end])) || overlaps(taken, p, *end)) continue;
        take(personal_data_kind::phone, p, *end);
        p = *end - 1;
    }

    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
    return found;
}

redaction redact(std::string_view t) {
    redaction r;
    auto found = find_personal_data(t);
    if (found.empty()) {
        r.text = std::string(t);
        return r;
    }
    r.text.reserve(t.size());
    std::size_t at = 0;
    for (const auto& m : found) {
        r.text.append(t.substr(at, m.begin - at));
        r.text.append(placeholder(m.kind));
        at = m.end;
        if (std::find(r.kinds.begin(), r.kinds.end(), m.kind) == r.kinds.end()) r.kinds.push_back(m.kind);
    }
    r.text.append(t.substr(at));
    std::sort(r.kinds.begin(), r.kinds.end());
    return r;
}

}  // namespace inspel::ingest
