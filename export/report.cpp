// report.html and the summary it shares with results.json. The page is rendered from
// export/templates/report.mustache (mustache escapes every value); the SVG charts are computed here
// as numbers and drawn by the template, so no markup is ever built from strings.
#include "dialogue/wording.hpp"
#include "export/writers.hpp"
#include "inspel/version.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace inspel::exporting {
namespace templates {
const std::map<std::string, std::string_view, std::less<>>& embedded_files();
}

using nlohmann::json;
namespace dlg = inspel::dialogue;

namespace {

std::string day_or_empty(const std::optional<dlg::day>& d) { return d ? dlg::format_day(*d) : std::string(); }

// 12 345 with a narrow no-break space, as Swedish print writes thousands.
std::string format_count(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += "\u202F";
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string percent(std::int64_t part, std::int64_t whole) {
    if (whole <= 0) return "–";
    return std::to_string(static_cast<long long>(std::llround(100.0 * static_cast<double>(part) /
                                                             static_cast<double>(whole)))) + "\u00A0%";
}

std::string decimal_sv(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    std::replace(s.begin(), s.end(), '.', ',');
    return s;
}

// Long labels are cut in the chart (the full text is the bar's <title> and stays in the tables).
std::string short_label(const std::string& s, std::size_t max_chars) {
    std::size_t chars = 0, i = 0;
    while (i < s.size()) {
        if (chars == max_chars) return s.substr(0, i) + "…";
        unsigned char ch = static_cast<unsigned char>(s[i]);
        i += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
        ++chars;
    }
    return s;
}

// A horizontal bar chart: one row per (label, count), bars scaled to the largest, shares of `whole`.
json bar_chart(const std::vector<std::pair<std::string, std::int64_t>>& rows, std::int64_t whole,
               const std::string& caption) {
    constexpr int label_width = 250, bar_space = 330, row_height = 30, top = 8;
    std::int64_t max = 1;
    for (const auto& r : rows) max = std::max(max, r.second);
    json out = json::array();
    int y = top;
    for (const auto& [label, n] : rows) {
        int width = static_cast<int>(std::lround(bar_space * static_cast<double>(n) / static_cast<double>(max)));
        if (n > 0 && width < 2) width = 2;
        out.push_back({{"label", short_label(label, 34)},
                       {"full", label},
                       {"bar_y", y + 5},
                       {"text_y", y + 19},
                       {"width", width},
                       {"value_x", label_width + width + 8},
                       {"value", format_count(n) + " (" + percent(n, whole) + ")"}});
        y += row_height;
    }
    return {{"rows", out},
            {"height", y + top},
            {"label_x", label_width - 10},
            {"bar_x", label_width},
            {"axis_y2", y},
            {"caption", caption}};
}

// Every key present (empty when unknown), so the template never falls back to an outer "date".
json decision_json(const dlg::formal_decision& d) {
    return {{"body", d.body.value_or("")},
            {"date", day_or_empty(d.date)},
            {"paragraph", d.paragraph.value_or("")},
            {"registry_number", d.registry_number.value_or("")}};
}

json dialogue_json(const compilation& comp) {
    const auto& s = *comp.dialogue;
    json d = dlg::to_json(s.record);
    if (comp.who == audience::publication) {
        // Operational details and officials' usernames are not part of what is published.
        d.erase("owner");
        d.erase("routing_hints");
        if (d.contains("amendments"))
            for (auto& a : d["amendments"]) a.erase("recorded_by");
    }
    d["id"] = s.id;
    return d;
}

std::string question_type_label(dlg::question_type t) {
    switch (t) {
        case dlg::question_type::free_text: return "Fritext";
        case dlg::question_type::single_choice: return "Ett svarsalternativ";
        case dlg::question_type::multiple_choice: return "Flera svarsalternativ";
        case dlg::question_type::scale: return "Skala";
    }
    return {};
}

json item_view(const item_row& r, const compilation& comp) {
    std::string tags;
    for (const auto& x : r.tags) {
        if (!tags.empty()) tags += ", ";
        tags += x;
    }
    json v = {{"id", r.id},
              {"kind", kind_label(r.kind)},
              {"received", r.received_at.substr(0, 10)},
              {"area", r.area},
              {"title", r.title},
              {"text", r.text},
              {"tags", tags},
              {"awaiting", r.awaiting_review()},
              {"routing", std::string(routing_label(r.routing_outcome))}};
    if (!r.feedback_type.empty()) v["feedback_type"] = feedback_type_label(r.feedback_type);
    if (comp.who == audience::internal) {
        v["status"] = status_label(r.status);
        if (r.duplicate_of) v["duplicate_of"] = *r.duplicate_of;
    }
    json answers = json::array();
    json stored = r.parsed_answers();
    if (stored.is_array())
        for (const auto& a : stored) {
            if (!a.is_object() || !a.contains("value")) continue;
            std::string value = answer_text(a["value"]);
            if (value.empty()) continue;
            const dlg::question* q = comp.dialogue->record.find_question(a.value("question", ""));
            answers.push_back({{"question", q ? q->text : a.value("question", "")}, {"value", value}});
        }
    v["has_answers"] = !answers.empty();
    v["answers"] = answers;
    return v;
}

// A group of items in the report: its first `limit` items and a note on where the rest are.
json item_group(schema::connection& c, const compilation& comp, item_filter f, const std::string& key,
                std::int64_t total, std::size_t limit) {
    json items = json::array();
    for_each_listed(c, comp, f, key, [&](const item_row& r) {
        if (items.size() < limit) items.push_back(item_view(r, comp));
    });
    json g = {{"items", items}, {"count", format_count(total)}};
    auto shown = static_cast<std::int64_t>(items.size());
    if (total > shown)
        g["more"] = "Här visas de " + format_count(shown) + " första av " + format_count(total) +
                    ". Alla finns i items.xlsx, items.csv och results.json.";
    return g;
}

namespace mustache = kainjow::mustache;

mustache::data to_data(const json& j) {
    switch (j.type()) {
        case json::value_t::object: {
            mustache::data d{mustache::data::type::object};
            for (const auto& [k, v] : j.items()) d.set(k, to_data(v));
            return d;
        }
        case json::value_t::array: {
            mustache::data d{mustache::data::type::list};
            for (const auto& v : j) d.push_back(to_data(v));
            return d;
        }
        // An empty text is false, so {{#title}}...{{/title}} leaves out what is not there.
        case json::value_t::string:
            if (j.get_ref<const std::string&>().empty()) return mustache::data(mustache::data::type::bool_false);
            return mustache::data(j.get<std::string>());
        case json::value_t::boolean:
            return j.get<bool>() ? mustache::data(mustache::data::type::bool_true)
                                 : mustache::data(mustache::data::type::bool_false);
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return mustache::data(std::to_string(j.get<long long>()));
        case json::value_t::number_float: return mustache::data(j.dump());
        default: return mustache::data(mustache::data::type::bool_false);
    }
}

std::string template_text(const std::string& name) {
    const auto& files = templates::embedded_files();
    auto it = files.find(name + ".mustache");
    if (it == files.end()) throw std::logic_error("export: no template " + name);
    return std::string(it->second);
}

std::string render(const json& view) {
    mustache::mustache t{template_text("report")};
    if (!t.is_valid()) throw std::logic_error("export: report template: " + t.error_message());
    mustache::data data = to_data(view);
    for (const char* name : {"bar_chart_svg", "item_card"}) {
        std::string text = template_text(name);
        data.set(name, mustache::partial([text] { return text; }));
    }
    std::string out = t.render(data);
    if (!t.is_valid()) throw std::logic_error("export: report template: " + t.error_message());
    return out;
}

}  // namespace

json summary_json(const compilation& comp, dlg::day date) {
    const auto& d = comp.dialogue->record;
    bool internal = comp.who == audience::internal;
    json s;
    s["schema_version"] = results_schema_version;
    s["generator"] = {{"name", "inspel"}, {"version", inspel::version}};
    s["audience"] = to_string(comp.who);
    s["date"] = dlg::format_day(date);
    s["dialogue"] = dialogue_json(comp);
    s["kind_label"] = dlg::kind_label(d.kind, "sv");
    s["state_label"] = dlg::state_label(d.state, "sv");
    s["influence"] = d.influence ? json{{"level", dlg::to_string(*d.influence)},
                                        {"name", dlg::influence_name(*d.influence, "sv")},
                                        {"explanation", dlg::influence_explanation(*d.influence, "sv")}}
                                 : json::object();

    json steps = json::array();
    for (const auto& h : comp.history) {
        json step = {{"step", dlg::to_string(h.to)},
                     {"label", dlg::transition_label(h.to, "sv")},
                     {"date", h.decided_at.substr(0, 10)}};
        if (internal) step["decided_by"] = h.decided_by;
        steps.push_back(std::move(step));
    }
    s["timeline"] = {{"decision", day_or_empty(d.decision.date)},
                     {"launch", day_or_empty(d.launch.date)},
                     {"opens_at", day_or_empty(d.opens_at)},
                     {"closes_at", day_or_empty(d.closes_at)},
                     {"compilation", day_or_empty(d.compilation.date)},
                     {"presentation", day_or_empty(d.presentation.date)},
                     {"decision_expected", day_or_empty(d.decision_expected)},
                     {"steps", steps}};

    json by_kind = json::array();
    for (const auto& k : comp.by_kind) by_kind.push_back({{"kind", k.key}, {"label", kind_label_plural(k.key)}, {"count", k.n}});
    json by_area = json::array();
    for (const auto& a : comp.by_area) {
        bool targeted = std::find(comp.targeted_areas.begin(), comp.targeted_areas.end(), a.key) != comp.targeted_areas.end();
        by_area.push_back({{"area", a.key.empty() ? json(nullptr) : json(a.key)}, {"count", a.n}, {"targeted", targeted}});
    }
    json missing_areas = json::array();
    for (const auto& t : comp.targeted_areas)
        if (std::none_of(comp.by_area.begin(), comp.by_area.end(), [&](const count& a) { return a.key == t; }))
            missing_areas.push_back(t);
    json groups = json::array();
    for (const auto& g : comp.target_groups)
        groups.push_back({{"group", g.group},
                          {"label", g.label},
                          {"considered", g.considered ? json(*g.considered) : json(nullptr)},
                          {"note", g.note},
                          {"responses", g.responses ? json(*g.responses) : json(nullptr)}});
    json participation = {{"items", comp.items},
                          {"total_received", comp.total_received},
                          {"by_kind", by_kind},
                          {"by_area", by_area},
                          {"targeted_areas_without_items", missing_areas},
                          {"target_groups", groups}};
    if (internal) {
        json by_status = json::array();
        for (const auto& st : comp.by_status)
            by_status.push_back({{"status", st.key}, {"label", status_label(st.key)}, {"count", st.n}});
        participation["by_status"] = by_status;
    }
    s["participation"] = participation;

    json questions = json::array();
    for (const auto& r : comp.questions) {
        const auto& q = *r.q;
        json options = json::array();
        if (q.type == dlg::question_type::scale && q.min && q.max) {
            for (std::size_t i = 0; i < r.option_counts.size(); ++i)
                options.push_back({{"option", *q.min + static_cast<std::int64_t>(i)}, {"count", r.option_counts[i]}});
        } else {
            for (std::size_t i = 0; i < q.options.size(); ++i)
                options.push_back({{"option", q.options[i]}, {"count", r.option_counts[i]}});
        }
        std::int64_t in_range = 0;
        for (auto n : r.option_counts) in_range += n;
        json mean = nullptr;
        if (q.type == dlg::question_type::scale && in_range > 0)
            mean = std::round(100.0 * r.sum / static_cast<double>(in_range)) / 100.0;
        questions.push_back({{"id", q.id},
                             {"type", dlg::to_string(q.type)},
                             {"text", q.text},
                             {"answered", r.answered},
                             {"options", options},
                             {"other", r.other},
                             {"mean", mean}});
    }
    s["panel"] = {{"responses", comp.panel_responses}, {"questions", questions}};

    json by_tag = json::array();
    for (const auto& t : comp.in_purpose_by_tag) by_tag.push_back({{"tag", t.key}, {"count", t.n}});
    s["in_purpose"] = {{"count", comp.in_purpose}, {"by_tag", by_tag}, {"untagged", comp.in_purpose_untagged}};
    json by_action = json::array();
    for (const auto& a : comp.outside_by_action)
        by_action.push_back({{"action", a.key}, {"label", action_label(a.key)}, {"count", a.n}});
    json rule = {{"explanation", dlg::outside_purpose_explanation(d.outside_purpose, "sv")}};
    if (d.outside_purpose.action) rule["action"] = dlg::to_string(*d.outside_purpose.action);
    if (d.outside_purpose.department) rule["department"] = *d.outside_purpose.department;
    s["outside_purpose"] = {{"count", comp.outside_purpose}, {"rule", rule}, {"by_action", by_action}};
    s["awaiting_review"] = {{"count", comp.awaiting_review}};
    s["high_water_mark"] = comp.high_water_mark;
    return s;
}

void write_report(output_file& out, schema::connection& c, const compilation& comp, const json& summary,
                  std::size_t limit) {
    const auto& d = comp.dialogue->record;
    bool internal = comp.who == audience::internal;
    json v;
    v["title"] = "Sammanställning: " + d.title;
    v["dialogue_title"] = d.title;
    v["kind_label"] = summary["kind_label"];
    v["state_label"] = summary["state_label"];
    v["date"] = summary["date"];
    v["internal"] = internal;
    v["version"] = inspel::version;
    v["purpose"] = d.purpose.value_or("");
    v["description"] = d.description.value_or("");
    v["decision"] = d.decision.empty() ? json(false) : decision_json(d.decision);
    v["influence"] = d.influence ? summary["influence"] : json(false);
    v["outside_rule"] = summary["outside_purpose"]["rule"]["explanation"];

    const json& tl = summary["timeline"];
    json timeline = json::array();
    auto when = [&](const char* label, const std::string& date) {
        if (!date.empty()) timeline.push_back({{"label", label}, {"date", date}});
    };
    when("Beslut om uppdrag", tl["decision"].get<std::string>());
    when("Beslut om igångsättning", tl["launch"].get<std::string>());
    if (!tl["opens_at"].get<std::string>().empty() || !tl["closes_at"].get<std::string>().empty())
        timeline.push_back({{"label", "Synpunkter togs emot"},
                            {"date", tl["opens_at"].get<std::string>() + " – " + tl["closes_at"].get<std::string>()}});
    when("Sammanställning", tl["compilation"].get<std::string>());
    when("Presentation för de förtroendevalda", tl["presentation"].get<std::string>());
    when("Beslut väntas", tl["decision_expected"].get<std::string>());
    v["timeline"] = timeline;
    json steps = json::array();
    for (const auto& st : tl["steps"])
        steps.push_back({{"label", st["label"]}, {"date", st["date"]}, {"by", st.value("decided_by", "")}});
    v["steps"] = steps;
    v["has_steps"] = !steps.empty();

    json groups = json::array();
    bool any_counted = false;
    for (const auto& g : comp.target_groups) {
        any_counted = any_counted || g.responses.has_value();
        groups.push_back({{"label", g.label},
                          {"considered", !g.considered ? "Inte angivet" : *g.considered ? "Ja" : "Nej"},
                          {"note", g.note},
                          {"responses", g.responses ? format_count(*g.responses) : "–"}});
    }
    v["target_groups"] = groups;
    v["has_target_groups"] = !groups.empty();
    v["groups_counted"] = any_counted;

    // Participation.
    const json& p = summary["participation"];
    v["items"] = format_count(comp.items);
    v["total_received"] = format_count(comp.total_received);
    v["published_share"] = internal ? json(false) : json(percent(comp.items, comp.total_received));
    std::vector<std::pair<std::string, std::int64_t>> rows;
    for (const auto& k : comp.by_kind) rows.emplace_back(std::string(kind_label_plural(k.key)), k.n);
    v["kind_chart"] = bar_chart(rows, comp.items, "Inkomna bidrag per slag");
    json areas = json::array();
    for (const auto& a : p["by_area"])
        areas.push_back({{"area", a["area"].is_null() ? "Inget område angivet" : a["area"].get<std::string>()},
                         {"count", format_count(a["count"].get<std::int64_t>())},
                         {"share", percent(a["count"].get<std::int64_t>(), comp.items)},
                         {"targeted", a["targeted"].get<bool>() ? "Ja" : ""}});
    v["areas"] = areas;
    v["has_areas"] = !areas.empty();
    json missing = json::array();
    for (const auto& m : p["targeted_areas_without_items"]) missing.push_back({{"area", m}});
    v["missing_areas"] = missing;
    v["has_missing_areas"] = !missing.empty();
    if (internal) {
        json statuses = json::array();
        for (const auto& st : comp.by_status)
            statuses.push_back({{"label", status_label(st.key)}, {"count", format_count(st.n)}});
        v["statuses"] = statuses;
    }
    v["in_purpose"] = format_count(comp.in_purpose);
    v["outside_purpose"] = format_count(comp.outside_purpose);
    v["awaiting_review"] = format_count(comp.awaiting_review);
    v["routing_chart"] = bar_chart({{"Inom syftet", comp.in_purpose},
                                    {"Utanför syftet", comp.outside_purpose},
                                    {"Väntar på granskning", comp.awaiting_review}},
                                   comp.items, "Bidragen bedömda mot dialogens syfte");

    // The frågepanel.
    json questions = json::array();
    std::size_t number = 0;
    for (const auto& r : comp.questions) {
        const auto& q = *r.q;
        json qv = {{"number", ++number},
                   {"text", q.text},
                   {"type", question_type_label(q.type)},
                   {"answered", format_count(r.answered)},
                   {"free_text", q.type == dlg::question_type::free_text}};
        if (q.help) qv["help"] = *q.help;
        if (q.type == dlg::question_type::free_text) {
            json answers = json::array();
            for_each_free_text(c, comp, q.id, limit, [&](std::int64_t item, const std::string& text) {
                answers.push_back({{"item", item}, {"text", text}});
            });
            qv["answers"] = answers;
            if (r.answered > static_cast<std::int64_t>(answers.size()))
                qv["more"] = "Här visas de " + format_count(static_cast<std::int64_t>(answers.size())) + " första av " +
                             format_count(r.answered) + " svaren. Alla finns i results.json och items.xlsx.";
        } else {
            std::vector<std::pair<std::string, std::int64_t>> bars;
            if (q.type == dlg::question_type::scale && q.min) {
                for (std::size_t i = 0; i < r.option_counts.size(); ++i) {
                    auto step = *q.min + static_cast<std::int64_t>(i);
                    std::string label = std::to_string(step);
                    if (step == *q.min) label += " (lägst)";
                    if (q.max && step == *q.max) label += " (högst)";
                    bars.emplace_back(label, r.option_counts[i]);
                }
                const json& sq = summary["panel"]["questions"][number - 1];
                if (sq["mean"].is_number()) qv["mean"] = decimal_sv(sq["mean"].get<double>());
            } else {
                for (std::size_t i = 0; i < q.options.size(); ++i) bars.emplace_back(q.options[i], r.option_counts[i]);
            }
            // Shares of those who answered; a multiple-choice question's shares add up to more than 100 %.
            qv["chart"] = bar_chart(bars, r.answered,
                                    q.type == dlg::question_type::scale
                                        ? "Antal svar per steg på skalan, med andel av dem som besvarade frågan"
                                        : "Antal svar per alternativ, med andel av dem som besvarade frågan");
            qv["multiple"] = q.type == dlg::question_type::multiple_choice;
            if (r.other) qv["other"] = format_count(r.other);
        }
        questions.push_back(std::move(qv));
    }
    v["questions"] = questions;
    v["has_questions"] = !questions.empty();
    v["panel_responses"] = format_count(comp.panel_responses);

    // Items within the purpose by tag, outside it by handling, and those awaiting review.
    json tags = json::array();
    for (const auto& t : comp.in_purpose_by_tag) {
        json g = item_group(c, comp, item_filter::in_purpose_with_tag, t.key, t.n, limit);
        g["name"] = t.key;
        tags.push_back(std::move(g));
    }
    if (comp.in_purpose_untagged > 0) {
        json g = item_group(c, comp, item_filter::in_purpose_untagged, {}, comp.in_purpose_untagged, limit);
        g["name"] = "Utan tagg";
        tags.push_back(std::move(g));
    }
    v["tag_groups"] = tags;
    v["has_in_purpose"] = comp.in_purpose > 0;
    json tag_rows = json::array();
    for (const auto& t : comp.in_purpose_by_tag)
        tag_rows.push_back({{"name", t.key}, {"count", format_count(t.n)}, {"share", percent(t.n, comp.in_purpose)}});
    v["tag_rows"] = tag_rows;
    v["has_tag_rows"] = !tag_rows.empty();

    json actions = json::array();
    for (const auto& a : comp.outside_by_action) {
        json g = item_group(c, comp, item_filter::outside_purpose_with_action, a.key, a.n, limit);
        g["name"] = action_label(a.key);
        actions.push_back(std::move(g));
    }
    v["action_groups"] = actions;
    v["has_outside"] = comp.outside_purpose > 0;
    v["review"] = item_group(c, comp, item_filter::awaiting_review, {}, comp.awaiting_review, limit);
    v["has_review"] = comp.awaiting_review > 0;

    const json& mark = comp.high_water_mark;
    v["mark_items"] = format_count(mark.value("items", std::int64_t{0}));
    v["mark_change"] = mark.value("last_item_change", "");
    v["list_limit"] = format_count(static_cast<std::int64_t>(limit));
    out.write(render(v));
}

}  // namespace inspel::exporting
