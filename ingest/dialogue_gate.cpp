#include "ingest/dialogue_gate.hpp"

#include "dialogue/panel.hpp"
#include "dialogue/process.hpp"
#include "ingest/clock.hpp"

#include <algorithm>

namespace inspel::ingest {
namespace {

constexpr const char* columns = "SELECT id, slug, title, state, opens_at, closes_at, definition FROM dialogues ";

dialogue_info read_row(schema::statement& st) {
    dialogue_info d{st.int64(0), st.text(1), st.text(2), st.text(3), st.optional_text(4), st.optional_text(5), {}};
    // A definition that does not parse (written by hand, or by an older version) still leaves a
    // usable record: the columns, and no frågepanel.
    auto parsed = dialogue::parse(nlohmann::json::parse(st.text(6), nullptr, false));
    if (parsed.value) d.model = std::move(*parsed.value);
    d.model.slug = d.slug;
    d.model.title = d.title;
    d.model.state = dialogue::state_from(d.state).value_or(dialogue::dialogue_state::initiative);
    d.model.opens_at = d.opens_at ? dialogue::parse_day(*d.opens_at) : std::nullopt;
    d.model.closes_at = d.closes_at ? dialogue::parse_day(*d.closes_at) : std::nullopt;
    return d;
}

field_error worded(std::string field, problem p, std::string detail, std::string sv, std::string en) {
    field_error e(std::move(field), p, 0, 0, std::move(detail));
    e.message_sv = std::move(sv);
    e.message_en = std::move(en);
    return e;
}

}  // namespace

std::optional<dialogue_info> find_dialogue(schema::connection& c, std::string_view ref) {
    bool by_id = !ref.empty() && std::all_of(ref.begin(), ref.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (by_id && ref.size() > 18) return std::nullopt;
    auto st = c.prepare(std::string(columns) + (by_id ? "WHERE id = ?" : "WHERE slug = ?"));
    if (by_id) st.bind(1, static_cast<std::int64_t>(std::stoll(std::string(ref))));
    else st.bind(1, ref);
    if (!st.step()) return std::nullopt;
    return read_row(st);
}

admission admit(schema::connection& c, std::string_view ref, kind k, const std::optional<nlohmann::json>& answers,
                std::chrono::system_clock::time_point now) {
    admission a;
    auto d = find_dialogue(c, ref);
    if (!d) {
        a.refusals.emplace_back("dialogue", problem::unknown_dialogue, 0, 0, std::string(ref));
        return a;
    }
    auto today = dialogue::parse_day(swedish_date(now));
    auto check = dialogue::accepts_input(d->model, *today);
    if (!check.accepted()) {
        problem p = check.status == dialogue::input_status::not_yet_open ? problem::dialogue_not_yet_open
                    : check.status == dialogue::input_status::closed     ? problem::dialogue_closed
                                                                         : problem::dialogue_not_in_execution;
        a.refusals.push_back(worded("dialogue", p, d->state, dialogue::refusal_message(d->model, check, "sv"),
                                    dialogue::refusal_message(d->model, check, "en")));
        return a;
    }
    if (k == kind::panel_response) {
        if (d->model.questions.empty()) {
            a.refusals.emplace_back("dialogue", problem::no_panel, 0, 0, d->title);
            return a;
        }
        const nlohmann::json& given = answers ? *answers : nlohmann::json::array();
        auto sv = dialogue::validate_answers(d->model, given, "sv");
        auto en = dialogue::validate_answers(d->model, given, "en");
        for (std::size_t i = 0; i < sv.size() && i < en.size(); ++i) {
            std::string field = sv[i].question.empty() ? "answers" : "answers." + sv[i].question;
            a.refusals.push_back(worded(field, problem::panel_answer, sv[i].code, sv[i].message, en[i].message));
        }
        if (!a.refusals.empty()) return a;
    }
    a.dialogue_id = d->id;
    return a;
}

std::vector<dialogue_info> open_dialogues(schema::connection& c, std::chrono::system_clock::time_point now) {
    std::string today = swedish_date(now);
    auto st = c.prepare(std::string(columns) +
                        "WHERE state = 'execution' AND opens_at <= ?1 AND closes_at >= ?1 ORDER BY closes_at, title");
    st.bind(1, today);
    std::vector<dialogue_info> out;
    while (st.step()) out.push_back(read_row(st));
    return out;
}

}  // namespace inspel::ingest
