#define BOOST_TEST_MODULE auth
// Officials' accounts over real HTTP: the real service (running_app) for logins, sessions, the
// login pages and the audit API, and a server with test routes of every access level for the
// role matrix.
#include "accounts/admin.hpp"
#include "accounts/audit.hpp"
#include "server/auth.hpp"
#include "tests/support/running_app.hpp"

#include <boost/test/unit_test.hpp>

#include <future>

using namespace inspel;
using namespace inspel::test;
using namespace std::chrono_literals;

namespace {

const std::string good_password = "correct horse battery";

void add_user(server::app& app, const std::string& name, const std::string& role) {
    auto u = accounts::admin::add_user(app.database(), name, role, good_password);
    BOOST_TEST_REQUIRE(u.ok());
}

// A signed-in browser: the cookie and the CSRF token from POST /api/v1/session.
struct session {
    std::string cookie;  // "inspel_session=..."
    std::string csrf;
};

response post_login(http_client& c, const std::string& name, const std::string& password) {
    return c.post_json("/api/v1/session", {{"username", name}, {"password", password}});
}

std::string cookie_of(const response& r) {
    std::string set(r[http::field::set_cookie]);
    return set.substr(0, set.find(';'));
}

session sign_in(http_client& c, const std::string& name, const std::string& password = good_password) {
    auto r = post_login(c, name, password);
    BOOST_TEST_REQUIRE(r.result_int() == 200u);
    return {cookie_of(r), json_of(r)["csrf_token"].get<std::string>()};
}

std::int64_t count(server::app& app, const std::string& sql) {
    return app.database().read([&](schema::connection& c) {
        auto st = c.prepare(sql);
        st.step();
        return st.int64(0);
    });
}

std::vector<accounts::audit_record> audit_rows(server::app& app, const std::string& action) {
    accounts::audit_filter f;
    f.action = action;
    return app.database().read([&](schema::connection& c) { return accounts::query_audit(c, f).records; });
}

// Waits until every write queued so far (such as a last-seen refresh) is committed.
void drain_writes(server::app& app) {
    app.database().write_and_wait([](schema::connection&) {});
}

std::string form_encode(const std::map<std::string, std::string>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + server::percent_encode(v);
    return out;
}

response post_form(http_client& c, const std::string& target, const std::map<std::string, std::string>& fields,
                   std::map<std::string, std::string> headers = {}) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    return c.request(http::verb::post, target, form_encode(fields), headers);
}

}  // namespace

BOOST_AUTO_TEST_CASE(login_then_who_am_i_then_logout) {
    running_app app;
    add_user(app.app(), "anna", "official");
    auto c = app.client();

    auto r = post_login(c, "Anna", good_password);
    BOOST_TEST_REQUIRE(r.result_int() == 200u);
    std::string set_cookie(r[http::field::set_cookie]);
    BOOST_TEST(set_cookie.rfind("inspel_session=", 0) == 0u);
    BOOST_TEST(set_cookie.find("; HttpOnly") != std::string::npos);
    BOOST_TEST(set_cookie.find("; SameSite=Lax") != std::string::npos);
    BOOST_TEST(set_cookie.find("; Path=/") != std::string::npos);
    BOOST_TEST(set_cookie.find("Secure") == std::string::npos);  // public_url is http:// here
    auto body = json_of(r);
    BOOST_TEST(body["user"]["username"] == "anna");
    BOOST_TEST(body["user"]["role"] == "official");
    BOOST_TEST(body["csrf_token"].get<std::string>().size() == 43u);
    session s{cookie_of(r), body["csrf_token"]};
    // Only a hash of the cookie value is stored.
    BOOST_TEST(count(app.app(), "SELECT count(*) FROM sessions") == 1);
    BOOST_TEST(count(app.app(), "SELECT count(*) FROM sessions WHERE secret_hash = '" + s.cookie.substr(15) + "'") == 0);

    auto me = c.get("/api/v1/session", {{"Cookie", s.cookie}});
    BOOST_TEST_REQUIRE(me.result_int() == 200u);
    BOOST_TEST(json_of(me)["user"]["username"] == "anna");
    BOOST_TEST(json_of(me)["username"] == "anna");
    BOOST_TEST(json_of(me)["role"] == "official");
    BOOST_TEST(json_of(me)["csrf_token"] == s.csrf);
    BOOST_TEST(json_of(me)["via_token"] == false);

    auto out = c.request(http::verb::delete_, "/api/v1/session", "", {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
    BOOST_TEST(out.result_int() == 204u);
    BOOST_TEST(std::string(out[http::field::set_cookie]).find("Max-Age=0") != std::string::npos);
    BOOST_TEST(c.get("/api/v1/session", {{"Cookie", s.cookie}}).result_int() == 401u);
    BOOST_TEST(count(app.app(), "SELECT count(*) FROM sessions") == 0);

    auto logins = audit_rows(app.app(), "user.login");
    BOOST_TEST_REQUIRE(logins.size() == 1u);
    BOOST_TEST(logins[0].entry.actor == "anna");
    BOOST_TEST(logins[0].entry.client_address == "127.0.0.1");
    BOOST_TEST(audit_rows(app.app(), "user.logout").size() == 1u);
    BOOST_TEST(count(app.app(), "SELECT count(*) FROM audit_log WHERE details LIKE '%correct horse%'") == 0);
}

BOOST_AUTO_TEST_CASE(secure_cookie_when_the_site_is_served_over_https) {
    running_app app([](config::settings& s) { s.public_url = "https://inspel.example.se"; });
    add_user(app.app(), "anna", "official");
    auto c = app.client();
    auto r = post_login(c, "anna", good_password);
    BOOST_TEST_REQUIRE(r.result_int() == 200u);
    BOOST_TEST(std::string(r[http::field::set_cookie]).find("; Secure") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_password_unknown_user_and_disabled_user_get_the_same_answer) {
    running_app app;
    add_user(app.app(), "anna", "official");
    add_user(app.app(), "bertil", "official");
    auto c = app.client();
    session bertil = sign_in(c, "bertil");
    BOOST_TEST_REQUIRE(accounts::admin::disable_user(app.app().database(), "bertil").ok());

    auto wrong = post_login(c, "anna", "not the password");
    auto unknown = post_login(c, "nobody", good_password);
    auto disabled = post_login(c, "bertil", good_password);
    for (const auto* r : {&wrong, &unknown, &disabled}) {
        BOOST_TEST(r->result_int() == 401u);
        BOOST_TEST(r->body() == wrong.body());
        BOOST_TEST((*r)[http::field::set_cookie].empty());
    }
    BOOST_TEST(json_of(wrong)["error"]["code"] == "invalid_credentials");
    // The disabled user's session ended with it.
    BOOST_TEST(c.get("/api/v1/session", {{"Cookie", bertil.cookie}}).result_int() == 401u);

    auto failures = audit_rows(app.app(), "user.login_failed");
    BOOST_TEST_REQUIRE(failures.size() == 3u);
    BOOST_TEST(failures[0].entry.details["reason"] == "disabled");
    BOOST_TEST(failures[1].entry.details["reason"] == "unknown_user");
    BOOST_TEST(failures[2].entry.details["reason"] == "wrong_password");

    auto bad = c.post_json("/api/v1/session", {{"username", "anna"}});
    BOOST_TEST(bad.result_int() == 400u);
    BOOST_TEST(json_of(bad)["error"]["field"] == "password");
    BOOST_TEST(c.request(http::verb::post, "/api/v1/session", "{not json", {{"Content-Type", "application/json"}})
                   .result_int() == 400u);
}

BOOST_AUTO_TEST_CASE(sessions_end_after_the_idle_limit_and_the_absolute_limit) {
    running_app app([](config::settings& s) {
        s.session_idle = 30min;
        s.session_absolute = 2h;
    });
    add_user(app.app(), "anna", "official");
    auto& clock = app.app().accounts().clock();
    clock.freeze();
    auto c = app.client();

    session idle = sign_in(c, "anna");
    clock.advance(29min);
    BOOST_TEST(c.get("/api/v1/session", {{"Cookie", idle.cookie}}).result_int() == 200u);  // refreshes last seen
    drain_writes(app.app());
    clock.advance(29min);
    BOOST_TEST(c.get("/api/v1/session", {{"Cookie", idle.cookie}}).result_int() == 200u);
    drain_writes(app.app());
    clock.advance(31min);
    auto expired = c.get("/api/v1/session", {{"Cookie", idle.cookie}});
    BOOST_TEST(expired.result_int() == 401u);
    BOOST_TEST(json_of(expired)["error"]["code"] == "unauthorized");

    // Used every 25 minutes, a session still ends two hours after it began.
    session busy = sign_in(c, "anna");
    for (int i = 0; i < 4; ++i) {
        clock.advance(25min);
        BOOST_TEST_CONTEXT("after " << 25 * (i + 1) << " minutes") {
            BOOST_TEST(c.get("/api/v1/session", {{"Cookie", busy.cookie}}).result_int() == 200u);
        }
        drain_writes(app.app());
    }
    clock.advance(21min);  // 121 minutes
    BOOST_TEST(c.get("/api/v1/session", {{"Cookie", busy.cookie}}).result_int() == 401u);
    // A page asks the browser to sign in again, and says where it was going.
    auto page = c.get("/official?lang=en", {{"Cookie", busy.cookie}});
    BOOST_TEST(page.result_int() == 303u);
    BOOST_TEST(page[http::field::location] == "/login?next=%2Fofficial%3Flang%3Den");
}

BOOST_AUTO_TEST_CASE(state_changes_with_a_session_need_its_csrf_token) {
    running_app app;
    add_user(app.app(), "anna", "official");
    auto c = app.client();
    session s = sign_in(c, "anna");

    auto missing = c.request(http::verb::delete_, "/api/v1/session", "", {{"Cookie", s.cookie}});
    BOOST_TEST(missing.result_int() == 403u);
    BOOST_TEST(json_of(missing)["error"]["code"] == "csrf");
    auto wrong = c.request(http::verb::delete_, "/api/v1/session", "",
                           {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf.substr(1) + "x"}});
    BOOST_TEST(wrong.result_int() == 403u);
    // Another session's token does not do either.
    session other = sign_in(c, "anna");
    BOOST_TEST(c.request(http::verb::delete_, "/api/v1/session", "", {{"Cookie", s.cookie}, {"X-CSRF-Token", other.csrf}})
                   .result_int() == 403u);
    // Still signed in: nothing was done.
    BOOST_TEST(c.get("/api/v1/session", {{"Cookie", s.cookie}}).result_int() == 200u);

    // A logout form without the token is served as anonymous: the session survives.
    auto forged = post_form(c, "/logout", {}, {{"Cookie", s.cookie}});
    BOOST_TEST(forged.result_int() == 303u);
    BOOST_TEST(c.get("/api/v1/session", {{"Cookie", s.cookie}}).result_int() == 200u);
    // With the token as a form field it logs out.
    auto real = post_form(c, "/logout", {{"csrf_token", s.csrf}}, {{"Cookie", s.cookie}});
    BOOST_TEST(real.result_int() == 303u);
    BOOST_TEST(real[http::field::location] == "/login");
    BOOST_TEST(c.get("/api/v1/session", {{"Cookie", s.cookie}}).result_int() == 401u);
    BOOST_TEST(audit_rows(app.app(), "user.logout").size() == 1u);
}

BOOST_AUTO_TEST_CASE(bearer_tokens_work_until_revoked) {
    running_app app;
    add_user(app.app(), "anna", "admin");
    add_user(app.app(), "eva", "elected");
    auto token = accounts::admin::create_token(app.app().database(), "anna");
    auto elected = accounts::admin::create_token(app.app().database(), "eva");
    BOOST_TEST_REQUIRE(token.ok());
    BOOST_TEST_REQUIRE(elected.ok());
    auto c = app.client();

    BOOST_TEST(c.get("/api/v1/audit").result_int() == 401u);
    auto ok = c.get("/api/v1/audit", {{"Authorization", "Bearer " + token->secret}});
    BOOST_TEST_REQUIRE(ok.result_int() == 200u);
    BOOST_TEST(json_of(ok)["entries"].size() == 4u);  // two users added, two tokens created
    auto me = c.get("/api/v1/session", {{"Authorization", "Bearer " + token->secret}});
    BOOST_TEST(json_of(me)["via_token"] == true);
    BOOST_TEST(!json_of(me).contains("csrf_token"));
    // No CSRF token needed: a browser never sends a bearer token on its own.
    auto del = c.request(http::verb::delete_, "/api/v1/session", "", {{"Authorization", "Bearer " + token->secret}});
    BOOST_TEST(del.result_int() == 400u);
    BOOST_TEST(json_of(del)["error"]["code"] == "no_session");

    BOOST_TEST(c.get("/api/v1/audit", {{"Authorization", "Bearer " + elected->secret}}).result_int() == 403u);
    BOOST_TEST(c.get("/api/v1/audit", {{"Authorization", "Bearer inspel_forged"}}).result_int() == 401u);
    BOOST_TEST(c.get("/api/v1/audit", {{"Authorization", "Basic YW5uYTp4"}}).result_int() == 401u);

    BOOST_TEST_REQUIRE(accounts::admin::revoke_token(app.app().database(), token->token.prefix).ok());
    auto revoked = c.get("/api/v1/audit", {{"Authorization", "Bearer " + token->secret}});
    BOOST_TEST(revoked.result_int() == 401u);
    BOOST_TEST(json_of(revoked)["error"]["code"] == "invalid_token");
    BOOST_TEST(std::string(revoked[http::field::www_authenticate]).rfind("Bearer", 0) == 0u);
    // A bad token is refused even on a public route: the caller asked to be someone.
    BOOST_TEST(c.get("/login", {{"Authorization", "Bearer " + token->secret}}).result_int() == 401u);
}

BOOST_AUTO_TEST_CASE(failed_logins_are_throttled_with_a_growing_delay) {
    running_app app;
    add_user(app.app(), "anna", "official");
    auto& clock = app.app().accounts().clock();
    clock.freeze();
    auto c = app.client();
    for (int i = 0; i < 5; ++i) BOOST_TEST(post_login(c, "anna", "guess " + std::to_string(i)).result_int() == 401u);

    // Even the right password waits now, and the answer says how long.
    auto held = post_login(c, "anna", good_password);
    BOOST_TEST_REQUIRE(held.result_int() == 429u);
    BOOST_TEST(held[http::field::retry_after] == "5");
    BOOST_TEST(json_of(held)["error"]["code"] == "too_many_attempts");
    // An unknown name is throttled the same way, so the throttle reveals nothing either.
    for (int i = 0; i < 5; ++i) post_login(c, "nobody", "guess");
    BOOST_TEST(post_login(c, "nobody", "guess").result_int() == 429u);

    clock.advance(5s);
    BOOST_TEST(post_login(c, "anna", "guess 6").result_int() == 401u);
    auto longer = post_login(c, "anna", good_password);
    BOOST_TEST(longer.result_int() == 429u);
    BOOST_TEST(longer[http::field::retry_after] == "10");
    clock.advance(10s);
    BOOST_TEST(post_login(c, "anna", good_password).result_int() == 200u);
    // Throttled attempts check no password and write nothing.
    BOOST_TEST(audit_rows(app.app(), "user.login_failed").size() == 11u);
}

BOOST_AUTO_TEST_CASE(the_login_page_and_the_officials_start_page) {
    running_app app;
    add_user(app.app(), "anna", "admin");
    auto c = app.client();

    auto start = c.get("/official");
    BOOST_TEST(start.result_int() == 303u);
    BOOST_TEST(start[http::field::location] == "/login?next=%2Fofficial");
    auto form = c.get("/login?next=%2Fofficial");
    BOOST_TEST_REQUIRE(form.result_int() == 200u);
    BOOST_TEST(form.body().find("name=\"next\" value=\"/official\"") != std::string::npos);
    BOOST_TEST(form.body().find("autocomplete=\"current-password\"") != std::string::npos);
    BOOST_TEST(form["Content-Security-Policy"].find("script-src 'self'") != std::string::npos);
    BOOST_TEST(form["X-Frame-Options"] == "DENY");
    BOOST_TEST(form["Referrer-Policy"] == "same-origin");

    auto empty = post_form(c, "/login", {{"username", "<b>anna</b>"}, {"password", ""}});
    BOOST_TEST(empty.result_int() == 400u);
    BOOST_TEST(empty.body().find("id=\"password-error\"") != std::string::npos);
    BOOST_TEST(empty.body().find("value=\"&lt;b&gt;anna&lt;/b&gt;\"") != std::string::npos);  // kept, escaped
    BOOST_TEST(empty.body().find("<b>anna") == std::string::npos);

    auto wrong = post_form(c, "/login", {{"username", "anna"}, {"password", "not it at all"}, {"next", "/official"}});
    BOOST_TEST(wrong.result_int() == 401u);
    BOOST_TEST(wrong.body().find("Fel användarnamn eller lösenord.") != std::string::npos);
    BOOST_TEST(wrong.body().find("value=\"anna\"") != std::string::npos);
    BOOST_TEST(wrong.body().find("not it at all") == std::string::npos);

    // Only local paths are followed after login.
    auto away = post_form(c, "/login", {{"username", "anna"}, {"password", good_password}, {"next", "//evil.example"}});
    BOOST_TEST(away.result_int() == 303u);
    BOOST_TEST(away[http::field::location] == "/official");
    auto in = post_form(c, "/login", {{"username", "anna"}, {"password", good_password}, {"next", "/official?lang=en"}});
    BOOST_TEST_REQUIRE(in.result_int() == 303u);
    BOOST_TEST(in[http::field::location] == "/official?lang=en");
    std::string cookie = cookie_of(in);

    auto page = c.get("/official?lang=en", {{"Cookie", cookie}});
    BOOST_TEST_REQUIRE(page.result_int() == 200u);
    BOOST_TEST(page.body().find("<strong>anna</strong>") != std::string::npos);
    BOOST_TEST(page.body().find("href=\"/api/v1/audit\"") != std::string::npos);
    BOOST_TEST(page.body().find("action=\"/logout\"") != std::string::npos);
    auto me = json_of(c.get("/api/v1/session", {{"Cookie", cookie}}));
    BOOST_TEST(page.body().find("value=\"" + me["csrf_token"].get<std::string>() + "\"") != std::string::npos);
    // Signed in already, /login goes on to the page asked for.
    BOOST_TEST(c.get("/login", {{"Cookie", cookie}}).result_int() == 303u);

    // A login form posted from another site's page is refused.
    auto cross = post_form(c, "/login", {{"username", "anna"}, {"password", good_password}},
                           {{"Origin", "https://evil.example"}});
    BOOST_TEST(cross.result_int() == 403u);
}

BOOST_AUTO_TEST_CASE(the_audit_api_filters_and_pages) {
    running_app app;
    add_user(app.app(), "anna", "admin");
    auto token = accounts::admin::create_token(app.app().database(), "anna");
    BOOST_TEST_REQUIRE(token.ok());
    app.app().database().write_and_wait([](schema::connection& c) {
        for (int i = 1; i <= 12; ++i)
            accounts::append_audit(c, {"bertil", "submission.tag", "submission", std::to_string(i), {{"tag", "park"}}, ""});
    });
    auto c = app.client();
    std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + token->secret}};

    auto first = c.get("/api/v1/audit?user=bertil&limit=5", auth);
    BOOST_TEST_REQUIRE(first.result_int() == 200u);
    auto page1 = json_of(first);
    BOOST_TEST(page1["entries"].size() == 5u);
    BOOST_TEST(page1["entries"][0]["object_id"] == "12");
    BOOST_TEST(page1["entries"][0]["details"]["tag"] == "park");
    BOOST_TEST_REQUIRE(page1["next_before"].is_number());
    auto page3 = json_of(c.get("/api/v1/audit?user=bertil&limit=5&before=" +
                                   std::to_string(page1["entries"][4]["id"].get<std::int64_t>() - 5),
                               auth));
    BOOST_TEST(page3["entries"].size() == 2u);
    BOOST_TEST(page3["next_before"].is_null());

    auto one = json_of(c.get("/api/v1/audit?object_type=submission&object_id=7", auth));
    BOOST_TEST_REQUIRE(one["entries"].size() == 1u);
    BOOST_TEST(one["entries"][0]["action"] == "submission.tag");
    BOOST_TEST(json_of(c.get("/api/v1/audit?action=user.add", auth))["entries"].size() == 1u);
    BOOST_TEST(json_of(c.get("/api/v1/audit?to=2001-01-01", auth))["entries"].empty());

    auto bad = c.get("/api/v1/audit?from=last%20week", auth);
    BOOST_TEST(bad.result_int() == 400u);
    BOOST_TEST(json_of(bad)["error"]["field"] == "from");
    BOOST_TEST(c.get("/api/v1/audit?limit=501", auth).result_int() == 400u);
}

// ---- every role against every access level, on a server with test routes ----

namespace {

// Inspel's server with only the auth middleware and four pairs of routes, one per access level.
class guarded_server {
public:
    guarded_server() : settings_(test_settings(dir_.path())) {
        log::set_quiet(true);
        db_ = std::make_unique<schema::database>(settings_.data_dir);
        accounts_ = std::make_unique<accounts::service>(*db_, settings_);
        const std::pair<const char*, server::access> levels[] = {{"anyone", server::access::anyone},
                                                                 {"signed_in", server::access::signed_in},
                                                                 {"official", server::access::official},
                                                                 {"admin", server::access::admin}};
        for (const auto& [name, level] : levels) {
            auto answer = server::sync_handler([](const server::request_context& ctx) {
                return server::json_response(server::http::status::ok,
                                             {{"user", ctx.user ? ctx.user->username : std::string("-")}});
            });
            router_.add(server::http::verb::get, std::string("/t/") + name, answer, server::runs_on::worker, level);
            router_.add(server::http::verb::post, std::string("/t/") + name, answer, server::runs_on::worker, level);
        }
        server_ = std::make_unique<server::server>(settings_, router_, metrics_);
        server_->use(server::make_auth_middleware(*accounts_, router_));
        server_->listen();
        thread_ = std::thread([this] { server_->run(false); });
    }
    ~guarded_server() {
        server_->stop();
        thread_.join();
        server_.reset();
        db_->stop();
    }

    http_client client() { return http_client(server_->local_endpoint().port()); }
    schema::database& db() { return *db_; }

    // Signs in through the service itself and returns the cookie header and the CSRF token.
    session sign_in(const std::string& name) {
        std::promise<accounts::login_result> done;
        accounts_->login(name, good_password, "127.0.0.1",
                         [&](accounts::login_result r, std::exception_ptr) { done.set_value(std::move(r)); });
        auto r = done.get_future().get();
        BOOST_TEST_REQUIRE((r.status == accounts::login_status::granted));
        return {"inspel_session=" + r.session_secret, r.csrf_token};
    }

private:
    temp_dir dir_;
    config::settings settings_;
    server::metrics metrics_;
    server::router router_;
    std::unique_ptr<schema::database> db_;
    std::unique_ptr<accounts::service> accounts_;
    std::unique_ptr<server::server> server_;
    std::thread thread_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(each_role_is_allowed_and_refused_at_each_access_level) {
    guarded_server g;
    std::map<std::string, session> sessions;
    std::map<std::string, std::string> tokens;
    for (std::string role : {"admin", "official", "elected"}) {
        std::string name = "user-" + role;
        BOOST_TEST_REQUIRE(accounts::admin::add_user(g.db(), name, role, good_password).ok());
        sessions[role] = g.sign_in(name);
        tokens[role] = accounts::admin::create_token(g.db(), name).value().secret;
    }
    // expected[role][level]: the status a GET and a POST (with its CSRF token) get.
    const std::map<std::string, std::map<std::string, unsigned>> expected = {
        {"none", {{"anyone", 200}, {"signed_in", 401}, {"official", 401}, {"admin", 401}}},
        {"elected", {{"anyone", 200}, {"signed_in", 200}, {"official", 403}, {"admin", 403}}},
        {"official", {{"anyone", 200}, {"signed_in", 200}, {"official", 200}, {"admin", 403}}},
        {"admin", {{"anyone", 200}, {"signed_in", 200}, {"official", 200}, {"admin", 200}}},
    };
    auto c = g.client();
    for (const auto& [role, levels] : expected) {
        for (const auto& [level, status] : levels) {
            std::string target = "/t/" + level;
            BOOST_TEST_CONTEXT(role << " at " << level) {
                std::map<std::string, std::string> by_cookie, by_token;
                if (role != "none") {
                    by_cookie = {{"Cookie", sessions[role].cookie}, {"X-CSRF-Token", sessions[role].csrf}};
                    by_token = {{"Authorization", "Bearer " + tokens[role]}};
                }
                auto get = c.get(target, by_token);
                auto post = c.request(http::verb::post, target, "", by_cookie);
                // Pages ask for a sign-in with a redirect; the rest of the answers are the same.
                BOOST_TEST(get.result_int() == (status == 401 ? 303u : status));
                BOOST_TEST(post.result_int() == status);
                if (status == 200 && role != "none") {
                    BOOST_TEST(json_of(get)["user"] == "user-" + role);
                    BOOST_TEST(json_of(post)["user"] == "user-" + role);
                }
            }
        }
    }
    // Without its CSRF token a session's POST is refused where it needs a user, and served as
    // anonymous where it does not.
    auto no_csrf = c.request(http::verb::post, "/t/signed_in", "", {{"Cookie", sessions["admin"].cookie}});
    BOOST_TEST(no_csrf.result_int() == 403u);
    auto public_post = c.request(http::verb::post, "/t/anyone", "", {{"Cookie", sessions["admin"].cookie}});
    BOOST_TEST(public_post.result_int() == 200u);
    BOOST_TEST(json_of(public_post)["user"] == "-");
}

BOOST_AUTO_TEST_CASE(a_route_needing_a_user_on_the_io_thread_is_refused_at_start) {
    temp_dir dir;
    schema::database db(dir.path());
    auto s = test_settings(dir.path());
    accounts::service svc(db, s);
    server::router r;
    r.add(server::http::verb::get, "/public", server::sync_handler([](const server::request_context&) {
              return server::json_response(server::http::status::ok, {});
          }),
          server::runs_on::io, server::access::anyone);
    BOOST_CHECK_NO_THROW(server::make_auth_middleware(svc, r));
    r.add(server::http::verb::get, "/private", server::sync_handler([](const server::request_context&) {
              return server::json_response(server::http::status::ok, {});
          }),
          server::runs_on::io, server::access::official);
    BOOST_CHECK_THROW(server::make_auth_middleware(svc, r), std::logic_error);
    db.stop();
}
