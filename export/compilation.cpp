#include "export/compilation.hpp"

#include "dialogue/wording.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>

namespace inspel::exporting {

using nlohmann::json;

namespace {

// The dialogue's items (see export.hpp, "Which items"); ?1 is the dialogue's id. The first line lets
// SQLite use the index on dialogue_id for the common case; the second decides re-routed items.
constexpr std::string_view member_sql =
    "(s.dialogue_id = ?1 OR s.routing_dialogue_id = ?1) AND "
    "(CASE WHEN s.routing_dialogue_id IS NOT NULL AND s.routing_outcome IN ('in_purpose', 'outside_purpose', "
    "'needs_review') THEN s.routing_dialogue_id ELSE s.dialogue_id END) = ?1";

// The public compilation's items among them.
constexpr std::string_view in_public_sql = "(s.consent_publish = 1 AND s.status NOT IN ('rejected', 'hidden'))";

std::string item_set(audience who) {
    std::string where(member_sql);
    if (who == audience::publication) where += " AND " + std::string(in_public_sql);
    return where;
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

// The strings of a stored JSON array (the kinds of personal data found), anything else left out.
// The stored form is nlohmann's compact dump, ["email","phone"] at most, read here without a parser;
// an escape or anything unexpected takes the parser.
void string_array(std::string_view text, std::vector<std::string>& out) {
    if (text == "[]") return;
    if (text.size() >= 4 && text.substr(0, 2) == "[\"" && text.substr(text.size() - 2) == "\"]" &&
        text.find('\\') == std::string_view::npos) {
        std::string_view inner = text.substr(2, text.size() - 4);
        std::size_t first = out.size();
        bool plain = true;
        while (plain) {
            auto at = inner.find("\",\"");
            std::string_view one = inner.substr(0, at);
            if (one.find('"') != std::string_view::npos) plain = false;
            else out.emplace_back(one);
            if (at == std::string_view::npos) break;
            inner.remove_prefix(at + 3);
        }
        if (plain) return;
        out.resize(first);
    }
    json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_array()) return;
    for (const auto& k : parsed)
        if (k.is_string()) out.push_back(k.get<std::string>());
}

// ASCII letters folded to lower case, as SQLite's NOCASE collation (tags.name) compares.
std::string fold_nocase(std::string_view s) {
    std::string out(s);
    for (auto& ch : out)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
}

bool nocase_less(std::string_view a, std::string_view b) {
    auto fold = [](char ch) { return static_cast<unsigned char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch); };
    std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        if (fold(a[i]) != fold(b[i])) return fold(a[i]) < fold(b[i]);
    return a.size() < b.size();
}

// Counts by key, as "GROUP BY key ORDER BY count DESC, key" gives them.
std::vector<count> by_count(const std::map<std::string, std::int64_t, std::less<>>& m) {
    std::vector<count> out;
    for (const auto& [key, n] : m) out.push_back({key, n});
    std::stable_sort(out.begin(), out.end(), [](const count& a, const count& b) { return a.n > b.n; });
    return out;
}

// The rows of a query ordered by its first column, an item id, walked alongside a pass over the items
// in id order: a merge, where a subquery per item would search an index a million times.
class id_ordered {
public:
    id_ordered(schema::connection& c, const std::string& sql) : st_(c.prepare(sql)) { more_ = st_.step(); }
    // Passes the rows of items before `id`.
    void skip_to(std::int64_t id) {
        while (more_ && st_.int64(0) < id) more_ = st_.step();
    }
    bool at(std::int64_t id) const { return more_ && st_.int64(0) == id; }
    void next() { more_ = st_.step(); }
    const schema::statement& row() const { return st_; }

private:
    schema::statement st_;
    bool more_ = false;
};

// The ids of each item's tags, items visited in increasing id order.
class tag_cursor {
public:
    explicit tag_cursor(schema::connection& c)
        : rows_(c, "SELECT submission_id, tag_id, added_at FROM submission_tags ORDER BY submission_id, tag_id") {}
    // The ids into `out`; `last_added`, when given, raised to the latest time one of them was added.
    void tags_of(std::int64_t item, std::vector<std::int64_t>& out, std::string* last_added = nullptr) {
        out.clear();
        for (rows_.skip_to(item); rows_.at(item); rows_.next()) {
            out.push_back(rows_.row().int64(1));
            if (last_added)
                if (auto added = rows_.row().view(2); added > *last_added) last_added->assign(added);
        }
    }

private:
    id_ordered rows_;
};

// Every tag's name (a small vocabulary, read whole), and the order an item lists its tags in: by
// name as NOCASE sorts it, then by id.
class tag_vocabulary {
public:
    explicit tag_vocabulary(schema::connection& c) {
        auto st = c.prepare("SELECT id, name FROM tags ORDER BY id");
        while (st.step()) tags_.push_back({st.int64(0), std::string(st.view(1)), 0});
        std::vector<std::size_t> order(tags_.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            if (nocase_less(tags_[a].name, tags_[b].name)) return true;
            if (nocase_less(tags_[b].name, tags_[a].name)) return false;
            return tags_[a].id < tags_[b].id;
        });
        for (std::size_t r = 0; r < order.size(); ++r) tags_[order[r]].rank = r;
    }

    // The name of tag `id`, or nullptr for an id that is not in the vocabulary.
    const std::string* name(std::int64_t id) const {
        const entry* e = find(id);
        return e ? &e->name : nullptr;
    }

    // The names of the tags `ids` (those that exist), in the item's order; views of the vocabulary.
    void names_in_order(const std::vector<std::int64_t>& ids, std::vector<std::string_view>& out) {
        found_.clear();
        for (auto id : ids)
            if (const entry* e = find(id)) found_.push_back(e);
        std::sort(found_.begin(), found_.end(), [](const entry* a, const entry* b) { return a->rank < b->rank; });
        out.clear();
        for (const entry* e : found_) out.push_back(e->name);
    }

private:
    struct entry {
        std::int64_t id;
        std::string name;
        std::size_t rank;
    };
    const entry* find(std::int64_t id) const {
        auto it = std::lower_bound(tags_.begin(), tags_.end(), id, [](const entry& e, std::int64_t v) { return e.id < v; });
        return it != tags_.end() && it->id == id ? &*it : nullptr;
    }
    std::vector<entry> tags_;
    std::vector<const entry*> found_;
};

}  // namespace

compilation compile(schema::connection& c, const dialogue::store::stored& d, audience who, std::size_t list_limit) {
    compilation out;
    out.dialogue = &d;
    out.who = who;
    out.history = dialogue::store::history(c, d.id);
    out.targeted_areas = d.record.hints.areas;
    for (const auto& q : d.record.questions) {
        question_result r;
        r.q = &q;
        if (q.type == dialogue::question_type::scale && q.min && q.max && *q.max >= *q.min)
            r.option_counts.assign(static_cast<std::size_t>(*q.max - *q.min + 1), 0);
        else
            r.option_counts.assign(q.options.size(), 0);
        out.questions.push_back(std::move(r));
    }

    // Every count in one pass over the dialogue's items (each scan of a large table costs as much as
    // reading it): by kind, area, status, routing and tag, and the frågepanel's answers.
    std::array<std::int64_t, std::size(kinds)> by_kind{};
    std::map<std::string, std::int64_t, std::less<>> by_area, by_status, by_action;
    struct tag_group {
        std::string label;  // the least name of the group's tags on the counted items
        std::int64_t items = 0;
        std::vector<std::int64_t> listed;
    };
    std::map<std::string, std::vector<std::int64_t>, std::less<>> listed_by_action;
    std::vector<std::int64_t> listed_untagged, listed_review;
    auto list = [&](std::vector<std::int64_t>& ids, std::int64_t id) {
        if (ids.size() < list_limit) ids.push_back(id);
    };
    std::map<std::string, tag_group, std::less<>> by_tag;  // by the name folded as NOCASE folds it
    auto bump = [](std::map<std::string, std::int64_t, std::less<>>& m, std::string_view key) {
        auto it = m.find(key);
        if (it == m.end()) it = m.emplace(std::string(key), 0).first;
        ++it->second;
    };
    // The high-water mark in the same pass, over every item whatever the audience: their number, the
    // latest id and change, their tags and routing decisions (merged in, in id order).
    tag_vocabulary vocabulary(c);
    tag_cursor tags(c);
    id_ordered decisions(c, "SELECT submission_id, max(id) FROM routing_decisions GROUP BY submission_id "
                            "ORDER BY submission_id");
    std::int64_t last_id = 0, tags_on_items = 0, last_decision = 0;
    std::string last_change, last_tag;
    std::vector<std::int64_t> item_tags;
    std::vector<std::string> groups_seen;
    auto st = c.prepare("SELECT s.id, s.kind, s.area, s.status, s.routing_outcome, s.routing_action, " +
                        std::string(who == audience::internal ? "1" : in_public_sql) +
                        ", CASE WHEN s.kind = 'panel_response' THEN s.answers_redacted END, s.updated_at "
                        "FROM submissions s WHERE " + std::string(member_sql) + " ORDER BY s.id");
    st.bind(1, d.id);
    while (st.step()) {
        const std::int64_t id = st.int64(0);
        ++out.total_received;
        last_id = id;
        if (auto u = st.view(8); u > last_change) last_change.assign(u);
        tags.tags_of(id, item_tags, &last_tag);
        tags_on_items += static_cast<std::int64_t>(item_tags.size());
        for (decisions.skip_to(id); decisions.at(id); decisions.next())
            last_decision = std::max(last_decision, decisions.row().int64(1));
        if (st.int64(6) == 0) continue;
        ++out.items;
        std::string_view kind = st.view(1), outcome = st.view(4);
        for (std::size_t k = 0; k < std::size(kinds); ++k)
            if (kinds[k] == kind) ++by_kind[k];
        bump(by_area, st.view(2));
        if (who == audience::internal) bump(by_status, st.view(3));
        if (outcome == "in_purpose") {
            ++out.in_purpose;
            if (item_tags.empty()) {
                ++out.in_purpose_untagged;
                list(listed_untagged, id);
            }
            // An item with two tags of one name (a shared tag and the dialogue's own) counts once.
            groups_seen.clear();
            for (auto tag : item_tags) {
                const std::string* name = vocabulary.name(tag);
                if (!name) continue;
                std::string key = fold_nocase(*name);
                if (std::find(groups_seen.begin(), groups_seen.end(), key) != groups_seen.end()) continue;
                auto& g = by_tag[key];
                if (g.items == 0 || nocase_less(*name, g.label) ||
                    (!nocase_less(g.label, *name) && *name < g.label))
                    g.label = *name;
                ++g.items;
                list(g.listed, id);
                groups_seen.push_back(std::move(key));
            }
        } else if (outcome == "outside_purpose") {
            ++out.outside_purpose;
            std::string_view action = st.view(5);
            bump(by_action, action);
            auto l = listed_by_action.find(action);
            if (l == listed_by_action.end()) l = listed_by_action.emplace(std::string(action), std::vector<std::int64_t>()).first;
            list(l->second, id);
        } else if (outcome == "needs_review" || outcome.empty()) {
            ++out.awaiting_review;
            list(listed_review, id);
        }
        // no_dialogue with this dialogue as dialogue_id cannot happen: triage gives it only to items sent to none.
        if (kind == "panel_response") {
            ++out.panel_responses;
            if (st.is_null(7)) continue;
            out.panel_with_answers.push_back(id);
            json answers = json::parse(st.view(7), nullptr, false);
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
    out.high_water_mark = {{"items", out.total_received},
                           {"last_item_id", last_id},
                           {"last_item_change", last_change},
                           {"tags_on_items", tags_on_items},
                           {"last_tag_added", last_tag},
                           {"last_routing_decision", last_decision}};
    auto dc = c.prepare(
        "SELECT d.updated_at, coalesce((SELECT max(id) FROM dialogue_transitions WHERE dialogue_id = d.id), 0) "
        "FROM dialogues d WHERE d.id = ?");
    dc.bind(1, d.id);
    if (dc.step()) {
        out.high_water_mark["dialogue_change"] = dc.text(0);
        out.high_water_mark["last_transition"] = dc.int64(1);
    }

    for (std::size_t k = 0; k < std::size(kinds); ++k) out.by_kind.push_back({std::string(kinds[k]), by_kind[k]});
    out.by_area = by_count(by_area);
    out.by_status = by_count(by_status);
    out.outside_by_action = by_count(by_action);
    for (auto& [key, g] : by_tag) {
        out.in_purpose_by_tag.push_back({g.label, g.items});
        out.listed[{item_filter::in_purpose_with_tag, g.label}] = std::move(g.listed);
    }
    for (auto& [action, ids] : listed_by_action) out.listed[{item_filter::outside_purpose_with_action, action}] = std::move(ids);
    out.listed[{item_filter::in_purpose_untagged, ""}] = std::move(listed_untagged);
    out.listed[{item_filter::awaiting_review, ""}] = std::move(listed_review);
    std::sort(out.in_purpose_by_tag.begin(), out.in_purpose_by_tag.end(), [](const count& a, const count& b) {
        return a.n != b.n ? a.n > b.n : nocase_less(a.key, b.key);
    });

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

namespace {

// The columns of an item, read as views (schema::statement copies each text): no copy per text and
// no allocation per row; a visit sees the row SQLite holds. NULL columns read as "" (a view of
// nothing), so no coalesce() is needed.
constexpr std::string_view item_columns =
    "SELECT s.id, s.kind, s.feedback_type, s.received_at, s.area, s.language, s.status, s.title_redacted, "
    "s.body_redacted, s.answers_redacted, s.consent_publish, s.routing_outcome, s.routing_action, "
    "s.routing_score, s.duplicate_of, s.personal_data, "
    "(s.contact_name IS NOT NULL OR s.contact_email IS NOT NULL OR s.contact_phone IS NOT NULL) "
    "FROM submissions s WHERE ";

// The row `st` is on as an item of `comp`'s audience; its tags come separately.
void read_item(const schema::statement& st, bool internal, item_row& row) {
    row.id = st.int64(0);
    row.kind = st.view(1);
    row.feedback_type = st.view(2);
    row.received_at = internal ? st.view(3) : st.view(3).substr(0, 10);  // the public version: the day
    row.area = st.view(4);
    row.language = st.view(5);
    row.status = internal ? st.view(6) : std::string_view();
    row.title = st.view(7);
    row.text = st.view(8);
    row.answers = st.view(9);
    row.consent_publish = st.int64(10) != 0;
    row.routing_outcome = st.view(11);
    row.routing_action = st.view(12);
    row.routing_score = internal && !st.is_null(13) ? std::optional<double>(st.real(13)) : std::nullopt;
    row.duplicate_of = st.is_null(14) ? std::nullopt : std::optional<std::int64_t>(st.int64(14));
    row.personal_data.clear();
    if (internal) string_array(st.view(15), row.personal_data);
    row.has_contact = internal && st.int64(16) != 0;
}

}  // namespace

void for_each_item(schema::connection& c, const compilation& comp, const std::function<void(const item_row&)>& visit) {
    bool internal = comp.who == audience::internal;
    auto st = c.prepare(std::string(item_columns) + item_set(comp.who) + " ORDER BY s.id");
    st.bind(1, comp.dialogue->id);
    // Tags come from a second cursor walking submission_tags in the same id order (a subquery per
    // row costs more).
    tag_vocabulary vocabulary(c);
    tag_cursor tags(c);
    std::vector<std::int64_t> tag_ids;
    item_row row;
    while (st.step()) {
        read_item(st, internal, row);
        tags.tags_of(row.id, tag_ids);
        vocabulary.names_in_order(tag_ids, row.tags);
        visit(row);
    }
}

void for_each_listed(schema::connection& c, const compilation& comp, item_filter f, const std::string& key,
                     const std::function<void(const item_row&)>& visit) {
    auto found = comp.listed.find({f, key});
    if (found == comp.listed.end()) return;
    bool internal = comp.who == audience::internal;
    auto st = c.prepare(std::string(item_columns) + "s.id = ?1");
    auto tag_st = c.prepare("SELECT tag_id FROM submission_tags WHERE submission_id = ?1 ORDER BY tag_id");
    tag_vocabulary vocabulary(c);
    std::vector<std::int64_t> tag_ids;
    item_row row;
    for (auto id : found->second) {
        st.reset();
        st.bind(1, id);
        if (!st.step()) continue;
        read_item(st, internal, row);
        tag_ids.clear();
        tag_st.reset();
        tag_st.bind(1, id);
        while (tag_st.step()) tag_ids.push_back(tag_st.int64(0));
        vocabulary.names_in_order(tag_ids, row.tags);
        visit(row);
    }
}

json item_row::parsed_answers() const {
    if (answers.empty()) return nullptr;
    json a = json::parse(answers, nullptr, false);
    return a.is_discarded() ? json(nullptr) : a;
}

void for_each_free_text(schema::connection& c, const compilation& comp, const std::string& question_id,
                        std::size_t limit, const std::function<void(std::int64_t, const std::string&)>& visit) {
    // One response at a time, found by id: the compilation's pass noted which ones hold answers, so
    // this reads those rows and not the whole table again.
    auto st = c.prepare("SELECT json_extract(a.value, '$.value') FROM submissions s, json_each(s.answers_redacted) a "
                        "WHERE s.id = ?1 AND json_extract(a.value, '$.question') = ?2 AND json_type(a.value, '$.value') "
                        "= 'text' AND trim(json_extract(a.value, '$.value'), ' ' || char(9, 10, 13)) <> '' ORDER BY a.key");
    std::size_t n = 0;
    for (auto id : comp.panel_with_answers) {
        st.reset();
        st.bind(1, id).bind(2, question_id);
        while (st.step()) {
            visit(id, std::string(st.view(0)));
            if (limit && ++n == limit) return;
        }
    }
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
