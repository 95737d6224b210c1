// SHA-512 compression for x86-64 with AVX2 and BMI1/BMI2. The message schedule of two blocks is
// computed at once in 256-bit registers (one block per 128-bit lane, two words per lane), which
// takes it off the scalar units; the rounds stay scalar, where rorx and andn keep each round
// short. On long inputs the schedule is pipelined: while one pair of blocks runs its rounds, the
// vector units compute the next pair's schedule, spread thinly over all 160 rounds so that its
// dependency chain never holds the rounds up. A lone block runs through the same schedule with
// both lanes holding it. The round, and for GCC the schedule step, are inline asm (with the
// compiler allocating registers) because neither compiler produced a round as short from C++.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "carapace/core/cpu.hpp"
#include "carapace/hash/detail/sha512_portable.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_SHA512_AVX2_TARGET __attribute__((target("avx2,bmi,bmi2")))
#define CARAPACE_SHA512_AVX2_INLINE __attribute__((target("avx2,bmi,bmi2"), always_inline)) inline

struct sha512_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.avx2 && f.bmi1 && f.bmi2;
    }

    CARAPACE_SHA512_AVX2_TARGET static void compress(std::array<std::uint64_t, 8>& state,
                                                     const std::uint8_t* blocks,
                                                     std::size_t block_count) noexcept {
        if (block_count == 0) return;
        // W[t] + K[t] for a pair of blocks: schedule pair p (rounds 2p, 2p+1) is stored as
        // {first[2p], first[2p+1], second[2p], second[2p+1]}. Two buffers: the pair whose rounds
        // run and the next one. Pairs 40..47 are scratch for schedule steps whose result is
        // not needed, which keeps every run of rounds the same code.
        std::uint64_t wk[2][192];
        ring w;

        if (block_count < pipeline_threshold) {
            // Short inputs: each pair's first block computes the pair's schedule as it goes and
            // the second block just runs its rounds. This keeps less code busy than the
            // pipeline below, which is what counts for short messages.
            for (;;) {
                first_block(state, w, blocks, block_count >= 2 ? blocks + 128 : blocks, wk[0]);
                if (block_count == 1) return;
                plain_block(state, wk[0] + 2);
                if (block_count == 2) return;
                blocks += 256;
                block_count -= 2;
            }
        }
        // Long inputs: the first pair's first block computes the pair's schedule as above;
        // after that every block does one schedule step every five rounds. A pair's second block
        // computes pairs 8..23 of the next pair's schedule, and the next pair's first block its
        // own pairs 24..39 (pair q is computed by round 5q - 120 and needed at round 2q).
        first_block(state, w, blocks, blocks + 128, wk[0]);
        later_blocks(state, w, blocks, block_count, wk);
    }

private:
    static constexpr std::size_t pipeline_threshold = 16;

    // ---- Message schedule (vector) -----------------------------------------------------------

    // Eight schedule pairs in flight: slot q % 8 holds pair q.
    struct ring {
        __m256i r0, r1, r2, r3, r4, r5, r6, r7;
    };

    // Slot i of the ring. Named members rather than an array: GCC keeps an array of vectors in
    // memory across a loop, which puts a store and a load on the schedule's dependency chain.
    template <int i>
    CARAPACE_SHA512_AVX2_INLINE static __m256i& slot(ring& w) noexcept {
        if constexpr (i == 0) return w.r0;
        if constexpr (i == 1) return w.r1;
        if constexpr (i == 2) return w.r2;
        if constexpr (i == 3) return w.r3;
        if constexpr (i == 4) return w.r4;
        if constexpr (i == 5) return w.r5;
        if constexpr (i == 6) return w.r6;
        if constexpr (i == 7) return w.r7;
    }

    CARAPACE_SHA512_AVX2_INLINE static __m256i rotr(__m256i x, int n) noexcept {
        return _mm256_or_si256(_mm256_srli_epi64(x, n), _mm256_slli_epi64(x, 64 - n));
    }

    CARAPACE_SHA512_AVX2_INLINE static void store_wk(std::uint64_t* wk, __m256i w,
                                                     const std::uint64_t* k) noexcept {
        const __m256i k2 =
            _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(wk), _mm256_add_epi64(w, k2));
    }

    // Pair p (< 8) of two blocks: message words, byte-swapped, one block per lane; W+K stored.
    CARAPACE_SHA512_AVX2_INLINE static __m256i load_pair(const std::uint8_t* first,
                                                         const std::uint8_t* second, int p,
                                                         std::uint64_t* wk) noexcept {
        const __m256i byte_swap = _mm256_set_epi64x(0x08090a0b0c0d0e0fLL, 0x0001020304050607LL,
                                                    0x08090a0b0c0d0e0fLL, 0x0001020304050607LL);
        const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first + 16 * p));
        const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(second + 16 * p));
        const __m256i x = _mm256_shuffle_epi8(
            _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1), byte_swap);
        store_wk(wk + 4 * p, x, sha512_round_constants.data() + 2 * p);
        return x;
    }

    // Pairs 0..7 of two blocks into the ring.
    CARAPACE_SHA512_AVX2_INLINE static void load_message(ring& w, const std::uint8_t* first,
                                                         const std::uint8_t* second,
                                                         std::uint64_t* wk) noexcept {
        w.r0 = load_pair(first, second, 0, wk);
        w.r1 = load_pair(first, second, 1, wk);
        w.r2 = load_pair(first, second, 2, wk);
        w.r3 = load_pair(first, second, 3, wk);
        w.r4 = load_pair(first, second, 4, wk);
        w.r5 = load_pair(first, second, 5, wk);
        w.r6 = load_pair(first, second, 6, wk);
        w.r7 = load_pair(first, second, 7, wk);
    }

    // Schedule pair q (8 <= q < 40) into slot s = q % 8, which holds pair q-8, storing W+K at
    // wk with the constants at k (both already offset to pair q):
    // W[q-8] + s0(words 2q-15, 2q-14) + (words 2q-7, 2q-6) + s1(pair q-1). The odd offsets
    // straddle two pairs (vpalignr). s1 of the previous pair, the only link to the step
    // before, is added last.
    template <int s>
    CARAPACE_SHA512_AVX2_INLINE static void schedule_step(ring& w, std::uint64_t* wk,
                                                          const std::uint64_t* k) noexcept {
        __m256i& ws = slot<s>(w);
#if defined(__clang__)
        // Clang keeps the ring in registers and interleaves this well with the rounds.
        const __m256i rot8 = _mm256_set_epi64x(0x080f0e0d0c0b0a09LL, 0x0007060504030201LL,
                                               0x080f0e0d0c0b0a09LL, 0x0007060504030201LL);
        const __m256i w15 = _mm256_alignr_epi8(slot<(s + 1) % 8>(w), ws, 8);
        const __m256i w7 = _mm256_alignr_epi8(slot<(s + 5) % 8>(w), slot<(s + 4) % 8>(w), 8);
        const __m256i w2 = slot<(s + 7) % 8>(w);
        const __m256i s0 = _mm256_xor_si256(
            _mm256_xor_si256(rotr(w15, 1), _mm256_shuffle_epi8(w15, rot8)),
            _mm256_srli_epi64(w15, 7));
        const __m256i s1 = _mm256_xor_si256(_mm256_xor_si256(rotr(w2, 19), rotr(w2, 61)),
                                            _mm256_srli_epi64(w2, 6));
        ws = _mm256_add_epi64(_mm256_add_epi64(_mm256_add_epi64(ws, s0), w7), s1);
#else
        // The same in asm for GCC, which given the intrinsics spreads a step's work out, runs
        // short of vector registers and keeps part of the ring in memory, putting a store and a
        // load on the schedule's dependency chain. Here a step needs three temporaries.
        alignas(32) static constexpr std::uint8_t rot8[32] = {
            1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8,
            1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8};
        __m256i x, t, u;
        __asm__(
            "vpalignr $8, %[w0], %[w1], %[x]\n\t"  // words 2q-15, 2q-14
            "vpsrlq $1, %[x], %[t]\n\t"
            "vpsllq $63, %[x], %[u]\n\t"
            "vpor %[u], %[t], %[t]\n\t"
            "vpshufb %[rot8], %[x], %[u]\n\t"
            "vpxor %[u], %[t], %[t]\n\t"
            "vpsrlq $7, %[x], %[u]\n\t"
            "vpxor %[u], %[t], %[t]\n\t"           // s0
            "vpalignr $8, %[w4], %[w5], %[x]\n\t"  // words 2q-7, 2q-6
            "vpaddq %[t], %[w0], %[w0]\n\t"
            "vpaddq %[x], %[w0], %[w0]\n\t"
            "vpsrlq $6, %[w7], %[t]\n\t"
            "vpsrlq $19, %[w7], %[u]\n\t"
            "vpxor %[u], %[t], %[t]\n\t"
            "vpsllq $45, %[w7], %[u]\n\t"
            "vpxor %[u], %[t], %[t]\n\t"
            "vpsrlq $61, %[w7], %[u]\n\t"
            "vpxor %[u], %[t], %[t]\n\t"
            "vpsllq $3, %[w7], %[u]\n\t"
            "vpxor %[u], %[t], %[t]\n\t"           // s1 of pair q-1
            "vpaddq %[t], %[w0], %[w0]"
            : [w0] "+x"(ws), [x] "=&x"(x), [t] "=&x"(t), [u] "=&x"(u)
            : [w1] "x"(slot<(s + 1) % 8>(w)), [w4] "x"(slot<(s + 4) % 8>(w)),
              [w5] "x"(slot<(s + 5) % 8>(w)), [w7] "x"(slot<(s + 7) % 8>(w)), [rot8] "m"(rot8));
#endif
        store_wk(wk, ws, k);
    }

    // ---- Rounds (scalar) ---------------------------------------------------------------------

    struct working_state {
        std::uint64_t a, b, c, d, e, f, g, h;
        std::uint64_t bc;  // b ^ c
        std::uint64_t s0;  // Sigma0 of the previous a, not yet added to the current one
    };

    // One round. Ch = (e & f) + (~e & g), the two terms being disjoint. Maj(a,b,c) =
    // b ^ ((a^b) & (b^c)), where b^c is the previous round's a^b, carried in `bc`. The new a
    // leaves without Sigma0 of the old one: that is carried in `s0` and added at the start of
    // the next round, off the path from e to the new e. `pin`, when given, names a schedule
    // vector the round pretends to touch, so the compiler keeps the schedule step that computes
    // it here rather than bunching all the vector work in one place. The sequence is written
    // out in asm because the compilers otherwise lengthen the dependency chain from e to e.
#define CARAPACE_SHA512_ROUND_ASM   \
    "addq %[wk], %[h]\n\t"         \
    "andq %[e], %[fc]\n\t"         \
    "rorxq $41, %[e], %[s]\n\t"    \
    "rorxq $18, %[e], %[t]\n\t"    \
    "addq %[s0], %[a]\n\t"         \
    "addq %[fc], %[h]\n\t"         \
    "andnq %[g], %[e], %[fc]\n\t"  \
    "xorq %[t], %[s]\n\t"          \
    "rorxq $14, %[e], %[t]\n\t"    \
    "addq %[fc], %[h]\n\t"         \
    "xorq %[t], %[s]\n\t"          \
    "movq %[a], %[t]\n\t"          \
    "rorxq $39, %[a], %[fc]\n\t"   \
    "addq %[s], %[h]\n\t"          \
    "xorq %[b], %[t]\n\t"          \
    "rorxq $34, %[a], %[s0]\n\t"   \
    "rorxq $28, %[a], %[s]\n\t"    \
    "addq %[h], %[d]\n\t"          \
    "andq %[t], %[bc]\n\t"         \
    "xorq %[fc], %[s0]\n\t"        \
    "xorq %[b], %[bc]\n\t"         \
    "xorq %[s], %[s0]\n\t"         \
    "addq %[bc], %[h]"
#define CARAPACE_SHA512_ROUND_OUTPUTS                                                      \
    [a] "+r"(a), [h] "+r"(h), [d] "+r"(d), [bc] "+r"(bc), [s0] "+r"(s0), [fc] "+r"(fc), \
        [s] "=&r"(s), [t] "=&r"(t)
#define CARAPACE_SHA512_ROUND_INPUTS [b] "r"(b), [e] "r"(e), [g] "r"(g), [wk] "m"(wk)

    CARAPACE_SHA512_AVX2_INLINE static void round(std::uint64_t& a, std::uint64_t b,
                                                  std::uint64_t& d, std::uint64_t e,
                                                  std::uint64_t f, std::uint64_t g,
                                                  std::uint64_t& h, const std::uint64_t& wk,
                                                  std::uint64_t& bc, std::uint64_t& s0,
                                                  __m256i* pin) noexcept {
        std::uint64_t s, t, fc = f;
        if (pin != nullptr)
            __asm__(CARAPACE_SHA512_ROUND_ASM
                    : CARAPACE_SHA512_ROUND_OUTPUTS, [pin] "+x"(*pin)
                    : CARAPACE_SHA512_ROUND_INPUTS
                    : "cc");
        else
            __asm__(CARAPACE_SHA512_ROUND_ASM
                    : CARAPACE_SHA512_ROUND_OUTPUTS
                    : CARAPACE_SHA512_ROUND_INPUTS
                    : "cc");
        bc = t;
    }

#undef CARAPACE_SHA512_ROUND_ASM
#undef CARAPACE_SHA512_ROUND_OUTPUTS
#undef CARAPACE_SHA512_ROUND_INPUTS

    // Round r of a run (only r % 8 matters for which variable plays which part), reading W+K at
    // wk[4 * (r / 2) + (r & 1)].
    template <int r>
    CARAPACE_SHA512_AVX2_INLINE static void round_at(working_state& v, const std::uint64_t* wk,
                                                     __m256i* pin) noexcept {
        auto& [a, b, c, d, e, f, g, h, bc, s0] = v;
        const std::uint64_t& x = wk[4 * (r / 2) + (r & 1)];
        if constexpr (r % 8 == 0) round(a, b, d, e, f, g, h, x, bc, s0, pin);
        if constexpr (r % 8 == 1) round(h, a, c, d, e, f, g, x, bc, s0, pin);
        if constexpr (r % 8 == 2) round(g, h, b, c, d, e, f, x, bc, s0, pin);
        if constexpr (r % 8 == 3) round(f, g, a, b, c, d, e, x, bc, s0, pin);
        if constexpr (r % 8 == 4) round(e, f, h, a, b, c, d, x, bc, s0, pin);
        if constexpr (r % 8 == 5) round(d, e, g, h, a, b, c, x, bc, s0, pin);
        if constexpr (r % 8 == 6) round(c, d, f, g, h, a, b, x, bc, s0, pin);
        if constexpr (r % 8 == 7) round(b, c, e, f, g, h, a, x, bc, s0, pin);
    }

    // Round r of a run of rounds with schedule work: Mode 0 does none; Mode 1 does one step
    // every 5 rounds (8 per 40 rounds, pairs q0..q0+7); Mode 3 one step every 2 rounds (pairs
    // q0..q0+7 in 16 rounds). q0 is a multiple of 8, so the pair computed k-th goes to slot
    // k % 8. next_wk and next_k are already offset to pair q0.
    template <int Mode, int r>
    CARAPACE_SHA512_AVX2_INLINE static void round_with_schedule(working_state& v,
                                                                const std::uint64_t* wk,
                                                                ring& w, std::uint64_t* next_wk,
                                                                const std::uint64_t* next_k) noexcept {
        constexpr int k = Mode == 1   ? (r % 5 == 0 ? r / 5 : -1)
                          : Mode == 3 ? (r % 2 == 0 ? r / 2 : -1)
                                      : -1;
        if constexpr (k >= 0) {
            schedule_step<k % 8>(w, next_wk + 4 * k, next_k + 2 * k);
            round_at<r>(v, wk, &slot<k % 8>(w));
        } else {
            round_at<r>(v, wk, nullptr);
        }
    }

    template <int Mode, int... R>
    CARAPACE_SHA512_AVX2_INLINE static void rounds_with_schedule(
        std::integer_sequence<int, R...>, working_state& v, const std::uint64_t* wk, ring& w,
        std::uint64_t* next_wk, const std::uint64_t* next_k) noexcept {
        (round_with_schedule<Mode, R>(v, wk, w, next_wk, next_k), ...);
    }

    CARAPACE_SHA512_AVX2_INLINE static working_state load(
        const std::array<std::uint64_t, 8>& s) noexcept {
        return {s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[1] ^ s[2], 0};
    }

    CARAPACE_SHA512_AVX2_INLINE static void add_back(std::array<std::uint64_t, 8>& s,
                                                     const working_state& v) noexcept {
        s[0] += v.a + v.s0;
        s[1] += v.b;
        s[2] += v.c;
        s[3] += v.d;
        s[4] += v.e;
        s[5] += v.f;
        s[6] += v.g;
        s[7] += v.h;
    }

    // A pair's first block: its rounds compute the pair's schedule, one step every two rounds
    // (pair q is computed by round 2q - 16 and needed at round 2q; the last sixteen rounds'
    // steps go to the scratch pairs). The ring is left holding pairs 32..39.
    CARAPACE_SHA512_AVX2_TARGET static void first_block(std::array<std::uint64_t, 8>& state,
                                                        ring& ring_out, const std::uint8_t* first,
                                                        const std::uint8_t* second,
                                                        std::uint64_t* wk) noexcept {
        const std::uint64_t* k = sha512_round_constants.data();
        ring w;
        load_message(w, first, second, wk);
        working_state v = load(state);
        for (int j = 0; j < 5; ++j)
            rounds_with_schedule<3>(std::make_integer_sequence<int, 16>{}, v, wk + 32 * j, w,
                                    wk + 32 * (j + 1), k + (j < 4 ? 16 * (j + 1) : 0));
        add_back(state, v);
        ring_out = w;
    }

    // 80 rounds of a block whose schedule is already in wk.
    CARAPACE_SHA512_AVX2_TARGET static void plain_block(std::array<std::uint64_t, 8>& state,
                                                        const std::uint64_t* wk) noexcept {
        ring unused{};
        working_state v = load(state);
        for (int j = 0; j < 5; ++j)
            rounds_with_schedule<0>(std::make_integer_sequence<int, 16>{}, v, wk + 32 * j, unused,
                                    nullptr, nullptr);
        add_back(state, v);
    }

    // All blocks after the first of a long input (block_count >= 3 counts from the first pair's
    // start, and wk[0] holds the first pair's schedule, the ring its pairs 32..39). The working state stays in registers from block to
    // block; the ring is copied in so that it stays in registers even though the W+K stores
    // might, as far as the compiler knows, alias it.
    CARAPACE_SHA512_AVX2_TARGET static void later_blocks(std::array<std::uint64_t, 8>& state,
                                                         const ring& ring_in,
                                                         const std::uint8_t* blocks,
                                                         std::size_t block_count,
                                                         std::uint64_t (*wk)[192]) noexcept {
        const std::uint64_t* k = sha512_round_constants.data();
        ring w = ring_in;
        working_state v = load(state);
        int cur = 0;
        bool second_block = true;
        for (;;) {
            const std::uint64_t* round_wk = wk[cur];
            std::uint64_t* next_wk = wk[cur] + 96;
            const std::uint64_t* next_k = k + 48;
            if (second_block) {
                // With no next pair, schedule a dummy one (this pair again) into the free buffer.
                const std::uint8_t* next = block_count > 2 ? blocks + 256 : blocks;
                load_message(w, next, block_count != 3 ? next + 128 : next, wk[cur ^ 1]);
                round_wk += 2;
                next_wk = wk[cur ^ 1] + 32;
                next_k = k + 16;
            }
            for (int half = 0; half < 2; ++half)
                rounds_with_schedule<1>(std::make_integer_sequence<int, 40>{}, v,
                                        round_wk + 80 * half, w, next_wk + 32 * half,
                                        next_k + 16 * half);
            // Add the block's result into the state without reloading what was just stored.
            v.a += v.s0;
            v.s0 = 0;
            v.a += state[0];
            v.b += state[1];
            v.c += state[2];
            v.d += state[3];
            v.e += state[4];
            v.f += state[5];
            v.g += state[6];
            v.h += state[7];
            state = {v.a, v.b, v.c, v.d, v.e, v.f, v.g, v.h};
            v.bc = v.b ^ v.c;
            if (second_block) {
                if (block_count <= 2) return;
                block_count -= 2;
                blocks += 256;
                cur ^= 1;
            } else if (block_count == 1) {
                return;
            }
            second_block = !second_block;
        }
    }
};

#undef CARAPACE_SHA512_AVX2_INLINE
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
