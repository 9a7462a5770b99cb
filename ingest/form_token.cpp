#include "ingest/form_token.hpp"

#include "ingest/random.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace inspel::ingest {
namespace {

constexpr unsigned char version = 1;
constexpr std::size_t nonce_size = 16;
constexpr std::size_t signed_size = 1 + 8 + nonce_size;
constexpr std::size_t token_size = signed_size + crypto_auth_BYTES;
constexpr std::string_view key_name = "form_token_key";

std::array<unsigned char, crypto_auth_BYTES> mac_of(const unsigned char* data, std::string_view form_kind,
                                                   const form_signer::key_type& key) {
    std::vector<unsigned char> message(data, data + signed_size);
    message.insert(message.end(), form_kind.begin(), form_kind.end());
    std::array<unsigned char, crypto_auth_BYTES> mac{};
    crypto_auth(mac.data(), message.data(), message.size(), key.data());
    return mac;
}

std::string hex(const unsigned char* p, std::size_t n) {
    std::string out(n * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), p, n);
    out.pop_back();
    return out;
}

}  // namespace

form_signer::key_type form_signer::load_or_create_key(schema::database& db) {
    ensure_sodium();
    key_type fresh{};
    crypto_auth_keygen(fresh.data());
    std::string stored = db.write_and_wait([&](schema::connection& c) {
        c.prepare("INSERT OR IGNORE INTO instance (key, value) VALUES (?, ?)")
            .bind(1, key_name)
            .bind(2, hex(fresh.data(), fresh.size()))
            .run();
        auto st = c.prepare("SELECT value FROM instance WHERE key = ?");
        st.bind(1, key_name);
        if (!st.step()) throw std::runtime_error("the form token key could not be stored");
        return st.text(0);
    });
    key_type key{};
    std::size_t len = 0;
    if (stored.size() != key.size() * 2 ||
        sodium_hex2bin(key.data(), key.size(), stored.data(), stored.size(), nullptr, &len, nullptr) != 0 ||
        len != key.size())
        throw std::runtime_error("the form token key in the instance table is damaged");
    return key;
}

std::string form_signer::issue(std::string_view form_kind, clock::time_point now) const {
    std::array<unsigned char, token_size> t{};
    t[0] = version;
    auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
    for (int i = 0; i < 8; ++i) t[1 + i] = static_cast<unsigned char>(ms >> (56 - 8 * i));
    random_bytes(t.data() + 9, nonce_size);
    auto mac = mac_of(t.data(), form_kind, key_);
    std::copy(mac.begin(), mac.end(), t.begin() + signed_size);
    std::string out(sodium_base64_ENCODED_LEN(token_size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), t.data(), t.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(out.find('\0'));
    return out;
}

form_signer::checked form_signer::check(std::string_view token, std::string_view form_kind,
                                        std::chrono::seconds min_fill, clock::time_point now) const {
    checked c{verdict::invalid, {}, {}};
    std::array<unsigned char, token_size> t{};
    std::size_t len = 0;
    if (token.size() > 2 * token_size ||
        sodium_base642bin(t.data(), t.size(), token.data(), token.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len != token_size || t[0] != version)
        return c;
    auto mac = mac_of(t.data(), form_kind, key_);
    if (sodium_memcmp(mac.data(), t.data() + signed_size, mac.size()) != 0) return c;
    std::uint64_t ms = 0;
    for (int i = 0; i < 8; ++i) ms = (ms << 8) | t[1 + i];
    c.issued_at = clock::time_point(std::chrono::milliseconds(ms));
    c.nonce = hex(t.data() + 9, nonce_size);
    auto age = now - c.issued_at;
    if (age < -std::chrono::minutes(1)) c.result = verdict::invalid;  // from the future: not ours to trust
    else if (age > max_age) c.result = verdict::expired;
    else if (age < min_fill) c.result = verdict::too_fast;
    else c.result = verdict::ok;
    return c;
}

}  // namespace inspel::ingest
