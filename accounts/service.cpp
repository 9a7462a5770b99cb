#include "accounts/service.hpp"

#include "accounts/audit.hpp"
#include "accounts/crypto.hpp"
#include "accounts/tokens.hpp"
#include "common/log.hpp"

#include <algorithm>

namespace inspel::accounts {
namespace {

// A refresh of last_seen_at / last_used_at is written at most this often per session or token.
constexpr std::int64_t touch_interval_seconds = 60;

// The throttle's key for what was typed: bounded, so junk cannot grow memory without limit.
std::string throttle_key(std::string_view typed) {
    auto n = normalise_username(typed);
    if (n) return n.value();
    std::string raw(typed.substr(0, 64));
    std::transform(raw.begin(), raw.end(), raw.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return raw;
}

struct stored_user {
    user u;
    std::string password_hash;
};

std::optional<stored_user> load_for_login(schema::connection& c, const std::string& username) {
    auto st = c.prepare("SELECT id, username, role, created_at, disabled_at, password_hash FROM users WHERE username = ?");
    st.bind(1, username);
    if (!st.step()) return std::nullopt;
    stored_user s;
    s.u = {st.int64(0), st.text(1), parse_role(st.text(2)).value_or(role::elected), st.text(3), st.optional_text(4)};
    s.password_hash = st.text(5);
    return s;
}

}  // namespace

bool role_allows(role r, required level) {
    switch (level) {
        case required::signed_in: return true;
        case required::official: return r == role::official || r == role::admin;
        case required::admin: return r == role::admin;
    }
    return false;
}

service::service(schema::database& db, const config::settings& settings, throttle_policy policy)
    : db_(db),
      idle_(std::chrono::duration_cast<std::chrono::seconds>(settings.session_idle)),
      absolute_(std::chrono::duration_cast<std::chrono::seconds>(settings.session_absolute)),
      throttle_(policy) {
    crypto::initialise();
}

const std::string& service::dummy_hash() {
    std::call_once(dummy_once_, [this] { dummy_hash_ = crypto::hash_password(crypto::random_secret(16)); });
    return dummy_hash_;
}

void service::login(std::string_view username, std::string_view password, const std::string& client_address,
                    std::function<void(login_result, std::exception_ptr)> done) {
    std::string key = throttle_key(username);
    if (auto wait = throttle_.wait_before_attempt(key, client_address, clock_.now()); wait.count() > 0) {
        login_result r;
        r.status = login_status::throttled;
        r.retry_after = wait;
        return done(std::move(r), nullptr);
    }

    auto name = normalise_username(username);
    std::optional<stored_user> found;
    if (name) found = db_.read([&](schema::connection& c) { return load_for_login(c, name.value()); });
    // Verify even when there is no such user, so timing does not tell which names exist.
    bool password_ok = crypto::verify_password(found ? found->password_hash : dummy_hash(), password);
    bool granted = found && password_ok && !found->u.disabled_at;

    if (!granted) {
        throttle_.record_failure(key, client_address, clock_.now());
        std::string reason = !found ? "unknown_user" : found->u.disabled_at ? "disabled" : "wrong_password";
        audit_entry e{name ? name.value() : "anonymous", "user.login_failed", "user",
                      found ? std::to_string(found->u.id) : "", {{"reason", reason}}, client_address};
        db_.write({[e = std::move(e)](schema::connection& c) { append_audit(c, e); },
                   [done = std::move(done)](std::exception_ptr error) { done(login_result{}, error); }});
        return;
    }

    throttle_.record_success(key);
    auto result = std::make_shared<login_result>();
    result->status = login_status::granted;
    result->who = {found->u.id, found->u.username, found->u.role};
    result->session_secret = crypto::random_secret(32);
    result->csrf_token = crypto::random_secret(32);
    std::int64_t now = clock_.unix_seconds();
    std::int64_t idle = idle_.count();
    std::int64_t expires = now + absolute_.count();
    db_.write({[result, now, idle, expires, client_address](schema::connection& c) {
                   // Sessions that ended on their own are cleared whenever a new one begins.
                   c.prepare("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2")
                       .bind(1, now)
                       .bind(2, idle)
                       .run();
                   c.prepare("INSERT INTO sessions (secret_hash, user_id, csrf_token, created_at, last_seen_at, "
                             "expires_at) VALUES (?, ?, ?, ?, ?, ?)")
                       .bind(1, crypto::hash_secret(result->session_secret))
                       .bind(2, result->who.user_id)
                       .bind(3, result->csrf_token)
                       .bind(4, now)
                       .bind(5, now)
                       .bind(6, expires)
                       .run();
                   append_audit(c, {result->who.username, "user.login", "user", std::to_string(result->who.user_id),
                                    {{"session", c.last_insert_rowid()}}, client_address});
               },
               [result, done = std::move(done)](std::exception_ptr error) {
                   done(error ? login_result{} : std::move(*result), error);
               }});
}

void service::logout(std::string_view session_secret, const identity& who, const std::string& client_address,
                     std::function<void(std::exception_ptr)> done) {
    std::string hash = crypto::hash_secret(session_secret);
    db_.write({[hash, who, client_address](schema::connection& c) {
                   c.prepare("DELETE FROM sessions WHERE secret_hash = ? AND user_id = ?")
                       .bind(1, hash)
                       .bind(2, who.user_id)
                       .run();
                   if (c.changes() > 0)
                       append_audit(c, {who.username, "user.logout", "user", std::to_string(who.user_id), {},
                                        client_address});
               },
               std::move(done)});
}

std::optional<authenticated> service::authenticate_session(std::string_view session_secret) {
    if (session_secret.empty() || session_secret.size() > 128) return std::nullopt;
    std::string hash = crypto::hash_secret(session_secret);
    struct row {
        std::int64_t session_id, last_seen, expires;
        authenticated a;
        std::string stored_hash;
        bool disabled;
    };
    auto found = db_.read([&](schema::connection& c) -> std::optional<row> {
        auto st = c.cached(
            "SELECT s.id, s.last_seen_at, s.expires_at, u.id, u.username, u.role, s.csrf_token, s.secret_hash, "
            "u.disabled_at IS NOT NULL FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_hash = ?");
        st.bind(1, hash);
        if (!st.step()) return std::nullopt;
        row r{st.int64(0), st.int64(1), st.int64(2), {}, st.text(7), st.int64(8) != 0};
        r.a.who = {st.int64(3), st.text(4), parse_role(st.text(5)).value_or(role::elected)};
        r.a.csrf_token = st.text(6);
        return r;
    });
    if (!found || found->disabled || !crypto::constant_time_equal(found->stored_hash, hash)) return std::nullopt;
    std::int64_t now = clock_.unix_seconds();
    if (now >= found->expires || now - found->last_seen >= idle_.count()) return std::nullopt;
    if (now - found->last_seen >= touch_interval_seconds) {
        std::int64_t id = found->session_id;
        touch("s" + std::to_string(id), [id, now](schema::connection& c) {
            c.prepare("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?")
                .bind(1, now)
                .bind(2, id)
                .bind(3, now)
                .run();
        });
    }
    return found->a;
}

std::optional<authenticated> service::authenticate_token(std::string_view bearer_token) {
    if (!bearer_token.starts_with(token_scheme) || bearer_token.size() > 128) return std::nullopt;
    std::string hash = crypto::hash_secret(bearer_token);
    struct row {
        std::int64_t token_id;
        authenticated a;
        std::string stored_hash;
        bool live;
    };
    auto found = db_.read([&](schema::connection& c) -> std::optional<row> {
        auto st = c.cached(
            "SELECT t.id, u.id, u.username, u.role, t.secret_hash, t.revoked_at IS NULL AND u.disabled_at IS NULL "
            "FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_hash = ?");
        st.bind(1, hash);
        if (!st.step()) return std::nullopt;
        row r{st.int64(0), {}, st.text(4), st.int64(5) != 0};
        r.a.who = {st.int64(1), st.text(2), parse_role(st.text(3)).value_or(role::elected)};
        r.a.via_token = true;
        return r;
    });
    if (!found || !found->live || !crypto::constant_time_equal(found->stored_hash, hash)) return std::nullopt;
    std::int64_t now = clock_.unix_seconds();
    bool due;
    {
        std::lock_guard lock(touch_mutex_);
        auto& last = token_touched_[found->token_id];
        due = now - last >= touch_interval_seconds;
        if (due) last = now;
    }
    if (due) {
        std::int64_t id = found->token_id;
        std::string at = clock_.iso8601();
        touch("t" + std::to_string(id), [id, at](schema::connection& c) {
            c.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").bind(1, at).bind(2, id).run();
        });
    }
    return found->a;
}

void service::touch(const std::string& key, std::function<void(schema::connection&)> apply) {
    {
        std::lock_guard lock(touch_mutex_);
        if (!touch_pending_.insert(key).second) return;  // one refresh in flight is enough
    }
    db_.write({std::move(apply), [this, key](std::exception_ptr error) {
                   if (error) {
                       try {
                           std::rethrow_exception(error);
                       } catch (const std::exception& e) {
                           log::error("session_refresh_failed", {{"what", e.what()}});
                       }
                   }
                   std::lock_guard lock(touch_mutex_);
                   touch_pending_.erase(key);
               },
               true});  // the next request may come as soon as the refresh is committed
}

}  // namespace inspel::accounts
