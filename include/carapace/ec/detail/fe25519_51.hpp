// Arithmetic modulo p = 2^255 - 19 with five 51-bit limbs and 128-bit products: the portable
// representation for 64-bit targets, usable in constant evaluation (GCC and Clang evaluate
// unsigned __int128 there). Constant-time: no branch or memory index depends on a value.
//
// Every operation returns limbs below 2^51 + 2^9 ("loosely reduced"); every operation accepts
// them. to_bytes gives the canonical encoding.
#pragma once

#include <cstdint>

#include "carapace/core/ct.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/unroll.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_INT128

struct fe25519_51 {
    static constexpr const char* name = "portable-51";
    static constexpr bool supported() noexcept { return true; }

    struct fe {
        std::uint64_t v[5];
    };
    static constexpr std::uint64_t mask51 = (std::uint64_t{1} << 51) - 1;

    static constexpr fe zero() noexcept { return {{0, 0, 0, 0, 0}}; }
    static constexpr fe one() noexcept { return {{1, 0, 0, 0, 0}}; }

    // The low 255 bits of four little-endian 64-bit words (the top bit is ignored).
    static constexpr fe from_words(const std::uint64_t (&w)[4]) noexcept {
        return {{w[0] & mask51, ((w[0] >> 51) | (w[1] << 13)) & mask51, ((w[1] >> 38) | (w[2] << 26)) & mask51,
                 ((w[2] >> 25) | (w[3] << 39)) & mask51, (w[3] >> 12) & mask51}};
    }

    // The low 255 bits of 32 little-endian bytes (the top bit is ignored).
    static constexpr fe from_bytes(const std::uint8_t* s) noexcept {
        std::uint64_t w[4] = {};
CARAPACE_UNROLL(4)
        for (int i = 0; i < 4; ++i)
CARAPACE_UNROLL(8)
            for (int j = 7; j >= 0; --j) w[i] = (w[i] << 8) | s[8 * i + j];
        return from_words(w);
    }

    // The canonical (fully reduced) little-endian encoding.
    static constexpr void to_bytes(std::uint8_t* out, const fe& a) noexcept {
        fe t = carry(a);
        // t < 2^255 + 2^10 here. q = 1 exactly when t >= p: add 19, see whether bit 255 is set.
        std::uint64_t q = (t.v[0] + 19) >> 51;
        q = (t.v[1] + q) >> 51;
        q = (t.v[2] + q) >> 51;
        q = (t.v[3] + q) >> 51;
        q = (t.v[4] + q) >> 51;
        t.v[0] += 19 * q;
        t.v[1] += t.v[0] >> 51; t.v[0] &= mask51;
        t.v[2] += t.v[1] >> 51; t.v[1] &= mask51;
        t.v[3] += t.v[2] >> 51; t.v[2] &= mask51;
        t.v[4] += t.v[3] >> 51; t.v[3] &= mask51;
        t.v[4] &= mask51;
        const std::uint64_t w[4] = {t.v[0] | (t.v[1] << 51), (t.v[1] >> 13) | (t.v[2] << 38),
                                    (t.v[2] >> 26) | (t.v[3] << 25), (t.v[3] >> 39) | (t.v[4] << 12)};
CARAPACE_UNROLL(4)
        for (int i = 0; i < 4; ++i)
CARAPACE_UNROLL(8)
            for (int j = 0; j < 8; ++j) out[8 * i + j] = static_cast<std::uint8_t>(w[i] >> (8 * j));
    }

    static constexpr fe carry(fe a) noexcept {
        a.v[1] += a.v[0] >> 51; a.v[0] &= mask51;
        a.v[2] += a.v[1] >> 51; a.v[1] &= mask51;
        a.v[3] += a.v[2] >> 51; a.v[2] &= mask51;
        a.v[4] += a.v[3] >> 51; a.v[3] &= mask51;
        a.v[0] += 19 * (a.v[4] >> 51); a.v[4] &= mask51;
        return a;
    }

    static constexpr fe add(const fe& a, const fe& b) noexcept {
        return carry({{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3], a.v[4] + b.v[4]}});
    }

    // a - b + 2p, so that no limb goes negative.
    static constexpr fe sub(const fe& a, const fe& b) noexcept {
        constexpr std::uint64_t two_p0 = 2 * (mask51 - 18), two_pi = 2 * mask51;
        return carry({{a.v[0] + two_p0 - b.v[0], a.v[1] + two_pi - b.v[1], a.v[2] + two_pi - b.v[2],
                       a.v[3] + two_pi - b.v[3], a.v[4] + two_pi - b.v[4]}});
    }

    static constexpr fe neg(const fe& a) noexcept { return sub(zero(), a); }

    static constexpr fe reduce_wide(u128 r0, u128 r1, u128 r2, u128 r3, u128 r4) noexcept {
        r1 += static_cast<std::uint64_t>(r0 >> 51);
        r2 += static_cast<std::uint64_t>(r1 >> 51);
        r3 += static_cast<std::uint64_t>(r2 >> 51);
        r4 += static_cast<std::uint64_t>(r3 >> 51);
        const std::uint64_t c = static_cast<std::uint64_t>(r4 >> 51);
        fe out{{static_cast<std::uint64_t>(r0) & mask51, static_cast<std::uint64_t>(r1) & mask51,
                static_cast<std::uint64_t>(r2) & mask51, static_cast<std::uint64_t>(r3) & mask51,
                static_cast<std::uint64_t>(r4) & mask51}};
        out.v[0] += 19 * c;
        out.v[1] += out.v[0] >> 51;
        out.v[0] &= mask51;
        return out;
    }

    static constexpr fe mul(const fe& a, const fe& b) noexcept {
        const std::uint64_t a0 = a.v[0], a1 = a.v[1], a2 = a.v[2], a3 = a.v[3], a4 = a.v[4];
        const std::uint64_t b0 = b.v[0], b1 = b.v[1], b2 = b.v[2], b3 = b.v[3], b4 = b.v[4];
        const std::uint64_t b1_19 = 19 * b1, b2_19 = 19 * b2, b3_19 = 19 * b3, b4_19 = 19 * b4;
        const u128 r0 = u128(a0) * b0 + u128(a1) * b4_19 + u128(a2) * b3_19 + u128(a3) * b2_19 + u128(a4) * b1_19;
        const u128 r1 = u128(a0) * b1 + u128(a1) * b0 + u128(a2) * b4_19 + u128(a3) * b3_19 + u128(a4) * b2_19;
        const u128 r2 = u128(a0) * b2 + u128(a1) * b1 + u128(a2) * b0 + u128(a3) * b4_19 + u128(a4) * b3_19;
        const u128 r3 = u128(a0) * b3 + u128(a1) * b2 + u128(a2) * b1 + u128(a3) * b0 + u128(a4) * b4_19;
        const u128 r4 = u128(a0) * b4 + u128(a1) * b3 + u128(a2) * b2 + u128(a3) * b1 + u128(a4) * b0;
        return reduce_wide(r0, r1, r2, r3, r4);
    }

    static constexpr fe sqr(const fe& a) noexcept {
        const std::uint64_t a0 = a.v[0], a1 = a.v[1], a2 = a.v[2], a3 = a.v[3], a4 = a.v[4];
        const std::uint64_t a0_2 = 2 * a0, a1_2 = 2 * a1, a3_19 = 19 * a3, a4_19 = 19 * a4;
        const u128 r0 = u128(a0) * a0 + u128(a1_2) * a4_19 + u128(2 * a2) * a3_19;
        const u128 r1 = u128(a0_2) * a1 + u128(2 * a2) * a4_19 + u128(a3) * a3_19;
        const u128 r2 = u128(a0_2) * a2 + u128(a1) * a1 + u128(2 * a3) * a4_19;
        const u128 r3 = u128(a0_2) * a3 + u128(a1_2) * a2 + u128(a4) * a4_19;
        const u128 r4 = u128(a0_2) * a4 + u128(a1_2) * a3 + u128(a2) * a2;
        return reduce_wide(r0, r1, r2, r3, r4);
    }

    // a * 121665 (RFC 7748's a24).
    static constexpr fe mul_a24(const fe& a) noexcept {
        constexpr std::uint64_t k = 121665;
        return reduce_wide(u128(a.v[0]) * k, u128(a.v[1]) * k, u128(a.v[2]) * k, u128(a.v[3]) * k, u128(a.v[4]) * k);
    }

    // Swaps a and b when bit is 1 (bit is 0 or 1).
    static constexpr void cswap(std::uint64_t bit, fe& a, fe& b) noexcept {
        const std::uint64_t m = ct::mask_from_bit(bit);
CARAPACE_UNROLL(5)
        for (int i = 0; i < 5; ++i) {
            const std::uint64_t t = (a.v[i] ^ b.v[i]) & m;  // m is opaque: one barrier per call
            a.v[i] ^= t;
            b.v[i] ^= t;
        }
    }

    // a = b when bit is 1.
    static constexpr void cmov(std::uint64_t bit, fe& a, const fe& b) noexcept {
        const std::uint64_t m = ct::mask_from_bit(bit);
CARAPACE_UNROLL(5)
        for (int i = 0; i < 5; ++i) a.v[i] ^= (a.v[i] ^ b.v[i]) & m;  // m is opaque: one barrier per call
    }
};

#endif  // CARAPACE_HAVE_INT128

}  // namespace carapace::detail
