#include "config.hpp"

#include <toml++/toml.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <unistd.h>

extern char** environ;

namespace inspel::config {
namespace {

// Thrown by a parser with the problem only; the caller adds which key it was.
struct bad_value : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::int64_t parse_integer(const std::string& v, std::int64_t min, std::int64_t max) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || end != v.data() + v.size()) throw bad_value("'" + v + "' is not a whole number");
    if (n < min || n > max)
        throw bad_value(v + " is out of range (" + std::to_string(min) + "-" + std::to_string(max) + ")");
    return n;
}

double parse_number(const std::string& v, double min, double max) {
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || errno != 0 || end != v.c_str() + v.size()) throw bad_value("'" + v + "' is not a number");
    if (d < min || d > max) {
        std::ostringstream msg;
        msg << v << " is out of range (" << min << "-" << max << ")";
        throw bad_value(msg.str());
    }
    return d;
}

// "250ms", "30s", "10m", "12h", "7d"; a bare number means `bare_unit`.
std::chrono::milliseconds parse_duration(const std::string& v, std::chrono::milliseconds bare_unit) {
    std::size_t digits = 0;
    while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') ++digits;
    if (digits == 0) throw bad_value("'" + v + "' is not a duration (e.g. 30s, 10m, 12h)");
    std::int64_t n = parse_integer(v.substr(0, digits), 0, 1'000'000'000);
    std::string unit = v.substr(digits);
    using namespace std::chrono;
    if (unit.empty()) return n * bare_unit;
    if (unit == "ms") return milliseconds(n);
    if (unit == "s") return seconds(n);
    if (unit == "m" || unit == "min") return minutes(n);
    if (unit == "h") return hours(n);
    if (unit == "d") return hours(24 * n);
    throw bad_value("'" + v + "' has an unknown unit (use ms, s, m, h or d)");
}

// "16384", "16KiB", "1MiB", "1GiB".
std::size_t parse_size(const std::string& v, std::size_t min, std::size_t max) {
    std::size_t digits = 0;
    while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') ++digits;
    if (digits == 0) throw bad_value("'" + v + "' is not a size (e.g. 16KiB, 1MiB)");
    auto n = static_cast<std::size_t>(parse_integer(v.substr(0, digits), 0, 1LL << 40));
    std::string unit = v.substr(digits);
    if (unit == "KiB" || unit == "K") n <<= 10;
    else if (unit == "MiB" || unit == "M") n <<= 20;
    else if (unit == "GiB" || unit == "G") n <<= 30;
    else if (!unit.empty() && unit != "B") throw bad_value("'" + v + "' has an unknown unit (use B, KiB, MiB, GiB)");
    if (n < min || n > max)
        throw bad_value(v + " is out of range (" + std::to_string(min) + "-" + std::to_string(max) + " bytes)");
    return n;
}

template <class Duration>
Duration to(std::chrono::milliseconds d) {
    auto r = std::chrono::duration_cast<Duration>(d);
    if (std::chrono::duration_cast<std::chrono::milliseconds>(r) != d)
        throw bad_value("must be a whole number of " + std::string(std::is_same_v<Duration, std::chrono::seconds> ? "seconds"
                                                                  : std::is_same_v<Duration, std::chrono::minutes> ? "minutes"
                                                                                                                   : "hours"));
    return r;
}

void parse_listen(settings& s, const std::string& v) {
    auto colon = v.rfind(':');
    if (colon == std::string::npos || colon == 0) throw bad_value("'" + v + "' is not HOST:PORT");
    std::string host = v.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    s.listen_host = host;
    try {
        s.listen_port = static_cast<std::uint16_t>(parse_integer(v.substr(colon + 1), 0, 65535));
    } catch (const bad_value& e) {
        throw bad_value(std::string("port ") + e.what());
    }
}

std::vector<std::string> split_list(const std::string& v) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(v);
    while (std::getline(in, item, ',')) {
        auto b = item.find_first_not_of(" \t");
        auto e = item.find_last_not_of(" \t");
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

// "feedback=10, proposal=20": per-kind whole numbers; kinds not named keep their value.
void parse_per_kind(std::map<std::string, int>& out, const std::string& v, int max) {
    for (const auto& item : split_list(v)) {
        auto eq = item.find('=');
        if (eq == std::string::npos) throw bad_value("'" + item + "' is not KIND=NUMBER");
        std::string kind = item.substr(0, eq);
        while (!kind.empty() && kind.back() == ' ') kind.pop_back();
        std::string number = item.substr(eq + 1);
        while (!number.empty() && number.front() == ' ') number.erase(0, 1);
        if (!out.count(kind))
            throw bad_value("'" + kind + "' is not a kind (proposal, feedback, panel_response, public_question)");
        out[kind] = static_cast<int>(parse_integer(number, 0, max));
    }
}

struct setting {
    const char* key;   // in the config file, as section.name
    const char* env;   // environment variable
    const char* flag;  // command-line flag, or ""
    const char* meaning;
    std::function<void(settings&, const std::string&)> apply;
};

const std::vector<setting>& table() {
    using namespace std::chrono;
    static const std::vector<setting> t = {
        {"server.listen", "INSPEL_LISTEN", "--listen", "HOST:PORT to listen on (default 127.0.0.1:8080)",
         parse_listen},
        {"server.threads", "INSPEL_THREADS", "", "I/O threads; 0 means one per core (default 0)",
         [](settings& s, const std::string& v) { s.threads = static_cast<unsigned>(parse_integer(v, 0, 256)); }},
        {"server.read_timeout", "INSPEL_READ_TIMEOUT", "", "time allowed to send one request (default 30s)",
         [](settings& s, const std::string& v) {
             s.read_timeout = to<seconds>(parse_duration(v, seconds(1)));
             if (s.read_timeout.count() < 1) throw bad_value("must be at least 1s");
         }},
        {"server.header_limit", "INSPEL_HEADER_LIMIT", "", "largest request line plus headers (default 16KiB)",
         [](settings& s, const std::string& v) { s.header_limit = parse_size(v, 1024, 1 << 20); }},
        {"server.body_limit", "INSPEL_BODY_LIMIT", "", "largest request body; more answers 413 (default 1MiB)",
         [](settings& s, const std::string& v) { s.body_limit = parse_size(v, 1024, 64u << 20); }},
        {"server.shutdown_deadline", "INSPEL_SHUTDOWN_DEADLINE", "",
         "time to finish requests in flight on SIGTERM (default 10s)",
         [](settings& s, const std::string& v) { s.shutdown_deadline = to<seconds>(parse_duration(v, seconds(1))); }},
        {"server.public_url", "INSPEL_PUBLIC_URL", "",
         "the site's address as residents see it; https:// makes cookies Secure (default http://127.0.0.1:8080)",
         [](settings& s, const std::string& v) {
             if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
                 throw bad_value("'" + v + "' must start with http:// or https://");
             s.public_url = v;
         }},
        {"server.trusted_proxies", "INSPEL_TRUSTED_PROXIES", "",
         "comma-separated peer addresses whose X-Forwarded-For is believed (default none)",
         [](settings& s, const std::string& v) { s.trusted_proxies = split_list(v); }},
        {"storage.data", "INSPEL_DATA", "--data", "directory for the database and the index (default ./var)",
         [](settings& s, const std::string& v) {
             if (v.empty()) throw bad_value("must not be empty");
             s.data_dir = v;
         }},
        {"storage.commit_delay", "INSPEL_COMMIT_DELAY", "",
         "extra wait to gather more submissions into one commit (default 0ms)",
         [](settings& s, const std::string& v) {
             s.commit_delay = parse_duration(v, milliseconds(1));
             if (s.commit_delay > milliseconds(100)) throw bad_value("must be at most 100ms");
         }},
        {"sessions.idle", "INSPEL_SESSION_IDLE", "", "an official's session unused this long ends (default 30m)",
         [](settings& s, const std::string& v) {
             s.session_idle = to<minutes>(parse_duration(v, minutes(1)));
             if (s.session_idle.count() < 1) throw bad_value("must be at least 1m");
         }},
        {"sessions.absolute", "INSPEL_SESSION_ABSOLUTE", "", "no session lives longer than this (default 12h)",
         [](settings& s, const std::string& v) {
             s.session_absolute = to<hours>(parse_duration(v, hours(1)));
             if (s.session_absolute.count() < 1) throw bad_value("must be at least 1h");
         }},
        {"intake.rate_limit", "INSPEL_RATE_LIMIT", "",
         "sustained submissions per minute from one client; 0 turns the limit off (default 60)",
         [](settings& s, const std::string& v) { s.rate_limit_per_minute = parse_number(v, 0, 1e9); }},
        {"intake.rate_burst", "INSPEL_RATE_BURST", "", "submissions one client may send at once (default 20)",
         [](settings& s, const std::string& v) { s.rate_limit_burst = parse_number(v, 1, 1e9); }},
        {"intake.form_min_fill", "INSPEL_FORM_MIN_FILL", "",
         "a web form sent faster than this after it was shown is taken for a bot (default 3s, at most 3s)",
         [](settings& s, const std::string& v) {
             s.form_min_fill = to<seconds>(parse_duration(v, seconds(1)));
             if (s.form_min_fill > seconds(3)) throw bad_value("must be at most 3s");
         }},
        {"workflow.acknowledge_days", "INSPEL_ACKNOWLEDGE_DAYS", "",
         "working days per kind to take an item up (leave 'received'); 0: no deadline "
         "(default proposal=2, feedback=2, public_question=2, panel_response=0)",
         [](settings& s, const std::string& v) { parse_per_kind(s.acknowledge_days, v, 365); }},
        {"workflow.answer_days", "INSPEL_ANSWER_DAYS", "",
         "working days per kind to answer an item; 0: no deadline "
         "(default proposal=10, feedback=10, public_question=10, panel_response=0)",
         [](settings& s, const std::string& v) { parse_per_kind(s.answer_days, v, 365); }},
        {"retention.contact_months", "INSPEL_RETENTION_MONTHS", "",
         "months per kind after which contact data and the unredacted text are removed; 0: kept (default 0 for all)",
         [](settings& s, const std::string& v) { parse_per_kind(s.retention_months, v, 1200); }},
        {"mail.smtp", "INSPEL_SMTP", "", "HOST:PORT of the SMTP relay for answers to residents; empty: no mail (default empty)",
         [](settings& s, const std::string& v) {
             if (!v.empty()) {
                 settings probe;
                 parse_listen(probe, v);
                 if (probe.listen_port == 0) throw bad_value("the port must not be 0");
             }
             s.smtp_server = v;
         }},
        {"mail.from", "INSPEL_MAIL_FROM", "", "the From address of mail to residents (default inspel@localhost)",
         [](settings& s, const std::string& v) {
             if (v.find('@') == std::string::npos || v.find_first_of(" <>\r\n") != std::string::npos)
                 throw bad_value("'" + v + "' is not an e-mail address");
             s.mail_from = v;
         }},
        {"mail.retry_initial", "INSPEL_MAIL_RETRY_INITIAL", "", "wait after a failed delivery, doubled each time (default 30s)",
         [](settings& s, const std::string& v) {
             s.mail_retry_initial = parse_duration(v, milliseconds(1000));
             if (s.mail_retry_initial < milliseconds(10)) throw bad_value("must be at least 10ms");
         }},
        {"mail.retry_max", "INSPEL_MAIL_RETRY_MAX", "", "longest wait between delivery attempts (default 1h)",
         [](settings& s, const std::string& v) {
             s.mail_retry_max = parse_duration(v, milliseconds(1000));
             if (s.mail_retry_max < milliseconds(10)) throw bad_value("must be at least 10ms");
         }},
        {"export.dir", "INSPEL_EXPORT_DIR", "",
         "folder for the nightly internal compilations of each dialogue (default DATA/exports)",
         [](settings& s, const std::string& v) { s.export_dir = v; }},
        {"export.public_dir", "INSPEL_EXPORT_PUBLIC_DIR", "",
         "folder for the nightly public compilations (consented items only); empty: none (default empty)",
         [](settings& s, const std::string& v) { s.export_public_dir = v; }},
        {"export.time_zone", "INSPEL_EXPORT_TIME_ZONE", "",
         "tz database zone whose clock times the nightly export (default Europe/Stockholm)",
         [](settings& s, const std::string& v) {
             if (v.empty() || v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
                                  std::string::npos)
                 throw bad_value("'" + v + "' is not a time zone name such as Europe/Stockholm");
             s.export_time_zone = v;
         }},
        {"export.time", "INSPEL_EXPORT_TIME", "", "local time of day of the nightly export, HH:MM (default 02:00)",
         [](settings& s, const std::string& v) {
             if (v.size() != 5 || v[2] != ':') throw bad_value("'" + v + "' is not a time HH:MM");
             auto h = parse_integer(v.substr(0, 2), 0, 23), m = parse_integer(v.substr(3, 2), 0, 59);
             s.export_time = minutes(h * 60 + m);
         }},
        {"export.nightly", "INSPEL_EXPORT_NIGHTLY", "", "run the export every night in `serve`: true or false (default true)",
         [](settings& s, const std::string& v) {
             if (v != "true" && v != "false") throw bad_value("'" + v + "' is not true or false");
             s.export_nightly = v == "true";
         }},
    };
    return t;
}

const setting* find_by(const std::string& name, const char* setting::*field) {
    for (const auto& st : table())
        if (name == st.*field) return &st;
    return nullptr;
}

void apply(settings& s, const setting& st, const std::string& value, const std::string& label) {
    try {
        st.apply(s, value);
    } catch (const bad_value& e) {
        throw config_error(label, e.what());
    }
}

// Flattens a TOML table into section.key -> text, so every source goes through one parser.
void flatten(const toml::table& tbl, const std::string& prefix, std::map<std::string, std::string>& out,
             const std::string& file) {
    for (const auto& [k, node] : tbl) {
        std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (const auto* sub = node.as_table()) {
            flatten(*sub, key, out, file);
        } else if (const auto* arr = node.as_array()) {
            std::string joined;
            for (const auto& el : *arr) {
                auto str = el.value<std::string>();
                if (!str) throw config_error(file + ": " + key, "must be a list of strings");
                joined += (joined.empty() ? "" : ",") + *str;
            }
            out[key] = joined;
        } else if (auto str = node.value_exact<std::string>()) {
            out[key] = *str;
        } else if (auto i = node.value_exact<std::int64_t>()) {
            out[key] = std::to_string(*i);
        } else if (auto d = node.value_exact<double>()) {
            std::ostringstream os;
            os << *d;
            out[key] = os.str();
        } else if (auto b = node.value_exact<bool>()) {
            out[key] = *b ? "true" : "false";
        } else {
            throw config_error(file + ": " + key, "has a type Inspel does not read here");
        }
    }
}

}  // namespace

settings load(const sources& from) {
    settings s;
    if (from.file) {
        std::string name = from.file->string();
        toml::table tbl;
        try {
            tbl = toml::parse_file(name);
        } catch (const toml::parse_error& e) {
            std::ostringstream where;
            where << name << ":" << e.source().begin.line;
            throw config_error(where.str(), std::string(e.description()));
        }
        std::map<std::string, std::string> values;
        flatten(tbl, "", values, name);
        for (const auto& [key, value] : values) {
            const setting* st = find_by(key, &setting::key);
            if (!st) throw config_error(name + ": " + key, "unknown key");
            apply(s, *st, value, name + ": " + key);
        }
    }
    for (const auto& [var, value] : from.environment) {
        if (var == "INSPEL_CONFIG") continue;  // names the file, read above
        const setting* st = find_by(var, &setting::env);
        if (!st) throw config_error(var, "unknown environment variable");
        apply(s, *st, value, var);
    }
    for (const auto& [key, value] : from.flags) {
        const setting* st = find_by(key, &setting::key);
        if (!st) throw config_error(key, "unknown setting");
        apply(s, *st, value, *st->flag ? st->flag : key);
    }
    return s;
}

std::map<std::string, std::string> inspel_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        if (kv.rfind("INSPEL_", 0) != 0) continue;
        auto eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    return env;
}

void prepare_data_dir(const settings& s) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(s.data_dir, ec);
    if (ec) throw config_error("storage.data", "cannot create " + s.data_dir.string() + ": " + ec.message());
    if (!fs::is_directory(s.data_dir)) throw config_error("storage.data", s.data_dir.string() + " is not a directory");
    if (::access(s.data_dir.c_str(), W_OK | X_OK) != 0)
        throw config_error("storage.data", s.data_dir.string() + " is not writable");
    // access() ignores read-only mounts and some ACLs; creating a file does not.
    auto probe = s.data_dir / ".inspel-write-probe";
    {
        std::ofstream f(probe);
        if (!f || !(f << "ok") || !f.flush())
            throw config_error("storage.data", s.data_dir.string() + " is not writable");
    }
    fs::remove(probe, ec);
}

std::vector<setting_doc> documentation() {
    std::vector<setting_doc> docs;
    for (const auto& st : table()) docs.push_back({st.key, st.env, st.flag, st.meaning});
    return docs;
}

}  // namespace inspel::config
