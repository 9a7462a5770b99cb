#include "ingest/dialogue_gate.hpp"

#include "dialogue/panel.hpp"
#include "dialogue/process.hpp"
#include "dialogue/store/store.hpp"
#include "ingest/clock.hpp"

#include <algorithm>
#include <tuple>

namespace inspel::ingest {
namespace {

dialogue_info info_of(dialogue::store::stored s) {
    dialogue_info d;
    d.id = s.id;
    d.slug = s.record.slug;
    d.title = s.record.title;
    d.state = std::string(dialogue::to_string(s.record.state));
    if (s.record.opens_at) d.opens_at = dialogue::format_day(*s.record.opens_at);
    if (s.record.closes_at) d.closes_at = dialogue::format_day(*s.record.closes_at);
    d.model = std::move(s.record);
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
    auto s = dialogue::store::find(c, ref);
    if (!s) return std::nullopt;
    return info_of(std::move(*s));
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
    auto today = dialogue::parse_day(swedish_date(now));
    std::vector<dialogue_info> out;
    for (auto& s : dialogue::store::list(c, dialogue::dialogue_state::execution))
        if (dialogue::accepts_input(s.record, *today).accepted()) out.push_back(info_of(std::move(s)));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tie(a.closes_at, a.title) < std::tie(b.closes_at, b.title);
    });
    return out;
}

}  // namespace inspel::ingest
