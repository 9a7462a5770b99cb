#include "ingest/intake.hpp"

#include "ingest/clock.hpp"
#include "ingest/random.hpp"
#include "ingest/receipt.hpp"

#include <sodium.h>

#include <stdexcept>

namespace inspel::ingest {
namespace {

using json = nlohmann::json;

// Resets a cached statement when the step using it ends, however it ends.
struct in_use {
    explicit in_use(schema::statement& s) : st(s) { st.reset(); }
    ~in_use() { st.reset(); }
    schema::statement& st;
};

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

struct intake::statements {
    explicit statements(schema::connection& c)
        : owner(c.handle()),
          find_key(c.prepare("SELECT request_hash, response FROM idempotency_keys WHERE key = ?")),
          receipt_taken(c.prepare("SELECT 1 FROM submissions WHERE receipt = ?")),
          insert_item(c.prepare(
              "INSERT INTO submissions (receipt, kind, feedback_type, title, title_redacted, body, body_redacted, "
              "dialogue_id, area, language, consent_publish, contact_name, contact_email, contact_phone, answers, "
              "answers_redacted, personal_data, channel, status, received_at, updated_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, 'received', ?19, ?19)")),
          insert_outbox(c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) VALUES (?, ?)")),
          insert_key(c.prepare(
              "INSERT INTO idempotency_keys (key, request_hash, submission_id, response, created_at) VALUES (?, ?, ?, ?, ?)")),
          prune(c.prepare("DELETE FROM idempotency_keys WHERE created_at < ?")) {}

    sqlite3* owner;
    schema::statement find_key, receipt_taken, insert_item, insert_outbox, insert_key, prune;
};

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
    if (!statements_ || statements_->owner != c.handle()) statements_ = std::make_unique<statements>(c);
    statements& st = *statements_;
    auto now = std::chrono::system_clock::now();

    if (auto steady = std::chrono::steady_clock::now(); steady >= next_prune_) {
        in_use u(st.prune);
        st.prune.bind(1, iso_utc(now - key_retention)).run();
        next_prune_ = steady + std::chrono::hours(1);
    }

    if (key) {
        in_use u(st.find_key);
        st.find_key.bind(1, key->key);
        if (st.find_key.step()) {
            out.result = st.find_key.text(0) == key->request_hash ? outcome::status::replayed : outcome::status::key_reused;
            out.response = json::parse(st.find_key.text(1));
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
        in_use u(st.receipt_taken);
        if (!st.receipt_taken.bind(1, receipt).step()) break;
    }

    std::string received_at = iso_utc(now);
    std::int64_t id;
    {
        in_use u(st.insert_item);
        auto& s = st.insert_item;
        s.bind(1, receipt).bind(2, name_of(item.kind)).bind(3, item.feedback_type);
        s.bind(4, item.title).bind(5, item.title_redacted).bind(6, item.body).bind(7, item.body_redacted);
        s.bind(8, dialogue_id).bind(9, item.area).bind(10, item.language).bind(11, item.consent_publish ? 1 : 0);
        s.bind(12, item.contact_name).bind(13, item.contact_email).bind(14, item.contact_phone);
        if (item.answers) s.bind(15, item.answers->dump()).bind(16, item.answers_redacted->dump());
        else s.bind(15, nullptr).bind(16, nullptr);
        s.bind(17, personal_data_names(item.personal_data).dump());
        s.bind(18, item.channel == channel::form ? "form" : "api");
        s.bind(19, received_at);
        s.run();
        id = c.last_insert_rowid();
    }
    {
        in_use u(st.insert_outbox);
        st.insert_outbox.bind(1, id).bind(2, received_at).run();
    }
    // Triage (issue 7): decided here, in the same transaction, so the answer already knows the outcome.
    routing::item to_route{std::string(name_of(item.kind)), dialogue_id,
                           item.title_redacted.value_or("") + "\n" + item.body_redacted.value_or(""), item.area};
    routing::decision routed = routing::route_new(c, routing_.get(c, now), routing_.recent(), id, to_route, received_at);
    out.response = {{"id", id},
                    {"receipt", receipt},
                    {"status", "received"},
                    {"kind", name_of(item.kind)},
                    {"received_at", received_at},
                    {"routing", routing::resident_view(routing::to_string(routed.result), routed.explanation.dump())}};
    if (key) {
        in_use u(st.insert_key);
        st.insert_key.bind(1, key->key).bind(2, key->request_hash).bind(3, id).bind(4, out.response.dump()).bind(5, received_at);
        st.insert_key.run();
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
