#include "server/handlers/triage.hpp"

#include "ingest/clock.hpp"
#include "routing/store.hpp"
#include "server/auth.hpp"
#include "server/http.hpp"
#include "server/templates.hpp"

#include "common/log.hpp"

#include <charconv>
#include <memory>

namespace inspel::server::handlers {
namespace {

using json = nlohmann::json;

std::optional<std::int64_t> parse_id(std::string_view s) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec != std::errc{} || end != s.data() + s.size() || id <= 0) return std::nullopt;
    return id;
}

// Runs the override on the writer and answers after the commit with `render`.
void override_then(schema::database& db, std::string target, std::int64_t id, routing::override_request req,
                   std::function<http_response(const routing::override_result&)> render, responder respond) {
    auto result = std::make_shared<routing::override_result>();
    db.write({[id, req = std::move(req), result](schema::connection& c) { *result = routing::apply_override(c, id, req); },
              [result, render = std::move(render), respond, target = std::move(target)](std::exception_ptr e) {
                  try {
                      if (e) std::rethrow_exception(e);
                      respond(render(*result));
                  } catch (const std::exception& ex) {
                      log::error("routing_override_failed", {{"what", ex.what()}});
                      auto res = error_response(target, http::status::service_unavailable, "unavailable",
                                                "The decision could not be saved; nothing was changed. Try again.");
                      res.set(http::field::retry_after, "1");
                      respond(std::move(res));
                  }
              }});
}

routing::override_request request_of(const request_context& ctx) {
    routing::override_request r;
    r.actor = ctx.user ? ctx.user->username : "";
    r.client_address = ctx.client_address;
    r.at = ingest::iso_utc(std::chrono::system_clock::now());
    return r;
}

json page(schema::database& db, const request_context& ctx, std::optional<std::string> message) {
    auto queue = db.read([](schema::connection& c) { return routing::review_queue(c, 200); });
    auto dialogues = db.read([](schema::connection& c) {
        json out = json::array();
        auto st = c.prepare("SELECT slug, title FROM dialogues WHERE state = 'execution' ORDER BY title");
        while (st.step()) out.push_back({{"slug", st.text(0)}, {"title", st.text(1)}});
        return out;
    });
    json items = json::array();
    for (const auto& e : queue) {
        std::string terms;
        for (const auto& t : e.terms) terms += (terms.empty() ? "" : ", ") + t;
        char score[16] = "";
        if (e.score) std::snprintf(score, sizeof score, "%.2f", *e.score);
        items.push_back({{"id", e.id},
                         {"kind", e.kind},
                         {"received_at", ingest::swedish_time(e.received_at)},
                         {"title", e.title},
                         {"excerpt", e.excerpt},
                         {"has_dialogue", e.dialogue_slug.has_value()},
                         {"dialogue_slug", e.dialogue_slug.value_or("")},
                         {"dialogue_title", e.dialogue_title.value_or("")},
                         {"score", score},
                         {"terms", terms},
                         {"dialogues", dialogues}});
    }
    json v = {{"title", "Triage"}, {"lang", "sv"}, {"items", items}, {"empty", items.empty()}};
    if (message) v["message"] = *message;
    return page_view(ctx, v);
}

}  // namespace

void add_triage_routes(router& r, schema::database& db) {
    r.add(http::verb::post, "/api/v1/submissions/{id}/routing", handler([&db](request_context ctx, responder respond) {
              auto id = parse_id(ctx.param("id"));
              if (!id) return respond(error_response(ctx.target(), http::status::not_found, "not_found", "no such item"));
              if (!ctx.request[http::field::content_type].starts_with("application/json"))
                  return respond(error_response(ctx.target(), http::status::unsupported_media_type,
                                                "unsupported_media_type", "send the body as application/json"));
              json b = json::parse(ctx.request.body(), nullptr, false);
              if (b.is_discarded() || !b.is_object())
                  return respond(error_response(ctx.target(), http::status::bad_request, "malformed_json",
                                                "the body is not a JSON object"));
              auto req = request_of(ctx);
              for (auto& [k, v] : b.items()) {
                  if (k != "outcome" && k != "dialogue" && k != "reason")
                      return respond(error_response(ctx.target(), http::status::unprocessable_entity, "invalid",
                                                    "unknown field; send outcome, dialogue and reason", k));
                  if (v.is_null()) continue;
                  bool ok = v.is_string() || (k == "dialogue" && v.is_number_integer());
                  if (!ok)
                      return respond(error_response(ctx.target(), http::status::unprocessable_entity, "invalid",
                                                    k + " must be a string", k));
              }
              if (!b.contains("outcome") || !b["outcome"].is_string())
                  return respond(error_response(ctx.target(), http::status::unprocessable_entity, "invalid",
                                                "outcome is required", "outcome"));
              req.outcome = b["outcome"];
              if (b.contains("dialogue") && !b["dialogue"].is_null())
                  req.dialogue = b["dialogue"].is_string() ? b["dialogue"].get<std::string>() : b["dialogue"].dump();
              if (b.contains("reason") && b["reason"].is_string()) req.reason = b["reason"].get<std::string>();
              std::string target(ctx.target());
              override_then(
                  db, target, *id, std::move(req),
                  [target, id = *id, &db](const routing::override_result& o) {
                      using s = routing::override_result::status;
                      if (o.result == s::not_found)
                          return error_response(target, http::status::not_found, "not_found", "no such item");
                      if (o.result == s::invalid)
                          return error_response(target, http::status::unprocessable_entity, "invalid", o.message, o.field);
                      // The writer thread reads its own commit back: one row by key.
                      json routing = db.read([id](schema::connection& c) {
                          auto st = c.prepare(
                              "SELECT s.routing_outcome, d.slug, s.routing_action, s.routing_score, s.routing_explanation "
                              "FROM submissions s LEFT JOIN dialogues d ON d.id = s.routing_dialogue_id WHERE s.id = ?");
                          st.bind(1, id);
                          st.step();
                          auto text = [&](int col) { return st.is_null(col) ? json(nullptr) : json(st.text(col)); };
                          return json{{"outcome", text(0)},
                                      {"dialogue", text(1)},
                                      {"action", text(2)},
                                      {"score", st.is_null(3) ? json(nullptr) : json(st.real(3))},
                                      {"explanation", json::parse(st.text(4), nullptr, false)}};
                      });
                      return json_response(http::status::ok, {{"id", id}, {"routing", routing}});
                  },
                  std::move(respond));
          }),
          runs_on::worker, access::official);

    r.add(http::verb::get, "/official/triage", sync_handler([&db](const request_context& ctx) {
              return html_response(http::status::ok, render_page("triage", page(db, ctx, std::nullopt)));
          }),
          runs_on::worker, access::official);

    // One click per item: confirm the machine's dialogue as in purpose, or re-route.
    r.add(http::verb::post, "/official/triage/{id}", handler([&db](request_context ctx, responder respond) {
              auto id = parse_id(ctx.param("id"));
              if (!id) return respond(error_response(ctx.target(), http::status::not_found, "not_found", "no such item"));
              auto fields = form_of(ctx.request.body());
              auto get = [&](const char* k) -> std::string {
                  auto it = fields.find(k);
                  return it == fields.end() ? std::string() : it->second;
              };
              auto req = request_of(ctx);
              req.outcome = get("outcome");
              if (auto d = get("dialogue"); !d.empty()) req.dialogue = d;
              if (auto reason = get("reason"); !reason.empty()) req.reason = reason;
              std::string target(ctx.target());
              auto shared = std::make_shared<request_context>(std::move(ctx));
              override_then(
                  db, target, *id, std::move(req),
                  [shared, &db](const routing::override_result& o) {
                      using s = routing::override_result::status;
                      if (o.result == s::ok) return see_other("/official/triage");
                      std::string msg = o.result == s::not_found ? "Ärendet finns inte." : "Beslutet sparades inte: " + o.message;
                      return html_response(http::status::unprocessable_entity,
                                           render_page("triage", page(db, *shared, msg)));
                  },
                  std::move(respond));
          }),
          runs_on::worker, access::official);
}

}  // namespace inspel::server::handlers
