// What residents and API clients are told about their input, in plain Swedish or English.
// API messages name the field as the API does ("contact.email"); form messages use the label the
// resident sees beside the field, so the two always agree (the form takes its labels from here).
#pragma once

#include "ingest/submission.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace inspel::ingest {

enum class lang { sv, en };

// The label of a field on the web form for `k` ("Ditt förslag", "Your e-mail address").
std::string label(std::string_view field, std::optional<kind> k, lang l);

// For the JSON envelope: English, naming the API field.
std::string api_message(const field_error& e, std::optional<kind> k);

// For the message beside a form field.
std::string form_message(const field_error& e, std::optional<kind> k, lang l);

// "12 maj 2026" / "12 May 2026" from YYYY-MM-DD (returned unchanged if it is not one).
std::string long_date(std::string_view iso_date, lang l);

}  // namespace inspel::ingest
