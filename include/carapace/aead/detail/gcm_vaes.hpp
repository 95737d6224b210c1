// AES-GCM with VAES and VPCLMULQDQ on 256-bit registers (AVX2, no AVX-512 needed): sixteen
// blocks in flight as eight two-block vectors, and GHASH over sixteen blocks per reduction, two
// blocks per carry-less multiply, stitched into the AES rounds. The rounds are unrolled for each
// key size. Single blocks and key setup reuse the AES-NI engine, whose key state this one holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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

    // Block-level counter mode with GHASH, for callers that do not go through crypt_message
    // (none does on this engine's fast path): the AES-NI engine's is enough.
    template <bool Encrypt>
    static void ctr32_ghash(const key_state& s, const std::uint8_t* prefix, std::uint32_t counter,
                            const std::uint8_t* in, std::uint8_t* out, std::size_t count,
                            std::uint8_t* y_bytes) noexcept {
        gcm_aesni::ctr32_ghash<Encrypt>(s.base, prefix, counter, in, out, count, y_bytes);
    }

    // A whole message after its AAD: counter mode from inc32(J0) over `size` bytes, GHASH over
    // the ciphertext, its padding and the length block, and tag = E(K, J0) xor GHASH. The last
    // whole blocks, the partial block and J0 share one AES batch; the previous chunk's GHASH is
    // stitched into that batch's rounds, and the rest (up to 17 blocks) is summed unreduced and
    // reduced once.
    template <bool Encrypt>
    CARAPACE_VAES_TARGET static void crypt_message(const key_state& s, const std::uint8_t* j0, const std::uint8_t* in,
                                                   std::uint8_t* out, std::size_t size, std::size_t aad_size,
                                                   std::uint8_t* y_bytes, std::uint8_t* tag) noexcept {
        switch (s.base.keys.rounds) {
            case 10: return message<Encrypt, 10>(s, j0, in, out, size, aad_size, y_bytes, tag);
            case 12: return message<Encrypt, 12>(s, j0, in, out, size, aad_size, y_bytes, tag);
            default: return message<Encrypt, 14>(s, j0, in, out, size, aad_size, y_bytes, tag);
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
    CARAPACE_VAES_INLINE void start_blocks(__m256i (&x)[sizeof...(I)], const __m256i& counters, __m256i rk0,
                                           std::index_sequence<I...>) noexcept {
        ((x[I] = _mm256_xor_si256(
              reverse2(_mm256_add_epi32(counters, _mm256_set_epi32(0, 0, 0, 2 * static_cast<int>(I), 0, 0, 0,
                                                                   2 * static_cast<int>(I)))),
              rk0)),
         ...);
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
    template <bool Hash, int R, std::size_t V>
    CARAPACE_VAES_INLINE void middle_round(__m256i (&x)[V], const key_state& s, const std::uint8_t* hashed,
                                           __m128i y, __m256i& lo, __m256i& mid, __m256i& hi) noexcept {
        aes_round(x, round_key(s, R + 1), std::make_index_sequence<V>{});
        if constexpr (Hash && R < 8) {
            __m256i c = reverse2(load2(hashed + 32 * R));
            if constexpr (R == 0) c = _mm256_xor_si256(c, _mm256_zextsi128_si256(y));
            karatsuba_accumulate(c, s.h_descending[2 * R], s.h_descending_folded[2 * R], lo, mid, hi);
        }
    }

    // Rounds 1 .. Rounds-1, unrolled.
    template <bool Hash, std::size_t V, int... R>
    CARAPACE_VAES_INLINE void middle_rounds(__m256i (&x)[V], const key_state& s, const std::uint8_t* hashed,
                                            __m128i y, __m256i& lo, __m256i& mid, __m256i& hi,
                                            std::integer_sequence<int, R...>) noexcept {
        (middle_round<Hash, R, V>(x, s, hashed, y, lo, mid, hi), ...);
    }

    // Karatsuba on two blocks at once, times the two powers of H stored at h (and folded at hf).
    CARAPACE_VAES_INLINE void karatsuba_accumulate(__m256i a, const std::uint8_t* h, const std::uint8_t* hf,
                                                   __m256i& lo, __m256i& mid, __m256i& hi) noexcept {
        const __m256i hh = load2(h);
        const __m256i a_folded = _mm256_xor_si256(a, _mm256_shuffle_epi32(a, 0x4E));
        lo = _mm256_xor_si256(lo, _mm256_clmulepi64_epi128(a, hh, 0x00));
        hi = _mm256_xor_si256(hi, _mm256_clmulepi64_epi128(a, hh, 0x11));
        mid = _mm256_xor_si256(mid, _mm256_clmulepi64_epi128(a_folded, load2(hf), 0x00));
        // Keep the sums running in registers: left alone, compilers keep every product apart
        // (to add them up as a tree) and spill them to the stack.
        asm("" : "+x"(lo), "+x"(mid), "+x"(hi));
    }

    CARAPACE_VAES_INLINE __m128i finish_ghash(__m256i lo, __m256i mid, __m256i hi) noexcept {
        const __m128i l = xor_lanes(lo), h = xor_lanes(hi);
        return clmul::reduce(l, _mm_xor_si128(xor_lanes(mid), _mm_xor_si128(l, h)), h);
    }

    // One block times H^k (k <= 16) into the accumulators.
    CARAPACE_VAES_INLINE void accumulate1(const key_state& s, __m128i c, std::size_t k, __m256i& lo, __m256i& mid,
                                          __m256i& hi) noexcept {
        const __m128i h = clmul::load(s.h_descending[16 - k]), hf = clmul::load(s.h_descending_folded[16 - k]);
        lo = _mm256_xor_si256(lo, _mm256_zextsi128_si256(_mm_clmulepi64_si128(c, h, 0x00)));
        hi = _mm256_xor_si256(hi, _mm256_zextsi128_si256(_mm_clmulepi64_si128(c, h, 0x11)));
        mid = _mm256_xor_si256(mid, _mm256_zextsi128_si256(_mm_clmulepi64_si128(clmul::fold_halves(c), hf, 0x00)));
    }

    // n whole blocks times H^top, H^(top-1), ..., H^(top-n+1) (n <= top <= 16) into the
    // accumulators; `first` is XORed into the first block.
    CARAPACE_VAES_INLINE void accumulate(const key_state& s, const std::uint8_t* data, std::size_t n, std::size_t top,
                                         __m128i first, __m256i& lo, __m256i& mid, __m256i& hi) noexcept {
        std::size_t i = 0;
        for (; i + 2 <= n; i += 2) {
            __m256i c = reverse2(load2(data + 16 * i));
            if (i == 0) c = _mm256_xor_si256(c, _mm256_zextsi128_si256(first));
            karatsuba_accumulate(c, s.h_descending[16 - top + i], s.h_descending_folded[16 - top + i], lo, mid, hi);
        }
        if (i < n) {
            __m128i c = clmul::reverse(clmul::load(data + 16 * i));
            if (i == 0) c = _mm_xor_si128(c, first);
            accumulate1(s, c, top - i, lo, mid, hi);
        }
    }

    // The GHASH input left at the end: `tail` whole ciphertext blocks, the zero-padded partial
    // block (if `has_partial`) and the length block, at most 17 blocks, with Y XORed into the
    // first. Summed into the accumulators; with 17, the first is folded into Y on its own.
    CARAPACE_VAES_INLINE void final_blocks(const key_state& s, const std::uint8_t* blocks, std::size_t tail,
                                           bool has_partial, const std::uint8_t* partial, __m128i lengths, __m128i& y,
                                           __m256i& lo, __m256i& mid, __m256i& hi) noexcept {
        std::size_t top = tail + (has_partial ? 1 : 0) + 1;
        if (top == 17) {
            y = clmul::multiply(_mm_xor_si128(y, clmul::reverse(clmul::load(blocks))), clmul::load(s.base.h_powers[0]));
            blocks += 16;
            --tail;
            --top;
        }
        accumulate(s, blocks, tail, top, y, lo, mid, hi);
        __m128i first = tail == 0 ? y : _mm_setzero_si128();
        if (has_partial) {
            accumulate1(s, _mm_xor_si128(clmul::reverse(clmul::load(partial)), first), 2, lo, mid, hi);
            first = _mm_setzero_si128();
        }
        accumulate1(s, _mm_xor_si128(lengths, first), 1, lo, mid, hi);
    }

    // The last batch: V two-block vectors carry the `tail` whole blocks, the partial block (if
    // any) right after them, and J0 in the very last lane.
    template <bool Encrypt, int Rounds, std::size_t V>
    CARAPACE_VAES_TARGET static void last_batch(const key_state& s, __m256i counters, __m128i j0, __m128i& y,
                                                const std::uint8_t* pending, const std::uint8_t* in,
                                                std::uint8_t* out, std::size_t tail, std::size_t rest,
                                                __m128i lengths, std::uint8_t* tag) noexcept {
        constexpr auto vectors = std::make_index_sequence<V>{};
        constexpr auto middle = std::make_integer_sequence<int, Rounds - 1>{};
        alignas(32) std::uint8_t keystream[32 * V];
        alignas(16) std::uint8_t partial[16] = {};
        __m256i lo = _mm256_setzero_si256(), mid = lo, hi = lo;
        if constexpr (!Encrypt) {
            // The ciphertext is at hand: hash it (and the length block) next to the AES rounds.
            if (rest != 0) std::memcpy(partial, in + 16 * tail, rest);
            final_blocks(s, in, tail, rest != 0, partial, lengths, y, lo, mid, hi);
        }
        __m256i x[V];
        start_blocks(x, counters, round_key(s, 0), vectors);
        const bool j0_fits = tail + (rest != 0 ? 1 : 0) < 2 * V;
        if (j0_fits)
            x[V - 1] = _mm256_inserti128_si256(x[V - 1], _mm_xor_si128(clmul::reverse(j0), clmul::load(s.base.keys.bytes)), 1);
        if (Encrypt && pending != nullptr) {
            __m256i plo = _mm256_setzero_si256(), pmid = plo, phi = plo;
            middle_rounds<true>(x, s, pending, y, plo, pmid, phi, middle);
            y = finish_ghash(plo, pmid, phi);
        } else {
            __m256i none = _mm256_setzero_si256();
            middle_rounds<false>(x, s, nullptr, y, none, none, none, middle);
        }
        last_round(x, round_key(s, Rounds), vectors);
        store_all(x, keystream, vectors);
        for (std::size_t i = 0; i < tail; ++i)
            clmul::store(out + 16 * i, _mm_xor_si128(clmul::load(in + 16 * i), clmul::load(keystream + 16 * i)));
        if (rest != 0) {  // the partial block through a zero-padded copy
            std::memcpy(partial, in + 16 * tail, rest);
            clmul::store(partial, _mm_xor_si128(clmul::load(partial), clmul::load(keystream + 16 * tail)));
            std::memcpy(out + 16 * tail, partial, rest);
            std::memset(partial + rest, 0, 16 - rest);  // GHASH takes the ciphertext zero-padded
        }
        if constexpr (Encrypt) final_blocks(s, out, tail, rest != 0, partial, lengths, y, lo, mid, hi);
        y = finish_ghash(lo, mid, hi);
        __m128i mask = clmul::load(keystream + 32 * V - 16);
        if (!j0_fits) {  // fifteen whole blocks and a partial one: J0 gets its own AES
            std::uint8_t block[16];
            clmul::store(block, clmul::reverse(j0));
            gcm_aesni::encrypt_block(s.base, block, block);
            mask = clmul::load(block);
            secure_wipe(block, 16);
        }
        clmul::store(tag, _mm_xor_si128(clmul::reverse(y), mask));
        secure_wipe(keystream, sizeof keystream);
        secure_wipe(partial, 16);
    }

    template <bool Encrypt, int Rounds>
    CARAPACE_VAES_TARGET static void message(const key_state& s, const std::uint8_t* j0_bytes, const std::uint8_t* in,
                                             std::uint8_t* out, std::size_t size, std::size_t aad_size,
                                             std::uint8_t* y_bytes, std::uint8_t* tag) noexcept {
        __m128i y = clmul::reverse(clmul::load(y_bytes));
        const __m128i j0 = clmul::reverse(clmul::load(j0_bytes));  // the counter is lane 0
        // Byte-reversed counter blocks inc32(J0) and the next one.
        __m256i counters = _mm256_add_epi32(_mm256_broadcastsi128_si256(j0), _mm256_set_epi32(0, 0, 0, 2, 0, 0, 0, 1));
        constexpr auto eight = std::make_index_sequence<8>{};
        constexpr auto middle = std::make_integer_sequence<int, Rounds - 1>{};
        const std::uint8_t* pending = nullptr;  // sixteen ciphertext blocks not hashed yet
        std::size_t count = size / 16;
        for (; count >= 16; count -= 16, in += 256, out += 256) {
            if constexpr (!Encrypt) pending = in;
            __m256i x[8];
            start_blocks(x, counters, round_key(s, 0), eight);
            counters = _mm256_add_epi32(counters, _mm256_set_epi32(0, 0, 0, 16, 0, 0, 0, 16));
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
        const std::size_t rest = size % 16;
        // [len(A)]_64 || [len(C)]_64, byte-reversed: len(C) in the low word.
        const __m128i lengths = _mm_set_epi64x(static_cast<long long>(static_cast<std::uint64_t>(aad_size) * 8),
                                               static_cast<long long>(static_cast<std::uint64_t>(size) * 8));
        if constexpr (!Encrypt) pending = nullptr;
        const std::size_t lanes = count + (rest != 0 ? 1 : 0) + 1;  // J0 included; 17 at most
        switch ((lanes >= 16 ? 16 : lanes + 1) / 2) {
            case 1: last_batch<Encrypt, Rounds, 1>(s, counters, j0, y, pending, in, out, count, rest, lengths, tag); break;
            case 2: last_batch<Encrypt, Rounds, 2>(s, counters, j0, y, pending, in, out, count, rest, lengths, tag); break;
            case 3: last_batch<Encrypt, Rounds, 3>(s, counters, j0, y, pending, in, out, count, rest, lengths, tag); break;
            case 4: last_batch<Encrypt, Rounds, 4>(s, counters, j0, y, pending, in, out, count, rest, lengths, tag); break;
            case 5: last_batch<Encrypt, Rounds, 5>(s, counters, j0, y, pending, in, out, count, rest, lengths, tag); break;
            case 6: last_batch<Encrypt, Rounds, 6>(s, counters, j0, y, pending, in, out, count, rest, lengths, tag); break;
            case 7: last_batch<Encrypt, Rounds, 7>(s, counters, j0, y, pending, in, out, count, rest, lengths, tag); break;
            default: last_batch<Encrypt, Rounds, 8>(s, counters, j0, y, pending, in, out, count, rest, lengths, tag); break;
        }
        clmul::store(y_bytes, _mm_setzero_si128());
    }

    template <std::size_t... I>
    CARAPACE_VAES_INLINE void xor_store(__m256i (&x)[8], const std::uint8_t* in, std::uint8_t* out,
                                        std::index_sequence<I...>) noexcept {
        ((store2(out + 32 * I, _mm256_xor_si256(x[I], load2(in + 32 * I)))), ...);
    }

    template <std::size_t... I>
    CARAPACE_VAES_INLINE void store_all(__m256i (&x)[sizeof...(I)], std::uint8_t* out, std::index_sequence<I...>) noexcept {
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
