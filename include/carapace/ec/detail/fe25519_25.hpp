// Arithmetic modulo p = 2^255 - 19 with ten limbs of alternately 26 and 25 bits (radix 2^25.5)
// and 32x32->64-bit products: the representation for 32-bit targets (no 128-bit integer type),
// usable in constant evaluation. Constant-time: no branch or memory index depends on a value.
//
// Limb i sits at bit offset ceil(25.5 i), so a_i * b_j lands at limb i + j, doubled when i and j
// are both odd, and a product past limb 9 wraps to limb i + j - 10 times 19 (2^255 = 19 mod p).
// Every operation returns limbs below 2^26 + 2^13 and accepts them.
#pragma once

#include <cstdint>

#include "carapace/core/ct.hpp"
#include "carapace/core/unroll.hpp"

namespace carapace::detail {

struct fe25519_25 {
    static constexpr const char* name = "portable-25.5";
    static constexpr bool supported() noexcept { return true; }

    struct fe {
        std::uint32_t v[10];
    };

    static constexpr int width(int i) noexcept { return (i & 1) ? 25 : 26; }
    static constexpr int offset(int i) noexcept { return (51 * i + 1) / 2; }

    static constexpr fe zero() noexcept { return {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}; }
    static constexpr fe one() noexcept { return {{1, 0, 0, 0, 0, 0, 0, 0, 0, 0}}; }

    // The low 255 bits of four little-endian 64-bit words (the top bit is ignored).
    static constexpr fe from_words(const std::uint64_t (&w)[4]) noexcept {
        fe a{};
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) {
            const int o = offset(i), at = o / 64, shift = o % 64;
            std::uint64_t bits = w[at] >> shift;
            if (shift + width(i) > 64) bits |= w[at + 1] << (64 - shift);  // spans two words
            a.v[i] = static_cast<std::uint32_t>(bits & ((std::uint64_t{1} << width(i)) - 1));
        }
        return a;
    }

    static constexpr fe from_bytes(const std::uint8_t* s) noexcept {
        fe a{};
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) {
            const int o = offset(i), w = width(i);
            std::uint64_t bits = 0;
            // The limb spans at most five bytes starting at o / 8.
CARAPACE_UNROLL(5)
            for (int j = 4; j >= 0; --j) {
                const int byte = o / 8 + j;
                bits = (bits << 8) | (byte < 32 ? s[byte] : 0u);
            }
            a.v[i] = static_cast<std::uint32_t>((bits >> (o % 8)) & ((std::uint64_t{1} << w) - 1));
        }
        a.v[9] &= (1u << 25) - 1;  // bit 255 is ignored
        return a;
    }

    // Carries r (limbs up to 2^63) into loosely reduced limbs.
    static constexpr fe carry_wide(std::uint64_t* r) noexcept {
CARAPACE_UNROLL(9)
        for (int i = 0; i < 9; ++i) {
            r[i + 1] += r[i] >> width(i);
            r[i] &= (std::uint64_t{1} << width(i)) - 1;
        }
        r[0] += 19 * (r[9] >> 25);
        r[9] &= (1u << 25) - 1;
        r[1] += r[0] >> 26;
        r[0] &= (1u << 26) - 1;
        fe out{};
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) out.v[i] = static_cast<std::uint32_t>(r[i]);
        return out;
    }

    static constexpr void to_bytes(std::uint8_t* out, const fe& a) noexcept {
        std::uint64_t r[10] = {};
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) r[i] = a.v[i];
        fe t = carry_wide(r);
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) r[i] = t.v[i];
        // The value is below 2^255 + 2^14. q = 1 exactly when it is at least p (adding 19 reaches
        // bit 255); then add 19 and drop bit 255.
        std::uint64_t q = 19;
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) q = (r[i] + q) >> width(i);
        r[0] += 19 * q;
CARAPACE_UNROLL(9)
        for (int i = 0; i < 9; ++i) {
            r[i + 1] += r[i] >> width(i);
            r[i] &= (std::uint64_t{1} << width(i)) - 1;
        }
        r[9] &= (1u << 25) - 1;
        std::uint64_t w[4] = {};
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) {
            const int o = offset(i);
            w[o / 64] |= r[i] << (o % 64);
            if (o % 64 + width(i) > 64) w[o / 64 + 1] |= r[i] >> (64 - o % 64);
        }
CARAPACE_UNROLL(4)
        for (int i = 0; i < 4; ++i)
CARAPACE_UNROLL(8)
            for (int j = 0; j < 8; ++j) out[8 * i + j] = static_cast<std::uint8_t>(w[i] >> (8 * j));
    }

    static constexpr fe add(const fe& a, const fe& b) noexcept {
        std::uint64_t r[10] = {};
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) r[i] = std::uint64_t{a.v[i]} + b.v[i];
        return carry_wide(r);
    }

    // a - b + 4p, so that no limb goes negative.
    static constexpr fe sub(const fe& a, const fe& b) noexcept {
        std::uint64_t r[10] = {};
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) {
            const std::uint64_t four_p = 4 * ((std::uint64_t{1} << width(i)) - (i == 0 ? 19 : 1));
            r[i] = std::uint64_t{a.v[i]} + four_p - b.v[i];
        }
        return carry_wide(r);
    }

    static constexpr fe neg(const fe& a) noexcept { return sub(zero(), a); }

    // Written out in full (one statement per output limb): faster, and few enough evaluation
    // steps that a whole X25519 fits in Clang's default constexpr step limit.
    static constexpr fe mul(const fe& x, const fe& y) noexcept {
        std::uint64_t a[10] = {}, a2[10] = {}, b[10] = {}, b19[10] = {};
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) {
            a[i] = x.v[i];
            a2[i] = 2 * std::uint64_t{x.v[i]};
            b[i] = y.v[i];
            b19[i] = 19 * std::uint64_t{y.v[i]};
        }
        std::uint64_t r[10] = {};
        r[0] = a[0] * b[0] + a2[1] * b19[9] + a[2] * b19[8] + a2[3] * b19[7] + a[4] * b19[6] +
               a2[5] * b19[5] + a[6] * b19[4] + a2[7] * b19[3] + a[8] * b19[2] + a2[9] * b19[1];
        r[1] = a[0] * b[1] + a[1] * b[0] + a[2] * b19[9] + a[3] * b19[8] + a[4] * b19[7] +
               a[5] * b19[6] + a[6] * b19[5] + a[7] * b19[4] + a[8] * b19[3] + a[9] * b19[2];
        r[2] = a[0] * b[2] + a2[1] * b[1] + a[2] * b[0] + a2[3] * b19[9] + a[4] * b19[8] +
               a2[5] * b19[7] + a[6] * b19[6] + a2[7] * b19[5] + a[8] * b19[4] + a2[9] * b19[3];
        r[3] = a[0] * b[3] + a[1] * b[2] + a[2] * b[1] + a[3] * b[0] + a[4] * b19[9] +
               a[5] * b19[8] + a[6] * b19[7] + a[7] * b19[6] + a[8] * b19[5] + a[9] * b19[4];
        r[4] = a[0] * b[4] + a2[1] * b[3] + a[2] * b[2] + a2[3] * b[1] + a[4] * b[0] +
               a2[5] * b19[9] + a[6] * b19[8] + a2[7] * b19[7] + a[8] * b19[6] + a2[9] * b19[5];
        r[5] = a[0] * b[5] + a[1] * b[4] + a[2] * b[3] + a[3] * b[2] + a[4] * b[1] +
               a[5] * b[0] + a[6] * b19[9] + a[7] * b19[8] + a[8] * b19[7] + a[9] * b19[6];
        r[6] = a[0] * b[6] + a2[1] * b[5] + a[2] * b[4] + a2[3] * b[3] + a[4] * b[2] +
               a2[5] * b[1] + a[6] * b[0] + a2[7] * b19[9] + a[8] * b19[8] + a2[9] * b19[7];
        r[7] = a[0] * b[7] + a[1] * b[6] + a[2] * b[5] + a[3] * b[4] + a[4] * b[3] +
               a[5] * b[2] + a[6] * b[1] + a[7] * b[0] + a[8] * b19[9] + a[9] * b19[8];
        r[8] = a[0] * b[8] + a2[1] * b[7] + a[2] * b[6] + a2[3] * b[5] + a[4] * b[4] +
               a2[5] * b[3] + a[6] * b[2] + a2[7] * b[1] + a[8] * b[0] + a2[9] * b19[9];
        r[9] = a[0] * b[9] + a[1] * b[8] + a[2] * b[7] + a[3] * b[6] + a[4] * b[5] +
               a[5] * b[4] + a[6] * b[3] + a[7] * b[2] + a[8] * b[1] + a[9] * b[0];
        return carry_wide(r);
    }

    static constexpr fe sqr(const fe& a) noexcept { return mul(a, a); }

    static constexpr fe mul_a24(const fe& a) noexcept {
        std::uint64_t r[10] = {};
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) r[i] = std::uint64_t{a.v[i]} * 121665;
        return carry_wide(r);
    }

    static constexpr void cswap(std::uint64_t bit, fe& a, fe& b) noexcept {
        const std::uint32_t m = ct::mask_from_bit(static_cast<std::uint32_t>(bit));
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) {
            const std::uint32_t t = (a.v[i] ^ b.v[i]) & m;  // m is opaque: one barrier per call
            a.v[i] ^= t;
            b.v[i] ^= t;
        }
    }
    static constexpr void cmov(std::uint64_t bit, fe& a, const fe& b) noexcept {
        const std::uint32_t m = ct::mask_from_bit(static_cast<std::uint32_t>(bit));
CARAPACE_UNROLL(10)
        for (int i = 0; i < 10; ++i) a.v[i] ^= (a.v[i] ^ b.v[i]) & m;  // m is opaque: one barrier per call
    }
};

}  // namespace carapace::detail
