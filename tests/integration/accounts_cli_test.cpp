#define BOOST_TEST_MODULE accounts_cli
// `inspel user ...` and `inspel token ...` as an administrator runs them, against the real
// binary and a real server started from it.
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>

using namespace inspel::test;

namespace {

const std::string binary = INSPEL_BINARY;

run_result cli(const temp_dir& dir, std::vector<std::string> args, const std::string& stdin_text = "") {
    args.push_back("--data");
    args.push_back(dir.path().string());
    return run(binary, args, {}, stdin_text);
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(user_add_then_token_create_gives_a_token_the_audit_api_accepts) {
    temp_dir dir;
    auto add = cli(dir, {"user", "add", "anna", "--role", "admin", "--password-stdin"}, "correct horse battery\n");
    BOOST_TEST_REQUIRE(add.status == 0, add.err);
    BOOST_TEST(add.out.find("added user anna (admin)") != std::string::npos);
    auto created = cli(dir, {"token", "create", "anna"});
    BOOST_TEST_REQUIRE(created.status == 0, created.err);
    std::string token = trimmed(created.out);
    BOOST_TEST(token.rfind("inspel_", 0) == 0u);
    BOOST_TEST(token.size() == 50u);
    BOOST_TEST(created.err.find(token) == std::string::npos);  // shown once, on stdout only

    process server(binary, {"serve", "--listen", "127.0.0.1:0", "--data", dir.path().string()});
    {
        http_client c(server.wait_for_port());
        auto without = c.get("/api/v1/audit");
        BOOST_TEST(without.result_int() == 401u);
        auto with = c.get("/api/v1/audit", {{"Authorization", "Bearer " + token}});
        BOOST_TEST_REQUIRE(with.result_int() == 200u);
        auto entries = json_of(with)["entries"];
        BOOST_TEST_REQUIRE(entries.size() == 2u);
        BOOST_TEST(entries[0]["action"] == "token.create");
        BOOST_TEST(entries[0]["actor"] == "system");
        BOOST_TEST(entries[1]["action"] == "user.add");
        BOOST_TEST(entries[1]["details"]["role"] == "admin");

        // Revoked from the command line while the server runs: refused at once.
        auto revoke = cli(dir, {"token", "revoke", token.substr(0, 15)});
        BOOST_TEST_REQUIRE(revoke.status == 0, revoke.err);
        BOOST_TEST(c.get("/api/v1/audit", {{"Authorization", "Bearer " + token}}).result_int() == 401u);
    }
    server.signal(SIGTERM);
    BOOST_TEST(server.wait(std::chrono::seconds(10)).value_or(-1) == 0);
    // The password never reaches the logs.
    BOOST_TEST(server.stderr_text().find("correct horse") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_with_a_clear_message) {
    temp_dir dir;
    auto weak = cli(dir, {"user", "add", "anna", "--role", "admin", "--password-stdin"}, "short\n");
    BOOST_TEST(weak.status == 1);
    BOOST_TEST(weak.err.find("at least 10 characters") != std::string::npos);
    auto role = cli(dir, {"user", "add", "anna", "--role", "boss", "--password-stdin"}, "correct horse battery\n");
    BOOST_TEST(role.status == 1);
    BOOST_TEST(role.err.find("admin, official or elected") != std::string::npos);
    // Not a terminal and no --password-stdin: no way to ask for the password safely.
    auto no_tty = cli(dir, {"user", "add", "anna", "--role", "admin"});
    BOOST_TEST(no_tty.status == 2);
    BOOST_TEST(no_tty.err.find("--password-stdin") != std::string::npos);
    BOOST_TEST(cli(dir, {"user", "add", "anna", "--password-stdin"}, "correct horse battery\n").status == 2);
    BOOST_TEST(cli(dir, {"user", "frobnicate"}).status == 2);
    BOOST_TEST(cli(dir, {"token"}).status == 2);
    BOOST_TEST(cli(dir, {"token", "create", "nobody"}).status == 1);
    BOOST_TEST(cli(dir, {"token", "revoke", "42"}).status == 1);
    BOOST_TEST(cli(dir, {"user", "list"}).out.find("anna") == std::string::npos);  // nothing was added
}

BOOST_AUTO_TEST_CASE(list_and_disable) {
    temp_dir dir;
    BOOST_TEST_REQUIRE(
        cli(dir, {"user", "add", "Bertil", "--role", "official", "--password-stdin"}, "correct horse battery\n")
            .status == 0);
    std::string token = trimmed(cli(dir, {"token", "create", "bertil"}).out);
    auto list = cli(dir, {"user", "list"});
    BOOST_TEST(list.status == 0);
    BOOST_TEST(list.out.find("bertil") != std::string::npos);
    BOOST_TEST(list.out.find("official") != std::string::npos);

    auto off = cli(dir, {"user", "disable", "bertil"});
    BOOST_TEST_REQUIRE(off.status == 0, off.err);
    BOOST_TEST(cli(dir, {"user", "disable", "bertil"}).status == 1);
    auto tokens = cli(dir, {"token", "list"});
    BOOST_TEST(tokens.out.find(token.substr(0, 15)) != std::string::npos);
    BOOST_TEST(tokens.out.find(token) == std::string::npos);  // the list never shows a whole token

    process server(binary, {"serve", "--listen", "127.0.0.1:0", "--data", dir.path().string()});
    http_client c(server.wait_for_port());
    BOOST_TEST(c.get("/api/v1/session", {{"Authorization", "Bearer " + token}}).result_int() == 401u);
    auto login = c.post_json("/api/v1/session", {{"username", "bertil"}, {"password", "correct horse battery"}});
    BOOST_TEST(login.result_int() == 401u);
}
