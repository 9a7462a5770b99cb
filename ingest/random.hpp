// Randomness for receipt codes, form tokens and keys: libsodium's randombytes, which reads the
// kernel CSPRNG (getrandom(2)). sodium_init() runs once, on first use, from any thread.
#pragma once

#include <cstddef>

namespace inspel::ingest {

void random_bytes(unsigned char* out, std::size_t n);

// Throws when libsodium cannot initialise (no entropy source): nothing secure can run then.
void ensure_sodium();

}  // namespace inspel::ingest
