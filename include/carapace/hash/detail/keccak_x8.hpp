// Eight independent Keccak-f[1600] permutations at once (FIPS 202 §3.3) with AVX-512F: one state
// in each 64-bit element of 25 512-bit registers. Where 512-bit operations run at the rate of
// 256-bit ones (full-width AVX-512 cores), this is twice the throughput of the four-state variant
// (keccak_x4.hpp), which ML-KEM's batches of sponge jobs use when this one is not supported. The
// states are interleaved in memory like the x4 ones (lane i of state j at [i][j]). Runs in time
// independent of the data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/hash/detail/keccak.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

// Lane i of state j at [i][j].
struct alignas(64) keccak_x8_states {
    static constexpr std::size_t width = 8;
    std::array<std::array<std::uint64_t, 8>, 25> lanes{};
};

#if CARAPACE_HAVE_X86_INTRINSICS

namespace keccak_x8_ops {

// The masked form with every lane selected: GCC 12 warns about the unmasked intrinsic's internal
// undefined operand (as in chacha20_poly1305_avx512.hpp). Same instruction.
__attribute__((target("avx512f"), always_inline)) inline __m512i rotate(__m512i v, unsigned r) noexcept {
    return _mm512_mask_rolv_epi64(v, 0xff, v, _mm512_set1_epi64(r));
}

}  // namespace keccak_x8_ops

// The step mappings as in keccak_x4_avx512vl, on 512-bit registers: vpternlogq for theta's
// five-way XOR and chi, vprolq and vprolvq for the rotations. The arrays are indexed by loop
// positions only and the loops unrolled, so the lanes stay in registers.
struct keccak_x8_avx512 {
    static constexpr const char* name = "avx512";
    static bool supported() noexcept { return cpu::features().avx512f; }

    __attribute__((target("avx512f"))) static void permute(keccak_x8_states& s) noexcept {
        using namespace keccak_tables;
        using namespace keccak_x8_ops;
        __m512i a[25], b[25], c[5];
CARAPACE_UNROLL(25)
        for (std::size_t i = 0; i < 25; ++i) a[i] = _mm512_load_si512(s.lanes[i].data());
        for (unsigned round = 0; round < 24; ++round) {
CARAPACE_UNROLL(5)
            for (std::size_t x = 0; x < 5; ++x)
                c[x] = _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64(a[x], a[x + 5], a[x + 10], 0x96), a[x + 15],
                                                 a[x + 20], 0x96);
CARAPACE_UNROLL(5)
            for (std::size_t x = 0; x < 5; ++x) {
                const __m512i d = _mm512_xor_si512(c[(x + 4) % 5], rotate(c[(x + 1) % 5], 1));
CARAPACE_UNROLL(5)
                for (std::size_t y = 0; y < 5; ++y)
                    b[pi_destination[x + 5 * y]] =
                        rotate(_mm512_xor_si512(a[x + 5 * y], d), rho_offsets[x + 5 * y]);
            }
CARAPACE_UNROLL(25)
            for (std::size_t i = 0; i < 25; ++i) {
                const std::size_t x = i % 5, row = i - x;
                a[i] = _mm512_ternarylogic_epi64(b[i], b[row + (x + 1) % 5], b[row + (x + 2) % 5], 0xd2);
            }
            a[0] = _mm512_xor_si512(a[0], _mm512_set1_epi64(static_cast<long long>(round_constants[round])));
        }
CARAPACE_UNROLL(25)
        for (std::size_t i = 0; i < 25; ++i) _mm512_store_si512(s.lanes[i].data(), a[i]);
    }
};

#else

// Built without intrinsics: never supported, so never called.
struct keccak_x8_avx512 {
    static constexpr const char* name = "avx512";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void permute(keccak_x8_states& s) noexcept {
        for (std::size_t j = 0; j < 8; ++j) {
            keccak_state one{};
            for (std::size_t i = 0; i < 25; ++i) one[i] = s.lanes[i][j];
            keccak_f1600(one);
            for (std::size_t i = 0; i < 25; ++i) s.lanes[i][j] = one[i];
        }
    }
};

#endif

}  // namespace carapace::detail
