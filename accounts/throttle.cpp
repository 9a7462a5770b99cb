#include "accounts/throttle.hpp"

#include <algorithm>

namespace inspel::accounts {

std::chrono::seconds login_throttle::delay_after(int failures, int free) const {
    if (failures < free) return std::chrono::seconds(0);
    int doublings = std::min(failures - free, 30);
    auto d = policy_.first_delay * (std::int64_t{1} << doublings);
    return std::min(d, policy_.max_delay);
}

std::chrono::seconds login_throttle::wait_in(table& t, const std::string& key, time_point now) {
    auto it = t.find(key);
    if (it == t.end()) return std::chrono::seconds(0);
    if (now - it->second.last_failure >= policy_.forget_after) {
        t.erase(it);
        return std::chrono::seconds(0);
    }
    if (now >= it->second.next_allowed) return std::chrono::seconds(0);
    // Round up, so a client that waits exactly Retry-After seconds is let through.
    return std::chrono::ceil<std::chrono::seconds>(it->second.next_allowed - now);
}

void login_throttle::fail_in(table& t, const std::string& key, int free, time_point now) {
    if (t.size() >= policy_.max_tracked && !t.count(key)) {
        std::erase_if(t, [&](const auto& kv) { return now - kv.second.last_failure >= policy_.forget_after; });
        // Still full: an attack from very many addresses. Drop counts that no longer delay anyone.
        if (t.size() >= policy_.max_tracked)
            std::erase_if(t, [&](const auto& kv) { return now >= kv.second.next_allowed; });
    }
    entry& e = t[key];
    if (e.failures > 0 && now - e.last_failure >= policy_.forget_after) e = entry{};
    ++e.failures;
    e.last_failure = now;
    e.next_allowed = now + delay_after(e.failures, free);
}

std::chrono::seconds login_throttle::wait_before_attempt(const std::string& account, const std::string& address,
                                                         time_point now) {
    std::lock_guard lock(mutex_);
    return std::max(wait_in(accounts_, account, now), wait_in(addresses_, address, now));
}

void login_throttle::record_failure(const std::string& account, const std::string& address, time_point now) {
    std::lock_guard lock(mutex_);
    fail_in(accounts_, account, policy_.free_account_failures, now);
    fail_in(addresses_, address, policy_.free_address_failures, now);
}

std::size_t login_throttle::tracked() {
    std::lock_guard lock(mutex_);
    return accounts_.size() + addresses_.size();
}

void login_throttle::record_success(const std::string& account) {
    std::lock_guard lock(mutex_);
    accounts_.erase(account);
}

}  // namespace inspel::accounts
