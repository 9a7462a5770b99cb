#define BOOST_TEST_MODULE workspace_unit
// The workspace's pure parts: the status machine, Swedish working days, tag names, phone numbers,
// the answer mail and the retry schedule.
#include "workspace/calendar.hpp"
#include "workspace/mail.hpp"
#include "workspace/personal_data.hpp"
#include "workspace/tags.hpp"
#include "workspace/workflow.hpp"

#include <boost/test/unit_test.hpp>

using namespace inspel::workspace;
using namespace std::chrono;

namespace {
date d(int y, unsigned m, unsigned day_) { return year{y} / month{m} / day{day_}; }
}  // namespace

BOOST_AUTO_TEST_CASE(the_status_machine) {
    using S = status;
    struct row {
        S from, to;
        const char* reason;
        bool allowed;
    };
    const row rows[] = {
        {S::received, S::in_progress, "", true},   {S::received, S::closed, "", true},
        {S::received, S::rejected, "", false},     {S::received, S::rejected, "Inte kommunens sak", true},
        {S::in_progress, S::answered, "", false},  {S::in_progress, S::received, "", false},
        {S::answered, S::closed, "", true},        {S::answered, S::in_progress, "", true},
        {S::answered, S::rejected, "skäl", false}, {S::closed, S::in_progress, "", true},
        {S::rejected, S::closed, "", false},       {S::rejected, S::in_progress, "", true},
        {S::in_progress, S::rejected, "   ", false},
    };
    for (const auto& r : rows)
        BOOST_TEST_CONTEXT(to_string(r.from) << " -> " << to_string(r.to)) {
            BOOST_TEST(!check_status_change(r.from, r.to, r.reason).has_value() == r.allowed);
        }
    BOOST_TEST(check_status_change(S::received, S::rejected, "")->field == "reason");
    BOOST_TEST(check_answer(S::closed).has_value());
    BOOST_TEST(!check_answer(S::answered).has_value());
    for (auto s : all_statuses()) BOOST_TEST((parse_status(to_string(s)) == s));
    BOOST_TEST(!parse_status("done").has_value());
    auto next = next_statuses(S::received);
    BOOST_TEST((std::find(next.begin(), next.end(), S::answered) == next.end()));
    BOOST_TEST((std::find(next.begin(), next.end(), S::rejected) != next.end()));
}

BOOST_AUTO_TEST_CASE(swedish_working_days) {
    // 2026: Easter Sunday 5 April, so Good Friday 3 April, Easter Monday 6 April, Ascension 14 May.
    for (auto h : {d(2026, 1, 1), d(2026, 1, 6), d(2026, 4, 3), d(2026, 4, 6), d(2026, 5, 1), d(2026, 5, 14),
                   d(2026, 6, 6), d(2026, 6, 19), d(2026, 6, 20), d(2026, 10, 31), d(2026, 12, 24), d(2026, 12, 25),
                   d(2026, 12, 26), d(2026, 12, 31)})
        BOOST_TEST_CONTEXT(format(h)) { BOOST_TEST(is_public_holiday(h)); }
    for (auto w : {d(2026, 4, 2), d(2026, 4, 7), d(2026, 6, 18), d(2026, 6, 22), d(2026, 11, 2)})
        BOOST_TEST_CONTEXT(format(w)) { BOOST_TEST(is_working_day(w)); }
    BOOST_TEST(!is_working_day(d(2026, 5, 16)));  // a Saturday
    // Received on Thursday 2 April 2026: Good Friday and Easter Monday do not count.
    BOOST_TEST(format(add_working_days(d(2026, 4, 2), 2)) == "2026-04-08");
    // Received on a Friday: two working days is the Tuesday.
    BOOST_TEST(format(add_working_days(d(2026, 5, 8), 2)) == "2026-05-12");
    BOOST_TEST(format(add_working_days(d(2026, 5, 8), 0)) == "2026-05-08");
    // 22:30 UTC on 12 May is already 13 May in Sweden (summer time, UTC+2).
    BOOST_TEST(format(*swedish_day_of("2026-05-12T22:30:00.000Z")) == "2026-05-13");
    BOOST_TEST(!swedish_day_of("yesterday").has_value());
}

BOOST_AUTO_TEST_CASE(tag_names) {
    BOOST_TEST(std::get<std::string>(normalise_tag("  Cykel   bana ")) == "Cykel bana");
    BOOST_TEST(std::holds_alternative<problem>(normalise_tag("   ")));
    BOOST_TEST(std::holds_alternative<problem>(normalise_tag("a\nb")));
    BOOST_TEST(std::holds_alternative<problem>(normalise_tag(std::string(61, 'x'))));
    auto ch = std::get<tag_change>(parse_tag_change(nlohmann::json{"Trafik", "trafik", "Skola"}, nullptr));
    BOOST_TEST(ch.add.size() == 2u);  // one name, whatever its case
    BOOST_TEST(std::holds_alternative<problem>(parse_tag_change(nlohmann::json{"a"}, nlohmann::json{"A"})));
    BOOST_TEST(std::holds_alternative<problem>(parse_tag_change(nlohmann::json("a"), nullptr)));
}

BOOST_AUTO_TEST_CASE(phone_numbers_compare_by_their_digits) {
    for (auto typed : {"070-123 45 67", "+46 70 123 45 67", "0046701234567", "+46 (0)70 123 45 67", "0701234567"})
        BOOST_TEST_CONTEXT(typed) { BOOST_TEST(normalise_phone(typed) == "0701234567"); }
    BOOST_TEST(normalise_phone("+47 22 33 44 55") == "+4722334455");
    BOOST_TEST(std::holds_alternative<problem>(person_from(std::nullopt, std::string("12"))));
    BOOST_TEST((std::get<person>(person_from(std::string(" Anna@Example.SE "), std::nullopt)).email == "anna@example.se"));
    BOOST_TEST(std::holds_alternative<problem>(person_from(std::string("a@b.se"), std::string("0701234567"))));
    // The audit key is a hash, never the address.
    auto p = std::get<person>(person_from(std::string("anna@example.se"), std::nullopt));
    BOOST_TEST(p.ref().find("anna") == std::string::npos);
    BOOST_TEST(p.ref().rfind("email:", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(the_answer_mail) {
    auto m = answer_mail("K7QM-3XHD-9TRA-PV2W", "sv", "Tack, vi lagar lampan.", "https://inspel.example.se");
    BOOST_TEST(m.subject == "Svar på ditt ärende K7QM-3XHD-9TRA-PV2W");
    BOOST_TEST(m.body.find("Tack, vi lagar lampan.") != std::string::npos);
    BOOST_TEST(m.body.find("https://inspel.example.se/receipts/K7QM-3XHD-9TRA-PV2W") != std::string::npos);
    BOOST_TEST(answer_mail("X", "en", "Thanks", "http://x").subject == "Answer to your submission X");
    auto text = format_message({"inspel@kommun.se", "anna@example.se", m.subject, m.body, "a-1@kommun.se"},
                               system_clock::time_point{});
    BOOST_TEST(text.find("Subject: =?UTF-8?B?") != std::string::npos);  // å needs encoding
    BOOST_TEST(text.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n") != std::string::npos);
    BOOST_TEST(text.find("Content-Transfer-Encoding: base64\r\n") != std::string::npos);
    BOOST_TEST(text.find("Auto-Submitted: auto-generated\r\n\r\n") != std::string::npos);  // then the body
    BOOST_TEST(text.find("Tack") == std::string::npos);  // the body is encoded
}

BOOST_AUTO_TEST_CASE(retries_back_off_to_a_ceiling) {
    BOOST_TEST(retry_delay(1, seconds(30), hours(1)).count() == 30'000);
    BOOST_TEST(retry_delay(2, seconds(30), hours(1)).count() == 60'000);
    BOOST_TEST(retry_delay(4, seconds(30), hours(1)).count() == 240'000);
    BOOST_TEST(retry_delay(50, seconds(30), hours(1)).count() == 3'600'000);
}
