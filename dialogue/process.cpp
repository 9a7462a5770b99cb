#include "dialogue/process.hpp"

#include <algorithm>
#include <array>

namespace inspel::dialogue {

using nlohmann::json;

namespace {

constexpr std::array all_states{dialogue_state::initiative,  dialogue_state::planning, dialogue_state::execution,
                                dialogue_state::compilation, dialogue_state::feedback, dialogue_state::processing,
                                dialogue_state::decided,     dialogue_state::evaluated};

int rank(dialogue_state s) { return static_cast<int>(s); }

// Which transition decides which fields. The order of the table is the order of the steps.
constexpr std::string_view commission_fields[] = {"kind",      "purpose",  "description",      "decision",
                                                  "influence_level", "target_groups", "opens_at", "closes_at",
                                                  "decision_expected", "outside_purpose"};
constexpr std::string_view launch_fields[] = {"slug",          "title",     "language", "communication_plan",
                                              "feedback_plan", "questions", "launch"};
constexpr std::string_view feedback_fields[] = {"compilation"};
constexpr std::string_view processing_fields[] = {"presentation"};
constexpr std::string_view decided_fields[] = {"proposal", "final_decision"};
constexpr std::string_view evaluated_fields[] = {"evaluation"};

std::string day_text(const std::optional<day>& d) { return d ? format_day(*d) : std::string("?"); }

// Collects missing requirements.
struct checklist {
    std::vector<field_error> problems;
    void need(bool present, std::string field, std::string message) {
        if (!present) problems.push_back({std::move(field), std::move(message)});
    }
    void not_after_today(const std::optional<day>& d, std::optional<day> today, const std::string& field) {
        if (d && today && *d > *today)
            problems.push_back({field, "is " + format_day(*d) + ", after today: record a step once it has happened"});
    }
};

void formal(checklist& c, const formal_decision& d, const std::string& prefix, const std::string& what) {
    c.need(d.body.has_value(), prefix + ".body", what + " must name the body that decided it");
    c.need(d.date.has_value(), prefix + ".date", what + " must have its date");
    c.need(d.paragraph.has_value(), prefix + ".paragraph", what + " must have its paragraph (§) in the minutes");
    c.need(d.registry_number.has_value(), prefix + ".registry_number",
           what + " must have its registry number (diarienummer)");
}

// Steg 2: the commission.
void commission(checklist& c, const dialogue& d, std::optional<day> today) {
    formal(c, d.decision, "decision", "the commissioning decision (Steg 2)");
    c.not_after_today(d.decision.date, today, "decision.date");
    c.need(d.purpose.has_value(), "purpose", "the commission must state the purpose of the dialogue");
    c.need(d.description.has_value(), "description", "the commission must describe the dialogue");
    if (!d.influence)
        c.need(false, "influence_level", "the commission must state how much residents can influence");
    else
        c.need(*d.influence != influence_level::information, "influence_level",
               "information alone is not a dialogue: choose konsultation, dialog, inflytande or medbeslutande");

    for (auto [name, who] : {std::pair{"KHR", "the disability council (KHR)"},
                             std::pair{"KPR", "the pensioners' council (KPR)"}}) {
        const target_group* g = d.group(name);
        c.need(g && g->considered == true, std::string("target_groups.") + name,
               std::string(who) + " must always be considered: list it with \"considered\": true");
    }
    const target_group* young = d.group("children_youth");
    bool heard = young && young->considered.has_value() && (*young->considered || young->note.has_value());
    c.need(heard, "target_groups.children_youth",
           "children and young people must be able to be heard: mark children_youth considered, or not "
           "considered with a note saying why the matter does not concern them");

    c.need(d.opens_at.has_value(), "opens_at", "the timeline must say when input opens");
    c.need(d.closes_at.has_value(), "closes_at", "the timeline must say when input closes");
    c.need(d.decision_expected.has_value(), "decision_expected", "the timeline must say when the decision is expected");
    if (d.opens_at && d.closes_at)
        c.need(*d.closes_at >= *d.opens_at, "closes_at", "must not be before opens_at");
    if (d.closes_at && d.decision_expected)
        c.need(*d.decision_expected >= *d.closes_at, "decision_expected", "must not be before closes_at");

    const auto& rule = d.outside_purpose;
    c.need(rule.action.has_value(), "outside_purpose.action",
           "the commission must say how input outside the purpose is handled");
    if (rule.action == outside_action::forward_to_department)
        c.need(rule.department.has_value(), "outside_purpose.department", "name the department it is forwarded to");
    c.need(rule.notice.has_value(), "outside_purpose.notice",
           "write the notice shown to residents whose input falls outside the purpose");
}

// Steg 3 and 4: the plan and the launch.
void launch(checklist& c, const dialogue& d, std::optional<day> today) {
    c.need(d.owner.has_value(), "owner", "the plan must name the official responsible (Steg 3)");
    c.need(d.communication_plan.has_value(), "communication_plan",
           "the plan must say how the dialogue is made known to its target groups (Steg 3)");
    c.need(d.feedback_plan.has_value(), "feedback_plan",
           "the plan must say how the results are fed back to those who took part, before launch (Steg 3)");
    c.need(d.launch.date.has_value(), "launch.date", "the launch decision (Steg 4) must have its date");
    if (d.launch.date && d.decision.date)
        c.need(*d.launch.date >= *d.decision.date, "launch.date", "must not be before the commissioning decision");
    c.not_after_today(d.launch.date, today, "launch.date");
    if (today && d.closes_at)
        c.need(*d.closes_at >= *today, "closes_at",
               "the window closed on " + format_day(*d.closes_at) +
                   ": a new decision must amend the timeline before the launch");
}

void close(checklist& c, const dialogue& d, std::optional<day> today) {
    if (today && d.closes_at)
        c.need(*today > *d.closes_at, "closes_at",
               "input is accepted until " + format_day(*d.closes_at) +
                   "; compilation starts after the window has closed (a new decision may close it earlier)");
}

void compiled(checklist& c, const dialogue& d, std::optional<day> today) {
    c.need(d.compilation.summary.has_value(), "compilation.summary",
           "the compilation of the results (Steg 6) must be written before it is presented");
    c.need(d.compilation.date.has_value(), "compilation.date", "the compilation must have its date");
    c.not_after_today(d.compilation.date, today, "compilation.date");
}

void presented(checklist& c, const dialogue& d, std::optional<day> today) {
    c.need(d.presentation.to.has_value(), "presentation.to",
           "name the elected body the compilation was presented to (Steg 7)");
    c.need(d.presentation.date.has_value(), "presentation.date", "the presentation must have its date");
    c.not_after_today(d.presentation.date, today, "presentation.date");
}

void decided(checklist& c, const dialogue& d, std::optional<day> today) {
    c.need(d.proposal.summary.has_value(), "proposal.summary",
           "the proposals for decision drawn from the dialogue (Steg 8) must be written");
    c.not_after_today(d.proposal.date, today, "proposal.date");
    formal(c, d.final_decision.decision, "final_decision", "the decision (Steg 9)");
    c.not_after_today(d.final_decision.decision.date, today, "final_decision.date");
    c.need(d.final_decision.action_plan.has_value(), "final_decision.action_plan",
           "the decision must come with its action plan (Steg 9)");
    c.need(d.final_decision.resident_feedback.has_value(), "final_decision.resident_feedback",
           "the decision must say how feedback reaches the residents (Steg 9)");
}

void evaluated(checklist& c, const dialogue& d, std::optional<day> today) {
    c.need(d.evaluation.summary.has_value(), "evaluation.summary",
           "the evaluation of the dialogue against its commission must be written");
    c.need(d.evaluation.date.has_value(), "evaluation.date", "the evaluation must have its date");
    c.not_after_today(d.evaluation.date, today, "evaluation.date");
}

// The requirements of the one transition into `s`.
void requirements_of(checklist& c, const dialogue& d, dialogue_state s, std::optional<day> today) {
    switch (s) {
        case dialogue_state::initiative: break;
        case dialogue_state::planning: commission(c, d, today); break;
        case dialogue_state::execution: launch(c, d, today); break;
        case dialogue_state::compilation: close(c, d, today); break;
        case dialogue_state::feedback: compiled(c, d, today); break;
        case dialogue_state::processing: presented(c, d, today); break;
        case dialogue_state::decided: decided(c, d, today); break;
        case dialogue_state::evaluated: evaluated(c, d, today); break;
    }
}

std::string state_list_after(dialogue_state s) {
    auto n = next_state(s);
    return n ? std::string(to_string(*n)) : std::string("none: the dialogue is finished");
}

}  // namespace

std::optional<dialogue_state> next_state(dialogue_state s) {
    if (s == dialogue_state::evaluated) return std::nullopt;
    return all_states[static_cast<std::size_t>(rank(s) + 1)];
}

bool may_change(std::string_view role) { return role == "official" || role == "admin"; }

transition_check check_transition(const dialogue& d, dialogue_state to, std::string_view role, day today) {
    transition_check out;
    if (!may_change(role)) {
        out.result = verdict::forbidden;
        out.problems.push_back({"to", "only officials and administrators record the steps of a dialogue; elected "
                                      "representatives take the decisions and read them here"});
        return out;
    }
    auto next = next_state(d.state);
    if (!next || to != *next) {
        out.result = verdict::out_of_order;
        std::string why = rank(to) <= rank(d.state) ? "a dialogue never goes back or repeats a step"
                                                    : "a dialogue moves one step at a time";
        out.problems.push_back({"to", "cannot go from " + std::string(to_string(d.state)) + " to " +
                                          std::string(to_string(to)) + ": " + why + "; the next step is " +
                                          state_list_after(d.state)});
        return out;
    }
    checklist c;
    // Earlier steps are re-checked without dates: what they required must still be there.
    for (auto s : all_states) {
        if (rank(s) >= rank(to)) break;
        requirements_of(c, d, s, std::nullopt);
    }
    requirements_of(c, d, to, today);
    if (!c.problems.empty()) {
        out.result = verdict::incomplete;
        out.problems = std::move(c.problems);
    }
    return out;
}

std::vector<field_error> requirements_through(const dialogue& d, dialogue_state s, std::optional<day> today) {
    checklist c;
    for (auto each : all_states) {
        if (rank(each) > rank(s)) break;
        requirements_of(c, d, each, today);
    }
    return std::move(c.problems);
}

std::span<const std::string_view> fields_decided_by(dialogue_state s) {
    switch (s) {
        case dialogue_state::planning: return commission_fields;
        case dialogue_state::execution: return launch_fields;
        case dialogue_state::feedback: return feedback_fields;
        case dialogue_state::processing: return processing_fields;
        case dialogue_state::decided: return decided_fields;
        case dialogue_state::evaluated: return evaluated_fields;
        default: return {};
    }
}

std::optional<dialogue_state> deciding_state(std::string_view field) {
    for (auto s : all_states) {
        auto fields = fields_decided_by(s);
        if (std::find(fields.begin(), fields.end(), field) != fields.end()) return s;
    }
    return std::nullopt;
}

bool is_frozen(const dialogue& d, std::string_view field) {
    auto s = deciding_state(field);
    return s && rank(d.state) >= rank(*s);
}

json decision_snapshot(const dialogue& d, dialogue_state to) {
    json all = to_json(d), out = json::object();
    for (auto field : fields_decided_by(to)) {
        auto it = all.find(field);
        if (it != all.end()) out[std::string(field)] = *it;
    }
    return out;
}

// --- creating and editing -------------------------------------------------------------------------

namespace {

edit_result failure(edit_status status, std::vector<field_error> errors) {
    edit_result r;
    r.status = status;
    r.errors = std::move(errors);
    return r;
}

edit_result forbidden_edit() {
    return failure(edit_status::forbidden,
                   {{"", "only officials and administrators change dialogues; elected representatives read them"}});
}

// The amendment of a PATCH: a complete formal decision and a reason.
std::optional<amendment> read_amendment(const json& j, const edit_context& ctx, std::vector<field_error>& errors) {
    if (!j.is_object()) {
        errors.push_back({"amendment", "must be an object {\"body\", \"date\", \"paragraph\", \"registry_number\", "
                                       "\"reason\"}"});
        return std::nullopt;
    }
    // The decision fields are read by the record's own parser through a throwaway dialogue.
    json probe = {{"slug", "amendment"}, {"title", "amendment"}, {"kind", "medborgardialog"}, {"decision", j}};
    probe["decision"].erase("reason");
    auto parsed = parse(probe);
    for (auto& e : parsed.errors) errors.push_back({"amendment" + e.field.substr(std::string("decision").size()),
                                                    e.message});
    amendment a;
    if (parsed.value) a.decision = parsed.value->decision;
    checklist c;
    if (parsed.value) {
        formal(c, a.decision, "amendment", "a new decision");
        c.not_after_today(a.decision.date, ctx.today, "amendment.date");
    }
    auto reason = j.find("reason");
    if (reason == j.end() || !reason->is_string() ||
        reason->get_ref<const std::string&>().find_first_not_of(" \t\r\n") == std::string::npos)
        c.need(false, "amendment.reason", "say what the new decision changes and why");
    else if (text_length(reason->get_ref<const std::string&>()) > max_long_text)
        c.need(false, "amendment.reason", "is too long");
    else
        a.reason = reason->get<std::string>();
    for (auto& p : c.problems) errors.push_back(std::move(p));
    if (!errors.empty()) return std::nullopt;
    a.recorded_by = ctx.actor;
    a.recorded_at = ctx.timestamp;
    return a;
}

}  // namespace

edit_result create(const json& body, const edit_context& ctx) {
    if (!may_change(ctx.role)) return forbidden_edit();
    std::vector<field_error> errors;
    if (body.is_object()) {
        if (body.contains("state") && body["state"] != "initiative")
            errors.push_back({"state", "a new dialogue starts at initiative; it moves on through its transitions"});
        if (body.contains("amendments"))
            errors.push_back({"amendments", "are recorded by the service when a new decision changes a dialogue"});
    }
    auto parsed = parse(body);
    for (auto& e : parsed.errors) errors.push_back(std::move(e));
    if (!errors.empty()) return failure(edit_status::invalid, std::move(errors));
    edit_result r;
    r.value = std::move(parsed.value);
    r.value->state = dialogue_state::initiative;
    if (!r.value->owner) r.value->owner = ctx.actor;
    json fields = to_json(*r.value);
    for (const auto& [k, v] : fields.items()) r.changed.push_back(k);
    return r;
}

edit_result apply_edit(const dialogue& current, const json& patch, const edit_context& ctx) {
    if (!may_change(ctx.role)) return forbidden_edit();
    if (!patch.is_object()) return failure(edit_status::invalid, {{"(body)", "must be a JSON object"}});
    std::vector<field_error> errors;
    json changes = patch;
    json amendment_json;
    if (auto it = changes.find("amendment"); it != changes.end()) {
        amendment_json = *it;
        changes.erase(it);
    }
    if (changes.contains("state"))
        errors.push_back({"state", "changes only through POST /api/v1/dialogues/{id}/transitions"});
    if (changes.contains("amendments"))
        errors.push_back({"amendments", "are recorded by the service: send \"amendment\" with the new decision"});
    if (!errors.empty()) return failure(edit_status::invalid, std::move(errors));

    json before = to_json(current);
    json after = before;
    after.merge_patch(changes);
    auto parsed = parse(after);
    if (!parsed.value) return failure(edit_status::invalid, std::move(parsed.errors));

    edit_result r;
    json result = to_json(*parsed.value);
    for (const auto& [k, v] : result.items())
        if (!before.contains(k) || before[k] != v) r.changed.push_back(k);
    for (const auto& [k, v] : before.items())
        if (!result.contains(k)) r.changed.push_back(k);
    std::sort(r.changed.begin(), r.changed.end());

    for (const auto& field : r.changed)
        if (is_frozen(current, field)) r.amended.push_back(field);

    if (!r.amended.empty() && amendment_json.is_null()) {
        for (const auto& field : r.amended) {
            auto s = *deciding_state(field);
            errors.push_back({field, "was decided when the dialogue moved to " + std::string(to_string(s)) +
                                         " and changes only through a new decision: send \"amendment\" with body, "
                                         "date, paragraph, registry_number and reason"});
        }
        return failure(edit_status::frozen, std::move(errors));
    }
    if (!amendment_json.is_null()) {
        if (r.amended.empty())
            return failure(edit_status::invalid,
                           {{"amendment", "changes no field decided earlier: an ordinary edit needs no new decision"}});
        auto a = read_amendment(amendment_json, ctx, errors);
        if (!a) return failure(edit_status::invalid, std::move(errors));
        a->fields = r.amended;
        parsed.value->amendments.push_back(std::move(*a));
    }
    // An amended record must still hold what every step passed required.
    auto gaps = requirements_through(*parsed.value, current.state);
    if (!gaps.empty()) return failure(edit_status::invalid, std::move(gaps));
    r.value = std::move(parsed.value);
    return r;
}

std::vector<field_error> check_import(const dialogue& d) { return requirements_through(d, d.state); }

// --- input --------------------------------------------------------------------------------------

input_check accepts_input(const dialogue& d, day today) {
    if (rank(d.state) < rank(dialogue_state::execution)) return {input_status::not_launched};
    if (rank(d.state) > rank(dialogue_state::execution)) return {input_status::finished};
    // A launched dialogue always has both dates (the commission requires them); without one the
    // window is treated as closed rather than endless.
    if (!d.opens_at || !d.closes_at) return {input_status::closed};
    if (today < *d.opens_at) return {input_status::not_yet_open};
    if (today > *d.closes_at) return {input_status::closed};
    return {input_status::open};
}

std::string refusal_message(const dialogue& d, input_check c, std::string_view lang) {
    bool en = lang == "en";
    const std::string& t = d.title;
    switch (c.status) {
        case input_status::open: return {};
        case input_status::not_launched:
            return en ? "The dialogue \"" + t + "\" has not started yet, so it does not take input yet."
                      : "Dialogen \"" + t + "\" har inte startat än, så den tar inte emot synpunkter ännu.";
        case input_status::not_yet_open:
            return en ? "The dialogue \"" + t + "\" takes input from " + day_text(d.opens_at) + "."
                      : "Dialogen \"" + t + "\" tar emot synpunkter från och med " + day_text(d.opens_at) + ".";
        case input_status::closed:
            return en ? "The dialogue \"" + t + "\" closed for input on " + day_text(d.closes_at) + "."
                      : "Dialogen \"" + t + "\" slutade ta emot synpunkter " + day_text(d.closes_at) + ".";
        case input_status::finished:
            return en ? "The dialogue \"" + t + "\" no longer takes input: its results are being compiled or have "
                        "been decided."
                      : "Dialogen \"" + t + "\" tar inte längre emot synpunkter: resultatet sammanställs eller har "
                        "redan beslutats.";
    }
    return {};
}

}  // namespace inspel::dialogue
