#include "dialogue/store/store.hpp"

#include "accounts/audit.hpp"

#include <unicode/timezone.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>

namespace inspel::dialogue::store {

using nlohmann::json;

namespace {

constexpr const char* columns = "id, definition, state, created_at, updated_at";

std::optional<stored> read_row(schema::statement& st) {
    auto parsed = parse(json::parse(st.text(1), nullptr, false));
    if (!parsed.value) return std::nullopt;
    stored s;
    s.id = st.int64(0);
    s.record = std::move(*parsed.value);
    // The column is authoritative for the state; the document mirrors it.
    if (auto state = state_from(st.text(2))) s.record.state = *state;
    s.created_at = st.text(3);
    s.updated_at = st.text(4);
    return s;
}

std::optional<std::string> day_column(const std::optional<day>& d) {
    return d ? std::optional<std::string>(format_day(*d)) : std::nullopt;
}

bool slug_taken(schema::connection& c, const std::string& slug, std::int64_t except_id) {
    auto st = c.prepare("SELECT 1 FROM dialogues WHERE slug = ? AND id <> ?");
    st.bind(1, slug).bind(2, except_id);
    return st.step();
}

// Rewrites the row from the record: the document and the columns copied from it.
void save(schema::connection& c, std::int64_t id, const dialogue& d, const std::string& at) {
    auto st = c.prepare(
        "UPDATE dialogues SET slug = ?, title = ?, kind = ?, language = ?, state = ?, opens_at = ?, closes_at = ?, "
        "definition = ?, updated_at = ? WHERE id = ?");
    st.bind(1, d.slug)
        .bind(2, d.title)
        .bind(3, to_string(d.kind))
        .bind(4, d.language)
        .bind(5, to_string(d.state))
        .bind(6, day_column(d.opens_at))
        .bind(7, day_column(d.closes_at))
        .bind(8, to_json(d).dump())
        .bind(9, at)
        .bind(10, id);
    st.run();
}

std::int64_t insert(schema::connection& c, const dialogue& d, const std::string& at) {
    auto st = c.prepare(
        "INSERT INTO dialogues (slug, title, kind, language, state, opens_at, closes_at, definition, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, d.slug)
        .bind(2, d.title)
        .bind(3, to_string(d.kind))
        .bind(4, d.language)
        .bind(5, to_string(d.state))
        .bind(6, day_column(d.opens_at))
        .bind(7, day_column(d.closes_at))
        .bind(8, to_json(d).dump())
        .bind(9, at)
        .bind(10, at);
    st.run();
    return c.last_insert_rowid();
}

void record_step(schema::connection& c, std::int64_t id, dialogue_state from, dialogue_state to,
                 const std::string& by, const std::string& at, const json& decision) {
    auto st = c.prepare(
        "INSERT INTO dialogue_transitions (dialogue_id, from_state, to_state, decided_by, decided_at, decision) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    st.bind(1, id).bind(2, to_string(from)).bind(3, to_string(to)).bind(4, by).bind(5, at).bind(6, decision.dump());
    st.run();
}

void audit(schema::connection& c, const request& r, std::string action, std::int64_t id, json details) {
    accounts::append_audit(c, {r.actor, std::move(action), "dialogue", std::to_string(id), std::move(details),
                               r.client_address});
}

outcome failure(status s, std::vector<field_error> errors) {
    outcome o;
    o.result = s;
    o.errors = std::move(errors);
    return o;
}

outcome not_found(std::string_view ref) {
    return failure(status::not_found, {{"id", "there is no dialogue \"" + std::string(ref) + "\""}});
}

status status_of(edit_status s) {
    switch (s) {
        case edit_status::ok: return status::ok;
        case edit_status::forbidden: return status::forbidden;
        case edit_status::invalid: return status::invalid;
        case edit_status::frozen: return status::conflict;
    }
    return status::invalid;
}

edit_context context_of(const request& r) {
    return {r.actor, r.role, swedish_day(r.now), utc_timestamp(r.now)};
}

// What changed, field by field, for the audit trail: the new values (null when removed).
json changes_of(const dialogue& after, const std::vector<std::string>& fields) {
    json all = to_json(after), out = json::object();
    for (const auto& f : fields) out[f] = all.contains(f) ? all[f] : json(nullptr);
    out.erase("amendments");
    return out;
}

outcome done(schema::connection& c, std::int64_t id) {
    outcome o;
    o.value = find(c, std::to_string(id));
    o.changed = true;
    return o;
}

}  // namespace

// --- time ---------------------------------------------------------------------------------------

day swedish_day(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    static std::mutex m;
    static std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone("Europe/Stockholm"));
    milliseconds offset = hours(1);
    {
        std::lock_guard lock(m);
        int32_t raw = 0, dst = 0;
        UErrorCode status = U_ZERO_ERROR;
        zone->getOffset(static_cast<UDate>(duration_cast<milliseconds>(t.time_since_epoch()).count()), false, raw, dst,
                        status);
        if (U_SUCCESS(status)) offset = milliseconds(raw + dst);
    }
    return year_month_day{floor<days>(t + offset)};
}

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    auto d = floor<days>(t);
    hh_mm_ss hms{floor<milliseconds>(t - d)};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ", format_day(year_month_day{d}).c_str(),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    return buf;
}

// --- reading ------------------------------------------------------------------------------------

std::optional<stored> find(schema::connection& c, std::string_view ref) {
    bool by_id = !ref.empty() && ref.size() <= 18 &&
                 std::all_of(ref.begin(), ref.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    auto st = c.cached(std::string("SELECT ") + columns + " FROM dialogues WHERE " + (by_id ? "id = ?" : "slug = ?"));
    if (by_id)
        st.bind(1, static_cast<std::int64_t>(std::stoll(std::string(ref))));
    else
        st.bind(1, ref);
    if (!st.step()) return std::nullopt;
    return read_row(st);
}

std::vector<stored> list(schema::connection& c, std::optional<dialogue_state> only) {
    auto st = c.prepare(std::string("SELECT ") + columns + " FROM dialogues" + (only ? " WHERE state = ?" : "") +
                        " ORDER BY id DESC");
    if (only) st.bind(1, to_string(*only));
    std::vector<stored> out;
    while (st.step())
        if (auto s = read_row(st)) out.push_back(std::move(*s));
    return out;
}

std::vector<history_entry> history(schema::connection& c, std::int64_t id) {
    auto st = c.prepare(
        "SELECT id, from_state, to_state, decided_by, decided_at, decision FROM dialogue_transitions "
        "WHERE dialogue_id = ? ORDER BY id");
    st.bind(1, id);
    std::vector<history_entry> out;
    while (st.step()) {
        history_entry h;
        h.id = st.int64(0);
        h.from = state_from(st.text(1)).value_or(dialogue_state::initiative);
        h.to = state_from(st.text(2)).value_or(dialogue_state::initiative);
        h.decided_by = st.text(3);
        h.decided_at = st.text(4);
        h.decision = json::parse(st.text(5), nullptr, false);
        out.push_back(std::move(h));
    }
    return out;
}

// --- changing -----------------------------------------------------------------------------------

outcome create(schema::connection& c, const json& body, const request& r) {
    auto edit = inspel::dialogue::create(body, context_of(r));
    if (edit.status != edit_status::ok) return failure(status_of(edit.status), std::move(edit.errors));
    const dialogue& d = *edit.value;
    if (slug_taken(c, d.slug, 0))
        return failure(status::conflict, {{"slug", "another dialogue already has the slug \"" + d.slug + "\""}});
    auto at = utc_timestamp(r.now);
    auto id = insert(c, d, at);
    audit(c, r, "dialogue.create", id, {{"slug", d.slug}, {"title", d.title}, {"fields", edit.changed}});
    return done(c, id);
}

outcome update(schema::connection& c, std::string_view ref, const json& patch, const request& r) {
    auto current = find(c, ref);
    if (!current) return not_found(ref);
    auto edit = apply_edit(current->record, patch, context_of(r));
    if (edit.status != edit_status::ok) return failure(status_of(edit.status), std::move(edit.errors));
    if (edit.changed.empty()) {
        outcome o;
        o.value = std::move(current);
        return o;
    }
    const dialogue& d = *edit.value;
    if (d.slug != current->record.slug && slug_taken(c, d.slug, current->id))
        return failure(status::conflict, {{"slug", "another dialogue already has the slug \"" + d.slug + "\""}});
    save(c, current->id, d, utc_timestamp(r.now));
    json details = {{"changes", changes_of(d, edit.changed)}};
    if (!edit.amended.empty()) details["amendment"] = to_json(d)["amendments"].back();
    audit(c, r, edit.amended.empty() ? "dialogue.update" : "dialogue.amend", current->id, std::move(details));
    return done(c, current->id);
}

outcome transition(schema::connection& c, std::string_view ref, const json& body, const request& r) {
    auto current = find(c, ref);
    if (!current) return not_found(ref);
    if (!body.is_object()) return failure(status::invalid, {{"(body)", "must be a JSON object with \"to\""}});
    auto to_it = body.find("to");
    if (to_it == body.end() || !to_it->is_string() || !state_from(to_it->get<std::string>()))
        return failure(status::invalid, {{"to", "must name the next state: initiative, planning, execution, "
                                                "compilation, feedback, processing, decided or evaluated"}});
    auto to = *state_from(to_it->get<std::string>());
    std::optional<std::string> note;
    if (auto n = body.find("note"); n != body.end() && !n->is_null()) {
        if (!n->is_string() || text_length(n->get_ref<const std::string&>()) > max_long_text)
            return failure(status::invalid, {{"note", "must be text of at most 10000 characters"}});
        note = n->get<std::string>();
    }

    auto today = swedish_day(r.now);
    // Role and order first: neither depends on the data sent along.
    auto gate = check_transition(current->record, to, r.role, today);
    if (gate.result == verdict::forbidden) return failure(status::forbidden, std::move(gate.problems));
    if (gate.result == verdict::out_of_order) return failure(status::conflict, std::move(gate.problems));

    // The data of the decision may come with the transition: it is an edit made at the moment of the step.
    json fields = body;
    fields.erase("to");
    fields.erase("note");
    dialogue d = current->record;
    std::vector<std::string> changed;
    if (!fields.empty()) {
        auto edit = apply_edit(current->record, fields, context_of(r));
        if (edit.status != edit_status::ok) return failure(status_of(edit.status), std::move(edit.errors));
        d = std::move(*edit.value);
        changed = std::move(edit.changed);
    }
    auto check = check_transition(d, to, r.role, today);
    if (!check.ok()) return failure(check.result == verdict::incomplete ? status::incomplete : status::conflict,
                                    std::move(check.problems));

    auto from = d.state;
    d.state = to;
    auto at = utc_timestamp(r.now);
    json decision = decision_snapshot(d, to);
    if (note) decision["note"] = *note;
    save(c, current->id, d, at);
    record_step(c, current->id, from, to, r.actor, at, decision);
    audit(c, r, "dialogue.transition", current->id,
          {{"from", to_string(from)}, {"to", to_string(to)}, {"decision", decision}, {"changes", changes_of(d, changed)}});
    return done(c, current->id);
}

outcome import(schema::connection& c, const json& definition, const request& r) {
    auto parsed = parse(definition);
    if (!parsed.value) return failure(status::invalid, std::move(parsed.errors));
    const dialogue& d = *parsed.value;
    if (auto existing = find(c, d.slug)) {
        outcome o;
        o.value = std::move(existing);
        return o;
    }
    auto gaps = check_import(d);
    if (!gaps.empty()) return failure(status::incomplete, std::move(gaps));
    auto at = utc_timestamp(r.now);
    auto id = insert(c, d, at);
    // One history row stands for the steps the dialogue took before it came here.
    if (d.state != dialogue_state::initiative) {
        json decided = json::object();
        for (auto s = next_state(dialogue_state::initiative); s; s = next_state(*s)) {
            decided.update(decision_snapshot(d, *s));
            if (*s == d.state) break;
        }
        record_step(c, id, dialogue_state::initiative, d.state, r.actor, at, {{"imported", true}, {"decided", decided}});
    }
    audit(c, r, "dialogue.import", id, {{"slug", d.slug}, {"title", d.title}, {"state", to_string(d.state)}});
    return done(c, id);
}

}  // namespace inspel::dialogue::store
