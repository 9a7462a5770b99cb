// API tokens: bearer credentials for scripts, one user's rights without a browser session.
//
// A token is "inspel_" followed by 43 characters of URL-safe base64 (256 random bits). It is
// shown once, when created; the database keeps only its BLAKE2b hash and its first 15 characters
// (the prefix), which name it in lists and on revocation without revealing it. Tokens do not
// expire on their own; they end when revoked or when their user is disabled.
#pragma once

#include "accounts/result.hpp"
#include "accounts/users.hpp"
#include "schema/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inspel::accounts {

struct api_token {
    std::int64_t id = 0;
    std::string username;
    std::string prefix;
    std::string created_at;
    std::optional<std::string> last_used_at;
    std::optional<std::string> revoked_at;
};

struct created_token {
    api_token token;
    std::string secret;  // the whole token: print it once, never store or log it
};

constexpr std::string_view token_scheme = "inspel_";
constexpr std::size_t token_prefix_length = 15;

result<created_token> create_token(schema::connection& c, std::string_view username, const std::string& now_iso,
                                   const actor& by);
// `which` is a token's id, its prefix (or a longer start of it), or the whole token.
result<api_token> revoke_token(schema::connection& c, std::string_view which, const std::string& now_iso,
                               const actor& by);
std::vector<api_token> list_tokens(schema::connection& c);

}  // namespace inspel::accounts
