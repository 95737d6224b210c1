// ML-KEM's NTT, inverse NTT and NTT-domain products (FIPS 203 Algorithms 9 to 12) with AVX2:
// sixteen 16-bit coefficients per register, Montgomery products formed from the low and high
// halves of 16-bit multiplications (vpmullw, vpmulhw), as in Seiler's "Faster AVX2 optimized NTT
// multiplication for Ring-LWE lattice cryptography" (2018).
//
// Unlike that paper, the coefficients stay in the standard order throughout, because the rest of
// the code (ByteEncode of t-hat, the portable variant it must agree with) reads them in that
// order. The four outer layers pair whole registers. In the three inner layers (distance 8, 4
// and 2) both members of a pair sit in one register: one shuffle copies the lower members over
// the whole register, another the upper ones, and a per-coefficient twiddle and sign finish the
// butterfly. Every step computes exactly what the portable code (mlkem_poly.hpp) computes, on
// the same values, so both give the same bits; the tests check it on random and extreme inputs.
//
// Constant time: only multiplications, additions, shifts, shuffles and blends; the twiddle
// factors are public tables indexed by position.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/kem/detail/mlkem_poly.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail::mlkem {

#if CARAPACE_HAVE_X86_INTRINSICS

// For the inner layers: the twiddle factor of each coefficient position (for a butterfly
// distance d, position p belongs to block p / 2d, whose zeta is zetas[128 / d + p / 2d] going
// forward and zetas[256 / d - 1 - p / 2d] going back), in Montgomery form, and the same times
// q^-1 mod 2^16 (the low-half factor of a Montgomery product).
struct ntt_lane_twiddles {
    alignas(32) std::array<std::int16_t, n> zeta{};
    alignas(32) std::array<std::int16_t, n> zeta_qinv{};
};

constexpr ntt_lane_twiddles make_lane_twiddles(std::size_t distance, bool inverse) noexcept {
    ntt_lane_twiddles t{};
    for (std::size_t p = 0; p < n; ++p) {
        const std::size_t block = p / (2 * distance);
        const std::size_t index = inverse ? n / distance - 1 - block : n / 2 / distance + block;
        t.zeta[p] = zetas_montgomery[index];
        t.zeta_qinv[p] = static_cast<std::int16_t>(
            static_cast<std::uint16_t>(static_cast<std::uint32_t>(zetas_montgomery[index]) *
                                       static_cast<std::uint32_t>(q_inverse_mod_r)));
    }
    return t;
}

inline constexpr std::array<ntt_lane_twiddles, 3> forward_lane_twiddles = {
    make_lane_twiddles(8, false), make_lane_twiddles(4, false), make_lane_twiddles(2, false)};
inline constexpr std::array<ntt_lane_twiddles, 3> inverse_lane_twiddles = {
    make_lane_twiddles(2, true), make_lane_twiddles(4, true), make_lane_twiddles(8, true)};

// gamma_i 2^16 mod q at the odd position of pair i (even positions unused), for the products.
alignas(32) inline constexpr std::array<std::int16_t, n> gammas_montgomery_odd = [] {
    std::array<std::int16_t, n> g{};
    for (std::size_t i = 0; i < n / 2; ++i)
        g[2 * i + 1] = static_cast<std::int16_t>((std::uint32_t{gammas[i]} << 16) % q);
    return g;
}();

#define CARAPACE_MLKEM_AVX2_TARGET __attribute__((target("avx2")))
#define CARAPACE_MLKEM_AVX2_INLINE __attribute__((target("avx2"), always_inline)) inline

namespace mlkem_avx2_ops {

CARAPACE_MLKEM_AVX2_INLINE __m256i q_vector() noexcept { return _mm256_set1_epi16(static_cast<short>(q)); }

// a z 2^-16 mod q, lane by lane, given z and z q^-1 mod 2^16: the high half of a z minus the
// high half of (low half of a z q^-1) q, which is montgomery_reduce(a z) exactly.
CARAPACE_MLKEM_AVX2_INLINE __m256i mul_montgomery(__m256i a, __m256i z, __m256i z_qinv) noexcept {
    const __m256i low = _mm256_mullo_epi16(a, z_qinv);
    const __m256i high = _mm256_mulhi_epi16(a, z);
    return _mm256_sub_epi16(high, _mm256_mulhi_epi16(low, q_vector()));
}

// barrett_reduce lane by lane: floor((v a + 2^25) / 2^26) is floor((floor(v a / 2^16) + 2^9) / 2^10).
CARAPACE_MLKEM_AVX2_INLINE __m256i barrett(__m256i a) noexcept {
    constexpr int v = ((1 << 26) + static_cast<int>(q) / 2) / static_cast<int>(q);
    __m256i t = _mm256_mulhi_epi16(a, _mm256_set1_epi16(static_cast<short>(v)));
    t = _mm256_srai_epi16(_mm256_add_epi16(t, _mm256_set1_epi16(512)), 10);
    return _mm256_sub_epi16(a, _mm256_mullo_epi16(t, q_vector()));
}

CARAPACE_MLKEM_AVX2_INLINE __m256i canonical(__m256i a) noexcept {
    const __m256i r = barrett(a);
    return _mm256_add_epi16(r, _mm256_and_si256(q_vector(), _mm256_srai_epi16(r, 15)));
}

CARAPACE_MLKEM_AVX2_INLINE __m256i load(const void* p) noexcept {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

CARAPACE_MLKEM_AVX2_INLINE void store(void* p, __m256i v) noexcept { _mm256_storeu_si256(static_cast<__m256i*>(p), v); }

// Copies of the lower (upper) member of every pair at butterfly distance D over both members.
template <std::size_t D>
CARAPACE_MLKEM_AVX2_INLINE __m256i lower_members(__m256i v) noexcept {
    if constexpr (D == 8) return _mm256_permute4x64_epi64(v, 0x44);
    else if constexpr (D == 4) return _mm256_shuffle_epi32(v, 0x44);
    else return _mm256_shuffle_epi32(v, 0xa0);
}

template <std::size_t D>
CARAPACE_MLKEM_AVX2_INLINE __m256i upper_members(__m256i v) noexcept {
    if constexpr (D == 8) return _mm256_permute4x64_epi64(v, 0xee);
    else if constexpr (D == 4) return _mm256_shuffle_epi32(v, 0xee);
    else return _mm256_shuffle_epi32(v, 0xf5);
}

// The upper member's positions as a 32-bit blend mask, and as -1 (1 elsewhere) for vpsignw.
template <std::size_t D>
inline constexpr int upper_blend = D == 8 ? 0xf0 : D == 4 ? 0xcc : 0xaa;

template <std::size_t D>
CARAPACE_MLKEM_AVX2_INLINE __m256i upper_signs() noexcept {
    const __m256i ones = _mm256_set1_epi16(1);
    return _mm256_blend_epi32(ones, _mm256_set1_epi16(-1), upper_blend<D>);
}

// One forward layer at distance D < 16: w[j] + t and w[j] - t with t = w[j + D] zeta.
template <std::size_t D>
CARAPACE_MLKEM_AVX2_INLINE void forward_inner_layer(__m256i* v, const ntt_lane_twiddles& tw) noexcept {
    const __m256i signs = upper_signs<D>();
    for (std::size_t m = 0; m < n / 16; ++m) {
        const __m256i t = mul_montgomery(upper_members<D>(v[m]), load(tw.zeta.data() + 16 * m),
                                         load(tw.zeta_qinv.data() + 16 * m));
        v[m] = _mm256_add_epi16(lower_members<D>(v[m]), _mm256_sign_epi16(t, signs));
    }
}

// One inverse layer at distance D < 16: Barrett(w[j] + w[j + D]) and (w[j + D] - w[j]) zeta.
template <std::size_t D>
CARAPACE_MLKEM_AVX2_INLINE void inverse_inner_layer(__m256i* v, const ntt_lane_twiddles& tw) noexcept {
    for (std::size_t m = 0; m < n / 16; ++m) {
        const __m256i lower = lower_members<D>(v[m]), upper = upper_members<D>(v[m]);
        const __m256i sum = barrett(_mm256_add_epi16(lower, upper));
        const __m256i difference = mul_montgomery(_mm256_sub_epi16(upper, lower), load(tw.zeta.data() + 16 * m),
                                                  load(tw.zeta_qinv.data() + 16 * m));
        v[m] = _mm256_blend_epi32(sum, difference, upper_blend<D>);
    }
}

CARAPACE_MLKEM_AVX2_INLINE __m256i broadcast_zeta(std::size_t index) noexcept {
    return _mm256_set1_epi16(zetas_montgomery[index]);
}

CARAPACE_MLKEM_AVX2_INLINE __m256i broadcast_zeta_qinv(std::size_t index) noexcept {
    return _mm256_set1_epi16(static_cast<short>(static_cast<std::uint16_t>(
        static_cast<std::uint32_t>(zetas_montgomery[index]) * static_cast<std::uint32_t>(q_inverse_mod_r))));
}

}  // namespace mlkem_avx2_ops

struct mlkem_ntt_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return cpu::features().avx2; }

    // Algorithm 9, as ntt_portable.
    CARAPACE_MLKEM_AVX2_TARGET static void ntt(poly& f) noexcept {
        using namespace mlkem_avx2_ops;
        __m256i v[n / 16];
        for (std::size_t m = 0; m < n / 16; ++m) v[m] = load(f.data() + 16 * m);
        std::size_t i = 1;
        for (std::size_t len = 128; len >= 16; len /= 2) {
            for (std::size_t start = 0; start < n; start += 2 * len) {
                const __m256i z = broadcast_zeta(i), z_qinv = broadcast_zeta_qinv(i);
                ++i;
                for (std::size_t j = start / 16; j < (start + len) / 16; ++j) {
                    const __m256i t = mul_montgomery(v[j + len / 16], z, z_qinv);
                    v[j + len / 16] = _mm256_sub_epi16(v[j], t);
                    v[j] = _mm256_add_epi16(v[j], t);
                }
            }
        }
        forward_inner_layer<8>(v, forward_lane_twiddles[0]);
        forward_inner_layer<4>(v, forward_lane_twiddles[1]);
        forward_inner_layer<2>(v, forward_lane_twiddles[2]);
        for (std::size_t m = 0; m < n / 16; ++m) store(f.data() + 16 * m, canonical(v[m]));
    }

    // Algorithm 10, as inverse_ntt_portable.
    CARAPACE_MLKEM_AVX2_TARGET static void inverse_ntt(poly& f) noexcept {
        using namespace mlkem_avx2_ops;
        __m256i v[n / 16];
        for (std::size_t m = 0; m < n / 16; ++m) v[m] = load(f.data() + 16 * m);
        inverse_inner_layer<2>(v, inverse_lane_twiddles[0]);
        inverse_inner_layer<4>(v, inverse_lane_twiddles[1]);
        inverse_inner_layer<8>(v, inverse_lane_twiddles[2]);
        std::size_t i = 15;
        for (std::size_t len = 16; len <= 128; len *= 2) {
            for (std::size_t start = 0; start < n; start += 2 * len) {
                const __m256i z = broadcast_zeta(i), z_qinv = broadcast_zeta_qinv(i);
                --i;
                for (std::size_t j = start / 16; j < (start + len) / 16; ++j) {
                    const __m256i t = v[j];
                    v[j] = barrett(_mm256_add_epi16(t, v[j + len / 16]));
                    v[j + len / 16] = mul_montgomery(_mm256_sub_epi16(v[j + len / 16], t), z, z_qinv);
                }
            }
        }
        const __m256i scale = _mm256_set1_epi16(inverse_ntt_scale);
        const __m256i scale_qinv = _mm256_set1_epi16(static_cast<short>(static_cast<std::uint16_t>(
            static_cast<std::uint32_t>(inverse_ntt_scale) * static_cast<std::uint32_t>(q_inverse_mod_r))));
        for (std::size_t m = 0; m < n / 16; ++m)
            store(f.data() + 16 * m, canonical(mul_montgomery(v[m], scale, scale_qinv)));
    }

    // sum += f g (Algorithms 11 and 12), pair i of the result being (a0 b0 + a1 b1 gamma_i,
    // a0 b1 + a1 b0). vpmaddwd forms both sums of two products per pair; a1 b1 gamma_i is
    // (a1 b1 2^-16 mod q, moved into (0, 2q)) times gamma_i 2^16 mod q, below 2q^2 and congruent
    // to what the portable code adds, so the reduced sums agree.
    CARAPACE_MLKEM_AVX2_TARGET static void add_product(std::array<std::uint32_t, n>& sum, const poly& f,
                                                       const poly& g) noexcept {
        using namespace mlkem_avx2_ops;
        const __m256i qinv = _mm256_set1_epi16(static_cast<short>(q_inverse_mod_r));
        for (std::size_t m = 0; m < n / 16; ++m) {
            const __m256i a = load(f.data() + 16 * m), b = load(g.data() + 16 * m);
            const __m256i a1b1 = mul_montgomery(a, b, _mm256_mullo_epi16(b, qinv));
            const __m256i left = _mm256_blend_epi16(a, _mm256_add_epi16(a1b1, q_vector()), 0xaa);
            const __m256i right = _mm256_blend_epi16(b, load(gammas_montgomery_odd.data() + 16 * m), 0xaa);
            const __m256i even = _mm256_madd_epi16(left, right);
            const __m256i b_swapped = _mm256_or_si256(_mm256_slli_epi32(b, 16), _mm256_srli_epi32(b, 16));
            const __m256i odd = _mm256_madd_epi16(a, b_swapped);
            // Interleave: each 128-bit half of lo (hi) holds sums of coefficients 0-3 (4-7) of its 8.
            const __m256i lo = _mm256_unpacklo_epi32(even, odd), hi = _mm256_unpackhi_epi32(even, odd);
            std::uint32_t* out = sum.data() + 16 * m;
            store(out, _mm256_add_epi32(load(out), _mm256_permute2x128_si256(lo, hi, 0x20)));
            store(out + 8, _mm256_add_epi32(load(out + 8), _mm256_permute2x128_si256(lo, hi, 0x31)));
        }
    }
};

#undef CARAPACE_MLKEM_AVX2_TARGET
#undef CARAPACE_MLKEM_AVX2_INLINE

#else

// Built without intrinsics: never supported, so never called.
struct mlkem_ntt_avx2 {
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void ntt(poly& f) noexcept { mlkem_ntt_portable::ntt(f); }
    static constexpr void inverse_ntt(poly& f) noexcept { mlkem_ntt_portable::inverse_ntt(f); }
    static constexpr void add_product(std::array<std::uint32_t, n>& sum, const poly& f, const poly& g) noexcept {
        mlkem_ntt_portable::add_product(sum, f, g);
    }
};

#endif

}  // namespace carapace::detail::mlkem
