// ChaCha20-Poly1305 with AVX-512F: ChaCha20 over sixteen blocks at once in ZMM registers (one
// rotate instruction per rotation, 32 registers so the state never leaves them), in batches of
// 1 KiB, with Poly1305 stitched into the rounds of each batch (the previous batch's ciphertext
// when sealing, this batch's when opening, read before it is overwritten). Block 0 (the Poly1305
// key) and the blocks after the last whole batch come from one more 16-block pass before the
// batches, so a message takes one pass more than its whole KiBs; when at most three blocks
// follow them (a whole number of KiB, say), from the four-block pass in rows with VPROLD
// (blocks4_rows_vl), which costs about one block's latency. Two engines share the ChaCha20 code
// and differ in the Poly1305 beside it:
// - chacha20_poly1305_avx512: the eight-lane AVX-512F Poly1305 in 26-bit limbs
//   (poly1305_avx512.hpp), for CPUs without IFMA; above 448 bytes;
// - chacha20_poly1305_avx512_ifma: the eight-lane AVX-512 IFMA Poly1305 (poly1305_ifma.hpp),
//   about 3.5 times the scalar code's speed, for CPUs that have it; from 256 bytes, where the
//   one pass before the batches already beats the AVX2 engine's eight-block passes (up to 960
//   bytes it is the only pass).
// Shorter messages go to the AVX2 engine's code: up to 192 bytes its short-message path with that
// pass (64-byte seal on Zen 5: 889 to about 770 core cycles), above that its eight-block passes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/aead/detail/chacha20_x86.hpp"
#include "carapace/aead/detail/chacha20_poly1305_avx2.hpp"
#include "carapace/aead/detail/chacha20_poly1305_mode.hpp"
#include "carapace/aead/detail/poly1305.hpp"
#include "carapace/aead/detail/poly1305_avx512.hpp"
#include "carapace/aead/detail/poly1305_ifma.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_CHACHA16_TARGET __attribute__((target("avx512f,avx2,bmi2")))
#define CARAPACE_CHACHA16_IFMA_TARGET __attribute__((target("avx512f,avx512ifma,avx2,bmi2")))
#define CARAPACE_CHACHA16_INLINE CARAPACE_CHACHA16_TARGET __attribute__((always_inline)) inline

namespace chacha_avx512 {

// The masked forms with every lane selected, because GCC 12 warns about the unmasked
// intrinsics' internal undefined operand (-Wmaybe-uninitialized). They compile to the same
// unmasked instructions.
inline constexpr __mmask16 all16 = 0xffff;
inline constexpr __mmask8 all8 = 0xff;
template <int N>
CARAPACE_CHACHA16_INLINE __m512i rotl(__m512i v) noexcept {
    return _mm512_mask_rol_epi32(v, all16, v, N);
}
CARAPACE_CHACHA16_INLINE __m512i unpacklo32(__m512i a, __m512i b) noexcept {
    return _mm512_mask_unpacklo_epi32(a, all16, a, b);
}
CARAPACE_CHACHA16_INLINE __m512i unpackhi32(__m512i a, __m512i b) noexcept {
    return _mm512_mask_unpackhi_epi32(a, all16, a, b);
}
CARAPACE_CHACHA16_INLINE __m512i unpacklo64(__m512i a, __m512i b) noexcept {
    return _mm512_mask_unpacklo_epi64(a, all8, a, b);
}
CARAPACE_CHACHA16_INLINE __m512i unpackhi64(__m512i a, __m512i b) noexcept {
    return _mm512_mask_unpackhi_epi64(a, all8, a, b);
}
template <int Imm>
CARAPACE_CHACHA16_INLINE __m512i shuffle128(__m512i a, __m512i b) noexcept {
    return _mm512_mask_shuffle_i32x4(a, all16, a, b, Imm);
}

CARAPACE_CHACHA16_INLINE void quarter_round(__m512i& a, __m512i& b, __m512i& c, __m512i& d) noexcept {
    a = _mm512_add_epi32(a, b), d = rotl<16>(_mm512_xor_si512(d, a));
    c = _mm512_add_epi32(c, d), b = rotl<12>(_mm512_xor_si512(b, c));
    a = _mm512_add_epi32(a, b), d = rotl<8>(_mm512_xor_si512(d, a));
    c = _mm512_add_epi32(c, d), b = rotl<7>(_mm512_xor_si512(b, c));
}

CARAPACE_CHACHA16_INLINE void double_round(__m512i (&x)[16]) noexcept {
    quarter_round(x[0], x[4], x[8], x[12]);
    quarter_round(x[1], x[5], x[9], x[13]);
    quarter_round(x[2], x[6], x[10], x[14]);
    quarter_round(x[3], x[7], x[11], x[15]);
    quarter_round(x[0], x[5], x[10], x[15]);
    quarter_round(x[1], x[6], x[11], x[12]);
    quarter_round(x[2], x[7], x[8], x[13]);
    quarter_round(x[3], x[4], x[9], x[14]);
}

// x[i] holds word i of blocks 0-15 (lane j = block j): transposes to block order and writes
// out = in xor keystream, 1024 bytes, or without Xor the keystream alone (in unused).
template <bool Xor = true>
CARAPACE_CHACHA16_INLINE void store16(const __m512i (&x)[16], const std::uint8_t* in, std::uint8_t* out) noexcept {
    // Within each 128-bit lane, transpose groups of four words: y[g][k], lane L, holds words
    // 4g..4g+3 of block 4L + k.
    __m512i y[4][4];
CARAPACE_UNROLL(4)
    for (int g = 0; g < 4; ++g) {
        const __m512i a0 = x[4 * g], a1 = x[4 * g + 1], a2 = x[4 * g + 2], a3 = x[4 * g + 3];
        const __m512i t0 = unpacklo32(a0, a1), t1 = unpackhi32(a0, a1);
        const __m512i t2 = unpacklo32(a2, a3), t3 = unpackhi32(a2, a3);
        y[g][0] = unpacklo64(t0, t2);
        y[g][1] = unpackhi64(t0, t2);
        y[g][2] = unpacklo64(t1, t3);
        y[g][3] = unpackhi64(t1, t3);
    }
    // Then a 4 x 4 transpose of 128-bit lanes: o[L] = block 4L + k, whole.
CARAPACE_UNROLL(4)
    for (int k = 0; k < 4; ++k) {
        const __m512i t0 = shuffle128<0x44>(y[0][k], y[1][k]);  // y0.0 y0.1 y1.0 y1.1
        const __m512i t1 = shuffle128<0x44>(y[2][k], y[3][k]);  // y2.0 y2.1 y3.0 y3.1
        const __m512i t2 = shuffle128<0xee>(y[0][k], y[1][k]);  // y0.2 y0.3 y1.2 y1.3
        const __m512i t3 = shuffle128<0xee>(y[2][k], y[3][k]);  // y2.2 y2.3 y3.2 y3.3
        const __m512i o[4] = {shuffle128<0x88>(t0, t1), shuffle128<0xdd>(t0, t1),
                              shuffle128<0x88>(t2, t3), shuffle128<0xdd>(t2, t3)};
CARAPACE_UNROLL(4)
        for (int lane = 0; lane < 4; ++lane) {
            const std::size_t offset = 64 * static_cast<std::size_t>(4 * lane + k);
            if constexpr (!Xor) _mm512_storeu_si512(out + offset, o[lane]);
            else _mm512_storeu_si512(out + offset, _mm512_xor_si512(_mm512_loadu_si512(in + offset), o[lane]));
        }
    }
}

// The state of sixteen blocks: word i of block j in lane j of s[i], counters differing by lane.
CARAPACE_CHACHA16_INLINE void setup16(__m512i (&s)[16], const chacha20_key& key, std::uint32_t counter,
                                      const std::uint8_t* nonce) noexcept {
CARAPACE_UNROLL(4)
    for (int i = 0; i < 4; ++i) s[i] = _mm512_set1_epi32(static_cast<int>(chacha20_constants[i]));
CARAPACE_UNROLL(8)
    for (int i = 0; i < 8; ++i) s[4 + i] = _mm512_set1_epi32(static_cast<int>(key.words[i]));
    s[12] = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(counter)),
                             _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
CARAPACE_UNROLL(3)
    for (int i = 0; i < 3; ++i) s[13 + i] = _mm512_set1_epi32(static_cast<int>(load_le32(nonce + 4 * i)));
}

// The end of a batch, x being s after the rounds: out = in xor the keystream (1 KiB), and s moves
// on to the next sixteen blocks.
CARAPACE_CHACHA16_INLINE void finish16(__m512i (&s)[16], __m512i (&x)[16], const std::uint8_t* in,
                                       std::uint8_t* out) noexcept {
CARAPACE_UNROLL(16)
    for (int i = 0; i < 16; ++i) x[i] = _mm512_add_epi32(x[i], s[i]);
    store16(x, in, out);
    s[12] = _mm512_add_epi32(s[12], _mm512_set1_epi32(16));
}

// The keystream the batches do not cover, in one 16-block pass before them: block 0 (the
// Poly1305 key) in lane 0, and in lanes 1-15 the blocks from tail_counter on, which cover the
// bytes after the last whole batch up to 960 of them. ks gets the 1 KiB of keystream.
CARAPACE_CHACHA16_INLINE void key_and_tail16(const chacha20_key& key, const std::uint8_t* nonce,
                                             std::uint32_t tail_counter, std::uint8_t* ks) noexcept {
    __m512i s[16], x[16];
    setup16(s, key, tail_counter - 1, nonce);
    s[12] = _mm512_mask_mov_epi32(s[12], 1, _mm512_setzero_si512());
CARAPACE_UNROLL(16)
    for (int i = 0; i < 16; ++i) x[i] = s[i];
CARAPACE_UNROLL(10)
    for (int r = 0; r < 10; ++r) double_round(x);
CARAPACE_UNROLL(16)
    for (int i = 0; i < 16; ++i) x[i] = _mm512_add_epi32(x[i], s[i]);
    store16<false>(x, nullptr, ks);
    secure_wipe(s, 16);
    secure_wipe(x, 16);
}

// out = in xor the tail keystream of key_and_tail16 for the n bytes after the last whole batch,
// with more blocks from tail_counter + 15 on past the 960 bytes it holds.
CARAPACE_CHACHA16_INLINE void xor_tail(const std::uint8_t* ks, const chacha20_key& key, const std::uint8_t* nonce,
                                       std::uint32_t tail_counter, const std::uint8_t* in, std::uint8_t* out,
                                       std::size_t n) noexcept {
    ks += 64;
    const std::size_t held = n < 960 ? n : 960;
    std::size_t i = 0;
    for (; i + 64 <= held; i += 64)
        _mm512_storeu_si512(out + i, _mm512_xor_si512(_mm512_loadu_si512(in + i), _mm512_loadu_si512(ks + i)));
    for (; i < held; ++i) out[i] = static_cast<std::uint8_t>(in[i] ^ ks[i]);
    if (n > held) chacha_x86::xor_avx2(key, tail_counter + 15, nonce, in + held, out + held, n - held);
}

// A message through the batches, from min_size bytes (the engines below send shorter ones to the
// AVX2 engine): key_and_tail16 (or blocks4_rows_vl) gives the Poly1305 key and the tail's keystream,
// Scalar hashes the AAD, the lanes of Vector (poly1305_avx512 or poly1305_ifma) the message but
// its last partial group, whose bytes Scalar pads and finishes with the lengths. In each 1 KiB
// batch one group of eight blocks goes into the lanes after each of the first eight double
// rounds. One source for two functions because their targets differ: the IFMA Poly1305 inlines
// only into a function whose target names IFMA, and the other engine's must not name it (it runs
// without IFMA).
#define CARAPACE_CHACHA16_STITCHED(TARGET, NAME)                                                                \
    template <bool Encrypt, class Scalar, class Vector>                                                         \
    TARGET inline void NAME(const chacha20_key& key, const std::uint8_t* nonce, const std::uint8_t* aad,        \
                            std::size_t aad_size, const std::uint8_t* in, std::uint8_t* out, std::size_t size, \
                            std::uint8_t* tag) noexcept {                                                       \
        constexpr std::size_t group = Vector::group_size;                                                       \
        alignas(64) std::uint8_t ks[1024];                                                                      \
        const auto tail_counter = static_cast<std::uint32_t>(1 + size / 1024 * 16);                             \
        if (size % 1024 <= 192) /* block 0 and a tail of up to three blocks: one short pass */                  \
            chacha_x86::blocks4_rows_vl(key, nonce, tail_counter, ks);                                          \
        else                                                                                                    \
            key_and_tail16(key, nonce, tail_counter, ks);                                                       \
        Scalar poly{};                                                                                          \
        poly.init(ks);                                                                                          \
        poly1305_padded(poly, aad, aad_size);                                                                   \
        const Vector vpoly(poly);                                                                               \
        auto lanes = vpoly.begin(poly);                                                                         \
        __m512i s[16];                                                                                          \
        setup16(s, key, 1, nonce);                                                                              \
        std::size_t done = 0;                                                                                   \
        for (; size - done >= 1024; done += 1024) {                                                             \
            /* Sealing hashes the previous batch's ciphertext (none the first time). */                        \
            const std::uint8_t* absorb = Encrypt ? out + done - (done != 0 ? 1024 : 0) : in + done;             \
            const int groups = Encrypt && done == 0 ? 0 : 8;                                                    \
            __m512i x[16];                                                                                      \
            CARAPACE_UNROLL(16)                                                                                 \
            for (int i = 0; i < 16; ++i) x[i] = s[i];                                                           \
            CARAPACE_UNROLL(10)                                                                                 \
            for (int r = 0; r < 10; ++r) {                                                                      \
                double_round(x);                                                                                \
                if (r < groups) vpoly.absorb(lanes, absorb + group * static_cast<std::size_t>(r));              \
            }                                                                                                   \
            finish16(s, x, in + done, out + done);                                                              \
        }                                                                                                       \
        secure_wipe(s, 16); /* holds the key */                                                                 \
        if (Encrypt && done != 0) /* the last batch's ciphertext */                                             \
            for (std::size_t g = 0; g < 1024; g += group) vpoly.absorb(lanes, out + done - 1024 + g);           \
        /* The last 0-1023 bytes: whole groups in the lanes, then the rest in the scalar code */               \
        /* (before they are overwritten when opening in place). */                                              \
        const std::size_t rest = size - done, grouped = rest - rest % group;                                    \
        if constexpr (!Encrypt) {                                                                               \
            for (std::size_t g = 0; g < grouped; g += group) vpoly.absorb(lanes, in + done + g);                \
            vpoly.finish(lanes, poly);                                                                          \
            poly1305_padded(poly, in + done + grouped, rest - grouped);                                         \
        }                                                                                                       \
        xor_tail(ks, key, nonce, tail_counter, in + done, out + done, rest);                                    \
        secure_wipe(ks, sizeof ks);                                                                             \
        if constexpr (Encrypt) {                                                                                \
            for (std::size_t g = 0; g < grouped; g += group) vpoly.absorb(lanes, out + done + g);               \
            vpoly.finish(lanes, poly);                                                                          \
            poly1305_padded(poly, out + done + grouped, rest - grouped);                                        \
        }                                                                                                       \
        poly1305_lengths_and_tag(poly, aad_size, size, tag);                                                    \
    }

CARAPACE_CHACHA16_STITCHED(CARAPACE_CHACHA16_TARGET, stitched_message)
CARAPACE_CHACHA16_STITCHED(CARAPACE_CHACHA16_IFMA_TARGET, stitched_message_ifma)
#undef CARAPACE_CHACHA16_STITCHED

}  // namespace chacha_avx512

// The ChaCha20 above with the eight-lane AVX-512F Poly1305 in radix 2^26 (poly1305_avx512.hpp).
struct chacha20_poly1305_avx512 {
    static constexpr const char* name = "avx512";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.avx512f && f.avx512vl && chacha20_poly1305_avx2::supported();
    }

    template <bool Encrypt>
    CARAPACE_CHACHA16_TARGET static void crypt_message(const chacha20_key& key, const std::uint8_t* nonce,
                                                       const std::uint8_t* aad, std::size_t aad_size,
                                                       const std::uint8_t* in, std::uint8_t* out, std::size_t size,
                                                       std::uint8_t* tag) noexcept {
        if (size <= 192)
            chacha20_poly1305_avx2::short_message<Encrypt, chacha_x86::blocks4_rows_vl>(key, nonce, aad, aad_size, in,
                                                                                      out, size, tag);
        else if (size <= 448)  // one eight-block pass there, faster than a sixteen-block one with the lanes
            chacha20_poly1305_avx2::crypt_message<Encrypt>(key, nonce, aad, aad_size, in, out, size, tag);
        else
            chacha_avx512::stitched_message<Encrypt, poly1305_64, poly1305_avx512>(key, nonce, aad, aad_size, in,
                                                                                   out, size, tag);
    }
};

// The same ChaCha20 with the IFMA Poly1305. Under 1 KiB there is no batch: the pass before them
// does it all.
struct chacha20_poly1305_avx512_ifma {
    static constexpr const char* name = "avx512-ifma";
    static bool supported() noexcept { return chacha20_poly1305_avx512::supported() && poly1305_ifma::supported(); }

    template <bool Encrypt>
    CARAPACE_CHACHA16_IFMA_TARGET static void crypt_message(const chacha20_key& key, const std::uint8_t* nonce,
                                                            const std::uint8_t* aad, std::size_t aad_size,
                                                            const std::uint8_t* in, std::uint8_t* out,
                                                            std::size_t size, std::uint8_t* tag) noexcept {
        if (size <= 192)
            chacha20_poly1305_avx2::short_message<Encrypt, chacha_x86::blocks4_rows_vl>(key, nonce, aad, aad_size, in,
                                                                                      out, size, tag);
        else if (size < 256)
            chacha20_poly1305_avx2::crypt_message<Encrypt>(key, nonce, aad, aad_size, in, out, size, tag);
        else
            chacha_avx512::stitched_message_ifma<Encrypt, poly1305_portable, poly1305_ifma>(key, nonce, aad, aad_size,
                                                                                            in, out, size, tag);
    }
};

#undef CARAPACE_CHACHA16_INLINE
#undef CARAPACE_CHACHA16_IFMA_TARGET
#undef CARAPACE_CHACHA16_TARGET

#else

struct chacha20_poly1305_avx512 : chacha20_poly1305_portable {
    static constexpr const char* name = "avx512";
    static constexpr bool supported() noexcept { return false; }
};

struct chacha20_poly1305_avx512_ifma : chacha20_poly1305_portable {
    static constexpr const char* name = "avx512-ifma";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
