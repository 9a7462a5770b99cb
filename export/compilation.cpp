#include "export/compilation.hpp"

#include "dialogue/wording.hpp"

#include <algorithm>
#include <cctype>

namespace inspel::exporting {

using nlohmann::json;

namespace {

// The dialogue's items (see export.hpp, "Which items"); ?1 is the dialogue's id. The first line lets
// SQLite use the index on dialogue_id for the common case; the second decides re-routed items.
constexpr std::string_view member_sql =
    "(s.dialogue_id = ?1 OR s.routing_dialogue_id = ?1) AND "
    "(CASE WHEN s.routing_dialogue_id IS NOT NULL AND s.routing_outcome IN ('in_purpose', 'outside_purpose', "
    "'needs_review') THEN s.routing_dialogue_id ELSE s.dialogue_id END) = ?1";

constexpr std::string_view public_sql = " AND s.consent_publish = 1 AND s.status NOT IN ('rejected', 'hidden')";

std::string item_set(audience who) {
    std::string where(member_sql);
    if (who == audience::publication) where += public_sql;
    return where;
}

std::vector<count> counts(schema::connection& c, const std::string& sql, std::int64_t id,
                          const std::string& arg2 = {}) {
    auto st = c.prepare(sql);
    st.bind(1, id);
    if (!arg2.empty()) st.bind(2, arg2);
    std::vector<count> out;
    while (st.step()) out.push_back({st.text(0), st.int64(1)});
    return out;
}

std::int64_t single(schema::connection& c, const std::string& sql, std::int64_t id) {
    auto st = c.prepare(sql);
    st.bind(1, id);
    return st.step() ? st.int64(0) : 0;
}

std::string lower_ascii(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

// One answer to `q` counted into `r`.
void tally(question_result& r, const json& value) {
    const dialogue::question& q = *r.q;
    auto option_index = [&](const std::string& v) -> std::optional<std::size_t> {
        auto it = std::find(q.options.begin(), q.options.end(), v);
        if (it == q.options.end()) return std::nullopt;
        return static_cast<std::size_t>(it - q.options.begin());
    };
    bool answered = false;
    switch (q.type) {
        case dialogue::question_type::free_text:
            answered = value.is_string() && value.get<std::string>().find_first_not_of(" \t\r\n") != std::string::npos;
            break;
        case dialogue::question_type::single_choice:
            if (value.is_string() && !value.get<std::string>().empty()) {
                answered = true;
                if (auto i = option_index(value.get<std::string>())) ++r.option_counts[*i];
                else ++r.other;
            }
            break;
        case dialogue::question_type::multiple_choice:
            if (value.is_array() && !value.empty()) {
                answered = true;
                for (const auto& v : value) {
                    auto i = v.is_string() ? option_index(v.get<std::string>()) : std::nullopt;
                    if (i) ++r.option_counts[*i];
                    else ++r.other;
                }
            }
            break;
        case dialogue::question_type::scale:
            if (value.is_number_integer()) {
                answered = true;
                auto v = value.get<std::int64_t>();
                if (q.min && q.max && v >= *q.min && v <= *q.max) {
                    ++r.option_counts[static_cast<std::size_t>(v - *q.min)];
                    r.sum += static_cast<double>(v);
                } else {
                    ++r.other;
                }
            }
            break;
    }
    if (answered) ++r.answered;
}

std::vector<std::string> split(const std::string& joined, char sep) {
    std::vector<std::string> out;
    if (joined.empty()) return out;
    std::size_t start = 0;
    while (true) {
        auto at = joined.find(sep, start);
        out.push_back(joined.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + 1;
    }
    return out;
}

}  // namespace

compilation compile(schema::connection& c, const dialogue::store::stored& d, audience who) {
    compilation out;
    out.dialogue = &d;
    out.who = who;
    out.history = dialogue::store::history(c, d.id);
    const std::string from = " FROM submissions s WHERE " + item_set(who);
    const std::int64_t id = d.id;

    out.total_received = single(c, "SELECT count(*) FROM submissions s WHERE " + std::string(member_sql), id);
    out.items = single(c, "SELECT count(*)" + from, id);

    auto kinds_found = counts(c, "SELECT s.kind, count(*)" + from + " GROUP BY s.kind", id);
    for (auto k : kinds) {
        count n{std::string(k), 0};
        for (const auto& f : kinds_found)
            if (f.key == k) n.n = f.n;
        out.by_kind.push_back(n);
    }
    out.by_area = counts(c, "SELECT coalesce(s.area, ''), count(*)" + from + " GROUP BY 1 ORDER BY 2 DESC, 1", id);
    out.targeted_areas = d.record.hints.areas;
    if (who == audience::internal)
        out.by_status = counts(c, "SELECT s.status, count(*)" + from + " GROUP BY 1 ORDER BY 2 DESC, 1", id);

    for (const auto& r : counts(c, "SELECT coalesce(s.routing_outcome, ''), count(*)" + from + " GROUP BY 1", id)) {
        if (r.key == "in_purpose") out.in_purpose += r.n;
        else if (r.key == "outside_purpose") out.outside_purpose += r.n;
        else if (r.key == "needs_review" || r.key.empty()) out.awaiting_review += r.n;
        // no_dialogue with this dialogue as dialogue_id cannot happen: triage gives it only to items sent to none.
    }
    out.outside_by_action =
        counts(c, "SELECT coalesce(s.routing_action, ''), count(*)" + from +
                      " AND s.routing_outcome = 'outside_purpose' GROUP BY 1 ORDER BY 2 DESC, 1", id);
    out.in_purpose_by_tag = counts(
        c,
        "SELECT min(t.name), count(DISTINCT s.id) FROM submissions s JOIN submission_tags st ON st.submission_id = "
        "s.id JOIN tags t ON t.id = st.tag_id WHERE " + item_set(who) +
            " AND s.routing_outcome = 'in_purpose' GROUP BY t.name COLLATE NOCASE ORDER BY 2 DESC, 1 COLLATE NOCASE",
        id);
    out.in_purpose_untagged =
        single(c, "SELECT count(*)" + from +
                      " AND s.routing_outcome = 'in_purpose' AND NOT EXISTS "
                      "(SELECT 1 FROM submission_tags st2 WHERE st2.submission_id = s.id)", id);

    for (const auto& q : d.record.questions) {
        question_result r;
        r.q = &q;
        if (q.type == dialogue::question_type::scale && q.min && q.max && *q.max >= *q.min)
            r.option_counts.assign(static_cast<std::size_t>(*q.max - *q.min + 1), 0);
        else
            r.option_counts.assign(q.options.size(), 0);
        out.questions.push_back(std::move(r));
    }
    {
        auto st = c.prepare("SELECT s.answers_redacted" + from + " AND s.kind = 'panel_response' ORDER BY s.id");
        st.bind(1, id);
        while (st.step()) {
            ++out.panel_responses;
            if (st.is_null(0)) continue;
            json answers = json::parse(st.text(0), nullptr, false);
            if (!answers.is_array()) continue;
            for (const auto& a : answers) {
                if (!a.is_object() || !a.contains("question") || !a["question"].is_string() || !a.contains("value"))
                    continue;
                const auto& qid = a["question"].get_ref<const std::string&>();
                for (auto& r : out.questions)
                    if (r.q->id == qid) tally(r, a["value"]);
            }
        }
    }

    // Participation per target group: the dialogue's frågepanel may ask it, as a choice question with
    // an option named like the group ("Pendlare", or "KPR" / its full name).
    for (const auto& g : d.record.target_groups) {
        participation_group p{g.group, group_label(g.group), g.considered, g.note.value_or(""), std::nullopt};
        for (const auto& r : out.questions) {
            if (r.q->type != dialogue::question_type::single_choice &&
                r.q->type != dialogue::question_type::multiple_choice)
                continue;
            for (std::size_t i = 0; i < r.q->options.size(); ++i) {
                auto option = lower_ascii(r.q->options[i]);
                if (option == lower_ascii(g.group) || option == lower_ascii(p.label))
                    p.responses = p.responses.value_or(0) + r.option_counts[i];
            }
        }
        out.target_groups.push_back(std::move(p));
    }
    return out;
}

void for_each_item(schema::connection& c, const compilation& comp, item_filter f, const std::string& tag,
                   std::size_t limit, const std::function<void(const item_row&)>& visit) {
    bool internal = comp.who == audience::internal;
    std::string sql =
        "SELECT s.id, s.kind, coalesce(s.feedback_type, ''), " +
        std::string(internal ? "s.received_at" : "substr(s.received_at, 1, 10)") +
        ", coalesce(s.area, ''), s.language, s.status, coalesce(s.title_redacted, ''), "
        "coalesce(s.body_redacted, ''), s.answers_redacted, s.consent_publish, coalesce(s.routing_outcome, ''), "
        "coalesce(s.routing_action, ''), s.routing_score, s.duplicate_of, "
        "(SELECT group_concat(name, char(31)) FROM (SELECT t.name AS name FROM submission_tags st "
        "JOIN tags t ON t.id = st.tag_id WHERE st.submission_id = s.id ORDER BY t.name COLLATE NOCASE, t.id)), "
        "s.personal_data, (s.contact_name IS NOT NULL OR s.contact_email IS NOT NULL OR s.contact_phone IS NOT NULL) "
        "FROM submissions s WHERE " +
        item_set(comp.who);
    switch (f) {
        case item_filter::all: break;
        case item_filter::in_purpose_with_tag:
            sql += " AND s.routing_outcome = 'in_purpose' AND EXISTS (SELECT 1 FROM submission_tags st "
                   "JOIN tags t ON t.id = st.tag_id WHERE st.submission_id = s.id AND t.name = ?2 COLLATE NOCASE)";
            break;
        case item_filter::in_purpose_untagged:
            sql += " AND s.routing_outcome = 'in_purpose' AND NOT EXISTS "
                   "(SELECT 1 FROM submission_tags st WHERE st.submission_id = s.id)";
            break;
        case item_filter::outside_purpose_with_action:
            sql += " AND s.routing_outcome = 'outside_purpose' AND coalesce(s.routing_action, '') = ?2";
            break;
        case item_filter::awaiting_review:
            sql += " AND (s.routing_outcome IS NULL OR s.routing_outcome = 'needs_review')";
            break;
        case item_filter::panel_responses: sql += " AND s.kind = 'panel_response'"; break;
    }
    sql += " ORDER BY s.id";
    if (limit) sql += " LIMIT " + std::to_string(limit);
    auto st = c.prepare(sql);
    st.bind(1, comp.dialogue->id);
    if (f == item_filter::in_purpose_with_tag || f == item_filter::outside_purpose_with_action) st.bind(2, tag);

    item_row row;
    while (st.step()) {
        row.id = st.int64(0);
        row.kind = st.text(1);
        row.feedback_type = st.text(2);
        row.received_at = st.text(3);
        row.area = st.text(4);
        row.language = st.text(5);
        row.status = st.text(6);
        row.title = st.text(7);
        row.text = st.text(8);
        row.answers = st.is_null(9) ? json(nullptr) : json::parse(st.text(9), nullptr, false);
        if (row.answers.is_discarded()) row.answers = nullptr;
        row.consent_publish = st.int64(10) != 0;
        row.routing_outcome = st.text(11);
        row.routing_action = st.text(12);
        row.routing_score = st.is_null(13) ? std::nullopt : std::optional<double>(st.real(13));
        row.duplicate_of = st.is_null(14) ? std::nullopt : std::optional<std::int64_t>(st.int64(14));
        row.tags = split(st.is_null(15) ? std::string() : st.text(15), '\x1f');
        row.personal_data.clear();
        if (json pd = json::parse(st.text(16), nullptr, false); pd.is_array())
            for (const auto& k : pd)
                if (k.is_string()) row.personal_data.push_back(k.get<std::string>());
        row.has_contact = st.int64(17) != 0;
        if (!internal) {
            row.status.clear();
            row.routing_score.reset();
            row.personal_data.clear();
            row.has_contact = false;
        }
        visit(row);
    }
}

void for_each_free_text(schema::connection& c, const compilation& comp, const std::string& question_id,
                        std::size_t limit, const std::function<void(std::int64_t, const std::string&)>& visit) {
    std::string sql =
        "SELECT s.id, json_extract(a.value, '$.value') FROM submissions s, json_each(s.answers_redacted) a WHERE " +
        item_set(comp.who) +
        " AND s.kind = 'panel_response' AND s.answers_redacted IS NOT NULL AND json_extract(a.value, '$.question') = ?2 "
        "AND json_type(a.value, '$.value') = 'text' AND trim(json_extract(a.value, '$.value'), ' ' || char(9, 10, 13)) <> '' ORDER BY s.id, a.key";
    if (limit) sql += " LIMIT " + std::to_string(limit);
    auto st = c.prepare(sql);
    st.bind(1, comp.dialogue->id).bind(2, question_id);
    while (st.step()) visit(st.int64(0), st.text(1));
}

std::string_view kind_label(std::string_view kind) {
    if (kind == "proposal") return "Medborgarförslag";
    if (kind == "feedback") return "Synpunkt";
    if (kind == "panel_response") return "Svar i frågepanelen";
    if (kind == "public_question") return "Allmänhetens fråga";
    return kind;
}

std::string_view kind_label_plural(std::string_view kind) {
    if (kind == "proposal") return "Medborgarförslag";
    if (kind == "feedback") return "Synpunkter";
    if (kind == "panel_response") return "Frågepanelen";
    if (kind == "public_question") return "Allmänhetens frågor";
    return kind;
}

std::string_view action_label(std::string_view action) {
    if (action == "forward_to_feedback") return "Skickad till synpunktshanteringen";
    if (action == "forward_to_department") return "Skickad till förvaltning";
    if (action == "register_as_proposal") return "Registrerad som medborgarförslag";
    if (action == "answer_directly") return "Besvarad direkt";
    if (action == "keep") return "Sparad utan åtgärd";
    if (action.empty()) return "Hantering inte angiven";
    return action;
}

std::string_view routing_label(std::string_view outcome) {
    if (outcome == "in_purpose") return "Inom syftet";
    if (outcome == "outside_purpose") return "Utanför syftet";
    if (outcome == "needs_review") return "Väntar på granskning";
    if (outcome == "no_dialogue") return "Ingen dialog";
    if (outcome.empty()) return "Inte bedömd ännu";
    return outcome;
}

std::string_view status_label(std::string_view status) {
    if (status == "received") return "Mottagen";
    if (status == "in_progress") return "Under handläggning";
    if (status == "answered") return "Besvarad";
    if (status == "closed") return "Avslutad";
    if (status == "rejected") return "Avvisad";
    if (status == "hidden") return "Dold";
    return status;
}

std::string_view feedback_type_label(std::string_view type) {
    if (type == "praise") return "Beröm";
    if (type == "complaint") return "Klagomål";
    if (type == "idea") return "Förslag";
    if (type == "question") return "Fråga";
    return type;
}

std::string group_label(std::string_view group) {
    if (group == "KHR") return "Kommunala handikapprådet (KHR)";
    if (group == "KPR") return "Kommunala pensionärsrådet (KPR)";
    if (group == "children_youth") return "Barn och unga";
    return std::string(group);
}

std::string answer_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
    if (value.is_array()) {
        std::string out;
        for (const auto& v : value) out += (out.empty() ? "" : "; ") + answer_text(v);
        return out;
    }
    if (value.is_null()) return {};
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace inspel::exporting
