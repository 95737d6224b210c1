// SHA-512 compression for x86-64 with AVX2 and BMI1/BMI2. The message schedule of two blocks is
// computed at once in 256-bit registers (one block per 128-bit lane, two words per lane), which
// takes it off the scalar units; the rounds stay scalar, where rorx and andn keep each round
// short. A lone block runs through the same schedule with both lanes holding it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/hash/detail/sha512_portable.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_SHA512_AVX2_TARGET __attribute__((target("avx2,bmi,bmi2")))

struct sha512_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.avx2 && f.bmi1 && f.bmi2;
    }

    CARAPACE_SHA512_AVX2_TARGET static void compress(std::array<std::uint64_t, 8>& state,
                                                     const std::uint8_t* blocks,
                                                     std::size_t block_count) noexcept {
        // W[t] + K[t] for two blocks: pair p (rounds 2p, 2p+1) is stored as
        // {first[2p], first[2p+1], second[2p], second[2p+1]}.
        alignas(32) std::uint64_t wk[160];
        while (block_count != 0) {
            const std::uint8_t* second = block_count >= 2 ? blocks + 128 : blocks;
            first_block_with_schedule(state, blocks, second, wk);
            if (block_count == 1) break;
            rounds_from(state, wk + 2, 0);
            blocks += 256;
            block_count -= 2;
        }
    }

private:
    CARAPACE_SHA512_AVX2_TARGET static inline __m256i rotr(__m256i x, int n) noexcept {
        return _mm256_or_si256(_mm256_srli_epi64(x, n), _mm256_slli_epi64(x, 64 - n));
    }

    CARAPACE_SHA512_AVX2_TARGET static inline void store_wk(std::uint64_t* wk, __m256i w,
                                                            const std::uint64_t* k) noexcept {
        const __m256i k2 = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k)));
        _mm256_store_si256(reinterpret_cast<__m256i*>(wk), _mm256_add_epi64(w, k2));
    }

    // The next schedule pair for ring slot s: with w[s] holding pair p-8, it becomes pair p =
    // W[p-8] + s0(words 2p-15, 2p-14) + (words 2p-7, 2p-6) + s1(pair p-1). The odd offsets
    // straddle two pairs (vpalignr).
    template <int s>
    CARAPACE_SHA512_AVX2_TARGET __attribute__((always_inline)) static inline void schedule_pair(
        __m256i (&w)[8], std::uint64_t* wk, const std::uint64_t* k) noexcept {
        const __m256i w15 = _mm256_alignr_epi8(w[(s + 1) % 8], w[s], 8);
        const __m256i w7 = _mm256_alignr_epi8(w[(s + 5) % 8], w[(s + 4) % 8], 8);
        const __m256i w2 = w[(s + 7) % 8];
        const __m256i s0 = _mm256_xor_si256(_mm256_xor_si256(rotr(w15, 1), rotr(w15, 8)),
                                            _mm256_srli_epi64(w15, 7));
        const __m256i s1 = _mm256_xor_si256(_mm256_xor_si256(rotr(w2, 19), rotr(w2, 61)),
                                            _mm256_srli_epi64(w2, 6));
        w[s] = _mm256_add_epi64(_mm256_add_epi64(w[s], s0), _mm256_add_epi64(w7, s1));
        store_wk(wk + 4 * s, w[s], k + 2 * s);
    }

    CARAPACE_SHA512_AVX2_TARGET static inline std::uint64_t rotr(std::uint64_t x, int n) noexcept {
        return (x >> n) | (x << (64 - n));
    }

    // One round. Ch uses andn; Maj(a,b,c) = b ^ ((a^b) & (b^c)), where b^c is the previous
    // round's a^b, carried in `bc`.
    CARAPACE_SHA512_AVX2_TARGET __attribute__((always_inline)) static inline void round(
        std::uint64_t a, std::uint64_t b, std::uint64_t& d, std::uint64_t e, std::uint64_t f,
        std::uint64_t g, std::uint64_t& h, std::uint64_t wk, std::uint64_t& bc) noexcept {
        const std::uint64_t t1 =
            h + wk + (rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)) + (e & f) + (~e & g);
        const std::uint64_t ab = a ^ b;
        const std::uint64_t maj = b ^ (ab & bc);
        bc = ab;
        d += t1;
        h = t1 + (rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)) + maj;
    }

    struct working_state {
        std::uint64_t a, b, c, d, e, f, g, h, bc;
    };

    // Sixteen rounds reading W+K at wk[4p + (t & 1)] for round t = 2p or 2p+1. When Schedule is
    // set, the eight schedule pairs for the next sixteen rounds are computed in between, so the
    // vector units work while the scalar ones do.
    template <bool Schedule>
    CARAPACE_SHA512_AVX2_TARGET __attribute__((always_inline)) static inline void sixteen_rounds(
        working_state& v, const std::uint64_t* wk, __m256i (&w)[8], std::uint64_t* next_wk,
        const std::uint64_t* next_k) noexcept {
        auto& [a, b, c, d, e, f, g, h, bc] = v;
        if constexpr (Schedule) schedule_pair<0>(w, next_wk, next_k);
        round(a, b, d, e, f, g, h, wk[0], bc);
        round(h, a, c, d, e, f, g, wk[1], bc);
        if constexpr (Schedule) schedule_pair<1>(w, next_wk, next_k);
        round(g, h, b, c, d, e, f, wk[4], bc);
        round(f, g, a, b, c, d, e, wk[5], bc);
        if constexpr (Schedule) schedule_pair<2>(w, next_wk, next_k);
        round(e, f, h, a, b, c, d, wk[8], bc);
        round(d, e, g, h, a, b, c, wk[9], bc);
        if constexpr (Schedule) schedule_pair<3>(w, next_wk, next_k);
        round(c, d, f, g, h, a, b, wk[12], bc);
        round(b, c, e, f, g, h, a, wk[13], bc);
        if constexpr (Schedule) schedule_pair<4>(w, next_wk, next_k);
        round(a, b, d, e, f, g, h, wk[16], bc);
        round(h, a, c, d, e, f, g, wk[17], bc);
        if constexpr (Schedule) schedule_pair<5>(w, next_wk, next_k);
        round(g, h, b, c, d, e, f, wk[20], bc);
        round(f, g, a, b, c, d, e, wk[21], bc);
        if constexpr (Schedule) schedule_pair<6>(w, next_wk, next_k);
        round(e, f, h, a, b, c, d, wk[24], bc);
        round(d, e, g, h, a, b, c, wk[25], bc);
        if constexpr (Schedule) schedule_pair<7>(w, next_wk, next_k);
        round(c, d, f, g, h, a, b, wk[28], bc);
        round(b, c, e, f, g, h, a, wk[29], bc);
    }

    CARAPACE_SHA512_AVX2_TARGET static inline working_state load(
        const std::array<std::uint64_t, 8>& s) noexcept {
        return {s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[1] ^ s[2]};
    }

    CARAPACE_SHA512_AVX2_TARGET static inline void add_back(std::array<std::uint64_t, 8>& s,
                                                            const working_state& v) noexcept {
        s[0] += v.a;
        s[1] += v.b;
        s[2] += v.c;
        s[3] += v.d;
        s[4] += v.e;
        s[5] += v.f;
        s[6] += v.g;
        s[7] += v.h;
    }

    // The first block's 80 rounds, computing the whole schedule of both blocks on the way.
    CARAPACE_SHA512_AVX2_TARGET static void first_block_with_schedule(
        std::array<std::uint64_t, 8>& state, const std::uint8_t* first, const std::uint8_t* second,
        std::uint64_t* wk) noexcept {
        const __m256i byte_swap = _mm256_set_epi64x(0x08090a0b0c0d0e0fLL, 0x0001020304050607LL,
                                                    0x08090a0b0c0d0e0fLL, 0x0001020304050607LL);
        __m256i w[8];
        for (int p = 0; p < 8; ++p) {
            const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first + 16 * p));
            const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(second + 16 * p));
            w[p] = _mm256_shuffle_epi8(_mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1),
                                       byte_swap);
            store_wk(wk + 4 * p, w[p], sha512_round_constants.data() + 2 * p);
        }
        working_state v = load(state);
        for (int j = 0; j < 4; ++j)
            sixteen_rounds<true>(v, wk + 32 * j, w, wk + 32 * (j + 1),
                                 sha512_round_constants.data() + 16 * (j + 1));
        sixteen_rounds<false>(v, wk + 128, w, nullptr, nullptr);
        add_back(state, v);
    }

    // 80 rounds of a block whose schedule is already in wk.
    CARAPACE_SHA512_AVX2_TARGET static void rounds_from(std::array<std::uint64_t, 8>& state,
                                                        const std::uint64_t* wk, int) noexcept {
        __m256i unused[8];
        working_state v = load(state);
        for (int j = 0; j < 5; ++j) sixteen_rounds<false>(v, wk + 32 * j, unused, nullptr, nullptr);
        add_back(state, v);
    }
};

#undef CARAPACE_SHA512_AVX2_TARGET

#else

// Built without intrinsics: never supported, so never called.
struct sha512_avx2 {
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void compress(std::array<std::uint64_t, 8>& state, const std::uint8_t* blocks,
                                   std::size_t block_count) noexcept {
        sha512_portable::compress(state, blocks, block_count);
    }
};

#endif

}  // namespace carapace::detail
