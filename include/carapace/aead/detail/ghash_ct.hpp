// Portable constant-time GHASH (NIST SP 800-38D §6.4), usable in constant evaluation.
//
// The portable twin of ghash_clmul.hpp. H is secret, so the usual 4-bit tables (indexed by H's
// multiples and the data) would leak it through the cache; instead carry-less products are built
// from ordinary integer multiplications "with holes": each operand is split into parts whose set
// bits are spaced far enough apart that the carries of one column can never reach the next column
// of the same part, so each kept bit of the integer product is the XOR of its column.
//
// Blocks are loaded big-endian, so a field element is a 128-bit integer whose bit 127 - i is the
// coefficient of x^i (the bit-reflected order); the reduction works in that order directly, as
// ghash_clmul.hpp does.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/endian.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// H as two 64-bit halves of its big-endian integer, and their XOR for the Karatsuba middle product.
struct ghash_ct_key {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    std::uint64_t folded = 0;
};

namespace ghash_ct {

struct u128_words {
    std::uint64_t hi;
    std::uint64_t lo;
};

// 32 x 32 -> 64-bit carry-less product from four-way split operands: bits 4k + i form part i
// (8 bits), a column of one partial product sums at most 8 bits, and 8 < 2^4 keeps its carries
// below the next column of the same part. Needs only a 32 x 32 -> 64 multiply.
constexpr std::uint64_t clmul32(std::uint32_t x, std::uint32_t y) noexcept {
    const std::uint64_t x0 = x & 0x11111111u, x1 = x & 0x22222222u, x2 = x & 0x44444444u, x3 = x & 0x88888888u;
    const std::uint64_t y0 = y & 0x11111111u, y1 = y & 0x22222222u, y2 = y & 0x44444444u, y3 = y & 0x88888888u;
    // Part i times part j lands on bits 4n + (i + j) % 4.
    const std::uint64_t z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
    const std::uint64_t z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
    const std::uint64_t z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
    const std::uint64_t z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
    return (z0 & 0x1111111111111111u) | (z1 & 0x2222222222222222u) | (z2 & 0x4444444444444444u) |
           (z3 & 0x8888888888888888u);
}

// 64 x 64 -> 128 with three 32-bit products (Karatsuba), for targets without a wide multiply.
constexpr u128_words clmul64_portable(std::uint64_t x, std::uint64_t y) noexcept {
    const auto x0 = static_cast<std::uint32_t>(x), x1 = static_cast<std::uint32_t>(x >> 32);
    const auto y0 = static_cast<std::uint32_t>(y), y1 = static_cast<std::uint32_t>(y >> 32);
    const std::uint64_t lo = clmul32(x0, y0), hi = clmul32(x1, y1);
    const std::uint64_t mid = clmul32(x0 ^ x1, y0 ^ y1) ^ lo ^ hi;
    return {hi ^ (mid >> 32), lo ^ (mid << 32)};
}

#if CARAPACE_HAVE_INT128

// Bits at positions congruent to k modulo 5, of a 64-bit operand and of a 128-bit product.
struct mod5_masks {
    std::uint64_t operand[5];
    u128 product[5];
};
inline constexpr mod5_masks mod5 = [] {
    mod5_masks m{};
    for (int p = 0; p < 128; ++p) {
        if (p < 64) m.operand[p % 5] |= std::uint64_t{1} << p;
        m.product[p % 5] |= u128{1} << p;
    }
    return m;
}();

// 64 x 64 -> 128 with one wide multiply per pair of parts. A four-way split is not enough here:
// a middle column of 16-bit parts can sum 16 bits, which carries into the next column of its
// part. Five-way parts hold at most 13 bits, and 13 < 2^5.
constexpr u128_words clmul64_wide(std::uint64_t x, std::uint64_t y) noexcept {
    const u128 x0 = x & mod5.operand[0], x1 = x & mod5.operand[1], x2 = x & mod5.operand[2],
                  x3 = x & mod5.operand[3], x4 = x & mod5.operand[4];
    const u128 y0 = y & mod5.operand[0], y1 = y & mod5.operand[1], y2 = y & mod5.operand[2],
                  y3 = y & mod5.operand[3], y4 = y & mod5.operand[4];
    // Part i times part j lands on bits 5n + (i + j) % 5.
    const u128 z0 = (x0 * y0) ^ (x1 * y4) ^ (x2 * y3) ^ (x3 * y2) ^ (x4 * y1);
    const u128 z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y4) ^ (x3 * y3) ^ (x4 * y2);
    const u128 z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y4) ^ (x4 * y3);
    const u128 z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0) ^ (x4 * y4);
    const u128 z4 = (x0 * y4) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1) ^ (x4 * y0);
    const u128 z = (z0 & mod5.product[0]) | (z1 & mod5.product[1]) | (z2 & mod5.product[2]) |
                      (z3 & mod5.product[3]) | (z4 & mod5.product[4]);
    return {static_cast<std::uint64_t>(z >> 64), static_cast<std::uint64_t>(z)};
}
#endif

constexpr u128_words clmul64(std::uint64_t x, std::uint64_t y) noexcept {
#if CARAPACE_HAVE_INT128
    return clmul64_wide(x, y);
#else
    return clmul64_portable(x, y);
#endif
}

// (y_hi, y_lo) * H in GF(2^128), both bit-reflected.
constexpr void multiply(const ghash_ct_key& k, std::uint64_t& y_hi, std::uint64_t& y_lo) noexcept {
    const u128_words a = clmul64(y_hi, k.hi), b = clmul64(y_lo, k.lo);
    u128_words c = clmul64(y_hi ^ y_lo, k.folded);
    c.hi ^= a.hi ^ b.hi;
    c.lo ^= a.lo ^ b.lo;
    // The 255-bit product z3..z0; in reflected order it sits one bit too low, so shift it up.
    std::uint64_t z3 = a.hi, z2 = a.lo ^ c.hi, z1 = b.hi ^ c.lo, z0 = b.lo;
    z3 = (z3 << 1) | (z2 >> 63);
    z2 = (z2 << 1) | (z1 >> 63);
    z1 = (z1 << 1) | (z0 >> 63);
    z0 <<= 1;
    // (z3, z2) holds x^0..x^127, (z1, z0) the multiple L of x^128 = 1 + x + x^2 + x^7. Multiplying
    // by x is a right shift here. First fold in what the x, x^2 and x^7 terms would push past
    // x^127 (they come from L's top coefficients, the low bits of z0), then add L(1 + x + x^2 + x^7).
    z1 ^= (z0 << 63) ^ (z0 << 62) ^ (z0 << 57);
    y_hi = z3 ^ z1 ^ (z1 >> 1) ^ (z1 >> 2) ^ (z1 >> 7);
    y_lo = z2 ^ z0 ^ ((z0 >> 1) | (z1 << 63)) ^ ((z0 >> 2) | (z1 << 62)) ^ ((z0 >> 7) | (z1 << 57));
}

}  // namespace ghash_ct

constexpr void ghash_ct_init(ghash_ct_key& k, const std::uint8_t* h) noexcept {
    k.hi = load_be64(h);
    k.lo = load_be64(h + 8);
    k.folded = k.hi ^ k.lo;
}

// Y = (Y xor X_i) * H for each 16-byte block X_i of data. Y is the big-endian GHASH state.
constexpr void ghash_ct_blocks(const ghash_ct_key& k, std::uint8_t* y, const std::uint8_t* data,
                               std::size_t count) noexcept {
    std::uint64_t y_hi = load_be64(y), y_lo = load_be64(y + 8);
    for (std::size_t i = 0; i < count; ++i, data += 16) {
        y_hi ^= load_be64(data);
        y_lo ^= load_be64(data + 8);
        ghash_ct::multiply(k, y_hi, y_lo);
    }
    store_be64(y, y_hi);
    store_be64(y + 8, y_lo);
}

}  // namespace carapace::detail
