// Poly1305 (RFC 8439 §2.5) with 64-bit ARM NEON for long messages: four accumulators in radix
// 2^26, two 64-bit lanes per register, so each limb is a pair of registers (blocks 0 and 1 of a
// group of four in one, blocks 2 and 3 in the other: two independent dependency chains),
// multiplied with UMLAL (32 x 32 -> 64 bits per lane, accumulated).
//
// The scheme is poly1305_avx2.hpp's with NEON registers (read that first for the algebra): a
// group of four blocks is absorbed as A = A r^4 + m lane-wise, the scalar accumulator joins lane
// 0 at the first group, and the end multiplies lane j by r^(4-j), adds the lanes and hands the sum
// back to the scalar state (poly1305_64), which does the rest, the lengths and the final
// reduction. The limb bounds are the same as there: limbs below 2^28 going in, products below
// 2^56.4, sums of five below 2^59.
//
// Only multiplies, adds, shifts and masks with fixed lane patterns: constant time. NEON is part
// of the baseline ARMv8-A architecture, so no target attribute is needed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20_neon.hpp"
#include "carapace/aead/detail/poly1305.hpp"
#include "carapace/aead/detail/poly1305_radix26.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_NEON_CHACHA && CARAPACE_HAVE_INT128

// A Poly1305 core in the shape of poly1305.hpp's: runs of at least vector_from blocks go through
// the lanes, the rest (and short messages) through the scalar 64-bit limbs.
struct poly1305_neon_core {
    static constexpr const char* name = "neon";
    static constexpr std::size_t lanes = 4;
    // Below this many blocks the lanes' setup and final sum cost more than they save.
    static constexpr std::size_t vector_from = 16;
    static bool supported() noexcept { return cpu::arm().neon; }

    // The scalar key and the lanes' multipliers: r^4 for the steps, r^(4-j) for lane j at the end.
    void init(const std::uint8_t* key) noexcept {
        scalar.init(key);
        std::uint64_t step[9][lanes], final[9][lanes];
        radix26::spread_key(scalar.r, block_of_lane, step, final);
        for (int i = 0; i < 9; ++i)
            for (std::size_t j = 0; j < lanes; ++j) {
                step_[i][j] = static_cast<std::uint32_t>(step[i][j]);  // below 2^30 (5 times 2^26 + 2^18)
                final_[i][j] = static_cast<std::uint32_t>(final[i][j]);
            }
        secure_wipe(step[0], 9 * lanes);
        secure_wipe(final[0], 9 * lanes);
    }

    void blocks(const std::uint8_t* m, std::size_t count, std::uint64_t hibit = 1) noexcept {
        if (hibit == 1 && count >= vector_from) {
            uint64x2_t h[2][5];
            begin(h);
            // The first group is added, which is where the scalar accumulator joins block 0.
            uint64x2_t c[2][5];
            split(m, c);
            for (int k = 0; k < 2; ++k)
                for (int i = 0; i < 5; ++i) h[k][i] = vaddq_u64(h[k][i], c[k][i]);
            m += 16 * lanes;
            count -= lanes;
            for (; count >= lanes; count -= lanes, m += 16 * lanes) {
                split(m, c);
                multiply_add(h[0], step_, 0, c[0]);
                multiply_add(h[1], step_, 2, c[1]);
            }
            end(h);
        }
        scalar.blocks(m, count, hibit);
    }

    void finish(std::uint8_t* tag) noexcept {
        scalar.finish(tag);
        secure_wipe(step_[0], 9 * lanes);
        secure_wipe(final_[0], 9 * lanes);
    }

    poly1305_64 scalar{};
    std::uint32_t step_[9][lanes]{};   // r^4 in every lane, rows as radix26::spread lays them out
    std::uint32_t final_[9][lanes]{};  // r^(4-j) in lane j

private:
    // Register k holds blocks 2k and 2k+1 of a group.
    static constexpr std::size_t block_of_lane[lanes] = {0, 1, 2, 3};

    // Lanes holding the scalar accumulator (in lane 0).
    void begin(uint64x2_t (&h)[2][5]) const noexcept {
        std::uint64_t x[5];
        radix26::accumulator_limbs(scalar, x);
        for (int i = 0; i < 5; ++i) {
            h[0][i] = vsetq_lane_u64(x[i], vdupq_n_u64(0), 0);
            h[1][i] = vdupq_n_u64(0);
        }
        secure_wipe(x, 5);
    }

    // Lane j times r^(4-j), the lanes added, and the sum into the scalar accumulator.
    void end(uint64x2_t (&h)[2][5]) noexcept {
        const uint64x2_t none[5] = {vdupq_n_u64(0), vdupq_n_u64(0), vdupq_n_u64(0), vdupq_n_u64(0),
                                    vdupq_n_u64(0)};
        multiply_add(h[0], final_, 0, none);
        multiply_add(h[1], final_, 2, none);
        std::uint64_t limbs[5][lanes];
        for (int i = 0; i < 5; ++i) {
            vst1q_u64(limbs[i], h[0][i]);
            vst1q_u64(limbs[i] + 2, h[1][i]);
        }
        radix26::add_lanes_into(limbs, scalar);
    }

    static uint64x2_t load64(const std::uint8_t* p) noexcept { return vreinterpretq_u64_u8(vld1q_u8(p)); }

    // Four blocks (with the 2^128 bit) as 26-bit limbs: blocks 2k and 2k+1 in c[k].
    static void split(const std::uint8_t* m, uint64x2_t (&c)[2][5]) noexcept {
        const uint64x2_t mask = vdupq_n_u64(radix26::mask);
        for (int k = 0; k < 2; ++k) {
            const uint64x2_t a = load64(m + 32 * k), b = load64(m + 32 * k + 16);
            const uint64x2_t lo = vtrn1q_u64(a, b);  // bits 0..63 of each block
            const uint64x2_t hi = vtrn2q_u64(a, b);  // bits 64..127
            c[k][0] = vandq_u64(lo, mask);
            c[k][1] = vandq_u64(vshrq_n_u64(lo, 26), mask);
            c[k][2] = vandq_u64(vorrq_u64(vshrq_n_u64(lo, 52), vshlq_n_u64(hi, 12)), mask);
            c[k][3] = vandq_u64(vshrq_n_u64(hi, 14), mask);
            c[k][4] = vorrq_u64(vshrq_n_u64(hi, 40), vdupq_n_u64(std::uint64_t{1} << 24));
        }
    }

    // to += from's bits above 26; from keeps its low 26.
    static void carry(uint64x2_t& from, uint64x2_t& to) noexcept {
        to = vaddq_u64(to, vshrq_n_u64(from, 26));
        from = vandq_u64(from, vdupq_n_u64(radix26::mask));
    }

    // h = h b + c lane-wise (b's lanes `lane` and `lane + 1`), partially reduced, with the
    // carries of poly1305_avx2's multiply_add: every limb ends below 2^26 + 2^9.
    static void multiply_add(uint64x2_t (&h)[5], const std::uint32_t (&b)[9][lanes], std::size_t lane,
                             const uint64x2_t (&c)[5]) noexcept {
        uint32x2_t r[9];
        for (int i = 0; i < 9; ++i) r[i] = vld1_u32(b[i] + lane);
        const uint32x2_t h0 = vmovn_u64(h[0]), h1 = vmovn_u64(h[1]), h2 = vmovn_u64(h[2]);
        const uint32x2_t h3 = vmovn_u64(h[3]), h4 = vmovn_u64(h[4]);
        // r[5 + i] = 5 r[i + 1] (2^130 = 5 modulo p).
        uint64x2_t d0 = vmlal_u32(c[0], h0, r[0]), d1 = vmlal_u32(c[1], h0, r[1]);
        uint64x2_t d2 = vmlal_u32(c[2], h0, r[2]), d3 = vmlal_u32(c[3], h0, r[3]);
        uint64x2_t d4 = vmlal_u32(c[4], h0, r[4]);
        d0 = vmlal_u32(d0, h1, r[8]), d1 = vmlal_u32(d1, h1, r[0]), d2 = vmlal_u32(d2, h1, r[1]);
        d3 = vmlal_u32(d3, h1, r[2]), d4 = vmlal_u32(d4, h1, r[3]);
        d0 = vmlal_u32(d0, h2, r[7]), d1 = vmlal_u32(d1, h2, r[8]), d2 = vmlal_u32(d2, h2, r[0]);
        d3 = vmlal_u32(d3, h2, r[1]), d4 = vmlal_u32(d4, h2, r[2]);
        d0 = vmlal_u32(d0, h3, r[6]), d1 = vmlal_u32(d1, h3, r[7]), d2 = vmlal_u32(d2, h3, r[8]);
        d3 = vmlal_u32(d3, h3, r[0]), d4 = vmlal_u32(d4, h3, r[1]);
        d0 = vmlal_u32(d0, h4, r[5]), d1 = vmlal_u32(d1, h4, r[6]), d2 = vmlal_u32(d2, h4, r[7]);
        d3 = vmlal_u32(d3, h4, r[8]), d4 = vmlal_u32(d4, h4, r[0]);
        carry(d0, d1);
        carry(d3, d4);
        carry(d1, d2);
        const uint64x2_t k4 = vshrq_n_u64(d4, 26);  // times 5 into limb 0: k + 4k
        d4 = vandq_u64(d4, vdupq_n_u64(radix26::mask));
        d0 = vaddq_u64(d0, vaddq_u64(k4, vshlq_n_u64(k4, 2)));
        carry(d2, d3);
        carry(d0, d1);
        carry(d3, d4);
        h[0] = d0, h[1] = d1, h[2] = d2, h[3] = d3, h[4] = d4;
    }
};

#else

struct poly1305_neon_core : poly1305_portable {
    static constexpr const char* name = "neon";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
