#define BOOST_TEST_MODULE router
#include "server/router.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::server;

namespace {

handler named(std::string name) {
    return [name](request_context, responder respond) { respond(json_response(http::status::ok, {{"h", name}})); };
}

router sample() {
    router r;
    r.add(http::verb::get, "/api/v1/submissions/{id}", named("get item"));
    r.add(http::verb::patch, "/api/v1/submissions/{id}", named("patch item"));
    r.add(http::verb::get, "/api/v1/submissions/export", named("export"));
    r.add(http::verb::post, "/api/v1/submissions", named("create"));
    r.add(http::verb::get, "/", named("home"));
    return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(literal_paths_match) {
    auto r = sample();
    auto m = r.find(http::verb::post, "/api/v1/submissions");
    BOOST_REQUIRE(m.found);
    BOOST_TEST(m.found->pattern == "/api/v1/submissions");
    BOOST_TEST(r.find(http::verb::get, "/").found->pattern == "/");
}

BOOST_AUTO_TEST_CASE(captures_are_decoded) {
    auto r = sample();
    auto m = r.find(http::verb::get, "/api/v1/submissions/ab%20c");
    BOOST_REQUIRE(m.found);
    BOOST_TEST(m.params.at("id") == "ab c");
}

BOOST_AUTO_TEST_CASE(literal_segments_beat_captures) {
    auto r = sample();
    BOOST_TEST(r.find(http::verb::get, "/api/v1/submissions/export").found->pattern == "/api/v1/submissions/export");
}

BOOST_AUTO_TEST_CASE(wrong_method_lists_the_allowed_ones) {
    auto r = sample();
    auto m = r.find(http::verb::delete_, "/api/v1/submissions/17");
    BOOST_TEST(!m.found);
    BOOST_TEST(m.allow == "GET, PATCH");
}

BOOST_AUTO_TEST_CASE(unknown_paths_match_nothing) {
    auto r = sample();
    for (const char* p : {"/api/v1", "/api/v1/submissions/1/2", "/nothing", "/api/v1/submissions//"}) {
        BOOST_TEST_CONTEXT(p) {
            auto m = r.find(http::verb::get, p);
            BOOST_TEST(!m.found);
            BOOST_TEST(m.allow.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_route_cannot_be_registered_twice) {
    router r;
    r.add(http::verb::get, "/x", named("a"));
    BOOST_CHECK_THROW(r.add(http::verb::get, "/x", named("b")), std::logic_error);
}

BOOST_AUTO_TEST_CASE(query_strings_are_decoded) {
    auto q = query_of("/search?q=cykel+bana&tag=a%C3%B6&tag=b&empty");
    BOOST_TEST(q.find("q")->second == "cykel bana");
    BOOST_TEST(q.count("tag") == 2u);
    BOOST_TEST(q.find("tag")->second == "aö");
    BOOST_TEST(q.find("empty")->second == "");
    BOOST_TEST(path_of("/search?q=1") == "/search");
}

BOOST_AUTO_TEST_CASE(a_dropped_responder_answers_500) {
    http_response sent;
    int calls = 0;
    {
        responder r([&](http_response res) { sent = std::move(res), ++calls; }, "/api/v1/x");
    }
    BOOST_TEST(calls == 1);
    BOOST_TEST(sent.result_int() == 500u);
}

BOOST_AUTO_TEST_CASE(a_responder_answers_once) {
    int calls = 0;
    responder r([&](http_response) { ++calls; }, "/x");
    r(json_response(http::status::ok, {}));
    r(json_response(http::status::ok, {}));
    BOOST_TEST(calls == 1);
}
