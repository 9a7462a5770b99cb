// Managing accounts from the command line (`inspel user ...`, `inspel token ...`): each call
// checks its input, does any slow work (password hashing) before the write, then commits the
// change with its audit row and waits for the commit. The actor is "system".
#pragma once

#include "accounts/clock.hpp"
#include "accounts/result.hpp"
#include "accounts/tokens.hpp"
#include "accounts/users.hpp"
#include "schema/database.hpp"

#include <string_view>
#include <vector>

namespace inspel::accounts::admin {

result<user> add_user(schema::database& db, std::string_view username, std::string_view role_name,
                      std::string_view password, const clock& at = {});
result<user> disable_user(schema::database& db, std::string_view username, const clock& at = {});
std::vector<user> list_users(schema::database& db);

result<created_token> create_token(schema::database& db, std::string_view username, const clock& at = {});
result<api_token> revoke_token(schema::database& db, std::string_view which, const clock& at = {});
std::vector<api_token> list_tokens(schema::database& db);

}  // namespace inspel::accounts::admin
