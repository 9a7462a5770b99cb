#include "ingest/intake.hpp"

#include "ingest/clock.hpp"
#include "ingest/random.hpp"
#include "ingest/receipt.hpp"

#include <sodium.h>

#include <stdexcept>

namespace inspel::ingest {
namespace {

using json = nlohmann::json;

json personal_data_names(const std::vector<personal_data_kind>& kinds) {
    json out = json::array();
    for (auto k : kinds) out.push_back(name_of(k));
    return out;
}

}  // namespace

std::string request_hash(std::string_view body) {
    ensure_sodium();
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(body.data()), body.size(), nullptr, 0);
    char hex[2 * crypto_generichash_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

json receipt_status::to_json() const {
    json j = {{"receipt", receipt},        {"kind", name_of(kind)},      {"status", status},
              {"received_at", received_at}, {"updated_at", updated_at}, {"answer", nullptr},
              {"dialogue", nullptr}};
    if (answer) j["answer"] = {{"text", *answer}, {"answered_at", answered_at ? json(*answered_at) : json(nullptr)}};
    if (dialogue_slug) j["dialogue"] = {{"slug", *dialogue_slug}, {"title", dialogue_title.value_or("")}};
    j["routing"] = routing;
    return j;
}

intake::intake(schema::database& db) : db_(db) { ensure_sodium(); }

intake::~intake() = default;

void intake::submit(submission item, std::optional<idempotency> key, std::function<void(outcome)> done) {
    auto result = std::make_shared<outcome>();
    auto shared_item = std::make_shared<const submission>(std::move(item));
    db_.write({[this, shared_item, key = std::move(key), result](schema::connection& c) {
                   store(c, *shared_item, key, *result);
               },
               [result, done = std::move(done)](std::exception_ptr e) {
                   if (e) {
                       // The savepoint or the whole group was rolled back: whatever apply decided is void.
                       result->result = outcome::status::failed;
                       result->error = e;
                       result->response = nullptr;
                   }
                   done(std::move(*result));
               }});
}

void intake::store(schema::connection& c, const submission& item, const std::optional<idempotency>& key, outcome& out) {
    auto now = std::chrono::system_clock::now();

    if (auto steady = std::chrono::steady_clock::now(); steady >= next_prune_) {
        c.cached("DELETE FROM idempotency_keys WHERE created_at < ?").bind(1, iso_utc(now - key_retention)).run();
        next_prune_ = steady + std::chrono::hours(1);
    }

    if (key) {
        auto found = c.cached("SELECT request_hash, response FROM idempotency_keys WHERE key = ?");
        found.bind(1, key->key);
        if (found.step()) {
            out.result = found.text(0) == key->request_hash ? outcome::status::replayed : outcome::status::key_reused;
            out.response = json::parse(found.text(1));
            return;
        }
    }

    std::optional<std::int64_t> dialogue_id;
    if (item.dialogue) {
        admission a = admit(c, *item.dialogue, item.kind, item.answers, now);
        if (!a.refusals.empty()) {
            out.result = outcome::status::refused;
            out.refusals = std::move(a.refusals);
            return;
        }
        dialogue_id = a.dialogue_id;
    }

    // 80 random bits make a collision all but impossible; checking costs one index probe.
    std::string receipt;
    for (int attempt = 0;; ++attempt) {
        if (attempt == 8) throw std::runtime_error("could not draw an unused receipt code");
        receipt = new_receipt();
        if (!c.cached("SELECT 1 FROM submissions WHERE receipt = ?").bind(1, receipt).step()) break;
    }

    std::string received_at = iso_utc(now);
    // Triage (issue 7): decided here, in the same transaction, so the answer already knows the outcome.
    routing::item to_route{std::string(name_of(item.kind)), dialogue_id,
                           item.title_redacted.value_or("") + "\n" + item.body_redacted.value_or(""), item.area};
    routing::new_route route = routing::route_new(c, routing_.get(c, now), routing_.recent(), to_route);
    const routing::decision& d = route.d;
    auto insert = c.cached(
        "INSERT INTO submissions (receipt, kind, feedback_type, title, title_redacted, body, body_redacted, "
        "dialogue_id, area, language, consent_publish, contact_name, contact_email, contact_phone, answers, "
        "answers_redacted, personal_data, channel, status, received_at, updated_at, routing_outcome, "
        "routing_dialogue_id, routing_action, routing_score, routing_explanation, duplicate_of) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, 'received', ?19, ?19, "
        "?20, ?21, ?22, ?23, ?24, ?25)");
    insert.bind(1, receipt).bind(2, name_of(item.kind)).bind(3, item.feedback_type);
    insert.bind(4, item.title).bind(5, item.title_redacted).bind(6, item.body).bind(7, item.body_redacted);
    insert.bind(8, dialogue_id).bind(9, item.area).bind(10, item.language).bind(11, item.consent_publish ? 1 : 0);
    insert.bind(12, item.contact_name).bind(13, item.contact_email).bind(14, item.contact_phone);
    if (item.answers) insert.bind(15, item.answers->dump()).bind(16, item.answers_redacted->dump());
    insert.bind(17, personal_data_names(item.personal_data).dump());
    insert.bind(18, item.channel == channel::form ? "form" : "api");
    insert.bind(19, received_at);
    insert.bind(20, routing::to_string(d.result)).bind(21, d.dialogue).bind(22, d.action).bind(23, d.score);
    insert.bind(24, route.explanation).bind(25, route.duplicate_of);
    insert.run();
    std::int64_t id = c.last_insert_rowid();
    c.cached("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, ?)").bind(1, id).bind(2, received_at).run();
    out.response = {{"id", id},
                    {"receipt", receipt},
                    {"status", "received"},
                    {"kind", name_of(item.kind)},
                    {"received_at", received_at},
                    {"routing", routing::resident_view(routing::to_string(d.result), route.explanation)}};
    routing::record_new(c, routing_.recent(), id, to_route, std::move(route), received_at);
    if (key) {
        c.cached("INSERT INTO idempotency_keys (key, request_hash, submission_id, response, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(1, key->key).bind(2, key->request_hash).bind(3, id).bind(4, out.response.dump()).bind(5, received_at)
            .run();
    }
    out.result = outcome::status::created;
}

std::optional<receipt_status> intake::find_receipt(const std::string& receipt) {
    return db_.read([&](schema::connection& c) -> std::optional<receipt_status> {
        auto st = c.prepare(
            "SELECT s.receipt, s.kind, s.status, s.received_at, s.updated_at, s.answer, s.answered_at, d.slug, d.title, "
            "coalesce(s.routing_outcome, ''), s.routing_explanation FROM submissions s LEFT JOIN dialogues d ON d.id = s.dialogue_id WHERE s.receipt = ?");
        st.bind(1, receipt);
        if (!st.step()) return std::nullopt;
        auto k = kind_from(st.text(1));
        if (!k) throw std::runtime_error("a stored submission has an unknown kind");
        receipt_status r{st.text(0),          *k,                    st.text(2),          st.text(3),
                         st.text(4),          st.optional_text(5), st.optional_text(6), st.optional_text(7),
                         st.optional_text(8)};
        r.routing = routing::resident_view(st.text(9), st.optional_text(10));
        return r;
    });
}

std::vector<dialogue_info> intake::open_dialogues() {
    return db_.read([](schema::connection& c) { return ingest::open_dialogues(c, std::chrono::system_clock::now()); });
}

std::optional<dialogue_info> intake::find_dialogue(std::string_view ref) {
    return db_.read([&](schema::connection& c) { return ingest::find_dialogue(c, ref); });
}

}  // namespace inspel::ingest
