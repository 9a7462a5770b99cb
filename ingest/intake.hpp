// Resident intake: from a parsed request to a committed item with a receipt.
//
// Design
// ------
// A submission travels in two halves. The first is pure computation and runs on the I/O thread
// that read the request: parse (submission.hpp), check every field, normalise text to NFC, find
// personal data and make redacted copies (personal_data.hpp). Nothing in it waits for anything.
// The second half is one write_job for the database's single writer (schema/database.hpp):
// inside the writer's group transaction it looks up the idempotency key, asks whether the named
// dialogue takes input now (dialogue_gate.hpp: in the same transaction, so the answer holds for
// the item it admits), draws a receipt code, and inserts the item, its search-outbox row and its
// idempotency record together. The caller is completed from the writer thread only after the
// group COMMIT returned, which is what makes "201 Created" mean "on disk": many concurrent
// submissions share one transaction and one fsync, and no I/O thread ever waits for the disk.
//
// Idempotency. A key names one logical request: the API's Idempotency-Key header, or a web form's
// token nonce (form_token.hpp). The first successful answer is stored with a hash of the request
// body; a repeat with the same body gets that answer again (same receipt, nothing stored), a
// repeat with another body is refused. Refusals (invalid input, a closed dialogue) store nothing,
// so a corrected retry with the same key goes through. Keys are kept two days.
//
// Personal data. The original text and the contact fields are stored for officials; the redacted
// copies are what search (via the outbox), logs and public exports use. Nothing here logs input.
//
// The rate limit (rate_limit.hpp) and bot checks (form_token.hpp) sit in front, in the server.
#pragma once

#include "ingest/dialogue_gate.hpp"
#include "ingest/submission.hpp"
#include "routing/store.hpp"
#include "schema/database.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace inspel::ingest {

struct idempotency {
    std::string key;           // "api:<Idempotency-Key>" or "form:<token nonce>"
    std::string request_hash;  // request_hash() of the request body
};

// A BLAKE2b-256 digest of a request body, hex.
std::string request_hash(std::string_view body);

struct outcome {
    enum class status {
        created,     // stored now; response holds id, receipt, status, kind, received_at
        replayed,    // the key was used before with the same body; response is that first answer
        key_reused,  // the key was used before with another body; response is that first answer
        refused,     // the dialogue does not take it; refusals say why; nothing stored
        failed,      // the database failed; error holds why; nothing stored
    };
    status result = status::failed;
    nlohmann::json response;
    std::vector<field_error> refusals;
    std::exception_ptr error;
};

// What a resident may see about an item, given its receipt: no personal data.
struct receipt_status {
    std::string receipt;
    ingest::kind kind;
    std::string status, received_at, updated_at;
    std::optional<std::string> answer, answered_at;
    std::optional<std::string> dialogue_slug, dialogue_title;
    // Triage (issue 7): what became of an item outside its dialogue's purpose (action, notice), or null.
    nlohmann::json routing = nullptr;

    nlohmann::json to_json() const;
};

class intake {
public:
    explicit intake(schema::database& db);
    ~intake();
    intake(const intake&) = delete;
    intake& operator=(const intake&) = delete;

    // Hands `item` to the writer. `done` runs exactly once, on the writer thread, after the commit
    // (or the failure): it must be quick, e.g. pass the answer to the connection's executor.
    void submit(submission item, std::optional<idempotency> key, std::function<void(outcome)> done);

    // Reads; call from a worker thread, never an I/O thread. `receipt` must be canonical.
    std::optional<receipt_status> find_receipt(const std::string& receipt);
    std::vector<dialogue_info> open_dialogues();
    std::optional<dialogue_info> find_dialogue(std::string_view ref);

    // How long idempotency keys are kept.
    static constexpr std::chrono::hours key_retention{48};

private:
    void store(schema::connection& c, const submission& item, const std::optional<idempotency>& key, outcome& out);

    schema::database& db_;
    // Triage (issue 7): every new item is routed in the transaction that stores it.
    routing::cache routing_;
    std::chrono::steady_clock::time_point next_prune_{};
};

}  // namespace inspel::ingest
