#include "workspace/deadlines.hpp"

#include "ingest/clock.hpp"
#include "workspace/calendar.hpp"

#include <algorithm>

namespace inspel::workspace {

std::vector<overdue_item> overdue(schema::connection& c, const deadline_rules& rules,
                                  std::chrono::system_clock::time_point now) {
    using namespace std::chrono;
    date today = swedish_today(now);
    // N working days are at least N calendar days, so nothing younger than the shortest deadline
    // can be overdue: the SQL skips those rows.
    int shortest = 0;
    bool any = false;
    for (const auto* m : {&rules.acknowledge_days, &rules.answer_days})
        for (const auto& [kind, n] : *m)
            if (n > 0) {
                shortest = any ? std::min(shortest, n) : n;
                any = true;
            }
    std::vector<overdue_item> out;
    if (!any) return out;
    auto st = c.prepare(R"(
        SELECT id, kind, status, received_at, coalesce(title_redacted, ''), assignee
        FROM submissions
        WHERE status IN ('received', 'in_progress') AND received_at < ?
        ORDER BY received_at, id)");
    st.bind(1, ingest::iso_utc(now - days(shortest)));
    std::map<std::pair<std::string, int>, date> due_cache;  // (received day, days) -> due day
    auto due_for = [&](date received, int n) {
        auto key = std::make_pair(format(received), n);
        auto it = due_cache.find(key);
        if (it == due_cache.end()) it = due_cache.emplace(key, add_working_days(received, n)).first;
        return it->second;
    };
    auto rule = [](const std::map<std::string, int>& m, const std::string& kind) {
        auto it = m.find(kind);
        return it == m.end() ? 0 : it->second;
    };
    while (st.step()) {
        std::string kind = st.text(1), status = st.text(2);
        auto received = swedish_day_of(st.text(3));
        if (!received) continue;
        overdue_item item{st.int64(0), kind, status, st.text(3), st.text(4), "", "", st.optional_text(5)};
        if (int n = rule(rules.answer_days, kind); n > 0 && sys_days(today) > sys_days(due_for(*received, n))) {
            item.deadline = "answer";
            item.due = format(due_for(*received, n));
        } else if (int a = rule(rules.acknowledge_days, kind);
                   a > 0 && status == "received" && sys_days(today) > sys_days(due_for(*received, a))) {
            item.deadline = "acknowledge";
            item.due = format(due_for(*received, a));
        } else {
            continue;
        }
        out.push_back(std::move(item));
    }
    std::stable_sort(out.begin(), out.end(), [](const overdue_item& a, const overdue_item& b) { return a.due < b.due; });
    return out;
}

std::map<std::string, double> overdue_by_kind(schema::connection& c, const deadline_rules& rules,
                                              std::chrono::system_clock::time_point now) {
    std::map<std::string, double> counts = {{"proposal", 0}, {"feedback", 0}, {"panel_response", 0}, {"public_question", 0}};
    for (const auto& item : overdue(c, rules, now)) counts[item.kind] += 1;
    return counts;
}

}  // namespace inspel::workspace
