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

    static constexpr std::size_t max_power = 33;

    struct key_state {
        gcm_aesni::key_state base;
        // H^max_power, ..., H^2, H^1: a 32-byte load at H^k gives H^k and H^(k-1), the powers
        // for two consecutive blocks. Sixteen blocks a chunk and up to seventeen after the last
        // chunk (fifteen whole, a partial and the length block) need powers up to H^33.
        alignas(32) std::uint8_t h_descending[max_power][16] = {};
        alignas(32) std::uint8_t h_descending_folded[max_power][16] = {};
    };

    CARAPACE_VAES_TARGET static void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        gcm_aesni::init(s.base, key);
        if (s.base.keys.rounds == 0) return;
        const __m128i h = clmul::load(s.base.h_powers[0]);
        __m128i power = h;
        for (std::size_t k = 1; k <= max_power; ++k) {
            clmul::store(s.h_descending[max_power - k], power);
            clmul::store(s.h_descending_folded[max_power - k], clmul::fold_halves(power));
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

    // Round R + 1 of V two-block vectors; with Hash set and R < 8, also ciphertext pair R times
    // its two powers of H, starting at H^top for block 0. (A member template, not a lambda:
    // lambdas lose target attributes.)
    template <bool Hash, int R, std::size_t V>
    CARAPACE_VAES_INLINE void middle_round(__m256i (&x)[V], const key_state& s, const std::uint8_t* hashed,
                                           std::size_t top, __m128i y, __m256i& lo, __m256i& mid,
                                           __m256i& hi) noexcept {
        aes_round(x, round_key(s, R + 1), std::make_index_sequence<V>{});
        if constexpr (Hash && R < 8) {
            __m256i c = reverse2(load2(hashed + 32 * R));
            if constexpr (R == 0) c = _mm256_xor_si256(c, _mm256_zextsi128_si256(y));
            karatsuba_accumulate(s, c, top - 2 * R, lo, mid, hi);
        }
    }

    // Rounds 1 .. Rounds-1, unrolled.
    template <bool Hash, std::size_t V, int... R>
    CARAPACE_VAES_INLINE void middle_rounds(__m256i (&x)[V], const key_state& s, const std::uint8_t* hashed,
                                            std::size_t top, __m128i y, __m256i& lo, __m256i& mid, __m256i& hi,
                                            std::integer_sequence<int, R...>) noexcept {
        (middle_round<Hash, R, V>(x, s, hashed, top, y, lo, mid, hi), ...);
    }

    // Karatsuba on two blocks at once, times H^power and H^(power-1).
    CARAPACE_VAES_INLINE void karatsuba_accumulate(const key_state& s, __m256i a, std::size_t power, __m256i& lo,
                                                   __m256i& mid, __m256i& hi) noexcept {
        const __m256i hh = load2(s.h_descending[max_power - power]);
        const __m256i a_folded = _mm256_xor_si256(a, _mm256_shuffle_epi32(a, 0x4E));
        lo = _mm256_xor_si256(lo, _mm256_clmulepi64_epi128(a, hh, 0x00));
        hi = _mm256_xor_si256(hi, _mm256_clmulepi64_epi128(a, hh, 0x11));
        mid = _mm256_xor_si256(
            mid, _mm256_clmulepi64_epi128(a_folded, load2(s.h_descending_folded[max_power - power]), 0x00));
        // Keep the sums running in registers: left alone, compilers keep every product apart
        // (to add them up as a tree) and spill them to the stack. (Not in the MemorySanitizer
        // build of the constant-time check, which would take the asm for a use of secrets.)
#if !defined(CARAPACE_CT_CHECK_MSAN)
        asm("" : "+x"(lo), "+x"(mid), "+x"(hi));
#endif
    }

    CARAPACE_VAES_INLINE __m128i finish_ghash(__m256i lo, __m256i mid, __m256i hi) noexcept {
        const __m128i l = xor_lanes(lo), h = xor_lanes(hi);
        return clmul::reduce(l, _mm_xor_si128(xor_lanes(mid), _mm_xor_si128(l, h)), h);
    }

    // One block times H^power into the accumulators.
    CARAPACE_VAES_INLINE void accumulate1(const key_state& s, __m128i c, std::size_t power, __m256i& lo,
                                          __m256i& mid, __m256i& hi) noexcept {
        const __m128i h = clmul::load(s.h_descending[max_power - power]);
        const __m128i hf = clmul::load(s.h_descending_folded[max_power - power]);
        lo = _mm256_xor_si256(lo, _mm256_zextsi128_si256(_mm_clmulepi64_si128(c, h, 0x00)));
        hi = _mm256_xor_si256(hi, _mm256_zextsi128_si256(_mm_clmulepi64_si128(c, h, 0x11)));
        mid = _mm256_xor_si256(mid, _mm256_zextsi128_si256(_mm_clmulepi64_si128(clmul::fold_halves(c), hf, 0x00)));
    }

    // Sixteen blocks times H^top, ..., H^(top-15), with Y XORed into the first, unreduced.
    CARAPACE_VAES_INLINE void accumulate16(const key_state& s, const std::uint8_t* data, std::size_t top, __m128i y,
                                           __m256i& lo, __m256i& mid, __m256i& hi) noexcept {
        for (std::size_t i = 0; i < 16; i += 2) {
            __m256i c = reverse2(load2(data + 16 * i));
            if (i == 0) c = _mm256_xor_si256(c, _mm256_zextsi128_si256(y));
            karatsuba_accumulate(s, c, top - i, lo, mid, hi);
        }
    }

    // What follows the chunks, in one AES batch of V two-block vectors: the `tail` whole blocks,
    // the partial block (if any) right after them, and J0 in the very last lane. Writes their
    // output and returns GHASH's contribution from them and the length block, times H^k, ...,
    // H^1 (k of them, at most 17) and reduced, with `first` XORed into the first block; `mask`
    // gets E(K, J0). The ciphertext is hashed from registers: reloading what was just stored
    // would stall on store forwarding.
    template <bool Encrypt, int Rounds, std::size_t V>
    CARAPACE_VAES_TARGET static __m128i tail_batch(const key_state& s, __m256i counters, __m128i j0, __m128i first,
                                                   const std::uint8_t* in, std::uint8_t* out, std::size_t tail,
                                                   std::size_t rest, __m128i lengths, __m128i& mask) noexcept {
        constexpr auto vectors = std::make_index_sequence<V>{};
        constexpr auto middle = std::make_integer_sequence<int, Rounds - 1>{};
        alignas(32) std::uint8_t keystream[32 * V];
        __m256i x[V];
        start_blocks(x, counters, round_key(s, 0), vectors);
        const bool j0_fits = tail + (rest != 0 ? 1 : 0) < 2 * V;
        if (j0_fits)
            x[V - 1] = _mm256_inserti128_si256(x[V - 1], _mm_xor_si128(clmul::reverse(j0), clmul::load(s.base.keys.bytes)), 1);
        __m256i none = _mm256_setzero_si256();
        middle_rounds<false>(x, s, nullptr, 0, first, none, none, none, middle);
        last_round(x, round_key(s, Rounds), vectors);
        store_all(x, keystream, vectors);

        __m256i lo = _mm256_setzero_si256(), mid = lo, hi = lo;
        std::size_t power = tail + (rest != 0 ? 1 : 0) + 1;
        std::size_t i = 0;
        for (; i + 2 <= tail; i += 2, power -= 2) {
            const __m256i c_in = load2(in + 16 * i);
            const __m256i c_out = _mm256_xor_si256(c_in, load2(keystream + 16 * i));
            store2(out + 16 * i, c_out);
            __m256i c = reverse2(Encrypt ? c_out : c_in);
            if (i == 0) c = _mm256_xor_si256(c, _mm256_zextsi128_si256(first));
            karatsuba_accumulate(s, c, power, lo, mid, hi);
        }
        if (i < tail) {
            const __m128i c_in = clmul::load(in + 16 * i);
            const __m128i c_out = _mm_xor_si128(c_in, clmul::load(keystream + 16 * i));
            clmul::store(out + 16 * i, c_out);
            __m128i c = clmul::reverse(Encrypt ? c_out : c_in);
            if (i == 0) c = _mm_xor_si128(c, first);
            accumulate1(s, c, power--, lo, mid, hi);
        }
        if (tail != 0) first = _mm_setzero_si128();
        if (rest != 0) {  // GHASH takes the partial ciphertext block zero-padded
            const __m128i c_in = clmul::load_partial(in + 16 * tail, rest);
            const __m128i c_out = _mm_and_si128(_mm_xor_si128(c_in, clmul::load(keystream + 16 * tail)),
                                                clmul::first_bytes_mask(rest));
            clmul::store_partial(out + 16 * tail, c_out, rest);
            accumulate1(s, _mm_xor_si128(clmul::reverse(Encrypt ? c_out : c_in), first), power--, lo, mid, hi);
            first = _mm_setzero_si128();
        }
        accumulate1(s, _mm_xor_si128(lengths, first), 1, lo, mid, hi);

        mask = clmul::load(keystream + 32 * V - 16);
        if (!j0_fits) {  // fifteen whole blocks and a partial one: J0 gets its own AES
            std::uint8_t block[16];
            clmul::store(block, clmul::reverse(j0));
            gcm_aesni::encrypt_block(s.base, block, block);
            mask = clmul::load(block);
            secure_wipe(block, 16);
        }
        secure_wipe(keystream, sizeof keystream);
        return finish_ghash(lo, mid, hi);
    }

    template <bool Encrypt, int Rounds>
    CARAPACE_VAES_INLINE __m128i tail_of(const key_state& s, __m256i counters, __m128i j0, __m128i first,
                                         const std::uint8_t* in, std::uint8_t* out, std::size_t tail,
                                         std::size_t rest, __m128i lengths, __m128i& mask) noexcept {
        const std::size_t lanes = tail + (rest != 0 ? 1 : 0) + 1;  // J0 included; 17 at most
        switch ((lanes >= 16 ? 16 : lanes + 1) / 2) {
            case 1: return tail_batch<Encrypt, Rounds, 1>(s, counters, j0, first, in, out, tail, rest, lengths, mask);
            case 2: return tail_batch<Encrypt, Rounds, 2>(s, counters, j0, first, in, out, tail, rest, lengths, mask);
            case 3: return tail_batch<Encrypt, Rounds, 3>(s, counters, j0, first, in, out, tail, rest, lengths, mask);
            case 4: return tail_batch<Encrypt, Rounds, 4>(s, counters, j0, first, in, out, tail, rest, lengths, mask);
            case 5: return tail_batch<Encrypt, Rounds, 5>(s, counters, j0, first, in, out, tail, rest, lengths, mask);
            case 6: return tail_batch<Encrypt, Rounds, 6>(s, counters, j0, first, in, out, tail, rest, lengths, mask);
            case 7: return tail_batch<Encrypt, Rounds, 7>(s, counters, j0, first, in, out, tail, rest, lengths, mask);
            default: return tail_batch<Encrypt, Rounds, 8>(s, counters, j0, first, in, out, tail, rest, lengths, mask);
        }
    }

    // The message: the blocks after the last whole sixteen-block chunk go first, so that their
    // AES and GHASH overlap the chunks' work instead of waiting at the end, and the last chunk's
    // GHASH takes the powers of H that place it before them (H^(16+k) .. H^(k+1), k being the
    // GHASH blocks after it); then a single reduction finishes the tag. In the chunks, GHASH of
    // the previous chunk's output (encrypting) or this chunk's input (decrypting) is stitched
    // into the AES rounds, two blocks per round.
    template <bool Encrypt, int Rounds>
    CARAPACE_VAES_TARGET static void message(const key_state& s, const std::uint8_t* j0_bytes, const std::uint8_t* in,
                                             std::uint8_t* out, std::size_t size, std::size_t aad_size,
                                             std::uint8_t* y_bytes, std::uint8_t* tag) noexcept {
        __m128i y = clmul::reverse(clmul::load(y_bytes));
        const __m128i j0 = clmul::reverse(clmul::load_counter_block(j0_bytes));  // the counter is lane 0
        // Byte-reversed counter blocks inc32(J0) and the next one.
        __m256i counters = _mm256_add_epi32(_mm256_broadcastsi128_si256(j0), _mm256_set_epi32(0, 0, 0, 2, 0, 0, 0, 1));
        // [len(A)]_64 || [len(C)]_64, byte-reversed: len(C) in the low word.
        const __m128i lengths = _mm_set_epi64x(static_cast<long long>(static_cast<std::uint64_t>(aad_size) * 8),
                                               static_cast<long long>(static_cast<std::uint64_t>(size) * 8));
        const std::size_t chunks = size / 256, tail = size / 16 % 16, rest = size % 16;
        __m128i mask;
        if (chunks == 0) {
            y = tail_of<Encrypt, Rounds>(s, counters, j0, y, in, out, tail, rest, lengths, mask);
        } else {
            // The counter after the chunks, modulo 2^32 as inc32 counts (C++20 converts modularly).
            const int n = static_cast<int>(static_cast<std::uint32_t>(16 * chunks));
            const __m128i after = tail_of<Encrypt, Rounds>(s, _mm256_add_epi32(counters, _mm256_set_epi32(0, 0, 0, n, 0, 0, 0, n)), j0,
                                                           _mm_setzero_si128(), in + 256 * chunks, out + 256 * chunks,
                                                           tail, rest, lengths, mask);
            const std::size_t last_top = 16 + tail + (rest != 0 ? 1 : 0) + 1;  // H^(16+k)
            constexpr auto eight = std::make_index_sequence<8>{};
            constexpr auto middle = std::make_integer_sequence<int, Rounds - 1>{};
            const std::uint8_t* pending = nullptr;  // sixteen ciphertext blocks not hashed yet
            __m256i lo = _mm256_setzero_si256(), mid = lo, hi = lo;
            for (std::size_t c = 0; c < chunks; ++c, in += 256, out += 256) {
                if constexpr (!Encrypt) pending = in;
                const std::size_t top = !Encrypt && c + 1 == chunks ? last_top : 16;
                __m256i x[8];
                start_blocks(x, counters, round_key(s, 0), eight);
                counters = _mm256_add_epi32(counters, _mm256_set_epi32(0, 0, 0, 16, 0, 0, 0, 16));
                if (pending != nullptr) {
                    lo = mid = hi = _mm256_setzero_si256();
                    middle_rounds<true>(x, s, pending, top, y, lo, mid, hi, middle);
                    if (top == 16) y = finish_ghash(lo, mid, hi);
                } else {
                    __m256i none = _mm256_setzero_si256();
                    middle_rounds<false>(x, s, nullptr, 0, y, none, none, none, middle);
                }
                last_round(x, round_key(s, Rounds), eight);
                xor_store(x, in, out, eight);
                if constexpr (Encrypt) pending = out;
            }
            if constexpr (Encrypt) {
                lo = mid = hi = _mm256_setzero_si256();
                accumulate16(s, pending, last_top, y, lo, mid, hi);
            }
            y = _mm_xor_si128(finish_ghash(lo, mid, hi), after);
        }
        clmul::store(tag, _mm_xor_si128(clmul::reverse(y), mask));
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
