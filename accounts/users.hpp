// Officials' user accounts and their roles.
//
//   admin     manages users, dialogues and everything else
//   official  (handläggare) manages dialogues and submissions
//   elected   (förtroendevald) reads dialogues and compiled results, changes nothing
//
// Usernames are lower-case ASCII (letters, digits, . _ @ -), so "Anna" and "anna" are one user
// and a name looks the same in every log and audit row. Users are never deleted, only disabled:
// the audit trail names them for ever. Disabling ends the user's sessions and revokes its tokens
// in the same transaction. Every function taking a connection runs inside the caller's
// transaction (a write_job's apply) and appends its own audit row.
#pragma once

#include "accounts/result.hpp"
#include "schema/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inspel::accounts {

enum class role { admin, official, elected };
std::string_view to_string(role r);
std::optional<role> parse_role(std::string_view s);

struct user {
    std::int64_t id = 0;
    std::string username;
    accounts::role role = role::elected;
    std::string created_at;
    std::optional<std::string> disabled_at;
};

// Who did it and from where, for the audit row. "system" with no address is the command line.
struct actor {
    std::string name = "system";
    std::string client_address;
};

constexpr std::size_t min_password_length = 10;

// The username as stored (trimmed, lower-case), or why it cannot be one.
result<std::string> normalise_username(std::string_view typed);
// A refusal when the password is too weak to accept; nothing when it will do.
std::optional<refusal> check_password_strength(std::string_view password, std::string_view username);

// Adds a user whose password is already hashed (hash outside the write transaction: it is slow).
result<user> add_user(schema::connection& c, std::string_view username, role r, const std::string& password_hash,
                      const std::string& now_iso, const actor& by);
std::optional<user> find_user(schema::connection& c, std::string_view username);
std::vector<user> list_users(schema::connection& c);
// Disables the user, deletes its sessions and revokes its tokens.
result<user> disable_user(schema::connection& c, std::string_view username, const std::string& now_iso,
                          const actor& by);

}  // namespace inspel::accounts
