#include "export/sha256.hpp"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define INSPEL_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace inspel::exporting {

namespace {

constexpr std::uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#ifdef INSPEL_SHA_NI

alignas(16) constexpr std::uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

bool detect_sha_ni() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    bool ssse3 = c & (1u << 9), sse41 = c & (1u << 19);
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return ssse3 && sse41 && (b & (1u << 29));
}

// The compression function over `blocks` 64-byte blocks with the SHA extensions: the rounds four at
// a time (two sha256rnds2), the message schedule with sha256msg1/msg2, as in Intel's reference.
__attribute__((target("sha,sse4.1,ssse3"))) void compress_sha_ni(std::uint32_t state[8], const unsigned char* data,
                                                                  std::size_t blocks) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[0]));
    __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[4]));
    tmp = _mm_shuffle_epi32(tmp, 0xB1);              // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);        // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);  // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);     // CDGH

    for (; blocks > 0; --blocks, data += 64) {
        const __m128i abef = state0, cdgh = state1;
        __m128i m[4];
#pragma GCC unroll 16
        for (int i = 0; i < 16; ++i) {
            __m128i& w = m[i % 4];
            if (i < 4) w = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i)), byte_swap);
            __m128i msg = _mm_add_epi32(w, _mm_load_si128(reinterpret_cast<const __m128i*>(&round_constants[4 * i])));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            if (i >= 3 && i <= 14) {
                __m128i& next = m[(i + 1) % 4];
                next = _mm_add_epi32(next, _mm_alignr_epi8(w, m[(i + 3) % 4], 4));
                next = _mm_sha256msg2_epu32(next, w);
            }
            msg = _mm_shuffle_epi32(msg, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
            if (i >= 1 && i <= 12) m[(i + 3) % 4] = _mm_sha256msg1_epu32(m[(i + 3) % 4], w);
        }
        state0 = _mm_add_epi32(state0, abef);
        state1 = _mm_add_epi32(state1, cdgh);
    }

    tmp = _mm_shuffle_epi32(state0, 0x1B);           // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);        // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);     // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);        // ABEF
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[0]), state0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[4]), state1);
}

#endif

bool has_sha_ni() {
#ifdef INSPEL_SHA_NI
    static const bool yes = detect_sha_ni();
    return yes;
#else
    return false;
#endif
}

std::string to_hex(const unsigned char* digest) {
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, digest, 32);
    return hex;
}

}  // namespace

struct sha256::state {
    bool hardware = false;
    // With the SHA instructions:
    std::uint32_t h[8];
    unsigned char block[64];
    std::size_t used = 0;     // bytes waiting in `block`
    std::uint64_t total = 0;  // bytes hashed in all
    // Without:
    crypto_hash_sha256_state portable;
};

sha256::sha256() : s_(std::make_unique<state>()) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    s_->hardware = has_sha_ni();
    std::memcpy(s_->h, initial, sizeof initial);
    crypto_hash_sha256_init(&s_->portable);
}

sha256::~sha256() = default;

sha256::sha256(const sha256& o) : s_(std::make_unique<state>(*o.s_)) {}

bool sha256::hardware() { return has_sha_ni(); }

void sha256::update(const void* data, std::size_t n) {
    auto* p = static_cast<const unsigned char*>(data);
    if (!s_->hardware) {
        crypto_hash_sha256_update(&s_->portable, p, n);
        return;
    }
#ifdef INSPEL_SHA_NI
    state& s = *s_;
    s.total += n;
    if (s.used > 0) {
        std::size_t take = std::min(n, 64 - s.used);
        std::memcpy(s.block + s.used, p, take);
        s.used += take;
        p += take;
        n -= take;
        if (s.used < 64) return;
        compress_sha_ni(s.h, s.block, 1);
        s.used = 0;
    }
    if (n >= 64) {
        compress_sha_ni(s.h, p, n / 64);
        p += n / 64 * 64;
        n %= 64;
    }
    std::memcpy(s.block, p, n);
    s.used = n;
#endif
}

std::string sha256::hex() const {
    unsigned char digest[32];
    if (!s_->hardware) {
        crypto_hash_sha256_state copy = s_->portable;
        crypto_hash_sha256_final(&copy, digest);
        return to_hex(digest);
    }
#ifdef INSPEL_SHA_NI
    // The padding: 0x80, zeros up to 56 bytes mod 64, the length in bits, big-endian.
    std::uint64_t bits = s_->total * 8;
    unsigned char pad[72] = {0x80};
    std::size_t pad_len = s_->used < 56 ? 56 - s_->used : 120 - s_->used;
    for (int i = 0; i < 8; ++i) pad[pad_len + static_cast<std::size_t>(i)] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    sha256 copy(*this);
    copy.update(pad, pad_len + 8);
    for (int i = 0; i < 8; ++i) {
        std::uint32_t v = copy.s_->h[i];
        digest[4 * i] = static_cast<unsigned char>(v >> 24);
        digest[4 * i + 1] = static_cast<unsigned char>(v >> 16);
        digest[4 * i + 2] = static_cast<unsigned char>(v >> 8);
        digest[4 * i + 3] = static_cast<unsigned char>(v);
    }
#endif
    return to_hex(digest);
}

std::string sha256::hex_portable(std::string_view data) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    unsigned char digest[32];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return to_hex(digest);
}

}  // namespace inspel::exporting
