#include "ingest/rate_limit.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::ingest;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(rate_limit)

BOOST_AUTO_TEST_CASE(a_burst_is_allowed_then_refused_until_a_token_refills) {
    rate_limiter limiter(60, 20);
    auto t = rate_limiter::clock::now();
    for (int i = 0; i < 20; ++i) BOOST_TEST(limiter.take("192.0.2.1", t).allowed);
    auto refused = limiter.take("192.0.2.1", t);
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retry_after.count() == 1);
    BOOST_TEST(limiter.take("192.0.2.2", t).allowed);  // others are not affected
    BOOST_TEST(!limiter.take("192.0.2.1", t + 500ms).allowed);
    BOOST_TEST(limiter.take("192.0.2.1", t + 1100ms).allowed);  // one a second at 60 a minute
    BOOST_TEST(!limiter.take("192.0.2.1", t + 1200ms).allowed);
}

BOOST_AUTO_TEST_CASE(retry_after_reflects_a_slow_rate) {
    rate_limiter limiter(2, 1);  // one every thirty seconds
    auto t = rate_limiter::clock::now();
    BOOST_TEST(limiter.take("a", t).allowed);
    auto refused = limiter.take("a", t + 10s);
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retry_after.count() == 20);
}

BOOST_AUTO_TEST_CASE(zero_turns_the_limit_off) {
    rate_limiter limiter(0, 20);
    BOOST_TEST(!limiter.enabled());
    auto t = rate_limiter::clock::now();
    for (int i = 0; i < 1000; ++i) BOOST_TEST(limiter.take("192.0.2.1", t).allowed);
    BOOST_TEST(limiter.clients() == 0u);
}

BOOST_AUTO_TEST_CASE(memory_stays_bounded_under_many_addresses) {
    rate_limiter limiter(60, 5, 160);
    auto t = rate_limiter::clock::now();
    for (int i = 0; i < 20000; ++i) {
        limiter.take("10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256),
                     t + std::chrono::milliseconds(i));
        limiter.take("10.0.0.1", t + std::chrono::milliseconds(i));
    }
    BOOST_TEST(limiter.clients() <= 160u);
}

BOOST_AUTO_TEST_CASE(ipv6_clients_are_counted_per_64) {
    BOOST_TEST(rate_limiter::key_of("2001:db8:1:2::1") == rate_limiter::key_of("2001:db8:1:2:ffff::9"));
    BOOST_TEST(rate_limiter::key_of("2001:db8:1:2::1") != rate_limiter::key_of("2001:db8:1:3::1"));
    BOOST_TEST(rate_limiter::key_of("::ffff:192.0.2.7") == "192.0.2.7");
    BOOST_TEST(rate_limiter::key_of("192.0.2.7") == "192.0.2.7");
    rate_limiter limiter(60, 2);
    auto t = rate_limiter::clock::now();
    BOOST_TEST(limiter.take("2001:db8::1", t).allowed);
    BOOST_TEST(limiter.take("2001:db8::2", t).allowed);
    BOOST_TEST(!limiter.take("2001:db8::3", t).allowed);
}

BOOST_AUTO_TEST_SUITE_END()
