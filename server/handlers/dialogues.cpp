#include "server/handlers/dialogues.hpp"

#include "common/log.hpp"
#include "dialogue/process.hpp"
#include "dialogue/store/store.hpp"
#include "dialogue/wording.hpp"
#include "server/templates.hpp"

#include <chrono>
#include <variant>

namespace inspel::server::handlers {

using nlohmann::json;
namespace dlg = inspel::dialogue;
namespace store = inspel::dialogue::store;

namespace {

dlg::day today() { return store::swedish_day(std::chrono::system_clock::now()); }

std::string lang_of(const request_context& ctx) {
    auto q = query_of(ctx.target());
    auto it = q.find("lang");
    return it != q.end() && it->second == "en" ? "en" : "sv";
}

store::request request_of(const request_context& ctx) {
    store::request r;
    r.actor = ctx.user ? ctx.user->username : "";
    r.role = ctx.user ? ctx.user->role : "";
    r.client_address = ctx.client_address;
    return r;
}

// --- JSON ---------------------------------------------------------------------------------------

// What a resident may see of a dialogue: no owner, no internal plans or routing hints.
json public_json(const store::stored& s, dlg::day on) {
    json all = dlg::to_json(s.record), out = json::object();
    for (const char* key : {"slug", "title", "kind", "language", "state", "purpose", "description", "decision",
                            "influence_level", "target_groups", "opens_at", "closes_at", "decision_expected",
                            "feedback_plan", "questions"})
        if (all.contains(key)) out[key] = all[key];
    if (all.contains("outside_purpose")) {
        out["outside_purpose"] = all["outside_purpose"];
        out["outside_purpose"]["explanation"] = dlg::outside_purpose_explanation(s.record.outside_purpose, "sv");
    }
    out["id"] = s.id;
    out["accepts_input"] = dlg::accepts_input(s.record, on).accepted();
    return out;
}

json full_json(const store::stored& s, dlg::day on) {
    json out = dlg::to_json(s.record);
    out["id"] = s.id;
    out["created_at"] = s.created_at;
    out["updated_at"] = s.updated_at;
    out["accepts_input"] = dlg::accepts_input(s.record, on).accepted();
    auto next = dlg::next_state(s.record.state);
    out["next_state"] = next ? json(dlg::to_string(*next)) : json(nullptr);
    return out;
}

json history_json(const std::vector<store::history_entry>& h) {
    json out = json::array();
    for (const auto& e : h)
        out.push_back({{"from", dlg::to_string(e.from)},
                       {"to", dlg::to_string(e.to)},
                       {"decided_by", e.decided_by},
                       {"decided_at", e.decided_at},
                       {"decision", e.decision}});
    return out;
}

json problems_json(const std::vector<dlg::field_error>& errors) {
    json out = json::array();
    for (const auto& e : errors) out.push_back({{"field", e.field}, {"message", e.message}});
    return out;
}

// The error envelope, with every problem listed (a transition names all that is missing).
http_response api_error(http::status status, std::string_view code, const std::vector<dlg::field_error>& errors) {
    std::string message = errors.empty() ? std::string(code) : errors.front().message;
    if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more: see problems)";
    json err = {{"code", code}, {"message", message}, {"problems", problems_json(errors)}};
    err["field"] = errors.empty() || errors.front().field.empty() ? json(nullptr) : json(errors.front().field);
    return json_response(status, {{"error", err}});
}

http_response api_outcome(const store::outcome& o, http::status success) {
    switch (o.result) {
        case store::status::ok: return json_response(success, full_json(*o.value, today()));
        case store::status::not_found: return api_error(http::status::not_found, "not_found", o.errors);
        case store::status::forbidden: return api_error(http::status::forbidden, "forbidden", o.errors);
        case store::status::invalid: return api_error(http::status::unprocessable_entity, "invalid", o.errors);
        case store::status::conflict: return api_error(http::status::conflict, "conflict", o.errors);
        case store::status::incomplete: return api_error(http::status::unprocessable_entity, "incomplete", o.errors);
    }
    return api_error(http::status::internal_server_error, "internal", {});
}

// The JSON body of a request, or the response refusing it.
std::variant<json, http_response> json_body(const request_context& ctx) {
    auto type = ctx.request[http::field::content_type];
    if (!type.starts_with("application/json"))
        return error_response(ctx.target(), http::status::unsupported_media_type, "unsupported_media_type",
                              "send the body as application/json");
    json body = json::parse(ctx.request.body(), nullptr, false);
    if (body.is_discarded())
        return error_response(ctx.target(), http::status::bad_request, "malformed_json",
                              "the body is not valid JSON (UTF-8)");
    return body;
}

// Runs `change` on the writer and answers after the commit with `render(outcome)`.
void write_then(schema::database& db, std::function<store::outcome(schema::connection&)> change,
                std::function<http_response(const store::outcome&)> render, responder respond,
                std::string event) {
    auto result = std::make_shared<store::outcome>();
    db.write({[change = std::move(change), result](schema::connection& c) { *result = change(c); },
              [result, render = std::move(render), respond, event = std::move(event)](std::exception_ptr e) {
                  try {
                      if (e) std::rethrow_exception(e);
                      if (result->changed && result->value)
                          log::info(event, {{"dialogue", result->value->id}, {"state", dlg::to_string(result->value->record.state)}});
                      respond(render(*result));
                  } catch (const std::exception& ex) {
                      log::error("dialogue.write_failed", {{"event", event}, {"what", ex.what()}});
                      respond(error_response("/api/", http::status::internal_server_error, "internal",
                                             "the change could not be saved; nothing was changed"));
                  }
              }});
}

// --- views for the pages ----------------------------------------------------------------------------

std::string text_or(const std::optional<std::string>& v, std::string fallback = {}) { return v.value_or(fallback); }
std::string day_or(const std::optional<dlg::day>& d) { return d ? dlg::format_day(*d) : std::string(); }

json decision_view(const dlg::formal_decision& d) {
    if (d.empty()) return false;
    return {{"body", text_or(d.body)},
            {"date", day_or(d.date)},
            {"paragraph", text_or(d.paragraph)},
            {"registry_number", text_or(d.registry_number)}};
}

json public_page_view(const store::stored& s, std::string_view lang) {
    const dlg::dialogue& d = s.record;
    auto input = dlg::accepts_input(d, today());
    bool en = lang == "en";
    json view = {{"title", d.title},
                 {"lang", std::string(lang)},
                 {"heading", d.title},
                 {"kind", dlg::kind_label(d.kind, lang)},
                 {"purpose", text_or(d.purpose)},
                 {"description", text_or(d.description)},
                 {"decision", decision_view(d.decision)},
                 {"opens_at", day_or(d.opens_at)},
                 {"closes_at", day_or(d.closes_at)},
                 {"decision_expected", day_or(d.decision_expected)},
                 {"feedback_plan", text_or(d.feedback_plan)},
                 {"open", input.accepted()},
                 {"refusal", dlg::refusal_message(d, input, lang)},
                 {"outside_explanation", dlg::outside_purpose_explanation(d.outside_purpose, lang)},
                 {"outside_notice", text_or(d.outside_purpose.notice)}};
    if (d.influence)
        view["influence"] = {{"name", dlg::influence_name(*d.influence, lang)},
                             {"explanation", dlg::influence_explanation(*d.influence, lang)}};
    std::string suffix = "?dialogue=" + d.slug + (en ? "&lang=en" : "");
    json forms = json::array();
    if (!d.questions.empty())
        forms.push_back({{"href", "/forms/panel_response" + suffix},
                         {"label", en ? "Answer the questionnaire (frågepanel)" : "Svara på frågepanelen"},
                         {"hint", en ? std::to_string(d.questions.size()) + " questions"
                                     : std::to_string(d.questions.size()) + " frågor"}});
    forms.push_back({{"href", "/forms/feedback" + suffix},
                     {"label", en ? "Give feedback or an idea" : "Lämna en synpunkt eller idé"},
                     {"hint", en ? "Praise, complaint, idea or question" : "Beröm, klagomål, förslag eller fråga"}});
    forms.push_back({{"href", "/forms/proposal" + suffix},
                     {"label", en ? "Submit a citizens' proposal" : "Lämna ett medborgarförslag"},
                     {"hint", en ? "A formal proposal to the municipality" : "Ett formellt förslag till kommunen"}});
    view["forms"] = std::move(forms);
    return view;
}

// The inputs an official fills to take the next step: the step's own record (the rest of what it
// needs is edited through the API and listed as missing until it is there).
struct input_spec {
    const char* name;  // dotted path into the record's JSON
    const char* label;
    const char* type;  // text | date | textarea
};

std::vector<input_spec> inputs_for(dlg::dialogue_state to) {
    using S = dlg::dialogue_state;
    switch (to) {
        case S::planning:
            return {{"decision.body", "Beslutande organ", "text"},
                    {"decision.date", "Beslutsdatum", "date"},
                    {"decision.paragraph", "Paragraf (§)", "text"},
                    {"decision.registry_number", "Diarienummer", "text"}};
        case S::execution:
            return {{"launch.date", "Datum för beslut om igångsättning", "date"},
                    {"launch.summary", "Avstämning inför igångsättningen", "textarea"}};
        case S::feedback:
            return {{"compilation.summary", "Sammanställning av resultatet", "textarea"},
                    {"compilation.date", "Datum för sammanställningen", "date"}};
        case S::processing:
            return {{"presentation.to", "Presenterad för (organ)", "text"},
                    {"presentation.date", "Datum för presentationen", "date"}};
        case S::decided:
            return {{"proposal.summary", "Förslag till beslut", "textarea"},
                    {"proposal.date", "Datum för förslaget", "date"},
                    {"final_decision.body", "Beslutande organ", "text"},
                    {"final_decision.date", "Beslutsdatum", "date"},
                    {"final_decision.paragraph", "Paragraf (§)", "text"},
                    {"final_decision.registry_number", "Diarienummer", "text"},
                    {"final_decision.action_plan", "Åtgärdsplan", "textarea"},
                    {"final_decision.resident_feedback", "Så får invånarna återkoppling", "textarea"}};
        case S::evaluated:
            return {{"evaluation.summary", "Utvärdering mot uppdraget", "textarea"},
                    {"evaluation.date", "Datum för utvärderingen", "date"}};
        default: return {};
    }
}

std::string dom_id(std::string_view path) {
    std::string id = "f-";
    for (char c : path) id += (c == '.' || c == '[' || c == ']') ? '-' : c;
    return id;
}

// The value at a dotted path of a JSON object, as text ("" when absent).
std::string value_at(const json& j, std::string_view path) {
    const json* at = &j;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto dot = path.find('.', start);
        std::string key(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (!at->is_object() || !at->contains(key)) return {};
        at = &(*at)[key];
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return at->is_string() ? at->get<std::string>() : std::string();
}

// The form of the next step, with what was typed and the errors from the last attempt.
json official_page_view(const store::stored& s, const std::vector<store::history_entry>& history,
                        const request_context& ctx, const json& typed, const std::vector<dlg::field_error>& errors) {
    const dlg::dialogue& d = s.record;
    json record = dlg::to_json(d);
    json view = {{"title", d.title},
                 {"lang", "sv"},
                 {"heading", d.title},
                 {"slug", d.slug},
                 {"id", s.id},
                 {"state_label", dlg::state_label(d.state, "sv")},
                 {"state", dlg::to_string(d.state)},
                 {"kind", dlg::kind_label(d.kind, "sv")},
                 {"owner", text_or(d.owner)},
                 {"purpose", text_or(d.purpose)},
                 {"decision", decision_view(d.decision)},
                 {"opens_at", day_or(d.opens_at)},
                 {"closes_at", day_or(d.closes_at)},
                 {"decision_expected", day_or(d.decision_expected)},
                 {"outside_explanation", dlg::outside_purpose_explanation(d.outside_purpose, "sv")},
                 {"public", d.state == dlg::dialogue_state::execution},
                 {"accepts_input", dlg::accepts_input(d, today()).accepted()},
                 {"created_at", s.created_at},
                 {"updated_at", s.updated_at}};
    if (d.influence) view["influence"] = dlg::influence_name(*d.influence, "sv");
    if (ctx.user) {
        view["user"] = {{"name", ctx.user->username}, {"role", ctx.user->role}};
        view["csrf_token"] = ctx.user->csrf_token;
    }

    json steps = json::array();
    for (auto st = std::optional(dlg::dialogue_state::initiative); st; st = dlg::next_state(*st))
        steps.push_back({{"label", dlg::state_label(*st, "sv")},
                         {"done", static_cast<int>(*st) < static_cast<int>(d.state)},
                         {"current", *st == d.state}});
    view["steps"] = std::move(steps);

    json hist = json::array();
    for (const auto& h : history)
        hist.push_back({{"label", dlg::transition_label(h.to, "sv")},
                        {"decided_by", h.decided_by},
                        {"decided_at", h.decided_at},
                        {"decision", h.decision.dump(2, ' ', false, json::error_handler_t::replace)}});
    view["history"] = std::move(hist);
    json amendments = json::array();
    for (const auto& a : d.amendments) {
        std::string fields;
        for (const auto& f : a.fields) fields += (fields.empty() ? "" : ", ") + f;
        amendments.push_back({{"decision", decision_view(a.decision)},
                              {"reason", a.reason},
                              {"fields", fields},
                              {"recorded_by", a.recorded_by},
                              {"recorded_at", a.recorded_at}});
    }
    view["has_amendments"] = !amendments.empty();
    view["amendments"] = std::move(amendments);

    auto next = dlg::next_state(d.state);
    bool may = ctx.user && dlg::may_change(ctx.user->role);
    if (next) {
        auto pending = dlg::check_transition(d, *next, may ? ctx.user->role : "official", today());
        json missing = json::array();
        for (const auto& p : pending.problems) missing.push_back({{"field", p.field}, {"message", p.message}});
        json inputs = json::array();
        std::vector<bool> shown(errors.size(), false);
        for (const auto& spec : inputs_for(*next)) {
            json in = {{"name", spec.name}, {"label", spec.label}, {"id", dom_id(spec.name)},
                       {"textarea", std::string(spec.type) == "textarea"}, {"type", spec.type}};
            std::string value = typed.is_object() && typed.contains(spec.name) ? typed[spec.name].get<std::string>()
                                                                             : value_at(record, spec.name);
            in["value"] = value;
            for (std::size_t i = 0; i < errors.size(); ++i)
                if (errors[i].field == spec.name) {
                    in["error"] = errors[i].message;
                    shown[i] = true;
                }
            inputs.push_back(std::move(in));
        }
        json summary = json::array();
        for (std::size_t i = 0; i < errors.size(); ++i)
            summary.push_back({{"field", errors[i].field},
                               {"message", errors[i].message},
                               {"href", shown[i] ? "#" + dom_id(errors[i].field) : std::string()}});
        bool has_missing = !missing.empty();
        view["next"] = {{"state", dlg::to_string(*next)},
                        {"has_missing", has_missing},
                        {"label", dlg::transition_label(*next, "sv")},
                        {"missing", std::move(missing)},
                        {"inputs", std::move(inputs)},
                        {"note", typed.is_object() && typed.contains("note") ? typed["note"] : json("")},
                        {"may", may}};
        view["has_errors"] = !summary.empty();
        view["errors"] = std::move(summary);
    }
    return view;
}

// Form fields with dotted names become a nested JSON body; empty fields are left out, so what the
// record already holds stays.
json transition_body(const std::multimap<std::string, std::string>& form, dlg::dialogue_state to) {
    json body = {{"to", dlg::to_string(to)}};
    for (const auto& spec : inputs_for(to)) {
        auto it = form.find(spec.name);
        if (it == form.end() || it->second.find_first_not_of(" \t\r\n") == std::string::npos) continue;
        std::string_view path = spec.name;
        auto dot = path.find('.');
        body[std::string(path.substr(0, dot))][std::string(path.substr(dot + 1))] = it->second;
    }
    if (auto it = form.find("note"); it != form.end() && !it->second.empty()) body["note"] = it->second;
    return body;
}

http_response page_not_found(const request_context& ctx) {
    return error_response(ctx.target(), http::status::not_found, "not_found",
                          "Det finns ingen pågående dialog med den adressen.");
}

}  // namespace

// --- the frågepanel partial --------------------------------------------------------------------------

json panel_questions_view(const dlg::dialogue& d, const json& answers, const std::vector<dlg::answer_error>& errors,
                          std::string_view lang) {
    bool en = lang == "en";
    json out = json::array();
    for (const auto& q : d.questions) {
        json given;
        if (answers.is_array())
            for (const auto& a : answers)
                if (a.is_object() && a.value("question", "") == q.id && a.contains("value")) given = a["value"];
        auto answered = [&](const std::string& option) {
            if (given.is_string()) return given.get<std::string>() == option;
            if (given.is_array())
                for (const auto& v : given)
                    if (v.is_string() && v.get<std::string>() == option) return true;
            if (given.is_number_integer()) return std::to_string(given.get<std::int64_t>()) == option;
            return false;
        };
        std::string field = dlg::form_field(q);
        json view = {{"id", "q-" + q.id},
                     {"name", field},
                     {"text", q.text},
                     {"required", q.required},
                     {"required_label", en ? "(required)" : "(obligatorisk)"},
                     {"free_text", q.type == dlg::question_type::free_text},
                     {"single_choice", q.type == dlg::question_type::single_choice},
                     {"multiple_choice", q.type == dlg::question_type::multiple_choice},
                     {"scale", q.type == dlg::question_type::scale}};
        if (q.help) view["help"] = *q.help;
        if (q.type == dlg::question_type::free_text) {
            view["value"] = given.is_string() ? given.get<std::string>() : std::string();
            view["max_length"] = q.max_length.value_or(dlg::default_free_text_length);
        }
        json options = json::array();
        std::size_t i = 0;
        for (const auto& o : q.options)
            options.push_back({{"value", o}, {"label", o}, {"id", "q-" + q.id + "-" + std::to_string(i++)},
                               {"checked", answered(o)}});
        if (q.type == dlg::question_type::scale && q.min && q.max) {
            for (auto n = *q.min; n <= *q.max; ++n)
                options.push_back({{"value", std::to_string(n)}, {"label", std::to_string(n)},
                                   {"id", "q-" + q.id + "-" + std::to_string(n - *q.min)},
                                   {"checked", answered(std::to_string(n))}});
            view["scale_hint"] = en ? "From " + std::to_string(*q.min) + " (lowest) to " + std::to_string(*q.max) +
                                          " (highest)"
                                    : "Från " + std::to_string(*q.min) + " (lägst) till " + std::to_string(*q.max) +
                                          " (högst)";
        }
        view["options"] = std::move(options);
        for (const auto& e : errors)
            if (e.question == q.id) view["error"] = e.message;
        out.push_back(std::move(view));
    }
    return out;
}

void add_dialogue_routes(router& r, schema::database& db) {
    // --- API ---
    r.add(http::verb::post, "/api/v1/dialogues",
          handler([&db](request_context ctx, responder respond) {
              auto body = json_body(ctx);
              if (auto* refused = std::get_if<http_response>(&body)) return respond(std::move(*refused));
              write_then(
                  db, [b = std::get<json>(body), req = request_of(ctx)](schema::connection& c) { return store::create(c, b, req); },
                  [](const store::outcome& o) {
                      auto res = api_outcome(o, http::status::created);
                      if (o.result == store::status::ok) res.set(http::field::location, "/api/v1/dialogues/" + o.value->record.slug);
                      return res;
                  },
                  std::move(respond), "dialogue.created");
          }),
          runs_on::worker, access::official);

    r.add(http::verb::get, "/api/v1/dialogues", sync_handler([&db](const request_context& ctx) {
              bool official = ctx.user != nullptr;
              auto on = today();
              json items = json::array();
              db.read([&](schema::connection& c) {
                  auto all = store::list(c, official ? std::nullopt : std::optional(dlg::dialogue_state::execution));
                  for (const auto& s : all) items.push_back(official ? full_json(s, on) : public_json(s, on));
              });
              return json_response(http::status::ok, {{"dialogues", std::move(items)}});
          }),
          runs_on::worker, access::anyone);

    r.add(http::verb::get, "/api/v1/dialogues/{id}", sync_handler([&db](const request_context& ctx) {
              auto found = db.read([&](schema::connection& c) { return store::find(c, ctx.param("id")); });
              bool official = ctx.user != nullptr;
              // The public sees dialogues in execution only; the rest do not exist for it.
              if (!found || (!official && found->record.state != dlg::dialogue_state::execution))
                  return error_response(ctx.target(), http::status::not_found, "not_found",
                                        "there is no dialogue \"" + ctx.param("id") + "\"", "id");
              if (!official) return json_response(http::status::ok, public_json(*found, today()));
              json out = full_json(*found, today());
              out["history"] = history_json(db.read([&](schema::connection& c) { return store::history(c, found->id); }));
              return json_response(http::status::ok, out);
          }),
          runs_on::worker, access::anyone);

    r.add(http::verb::patch, "/api/v1/dialogues/{id}",
          handler([&db](request_context ctx, responder respond) {
              auto body = json_body(ctx);
              if (auto* refused = std::get_if<http_response>(&body)) return respond(std::move(*refused));
              write_then(
                  db,
                  [b = std::get<json>(body), ref = ctx.param("id"), req = request_of(ctx)](schema::connection& c) {
                      return store::update(c, ref, b, req);
                  },
                  [](const store::outcome& o) { return api_outcome(o, http::status::ok); }, std::move(respond),
                  "dialogue.updated");
          }),
          runs_on::worker, access::official);

    r.add(http::verb::post, "/api/v1/dialogues/{id}/transitions",
          handler([&db](request_context ctx, responder respond) {
              auto body = json_body(ctx);
              if (auto* refused = std::get_if<http_response>(&body)) return respond(std::move(*refused));
              write_then(
                  db,
                  [b = std::get<json>(body), ref = ctx.param("id"), req = request_of(ctx)](schema::connection& c) {
                      return store::transition(c, ref, b, req);
                  },
                  [](const store::outcome& o) { return api_outcome(o, http::status::ok); }, std::move(respond),
                  "dialogue.transition");
          }),
          runs_on::worker, access::official);

    // --- pages ---
    r.add(http::verb::get, "/dialogues/{slug}", sync_handler([&db](const request_context& ctx) {
              auto found = db.read([&](schema::connection& c) { return store::find(c, ctx.param("slug")); });
              if (!found || found->record.state != dlg::dialogue_state::execution) return page_not_found(ctx);
              return html_response(http::status::ok, render_page("dialogue", public_page_view(*found, lang_of(ctx))));
          }),
          runs_on::worker, access::anyone);

    r.add(http::verb::get, "/official/dialogues", sync_handler([&db](const request_context& ctx) {
              auto all = db.read([](schema::connection& c) { return store::list(c); });
              json rows = json::array();
              for (const auto& s : all)
                  rows.push_back({{"slug", s.record.slug},
                                  {"title", s.record.title},
                                  {"state_label", dlg::state_label(s.record.state, "sv")},
                                  {"closes_at", day_or(s.record.closes_at)},
                                  {"updated_at", s.updated_at}});
              json view = {{"title", "Dialoger"}, {"lang", "sv"}, {"dialogues", rows}, {"any", !rows.empty()}};
              view["user"] = {{"name", ctx.user->username}, {"role", ctx.user->role}};
              view["csrf_token"] = ctx.user->csrf_token;
              return html_response(http::status::ok, render_page("official_dialogues", view));
          }),
          runs_on::worker, access::signed_in);

    r.add(http::verb::get, "/official/dialogues/{slug}", sync_handler([&db](const request_context& ctx) {
              auto found = db.read([&](schema::connection& c) { return store::find(c, ctx.param("slug")); });
              if (!found)
                  return error_response(ctx.target(), http::status::not_found, "not_found", "Dialogen finns inte.");
              auto h = db.read([&](schema::connection& c) { return store::history(c, found->id); });
              return html_response(http::status::ok,
                                   render_page("official_dialogue", official_page_view(*found, h, ctx, json(), {})));
          }),
          runs_on::worker, access::signed_in);

    r.add(http::verb::post, "/official/dialogues/{slug}/transitions",
          handler([&db](request_context ctx, responder respond) {
              auto form = query_of("?" + ctx.request.body());
              auto found = db.read([&](schema::connection& c) { return store::find(c, ctx.param("slug")); });
              if (!found)
                  return respond(
                      error_response(ctx.target(), http::status::not_found, "not_found", "Dialogen finns inte."));
              auto next = dlg::next_state(found->record.state);
              auto to_field = form.find("to");
              // The form names the step it was rendered for: a second submit after the step was taken is refused.
              auto to = to_field == form.end() ? std::nullopt : dlg::state_from(to_field->second);
              if (!next || !to) {
                  return respond(error_response(ctx.target(), http::status::conflict, "conflict",
                                                "Dialogen har inget nästa steg att ta."));
              }
              json body = transition_body(form, *to);
              json typed = json::object();
              for (const auto& [k, v] : form)
                  if (k != "csrf_token" && k != "to") typed[k] = v;
              // On a refusal the page comes back with the errors, read in the same transaction.
              struct result {
                  store::outcome outcome;
                  std::optional<store::stored> current;
                  std::vector<store::history_entry> history;
              };
              auto out = std::make_shared<result>();
              auto ctx_ptr = std::make_shared<request_context>(std::move(ctx));
              db.write({[out, body, ref = found->record.slug, req = request_of(*ctx_ptr)](schema::connection& c) {
                            out->outcome = store::transition(c, ref, body, req);
                            if (out->outcome.result == store::status::ok) return;
                            out->current = store::find(c, ref);
                            if (out->current) out->history = store::history(c, out->current->id);
                        },
                        [out, ctx_ptr, typed, respond](std::exception_ptr e) {
                            try {
                                if (e) std::rethrow_exception(e);
                                const auto& o = out->outcome;
                                if (o.result == store::status::ok) {
                                    log::info("dialogue.transition", {{"dialogue", o.value->id},
                                                                      {"state", dlg::to_string(o.value->record.state)}});
                                    http_response res{http::status::see_other, 11};
                                    res.set(http::field::location, "/official/dialogues/" + o.value->record.slug);
                                    res.prepare_payload();
                                    return respond(std::move(res));
                                }
                                if (!out->current) return respond(page_not_found(*ctx_ptr));
                                auto status = o.result == store::status::forbidden  ? http::status::forbidden
                                              : o.result == store::status::conflict ? http::status::conflict
                                                                                    : http::status::unprocessable_entity;
                                respond(html_response(
                                    status, render_page("official_dialogue",
                                                        official_page_view(*out->current, out->history, *ctx_ptr,
                                                                           typed, o.errors))));
                            } catch (const std::exception& ex) {
                                log::error("dialogue.write_failed", {{"what", ex.what()}});
                                respond(error_response(ctx_ptr->target(), http::status::internal_server_error,
                                                       "internal", "Ändringen kunde inte sparas. Inget ändrades."));
                            }
                        }});
          }),
          runs_on::worker, access::official);
}

}  // namespace inspel::server::handlers
