// ChaCha20 with x86-64 vectors: eight blocks at once with AVX2 and four at once in 128-bit ones, the
// state transposed across lanes (vector i holds word i of every block; the counters differ by
// lane). Each batch ends with a transpose back to block order. For short messages, blocks 0-3
// with the state as rows instead (blocks4_rows), the pass with the shortest latency. The rounds
// are asm (why at double_round). Only adds, XORs, shifts and shuffles with fixed patterns:
// constant time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_CHACHA_SSE_TARGET __attribute__((target("ssse3")))
#define CARAPACE_CHACHA_AVX2_TARGET __attribute__((target("avx2")))

namespace chacha_x86 {

// The 20 rounds over sixteen vectors of words, any width: V is the vector type, the functions do
// lane-wise add, xor and rotate.
#define CARAPACE_CHACHA_QR(add, xor_, rot16, rot12, rot8, rot7, a, b, c, d) \
    a = add(a, b), d = rot16(xor_(d, a));                                  \
    c = add(c, d), b = rot12(xor_(b, c));                                  \
    a = add(a, b), d = rot8(xor_(d, a));                                   \
    c = add(c, d), b = rot7(xor_(b, c))

#define CARAPACE_CHACHA_DOUBLE_ROUND(add, xor_, rot16, rot12, rot8, rot7, x)              \
    CARAPACE_CHACHA_QR(add, xor_, rot16, rot12, rot8, rot7, x[0], x[4], x[8], x[12]);    \
    CARAPACE_CHACHA_QR(add, xor_, rot16, rot12, rot8, rot7, x[1], x[5], x[9], x[13]);    \
    CARAPACE_CHACHA_QR(add, xor_, rot16, rot12, rot8, rot7, x[2], x[6], x[10], x[14]);   \
    CARAPACE_CHACHA_QR(add, xor_, rot16, rot12, rot8, rot7, x[3], x[7], x[11], x[15]);   \
    CARAPACE_CHACHA_QR(add, xor_, rot16, rot12, rot8, rot7, x[0], x[5], x[10], x[15]);   \
    CARAPACE_CHACHA_QR(add, xor_, rot16, rot12, rot8, rot7, x[1], x[6], x[11], x[12]);   \
    CARAPACE_CHACHA_QR(add, xor_, rot16, rot12, rot8, rot7, x[2], x[7], x[8], x[13]);    \
    CARAPACE_CHACHA_QR(add, xor_, rot16, rot12, rot8, rot7, x[3], x[4], x[9], x[14])

// ---- Four blocks in 128-bit vectors (SSSE3 instructions, called with the AVX2 target) ----
CARAPACE_CHACHA_SSE_TARGET __attribute__((always_inline)) inline __m128i add4(__m128i a, __m128i b) noexcept {
    return _mm_add_epi32(a, b);
}
CARAPACE_CHACHA_SSE_TARGET __attribute__((always_inline)) inline __m128i xor4(__m128i a, __m128i b) noexcept {
    return _mm_xor_si128(a, b);
}
CARAPACE_CHACHA_SSE_TARGET __attribute__((always_inline)) inline __m128i rot16_4(__m128i v) noexcept {
    return _mm_shuffle_epi8(v, _mm_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2));
}
CARAPACE_CHACHA_SSE_TARGET __attribute__((always_inline)) inline __m128i rot8_4(__m128i v) noexcept {
    return _mm_shuffle_epi8(v, _mm_set_epi8(14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3));
}
CARAPACE_CHACHA_SSE_TARGET __attribute__((always_inline)) inline __m128i rot12_4(__m128i v) noexcept {
    return _mm_or_si128(_mm_slli_epi32(v, 12), _mm_srli_epi32(v, 20));
}
CARAPACE_CHACHA_SSE_TARGET __attribute__((always_inline)) inline __m128i rot7_4(__m128i v) noexcept {
    return _mm_or_si128(_mm_slli_epi32(v, 7), _mm_srli_epi32(v, 25));
}

// ---- AVX2, eight blocks ----
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline __m256i add8(__m256i a, __m256i b) noexcept {
    return _mm256_add_epi32(a, b);
}
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline __m256i xor8(__m256i a, __m256i b) noexcept {
    return _mm256_xor_si256(a, b);
}
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline __m256i rot16_8(__m256i v) noexcept {
    return _mm256_shuffle_epi8(v, _mm256_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2, 13, 12, 15,
                                                  14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2));
}
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline __m256i rot8_8(__m256i v) noexcept {
    return _mm256_shuffle_epi8(v, _mm256_set_epi8(14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3, 14, 13, 12,
                                                  15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3));
}
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline __m256i rot12_8(__m256i v) noexcept {
    return _mm256_or_si256(_mm256_slli_epi32(v, 12), _mm256_srli_epi32(v, 20));
}
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline __m256i rot7_8(__m256i v) noexcept {
    return _mm256_or_si256(_mm256_slli_epi32(v, 7), _mm256_srli_epi32(v, 25));
}

// The rounds (eight blocks in YMM registers, four in XMM) keep fourteen of the sixteen state words in registers and words 10 and
// 11 in memory (spill[2], spill[3]; spill[0] and spill[1] take words 8 and 9 while those are
// out), swapped in and out twice per double round, where the quarter rounds change from
// words 8, 9 to 10, 11 and back: the two registers left over are the rotations' temporaries.
// Left to themselves, GCC and Clang keep all sixteen words in registers, run out and spill
// around every quarter round (ChaCha20 a third slower on Zen 5). So the rounds are asm, two
// quarter rounds at a time (an asm statement may have at most 30 operands, in-out ones count
// twice), with the two byte-shuffle masks as memory operands. Under MemorySanitizer (the
// constant-time check), which would take the asm's key-derived inputs for uses of secrets,
// the intrinsics do the same rounds.
alignas(32) inline constexpr std::uint8_t rot16_mask8[32] = {2,  3, 0, 1, 6,  7,  4,  5,  10, 11, 8,
                                                             9,  14, 15, 12, 13, 2,  3,  0,  1,  6,  7,
                                                             4,  5,  10, 11, 8,  9,  14, 15, 12, 13};
alignas(32) inline constexpr std::uint8_t rot8_mask8[32] = {3,  0,  1,  2,  7,  4,  5,  6,  11, 8, 9,
                                                            10, 15, 12, 13, 14, 3,  0,  1,  2,  7, 4,
                                                            5,  6,  11, 8,  9,  10, 15, 12, 13, 14};

// x to the rounds' layout: words 10 and 11 into spill.
template <class V>
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void begin_rounds(const V (&x)[16], V (&spill)[4]) noexcept {
    spill[2] = x[10], spill[3] = x[11];
}
// And back.
template <class V>
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void end_rounds(V (&x)[16], const V (&spill)[4]) noexcept {
    x[10] = spill[2], x[11] = spill[3];
}

#if defined(CARAPACE_CT_CHECK_MSAN)
template <class V>
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void double_round(V (&x)[16], V (&spill)[4]) noexcept {
    end_rounds(x, spill);
    if constexpr (sizeof(V) == 32) {
        CARAPACE_CHACHA_DOUBLE_ROUND(add8, xor8, rot16_8, rot12_8, rot8_8, rot7_8, x);
    } else {
        CARAPACE_CHACHA_DOUBLE_ROUND(add4, xor4, rot16_4, rot12_4, rot8_4, rot7_4, x);
    }
    begin_rounds(x, spill);
}
#else
// Quarter rounds (a0, b0, c0, d0) and (a1, b1, c1, d1), step by step side by side.
#define CARAPACE_CHACHA_QR2_TEXT                                                                    \
    "vpaddd %[b0], %[a0], %[a0]\n\tvpaddd %[b1], %[a1], %[a1]\n\t"                                 \
    "vpxor %[a0], %[d0], %[d0]\n\tvpxor %[a1], %[d1], %[d1]\n\t"                                   \
    "vpshufb %[r16], %[d0], %[d0]\n\tvpshufb %[r16], %[d1], %[d1]\n\t"                             \
    "vpaddd %[d0], %[c0], %[c0]\n\tvpaddd %[d1], %[c1], %[c1]\n\t"                                 \
    "vpxor %[c0], %[b0], %[b0]\n\tvpxor %[c1], %[b1], %[b1]\n\t"                                   \
    "vpslld $12, %[b0], %[t0]\n\tvpslld $12, %[b1], %[t1]\n\t"                                     \
    "vpsrld $20, %[b0], %[b0]\n\tvpsrld $20, %[b1], %[b1]\n\t"                                     \
    "vpor %[t0], %[b0], %[b0]\n\tvpor %[t1], %[b1], %[b1]\n\t"                                     \
    "vpaddd %[b0], %[a0], %[a0]\n\tvpaddd %[b1], %[a1], %[a1]\n\t"                                 \
    "vpxor %[a0], %[d0], %[d0]\n\tvpxor %[a1], %[d1], %[d1]\n\t"                                   \
    "vpshufb %[r8], %[d0], %[d0]\n\tvpshufb %[r8], %[d1], %[d1]\n\t"                               \
    "vpaddd %[d0], %[c0], %[c0]\n\tvpaddd %[d1], %[c1], %[c1]\n\t"                                 \
    "vpxor %[c0], %[b0], %[b0]\n\tvpxor %[c1], %[b1], %[b1]\n\t"                                   \
    "vpslld $7, %[b0], %[t0]\n\tvpslld $7, %[b1], %[t1]\n\t"                                       \
    "vpsrld $25, %[b0], %[b0]\n\tvpsrld $25, %[b1], %[b1]\n\t"                                     \
    "vpor %[t0], %[b0], %[b0]\n\tvpor %[t1], %[b1], %[b1]\n\t"

// (The masks' first 16 bytes are the XMM form's.)
template <class V>
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void quarter_rounds2(V& a0, V& b0, V& c0, V& d0, V& a1,
                                                                                       V& b1, V& c1, V& d1) noexcept {
    V t0, t1;
    __asm__(CARAPACE_CHACHA_QR2_TEXT
            : [a0] "+x"(a0), [b0] "+x"(b0), [c0] "+x"(c0), [d0] "+x"(d0), [a1] "+x"(a1), [b1] "+x"(b1),
              [c1] "+x"(c1), [d1] "+x"(d1), [t0] "=&x"(t0), [t1] "=&x"(t1)
            : [r16] "m"(rot16_mask8), [r8] "m"(rot8_mask8));
}
#undef CARAPACE_CHACHA_QR2_TEXT

// c0, c1 out to out0, out1 and in from in0, in1, through memory whatever the compiler would do.
template <class V>
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void swap_rows(V& c0, V& c1, V& out0, V& out1,
                                                                                 const V& in0, const V& in1) noexcept {
    __asm__("vmovdqa %[c0], %[o0]\n\tvmovdqa %[c1], %[o1]\n\tvmovdqa %[i0], %[c0]\n\tvmovdqa %[i1], %[c1]\n\t"
            : [c0] "+x"(c0), [c1] "+x"(c1), [o0] "=m"(out0), [o1] "=m"(out1)
            : [i0] "m"(in0), [i1] "m"(in1));
}

template <class V>
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void double_round(V (&x)[16], V (&spill)[4]) noexcept {
    quarter_rounds2(x[0], x[4], x[8], x[12], x[1], x[5], x[9], x[13]);
    swap_rows(x[8], x[9], spill[0], spill[1], spill[2], spill[3]);  // x[8], x[9] now words 10, 11
    quarter_rounds2(x[2], x[6], x[8], x[14], x[3], x[7], x[9], x[15]);
    quarter_rounds2(x[0], x[5], x[8], x[15], x[1], x[6], x[9], x[12]);
    swap_rows(x[8], x[9], spill[2], spill[3], spill[0], spill[1]);  // words 8, 9 again
    quarter_rounds2(x[2], x[7], x[8], x[13], x[3], x[4], x[9], x[14]);
}
#endif

// Keystream blocks counter..counter+3 into ks (256 bytes, block order), in XMM registers with the
// AVX2 target so that the AVX2 engine stays in VEX encoding (short messages).
CARAPACE_CHACHA_AVX2_TARGET inline void blocks4_vex(const chacha20_key& key, std::uint32_t counter,
                                                    const std::uint8_t* nonce, std::uint8_t* ks) noexcept {
    __m128i s[16], x[16], spill[4];
    for (int i = 0; i < 4; ++i) s[i] = _mm_set1_epi32(static_cast<int>(chacha20_constants[i]));
    for (int i = 0; i < 8; ++i) s[4 + i] = _mm_set1_epi32(static_cast<int>(key.words[i]));
    s[12] = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(counter)), _mm_set_epi32(3, 2, 1, 0));
    for (int i = 0; i < 3; ++i) s[13 + i] = _mm_set1_epi32(static_cast<int>(load_le32(nonce + 4 * i)));
    for (int i = 0; i < 16; ++i) x[i] = s[i];
    begin_rounds(x, spill);
CARAPACE_UNROLL(10)
    for (int r = 0; r < 10; ++r) double_round(x, spill);
    end_rounds(x, spill);
    for (int i = 0; i < 16; ++i) x[i] = _mm_add_epi32(x[i], s[i]);
    // Transpose each group of four words: words 4g..4g+3 of block j go to ks + 64 j + 16 g.
    for (int g = 0; g < 4; ++g) {
        const __m128i a0 = x[4 * g], a1 = x[4 * g + 1], a2 = x[4 * g + 2], a3 = x[4 * g + 3];
        const __m128i t0 = _mm_unpacklo_epi32(a0, a1), t1 = _mm_unpackhi_epi32(a0, a1);
        const __m128i t2 = _mm_unpacklo_epi32(a2, a3), t3 = _mm_unpackhi_epi32(a2, a3);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(ks + 0 * 64 + 16 * g), _mm_unpacklo_epi64(t0, t2));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(ks + 1 * 64 + 16 * g), _mm_unpackhi_epi64(t0, t2));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(ks + 2 * 64 + 16 * g), _mm_unpacklo_epi64(t1, t3));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(ks + 3 * 64 + 16 * g), _mm_unpackhi_epi64(t1, t3));
    }
}

// The four quarter rounds of a column or diagonal round in rows form (blocks4_rows), for both sets.
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void quarter_rounds_rows(__m256i (&a)[2],
                                                                                          __m256i (&b)[2],
                                                                                          __m256i (&c)[2],
                                                                                          __m256i (&d)[2]) noexcept {
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) a[k] = add8(a[k], b[k]), d[k] = rot16_8(xor8(d[k], a[k]));
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) c[k] = add8(c[k], d[k]), b[k] = rot12_8(xor8(b[k], c[k]));
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) a[k] = add8(a[k], b[k]), d[k] = rot8_8(xor8(d[k], a[k]));
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) c[k] = add8(c[k], d[k]), b[k] = rot7_8(xor8(b[k], c[k]));
}

// The same with AVX-512VL's one-instruction rotate (VPROLD). The AVX2 rotates by 12 and 7 are a
// shift, a shift and an OR: two operations deep, and on Zen 5 a vector operation takes two cycles,
// so the pass is latency-bound and the rotate is a quarter of each step's chain.
#define CARAPACE_CHACHA_VL_TARGET __attribute__((target("avx2,avx512f,avx512vl")))
template <int N>
CARAPACE_CHACHA_VL_TARGET __attribute__((always_inline)) inline __m256i rotl_vl(__m256i v) noexcept {
    return _mm256_rol_epi32(v, N);
}
CARAPACE_CHACHA_VL_TARGET __attribute__((always_inline)) inline void quarter_rounds_rows_vl(__m256i (&a)[2],
                                                                                          __m256i (&b)[2],
                                                                                          __m256i (&c)[2],
                                                                                          __m256i (&d)[2]) noexcept {
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) a[k] = add8(a[k], b[k]), d[k] = rotl_vl<16>(xor8(d[k], a[k]));
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) c[k] = add8(c[k], d[k]), b[k] = rotl_vl<12>(xor8(b[k], c[k]));
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) a[k] = add8(a[k], b[k]), d[k] = rotl_vl<8>(xor8(d[k], a[k]));
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) c[k] = add8(c[k], d[k]), b[k] = rotl_vl<7>(xor8(b[k], c[k]));
}

// The initial rows of blocks4_rows: s[0..2] shared, s[3 + k] for set k.
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void rows_setup(__m256i (&s)[5],
                                                                                 const chacha20_key& key,
                                                                                 const std::uint8_t* nonce,
                                                                                 std::uint32_t next) noexcept {
    s[0] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(chacha20_constants)));
    s[1] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(key.words)));
    s[2] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(key.words + 4)));
    const __m256i n = _mm256_broadcastsi128_si256(_mm_setr_epi32(0, static_cast<int>(load_le32(nonce)),
                                                                 static_cast<int>(load_le32(nonce + 4)),
                                                                 static_cast<int>(load_le32(nonce + 8))));
    const auto t = static_cast<int>(next);
    s[3] = _mm256_add_epi32(n, _mm256_setr_epi32(0, 0, 0, 0, t, 0, 0, 0));
    s[4] = _mm256_add_epi32(n, _mm256_setr_epi32(t + 1, 0, 0, 0, t + 2, 0, 0, 0));
}

// Columns to diagonals (Forward) and back. A diagonal pairs word j of row a with words j + 1,
// j + 2 and j + 3 (mod 4) of rows b, c and d; turning a, c and d rather than b, c and d lines
// them up as well, and keeps the turn off the critical path: b is the last row a round writes and
// the first the next one reads, while a, c and d have a step or more to spare (on Zen 5, where
// a shuffle takes two cycles, the pass is 40 cycles shorter).
template <bool Forward>
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void rows_turn(__m256i (&a)[2], __m256i (&c)[2],
                                                                                __m256i (&d)[2]) noexcept {
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) {
        a[k] = _mm256_shuffle_epi32(a[k], Forward ? 0x93 : 0x39);
        c[k] = _mm256_shuffle_epi32(c[k], Forward ? 0x39 : 0x93);
        d[k] = _mm256_shuffle_epi32(d[k], 0x4e);
    }
}

// Adds the input rows and writes the four blocks to ks in block order.
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void rows_finish(const __m256i (&s)[5],
                                                                                  __m256i (&a)[2], __m256i (&b)[2],
                                                                                  __m256i (&c)[2], __m256i (&d)[2],
                                                                                  std::uint8_t* ks) noexcept {
CARAPACE_UNROLL(2)
    for (int k = 0; k < 2; ++k) {
        a[k] = add8(a[k], s[0]), b[k] = add8(b[k], s[1]), c[k] = add8(c[k], s[2]), d[k] = add8(d[k], s[3 + k]);
        std::uint8_t* o = ks + 128 * k;  // blocks 2k (low halves) and 2k + 1 (high halves)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), _mm256_permute2x128_si256(a[k], b[k], 0x20));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 32), _mm256_permute2x128_si256(c[k], d[k], 0x20));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 64), _mm256_permute2x128_si256(a[k], b[k], 0x31));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 96), _mm256_permute2x128_si256(c[k], d[k], 0x31));
    }
}

// Block 0 and blocks next..next+2 as rows rather than transposed: in each of two sets of four
// YMM registers, row i holds words 4i..4i+3 of one block in its low half and of the next block
// in its high half. Each quarter-round step is one instruction for two blocks, the two sets are
// independent chains side by side, and the eight rows and their temporaries fit the sixteen
// registers: the pass costs about the latency of one block's rounds. That is what a short
// message needs (next = 1: block 0 for the Poly1305 key, blocks 1-3 for up to 192 bytes), and
// what the AVX-512 engines need when at most three blocks follow their whole batches. ks gets
// the 256 bytes of keystream. blocks4_rows_vl is the same pass with VPROLD, for the AVX-512
// engines (one source, two targets: the AVX2 one must not let the compiler use EVEX forms).
#define CARAPACE_CHACHA_ROWS_PASS(TARGET, NAME, QUARTER_ROUNDS)                                              \
    TARGET inline void NAME(const chacha20_key& key, const std::uint8_t* nonce, std::uint32_t next,          \
                            std::uint8_t* ks) noexcept {                                                      \
        __m256i s[5];                                                                                         \
        rows_setup(s, key, nonce, next);                                                                      \
        __m256i a[2] = {s[0], s[0]}, b[2] = {s[1], s[1]}, c[2] = {s[2], s[2]}, d[2] = {s[3], s[4]};         \
        for (int r = 0; r < 10; ++r) {                                                                        \
            QUARTER_ROUNDS(a, b, c, d);                                                                       \
            rows_turn<true>(a, c, d);                                                                          \
            QUARTER_ROUNDS(a, b, c, d);                                                                       \
            rows_turn<false>(a, c, d);                                                                         \
        }                                                                                                     \
        rows_finish(s, a, b, c, d, ks);                                                                       \
    }
CARAPACE_CHACHA_ROWS_PASS(CARAPACE_CHACHA_AVX2_TARGET, blocks4_rows, quarter_rounds_rows)
CARAPACE_CHACHA_ROWS_PASS(CARAPACE_CHACHA_VL_TARGET, blocks4_rows_vl, quarter_rounds_rows_vl)
#undef CARAPACE_CHACHA_ROWS_PASS
#undef CARAPACE_CHACHA_VL_TARGET

// The initial transposed state for blocks counter..counter+7.
struct state8 {
    __m256i s[16];
};

CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void setup8(state8& st, const chacha20_key& key,
                                                                              std::uint32_t counter,
                                                                              const std::uint8_t* nonce) noexcept {
CARAPACE_UNROLL(4)
    for (int i = 0; i < 4; ++i) st.s[i] = _mm256_set1_epi32(static_cast<int>(chacha20_constants[i]));
CARAPACE_UNROLL(8)
    for (int i = 0; i < 8; ++i) st.s[4 + i] = _mm256_set1_epi32(static_cast<int>(key.words[i]));
    st.s[12] = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(counter)), _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
CARAPACE_UNROLL(3)
    for (int i = 0; i < 3; ++i) st.s[13 + i] = _mm256_set1_epi32(static_cast<int>(load_le32(nonce + 4 * i)));
}

// Adds the input state and writes out = in xor keystream for the eight blocks (512 bytes). When
// `in` is null, writes the keystream itself.
CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void finish8(const state8& st, __m256i (&x)[16],
                                                                               const std::uint8_t* in,
                                                                               std::uint8_t* out) noexcept {
CARAPACE_UNROLL(16)
    for (int i = 0; i < 16; ++i) x[i] = _mm256_add_epi32(x[i], st.s[i]);
    // Within each 128-bit half, transpose groups of four words: y[g][j] holds words 4g..4g+3 of
    // block j (low half) and block j + 4 (high half).
    __m256i y[4][4];
CARAPACE_UNROLL(4)
    for (int g = 0; g < 4; ++g) {
        const __m256i a0 = x[4 * g], a1 = x[4 * g + 1], a2 = x[4 * g + 2], a3 = x[4 * g + 3];
        const __m256i t0 = _mm256_unpacklo_epi32(a0, a1), t1 = _mm256_unpackhi_epi32(a0, a1);
        const __m256i t2 = _mm256_unpacklo_epi32(a2, a3), t3 = _mm256_unpackhi_epi32(a2, a3);
        y[g][0] = _mm256_unpacklo_epi64(t0, t2);
        y[g][1] = _mm256_unpackhi_epi64(t0, t2);
        y[g][2] = _mm256_unpacklo_epi64(t1, t3);
        y[g][3] = _mm256_unpackhi_epi64(t1, t3);
    }
CARAPACE_UNROLL(4)
    for (int j = 0; j < 4; ++j) {
        const __m256i lo01 = _mm256_permute2x128_si256(y[0][j], y[1][j], 0x20);  // block j, bytes 0-31
        const __m256i lo23 = _mm256_permute2x128_si256(y[2][j], y[3][j], 0x20);  // block j, bytes 32-63
        const __m256i hi01 = _mm256_permute2x128_si256(y[0][j], y[1][j], 0x31);  // block j + 4
        const __m256i hi23 = _mm256_permute2x128_si256(y[2][j], y[3][j], 0x31);
        std::uint8_t* o = out + 64 * j;
        if (in != nullptr) {
            const std::uint8_t* p = in + 64 * j;
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(o),
                                _mm256_xor_si256(lo01, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 32),
                                _mm256_xor_si256(lo23, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32))));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 256),
                                _mm256_xor_si256(hi01, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 256))));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 288),
                                _mm256_xor_si256(hi23, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 288))));
        } else {
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), lo01);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 32), lo23);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 256), hi01);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 288), hi23);
        }
    }
}

// Eight blocks from `counter`: out = in xor keystream (512 bytes), or the keystream when in is null.
CARAPACE_CHACHA_AVX2_TARGET inline void blocks8(const chacha20_key& key, std::uint32_t counter,
                                                const std::uint8_t* nonce, const std::uint8_t* in,
                                                std::uint8_t* out) noexcept {
    state8 st;
    setup8(st, key, counter, nonce);
    __m256i x[16];
CARAPACE_UNROLL(16)
    for (int i = 0; i < 16; ++i) x[i] = st.s[i];
    __m256i spill[4];
    begin_rounds(x, spill);
CARAPACE_UNROLL(10)
    for (int r = 0; r < 10; ++r) double_round(x, spill);
    end_rounds(x, spill);
    finish8(st, x, in, out);
}

// out = in xor keystream for `size` bytes: eight blocks per step, then one four-block step.
CARAPACE_CHACHA_AVX2_TARGET inline void xor_avx2(const chacha20_key& key, std::uint32_t counter,
                                                 const std::uint8_t* nonce, const std::uint8_t* in, std::uint8_t* out,
                                                 std::size_t size) noexcept {
    for (; size >= 512; size -= 512, in += 512, out += 512, counter += 8) blocks8(key, counter, nonce, in, out);
    if (size > 256) {
        alignas(32) std::uint8_t ks[512];
        blocks8(key, counter, nonce, nullptr, ks);
        for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(in[i] ^ ks[i]);
        secure_wipe(ks, sizeof ks);
    } else if (size != 0) {
        alignas(32) std::uint8_t ks[256];
        blocks4_vex(key, counter, nonce, ks);
        for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(in[i] ^ ks[i]);
        secure_wipe(ks, sizeof ks);
    }
}

#undef CARAPACE_CHACHA_DOUBLE_ROUND
#undef CARAPACE_CHACHA_QR

}  // namespace chacha_x86

// The standalone stream function, for the tests.
struct chacha20_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return cpu::features().avx2; }
    static void xor_stream(const chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,
                           const std::uint8_t* in, std::uint8_t* out, std::size_t size) noexcept {
        chacha_x86::xor_avx2(key, counter, nonce, in, out, size);
    }
};

#undef CARAPACE_CHACHA_AVX2_TARGET
#undef CARAPACE_CHACHA_SSE_TARGET

#else

// Built without intrinsics: never supported, so never called; the portable code stands in.
struct chacha20_avx2 {
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void xor_stream(const chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,
                                     const std::uint8_t* in, std::uint8_t* out, std::size_t size) noexcept {
        chacha20_xor_portable(key, counter, nonce, in, out, size);
    }
};

#endif

}  // namespace carapace::detail
