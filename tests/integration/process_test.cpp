#define BOOST_TEST_MODULE process
// The real binary, as users and init systems run it.
#include "schema/database.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>
#include <fstream>

using namespace inspel::test;

namespace {
const std::string binary = INSPEL_BINARY;

std::size_t lines_in(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

BOOST_AUTO_TEST_CASE(help_and_version) {
    auto help = run(binary, {"--help"});
    BOOST_TEST(help.status == 0);
    BOOST_TEST(help.out.find("inspel serve") != std::string::npos);
    auto version = run(binary, {"--version"});
    BOOST_TEST(version.status == 0);
    BOOST_TEST(version.out.rfind("inspel ", 0) == 0u);
    BOOST_TEST(run(binary, {"frobnicate"}).status == 2);
    BOOST_TEST(run(binary, {}).status == 2);
}

BOOST_AUTO_TEST_CASE(serve_answers_and_sigterm_exits_zero_quickly) {
    temp_dir dir;
    process p(binary, {"serve", "--listen", "127.0.0.1:0", "--data", dir.path().string()});
    auto port = p.wait_for_port();
    {
        http_client c(port);
        BOOST_TEST(c.get("/healthz").result_int() == 200u);
        BOOST_TEST(c.get("/readyz").result_int() == 200u);
        auto m = c.get("/metrics");
        BOOST_TEST(m.body().find("route=\"/readyz\",method=\"GET\",status=\"200\"} 1") != std::string::npos);
    }
    auto start = std::chrono::steady_clock::now();
    p.signal(SIGTERM);
    auto status = p.wait(std::chrono::seconds(5));
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(*status == 0);
    BOOST_CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    // One JSON line per request; never a body.
    auto err = p.stderr_text();
    BOOST_TEST(err.find("\"route\":\"/healthz\"") != std::string::npos);
    BOOST_TEST(err.find("\"event\":\"stopped\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sigterm_with_an_idle_keep_alive_connection_still_exits_promptly) {
    temp_dir dir;
    process p(binary, {"serve", "--listen", "127.0.0.1:0", "--data", dir.path().string()});
    http_client c(p.wait_for_port());
    BOOST_TEST(c.get("/healthz").result_int() == 200u);
    p.signal(SIGINT);
    auto status = p.wait(std::chrono::seconds(5));
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(*status == 0);
}

BOOST_AUTO_TEST_CASE(bad_settings_exit_2_with_one_line_naming_the_key) {
    temp_dir dir;
    struct bad {
        std::vector<std::string> args;
        std::map<std::string, std::string> env;
        std::string names;
    };
    std::ofstream(dir / "bad.toml") << "[server]\nlisten = \"127.0.0.1:8080\"\ncolour = \"blue\"\n";
    const std::vector<bad> cases = {
        {{"serve", "--listen", "127.0.0.1:70000", "--data", dir.path().string()}, {}, "--listen"},
        {{"serve", "--data", dir.path().string()}, {{"INSPEL_LISTEN", "nowhere"}}, "INSPEL_LISTEN"},
        {{"serve", "--config", (dir / "bad.toml").string(), "--data", dir.path().string()}, {}, "server.colour"},
        {{"serve", "--listen", "127.0.0.1:0", "--data", "/proc/inspel-not-writable"}, {}, "storage.data"},
        {{"serve", "--config", (dir / "missing.toml").string()}, {}, "missing.toml"},
        {{"serve", "--lissen", "x"}, {}, "--lissen"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.names) {
            auto r = run(binary, c.args, c.env);
            BOOST_TEST(r.status == 2);
            BOOST_TEST(lines_in(r.err) == 1u, r.err);
            BOOST_TEST(r.err.find(c.names) != std::string::npos, r.err);
        }
    }
}

BOOST_AUTO_TEST_CASE(migrate_applies_without_serving_and_refuses_a_newer_database) {
    temp_dir dir;
    auto first = run(binary, {"migrate", "--data", dir.path().string()});
    BOOST_TEST(first.status == 0, first.err);
    BOOST_TEST(first.out.find("migrated from version 0") != std::string::npos);
    auto again = run(binary, {"migrate", "--data", dir.path().string()});
    BOOST_TEST(again.out.find("up to date") != std::string::npos);

    temp_dir newer;
    {
        inspel::schema::connection c(inspel::schema::database_file(newer.path()),
                                     inspel::schema::connection::mode::read_write);
        c.exec("PRAGMA user_version = 9999");
    }
    auto refused = run(binary, {"serve", "--listen", "127.0.0.1:0", "--data", newer.path().string()});
    BOOST_TEST(refused.status == 2);
    BOOST_TEST(refused.err.find("newer Inspel") != std::string::npos, refused.err);
}
