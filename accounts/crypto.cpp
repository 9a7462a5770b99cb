#include "accounts/crypto.hpp"

#include <sodium.h>

#include <algorithm>
#include <mutex>
#include <semaphore>
#include <stdexcept>
#include <thread>
#include <vector>

namespace inspel::accounts::crypto {
namespace {

// Each Argon2id hash takes crypto_pwhash_MEMLIMIT_INTERACTIVE (64 MiB): bound how many run at once.
std::counting_semaphore<64>& hashing_slots() {
    static std::counting_semaphore<64> slots(
        static_cast<std::ptrdiff_t>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u)));
    return slots;
}

struct slot {
    slot() { hashing_slots().acquire(); }
    ~slot() { hashing_slots().release(); }
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
};

}  // namespace

void initialise() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    });
}

std::string random_secret(std::size_t bytes) {
    initialise();
    std::vector<unsigned char> raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(std::char_traits<char>::length(out.c_str()));
    sodium_memzero(raw.data(), raw.size());
    return out;
}

std::string hash_secret(std::string_view secret) {
    initialise();
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                       nullptr, 0);
    char hex[2 * crypto_generichash_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

std::string hash_password(std::string_view password) {
    initialise();
    char out[crypto_pwhash_STRBYTES];
    slot s;
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw std::runtime_error("out of memory while hashing a password");
    return out;
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
    initialise();
    if (stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
    char str[crypto_pwhash_STRBYTES] = {};
    std::copy(stored_hash.begin(), stored_hash.end(), str);
    slot s;
    return crypto_pwhash_str_verify(str, password.data(), password.size()) == 0;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    initialise();
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace inspel::accounts::crypto
