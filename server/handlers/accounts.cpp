#include "server/handlers/accounts.hpp"

#include "accounts/audit.hpp"
#include "common/log.hpp"
#include "server/auth.hpp"
#include "server/templates.hpp"

namespace inspel::server::handlers {
namespace {

bool english(const request_context& ctx, const std::multimap<std::string, std::string>& form = {}) {
    auto q = query_of(ctx.target());
    auto it = q.find("lang");
    if (it != q.end()) return it->second == "en";
    auto f = form.find("lang");
    return f != form.end() && f->second == "en";
}

std::string first(const std::multimap<std::string, std::string>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? std::string() : it->second;
}

// A login posted from another site's page is refused (login CSRF): browsers send Origin on POST.
bool same_origin(const request_context& ctx, const config::settings& settings) {
    std::string_view origin = ctx.request[http::field::origin];
    if (origin.empty()) return true;  // not a browser, or an old one: SameSite and CSRF tokens still hold
    std::string_view host = ctx.request[http::field::host];
    std::string_view public_url = settings.public_url;
    if (auto slash = public_url.find('/', public_url.find("://") + 3); slash != std::string_view::npos)
        public_url = public_url.substr(0, slash);
    return origin == public_url || (!host.empty() && (origin == "http://" + std::string(host) ||
                                                       origin == "https://" + std::string(host)));
}

http_response internal_error(std::string_view target) {
    return error_response(target, http::status::internal_server_error, "internal",
                          "The server failed to answer this request.");
}

void log_failure(std::string_view event, std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        log::error(event, {{"what", e.what()}});
    }
}

nlohmann::json user_json(const principal& p) { return {{"username", p.username}, {"role", p.role}}; }

struct login_form {
    std::string username, next, lang;
    std::string username_error, password_error, notice;
};

http_response login_page(const request_context& ctx, http::status status, const login_form& f, bool en) {
    nlohmann::json view = {{"title", en ? "Sign in" : "Logga in"},
                           {"lang", en ? "en" : "sv"},
                           {"en", en},
                           {"username", f.username},
                           {"next", f.next}};
    if (!f.username_error.empty()) view["username_error"] = f.username_error;
    if (!f.password_error.empty()) view["password_error"] = f.password_error;
    if (!f.notice.empty()) view["notice"] = f.notice;
    return html_response(status, render_page("login", page_view(ctx, view)));
}

void add_session_api(router& r, accounts::service& accounts, const config::settings& settings) {
    r.add(http::verb::post, "/api/v1/session", handler([&accounts, &settings](request_context ctx, responder respond) {
              std::string target(ctx.target());
              if (!same_origin(ctx, settings))
                  return respond(error_response(target, http::status::forbidden, "cross_origin",
                                                "Signing in from another site's page is not allowed."));
              auto body = nlohmann::json::parse(ctx.request.body(), nullptr, false);
              if (body.is_discarded() || !body.is_object())
                  return respond(error_response(target, http::status::bad_request, "invalid_json",
                                                "Send a JSON object {\"username\": ..., \"password\": ...}."));
              for (const char* field : {"username", "password"})
                  if (!body.contains(field) || !body[field].is_string() || body[field].get<std::string>().empty())
                      return respond(error_response(target, http::status::bad_request, "invalid",
                                                    std::string("'") + field + "' must be a non-empty string.", field));
              accounts.login(
                  body["username"].get<std::string>(), body["password"].get<std::string>(), ctx.client_address,
                  [respond, target, &settings](accounts::login_result result, std::exception_ptr error) {
                      if (error) {
                          log_failure("login_failed_to_commit", error);
                          return respond(internal_error(target));
                      }
                      if (result.status == accounts::login_status::throttled) {
                          auto res = error_response(target, http::status::too_many_requests, "too_many_attempts",
                                                    "Too many failed logins; try again in " +
                                                        std::to_string(result.retry_after.count()) + " seconds.");
                          res.set(http::field::retry_after, std::to_string(result.retry_after.count()));
                          return respond(std::move(res));
                      }
                      if (result.status == accounts::login_status::refused)
                          return respond(error_response(target, http::status::unauthorized, "invalid_credentials",
                                                        "Wrong username or password."));
                      auto res = json_response(
                          http::status::ok,
                          {{"csrf_token", result.csrf_token},
                           {"user", {{"username", result.who.username}, {"role", accounts::to_string(result.who.role)}}}});
                      res.set(http::field::set_cookie, session_cookie(result.session_secret, settings));
                      respond(std::move(res));
                  });
          }),
          runs_on::worker, access::anyone);

    r.add(http::verb::get, "/api/v1/session", sync_handler([](const request_context& ctx) {
              // The user's fields also at the top level, for scripts that ask only "who am I".
              nlohmann::json body = {{"user", user_json(*ctx.user)},
                                     {"username", ctx.user->username},
                                     {"role", ctx.user->role},
                                     {"via_token", ctx.user->via_token}};
              if (!ctx.user->via_token) body["csrf_token"] = ctx.user->csrf_token;
              return json_response(http::status::ok, body);
          }),
          runs_on::worker, access::signed_in);

    r.add(http::verb::delete_, "/api/v1/session", handler([&accounts, &settings](request_context ctx, responder respond) {
              std::string target(ctx.target());
              auto cookie = cookie_value(ctx.request, session_cookie_name);
              if (ctx.user->via_token || !cookie)
                  return respond(error_response(target, http::status::bad_request, "no_session",
                                                "This request was made with an API token, which has no session to "
                                                "end; revoke the token instead."));
              accounts::identity who{ctx.user->user_id, ctx.user->username,
                                     accounts::parse_role(ctx.user->role).value_or(accounts::role::elected)};
              accounts.logout(*cookie, who, ctx.client_address, [respond, target, &settings](std::exception_ptr error) {
                  if (error) {
                      log_failure("logout_failed_to_commit", error);
                      return respond(internal_error(target));
                  }
                  http_response res{http::status::no_content, 11};
                  res.set(http::field::set_cookie, expired_session_cookie(settings));
                  res.set(http::field::cache_control, "no-store");
                  respond(std::move(res));
              });
          }),
          runs_on::worker, access::signed_in);
}

void add_login_pages(router& r, accounts::service& accounts, const config::settings& settings) {
    r.add(http::verb::get, "/login", sync_handler([](const request_context& ctx) {
              auto q = query_of(ctx.target());
              if (ctx.user) {
                  http_response res{http::status::see_other, 11};
                  res.set(http::field::location, local_redirect(first(q, "next")));
                  return res;
              }
              login_form f;
              f.next = first(q, "next");
              return login_page(ctx, http::status::ok, f, english(ctx));
          }),
          runs_on::worker, access::anyone);

    r.add(http::verb::post, "/login", handler([&accounts, &settings](request_context ctx, responder respond) {
              auto form = form_of(ctx.request.body());
              bool en = english(ctx, form);
              login_form f;
              f.username = first(form, "username");
              f.next = first(form, "next");
              std::string password = first(form, "password");
              if (!same_origin(ctx, settings))
                  return respond(error_response(ctx.target(), http::status::forbidden, "cross_origin",
                                                en ? "Signing in from another site's page is not allowed."
                                                   : "Det går inte att logga in från en annan webbplats sida."));
              if (f.username.empty()) f.username_error = en ? "Enter your username." : "Skriv ditt användarnamn.";
              if (password.empty()) f.password_error = en ? "Enter your password." : "Skriv ditt lösenord.";
              if (!f.username_error.empty() || !f.password_error.empty())
                  return respond(login_page(ctx, http::status::bad_request, f, en));
              std::string target(ctx.target()), address = ctx.client_address;
              accounts.login(f.username, password, address,
                             [respond, target, ctx = std::move(ctx), f, en, &settings](accounts::login_result result,
                                                                                     std::exception_ptr error) mutable {
                                 if (error) {
                                     log_failure("login_failed_to_commit", error);
                                     return respond(internal_error(target));
                                 }
                                 if (result.status == accounts::login_status::granted) {
                                     http_response res{http::status::see_other, 11};
                                     res.set(http::field::location, local_redirect(f.next));
                                     res.set(http::field::set_cookie, session_cookie(result.session_secret, settings));
                                     res.set(http::field::cache_control, "no-store");
                                     return respond(std::move(res));
                                 }
                                 ctx.user.reset();
                                 if (result.status == accounts::login_status::throttled) {
                                     auto secs = std::to_string(result.retry_after.count());
                                     f.notice = en ? "Too many failed attempts. Wait " + secs +
                                                         " seconds and try again."
                                                   : "För många misslyckade försök. Vänta " + secs +
                                                         " sekunder och försök igen.";
                                     auto res = login_page(ctx, http::status::too_many_requests, f, en);
                                     res.set(http::field::retry_after, secs);
                                     return respond(std::move(res));
                                 }
                                 f.password_error = en ? "Wrong username or password."
                                                       : "Fel användarnamn eller lösenord.";
                                 respond(login_page(ctx, http::status::unauthorized, f, en));
                             });
          }),
          runs_on::worker, access::anyone);

    r.add(http::verb::post, "/logout", handler([&accounts, &settings](request_context ctx, responder respond) {
              http_response res{http::status::see_other, 11};
              res.set(http::field::location, "/login");
              res.set(http::field::cache_control, "no-store");
              auto cookie = cookie_value(ctx.request, session_cookie_name);
              // Without a valid session and its CSRF token (checked by the middleware) nothing is ended.
              if (!ctx.user || ctx.user->via_token || !cookie) return respond(std::move(res));
              accounts::identity who{ctx.user->user_id, ctx.user->username,
                                     accounts::parse_role(ctx.user->role).value_or(accounts::role::elected)};
              std::string target(ctx.target());
              accounts.logout(*cookie, who, ctx.client_address,
                              [respond, target, res = std::move(res), &settings](std::exception_ptr error) mutable {
                                  if (error) {
                                      log_failure("logout_failed_to_commit", error);
                                      return respond(internal_error(target));
                                  }
                                  res.set(http::field::set_cookie, expired_session_cookie(settings));
                                  respond(std::move(res));
                              });
          }),
          runs_on::worker, access::anyone);

    r.add(http::verb::get, "/official", sync_handler([](const request_context& ctx) {
              bool en = english(ctx);
              auto role = accounts::parse_role(ctx.user->role).value_or(accounts::role::elected);
              nlohmann::json view = {{"title", en ? "Officials" : "Handläggare"},
                                     {"lang", en ? "en" : "sv"},
                                     {"en", en},
                                     {"is_admin", role == accounts::role::admin},
                                     {"is_official", accounts::role_allows(role, accounts::required::official)},
                                     {"is_elected", role == accounts::role::elected}};
              return html_response(http::status::ok, render_page("official", page_view(ctx, view)));
          }),
          runs_on::worker, access::signed_in);
}

void add_audit_api(router& r, schema::database& db) {
    r.add(http::verb::get, "/api/v1/audit", sync_handler([&db](const request_context& ctx) {
              auto filter = accounts::audit_filter_from(query_of(ctx.target()));
              if (!filter)
                  return error_response(ctx.target(), http::status::bad_request, filter.error().code,
                                        filter.error().message, filter.error().field);
              auto page = db.read([&](schema::connection& c) { return accounts::query_audit(c, filter.value()); });
              nlohmann::json entries = nlohmann::json::array();
              for (const auto& rec : page.records) entries.push_back(accounts::to_json(rec));
              nlohmann::json body = {{"entries", entries}, {"limit", filter->limit}};
              body["next_before"] = page.more ? nlohmann::json(page.records.back().id) : nlohmann::json(nullptr);
              return json_response(http::status::ok, body);
          }),
          runs_on::worker, access::admin);
}

}  // namespace

void add_accounts_routes(router& r, accounts::service& accounts, schema::database& db,
                         const config::settings& settings) {
    add_session_api(r, accounts, settings);
    add_login_pages(r, accounts, settings);
    add_audit_api(r, db);
}

}  // namespace inspel::server::handlers
