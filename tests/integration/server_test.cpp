#define BOOST_TEST_MODULE server
#include "tests/support/running_app.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel;
using namespace inspel::test;

BOOST_AUTO_TEST_CASE(health_readiness_and_metrics) {
    running_app app;
    auto c = app.client();
    auto health = c.get("/healthz");
    BOOST_TEST(health.result_int() == 200u);
    BOOST_TEST(json_of(health)["status"] == "ok");

    auto ready = c.get("/readyz");
    BOOST_TEST(ready.result_int() == 200u);
    BOOST_TEST(json_of(ready)["database"] == "ok");
    BOOST_TEST(json_of(ready)["index"] == "ok");

    auto metrics = c.get("/metrics");
    BOOST_TEST(metrics.result_int() == 200u);
    BOOST_TEST(metrics.body().find("inspel_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1") !=
               std::string::npos);
    BOOST_TEST(metrics.body().find("inspel_http_request_duration_seconds_count{route=\"/readyz\"} 1") !=
               std::string::npos);
    // The client's own connection is open while it asks.
    BOOST_TEST(metrics.body().find("inspel_http_open_connections 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_many_requests_on_one_connection) {
    running_app app;
    auto c = app.client();
    for (int i = 0; i < 50; ++i) BOOST_TEST(c.get("/healthz").result_int() == 200u);
    auto m = c.get("/metrics");
    BOOST_TEST(m.body().find("inspel_http_open_connections 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(api_errors_are_json_envelopes) {
    running_app app;
    auto c = app.client();
    auto r = c.get("/api/v1/no-such-thing");
    BOOST_TEST(r.result_int() == 404u);
    BOOST_TEST(r[http::field::content_type].starts_with("application/json"));
    auto body = json_of(r);
    BOOST_TEST(body["error"]["code"] == "not_found");
    BOOST_TEST(body["error"]["message"].is_string());
    BOOST_TEST(body["error"].contains("field"));
}

BOOST_AUTO_TEST_CASE(page_errors_are_html_with_security_headers) {
    running_app app;
    auto c = app.client();
    auto r = c.get("/no/such/page");
    BOOST_TEST(r.result_int() == 404u);
    BOOST_TEST(r[http::field::content_type].starts_with("text/html"));
    BOOST_TEST(r.body().find("<html lang=\"sv\">") != std::string::npos);
    BOOST_TEST(r.body().find("Det finns ingen sida") != std::string::npos);  // the text in the page's language
    BOOST_TEST(r["Content-Security-Policy"].find("frame-ancestors 'none'") != std::string::npos);
    BOOST_TEST(r["X-Content-Type-Options"] == "nosniff");
}

BOOST_AUTO_TEST_CASE(wrong_method_gives_405_with_allow) {
    running_app app;
    auto c = app.client();
    auto r = c.request(http::verb::delete_, "/healthz");
    BOOST_TEST(r.result_int() == 405u);
    BOOST_TEST(r[http::field::allow] == "GET");
}

BOOST_AUTO_TEST_CASE(a_body_over_the_limit_gives_413) {
    running_app app([](config::settings& s) { s.body_limit = 4096; });
    auto c = app.client();
    auto r = c.request(http::verb::post, "/api/v1/anything", std::string(10000, 'x'),
                       {{"Content-Type", "application/json"}});
    BOOST_TEST(r.result_int() == 413u);
    BOOST_TEST(json_of(r)["error"]["code"] == "too_large");
    BOOST_TEST(!r.keep_alive());
}

BOOST_AUTO_TEST_CASE(headers_over_the_limit_are_refused) {
    running_app app([](config::settings& s) { s.header_limit = 2048; });
    auto c = app.client();
    auto r = c.get("/healthz", {{"X-Padding", std::string(4000, 'a')}});
    BOOST_TEST(r.result_int() == 431u);
}

BOOST_AUTO_TEST_CASE(garbage_gets_400_not_a_crash) {
    running_app app;
    auto c = app.client();
    auto r = c.raw("GARBAGE\x01\x02 / HTTP/9.9\r\n\r\n");
    BOOST_TEST(r.result_int() == 400u);
    // The server still serves others.
    BOOST_TEST(app.client().get("/healthz").result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(a_slow_client_is_cut_off_after_the_read_timeout) {
    running_app app([](config::settings& s) { s.read_timeout = std::chrono::seconds(1); });
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket sock(ioc);
    sock.connect({boost::asio::ip::make_address("127.0.0.1"), app.port()});
    boost::asio::write(sock, boost::asio::buffer(std::string("GET /healthz HTTP/1.1\r\n")));  // never finished
    char byte;
    boost::system::error_code ec;
    auto start = std::chrono::steady_clock::now();
    sock.read_some(boost::asio::buffer(&byte, 1), ec);
    auto waited = std::chrono::steady_clock::now() - start;
    BOOST_CHECK(ec == boost::asio::error::eof);
    BOOST_CHECK(waited < std::chrono::seconds(5));
}

BOOST_AUTO_TEST_CASE(static_files_are_served) {
    running_app app;
    auto r = app.client().get("/static/inspel.css");
    BOOST_TEST(r.result_int() == 200u);
    BOOST_TEST(r[http::field::content_type].starts_with("text/css"));
    BOOST_TEST(app.client().get("/static/nope.css").result_int() == 404u);
}

BOOST_AUTO_TEST_CASE(stop_lets_a_request_in_flight_finish_and_closes_idle_connections) {
    running_app app;
    auto idle = app.client();
    BOOST_TEST(idle.get("/healthz").result_int() == 200u);
    app.stop();  // returns once every connection has closed
    BOOST_CHECK_THROW(idle.get("/healthz"), boost::system::system_error);
}
