// Users, passwords and API tokens against a real SQLite file, through the calls the command
// line makes (accounts/admin.hpp).
#include "accounts/admin.hpp"
#include "accounts/audit.hpp"
#include "accounts/crypto.hpp"
#include "schema/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel;
using namespace inspel::accounts;

namespace {

struct accounts_db {
    test::temp_dir dir;
    schema::database db{dir.path()};

    std::int64_t count(const std::string& sql) {
        return db.read([&](schema::connection& c) {
            auto st = c.prepare(sql);
            st.step();
            return st.int64(0);
        });
    }
    std::vector<std::string> actions() {
        auto page = db.read([](schema::connection& c) { return query_audit(c, audit_filter{}); });
        std::vector<std::string> out;
        for (auto it = page.records.rbegin(); it != page.records.rend(); ++it) out.push_back(it->entry.action);
        return out;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(users)

BOOST_AUTO_TEST_CASE(usernames_are_normalised_or_refused) {
    BOOST_TEST(normalise_username("  Anna.Berg@Kommun ").value() == "anna.berg@kommun");
    for (std::string bad : std::vector<std::string>{"", "a", "anna berg", "åsa", "x<script>", std::string(65, 'a')}) {
        BOOST_TEST_CONTEXT("'" << bad << "'") {
            auto r = normalise_username(bad);
            BOOST_TEST_REQUIRE(!r.ok());
            BOOST_TEST(r.error().field == "username");
        }
    }
}

BOOST_AUTO_TEST_CASE(weak_passwords_are_refused) {
    BOOST_TEST(check_password_strength("short", "anna").has_value());
    BOOST_TEST(check_password_strength("aaaaaaaaaaaa", "anna").has_value());
    BOOST_TEST(check_password_strength("anna-2024-password", "anna").has_value());
    BOOST_TEST(!check_password_strength("correct horse battery", "anna").has_value());
}

BOOST_AUTO_TEST_CASE(passwords_are_stored_as_argon2id_hashes) {
    auto h = crypto::hash_password("correct horse battery");
    BOOST_TEST(h.rfind("$argon2id$", 0) == 0u);
    BOOST_TEST(h.find("correct") == std::string::npos);
    BOOST_TEST(crypto::verify_password(h, "correct horse battery"));
    BOOST_TEST(!crypto::verify_password(h, "correct horse batterY"));
    BOOST_TEST(!crypto::verify_password("not a hash", "correct horse battery"));
    BOOST_TEST(crypto::constant_time_equal("abc", "abc"));
    BOOST_TEST(!crypto::constant_time_equal("abc", "abd"));
    BOOST_TEST(!crypto::constant_time_equal("abc", "abcd"));
    BOOST_TEST(crypto::random_secret(32).size() == 43u);
    BOOST_TEST(crypto::random_secret(32) != crypto::random_secret(32));
}

BOOST_AUTO_TEST_CASE(add_list_and_disable_users_with_audit_rows) {
    accounts_db a;
    auto anna = admin::add_user(a.db, "Anna", "admin", "correct horse battery");
    BOOST_TEST_REQUIRE(anna.ok());
    BOOST_TEST(anna->username == "anna");
    BOOST_TEST(to_string(anna->role) == "admin");
    BOOST_TEST(!admin::add_user(a.db, "anna", "official", "another good password").ok());
    auto boss = admin::add_user(a.db, "bertil", "boss", "correct horse battery");
    BOOST_TEST_REQUIRE(!boss.ok());
    BOOST_TEST(boss.error().field == "role");
    BOOST_TEST(admin::add_user(a.db, "bertil", "elected", "short").error().code == "weak_password");
    BOOST_TEST_REQUIRE(admin::add_user(a.db, "bertil", "elected", "correct horse battery").ok());

    auto list = admin::list_users(a.db);
    BOOST_TEST_REQUIRE(list.size() == 2u);
    BOOST_TEST(list[0].username == "anna");
    BOOST_TEST(to_string(list[1].role) == "elected");
    // The stored hash verifies, and the password itself is nowhere in the database.
    BOOST_TEST(a.count("SELECT count(*) FROM users WHERE password_hash LIKE '%correct horse%'") == 0);
    BOOST_TEST(a.count("SELECT count(*) FROM audit_log WHERE details LIKE '%correct horse%'") == 0);

    auto off = admin::disable_user(a.db, "bertil");
    BOOST_TEST_REQUIRE(off.ok());
    BOOST_TEST(off->disabled_at.has_value());
    BOOST_TEST(admin::disable_user(a.db, "bertil").error().code == "already_disabled");
    BOOST_TEST(admin::disable_user(a.db, "nobody").error().code == "not_found");
    BOOST_TEST((a.actions() == std::vector<std::string>{"user.add", "user.add", "user.disable"}));
}

BOOST_AUTO_TEST_CASE(tokens_are_shown_once_stored_hashed_and_revoked_by_id_or_prefix) {
    accounts_db a;
    BOOST_TEST_REQUIRE(admin::add_user(a.db, "anna", "official", "correct horse battery").ok());
    auto t1 = admin::create_token(a.db, "anna");
    auto t2 = admin::create_token(a.db, "anna");
    BOOST_TEST_REQUIRE(t1.ok());
    BOOST_TEST_REQUIRE(t2.ok());
    BOOST_TEST(t1->secret.rfind("inspel_", 0) == 0u);
    BOOST_TEST(t1->secret.size() == 7u + 43u);
    BOOST_TEST(t1->token.prefix == t1->secret.substr(0, 15));
    BOOST_TEST(a.count("SELECT count(*) FROM api_tokens WHERE secret_hash = '" + crypto::hash_secret(t1->secret) +
                       "'") == 1);
    BOOST_TEST(a.count("SELECT count(*) FROM api_tokens WHERE secret_hash LIKE '%" + t1->secret.substr(7) + "%'") == 0);
    BOOST_TEST(admin::create_token(a.db, "nobody").error().code == "not_found");

    BOOST_TEST(admin::revoke_token(a.db, "inspel").error().code == "invalid");        // too short to name one
    BOOST_TEST(admin::revoke_token(a.db, "inspel_zzzzzzzz").error().code == "not_found");
    auto by_prefix = admin::revoke_token(a.db, t1->token.prefix);
    BOOST_TEST_REQUIRE(by_prefix.ok());
    BOOST_TEST(by_prefix->id == t1->token.id);
    BOOST_TEST(admin::revoke_token(a.db, t1->secret).error().code == "already_revoked");  // the whole token names it too
    BOOST_TEST_REQUIRE(admin::revoke_token(a.db, std::to_string(t2->token.id)).ok());
    for (const auto& t : admin::list_tokens(a.db)) BOOST_TEST(t.revoked_at.has_value());
}

BOOST_AUTO_TEST_CASE(disabling_a_user_revokes_its_tokens_and_ends_its_sessions) {
    accounts_db a;
    BOOST_TEST_REQUIRE(admin::add_user(a.db, "anna", "official", "correct horse battery").ok());
    BOOST_TEST_REQUIRE(admin::create_token(a.db, "anna").ok());
    a.db.write_and_wait([](schema::connection& c) {
        c.exec("INSERT INTO sessions (secret_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) "
               "VALUES ('h', 1, 'c', 0, 0, 99999999999)");
    });
    BOOST_TEST_REQUIRE(admin::disable_user(a.db, "anna").ok());
    BOOST_TEST(a.count("SELECT count(*) FROM sessions") == 0);
    BOOST_TEST(a.count("SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL") == 0);
    BOOST_TEST(admin::create_token(a.db, "anna").error().code == "disabled");
}

BOOST_AUTO_TEST_SUITE_END()
