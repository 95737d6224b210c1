// GHASH field arithmetic with carry-less multiplication (PCLMULQDQ), shared by the AES-NI and
// VAES GCM engines.
//
// Blocks are byte-reversed on load, so a GCM field element is a 128-bit integer whose bit
// 127 - i is the coefficient of x^i. A carry-less product of two such values is the reversed
// product shifted right by one bit; reduce() shifts it back and reduces modulo
// x^128 + x^7 + x^2 + x + 1 with shifts: no tables, nothing that depends on secret values.
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

// 128-bit logical right shift by n (0 < n < 64).
CARAPACE_CLMUL_INLINE __m128i shift_right_128(__m128i x, int n) noexcept {
    return _mm_or_si128(_mm_srli_epi64(x, n), _mm_slli_epi64(_mm_srli_si128(x, 8), 64 - n));
}

// Turns the accumulated carry-less product of reversed elements into the reversed field
// product: shift the 256-bit value left by one, then fold the low half (the coefficients of
// x^128 and up) back through x^128 = x^7 + x^2 + x + 1.
CARAPACE_CLMUL_INLINE __m128i reduce(__m128i lo, __m128i mid, __m128i hi) noexcept {
    lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
    const __m128i lo_carry = _mm_srli_epi64(lo, 63), hi_carry = _mm_srli_epi64(hi, 63);
    lo = _mm_or_si128(_mm_slli_epi64(lo, 1), _mm_slli_si128(lo_carry, 8));
    hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi64(hi, 1), _mm_slli_si128(hi_carry, 8)),
                      _mm_srli_si128(lo_carry, 8));
    // The bits that x, x^2 and x^7 push past x^127 come from the low word; they wrap to the
    // top of the high word before the multiplication by (1 + x + x^2 + x^7).
    const __m128i wrap = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(lo, 63), _mm_slli_epi64(lo, 62)),
                                       _mm_slli_epi64(lo, 57));
    lo = _mm_xor_si128(lo, _mm_slli_si128(wrap, 8));
    const __m128i folded = _mm_xor_si128(_mm_xor_si128(lo, shift_right_128(lo, 1)),
                                         _mm_xor_si128(shift_right_128(lo, 2), shift_right_128(lo, 7)));
    return _mm_xor_si128(hi, folded);
}

CARAPACE_CLMUL_INLINE __m128i multiply(__m128i a, __m128i b) noexcept {
    __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
    multiply_accumulate(a, b, lo, mid, hi);
    return reduce(lo, mid, hi);
}

}  // namespace carapace::detail::clmul

#undef CARAPACE_CLMUL_INLINE

#endif
