// The powers of modexp.hpp (RFC 8017 §5.1.2, the CRT halves of RSASP1; §5.2.2, RSAVP1's public
// exponent) for x86-64 CPUs with AVX-512 IFMA: numbers in 52-bit limbs, eight to a 512-bit
// vector, and each Montgomery step one VPMADD52LUQ/VPMADD52HUQ pair per vector. The 52-bit
// multiplier does eight limb products per instruction where MULX does one, which is why it pays
// for the 1024- to 2048-bit primes of RSA-2048 to RSA-4096 and for their public moduli.
//
// The method: Montgomery products on 52-bit limbs with IFMA as Gueron and Krasnov describe them
// ("Accelerating big integer arithmetic using Intel IFMA extensions", ARITH 2016), kept "almost"
// reduced (Gueron, "Efficient software implementations of modular exponentiation", J. Cryptogr.
// Eng. 2012): with R' = 2^(52 L) and 4m < R', a product of two numbers below 2m is below 2m again,
// so no step needs the final subtraction, and the limbs may exceed 52 bits within a product (each
// of the L rows adds at most four 52-bit halves and a carry to a limb, far from 64 bits); they are
// carried once at its end. RSA's two CRT halves run in lockstep (see ifma_engine).
//
// Entry and exit in the caller's form: the base arrives as x R mod m with R = 2^(64 n) (n the
// modulus's 64-bit words), and one product by to_ifma = 2^(104 L - 64 n) mod m takes it to x R';
// the result x^e R' leaves by one product by R mod m (which gives x^e R; by 1 for the public
// powers, which give x^e) and one masked subtraction.
//
// Constant time (the secret powers): the instructions, addresses and loop bounds depend on L
// (public) only; the window's table entry is read by scanning all 32 entries with masks, each
// entry loaded in full (an empty asm on the loaded vector keeps the compiler from turning the
// masked select into a masked load that could skip memory). The maskz_ forms of the lane moves,
// with every lane kept: GCC 12 warns about the undefined vector the plain forms start from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "carapace/core/cpu.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
#include <immintrin.h>

namespace carapace::detail {

inline constexpr std::size_t ifma_limb_bits = 52;
inline constexpr std::uint64_t ifma_limb_mask = (std::uint64_t{1} << ifma_limb_bits) - 1;
// Up to ten vectors (80 limbs, 4160 bits): moduli of up to 64 words, RSA-4096's modulus (public
// powers) and every CRT prime up to it. Longer moduli take the MULX rows.
inline constexpr std::size_t ifma_max_vectors = 10;

// The longest modulus, in 64-bit words.
inline constexpr std::size_t ifma_max_words = (52 * 8 * ifma_max_vectors - 2) / 64;

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
inline void ifma_to_words(std::uint64_t* w, std::size_t n, const std::uint64_t* limbs,
                          std::size_t limb_count) noexcept {
    for (std::size_t i = 0; i < n; ++i) w[i] = 0;
    for (std::size_t j = 0; j < limb_count; ++j) {
        const std::size_t bit = ifma_limb_bits * j, word = bit / 64, shift = bit % 64;
        if (word < n) w[word] |= limbs[j] << shift;
        if (shift > 64 - ifma_limb_bits && word + 1 < n) w[word + 1] |= limbs[j] >> (64 - shift);
    }
}

// One power's modulus and operands, as mont_modulus holds them (n 64-bit words each): the
// modulus, to_ifma = 2^(104 L - 64 n) mod m, one = R mod m, k0 = -m^-1 mod 2^52; the base (x R
// mod m, below m), the exponent, and where the result goes.
struct ifma_power {
    std::uint64_t* out;
    const std::uint64_t* base;
    const std::uint64_t* exp;
    const std::uint64_t* m;
    const std::uint64_t* to_ifma;
    const std::uint64_t* one;
    std::uint64_t k0;
};

// The engine for moduli of L limbs, 8(K-1) < L <= 8K, doing P powers (of moduli of one length)
// in lockstep: each step's chain of dependent instructions (limb 0 -> q -> q m -> the next limb 0)
// is long and narrow, and a second independent chain fills the execution units while the first
// waits. RSA's two CRT halves are such a pair (P = 2).
template <std::size_t K, std::size_t P>
struct ifma_engine {
    static constexpr std::size_t lanes = 8 * K;
    using limbs = std::uint64_t[lanes];

    // out[p] = a[p] * b[p] / R' mod m[p], below 2m for a, b below 2m; out carried (limbs below
    // 2^52). out may alias a or b. All arrays hold 8K limbs.
    __attribute__((target("avx512f,avx512ifma"))) static void amm(std::uint64_t* const (&out)[P],
                                                                  const std::uint64_t* const (&a)[P],
                                                                  const std::uint64_t* const (&b)[P],
                                                                  const std::uint64_t* const (&m)[P],
                                                                  const std::uint64_t (&k0)[P],
                                                                  std::size_t limb_count) noexcept {
        __m512i va[P][K], vm[P][K], acc[P][K], vk0[P];
CARAPACE_UNROLL(16)
        for (std::size_t p = 0; p < P; ++p) {
CARAPACE_UNROLL(16)
            for (std::size_t k = 0; k < K; ++k) {
                va[p][k] = _mm512_loadu_si512(a[p] + 8 * k);
                vm[p][k] = _mm512_loadu_si512(m[p] + 8 * k);
                acc[p][k] = _mm512_setzero_si512();
            }
            vk0[p] = _mm512_set1_epi64(static_cast<long long>(k0[p]));
        }
        const __m512i zero = _mm512_setzero_si512();
        // Row i adds a b_i and q_i m. Only the q_i m part waits for q_i, which waits for the limb 0
        // before it: the a products, high halves of row i and low halves of row i + 1 (which land
        // on the same limbs once the row has moved down), are summed aside beforehand, so the
        // chain from one q to the next is q m's low half, the move, one addition and q itself.
CARAPACE_UNROLL(16)
        for (std::size_t p = 0; p < P; ++p) {
            const __m512i b0 = _mm512_set1_epi64(static_cast<long long>(b[p][0]));
CARAPACE_UNROLL(16)
            for (std::size_t k = 0; k < K; ++k) acc[p][k] = _mm512_madd52lo_epu64(acc[p][k], va[p][k], b0);
        }
        for (std::size_t i = 0; i < limb_count; ++i) {
CARAPACE_UNROLL(16)
            for (std::size_t p = 0; p < P; ++p) {
                const __m512i bi = _mm512_set1_epi64(static_cast<long long>(b[p][i]));
                const __m512i next = _mm512_set1_epi64(static_cast<long long>(i + 1 < limb_count ? b[p][i + 1] : 0));
                // q = limb 0 * (-m^-1) mod 2^52, in every lane: limb 0 + q m_0 is then 0 mod 2^52.
                const __m512i q =
                    _mm512_madd52lo_epu64(zero, _mm512_maskz_permutexvar_epi64(0xff, zero, acc[p][0]), vk0[p]);
                __m512i aside[K];
CARAPACE_UNROLL(16)
                for (std::size_t k = 0; k < K; ++k) {
                    aside[k] = _mm512_madd52lo_epu64(_mm512_madd52hi_epu64(zero, va[p][k], bi), va[p][k], next);
                    aside[k] = _mm512_madd52hi_epu64(aside[k], vm[p][k], q);
                    acc[p][k] = _mm512_madd52lo_epu64(acc[p][k], vm[p][k], q);
                }
                // Drop limb 0 (its low 52 bits are zero): its carry joins limb 1, and all limbs move
                // down one; then the high halves (which belong one limb up) and the next row's low ones.
                const __m512i carry = _mm512_maskz_srli_epi64(1, acc[p][0], 52);
CARAPACE_UNROLL(16)
                for (std::size_t k = 0; k + 1 < K; ++k)
                    acc[p][k] = _mm512_maskz_alignr_epi64(0xff, acc[p][k + 1], acc[p][k], 1);
                acc[p][K - 1] = _mm512_maskz_alignr_epi64(0xff, zero, acc[p][K - 1], 1);
                acc[p][0] = _mm512_add_epi64(acc[p][0], _mm512_add_epi64(aside[0], carry));
CARAPACE_UNROLL(16)
                for (std::size_t k = 1; k < K; ++k) acc[p][k] = _mm512_add_epi64(acc[p][k], aside[k]);
            }
        }
        for (std::size_t p = 0; p < P; ++p) {
            alignas(64) std::uint64_t t[lanes];
CARAPACE_UNROLL(16)
            for (std::size_t k = 0; k < K; ++k) _mm512_store_si512(t + 8 * k, acc[p][k]);
            // Carry the limbs: the value is below 2m < R', so nothing leaves limb L - 1.
            std::uint64_t c = 0;
            for (std::size_t j = 0; j < lanes; ++j) {
                c += t[j];
                out[p][j] = c & ifma_limb_mask;
                c >>= ifma_limb_bits;
            }
            secure_wipe(t, lanes);
        }
    }

    // Eight limbs, loaded whatever is done with them next: hidden from the optimizer, so that an
    // AND with a mask cannot become a masked load. (MemorySanitizer checks every input of an asm
    // statement: its build hides the vector by a volatile round trip instead.)
    __attribute__((target("avx512f"))) static __m512i load_in_full(const std::uint64_t* p) noexcept {
        __m512i v = _mm512_loadu_si512(p);
#if defined(CARAPACE_CT_CHECK_MSAN)
        volatile __m512i hidden = v;
        v = hidden;
#else
        __asm__("" : "+v"(v));
#endif
        return v;
    }

    // out = table[index], reading every entry in full: the OR of each entry masked by
    // (e == index ? all ones : 0).
    __attribute__((target("avx512f"))) static void select(std::uint64_t* out, const limbs* table, std::size_t entries,
                                                          std::uint64_t index) noexcept {
        __m512i pick[K];
CARAPACE_UNROLL(16)
        for (std::size_t k = 0; k < K; ++k) pick[k] = _mm512_setzero_si512();
        for (std::size_t e = 0; e < entries; ++e) {
            const std::uint64_t d = index ^ e;
            // all ones when d == 0: (d | -d) has its top bit set exactly when d != 0
            const std::uint64_t mask = ct::value_barrier(((d | (0 - d)) >> 63) - 1);
            const __m512i vmask = _mm512_set1_epi64(static_cast<long long>(mask));
CARAPACE_UNROLL(16)
            for (std::size_t k = 0; k < K; ++k)
                pick[k] = _mm512_or_si512(pick[k], _mm512_and_si512(load_in_full(table[e] + 8 * k), vmask));
        }
CARAPACE_UNROLL(16)
        for (std::size_t k = 0; k < K; ++k) _mm512_storeu_si512(out + 8 * k, pick[k]);
    }

    // out (n words) = the carried value of acc (below 2m) mod m: m subtracted once, by mask.
    static void finish(std::uint64_t* out, const std::uint64_t* acc, const std::uint64_t* m_words, std::size_t n,
                       std::size_t limb_count) noexcept {
        std::uint64_t words[ifma_max_words + 1], diff[ifma_max_words + 1];
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
        secure_wipe(words, n + 1);
        secure_wipe(diff, n + 1);
    }

    // A public exponent e >= 2 (modexp.hpp's pow_public), square and multiply: out = x^e in normal
    // form for base = x R mod m (n words). The exit multiplies by 1 instead of R mod m.
    __attribute__((target("avx512f,avx512ifma"))) static void pow_public(std::uint64_t* out, const std::uint64_t* base,
                                                                         std::uint32_t e, const std::uint64_t* m_words,
                                                                         const std::uint64_t* to_ifma_words,
                                                                         std::uint64_t k0, std::size_t n) noexcept {
        const std::size_t limb_count = ifma_limbs_for(n);
        alignas(64) std::uint64_t m[lanes], x[lanes], acc[lanes], t[lanes];
        std::uint64_t* const acc_p[1] = {acc};
        const std::uint64_t* const acc_in[1] = {acc};
        const std::uint64_t* const x_in[1] = {x};
        const std::uint64_t* const m_p[1] = {m};
        const std::uint64_t k0s[1] = {k0};
        ifma_from_words(m, lanes, m_words, n);
        ifma_from_words(t, lanes, to_ifma_words, n);
        ifma_from_words(acc, lanes, base, n);
        const std::uint64_t* const t_in[1] = {t};
        std::uint64_t* const x_p[1] = {x};
        ifma_engine<K, 1>::amm(x_p, acc_in, t_in, m_p, k0s, limb_count);  // x R'
        for (std::size_t j = 0; j < lanes; ++j) acc[j] = x[j];
        int top = 31;
        while (((e >> top) & 1u) == 0) --top;
        for (int i = top - 1; i >= 0; --i) {
            ifma_engine<K, 1>::amm(acc_p, acc_in, acc_in, m_p, k0s, limb_count);
            if ((e >> i) & 1u) ifma_engine<K, 1>::amm(acc_p, acc_in, x_in, m_p, k0s, limb_count);
        }
        for (std::size_t j = 0; j < lanes; ++j) t[j] = j == 0 ? 1 : 0;
        ifma_engine<K, 1>::amm(acc_p, acc_in, t_in, m_p, k0s, limb_count);
        finish(out, acc, m_words, n, limb_count);
    }

    // The P powers: out (n words) = base^exp R mod m, for base = x R mod m; see the top. The
    // exponents have exp_words words of which the low exp_bits bits are used.
    __attribute__((target("avx512f,avx512ifma"))) static void pow(const ifma_power (&job)[P], std::size_t exp_words,
                                                                  std::size_t exp_bits, std::size_t n) noexcept {
        constexpr std::size_t window = 5, entries = std::size_t{1} << window;
        const std::size_t limb_count = ifma_limbs_for(n);
        alignas(64) limbs table[P][entries], m[P], to_ifma[P], acc[P], pick[P], t[P];
        std::uint64_t* acc_p[P];
        std::uint64_t* pick_p[P];
        std::uint64_t* t_p[P];
        const std::uint64_t* m_p[P];
        std::uint64_t k0[P];
        auto step = [&](std::uint64_t* const (&out)[P], const std::uint64_t* const (&a)[P],
                        const std::uint64_t* const (&b)[P]) { amm(out, a, b, m_p, k0, limb_count); };
        for (std::size_t p = 0; p < P; ++p) {
            ifma_from_words(m[p], lanes, job[p].m, n);
            ifma_from_words(to_ifma[p], lanes, job[p].to_ifma, n);
            acc_p[p] = acc[p];
            pick_p[p] = pick[p];
            t_p[p] = t[p];
            m_p[p] = m[p];
            k0[p] = job[p].k0;
        }
        // table[e] = x^e R': x^e R (64-bit form) times to_ifma / R'.
        std::uint64_t* entry_p[P];
        const std::uint64_t* prev_p[P];
        const std::uint64_t* x_p[P];
        const std::uint64_t* to_ifma_p[P];
        for (std::size_t p = 0; p < P; ++p) {
            ifma_from_words(t[p], lanes, job[p].one, n);
            entry_p[p] = table[p][0];
            to_ifma_p[p] = to_ifma[p];
        }
        step(entry_p, t_p, to_ifma_p);
        for (std::size_t p = 0; p < P; ++p) {
            ifma_from_words(t[p], lanes, job[p].base, n);
            entry_p[p] = table[p][1];
            x_p[p] = table[p][1];
        }
        step(entry_p, t_p, to_ifma_p);
        for (std::size_t e = 2; e < entries; ++e) {
            for (std::size_t p = 0; p < P; ++p) {
                entry_p[p] = table[p][e];
                prev_p[p] = table[p][e - 1];
            }
            step(entry_p, prev_p, x_p);
        }

        for (std::size_t p = 0; p < P; ++p)
            for (std::size_t j = 0; j < lanes; ++j) acc[p][j] = table[p][0][j];
        const std::size_t windows = (exp_bits + window - 1) / window;
        for (std::size_t w = windows; w-- > 0;) {
            for (std::size_t s = 0; s < window; ++s) step(acc_p, acc_p, acc_p);
            for (std::size_t p = 0; p < P; ++p) {
                std::uint64_t index = 0;
                for (std::size_t b = window; b-- > 0;) {
                    const std::size_t bit = w * window + b;
                    const std::uint64_t v =
                        bit < exp_bits && bit / 64 < exp_words ? (job[p].exp[bit / 64] >> (bit % 64)) & 1u : 0;
                    index = index << 1 | v;
                }
                select(pick[p], table[p], entries, index);
            }
            step(acc_p, acc_p, pick_p);
        }
        // x^e R' times R / R' = x^e R, below 2m: subtract m once, by mask.
        for (std::size_t p = 0; p < P; ++p) ifma_from_words(t[p], lanes, job[p].one, n);
        step(acc_p, acc_p, t_p);
        for (std::size_t p = 0; p < P; ++p) {
            finish(job[p].out, acc[p], job[p].m, n, limb_count);
            for (auto& entry : table[p]) secure_wipe(entry, lanes);
            secure_wipe(acc[p], lanes);
            secure_wipe(pick[p], lanes);
            secure_wipe(t[p], lanes);
        }
    }
};

// The P powers above for moduli of n words, n at most ifma_max_words; K from n.
template <std::size_t P, std::size_t... K>
inline void ifma_pow_by_size(std::index_sequence<K...>, const ifma_power (&job)[P], std::size_t exp_words,
                             std::size_t exp_bits, std::size_t n) noexcept {
    const std::size_t vectors = (ifma_limbs_for(n) + 7) / 8;
    (void)((vectors == K + 1 && (ifma_engine<K + 1, P>::pow(job, exp_words, exp_bits, n), true)) || ...);
}

// One power, or two in lockstep (the CRT halves); pairs only up to four vectors (1664 bits), where
// the two sets of operands and accumulators still fit the 32 vector registers.
inline constexpr std::size_t ifma_max_pair_words = (52 * 8 * 4 - 2) / 64;

template <std::size_t... K>
inline void ifma_pow_public_by_size(std::index_sequence<K...>, std::uint64_t* out, const std::uint64_t* base,
                                    std::uint32_t e, const std::uint64_t* m, const std::uint64_t* to_ifma,
                                    std::uint64_t k0, std::size_t n) noexcept {
    const std::size_t vectors = (ifma_limbs_for(n) + 7) / 8;
    (void)((vectors == K + 1 && (ifma_engine<K + 1, 1>::pow_public(out, base, e, m, to_ifma, k0, n), true)) || ...);
}

// x^e for a public e >= 2, base = x R mod m; n at most ifma_max_words.
inline void ifma_pow_public(std::uint64_t* out, const std::uint64_t* base, std::uint32_t e, const std::uint64_t* m,
                            const std::uint64_t* to_ifma, std::uint64_t k0, std::size_t n) noexcept {
    ifma_pow_public_by_size(std::make_index_sequence<ifma_max_vectors>{}, out, base, e, m, to_ifma, k0, n);
}

inline void ifma_pow(const ifma_power& job, std::size_t exp_words, std::size_t exp_bits, std::size_t n) noexcept {
    const ifma_power jobs[1] = {job};
    ifma_pow_by_size(std::make_index_sequence<ifma_max_vectors>{}, jobs, exp_words, exp_bits, n);
}
inline void ifma_pow_pair(const ifma_power& first, const ifma_power& second, std::size_t exp_words,
                          std::size_t exp_bits, std::size_t n) noexcept {
    const ifma_power jobs[2] = {first, second};
    ifma_pow_by_size(std::make_index_sequence<4>{}, jobs, exp_words, exp_bits, n);
}

}  // namespace carapace::detail
#endif
