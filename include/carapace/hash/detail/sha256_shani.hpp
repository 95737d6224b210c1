// SHA-256 compression with the x86 SHA extensions (SHA-NI), four rounds per pair of
// sha256rnds2 instructions and the message schedule in sha256msg1/msg2.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "carapace/core/cpu.hpp"
#include "carapace/hash/detail/sha256_portable.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

struct sha256_shani {
    static constexpr const char* name = "sha-ni";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.sha && f.ssse3 && f.sse41;
    }

    __attribute__((target("sha,ssse3,sse4.1"))) static void compress(
        std::array<std::uint32_t, 8>& state, const std::uint8_t* blocks,
        std::size_t block_count) noexcept {
        // The instructions keep the state as two registers, ABEF and CDGH.
        const __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data()));
        const __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data() + 4));
        const __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
        const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
        __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
        __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

        for (std::size_t b = 0; b < block_count; ++b, blocks += 64) {
            const __m128i abef_before = abef, cdgh_before = cdgh;
            __m128i m[4];
            all_groups(std::make_integer_sequence<int, 16>{}, m, abef, cdgh, blocks);
            abef = _mm_add_epi32(abef, abef_before);
            cdgh = _mm_add_epi32(cdgh, cdgh_before);
        }

        const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
        const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data()), _mm_blend_epi16(feba, dchg, 0xF0));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data() + 4), _mm_alignr_epi8(dchg, feba, 8));
    }

private:
    // Group g runs rounds 4g..4g+3 with W[4g..4g+3] held in m[g % 4]. Meanwhile the schedule
    // finishes group g+1 (msg2, which needs group g-1 as it was loaded) and then starts group g+3
    // (msg1, overwriting group g-1).
    // (A member template rather than a lambda: lambdas do not inherit target attributes.)
    template <int g>
    __attribute__((target("sha,ssse3,sse4.1"), always_inline)) static inline void group(
        __m128i (&m)[4], __m128i& abef, __m128i& cdgh, const std::uint8_t* block) noexcept {
        if constexpr (g == 0) {
            const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
            for (int i = 0; i < 4; ++i)
                m[i] = _mm_shuffle_epi8(
                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), byte_swap);
        }
        __m128i wk = _mm_add_epi32(m[g % 4], _mm_loadu_si128(reinterpret_cast<const __m128i*>(
                                                 sha256_round_constants.data() + 4 * g)));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
        if constexpr (g >= 3 && g <= 14) {
            const __m128i w7 = _mm_alignr_epi8(m[g % 4], m[(g - 1) % 4], 4);
            m[(g + 1) % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(m[(g + 1) % 4], w7), m[g % 4]);
        }
        wk = _mm_shuffle_epi32(wk, 0x0E);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
        if constexpr (g >= 1 && g <= 12) m[(g - 1) % 4] = _mm_sha256msg1_epu32(m[(g - 1) % 4], m[g % 4]);
    }

    template <int... g>
    __attribute__((target("sha,ssse3,sse4.1"), always_inline)) static inline void all_groups(
        std::integer_sequence<int, g...>, __m128i (&m)[4], __m128i& abef, __m128i& cdgh,
        const std::uint8_t* block) noexcept {
        (group<g>(m, abef, cdgh, block), ...);
    }
};

#else

// Built without intrinsics: never supported, so never called.
struct sha256_shani {
    static constexpr const char* name = "sha-ni";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void compress(std::array<std::uint32_t, 8>& state, const std::uint8_t* blocks,
                                   std::size_t block_count) noexcept {
        sha256_portable::compress(state, blocks, block_count);
    }
};

#endif

}  // namespace carapace::detail
