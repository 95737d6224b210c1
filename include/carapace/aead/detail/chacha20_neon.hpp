// ChaCha20 (RFC 8439 §2.3-2.4) with 64-bit ARM NEON vectors: four blocks at once, the state
// transposed across lanes (vector i holds word i of each of the four blocks; the counters differ
// by lane), transposed back to block order at the end of each batch. Only lane-wise adds, XORs,
// shifts and fixed permutations: constant time.
//
// NEON (Advanced SIMD) is part of the baseline ARMv8-A architecture the build targets, so these
// functions need no target attribute; supported() still asks cpu::arm(), which says no when the
// portable paths are forced.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_ARM_INTRINSICS && !defined(__ARM_BIG_ENDIAN)
// 1 when the NEON ChaCha20 and Poly1305 code is compiled in (read-only: set here).
#define CARAPACE_HAVE_NEON_CHACHA 1
#include <arm_neon.h>
#else
#define CARAPACE_HAVE_NEON_CHACHA 0  // not little-endian AArch64, or the portable code is forced
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_NEON_CHACHA

namespace chacha_neon {

template <int n>
inline uint32x4_t rotl(uint32x4_t v) noexcept {
    if constexpr (n == 16) return vreinterpretq_u32_u16(vrev32q_u16(vreinterpretq_u16_u32(v)));
    else return vsriq_n_u32(vshlq_n_u32(v, n), v, 32 - n);
}

inline void quarter_round(uint32x4_t& a, uint32x4_t& b, uint32x4_t& c, uint32x4_t& d) noexcept {
    a = vaddq_u32(a, b), d = rotl<16>(veorq_u32(d, a));
    c = vaddq_u32(c, d), b = rotl<12>(veorq_u32(b, c));
    a = vaddq_u32(a, b), d = rotl<8>(veorq_u32(d, a));
    c = vaddq_u32(c, d), b = rotl<7>(veorq_u32(b, c));
}

// Keystream blocks counter..counter+3, written to ks in block order (256 bytes).
inline void blocks4(const chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,
                    std::uint8_t* ks) noexcept {
    std::uint32_t s[16];
    chacha20_setup(s, key, counter, nonce);
    // The input words are broadcast again for the final addition rather than kept: sixteen
    // vectors of state and their temporaries already take most of the 32 registers.
    const std::uint32_t lane_offsets[4] = {0, 1, 2, 3};
    const auto initial = [&](int i) {
        const uint32x4_t v = vdupq_n_u32(s[i]);
        return i == 12 ? vaddq_u32(v, vld1q_u32(lane_offsets)) : v;
    };
    uint32x4_t x[16];
    for (int i = 0; i < 16; ++i) x[i] = initial(i);
    for (int r = 0; r < 10; ++r) {
        quarter_round(x[0], x[4], x[8], x[12]);
        quarter_round(x[1], x[5], x[9], x[13]);
        quarter_round(x[2], x[6], x[10], x[14]);
        quarter_round(x[3], x[7], x[11], x[15]);
        quarter_round(x[0], x[5], x[10], x[15]);
        quarter_round(x[1], x[6], x[11], x[12]);
        quarter_round(x[2], x[7], x[8], x[13]);
        quarter_round(x[3], x[4], x[9], x[14]);
    }
    // Words i..i+3 of the four blocks, transposed to four words of each block.
    for (int i = 0; i < 16; i += 4) {
        const uint32x4_t a = vaddq_u32(x[i], initial(i)), b = vaddq_u32(x[i + 1], initial(i + 1));
        const uint32x4_t c = vaddq_u32(x[i + 2], initial(i + 2)), d = vaddq_u32(x[i + 3], initial(i + 3));
        const uint64x2_t ab02 = vreinterpretq_u64_u32(vtrn1q_u32(a, b));  // a0 b0 a2 b2
        const uint64x2_t ab13 = vreinterpretq_u64_u32(vtrn2q_u32(a, b));  // a1 b1 a3 b3
        const uint64x2_t cd02 = vreinterpretq_u64_u32(vtrn1q_u32(c, d));
        const uint64x2_t cd13 = vreinterpretq_u64_u32(vtrn2q_u32(c, d));
        vst1q_u8(ks + 4 * i, vreinterpretq_u8_u64(vtrn1q_u64(ab02, cd02)));
        vst1q_u8(ks + 64 + 4 * i, vreinterpretq_u8_u64(vtrn1q_u64(ab13, cd13)));
        vst1q_u8(ks + 128 + 4 * i, vreinterpretq_u8_u64(vtrn2q_u64(ab02, cd02)));
        vst1q_u8(ks + 192 + 4 * i, vreinterpretq_u8_u64(vtrn2q_u64(ab13, cd13)));
    }
    secure_wipe(s, 16);
}

// out = in xor ks for n bytes.
inline void xor_bytes(const std::uint8_t* ks, const std::uint8_t* in, std::uint8_t* out, std::size_t n) noexcept {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) vst1q_u8(out + i, veorq_u8(vld1q_u8(ks + i), vld1q_u8(in + i)));
    for (; i < n; ++i) out[i] = static_cast<std::uint8_t>(in[i] ^ ks[i]);
}

// out = in xor keystream from block `counter` on, for any number of bytes (in may be out). The
// caller keeps the block count within 2^32 - counter.
inline void xor_stream(const chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,
                       const std::uint8_t* in, std::uint8_t* out, std::size_t size) noexcept {
    alignas(16) std::uint8_t ks[256];
    for (std::size_t done = 0; done < size; done += 256, counter += 4) {
        blocks4(key, counter, nonce, ks);
        xor_bytes(ks, in + done, out + done, size - done < 256 ? size - done : 256);
    }
    secure_wipe(ks, sizeof ks);
}

}  // namespace chacha_neon

struct chacha20_neon {
    static constexpr const char* name = "neon";
    static bool supported() noexcept { return cpu::arm().neon; }
    static void xor_stream(const chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,
                           const std::uint8_t* in, std::uint8_t* out, std::size_t size) noexcept {
        chacha_neon::xor_stream(key, counter, nonce, in, out, size);
    }
};

#else

// Built without the ARM intrinsics: never supported, so never called; the portable code stands in.
struct chacha20_neon {
    static constexpr const char* name = "neon";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void xor_stream(const chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,
                                     const std::uint8_t* in, std::uint8_t* out, std::size_t size) noexcept {
        chacha20_xor_portable(key, counter, nonce, in, out, size);
    }
};

#endif

}  // namespace carapace::detail
