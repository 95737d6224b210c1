// AES-GCM with VAES and VPCLMULQDQ on 512-bit registers (AVX-512 F, BW and VL), for CPUs that
// have them (Intel since Ice Lake, AMD since Zen 4); the 256-bit engine stays for VAES CPUs
// without AVX-512 (Zen 3, Alder Lake). Thirty-two blocks a chunk as eight four-block vectors,
// and GHASH over each chunk with one reduction: the products by H^32 .. H^1 are summed unreduced
// in four lanes and the lanes folded together at the end, stitched into the next chunk's AES
// rounds. The blocks after the last chunk, and whole short messages, go through one AES batch
// with byte-masked loads and stores, so no partial block is copied through memory; that also
// makes short messages faster than on the 256-bit engine (on AMD Zen 5, 57 against 85 cycles
// for 64 bytes with AES-128), so this engine takes every length.
//
// Why thirty-two blocks: on Zen 5 a carry-less multiply takes an AES unit for two cycles, and
// the chain from one chunk's GHASH value to the next (a multiply, the sums, the lane folding,
// the reduction) is about as long as sixteen blocks of AES-128; with thirty-two it is hidden.
//
// The key state is the 256-bit engine's (gcm_vaes.hpp): its powers of H are laid out so that a
// 64-byte load at H^k gives H^k, H^(k-1), H^(k-2), H^(k-3), the powers for four consecutive
// blocks, and it holds H^1 .. H^33, enough for a chunk and for the tail after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "carapace/aead/detail/gcm_aesni.hpp"
#include "carapace/aead/detail/gcm_portable.hpp"
#include "carapace/aead/detail/gcm_vaes.hpp"
#include "carapace/aead/detail/ghash_clmul.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/unroll.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_VAES512_TARGET \
    __attribute__((target("avx512f,avx512bw,avx512vl,vaes,vpclmulqdq,avx2,avx,aes,pclmul,ssse3,sse4.1")))
#define CARAPACE_VAES512_INLINE CARAPACE_VAES512_TARGET __attribute__((always_inline)) static inline

struct gcm_vaes512 {
    static constexpr const char* name = "vaes-avx512";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return gcm_vaes::supported() && f.avx512f && f.avx512bw && f.avx512vl;
    }

    using key_state = gcm_vaes::key_state;

    static void init(key_state& s, std::span<const std::uint8_t> key) noexcept { gcm_vaes::init(s, key); }

    static void encrypt_block(const key_state& s, const std::uint8_t* in, std::uint8_t* out) noexcept {
        gcm_vaes::encrypt_block(s, in, out);
    }

    static void ghash(const key_state& s, std::uint8_t* y, const std::uint8_t* data, std::size_t count) noexcept {
        gcm_vaes::ghash(s, y, data, count);
    }

    template <bool Encrypt>
    static void ctr32_ghash(const key_state& s, const std::uint8_t* prefix, std::uint32_t counter,
                            const std::uint8_t* in, std::uint8_t* out, std::size_t count,
                            std::uint8_t* y_bytes) noexcept {
        gcm_vaes::ctr32_ghash<Encrypt>(s, prefix, counter, in, out, count, y_bytes);
    }

    // A whole message after its AAD, as in gcm_vaes::crypt_message.
    template <bool Encrypt>
    CARAPACE_VAES512_TARGET static void crypt_message(const key_state& s, const std::uint8_t* j0,
                                                      const std::uint8_t* in, std::uint8_t* out, std::size_t size,
                                                      std::size_t aad_size, std::uint8_t* y_bytes,
                                                      std::uint8_t* tag) noexcept {
        switch (s.base.keys.rounds) {
            case 10: return message<Encrypt, 10>(s, j0, in, out, size, aad_size, y_bytes, tag);
            case 12: return message<Encrypt, 12>(s, j0, in, out, size, aad_size, y_bytes, tag);
            default: return message<Encrypt, 14>(s, j0, in, out, size, aad_size, y_bytes, tag);
        }
    }

private:
    static constexpr std::size_t max_power = gcm_vaes::max_power;

    CARAPACE_VAES512_INLINE __m512i load4(const std::uint8_t* p) noexcept { return _mm512_loadu_si512(p); }
    CARAPACE_VAES512_INLINE void store4(std::uint8_t* p, __m512i v) noexcept { _mm512_storeu_si512(p, v); }
    // Several intrinsics in their masked forms with every element selected: GCC 12's unmasked
    // ones read an undefined vector, which -Wmaybe-uninitialized reports. They compile to the
    // same unmasked instructions.
    CARAPACE_VAES512_INLINE __m512i broadcast4(__m128i v) noexcept { return _mm512_maskz_broadcast_i32x4(0xFFFF, v); }
    CARAPACE_VAES512_INLINE __m512i reverse4(__m512i v) noexcept {
        return _mm512_shuffle_epi8(v, broadcast4(_mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)));
    }
    // The round keys in every lane, in a local array: the compiler keeps them in registers
    // across the output stores (which it must assume could alias the key state).
    template <std::size_t N>
    CARAPACE_VAES512_INLINE void load_round_keys(const key_state& s, __m512i (&rk)[N]) noexcept {
        // Unrolled at -O2 too, like the loops below: rolled, the vectors they fill go through
        // the stack.
CARAPACE_UNROLL(15)
        for (std::size_t r = 0; r < N; ++r) rk[r] = broadcast4(clmul::load(s.base.keys.bytes + 16 * r));
    }
    // The low 32-bit word of each lane set to k: a counter step.
    CARAPACE_VAES512_INLINE __m512i counter_step(int k) noexcept { return broadcast4(_mm_set_epi32(0, 0, 0, k)); }
    CARAPACE_VAES512_INLINE __m128i xor_lanes(__m512i v) noexcept {
        const __m256i half = _mm256_xor_si256(_mm512_maskz_extracti64x4_epi64(0xF, v, 0), _mm512_maskz_extracti64x4_epi64(0xF, v, 1));
        return _mm_xor_si128(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
    }
    // The first n bytes of a 64-byte vector.
    CARAPACE_VAES512_INLINE __mmask64 first_bytes(std::size_t n) noexcept {
        return n >= 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
    }

    template <std::size_t... I>
    CARAPACE_VAES512_INLINE void start_blocks(__m512i (&x)[sizeof...(I)], __m512i counters, __m512i rk0,
                                              std::index_sequence<I...>) noexcept {
        ((x[I] = _mm512_xor_si512(reverse4(_mm512_add_epi32(counters, counter_step(4 * static_cast<int>(I)))), rk0)),
         ...);
    }

    template <std::size_t... I>
    CARAPACE_VAES512_INLINE void aes_round(__m512i (&x)[sizeof...(I)], __m512i rk, std::index_sequence<I...>) noexcept {
        ((x[I] = _mm512_aesenc_epi128(x[I], rk)), ...);
    }

    template <std::size_t... I>
    CARAPACE_VAES512_INLINE void last_round(__m512i (&x)[sizeof...(I)], __m512i rk, std::index_sequence<I...>) noexcept {
        ((x[I] = _mm512_aesenclast_epi128(x[I], rk)), ...);
    }

    // Karatsuba on four blocks at once, times the powers hh (and their folded halves hf).
    CARAPACE_VAES512_INLINE void karatsuba(__m512i a, __m512i hh, __m512i hf, __m512i& lo, __m512i& mid,
                                           __m512i& hi) noexcept {
        const __m512i a_folded = _mm512_xor_si512(a, _mm512_maskz_shuffle_epi32(0xFFFF, a, _MM_PERM_BADC));
        lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(a, hh, 0x00));
        hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(a, hh, 0x11));
        mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(a_folded, hf, 0x00));
        // Keep the sums running in registers (see gcm_vaes::karatsuba_accumulate).
#if !defined(CARAPACE_CT_CHECK_MSAN)
        asm("" : "+v"(lo), "+v"(mid), "+v"(hi));
#endif
    }

    // Four blocks times H^power .. H^(power-3).
    CARAPACE_VAES512_INLINE void accumulate4(const key_state& s, __m512i a, std::size_t power, __m512i& lo,
                                             __m512i& mid, __m512i& hi) noexcept {
        karatsuba(a, load4(s.h_descending[max_power - power]), load4(s.h_descending_folded[max_power - power]), lo,
                  mid, hi);
    }

    // A chunk: this many four-block vectors through AES together, and as many GHASH products
    // summed before one reduction.
    static constexpr std::size_t chunk_vectors = 8;
    static constexpr std::size_t chunk_blocks = 4 * chunk_vectors;
    static_assert(chunk_blocks + 1 <= max_power, "the tail after the chunks needs H^(chunk_blocks + 1)");

    // The lanes' sums, reduced.
    CARAPACE_VAES512_INLINE __m128i finish_ghash(__m512i lo, __m512i mid, __m512i hi) noexcept {
        const __m128i l = xor_lanes(lo), h = xor_lanes(hi);
        return clmul::reduce(l, _mm_xor_si128(xor_lanes(mid), _mm_xor_si128(l, h)), h);
    }

    // AES rounds 1 .. Rounds-1 of V vectors; with H hashed vectors c (byte-reversed ciphertext),
    // those times H^top, H^(top-1), ... in between, one vector a round.
    template <std::size_t H, int R, std::size_t V>
    CARAPACE_VAES512_INLINE void middle_round(__m512i (&x)[V], const key_state& s, const __m512i* rk,
                                              const __m512i* c, std::size_t top, __m512i& lo, __m512i& mid,
                                              __m512i& hi) noexcept {
        aes_round(x, rk[R + 1], std::make_index_sequence<V>{});
        if constexpr (static_cast<std::size_t>(R) < H) accumulate4(s, c[R], top - 4 * static_cast<std::size_t>(R), lo, mid, hi);
    }

    template <std::size_t H, std::size_t V, int... R>
    CARAPACE_VAES512_INLINE void middle_rounds(__m512i (&x)[V], const key_state& s, const __m512i* rk,
                                               const __m512i* c, std::size_t top, __m512i& lo, __m512i& mid,
                                               __m512i& hi, std::integer_sequence<int, R...>) noexcept {
        static_assert(H <= sizeof...(R), "one hashed vector a round");
        (middle_round<H, R, V>(x, s, rk, c, top, lo, mid, hi), ...);
    }

    // What follows the chunks, in one AES batch of V vectors: the `tail` whole blocks, the
    // partial block (if any) right after them, and J0 in the very last lane. Writes their output
    // and returns GHASH's contribution from them and the length block, times H^(n+1), ..., H^1
    // (n + 1 of them, at most chunk_blocks + 1) and reduced, with `first` XORed into the first
    // block; `mask` gets E(K, J0). Loads and stores are byte-masked to the message (masked-off
    // bytes are never read or written, and cannot fault); GHASH reads the ciphertext from
    // registers, zero past the message as its padding requires. (A masked load still waits
    // for an earlier store anywhere in its 64 bytes: when the output buffer starts right after
    // the input, as separate small heap buffers can, a short message costs about 60 cycles more.)
    template <bool Encrypt, int Rounds, std::size_t V>
    CARAPACE_VAES512_TARGET static __m128i tail_batch(const key_state& s, __m512i counters, __m128i j0, __m128i first,
                                                      const std::uint8_t* in, std::uint8_t* out, std::size_t tail,
                                                      std::size_t rest, __m128i lengths, __m128i& mask) noexcept {
        constexpr auto vectors = std::make_index_sequence<V>{};
        constexpr auto middle = std::make_integer_sequence<int, Rounds - 1>{};
        const std::size_t n = tail + (rest != 0 ? 1 : 0), size = 16 * tail + rest;
        __m512i rk[static_cast<std::size_t>(Rounds) + 1];
        load_round_keys(s, rk);
        __m512i x[V];
        start_blocks(x, counters, rk[0], vectors);
        const bool j0_fits = n < 4 * V;
        if (j0_fits)
            x[V - 1] = _mm512_inserti32x4(x[V - 1], _mm_xor_si128(clmul::reverse(j0), clmul::load(s.base.keys.bytes)), 3);
        __m512i lo = _mm512_setzero_si512(), mid = lo, hi = lo;
        middle_rounds<0>(x, s, rk, nullptr, 0, lo, mid, hi, middle);
        last_round(x, rk[Rounds], vectors);

        if (n == 0) lengths = _mm_xor_si128(lengths, first);
CARAPACE_UNROLL(8)
        for (std::size_t j = 0; j < V; ++j) {
            if (64 * j >= size) break;
            const __mmask64 m = first_bytes(size - 64 * j);
            const __m512i c_in = _mm512_maskz_loadu_epi8(m, in + 64 * j);
            const __m512i c_masked = _mm512_maskz_mov_epi8(m, _mm512_xor_si512(c_in, x[j]));
            _mm512_mask_storeu_epi8(out + 64 * j, m, c_masked);
            __m512i c = reverse4(Encrypt ? c_masked : c_in);
            if (j == 0) c = _mm512_xor_si512(c, _mm512_zextsi128_si512(first));
            // Lanes past the last block hold zeros; their powers are not loaded.
            const std::size_t blocks = n - 4 * j < 4 ? n - 4 * j : 4;
            const auto lanes = static_cast<__mmask8>((1u << (2 * blocks)) - 1);
            const std::size_t power = n + 1 - 4 * j;
            karatsuba(c, _mm512_maskz_loadu_epi64(lanes, s.h_descending[max_power - power]),
                      _mm512_maskz_loadu_epi64(lanes, s.h_descending_folded[max_power - power]), lo, mid, hi);
        }
        // The length block, times H^1.
        const __m128i h1 = clmul::load(s.h_descending[max_power - 1]);
        const __m128i h1f = clmul::load(s.h_descending_folded[max_power - 1]);
        __m128i l = xor_lanes(lo), h = xor_lanes(hi), md = xor_lanes(mid);
        l = _mm_xor_si128(l, _mm_clmulepi64_si128(lengths, h1, 0x00));
        h = _mm_xor_si128(h, _mm_clmulepi64_si128(lengths, h1, 0x11));
        md = _mm_xor_si128(md, _mm_clmulepi64_si128(clmul::fold_halves(lengths), h1f, 0x00));

        if (j0_fits) {
            mask = _mm512_maskz_extracti32x4_epi32(0xF, x[V - 1], 3);
        } else {  // every lane taken by the message: J0 gets its own AES
            std::uint8_t block[16];
            clmul::store(block, clmul::reverse(j0));
            gcm_aesni::encrypt_block(s.base, block, block);
            mask = clmul::load(block);
            secure_wipe(block, 16);
        }
        return clmul::reduce(l, _mm_xor_si128(md, _mm_xor_si128(l, h)), h);
    }

    template <bool Encrypt, int Rounds, std::size_t... V>
    CARAPACE_VAES512_INLINE __m128i tail_of(const key_state& s, __m512i counters, __m128i j0, __m128i first,
                                            const std::uint8_t* in, std::uint8_t* out, std::size_t tail,
                                            std::size_t rest, __m128i lengths, __m128i& mask,
                                            std::index_sequence<V...>) noexcept {
        const std::size_t lanes = tail + (rest != 0 ? 1 : 0) + 1;  // J0 included
        const std::size_t vectors = lanes >= chunk_blocks ? chunk_vectors : (lanes + 3) / 4;
        __m128i y{};
        // The batch of just enough vectors (a switch over 1 .. chunk_vectors).
        (void)((vectors == V + 1 &&
                (y = tail_batch<Encrypt, Rounds, V + 1>(s, counters, j0, first, in, out, tail, rest, lengths, mask),
                 true)) ||
               ...);
        return y;
    }

    // Loads the input, XORs the keystream x into it and stores it; x becomes the output.
    template <std::size_t... I>
    CARAPACE_VAES512_INLINE void xor_store(__m512i (&x)[sizeof...(I)], const std::uint8_t* in, std::uint8_t* out,
                                           std::index_sequence<I...>) noexcept {
        ((x[I] = _mm512_xor_si512(x[I], load4(in + 64 * I)), store4(out + 64 * I, x[I])), ...);
    }

    // Byte-reversed, with y XORed into the first block.
    template <std::size_t... I>
    CARAPACE_VAES512_INLINE void to_ghash(__m512i (&c)[sizeof...(I)], const __m512i* blocks, __m128i y,
                                          std::index_sequence<I...>) noexcept {
        ((c[I] = reverse4(blocks[I])), ...);
        c[0] = _mm512_xor_si512(c[0], _mm512_zextsi128_si512(y));
    }
    template <std::size_t... I>
    CARAPACE_VAES512_INLINE void load_ghash(__m512i (&c)[sizeof...(I)], const std::uint8_t* in, __m128i y,
                                            std::index_sequence<I...>) noexcept {
        ((c[I] = reverse4(load4(in + 64 * I))), ...);
        c[0] = _mm512_xor_si512(c[0], _mm512_zextsi128_si512(y));
    }

    // The message: the blocks after the last whole chunk go first, so that their AES and GHASH
    // overlap the chunks' work instead of waiting at the end. In the chunks, GHASH of the
    // previous chunk's output (encrypting, kept in registers) or of this chunk's input
    // (decrypting) is stitched into the AES rounds, four blocks a round, and reduced once a
    // chunk. Last, the chunks' GHASH times H^(n+1) (n being the blocks hashed after them, the
    // length block included) and the tail's are added.
    template <bool Encrypt, int Rounds>
    CARAPACE_VAES512_TARGET static void message(const key_state& s, const std::uint8_t* j0_bytes,
                                                const std::uint8_t* in, std::uint8_t* out, std::size_t size,
                                                std::size_t aad_size, std::uint8_t* y_bytes,
                                                std::uint8_t* tag) noexcept {
        constexpr auto tail_sizes = std::make_index_sequence<chunk_vectors>{};
        __m128i y = clmul::reverse(clmul::load(y_bytes));
        const __m128i j0 = clmul::reverse(clmul::load_counter_block(j0_bytes));  // the counter is lane 0
        // Byte-reversed counter blocks inc32(J0) and the three after it.
        __m512i counters = _mm512_add_epi32(broadcast4(j0),
                                            _mm512_set_epi32(0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1));
        // [len(A)]_64 || [len(C)]_64, byte-reversed: len(C) in the low word.
        const __m128i lengths = _mm_set_epi64x(static_cast<long long>(static_cast<std::uint64_t>(aad_size) * 8),
                                               static_cast<long long>(static_cast<std::uint64_t>(size) * 8));
        const std::size_t chunk_bytes = 16 * chunk_blocks;
        const std::size_t chunks = size / chunk_bytes, tail = size % chunk_bytes / 16, rest = size % 16;
        __m128i mask;
        if (chunks == 0) {
            y = tail_of<Encrypt, Rounds>(s, counters, j0, y, in, out, tail, rest, lengths, mask, tail_sizes);
        } else {
            // The counter after the chunks, modulo 2^32 as inc32 counts (C++20 converts modularly).
            const int n = static_cast<int>(static_cast<std::uint32_t>(chunk_blocks * chunks));
            const __m128i after = tail_of<Encrypt, Rounds>(s, _mm512_add_epi32(counters, counter_step(n)), j0,
                                                           _mm_setzero_si128(), in + chunk_bytes * chunks,
                                                           out + chunk_bytes * chunks, tail, rest, lengths, mask,
                                                           tail_sizes);
            constexpr auto vectors = std::make_index_sequence<chunk_vectors>{};
            constexpr auto middle = std::make_integer_sequence<int, Rounds - 1>{};
            __m512i rk[static_cast<std::size_t>(Rounds) + 1];
            load_round_keys(s, rk);
            __m512i x[chunk_vectors], hashed[chunk_vectors];
            __m512i lo, mid, hi;
            for (std::size_t c = 0; c < chunks; ++c, in += chunk_bytes, out += chunk_bytes) {
                if constexpr (Encrypt) {
                    if (c != 0) to_ghash(hashed, x, y, vectors);  // the previous chunk's output
                } else {
                    load_ghash(hashed, in, y, vectors);
                }
                start_blocks(x, counters, rk[0], vectors);
                counters = _mm512_add_epi32(counters, counter_step(static_cast<int>(chunk_blocks)));
                lo = mid = hi = _mm512_setzero_si512();
                if (!Encrypt || c != 0) {
                    middle_rounds<chunk_vectors>(x, s, rk, hashed, chunk_blocks, lo, mid, hi, middle);
                    y = finish_ghash(lo, mid, hi);
                } else {
                    middle_rounds<0>(x, s, rk, nullptr, 0, lo, mid, hi, middle);
                }
                last_round(x, rk[Rounds], vectors);
                xor_store(x, in, out, vectors);
            }
            if constexpr (Encrypt) {
                to_ghash(hashed, x, y, vectors);
                lo = mid = hi = _mm512_setzero_si512();
CARAPACE_UNROLL(8)
                for (std::size_t i = 0; i < chunk_vectors; ++i)
                    accumulate4(s, hashed[i], chunk_blocks - 4 * i, lo, mid, hi);
                y = finish_ghash(lo, mid, hi);
            }
            const std::size_t after_blocks = tail + (rest != 0 ? 1 : 0) + 1;
            y = _mm_xor_si128(clmul::multiply(y, clmul::load(s.h_descending[max_power - after_blocks])), after);
        }
        clmul::store(tag, _mm_xor_si128(clmul::reverse(y), mask));
        clmul::store(y_bytes, _mm_setzero_si128());
    }
};

#undef CARAPACE_VAES512_INLINE
#undef CARAPACE_VAES512_TARGET

#else

// Built without intrinsics: never supported, so never called; the portable engine stands in.
struct gcm_vaes512 : gcm_portable {
    static constexpr const char* name = "vaes-avx512";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
