// Residents' intake over HTTP: the JSON API (POST /api/v1/submissions, GET /api/v1/receipts/{r}),
// the web forms (GET / , GET and POST /forms/{kind}) and the receipt pages (/receipts...).
// Handlers translate HTTP to ingest/ and back; the rules live in ingest/.
#pragma once

#include "config/config.hpp"
#include "ingest/form_token.hpp"
#include "ingest/intake.hpp"
#include "ingest/rate_limit.hpp"
#include "schema/database.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"

#include <atomic>
#include <memory>

namespace inspel::server::handlers {

// What the intake routes share for the life of the service.
struct intake_area {
    intake_area(schema::database& db, const config::settings& settings);

    const config::settings& settings;
    ingest::intake intake;
    ingest::rate_limiter limiter;
    ingest::form_signer signer;

    std::atomic<std::uint64_t> created{0};       // items stored
    std::atomic<std::uint64_t> refused{0};       // invalid input, closed dialogues: nothing stored
    std::atomic<std::uint64_t> rate_limited{0};  // answered 429
    std::atomic<std::uint64_t> bot_checks{0};    // forms stopped by the honeypot, token or fill time
};

std::unique_ptr<intake_area> add_intake_routes(router& r, schema::database& db, const config::settings& settings,
                                               metrics& stats);

}  // namespace inspel::server::handlers
