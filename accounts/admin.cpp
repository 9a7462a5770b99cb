#include "accounts/admin.hpp"

#include "accounts/crypto.hpp"

namespace inspel::accounts::admin {

result<user> add_user(schema::database& db, std::string_view username, std::string_view role_name,
                      std::string_view password, const clock& at) {
    auto name = normalise_username(username);
    if (!name) return name.error();
    auto r = parse_role(role_name);
    if (!r)
        return refusal{"invalid", "The role must be admin, official or elected, not '" + std::string(role_name) + "'.",
                       "role"};
    if (auto weak = check_password_strength(password, name.value())) return *weak;
    // Checked here as well as in the transaction, so a taken name does not cost a slow hash.
    if (db.read([&](schema::connection& c) { return find_user(c, name.value()).has_value(); }))
        return refusal{"exists", "There is already a user named '" + name.value() + "'.", "username"};
    std::string hash = crypto::hash_password(password);
    std::string now = at.iso8601();
    return db.write_and_wait([&](schema::connection& c) { return accounts::add_user(c, name.value(), *r, hash, now, {}); });
}

result<user> disable_user(schema::database& db, std::string_view username, const clock& at) {
    std::string now = at.iso8601();
    return db.write_and_wait([&](schema::connection& c) { return accounts::disable_user(c, username, now, {}); });
}

std::vector<user> list_users(schema::database& db) {
    return db.read([](schema::connection& c) { return accounts::list_users(c); });
}

result<created_token> create_token(schema::database& db, std::string_view username, const clock& at) {
    std::string now = at.iso8601();
    return db.write_and_wait([&](schema::connection& c) { return accounts::create_token(c, username, now, {}); });
}

result<api_token> revoke_token(schema::database& db, std::string_view which, const clock& at) {
    std::string now = at.iso8601();
    return db.write_and_wait([&](schema::connection& c) { return accounts::revoke_token(c, which, now, {}); });
}

std::vector<api_token> list_tokens(schema::database& db) {
    return db.read([](schema::connection& c) { return accounts::list_tokens(c); });
}

}  // namespace inspel::accounts::admin
