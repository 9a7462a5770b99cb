// The audit trail: who did what to which object, when, and from where.
//
// Every state change an official makes (and every login, logout, user and token change) appends
// one row, inside the same transaction as the change itself, so the trail and the data can never
// disagree: either both are committed or neither is. The table is append-only; triggers in
// migration 0003 refuse UPDATE and DELETE. Rows carry no passwords or secrets, and `details`
// holds what changed, not the personal data of residents.
//
// Reading pages newest first with an id cursor (`before`), which stays stable while new rows
// arrive, unlike an offset.
#pragma once

#include "accounts/result.hpp"
#include "schema/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace inspel::accounts {

struct audit_entry {
    std::string actor;           // username, or "system"
    std::string action;          // e.g. "dialogue.transition", "submission.tag", "user.login"
    std::string object_type;     // e.g. "dialogue", "submission", "user"
    std::string object_id;       // e.g. "17"
    nlohmann::json details = nlohmann::json::object();  // what changed; never passwords
    std::string client_address;  // may be empty (command line)
};

// Appends one row inside the caller's transaction (call it from a write_job's apply).
void append_audit(schema::connection& c, const audit_entry& e);

// A row as read back: its id (the paging cursor) and when it was written (ISO 8601 UTC).
struct audit_record {
    std::int64_t id = 0;
    std::string at;
    audit_entry entry;
};

struct audit_filter {
    std::optional<std::string> actor;
    std::optional<std::string> object_type;
    std::optional<std::string> object_id;
    std::optional<std::string> action;
    std::optional<std::string> from;   // inclusive lower bound, normalised ISO 8601 UTC
    std::optional<std::string> until;  // exclusive upper bound, normalised ISO 8601 UTC
    std::optional<std::int64_t> before;  // only rows with a smaller id (the next page)
    int limit = 50;

    static constexpr int default_limit = 50;
    static constexpr int max_limit = 500;
};

// Reads a filter from query parameters: user, object_type, object_id, action, from, to (a date
// YYYY-MM-DD, `to` inclusive of that whole day, or a time YYYY-MM-DDTHH:MM:SSZ), limit, before.
result<audit_filter> audit_filter_from(const std::multimap<std::string, std::string>& params);

// Newest first. `more` is true when older rows match too (ask again with before = last id).
struct audit_page {
    std::vector<audit_record> records;
    bool more = false;
};
audit_page query_audit(schema::connection& c, const audit_filter& f);

nlohmann::json to_json(const audit_record& r);

}  // namespace inspel::accounts
