#include "ingest/receipt.hpp"

#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>

using namespace inspel::ingest;

BOOST_AUTO_TEST_SUITE(receipts)

BOOST_AUTO_TEST_CASE(codes_are_grouped_crockford_base32_and_do_not_repeat) {
    const std::regex shape("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}");
    std::set<std::string> seen;
    for (int i = 0; i < 5000; ++i) {
        auto r = new_receipt();
        BOOST_TEST(std::regex_match(r, shape), r);
        seen.insert(r);
    }
    BOOST_TEST(seen.size() == 5000u);
}

BOOST_AUTO_TEST_CASE(every_symbol_position_varies) {
    // 80 random bits fill all sixteen symbols: no position is stuck (which a bug in the bit
    // packing would cause).
    std::vector<std::set<char>> per_position(19);
    for (int i = 0; i < 400; ++i) {
        auto r = new_receipt();
        for (std::size_t p = 0; p < r.size(); ++p) per_position[p].insert(r[p]);
    }
    for (std::size_t p = 0; p < 19; ++p) {
        BOOST_TEST_CONTEXT("position " << p) { BOOST_TEST(per_position[p].size() > (p % 5 == 4 ? 0u : 20u)); }
    }
}

BOOST_AUTO_TEST_CASE(typed_codes_are_read_forgivingly) {
    BOOST_TEST(*canonical_receipt("K7QM-3XHD-9TRA-PV2W") == "K7QM-3XHD-9TRA-PV2W");
    BOOST_TEST(*canonical_receipt("k7qm3xhd9trapv2w") == "K7QM-3XHD-9TRA-PV2W");
    BOOST_TEST(*canonical_receipt(" k7qm 3xhd 9tra pv2w") == "K7QM-3XHD-9TRA-PV2W");
    BOOST_TEST(*canonical_receipt("K7QM-3XHD-9TRA-PVIW") == "K7QM-3XHD-9TRA-PV1W");  // I reads as 1
    BOOST_TEST(*canonical_receipt("OOOO-LLLL-0000-1111") == "0000-1111-0000-1111");
    BOOST_TEST(!canonical_receipt("K7QM-3XHD-9TRA-PV2"));     // too short
    BOOST_TEST(!canonical_receipt("K7QM-3XHD-9TRA-PV2WX"));   // too long
    BOOST_TEST(!canonical_receipt("K7QM-3XHD-9TRA-PVUW"));    // U is not in the alphabet
    BOOST_TEST(!canonical_receipt("../../etc/passwd"));
    BOOST_TEST(!canonical_receipt(""));
}

BOOST_AUTO_TEST_SUITE_END()
