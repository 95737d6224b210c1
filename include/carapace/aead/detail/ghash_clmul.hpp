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

#include <cstdint>

#include "carapace/core/cpu.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>

#define CARAPACE_CLMUL_INLINE __attribute__((target("pclmul,ssse3"), always_inline)) inline

namespace carapace::detail::clmul {

// Unaligned loads and stores: as fast as aligned ones on aligned data, and safe on any buffer.
CARAPACE_CLMUL_INLINE __m128i load(const std::uint8_t* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
CARAPACE_CLMUL_INLINE void store(std::uint8_t* p, __m128i v) noexcept {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
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
