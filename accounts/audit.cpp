#include "accounts/audit.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace inspel::accounts {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

int number(std::string_view s) {
    int n = 0;
    std::from_chars(s.data(), s.data() + s.size(), n);
    return n;
}

std::optional<std::chrono::year_month_day> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2))) return std::nullopt;
    std::chrono::year_month_day d{std::chrono::year(number(s.substr(0, 4))),
                                  std::chrono::month(static_cast<unsigned>(number(s.substr(5, 2)))),
                                  std::chrono::day(static_cast<unsigned>(number(s.substr(8, 2))))};
    if (!d.ok()) return std::nullopt;
    return d;
}

std::string format_date(std::chrono::year_month_day d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

// Stored times look like 2024-05-01T10:00:00.000Z, so they sort as text; bounds take that form.
std::string format_time(std::chrono::sys_seconds t) {
    auto day = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day d(day);
    std::chrono::hh_mm_ss<std::chrono::seconds> hms(t - day);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.000Z", format_date(d).c_str(), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf;
}

// A date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SS, with or without Z) as a bound on
// `at`: the lower bound is its start, the (exclusive) upper bound the end of that day or second.
std::optional<std::string> parse_bound(std::string_view s, bool upper) {
    using namespace std::chrono;
    if (auto d = parse_date(s)) return format_time(sys_days(*d) + days(upper ? 1 : 0));
    if (s.size() == 20 && s.back() == 'Z') s.remove_suffix(1);
    if (s.size() != 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
    auto d = parse_date(s.substr(0, 10));
    auto hh = s.substr(11, 2), mm = s.substr(14, 2), ss = s.substr(17, 2);
    if (!d || !all_digits(hh) || !all_digits(mm) || !all_digits(ss)) return std::nullopt;
    if (number(hh) > 23 || number(mm) > 59 || number(ss) > 59) return std::nullopt;
    auto t = sys_days(*d) + hours(number(hh)) + minutes(number(mm)) + seconds(number(ss) + (upper ? 1 : 0));
    return format_time(t);
}

refusal bad(std::string field, std::string message) { return {"invalid", std::move(message), std::move(field)}; }

}  // namespace

void append_audit(schema::connection& c, const audit_entry& e) {
    c.prepare("INSERT INTO audit_log (actor, action, object_type, object_id, details, client_address) "
              "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, e.actor)
        .bind(2, e.action)
        .bind(3, e.object_type)
        .bind(4, e.object_id)
        .bind(5, (e.details.is_null() ? nlohmann::json::object() : e.details)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .bind(6, e.client_address)
        .run();
}

result<audit_filter> audit_filter_from(const std::multimap<std::string, std::string>& params) {
    audit_filter f;
    for (const auto& [key, value] : params) {
        if (key == "user") {
            f.actor = value;
        } else if (key == "object_type") {
            f.object_type = value;
        } else if (key == "object_id") {
            f.object_id = value;
        } else if (key == "action") {
            f.action = value;
        } else if (key == "from" || key == "to") {
            auto bound = parse_bound(value, key == "to");
            if (!bound)
                return bad(key, "'" + key + "' must be a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SSZ).");
            (key == "from" ? f.from : f.until) = *bound;
        } else if (key == "limit") {
            if (!all_digits(value) || value.size() > 4 || number(value) < 1 || number(value) > audit_filter::max_limit)
                return bad("limit", "'limit' must be a whole number from 1 to " +
                                        std::to_string(audit_filter::max_limit) + ".");
            f.limit = number(value);
        } else if (key == "before") {
            std::int64_t id = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
            if (ec != std::errc{} || end != value.data() + value.size() || id < 1)
                return bad("before", "'before' must be the id of an audit row (a positive whole number).");
            f.before = id;
        } else {
            return bad(key, "Unknown filter '" + key +
                                "'; use user, object_type, object_id, action, from, to, limit or before.");
        }
    }
    if (f.from && f.until && *f.from >= *f.until) return bad("to", "'to' must not be before 'from'.");
    return f;
}

audit_page query_audit(schema::connection& c, const audit_filter& f) {
    std::string sql = "SELECT id, at, actor, action, object_type, object_id, details, client_address FROM audit_log";
    std::vector<std::string> text_args;
    std::string where;
    auto add = [&](const char* condition) { where += (where.empty() ? " WHERE " : " AND ") + std::string(condition); };
    if (f.actor) add("actor = ?"), text_args.push_back(*f.actor);
    if (f.object_type) add("object_type = ?"), text_args.push_back(*f.object_type);
    if (f.object_id) add("object_id = ?"), text_args.push_back(*f.object_id);
    if (f.action) add("action = ?"), text_args.push_back(*f.action);
    if (f.from) add("at >= ?"), text_args.push_back(*f.from);
    if (f.until) add("at < ?"), text_args.push_back(*f.until);
    if (f.before) add("id < ?");
    sql += where + " ORDER BY id DESC LIMIT ?";
    auto st = c.prepare(sql);
    int i = 1;
    for (const auto& a : text_args) st.bind(i++, a);
    if (f.before) st.bind(i++, *f.before);
    // One row more than asked tells whether there is another page, without a COUNT.
    st.bind(i, static_cast<std::int64_t>(f.limit) + 1);
    audit_page page;
    while (st.step()) {
        if (static_cast<int>(page.records.size()) == f.limit) {
            page.more = true;
            break;
        }
        audit_record r;
        r.id = st.int64(0);
        r.at = st.text(1);
        r.entry.actor = st.text(2);
        r.entry.action = st.text(3);
        r.entry.object_type = st.text(4);
        r.entry.object_id = st.text(5);
        r.entry.details = nlohmann::json::parse(st.text(6), nullptr, false);
        r.entry.client_address = st.text(7);
        page.records.push_back(std::move(r));
    }
    return page;
}

nlohmann::json to_json(const audit_record& r) {
    return {{"id", r.id},
            {"at", r.at},
            {"actor", r.entry.actor},
            {"action", r.entry.action},
            {"object_type", r.entry.object_type},
            {"object_id", r.entry.object_id},
            {"details", r.entry.details},
            {"client_address", r.entry.client_address}};
}

}  // namespace inspel::accounts
