// ChaCha20 with x86-64 vectors: eight blocks at once with AVX2 and four at once in 128-bit ones, the
// state transposed across lanes (vector i holds word i of every block; the counters differ by
// lane). Each batch ends with a transpose back to block order. Only adds, XORs, shifts and
// shuffles with fixed patterns: constant time.
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

// Keystream blocks counter..counter+3 into ks (256 bytes, block order), with the AVX2 target so
// that the AVX2 engine stays in VEX encoding (short messages).
#define CARAPACE_CHACHA_BLOCKS4(TARGET, NAME)                                                                   \
    TARGET inline void NAME(const chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,          \
                            std::uint8_t* ks) noexcept {                                                        \
        __m128i s[16], x[16];                                                                                   \
        for (int i = 0; i < 4; ++i) s[i] = _mm_set1_epi32(static_cast<int>(chacha20_constants[i]));             \
        for (int i = 0; i < 8; ++i) s[4 + i] = _mm_set1_epi32(static_cast<int>(key.words[i]));                  \
        s[12] = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(counter)), _mm_set_epi32(3, 2, 1, 0));            \
        for (int i = 0; i < 3; ++i) s[13 + i] = _mm_set1_epi32(static_cast<int>(load_le32(nonce + 4 * i)));     \
        for (int i = 0; i < 16; ++i) x[i] = s[i];                                                               \
        for (int r = 0; r < 10; ++r) {                                                                          \
            CARAPACE_CHACHA_DOUBLE_ROUND(add4, xor4, rot16_4, rot12_4, rot8_4, rot7_4, x);                      \
        }                                                                                                       \
        for (int i = 0; i < 16; ++i) x[i] = _mm_add_epi32(x[i], s[i]);                                          \
        /* Transpose each group of four words: words 4g..4g+3 of block j go to ks + 64 j + 16 g. */             \
        for (int g = 0; g < 4; ++g) {                                                                           \
            const __m128i a0 = x[4 * g], a1 = x[4 * g + 1], a2 = x[4 * g + 2], a3 = x[4 * g + 3];               \
            const __m128i t0 = _mm_unpacklo_epi32(a0, a1), t1 = _mm_unpackhi_epi32(a0, a1);                     \
            const __m128i t2 = _mm_unpacklo_epi32(a2, a3), t3 = _mm_unpackhi_epi32(a2, a3);                     \
            _mm_storeu_si128(reinterpret_cast<__m128i*>(ks + 0 * 64 + 16 * g), _mm_unpacklo_epi64(t0, t2));     \
            _mm_storeu_si128(reinterpret_cast<__m128i*>(ks + 1 * 64 + 16 * g), _mm_unpackhi_epi64(t0, t2));     \
            _mm_storeu_si128(reinterpret_cast<__m128i*>(ks + 2 * 64 + 16 * g), _mm_unpacklo_epi64(t1, t3));     \
            _mm_storeu_si128(reinterpret_cast<__m128i*>(ks + 3 * 64 + 16 * g), _mm_unpackhi_epi64(t1, t3));     \
        }                                                                                                       \
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

CARAPACE_CHACHA_BLOCKS4(CARAPACE_CHACHA_AVX2_TARGET, blocks4_vex)
#undef CARAPACE_CHACHA_BLOCKS4

CARAPACE_CHACHA_AVX2_TARGET __attribute__((always_inline)) inline void double_round8(__m256i (&x)[16]) noexcept {
    CARAPACE_CHACHA_DOUBLE_ROUND(add8, xor8, rot16_8, rot12_8, rot8_8, rot7_8, x);
}

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
CARAPACE_UNROLL(10)
    for (int r = 0; r < 10; ++r) double_round8(x);
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
