// GHASH field arithmetic (NIST SP 800-38D §6.3) with the ARMv8 64x64-bit carry-less multiply
// (PMULL, PMULL2), for the 64-bit ARM AES-GCM engine.
//
// The same representation as ghash_clmul.hpp, whose comment explains it: blocks byte-reversed on
// load, so the product of two elements comes out multiplied by x, which the stored powers of H
// (each divided by x) cancel; reduce() folds the low 128 bits of a 256-bit product into the high
// ones with two multiplies by 0xC2 << 56. Products use Karatsuba (three multiplies, not four),
// with each power's halves XORed ahead of time. No tables, nothing that depends on secret values.
#pragma once

#include <cstdint>

#include "carapace/aead/detail/aes_armv8.hpp"

#if CARAPACE_HAVE_ARMV8_AES

namespace carapace::detail::pmull {

CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t load(const std::uint8_t* p) noexcept {
    return vreinterpretq_u64_u8(vld1q_u8(p));
}
CARAPACE_ARMV8_CRYPTO_INLINE void store(std::uint8_t* p, uint64x2_t v) noexcept {
    vst1q_u8(p, vreinterpretq_u8_u64(v));
}

// The 16 bytes in reverse order: the block as one big-endian 128-bit integer.
CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t reverse(uint64x2_t v) noexcept {
    const uint8x16_t b = vrev64q_u8(vreinterpretq_u8_u64(v));
    return vreinterpretq_u64_u8(vextq_u8(b, b, 8));
}

CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t swap_halves(uint64x2_t v) noexcept { return vextq_u64(v, v, 1); }

// The two 64-bit halves of v XORed (in both lanes).
CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t fold_halves(uint64x2_t v) noexcept { return veorq_u64(v, swap_halves(v)); }

// Low lanes multiplied; high lanes multiplied.
CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t mul_lo(uint64x2_t a, uint64x2_t b) noexcept {
    return vreinterpretq_u64_p128(vmull_p64(vgetq_lane_p64(vreinterpretq_p64_u64(a), 0),
                                            vgetq_lane_p64(vreinterpretq_p64_u64(b), 0)));
}
CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t mul_hi(uint64x2_t a, uint64x2_t b) noexcept {
    return vreinterpretq_u64_p128(vmull_high_p64(vreinterpretq_p64_u64(a), vreinterpretq_p64_u64(b)));
}

// lo ^ hi * 2^128 with its low half folded in (ghash_clmul.hpp's reduction_constant says why
// 0xC2 << 56 clears a 64-bit word): two multiplies, two swaps.
CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t reduce_folded(uint64x2_t lo, uint64x2_t hi) noexcept {
    const uint64x2_t c = vdupq_n_u64(0xC200000000000000ULL);
    lo = veorq_u64(swap_halves(lo), mul_lo(lo, c));
    lo = veorq_u64(swap_halves(lo), mul_lo(lo, c));
    return veorq_u64(hi, lo);
}

// The field element of the 256-bit product lo ^ mid * 2^64 ^ hi * 2^128.
CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t reduce(uint64x2_t lo, uint64x2_t mid, uint64x2_t hi) noexcept {
    const uint64x2_t zero = vdupq_n_u64(0);
    return reduce_folded(veorq_u64(lo, vextq_u64(zero, mid, 1)), veorq_u64(hi, vextq_u64(mid, zero, 1)));
}

// a * b * x; a * (b / x) is the field product a * b.
CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t multiply(uint64x2_t a, uint64x2_t b) noexcept {
    const uint64x2_t lo = mul_lo(a, b), hi = mul_hi(a, b);
    const uint64x2_t mid = veorq_u64(mul_lo(fold_halves(a), fold_halves(b)), veorq_u64(lo, hi));
    return reduce(lo, mid, hi);
}

// Karatsuba step: accumulates a * h (h a stored power, h_folded its halves XORed) as lo, hi and
// the middle product; the caller adds lo ^ hi to mid before reducing.
CARAPACE_ARMV8_CRYPTO_INLINE void multiply_accumulate(uint64x2_t a, uint64x2_t h, uint64x2_t h_folded, uint64x2_t& lo,
                                                      uint64x2_t& mid, uint64x2_t& hi) noexcept {
    lo = veorq_u64(lo, mul_lo(a, h));
    hi = veorq_u64(hi, mul_hi(a, h));
    mid = veorq_u64(mid, mul_lo(fold_halves(a), h_folded));
}

// h / x: one left shift in this bit order; a set x^0 coefficient (bit 127) becomes x^-1 =
// x^127 + x^6 + x + 1 (0xC2...01). The carry is masked in, not branched on.
CARAPACE_ARMV8_CRYPTO_INLINE uint64x2_t divide_by_x(uint64x2_t h) noexcept {
    const std::uint64_t lo = vgetq_lane_u64(h, 0), hi = vgetq_lane_u64(h, 1);
    const std::uint64_t mask = 0 - (hi >> 63);
    const std::uint64_t new_lo = (lo << 1) ^ (mask & 1);
    const std::uint64_t new_hi = ((hi << 1) | (lo >> 63)) ^ (mask & 0xC200000000000000ULL);
    return vcombine_u64(vcreate_u64(new_lo), vcreate_u64(new_hi));
}

}  // namespace carapace::detail::pmull

#endif
