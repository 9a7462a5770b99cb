#include "workspace/personal_data.hpp"

#include "accounts/audit.hpp"
#include "ingest/clock.hpp"
#include "ingest/intake.hpp"
#include "ingest/personal_data.hpp"
#include "workspace/tags.hpp"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>

namespace inspel::workspace {
namespace {

using json = nlohmann::json;

std::string ascii_lower(std::string s) {
    for (auto& ch : s)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return s;
}

std::string trimmed(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

bool is_word_byte(unsigned char c) { return c >= 0x80 || std::isalnum(c) || c == '-' || c == '\''; }

bool same_word(std::string_view a, std::string_view b) {
    auto ua = icu::UnicodeString::fromUTF8(icu::StringPiece(a.data(), static_cast<int32_t>(a.size())));
    auto ub = icu::UnicodeString::fromUTF8(icu::StringPiece(b.data(), static_cast<int32_t>(b.size())));
    return ua.caseCompare(ub, U_FOLD_CASE_DEFAULT) == 0;
}

// Every word of `text` that is a word of `name` becomes "[namn]"; a run of them becomes one.
std::string redact_name(std::string_view text, const std::optional<std::string>& name) {
    if (!name) return std::string(text);
    std::vector<std::string> parts;
    std::size_t i = 0;
    while (i < name->size()) {
        while (i < name->size() && !is_word_byte(static_cast<unsigned char>((*name)[i]))) ++i;
        std::size_t start = i;
        while (i < name->size() && is_word_byte(static_cast<unsigned char>((*name)[i]))) ++i;
        // One letter ("A. Svensson") would blank every "a" in the text.
        if (i - start >= 2) parts.push_back(name->substr(start, i - start));
    }
    if (parts.empty()) return std::string(text);
    std::string out;
    std::size_t pos = 0;
    bool last_was_name = false;
    std::string gap;  // what lies between the last replacement and the next word
    while (pos < text.size()) {
        if (!is_word_byte(static_cast<unsigned char>(text[pos]))) {
            gap += text[pos++];
            continue;
        }
        std::size_t start = pos;
        while (pos < text.size() && is_word_byte(static_cast<unsigned char>(text[pos]))) ++pos;
        std::string_view word = text.substr(start, pos - start);
        bool is_name = std::any_of(parts.begin(), parts.end(), [&](const std::string& p) { return same_word(word, p); });
        if (is_name && last_was_name && gap.find_first_not_of(' ') == std::string::npos) {
            gap.clear();
            continue;  // "Karin Lindqvist" is one [namn]
        }
        out += gap;
        gap.clear();
        out += is_name ? std::string("[namn]") : std::string(word);
        last_was_name = is_name;
    }
    out += gap;
    return out;
}

// Redacts the strings inside a JSON value (a panel response's answers).
json redact_json(const json& j, const std::optional<std::string>& name) {
    if (j.is_string()) return redact_name(ingest::redact(j.get<std::string>()).text, name);
    if (j.is_array() || j.is_object()) {
        json out = j;
        for (auto& [k, v] : out.items()) v = redact_json(v, name);
        return out;
    }
    return j;
}

std::optional<std::string> redacted_text(const std::optional<std::string>& s, const std::optional<std::string>& name) {
    if (!s) return std::nullopt;
    return redact_name(ingest::redact(*s).text, name);
}

std::string hash_ref(std::string_view kind, std::string_view value) {
    return std::string(kind) + ":" + ingest::request_hash(value).substr(0, 16);
}

}  // namespace

std::string person::ref() const { return email ? hash_ref("email", *email) : hash_ref("phone", phone.value_or("")); }

std::string normalise_phone(std::string_view typed) {
    std::string t = trimmed(typed), digits;
    for (char ch : t)
        if (ch >= '0' && ch <= '9') digits += ch;
    bool plus = !t.empty() && t.front() == '+';
    std::string out;
    if (plus && digits.rfind("46", 0) == 0) out = "0" + digits.substr(2);
    else if (!plus && digits.rfind("0046", 0) == 0) out = "0" + digits.substr(4);
    else if (plus) out = "+" + digits;
    else if (digits.rfind("00", 0) == 0) out = "+" + digits.substr(2);
    else out = digits;
    // "+46 (0)8 ..." leaves "008...": the (0) was the trunk prefix already.
    if (out.rfind("00", 0) == 0) out.erase(0, 1);
    return out;
}

std::variant<person, problem> person_from(const std::optional<std::string>& email, const std::optional<std::string>& phone) {
    if (email && phone) return problem{"email", "Give either email or phone, not both."};
    if (email) {
        std::string e = ascii_lower(trimmed(*email));
        auto at = e.find('@');
        if (at == std::string::npos || at == 0 || at + 1 >= e.size() || e.find_first_of(" \t\r\n") != std::string::npos)
            return problem{"email", "'" + *email + "' is not an e-mail address."};
        return person{e, std::nullopt};
    }
    if (phone) {
        std::string p = normalise_phone(*phone);
        std::size_t digits = static_cast<std::size_t>(std::count_if(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }));
        if (digits < 6 || digits > 15) return problem{"phone", "'" + *phone + "' is not a phone number."};
        return person{std::nullopt, p};
    }
    return problem{"email", "Give the person's email or phone."};
}

std::vector<person_match> find_person(schema::connection& c, const person& p) {
    std::map<std::int64_t, bool> found;  // id -> by contact
    if (p.email) {
        auto contact = c.prepare("SELECT id FROM submissions WHERE contact_email = ? COLLATE NOCASE");
        contact.bind(1, *p.email);
        while (contact.step()) found[contact.int64(0)] = true;
        auto text = c.prepare(R"(
            SELECT id FROM submissions
            WHERE personal_data LIKE '%"email"%'
              AND (instr(lower(coalesce(title, '')), ?1) OR instr(lower(coalesce(body, '')), ?1)
                   OR instr(lower(coalesce(answers, '')), ?1)))");
        text.bind(1, *p.email);
        while (text.step()) found.emplace(text.int64(0), false);
    } else if (p.phone) {
        auto contact = c.prepare("SELECT id, contact_phone FROM submissions WHERE contact_phone IS NOT NULL");
        while (contact.step())
            if (normalise_phone(contact.text(1)) == *p.phone) found[contact.int64(0)] = true;
        auto text = c.prepare(R"(
            SELECT id, coalesce(title, '') || char(10) || coalesce(body, '') || char(10) || coalesce(answers, '')
            FROM submissions WHERE personal_data LIKE '%"phone"%')");
        while (text.step()) {
            std::string t = text.text(1);
            for (const auto& m : ingest::find_personal_data(t))
                if (m.kind == ingest::personal_data_kind::phone && normalise_phone(t.substr(m.begin, m.end - m.begin)) == *p.phone) {
                    found.emplace(text.int64(0), false);
                    break;
                }
        }
    }
    std::vector<person_match> out;
    for (const auto& [id, by_contact] : found) out.push_back({id, by_contact});
    return out;
}

json search_person(schema::connection& c, const person& p, const actor& who) {
    auto matches = find_person(c, p);
    json items = json::array();
    auto st = c.prepare(
        "SELECT receipt, kind, status, received_at, coalesce(title_redacted, ''), anonymised_at FROM submissions WHERE id = ?");
    for (const auto& m : matches) {
        st.reset();
        st.bind(1, m.id);
        if (!st.step()) continue;
        items.push_back({{"id", m.id},
                         {"receipt", st.text(0)},
                         {"kind", st.text(1)},
                         {"status", st.text(2)},
                         {"received_at", st.text(3)},
                         {"title", st.text(4)},
                         {"anonymised_at", st.is_null(5) ? json(nullptr) : json(st.text(5))},
                         {"found_by", m.by_contact ? "contact" : "text"}});
    }
    accounts::append_audit(c, {who.username, "personal_data.search", "person", p.ref(),
                               {{"by", p.email ? "email" : "phone"}, {"items", items.size()}}, who.client_address});
    return {{"items", items}, {"total", items.size()}};
}

json export_person(schema::connection& c, const person& p, const actor& who, const std::string& now) {
    auto matches = find_person(c, p);
    json items = json::array();
    for (const auto& m : matches) {
        auto item = item_json(c, m.id, true, true);
        if (!item) continue;
        // Internal machinery is not the person's data: who handled the item when, routing scores.
        item->erase("history");
        item->erase("routing");
        item->erase("redacted");
        (*item)["found_by"] = m.by_contact ? "contact" : "text";
        items.push_back(std::move(*item));
    }
    accounts::append_audit(c, {who.username, "personal_data.export", "person", p.ref(),
                               {{"by", p.email ? "email" : "phone"}, {"items", items.size()}}, who.client_address});
    json subject = p.email ? json{{"email", *p.email}} : json{{"phone", *p.phone}};
    return {{"exported_at", now},
            {"exported_by", who.username},
            {"person", subject},
            {"controller_note",
             "Uppgifter som kommunen har om dig i Inspel. / The data the municipality holds about you in Inspel."},
            {"items", items}};
}

outcome anonymise_items(schema::connection& c, const std::vector<person_match>& items, const std::string& reason,
                        const actor& who, const std::string& now) {
    outcome o;
    auto read = c.prepare(R"(
        SELECT contact_name, contact_email, contact_phone, title, title_redacted, body, body_redacted,
               answers, answers_redacted, answer
        FROM submissions WHERE id = ?)");
    auto update = c.prepare(R"(
        UPDATE submissions
        SET title = ?2, title_redacted = ?2, body = ?3, body_redacted = ?3, answers = ?4, answers_redacted = ?4,
            answer = ?5,
            contact_name = CASE WHEN ?6 THEN NULL ELSE contact_name END,
            contact_email = CASE WHEN ?6 THEN NULL ELSE contact_email END,
            contact_phone = CASE WHEN ?6 THEN NULL ELSE contact_phone END,
            anonymised_at = CASE WHEN ?6 THEN ?7 ELSE anonymised_at END,
            updated_at = ?7
        WHERE id = ?1)");
    auto notes = c.prepare("SELECT id, text FROM submission_notes WHERE submission_id = ?");
    auto note_update = c.prepare("UPDATE submission_notes SET text = ? WHERE id = ?");
    for (const auto& m : items) {
        read.reset();
        read.bind(1, m.id);
        if (!read.step()) continue;
        std::optional<std::string> name = m.by_contact ? read.optional_text(0) : std::nullopt;
        bool had_contact = m.by_contact && (!read.is_null(0) || !read.is_null(1) || !read.is_null(2));
        auto title = redacted_text(read.optional_text(4), name), body = redacted_text(read.optional_text(6), name);
        std::optional<std::string> answers;
        if (!read.is_null(8)) answers = redact_json(json::parse(read.text(8), nullptr, false), name).dump();
        auto answer = redacted_text(read.optional_text(9), name);
        bool text_changes = title != read.optional_text(3) || title != read.optional_text(4) ||
                            body != read.optional_text(5) || body != read.optional_text(6) ||
                            answers != read.optional_text(7) || answers != read.optional_text(8) ||
                            answer != read.optional_text(9);
        std::vector<std::pair<std::int64_t, std::string>> note_changes;
        notes.reset();
        notes.bind(1, m.id);
        while (notes.step()) {
            std::string before = notes.text(1), after = redact_name(ingest::redact(before).text, name);
            if (after != before) note_changes.emplace_back(notes.int64(0), after);
        }
        if (!had_contact && !text_changes && note_changes.empty()) continue;

        update.reset();
        update.bind(1, m.id).bind(2, title).bind(3, body).bind(4, answers).bind(5, answer);
        update.bind(6, m.by_contact ? 1 : 0).bind(7, now).run();
        for (const auto& [note_id, text] : note_changes) {
            note_update.reset();
            note_update.bind(1, text).bind(2, note_id).run();
        }
        if (m.by_contact)
            c.prepare(R"(
                UPDATE outgoing_mail
                SET recipient = NULL, body = '',
                    cancelled_at = CASE WHEN sent_at IS NULL AND cancelled_at IS NULL THEN ?1 ELSE cancelled_at END
                WHERE submission_id = ?2 AND (recipient IS NOT NULL OR body != ''))")
                .bind(1, now)
                .bind(2, m.id)
                .run();
        c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, ?)").bind(1, m.id).bind(2, now).run();
        accounts::append_audit(c, {who.username, "submission.anonymise", "submission", std::to_string(m.id),
                                   {{"reason", reason}, {"contact_removed", had_contact}, {"notes_redacted", note_changes.size()}},
                                   who.client_address});
        ++o.changed;
    }
    return o;
}

outcome anonymise_person(schema::connection& c, const person& p, const actor& who, const std::string& now) {
    auto matches = find_person(c, p);
    auto o = anonymise_items(c, matches, "request", who, now);
    accounts::append_audit(c, {who.username, "personal_data.anonymise", "person", p.ref(),
                               {{"by", p.email ? "email" : "phone"}, {"items", matches.size()}, {"changed", o.changed}},
                               who.client_address});
    return o;
}

std::vector<retention_item> retention_due(schema::connection& c, const std::map<std::string, int>& months,
                                          std::chrono::system_clock::time_point now) {
    using namespace std::chrono;
    std::vector<retention_item> out;
    auto st = c.prepare(R"(
        SELECT id, kind, received_at,
               contact_name IS NOT NULL OR contact_email IS NOT NULL OR contact_phone IS NOT NULL
        FROM submissions
        WHERE kind = ? AND anonymised_at IS NULL AND received_at < ?
        ORDER BY id)");
    year_month_day today{floor<days>(now)};
    for (const auto& [kind, n] : months) {
        if (n <= 0) continue;
        // Calendar months back from today; 31 March minus one month is the last day of February.
        year_month_day back = today - std::chrono::months(n);
        if (!back.ok()) back = back.year() / back.month() / last;
        std::string cutoff = ingest::iso_utc(sys_days(back) + (now - floor<days>(now)));
        st.reset();
        st.bind(1, kind).bind(2, cutoff);
        while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.int64(3) != 0});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

std::vector<retention_item> apply_retention(schema::connection& c, const std::map<std::string, int>& months,
                                            std::chrono::system_clock::time_point now) {
    auto due = retention_due(c, months, now);
    std::vector<person_match> items;
    for (const auto& d : due) items.push_back({d.id, true});
    anonymise_items(c, items, "retention", {"system", "admin", ""}, ingest::iso_utc(now));
    // Items that needed nothing still get their mark, so the next run does not look at them again.
    c.prepare("UPDATE submissions SET anonymised_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND anonymised_at IS NULL")
        .bind(1, ingest::iso_utc(now))
        .bind(2, json([&] {
                     std::vector<std::int64_t> ids;
                     for (const auto& d : due) ids.push_back(d.id);
                     return ids;
                 }()).dump())
        .run();
    return due;
}

}  // namespace inspel::workspace
