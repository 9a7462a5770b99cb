// The auth middleware: who is asking, and may they call this route.
//
// For every request routed to a worker it resolves `Authorization: Bearer TOKEN` or the session
// cookie into `request_context::user`, then enforces the route's `access`:
//   - no credentials: 401 (JSON under /api/; a page elsewhere), or for a page fetched with GET
//     a 303 to /login?next=THE_PAGE;
//   - a role that may not: 403. `official` admits officials and admins, `signed_in` all three
//     roles, `admin` only admins;
//   - a POST, PUT, PATCH or DELETE that came with a session cookie must carry the session's CSRF
//     token, in an X-CSRF-Token header or a csrf_token form field; without it, 403. On a public
//     (`anyone`) route such a request is served as anonymous instead, so a cross-site form can
//     never act with an official's rights, while an official can still use the public forms.
//   - a bearer token that is unknown or revoked: 401, whatever the route.
// Routes on the I/O thread get no session lookup (that reads the database); registering one with
// access other than `anyone` is a programming error, refused when the middleware is made.
#pragma once

#include "accounts/service.hpp"
#include "config/config.hpp"
#include "server/router.hpp"
#include "server/server.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace inspel::server {

// Checks every route of `routes` (throws std::logic_error for an I/O-thread route needing a
// session) and returns the middleware. Register it with server::use before any other.
middleware make_auth_middleware(accounts::service& accounts, const router& routes);

// The session cookie's name, the Set-Cookie value that starts a session and the one that ends it.
constexpr std::string_view session_cookie_name = "inspel_session";
std::string session_cookie(const std::string& secret, const config::settings& settings);
std::string expired_session_cookie(const config::settings& settings);

// A cookie's value from the request's Cookie headers.
std::optional<std::string> cookie_value(const http_request& req, std::string_view name);

// A form body (application/x-www-form-urlencoded) as name -> value.
std::multimap<std::string, std::string> form_of(std::string_view body);

// The view keys the layout reads for a signed-in official: user {name, role} and csrf_token.
// Merge them into a page's view: render_page("x", page_view(ctx, {...})).
nlohmann::json page_view(const request_context& ctx, nlohmann::json view = nlohmann::json::object());

// A path on this site to go back to after login: `next` if it is a local path, else /official.
std::string local_redirect(std::string_view next);

// Percent-encodes everything but unreserved characters (for a query parameter's value).
std::string percent_encode(std::string_view s);

}  // namespace inspel::server
