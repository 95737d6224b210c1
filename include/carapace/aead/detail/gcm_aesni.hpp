// AES-GCM with AES-NI and PCLMULQDQ: counter mode over eight blocks in flight, and GHASH over the
// same eight blocks with a single reduction (the products by H^8..H^1 are summed unreduced).
//
// GHASH works on byte-reversed blocks, so a GCM field element is a 128-bit integer whose bit
// 127 - i is the coefficient of x^i. A carry-less product of two such values is the reversed
// product shifted right by one bit; reduce() shifts it back and reduces modulo
// x^128 + x^7 + x^2 + x + 1 with shifts (no tables, no secret-dependent anything).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "carapace/aead/detail/aes_key_expansion.hpp"
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
        alignas(16) std::uint8_t h_powers[8][16] = {};  // H^1..H^8, byte-reversed
        // For Karatsuba: each power's two 64-bit halves XORed, in both lanes.
        alignas(16) std::uint8_t h_folded[8][16] = {};
    };

    CARAPACE_AESNI_TARGET static void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        aes_expand_key(key, s.keys, sub_word);
        if (s.keys.rounds == 0) return;
        std::uint8_t zero[16] = {};
        std::uint8_t h[16];
        encrypt_block(s, zero, h);
        const __m128i h1 = reverse(load(h));
        __m128i power = h1;
        for (int i = 0; i < 8; ++i) {
            store(s.h_powers[i], power);
            store(s.h_folded[i], fold_halves(power));
            power = multiply(power, h1);
        }
        secure_wipe(h, 16);
    }

    CARAPACE_AESNI_TARGET static void encrypt_block(const key_state& s, const std::uint8_t* in,
                                                    std::uint8_t* out) noexcept {
        store(out, encrypt(s.keys, load(in)));
    }

    // Y = (Y xor X_i) * H for `count` whole blocks.
    CARAPACE_AESNI_TARGET static void ghash(const key_state& s, std::uint8_t* y_bytes, const std::uint8_t* data,
                                            std::size_t count) noexcept {
        __m128i y = reverse(load(y_bytes));
        for (; count >= 8; count -= 8, data += 128) y = ghash8(s, y, data);
        const __m128i h = load(s.h_powers[0]);
        for (; count > 0; --count, data += 16) y = multiply(_mm_xor_si128(y, reverse(load(data))), h);
        store(y_bytes, reverse(y));
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
        __m128i y = reverse(load(y_bytes));
        // The counter block with its bytes reversed: the 32-bit counter is then lane 0, where
        // _mm_add_epi32 increments it modulo 2^32 exactly as GCM's inc32 does.
        std::uint8_t block[16];
        for (int i = 0; i < 12; ++i) block[i] = prefix[i];
        store_be32(block + 12, counter);
        __m128i ctr = reverse(loadu(block));
        const int rounds = s.keys.rounds;
        const std::uint8_t* pending = nullptr;  // eight ciphertext blocks not yet hashed
        constexpr auto eight = std::make_index_sequence<8>{};

        for (; count >= 8; count -= 8, in += 128, out += 128) {
            if constexpr (!Encrypt) pending = in;
            __m128i x[8];
            start_blocks(x, ctr, load(s.keys.bytes), eight);
            __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
            int r = 1;
            if (pending != nullptr) {
                for (; r <= 8; ++r) {
                    aes_round(x, load(s.keys.bytes + 16 * r), eight);
                    __m128i c = reverse(loadu(pending + 16 * (r - 1)));
                    if (r == 1) c = _mm_xor_si128(c, y);
                    karatsuba_accumulate(c, s, 8 - r, lo, mid, hi);
                }
            }
            for (; r < rounds; ++r) aes_round(x, load(s.keys.bytes + 16 * r), eight);
            finish_blocks(x, load(s.keys.bytes + 16 * rounds), in, out, eight);
            if (pending != nullptr) y = reduce(lo, _mm_xor_si128(mid, _mm_xor_si128(lo, hi)), hi);
            if constexpr (Encrypt) pending = out;
        }
        if constexpr (Encrypt) {
            if (pending != nullptr) y = ghash8(s, y, pending);
        }
        const __m128i h = load(s.h_powers[0]);
        for (; count > 0; --count, in += 16, out += 16) {
            const __m128i c_in = loadu(in);
            if constexpr (!Encrypt) y = multiply(_mm_xor_si128(y, reverse(c_in)), h);
            __m128i k = _mm_xor_si128(reverse(ctr), load(s.keys.bytes));
            for (int r = 1; r < rounds; ++r) k = _mm_aesenc_si128(k, load(s.keys.bytes + 16 * r));
            const __m128i c_out = _mm_xor_si128(_mm_aesenclast_si128(k, load(s.keys.bytes + 16 * rounds)), c_in);
            ctr = _mm_add_epi32(ctr, _mm_set_epi32(0, 0, 0, 1));
            storeu(out, c_out);
            if constexpr (Encrypt) y = multiply(_mm_xor_si128(y, reverse(c_out)), h);
        }
        store(y_bytes, reverse(y));
        secure_wipe(block, 16);
    }

private:
    CARAPACE_AESNI_INLINE __m128i load(const std::uint8_t* p) noexcept {
        return _mm_load_si128(reinterpret_cast<const __m128i*>(p));
    }
    CARAPACE_AESNI_INLINE __m128i loadu(const std::uint8_t* p) noexcept {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    }
    CARAPACE_AESNI_INLINE void store(std::uint8_t* p, __m128i v) noexcept {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
    }
    CARAPACE_AESNI_INLINE void storeu(std::uint8_t* p, __m128i v) noexcept {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
    }
    CARAPACE_AESNI_INLINE __m128i reverse(__m128i v) noexcept {
        return _mm_shuffle_epi8(v, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    }

    // SubWord through aesenclast: with all four columns equal, ShiftRows changes nothing.
    CARAPACE_AESNI_TARGET static std::uint32_t sub_word(std::uint32_t w) noexcept {
        const __m128i x = _mm_aesenclast_si128(_mm_set1_epi32(static_cast<int>(w)), _mm_setzero_si128());
        return static_cast<std::uint32_t>(_mm_cvtsi128_si32(x));
    }

    CARAPACE_AESNI_INLINE __m128i encrypt(const aes_round_keys& keys, __m128i x) noexcept {
        x = _mm_xor_si128(x, load(keys.bytes));
        for (int r = 1; r < keys.rounds; ++r) x = _mm_aesenc_si128(x, load(keys.bytes + 16 * r));
        return _mm_aesenclast_si128(x, load(keys.bytes + 16 * keys.rounds));
    }

    // x[i] = counter block i xor round key 0, for the eight next counters.
    template <std::size_t... I>
    CARAPACE_AESNI_INLINE void start_blocks(__m128i (&x)[8], __m128i& ctr, __m128i rk0,
                                            std::index_sequence<I...>) noexcept {
        ((x[I] = _mm_xor_si128(reverse(_mm_add_epi32(ctr, _mm_set_epi32(0, 0, 0, static_cast<int>(I)))), rk0)), ...);
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
        ((storeu(out + 16 * I, _mm_xor_si128(_mm_aesenclast_si128(x[I], rk), loadu(in + 16 * I)))), ...);
    }

    // The two 64-bit halves of v XORed, in both lanes.
    CARAPACE_AESNI_INLINE __m128i fold_halves(__m128i v) noexcept {
        return _mm_xor_si128(v, _mm_shuffle_epi32(v, 0x4E));
    }

    // Karatsuba: accumulates a*H^(power+1) as lo, hi and the middle product of the folded
    // halves (the caller adds lo ^ hi to mid before reducing).
    CARAPACE_AESNI_INLINE void karatsuba_accumulate(__m128i a, const key_state& s, int power, __m128i& lo,
                                                    __m128i& mid, __m128i& hi) noexcept {
        const __m128i h = load(s.h_powers[power]);
        lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(a, h, 0x00));
        hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(a, h, 0x11));
        mid = _mm_xor_si128(mid, _mm_clmulepi64_si128(fold_halves(a), load(s.h_folded[power]), 0x00));
    }

    // Unreduced 256-bit carry-less product a*b, accumulated into lo ^ mid*2^64 ^ hi*2^128.
    CARAPACE_AESNI_INLINE void multiply_accumulate(__m128i a, __m128i b, __m128i& lo, __m128i& mid,
                                                   __m128i& hi) noexcept {
        lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(a, b, 0x00));
        hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(a, b, 0x11));
        mid = _mm_xor_si128(mid, _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01), _mm_clmulepi64_si128(a, b, 0x10)));
    }

    // 128-bit logical right shift by n (0 < n < 64).
    CARAPACE_AESNI_INLINE __m128i shift_right_128(__m128i x, int n) noexcept {
        return _mm_or_si128(_mm_srli_epi64(x, n), _mm_slli_epi64(_mm_srli_si128(x, 8), 64 - n));
    }

    // Turns the accumulated carry-less product of reversed elements into the reversed field
    // product: shift the 256-bit value left by one, then fold the low half (the coefficients of
    // x^128 and up) back through x^128 = x^7 + x^2 + x + 1.
    CARAPACE_AESNI_INLINE __m128i reduce(__m128i lo, __m128i mid, __m128i hi) noexcept {
        lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
        hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
        const __m128i lo_carry = _mm_srli_epi64(lo, 63), hi_carry = _mm_srli_epi64(hi, 63);
        lo = _mm_or_si128(_mm_slli_epi64(lo, 1), _mm_slli_si128(lo_carry, 8));
        hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi64(hi, 1), _mm_slli_si128(hi_carry, 8)),
                          _mm_srli_si128(lo_carry, 8));
        // The bits that x, x^2 and x^7 push past x^127 come from the low word; they wrap to the
        // top of the high word before the multiplication by (1 + x + x^2 + x^7).
        const __m128i wrap = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(lo, 63), _mm_slli_epi64(lo, 62)),
                                           _mm_slli_epi64(lo, 57));
        lo = _mm_xor_si128(lo, _mm_slli_si128(wrap, 8));
        const __m128i folded = _mm_xor_si128(_mm_xor_si128(lo, shift_right_128(lo, 1)),
                                             _mm_xor_si128(shift_right_128(lo, 2), shift_right_128(lo, 7)));
        return _mm_xor_si128(hi, folded);
    }

    CARAPACE_AESNI_INLINE __m128i multiply(__m128i a, __m128i b) noexcept {
        __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
        multiply_accumulate(a, b, lo, mid, hi);
        return reduce(lo, mid, hi);
    }

    // Eight blocks at once: Y' = (Y ^ X1) H^8 ^ X2 H^7 ^ ... ^ X8 H, one reduction.
    CARAPACE_AESNI_INLINE __m128i ghash8(const key_state& s, __m128i y, const std::uint8_t* data) noexcept {
        __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
        for (int i = 0; i < 8; ++i) {
            __m128i x = reverse(loadu(data + 16 * i));
            if (i == 0) x = _mm_xor_si128(x, y);
            karatsuba_accumulate(x, s, 7 - i, lo, mid, hi);
        }
        return reduce(lo, _mm_xor_si128(mid, _mm_xor_si128(lo, hi)), hi);
    }
};

#undef CARAPACE_AESNI_INLINE
#undef CARAPACE_AESNI_TARGET

#endif

}  // namespace carapace::detail
