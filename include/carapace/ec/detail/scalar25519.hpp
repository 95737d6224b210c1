// Arithmetic modulo the order L = 2^252 + 27742317777372353535851937790883648493 of the Ed25519
// base point (RFC 8032 §5.1), for signing and verification. Montgomery multiplication (CIOS)
// with eight 32-bit limbs: portable, constexpr, constant-time (fixed loops, a masked final
// subtraction). Scalars are 32 little-endian bytes.
// The limb loops are unrolled by pragma: at -O2 GCC 12 kept them rolled and signing was 30%
// slower than at -O3.
#pragma once

#include <cstdint>

#include "carapace/core/ct.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

struct scalar25519 {
    using limbs = std::uint32_t[8];

    static constexpr std::uint32_t order[8] = {0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de, 0, 0, 0, 0x10000000};
    static constexpr std::uint32_t n0 = 0x12547e1b;  // -1/L mod 2^32
    // R = 2^256: R^2 mod L and R^3 mod L.
    static constexpr std::uint32_t r2[8] = {0x449c0f01, 0xa40611e3, 0x68859347, 0xd00e1ba7,
                                            0x17f5be65, 0xceec73d2, 0x7c309a3d, 0x0399411b};
    static constexpr std::uint32_t r3[8] = {0x7b83a2db, 0x2a9e4968, 0xaef7f3ec, 0x278324e6,
                                            0x04ec5b65, 0x8065dc6c, 0x3599cec7, 0x0e530b77};
    static constexpr std::uint32_t one[8] = {1, 0, 0, 0, 0, 0, 0, 0};

    static constexpr void load(std::uint32_t* out, const std::uint8_t* s) noexcept {
CARAPACE_UNROLL(8)
        for (int i = 0; i < 8; ++i)
            out[i] = std::uint32_t{s[4 * i]} | (std::uint32_t{s[4 * i + 1]} << 8) |
                     (std::uint32_t{s[4 * i + 2]} << 16) | (std::uint32_t{s[4 * i + 3]} << 24);
    }
    static constexpr void store(std::uint8_t* out, const std::uint32_t* a) noexcept {
CARAPACE_UNROLL(8)
        for (int i = 0; i < 8; ++i)
CARAPACE_UNROLL(4)
            for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<std::uint8_t>(a[i] >> (8 * j));
    }

    // out = t - L when t (nine limbs, t < 2L) is at least L, else t; constant-time.
    static constexpr void reduce_once(std::uint32_t* out, const std::uint32_t* t) noexcept {
        std::uint32_t d[8] = {};
        std::uint64_t borrow = 0;
CARAPACE_UNROLL(8)
        for (int i = 0; i < 8; ++i) {
            const std::uint64_t x = std::uint64_t{t[i]} - order[i] - borrow;
            d[i] = static_cast<std::uint32_t>(x);
            borrow = (x >> 63) & 1;
        }
        const std::uint64_t top = std::uint64_t{t[8]} - borrow;
        // top is 0 (t >= L) or all ones (t < L, borrow out of the ninth limb).
        const std::uint32_t keep_t = static_cast<std::uint32_t>(top >> 63) & 1;
        const std::uint32_t m = ct::mask_from_bit(keep_t);
CARAPACE_UNROLL(8)
        for (int i = 0; i < 8; ++i) out[i] = ct::select(m, t[i], d[i]);
    }

    // out = a * b / 2^256 mod L, for a < 2^256 and b < L (then the sum stays below 2L).
    static constexpr void mont_mul(std::uint32_t* out, const std::uint32_t* a, const std::uint32_t* b) noexcept {
        std::uint32_t t[10] = {};
CARAPACE_UNROLL(8)
        for (int i = 0; i < 8; ++i) {
            std::uint64_t c = 0;
CARAPACE_UNROLL(8)
            for (int j = 0; j < 8; ++j) {
                const std::uint64_t x = std::uint64_t{t[j]} + std::uint64_t{a[j]} * b[i] + c;
                t[j] = static_cast<std::uint32_t>(x);
                c = x >> 32;
            }
            std::uint64_t x = std::uint64_t{t[8]} + c;
            t[8] = static_cast<std::uint32_t>(x);
            t[9] = static_cast<std::uint32_t>(x >> 32);
            const std::uint32_t m = t[0] * n0;
            x = std::uint64_t{t[0]} + std::uint64_t{m} * order[0];
            c = x >> 32;
CARAPACE_UNROLL(7)
            for (int j = 1; j < 8; ++j) {
                x = std::uint64_t{t[j]} + std::uint64_t{m} * order[j] + c;
                t[j - 1] = static_cast<std::uint32_t>(x);
                c = x >> 32;
            }
            x = std::uint64_t{t[8]} + c;
            t[7] = static_cast<std::uint32_t>(x);
            t[8] = t[9] + static_cast<std::uint32_t>(x >> 32);
        }
        reduce_once(out, t);
        secure_wipe(t, 10);
    }

    // out = (a + b) mod L for a, b < L.
    static constexpr void add(std::uint32_t* out, const std::uint32_t* a, const std::uint32_t* b) noexcept {
        std::uint32_t t[9] = {};
        std::uint64_t c = 0;
CARAPACE_UNROLL(8)
        for (int i = 0; i < 8; ++i) {
            c += std::uint64_t{a[i]} + b[i];
            t[i] = static_cast<std::uint32_t>(c);
            c >>= 32;
        }
        t[8] = static_cast<std::uint32_t>(c);
        reduce_once(out, t);
    }

    // A 64-byte little-endian number (a SHA-512 output) reduced mod L.
    static constexpr void reduce_wide(std::uint8_t* out, const std::uint8_t* wide) noexcept {
        std::uint32_t lo[8] = {}, hi[8] = {}, x[8] = {}, y[8] = {};
        load(lo, wide);
        load(hi, wide + 32);
        mont_mul(x, hi, r3);  // hi * R^2 = (hi * R) * R / R
        mont_mul(y, lo, r2);  // lo * R
        add(x, x, y);         // (hi * R + lo) * R
        mont_mul(y, x, one);  // hi * R + lo
        store(out, y);
        secure_wipe(lo, 8), secure_wipe(hi, 8), secure_wipe(x, 8), secure_wipe(y, 8);
    }

    // out = (r + k * s) mod L, for r, k < L and s < 2^256.
    static constexpr void mul_add(std::uint8_t* out, const std::uint8_t* k, const std::uint8_t* s,
                                  const std::uint8_t* r) noexcept {
        std::uint32_t kk[8] = {}, ss[8] = {}, rr[8] = {}, x[8] = {};
        load(kk, k);
        load(ss, s);
        load(rr, r);
        mont_mul(x, ss, kk);  // k * s / R
        mont_mul(x, x, r2);   // k * s
        add(x, x, rr);
        store(out, x);
        secure_wipe(kk, 8), secure_wipe(ss, 8), secure_wipe(rr, 8), secure_wipe(x, 8);
    }

    // True when the 32-byte number s is below L (public data: variable time is fine).
    static constexpr bool is_canonical(const std::uint8_t* s) noexcept {
        std::uint32_t a[8] = {};
        load(a, s);
        for (int i = 7; i >= 0; --i) {
            if (a[i] < order[i]) return true;
            if (a[i] > order[i]) return false;
        }
        return false;  // equal to L
    }
};

}  // namespace carapace::detail
