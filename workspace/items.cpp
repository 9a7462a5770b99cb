#include "workspace/items.hpp"

#include "accounts/audit.hpp"
#include "workspace/mail.hpp"
#include "workspace/tags.hpp"

#include <algorithm>

namespace inspel::workspace {
namespace {

using json = nlohmann::json;

struct item_state {
    status current = status::received;
    std::optional<std::string> assignee;
};

std::optional<item_state> load_state(schema::connection& c, std::int64_t id) {
    auto st = c.prepare("SELECT status, assignee FROM submissions WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    auto s = parse_status(st.text(0));
    // The trigger of migration 0007 keeps other values out; an old row would be read as received.
    return item_state{s.value_or(status::received), st.optional_text(1)};
}

std::string trimmed(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::size_t utf8_length(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

void enqueue_index(schema::connection& c, std::int64_t id, const std::string& now) {
    c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, ?)").bind(1, id).bind(2, now).run();
}

std::optional<problem> check_assignee(schema::connection& c, const std::string& name) {
    auto st = c.prepare("SELECT role, disabled_at FROM users WHERE username = ?");
    st.bind(1, name);
    if (!st.step()) return problem{"assignee", "There is no user '" + name + "'."};
    if (!st.is_null(1)) return problem{"assignee", "The user '" + name + "' is disabled."};
    if (!may_handle(st.text(0))) return problem{"assignee", "'" + name + "' is not an official and cannot handle items."};
    return std::nullopt;
}

void set_status(schema::connection& c, std::int64_t id, status from, status to, const std::string& reason,
                const actor& who, const std::string& now) {
    c.prepare(R"(
        UPDATE submissions
        SET status = ?1,
            rejection_reason = CASE WHEN ?1 = 'rejected' THEN ?2 ELSE NULL END,
            taken_up_at = coalesce(taken_up_at, ?3),
            updated_at = ?3
        WHERE id = ?4)")
        .bind(1, to_string(to))
        .bind(2, reason)
        .bind(3, now)
        .bind(4, id)
        .run();
    enqueue_index(c, id, now);
    json details = {{"from", to_string(from)}, {"to", to_string(to)}};
    if (to == status::rejected) details["reason"] = reason;
    accounts::append_audit(c, {who.username, "submission.status", "submission", std::to_string(id), details,
                               who.client_address});
}

void set_assignee(schema::connection& c, std::int64_t id, const std::optional<std::string>& from,
                  const std::optional<std::string>& to, const actor& who, const std::string& now) {
    c.prepare("UPDATE submissions SET assignee = ?, updated_at = ? WHERE id = ?").bind(1, to).bind(2, now).bind(3, id).run();
    accounts::append_audit(c, {who.username, "submission.assign", "submission", std::to_string(id),
                               {{"from", from ? json(*from) : json(nullptr)}, {"to", to ? json(*to) : json(nullptr)}},
                               who.client_address});
}

bool same_name(const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

json text_or_null(const schema::statement& st, int col) { return st.is_null(col) ? json(nullptr) : json(st.text(col)); }

}  // namespace

bool may_handle(std::string_view role) { return role == "admin" || role == "official"; }

std::variant<patch_request, problem> parse_patch(const json& body) {
    if (!body.is_object()) return problem{"", "The body must be a JSON object."};
    patch_request p;
    for (const auto& [key, value] : body.items()) {
        if (key == "status") {
            if (!value.is_string()) return problem{"status", "status must be a string"};
            p.new_status = parse_status(value.get<std::string>());
            if (!p.new_status)
                return problem{"status", "status must be one of received, in_progress, answered, closed, rejected"};
        } else if (key == "reason") {
            if (!value.is_string()) return problem{"reason", "reason must be a string"};
            p.reason = trimmed(value.get<std::string>());
            if (utf8_length(p.reason) > max_reason_length)
                return problem{"reason", "reason has at most " + std::to_string(max_reason_length) + " characters"};
        } else if (key == "assignee") {
            if (value.is_null()) p.assignee.emplace(std::nullopt);
            else if (value.is_string() && !trimmed(value.get<std::string>()).empty()) p.assignee.emplace(trimmed(value.get<std::string>()));
            else if (value.is_string()) p.assignee.emplace(std::nullopt);
            else return problem{"assignee", "assignee must be a username or null"};
        } else if (key == "tags") {
            auto change = parse_tag_change(value, nullptr);
            if (auto* pr = std::get_if<problem>(&change)) return problem{"tags", pr->message};
            if (!value.is_array()) return problem{"tags", "tags must be a list of tag names"};
            p.tags = std::get<tag_change>(change).add;
        } else {
            return problem{key, "unknown field '" + key + "' (status, reason, assignee, tags)"};
        }
    }
    if (p.empty()) return problem{"", "Nothing to change: send status, assignee or tags."};
    if (!p.reason.empty() && p.new_status != status::rejected)
        return problem{"reason", "A reason goes with status rejected."};
    return p;
}

outcome patch(schema::connection& c, std::int64_t id, const patch_request& p, const actor& who, const std::string& now) {
    auto state = load_state(c, id);
    if (!state) return outcome::fail(result_code::not_found, "id", "There is no item " + std::to_string(id) + ".");
    bool status_changes = p.new_status && *p.new_status != state->current;
    if (status_changes)
        if (auto pr = check_status_change(state->current, *p.new_status, p.reason))
            return outcome::fail(pr->field == "reason" ? result_code::invalid : result_code::conflict, pr->field, pr->message);
    bool assignee_changes = p.assignee && *p.assignee != state->assignee;
    if (assignee_changes && p.assignee->has_value())
        if (auto pr = check_assignee(c, **p.assignee)) return outcome::fail(result_code::invalid, pr->field, pr->message);
    tag_change tags;
    if (p.tags) {
        auto current = tags_of(c, id);
        for (const auto& want : *p.tags)
            if (std::none_of(current.begin(), current.end(), [&](const std::string& h) { return same_name(h, want); }))
                tags.add.push_back(want);
        for (const auto& has : current)
            if (std::none_of(p.tags->begin(), p.tags->end(), [&](const std::string& w) { return same_name(has, w); }))
                tags.remove.push_back(has);
    }

    outcome o;
    if (status_changes) set_status(c, id, state->current, *p.new_status, p.reason, who, now);
    if (assignee_changes) set_assignee(c, id, state->assignee, *p.assignee, who, now);
    bool tags_changed = !tags.empty() && apply_tags(c, {id}, tags, who, now).changed > 0;
    o.changed = (status_changes || assignee_changes || tags_changed) ? 1 : 0;
    return o;
}

outcome bulk_status(schema::connection& c, const std::vector<std::int64_t>& ids, status to, const std::string& reason,
                    const actor& who, const std::string& now) {
    if (to == status::rejected && trimmed(reason).empty())
        return outcome::fail(result_code::invalid, "reason", "Give the reason for rejecting the items; the residents are told it.");
    if (to == status::answered || to == status::received) {
        auto pr = check_status_change(status::in_progress, to, reason);
        return outcome::fail(result_code::invalid, "status", pr ? pr->message : "not allowed");
    }
    outcome o;
    for (auto id : ids) {
        auto state = load_state(c, id);
        if (!state || state->current == to || check_status_change(state->current, to, reason)) continue;
        set_status(c, id, state->current, to, trimmed(reason), who, now);
        ++o.changed;
    }
    return o;
}

outcome bulk_assign(schema::connection& c, const std::vector<std::int64_t>& ids, const std::optional<std::string>& assignee,
                    const actor& who, const std::string& now) {
    if (assignee)
        if (auto pr = check_assignee(c, *assignee)) return outcome::fail(result_code::invalid, pr->field, pr->message);
    outcome o;
    for (auto id : ids) {
        auto state = load_state(c, id);
        if (!state || state->assignee == assignee) continue;
        set_assignee(c, id, state->assignee, assignee, who, now);
        ++o.changed;
    }
    return o;
}

outcome add_note(schema::connection& c, std::int64_t id, const std::string& typed, const actor& who, const std::string& now) {
    std::string text = trimmed(typed);
    if (text.empty()) return outcome::fail(result_code::invalid, "text", "Write the note first.");
    if (utf8_length(text) > max_note_length)
        return outcome::fail(result_code::invalid, "text", "A note has at most " + std::to_string(max_note_length) + " characters.");
    if (!load_state(c, id)) return outcome::fail(result_code::not_found, "id", "There is no item " + std::to_string(id) + ".");
    c.prepare("INSERT INTO submission_notes (submission_id, author, text, created_at) VALUES (?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, who.username)
        .bind(3, text)
        .bind(4, now)
        .run();
    outcome o;
    o.id = c.last_insert_rowid();
    o.changed = 1;
    // The note's text stays out of the audit row: it may name the resident.
    accounts::append_audit(c, {who.username, "submission.note", "submission", std::to_string(id), {{"note", o.id}},
                               who.client_address});
    return o;
}

outcome answer(schema::connection& c, std::int64_t id, const std::string& typed, const actor& who, const std::string& now,
               const answer_options& options) {
    std::string text = trimmed(typed);
    if (text.empty()) return outcome::fail(result_code::invalid, "text", "Write the answer first.");
    if (utf8_length(text) > max_answer_length)
        return outcome::fail(result_code::invalid, "text",
                             "An answer has at most " + std::to_string(max_answer_length) + " characters.");
    auto st = c.prepare("SELECT status, contact_email, receipt, language FROM submissions WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return outcome::fail(result_code::not_found, "id", "There is no item " + std::to_string(id) + ".");
    status from = parse_status(st.text(0)).value_or(status::received);
    if (auto pr = check_answer(from)) return outcome::fail(result_code::conflict, pr->field, pr->message);
    auto email = st.optional_text(1);
    std::string receipt = st.text(2), language = st.text(3);

    c.prepare(R"(
        UPDATE submissions
        SET answer = ?1, answered_at = ?2, status = 'answered', rejection_reason = NULL,
            taken_up_at = coalesce(taken_up_at, ?2), updated_at = ?2
        WHERE id = ?3)")
        .bind(1, text)
        .bind(2, now)
        .bind(3, id)
        .run();
    enqueue_index(c, id, now);
    outcome o;
    o.changed = 1;
    if (options.send_mail && email) {
        auto mail = answer_mail(receipt, language, text, options.public_url);
        c.prepare(R"(
            INSERT INTO outgoing_mail (submission_id, recipient, subject, body, created_at, next_attempt_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?5))")
            .bind(1, id)
            .bind(2, *email)
            .bind(3, mail.subject)
            .bind(4, mail.body)
            .bind(5, now)
            .run();
        o.mail_queued = true;
        o.id = c.last_insert_rowid();
    }
    accounts::append_audit(c, {who.username, "submission.answer", "submission", std::to_string(id),
                               {{"from", to_string(from)}, {"mailed", o.mail_queued}, {"length", utf8_length(text)}},
                               who.client_address});
    return o;
}

outcome record_personal_view(schema::connection& c, std::int64_t id, const actor& who) {
    if (!load_state(c, id)) return outcome::fail(result_code::not_found, "id", "There is no item " + std::to_string(id) + ".");
    accounts::append_audit(c, {who.username, "submission.view_personal_data", "submission", std::to_string(id), json::object(),
                               who.client_address});
    return {};
}

std::optional<json> item_json(schema::connection& c, std::int64_t id, bool personal, bool notes) {
    auto st = c.prepare(R"(
        SELECT s.id, s.receipt, s.kind, s.feedback_type, s.title, s.title_redacted, s.body, s.body_redacted,
               s.answers, s.answers_redacted, s.personal_data, d.slug, d.title, s.area, s.language,
               s.consent_publish, s.channel, s.status, s.assignee, s.rejection_reason, s.answer, s.answered_at,
               s.received_at, s.updated_at, s.taken_up_at, s.anonymised_at,
               s.contact_name, s.contact_email, s.contact_phone,
               s.routing_outcome, rd.slug, s.routing_action, s.routing_score, s.routing_explanation, s.duplicate_of
        FROM submissions s
        LEFT JOIN dialogues d ON d.id = s.dialogue_id
        LEFT JOIN dialogues rd ON rd.id = s.routing_dialogue_id
        WHERE s.id = ?)");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    auto parsed = [&](int col) { return st.is_null(col) ? json(nullptr) : json::parse(st.text(col), nullptr, false); };
    json j = {{"id", st.int64(0)},
              {"receipt", st.text(1)},
              {"kind", st.text(2)},
              {"feedback_type", text_or_null(st, 3)},
              {"title", text_or_null(st, personal ? 4 : 5)},
              {"body", text_or_null(st, personal ? 6 : 7)},
              {"answers", parsed(personal ? 8 : 9)},
              {"redacted", !personal},
              {"personal_data_found", parsed(10)},
              {"dialogue", st.is_null(11) ? json(nullptr) : json{{"slug", st.text(11)}, {"title", st.text(12)}}},
              {"area", text_or_null(st, 13)},
              {"language", st.text(14)},
              {"consent_publish", st.int64(15) != 0},
              {"channel", st.text(16)},
              {"status", st.text(17)},
              {"assignee", text_or_null(st, 18)},
              {"rejection_reason", text_or_null(st, 19)},
              {"answer", st.is_null(20) ? json(nullptr) : json{{"text", st.text(20)}, {"answered_at", text_or_null(st, 21)}}},
              {"received_at", st.text(22)},
              {"updated_at", st.text(23)},
              {"taken_up_at", text_or_null(st, 24)},
              {"anonymised_at", text_or_null(st, 25)}};
    json contact = {{"has_name", !st.is_null(26)}, {"has_email", !st.is_null(27)}, {"has_phone", !st.is_null(28)}};
    if (personal) {
        contact["name"] = text_or_null(st, 26);
        contact["email"] = text_or_null(st, 27);
        contact["phone"] = text_or_null(st, 28);
    }
    j["contact"] = contact;
    json routing = {{"outcome", text_or_null(st, 29)},
                    {"dialogue", text_or_null(st, 30)},
                    {"action", text_or_null(st, 31)},
                    {"score", st.is_null(32) ? json(nullptr) : json(st.real(32))},
                    {"explanation", parsed(33)}};
    std::optional<std::int64_t> duplicate_of;
    if (!st.is_null(34)) duplicate_of = st.int64(34);

    json decisions = json::array();
    auto rd = c.prepare(R"(
        SELECT r.outcome, d.slug, r.action, r.score, r.explanation, r.decided_by, r.reason, r.decided_at
        FROM routing_decisions r LEFT JOIN dialogues d ON d.id = r.dialogue_id
        WHERE r.submission_id = ? ORDER BY r.id)");
    rd.bind(1, id);
    while (rd.step())
        decisions.push_back({{"outcome", rd.text(0)},
                             {"dialogue", text_or_null(rd, 1)},
                             {"action", text_or_null(rd, 2)},
                             {"score", rd.is_null(3) ? json(nullptr) : json(rd.real(3))},
                             {"explanation", json::parse(rd.text(4), nullptr, false)},
                             {"decided_by", rd.text(5)},
                             {"reason", text_or_null(rd, 6)},
                             {"decided_at", rd.text(7)}});
    routing["decisions"] = decisions;
    j["routing"] = routing;

    // Near-duplicates: what this one repeats, and what repeats it (redacted titles only).
    auto title_of = c.prepare("SELECT coalesce(title_redacted, ''), kind, received_at FROM submissions WHERE id = ?");
    j["duplicate_of"] = nullptr;
    if (duplicate_of) {
        title_of.bind(1, *duplicate_of);
        if (title_of.step())
            j["duplicate_of"] = {{"id", *duplicate_of}, {"title", title_of.text(0)}, {"kind", title_of.text(1)},
                                 {"received_at", title_of.text(2)}};
    }
    json duplicates = json::array();
    auto dup = c.prepare(
        "SELECT id, coalesce(title_redacted, ''), kind, received_at FROM submissions WHERE duplicate_of = ? ORDER BY id LIMIT 100");
    dup.bind(1, id);
    while (dup.step())
        duplicates.push_back({{"id", dup.int64(0)}, {"title", dup.text(1)}, {"kind", dup.text(2)}, {"received_at", dup.text(3)}});
    j["duplicates"] = duplicates;

    j["tags"] = tags_of(c, id);

    json note_list = json::array();
    if (notes) {
        auto n = c.prepare("SELECT id, author, text, created_at FROM submission_notes WHERE submission_id = ? ORDER BY id");
        n.bind(1, id);
        while (n.step())
            note_list.push_back({{"id", n.int64(0)}, {"author", n.text(1)}, {"text", n.text(2)}, {"created_at", n.text(3)}});
    }
    j["notes"] = note_list;

    json mail = json::array();
    auto m = c.prepare(R"(
        SELECT id, created_at, attempts, next_attempt_at, last_error, sent_at, cancelled_at
        FROM outgoing_mail WHERE submission_id = ? ORDER BY id)");
    m.bind(1, id);
    while (m.step()) {
        std::string state = !m.is_null(5) ? "sent" : !m.is_null(6) ? "cancelled" : m.int64(2) > 0 ? "retrying" : "queued";
        mail.push_back({{"id", m.int64(0)},
                        {"created_at", m.text(1)},
                        {"attempts", m.int64(2)},
                        {"next_attempt_at", m.text(3)},
                        {"last_error", text_or_null(m, 4)},
                        {"sent_at", text_or_null(m, 5)},
                        {"state", state}});
    }
    j["mail"] = mail;

    accounts::audit_filter f;
    f.object_type = "submission";
    f.object_id = std::to_string(id);
    f.limit = accounts::audit_filter::max_limit;
    auto page = accounts::query_audit(c, f);
    json history = json::array();
    for (auto it = page.records.rbegin(); it != page.records.rend(); ++it)
        history.push_back({{"at", it->at}, {"actor", it->entry.actor}, {"action", it->entry.action}, {"details", it->entry.details}});
    j["history"] = history;
    return j;
}

json list_templates(schema::connection& c) {
    auto st = c.prepare("SELECT id, name, kind, language, body, created_by, updated_at FROM response_templates "
                        "ORDER BY name COLLATE NOCASE");
    json out = json::array();
    while (st.step())
        out.push_back({{"id", st.int64(0)},
                       {"name", st.text(1)},
                       {"kind", text_or_null(st, 2)},
                       {"language", st.text(3)},
                       {"body", st.text(4)},
                       {"created_by", st.text(5)},
                       {"updated_at", st.text(6)}});
    return out;
}

std::variant<json, problem> parse_template(const json& body) {
    if (!body.is_object()) return problem{"", "The body must be a JSON object."};
    json out = {{"kind", nullptr}, {"language", "sv"}};
    for (const auto& [key, value] : body.items()) {
        if (key == "name" || key == "body" || key == "language") {
            if (!value.is_string()) return problem{key, key + " must be a string"};
            out[key] = trimmed(value.get<std::string>());
        } else if (key == "kind") {
            if (value.is_null()) continue;
            static const std::vector<std::string> kinds = {"proposal", "feedback", "panel_response", "public_question"};
            if (!value.is_string() || std::find(kinds.begin(), kinds.end(), value.get<std::string>()) == kinds.end())
                return problem{"kind", "kind must be proposal, feedback, panel_response, public_question or null"};
            out["kind"] = value;
        } else {
            return problem{key, "unknown field '" + key + "' (name, body, kind, language)"};
        }
    }
    if (!out.contains("name") || out["name"].get<std::string>().empty()) return problem{"name", "Give the template a name."};
    if (utf8_length(out["name"].get<std::string>()) > 100) return problem{"name", "A template name has at most 100 characters."};
    if (!out.contains("body") || out["body"].get<std::string>().empty()) return problem{"body", "Write the template's text."};
    if (utf8_length(out["body"].get<std::string>()) > max_answer_length)
        return problem{"body", "A template has at most " + std::to_string(max_answer_length) + " characters."};
    auto lang = out["language"].get<std::string>();
    if (lang.size() < 2 || lang.size() > 3 || lang.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos)
        return problem{"language", "language is a two-letter code such as sv or en"};
    return out;
}

outcome create_template(schema::connection& c, const json& t, const actor& who, const std::string& now) {
    auto exists = c.prepare("SELECT 1 FROM response_templates WHERE name = ?");
    exists.bind(1, t["name"].get<std::string>());
    if (exists.step()) return outcome::fail(result_code::conflict, "name", "A template with that name exists.");
    c.prepare(R"(
        INSERT INTO response_templates (name, kind, language, body, created_by, created_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6))")
        .bind(1, t["name"].get<std::string>())
        .bind(2, t["kind"].is_null() ? std::optional<std::string>() : std::optional<std::string>(t["kind"].get<std::string>()))
        .bind(3, t["language"].get<std::string>())
        .bind(4, t["body"].get<std::string>())
        .bind(5, who.username)
        .bind(6, now)
        .run();
    outcome o;
    o.id = c.last_insert_rowid();
    o.changed = 1;
    accounts::append_audit(c, {who.username, "template.create", "response_template", std::to_string(o.id),
                               {{"name", t["name"]}}, who.client_address});
    return o;
}

std::vector<std::string> assignable_users(schema::connection& c) {
    auto st = c.prepare(
        "SELECT username FROM users WHERE disabled_at IS NULL AND role IN ('admin', 'official') ORDER BY username");
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.text(0));
    return out;
}

}  // namespace inspel::workspace
