// Residents' personal data, handled as the law asks: found, handed over, and removed.
//
// Finding a person. By e-mail address or phone number: the items where it is the contact
// detail the resident gave, and the items whose text contains it (a resident who wrote "reach me
// at anna@example.se" in the body). E-mail addresses compare without regard to ASCII case; phone
// numbers compare by their digits, with +46 and 0046 read as the leading 0 ("+46 70-123 45 67" is
// "0701234567"). Every search and export is itself audited, under a hash of the address, so the
// audit trail shows that someone looked a person up without holding the address in clear.
//
// Anonymising. The GDPR asks that personal data be erased; Swedish archive law (arkivlagen,
// offentlighetsprincipen) asks that the public record be kept. Inspel keeps the redacted text,
// which already has personnummer, e-mail addresses and phone numbers replaced by placeholders,
// and removes the rest: contact name, e-mail and phone are set to NULL, the unredacted title,
// body and answers are replaced by their redacted copies, and the contact name is also replaced
// by "[namn]" wherever it appears in those copies, in the answer and in officials' notes. Mail
// still queued to the person is cancelled, sent mail loses its address. The item is re-indexed
// from the new text, so the name disappears from the index and from snippets too. Items found
// only through their text keep their contact details (they belong to someone else) but lose the
// unredacted text. Each item gets an audit row; anonymising twice changes nothing the second time.
//
// Retention. Per kind, contact data and unredacted text are removed N months after the item was
// received (settings.retention_months; 0 keeps them), by the same anonymise(), daily in the
// server and on demand with `inspel retention` (`--dry-run` lists what it would do).
#pragma once

#include "config/config.hpp"
#include "schema/sqlite.hpp"
#include "workspace/items.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace inspel::workspace {

struct person {
    std::optional<std::string> email;  // lower-cased, trimmed
    std::optional<std::string> phone;  // digits, national form
    std::string ref() const;           // what the audit row is keyed by (a hash, never the address)
};

// From the query parameters or a JSON body: exactly one of email and phone.
std::variant<person, problem> person_from(const std::optional<std::string>& email, const std::optional<std::string>& phone);

// "070-123 45 67", "+46 70 123 45 67", "0046701234567" -> "0701234567".
std::string normalise_phone(std::string_view typed);

struct person_match {
    std::int64_t id = 0;
    bool by_contact = false;  // the contact detail is theirs (else: found in the text)
};
std::vector<person_match> find_person(schema::connection& c, const person& p);

// The list GET /api/v1/personal-data answers: each item's id, receipt, kind, status, dates,
// redacted title and how it was found. Writes the audit row (personal_data.search).
nlohmann::json search_person(schema::connection& c, const person& p, const actor& who);
// Everything held about the person, as the export gives it (personal_data.export audited).
nlohmann::json export_person(schema::connection& c, const person& p, const actor& who, const std::string& now);
// Anonymises every item of the person; `changed` counts items changed.
outcome anonymise_person(schema::connection& c, const person& p, const actor& who, const std::string& now);

// Anonymises the given items. `contact` lists the ids whose contact details are to go as well.
// `reason` ("request", "retention") goes into each audit row.
outcome anonymise_items(schema::connection& c, const std::vector<person_match>& items, const std::string& reason,
                        const actor& who, const std::string& now);

// Items the retention rule has come to: not yet anonymised, received more than the kind's months ago.
struct retention_item {
    std::int64_t id = 0;
    std::string kind, received_at;
    bool has_contact = false;
};
std::vector<retention_item> retention_due(schema::connection& c, const std::map<std::string, int>& months,
                                          std::chrono::system_clock::time_point now);
// Applies the rule; returns the items it anonymised.
std::vector<retention_item> apply_retention(schema::connection& c, const std::map<std::string, int>& months,
                                            std::chrono::system_clock::time_point now);

}  // namespace inspel::workspace
