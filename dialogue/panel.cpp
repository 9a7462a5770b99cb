#include "dialogue/panel.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace inspel::dialogue {

using nlohmann::json;

namespace {

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

bool unanswered(const json& v) {
    return v.is_null() || (v.is_string() && blank(v.get_ref<const std::string&>())) || (v.is_array() && v.empty());
}

bool has_control_characters(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F;
    });
}

// The messages of one language.
struct wording {
    bool en;
    std::string malformed() const {
        return en ? "answers must be a list of {\"question\": ID, \"value\": ...}"
                  : "Svaren kunde inte läsas.";
    }
    std::string unknown(const std::string& id) const {
        return en ? "there is no question \"" + id + "\" in this dialogue" : "Frågan \"" + id + "\" finns inte.";
    }
    std::string duplicate() const {
        return en ? "this question is answered more than once" : "Frågan har besvarats mer än en gång.";
    }
    std::string required() const { return en ? "this question must be answered" : "Du behöver svara på frågan."; }
    std::string want_text() const { return en ? "the answer must be text" : "Svaret ska vara text."; }
    std::string want_choice() const { return en ? "the answer must be one of the options" : "Välj ett av alternativen."; }
    std::string want_list() const {
        return en ? "the answer must be a list of options" : "Välj ett eller flera av alternativen.";
    }
    std::string not_option(const std::string& v) const {
        return en ? "\"" + v + "\" is not one of the options" : "\"" + v + "\" är inte ett av alternativen.";
    }
    std::string repeated(const std::string& v) const {
        return en ? "\"" + v + "\" is chosen more than once" : "\"" + v + "\" har valts mer än en gång.";
    }
    std::string want_number(std::int64_t lo, std::int64_t hi) const {
        return en ? "the answer must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi)
                  : "Svara med en siffra från " + std::to_string(lo) + " till " + std::to_string(hi) + ".";
    }
    std::string too_long(std::int64_t max) const {
        return en ? "the answer is too long (at most " + std::to_string(max) + " characters)"
                  : "Svaret är för långt (högst " + std::to_string(max) + " tecken).";
    }
    std::string control() const {
        return en ? "the answer contains control characters" : "Svaret innehåller otillåtna tecken.";
    }
};

// The problem with `v` as an answer to `q`, if any. `v` is answered (not null, blank or empty).
std::optional<answer_error> check(const question& q, const json& v, const wording& w) {
    auto error = [&](const char* code, std::string message) {
        return std::optional<answer_error>(answer_error{q.id, code, std::move(message)});
    };
    switch (q.type) {
        case question_type::free_text: {
            if (!v.is_string()) return error("wrong_type", w.want_text());
            const auto& s = v.get_ref<const std::string&>();
            if (has_control_characters(s)) return error("wrong_type", w.control());
            auto max = q.max_length.value_or(default_free_text_length);
            if (text_length(s) > static_cast<std::size_t>(max)) return error("too_long", w.too_long(max));
            return std::nullopt;
        }
        case question_type::single_choice: {
            if (!v.is_string()) return error("wrong_type", w.want_choice());
            const auto& s = v.get_ref<const std::string&>();
            if (std::find(q.options.begin(), q.options.end(), s) == q.options.end())
                return error("not_an_option", w.not_option(s));
            return std::nullopt;
        }
        case question_type::multiple_choice: {
            if (!v.is_array()) return error("wrong_type", w.want_list());
            std::set<std::string> seen;
            for (const auto& item : v) {
                if (!item.is_string()) return error("wrong_type", w.want_list());
                const auto& s = item.get_ref<const std::string&>();
                if (std::find(q.options.begin(), q.options.end(), s) == q.options.end())
                    return error("not_an_option", w.not_option(s));
                if (!seen.insert(s).second) return error("duplicate", w.repeated(s));
            }
            return std::nullopt;
        }
        case question_type::scale: {
            std::int64_t lo = q.min.value_or(0), hi = q.max.value_or(0);
            if (!v.is_number_integer()) return error("wrong_type", w.want_number(lo, hi));
            if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
                return error("out_of_range", w.want_number(lo, hi));
            auto n = v.get<std::int64_t>();
            if (n < lo || n > hi) return error("out_of_range", w.want_number(lo, hi));
            return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace

std::vector<answer_error> validate_answers(const dialogue& d, const json& answers, std::string_view lang) {
    wording w{lang == "en"};
    std::vector<answer_error> out;
    if (!answers.is_array()) {
        out.push_back({"", "invalid", w.malformed()});
        return out;
    }
    std::map<std::string, const json*> given;
    std::vector<answer_error> stray;  // about ids the dialogue does not have
    for (const auto& a : answers) {
        auto q = a.is_object() ? a.find("question") : a.end();
        bool shaped = a.is_object() && q != a.end() && q->is_string() && a.size() <= 2 &&
                      (a.size() == 1 || a.contains("value"));
        if (!shaped) {
            out.push_back({"", "invalid", w.malformed()});
            return out;
        }
        const auto& id = q->get_ref<const std::string&>();
        if (!d.find_question(id)) {
            stray.push_back({id, "unknown_question", w.unknown(id)});
            continue;
        }
        static const json null_value;
        auto v = a.find("value");
        if (!given.emplace(id, v == a.end() ? &null_value : &*v).second) {
            if (std::none_of(out.begin(), out.end(), [&](const answer_error& e) { return e.question == id; }))
                out.push_back({id, "duplicate", w.duplicate()});
        }
    }
    for (const auto& q : d.questions) {
        if (std::any_of(out.begin(), out.end(), [&](const answer_error& e) { return e.question == q.id; })) continue;
        auto it = given.find(q.id);
        if (it == given.end() || unanswered(*it->second)) {
            if (q.required) out.push_back({q.id, "required", w.required()});
            continue;
        }
        if (auto e = check(q, *it->second, w)) out.push_back(std::move(*e));
    }
    // Keep the order of the questions: duplicates were found first but belong in their place.
    std::stable_sort(out.begin(), out.end(), [&](const answer_error& a, const answer_error& b) {
        auto pos = [&](const std::string& id) {
            for (std::size_t i = 0; i < d.questions.size(); ++i)
                if (d.questions[i].id == id) return i;
            return d.questions.size();
        };
        return pos(a.question) < pos(b.question);
    });
    out.insert(out.end(), stray.begin(), stray.end());
    return out;
}

std::string form_field(const question& q) { return "answer_" + q.id; }

json answers_from_form(const dialogue& d, const std::multimap<std::string, std::string>& fields) {
    json answers = json::array();
    for (const auto& q : d.questions) {
        auto [first, last] = fields.equal_range(form_field(q));
        if (first == last) continue;
        json value;
        if (q.type == question_type::multiple_choice) {
            value = json::array();
            for (auto it = first; it != last; ++it) value.push_back(it->second);
        } else {
            const std::string& typed = first->second;
            value = typed;
            if (q.type == question_type::scale) {
                std::int64_t n = 0;
                auto [end, ec] = std::from_chars(typed.data(), typed.data() + typed.size(), n);
                if (ec == std::errc() && end == typed.data() + typed.size() && !typed.empty()) value = n;
            }
        }
        answers.push_back({{"question", q.id}, {"value", std::move(value)}});
    }
    return answers;
}

}  // namespace inspel::dialogue
