#include "ingest/text.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::ingest;

BOOST_AUTO_TEST_SUITE(text_checks)

BOOST_AUTO_TEST_CASE(utf8_validity_follows_rfc_3629) {
    struct row {
        std::string bytes;
        bool valid;
    };
    const std::vector<row> table = {
        {"plain", true},
        {"åäö € 😀", true},
        {"\xC3\x28", false},          // a lead byte without its continuation
        {"\xC0\xAF", false},          // overlong "/"
        {"\xE0\x80\xAF", false},      // overlong, three bytes
        {"\xED\xA0\x80", false},      // a UTF-16 surrogate
        {"\xF4\x90\x80\x80", false},  // above U+10FFFF
        {"\xFF", false},
        {"abc\xE2\x82", false},       // cut short
    };
    for (const auto& r : table) {
        BOOST_TEST_CONTEXT("bytes of length " << r.bytes.size()) { BOOST_TEST(text::is_valid_utf8(r.bytes) == r.valid); }
    }
    BOOST_TEST(*text::find_invalid_utf8("ok\xC3\x28") == 2u);
    BOOST_TEST(text::mark_invalid_utf8("a\xFF" "b") == "a\xEF\xBF\xBF" "b");
}

BOOST_AUTO_TEST_CASE(control_characters_and_noncharacters_are_found) {
    using text::lines;
    BOOST_TEST(!text::find_forbidden("rad ett\nrad två\tmed tab", lines::multiple));
    BOOST_TEST((*text::find_forbidden("rad ett\nrad två", lines::single) == U'\n'));
    BOOST_TEST((*text::find_forbidden(std::string("nul\0byte", 8), lines::multiple) == U'\0'));
    BOOST_TEST((*text::find_forbidden("bell\x07", lines::multiple) == U'\x07'));
    BOOST_TEST((*text::find_forbidden("del\x7F", lines::multiple) == U'\x7F'));
    BOOST_TEST((*text::find_forbidden("c1\xC2\x85", lines::multiple) == U'\x85'));
    BOOST_TEST((*text::find_forbidden("non\xEF\xBF\xBE", lines::multiple) == U'\xFFFE'));
    BOOST_TEST(!text::find_forbidden("emoji 😀 och ö", lines::single));
}

BOOST_AUTO_TEST_CASE(nfc_makes_two_spellings_of_one_letter_the_same_bytes) {
    std::string composed = "k\xC3\xB6k";     // ö as U+00F6
    std::string decomposed = "ko\xCC\x88k";  // o + U+0308 COMBINING DIAERESIS
    BOOST_TEST(composed != decomposed);
    BOOST_TEST(text::to_nfc(decomposed) == composed);
    BOOST_TEST(text::to_nfc(composed) == composed);
    BOOST_TEST(text::length(text::to_nfc(decomposed)) == 3u);
    BOOST_TEST(text::to_nfc("Å") == "Å");
    BOOST_TEST(text::to_nfc("A\xCC\x8A") == "\xC3\x85");  // A + ring above -> Å
}

BOOST_AUTO_TEST_CASE(newlines_and_trimming) {
    BOOST_TEST(text::unify_newlines("a\r\nb\rc\n") == "a\nb\nc\n");
    BOOST_TEST(text::trim("  \xC2\xA0hej då \n\t") == "hej då");
    BOOST_TEST(text::trim(" \n ").empty());
}

BOOST_AUTO_TEST_SUITE_END()
