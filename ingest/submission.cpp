#include "ingest/submission.hpp"

#include "ingest/limits.hpp"
#include "ingest/text.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace inspel::ingest {
namespace {

using json = nlohmann::json;

const std::set<std::string, std::less<>> json_fields = {"kind",     "title", "body",     "feedback_type",   "dialogue",
                                                        "answers",  "area",  "language", "consent_publish", "contact"};
const std::set<std::string, std::less<>> contact_fields = {"name", "email", "phone"};
const std::set<std::string, std::less<>> form_fields = {"title",          "body",         "feedback_type",
                                                        "dialogue",       "area",         "language",
                                                        "consent_publish", "contact_name", "contact_email",
                                                        "contact_phone"};

std::string u_plus(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
}

std::string allowed_list(std::string_view sep = ", ") {
    std::string out;
    for (auto t : feedback_types) out += (out.empty() ? "" : std::string(sep)) + std::string(t);
    return out;
}

// Nesting depth of a JSON text, counted outside strings, so a body of a million brackets is
// refused before a parser spends memory on it.
std::size_t nesting(std::string_view s) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : s) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

class checker {
public:
    explicit checker(std::vector<field_error> errors) : errors_(std::move(errors)) {
        for (const auto& e : errors_) bad_.insert(e.field);
    }

    void fail(field_error e) {
        bad_.insert(e.field);
        errors_.push_back(std::move(e));
    }
    bool failed(std::string_view field) const { return bad_.count(std::string(field)) > 0; }

    // The steps every text field goes through; nullopt when absent, empty or refused.
    std::optional<std::string> text(const std::optional<std::string>& v, const std::string& field, text::lines l,
                                    std::size_t limit) {
        if (!v || failed(field)) return std::nullopt;
        if (text::find_invalid_utf8(*v) || v->find(text::invalid_marker) != std::string::npos) {
            fail({field, problem::invalid_utf8});
            return std::nullopt;
        }
        std::string unified = text::unify_newlines(*v);
        if (auto c = text::find_forbidden(unified, l)) {
            fail({field, problem::forbidden_character, 0, 0, u_plus(*c)});
            return std::nullopt;
        }
        std::string_view trimmed = text::trim(unified);
        if (trimmed.empty()) return std::nullopt;
        std::string nfc = text::to_nfc(trimmed);
        std::size_t n = text::length(nfc);
        if (n > limit) {
            fail({field, problem::too_long, limit, n});
            return std::nullopt;
        }
        return nfc;
    }

    void require(bool present, const std::string& field) {
        if (!present && !failed(field)) fail({field, problem::required});
    }
    void forbid(bool present, const std::string& field) {
        if (present && !failed(field)) fail({field, problem::not_applicable});
    }

    std::vector<field_error> take() { return std::move(errors_); }
    bool ok() const { return errors_.empty(); }

private:
    std::vector<field_error> errors_;
    std::set<std::string> bad_;
};

bool valid_email(std::string_view e) {
    auto at = e.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || e.find('@', at + 1) != std::string_view::npos)
        return false;
    std::string_view local = e.substr(0, at), domain = e.substr(at + 1);
    for (char c : e)
        if (c == ' ' || c == '\t' || c == '\n' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return false;
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    if (domain.empty() || domain.find('.') == std::string_view::npos || domain.find("..") != std::string_view::npos ||
        domain.front() == '.' || domain.back() == '.' || domain.front() == '-')
        return false;
    for (char c : domain) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                  static_cast<unsigned char>(c) >= 0x80;
        if (!ok) return false;
    }
    return domain.size() - domain.rfind('.') - 1 >= 2;
}

bool valid_phone(std::string_view p) {
    std::size_t digits = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c >= '0' && c <= '9') ++digits;
        else if (c == '+' && i == 0) continue;
        else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '/') return false;
    }
    return digits >= 6 && digits <= 15;
}

std::string ascii_lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

bool valid_language(std::string_view l) {
    return (l.size() == 2 || l.size() == 3) && std::all_of(l.begin(), l.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool valid_dialogue_ref(std::string_view d) {
    if (d.empty()) return false;
    bool digits = std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) return d.size() <= 18 && d.front() != '0';
    if (!((d.front() >= 'a' && d.front() <= 'z') || (d.front() >= '0' && d.front() <= '9'))) return false;
    return std::all_of(d.begin(), d.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

void merge_kinds(std::vector<personal_data_kind>& into, const std::vector<personal_data_kind>& more) {
    for (auto k : more)
        if (std::find(into.begin(), into.end(), k) == into.end()) into.push_back(k);
    std::sort(into.begin(), into.end());
}

// Checks the shape of a panel response's answers and normalises their text. Whether they fit
// the dialogue's questions is the dialogue's business (issue 5), asked when the item is stored.
void check_answers(checker& ck, const json& answers, submission& out) {
    if (!answers.is_array()) return ck.fail({"answers", problem::wrong_type, 0, 0, "a list"});
    if (answers.size() > limits::answers) return ck.fail({"answers", problem::too_many, limits::answers, answers.size()});
    json clean = json::array(), redacted = json::array();
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const json& a = answers[i];
        std::string at = "answers[" + std::to_string(i) + "]";
        if (!a.is_object()) {
            ck.fail({at, problem::wrong_type, 0, 0, "an object with question and value"});
            continue;
        }
        for (const auto& [k, v] : a.items())
            if (k != "question" && k != "value") ck.fail({at + "." + k, problem::unknown_field});
        json c = json::object(), r = json::object();
        const json* q = a.contains("question") ? &a["question"] : nullptr;
        if (!q || q->is_null()) {
            ck.require(false, at + ".question");
        } else if (!q->is_string()) {
            ck.fail({at + ".question", problem::wrong_type, 0, 0, "a string"});
        } else if (auto s = ck.text(q->get<std::string>(), at + ".question", text::lines::single, limits::answer_question)) {
            c["question"] = *s;
            r["question"] = *s;
        } else {
            ck.require(false, at + ".question");
        }
        const json* v = a.contains("value") ? &a["value"] : nullptr;
        std::string vf = at + ".value";
        if (!v || v->is_null()) {
            ck.require(false, vf);
        } else if (v->is_string()) {
            if (auto s = ck.text(v->get<std::string>(), vf, text::lines::multiple, limits::answer_text)) {
                auto red = redact(*s);
                merge_kinds(out.personal_data, red.kinds);
                c["value"] = *s;
                r["value"] = red.text;
            } else {
                ck.require(false, vf);
            }
        } else if (v->is_number()) {
            c["value"] = *v;
            r["value"] = *v;
        } else if (v->is_array()) {
            if (v->size() > limits::answer_choices) {
                ck.fail({vf, problem::too_many, limits::answer_choices, v->size()});
                continue;
            }
            json cs = json::array(), rs = json::array();
            for (std::size_t j = 0; j < v->size(); ++j) {
                std::string cf = vf + "[" + std::to_string(j) + "]";
                const json& choice = (*v)[j];
                if (!choice.is_string()) {
                    ck.fail({cf, problem::wrong_type, 0, 0, "a string"});
                } else if (auto s = ck.text(choice.get<std::string>(), cf, text::lines::single, limits::title)) {
                    auto red = redact(*s);
                    merge_kinds(out.personal_data, red.kinds);
                    cs.push_back(*s);
                    rs.push_back(red.text);
                } else {
                    ck.require(false, cf);
                }
            }
            c["value"] = cs;
            r["value"] = rs;
        } else {
            ck.fail({vf, problem::wrong_type, 0, 0, "a string, a number or a list of strings"});
        }
        clean.push_back(std::move(c));
        redacted.push_back(std::move(r));
    }
    out.answers = std::move(clean);
    out.answers_redacted = std::move(redacted);
}

}  // namespace

std::optional<kind> kind_from(std::string_view name) {
    for (kind k : all_kinds)
        if (name_of(k) == name) return k;
    return std::nullopt;
}

std::string_view name_of(kind k) {
    switch (k) {
        case kind::proposal: return "proposal";
        case kind::feedback: return "feedback";
        case kind::panel_response: return "panel_response";
        case kind::public_question: return "public_question";
    }
    return "unknown";
}

parsed from_json(std::string_view body) {
    parsed p;
    auto& e = p.errors;
    if (text::trim(body).empty()) {
        e.push_back({"", problem::malformed_json, 0, 0, "the body is empty"});
        return p;
    }
    if (nesting(body) > limits::json_depth) {
        e.push_back({"", problem::malformed_json, 0, 0, "it is nested deeper than " + std::to_string(limits::json_depth)});
        return p;
    }
    json doc;
    try {
        doc = json::parse(text::mark_invalid_utf8(body));
    } catch (const json::parse_error& x) {
        std::string what = x.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 9: ..." -> from "parse error".
        auto at = what.find("parse error");
        e.push_back({"", problem::malformed_json, 0, 0, at == std::string::npos ? what : what.substr(at)});
        return p;
    }
    if (!doc.is_object()) {
        e.push_back({"", problem::not_an_object});
        return p;
    }
    auto& d = p.fields;
    auto string_field = [&](const json& v, const std::string& name, std::optional<std::string>& into) {
        if (v.is_null()) return;
        if (v.is_string()) into = v.get<std::string>();
        else e.push_back({name, problem::wrong_type, 0, 0, "a string"});
    };
    for (const auto& [key, v] : doc.items()) {
        if (!json_fields.count(key)) {
            e.push_back({key, problem::unknown_field});
        } else if (key == "kind") {
            string_field(v, key, d.kind);
        } else if (key == "title") {
            string_field(v, key, d.title);
        } else if (key == "body") {
            string_field(v, key, d.body);
        } else if (key == "feedback_type") {
            string_field(v, key, d.feedback_type);
        } else if (key == "area") {
            string_field(v, key, d.area);
        } else if (key == "language") {
            string_field(v, key, d.language);
        } else if (key == "dialogue") {
            if (v.is_number_unsigned() || v.is_number_integer()) d.dialogue = std::to_string(v.get<long long>());
            else if (!v.is_null() && !v.is_string()) e.push_back({key, problem::wrong_type, 0, 0, "a string or a whole number"});
            else string_field(v, key, d.dialogue);
        } else if (key == "consent_publish") {
            if (v.is_boolean()) d.consent_publish = v.get<bool>();
            else if (!v.is_null()) e.push_back({key, problem::wrong_type, 0, 0, "true or false"});
        } else if (key == "answers") {
            if (!v.is_null()) d.answers = v;
        } else if (key == "contact") {
            if (v.is_null()) continue;
            if (!v.is_object()) {
                e.push_back({key, problem::wrong_type, 0, 0, "an object with name, email and phone"});
                continue;
            }
            for (const auto& [ck, cv] : v.items()) {
                std::string name = "contact." + ck;
                if (!contact_fields.count(ck)) e.push_back({name, problem::unknown_field});
                else if (ck == "name") string_field(cv, name, d.contact_name);
                else if (ck == "email") string_field(cv, name, d.contact_email);
                else string_field(cv, name, d.contact_phone);
            }
        }
    }
    return p;
}

parsed from_form(std::string_view form_kind, const std::vector<std::pair<std::string, std::string>>& fields) {
    parsed p;
    auto& d = p.fields;
    d.kind = std::string(form_kind);
    std::set<std::string> seen;
    for (const auto& [name, value] : fields) {
        std::string api = name.rfind("contact_", 0) == 0 ? "contact." + name.substr(8) : name;
        if (!form_fields.count(name)) {
            p.errors.push_back({api, problem::unknown_field});
            continue;
        }
        if (!seen.insert(name).second) {
            p.errors.push_back({api, problem::duplicate_field});
            continue;
        }
        if (value.empty()) continue;  // an empty input is a field left blank
        if (name == "consent_publish") {
            if (value == "yes" || value == "on" || value == "true") d.consent_publish = true;
            else p.errors.push_back({api, problem::unknown_value, 0, 0, "yes"});
        } else if (name == "title") d.title = value;
        else if (name == "body") d.body = value;
        else if (name == "feedback_type") d.feedback_type = value;
        else if (name == "dialogue") d.dialogue = value;
        else if (name == "area") d.area = value;
        else if (name == "language") d.language = value;
        else if (name == "contact_name") d.contact_name = value;
        else if (name == "contact_email") d.contact_email = value;
        else d.contact_phone = value;
    }
    return p;
}

std::variant<submission, std::vector<field_error>> validate(parsed p, channel via) {
    checker ck(std::move(p.errors));
    const draft& d = p.fields;
    submission out;
    out.channel = via;

    std::optional<kind> k;
    if (auto name = ck.text(d.kind, "kind", text::lines::single, 40)) {
        k = kind_from(*name);
        if (!k) ck.fail({"kind", problem::unknown_value, 0, 0, "proposal, feedback, panel_response, public_question"});
    } else {
        ck.require(false, "kind");
    }
    if (!k) return ck.take();  // without a kind, nothing else can be judged
    out.kind = *k;

    out.dialogue = ck.text(d.dialogue, "dialogue", text::lines::single, limits::dialogue);
    if (out.dialogue) {
        *out.dialogue = ascii_lower(*out.dialogue);
        if (!valid_dialogue_ref(*out.dialogue)) ck.fail({"dialogue", problem::unknown_dialogue, 0, 0, *out.dialogue});
    }

    out.feedback_type = ck.text(d.feedback_type, "feedback_type", text::lines::single, 40);
    if (out.feedback_type && std::find(std::begin(feedback_types), std::end(feedback_types), *out.feedback_type) ==
                                 std::end(feedback_types))
        ck.fail({"feedback_type", problem::unknown_value, 0, 0, allowed_list()});

    out.title = ck.text(d.title, "title", text::lines::single, limits::title);
    out.body = ck.text(d.body, "body", text::lines::multiple, limits::body);
    if (out.title) {
        auto r = redact(*out.title);
        out.title_redacted = std::move(r.text);
        merge_kinds(out.personal_data, r.kinds);
    }
    if (out.body) {
        auto r = redact(*out.body);
        out.body_redacted = std::move(r.text);
        merge_kinds(out.personal_data, r.kinds);
    }
    if (d.answers && *k == kind::panel_response) check_answers(ck, *d.answers, out);

    out.area = ck.text(d.area, "area", text::lines::single, limits::area);
    if (auto lang = ck.text(d.language, "language", text::lines::single, 35)) {
        out.language = ascii_lower(*lang);
        if (!valid_language(out.language)) ck.fail({"language", problem::invalid_language, 0, 0, *lang});
    }
    out.consent_publish = d.consent_publish.value_or(false);

    out.contact_name = ck.text(d.contact_name, "contact.name", text::lines::single, limits::contact_name);
    out.contact_email = ck.text(d.contact_email, "contact.email", text::lines::single, limits::contact_email);
    if (out.contact_email) {
        // Addresses are compared case-insensitively in practice; one spelling makes them findable.
        *out.contact_email = ascii_lower(*out.contact_email);
        if (!valid_email(*out.contact_email)) ck.fail({"contact.email", problem::invalid_email});
    }
    out.contact_phone = ck.text(d.contact_phone, "contact.phone", text::lines::single, limits::contact_phone);
    if (out.contact_phone && !valid_phone(*out.contact_phone)) ck.fail({"contact.phone", problem::invalid_phone});

    // What each kind needs, and what does not belong to it.
    bool has_answers = d.answers.has_value();
    switch (*k) {
        case kind::proposal:
            ck.require(out.title.has_value(), "title");
            ck.require(out.body.has_value(), "body");
            ck.require(out.contact_name.has_value(), "contact.name");
            ck.require(out.contact_email.has_value(), "contact.email");
            ck.forbid(out.feedback_type.has_value(), "feedback_type");
            ck.forbid(has_answers, "answers");
            break;
        case kind::feedback:
            ck.require(out.feedback_type.has_value(), "feedback_type");
            ck.require(out.body.has_value(), "body");
            ck.forbid(has_answers, "answers");
            break;
        case kind::public_question:
            ck.require(out.body.has_value(), "body");
            ck.forbid(out.feedback_type.has_value(), "feedback_type");
            ck.forbid(has_answers, "answers");
            break;
        case kind::panel_response:
            ck.require(out.dialogue.has_value(), "dialogue");
            ck.require(has_answers && out.answers && !out.answers->empty(), "answers");
            ck.forbid(out.feedback_type.has_value(), "feedback_type");
            break;
    }
    if (!ck.ok()) return ck.take();
    return out;
}

std::string_view api_code(problem p) {
    switch (p) {
        case problem::malformed_json:
        case problem::not_an_object: return "malformed_json";
        case problem::no_panel: return "no_panel";
        case problem::panel_answer: return "invalid";
        case problem::unknown_dialogue: return "unknown_dialogue";
        case problem::dialogue_not_in_execution:
        case problem::dialogue_not_yet_open:
        case problem::dialogue_closed: return "dialogue_closed";
        default: return "invalid";
    }
}

bool is_bad_request(problem p) { return p == problem::malformed_json || p == problem::not_an_object; }

}  // namespace inspel::ingest
