// The login throttle, driven by hand-made times: no server, no waiting.
#include "accounts/throttle.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::accounts;
using namespace std::chrono;

namespace {
const system_clock::time_point t0 = system_clock::time_point(hours(24 * 365 * 50));
}

BOOST_AUTO_TEST_SUITE(throttle)

BOOST_AUTO_TEST_CASE(free_failures_then_a_delay_that_doubles_up_to_the_cap) {
    login_throttle t;  // 5 free per account, 5 s first delay, 15 min cap
    for (int i = 0; i < 4; ++i) {
        BOOST_TEST(t.wait_before_attempt("anna", "10.0.0.1", t0).count() == 0);
        t.record_failure("anna", "10.0.0.1", t0);
    }
    BOOST_TEST(t.wait_before_attempt("anna", "10.0.0.1", t0).count() == 0);
    t.record_failure("anna", "10.0.0.1", t0);  // the fifth
    BOOST_TEST(t.wait_before_attempt("anna", "10.0.0.1", t0).count() == 5);
    // The same account from another address waits too: the count is per account.
    BOOST_TEST(t.wait_before_attempt("anna", "10.9.9.9", t0).count() == 5);
    BOOST_TEST(t.wait_before_attempt("bertil", "10.9.9.9", t0).count() == 0);

    auto now = t0 + seconds(5);
    BOOST_TEST(t.wait_before_attempt("anna", "10.0.0.1", now).count() == 0);
    t.record_failure("anna", "10.0.0.1", now);
    BOOST_TEST(t.wait_before_attempt("anna", "10.0.0.1", now).count() == 10);
    BOOST_TEST(t.wait_before_attempt("anna", "10.0.0.1", now + seconds(4)).count() == 6);
    for (int i = 0; i < 20; ++i) t.record_failure("anna", "10.0.0.1", now);
    BOOST_TEST(t.wait_before_attempt("anna", "10.0.0.1", now).count() == 15 * 60);
}

BOOST_AUTO_TEST_CASE(an_address_trying_many_accounts_is_slowed_down) {
    login_throttle t(throttle_policy{.free_account_failures = 5, .free_address_failures = 8});
    for (int i = 0; i < 8; ++i) {
        std::string name = "user" + std::to_string(i);
        BOOST_TEST_CONTEXT("attempt " << i) {
            BOOST_TEST(t.wait_before_attempt(name, "192.0.2.7", t0).count() == 0);
        }
        t.record_failure(name, "192.0.2.7", t0);
    }
    BOOST_TEST(t.wait_before_attempt("someone-new", "192.0.2.7", t0).count() == 5);
    BOOST_TEST(t.wait_before_attempt("someone-new", "192.0.2.8", t0).count() == 0);
}

BOOST_AUTO_TEST_CASE(success_clears_the_account_but_not_the_address) {
    login_throttle t(throttle_policy{.free_account_failures = 2, .free_address_failures = 3});
    for (int i = 0; i < 3; ++i) t.record_failure("anna", "192.0.2.7", t0);
    BOOST_TEST(t.wait_before_attempt("anna", "192.0.2.1", t0).count() > 0);
    t.record_success("anna");
    BOOST_TEST(t.wait_before_attempt("anna", "192.0.2.1", t0).count() == 0);
    BOOST_TEST(t.wait_before_attempt("anna", "192.0.2.7", t0).count() > 0);
}

BOOST_AUTO_TEST_CASE(counts_are_forgotten_an_hour_after_the_last_failure) {
    login_throttle t;
    for (int i = 0; i < 7; ++i) t.record_failure("anna", "192.0.2.7", t0);
    BOOST_TEST(t.wait_before_attempt("anna", "192.0.2.7", t0 + minutes(59)).count() == 0);  // delay passed
    t.record_failure("anna", "192.0.2.7", t0 + minutes(59));
    BOOST_TEST(t.wait_before_attempt("anna", "192.0.2.7", t0 + minutes(59)).count() == 40);  // still counting
    auto later = t0 + minutes(59) + hours(1);
    t.record_failure("anna", "192.0.2.7", later);
    BOOST_TEST(t.wait_before_attempt("anna", "192.0.2.7", later).count() == 0);  // a fresh first failure
}

BOOST_AUTO_TEST_CASE(memory_stays_bounded_under_many_addresses) {
    login_throttle t(throttle_policy{.max_tracked = 100});
    for (int i = 0; i < 5; ++i) t.record_failure("anna", "192.0.2.7", t0);
    for (int i = 0; i < 1000; ++i) t.record_failure("x" + std::to_string(i), "198.51.100." + std::to_string(i), t0);
    BOOST_TEST(t.tracked() <= 200u);
    // Counts that still delay someone are never the ones dropped.
    BOOST_TEST(t.wait_before_attempt("anna", "192.0.2.99", t0).count() == 5);
}

BOOST_AUTO_TEST_SUITE_END()
