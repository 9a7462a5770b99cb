// A token bucket per client, so that one address cannot flood intake while everyone else is
// served. Each client's bucket holds up to `burst` tokens and refills at `per_minute` / 60 a
// second; a submission takes one token, and without one the answer is 429 with Retry-After.
//
// In memory only: a restart forgives everyone, which is fine for a limit meant to slow floods,
// not to count. The table is split into shards, each behind its own mutex, so I/O threads rarely
// wait on each other, and it is bounded: a shard that fills up first forgets clients whose bucket
// has refilled (they carry no information), then the longest idle. Memory stays bounded however
// many addresses an attacker rotates through. IPv6 clients are counted per /64, since one host
// commonly holds a whole /64.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace inspel::ingest {

class rate_limiter {
public:
    using clock = std::chrono::steady_clock;

    // per_minute == 0 turns the limit off.
    rate_limiter(double per_minute, double burst, std::size_t max_clients = 100'000);

    struct decision {
        bool allowed;
        std::chrono::seconds retry_after;  // when not allowed: until one token is back (at least 1s)
    };
    decision take(std::string_view client_address, clock::time_point now = clock::now());

    bool enabled() const { return per_second_ > 0; }
    std::size_t clients() const;

    // The key a client is counted under: the address, or its /64 for IPv6.
    static std::string key_of(std::string_view address);

private:
    struct bucket {
        double tokens;
        clock::time_point last;
    };
    struct shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, bucket> buckets;
    };
    static constexpr std::size_t shard_count = 16;

    void make_room(shard& s, clock::time_point now);

    double per_second_;
    double burst_;
    std::size_t max_per_shard_;
    std::array<shard, shard_count> shards_;
};

}  // namespace inspel::ingest
