// AES-GCM with VAES and VPCLMULQDQ on 256-bit registers (AVX2, no AVX-512 needed): sixteen
// blocks in flight as eight two-block vectors, and GHASH over sixteen blocks per reduction, two
// blocks per carry-less multiply, stitched into the AES rounds. The rounds are unrolled for each
// key size. Single blocks and key setup reuse the AES-NI engine, whose key state this one holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "carapace/aead/detail/gcm_aesni.hpp"
#include "carapace/aead/detail/ghash_clmul.hpp"
#include "carapace/aead/detail/gcm_portable.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_VAES_TARGET __attribute__((target("vaes,vpclmulqdq,avx2,avx,aes,pclmul,ssse3,sse4.1")))
#define CARAPACE_VAES_INLINE CARAPACE_VAES_TARGET __attribute__((always_inline)) static inline

struct gcm_vaes {
    static constexpr const char* name = "vaes";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return gcm_aesni::supported() && f.avx2 && f.vaes && f.vpclmulqdq;
    }

    struct key_state {
        gcm_aesni::key_state base;
        // H^16, H^15, ..., H^1: a 32-byte load at pair j gives the powers for blocks 2j, 2j+1.
        alignas(32) std::uint8_t h_descending[16][16] = {};
        alignas(32) std::uint8_t h_descending_folded[16][16] = {};
    };

    CARAPACE_VAES_TARGET static void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        gcm_aesni::init(s.base, key);
        if (s.base.keys.rounds == 0) return;
        const __m128i h = clmul::load(s.base.h_powers[0]);
        __m128i power = h;
        for (int i = 1; i <= 16; ++i) {
            clmul::store(s.h_descending[16 - i], power);
            clmul::store(s.h_descending_folded[16 - i], clmul::fold_halves(power));
            power = clmul::multiply(power, h);
        }
    }

    static void encrypt_block(const key_state& s, const std::uint8_t* in, std::uint8_t* out) noexcept {
        gcm_aesni::encrypt_block(s.base, in, out);
    }

    static void ghash(const key_state& s, std::uint8_t* y, const std::uint8_t* data, std::size_t count) noexcept {
        gcm_aesni::ghash(s.base, y, data, count);
    }

    template <bool Encrypt>
    CARAPACE_VAES_TARGET static void ctr32_ghash(const key_state& s, const std::uint8_t* prefix,
                                                 std::uint32_t counter, const std::uint8_t* in,
                                                 std::uint8_t* out, std::size_t count,
                                                 std::uint8_t* y_bytes) noexcept {
        switch (s.base.keys.rounds) {
            case 10: return run<Encrypt, 10>(s, prefix, counter, in, out, count, y_bytes);
            case 12: return run<Encrypt, 12>(s, prefix, counter, in, out, count, y_bytes);
            default: return run<Encrypt, 14>(s, prefix, counter, in, out, count, y_bytes);
        }
    }

private:
    CARAPACE_VAES_INLINE __m256i load2(const std::uint8_t* p) noexcept {
        return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    }
    CARAPACE_VAES_INLINE void store2(std::uint8_t* p, __m256i v) noexcept {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
    }
    CARAPACE_VAES_INLINE __m256i reverse2(__m256i v) noexcept {
        const __m256i m = _mm256_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,  //
                                          0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        return _mm256_shuffle_epi8(v, m);
    }
    CARAPACE_VAES_INLINE __m256i round_key(const key_state& s, int r) noexcept {
        return _mm256_broadcastsi128_si256(clmul::load(s.base.keys.bytes + 16 * r));
    }
    CARAPACE_VAES_INLINE __m128i xor_lanes(__m256i v) noexcept {
        return _mm_xor_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    }

    template <std::size_t... I>
    CARAPACE_VAES_INLINE void start_blocks(__m256i (&x)[sizeof...(I)], __m256i& counters, __m256i rk0,
                                           std::index_sequence<I...>) noexcept {
        ((x[I] = _mm256_xor_si256(
              reverse2(_mm256_add_epi32(counters, _mm256_set_epi32(0, 0, 0, 2 * static_cast<int>(I), 0, 0, 0,
                                                                   2 * static_cast<int>(I)))),
              rk0)),
         ...);
        counters = _mm256_add_epi32(
            counters, _mm256_set_epi32(0, 0, 0, 2 * sizeof...(I), 0, 0, 0, 2 * sizeof...(I)));
    }

    template <std::size_t... I>
    CARAPACE_VAES_INLINE void aes_round(__m256i (&x)[sizeof...(I)], __m256i rk, std::index_sequence<I...>) noexcept {
        ((x[I] = _mm256_aesenc_epi128(x[I], rk)), ...);
    }

    template <std::size_t... I>
    CARAPACE_VAES_INLINE void last_round(__m256i (&x)[sizeof...(I)], __m256i rk, std::index_sequence<I...>) noexcept {
        ((x[I] = _mm256_aesenclast_epi128(x[I], rk)), ...);
    }

    // Round R + 1 of eight two-block vectors; with Hash set and R < 8, also ciphertext pair R
    // times its powers of H. (A member template, not a lambda: lambdas lose target attributes.)
    template <bool Hash, int R>
    CARAPACE_VAES_INLINE void middle_round(__m256i (&x)[8], const key_state& s, const std::uint8_t* hashed,
                                           __m128i y, __m256i& lo, __m256i& mid, __m256i& hi) noexcept {
        aes_round(x, round_key(s, R + 1), std::make_index_sequence<8>{});
        if constexpr (Hash && R < 8) {
            __m256i c = reverse2(load2(hashed + 32 * R));
            if constexpr (R == 0) c = _mm256_xor_si256(c, _mm256_zextsi128_si256(y));
            karatsuba_accumulate(c, s.h_descending[2 * R], s.h_descending_folded[2 * R], lo, mid, hi);
        }
    }

    // Rounds 1 .. Rounds-1, unrolled.
    template <bool Hash, int... R>
    CARAPACE_VAES_INLINE void middle_rounds(__m256i (&x)[8], const key_state& s, const std::uint8_t* hashed,
                                            __m128i y, __m256i& lo, __m256i& mid, __m256i& hi,
                                            std::integer_sequence<int, R...>) noexcept {
        (middle_round<Hash, R>(x, s, hashed, y, lo, mid, hi), ...);
    }

    // Karatsuba on two blocks at once, times the two powers of H stored at h (and folded at hf).
    CARAPACE_VAES_INLINE void karatsuba_accumulate(__m256i a, const std::uint8_t* h, const std::uint8_t* hf,
                                                   __m256i& lo, __m256i& mid, __m256i& hi) noexcept {
        const __m256i hh = load2(h);
        const __m256i a_folded = _mm256_xor_si256(a, _mm256_shuffle_epi32(a, 0x4E));
        lo = _mm256_xor_si256(lo, _mm256_clmulepi64_epi128(a, hh, 0x00));
        hi = _mm256_xor_si256(hi, _mm256_clmulepi64_epi128(a, hh, 0x11));
        mid = _mm256_xor_si256(mid, _mm256_clmulepi64_epi128(a_folded, load2(hf), 0x00));
    }

    CARAPACE_VAES_INLINE __m128i finish_ghash(__m256i lo, __m256i mid, __m256i hi) noexcept {
        const __m128i l = xor_lanes(lo), h = xor_lanes(hi);
        return clmul::reduce(l, _mm_xor_si128(xor_lanes(mid), _mm_xor_si128(l, h)), h);
    }

    // Y' = (Y ^ X1) H^n ^ X2 H^(n-1) ^ ... ^ Xn H for n <= 16 blocks, one reduction.
    CARAPACE_VAES_INLINE __m128i ghash_up_to_16(const key_state& s, __m128i y, const std::uint8_t* data,
                                                std::size_t n) noexcept {
        __m256i lo = _mm256_setzero_si256(), mid = lo, hi = lo;
        const std::size_t first = 16 - n;  // index of H^n in h_descending
        std::size_t i = 0;
        for (; i + 2 <= n; i += 2) {
            __m256i c = reverse2(load2(data + 16 * i));
            if (i == 0) c = _mm256_xor_si256(c, _mm256_zextsi128_si256(y));
            karatsuba_accumulate(c, s.h_descending[first + i], s.h_descending_folded[first + i], lo, mid, hi);
        }
        if (i < n) {  // an odd last block, times H^1
            __m128i c = clmul::reverse(clmul::load(data + 16 * i));
            if (i == 0) c = _mm_xor_si128(c, y);
            const __m128i h = clmul::load(s.h_descending[15]), hf = clmul::load(s.h_descending_folded[15]);
            lo = _mm256_xor_si256(lo, _mm256_zextsi128_si256(_mm_clmulepi64_si128(c, h, 0x00)));
            hi = _mm256_xor_si256(hi, _mm256_zextsi128_si256(_mm_clmulepi64_si128(c, h, 0x11)));
            mid = _mm256_xor_si256(mid, _mm256_zextsi128_si256(_mm_clmulepi64_si128(clmul::fold_halves(c), hf, 0x00)));
        }
        return finish_ghash(lo, mid, hi);
    }

    // Whole sixteen-block chunks, then the last 1..15 blocks. In the chunks, the previous
    // chunk's output (encrypting) or this chunk's input (decrypting) is hashed two blocks per AES
    // round; the last blocks get their keystream in one go and their GHASH with one reduction.
    template <bool Encrypt, int Rounds>
    CARAPACE_VAES_TARGET static void run(const key_state& s, const std::uint8_t* prefix, std::uint32_t counter,
                                         const std::uint8_t* in, std::uint8_t* out, std::size_t count,
                                         std::uint8_t* y_bytes) noexcept {
        __m128i y = clmul::reverse(clmul::load(y_bytes));
        std::uint8_t block[16];
        for (int i = 0; i < 12; ++i) block[i] = prefix[i];
        store_be32(block + 12, counter);
        // Counter blocks byte-reversed (inc32 is then an add on lane 0), for blocks n and n+1.
        __m256i counters = _mm256_add_epi32(_mm256_broadcastsi128_si256(clmul::reverse(clmul::load(block))),
                                            _mm256_set_epi32(0, 0, 0, 1, 0, 0, 0, 0));
        constexpr auto eight = std::make_index_sequence<8>{};
        constexpr auto middle = std::make_integer_sequence<int, Rounds - 1>{};
        const std::uint8_t* pending = nullptr;  // sixteen ciphertext blocks not hashed yet

        for (; count >= 16; count -= 16, in += 256, out += 256) {
            if constexpr (!Encrypt) pending = in;
            __m256i x[8];
            start_blocks(x, counters, round_key(s, 0), eight);
            if (pending != nullptr) {
                __m256i lo = _mm256_setzero_si256(), mid = lo, hi = lo;
                middle_rounds<true>(x, s, pending, y, lo, mid, hi, middle);
                y = finish_ghash(lo, mid, hi);
            } else {
                __m256i none = _mm256_setzero_si256();
                middle_rounds<false>(x, s, nullptr, y, none, none, none, middle);
            }
            last_round(x, round_key(s, Rounds), eight);
            xor_store(x, in, out, eight);
            if constexpr (Encrypt) pending = out;
        }
        if constexpr (Encrypt) {
            if (pending != nullptr) y = ghash_up_to_16(s, y, pending, 16);
        }
        if (count != 0) {
            // Keystream for the last blocks (sixteen computed, `count` used), then XOR and GHASH.
            alignas(32) std::uint8_t keystream[256];
            __m256i x[8];
            start_blocks(x, counters, round_key(s, 0), eight);
            __m256i none = _mm256_setzero_si256();
            middle_rounds<false>(x, s, nullptr, y, none, none, none, middle);
            last_round(x, round_key(s, Rounds), eight);
            store_all(x, keystream, eight);
            if constexpr (!Encrypt) y = ghash_up_to_16(s, y, in, count);
            for (std::size_t i = 0; i < count; ++i)
                clmul::store(out + 16 * i, _mm_xor_si128(clmul::load(in + 16 * i), clmul::load(keystream + 16 * i)));
            if constexpr (Encrypt) y = ghash_up_to_16(s, y, out, count);
            secure_wipe(keystream, 256);
        }
        clmul::store(y_bytes, clmul::reverse(y));
        secure_wipe(block, 16);
    }

    template <std::size_t... I>
    CARAPACE_VAES_INLINE void xor_store(__m256i (&x)[8], const std::uint8_t* in, std::uint8_t* out,
                                        std::index_sequence<I...>) noexcept {
        ((store2(out + 32 * I, _mm256_xor_si256(x[I], load2(in + 32 * I)))), ...);
    }

    template <std::size_t... I>
    CARAPACE_VAES_INLINE void store_all(__m256i (&x)[8], std::uint8_t* out, std::index_sequence<I...>) noexcept {
        ((store2(out + 32 * I, x[I])), ...);
    }
};

#undef CARAPACE_VAES_INLINE
#undef CARAPACE_VAES_TARGET

#else

// Built without intrinsics: never supported, so never called; the portable engine stands in.
struct gcm_vaes : gcm_portable {
    static constexpr const char* name = "vaes";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
