// Personal data written into free text: found, and replaced by placeholders in a redacted copy.
//
// What is found
// -------------
// - personnummer: YYMMDD-NNNC, YYMMDD+NNNC (a hundred years or older), YYYYMMDD-NNNC, and the
//   same without the separator (10 or 12 digits). The date must exist and the last digit must be
//   the Luhn check digit over the ten digits YYMMDDNNN. A number that fails the Luhn check is a
//   typo or something else (an order number), and is left alone.
// - samordningsnummer: the same, with sixty added to the day (61-91).
// - phone numbers: Swedish numbers written the ways people write them (070-123 45 67,
//   0701234567, 08-123 456 78, 031-12 34 56, +46 70 123 45 67, +46 (0)8 123 456 78,
//   0046 70 ...) and international numbers starting with + and a country code.
// - e-mail addresses: local@domain.tld, including non-ASCII letters (åsa@exempel.se).
//
// Why these rules: over-redacting a number that only looks like a phone number costs a little
// readability in a search snippet; leaking a phone number into a public export is a GDPR breach.
// So phone detection is generous, but anchored on how Swedish numbers begin (0 and an area
// code, or a country code) so that dates (2026-05-12), postcodes (123 45), amounts and
// registry numbers (KS2016/55) are not caught. Personnummer detection is strict (date and
// Luhn) because a resident may well write other ten-digit numbers.
//
// Everything here is a pure function of its input: no I/O, no state, tested table-driven.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace inspel::ingest {

enum class personal_data_kind { personnummer, samordningsnummer, email, phone };

// "personnummer", "samordningsnummer", "email", "phone": the names stored in submissions.personal_data.
std::string_view name_of(personal_data_kind k);
// "[personnummer]", "[samordningsnummer]", "[e-post]", "[telefon]".
std::string_view placeholder(personal_data_kind k);

struct personal_data_match {
    personal_data_kind kind;
    std::size_t begin;  // byte offsets into the text
    std::size_t end;
    friend bool operator==(const personal_data_match&, const personal_data_match&) = default;
};

// Every match in `text`, in order, never overlapping.
std::vector<personal_data_match> find_personal_data(std::string_view text);

struct redaction {
    std::string text;                       // with each match replaced by its placeholder
    std::vector<personal_data_kind> kinds;  // the kinds found, each once, in enum order
};
redaction redact(std::string_view text);

// `digits` is 10 or 12 digits (no separator): a valid personnummer or samordningsnummer?
bool is_valid_personnummer(std::string_view digits);
bool is_valid_samordningsnummer(std::string_view digits);

}  // namespace inspel::ingest
