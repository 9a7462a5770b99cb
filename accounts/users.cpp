#include "accounts/users.hpp"

#include "accounts/audit.hpp"

#include <algorithm>

namespace inspel::accounts {
namespace {

user read_user(schema::statement& st) {
    user u;
    u.id = st.int64(0);
    u.username = st.text(1);
    u.role = parse_role(st.text(2)).value_or(role::elected);
    u.created_at = st.text(3);
    u.disabled_at = st.optional_text(4);
    return u;
}

constexpr const char* user_columns = "SELECT id, username, role, created_at, disabled_at FROM users";

}  // namespace

std::string_view to_string(role r) {
    switch (r) {
        case role::admin: return "admin";
        case role::official: return "official";
        case role::elected: return "elected";
    }
    return "elected";
}

std::optional<role> parse_role(std::string_view s) {
    if (s == "admin") return role::admin;
    if (s == "official") return role::official;
    if (s == "elected") return role::elected;
    return std::nullopt;
}

result<std::string> normalise_username(std::string_view typed) {
    auto b = typed.find_first_not_of(" \t\r\n");
    auto e = typed.find_last_not_of(" \t\r\n");
    std::string name = b == std::string_view::npos ? std::string() : std::string(typed.substr(b, e - b + 1));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    if (name.empty()) return refusal{"invalid", "Enter a username.", "username"};
    if (name.size() < 2 || name.size() > 64)
        return refusal{"invalid", "A username has 2 to 64 characters.", "username"};
    if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._@-") != std::string::npos)
        return refusal{"invalid", "A username may contain only the letters a-z, digits and . _ @ -", "username"};
    return name;
}

std::optional<refusal> check_password_strength(std::string_view password, std::string_view username) {
    if (password.size() < min_password_length)
        return refusal{"weak_password",
                       "The password must have at least " + std::to_string(min_password_length) + " characters.",
                       "password"};
    if (password.size() > 1024) return refusal{"invalid", "The password is longer than 1024 characters.", "password"};
    if (!username.empty() && password.find(username) != std::string_view::npos)
        return refusal{"weak_password", "The password must not contain the username.", "password"};
    if (std::all_of(password.begin(), password.end(), [&](char c) { return c == password.front(); }))
        return refusal{"weak_password", "The password must not be one character repeated.", "password"};
    return std::nullopt;
}

result<user> add_user(schema::connection& c, std::string_view username, role r, const std::string& password_hash,
                      const std::string& now_iso, const actor& by) {
    auto name = normalise_username(username);
    if (!name) return name.error();
    if (find_user(c, name.value()))
        return refusal{"exists", "There is already a user named '" + name.value() + "'.", "username"};
    c.prepare("INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)")
        .bind(1, name.value())
        .bind(2, to_string(r))
        .bind(3, password_hash)
        .bind(4, now_iso)
        .run();
    user u{c.last_insert_rowid(), name.value(), r, now_iso, std::nullopt};
    append_audit(c, {by.name, "user.add", "user", std::to_string(u.id),
                     {{"username", u.username}, {"role", to_string(r)}}, by.client_address});
    return u;
}

std::optional<user> find_user(schema::connection& c, std::string_view username) {
    auto st = c.prepare(std::string(user_columns) + " WHERE username = ?");
    st.bind(1, username);
    if (!st.step()) return std::nullopt;
    return read_user(st);
}

std::vector<user> list_users(schema::connection& c) {
    auto st = c.prepare(std::string(user_columns) + " ORDER BY username");
    std::vector<user> out;
    while (st.step()) out.push_back(read_user(st));
    return out;
}

result<user> disable_user(schema::connection& c, std::string_view username, const std::string& now_iso,
                          const actor& by) {
    auto name = normalise_username(username);
    if (!name) return name.error();
    auto u = find_user(c, name.value());
    if (!u) return refusal{"not_found", "There is no user named '" + name.value() + "'.", "username"};
    if (u->disabled_at) return refusal{"already_disabled", "The user '" + u->username + "' is already disabled.", "username"};
    c.prepare("UPDATE users SET disabled_at = ? WHERE id = ?").bind(1, now_iso).bind(2, u->id).run();
    c.prepare("DELETE FROM sessions WHERE user_id = ?").bind(1, u->id).run();
    int sessions = c.changes();
    c.prepare("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
        .bind(1, now_iso)
        .bind(2, u->id)
        .run();
    int tokens = c.changes();
    append_audit(c, {by.name, "user.disable", "user", std::to_string(u->id),
                     {{"username", u->username}, {"sessions_ended", sessions}, {"tokens_revoked", tokens}},
                     by.client_address});
    u->disabled_at = now_iso;
    return *u;
}

}  // namespace inspel::accounts
