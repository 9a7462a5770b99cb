// Officials for tests: a user of a role and the bearer header that acts as them.
#pragma once

#include "accounts/admin.hpp"
#include "schema/database.hpp"

#include <map>
#include <stdexcept>
#include <string>

namespace inspel::test {

// Adds `name` with `role` and returns {"Authorization": "Bearer ..."} for their new API token.
inline std::map<std::string, std::string> bearer_for(schema::database& db, const std::string& name,
                                                     const std::string& role = "official") {
    auto user = accounts::admin::add_user(db, name, role, "a long test password 42");
    if (!user.ok()) throw std::runtime_error("add_user failed for " + name);
    auto token = accounts::admin::create_token(db, name);
    if (!token.ok()) throw std::runtime_error("create_token failed for " + name);
    return {{"Authorization", "Bearer " + token.value().secret}};
}

}  // namespace inspel::test
