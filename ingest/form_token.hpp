// The hidden token in every web form: when the form was shown, signed, so that a form sent back
// faster than a person can fill it in is recognised, and so that sending one form twice (a double
// click, a retry after a lost answer) stores one item: the token's nonce is the idempotency key.
//
// Token = base64url(version | issued_at (ms, big-endian, 8 bytes) | nonce (16 bytes) | MAC), the
// MAC being HMAC-SHA-512-256 (libsodium crypto_auth) over the rest and the form's kind, so a
// token from one form does not fit another. The key is random, kept in the database (`instance`
// table), so tokens survive a restart and every process serving the same data agrees.
//
// Bots. A filled honeypot, a missing or forged token, or a form sent sooner than form_min_fill
// after it was shown are answered with the form again and a clear message, everything typed still
// in place, and nothing stored. Not a fake success: a person who trips one (autofill, a very quick
// hand, a stale tab) can simply send again, and nobody's real input is silently dropped. A bot that
// learns from the message gains little: it must wait the fill time with a fresh token per item,
// and the per-client rate limit still applies.
#pragma once

#include "schema/database.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace inspel::ingest {

class form_signer {
public:
    using key_type = std::array<unsigned char, 32>;
    using clock = std::chrono::system_clock;

    explicit form_signer(const key_type& key) : key_(key) {}

    // The key from the database, created on first use.
    static key_type load_or_create_key(schema::database& db);

    std::string issue(std::string_view form_kind, clock::time_point now = clock::now()) const;

    enum class verdict { ok, invalid, too_fast, expired };
    struct checked {
        verdict result;
        std::string nonce;  // hex; the idempotency key of this form's submission (when ok or too_fast)
        clock::time_point issued_at;
    };
    checked check(std::string_view token, std::string_view form_kind, std::chrono::seconds min_fill,
                  clock::time_point now = clock::now()) const;

    // A form left open longer than this is shown again with a fresh token. Shorter than the two days
    // idempotency keys are kept, so a token's double submit is always recognised.
    static constexpr std::chrono::hours max_age{24};

private:
    key_type key_;
};

}  // namespace inspel::ingest
