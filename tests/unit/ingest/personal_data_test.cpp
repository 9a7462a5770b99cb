// Personal data in free text: what is found and what the redacted copy says, table-driven.
#include "ingest/personal_data.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::ingest;

namespace {

struct example {
    const char* text;
    const char* redacted;
};

void check_all(const std::vector<example>& table) {
    for (const auto& e : table) {
        BOOST_TEST_CONTEXT("text: " << e.text) { BOOST_TEST(redact(e.text).text == e.redacted); }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(personal_data)

BOOST_AUTO_TEST_CASE(personnummer_in_every_written_form_with_a_valid_luhn_digit) {
    check_all({
        {"Mitt personnummer är 850709-9805.", "Mitt personnummer är [personnummer]."},
        {"19850709-9805", "[personnummer]"},
        {"198507099805", "[personnummer]"},
        {"8507099805", "[personnummer]"},
        {"121212+1212 är över hundra år", "[personnummer] är över hundra år"},
        {"19121212-1212", "[personnummer]"},
        {"850709–9805 (med tankstreck)", "[personnummer] (med tankstreck)"},
        {"850709 9805", "[personnummer]"},
        {"född 000229-1235, skottår", "född [personnummer], skottår"},
        {"(850709-9805)", "([personnummer])"},
    });
}

BOOST_AUTO_TEST_CASE(samordningsnummer_has_sixty_added_to_the_day) {
    check_all({
        {"samordningsnummer 701063-2342", "samordningsnummer [samordningsnummer]"},
        {"197010632342", "[samordningsnummer]"},
    });
    BOOST_TEST(is_valid_samordningsnummer("7010632342"));
    BOOST_TEST(!is_valid_personnummer("7010632342"));
}

BOOST_AUTO_TEST_CASE(numbers_failing_luhn_or_the_calendar_are_left_alone) {
    check_all({
        {"850709-9806", "850709-9806"},              // Luhn digit wrong
        {"19850709-9806", "19850709-9806"},
        {"8507099806", "8507099806"},
        {"20010229-1234", "20010229-1234"},          // 2001 was not a leap year
        {"851309-9805", "851309-9805"},              // no thirteenth month
        {"ordernummer 1234567890", "ordernummer 1234567890"},
        {"2850709-98051", "2850709-98051"},          // digits around it: part of a longer number
        {"19850709-98050", "19850709-98050"},
    });
    BOOST_TEST(!is_valid_personnummer("8507099806"));
    BOOST_TEST(is_valid_personnummer("8507099805"));
    BOOST_TEST(is_valid_personnummer("198507099805"));
    BOOST_TEST(!is_valid_personnummer("178507099805"));  // no seventeenth-century residents
}

BOOST_AUTO_TEST_CASE(swedish_and_international_phone_numbers) {
    check_all({
        {"Ring 070-123 45 67 i morgon", "Ring [telefon] i morgon"},
        {"0701234567", "[telefon]"},
        {"070-1234567", "[telefon]"},
        {"070 123 45 67", "[telefon]"},
        {"08-123 456 78", "[telefon]"},
        {"08-12 34 56", "[telefon]"},
        {"031-12 34 56", "[telefon]"},
        {"0480-123 45", "[telefon]"},
        {"+46 70 123 45 67", "[telefon]"},
        {"+46701234567", "[telefon]"},
        {"+46 (0)8 123 456 78", "[telefon]"},
        {"0046 70 123 45 67", "[telefon]"},
        {"+358 40 123 4567", "[telefon]"},
        {"ring 070-123 45 67 2 gånger", "ring [telefon] 2 gånger"},
        {"tel:070-123 45 67.", "tel:[telefon]."},
    });
}

BOOST_AUTO_TEST_CASE(dates_postcodes_amounts_and_registry_numbers_are_not_phone_numbers) {
    check_all({
        {"Mötet är 2026-05-12 kl 18", "Mötet är 2026-05-12 kl 18"},
        {"den 01-02-2026", "den 01-02-2026"},
        {"postnummer 123 45", "postnummer 123 45"},
        {"diarienummer KS2016/55", "diarienummer KS2016/55"},
        {"det kostar 0,5 miljoner", "det kostar 0,5 miljoner"},
        {"klockan 08 00", "klockan 08 00"},
        {"år 2020 och 2021", "år 2020 och 2021"},
        {"version 0.10.12345678", "version 0.10.12345678"},
    });
}

BOOST_AUTO_TEST_CASE(email_addresses) {
    check_all({
        {"Mejla anna.svensson@kommun.se.", "Mejla [e-post]."},
        {"åsa@exempel.se", "[e-post]"},
        {"<per+kommun@example.org>", "<[e-post]>"},
        {"skriv till a@b eller @kommun", "skriv till a@b eller @kommun"},
        {"mail: x@y.c", "mail: x@y.c"},
    });
}

BOOST_AUTO_TEST_CASE(mixed_text_keeps_everything_else_and_lists_the_kinds_once) {
    auto r = redact("Anna (anna@x.se, 070-1234567, 850709-9805), ring 08-123 456 78 eller mejla per@y.se");
    BOOST_TEST(r.text == "Anna ([e-post], [telefon], [personnummer]), ring [telefon] eller mejla [e-post]");
    BOOST_REQUIRE(r.kinds.size() == 3u);
    BOOST_TEST(name_of(r.kinds[0]) == "personnummer");
    BOOST_TEST(name_of(r.kinds[1]) == "email");
    BOOST_TEST(name_of(r.kinds[2]) == "phone");
    BOOST_TEST(redact("Inget personligt här.").kinds.empty());
}

BOOST_AUTO_TEST_CASE(an_email_address_with_digits_is_one_match) {
    auto found = find_personal_data("kontakt: 0701234567@sms.example.se");
    BOOST_REQUIRE(found.size() == 1u);
    BOOST_TEST(name_of(found[0].kind) == "email");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(personal_data_robustness)

// Random text made of the pieces the scanners look at: digits, separators, +, @, dots, letters
// and multi-byte UTF-8 (including a cut-off sequence). Every match must lie inside the text, in
// order, without overlap, and redaction must replace exactly the matches.
BOOST_AUTO_TEST_CASE(random_text_gives_ordered_in_bounds_matches) {
    const std::vector<std::string> pieces = {"0", "7", "8", "1", "9", "46", "-", " ", "+", "@", ".", "a", "se", "(0)",
                                             "\xE2\x80\x93", "\xC2\xA0", "ö", "\xC3", "19", "850709", "9805", "x@y.se"};
    std::uint32_t state = 12345;
    auto next = [&] { return state = state * 1664525u + 1013904223u; };
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        int n = static_cast<int>(next() % 24);
        for (int i = 0; i < n; ++i) text += pieces[next() % pieces.size()];
        auto found = find_personal_data(text);
        std::size_t at = 0, replaced = 0;
        for (const auto& m : found) {
            BOOST_TEST_REQUIRE(m.begin >= at, text);
            BOOST_TEST_REQUIRE(m.end > m.begin, text);
            BOOST_TEST_REQUIRE(m.end <= text.size(), text);
            at = m.end;
            replaced += m.end - m.begin;
        }
        std::size_t placeholders = 0;
        for (const auto& m : found) placeholders += placeholder(m.kind).size();
        BOOST_TEST_REQUIRE(redact(text).text.size() == text.size() - replaced + placeholders, text);
    }
}

BOOST_AUTO_TEST_SUITE_END()
