// The nightly schedule across daylight-saving changes (a fake clock, the real tz rules), and the
// nightly run itself against a real database: once per local day, only when the data changed,
// remembered across restarts.
#define BOOST_TEST_MODULE export_nightly
#include "export/files.hpp"
#include "export/nightly.hpp"
#include "tests/integration/export/fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel;
using namespace inspel::test;
using namespace std::chrono;
using instant_t = exporting::sys_time;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

instant_t utc(const std::string& day, int h, int m = 0) {
    return instant_t(sys_days(*dialogue::parse_day(day)) + hours(h) + minutes(m));
}

std::string stamp(instant_t t) {
    auto d = floor<days>(t);
    hh_mm_ss hms{floor<minutes>(t - d)};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02dZ", dialogue::format_day(year_month_day{d}).c_str(),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
    return buf;
}

// Steps a fake clock from `from` to `to` and records when the schedule fired (and marks each run done).
std::vector<std::string> fires(exporting::nightly_schedule& s, instant_t from, instant_t to, minutes step) {
    std::vector<std::string> out;
    for (auto t = from; t < to; t += step)
        if (auto d = s.due(t)) {
            out.push_back(dialogue::format_day(*d) + "@" + stamp(t));
            s.done(*d);
        }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(stockholm_local_times_become_the_right_instants) {
    exporting::time_zone z("Europe/Stockholm");
    // Winter (UTC+1) and summer (UTC+2).
    BOOST_TEST(stamp(z.instant(*dialogue::parse_day("2026-01-15"), hours(2))) == "2026-01-15T01:00Z");
    BOOST_TEST(stamp(z.instant(*dialogue::parse_day("2026-07-15"), hours(2))) == "2026-07-15T00:00Z");
    // 29 March 2026: 02:00 becomes 03:00, so 02:00 and 02:30 do not exist: they run at the jump.
    BOOST_TEST(stamp(z.instant(*dialogue::parse_day("2026-03-29"), hours(2))) == "2026-03-29T01:00Z");
    BOOST_TEST(stamp(z.instant(*dialogue::parse_day("2026-03-29"), minutes(150))) == "2026-03-29T01:30Z");
    BOOST_TEST(stamp(z.instant(*dialogue::parse_day("2026-03-29"), hours(3))) == "2026-03-29T01:00Z");
    // 25 October 2026: 03:00 becomes 02:00, so 02:30 happens twice: the first time counts.
    BOOST_TEST(stamp(z.instant(*dialogue::parse_day("2026-10-25"), minutes(150))) == "2026-10-25T00:30Z");
    BOOST_TEST(stamp(z.instant(*dialogue::parse_day("2026-10-25"), hours(2))) == "2026-10-25T00:00Z");
    // The local day turns at local midnight.
    BOOST_TEST(dialogue::format_day(z.local_day(utc("2026-07-14", 22, 30))) == "2026-07-15");
    BOOST_TEST(dialogue::format_day(z.local_day(utc("2026-01-14", 22, 30))) == "2026-01-14");
    BOOST_CHECK_THROW(exporting::time_zone("Europe/Atlantis"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_schedule_fires_once_per_day_across_the_spring_change) {
    exporting::nightly_schedule s(exporting::time_zone("Europe/Stockholm"), hours(2), dialogue::parse_day("2026-03-26"));
    auto got = fires(s, utc("2026-03-26", 12), utc("2026-04-01", 12), minutes(5));
    BOOST_TEST((got == std::vector<std::string>{"2026-03-27@2026-03-27T01:00Z", "2026-03-28@2026-03-28T01:00Z",
                                                "2026-03-29@2026-03-29T01:00Z", "2026-03-30@2026-03-30T00:00Z",
                                                "2026-03-31@2026-03-31T00:00Z", "2026-04-01@2026-04-01T00:00Z"}));
}

BOOST_AUTO_TEST_CASE(the_schedule_fires_once_per_day_across_the_autumn_change) {
    // 02:30 happens twice on 25 October; it must run once.
    exporting::nightly_schedule s(exporting::time_zone("Europe/Stockholm"), minutes(150), dialogue::parse_day("2026-10-22"));
    auto got = fires(s, utc("2026-10-22", 12), utc("2026-10-28", 12), minutes(1));
    BOOST_TEST((got == std::vector<std::string>{"2026-10-23@2026-10-23T00:30Z", "2026-10-24@2026-10-24T00:30Z",
                                                "2026-10-25@2026-10-25T00:30Z", "2026-10-26@2026-10-26T01:30Z",
                                                "2026-10-27@2026-10-27T01:30Z", "2026-10-28@2026-10-28T01:30Z"}));
    // next() names those instants ahead of time.
    exporting::nightly_schedule t(exporting::time_zone("Europe/Stockholm"), minutes(150), dialogue::parse_day("2026-10-24"));
    BOOST_TEST(stamp(t.next(utc("2026-10-24", 12))) == "2026-10-25T00:30Z");
    t.done(*dialogue::parse_day("2026-10-25"));
    BOOST_TEST(stamp(t.next(utc("2026-10-25", 1))) == "2026-10-26T01:30Z");
}

BOOST_AUTO_TEST_CASE(a_missed_night_runs_once_when_the_service_is_back) {
    exporting::nightly_schedule s(exporting::time_zone("Europe/Stockholm"), hours(2), dialogue::parse_day("2026-05-01"));
    // Down from the 1st to 09:00 on the 4th: one run, for the 4th, at once.
    auto got = fires(s, utc("2026-05-04", 7), utc("2026-05-04", 23), minutes(10));
    BOOST_TEST((got == std::vector<std::string>{"2026-05-04@2026-05-04T07:00Z"}));
}

BOOST_AUTO_TEST_CASE(the_nightly_run_exports_changed_dialogues_once_a_night) {
    export_fixture f;
    f.add_items(40);
    temp_dir out;
    instant_t now = utc("2026-03-27", 12);
    exporting::nightly_settings ns;
    ns.out_dir = out.path() / "internal";
    ns.public_dir = out.path() / "public";
    {
        exporting::nightly n(f.db(), ns, [&] { return now; });
        BOOST_TEST(n.tick());  // today's 02:00 has passed and nothing has run yet: it runs at once
        BOOST_TEST(!n.tick());
        BOOST_TEST(fs::exists(ns.out_dir / f.slug / "2026-03-27" / "manifest.json"));
        BOOST_TEST(fs::exists(*ns.public_dir / f.slug / "2026-03-27" / "manifest.json"));

        // Walk the clock over the spring change in 10-minute steps; add items on the 29th only.
        int runs = 0;
        for (now = utc("2026-03-27", 12); now < utc("2026-03-31", 6); now += minutes(10)) {
            if (now == utc("2026-03-29", 12)) f.add_items(5, 7);
            if (n.tick()) ++runs;
        }
        BOOST_TEST(runs == 4);  // the 28th, 29th, 30th and 31st, one each
        BOOST_TEST(n.runs() == 5u);
        // Only the nights after a change wrote a folder: the 30th (items added on the 29th, after its run).
        auto folders = exporting::export_folders(ns.out_dir / f.slug);
        std::vector<std::string> names;
        for (const auto& p : folders) names.push_back(p.filename().string());
        BOOST_TEST((names == std::vector<std::string>{"2026-03-30", "2026-03-27"}));
        BOOST_TEST(json::parse(read_text(ns.out_dir / f.slug / "2026-03-30" / "results.json"))["items"].size() == 45u);
    }
    // A restart the same day does not run again; the next night does.
    now = utc("2026-03-31", 9);
    exporting::nightly again(f.db(), ns, [&] { return now; });
    BOOST_REQUIRE(again.last_run());
    BOOST_TEST(dialogue::format_day(*again.last_run()) == "2026-03-31");
    BOOST_TEST(!again.tick());
    now = utc("2026-04-01", 0, 5);
    BOOST_TEST(again.tick());
}

BOOST_AUTO_TEST_CASE(the_thread_runs_on_its_own_and_stops_promptly) {
    export_fixture f;
    f.add_items(10);
    temp_dir out;
    exporting::nightly_settings ns;
    ns.out_dir = out.path();
    exporting::nightly n(f.db(), ns, [] { return utc("2026-06-01", 12); });
    n.start();
    for (int i = 0; i < 500 && n.runs() == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
    BOOST_TEST(n.runs() == 1u);
    auto started = steady_clock::now();
    n.stop();
    BOOST_TEST(duration_cast<milliseconds>(steady_clock::now() - started).count() < 2000);
    BOOST_TEST(fs::exists(out / f.slug / "2026-06-01" / "report.html"));
}
