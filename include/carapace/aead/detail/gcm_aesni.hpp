// AES-GCM with AES-NI and PCLMULQDQ: counter mode over eight blocks in flight, and GHASH over the
// same eight blocks with a single reduction (the products by H^8..H^1 are summed unreduced).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "carapace/aead/detail/aes_key_expansion.hpp"
#include "carapace/aead/detail/ghash_clmul.hpp"
#include "carapace/aead/detail/gcm_portable.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_AESNI_TARGET __attribute__((target("aes,pclmul,ssse3,sse4.1")))
#define CARAPACE_AESNI_INLINE CARAPACE_AESNI_TARGET __attribute__((always_inline)) static inline

struct gcm_aesni {
    static constexpr const char* name = "aes-ni";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.aesni && f.pclmul && f.ssse3 && f.sse41;
    }

    struct key_state {
        aes_round_keys keys;
        alignas(16) std::uint8_t h_powers[8][16] = {};  // H^1..H^8, byte-reversed, each divided by x
        // For Karatsuba: each power's two 64-bit halves XORed, in both lanes.
        alignas(16) std::uint8_t h_folded[8][16] = {};
    };

    CARAPACE_AESNI_TARGET static void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        aes_expand_key(key, s.keys, sub_word);
        if (s.keys.rounds == 0) return;
        std::uint8_t zero[16] = {};
        std::uint8_t h[16];
        encrypt_block(s, zero, h);
        const __m128i h1 = clmul::divide_by_x(clmul::reverse(clmul::load(h)));
        __m128i power = h1;
        for (int i = 0; i < 8; ++i) {
            clmul::store(s.h_powers[i], power);
            clmul::store(s.h_folded[i], clmul::fold_halves(power));
            power = clmul::multiply(power, h1);
        }
        secure_wipe(h, 16);
    }

    CARAPACE_AESNI_TARGET static void encrypt_block(const key_state& s, const std::uint8_t* in,
                                                    std::uint8_t* out) noexcept {
        clmul::store(out, encrypt(s.keys, clmul::load(in)));
    }

    // Y = (Y xor X_i) * H for `count` whole blocks.
    CARAPACE_AESNI_TARGET static void ghash(const key_state& s, std::uint8_t* y_bytes, const std::uint8_t* data,
                                            std::size_t count) noexcept {
        __m128i y = clmul::reverse(clmul::load(y_bytes));
        for (; count >= 8; count -= 8, data += 128) y = ghash8(s, y, data);
        const __m128i h = clmul::load(s.h_powers[0]);
        for (; count > 0; --count, data += 16) y = clmul::multiply(_mm_xor_si128(y, clmul::reverse(clmul::load(data))), h);
        clmul::store(y_bytes, clmul::reverse(y));
    }

    // Counter mode from counter block prefix || be32(counter) over `count` whole blocks, with
    // GHASH absorbing the ciphertext: the output when encrypting, the input when decrypting.
    // Eight blocks go through AES together; one block of GHASH is stitched into each of their
    // first eight rounds (the previous chunk's output when encrypting, this chunk's input when
    // decrypting), so the AES and carry-less multiply units work side by side.
    template <bool Encrypt>
    CARAPACE_AESNI_TARGET static void ctr32_ghash(const key_state& s, const std::uint8_t* prefix,
                                                  std::uint32_t counter, const std::uint8_t* in,
                                                  std::uint8_t* out, std::size_t count,
                                                  std::uint8_t* y_bytes) noexcept {
        switch (s.keys.rounds) {
            case 10: return run<Encrypt, 10>(s, prefix, counter, in, out, count, y_bytes);
            case 12: return run<Encrypt, 12>(s, prefix, counter, in, out, count, y_bytes);
            default: return run<Encrypt, 14>(s, prefix, counter, in, out, count, y_bytes);
        }
    }

private:
    // SubWord through aesenclast: with all four columns equal, ShiftRows changes nothing.
    CARAPACE_AESNI_TARGET static std::uint32_t sub_word(std::uint32_t w) noexcept {
        const __m128i x = _mm_aesenclast_si128(_mm_set1_epi32(static_cast<int>(w)), _mm_setzero_si128());
        return static_cast<std::uint32_t>(_mm_cvtsi128_si32(x));
    }

    CARAPACE_AESNI_INLINE __m128i encrypt(const aes_round_keys& keys, __m128i x) noexcept {
        x = _mm_xor_si128(x, clmul::load(keys.bytes));
        for (int r = 1; r < keys.rounds; ++r) x = _mm_aesenc_si128(x, clmul::load(keys.bytes + 16 * r));
        return _mm_aesenclast_si128(x, clmul::load(keys.bytes + 16 * keys.rounds));
    }

    // The rounds are unrolled for each key size. The last 1..7 blocks get their keystream in one
    // eight-block batch and their GHASH with one reduction.
    template <bool Encrypt, int Rounds>
    CARAPACE_AESNI_TARGET static void run(const key_state& s, const std::uint8_t* prefix, std::uint32_t counter,
                                          const std::uint8_t* in, std::uint8_t* out, std::size_t count,
                                          std::uint8_t* y_bytes) noexcept {
        __m128i y = clmul::reverse(clmul::load(y_bytes));
        // The counter block with its bytes reversed: the 32-bit counter is then lane 0, where
        // _mm_add_epi32 increments it modulo 2^32 exactly as GCM's inc32 does.
        std::uint8_t block[16];
        for (int i = 0; i < 12; ++i) block[i] = prefix[i];
        store_be32(block + 12, counter);
        __m128i ctr = clmul::reverse(clmul::load(block));
        const std::uint8_t* pending = nullptr;  // eight ciphertext blocks not yet hashed
        constexpr auto eight = std::make_index_sequence<8>{};
        constexpr auto middle = std::make_integer_sequence<int, Rounds - 1>{};

        for (; count >= 8; count -= 8, in += 128, out += 128) {
            if constexpr (!Encrypt) pending = in;
            __m128i x[8];
            start_blocks(x, ctr, clmul::load(s.keys.bytes), eight);
            if (pending != nullptr) {
                __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
                middle_rounds<true>(x, s, pending, y, lo, mid, hi, middle);
                y = clmul::reduce(lo, _mm_xor_si128(mid, _mm_xor_si128(lo, hi)), hi);
            } else {
                __m128i none = _mm_setzero_si128();
                middle_rounds<false>(x, s, nullptr, y, none, none, none, middle);
            }
            finish_blocks(x, clmul::load(s.keys.bytes + 16 * Rounds), in, out, eight);
            if constexpr (Encrypt) pending = out;
        }
        if (count != 0) {
            // The last blocks: eight keystream blocks computed, `count` used; the previous
            // chunk's GHASH (encrypting) rides along in the rounds.
            alignas(16) std::uint8_t keystream[128];
            __m128i x[8];
            start_blocks(x, ctr, clmul::load(s.keys.bytes), eight);
            if (Encrypt && pending != nullptr) {
                __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
                middle_rounds<true>(x, s, pending, y, lo, mid, hi, middle);
                y = clmul::reduce(lo, _mm_xor_si128(mid, _mm_xor_si128(lo, hi)), hi);
            } else {
                __m128i none = _mm_setzero_si128();
                middle_rounds<false>(x, s, nullptr, y, none, none, none, middle);
            }
            pending = nullptr;
            last_round_store(x, clmul::load(s.keys.bytes + 16 * Rounds), keystream, eight);
            if constexpr (!Encrypt) y = ghash_up_to_8(s, y, in, count);
            for (std::size_t i = 0; i < count; ++i)
                clmul::store(out + 16 * i, _mm_xor_si128(clmul::load(in + 16 * i), clmul::load(keystream + 16 * i)));
            if constexpr (Encrypt) y = ghash_up_to_8(s, y, out, count);
            secure_wipe(keystream, 128);
        }
        if (Encrypt && pending != nullptr) y = ghash8(s, y, pending);
        clmul::store(y_bytes, clmul::reverse(y));
        secure_wipe(block, 16);
    }

    // Round R + 1 of eight blocks; with Hash set and R < 8, also block R of `hashed` times
    // H^(8-R) (Y XORed into the first).
    template <bool Hash, int R>
    CARAPACE_AESNI_INLINE void middle_round(__m128i (&x)[8], const key_state& s, const std::uint8_t* hashed, __m128i y,
                                            __m128i& lo, __m128i& mid, __m128i& hi) noexcept {
        aes_round(x, clmul::load(s.keys.bytes + 16 * (R + 1)), std::make_index_sequence<8>{});
        if constexpr (Hash && R < 8) {
            __m128i c = clmul::reverse(clmul::load(hashed + 16 * R));
            if constexpr (R == 0) c = _mm_xor_si128(c, y);
            karatsuba_accumulate(c, s, 7 - R, lo, mid, hi);
        }
    }

    template <bool Hash, int... R>
    CARAPACE_AESNI_INLINE void middle_rounds(__m128i (&x)[8], const key_state& s, const std::uint8_t* hashed,
                                             __m128i y, __m128i& lo, __m128i& mid, __m128i& hi,
                                             std::integer_sequence<int, R...>) noexcept {
        (middle_round<Hash, R>(x, s, hashed, y, lo, mid, hi), ...);
    }

    template <std::size_t... I>
    CARAPACE_AESNI_INLINE void last_round_store(__m128i (&x)[8], __m128i rk, std::uint8_t* out,
                                                std::index_sequence<I...>) noexcept {
        ((clmul::store(out + 16 * I, _mm_aesenclast_si128(x[I], rk))), ...);
    }

    // Y' = (Y ^ X1) H^n ^ ... ^ Xn H for n <= 8 blocks, one reduction.
    CARAPACE_AESNI_INLINE __m128i ghash_up_to_8(const key_state& s, __m128i y, const std::uint8_t* data,
                                                std::size_t n) noexcept {
        __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
        for (std::size_t i = 0; i < n; ++i) {
            __m128i x = clmul::reverse(clmul::load(data + 16 * i));
            if (i == 0) x = _mm_xor_si128(x, y);
            karatsuba_accumulate(x, s, static_cast<int>(n - 1 - i), lo, mid, hi);
        }
        return clmul::reduce(lo, _mm_xor_si128(mid, _mm_xor_si128(lo, hi)), hi);
    }

    // x[i] = counter block i xor round key 0, for the eight next counters.
    template <std::size_t... I>
    CARAPACE_AESNI_INLINE void start_blocks(__m128i (&x)[8], __m128i& ctr, __m128i rk0,
                                            std::index_sequence<I...>) noexcept {
        ((x[I] = _mm_xor_si128(clmul::reverse(_mm_add_epi32(ctr, _mm_set_epi32(0, 0, 0, static_cast<int>(I)))), rk0)), ...);
        ctr = _mm_add_epi32(ctr, _mm_set_epi32(0, 0, 0, 8));
    }

    template <std::size_t... I>
    CARAPACE_AESNI_INLINE void aes_round(__m128i (&x)[8], __m128i rk, std::index_sequence<I...>) noexcept {
        ((x[I] = _mm_aesenc_si128(x[I], rk)), ...);
    }

    // Last round, then out = in xor keystream.
    template <std::size_t... I>
    CARAPACE_AESNI_INLINE void finish_blocks(__m128i (&x)[8], __m128i rk, const std::uint8_t* in,
                                             std::uint8_t* out, std::index_sequence<I...>) noexcept {
        ((clmul::store(out + 16 * I, _mm_xor_si128(_mm_aesenclast_si128(x[I], rk), clmul::load(in + 16 * I)))), ...);
    }

    // Karatsuba: accumulates a*H^(power+1) as lo, hi and the middle product of the folded
    // halves (the caller adds lo ^ hi to mid before reducing).
    CARAPACE_AESNI_INLINE void karatsuba_accumulate(__m128i a, const key_state& s, int power, __m128i& lo,
                                                    __m128i& mid, __m128i& hi) noexcept {
        const __m128i h = clmul::load(s.h_powers[power]);
        lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(a, h, 0x00));
        hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(a, h, 0x11));
        mid = _mm_xor_si128(mid, _mm_clmulepi64_si128(clmul::fold_halves(a), clmul::load(s.h_folded[power]), 0x00));
#if !defined(CARAPACE_CT_CHECK_MSAN)
        asm("" : "+x"(lo), "+x"(mid), "+x"(hi));  // running sums in registers (see gcm_vaes.hpp)
#endif
    }

    // Eight blocks at once: Y' = (Y ^ X1) H^8 ^ X2 H^7 ^ ... ^ X8 H, one reduction.
    CARAPACE_AESNI_INLINE __m128i ghash8(const key_state& s, __m128i y, const std::uint8_t* data) noexcept {
        __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
        for (int i = 0; i < 8; ++i) {
            __m128i x = clmul::reverse(clmul::load(data + 16 * i));
            if (i == 0) x = _mm_xor_si128(x, y);
            karatsuba_accumulate(x, s, 7 - i, lo, mid, hi);
        }
        return clmul::reduce(lo, _mm_xor_si128(mid, _mm_xor_si128(lo, hi)), hi);
    }
};

#undef CARAPACE_AESNI_INLINE
#undef CARAPACE_AESNI_TARGET

#else

// Built without intrinsics: never supported, so never called; the portable engine stands in.
struct gcm_aesni : gcm_portable {
    static constexpr const char* name = "aes-ni";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
