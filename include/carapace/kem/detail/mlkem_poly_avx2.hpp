// ML-KEM's coefficient-wise steps with AVX2 (FIPS 203 §4.2.1 Compress and Decompress, the
// ByteDecode_12 of keys, sums and differences mod q, the reduction of NTT-domain sums), next to
// their portable twins (mlkem_poly.hpp), which give the same values; the tests compare them on
// every input that matters (every coefficient for Compress, extremes and random sums).
// mlkem_ntt.hpp dispatches. Without them these steps, one coefficient at a time, cost as much as
// the NTTs and products together.
//
//   reduce_sums  the ntt_accumulator's 32-bit sums (each below 2^27) to [0, q): a Montgomery
//                reduction on 16-bit halves (a = h 2^16 + l, t = l q^-1 mod 2^16, then
//                (a - t q) / 2^16 = h - high half of t q, exactly), which leaves a 2^-16 mod q,
//                then a Montgomery product with 2^32 mod q, then + q on the negative ones.
//   compress     Compress_d(x) = floor((2^(d+1) x + q) / 2q) with the 32 x 32 -> 64-bit product
//                of vpmuludq: the numerator is below 2^25 and m = ceil(2^44 / 2q) < 2^32 has
//                m 2q - 2^44 < 2q <= 2^(44-25), so (numerator m) >> 44 is the exact quotient.
//   decompress   round(q y / 2^d) = (y 2^(15-d) q + 2^14) >> 15, which is vpmulhrsw.
//   decode_12    ByteDecode_12: 24 bytes -> 16 values with one byte shuffle per 128-bit half (as
//                SampleNTT's rejection kernel reads its candidates), then min(v, v - q).
//   below_q_12   the modulus check of §7.2 on the same values (a compare with q - 1).
//   encode_12    ByteEncode_12: a + 2^12 b per pair with vpmaddwd, then byte shuffles.
//
// Constant time: multiplications, shifts, shuffles, minimums; no branch, no table indexed by data.
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

struct mlkem_poly_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }

    static constexpr void reduce_sums(const std::array<std::uint32_t, n>& sum, poly& out) noexcept {
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint16_t>(reduce(sum[i]));
    }
    static constexpr void add(poly& f, const poly& g) noexcept {
        for (std::size_t i = 0; i < n; ++i) f[i] = static_cast<std::uint16_t>(reduce_once(f[i] + g[i]));
    }
    static constexpr void subtract(poly& f, const poly& g) noexcept {
        for (std::size_t i = 0; i < n; ++i) f[i] = static_cast<std::uint16_t>(reduce_once(f[i] + q - g[i]));
    }
    template <unsigned D>
    static constexpr void compress(const poly& f, std::array<std::uint16_t, n>& out) noexcept {
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint16_t>(mlkem::compress<D>(f[i]));
    }
    template <unsigned D>
    static constexpr void decompress(poly& f) noexcept {
        for (auto& c : f) c = mlkem::decompress<D>(c);
    }
    static constexpr void decode_12(const std::uint8_t* in, poly& f) noexcept { byte_decode<12>(in, f); }
    static constexpr void encode_12(const poly& f, std::uint8_t* out) noexcept { byte_encode<12>(f, out); }
    // Whether the 256 values ByteDecode_12 reads from in are all below q (FIPS 203 §7.2).
    static constexpr bool below_q_12(const std::uint8_t* in) noexcept {
        bool ok = true;
        for (std::size_t i = 0; i < n / 2; ++i) {
            const std::uint32_t a = in[3 * i] | (std::uint32_t{in[3 * i + 1]} & 0x0f) << 8;
            const std::uint32_t b = (std::uint32_t{in[3 * i + 1]} >> 4) | std::uint32_t{in[3 * i + 2]} << 4;
            ok = ok && a < q && b < q;
        }
        return ok;
    }
};

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_MLKEM_POLY_AVX2_TARGET __attribute__((target("avx2")))
#define CARAPACE_MLKEM_POLY_AVX2_INLINE __attribute__((target("avx2"), always_inline)) inline

namespace mlkem_poly_avx2_ops {

// Compress_D of eight values in 32-bit lanes; m = ceil(2^44 / 2q) in every 64-bit lane.
template <unsigned D>
CARAPACE_MLKEM_POLY_AVX2_INLINE __m256i compress_8(__m256i x, __m256i m) noexcept {
    const __m256i t = _mm256_add_epi32(_mm256_slli_epi32(x, D + 1), _mm256_set1_epi32(static_cast<int>(q)));
    const __m256i even = _mm256_srli_epi64(_mm256_mul_epu32(t, m), 44);
    const __m256i odd = _mm256_srli_epi64(_mm256_mul_epu32(_mm256_srli_epi64(t, 32), m), 12);
    return _mm256_and_si256(_mm256_blend_epi32(even, odd, 0xaa), _mm256_set1_epi32((1 << D) - 1));
}

// The 16 values of ByteDecode_12 of one group of 24 bytes at p (bytes 0 .. 15 in the lower half,
// 8 .. 23 in the upper one), not reduced. The 32-byte load reads 8 bytes past the group; `last`
// loads the last group of a 384-byte encoding 8 bytes early instead (its bytes then start at the
// second 64-bit chunk), so nothing past the 384 bytes is read.
CARAPACE_MLKEM_POLY_AVX2_INLINE __m256i decode_12_group(const std::uint8_t* p, bool last) noexcept {
    const __m256i spread = _mm256_setr_epi8(0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11,  //
                                            4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11, 12, 13, 14, 14, 15);
    const __m256i group = last ? _mm256_permute4x64_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p - 8)), 0xe9)
                               : _mm256_permute4x64_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), 0x94);
    const __m256i pairs = _mm256_shuffle_epi8(group, spread);
    return _mm256_blend_epi16(_mm256_and_si256(pairs, _mm256_set1_epi16(0x0fff)), _mm256_srli_epi16(pairs, 4), 0xaa);
}

}  // namespace mlkem_poly_avx2_ops

struct mlkem_poly_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return cpu::features().avx2; }

    CARAPACE_MLKEM_POLY_AVX2_TARGET static void reduce_sums(const std::array<std::uint32_t, n>& sum, poly& out) noexcept {
        const __m256i q16 = _mm256_set1_epi16(static_cast<short>(q));
        const __m256i qinv = _mm256_set1_epi16(static_cast<short>(q_inverse_mod_r));
        const __m256i low16 = _mm256_set1_epi32(0xffff);
        // 2^32 mod q, centred, and its product with q^-1 mod 2^16.
        constexpr auto r2 = static_cast<std::int16_t>((std::uint64_t{1} << 32) % q > q / 2
                                                          ? static_cast<std::int32_t>((std::uint64_t{1} << 32) % q) -
                                                                static_cast<std::int32_t>(q)
                                                          : static_cast<std::int32_t>((std::uint64_t{1} << 32) % q));
        const __m256i r2v = _mm256_set1_epi16(r2);
        const __m256i r2_qinv = _mm256_set1_epi16(static_cast<short>(
            static_cast<std::uint16_t>(static_cast<std::uint32_t>(r2) * static_cast<std::uint32_t>(q_inverse_mod_r))));
        for (std::size_t m = 0; m < n / 16; ++m) {
            const __m256i a0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sum.data() + 16 * m));
            const __m256i a1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sum.data() + 16 * m + 8));
            // packus interleaves the 128-bit halves; the permutation restores the order.
            const __m256i low = _mm256_permute4x64_epi64(
                _mm256_packus_epi32(_mm256_and_si256(a0, low16), _mm256_and_si256(a1, low16)), 0xd8);
            const __m256i high = _mm256_permute4x64_epi64(
                _mm256_packus_epi32(_mm256_srli_epi32(a0, 16), _mm256_srli_epi32(a1, 16)), 0xd8);
            const __m256i t = _mm256_mullo_epi16(low, qinv);
            const __m256i r = _mm256_sub_epi16(high, _mm256_mulhi_epu16(t, q16));  // a 2^-16, in (-q, 2^11]
            const __m256i s = _mm256_sub_epi16(_mm256_mulhi_epi16(r, r2v),
                                               _mm256_mulhi_epi16(_mm256_mullo_epi16(r, r2_qinv), q16));  // in (-q, q)
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.data() + 16 * m),
                                _mm256_add_epi16(s, _mm256_and_si256(q16, _mm256_srai_epi16(s, 15))));
        }
    }

    CARAPACE_MLKEM_POLY_AVX2_TARGET static void add(poly& f, const poly& g) noexcept {
        const __m256i q16 = _mm256_set1_epi16(static_cast<short>(q));
        for (std::size_t m = 0; m < n / 16; ++m) {
            const __m256i s = _mm256_add_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(f.data() + 16 * m)),
                                               _mm256_loadu_si256(reinterpret_cast<const __m256i*>(g.data() + 16 * m)));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(f.data() + 16 * m), _mm256_min_epu16(s, _mm256_sub_epi16(s, q16)));
        }
    }

    CARAPACE_MLKEM_POLY_AVX2_TARGET static void subtract(poly& f, const poly& g) noexcept {
        const __m256i q16 = _mm256_set1_epi16(static_cast<short>(q));
        for (std::size_t m = 0; m < n / 16; ++m) {
            const __m256i d = _mm256_sub_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(f.data() + 16 * m)),
                                               _mm256_loadu_si256(reinterpret_cast<const __m256i*>(g.data() + 16 * m)));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(f.data() + 16 * m),
                                _mm256_add_epi16(d, _mm256_and_si256(q16, _mm256_srai_epi16(d, 15))));
        }
    }

    template <unsigned D>
    CARAPACE_MLKEM_POLY_AVX2_TARGET static void compress(const poly& f, std::array<std::uint16_t, n>& out) noexcept {
        using namespace mlkem_poly_avx2_ops;
        static_assert(D >= 1 && D <= 11);
        constexpr std::uint64_t magic = ((std::uint64_t{1} << 44) + 2 * q - 1) / (2 * q);
        static_assert(magic < (std::uint64_t{1} << 32) && magic * 2 * q - (std::uint64_t{1} << 44) < (1u << 19));
        const __m256i m = _mm256_set1_epi64x(static_cast<long long>(magic));
        for (std::size_t i = 0; i < n / 16; ++i) {
            const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(f.data() + 16 * i));
            const __m256i lo = compress_8<D>(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(x)), m);
            const __m256i hi = compress_8<D>(_mm256_cvtepu16_epi32(_mm256_extracti128_si256(x, 1)), m);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.data() + 16 * i),
                                _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), 0xd8));
        }
    }

    template <unsigned D>
    CARAPACE_MLKEM_POLY_AVX2_TARGET static void decompress(poly& f) noexcept {
        static_assert(D >= 1 && D <= 11);
        const __m256i q16 = _mm256_set1_epi16(static_cast<short>(q));
        for (std::size_t i = 0; i < n / 16; ++i) {
            const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(f.data() + 16 * i));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(f.data() + 16 * i),
                                _mm256_mulhrs_epi16(_mm256_slli_epi16(y, 15 - D), q16));
        }
    }

    CARAPACE_MLKEM_POLY_AVX2_TARGET static void decode_12(const std::uint8_t* in, poly& f) noexcept {
        using namespace mlkem_poly_avx2_ops;
        const __m256i q16 = _mm256_set1_epi16(static_cast<short>(q));
        for (std::size_t i = 0; i < n / 16; ++i) {
            const __m256i v = decode_12_group(in + 24 * i, i + 1 == n / 16);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(f.data() + 16 * i), _mm256_min_epu16(v, _mm256_sub_epi16(v, q16)));
        }
    }

    CARAPACE_MLKEM_POLY_AVX2_TARGET static bool below_q_12(const std::uint8_t* in) noexcept {
        using namespace mlkem_poly_avx2_ops;
        const __m256i q_minus_1 = _mm256_set1_epi16(static_cast<short>(q - 1));
        __m256i over = _mm256_setzero_si256();
        for (std::size_t i = 0; i < n / 16; ++i)
            over = _mm256_or_si256(over, _mm256_cmpgt_epi16(decode_12_group(in + 24 * i, i + 1 == n / 16), q_minus_1));
        return _mm256_testz_si256(over, over) != 0;
    }

    CARAPACE_MLKEM_POLY_AVX2_TARGET static void encode_12(const poly& f, std::uint8_t* out) noexcept {
        // a + 4096 b for each pair (a, b): 3 bytes in each 32-bit lane; the shuffle packs each
        // half's 12 bytes to its front, the permutation joins the halves into 24 bytes.
        const __m256i pair = _mm256_set1_epi32(0x10000001);
        const __m256i pack = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,  //
                                              0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
        const __m256i join = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
        for (std::size_t i = 0; i < n / 16; ++i) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(f.data() + 16 * i));
            const __m256i packed =
                _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(_mm256_madd_epi16(v, pair), pack), join);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 24 * i), _mm256_castsi256_si128(packed));
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 24 * i + 16), _mm256_extracti128_si256(packed, 1));
        }
    }
};

#undef CARAPACE_MLKEM_POLY_AVX2_TARGET
#undef CARAPACE_MLKEM_POLY_AVX2_INLINE

#else

// Built without intrinsics: never supported, so never called.
struct mlkem_poly_avx2 : mlkem_poly_portable {
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail::mlkem
