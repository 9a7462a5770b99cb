// What officials do to one item, or to many: read it whole, change its status, assign it, tag it,
// write notes and the answer to the resident, and look at its personal data.
//
// Every function taking a connection runs inside the caller's transaction, on the database's one
// writer (a write_job's apply) unless it only reads, and writes its audit rows and search-outbox rows
// in that same transaction: a change, its audit trail and its way into the index are committed
// together or not at all. Nothing is written before everything asked for has been checked, so a
// refused request changes nothing. Nothing here logs text or contact data.
#pragma once

#include "schema/sqlite.hpp"
#include "workspace/workflow.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace inspel::workspace {

// Who acts: the official's username and role, and where the request came from (for the audit row).
struct actor {
    std::string username;
    std::string role;  // admin | official | elected
    std::string client_address;
};

// Admins and officials see residents' personal data and change items; elected representatives read.
bool may_handle(std::string_view role);

enum class result_code { ok, not_found, invalid, conflict };

struct outcome {
    result_code code = result_code::ok;
    problem error;               // set unless ok
    std::uint64_t changed = 0;   // items changed (0: it already was so)
    std::int64_t id = 0;         // the new row (a note, a template)
    bool mail_queued = false;    // an answer that is also on its way by e-mail

    static outcome fail(result_code c, std::string field, std::string message) {
        outcome o;
        o.code = c;
        o.error = {std::move(field), std::move(message)};
        return o;
    }
    bool ok() const { return code == result_code::ok; }
};

// PATCH /api/v1/submissions/{id}: any of status (with reason for rejected), assignee (a username,
// or null to unassign) and tags (the complete set the item should carry).
struct patch_request {
    std::optional<status> new_status;
    std::string reason;
    std::optional<std::optional<std::string>> assignee;
    std::optional<std::vector<std::string>> tags;
    bool empty() const { return !new_status && !assignee && !tags; }
};
std::variant<patch_request, problem> parse_patch(const nlohmann::json& body);

outcome patch(schema::connection& c, std::int64_t id, const patch_request& p, const actor& who, const std::string& now);

// The same change on many items (the search page's bulk actions): each item is checked, those
// for which the step is not allowed are left alone, the others changed. `changed` counts them.
outcome bulk_status(schema::connection& c, const std::vector<std::int64_t>& ids, status to, const std::string& reason,
                    const actor& who, const std::string& now);
outcome bulk_assign(schema::connection& c, const std::vector<std::int64_t>& ids,
                    const std::optional<std::string>& assignee, const actor& who, const std::string& now);

// Internal notes: officials only, never shown to the resident nor indexed.
outcome add_note(schema::connection& c, std::int64_t id, const std::string& text, const actor& who,
                 const std::string& now);

// The answer to the resident: shown on the receipt page at once and, when the resident left an
// e-mail address and mail is on (`public_url` set to the site's address), queued as mail in the
// same transaction. Sets the status to answered.
struct answer_options {
    bool send_mail = false;
    std::string public_url;
};
outcome answer(schema::connection& c, std::int64_t id, const std::string& text, const actor& who,
               const std::string& now, const answer_options& options);

// Records that `who` looked at the item's personal data (the contact details and unredacted text).
outcome record_personal_view(schema::connection& c, std::int64_t id, const actor& who);

// The whole item for an official: JSON with text, kind, dialogue, routing and its explanation,
// tags, status, assignee, notes, near-duplicates, history, answer and mail. With `personal` the
// contact details and the unredacted text, otherwise only the redacted text and which contact
// details exist. Notes only when `notes` (the reader may handle items). nullopt: no such item.
std::optional<nlohmann::json> item_json(schema::connection& c, std::int64_t id, bool personal, bool notes);

// Response templates: ready-made answers, optionally for one kind.
nlohmann::json list_templates(schema::connection& c);
std::variant<nlohmann::json, problem> parse_template(const nlohmann::json& body);
outcome create_template(schema::connection& c, const nlohmann::json& checked, const actor& who, const std::string& now);

// Officials and admins who can be assigned items (not disabled), by username.
std::vector<std::string> assignable_users(schema::connection& c);

// Limits on what officials type.
inline constexpr std::size_t max_note_length = 10'000;
inline constexpr std::size_t max_answer_length = 20'000;
inline constexpr std::size_t max_reason_length = 2'000;

}  // namespace inspel::workspace
