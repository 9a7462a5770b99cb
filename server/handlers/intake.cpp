#include "server/handlers/intake.hpp"

#include "common/log.hpp"
#include "ingest/clock.hpp"
#include "ingest/limits.hpp"
#include "ingest/messages.hpp"
#include "ingest/receipt.hpp"
#include "routing/routing.hpp"
#include "server/auth.hpp"
#include "server/handlers/dialogues.hpp"
#include "server/templates.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace inspel::server::handlers {
namespace {

using json = nlohmann::json;
using ingest::kind;
using ingest::lang;

// Form fields that carry the service's own machinery rather than the resident's input.
constexpr std::string_view token_field = "form_token";
constexpr std::string_view honeypot_field = "website";
constexpr std::string_view csrf_field = "csrf_token";

// --- language -----------------------------------------------------------------------------------

// ?lang=en or ?lang=sv wins; otherwise the Accept-Language entry with the highest weight among
// Swedish and English; otherwise Swedish.
lang page_lang(const request_context& ctx) {
    auto q = query_of(ctx.target());
    if (auto it = q.find("lang"); it != q.end()) {
        if (it->second == "en") return lang::en;
        if (it->second == "sv") return lang::sv;
    }
    std::string_view header = ctx.request[http::field::accept_language];
    double best_sv = -1, best_en = -1;
    while (!header.empty()) {
        auto comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        auto semi = item.find(';');
        std::string_view tag = item.substr(0, semi);
        while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
        double weight = 1.0;
        if (semi != std::string_view::npos) {
            auto qpos = item.find("q=", semi);
            if (qpos != std::string_view::npos) {
                try {
                    weight = std::stod(std::string(item.substr(qpos + 2)));
                } catch (const std::exception&) {
                    weight = 0;
                }
            }
        }
        std::string primary(tag.substr(0, tag.find('-')));
        std::transform(primary.begin(), primary.end(), primary.begin(), [](unsigned char c) { return std::tolower(c); });
        if (primary == "sv" || primary == "nb" || primary == "nn" || primary == "da") best_sv = std::max(best_sv, weight);
        if (primary == "en") best_en = std::max(best_en, weight);
    }
    return best_en > best_sv ? lang::en : lang::sv;
}

std::string lang_code(lang l) { return l == lang::en ? "en" : "sv"; }
std::string lang_query(lang l, char sep = '?') { return l == lang::en ? std::string(1, sep) + "lang=en" : ""; }
std::string pick(lang l, std::string sv, std::string en) { return l == lang::sv ? std::move(sv) : std::move(en); }

// The keys every page of this area needs: language for the layout, a link to the other language.
json base_view(const request_context& ctx, lang l, std::string title) {
    // The same page in the other language, keeping its other parameters (?dialogue=...).
    std::string other = std::string(ctx.path()) + (l == lang::en ? "?lang=sv" : "?lang=en");
    for (const auto& [k, v] : query_of(ctx.target()))
        if (k != "lang") other += "&" + percent_encode(k) + "=" + percent_encode(v);
    json v = {{"lang", lang_code(l)},
              {"en", l == lang::en},
              {"title", std::move(title)},
              {"lang_query", lang_query(l)},
              {"other_lang_href", other},
              {"other_lang_label", l == lang::en ? "På svenska" : "In English"},
              {"other_lang_code", l == lang::en ? "sv" : "en"}};
    return page_view(ctx, std::move(v));
}

// --- the forms ----------------------------------------------------------------------------------

std::string kind_title(kind k, lang l) {
    switch (k) {
        case kind::proposal: return pick(l, "Lämna ett medborgarförslag", "Submit a citizens' proposal");
        case kind::feedback: return pick(l, "Lämna en synpunkt", "Give feedback");
        case kind::panel_response: return pick(l, "Svara på en frågepanel", "Answer a questionnaire");
        case kind::public_question: return pick(l, "Ställ en fråga till kommunfullmäktige", "Ask the municipal council a question");
    }
    return {};
}

std::string kind_word(kind k, lang l) {
    switch (k) {
        case kind::proposal: return pick(l, "Medborgarförslag", "Citizens' proposal");
        case kind::feedback: return pick(l, "Synpunkt", "Feedback");
        case kind::panel_response: return pick(l, "Svar i frågepanel", "Questionnaire answers");
        case kind::public_question: return pick(l, "Fråga till kommunfullmäktige", "Question to the council");
    }
    return {};
}

std::string status_word(const std::string& s, lang l) {
    if (s == "received") return pick(l, "Mottaget", "Received");
    if (s == "in_progress") return pick(l, "Handläggs", "Being handled");
    if (s == "answered") return pick(l, "Besvarat", "Answered");
    if (s == "closed") return pick(l, "Avslutat", "Closed");
    if (s == "rejected") return pick(l, "Avvisat", "Rejected");
    return s;
}

enum class control { text, email, tel, textarea, radios, checkbox };

struct field_spec {
    std::string name;  // the form field's name
    control type;
    bool required;
    std::string autocomplete;
};

// The fields of each form, in the order a person fills them in.
std::vector<field_spec> fields_of(kind k) {
    using t = control;
    std::vector<field_spec> f;
    if (k == kind::feedback) f.push_back({"feedback_type", t::radios, true, ""});
    if (k != kind::panel_response) f.push_back({"title", t::text, k == kind::proposal, "off"});
    f.push_back({"body", t::textarea, k != kind::panel_response, ""});
    f.push_back({"area", t::text, false, "off"});
    f.push_back({"contact_name", t::text, k == kind::proposal, "name"});
    f.push_back({"contact_email", t::email, k == kind::proposal, "email"});
    f.push_back({"contact_phone", t::tel, false, "tel"});
    f.push_back({"consent_publish", t::checkbox, false, ""});
    return f;
}

std::string api_name(const std::string& form_name) {
    return form_name.rfind("contact_", 0) == 0 ? "contact." + form_name.substr(8) : form_name;
}

std::string form_name(const std::string& api) {
    if (api.rfind("contact.", 0) == 0) return "contact_" + api.substr(8);
    return api;
}

std::string hint(const std::string& name, kind k, lang l) {
    if (name == "title") return pick(l, "Högst 200 tecken.", "At most 200 characters.");
    if (name == "body")
        return pick(l, "Skriv inte personnummer eller andra känsliga uppgifter om dig själv eller andra här.",
                    "Please do not write personal identity numbers or other sensitive details here.");
    if (name == "area") return pick(l, "Till exempel en stadsdel, en skola eller en gata.", "For example a district, a school or a street.");
    if (name == "contact_email" && k == kind::proposal)
        return pick(l, "Kommunen skickar besked om ditt förslag hit.", "The municipality will send news of your proposal here.");
    if (name == "contact_phone") return pick(l, "Till exempel 070-123 45 67.", "For example +46 70 123 45 67.");
    return {};
}

std::string feedback_type_label(std::string_view v, lang l) {
    if (v == "praise") return pick(l, "Beröm", "Praise");
    if (v == "complaint") return pick(l, "Klagomål", "Complaint");
    if (v == "idea") return pick(l, "Idé eller förslag", "Idea or suggestion");
    return pick(l, "Fråga", "Question");
}

// Everything needed to draw a form: what was typed, what is wrong, the token.
struct form_state {
    kind k = kind::feedback;
    lang l = lang::sv;
    std::map<std::string, std::string> values;  // form field name -> typed value
    std::vector<ingest::field_error> errors;
    std::vector<std::string> notices;           // problems with the form as a whole
    std::string token;
    std::optional<ingest::dialogue_info> dialogue;
    json answers = json::array();  // a panel response's answers as typed (dialogue::answers_from_form)
};

// The id of the question an answer error concerns: "answers.q1" (the dialogue's check) or
// "answers[2].value" (the shape check, by position in the typed answers).
std::optional<std::string> question_of(const std::string& field, const json& answers) {
    if (field.rfind("answers.", 0) == 0) return field.substr(8);
    if (field.rfind("answers[", 0) == 0) {
        std::size_t i = std::strtoul(field.c_str() + 8, nullptr, 10);
        if (i < answers.size() && answers[i].is_object()) return answers[i].value("question", "");
    }
    return std::nullopt;
}

std::string render_form(const request_context& ctx, const form_state& s) {
    std::map<std::string, std::string> error_of;
    for (const auto& e : s.errors) {
        std::string f = form_name(e.field);
        if (!error_of.count(f)) error_of[f] = ingest::form_message(e, s.k, s.l);
    }
    json fields = json::array(), summary = json::array();
    std::set<std::string> shown;
    std::string required_label = pick(s.l, "(obligatoriskt)", "(required)");
    std::string optional_label = pick(s.l, "(frivilligt)", "(optional)");
    for (const auto& spec : fields_of(s.k)) {
        std::string id = "f-" + spec.name;
        auto value = s.values.count(spec.name) ? s.values.at(spec.name) : std::string();
        json f = {{"id", id},
                  {"name", spec.name},
                  {"label", ingest::label(api_name(spec.name), s.k, s.l)},
                  {"required", spec.required},
                  {"marker", spec.required ? required_label : optional_label},
                  {"value", value},
                  {"autocomplete", spec.autocomplete},
                  {"is_text", spec.type == control::text},
                  {"is_email", spec.type == control::email},
                  {"is_tel", spec.type == control::tel},
                  {"is_textarea", spec.type == control::textarea},
                  {"is_radios", spec.type == control::radios},
                  {"is_checkbox", spec.type == control::checkbox}};
        std::string h = hint(spec.name, s.k, s.l);
        std::string describedby;
        if (!h.empty()) {
            f["hint"] = h;
            describedby = id + "-hint";
        }
        std::string first_target = id;
        if (spec.type == control::radios) {
            json options = json::array();
            for (auto v : ingest::feedback_types) {
                std::string oid = id + "-" + std::string(v);
                if (options.empty()) first_target = oid;
                options.push_back({{"id", oid}, {"value", v}, {"label", feedback_type_label(v, s.l)}, {"checked", value == v}});
            }
            f["options"] = options;
            f["label"] = ingest::label("feedback_type", s.k, s.l);
        }
        if (spec.type == control::checkbox) {
            f["checked"] = !value.empty();
            f["check_label"] = pick(s.l, "Mitt bidrag får publiceras, utan mina kontaktuppgifter.",
                                    "My submission may be published, without my contact details.");
        }
        if (spec.name == "contact_name") f["starts_contact"] = true;
        if (auto e = error_of.find(spec.name); e != error_of.end()) {
            f["field_error"] = e->second;
            describedby += (describedby.empty() ? "" : " ") + id + "-error";
            summary.push_back({{"href", "#" + first_target}, {"message", e->second}});
            shown.insert(spec.name);
        }
        if (!describedby.empty()) f["describedby"] = describedby;
        fields.push_back(std::move(f));
    }
    // A panel's questions, each with its own message.
    bool panel = s.k == kind::panel_response && s.dialogue && !s.dialogue->model.questions.empty();
    std::vector<dialogue::answer_error> answer_errors;
    if (panel) {
        for (const auto& e : s.errors) {
            auto q = question_of(e.field, s.answers);
            if (!q || q->empty() || std::any_of(answer_errors.begin(), answer_errors.end(), [&](const auto& a) { return a.question == *q; }))
                continue;
            answer_errors.push_back({*q, e.detail, ingest::form_message(e, s.k, s.l)});
            shown.insert(form_name(e.field));
        }
        // In question order, before the other fields, as the page shows them.
        json questions_summary = json::array();
        for (const auto& q : s.dialogue->model.questions)
            for (const auto& a : answer_errors)
                if (a.question == q.id) {
                    bool ends = !q.text.empty() && std::string_view("?.!:").find(q.text.back()) != std::string_view::npos;
                    questions_summary.push_back({{"href", "#q-" + q.id}, {"message", q.text + (ends ? " " : ": ") + a.message}});
                }
        questions_summary.insert(questions_summary.end(), summary.begin(), summary.end());
        summary = std::move(questions_summary);
    }
    // Problems with fields the form does not show (a tampered form, a closed dialogue).
    for (const auto& [name, message] : error_of)
        if (!shown.count(name)) summary.push_back({{"message", message}});

    bool has_problems = !summary.empty() || !s.notices.empty();
    std::string title = kind_title(s.k, s.l);
    json v = base_view(ctx, s.l, has_problems ? pick(s.l, "Fel: ", "Error: ") + title : title);
    v["heading"] = title;
    v["kind"] = std::string(ingest::name_of(s.k));
    v["is_" + std::string(ingest::name_of(s.k))] = true;
    v["action"] = "/forms/" + std::string(ingest::name_of(s.k)) + lang_query(s.l);
    v["fields"] = fields;
    v["summary"] = summary;
    v["notices"] = s.notices;
    v["has_problems"] = has_problems;
    v["has_summary"] = !summary.empty();
    v["token"] = s.token;
    v["contact_optional"] = s.k != kind::proposal;
    // View keys never take a template's name ("dialogue", "error", "receipt"): templates are
    // registered as partials under their names in the same view.
    if (auto d = s.values.find("dialogue"); d != s.values.end() && !d->second.empty()) v["dialogue_ref"] = d->second;
    if (s.dialogue) v["for_dialogue"] = {{"slug", s.dialogue->slug}, {"title", s.dialogue->title}};
    if (panel) {
        json questions = panel_questions_view(s.dialogue->model, s.answers, answer_errors, lang_code(s.l));
        // Templates are also partials of the same name in every view, so a question without an
        // "error" would find the error template instead and be marked invalid: say false outright.
        for (auto& q : questions)
            if (!q.contains("error")) q["error"] = false;
        v["questions"] = std::move(questions);
        v["has_questions"] = true;
    }
    return render_page("intake_form", v);
}

// --- answers ------------------------------------------------------------------------------------

http_response api_error(http::status status, std::string_view code, const std::string& message, const json& field) {
    return json_response(status, {{"error", {{"code", code}, {"message", message}, {"field", field}}}});
}

http_response api_field_errors(const std::vector<ingest::field_error>& errors, std::optional<kind> k) {
    const auto& first = errors.front();
    json details = json::array();
    for (const auto& e : errors)
        details.push_back({{"field", e.field.empty() ? json(nullptr) : json(e.field)},
                           {"code", ingest::api_code(e.what)},
                           {"message", ingest::api_message(e, k)}});
    auto status = ingest::is_bad_request(first.what) ? http::status::bad_request : http::status::unprocessable_entity;
    json err = {{"code", ingest::api_code(first.what)},
                {"message", ingest::api_message(first, k)},
                {"field", first.field.empty() ? json(nullptr) : json(first.field)},
                {"details", details}};
    return json_response(status, {{"error", err}});
}

json created_body(json response) {
    std::string receipt = response.value("receipt", "");
    response["receipt_url"] = "/receipts/" + receipt;
    response["status_url"] = "/api/v1/receipts/" + receipt;
    return response;
}

bool media_type_is(std::string_view header, std::string_view wanted) {
    std::string_view type = header.substr(0, header.find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    if (type.size() != wanted.size()) return false;
    for (std::size_t i = 0; i < type.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(type[i])) != wanted[i]) return false;
    // A charset other than UTF-8 would need transcoding we do not do.
    auto cs = header.find("charset=");
    if (cs == std::string_view::npos) return true;
    std::string charset(header.substr(cs + 8));
    std::transform(charset.begin(), charset.end(), charset.begin(), [](unsigned char c) { return std::tolower(c); });
    charset.erase(std::remove(charset.begin(), charset.end(), '"'), charset.end());
    return charset.rfind("utf-8", 0) == 0 || charset.rfind("utf8", 0) == 0;
}

std::optional<std::string> idempotency_key_of(const http_request& req, bool& bad) {
    auto it = req.find("Idempotency-Key");
    if (it == req.end()) return std::nullopt;
    std::string_view v = it->value();
    bad = v.empty() || v.size() > ingest::limits::idempotency_key ||
          std::any_of(v.begin(), v.end(), [](char c) { return c < 0x21 || c > 0x7E; });
    return std::string(v);
}

void on_api_submit(intake_area& area, request_context ctx, responder respond) {
    if (!media_type_is(ctx.request[http::field::content_type], "application/json"))
        return respond(api_error(http::status::unsupported_media_type, "unsupported_media_type",
                                 "Send the submission as JSON with Content-Type: application/json (UTF-8).", nullptr));
    if (auto d = area.limiter.take(ctx.client_address); !d.allowed) {
        ++area.rate_limited;
        auto res = api_error(http::status::too_many_requests, "rate_limited",
                             "Too many submissions from this address; try again in " + std::to_string(d.retry_after.count()) +
                                 " seconds.",
                             nullptr);
        res.set(http::field::retry_after, std::to_string(d.retry_after.count()));
        return respond(std::move(res));
    }
    bool bad_key = false;
    auto key = idempotency_key_of(ctx.request, bad_key);
    if (bad_key)
        return respond(api_error(http::status::bad_request, "invalid",
                                 "Idempotency-Key must be 1 to 200 printable ASCII characters without spaces.",
                                 "Idempotency-Key"));

    auto parsed = ingest::from_json(ctx.request.body());
    std::optional<kind> named = parsed.fields.kind ? ingest::kind_from(*parsed.fields.kind) : std::nullopt;
    auto checked = ingest::validate(std::move(parsed), ingest::channel::api);
    if (auto* errors = std::get_if<std::vector<ingest::field_error>>(&checked)) {
        ++area.refused;
        return respond(api_field_errors(*errors, named));
    }
    auto item = std::get<ingest::submission>(std::move(checked));
    std::optional<ingest::idempotency> idem;
    if (key) idem = ingest::idempotency{"api:" + *key, ingest::request_hash(ctx.request.body())};
    kind k = item.kind;
    area.intake.submit(std::move(item), std::move(idem), [&area, respond, k](ingest::outcome o) {
        using st = ingest::outcome::status;
        switch (o.result) {
            case st::created: {
                ++area.created;
                auto res = json_response(http::status::created, created_body(o.response));
                res.set(http::field::location, "/api/v1/receipts/" + o.response.value("receipt", ""));
                return respond(std::move(res));
            }
            case st::replayed: {
                auto res = json_response(http::status::created, created_body(o.response));
                res.set(http::field::location, "/api/v1/receipts/" + o.response.value("receipt", ""));
                res.set("Idempotent-Replayed", "true");
                return respond(std::move(res));
            }
            case st::key_reused:
                ++area.refused;
                return respond(api_error(http::status::unprocessable_entity, "idempotency_mismatch",
                                         "This Idempotency-Key was already used for a different request body.",
                                         "Idempotency-Key"));
            case st::refused:
                ++area.refused;
                return respond(api_field_errors(o.refusals, k));
            case st::failed:
                break;
        }
        std::string what = "unknown";
        try {
            if (o.error) std::rethrow_exception(o.error);
        } catch (const std::exception& e) {
            what = e.what();
        }
        log::error("submission_not_stored", {{"what", what}});
        auto res = api_error(http::status::service_unavailable, "not_stored",
                             "The submission could not be stored; nothing was saved. Try again.", nullptr);
        res.set(http::field::retry_after, "1");
        respond(std::move(res));
    });
}

// The page a form comes back as, with the status that says why.
http_response form_page(const request_context& ctx, const form_state& s, http::status status) {
    return html_response(status, render_form(ctx, s));
}

void on_form_submit(intake_area& area, request_context ctx, responder respond) {
    auto k = ingest::kind_from(ctx.param("kind"));
    if (!k) return respond(error_response(ctx.target(), http::status::not_found, "not_found", "There is no such form."));
    lang l = page_lang(ctx);
    form_state s;
    s.k = *k;
    s.l = l;
    if (!media_type_is(ctx.request[http::field::content_type], "application/x-www-form-urlencoded"))
        return respond(error_response(ctx.target(), http::status::unsupported_media_type, "unsupported_media_type",
                                      pick(l, "Formuläret skickades i ett format som inte går att läsa.",
                                           "The form was sent in a format that cannot be read.")));

    std::vector<std::pair<std::string, std::string>> fields;
    std::multimap<std::string, std::string> answer_fields;
    std::string token, honeypot;
    for (const auto& [name, value] : form_of(ctx.request.body())) {
        if (name == token_field) token = value;
        else if (name == honeypot_field) honeypot = value;
        else if (name == csrf_field) continue;  // an official's session token: not part of the submission
        else if (*k == kind::panel_response && name.rfind("answer_", 0) == 0) answer_fields.emplace(name, value);
        else {
            fields.emplace_back(name, value);
            s.values.emplace(name, value);
        }
    }
    s.token = token;
    // A panel's answers are named after its questions, so the dialogue is read first (this handler
    // runs on a worker for that reason) to turn them into the API's answers list.
    if (*k == kind::panel_response) {
        if (auto ref = s.values.find("dialogue"); ref != s.values.end() && !ref->second.empty()) {
            std::string slug = ref->second;
            std::transform(slug.begin(), slug.end(), slug.begin(), [](unsigned char c) { return std::tolower(c); });
            s.dialogue = area.intake.find_dialogue(slug);
        }
        if (s.dialogue) s.answers = dialogue::answers_from_form(s.dialogue->model, answer_fields);
    }
    if (auto d = area.limiter.take(ctx.client_address); !d.allowed) {
        ++area.rate_limited;
        s.notices.push_back(pick(l, "Det har kommit många inskick från din anslutning. Vänta " +
                                        std::to_string(d.retry_after.count()) + " sekunder och skicka igen.",
                                 "Many submissions have come from your connection. Wait " +
                                     std::to_string(d.retry_after.count()) + " seconds and send again."));
        auto res = form_page(ctx, s, http::status::too_many_requests);
        res.set(http::field::retry_after, std::to_string(d.retry_after.count()));
        return respond(std::move(res));
    }

    auto verdict = area.signer.check(token, ingest::name_of(*k), area.settings.form_min_fill);
    using v = ingest::form_signer::verdict;
    if (!honeypot.empty() || verdict.result == v::invalid || verdict.result == v::expired) {
        ++area.bot_checks;
        s.token = area.signer.issue(ingest::name_of(*k));
        s.notices.push_back(verdict.result == v::expired
                                ? pick(l, "Formuläret har varit öppet länge. Kontrollera uppgifterna och skicka igen.",
                                       "The form has been open for a long time. Check your answers and send again.")
                                : pick(l, "Formuläret kunde inte kontrolleras. Kontrollera uppgifterna och skicka igen.",
                                       "The form could not be verified. Check your answers and send again."));
        return respond(form_page(ctx, s, http::status::unprocessable_entity));
    }
    if (verdict.result == v::too_fast) {
        ++area.bot_checks;
        s.notices.push_back(pick(l, "Formuläret skickades mycket snabbt. Kontrollera uppgifterna och skicka igen.",
                                 "The form was sent very quickly. Check your answers and send again."));
        return respond(form_page(ctx, s, http::status::unprocessable_entity));
    }

    if (std::none_of(fields.begin(), fields.end(), [](const auto& f) { return f.first == "language"; }))
        fields.emplace_back("language", lang_code(l));
    auto parsed = ingest::from_form(ingest::name_of(*k), fields);
    if (!s.answers.empty()) parsed.fields.answers = s.answers;
    auto checked = ingest::validate(std::move(parsed), ingest::channel::form);
    if (auto* errors = std::get_if<std::vector<ingest::field_error>>(&checked)) {
        ++area.refused;
        s.errors = std::move(*errors);
        return respond(form_page(ctx, s, http::status::unprocessable_entity));
    }
    ingest::idempotency idem{"form:" + verdict.nonce, ingest::request_hash(ctx.request.body())};
    auto shared = std::make_shared<form_state>(std::move(s));
    area.intake.submit(std::get<ingest::submission>(std::move(checked)), std::move(idem),
                       [&area, respond, shared, ctx = std::move(ctx)](ingest::outcome o) {
                           using st = ingest::outcome::status;
                           form_state& s = *shared;
                           switch (o.result) {
                               case st::created:
                                   ++area.created;
                                   [[fallthrough]];
                               case st::replayed:
                                   return respond(see_other("/receipts/" + o.response.value("receipt", "") +
                                                            lang_query(s.l)));
                               case st::key_reused:
                                   // The same form, sent before with other content (back button, edit,
                                   // send): say so, and give a fresh token to send it as a new item.
                                   ++area.refused;
                                   s.token = area.signer.issue(ingest::name_of(s.k));
                                   s.notices.push_back(pick(s.l,
                                                            "Du har redan skickat det här formuläret (kvittokod " +
                                                                o.response.value("receipt", "") +
                                                                "). Skicka igen om du vill lämna det här som ett nytt ärende.",
                                                            "You already sent this form (receipt code " +
                                                                o.response.value("receipt", "") +
                                                                "). Send again to submit this as a new item."));
                                   return respond(form_page(ctx, s, http::status::conflict));
                               case st::refused:
                                   ++area.refused;
                                   s.errors = std::move(o.refusals);
                                   return respond(form_page(ctx, s, http::status::unprocessable_entity));
                               case st::failed:
                                   break;
                           }
                           log::error("submission_not_stored", {{"channel", "form"}});
                           s.notices.push_back(pick(s.l, "Det gick inte att spara just nu. Inget sparades. Försök igen om en stund.",
                                                    "It could not be saved just now; nothing was saved. Please try again shortly."));
                           auto res = form_page(ctx, s, http::status::service_unavailable);
                           res.set(http::field::retry_after, "1");
                           respond(std::move(res));
                       });
}

// --- receipts -----------------------------------------------------------------------------------

std::string next_steps(kind k, lang l) {
    switch (k) {
        case kind::proposal:
            return pick(l,
                        "Ditt medborgarförslag registreras och lämnas till kommunfullmäktige, som bestämmer hur det ska "
                        "utredas. Du får besked till den e-postadress du angav.",
                        "Your proposal is registered and passed to the municipal council, which decides how it will be "
                        "looked into. You will hear from us at the e-mail address you gave.");
        case kind::feedback:
            return pick(l,
                        "Din synpunkt läses av den verksamhet den gäller. Om du lämnade kontaktuppgifter och vill ha svar, "
                        "hör vi av oss. Svaret visas också här.",
                        "Your feedback is read by the service it concerns. If you left contact details, we will get back "
                        "to you. The answer will also be shown here.");
        case kind::panel_response:
            return pick(l,
                        "Dina svar räknas med när dialogen sammanställs. Resultatet redovisas för de förtroendevalda och "
                        "för alla som deltog.",
                        "Your answers are counted when the dialogue is compiled. The results are reported to the elected "
                        "representatives and to everyone who took part.");
        case kind::public_question:
            return pick(l,
                        "Din fråga lämnas till kommunfullmäktige och kan tas upp på ett kommande sammanträde under "
                        "allmänhetens frågestund.",
                        "Your question is passed to the municipal council and may be taken up at a coming meeting, "
                        "during the public question time.");
    }
    return {};
}

http_response receipt_page(intake_area& area, const request_context& ctx) {
    lang l = page_lang(ctx);
    auto code = ingest::canonical_receipt(ctx.param("receipt"));
    auto found = code ? area.intake.find_receipt(*code) : std::nullopt;
    if (!found)
        return error_response(ctx.target(), http::status::not_found, "not_found",
                              pick(l, "Vi hittar inget ärende med den kvittokoden. Kontrollera koden och försök igen.",
                                   "We cannot find anything with that receipt code. Check the code and try again."));
    json v = base_view(ctx, l, pick(l, "Kvitto ", "Receipt ") + found->receipt);
    v["receipt_code"] = found->receipt;
    v["kind_word"] = kind_word(found->kind, l);
    v["status_word"] = status_word(found->status, l);
    v["received_at"] = ingest::swedish_time(found->received_at);
    v["next_steps"] = next_steps(found->kind, l);
    if (found->dialogue_slug) v["for_dialogue"] = {{"slug", *found->dialogue_slug}, {"title", found->dialogue_title.value_or("")}};
    if (found->answer)
        v["answer"] = {{"text", *found->answer}, {"answered_at", ingest::swedish_time(found->answered_at.value_or(""))}};
    if (found->routing.is_object()) {
        const json& r = found->routing;
        std::optional<std::string> department;
        if (r["department"].is_string()) department = r["department"].get<std::string>();
        v["outside_purpose"] = {{"notice", r["notice"].is_string() ? r["notice"] : json("")},
                                {"handling", routing::handling_sentence(r.value("action", "keep"), department,
                                                                        l == lang::en ? "en" : "sv")}};
    }
    return html_response(http::status::ok, render_page("receipt", v));
}

http_response receipt_lookup(const request_context& ctx) {
    lang l = page_lang(ctx);
    auto q = query_of(ctx.target());
    auto it = q.find("code");
    json v = base_view(ctx, l, pick(l, "Följ ditt ärende", "Follow your submission"));
    if (it != q.end()) {
        if (auto code = ingest::canonical_receipt(it->second)) return see_other("/receipts/" + *code + lang_query(l));
        v["title"] = pick(l, "Fel: Följ ditt ärende", "Error: Follow your submission");
        v["code"] = it->second;
        v["lookup_error"] = pick(l, "Kvittokoden har 16 tecken, till exempel K7QM-3XHD-9TRA-PV2W.",
                          "A receipt code has 16 characters, for example K7QM-3XHD-9TRA-PV2W.");
        return html_response(http::status::unprocessable_entity, render_page("receipt_lookup", v));
    }
    return html_response(http::status::ok, render_page("receipt_lookup", v));
}

http_response start_page(intake_area& area, const request_context& ctx) {
    lang l = page_lang(ctx);
    json v = base_view(ctx, l, pick(l, "Tyck till", "Have your say"));
    json forms = json::array();
    for (kind k : {kind::proposal, kind::feedback, kind::public_question}) {
        forms.push_back({{"href", "/forms/" + std::string(ingest::name_of(k)) + lang_query(l)},
                         {"title", kind_title(k, l)},
                         {"text", next_steps(k, l)}});
    }
    v["forms"] = forms;
    json dialogues = json::array();
    for (const auto& d : area.intake.open_dialogues()) {
        json entry = {{"href", "/dialogues/" + d.slug + lang_query(l)}, {"title", d.title}};
        if (d.closes_at) entry["closes"] = ingest::long_date(*d.closes_at, l);
        if (!d.model.questions.empty())
            entry["panel_href"] = "/forms/panel_response?dialogue=" + d.slug + lang_query(l, '&');
        dialogues.push_back(std::move(entry));
    }
    v["dialogues"] = dialogues;
    v["has_dialogues"] = !dialogues.empty();
    v["receipts_action"] = "/receipts";
    return html_response(http::status::ok, render_page("start", v));
}

http_response form_get(intake_area& area, const request_context& ctx) {
    auto k = ingest::kind_from(ctx.param("kind"));
    if (!k) return error_response(ctx.target(), http::status::not_found, "not_found", "There is no such form.");
    form_state s;
    s.k = *k;
    s.l = page_lang(ctx);
    s.token = area.signer.issue(ingest::name_of(*k));
    auto q = query_of(ctx.target());
    if (auto it = q.find("dialogue"); it != q.end() && !it->second.empty()) {
        s.dialogue = area.intake.find_dialogue(it->second);
        if (!s.dialogue)
            return error_response(ctx.target(), http::status::not_found, "not_found",
                                  pick(s.l, "Dialogen finns inte.", "There is no such dialogue."));
        s.values["dialogue"] = s.dialogue->slug;
    }
    if (*k == kind::panel_response && (!s.dialogue || s.dialogue->model.questions.empty()))
        return error_response(ctx.target(), http::status::not_found, "not_found",
                              pick(s.l, "En frågepanel besvaras i sin dialog. Välj en pågående dialog på startsidan.",
                                   "A questionnaire is answered within its dialogue. Choose an open dialogue on the start page."));
    return html_response(http::status::ok, render_form(ctx, s));
}

}  // namespace

intake_area::intake_area(schema::database& db, const config::settings& settings)
    : settings(settings),
      intake(db),
      limiter(settings.rate_limit_per_minute, settings.rate_limit_burst),
      signer(ingest::form_signer::load_or_create_key(db)) {}

std::unique_ptr<intake_area> add_intake_routes(router& r, schema::database& db, const config::settings& settings,
                                               metrics& stats) {
    auto area = std::make_unique<intake_area>(db, settings);
    intake_area& a = *area;

    // Validation is CPU work on the I/O thread; the write goes to the writer, which answers after COMMIT.
    r.add(http::verb::post, "/api/v1/submissions",
          handler([&a](request_context ctx, responder respond) { on_api_submit(a, std::move(ctx), std::move(respond)); }),
          runs_on::io);
    r.add(http::verb::get, "/api/v1/receipts/{receipt}", sync_handler([&a](const request_context& ctx) {
              auto code = ingest::canonical_receipt(ctx.param("receipt"));
              auto found = code ? a.intake.find_receipt(*code) : std::nullopt;
              if (!found) return error_response(ctx.target(), http::status::not_found, "not_found", "No submission has this receipt code.");
              return json_response(http::status::ok, found->to_json());
          }));

    r.add(http::verb::get, "/", sync_handler([&a](const request_context& ctx) { return start_page(a, ctx); }));
    r.add(http::verb::get, "/forms/{kind}", sync_handler([&a](const request_context& ctx) { return form_get(a, ctx); }));
    // On a worker: a panel response reads its dialogue's questions before it can be checked.
    r.add(http::verb::post, "/forms/{kind}",
          handler([&a](request_context ctx, responder respond) { on_form_submit(a, std::move(ctx), std::move(respond)); }),
          runs_on::worker);
    r.add(http::verb::get, "/receipts", sync_handler([](const request_context& ctx) { return receipt_lookup(ctx); }),
          runs_on::io);
    r.add(http::verb::get, "/receipts/{receipt}",
          sync_handler([&a](const request_context& ctx) { return receipt_page(a, ctx); }));

    stats.add_gauge("inspel_intake_submissions_total", "Submissions stored.", "counter",
                    [&a] { return static_cast<double>(a.created.load()); });
    stats.add_gauge("inspel_intake_refused_total", "Submissions refused for their content; nothing stored.", "counter",
                    [&a] { return static_cast<double>(a.refused.load()); });
    stats.add_gauge("inspel_intake_rate_limited_total", "Submissions answered 429 by the per-client limit.", "counter",
                    [&a] { return static_cast<double>(a.rate_limited.load()); });
    stats.add_gauge("inspel_intake_bot_checks_total", "Web forms stopped by the honeypot, token or fill time.", "counter",
                    [&a] { return static_cast<double>(a.bot_checks.load()); });
    stats.add_gauge("inspel_intake_rate_limit_clients", "Clients the rate limiter remembers.", "gauge",
                    [&a] { return static_cast<double>(a.limiter.clients()); });
    return area;
}

}  // namespace inspel::server::handlers
