// The kernels of ML-KEM's samplers with AVX2 (FIPS 203 Algorithms 7 and 8), next to their
// portable twins (mlkem_poly.hpp), which give the same results; the tests compare them.
//
// SampleNTT's rejection: 24 bytes give 16 candidates of 12 bits, placed in 16-bit lanes by one
// byte shuffle per 128-bit half; a compare with q gives a mask per half, and a table indexed by
// that mask packs the accepted ones to the front (the XOF output is public: the table index and
// the branches depend on the public matrix only).
//
// SamplePolyCBD_2 (eta = 2), on the 128 bytes of PRF output: 32 bytes give 64 coefficients. In each byte, adding the even bits to the odd ones gives four
// 2-bit counts: x and y of one coefficient in the low nibble, of the next in the high one. A
// 16-entry in-register table (vpshufb) maps a nibble to x - y, bytes are interleaved back into
// coefficient order and widened to 16 bits, and q is added to the negative ones. The results are
// those of cbd_from_bytes<2>.
//
// Constant time (CBD): the table lookup is a shuffle inside a register, not a memory access; the rest
// is masks, shifts and additions. eta = 3 (ML-KEM-512's eta1) stays portable.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/kem/detail/mlkem_poly.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail::mlkem {

// The rejection kernels read `sample_block_slack` bytes past a block and may write up to
// `sample_output_slack` values past n.
inline constexpr std::size_t sample_block_slack = 8, sample_output_slack = 8;

struct mlkem_sample_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }
    static constexpr void cbd2(const std::uint8_t* in, poly& f) noexcept { cbd_from_bytes<2>(in, f); }
    static constexpr std::size_t reject(const std::uint8_t* block, std::size_t size, std::uint16_t* out,
                                        std::size_t count) noexcept {
        return sample_ntt_block(block, size, out, count);
    }
};

#if CARAPACE_HAVE_X86_INTRINSICS

// For each 8-bit mask of accepted candidates, the byte shuffle that moves them to the front.
alignas(16) inline constexpr std::array<std::array<std::uint8_t, 16>, 256> reject_pack_shuffles = [] {
    std::array<std::array<std::uint8_t, 16>, 256> t{};
    for (std::size_t mask = 0; mask < 256; ++mask) {
        std::size_t k = 0;
        for (std::size_t j = 0; j < 8; ++j)
            if ((mask >> j) & 1) {
                t[mask][k++] = static_cast<std::uint8_t>(2 * j);
                t[mask][k++] = static_cast<std::uint8_t>(2 * j + 1);
            }
        while (k < 16) t[mask][k++] = 0x80;
    }
    return t;
}();

struct mlkem_sample_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return cpu::features().avx2; }

    // As sample_ntt_block; size a multiple of 24.
    __attribute__((target("avx2"))) static std::size_t reject(const std::uint8_t* block, std::size_t size,
                                                              std::uint16_t* out, std::size_t count) noexcept {
        // Bytes 3i, 3i + 1 and 3i + 1, 3i + 2 for the two candidates of triple i; the upper half
        // starts 8 bytes later in the input (see the permutation below), hence the offset 4.
        const __m256i spread = _mm256_setr_epi8(0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11,  //
                                                4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11, 12, 13, 14, 14, 15);
        const __m256i low12 = _mm256_set1_epi16(0x0fff);
        const __m256i bound = _mm256_set1_epi16(static_cast<short>(q));
        for (std::size_t p = 0; p < size && count < n; p += 24) {
            // Bytes p .. p + 15 in the lower half, p + 8 .. p + 23 in the upper one.
            const __m256i raw = _mm256_permute4x64_epi64(
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + p)), 0x94);
            const __m256i pairs = _mm256_shuffle_epi8(raw, spread);
            const __m256i candidates = _mm256_blend_epi16(_mm256_and_si256(pairs, low12), _mm256_srli_epi16(pairs, 4), 0xaa);
            const __m256i accepted = _mm256_cmpgt_epi16(bound, candidates);
            const auto bits = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_packs_epi16(accepted, accepted)));
            const std::uint32_t masks[2] = {bits & 0xff, (bits >> 16) & 0xff};
            const __m128i halves[2] = {_mm256_castsi256_si128(candidates), _mm256_extracti128_si256(candidates, 1)};
            for (std::size_t h = 0; h < 2 && count < n; ++h) {
                const __m128i shuffle = _mm_load_si128(reinterpret_cast<const __m128i*>(reject_pack_shuffles[masks[h]].data()));
                _mm_storeu_si128(reinterpret_cast<__m128i*>(out + count), _mm_shuffle_epi8(halves[h], shuffle));
                count += static_cast<std::size_t>(std::popcount(masks[h]));
            }
        }
        return count < n ? count : n;
    }

    __attribute__((target("avx2"))) static void cbd2(const std::uint8_t* in, poly& f) noexcept {
        const __m256i pairs = _mm256_set1_epi8(0x55), nibble = _mm256_set1_epi8(0x0f);
        // Nibble (y1 y0 x1 x0 as two 2-bit counts) -> x - y, for both 128-bit halves.
        const __m256i difference = _mm256_setr_epi8(0, 1, 2, 3, -1, 0, 1, 2, -2, -1, 0, 1, -3, -2, -1, 0,  //
                                                    0, 1, 2, 3, -1, 0, 1, 2, -2, -1, 0, 1, -3, -2, -1, 0);
        const __m256i q16 = _mm256_set1_epi16(static_cast<short>(q));
        for (std::size_t chunk = 0; chunk < 4; ++chunk) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 32 * chunk));
            const __m256i counts = _mm256_add_epi8(_mm256_and_si256(v, pairs),
                                                   _mm256_and_si256(_mm256_srli_epi16(v, 1), pairs));
            const __m256i low = _mm256_shuffle_epi8(difference, _mm256_and_si256(counts, nibble));
            const __m256i high = _mm256_shuffle_epi8(difference, _mm256_and_si256(_mm256_srli_epi16(counts, 4), nibble));
            // Per 128-bit half: coefficients 0-15 (16-31) of the half's 32 from its bytes 0-7 (8-15).
            const __m256i first = _mm256_unpacklo_epi8(low, high), second = _mm256_unpackhi_epi8(low, high);
            const __m128i parts[4] = {_mm256_castsi256_si128(first), _mm256_castsi256_si128(second),
                                      _mm256_extracti128_si256(first, 1), _mm256_extracti128_si256(second, 1)};
            for (std::size_t p = 0; p < 4; ++p) {
                const __m256i c = _mm256_cvtepi8_epi16(parts[p]);
                const __m256i canonical = _mm256_add_epi16(c, _mm256_and_si256(q16, _mm256_srai_epi16(c, 15)));
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(f.data() + 64 * chunk + 16 * p), canonical);
            }
        }
    }
};

#else

// Built without intrinsics: never supported, so never called.
struct mlkem_sample_avx2 {
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void cbd2(const std::uint8_t* in, poly& f) noexcept { cbd_from_bytes<2>(in, f); }
    static constexpr std::size_t reject(const std::uint8_t* block, std::size_t size, std::uint16_t* out,
                                        std::size_t count) noexcept {
        return sample_ntt_block(block, size, out, count);
    }
};

#endif

using mlkem_sample_dispatch = cpu_variants<mlkem_sample_avx2, mlkem_sample_portable>;

}  // namespace carapace::detail::mlkem
