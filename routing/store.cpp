#include "routing/store.hpp"

#include "accounts/audit.hpp"
#include "dialogue/process.hpp"
#include "dialogue/store/store.hpp"
#include "routing/duplicates.hpp"

#include <atomic>
#include <map>
#include <stdexcept>

namespace inspel::routing {
namespace {

using json = nlohmann::json;

// Bumped after every official's decision, so every writer's cache learns from it.
std::atomic<std::uint64_t> learned_generation{0};

std::string item_text_sql(std::string_view alias) {
    std::string a(alias);
    return "coalesce(" + a + ".title_redacted, '') || ' ' || coalesce(" + a + ".body_redacted, '')";
}

std::optional<std::int64_t> dialogue_id_of(schema::connection& c, std::string_view ref) {
    auto found = dialogue::store::find(c, ref);
    if (!found) return std::nullopt;
    return found->id;
}

}  // namespace

struct cache::state {
    std::string key;
    std::optional<router> value;
    recent_shingles recent{duplicate_window, duplicate_resemblance};
};

cache::cache() : state_(std::make_unique<state>()) {}
cache::~cache() = default;

const router& cache::get(schema::connection& c, std::chrono::system_clock::time_point now) {
    auto st = c.cached("SELECT count(*), coalesce(max(updated_at), '') FROM dialogues");
    st.step();
    std::string key = std::to_string(st.int64(0)) + "|" + st.text(1) + "|" +
                      dialogue::format_day(dialogue::store::swedish_day(now)) + "|" +
                      std::to_string(learned_generation.load());
    if (!state_->value || key != state_->key) {
        state_->value.emplace(load_profiles(c, now));
        state_->key = key;
    }
    return *state_->value;
}

recent_shingles& cache::recent() { return state_->recent; }

std::vector<dialogue_profile> load_profiles(schema::connection& c, std::chrono::system_clock::time_point now) {
    auto today = dialogue::store::swedish_day(now);
    std::vector<dialogue_profile> out;
    std::map<std::int64_t, std::size_t> index;
    for (auto& s : dialogue::store::list(c, dialogue::dialogue_state::execution)) {
        index[s.id] = out.size();
        out.push_back(profile_of(s.id, s.record, dialogue::accepts_input(s.record, today).accepted()));
    }
    // The latest official decision of each item: confirmed in a dialogue teaches that dialogue's
    // profile; judged anything else while sent to a dialogue teaches that dialogue's negative one.
    auto st = c.prepare(R"(
        SELECT r.outcome, r.dialogue_id, s.dialogue_id, )" + item_text_sql("s") + R"(
        FROM routing_decisions r JOIN submissions s ON s.id = r.submission_id
        WHERE r.decided_by <> 'machine' AND s.kind <> 'panel_response'
          AND r.id = (SELECT max(id) FROM routing_decisions WHERE submission_id = r.submission_id)
        ORDER BY r.id DESC LIMIT ?)");
    st.bind(1, learned_window);
    while (st.step()) {
        std::string outcome = st.text(0), text = st.text(3);
        if (outcome == "in_purpose" && !st.is_null(1)) {
            if (auto i = index.find(st.int64(1)); i != index.end()) out[i->second].confirmed.push_back(text);
        } else if (outcome != "needs_review" && !st.is_null(2)) {
            if (auto i = index.find(st.int64(2)); i != index.end()) out[i->second].rejected.push_back(text);
        }
    }
    return out;
}

new_route route_new(schema::connection& c, const router& r, recent_shingles& recent, const item& it) {
    new_route out{r.decide(it), std::nullopt, {}, {}};

    // Near-duplicates among the recent items of the same dialogue (or of none). The writer keeps
    // their shingles; the first item of a group after a start reads them from the database.
    if (it.kind != "panel_response") {
        if (!recent.knows(it.dialogue)) {
            recent.start(it.dialogue);
            auto st = c.prepare("SELECT id, " + item_text_sql("s") + " FROM (SELECT * FROM submissions s WHERE "
                                "s.dialogue_id IS ?1 AND s.kind <> 'panel_response' ORDER BY s.id DESC LIMIT ?2) s ORDER BY id");
            st.bind(1, it.dialogue).bind(2, duplicate_window);
            while (st.step()) recent.add(it.dialogue, st.int64(0), shingles(st.text(1)));
        }
        out.shingles = shingles(it.text);
        // Candidates are confirmed against the stored text: the memory may hold an item whose
        // transaction rolled back, or whose text an official has since anonymised.
        auto check = c.cached("SELECT " + item_text_sql("s") + " FROM submissions s WHERE s.id = ? AND s.dialogue_id IS ?");
        for (auto id : recent.resembling(it.dialogue, out.shingles)) {
            check.reset();
            check.bind(1, id).bind(2, it.dialogue);
            if (check.step() && resemblance(out.shingles, shingles(check.text(0))) >= duplicate_resemblance) {
                out.duplicate_of = id;
                break;
            }
        }
    }
    if (out.duplicate_of) {
        // Link to the first of a chain, so a campaign is one group, not a ladder.
        auto root = c.cached("SELECT coalesce(duplicate_of, id) FROM submissions WHERE id = ?");
        root.bind(1, *out.duplicate_of);
        if (root.step()) out.duplicate_of = root.int64(0);
        out.d.explanation["duplicate_of"] = *out.duplicate_of;
    }
    out.explanation = out.d.explanation.dump();
    return out;
}

void record_new(schema::connection& c, recent_shingles& recent, std::int64_t submission_id, const item& it,
                new_route route, const std::string& at) {
    const decision& d = route.d;
    c.cached("INSERT INTO routing_decisions (submission_id, outcome, dialogue_id, action, score, explanation, decided_by, "
             "decided_at) VALUES (?, ?, ?, ?, ?, ?, 'machine', ?)")
        .bind(1, submission_id).bind(2, to_string(d.result)).bind(3, d.dialogue).bind(4, d.action).bind(5, d.score)
        .bind(6, route.explanation).bind(7, at)
        .run();
    if (it.kind != "panel_response") recent.add(it.dialogue, submission_id, std::move(route.shingles));
}

json resident_view(std::string_view outcome, const std::optional<std::string>& explanation_json) {
    if (outcome != "outside_purpose" || !explanation_json) return nullptr;
    json e = json::parse(*explanation_json, nullptr, false);
    if (!e.is_object()) return nullptr;
    return {{"outcome", outcome},
            {"action", e.value("action", "keep")},
            {"department", e.contains("department") ? e["department"] : json(nullptr)},
            {"notice", e.contains("notice") ? e["notice"] : json(nullptr)}};
}

override_result apply_override(schema::connection& c, std::int64_t submission_id, const override_request& r) {
    auto bad = [](std::string field, std::string message) {
        return override_result{override_result::status::invalid, std::move(field), std::move(message)};
    };
    auto wanted = outcome_from(r.outcome);
    if (!wanted) return bad("outcome", "outcome must be in_purpose, outside_purpose, needs_review or no_dialogue");
    if (r.reason && r.reason->size() > 2000) return bad("reason", "reason is longer than 2000 bytes");

    auto cur = c.prepare("SELECT kind, dialogue_id, routing_outcome, routing_dialogue_id FROM submissions WHERE id = ?");
    cur.bind(1, submission_id);
    if (!cur.step()) return {override_result::status::not_found, {}, {}};
    std::string kind = cur.text(0);
    std::optional<std::int64_t> sent_to = cur.is_null(1) ? std::nullopt : std::optional(cur.int64(1));
    std::optional<std::string> previous = cur.optional_text(2);
    std::optional<std::int64_t> routed_to = cur.is_null(3) ? std::nullopt : std::optional(cur.int64(3));

    std::optional<std::int64_t> target;
    if (r.dialogue && !r.dialogue->empty()) {
        target = dialogue_id_of(c, *r.dialogue);
        if (!target) return bad("dialogue", "no dialogue has this id or slug");
    } else {
        target = sent_to ? sent_to : routed_to;
    }

    decision d;
    d.result = *wanted;
    d.dialogue = target;
    json expl = {{"version", version},
                 {"decided_by", r.actor},
                 {"rule", previous == r.outcome && routed_to == target ? "official_confirmation" : "official_override"},
                 {"previous", previous ? json(*previous) : json(nullptr)},
                 {"terms", json::array()}};
    switch (*wanted) {
    case outcome::in_purpose:
        if (!target) return bad("dialogue", "in_purpose needs the dialogue the item belongs to");
        break;
    case outcome::outside_purpose: {
        if (!target) return bad("dialogue", "outside_purpose needs the dialogue whose rule applies");
        auto found = dialogue::store::find(c, std::to_string(*target));
        if (!found) return bad("dialogue", "no dialogue has this id or slug");
        apply_outside_rule(profile_of(found->id, found->record, true), d);
        expl["action"] = *d.action;
        if (d.department) expl["department"] = *d.department;
        if (d.notice) expl["notice"] = *d.notice;
        break;
    }
    case outcome::no_dialogue:
        d.action = std::string(kind_handling(kind));
        break;
    case outcome::needs_review:
        break;
    }

    std::string e = expl.dump();
    auto up = c.prepare(
        "UPDATE submissions SET routing_outcome = ?, routing_dialogue_id = ?, routing_action = ?, routing_score = NULL, "
        "routing_explanation = ?, updated_at = ? WHERE id = ?");
    up.bind(1, r.outcome).bind(2, d.dialogue).bind(3, d.action).bind(4, e).bind(5, r.at).bind(6, submission_id).run();
    auto ins = c.prepare(
        "INSERT INTO routing_decisions (submission_id, outcome, dialogue_id, action, score, explanation, decided_by, "
        "reason, decided_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)");
    ins.bind(1, submission_id).bind(2, r.outcome).bind(3, d.dialogue).bind(4, d.action).bind(5, e).bind(6, r.actor);
    ins.bind(7, r.reason).bind(8, r.at).run();
    c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, ?)").bind(1, submission_id).bind(2, r.at).run();
    accounts::append_audit(c, {r.actor, "submission.routing", "submission", std::to_string(submission_id),
                               {{"outcome", r.outcome},
                                {"previous", previous ? json(*previous) : json(nullptr)},
                                {"dialogue_id", d.dialogue ? json(*d.dialogue) : json(nullptr)},
                                {"action", d.action ? json(*d.action) : json(nullptr)},
                                {"reason", r.reason ? json(*r.reason) : json(nullptr)}},
                               r.client_address});
    // The commit may still fail; a needless rebuild of the cache is harmless, a stale one is not.
    ++learned_generation;
    return {};
}

std::vector<review_entry> review_queue(schema::connection& c, int limit) {
    auto st = c.prepare(R"(
        SELECT s.id, s.kind, s.received_at, coalesce(s.title_redacted, ''), substr(coalesce(s.body_redacted, ''), 1, 300),
               d.slug, d.title, s.routing_score, s.routing_explanation
        FROM submissions s LEFT JOIN dialogues d ON d.id = s.routing_dialogue_id
        WHERE s.routing_outcome = 'needs_review' ORDER BY s.received_at, s.id LIMIT ?)");
    st.bind(1, limit);
    std::vector<review_entry> out;
    while (st.step()) {
        review_entry e;
        e.id = st.int64(0);
        e.kind = st.text(1);
        e.received_at = st.text(2);
        e.title = st.text(3);
        e.excerpt = st.text(4);
        e.dialogue_slug = st.optional_text(5);
        e.dialogue_title = st.optional_text(6);
        if (!st.is_null(7)) e.score = st.real(7);
        if (auto ex = st.optional_text(8)) {
            json j = json::parse(*ex, nullptr, false);
            if (j.is_object() && j["terms"].is_array())
                for (const auto& t : j["terms"])
                    if (t.is_string()) e.terms.push_back(t);
        }
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace inspel::routing
