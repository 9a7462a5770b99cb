#include "accounts/tokens.hpp"

#include "accounts/audit.hpp"
#include "accounts/crypto.hpp"

#include <charconv>

namespace inspel::accounts {
namespace {

constexpr const char* token_columns =
    "SELECT t.id, u.username, t.prefix, t.created_at, t.last_used_at, t.revoked_at "
    "FROM api_tokens t JOIN users u ON u.id = t.user_id";

api_token read_token(schema::statement& st) {
    return {st.int64(0), st.text(1), st.text(2), st.text(3), st.optional_text(4), st.optional_text(5)};
}

}  // namespace

result<created_token> create_token(schema::connection& c, std::string_view username, const std::string& now_iso,
                                   const actor& by) {
    auto name = normalise_username(username);
    if (!name) return name.error();
    auto u = find_user(c, name.value());
    if (!u) return refusal{"not_found", "There is no user named '" + name.value() + "'.", "username"};
    if (u->disabled_at) return refusal{"disabled", "The user '" + u->username + "' is disabled.", "username"};
    created_token out;
    out.secret = std::string(token_scheme) + crypto::random_secret(32);
    out.token = {0, u->username, out.secret.substr(0, token_prefix_length), now_iso, std::nullopt, std::nullopt};
    c.prepare("INSERT INTO api_tokens (user_id, prefix, secret_hash, created_at) VALUES (?, ?, ?, ?)")
        .bind(1, u->id)
        .bind(2, out.token.prefix)
        .bind(3, crypto::hash_secret(out.secret))
        .bind(4, now_iso)
        .run();
    out.token.id = c.last_insert_rowid();
    append_audit(c, {by.name, "token.create", "api_token", std::to_string(out.token.id),
                     {{"username", u->username}, {"prefix", out.token.prefix}}, by.client_address});
    return out;
}

result<api_token> revoke_token(schema::connection& c, std::string_view which, const std::string& now_iso,
                               const actor& by) {
    std::vector<api_token> found;
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(which.data(), which.data() + which.size(), id);
    if (ec == std::errc{} && end == which.data() + which.size()) {
        auto st = c.prepare(std::string(token_columns) + " WHERE t.id = ?");
        st.bind(1, id);
        while (st.step()) found.push_back(read_token(st));
    } else if (which.size() >= 10 && which.starts_with(token_scheme)) {
        // A start of the prefix, or a text that begins with the whole prefix (the token itself).
        auto st = c.prepare(std::string(token_columns) +
                            " WHERE substr(t.prefix, 1, length(?1)) = ?1 OR substr(?1, 1, length(t.prefix)) = t.prefix");
        st.bind(1, which);
        while (st.step()) found.push_back(read_token(st));
    } else {
        return refusal{"invalid",
                       "Name the token by its id or by its prefix (at least 10 characters, starting " +
                           std::string(token_scheme) + ").",
                       "token"};
    }
    if (found.empty()) return refusal{"not_found", "No API token matches '" + std::string(which.substr(0, 15)) + "'.", "token"};
    if (found.size() > 1)
        return refusal{"ambiguous", "More than one API token matches; give more of the prefix, or the id.", "token"};
    api_token t = found.front();
    if (t.revoked_at) return refusal{"already_revoked", "The token " + t.prefix + " is already revoked.", "token"};
    c.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?").bind(1, now_iso).bind(2, t.id).run();
    append_audit(c, {by.name, "token.revoke", "api_token", std::to_string(t.id),
                     {{"username", t.username}, {"prefix", t.prefix}}, by.client_address});
    t.revoked_at = now_iso;
    return t;
}

std::vector<api_token> list_tokens(schema::connection& c) {
    auto st = c.prepare(std::string(token_columns) + " ORDER BY t.id");
    std::vector<api_token> out;
    while (st.step()) out.push_back(read_token(st));
    return out;
}

}  // namespace inspel::accounts
