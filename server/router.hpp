// Maps method + path to a handler. Paths are patterns of literal segments and {name}
// captures ("/api/v1/submissions/{id}"); literal segments win over captures. A path that
// matches with another method gives 405 with Allow; no match gives 404.
#pragma once

#include "server/http.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace inspel::server {

// An authenticated official, set on a request by the auth middleware.
struct principal {
    std::int64_t user_id = 0;
    std::string username;
    std::string role;            // "admin" | "official" | "elected"
    bool via_token = false;      // Authorization: Bearer, rather than a session cookie
    std::string csrf_token;      // the session's CSRF token, for forms rendered to this user
};

// Who may call a route. The auth middleware enforces it: 401 without credentials, 403 for a role
// that may not. `anyone` routes are public (residents).
enum class access { anyone, signed_in, official, admin };

// Everything a handler gets about its request. Owned by the handler, so it can be moved
// into an asynchronous continuation.
struct request_context {
    http_request request;
    std::string route;                          // the matched pattern, e.g. /api/v1/submissions/{id}
    std::map<std::string, std::string> params;  // the {name} captures, percent-decoded
    std::string client_address;                 // the peer, or X-Forwarded-For behind a trusted proxy
    std::shared_ptr<const principal> user;      // set by the auth layer

    std::string_view target() const { return {request.target().data(), request.target().size()}; }
    std::string_view path() const { return path_of(target()); }
    const std::string& param(const std::string& name) const { return params.at(name); }
};

// Sends the response for one request, exactly once, from any thread. If every copy is dropped
// without a call (a bug), the client gets a 500 rather than a hung connection.
class responder {
public:
    using send_fn = std::function<void(http_response)>;
    responder(send_fn send, std::string target);
    void operator()(http_response res) const;

private:
    struct state;
    std::shared_ptr<state> state_;
};

using handler = std::function<void(request_context, responder)>;
using sync_handler = std::function<http_response(const request_context&)>;

// Where a handler runs. `io`: on the I/O thread, for handlers that only compute or hand off to
// the writer. `worker`: on the worker pool, for handlers that read SQLite or Xapian.
enum class runs_on { io, worker };

class router {
public:
    struct route {
        http::verb method;
        std::string pattern;
        handler fn;
        runs_on where;
        access who = access::anyone;
    };

    struct match {
        const route* found = nullptr;          // set when method and path matched
        std::map<std::string, std::string> params;
        std::string allow;                      // when the path matched other methods only
    };

    void add(http::verb method, std::string pattern, handler fn, runs_on where = runs_on::worker,
             access who = access::anyone);
    // A handler that answers synchronously (run on the worker pool unless told otherwise).
    void add(http::verb method, std::string pattern, sync_handler fn, runs_on where = runs_on::worker,
             access who = access::anyone);

    match find(http::verb method, std::string_view path) const;
    const std::vector<std::unique_ptr<route>>& routes() const { return routes_; }

private:
    std::vector<std::unique_ptr<route>> routes_;
};

}  // namespace inspel::server
