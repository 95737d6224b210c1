// The secret-exponent power of modexp.hpp (RFC 8017 §5.1.2, the CRT halves of RSASP1) for x86-64
// CPUs with AVX-512 IFMA: numbers in 52-bit limbs, eight to a 512-bit vector, and each Montgomery
// step one VPMADD52LUQ/VPMADD52HUQ pair per vector. The 52-bit multiplier does eight limb products
// per instruction where MULX does one, which is why it pays for the 1024- to 2048-bit primes of
// RSA-2048 to RSA-4096.
//
// The method is Gueron and Krasnov's "almost Montgomery multiplication" in radix 2^52 (Gueron and
// Krasnov, "Accelerating big integer arithmetic using Intel IFMA extensions", ARITH 2016; Drucker
// and Gueron, "Fast modular squaring with AVX512IFMA", 2019): with R' = 2^(52 L) and 4m < R', a
// product of two numbers below 2m is below 2m again, so no step needs the final subtraction, and
// the limbs may exceed 52 bits between steps (each of the L rows adds at most four 52-bit halves
// to a limb, far from 64 bits); they are carried once at the end of each product.
//
// Entry and exit in the caller's form: the base arrives as x R mod m with R = 2^(64 n) (n the
// modulus's 64-bit words), and one product by to_ifma = 2^(104 L - 64 n) mod m takes it to x R';
// the result x^e R' leaves by one product by R mod m (which gives x^e R) and one masked
// subtraction.
//
// Constant time: the instructions, addresses and loop bounds depend on L (public) only; the
// window's table entry is read by scanning all 32 entries with masks, each entry loaded in full
// (an empty asm on the loaded vector keeps the compiler from turning the masked select into a
// masked load that could skip memory). The maskz_ forms of the lane moves, with every lane kept:
// GCC 12 warns about the undefined vector the plain forms start from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "carapace/core/cpu.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
#include <immintrin.h>

namespace carapace::detail {

inline constexpr std::size_t ifma_limb_bits = 52;
inline constexpr std::uint64_t ifma_limb_mask = (std::uint64_t{1} << ifma_limb_bits) - 1;
// Up to eight vectors (64 limbs, 3328 bits): moduli of up to 51 words, every CRT prime of RSA-4096
// and more. Longer moduli take the MULX rows.
inline constexpr std::size_t ifma_max_vectors = 8;

// The limbs a modulus of n 64-bit words needs: 4m < R' = 2^(52 L).
constexpr std::size_t ifma_limbs_for(std::size_t n) noexcept { return (64 * n + 2 + 51) / 52; }

// The n words of w (little-endian) as L 52-bit limbs; limbs above L up to 8K are zero.
inline void ifma_from_words(std::uint64_t* limbs, std::size_t limb_count, const std::uint64_t* w,
                            std::size_t n) noexcept {
    for (std::size_t j = 0; j < limb_count; ++j) {
        const std::size_t bit = ifma_limb_bits * j, word = bit / 64, shift = bit % 64;
        std::uint64_t v = word < n ? w[word] >> shift : 0;
        if (shift > 64 - ifma_limb_bits && word + 1 < n) v |= w[word + 1] << (64 - shift);
        limbs[j] = v & ifma_limb_mask;
    }
}

// L carried 52-bit limbs back into n words (the value fits n words).
inline void ifma_to_words(std::uint64_t* w, std::size_t n, const std::uint64_t* limbs, std::size_t limb_count) noexcept {
    for (std::size_t i = 0; i < n; ++i) w[i] = 0;
    for (std::size_t j = 0; j < limb_count; ++j) {
        const std::size_t bit = ifma_limb_bits * j, word = bit / 64, shift = bit % 64;
        if (word < n) w[word] |= limbs[j] << shift;
        if (shift > 64 - ifma_limb_bits && word + 1 < n) w[word + 1] |= limbs[j] >> (64 - shift);
    }
}

// The K-vector engine: a modulus of L limbs (8(K-1) < L <= 8K), its -m^-1 mod 2^52.
template <std::size_t K>
struct ifma_engine {
    static constexpr std::size_t lanes = 8 * K;

    // out = a * b / R' mod m, below 2m for a, b below 2m; out carried (limbs below 2^52). out may
    // alias a or b. All arrays hold 8K limbs.
    __attribute__((target("avx512f,avx512ifma"))) static void amm(std::uint64_t* out, const std::uint64_t* a,
                                                                  const std::uint64_t* b, const std::uint64_t* m,
                                                                  std::uint64_t k0, std::size_t limb_count) noexcept {
        __m512i va[K], vm[K], acc[K];
        for (std::size_t k = 0; k < K; ++k) {
            va[k] = _mm512_loadu_si512(a + 8 * k);
            vm[k] = _mm512_loadu_si512(m + 8 * k);
            acc[k] = _mm512_setzero_si512();
        }
        const __m512i zero = _mm512_setzero_si512();
        const __m512i vk0 = _mm512_set1_epi64(static_cast<long long>(k0));
        for (std::size_t i = 0; i < limb_count; ++i) {
            const __m512i bi = _mm512_set1_epi64(static_cast<long long>(b[i]));
            for (std::size_t k = 0; k < K; ++k) acc[k] = _mm512_madd52lo_epu64(acc[k], va[k], bi);
            // q = limb 0 * (-m^-1) mod 2^52, in every lane: limb 0 + q m_0 is then 0 mod 2^52.
            const __m512i q = _mm512_madd52lo_epu64(zero, _mm512_maskz_permutexvar_epi64(0xff, zero, acc[0]), vk0);
            for (std::size_t k = 0; k < K; ++k) acc[k] = _mm512_madd52lo_epu64(acc[k], vm[k], q);
            // Drop limb 0 (its low 52 bits are zero): its carry joins limb 1, and all limbs move down one.
            const __m512i carry = _mm512_maskz_srli_epi64(1, acc[0], 52);
            for (std::size_t k = 0; k + 1 < K; ++k) acc[k] = _mm512_maskz_alignr_epi64(0xff, acc[k + 1], acc[k], 1);
            acc[K - 1] = _mm512_maskz_alignr_epi64(0xff, zero, acc[K - 1], 1);
            acc[0] = _mm512_add_epi64(acc[0], carry);
            // The high halves belong one limb up, which is now where the low halves were.
            for (std::size_t k = 0; k < K; ++k) {
                acc[k] = _mm512_madd52hi_epu64(acc[k], va[k], bi);
                acc[k] = _mm512_madd52hi_epu64(acc[k], vm[k], q);
            }
        }
        alignas(64) std::uint64_t t[lanes];
        for (std::size_t k = 0; k < K; ++k) _mm512_store_si512(t + 8 * k, acc[k]);
        // Carry the limbs: the value is below 2m < R', so nothing leaves limb L - 1.
        std::uint64_t c = 0;
        for (std::size_t j = 0; j < lanes; ++j) {
            c += t[j];
            out[j] = c & ifma_limb_mask;
            c >>= ifma_limb_bits;
        }
        secure_wipe(t, lanes);
    }

    // out = sum over e of table[e] & (e == index ? all ones : 0), reading every entry in full.
    __attribute__((target("avx512f"))) static void select(std::uint64_t* out, const std::uint64_t (*table)[lanes],
                                                          std::size_t entries, std::uint64_t index) noexcept {
        __m512i pick[K];
        for (std::size_t k = 0; k < K; ++k) pick[k] = _mm512_setzero_si512();
        for (std::size_t e = 0; e < entries; ++e) {
            const std::uint64_t d = index ^ e;
            // all ones when d == 0: (d | -d) has its top bit set exactly when d != 0
            const std::uint64_t mask = ((d | (0 - d)) >> 63) - 1;
            const __m512i vmask = _mm512_set1_epi64(static_cast<long long>(mask));
            for (std::size_t k = 0; k < K; ++k) {
                __m512i v = _mm512_loadu_si512(table[e] + 8 * k);
                __asm__("" : "+v"(v));
                pick[k] = _mm512_or_si512(pick[k], _mm512_and_si512(v, vmask));
            }
        }
        for (std::size_t k = 0; k < K; ++k) _mm512_storeu_si512(out + 8 * k, pick[k]);
    }

    // out (n words) = base^exp R mod m, for base = x R mod m (n words, below m); see the top.
    // m, to_ifma and one (R mod m) are n words; k0 = -m^-1 mod 2^52.
    __attribute__((target("avx512f,avx512ifma"))) static void pow(std::uint64_t* out, const std::uint64_t* base,
                                                                  const std::uint64_t* exp, std::size_t exp_words,
                                                                  std::size_t exp_bits, const std::uint64_t* m_words,
                                                                  const std::uint64_t* to_ifma_words,
                                                                  const std::uint64_t* one_words, std::uint64_t k0,
                                                                  std::size_t n) noexcept {
        constexpr std::size_t window = 5, entries = std::size_t{1} << window;
        const std::size_t limb_count = ifma_limbs_for(n);
        alignas(64) std::uint64_t table[entries][lanes];
        alignas(64) std::uint64_t m[lanes], to_ifma[lanes], acc[lanes], pick[lanes], t[lanes];
        ifma_from_words(m, lanes, m_words, n);
        ifma_from_words(to_ifma, lanes, to_ifma_words, n);
        // table[e] = x^e R': x^e R (64-bit form) times to_ifma / R'.
        ifma_from_words(t, lanes, one_words, n);
        amm(table[0], t, to_ifma, m, k0, limb_count);
        ifma_from_words(t, lanes, base, n);
        amm(table[1], t, to_ifma, m, k0, limb_count);
        for (std::size_t e = 2; e < entries; ++e) amm(table[e], table[e - 1], table[1], m, k0, limb_count);

        for (std::size_t j = 0; j < lanes; ++j) acc[j] = table[0][j];
        const std::size_t windows = (exp_bits + window - 1) / window;
        for (std::size_t w = windows; w-- > 0;) {
            for (std::size_t s = 0; s < window; ++s) amm(acc, acc, acc, m, k0, limb_count);
            std::uint64_t index = 0;
            for (std::size_t b = window; b-- > 0;) {
                const std::size_t bit = w * window + b;
                const std::uint64_t v = bit < exp_bits && bit / 64 < exp_words ? (exp[bit / 64] >> (bit % 64)) & 1u : 0;
                index = index << 1 | v;
            }
            select(pick, table, entries, index);
            amm(acc, acc, pick, m, k0, limb_count);
        }
        // x^e R' times R / R' = x^e R, below 2m: subtract m once, by mask.
        ifma_from_words(t, lanes, one_words, n);
        amm(acc, acc, t, m, k0, limb_count);
        std::uint64_t words[ifma_max_vectors * 8 * 52 / 64 + 1], diff[ifma_max_vectors * 8 * 52 / 64 + 1];
        ifma_to_words(words, n + 1, acc, limb_count);
        std::uint64_t borrow = 0;
        for (std::size_t i = 0; i <= n; ++i) {
            const u128 d = u128{words[i]} - (i < n ? m_words[i] : 0) - borrow;
            diff[i] = static_cast<std::uint64_t>(d);
            borrow = static_cast<std::uint64_t>(d >> 64) & 1u;
        }
        // A borrow: the value was below m already.
        const std::uint64_t keep = 0 - borrow;
        for (std::size_t i = 0; i < n; ++i) out[i] = (words[i] & keep) | (diff[i] & ~keep);
        for (auto& entry : table) secure_wipe(entry, lanes);
        secure_wipe(acc, lanes);
        secure_wipe(pick, lanes);
        secure_wipe(t, lanes);
        secure_wipe(words, n + 1);
        secure_wipe(diff, n + 1);
    }
};

// The power above for a modulus of n words, n at most ifma_max_words; K from n.
inline constexpr std::size_t ifma_max_words = (52 * 8 * ifma_max_vectors - 2) / 64;

template <std::size_t... K>
inline void ifma_pow_by_size(std::index_sequence<K...>, std::uint64_t* out, const std::uint64_t* base,
                             const std::uint64_t* exp, std::size_t exp_words, std::size_t exp_bits,
                             const std::uint64_t* m, const std::uint64_t* to_ifma, const std::uint64_t* one,
                             std::uint64_t k0, std::size_t n) noexcept {
    const std::size_t vectors = (ifma_limbs_for(n) + 7) / 8;
    (void)((vectors == K + 1 &&
            (ifma_engine<K + 1>::pow(out, base, exp, exp_words, exp_bits, m, to_ifma, one, k0, n), true)) ||
           ...);
}

inline void ifma_pow(std::uint64_t* out, const std::uint64_t* base, const std::uint64_t* exp, std::size_t exp_words,
                     std::size_t exp_bits, const std::uint64_t* m, const std::uint64_t* to_ifma,
                     const std::uint64_t* one, std::uint64_t k0, std::size_t n) noexcept {
    ifma_pow_by_size(std::make_index_sequence<ifma_max_vectors>{}, out, base, exp, exp_words, exp_bits, m, to_ifma,
                     one, k0, n);
}

}  // namespace carapace::detail
#endif
