// Poly1305 (RFC 8439 §2.5) with AVX2 for long messages on CPUs without AVX-512 IFMA: four
// accumulators, one in each 64-bit lane, in radix 2^26 (h0 + h1 2^26 + h2 2^52 + h3 2^78 +
// h4 2^104, a YMM register per limb), multiplied with VPMULUDQ (32 x 32 -> 64 bits per lane).
//
// Each step takes a group of four blocks, block j to lane j, and does A = A r^4 + m in every lane,
// so after k groups lane j holds the sum over i of m(4i+j) r^(4(k-1-i)). The end multiplies lane j
// by r^(4-j) and adds the lanes: block n of N gets r^(N-n), as in the one-block-at-a-time
// definition. The scalar accumulator (the AAD, say) joins lane 0 in the first step, so it gets r^N
// too, and the sum goes back to the scalar state (poly1305_64, radix 2^44), which does the rest of
// the message, the lengths and the final reduction. r^4 is already in the scalar state, so the
// setup is a change of radix; the 26-bit limbs are the largest whose products, five of them
// summed, fit the 64-bit lanes (bounds at multiply_add).
//
// Only multiplies, adds, shifts and masks with fixed lane patterns: constant time.
//
// A stub that reports itself unsupported in a -DCARAPACE_FORCE_PORTABLE build or off x86-64.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/poly1305.hpp"
#include "carapace/aead/detail/poly1305_radix26.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128

#define CARAPACE_POLY_AVX2_TARGET __attribute__((target("avx2")))
#define CARAPACE_POLY_AVX2_INLINE CARAPACE_POLY_AVX2_TARGET __attribute__((always_inline)) inline

// The four lanes' accumulator, apart from the key so that it can live in registers across a
// caller's loop.
struct poly1305_avx2_lanes {
    __m256i h[5];
    bool started;  // whether a group was added
};

class poly1305_avx2 {
public:
    static constexpr const char* name = "avx2";
    static constexpr std::size_t lanes = 4;
    static constexpr std::size_t group_size = 16 * lanes;  // bytes per step: one block per lane

    static bool supported() noexcept { return cpu::features().avx2; }

    // The key from `scalar`: r^4 for the steps, and r^(4-j) for lane j at the end.
    explicit poly1305_avx2(const poly1305_64& scalar) noexcept {
        radix26::spread_key(scalar.r, block_of_lane, step_, final_);
    }
    poly1305_avx2(const poly1305_avx2&) = delete;
    poly1305_avx2& operator=(const poly1305_avx2&) = delete;
    ~poly1305_avx2() {
        secure_wipe(step_[0], 9 * lanes);
        secure_wipe(final_[0], 9 * lanes);
    }

    // Lanes holding scalar's accumulator (in lane 0), to which groups can be added.
    CARAPACE_POLY_AVX2_INLINE poly1305_avx2_lanes begin(const poly1305_64& scalar) const noexcept {
        std::uint64_t x[5];
        radix26::accumulator_limbs(scalar, x);
        poly1305_avx2_lanes a{};
        for (int i = 0; i < 5; ++i) a.h[i] = _mm256_set_epi64x(0, 0, 0, static_cast<long long>(x[i]));
        secure_wipe(x, 5);
        a.started = false;
        return a;
    }

    // lanes = lanes r^4 + the group's blocks; the first time lanes + the blocks, which is where
    // the scalar accumulator joins block 0.
    CARAPACE_POLY_AVX2_INLINE void absorb(poly1305_avx2_lanes& a, const std::uint8_t* m) const noexcept {
        __m256i c[5];
        split(m, c);
        if (!a.started) {
            for (int i = 0; i < 5; ++i) a.h[i] = _mm256_add_epi64(a.h[i], c[i]);
            a.started = true;
            return;
        }
        multiply_add(a.h, step_, c);
    }

    // Lane j times r^(4-j), the lanes added, and the sum into scalar's accumulator (in the
    // scalar code's radix). The lanes are zeroed. Without a group, scalar's accumulator is still
    // what begin() took.
    CARAPACE_POLY_AVX2_INLINE void finish(poly1305_avx2_lanes& a, poly1305_64& scalar) const noexcept {
        if (!a.started) return;
        const __m256i zero = _mm256_setzero_si256();
        const __m256i none[5] = {zero, zero, zero, zero, zero};
        multiply_add(a.h, final_, none);
        alignas(32) std::uint64_t limbs[5][lanes];
        for (int i = 0; i < 5; ++i) {
            _mm256_store_si256(reinterpret_cast<__m256i*>(limbs[i]), a.h[i]);
            a.h[i] = zero;
        }
        radix26::add_lanes_into(limbs, scalar);
    }

private:
    // Loading two 32-byte halves and interleaving their 64-bit words (within 128-bit halves)
    // puts blocks 0, 2, 1, 3 in lanes 0-3.
    static constexpr std::size_t block_of_lane[lanes] = {0, 2, 1, 3};

    CARAPACE_POLY_AVX2_INLINE static __m256i load(const std::uint64_t* p) noexcept {
        return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
    }

    CARAPACE_POLY_AVX2_INLINE static __m256i mul(__m256i x, __m256i y) noexcept { return _mm256_mul_epu32(x, y); }
    CARAPACE_POLY_AVX2_INLINE static __m256i add(__m256i x, __m256i y) noexcept { return _mm256_add_epi64(x, y); }
    // to += from's bits above 26; from keeps its low 26.
    CARAPACE_POLY_AVX2_INLINE static void carry(__m256i& from, __m256i& to) noexcept {
        to = add(to, _mm256_srli_epi64(from, 26));
        from = _mm256_and_si256(from, _mm256_set1_epi64x(radix26::mask));
    }

    // Four blocks (with the 2^128 bit) as 26-bit limbs, block_of_lane[j] in lane j.
    CARAPACE_POLY_AVX2_INLINE static void split(const std::uint8_t* m, __m256i (&c)[5]) noexcept {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m + 32));
        const __m256i lo = _mm256_unpacklo_epi64(a, b);  // bits 0..63 of each block
        const __m256i hi = _mm256_unpackhi_epi64(a, b);  // bits 64..127
        const __m256i mask = _mm256_set1_epi64x(radix26::mask);
        c[0] = _mm256_and_si256(lo, mask);
        c[1] = _mm256_and_si256(_mm256_srli_epi64(lo, 26), mask);
        c[2] = _mm256_and_si256(_mm256_or_si256(_mm256_srli_epi64(lo, 52), _mm256_slli_epi64(hi, 12)), mask);
        c[3] = _mm256_and_si256(_mm256_srli_epi64(hi, 14), mask);
        c[4] = _mm256_or_si256(_mm256_srli_epi64(hi, 40), _mm256_set1_epi64x(1 << 24));
    }

    // The five running sums as they are: left alone, GCC computes all 25 products first (to add
    // them as a tree) and spills them, which also costs the ChaCha20 rounds stitched around this
    // their registers. (Not in the MemorySanitizer build of the constant-time check, which would
    // take the asm for a use of secrets.)
    CARAPACE_POLY_AVX2_INLINE static void keep_in_registers(__m256i& d0, __m256i& d1, __m256i& d2, __m256i& d3,
                                                           __m256i& d4) noexcept {
#if !defined(CARAPACE_CT_CHECK_MSAN)
        asm("" : "+x"(d0), "+x"(d1), "+x"(d2), "+x"(d3), "+x"(d4));
#else
        (void)d0, (void)d1, (void)d2, (void)d3, (void)d4;
#endif
    }

    // h = h b + c lane-wise, partially reduced; b is spread as radix26::spread leaves it (limbs
    // 0-4, then 5 times limbs 1-4: 2^130 is 5 modulo p). With h's limbs below 2^28 (a group added
    // to the scalar accumulator's limbs, below 2^27, at the first step), b's below 2^26 + 2^18 and
    // c's below 2^26, each product is below 2^56.4 with the 5 b_i, and each limb's sum of five
    // below 2^59. The carries run in two interleaved chains (limbs 0 -> 1 -> 2 -> 3 and
    // 3 -> 4 -> 0 -> 1) and leave every limb below 2^26 + 2^9.
    CARAPACE_POLY_AVX2_INLINE static void multiply_add(__m256i (&h)[5], const std::uint64_t (&b)[9][lanes],
                                                       const __m256i (&c)[5]) noexcept {
        const __m256i b0 = load(b[0]), b1 = load(b[1]), b2 = load(b[2]), b3 = load(b[3]), b4 = load(b[4]);
        const __m256i s1 = load(b[5]), s2 = load(b[6]), s3 = load(b[7]), s4 = load(b[8]);
        __m256i d0 = add(c[0], mul(h[0], b0)), d1 = add(c[1], mul(h[0], b1)), d2 = add(c[2], mul(h[0], b2));
        __m256i d3 = add(c[3], mul(h[0], b3)), d4 = add(c[4], mul(h[0], b4));
        keep_in_registers(d0, d1, d2, d3, d4);
        d0 = add(d0, mul(h[1], s4)), d1 = add(d1, mul(h[1], b0)), d2 = add(d2, mul(h[1], b1));
        d3 = add(d3, mul(h[1], b2)), d4 = add(d4, mul(h[1], b3));
        keep_in_registers(d0, d1, d2, d3, d4);
        d0 = add(d0, mul(h[2], s3)), d1 = add(d1, mul(h[2], s4)), d2 = add(d2, mul(h[2], b0));
        d3 = add(d3, mul(h[2], b1)), d4 = add(d4, mul(h[2], b2));
        keep_in_registers(d0, d1, d2, d3, d4);
        d0 = add(d0, mul(h[3], s2)), d1 = add(d1, mul(h[3], s3)), d2 = add(d2, mul(h[3], s4));
        d3 = add(d3, mul(h[3], b0)), d4 = add(d4, mul(h[3], b1));
        keep_in_registers(d0, d1, d2, d3, d4);
        d0 = add(d0, mul(h[4], s1)), d1 = add(d1, mul(h[4], s2)), d2 = add(d2, mul(h[4], s3));
        d3 = add(d3, mul(h[4], s4)), d4 = add(d4, mul(h[4], b0));
        carry(d0, d1);
        carry(d3, d4);
        carry(d1, d2);
        const __m256i k4 = _mm256_srli_epi64(d4, 26);  // times 5 into limb 0: k + 4k
        d4 = _mm256_and_si256(d4, _mm256_set1_epi64x(radix26::mask));
        d0 = add(d0, add(k4, _mm256_slli_epi64(k4, 2)));
        carry(d2, d3);
        carry(d0, d1);
        carry(d3, d4);
        h[0] = d0, h[1] = d1, h[2] = d2, h[3] = d3, h[4] = d4;
    }

    alignas(32) std::uint64_t step_[9][lanes]{};   // r^4, spread to every lane
    alignas(32) std::uint64_t final_[9][lanes]{};  // per lane r^(4-j)
};

// A Poly1305 core in the shape of poly1305.hpp's, whose whole groups of blocks go through the
// lanes and the rest through the scalar code: with poly1305_stream it puts the lanes under the
// Poly1305 tests.
struct poly1305_avx2_core {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return poly1305_avx2::supported(); }

    constexpr void init(const std::uint8_t* key) noexcept { scalar.init(key); }

    CARAPACE_POLY_AVX2_TARGET void blocks(const std::uint8_t* m, std::size_t count, std::uint64_t hibit = 1) noexcept {
        if (hibit == 1 && count >= poly1305_avx2::lanes) {
            const poly1305_avx2 key(scalar);
            poly1305_avx2_lanes lanes = key.begin(scalar);
            for (; count >= poly1305_avx2::lanes; count -= poly1305_avx2::lanes, m += poly1305_avx2::group_size)
                key.absorb(lanes, m);
            key.finish(lanes, scalar);
        }
        scalar.blocks(m, count, hibit);
    }

    constexpr void finish(std::uint8_t* tag) noexcept { scalar.finish(tag); }

    poly1305_64 scalar{};
};

#undef CARAPACE_POLY_AVX2_INLINE
#undef CARAPACE_POLY_AVX2_TARGET

#else

class poly1305_avx2 {
public:
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
};

struct poly1305_avx2_core : poly1305_portable {
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
