#include "ingest/form_token.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::ingest;
using namespace std::chrono_literals;
using verdict = form_signer::verdict;

namespace {
form_signer::key_type key(unsigned char fill) {
    form_signer::key_type k;
    k.fill(fill);
    return k;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(form_tokens)

BOOST_AUTO_TEST_CASE(a_token_is_accepted_after_the_fill_time_and_carries_a_stable_nonce) {
    form_signer s(key(1));
    auto shown = form_signer::clock::now();
    auto token = s.issue("proposal", shown);
    auto a = s.check(token, "proposal", 3s, shown + 4s);
    auto b = s.check(token, "proposal", 3s, shown + 9s);
    BOOST_TEST((a.result == verdict::ok));
    BOOST_TEST(a.nonce.size() == 32u);
    BOOST_TEST(a.nonce == b.nonce);
    BOOST_TEST(s.check(s.issue("proposal", shown), "proposal", 3s, shown + 4s).nonce != a.nonce);
}

BOOST_AUTO_TEST_CASE(too_fast_expired_forged_and_foreign_tokens) {
    form_signer s(key(1));
    auto shown = form_signer::clock::now();
    auto token = s.issue("feedback", shown);
    BOOST_TEST((s.check(token, "feedback", 3s, shown + 1s).result == verdict::too_fast));
    BOOST_TEST((s.check(token, "feedback", 3s, shown + 25h).result == verdict::expired));
    BOOST_TEST((s.check(token, "proposal", 3s, shown + 4s).result == verdict::invalid));   // another form's token
    BOOST_TEST((form_signer(key(2)).check(token, "feedback", 3s, shown + 4s).result == verdict::invalid));
    std::string tampered = token;
    tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
    BOOST_TEST((s.check(tampered, "feedback", 3s, shown + 4s).result == verdict::invalid));
    BOOST_TEST((s.check("", "feedback", 3s, shown + 4s).result == verdict::invalid));
    BOOST_TEST((s.check("not a token at all!", "feedback", 3s, shown + 4s).result == verdict::invalid));
    BOOST_TEST((s.check(token, "feedback", 3s, shown - 5min).result == verdict::invalid));  // from the future
}

BOOST_AUTO_TEST_SUITE_END()
