// SHA-512 compression (FIPS 180-4 §6.4.2) with the ARMv8.2 SHA-512 instructions: two rounds per
// SHA512H/SHA512H2 pair, the message schedule two words at a time in SHA512SU0/SU1. The state is
// four registers, {a,b} {c,d} {e,f} {g,h}, as it is stored.
//
// A round pair, from the instructions' definitions (Arm ARM, SHA512H and SHA512H2):
//   SHA512H(d = {g + K[t+1] + W[t+1], h + K[t] + W[t]}, {f, g}, {d, e}) gives T1 of rounds t+1
//   and t (low, high); {c, d} plus it is the new {e, f}. SHA512H2(that, {c, d}, {a, b}) is the
//   new {a, b}; the old {a, b} becomes {c, d} and the old {e, f} becomes {g, h}.
//
// The instructions are enabled per function, never for the whole build, so a program that
// includes this runs on ARMv8 CPUs without them. GCC's arm_neon.h declares the intrinsics under
// "arch=armv8.2-a+sha3" (GCC files the SHA-512 instructions under its sha3 extension); Clang 14's
// declares them only when the whole translation unit targets them, so with Clang each
// instruction is one line of inline assembly that enables its own extension.
//
// Built only for little-endian AArch64 (the message words are byte-swapped in 64-bit lanes);
// elsewhere the variant is never supported.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/hash/detail/sha512_portable.hpp"

#if CARAPACE_HAVE_ARM_INTRINSICS && !defined(__ARM_BIG_ENDIAN)
// 1 when the ARMv8 SHA-256 and SHA-512 engines are compiled in (read-only: set here).
#define CARAPACE_HAVE_ARMV8_SHA 1
#include <arm_neon.h>
#else
#define CARAPACE_HAVE_ARMV8_SHA 0  // not little-endian AArch64, or the portable code is forced
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_ARMV8_SHA

#if defined(__clang__)
#define CARAPACE_SHA512_ARMV8_TARGET
#else
#define CARAPACE_SHA512_ARMV8_TARGET __attribute__((target("arch=armv8.2-a+sha3")))
#endif
#define CARAPACE_SHA512_ARMV8_INLINE CARAPACE_SHA512_ARMV8_TARGET __attribute__((always_inline)) inline

struct sha512_armv8 {
    static constexpr const char* name = "armv8-sha512";
    static bool supported() noexcept { return cpu::arm().sha512; }

    CARAPACE_SHA512_ARMV8_TARGET static void compress(std::array<std::uint64_t, 8>& state,
                                                      const std::uint8_t* blocks,
                                                      std::size_t block_count) noexcept {
        uint64x2_t ab = vld1q_u64(state.data()), cd = vld1q_u64(state.data() + 2);
        uint64x2_t ef = vld1q_u64(state.data() + 4), gh = vld1q_u64(state.data() + 6);
        for (std::size_t b = 0; b < block_count; ++b, blocks += 128) {
            const uint64x2_t ab_before = ab, cd_before = cd, ef_before = ef, gh_before = gh;
            uint64x2_t m[8];
            for (int i = 0; i < 8; ++i) m[i] = vreinterpretq_u64_u8(vrev64q_u8(vld1q_u8(blocks + 16 * i)));
            // Pair p runs rounds 2p, 2p+1 with W[2p], W[2p+1] in m[p % 8], then replaces them
            // with W[2p+16], W[2p+17], which need W[2p..2p+15]: the eight registers.
            for (int p = 0; p < 40; ++p) {
                const uint64x2_t kw = vaddq_u64(m[p % 8], vld1q_u64(sha512_round_constants.data() + 2 * p));
                const uint64x2_t t1 =
                    sha512h(vaddq_u64(vextq_u64(kw, kw, 1), gh), vextq_u64(ef, gh, 1), vextq_u64(cd, ef, 1));
                const uint64x2_t ab_next = sha512h2(t1, cd, ab);
                gh = ef;
                ef = vaddq_u64(cd, t1);
                cd = ab;
                ab = ab_next;
                if (p < 32)
                    m[p % 8] = sha512su1(sha512su0(m[p % 8], m[(p + 1) % 8]), m[(p + 7) % 8],
                                         vextq_u64(m[(p + 4) % 8], m[(p + 5) % 8], 1));
            }
            ab = vaddq_u64(ab, ab_before);
            cd = vaddq_u64(cd, cd_before);
            ef = vaddq_u64(ef, ef_before);
            gh = vaddq_u64(gh, gh_before);
        }
        vst1q_u64(state.data(), ab);
        vst1q_u64(state.data() + 2, cd);
        vst1q_u64(state.data() + 4, ef);
        vst1q_u64(state.data() + 6, gh);
    }

private:
    // The four instructions, as the ARM ARM names their operands.
#if defined(__clang__)
    CARAPACE_SHA512_ARMV8_INLINE static uint64x2_t sha512h(uint64x2_t hg_kw, uint64x2_t fg,
                                                          uint64x2_t de) noexcept {
        __asm__(".arch_extension sha3\n\tsha512h %q0, %q1, %2.2d" : "+w"(hg_kw) : "w"(fg), "w"(de));
        return hg_kw;
    }
    CARAPACE_SHA512_ARMV8_INLINE static uint64x2_t sha512h2(uint64x2_t t1, uint64x2_t cd,
                                                           uint64x2_t ab) noexcept {
        __asm__(".arch_extension sha3\n\tsha512h2 %q0, %q1, %2.2d" : "+w"(t1) : "w"(cd), "w"(ab));
        return t1;
    }
    CARAPACE_SHA512_ARMV8_INLINE static uint64x2_t sha512su0(uint64x2_t w0, uint64x2_t w2) noexcept {
        __asm__(".arch_extension sha3\n\tsha512su0 %0.2d, %1.2d" : "+w"(w0) : "w"(w2));
        return w0;
    }
    CARAPACE_SHA512_ARMV8_INLINE static uint64x2_t sha512su1(uint64x2_t x, uint64x2_t w14,
                                                            uint64x2_t w9) noexcept {
        __asm__(".arch_extension sha3\n\tsha512su1 %0.2d, %1.2d, %2.2d" : "+w"(x) : "w"(w14), "w"(w9));
        return x;
    }
#else
    CARAPACE_SHA512_ARMV8_INLINE static uint64x2_t sha512h(uint64x2_t hg_kw, uint64x2_t fg,
                                                          uint64x2_t de) noexcept {
        return vsha512hq_u64(hg_kw, fg, de);
    }
    CARAPACE_SHA512_ARMV8_INLINE static uint64x2_t sha512h2(uint64x2_t t1, uint64x2_t cd,
                                                           uint64x2_t ab) noexcept {
        return vsha512h2q_u64(t1, cd, ab);
    }
    CARAPACE_SHA512_ARMV8_INLINE static uint64x2_t sha512su0(uint64x2_t w0, uint64x2_t w2) noexcept {
        return vsha512su0q_u64(w0, w2);
    }
    CARAPACE_SHA512_ARMV8_INLINE static uint64x2_t sha512su1(uint64x2_t x, uint64x2_t w14,
                                                            uint64x2_t w9) noexcept {
        return vsha512su1q_u64(x, w14, w9);
    }
#endif
};

#undef CARAPACE_SHA512_ARMV8_INLINE
#undef CARAPACE_SHA512_ARMV8_TARGET

#else

// Built without the ARM intrinsics: never supported, so never called.
struct sha512_armv8 {
    static constexpr const char* name = "armv8-sha512";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void compress(std::array<std::uint64_t, 8>& state, const std::uint8_t* blocks,
                                   std::size_t block_count) noexcept {
        sha512_portable::compress(state, blocks, block_count);
    }
};

#endif

}  // namespace carapace::detail
