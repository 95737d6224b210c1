// GHASH field arithmetic with carry-less multiplication (PCLMULQDQ), shared by the AES-NI and
// VAES GCM engines.
//
// Blocks are byte-reversed on load, so a GCM field element is a 128-bit integer whose bit
// 127 - i is the coefficient of x^i. The carry-less product of two such values, read as a
// 256-bit value whose bit m is the coefficient of x^(255 - m), is the field product times x.
// The engines therefore keep every power of H divided by x (see divide_by_x), so that a raw
// product by a stored power is exactly the product by that power of H, and reduce() needs no
// shift: it folds the low 128 bits (x^255 .. x^128) into the high ones with two carry-less
// multiplies by the reflected x^128 mod P, 64 bits at a time. No tables, nothing that depends on
// secret values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "carapace/core/cpu.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>

#define CARAPACE_CLMUL_INLINE __attribute__((target("pclmul,ssse3,sse4.1"), always_inline)) inline

namespace carapace::detail::clmul {

// Unaligned loads and stores: as fast as aligned ones on aligned data, and safe on any buffer.
CARAPACE_CLMUL_INLINE __m128i load(const std::uint8_t* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
CARAPACE_CLMUL_INLINE void store(std::uint8_t* p, __m128i v) noexcept {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
}

// The first n bytes (1 <= n <= 15) at p, zero-extended; and the reverse. Built in registers
// from 8-, 4-, 2- and 1-byte moves (branches on the length only, which is public): a 16-byte
// load right after byte-wise stores would stall on store forwarding, and a libc memcpy call
// costs more than the block's AES.
CARAPACE_CLMUL_INLINE __m128i load_partial(const std::uint8_t* p, std::size_t n) noexcept {
    std::uint64_t first = 0, last = 0;
    std::size_t at = 0;
    if (n & 8) {
        std::memcpy(&first, p, 8);
        at = 8;
    }
    unsigned shift = 0;
    if (n & 4) {
        std::uint32_t v;
        std::memcpy(&v, p + at, 4);
        last = v;
        shift = 32;
        at += 4;
    }
    if (n & 2) {
        std::uint16_t v;
        std::memcpy(&v, p + at, 2);
        last |= std::uint64_t{v} << shift;
        shift += 16;
        at += 2;
    }
    if (n & 1) last |= std::uint64_t{p[at]} << shift;
    if (!(n & 8)) return _mm_cvtsi64_si128(static_cast<long long>(last));
    return _mm_set_epi64x(static_cast<long long>(last), static_cast<long long>(first));
}
CARAPACE_CLMUL_INLINE void store_partial(std::uint8_t* p, __m128i v, std::size_t n) noexcept {
    std::uint64_t word = static_cast<std::uint64_t>(_mm_cvtsi128_si64(v));
    std::size_t at = 0;
    if (n & 8) {
        std::memcpy(p, &word, 8);
        word = static_cast<std::uint64_t>(_mm_extract_epi64(v, 1));
        at = 8;
    }
    if (n & 4) {
        const auto w = static_cast<std::uint32_t>(word);
        std::memcpy(p + at, &w, 4);
        word >>= 32;
        at += 4;
    }
    if (n & 2) {
        const auto w = static_cast<std::uint16_t>(word);
        std::memcpy(p + at, &w, 2);
        word >>= 16;
        at += 2;
    }
    if (n & 1) p[at] = static_cast<std::uint8_t>(word);
}
// A counter block written as a 12-byte nonce copy and a 4-byte counter (see gcm_mode's
// make_j0), read back as 8 + 4 + 4 bytes: a 16-byte load spanning those stores would wait
// for them to reach the cache instead of taking their data from the store buffer.
CARAPACE_CLMUL_INLINE __m128i load_counter_block(const std::uint8_t* p) noexcept {
    std::uint32_t nonce_tail, counter;
    std::memcpy(&nonce_tail, p + 8, 4);
    std::memcpy(&counter, p + 12, 4);
    const __m128i head = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return _mm_insert_epi32(_mm_insert_epi32(head, static_cast<int>(nonce_tail), 2), static_cast<int>(counter), 3);
}

// Bytes 0 .. n-1 all ones, the rest zero (0 <= n <= 16).
CARAPACE_CLMUL_INLINE __m128i first_bytes_mask(std::size_t n) noexcept {
    return _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(n)),
                          _mm_set_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
}

CARAPACE_CLMUL_INLINE __m128i reverse(__m128i v) noexcept {
    return _mm_shuffle_epi8(v, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

// The two 64-bit halves of v XORed, in both lanes.
CARAPACE_CLMUL_INLINE __m128i fold_halves(__m128i v) noexcept {
    return _mm_xor_si128(v, _mm_shuffle_epi32(v, 0x4E));
}

// Unreduced 256-bit carry-less product a*b, accumulated into lo ^ mid*2^64 ^ hi*2^128.
CARAPACE_CLMUL_INLINE void multiply_accumulate(__m128i a, __m128i b, __m128i& lo, __m128i& mid,
                                               __m128i& hi) noexcept {
    lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(a, b, 0x00));
    hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(a, b, 0x11));
    mid = _mm_xor_si128(mid, _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01), _mm_clmulepi64_si128(a, b, 0x10)));
}

// In the 256-bit order above, x^k * P (P = x^128 + x^7 + x^2 + x + 1) is the bit pattern
// 1 + 2^121 + 2^126 + 2^127 + 2^128 shifted left by 127 - k. Adding the low 64-bit word w times
// that pattern clears w: w * 2^64 * (bits 57, 62, 63 = 0xC2 << 56) is one carry-less multiply,
// w * 2^128 rides along in the word swap, and w * 1 cancels w itself.
CARAPACE_CLMUL_INLINE __m128i reduction_constant() noexcept {
    return _mm_set_epi64x(0, static_cast<long long>(0xC200000000000000ULL));
}

// lo ^ hi * 2^128 with its low half folded in: two multiplies, two shuffles.
CARAPACE_CLMUL_INLINE __m128i reduce_folded(__m128i lo, __m128i hi) noexcept {
    const __m128i c = reduction_constant();
    lo = _mm_xor_si128(_mm_shuffle_epi32(lo, 0x4E), _mm_clmulepi64_si128(lo, c, 0x00));
    lo = _mm_xor_si128(_mm_shuffle_epi32(lo, 0x4E), _mm_clmulepi64_si128(lo, c, 0x00));
    return _mm_xor_si128(hi, lo);
}

// The field element of the 256-bit product lo ^ mid * 2^64 ^ hi * 2^128.
CARAPACE_CLMUL_INLINE __m128i reduce(__m128i lo, __m128i mid, __m128i hi) noexcept {
    return reduce_folded(_mm_xor_si128(lo, _mm_slli_si128(mid, 8)), _mm_xor_si128(hi, _mm_srli_si128(mid, 8)));
}

// a * b * x; a * (b / x) is the field product a * b.
CARAPACE_CLMUL_INLINE __m128i multiply(__m128i a, __m128i b) noexcept {
    __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
    multiply_accumulate(a, b, lo, mid, hi);
    return reduce(lo, mid, hi);
}

// h / x: one left shift in this bit order; a set x^0 coefficient becomes x^-1 = x^127 + x^6 +
// x + 1 (0xC2...01). The carry is masked in, not branched on.
CARAPACE_CLMUL_INLINE __m128i divide_by_x(__m128i h) noexcept {
    const __m128i shifted = _mm_or_si128(_mm_slli_epi64(h, 1), _mm_srli_epi64(_mm_slli_si128(h, 8), 63));
    const __m128i top = _mm_shuffle_epi32(_mm_srai_epi32(h, 31), 0xFF);  // bit 127 in every bit
    return _mm_xor_si128(shifted, _mm_and_si128(top, _mm_set_epi64x(static_cast<long long>(0xC200000000000000ULL), 1)));
}

}  // namespace carapace::detail::clmul

#undef CARAPACE_CLMUL_INLINE

#endif
