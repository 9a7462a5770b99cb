// Officials' accounts: who is asking, and may they.
//
// Design
// ------
// Residents never sign in; officials do, with a username and a password (hashed with Argon2id,
// see crypto.hpp), and scripts use API tokens (tokens.hpp). This service turns a cookie value or
// a bearer token into an `authenticated` identity, and a username and password into a session.
//
// Sessions. A session is 256 random bits, sent to the browser as an HttpOnly cookie and stored
// only as its hash, so a copy of the database lets no one in. It ends when it has been unused for
// `session_idle`, when it is `session_absolute` old, on logout, or when its user is disabled
// (the row is deleted). To keep requests from writing to disk, `last_seen_at` is refreshed at
// most about once a minute (one asynchronous write), so the idle limit is exact to a minute.
// Every session has its own CSRF token, which state-changing requests carrying the cookie must
// echo back (the server's auth middleware checks it); bearer requests need none, since a browser
// never adds a bearer token by itself.
//
// Logins. The password check runs on the calling thread (a worker: it takes a few tenths of a
// second), then the session row and the audit row go to the single writer, and the caller is
// answered after the commit. An unknown user, a wrong password and a disabled user all get the
// same answer, and an unknown user still costs one Argon2id verification, so neither the answer
// nor its timing says which names exist. Failures feed a throttle (throttle.hpp) that makes the
// next attempt wait, growing with each failure.
//
// Times come from `accounts::clock`, which tests can freeze and move forward.
#pragma once

#include "accounts/clock.hpp"
#include "accounts/throttle.hpp"
#include "accounts/users.hpp"
#include "config/config.hpp"
#include "schema/database.hpp"

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace inspel::accounts {

struct identity {
    std::int64_t user_id = 0;
    std::string username;
    accounts::role role = role::elected;
};

struct authenticated {
    identity who;
    bool via_token = false;
    std::string csrf_token;  // the session's; empty for a bearer token
};

enum class login_status { granted, refused, throttled };

struct login_result {
    login_status status = login_status::refused;
    identity who;                         // granted
    std::string session_secret;           // granted: the cookie value; never log it
    std::string csrf_token;               // granted
    std::chrono::seconds retry_after{0};  // throttled
};

// Whether a role may call a route of the given access level.
enum class required { signed_in, official, admin };
bool role_allows(role r, required level);

class service {
public:
    service(schema::database& db, const config::settings& settings, throttle_policy policy = {});
    service(const service&) = delete;
    service& operator=(const service&) = delete;

    // Checks the password here (slow: call it from a worker), then commits the session (or the
    // failure) with its audit row and calls `done` on the writer thread after the commit, with an
    // error if the write failed. Throttled attempts are answered at once, without a write.
    void login(std::string_view username, std::string_view password, const std::string& client_address,
               std::function<void(login_result, std::exception_ptr)> done);

    // Ends the session with this cookie value (nothing if there is none) and records the logout.
    void logout(std::string_view session_secret, const identity& who, const std::string& client_address,
                std::function<void(std::exception_ptr)> done);

    // The identity behind a cookie value or a bearer token, if it is valid now. Reads the
    // database (call from a worker); may queue a last-seen refresh, never waits for one.
    std::optional<authenticated> authenticate_session(std::string_view session_secret);
    std::optional<authenticated> authenticate_token(std::string_view bearer_token);

    accounts::clock& clock() { return clock_; }
    login_throttle& throttle() { return throttle_; }

private:
    void touch(const std::string& key, std::function<void(schema::connection&)> apply);
    const std::string& dummy_hash();

    schema::database& db_;
    std::chrono::seconds idle_;
    std::chrono::seconds absolute_;
    accounts::clock clock_;
    login_throttle throttle_;

    std::mutex touch_mutex_;
    std::unordered_set<std::string> touch_pending_;  // refreshes queued and not yet committed
    std::unordered_map<std::int64_t, std::int64_t> token_touched_;  // token id -> Unix seconds of last refresh

    std::once_flag dummy_once_;
    std::string dummy_hash_;
};

}  // namespace inspel::accounts
