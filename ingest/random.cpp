#include "ingest/random.hpp"

#include <sodium.h>

#include <stdexcept>

namespace inspel::ingest {

void ensure_sodium() {
    // sodium_init is itself thread-safe and idempotent; the static keeps the check to one call.
    static const int result = sodium_init();
    if (result < 0) throw std::runtime_error("libsodium could not initialise");
}

void random_bytes(unsigned char* out, std::size_t n) {
    ensure_sodium();
    randombytes_buf(out, n);
}

}  // namespace inspel::ingest
