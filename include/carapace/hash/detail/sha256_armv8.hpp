// SHA-256 compression (FIPS 180-4 §6.2.2) with the ARMv8 SHA-256 instructions: four rounds per
// SHA256H/SHA256H2 pair, the message schedule in SHA256SU0/SU1. The state lives in two
// registers, ABCD and EFGH, which is also how it is stored, so nothing is shuffled.
//
// The instructions are enabled per function, never for the whole build, so a program that
// includes this runs on ARMv8 CPUs without them. GCC's arm_neon.h declares the intrinsics under
// "+crypto"; Clang 14's declares them only when the whole translation unit targets SHA2, so with
// Clang each instruction is one line of inline assembly that enables its own extension.
//
// Built only for little-endian AArch64 (the message words are byte-swapped in 32-bit lanes);
// elsewhere the variant is never supported.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/hash/detail/sha256_portable.hpp"

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
#define CARAPACE_SHA256_ARMV8_TARGET
#else
#define CARAPACE_SHA256_ARMV8_TARGET __attribute__((target("+crypto")))
#endif
#define CARAPACE_SHA256_ARMV8_INLINE CARAPACE_SHA256_ARMV8_TARGET __attribute__((always_inline)) inline

struct sha256_armv8 {
    static constexpr const char* name = "armv8-sha2";
    static bool supported() noexcept { return cpu::arm().sha256; }

    CARAPACE_SHA256_ARMV8_TARGET static void compress(std::array<std::uint32_t, 8>& state,
                                                      const std::uint8_t* blocks,
                                                      std::size_t block_count) noexcept {
        uint32x4_t abcd = vld1q_u32(state.data());
        uint32x4_t efgh = vld1q_u32(state.data() + 4);
        for (std::size_t b = 0; b < block_count; ++b, blocks += 64) {
            const uint32x4_t abcd_before = abcd, efgh_before = efgh;
            uint32x4_t m[4];
            for (int i = 0; i < 4; ++i) m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(blocks + 16 * i)));
            // Group g runs rounds 4g..4g+3 with W[4g..4g+3] in m[g % 4], then replaces those
            // words with W[4g+16..4g+19], which need W[4g..4g+15]: the four registers.
            for (int g = 0; g < 16; ++g) {
                const uint32x4_t wk = vaddq_u32(m[g % 4], vld1q_u32(sha256_round_constants.data() + 4 * g));
                const uint32x4_t abcd_in = abcd;
                abcd = sha256h(abcd, efgh, wk);
                efgh = sha256h2(efgh, abcd_in, wk);
                if (g < 12)
                    m[g % 4] = sha256su1(sha256su0(m[g % 4], m[(g + 1) % 4]), m[(g + 2) % 4], m[(g + 3) % 4]);
            }
            abcd = vaddq_u32(abcd, abcd_before);
            efgh = vaddq_u32(efgh, efgh_before);
        }
        vst1q_u32(state.data(), abcd);
        vst1q_u32(state.data() + 4, efgh);
    }

private:
    // The four instructions, as the ARM ARM names their operands.
#if defined(__clang__)
    CARAPACE_SHA256_ARMV8_INLINE static uint32x4_t sha256h(uint32x4_t abcd, uint32x4_t efgh,
                                                          uint32x4_t wk) noexcept {
        __asm__(".arch_extension sha2\n\tsha256h %q0, %q1, %2.4s" : "+w"(abcd) : "w"(efgh), "w"(wk));
        return abcd;
    }
    CARAPACE_SHA256_ARMV8_INLINE static uint32x4_t sha256h2(uint32x4_t efgh, uint32x4_t abcd,
                                                           uint32x4_t wk) noexcept {
        __asm__(".arch_extension sha2\n\tsha256h2 %q0, %q1, %2.4s" : "+w"(efgh) : "w"(abcd), "w"(wk));
        return efgh;
    }
    CARAPACE_SHA256_ARMV8_INLINE static uint32x4_t sha256su0(uint32x4_t w0, uint32x4_t w4) noexcept {
        __asm__(".arch_extension sha2\n\tsha256su0 %0.4s, %1.4s" : "+w"(w0) : "w"(w4));
        return w0;
    }
    CARAPACE_SHA256_ARMV8_INLINE static uint32x4_t sha256su1(uint32x4_t x, uint32x4_t w8,
                                                            uint32x4_t w12) noexcept {
        __asm__(".arch_extension sha2\n\tsha256su1 %0.4s, %1.4s, %2.4s" : "+w"(x) : "w"(w8), "w"(w12));
        return x;
    }
#else
    CARAPACE_SHA256_ARMV8_INLINE static uint32x4_t sha256h(uint32x4_t abcd, uint32x4_t efgh,
                                                          uint32x4_t wk) noexcept {
        return vsha256hq_u32(abcd, efgh, wk);
    }
    CARAPACE_SHA256_ARMV8_INLINE static uint32x4_t sha256h2(uint32x4_t efgh, uint32x4_t abcd,
                                                           uint32x4_t wk) noexcept {
        return vsha256h2q_u32(efgh, abcd, wk);
    }
    CARAPACE_SHA256_ARMV8_INLINE static uint32x4_t sha256su0(uint32x4_t w0, uint32x4_t w4) noexcept {
        return vsha256su0q_u32(w0, w4);
    }
    CARAPACE_SHA256_ARMV8_INLINE static uint32x4_t sha256su1(uint32x4_t x, uint32x4_t w8,
                                                            uint32x4_t w12) noexcept {
        return vsha256su1q_u32(x, w8, w12);
    }
#endif
};

#undef CARAPACE_SHA256_ARMV8_INLINE
#undef CARAPACE_SHA256_ARMV8_TARGET

#else

// Built without the ARM intrinsics: never supported, so never called.
struct sha256_armv8 {
    static constexpr const char* name = "armv8-sha2";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void compress(std::array<std::uint32_t, 8>& state, const std::uint8_t* blocks,
                                   std::size_t block_count) noexcept {
        sha256_portable::compress(state, blocks, block_count);
    }
};

#endif

}  // namespace carapace::detail
