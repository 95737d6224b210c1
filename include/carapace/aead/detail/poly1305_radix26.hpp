// Poly1305 (RFC 8439 §2.5) numbers in radix 2^26 for the vector cores (poly1305_avx2.hpp,
// poly1305_avx512.hpp), which multiply 32 x 32 -> 64 bits per lane: the changes of radix to and
// from the scalar core's (poly1305_64, radix 2^44), multipliers laid out for vector loads, and the
// sum of the lanes at the end: what the two cores share, whatever their lane count.
// The changes of radix are exact (the same integer, not reduced), so the scalar state and the
// lanes can hand an accumulator back and forth at any point.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/poly1305.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_INT128

namespace carapace::detail::radix26 {

inline constexpr std::uint64_t mask = (std::uint64_t{1} << 26) - 1;

// a0 + a1 2^44 + a2 2^88, with a0, a1 below 2^45 and a2 below 2^43 (poly1305_64 leaves them
// lower), as x0 + x1 2^26 + ... + x4 2^104 with every x_i below 2^27.
constexpr void from_radix44(std::uint64_t a0, std::uint64_t a1, std::uint64_t a2, std::uint64_t (&x)[5]) noexcept {
    x[0] = a0 & mask;
    x[1] = (a0 >> 26) + ((a1 & 0xff) << 18);
    x[2] = (a1 >> 8) & mask;
    x[3] = (a1 >> 34) + ((a2 & 0xffff) << 10);
    x[4] = a2 >> 16;
}

// x (limbs below 2^32) carried to limbs below 2^26 (limb 1 below 2^26 + 2^8), partially reduced
// (2^130 = 5 modulo p), and as a0 + a1 2^44 + a2 2^88: a0 below 2^44, a1 below 2^45, a2 below
// 2^43, which poly1305_64's blocks and finish take.
constexpr void to_radix44(std::uint64_t (&x)[5], std::uint64_t& a0, std::uint64_t& a1, std::uint64_t& a2) noexcept {
    for (int i = 0; i < 4; ++i) {
        x[i + 1] += x[i] >> 26;
        x[i] &= mask;
    }
    x[0] += (x[4] >> 26) * 5;
    x[4] &= mask;
    x[1] += x[0] >> 26;
    x[0] &= mask;
    a0 = x[0] + ((x[1] & 0x3ffff) << 26);
    a1 = (x[1] >> 18) + (x[2] << 8) + ((x[3] & 0x3ff) << 34);
    a2 = (x[3] >> 10) + (x[4] << 16);
}

// A multiplier: its limbs (below 2^27) and 5 times limbs 1-4.
struct multiplier {
    std::uint64_t limb[5] = {}, five[4] = {};
};

constexpr multiplier multiplier_of(const poly1305_64::power& p) noexcept {
    multiplier m;
    from_radix44(p.l0, p.l1, p.l2, m.limb);
    for (int i = 0; i < 4; ++i) m.five[i] = 5 * m.limb[i + 1];
    return m;
}

// The vector layout: row i for limb i (0-4) or 5 times limb i - 4 (5-8), one column per lane.
template <std::size_t Lanes>
constexpr void spread(const multiplier& m, std::uint64_t (&out)[9][Lanes]) noexcept {
    for (std::size_t lane = 0; lane < Lanes; ++lane) {
        for (int i = 0; i < 5; ++i) out[i][lane] = m.limb[i];
        for (int i = 0; i < 4; ++i) out[5 + i][lane] = m.five[i];
    }
}

// Lane j gets r^(Lanes - block_of_lane[j]) from powers[k] = r^(k + 1).
template <std::size_t Lanes>
constexpr void spread_per_lane(const multiplier (&powers)[Lanes], const std::size_t (&block_of_lane)[Lanes],
                               std::uint64_t (&out)[9][Lanes]) noexcept {
    for (std::size_t lane = 0; lane < Lanes; ++lane) {
        const multiplier& m = powers[Lanes - block_of_lane[lane] - 1];
        for (int i = 0; i < 5; ++i) out[i][lane] = m.limb[i];
        for (int i = 0; i < 4; ++i) out[5 + i][lane] = m.five[i];
    }
}

// The key of a vector core from the powers r^1..r^Lanes (powers[k] = r^(k + 1)): r^Lanes for the
// steps in every lane, and r^(Lanes - block_of_lane[j]) in lane j for the end.
template <std::size_t Lanes>
constexpr void spread_key(const poly1305_64::power (&powers)[Lanes], const std::size_t (&block_of_lane)[Lanes],
                          std::uint64_t (&step)[9][Lanes], std::uint64_t (&final)[9][Lanes]) noexcept {
    multiplier p[Lanes];
    for (std::size_t i = 0; i < Lanes; ++i) p[i] = multiplier_of(powers[i]);
    spread(p[Lanes - 1], step);
    spread_per_lane(p, block_of_lane, final);
    secure_wipe(p, Lanes);
}

// The scalar accumulator as 26-bit limbs, which a vector core puts in its lane 0.
constexpr void accumulator_limbs(const poly1305_64& scalar, std::uint64_t (&x)[5]) noexcept {
    from_radix44(scalar.h0, scalar.h1, scalar.h2, x);
}

// The lanes' limbs (limbs[i][lane], each below 2^27) added up and put back as the scalar
// accumulator; limbs is wiped.
template <std::size_t Lanes>
constexpr void add_lanes_into(std::uint64_t (&limbs)[5][Lanes], poly1305_64& scalar) noexcept {
    static_assert(Lanes <= 32, "the sums must stay below 2^32 for to_radix44");
    std::uint64_t sum[5] = {};
    for (int i = 0; i < 5; ++i)
        for (std::size_t lane = 0; lane < Lanes; ++lane) sum[i] += limbs[i][lane];
    secure_wipe(limbs[0], 5 * Lanes);
    to_radix44(sum, scalar.h0, scalar.h1, scalar.h2);
    secure_wipe(sum, 5);
}

}  // namespace carapace::detail::radix26

#endif
