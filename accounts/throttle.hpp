// Failed-login throttling: a growing delay per account name and per client address.
//
// Each failed login counts against the name that was tried (whether or not such a user exists,
// so the throttle reveals nothing) and against the address it came from. After a few free
// failures, the next attempt must wait: 5 s, then 10 s, 20 s, ... up to 15 minutes. An attempt
// that comes too early is refused before any password is checked, so guessing costs the attacker
// time and costs the server nothing. Address limits are looser than account limits, because a
// whole town hall may sit behind one address. A success clears the account's count (not the
// address's: one valid account must not reset the count for guesses at others). Counts are
// forgotten an hour after the last failure.
//
// Sans-io: the caller passes the time, so tests drive it without waiting. It is kept in memory:
// a restart forgets it, which costs an attacker a restart they cannot cause.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace inspel::accounts {

struct throttle_policy {
    int free_account_failures = 5;
    int free_address_failures = 20;
    std::chrono::seconds first_delay{5};
    std::chrono::seconds max_delay{15 * 60};
    std::chrono::seconds forget_after{60 * 60};
    std::size_t max_tracked = 100'000;  // per kind; beyond it, forgotten counts are swept first
};

class login_throttle {
public:
    using time_point = std::chrono::system_clock::time_point;

    explicit login_throttle(throttle_policy policy = {}) : policy_(policy) {}

    // How long before this account may be tried from this address; zero means now.
    std::chrono::seconds wait_before_attempt(const std::string& account, const std::string& address, time_point now);
    void record_failure(const std::string& account, const std::string& address, time_point now);
    void record_success(const std::string& account);

    const throttle_policy& policy() const { return policy_; }
    // Accounts plus addresses with a count (for tests and metrics).
    std::size_t tracked();

private:
    struct entry {
        int failures = 0;
        time_point last_failure;
        time_point next_allowed;
    };
    using table = std::unordered_map<std::string, entry>;

    std::chrono::seconds delay_after(int failures, int free) const;
    std::chrono::seconds wait_in(table& t, const std::string& key, time_point now);
    void fail_in(table& t, const std::string& key, int free, time_point now);

    throttle_policy policy_;
    std::mutex mutex_;
    table accounts_;
    table addresses_;
};

}  // namespace inspel::accounts
