#include "server/handlers/workspace.hpp"

#include "common/log.hpp"
#include "ingest/clock.hpp"
#include "server/auth.hpp"
#include "server/handlers/search.hpp"
#include "server/templates.hpp"
#include "workspace/items.hpp"
#include "workspace/personal_data.hpp"
#include "workspace/tags.hpp"

#include <charconv>
#include <variant>

namespace inspel::server::handlers {
namespace {

using json = nlohmann::json;
namespace ws = inspel::workspace;
using params = std::multimap<std::string, std::string>;

std::string now_iso() { return ingest::iso_utc(std::chrono::system_clock::now()); }

ws::actor actor_of(const request_context& ctx) {
    return {ctx.user ? ctx.user->username : "", ctx.user ? ctx.user->role : "", ctx.client_address};
}

bool may_handle(const request_context& ctx) { return ctx.user && ws::may_handle(ctx.user->role); }

std::optional<std::int64_t> parse_id(std::string_view s) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec != std::errc{} || end != s.data() + s.size() || id <= 0) return std::nullopt;
    return id;
}

std::string first(const params& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? std::string() : it->second;
}

std::optional<std::string> optional_param(const params& m, const std::string& key) {
    auto it = m.find(key);
    if (it == m.end()) return std::nullopt;
    return it->second;
}

std::variant<json, http_response> json_body(const request_context& ctx) {
    auto type = ctx.request[http::field::content_type];
    if (!type.starts_with("application/json"))
        return error_response(ctx.target(), http::status::unsupported_media_type, "unsupported_media_type",
                              "send the body as application/json");
    json body = json::parse(ctx.request.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
        return error_response(ctx.target(), http::status::bad_request, "malformed_json", "the body is not a JSON object");
    return body;
}

http_response refusal(std::string_view target, const ws::outcome& o) {
    switch (o.code) {
        case ws::result_code::not_found:
            return error_response(target, http::status::not_found, "not_found", o.error.message, o.error.field);
        case ws::result_code::conflict:
            return error_response(target, http::status::conflict, "conflict", o.error.message, o.error.field);
        default:
            return error_response(target, http::status::unprocessable_entity, "invalid", o.error.message, o.error.field);
    }
}

http_response invalid(std::string_view target, const ws::problem& p) {
    return error_response(target, http::status::unprocessable_entity, "invalid", p.message, p.field);
}

// Runs `apply` on the writer and answers with `render(result)` after the commit. `render` runs on
// the writer thread, so it only formats (or, for a rare refused form, reads one item again).
template <class R>
void write_then(schema::database& db, std::string target, std::function<R(schema::connection&)> apply,
                std::function<http_response(R&)> render, responder respond) {
    auto result = std::make_shared<std::optional<R>>();
    db.write({[apply = std::move(apply), result](schema::connection& c) { result->emplace(apply(c)); },
              [result, render = std::move(render), respond, target = std::move(target)](std::exception_ptr e) {
                  try {
                      if (e) std::rethrow_exception(e);
                      respond(render(**result));
                  } catch (const std::exception& ex) {
                      log::error("workspace_write_failed", {{"what", ex.what()}});
                      auto res = error_response(target, http::status::service_unavailable, "unavailable",
                                                "The change could not be saved; nothing was changed. Try again.");
                      res.set(http::field::retry_after, "1");
                      respond(std::move(res));
                  }
              }});
}

// --- labels -------------------------------------------------------------------------------------

std::string kind_label(const std::string& k) {
    if (k == "proposal") return "Medborgarförslag";
    if (k == "feedback") return "Synpunkt";
    if (k == "panel_response") return "Svar i frågepanel";
    if (k == "public_question") return "Allmänhetens fråga";
    return k;
}

std::string feedback_type_label(const std::string& t) {
    if (t == "praise") return "Beröm";
    if (t == "complaint") return "Klagomål";
    if (t == "idea") return "Idé eller förslag";
    if (t == "question") return "Fråga";
    return t;
}

std::string status_label(const std::string& s) {
    auto st = ws::parse_status(s);
    return st ? std::string(ws::status_label(*st, "sv")) : s;
}

std::string routing_label(const std::string& r) {
    if (r == "in_purpose") return "Inom dialogens syfte";
    if (r == "outside_purpose") return "Utanför dialogens syfte";
    if (r == "needs_review") return "Behöver granskas";
    if (r == "no_dialogue") return "Ingen dialog";
    return r;
}

std::string join(const json& list) {
    std::string out;
    if (!list.is_array()) return out;
    for (const auto& v : list) out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
    return out;
}

std::string history_text(const std::string& action, const json& d) {
    if (action == "submission.status") {
        std::string t = "Status: " + status_label(d.value("from", "")) + " → " + status_label(d.value("to", ""));
        if (d.contains("reason")) t += " (skäl: " + d["reason"].get<std::string>() + ")";
        return t;
    }
    if (action == "submission.assign")
        return d["to"].is_string() ? "Tilldelad " + d["to"].get<std::string>() : std::string("Tilldelningen togs bort");
    if (action == "submission.tag") {
        std::string t = "Taggar";
        if (!d.value("added", json::array()).empty()) t += " +" + join(d["added"]);
        if (!d.value("removed", json::array()).empty()) t += " −" + join(d["removed"]);
        return t + (d.value("bulk", false) ? " (massändring)" : "");
    }
    if (action == "submission.note") return "Skrev en anteckning";
    if (action == "submission.answer")
        return std::string("Besvarade ärendet") + (d.value("mailed", false) ? "; svaret skickas med e-post" : "");
    if (action == "submission.view_personal_data") return "Visade personuppgifterna";
    if (action == "submission.anonymise")
        return "Personuppgifterna togs bort (" + std::string(d.value("reason", "") == "retention" ? "gallring" : "begäran") + ")";
    return action;
}

// --- the item page ------------------------------------------------------------------------------

struct form_feedback {
    std::string form;   // which form was sent: status, assign, tags, note, answer
    std::string field;  // the field the message belongs to
    std::string message;
    std::map<std::string, std::string> typed;
};

json item_page_view(const request_context& ctx, const json& item, bool personal, const std::vector<std::string>& users,
                    const json& templates, const json& vocabulary, const form_feedback& fb,
                    const std::optional<std::string>& template_text) {
    bool handler = may_handle(ctx);
    std::string kind = item["kind"];
    std::string title = item["title"].is_string() && !item["title"].get<std::string>().empty()
                            ? item["title"].get<std::string>()
                            : kind_label(kind) + " " + std::to_string(item["id"].get<std::int64_t>());
    json v = {{"title", (fb.message.empty() ? "" : "Fel: ") + title},
              {"lang", "sv"},
              {"heading", title},
              {"id", item["id"]},
              {"receipt", item["receipt"]},
              {"kind_label", kind_label(kind)},
              {"status_label", status_label(item["status"])},
              {"received", ingest::swedish_time(item["received_at"].get<std::string>())},
              {"updated", ingest::swedish_time(item["updated_at"].get<std::string>())},
              {"body", item["body"].is_string() ? item["body"] : json("")},
              {"redacted", !personal},
              {"personal", personal},
              {"may_handle", handler},
              {"personal_href", "/official/submissions/" + std::to_string(item["id"].get<std::int64_t>()) + "?personal=1"},
              {"language", item["language"]}};
    if (item["feedback_type"].is_string()) v["feedback_type"] = feedback_type_label(item["feedback_type"]);
    if (item["dialogue"].is_object()) v["dialogue"] = item["dialogue"];
    if (item["area"].is_string()) v["area"] = item["area"];
    if (item["assignee"].is_string()) v["assignee"] = item["assignee"];
    if (item["rejection_reason"].is_string()) v["rejection_reason"] = item["rejection_reason"];
    if (item["anonymised_at"].is_string()) v["anonymised"] = ingest::swedish_time(item["anonymised_at"].get<std::string>());
    if (item["answers"].is_array()) {
        json answers = json::array();
        for (const auto& a : item["answers"]) {
            if (!a.is_object()) continue;
            json value = a.value("value", json(nullptr));
            std::string text = value.is_string() ? value.get<std::string>() : value.is_array() ? join(value) : value.dump();
            answers.push_back({{"question", a.value("question", "")}, {"value", text}});
        }
        v["has_answers"] = !answers.empty();
        v["answers"] = answers;
    }
    const json& contact = item["contact"];
    bool any_contact = contact.value("has_name", false) || contact.value("has_email", false) || contact.value("has_phone", false);
    v["has_contact"] = any_contact;
    v["has_email"] = contact.value("has_email", false);
    if (personal) {
        json c = json::object();
        if (contact["name"].is_string()) c["name"] = contact["name"];
        if (contact["email"].is_string()) c["email"] = contact["email"];
        if (contact["phone"].is_string()) c["phone"] = contact["phone"];
        v["contact"] = c;
    }

    const json& routing = item["routing"];
    if (routing["outcome"].is_string()) {
        // Every key set (null when absent), so a section never finds the item's own key of that name.
        json r = {{"outcome", routing_label(routing["outcome"])},
                  {"dialogue", routing["dialogue"]},
                  {"action", routing["action"]},
                  {"score", routing["score"].is_number() ? json(routing["score"].dump()) : json(nullptr)},
                  {"rule", nullptr},
                  {"terms", nullptr}};
        const json& ex = routing["explanation"];
        if (ex.is_object()) {
            if (ex.contains("rule")) r["rule"] = ex["rule"].is_string() ? ex["rule"].get<std::string>() : ex["rule"].dump();
            if (ex.contains("terms")) r["terms"] = join(ex["terms"]);
        }
        json decisions = json::array();
        for (const auto& d : routing["decisions"])
            decisions.push_back({{"outcome", routing_label(d.value("outcome", ""))},
                                 {"decided_by", d.value("decided_by", "")},
                                 {"decided_at", ingest::swedish_time(d.value("decided_at", ""))},
                                 {"reason", d["reason"].is_string() ? d["reason"] : json(nullptr)}});
        r["has_decisions"] = !decisions.empty();
        r["decisions"] = decisions;
        v["routing"] = r;
    }
    auto linked = [](const json& d) {
        return json{{"id", d["id"]}, {"title", d["title"].get<std::string>().empty() ? json(nullptr) : d["title"]}};
    };
    if (item["duplicate_of"].is_object()) v["duplicate_of"] = linked(item["duplicate_of"]);
    json duplicates = json::array();
    for (const auto& d : item["duplicates"]) duplicates.push_back(linked(d));
    v["duplicates"] = duplicates;
    v["has_duplicates"] = !duplicates.empty();

    json tags = json::array();
    for (const auto& t : item["tags"]) tags.push_back({{"name", t}});
    v["tags"] = tags;
    v["has_tags"] = !tags.empty();
    json suggestions = json::array();
    for (const auto& t : vocabulary) suggestions.push_back(t["name"]);
    v["tag_suggestions"] = suggestions;

    json notes = json::array();
    for (const auto& n : item["notes"])
        notes.push_back({{"author", n["author"]}, {"text", n["text"]}, {"at", ingest::swedish_time(n["created_at"].get<std::string>())}});
    v["notes"] = notes;
    v["has_notes"] = !notes.empty();

    if (item["answer"].is_object())
        v["answer"] = {{"text", item["answer"]["text"]},
                       {"at", ingest::swedish_time(item["answer"]["answered_at"].is_string()
                                                       ? item["answer"]["answered_at"].get<std::string>()
                                                       : std::string())}};
    json mail = json::array();
    for (const auto& m : item["mail"]) {
        std::string state = m["state"];
        std::string label = state == "sent" ? "Skickat " + ingest::swedish_time(m["sent_at"].get<std::string>())
                            : state == "cancelled" ? "Stoppat (personuppgifterna togs bort)"
                            : state == "retrying" ? "Väntar på nytt försök (" + std::to_string(m["attempts"].get<int>()) + " misslyckade)"
                                                  : "I kö";
        mail.push_back({{"label", label}, {"error", m["last_error"].is_string() ? m["last_error"] : json(nullptr)}});
    }
    v["mail"] = mail;
    v["has_mail"] = !mail.empty();

    json history = json::array();
    for (const auto& h : item["history"])
        history.push_back({{"at", ingest::swedish_time(h["at"].get<std::string>())},
                           {"actor", h["actor"]},
                           {"text", history_text(h["action"], h["details"])}});
    v["history"] = history;

    // The forms, each with its message and what was typed when it was refused.
    auto typed = [&](const std::string& k) {
        auto it = fb.typed.find(k);
        return it == fb.typed.end() ? std::string() : it->second;
    };
    if (handler) {
        auto current = ws::parse_status(item["status"].get<std::string>()).value_or(ws::status::received);
        json statuses = json::array();
        for (auto s : ws::next_statuses(current))
            statuses.push_back({{"value", ws::to_string(s)},
                                {"label", ws::status_label(s, "sv")},
                                {"selected", typed("status") == ws::to_string(s)}});
        v["statuses"] = statuses;
        v["has_statuses"] = !statuses.empty();
        json assignees = json::array();
        std::string chosen = fb.form == "assign" ? typed("assignee") : item["assignee"].is_string() ? item["assignee"].get<std::string>() : "";
        for (const auto& u : users) assignees.push_back({{"name", u}, {"selected", u == chosen}});
        v["assignees"] = assignees;
        json tmpl = json::array();
        for (const auto& t : templates)
            if (t["kind"].is_null() || t["kind"] == kind) tmpl.push_back({{"id", t["id"]}, {"name", t["name"]}});
        v["templates"] = tmpl;
        v["has_templates"] = !tmpl.empty();
        v["answer_text"] = fb.form == "answer" ? typed("text")
                           : template_text      ? *template_text
                           : item["answer"].is_object() ? item["answer"]["text"].get<std::string>()
                                                        : std::string();
        v["reason_text"] = typed("reason");
        v["note_text"] = fb.form == "note" ? typed("text") : "";
        v["tag_text"] = fb.form == "tags" ? typed("add") : "";
        v["answer_verb"] = item["answer"].is_object() ? "Ändra svaret" : "Skicka svaret";
        v["may_answer"] = !ws::check_answer(current).has_value();
    }
    if (!fb.message.empty()) {
        v["error_" + fb.form] = fb.message;
        v["error_summary"] = {{"message", fb.message}, {"href", "#f-" + fb.form + "-" + fb.field}};
    }
    return page_view(ctx, v);
}

struct page_data {
    json item;
    std::vector<std::string> users;
    json templates, vocabulary;
};

std::optional<page_data> load_page(schema::connection& c, std::int64_t id, bool personal, bool handler) {
    auto item = ws::item_json(c, id, personal, handler);
    if (!item) return std::nullopt;
    page_data d{std::move(*item), {}, json::array(), json::array()};
    if (handler) {
        d.users = ws::assignable_users(c);
        d.templates = ws::list_templates(c);
        std::optional<std::string> dialogue;
        if (d.item["dialogue"].is_object()) dialogue = d.item["dialogue"]["slug"].get<std::string>();
        d.vocabulary = ws::vocabulary(c, dialogue);
    }
    return d;
}

http_response render_item(const request_context& ctx, const page_data& d, bool personal, const form_feedback& fb,
                          http::status status, const std::optional<std::string>& template_text = std::nullopt) {
    return html_response(status, render_page("official_submission", item_page_view(ctx, d.item, personal, d.users, d.templates,
                                                                                     d.vocabulary, fb, template_text)));
}

http_response not_found(std::string_view target, std::int64_t id) {
    return error_response(target, http::status::not_found, "not_found", "Det finns inget inspel " + std::to_string(id) + ".");
}

void item_page(schema::database& db, request_context ctx, responder respond) {
    auto id = parse_id(ctx.param("id"));
    if (!id) return respond(error_response(ctx.target(), http::status::not_found, "not_found", "Det finns inget sådant inspel."));
    auto q = query_of(ctx.target());
    bool handler = may_handle(ctx);
    bool personal = handler && first(q, "personal") == "1";
    std::optional<std::string> template_text;
    if (auto t = parse_id(first(q, "template")); t && handler) {
        db.read([&](schema::connection& c) {
            for (const auto& tmpl : ws::list_templates(c))
                if (tmpl["id"] == *t) template_text = tmpl["body"].get<std::string>();
        });
    }
    if (!personal) {
        auto d = db.read([&](schema::connection& c) { return load_page(c, *id, false, handler); });
        if (!d) return respond(not_found(ctx.target(), *id));
        return respond(render_item(ctx, *d, false, {}, http::status::ok, template_text));
    }
    // Personal data: the look is audited in the same transaction that reads it, before it is shown.
    auto shared = std::make_shared<request_context>(std::move(ctx));
    auto who = actor_of(*shared);
    std::string target(shared->target());
    write_then<std::optional<page_data>>(
        db, target,
        [id = *id, who](schema::connection& c) -> std::optional<page_data> {
            if (!ws::record_personal_view(c, id, who).ok()) return std::nullopt;
            return load_page(c, id, true, true);
        },
        [shared, id = *id, template_text](std::optional<page_data>& d) {
            if (!d) return not_found(shared->target(), id);
            return render_item(*shared, *d, true, {}, http::status::ok, template_text);
        },
        respond);
}

// A form on the item page: `change` runs on the writer; success goes back to the page (PRG),
// a refusal shows the page again with the message beside the field and the text as typed.
void item_form(schema::database& db, const config::settings& settings, request_context ctx, responder respond,
               const std::string& form) {
    auto id = parse_id(ctx.param("id"));
    if (!id) return respond(error_response(ctx.target(), http::status::not_found, "not_found", "Det finns inget sådant inspel."));
    auto fields = form_of(ctx.request.body());
    form_feedback fb;
    fb.form = form;
    for (const auto& [k, v] : fields)
        if (k != "csrf_token") fb.typed[k] = v;
    auto who = actor_of(ctx);
    std::string back = "/official/submissions/" + std::to_string(*id) + (first(fields, "personal") == "1" ? "?personal=1" : "");
    ws::answer_options mail{!settings.smtp_server.empty(), settings.public_url};

    std::function<ws::outcome(schema::connection&)> change;
    std::string now = now_iso();
    if (form == "status") {
        auto s = ws::parse_status(first(fields, "status"));
        if (!s) fb.field = "status", fb.message = "Välj en ny status.";
        else change = [id = *id, s = *s, reason = first(fields, "reason"), who, now](schema::connection& c) {
            ws::patch_request p;
            p.new_status = s;
            if (s == ws::status::rejected) p.reason = reason;
            return ws::patch(c, id, p, who, now);
        };
    } else if (form == "assign") {
        std::string name = first(fields, "assignee");
        change = [id = *id, name, who, now](schema::connection& c) {
            ws::patch_request p;
            p.assignee.emplace(name.empty() ? std::nullopt : std::optional<std::string>(name));
            return ws::patch(c, id, p, who, now);
        };
    } else if (form == "tags") {
        json add = json::array(), remove = json::array();
        if (!first(fields, "add").empty()) add.push_back(first(fields, "add"));
        if (!first(fields, "remove").empty()) remove.push_back(first(fields, "remove"));
        auto parsed = ws::parse_tag_change(add, remove);
        if (auto* p = std::get_if<ws::problem>(&parsed)) fb.field = "add", fb.message = p->message;
        else if (std::get<ws::tag_change>(parsed).empty()) fb.field = "add", fb.message = "Skriv en tagg att lägga till.";
        else change = [id = *id, ch = std::get<ws::tag_change>(parsed), who, now](schema::connection& c) {
            return ws::apply_tags(c, {id}, ch, who, now);
        };
    } else if (form == "note") {
        change = [id = *id, text = first(fields, "text"), who, now](schema::connection& c) {
            return ws::add_note(c, id, text, who, now);
        };
    } else {
        change = [id = *id, text = first(fields, "text"), who, now, mail](schema::connection& c) {
            return ws::answer(c, id, text, who, now, mail);
        };
    }

    auto shared = std::make_shared<request_context>(std::move(ctx));
    auto refused = [&db, shared, id = *id](form_feedback fb) {
        auto d = db.read([&](schema::connection& c) { return load_page(c, id, false, true); });
        if (!d) return not_found(shared->target(), id);
        return render_item(*shared, *d, false, fb, http::status::unprocessable_entity);
    };
    if (!change) return respond(refused(fb));
    write_then<ws::outcome>(
        db, std::string(shared->target()), std::move(change),
        [refused, fb, back, shared, id = *id](ws::outcome& o) mutable {
            if (o.code == ws::result_code::not_found) return not_found(shared->target(), id);
            if (!o.ok()) {
                fb.field = o.error.field == "reason" ? "reason" : fb.form == "status" ? "status" : o.error.field;
                fb.message = o.error.message;
                return refused(fb);
            }
            return see_other(back);
        },
        respond);
}

// --- bulk ---------------------------------------------------------------------------------------

// The ids a bulk request names: {"ids": [...]} or {"query": "...", "filters": {...}} over the index.
// The item named in the path and the {"text": "..."} body of a note or an answer.
struct item_text {
    std::int64_t id;
    std::string text;
};
std::variant<item_text, http_response> item_text_of(const request_context& ctx) {
    auto id = parse_id(ctx.param("id"));
    if (!id) return error_response(ctx.target(), http::status::not_found, "not_found", "no such item");
    auto body = json_body(ctx);
    if (auto* res = std::get_if<http_response>(&body)) return std::move(*res);
    const json& b = std::get<json>(body);
    if (!b.contains("text") || !b["text"].is_string() || b.size() != 1)
        return invalid(ctx.target(), {"text", "send {\"text\": \"...\"}"});
    return item_text{*id, b["text"].get<std::string>()};
}

std::variant<std::vector<std::int64_t>, ws::problem> bulk_ids(search::index& idx, const json& body) {
    if (body.contains("ids")) {
        if (body.contains("query") || body.contains("filters")) return ws::problem{"ids", "Give either ids or a query, not both."};
        const json& ids = body["ids"];
        if (!ids.is_array()) return ws::problem{"ids", "ids must be a list of item ids"};
        if (ids.size() > ws::max_bulk_items) return ws::problem{"ids", "at most " + std::to_string(ws::max_bulk_items) + " ids"};
        std::vector<std::int64_t> out;
        out.reserve(ids.size());
        for (const auto& i : ids) {
            if (!i.is_number_integer() || i.get<std::int64_t>() <= 0) return ws::problem{"ids", "ids must be positive whole numbers"};
            out.push_back(i.get<std::int64_t>());
        }
        return out;
    }
    if (!body.contains("query") && !body.contains("filters"))
        return ws::problem{"ids", "Say which items: ids, or a query with filters."};
    search::query_request req;
    if (body.contains("query")) {
        if (!body["query"].is_string()) return ws::problem{"query", "query must be a string"};
        req.text = body["query"];
    }
    if (body.contains("filters")) {
        const json& f = body["filters"];
        if (!f.is_object()) return ws::problem{"filters", "filters must be an object"};
        for (const auto& [key, value] : f.items()) {
            if (key == "from" || key == "to") {
                if (!value.is_string()) return ws::problem{"filters." + key, key + " must be a date YYYY-MM-DD"};
                (key == "from" ? req.from : req.to) = value.get<std::string>();
                continue;
            }
            const auto& keys = search::filter_keys();
            if (std::find(keys.begin(), keys.end(), key) == keys.end())
                return ws::problem{"filters." + key, "unknown filter '" + key + "'"};
            std::vector<std::string> values;
            if (value.is_string()) values.push_back(value);
            else if (value.is_array() && std::all_of(value.begin(), value.end(), [](const json& x) { return x.is_string(); }))
                values = value.get<std::vector<std::string>>();
            else return ws::problem{"filters." + key, key + " must be a value or a list of values"};
            req.filters[key] = values;
        }
    }
    try {
        return idx.matching_ids(req, ws::max_bulk_items);
    } catch (const search::query_error& e) {
        return ws::problem{e.field == "q" ? "query" : e.field, e.what()};
    }
}

void bulk_tags_api(workspace_area& a, request_context ctx, responder respond) {
    auto body = json_body(ctx);
    if (auto* r = std::get_if<http_response>(&body)) return respond(std::move(*r));
    const json& b = std::get<json>(body);
    for (const auto& [key, v] : b.items())
        if (key != "ids" && key != "query" && key != "filters" && key != "add" && key != "remove")
            return respond(invalid(ctx.target(), {key, "unknown field '" + key + "' (ids, query, filters, add, remove)"}));
    auto change = ws::parse_tag_change(b.value("add", json(nullptr)), b.value("remove", json(nullptr)));
    if (auto* p = std::get_if<ws::problem>(&change)) return respond(invalid(ctx.target(), *p));
    if (std::get<ws::tag_change>(change).empty())
        return respond(invalid(ctx.target(), {"add", "Give tags to add or remove."}));
    auto ids = bulk_ids(a.index, b);
    if (auto* p = std::get_if<ws::problem>(&ids)) return respond(invalid(ctx.target(), *p));
    auto shared_ids = std::make_shared<std::vector<std::int64_t>>(std::get<0>(std::move(ids)));
    write_then<ws::outcome>(
        a.db, std::string(ctx.target()),
        [shared_ids, ch = std::get<ws::tag_change>(change), who = actor_of(ctx), now = now_iso()](schema::connection& c) {
            return ws::apply_tags(c, *shared_ids, ch, who, now);
        },
        [shared_ids](ws::outcome& o) {
            return json_response(http::status::ok, {{"changed", o.changed}, {"matched", shared_ids->size()}});
        },
        respond);
}

// The search page's form: selected ids (or the whole result) and one action.
void bulk_form(workspace_area& a, request_context ctx, responder respond) {
    auto fields = form_of(ctx.request.body());
    std::string back = first(fields, "return_to");
    if (back.rfind("/search", 0) != 0) back = "/search";
    auto fail = [&](const std::string& message) {
        return error_response(ctx.target(), http::status::unprocessable_entity, "invalid",
                              message + " Gå tillbaka till sökningen och försök igen.");
    };
    std::vector<std::int64_t> ids;
    if (first(fields, "scope") == "all") {
        // The whole result of the search the page showed: its parameters came back in return_to.
        try {
            params p = query_of(back);
            p.erase("page");
            p.erase("sort");
            p.erase("lang");
            p.erase("page_size");
            p.erase("facets");
            auto req = search_request_from(p);
            ids = a.index.matching_ids(req, ws::max_bulk_items);
        } catch (const search::query_error& e) {
            return respond(fail(e.what()));
        }
    } else {
        for (auto [it, end] = fields.equal_range("ids"); it != end; ++it)
            if (auto id = parse_id(it->second)) ids.push_back(*id);
        if (ids.empty()) return respond(fail("Markera minst ett inspel."));
    }
    std::string action = first(fields, "action"), value = first(fields, "value");
    auto who = actor_of(ctx);
    std::string now = now_iso();
    std::function<ws::outcome(schema::connection&)> change;
    if (action == "tag_add" || action == "tag_remove") {
        json names = json::array({value});
        auto parsed = action == "tag_add" ? ws::parse_tag_change(names, nullptr) : ws::parse_tag_change(nullptr, names);
        if (auto* p = std::get_if<ws::problem>(&parsed)) return respond(fail(p->message));
        change = [ids, ch = std::get<ws::tag_change>(parsed), who, now](schema::connection& c) {
            return ws::apply_tags(c, ids, ch, who, now);
        };
    } else if (action == "assign") {
        change = [ids, value, who, now](schema::connection& c) {
            return ws::bulk_assign(c, ids, value.empty() ? std::nullopt : std::optional<std::string>(value), who, now);
        };
    } else if (action == "status") {
        auto s = ws::parse_status(value);
        if (!s) return respond(fail("Välj en status: in_progress, closed eller rejected."));
        change = [ids, s = *s, reason = first(fields, "reason"), who, now](schema::connection& c) {
            return ws::bulk_status(c, ids, s, reason, who, now);
        };
    } else {
        return respond(fail("Välj vad som ska göras med de markerade inspelen."));
    }
    std::string target(ctx.target());
    write_then<ws::outcome>(
        a.db, target, std::move(change),
        [back, target](ws::outcome& o) {
            if (!o.ok())
                return error_response(target, http::status::unprocessable_entity, "invalid",
                                      o.error.message + " Gå tillbaka till sökningen och försök igen.");
            return see_other(back + (back.find('?') == std::string::npos ? "?" : "&") + "changed=" + std::to_string(o.changed));
        },
        respond);
}

// --- personal data ------------------------------------------------------------------------------

std::variant<ws::person, http_response> person_of(const request_context& ctx, const json* body) {
    std::optional<std::string> email, phone;
    if (body) {
        for (const auto& [k, v] : body->items()) {
            if ((k != "email" && k != "phone") || !v.is_string())
                return invalid(ctx.target(), {k, "send {\"email\": ...} or {\"phone\": ...}"});
            (k == "email" ? email : phone) = v.get<std::string>();
        }
    } else {
        auto q = query_of(ctx.target());
        for (const auto& [k, v] : q)
            if (k != "email" && k != "phone") return invalid(ctx.target(), {k, "unknown parameter '" + k + "' (email, phone)"});
        email = optional_param(q, "email");
        phone = optional_param(q, "phone");
    }
    auto p = ws::person_from(email, phone);
    if (auto* pr = std::get_if<ws::problem>(&p)) return invalid(ctx.target(), *pr);
    return std::get<ws::person>(p);
}

// --- overdue ------------------------------------------------------------------------------------

json overdue_json(const std::vector<ws::overdue_item>& items) {
    json out = json::array();
    for (const auto& i : items)
        out.push_back({{"id", i.id},
                       {"kind", i.kind},
                       {"status", i.status},
                       {"received_at", i.received_at},
                       {"title", i.title},
                       {"deadline", i.deadline},
                       {"due", i.due},
                       {"assignee", i.assignee ? json(*i.assignee) : json(nullptr)}});
    return out;
}

}  // namespace

std::unique_ptr<workspace_area> add_workspace_routes(router& r, schema::database& db, search::index& idx,
                                                     const config::settings& settings, metrics& stats) {
    auto area = std::make_unique<workspace_area>(db, idx, settings);
    workspace_area& a = *area;

    // --- the item ---
    r.add(http::verb::get, "/official/submissions/{id}",
          handler([&a](request_context ctx, responder respond) { item_page(a.db, std::move(ctx), std::move(respond)); }),
          runs_on::worker, access::signed_in);
    for (std::string form : {"status", "assign", "tags", "note", "answer"})
        r.add(http::verb::post, "/official/submissions/{id}/" + form,
              handler([&a, form](request_context ctx, responder respond) {
                  item_form(a.db, a.settings, std::move(ctx), std::move(respond), form);
              }),
              runs_on::worker, access::official);

    r.add(http::verb::get, "/api/v1/submissions/{id}", handler([&a](request_context ctx, responder respond) {
              auto id = parse_id(ctx.param("id"));
              if (!id) return respond(error_response(ctx.target(), http::status::not_found, "not_found", "no such item"));
              bool personal = first(query_of(ctx.target()), "personal") == "1";
              bool handler_role = may_handle(ctx);
              if (personal && !handler_role)
                  return respond(error_response(ctx.target(), http::status::forbidden, "forbidden",
                                                "Only officials and administrators see personal data."));
              if (!personal) {
                  auto item = a.db.read([&](schema::connection& c) { return ws::item_json(c, *id, false, handler_role); });
                  if (!item) return respond(not_found(ctx.target(), *id));
                  return respond(json_response(http::status::ok, *item));
              }
              std::string target(ctx.target());
              write_then<std::optional<json>>(
                  a.db, target,
                  [id = *id, who = actor_of(ctx)](schema::connection& c) -> std::optional<json> {
                      if (!ws::record_personal_view(c, id, who).ok()) return std::nullopt;
                      return ws::item_json(c, id, true, true);
                  },
                  [target, id = *id](std::optional<json>& item) {
                      return item ? json_response(http::status::ok, *item) : not_found(target, id);
                  },
                  respond);
          }),
          runs_on::worker, access::signed_in);

    r.add(http::verb::patch, "/api/v1/submissions/{id}", handler([&a](request_context ctx, responder respond) {
              auto id = parse_id(ctx.param("id"));
              if (!id) return respond(error_response(ctx.target(), http::status::not_found, "not_found", "no such item"));
              auto body = json_body(ctx);
              if (auto* res = std::get_if<http_response>(&body)) return respond(std::move(*res));
              auto p = ws::parse_patch(std::get<json>(body));
              if (auto* pr = std::get_if<ws::problem>(&p)) return respond(invalid(ctx.target(), *pr));
              std::string target(ctx.target());
              auto item = std::make_shared<std::optional<json>>();
              write_then<ws::outcome>(
                  a.db, target,
                  [id = *id, p = std::get<ws::patch_request>(p), who = actor_of(ctx), item](schema::connection& c) {
                      auto o = ws::patch(c, id, p, who, now_iso());
                      if (o.ok()) *item = ws::item_json(c, id, false, true);
                      return o;
                  },
                  [target, item](ws::outcome& o) {
                      if (!o.ok()) return refusal(target, o);
                      json out = **item;
                      out["changed"] = o.changed > 0;
                      return json_response(http::status::ok, out);
                  },
                  respond);
          }),
          runs_on::worker, access::official);

    r.add(http::verb::post, "/api/v1/submissions/{id}/notes", handler([&a](request_context ctx, responder respond) {
              auto req = item_text_of(ctx);
              if (auto* res = std::get_if<http_response>(&req)) return respond(std::move(*res));
              item_text& in = std::get<item_text>(req);
              std::string target(ctx.target());
              write_then<ws::outcome>(
                  a.db, target,
                  [id = in.id, text = std::move(in.text), who = actor_of(ctx)](schema::connection& c) {
                      return ws::add_note(c, id, text, who, now_iso());
                  },
                  [target, id = in.id](ws::outcome& o) {
                      if (!o.ok()) return refusal(target, o);
                      return json_response(http::status::created, {{"id", o.id}, {"submission", id}});
                  },
                  respond);
          }),
          runs_on::worker, access::official);

    r.add(http::verb::post, "/api/v1/submissions/{id}/answer", handler([&a](request_context ctx, responder respond) {
              auto req = item_text_of(ctx);
              if (auto* res = std::get_if<http_response>(&req)) return respond(std::move(*res));
              item_text& in = std::get<item_text>(req);
              std::string target(ctx.target());
              ws::answer_options mail{!a.settings.smtp_server.empty(), a.settings.public_url};
              write_then<ws::outcome>(
                  a.db, target,
                  [id = in.id, text = std::move(in.text), who = actor_of(ctx), mail](schema::connection& c) {
                      return ws::answer(c, id, text, who, now_iso(), mail);
                  },
                  [target, id = in.id](ws::outcome& o) {
                      if (!o.ok()) return refusal(target, o);
                      return json_response(http::status::ok, {{"id", id}, {"status", "answered"}, {"mail_queued", o.mail_queued}});
                  },
                  respond);
          }),
          runs_on::worker, access::official);

    // --- tags ---
    r.add(http::verb::post, "/api/v1/tags/bulk",
          handler([&a](request_context ctx, responder respond) { bulk_tags_api(a, std::move(ctx), std::move(respond)); }),
          runs_on::worker, access::official);
    r.add(http::verb::get, "/api/v1/tags", sync_handler([&a](const request_context& ctx) {
              auto dialogue = optional_param(query_of(ctx.target()), "dialogue");
              return json_response(http::status::ok,
                                   {{"tags", a.db.read([&](schema::connection& c) { return ws::vocabulary(c, dialogue); })}});
          }),
          runs_on::worker, access::signed_in);
    r.add(http::verb::post, "/api/v1/tags", handler([&a](request_context ctx, responder respond) {
              auto body = json_body(ctx);
              if (auto* res = std::get_if<http_response>(&body)) return respond(std::move(*res));
              const json& b = std::get<json>(body);
              if (!b.contains("name") || !b["name"].is_string())
                  return respond(invalid(ctx.target(), {"name", "send {\"name\": \"...\", \"dialogue\": \"slug\" or null}"}));
              std::optional<std::string> dialogue;
              if (b.contains("dialogue") && b["dialogue"].is_string()) dialogue = b["dialogue"].get<std::string>();
              std::string target(ctx.target());
              write_then<ws::outcome>(
                  a.db, target,
                  [name = b["name"].get<std::string>(), dialogue, who = actor_of(ctx)](schema::connection& c) {
                      return ws::create_tag(c, name, dialogue, who, now_iso());
                  },
                  [target](ws::outcome& o) {
                      if (!o.ok()) return refusal(target, o);
                      return json_response(http::status::created, {{"id", o.id}});
                  },
                  respond);
          }),
          runs_on::worker, access::official);

    // --- templates ---
    r.add(http::verb::get, "/api/v1/response-templates", sync_handler([&a](const request_context&) {
              return json_response(http::status::ok,
                                   {{"templates", a.db.read([](schema::connection& c) { return ws::list_templates(c); })}});
          }),
          runs_on::worker, access::official);
    r.add(http::verb::post, "/api/v1/response-templates", handler([&a](request_context ctx, responder respond) {
              auto body = json_body(ctx);
              if (auto* res = std::get_if<http_response>(&body)) return respond(std::move(*res));
              auto t = ws::parse_template(std::get<json>(body));
              if (auto* pr = std::get_if<ws::problem>(&t)) return respond(invalid(ctx.target(), *pr));
              std::string target(ctx.target());
              write_then<ws::outcome>(
                  a.db, target,
                  [t = std::get<json>(t), who = actor_of(ctx)](schema::connection& c) {
                      return ws::create_template(c, t, who, now_iso());
                  },
                  [target](ws::outcome& o) {
                      if (!o.ok()) return refusal(target, o);
                      return json_response(http::status::created, {{"id", o.id}});
                  },
                  respond);
          }),
          runs_on::worker, access::official);

    // --- overdue ---
    r.add(http::verb::get, "/api/v1/overdue", sync_handler([&a](const request_context&) {
              auto items = a.db.read([&](schema::connection& c) {
                  return ws::overdue(c, ws::rules_of(a.settings), std::chrono::system_clock::now());
              });
              return json_response(http::status::ok, {{"items", overdue_json(items)}, {"total", items.size()}});
          }),
          runs_on::worker, access::official);
    r.add(http::verb::get, "/official/overdue", sync_handler([&a](const request_context& ctx) {
              auto items = a.db.read([&](schema::connection& c) {
                  return ws::overdue(c, ws::rules_of(a.settings), std::chrono::system_clock::now());
              });
              json rows = json::array();
              for (const auto& i : items)
                  rows.push_back({{"id", i.id},
                                  {"title", i.title.empty() ? kind_label(i.kind) + " " + std::to_string(i.id) : i.title},
                                  {"kind", kind_label(i.kind)},
                                  {"status", status_label(i.status)},
                                  {"received", ingest::swedish_time(i.received_at)},
                                  {"deadline", i.deadline == "answer" ? "Svar" : "Påbörjas"},
                                  {"due", i.due},
                                  {"assignee", i.assignee ? json(*i.assignee) : json(nullptr)}});
              json view = {{"title", "Försenade ärenden"}, {"lang", "sv"}, {"items", rows}, {"has_items", !rows.empty()},
                           {"total", items.size()}};
              return html_response(http::status::ok, render_page("official_overdue", page_view(ctx, view)));
          }),
          runs_on::worker, access::official);

    // --- bulk from the search page ---
    r.add(http::verb::post, "/official/bulk",
          handler([&a](request_context ctx, responder respond) { bulk_form(a, std::move(ctx), std::move(respond)); }),
          runs_on::worker, access::official);

    // --- personal data ---
    r.add(http::verb::get, "/api/v1/personal-data", handler([&a](request_context ctx, responder respond) {
              auto p = person_of(ctx, nullptr);
              if (auto* res = std::get_if<http_response>(&p)) return respond(std::move(*res));
              write_then<json>(
                  a.db, std::string(ctx.target()),
                  [p = std::get<ws::person>(p), who = actor_of(ctx)](schema::connection& c) { return ws::search_person(c, p, who); },
                  [](json& j) { return json_response(http::status::ok, j); }, respond);
          }),
          runs_on::worker, access::official);
    r.add(http::verb::get, "/api/v1/personal-data/export", handler([&a](request_context ctx, responder respond) {
              auto p = person_of(ctx, nullptr);
              if (auto* res = std::get_if<http_response>(&p)) return respond(std::move(*res));
              write_then<json>(
                  a.db, std::string(ctx.target()),
                  [p = std::get<ws::person>(p), who = actor_of(ctx)](schema::connection& c) {
                      return ws::export_person(c, p, who, now_iso());
                  },
                  [](json& j) {
                      auto res = json_response(http::status::ok, j);
                      res.set(http::field::content_disposition, "attachment; filename=\"personuppgifter.json\"");
                      res.set(http::field::cache_control, "no-store");
                      return res;
                  },
                  respond);
          }),
          runs_on::worker, access::official);
    r.add(http::verb::post, "/api/v1/personal-data/anonymise", handler([&a](request_context ctx, responder respond) {
              auto body = json_body(ctx);
              if (auto* res = std::get_if<http_response>(&body)) return respond(std::move(*res));
              auto p = person_of(ctx, &std::get<json>(body));
              if (auto* res = std::get_if<http_response>(&p)) return respond(std::move(*res));
              write_then<ws::outcome>(
                  a.db, std::string(ctx.target()),
                  [p = std::get<ws::person>(p), who = actor_of(ctx)](schema::connection& c) {
                      return ws::anonymise_person(c, p, who, now_iso());
                  },
                  [](ws::outcome& o) { return json_response(http::status::ok, {{"changed", o.changed}}); }, respond);
          }),
          runs_on::worker, access::official);

    // --- metrics ---
    stats.add_labelled_gauge("inspel_overdue_items", "Open items past their acknowledgement or answer deadline.", "kind", [&a] {
        return a.db.read([&](schema::connection& c) {
            return ws::overdue_by_kind(c, ws::rules_of(a.settings), std::chrono::system_clock::now());
        });
    });
    stats.add_labelled_gauge("inspel_mail_queue", "Mail to residents by state.", "state", [&a] {
        return a.db.read([](schema::connection& c) {
            std::map<std::string, double> m = {{"queued", 0}, {"retrying", 0}, {"sent", 0}, {"cancelled", 0}};
            auto st = c.prepare(R"(
                SELECT CASE WHEN sent_at IS NOT NULL THEN 'sent' WHEN cancelled_at IS NOT NULL THEN 'cancelled'
                            WHEN attempts > 0 THEN 'retrying' ELSE 'queued' END, count(*)
                FROM outgoing_mail GROUP BY 1)");
            while (st.step()) m[st.text(0)] = static_cast<double>(st.int64(1));
            return m;
        });
    });
    stats.add_gauge("inspel_mail_delivery_failures_total", "Failed attempts to hand mail to the SMTP relay.", "counter",
                    [&a] { return static_cast<double>(a.tasks.mail().failed_attempts()); });
    return area;
}

}  // namespace inspel::server::handlers
