// SamplePolyCBD_2 (FIPS 203 Algorithm 8 with eta = 2) with AVX2, on the 128 bytes of PRF output:
// 32 bytes give 64 coefficients. In each byte, adding the even bits to the odd ones gives four
// 2-bit counts: x and y of one coefficient in the low nibble, of the next in the high one. A
// 16-entry in-register table (vpshufb) maps a nibble to x - y, bytes are interleaved back into
// coefficient order and widened to 16 bits, and q is added to the negative ones. The results are
// those of cbd_from_bytes<2> (mlkem_poly.hpp); the tests compare the two.
//
// Constant time: the table lookup is a shuffle inside a register, not a memory access; the rest
// is masks, shifts and additions. eta = 3 (ML-KEM-512's eta1) stays portable.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/kem/detail/mlkem_poly.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail::mlkem {

struct mlkem_cbd_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }
    static constexpr void cbd2(const std::uint8_t* in, poly& f) noexcept { cbd_from_bytes<2>(in, f); }
};

#if CARAPACE_HAVE_X86_INTRINSICS

struct mlkem_cbd_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return cpu::features().avx2; }

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
struct mlkem_cbd_avx2 {
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void cbd2(const std::uint8_t* in, poly& f) noexcept { cbd_from_bytes<2>(in, f); }
};

#endif

using mlkem_cbd_dispatch = cpu_variants<mlkem_cbd_avx2, mlkem_cbd_portable>;

}  // namespace carapace::detail::mlkem
