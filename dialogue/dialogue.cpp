#include "dialogue/dialogue.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <utility>

namespace inspel::dialogue {

using nlohmann::json;

// --- dates and names ----------------------------------------------------------------------------

std::optional<day> parse_day(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto number = [&](std::size_t from, std::size_t len) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = from; i < from + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
    if (!y || !m || !d) return std::nullopt;
    day result{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*m)),
               std::chrono::day(static_cast<unsigned>(*d))};
    if (!result.ok()) return std::nullopt;
    return result;
}

std::string format_day(day d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

namespace {

template <class E, std::size_t N>
using names = std::array<std::pair<E, std::string_view>, N>;

constexpr names<dialogue_kind, 2> kind_names{{{dialogue_kind::medborgardialog, "medborgardialog"},
                                              {dialogue_kind::brukardialog, "brukardialog"}}};
constexpr names<influence_level, 5> influence_names{{{influence_level::information, "information"},
                                                     {influence_level::konsultation, "konsultation"},
                                                     {influence_level::dialog, "dialog"},
                                                     {influence_level::inflytande, "inflytande"},
                                                     {influence_level::medbeslutande, "medbeslutande"}}};
constexpr names<dialogue_state, 8> state_names{{{dialogue_state::initiative, "initiative"},
                                                {dialogue_state::planning, "planning"},
                                                {dialogue_state::execution, "execution"},
                                                {dialogue_state::compilation, "compilation"},
                                                {dialogue_state::feedback, "feedback"},
                                                {dialogue_state::processing, "processing"},
                                                {dialogue_state::decided, "decided"},
                                                {dialogue_state::evaluated, "evaluated"}}};
constexpr names<outside_action, 5> action_names{{{outside_action::forward_to_feedback, "forward_to_feedback"},
                                                 {outside_action::forward_to_department, "forward_to_department"},
                                                 {outside_action::register_as_proposal, "register_as_proposal"},
                                                 {outside_action::answer_directly, "answer_directly"},
                                                 {outside_action::keep, "keep"}}};
constexpr names<question_type, 4> question_names{{{question_type::free_text, "free_text"},
                                                  {question_type::single_choice, "single_choice"},
                                                  {question_type::multiple_choice, "multiple_choice"},
                                                  {question_type::scale, "scale"}}};

template <class E, std::size_t N>
std::string_view name_of(const names<E, N>& table, E v) {
    for (const auto& [e, n] : table)
        if (e == v) return n;
    return "?";
}

template <class E, std::size_t N>
std::optional<E> value_of(const names<E, N>& table, std::string_view s) {
    for (const auto& [e, n] : table)
        if (n == s) return e;
    return std::nullopt;
}

template <class E, std::size_t N>
std::string choices(const names<E, N>& table) {
    std::string out;
    for (const auto& [e, n] : table) out += (out.empty() ? "" : ", ") + std::string(n);
    return out;
}

}  // namespace

std::string_view to_string(dialogue_kind v) { return name_of(kind_names, v); }
std::string_view to_string(influence_level v) { return name_of(influence_names, v); }
std::string_view to_string(dialogue_state v) { return name_of(state_names, v); }
std::string_view to_string(outside_action v) { return name_of(action_names, v); }
std::string_view to_string(question_type v) { return name_of(question_names, v); }
std::optional<dialogue_kind> kind_from(std::string_view s) { return value_of(kind_names, s); }
std::optional<influence_level> influence_from(std::string_view s) { return value_of(influence_names, s); }
std::optional<dialogue_state> state_from(std::string_view s) { return value_of(state_names, s); }
std::optional<outside_action> outside_action_from(std::string_view s) { return value_of(action_names, s); }
std::optional<question_type> question_type_from(std::string_view s) { return value_of(question_names, s); }

std::size_t text_length(std::string_view utf8) {
    return static_cast<std::size_t>(
        std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

const target_group* dialogue::group(std::string_view name) const {
    for (const auto& g : target_groups)
        if (g.group == name) return &g;
    return nullptr;
}

const question* dialogue::find_question(std::string_view id) const {
    for (const auto& q : questions)
        if (q.id == id) return &q;
    return nullptr;
}

// --- parsing ------------------------------------------------------------------------------------

namespace {

std::string join(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

std::string index_path(const std::string& prefix, std::size_t i) { return prefix + "[" + std::to_string(i) + "]"; }

enum class lines { one, many };

// Collects every error instead of stopping at the first, so a client sees the whole list.
class reader {
public:
    explicit reader(std::vector<field_error>& errors) : errors_(errors) {}

    void fail(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }

    // True when `j` is an object whose keys are all in `known`; unknown keys are reported.
    bool object(const json& j, const std::string& path, std::initializer_list<std::string_view> known) {
        if (!j.is_object()) {
            fail(path.empty() ? "(body)" : path, "must be a JSON object");
            return false;
        }
        for (const auto& [k, v] : j.items())
            if (std::find(known.begin(), known.end(), k) == known.end()) fail(join(path, k), "is not a known field");
        return true;
    }

    // A present value, or nullptr when the key is absent or null (null clears a field in a PATCH).
    static const json* member(const json& obj, std::string_view key) {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return nullptr;
        return &*it;
    }

    std::optional<std::string> text(const json& obj, std::string_view key, const std::string& prefix, std::size_t max,
                                    lines l = lines::one) {
        const json* v = member(obj, key);
        if (!v) return std::nullopt;
        return text_value(*v, join(prefix, key), max, l);
    }

    std::optional<std::string> text_value(const json& v, const std::string& path, std::size_t max, lines l) {
        if (!v.is_string()) {
            fail(path, "must be a string");
            return std::nullopt;
        }
        const auto& s = v.get_ref<const std::string&>();
        auto first = s.find_first_not_of(" \t\r\n");
        if (first == std::string::npos) {
            fail(path, "must not be empty (leave the field out, or send null, until it is known)");
            return std::nullopt;
        }
        for (unsigned char c : s) {
            bool allowed_space = l == lines::many && (c == '\n' || c == '\r' || c == '\t');
            if ((c < 0x20 && !allowed_space) || c == 0x7F) {
                fail(path, l == lines::one ? "must be one line without control characters"
                                           : "must not contain control characters");
                return std::nullopt;
            }
        }
        if (text_length(s) > max) {
            fail(path, "is too long (at most " + std::to_string(max) + " characters)");
            return std::nullopt;
        }
        auto last = s.find_last_not_of(" \t\r\n");
        return s.substr(first, last - first + 1);
    }

    std::optional<day> date(const json& obj, std::string_view key, const std::string& prefix) {
        const json* v = member(obj, key);
        if (!v) return std::nullopt;
        auto path = join(prefix, key);
        if (!v->is_string()) {
            fail(path, "must be a date as a string YYYY-MM-DD");
            return std::nullopt;
        }
        auto d = parse_day(v->get_ref<const std::string&>());
        if (!d) fail(path, "must be a real date written YYYY-MM-DD");
        return d;
    }

    std::optional<bool> boolean(const json& obj, std::string_view key, const std::string& prefix) {
        const json* v = member(obj, key);
        if (!v) return std::nullopt;
        if (!v->is_boolean()) {
            fail(join(prefix, key), "must be true or false");
            return std::nullopt;
        }
        return v->get<bool>();
    }

    std::optional<std::int64_t> integer(const json& obj, std::string_view key, const std::string& prefix) {
        const json* v = member(obj, key);
        if (!v) return std::nullopt;
        if (v->is_number_unsigned() && v->get<std::uint64_t>() > 1'000'000'000u) {
            fail(join(prefix, key), "is too large");
            return std::nullopt;
        }
        if (!v->is_number_integer()) {
            fail(join(prefix, key), "must be a whole number");
            return std::nullopt;
        }
        auto n = v->get<std::int64_t>();
        if (n < -1'000'000'000 || n > 1'000'000'000) {
            fail(join(prefix, key), "is out of range");
            return std::nullopt;
        }
        return n;
    }

    template <class E, std::size_t N>
    std::optional<E> choice(const json& obj, std::string_view key, const std::string& prefix,
                            const names<E, N>& table) {
        const json* v = member(obj, key);
        if (!v) return std::nullopt;
        auto path = join(prefix, key);
        std::optional<E> e = v->is_string() ? value_of(table, v->get_ref<const std::string&>()) : std::nullopt;
        if (!e) fail(path, "must be one of: " + choices(table));
        return e;
    }

    std::vector<std::string> text_list(const json& obj, std::string_view key, const std::string& prefix,
                                       std::size_t max_items, std::size_t max_length) {
        std::vector<std::string> out;
        const json* v = member(obj, key);
        if (!v) return out;
        auto path = join(prefix, key);
        if (!v->is_array()) {
            fail(path, "must be a list of strings");
            return out;
        }
        if (v->size() > max_items) {
            fail(path, "has too many entries (at most " + std::to_string(max_items) + ")");
            return out;
        }
        for (std::size_t i = 0; i < v->size(); ++i) {
            auto s = text_value((*v)[i], index_path(path, i), max_length, lines::one);
            if (!s) continue;
            if (std::find(out.begin(), out.end(), *s) != out.end())
                fail(index_path(path, i), "repeats \"" + *s + "\"");
            else
                out.push_back(std::move(*s));
        }
        return out;
    }

    formal_decision decision(const json& obj, const std::string& path, std::initializer_list<std::string_view> known) {
        formal_decision d;
        if (!object(obj, path, known)) return d;
        d.body = text(obj, "body", path, max_short_text);
        d.date = date(obj, "date", path);
        d.paragraph = text(obj, "paragraph", path, max_short_text);
        d.registry_number = text(obj, "registry_number", path, max_short_text);
        return d;
    }

    step_record step(const json& obj, const std::string& path) {
        step_record r;
        if (!object(obj, path, {"summary", "date"})) return r;
        r.summary = text(obj, "summary", path, max_long_text, lines::many);
        r.date = date(obj, "date", path);
        return r;
    }

private:
    std::vector<field_error>& errors_;
};

bool valid_slug(const std::string& s) {
    if (s.empty() || s.size() > 64 || s.front() == '-' || s.back() == '-') return false;
    bool letter = false;
    for (char c : s) {
        if (c >= 'a' && c <= 'z')
            letter = true;
        else if (!(c >= '0' && c <= '9') && c != '-')
            return false;
    }
    // All digits would be mistaken for a numeric id in /api/v1/dialogues/{id}.
    return letter;
}

bool valid_question_id(const std::string& s) {
    if (s.empty() || s.size() > 32) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

void read_questions(reader& r, const json& all, std::vector<question>& out) {
    const std::string path = "questions";
    if (!all.is_array()) return r.fail(path, "must be a list of questions");
    if (all.size() > max_questions)
        return r.fail(path, "has too many questions (at most " + std::to_string(max_questions) + ")");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const json& j = all[i];
        auto p = index_path(path, i);
        if (!r.object(j, p, {"id", "type", "text", "help", "options", "min", "max", "max_length", "required"}))
            continue;
        question q;
        bool ok = true;
        if (auto id = r.text(j, "id", p, 32)) {
            if (!valid_question_id(*id)) {
                r.fail(join(p, "id"), "must be 1-32 letters a-z, digits, '_' or '-'");
                ok = false;
            } else if (!ids.insert(*id).second) {
                r.fail(join(p, "id"), "repeats the id \"" + *id + "\"");
                ok = false;
            }
            q.id = *id;
        } else {
            if (!reader::member(j, "id")) r.fail(join(p, "id"), "is required");
            ok = false;
        }
        auto type = r.choice(j, "type", p, question_names);
        if (!type) {
            if (!reader::member(j, "type")) r.fail(join(p, "type"), "is required");
            ok = false;
        } else {
            q.type = *type;
        }
        if (auto text = r.text(j, "text", p, 1000, lines::many))
            q.text = *text;
        else {
            if (!reader::member(j, "text")) r.fail(join(p, "text"), "is required");
            ok = false;
        }
        q.help = r.text(j, "help", p, 1000, lines::many);
        q.required = r.boolean(j, "required", p).value_or(false);
        if (!type) continue;

        bool choice = *type == question_type::single_choice || *type == question_type::multiple_choice;
        if (choice) {
            q.options = r.text_list(j, "options", p, max_options, max_short_text);
            if (q.options.size() < 2) {
                r.fail(join(p, "options"), "a choice question needs at least two options");
                ok = false;
            }
        } else if (reader::member(j, "options")) {
            r.fail(join(p, "options"), "only choice questions have options");
            ok = false;
        }
        if (*type == question_type::scale) {
            q.min = r.integer(j, "min", p);
            q.max = r.integer(j, "max", p);
            if (!reader::member(j, "min")) r.fail(join(p, "min"), "a scale needs min");
            if (!reader::member(j, "max")) r.fail(join(p, "max"), "a scale needs max");
            if (q.min && q.max && *q.min >= *q.max) r.fail(join(p, "max"), "must be greater than min");
            if (q.min && q.max && *q.max - *q.min > 100) r.fail(join(p, "max"), "a scale has at most 101 steps");
            if (!q.min || !q.max || *q.min >= *q.max || *q.max - *q.min > 100) ok = false;
        } else {
            for (auto key : {"min", "max"})
                if (reader::member(j, key)) {
                    r.fail(join(p, key), "only scale questions have min and max");
                    ok = false;
                }
        }
        if (*type == question_type::free_text) {
            q.max_length = r.integer(j, "max_length", p);
            if (q.max_length && (*q.max_length < 1 || *q.max_length > 20000)) {
                r.fail(join(p, "max_length"), "must be between 1 and 20000");
                ok = false;
            }
        } else if (reader::member(j, "max_length")) {
            r.fail(join(p, "max_length"), "only free text questions have max_length");
            ok = false;
        }
        if (ok) out.push_back(std::move(q));
    }
}

void read_target_groups(reader& r, const json& all, std::vector<target_group>& out) {
    const std::string path = "target_groups";
    if (!all.is_array()) return r.fail(path, "must be a list of {\"group\", \"considered\", \"note\"}");
    if (all.size() > 50) return r.fail(path, "has too many groups (at most 50)");
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto p = index_path(path, i);
        if (!r.object(all[i], p, {"group", "considered", "note"})) continue;
        target_group g;
        auto name = r.text(all[i], "group", p, max_short_text);
        if (!name) {
            if (!reader::member(all[i], "group")) r.fail(join(p, "group"), "is required");
            continue;
        }
        g.group = *name;
        g.considered = r.boolean(all[i], "considered", p);
        g.note = r.text(all[i], "note", p, max_long_text, lines::many);
        if (std::any_of(out.begin(), out.end(), [&](const target_group& o) { return o.group == g.group; }))
            r.fail(join(p, "group"), "repeats the group \"" + g.group + "\"");
        else
            out.push_back(std::move(g));
    }
}

void read_amendments(reader& r, const json& all, std::vector<amendment>& out) {
    const std::string path = "amendments";
    if (!all.is_array()) return r.fail(path, "must be a list");
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto p = index_path(path, i);
        const json& j = all[i];
        if (!r.object(j, p, {"decision", "reason", "fields", "recorded_by", "recorded_at"})) continue;
        amendment a;
        if (const json* d = reader::member(j, "decision"))
            a.decision = r.decision(*d, join(p, "decision"), {"body", "date", "paragraph", "registry_number"});
        a.reason = r.text(j, "reason", p, max_long_text, lines::many).value_or("");
        a.fields = r.text_list(j, "fields", p, 100, 100);
        a.recorded_by = r.text(j, "recorded_by", p, max_short_text).value_or("");
        a.recorded_at = r.text(j, "recorded_at", p, 64).value_or("");
        out.push_back(std::move(a));
    }
}

}  // namespace

parse_result parse(const json& j) {
    parse_result result;
    reader r(result.errors);
    if (!r.object(j, "",
                  {"slug", "title", "kind", "language", "state", "purpose", "description", "owner", "decision",
                   "influence_level", "target_groups", "opens_at", "closes_at", "decision_expected",
                   "communication_plan", "feedback_plan", "outside_purpose", "routing_hints", "questions", "launch",
                   "compilation", "presentation", "proposal", "final_decision", "evaluation", "amendments"}))
        return result;

    dialogue d;
    if (auto slug = r.text(j, "slug", "", 64)) {
        if (!valid_slug(*slug))
            r.fail("slug", "must be 1-64 characters a-z, 0-9 and '-', with at least one letter, not starting or "
                           "ending with '-'");
        d.slug = *slug;
    } else if (!reader::member(j, "slug")) {
        r.fail("slug", "is required");
    }
    if (auto title = r.text(j, "title", "", max_title_length))
        d.title = *title;
    else if (!reader::member(j, "title"))
        r.fail("title", "is required");
    if (auto kind = r.choice(j, "kind", "", kind_names))
        d.kind = *kind;
    else if (!reader::member(j, "kind"))
        r.fail("kind", "is required: medborgardialog or brukardialog");
    if (auto lang = r.text(j, "language", "", 8)) {
        bool ok = lang->size() >= 2 && lang->size() <= 3 &&
                  std::all_of(lang->begin(), lang->end(), [](char c) { return c >= 'a' && c <= 'z'; });
        if (!ok) r.fail("language", "must be a language code such as sv or en");
        d.language = *lang;
    }
    if (auto state = r.choice(j, "state", "", state_names)) d.state = *state;
    d.purpose = r.text(j, "purpose", "", max_long_text, lines::many);
    d.description = r.text(j, "description", "", max_long_text, lines::many);
    d.owner = r.text(j, "owner", "", 100);
    if (const json* v = reader::member(j, "decision"))
        d.decision = r.decision(*v, "decision", {"body", "date", "paragraph", "registry_number"});
    d.influence = r.choice(j, "influence_level", "", influence_names);
    if (const json* v = reader::member(j, "target_groups")) read_target_groups(r, *v, d.target_groups);
    d.opens_at = r.date(j, "opens_at", "");
    d.closes_at = r.date(j, "closes_at", "");
    d.decision_expected = r.date(j, "decision_expected", "");
    d.communication_plan = r.text(j, "communication_plan", "", max_long_text, lines::many);
    d.feedback_plan = r.text(j, "feedback_plan", "", max_long_text, lines::many);
    if (const json* v = reader::member(j, "outside_purpose")) {
        if (r.object(*v, "outside_purpose", {"action", "department", "notice"})) {
            d.outside_purpose.action = r.choice(*v, "action", "outside_purpose", action_names);
            d.outside_purpose.department = r.text(*v, "department", "outside_purpose", max_short_text);
            d.outside_purpose.notice = r.text(*v, "notice", "outside_purpose", 2000, lines::many);
        }
    }
    if (const json* v = reader::member(j, "routing_hints")) {
        if (r.object(*v, "routing_hints", {"keywords", "areas"})) {
            d.hints.keywords = r.text_list(*v, "keywords", "routing_hints", 100, 100);
            d.hints.areas = r.text_list(*v, "areas", "routing_hints", 100, 100);
        }
    }
    if (const json* v = reader::member(j, "questions")) read_questions(r, *v, d.questions);
    if (const json* v = reader::member(j, "launch")) d.launch = r.step(*v, "launch");
    if (const json* v = reader::member(j, "compilation")) d.compilation = r.step(*v, "compilation");
    if (const json* v = reader::member(j, "presentation")) {
        if (r.object(*v, "presentation", {"to", "date"})) {
            d.presentation.to = r.text(*v, "to", "presentation", max_short_text);
            d.presentation.date = r.date(*v, "date", "presentation");
        }
    }
    if (const json* v = reader::member(j, "proposal")) d.proposal = r.step(*v, "proposal");
    if (const json* v = reader::member(j, "final_decision")) {
        d.final_decision.decision = r.decision(
            *v, "final_decision",
            {"body", "date", "paragraph", "registry_number", "action_plan", "resident_feedback"});
        if (v->is_object()) {
            d.final_decision.action_plan = r.text(*v, "action_plan", "final_decision", max_long_text, lines::many);
            d.final_decision.resident_feedback =
                r.text(*v, "resident_feedback", "final_decision", max_long_text, lines::many);
        }
    }
    if (const json* v = reader::member(j, "evaluation")) d.evaluation = r.step(*v, "evaluation");
    if (const json* v = reader::member(j, "amendments")) read_amendments(r, *v, d.amendments);

    if (result.errors.empty()) result.value = std::move(d);
    return result;
}

// --- serialising --------------------------------------------------------------------------------

namespace {

void put(json& j, const char* key, const std::optional<std::string>& v) {
    if (v) j[key] = *v;
}
void put(json& j, const char* key, const std::optional<day>& v) {
    if (v) j[key] = format_day(*v);
}

json decision_json(const formal_decision& d) {
    json j = json::object();
    put(j, "body", d.body);
    put(j, "date", d.date);
    put(j, "paragraph", d.paragraph);
    put(j, "registry_number", d.registry_number);
    return j;
}

json step_json(const step_record& r) {
    json j = json::object();
    put(j, "summary", r.summary);
    put(j, "date", r.date);
    return j;
}

}  // namespace

json to_json(const dialogue& d) {
    json j = json::object();
    j["slug"] = d.slug;
    j["title"] = d.title;
    j["kind"] = to_string(d.kind);
    j["language"] = d.language;
    j["state"] = to_string(d.state);
    put(j, "purpose", d.purpose);
    put(j, "description", d.description);
    put(j, "owner", d.owner);
    if (!d.decision.empty()) j["decision"] = decision_json(d.decision);
    if (d.influence) j["influence_level"] = to_string(*d.influence);
    if (!d.target_groups.empty()) {
        json groups = json::array();
        for (const auto& g : d.target_groups) {
            json o = {{"group", g.group}};
            if (g.considered) o["considered"] = *g.considered;
            put(o, "note", g.note);
            groups.push_back(std::move(o));
        }
        j["target_groups"] = std::move(groups);
    }
    put(j, "opens_at", d.opens_at);
    put(j, "closes_at", d.closes_at);
    put(j, "decision_expected", d.decision_expected);
    put(j, "communication_plan", d.communication_plan);
    put(j, "feedback_plan", d.feedback_plan);
    if (d.outside_purpose.action || d.outside_purpose.department || d.outside_purpose.notice) {
        json o = json::object();
        if (d.outside_purpose.action) o["action"] = to_string(*d.outside_purpose.action);
        put(o, "department", d.outside_purpose.department);
        put(o, "notice", d.outside_purpose.notice);
        j["outside_purpose"] = std::move(o);
    }
    if (!d.hints.keywords.empty() || !d.hints.areas.empty())
        j["routing_hints"] = {{"keywords", d.hints.keywords}, {"areas", d.hints.areas}};
    if (!d.questions.empty()) {
        json qs = json::array();
        for (const auto& q : d.questions) {
            json o = {{"id", q.id}, {"type", to_string(q.type)}, {"text", q.text}, {"required", q.required}};
            put(o, "help", q.help);
            if (!q.options.empty()) o["options"] = q.options;
            if (q.min) o["min"] = *q.min;
            if (q.max) o["max"] = *q.max;
            if (q.max_length) o["max_length"] = *q.max_length;
            qs.push_back(std::move(o));
        }
        j["questions"] = std::move(qs);
    }
    if (!d.launch.empty()) j["launch"] = step_json(d.launch);
    if (!d.compilation.empty()) j["compilation"] = step_json(d.compilation);
    if (!d.presentation.empty()) {
        json o = json::object();
        put(o, "to", d.presentation.to);
        put(o, "date", d.presentation.date);
        j["presentation"] = std::move(o);
    }
    if (!d.proposal.empty()) j["proposal"] = step_json(d.proposal);
    if (!d.final_decision.empty()) {
        json o = decision_json(d.final_decision.decision);
        put(o, "action_plan", d.final_decision.action_plan);
        put(o, "resident_feedback", d.final_decision.resident_feedback);
        j["final_decision"] = std::move(o);
    }
    if (!d.evaluation.empty()) j["evaluation"] = step_json(d.evaluation);
    if (!d.amendments.empty()) {
        json as = json::array();
        for (const auto& a : d.amendments) {
            json o = {{"decision", decision_json(a.decision)}, {"fields", a.fields}};
            if (!a.reason.empty()) o["reason"] = a.reason;
            if (!a.recorded_by.empty()) o["recorded_by"] = a.recorded_by;
            if (!a.recorded_at.empty()) o["recorded_at"] = a.recorded_at;
            as.push_back(std::move(o));
        }
        j["amendments"] = std::move(as);
    }
    return j;
}

}  // namespace inspel::dialogue
