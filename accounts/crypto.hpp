// The few cryptographic operations accounts/ needs, all from libsodium: password hashes
// (Argon2id through crypto_pwhash_str), random secrets, hashes of secrets, and comparisons that
// take the same time whatever the bytes. Nothing else in Inspel calls libsodium directly.
#pragma once

#include <string>
#include <string_view>

namespace inspel::accounts::crypto {

// Initialises libsodium once per process; every function below calls it, so callers need not.
void initialise();

// `bytes` random bytes from the operating system's CSPRNG, as URL-safe base64 without padding.
std::string random_secret(std::size_t bytes = 32);

// BLAKE2b-256 of a high-entropy secret (a session id, an API token), in lower-case hex. A fast
// hash is enough here: the secrets are 256 random bits, so there is nothing to guess.
std::string hash_secret(std::string_view secret);

// Argon2id with libsodium's "interactive" limits (about 64 MiB and a few tenths of a second).
// At most a few hashes run at once, so a burst of logins cannot exhaust memory.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view stored_hash, std::string_view password);

// Equal length and equal bytes, in time that depends only on the length.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace inspel::accounts::crypto
