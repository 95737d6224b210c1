// AES (FIPS 197) with the ARMv8 Cryptography Extensions, shared by the 64-bit ARM AES-GCM and
// AES-CCM engines. AESE is AddRoundKey, ShiftRows and SubBytes; AESMC is MixColumns; so a full
// round is AESMC(AESE(x, k)), and the last one AESE then a XOR with the last round key. The
// instructions take the same time for every input: no tables, nothing secret-dependent.
//
// The crypto instructions are enabled per function (CARAPACE_ARMV8_CRYPTO_TARGET), never for the
// whole build, so a program that includes this runs on ARMv8 CPUs without them. GCC spells the
// feature "+crypto"; Clang 14 spells it "crypto", and its arm_neon.h declares vaeseq_u8 and
// vaesmcq_u8 only when the whole translation unit targets AES, so with Clang the two are called
// through the builtins they wrap.
//
// Built only for little-endian AArch64 (the engines read the vector lanes in that byte order);
// elsewhere this header defines nothing.
#pragma once

#include <cstdint>

#include "carapace/aead/detail/aes_key_expansion.hpp"
#include "carapace/core/cpu.hpp"

#if CARAPACE_HAVE_ARM_INTRINSICS && !defined(__ARM_BIG_ENDIAN)
// 1 when the ARMv8 AES and PMULL engines are compiled in (read-only: set here).
#define CARAPACE_HAVE_ARMV8_AES 1
#include <arm_neon.h>
#else
#define CARAPACE_HAVE_ARMV8_AES 0  // not little-endian AArch64, or the portable code is forced
#endif

#if CARAPACE_HAVE_ARMV8_AES

#if defined(__clang__)
#define CARAPACE_ARMV8_CRYPTO_TARGET __attribute__((target("crypto")))
#else
#define CARAPACE_ARMV8_CRYPTO_TARGET __attribute__((target("+crypto")))
#endif
#define CARAPACE_ARMV8_CRYPTO_INLINE CARAPACE_ARMV8_CRYPTO_TARGET __attribute__((always_inline)) inline

namespace carapace::detail::armv8 {

CARAPACE_ARMV8_CRYPTO_INLINE uint8x16_t load(const std::uint8_t* p) noexcept { return vld1q_u8(p); }
CARAPACE_ARMV8_CRYPTO_INLINE void store(std::uint8_t* p, uint8x16_t v) noexcept { vst1q_u8(p, v); }

// AddRoundKey, ShiftRows, SubBytes.
CARAPACE_ARMV8_CRYPTO_INLINE uint8x16_t aese(uint8x16_t x, uint8x16_t k) noexcept {
#if defined(__clang__)
    return vreinterpretq_u8_s8(__builtin_neon_vaeseq_v(vreinterpretq_s8_u8(x), vreinterpretq_s8_u8(k), 48));
#else
    return vaeseq_u8(x, k);
#endif
}

// MixColumns.
CARAPACE_ARMV8_CRYPTO_INLINE uint8x16_t aesmc(uint8x16_t x) noexcept {
#if defined(__clang__)
    return vreinterpretq_u8_s8(__builtin_neon_vaesmcq_v(vreinterpretq_s8_u8(x), 48));
#else
    return vaesmcq_u8(x);
#endif
}

// One full round (not the last) with round key k.
CARAPACE_ARMV8_CRYPTO_INLINE uint8x16_t full_round(uint8x16_t x, uint8x16_t k) noexcept { return aesmc(aese(x, k)); }

// SubWord through AESE with a zero key: with all four columns equal, ShiftRows changes nothing.
CARAPACE_ARMV8_CRYPTO_TARGET inline std::uint32_t sub_word(std::uint32_t w) noexcept {
    const uint8x16_t x = aese(vreinterpretq_u8_u32(vdupq_n_u32(w)), vdupq_n_u8(0));
    return vgetq_lane_u32(vreinterpretq_u32_u8(x), 0);
}

// The round keys in registers, for a whole message.
template <int Rounds>
struct schedule {
    uint8x16_t k[static_cast<unsigned>(Rounds + 1)];
};

template <int Rounds>
CARAPACE_ARMV8_CRYPTO_INLINE schedule<Rounds> keys_of(const aes_round_keys& s) noexcept {
    schedule<Rounds> out;
    for (int r = 0; r <= Rounds; ++r) out.k[r] = load(s.bytes + 16 * r);
    return out;
}

template <int Rounds>
CARAPACE_ARMV8_CRYPTO_INLINE uint8x16_t encrypt(const schedule<Rounds>& k, uint8x16_t x) noexcept {
    for (int r = 0; r < Rounds - 1; ++r) x = full_round(x, k.k[r]);
    return veorq_u8(aese(x, k.k[Rounds - 1]), k.k[Rounds]);
}

// N independent blocks, their rounds interleaved so the AES unit's pipeline stays full.
template <int Rounds, unsigned N>
CARAPACE_ARMV8_CRYPTO_INLINE void encrypt_n(const schedule<Rounds>& k, uint8x16_t (&x)[N]) noexcept {
    for (int r = 0; r < Rounds - 1; ++r)
        for (unsigned i = 0; i < N; ++i) x[i] = full_round(x[i], k.k[r]);
    for (unsigned i = 0; i < N; ++i) x[i] = veorq_u8(aese(x[i], k.k[Rounds - 1]), k.k[Rounds]);
}

// N blocks with the round keys read from memory, for calls of a block or two. The engines keep
// rounds at 0 for a key of another length, which the modes never give them; such a schedule
// (all zero) is read as a 14-round one, so no read leaves it.
template <unsigned N>
CARAPACE_ARMV8_CRYPTO_INLINE void encrypt_any(const aes_round_keys& s, uint8x16_t (&x)[N]) noexcept {
    switch (s.rounds) {
        case 10: return encrypt_n(keys_of<10>(s), x);
        case 12: return encrypt_n(keys_of<12>(s), x);
        default: return encrypt_n(keys_of<14>(s), x);
    }
}

CARAPACE_ARMV8_CRYPTO_INLINE uint8x16_t encrypt_any(const aes_round_keys& s, uint8x16_t x) noexcept {
    uint8x16_t one[1] = {x};
    encrypt_any(s, one);
    return one[0];
}

// The counter block prefix || be32(counter): the first twelve bytes of `prefix` (a whole block
// in registers), its last word replaced.
CARAPACE_ARMV8_CRYPTO_INLINE uint8x16_t counter_block(uint8x16_t prefix, std::uint32_t counter) noexcept {
    return vreinterpretq_u8_u32(vsetq_lane_u32(__builtin_bswap32(counter), vreinterpretq_u32_u8(prefix), 3));
}

}  // namespace carapace::detail::armv8

#endif
