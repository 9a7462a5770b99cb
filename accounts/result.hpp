// Expected failures (bad input, not found, not allowed) are values, not exceptions: a
// `refusal` says what went wrong in words a person can act on, and which input field it was.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace inspel::accounts {

struct refusal {
    std::string code;     // machine-readable, e.g. "invalid", "not_found", "weak_password"
    std::string message;  // one sentence for a person
    std::string field;    // the input it concerns, or empty
};

// Either a value or a refusal.
template <class T>
class result {
public:
    result(T value) : v_(std::move(value)) {}
    result(refusal r) : v_(std::move(r)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T* operator->() { return &value(); }
    const refusal& error() const { return std::get<1>(v_); }

private:
    std::variant<T, refusal> v_;
};

}  // namespace inspel::accounts
