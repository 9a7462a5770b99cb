#define BOOST_TEST_MODULE config
#include "config/config.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace inspel;
using inspel::test::temp_dir;

namespace {

std::filesystem::path write_file(const temp_dir& dir, const std::string& text) {
    auto p = dir / "inspel.toml";
    std::ofstream(p) << text;
    return p;
}

// The config_error a load throws, so a case can check which key it names.
config::config_error load_error(const config::sources& from) {
    try {
        config::load(from);
    } catch (const config::config_error& e) {
        return e;
    }
    BOOST_FAIL("expected a config_error");
    throw;
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_without_any_source) {
    auto s = config::load({});
    BOOST_TEST(s.listen_host == "127.0.0.1");
    BOOST_TEST(s.listen_port == 8080);
    BOOST_TEST(s.data_dir == "var");
    BOOST_TEST(s.body_limit == 1024u * 1024u);
    BOOST_TEST(!s.secure_cookies());
}

BOOST_AUTO_TEST_CASE(flags_beat_environment_beat_file_beat_defaults) {
    temp_dir dir;
    config::sources from;
    from.file = write_file(dir, "[server]\nlisten = \"127.0.0.1:7001\"\nthreads = 3\n[storage]\ndata = \"/from/file\"\n"
                                "[intake]\nrate_limit = 10\n");
    auto s = config::load(from);
    BOOST_TEST(s.listen_port == 7001);
    BOOST_TEST(s.threads == 3u);
    BOOST_TEST(s.data_dir == "/from/file");

    from.environment = {{"INSPEL_LISTEN", "127.0.0.1:7002"}, {"INSPEL_DATA", "/from/env"}};
    s = config::load(from);
    BOOST_TEST(s.listen_port == 7002);
    BOOST_TEST(s.data_dir == "/from/env");
    BOOST_TEST(s.threads == 3u);  // only in the file
    BOOST_TEST(s.rate_limit_per_minute == 10.0);

    from.flags = {{"server.listen", "0.0.0.0:7003"}};
    s = config::load(from);
    BOOST_TEST(s.listen_host == "0.0.0.0");
    BOOST_TEST(s.listen_port == 7003);
    BOOST_TEST(s.data_dir == "/from/env");  // no flag for it here
}

BOOST_AUTO_TEST_CASE(units_are_read) {
    config::sources from;
    from.environment = {{"INSPEL_BODY_LIMIT", "2MiB"}, {"INSPEL_READ_TIMEOUT", "2m"}, {"INSPEL_SESSION_IDLE", "1h"},
                        {"INSPEL_PUBLIC_URL", "https://inspel.example.se"}, {"INSPEL_RATE_LIMIT", "0"}};
    auto s = config::load(from);
    BOOST_TEST(s.body_limit == 2u * 1024u * 1024u);
    BOOST_TEST(s.read_timeout.count() == 120);
    BOOST_TEST(s.session_idle.count() == 60);
    BOOST_TEST(s.secure_cookies());
    BOOST_TEST(s.rate_limit_per_minute == 0.0);
}

BOOST_AUTO_TEST_CASE(bad_values_name_their_key) {
    struct bad {
        std::map<std::string, std::string> env;
        std::string key;
        std::string words;
    };
    const std::vector<bad> cases = {
        {{{"INSPEL_LISTEN", "127.0.0.1:70000"}}, "INSPEL_LISTEN", "out of range"},
        {{{"INSPEL_LISTEN", "localhost"}}, "INSPEL_LISTEN", "HOST:PORT"},
        {{{"INSPEL_LISTEN", "127.0.0.1:http"}}, "INSPEL_LISTEN", "not a whole number"},
        {{{"INSPEL_THREADS", "-1"}}, "INSPEL_THREADS", "out of range"},
        {{{"INSPEL_BODY_LIMIT", "12 parsecs"}}, "INSPEL_BODY_LIMIT", "unknown unit"},
        {{{"INSPEL_READ_TIMEOUT", "soon"}}, "INSPEL_READ_TIMEOUT", "not a duration"},
        {{{"INSPEL_PUBLIC_URL", "ftp://x"}}, "INSPEL_PUBLIC_URL", "http://"},
        {{{"INSPEL_FORM_MIN_FILL", "10s"}}, "INSPEL_FORM_MIN_FILL", "at most 3s"},
        {{{"INSPEL_NO_SUCH_THING", "1"}}, "INSPEL_NO_SUCH_THING", "unknown"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.key << "=" << c.env.begin()->second) {
            config::sources from;
            from.environment = c.env;
            auto e = load_error(from);
            BOOST_TEST(e.key == c.key);
            BOOST_TEST(std::string(e.what()).find(c.words) != std::string::npos, e.what());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_flag_error_names_the_flag) {
    config::sources from;
    from.flags = {{"server.listen", "127.0.0.1:99999"}};
    BOOST_TEST(load_error(from).key == "--listen");
}

BOOST_AUTO_TEST_CASE(unknown_and_mistyped_file_keys_are_refused) {
    temp_dir dir;
    config::sources from;
    from.file = write_file(dir, "[server]\nlisen = \"127.0.0.1:1\"\n");
    auto e = load_error(from);
    BOOST_TEST(e.key.find("server.lisen") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("unknown key") != std::string::npos);

    from.file = write_file(dir, "[server]\nthreads = \"many\"\n");
    BOOST_TEST(load_error(from).key.find("server.threads") != std::string::npos);

    from.file = write_file(dir, "[server\nthreads = 1\n");
    BOOST_TEST(load_error(from).key.find(":1") != std::string::npos);  // names the line
}

BOOST_AUTO_TEST_CASE(the_example_config_is_valid_and_documents_every_key) {
    config::sources from;
    from.file = std::filesystem::path(INSPEL_SOURCE_DIR) / "config/inspel.example.toml";
    BOOST_CHECK_NO_THROW(config::load(from));
    std::ifstream in(*from.file);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    for (const auto& doc : config::documentation()) {
        auto name = doc.key.substr(doc.key.find('.') + 1);
        BOOST_TEST_CONTEXT(doc.key) {
            BOOST_TEST(text.find(name + " =") != std::string::npos);
            BOOST_TEST(text.find(doc.env) != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_data_dir_must_be_writable) {
    temp_dir dir;
    config::settings s;
    s.data_dir = dir / "new" / "nested";
    BOOST_CHECK_NO_THROW(config::prepare_data_dir(s));
    BOOST_TEST(std::filesystem::is_directory(s.data_dir));

    // /proc refuses new directories even to root, unlike a chmod-ed one.
    s.data_dir = "/proc/inspel-cannot-write-here";
    BOOST_CHECK_THROW(config::prepare_data_dir(s), config::config_error);
}

BOOST_AUTO_TEST_CASE(a_file_in_place_of_the_data_dir_is_refused) {
    temp_dir dir;
    std::ofstream(dir / "plain") << "x";
    config::settings s;
    s.data_dir = dir / "plain";
    try {
        config::prepare_data_dir(s);
        BOOST_FAIL("expected a config_error");
    } catch (const config::config_error& e) {
        BOOST_TEST(e.key == "storage.data");
    }
}
