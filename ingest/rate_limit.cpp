#include "ingest/rate_limit.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace inspel::ingest {

rate_limiter::rate_limiter(double per_minute, double burst, std::size_t max_clients)
    : per_second_(per_minute / 60.0),
      burst_(std::max(1.0, burst)),
      max_per_shard_(std::max<std::size_t>(1, max_clients / shard_count)) {}

std::string rate_limiter::key_of(std::string_view address) {
    if (address.find(':') == std::string_view::npos) return std::string(address);
    in6_addr a{};
    std::string text(address);
    if (inet_pton(AF_INET6, text.c_str(), &a) != 1) return text;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
        char v4[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &a.s6_addr[12], v4, sizeof v4);
        return v4;
    }
    std::fill(std::begin(a.s6_addr) + 8, std::end(a.s6_addr), 0);
    char out[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, out, sizeof out);
    return std::string(out) + "/64";
}

rate_limiter::decision rate_limiter::take(std::string_view client_address, clock::time_point now) {
    if (!enabled()) return {true, std::chrono::seconds(0)};
    std::string key = key_of(client_address);
    shard& s = shards_[std::hash<std::string>{}(key) % shard_count];
    std::lock_guard lock(s.mutex);
    auto it = s.buckets.find(key);
    if (it == s.buckets.end()) {
        if (s.buckets.size() >= max_per_shard_) make_room(s, now);
        it = s.buckets.emplace(std::move(key), bucket{burst_, now}).first;
    }
    bucket& b = it->second;
    double elapsed = std::chrono::duration<double>(now - b.last).count();
    if (elapsed > 0) {
        b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
        b.last = now;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return {true, std::chrono::seconds(0)};
    }
    // The epsilon keeps rounding noise (20.0000001 s) from adding a whole second.
    auto wait = static_cast<long long>(std::ceil((1.0 - b.tokens) / per_second_ - 1e-6));
    return {false, std::chrono::seconds(std::max(1LL, wait))};
}

void rate_limiter::make_room(shard& s, clock::time_point now) {
    // A full bucket is what a new client gets anyway: forgetting it changes nothing.
    std::erase_if(s.buckets, [&](const auto& kv) {
        double elapsed = std::chrono::duration<double>(now - kv.second.last).count();
        return kv.second.tokens + elapsed * per_second_ >= burst_;
    });
    if (s.buckets.size() < max_per_shard_) return;
    // Still full (a flood from many addresses): drop the idlest eighth at once, so the cost of
    // this scan is shared by many insertions.
    std::vector<clock::time_point> times;
    times.reserve(s.buckets.size());
    for (const auto& kv : s.buckets) times.push_back(kv.second.last);
    std::size_t drop = std::max<std::size_t>(1, times.size() / 8);
    std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(drop - 1), times.end());
    clock::time_point cutoff = times[drop - 1];
    std::erase_if(s.buckets, [&](const auto& kv) { return kv.second.last <= cutoff; });
}

std::size_t rate_limiter::clients() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.buckets.size();
    }
    return n;
}

}  // namespace inspel::ingest
