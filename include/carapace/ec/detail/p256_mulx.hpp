// The P-256 field in Montgomery form for x86-64 CPUs with BMI2 and ADX: multiplication as inline
// assembly (the product of mulx_product.hpp), then a Montgomery reduction that uses the shape of
// p = 2^256 - 2^224 + 2^192 + 2^96 - 1: each round's quotient is the low word itself and needs
// no multiplication (CARAPACE_P256_REDUCE below). Addition and subtraction are assembly too: with
// the generic code, carries went through masks and a value barrier, several times slower.
//
// The comb of fixed_base.hpp reads its rows of 64 entries with AVX2 (every entry loaded, the one
// wanted kept by a compare mask): word-by-word selection cost as much as the additions.
//
// Constant-time: no branch, no secret-dependent address; the final subtractions choose with
// CMOV or add p masked by a borrow. In constant evaluation and off x86-64 these fall back to mont_field's generic code; the
// dispatcher (nist_dispatch.hpp) picks this field only when the CPU has BMI2 and ADX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "carapace/core/cpu.hpp"
#include "carapace/ec/detail/mont_field.hpp"
#include "carapace/ec/detail/mulx_product.hpp"
#include "carapace/ec/detail/nist_params.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128

// Montgomery reduction of the product t7..t0, in two steps. First the low half t3..t0 alone:
// each round's quotient is its lowest word q (p = -1 mod 2^64), and q*p adds q*2^96 (words 1
// and 2: q << 32, q >> 32) and q*(2^64 - 2^32 + 1) at word 3, which is (q - (q >> 32)):(q - (q << 32))
// with the borrow: the same two shifts and a subtraction, shorter than a MULX on the path from
// one round's quotient to the next. Starting below 2^256, (v + q*p) / 2^64 < 2^192 + p < 2^256:
// every round fits in four words and no carry reaches a fifth, so a round is four additions, no
// `adc $0` chain up to the top as when the rounds run over all eight words. Then the high half
// is added once: t7..t4 + (t3..t0 + Q*p) / 2^256 < 2p, and one conditional subtraction (CMOV)
// brings it below p. On entry rdx is free and [a] too (the pointer is no longer read): it holds
// the shift count, then a constant of p. The result is lo:hi:t4:t5 (little-endian).
#define CARAPACE_P256_ROUND(q, w1, w2, w3, h) \
    "shlxq %[a], %[" q "], %[lo]\n\t" \
    "shrxq %[a], %[" q "], %[hi]\n\t" \
    "movq %[" q "], %[" h "]\n\t" \
    "subq %[lo], %[" q "]\n\t" \
    "sbbq %[hi], %[" h "]\n\t" \
    "addq %[lo], %[" w1 "]\n\t" \
    "adcq %[hi], %[" w2 "]\n\t" \
    "adcq %[" q "], %[" w3 "]\n\t" \
    "adcq $0, %[" h "]\n\t"
#define CARAPACE_P256_REDUCE \
    "movl $32, %k[a]\n\t" \
    CARAPACE_P256_ROUND("t0", "t1", "t2", "t3", "top") \
    CARAPACE_P256_ROUND("t1", "t2", "t3", "top", "t0") \
    CARAPACE_P256_ROUND("t2", "t3", "top", "t0", "t1") \
    CARAPACE_P256_ROUND("t3", "top", "t0", "t1", "t2") \
    /* (t0 + Q p) / 2^256 = t2:t1:t0:top; add the high half, carry into t3 */ \
    "xorl %k[t3], %k[t3]\n\t" \
    "addq %[t4], %[top]\n\t" \
    "adcq %[t5], %[t0]\n\t" \
    "adcq %[t6], %[t1]\n\t" \
    "adcq %[t7], %[t2]\n\t" \
    "adcq $0, %[t3]\n\t" \
    "movq %[top], %[lo]\n\t" \
    "movq %[t0], %[hi]\n\t" \
    "movq %[t1], %[t4]\n\t" \
    "movq %[t2], %[t5]\n\t" \
    "movl $0xffffffff, %k[a]\n\t" \
    "movabsq $0xffffffff00000001, %%rdx\n\t" \
    "subq $-1, %[lo]\n\t" \
    "sbbq %[a], %[hi]\n\t" \
    "sbbq $0, %[t4]\n\t" \
    "sbbq %%rdx, %[t5]\n\t" \
    "sbbq $0, %[t3]\n\t" \
    "cmovcq %[top], %[lo]\n\t" \
    "cmovcq %[t0], %[hi]\n\t" \
    "cmovcq %[t1], %[t4]\n\t" \
    "cmovcq %[t2], %[t5]\n\t"

// Inlined into each point formula: called out of line, each operation passed its operands and
// result through memory and add and subtract cost as much as a third of a multiplication.
#define CARAPACE_P256_INLINE __attribute__((always_inline)) inline

struct p256_field_mulx : mont_field<std::uint64_t, p256_params::field, p256_field_mulx> {
    using base = mont_field<std::uint64_t, p256_params::field, p256_field_mulx>;
    using element = base::element;
    static constexpr const char* name = "mulx-adx";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.bmi2 && f.adx && f.avx2;
    }

    // Copies entry magnitude - 1 of a table of N entries of Bytes bytes each (points: the comb's
    // affine rows, the Jacobian tables of ECDH) to out, or zeros for magnitude 0, reading every
    // entry with unmasked loads (a masked-off load need not touch its cache line). AVX-512 where
    // the CPU has it and an entry is whole 64-byte registers, AVX2 otherwise.
    template <std::size_t Bytes, std::size_t N>
    static void scan_entries(void* out, const void* table, std::uint32_t magnitude) noexcept {
        if constexpr (Bytes % 64 == 0 && N % 2 == 0)
            if (cpu::features().avx512f) return scan_avx512<Bytes, N>(out, table, magnitude);
        scan_avx2<Bytes, N>(out, table, magnitude);
    }

    template <std::size_t Bytes, std::size_t N>
    __attribute__((target("avx2"))) static void scan_avx2(void* out, const void* table, std::uint32_t magnitude) noexcept {
        static_assert(Bytes % 32 == 0);
        constexpr std::size_t vectors = Bytes / 32;
        const auto* in = static_cast<const __m256i_u*>(table);
        const __m256i wanted = _mm256_set1_epi64x(magnitude);
        const __m256i one = _mm256_set1_epi64x(1);
        __m256i index = one, acc[vectors];
        for (auto& v : acc) v = _mm256_setzero_si256();
        for (std::size_t j = 0; j < N; ++j) {
            const __m256i m = _mm256_cmpeq_epi64(index, wanted);
            for (std::size_t v = 0; v < vectors; ++v)
                acc[v] = _mm256_or_si256(acc[v], _mm256_and_si256(m, _mm256_loadu_si256(in + j * vectors + v)));
            index = _mm256_add_epi64(index, one);
        }
        auto* o = static_cast<__m256i_u*>(out);
        for (std::size_t v = 0; v < vectors; ++v) _mm256_storeu_si256(o + v, acc[v]);
    }

    template <std::size_t Bytes, std::size_t N>
    __attribute__((target("avx512f"))) static void scan_avx512(void* out, const void* table,
                                                               std::uint32_t magnitude) noexcept {
        static_assert(Bytes % 64 == 0 && N % 2 == 0);
        constexpr std::size_t vectors = Bytes / 64;
        const auto* in = static_cast<const std::uint8_t*>(table);
        const __m512i wanted = _mm512_set1_epi64(magnitude);
        const __m512i one = _mm512_set1_epi64(1);
        __m512i index = one, even[vectors], odd[vectors];
        for (std::size_t v = 0; v < vectors; ++v) even[v] = odd[v] = _mm512_setzero_si512();
        for (std::size_t j = 0; j < N; j += 2) {
            const __mmask8 me = _mm512_cmpeq_epi64_mask(index, wanted);
            index = _mm512_add_epi64(index, one);
            const __mmask8 mo = _mm512_cmpeq_epi64_mask(index, wanted);
            index = _mm512_add_epi64(index, one);
            for (std::size_t v = 0; v < vectors; ++v) {
                __m512i a = _mm512_loadu_si512(in + (j * vectors + v) * 64);
                __m512i b = _mm512_loadu_si512(in + ((j + 1) * vectors + v) * 64);
                // Keeps the compiler from folding the selection into a masked load.
                __asm__("" : "+v"(a), "+v"(b));
                even[v] = _mm512_mask_mov_epi64(even[v], me, a);
                odd[v] = _mm512_mask_mov_epi64(odd[v], mo, b);
            }
        }
        auto* o = static_cast<std::uint8_t*>(out);
        for (std::size_t v = 0; v < vectors; ++v) _mm512_storeu_si512(o + 64 * v, _mm512_or_si512(even[v], odd[v]));
    }

    CARAPACE_P256_INLINE static constexpr void mul(element& out, const element& a, const element& b) noexcept {
        if (std::is_constant_evaluated()) return base::mul(out, a, b);
        mul_asm(out, a, b);
    }
    CARAPACE_P256_INLINE static constexpr void sqr(element& out, const element& a) noexcept {
        if (std::is_constant_evaluated()) return base::mul(out, a, a);
        sqr_asm(out, a);
    }
    CARAPACE_P256_INLINE static constexpr void add(element& out, const element& a, const element& b) noexcept {
        if (std::is_constant_evaluated()) return base::add(out, a, b);
        add_asm(out, a, b);
    }
    CARAPACE_P256_INLINE static constexpr void sub(element& out, const element& a, const element& b) noexcept {
        if (std::is_constant_evaluated()) return base::sub(out, a, b);
        sub_asm(out, a, b);
    }

    CARAPACE_P256_INLINE static constexpr void half(element& out, const element& a) noexcept {
        if (std::is_constant_evaluated()) return base::half(out, a);
        half_asm(out, a);
    }

    CARAPACE_P256_INLINE static void mul_asm(element& out, const element& a, const element& b) noexcept {
        std::uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi, top;
        const std::uint64_t* pa = a.data();
        const std::uint64_t* pb = b.data();
        __asm__(
            CARAPACE_MULX_PRODUCT_4X4  // t7..t0 = a * b
            CARAPACE_P256_REDUCE
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
              [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi), [top] "=&r"(top), [a] "+&r"(pa),
              [b] "+&r"(pb)
            :
            : "rdx", "cc", "memory");
        out[0] = lo;
        out[1] = hi;
        out[2] = t4;
        out[3] = t5;
    }

    // a^2: the six products a_i a_j (i < j) doubled, plus the four squares; then as mul.
    CARAPACE_P256_INLINE static void sqr_asm(element& out, const element& a) noexcept {
        std::uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi, top;
        const std::uint64_t* pa = a.data();
        __asm__(
            "xorl %k[t5], %k[t5]\n\t"
            "xorl %k[t7], %k[t7]\n\t"
            "movq 0(%[a]), %%rdx\n\t"
            "mulxq 8(%[a]), %[t1], %[t2]\n\t"
            "mulxq 16(%[a]), %[lo], %[t3]\n\t"
            "addq %[lo], %[t2]\n\t"
            "mulxq 24(%[a]), %[lo], %[t4]\n\t"
            "adcq %[lo], %[t3]\n\t"
            "adcq $0, %[t4]\n\t"
            "movq 8(%[a]), %%rdx\n\t"
            "mulxq 16(%[a]), %[lo], %[hi]\n\t"
            "addq %[lo], %[t3]\n\t"
            "adcq %[hi], %[t4]\n\t"
            "adcq $0, %[t5]\n\t"
            "mulxq 24(%[a]), %[lo], %[hi]\n\t"
            "addq %[lo], %[t4]\n\t"
            "adcq %[hi], %[t5]\n\t"
            "movq 16(%[a]), %%rdx\n\t"
            "mulxq 24(%[a]), %[lo], %[t6]\n\t"
            "adcq $0, %[t6]\n\t"
            "addq %[lo], %[t5]\n\t"
            "adcq $0, %[t6]\n\t"
            "adcq $0, %[t7]\n\t"
            // double
            "addq %[t1], %[t1]\n\t"
            "adcq %[t2], %[t2]\n\t"
            "adcq %[t3], %[t3]\n\t"
            "adcq %[t4], %[t4]\n\t"
            "adcq %[t5], %[t5]\n\t"
            "adcq %[t6], %[t6]\n\t"
            "adcq %[t7], %[t7]\n\t"
            // the squares
            "movq 0(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[t0], %[hi]\n\t"
            "addq %[hi], %[t1]\n\t"
            "movq 8(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcq %[lo], %[t2]\n\t"
            "adcq %[hi], %[t3]\n\t"
            "movq 16(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcq %[lo], %[t4]\n\t"
            "adcq %[hi], %[t5]\n\t"
            "movq 24(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcq %[lo], %[t6]\n\t"
            "adcq %[hi], %[t7]\n\t"
            CARAPACE_P256_REDUCE
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
              [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi), [top] "=&r"(top), [a] "+&r"(pa)
            :
            : "rdx", "cc", "memory");
        out[0] = lo;
        out[1] = hi;
        out[2] = t4;
        out[3] = t5;
    }

    // a + b as a - (p - b): p - b is in (0, p] and never borrows, a - (p - b) is in (-p, p) and
    // gets p added back (masked by the borrow) when negative. Against a + b, a trial subtraction
    // of p and CMOVs: ten instructions that read the carry flag instead of fourteen, and p - b
    // does not wait for a, so a chain of additions through a is shorter (4.4 -> 3.8 TSC ticks).
    CARAPACE_P256_INLINE static void add_asm(element& out, const element& a, const element& b) noexcept {
        std::uint64_t t0 = a[0], t1 = a[1], t2 = a[2], t3 = a[3], c0, c1, c2, c3;
        __asm__(
            "movq $-1, %[c0]\n\t"
            "movl $0xffffffff, %k[c1]\n\t"
            "xorl %k[c2], %k[c2]\n\t"
            "movabsq $0xffffffff00000001, %[c3]\n\t"
            "subq %[b0], %[c0]\n\t"
            "sbbq %[b1], %[c1]\n\t"
            "sbbq %[b2], %[c2]\n\t"
            "sbbq %[b3], %[c3]\n\t"
            "subq %[c0], %[t0]\n\t"
            "sbbq %[c1], %[t1]\n\t"
            "sbbq %[c2], %[t2]\n\t"
            "sbbq %[c3], %[t3]\n\t"
            "sbbq %[c0], %[c0]\n\t"
            "movl $0xffffffff, %k[c1]\n\t"
            "andq %[c0], %[c1]\n\t"
            "movabsq $0xffffffff00000001, %[c3]\n\t"
            "andq %[c0], %[c3]\n\t"
            "addq %[c0], %[t0]\n\t"
            "adcq %[c1], %[t1]\n\t"
            "adcq $0, %[t2]\n\t"
            "adcq %[c3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [c0] "=&r"(c0), [c1] "=&r"(c1),
              [c2] "=&r"(c2), [c3] "=&r"(c3)
            : [b0] "rm"(b[0]), [b1] "rm"(b[1]), [b2] "rm"(b[2]), [b3] "rm"(b[3])
            : "cc");
        out[0] = t0;
        out[1] = t1;
        out[2] = t2;
        out[3] = t3;
    }

    // a / 2: p added when a is odd (masked by its low bit), the sum shifted right with its carry.
    CARAPACE_P256_INLINE static void half_asm(element& out, const element& a) noexcept {
        std::uint64_t t0 = a[0], t1 = a[1], t2 = a[2], t3 = a[3], m, m1, m3, c;
        __asm__(
            "movl %k[t0], %k[m]\n\t"
            "andl $1, %k[m]\n\t"
            "negq %[m]\n\t"
            "movl $0xffffffff, %k[m1]\n\t"
            "andq %[m], %[m1]\n\t"
            "movabsq $0xffffffff00000001, %[m3]\n\t"
            "andq %[m], %[m3]\n\t"
            "xorl %k[c], %k[c]\n\t"
            "addq %[m], %[t0]\n\t"
            "adcq %[m1], %[t1]\n\t"
            "adcq $0, %[t2]\n\t"
            "adcq %[m3], %[t3]\n\t"
            "adcq $0, %[c]\n\t"
            "shrdq $1, %[t1], %[t0]\n\t"
            "shrdq $1, %[t2], %[t1]\n\t"
            "shrdq $1, %[t3], %[t2]\n\t"
            "shrdq $1, %[c], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [m] "=&r"(m), [m1] "=&r"(m1),
              [m3] "=&r"(m3), [c] "=&r"(c)
            :
            : "cc");
        out[0] = t0;
        out[1] = t1;
        out[2] = t2;
        out[3] = t3;
    }

    // a - b, plus p when that borrowed (p masked by the borrow, added back).
    CARAPACE_P256_INLINE static void sub_asm(element& out, const element& a, const element& b) noexcept {
        std::uint64_t t0 = a[0], t1 = a[1], t2 = a[2], t3 = a[3], m, m1, m3;
        __asm__(
            "subq %[b0], %[t0]\n\t"
            "sbbq %[b1], %[t1]\n\t"
            "sbbq %[b2], %[t2]\n\t"
            "sbbq %[b3], %[t3]\n\t"
            "sbbq %[m], %[m]\n\t"
            "movl $0xffffffff, %k[m1]\n\t"
            "andq %[m], %[m1]\n\t"
            "movabsq $0xffffffff00000001, %[m3]\n\t"
            "andq %[m], %[m3]\n\t"
            "addq %[m], %[t0]\n\t"
            "adcq %[m1], %[t1]\n\t"
            "adcq $0, %[t2]\n\t"
            "adcq %[m3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [m] "=&r"(m), [m1] "=&r"(m1),
              [m3] "=&r"(m3)
            : [b0] "rm"(b[0]), [b1] "rm"(b[1]), [b2] "rm"(b[2]), [b3] "rm"(b[3])
            : "cc");
        out[0] = t0;
        out[1] = t1;
        out[2] = t2;
        out[3] = t3;
    }
};

#undef CARAPACE_P256_REDUCE
#undef CARAPACE_P256_INLINE
#undef CARAPACE_P256_ROUND

#endif

}  // namespace carapace::detail
