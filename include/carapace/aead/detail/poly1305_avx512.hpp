// Poly1305 (RFC 8439 §2.5) with AVX-512F for long messages on CPUs without AVX-512 IFMA: the
// eight-lane form of poly1305_avx2.hpp (read that first), a ZMM register per 26-bit limb, so
// each step takes a group of eight blocks and does A = A r^8 + m in every lane, and the end
// multiplies lane j by r^(8-j). The setup adds r^5..r^8 (four scalar multiplications) to the
// r..r^4 the scalar state has.
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

#define CARAPACE_POLY_AVX512_TARGET __attribute__((target("avx512f")))
#define CARAPACE_POLY_AVX512_INLINE CARAPACE_POLY_AVX512_TARGET __attribute__((always_inline)) inline

// The eight lanes' accumulator, apart from the key so that it can live in registers across a
// caller's loop.
struct poly1305_avx512_lanes {
    __m512i h[5];
    bool started;  // whether a group was added
};

class poly1305_avx512 {
public:
    static constexpr const char* name = "avx512";
    static constexpr std::size_t lanes = 8;
    static constexpr std::size_t group_size = 16 * lanes;  // bytes per step: one block per lane

    static bool supported() noexcept { return cpu::features().avx512f; }

    // The key from `scalar`: r^8 for the steps, and r^(8-j) for lane j at the end.
    explicit poly1305_avx512(const poly1305_64& scalar) noexcept {
        poly1305_64::power q[lanes];
        for (std::size_t i = 0; i < 4; ++i) q[i] = scalar.r[i];
        for (std::size_t i = 4; i < lanes; ++i) {
            poly1305_64::wide d{};
            poly1305_64::multiply_add(d, q[i - 1].l0, q[i - 1].l1, q[i - 1].l2, q[0]);
            std::uint64_t a0 = 0, a1 = 0, a2 = 0;
            poly1305_64::carry(d, a0, a1, a2);
            q[i] = poly1305_64::make_power(a0, a1, a2);
        }
        radix26::spread_key(q, block_of_lane, step_, final_);
        secure_wipe(q, lanes);
    }
    poly1305_avx512(const poly1305_avx512&) = delete;
    poly1305_avx512& operator=(const poly1305_avx512&) = delete;
    ~poly1305_avx512() {
        secure_wipe(step_[0], 9 * lanes);
        secure_wipe(final_[0], 9 * lanes);
    }

    // Lanes holding scalar's accumulator (in lane 0), to which groups can be added.
    CARAPACE_POLY_AVX512_INLINE poly1305_avx512_lanes begin(const poly1305_64& scalar) const noexcept {
        std::uint64_t x[5];
        radix26::accumulator_limbs(scalar, x);
        poly1305_avx512_lanes a{};
        for (int i = 0; i < 5; ++i) a.h[i] = _mm512_maskz_set1_epi64(1, static_cast<long long>(x[i]));
        secure_wipe(x, 5);
        a.started = false;
        return a;
    }

    // lanes = lanes r^8 + the group's blocks; the first time lanes + the blocks, which is where
    // the scalar accumulator joins block 0.
    CARAPACE_POLY_AVX512_INLINE void absorb(poly1305_avx512_lanes& a, const std::uint8_t* m) const noexcept {
        __m512i c[5];
        split(m, c);
        if (!a.started) {
            for (int i = 0; i < 5; ++i) a.h[i] = _mm512_add_epi64(a.h[i], c[i]);
            a.started = true;
            return;
        }
        multiply_add(a.h, step_, c);
    }

    // Lane j times r^(8-j), the lanes added, and the sum into scalar's accumulator (in the
    // scalar code's radix). The lanes are zeroed. Without a group, scalar's accumulator is still
    // what begin() took.
    CARAPACE_POLY_AVX512_INLINE void finish(poly1305_avx512_lanes& a, poly1305_64& scalar) const noexcept {
        if (!a.started) return;
        const __m512i zero = _mm512_setzero_si512();
        const __m512i none[5] = {zero, zero, zero, zero, zero};
        multiply_add(a.h, final_, none);
        alignas(64) std::uint64_t limbs[5][lanes];
        for (int i = 0; i < 5; ++i) {
            _mm512_store_si512(limbs[i], a.h[i]);
            a.h[i] = zero;
        }
        radix26::add_lanes_into(limbs, scalar);
    }

private:
    // Loading two 64-byte halves and interleaving their 64-bit words (within 128-bit quarters)
    // puts block k of the first half in lane 2k and block k of the second in lane 2k + 1.
    static constexpr std::size_t block_of_lane[lanes] = {0, 4, 1, 5, 2, 6, 3, 7};

    // The masked forms with every lane selected, because GCC 12 warns about the unmasked
    // intrinsics' internal undefined operand (-Wmaybe-uninitialized). They compile to the same
    // unmasked instructions.
    static constexpr __mmask8 all8 = 0xff;
    template <unsigned N>
    CARAPACE_POLY_AVX512_INLINE static __m512i shr(__m512i v) noexcept {
        return _mm512_mask_srli_epi64(v, all8, v, N);
    }
    template <unsigned N>
    CARAPACE_POLY_AVX512_INLINE static __m512i shl(__m512i v) noexcept {
        return _mm512_mask_slli_epi64(v, all8, v, N);
    }
    CARAPACE_POLY_AVX512_INLINE static __m512i broadcast(std::uint64_t v) noexcept {
        return _mm512_set1_epi64(static_cast<long long>(v));
    }

    CARAPACE_POLY_AVX512_INLINE static __m512i load(const std::uint64_t* p) noexcept {
        return _mm512_load_si512(p);
    }

    CARAPACE_POLY_AVX512_INLINE static __m512i mul(__m512i x, __m512i y) noexcept { return _mm512_mask_mul_epu32(x, all8, x, y); }
    CARAPACE_POLY_AVX512_INLINE static __m512i add(__m512i x, __m512i y) noexcept { return _mm512_add_epi64(x, y); }
    // to += from's bits above 26; from keeps its low 26.
    CARAPACE_POLY_AVX512_INLINE static void carry(__m512i& from, __m512i& to) noexcept {
        to = add(to, shr<26>(from));
        from = _mm512_and_si512(from, broadcast(radix26::mask));
    }

    // Eight blocks (with the 2^128 bit) as 26-bit limbs, block_of_lane[j] in lane j.
    CARAPACE_POLY_AVX512_INLINE static void split(const std::uint8_t* m, __m512i (&c)[5]) noexcept {
        const __m512i a = _mm512_loadu_si512(m), b = _mm512_loadu_si512(m + 64);
        const __m512i lo = _mm512_mask_unpacklo_epi64(a, all8, a, b);  // bits 0..63 of each block
        const __m512i hi = _mm512_mask_unpackhi_epi64(a, all8, a, b);  // bits 64..127
        const __m512i mask = broadcast(radix26::mask);
        c[0] = _mm512_and_si512(lo, mask);
        c[1] = _mm512_and_si512(shr<26>(lo), mask);
        c[2] = _mm512_and_si512(_mm512_or_si512(shr<52>(lo), shl<12>(hi)), mask);
        c[3] = _mm512_and_si512(shr<14>(hi), mask);
        c[4] = _mm512_or_si512(shr<40>(hi), broadcast(std::uint64_t{1} << 24));
    }

    // The five running sums as they are, as in poly1305_avx2 (why is there).
    CARAPACE_POLY_AVX512_INLINE static void keep_in_registers(__m512i& d0, __m512i& d1, __m512i& d2, __m512i& d3,
                                                             __m512i& d4) noexcept {
#if !defined(CARAPACE_CT_CHECK_MSAN)
        asm("" : "+v"(d0), "+v"(d1), "+v"(d2), "+v"(d3), "+v"(d4));
#else
        (void)d0, (void)d1, (void)d2, (void)d3, (void)d4;
#endif
    }

    // h = h b + c lane-wise, partially reduced, as in poly1305_avx2 (the bounds are there).
    CARAPACE_POLY_AVX512_INLINE static void multiply_add(__m512i (&h)[5], const std::uint64_t (&b)[9][lanes],
                                                       const __m512i (&c)[5]) noexcept {
        const __m512i b0 = load(b[0]), b1 = load(b[1]), b2 = load(b[2]), b3 = load(b[3]), b4 = load(b[4]);
        const __m512i s1 = load(b[5]), s2 = load(b[6]), s3 = load(b[7]), s4 = load(b[8]);
        __m512i d0 = add(c[0], mul(h[0], b0)), d1 = add(c[1], mul(h[0], b1)), d2 = add(c[2], mul(h[0], b2));
        __m512i d3 = add(c[3], mul(h[0], b3)), d4 = add(c[4], mul(h[0], b4));
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
        const __m512i k4 = shr<26>(d4);  // times 5 into limb 0: k + 4k
        d4 = _mm512_and_si512(d4, broadcast(radix26::mask));
        d0 = add(d0, add(k4, shl<2>(k4)));
        carry(d2, d3);
        carry(d0, d1);
        carry(d3, d4);
        h[0] = d0, h[1] = d1, h[2] = d2, h[3] = d3, h[4] = d4;
    }

    alignas(64) std::uint64_t step_[9][lanes]{};   // r^8, spread to every lane
    alignas(64) std::uint64_t final_[9][lanes]{};  // per lane r^(8-j)
};

// A Poly1305 core in the shape of poly1305.hpp's, whose whole groups of blocks go through the
// lanes and the rest through the scalar code: with poly1305_stream it puts the lanes under the
// Poly1305 tests.
struct poly1305_avx512_core {
    static constexpr const char* name = "avx512";
    static bool supported() noexcept { return poly1305_avx512::supported(); }

    constexpr void init(const std::uint8_t* key) noexcept { scalar.init(key); }

    CARAPACE_POLY_AVX512_TARGET void blocks(const std::uint8_t* m, std::size_t count, std::uint64_t hibit = 1) noexcept {
        if (hibit == 1 && count >= poly1305_avx512::lanes) {
            const poly1305_avx512 key(scalar);
            poly1305_avx512_lanes lanes = key.begin(scalar);
            for (; count >= poly1305_avx512::lanes; count -= poly1305_avx512::lanes, m += poly1305_avx512::group_size)
                key.absorb(lanes, m);
            key.finish(lanes, scalar);
        }
        scalar.blocks(m, count, hibit);
    }

    constexpr void finish(std::uint8_t* tag) noexcept { scalar.finish(tag); }

    poly1305_64 scalar{};
};

#undef CARAPACE_POLY_AVX512_INLINE
#undef CARAPACE_POLY_AVX512_TARGET

#else

class poly1305_avx512 {
public:
    static constexpr const char* name = "avx512";
    static constexpr bool supported() noexcept { return false; }
};

struct poly1305_avx512_core : poly1305_portable {
    static constexpr const char* name = "avx512";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
