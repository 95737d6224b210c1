// Arithmetic modulo p = 2^255 - 19 with four 64-bit limbs, for x86-64 CPUs with BMI2 and ADX
// (MULX and ADCX/ADOX). Values are kept in [0, 2^256) and reduced modulo 2^256 - 38 (= 2p);
// to_bytes reduces fully. Constant-time: carries are folded back by multiplying them by 38, never
// by branching. mul, sqr, add, sub and mul_a24 are inline assembly: written with _mulx_u64 and
// _addcarryx_u64 first, GCC and Clang produced a single carry chain with extra moves, and the
// whole X25519 was no faster than the 5x51 code (sqr 1.8x and add 1.3x slower than this asm).
//
// curve25519_mulx is the engine built on it: each entry point is compiled for BMI2+ADX
// (per-function target attributes) with everything below it inlined (flatten). In a
// -DCARAPACE_FORCE_PORTABLE build, or off x86-64, it is a stub that reports itself unsupported.
#pragma once

#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/ec/detail/curve25519_engine.hpp"
#include "carapace/ec/detail/mulx_product.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_MULX_TARGET __attribute__((target("bmi2,adx")))

// mul and sqr read their operands through the pointers they are given. When optimizing, that
// memory is named as "m" inputs, so the compiler knows exactly what is read. At -O0 GCC gives each
// "m" operand an address register of its own, which leaves too few for mul's ten outputs ("asm
// operand has impossible constraints"): there a "memory" clobber says the same, more coarsely.
#ifdef __OPTIMIZE__
#define CARAPACE_MULX_READS(...) , __VA_ARGS__
#define CARAPACE_MULX_CLOBBERS "rdx", "cc"
#else
#define CARAPACE_MULX_READS(...)
#define CARAPACE_MULX_CLOBBERS "rdx", "cc", "memory"
#endif

// t7..t0 (an eight-limb product) mod 2^256 - 38 into t3..t0: add 38 * (t7..t4), then 38 times
// the carry word, then 38 once more if that carried (the sum is then tiny, so it cannot carry).
#define CARAPACE_MULX_REDUCE_ASM \
    "movl $38, %%edx\n\t" \
    "xorl %k[lo], %k[lo]\n\t" \
    "mulxq %[t4], %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t0]\n\t" \
    "adoxq %[hi], %[t1]\n\t" \
    "mulxq %[t5], %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t1]\n\t" \
    "adoxq %[hi], %[t2]\n\t" \
    "mulxq %[t6], %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t2]\n\t" \
    "adoxq %[hi], %[t3]\n\t" \
    "mulxq %[t7], %[lo], %[t4]\n\t" \
    "adcxq %[lo], %[t3]\n\t" \
    "movl $0, %k[t5]\n\t" \
    "adoxq %[t5], %[t4]\n\t" \
    "adcxq %[t5], %[t4]\n\t" \
    "imulq $38, %[t4], %[t4]\n\t" \
    "addq %[t4], %[t0]\n\t" \
    "adcq %[t5], %[t1]\n\t" \
    "adcq %[t5], %[t2]\n\t" \
    "adcq %[t5], %[t3]\n\t" \
    "sbbq %[t4], %[t4]\n\t" \
    "andq $38, %[t4]\n\t" \
    "addq %[t4], %[t0]\n\t"

struct fe25519_mulx {
    static constexpr const char* name = "mulx-adx";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.bmi2 && f.adx;
    }

    struct fe {
        std::uint64_t v[4];
    };
    using u64 = unsigned long long;  // what the intrinsics take

    static constexpr fe zero() noexcept { return {{0, 0, 0, 0}}; }
    static constexpr fe one() noexcept { return {{1, 0, 0, 0}}; }

    static constexpr fe from_words(const std::uint64_t (&w)[4]) noexcept {
        return {{w[0], w[1], w[2], w[3] & 0x7fffffffffffffffULL}};
    }

    static constexpr fe from_bytes(const std::uint8_t* s) noexcept {
        fe a{};
        for (int i = 0; i < 4; ++i)
            for (int j = 7; j >= 0; --j) a.v[i] = (a.v[i] << 8) | s[8 * i + j];
        a.v[3] &= 0x7fffffffffffffffULL;
        return a;
    }

    static constexpr void to_bytes(std::uint8_t* out, const fe& a) noexcept {
        // Fold bit 255 (2^255 = 19 mod p): the value is then below 2^255 + 19.
        std::uint64_t t[4] = {a.v[0], a.v[1], a.v[2], a.v[3] & 0x7fffffffffffffffULL};
        std::uint64_t c = 19 * (a.v[3] >> 63);
        for (int i = 0; i < 4; ++i) {
            t[i] += c;
            c = t[i] < c ? 1 : 0;
        }
        // t >= p exactly when t + 19 has bit 255 set; then the result is (t + 19) mod 2^255.
        std::uint64_t u[4] = {};
        c = 19;
        for (int i = 0; i < 4; ++i) {
            u[i] = t[i] + c;
            c = u[i] < c ? 1 : 0;
        }
        const std::uint64_t m = ct::mask_from_bit(u[3] >> 63);
        u[3] &= 0x7fffffffffffffffULL;
        for (int i = 0; i < 4; ++i) {
            const std::uint64_t w = ct::select(m, u[i], t[i]);
            for (int j = 0; j < 8; ++j) out[8 * i + j] = static_cast<std::uint8_t>(w >> (8 * j));
        }
    }

    // The sum's carry is worth 38 (2^256 = 38 mod p); adding 38 can carry again only into a
    // value below 38, so the second 38 always fits. Same for borrows in sub.
    CARAPACE_MULX_TARGET static inline fe add(const fe& a, const fe& b) noexcept {
        std::uint64_t t0 = a.v[0], t1 = a.v[1], t2 = a.v[2], t3 = a.v[3], m;
        __asm__(
            "addq %[b0], %[t0]\n\t"
            "adcq %[b1], %[t1]\n\t"
            "adcq %[b2], %[t2]\n\t"
            "adcq %[b3], %[t3]\n\t"
            "sbbq %[m], %[m]\n\t"
            "andq $38, %[m]\n\t"
            "addq %[m], %[t0]\n\t"
            "adcq $0, %[t1]\n\t"
            "adcq $0, %[t2]\n\t"
            "adcq $0, %[t3]\n\t"
            "sbbq %[m], %[m]\n\t"
            "andq $38, %[m]\n\t"
            "addq %[m], %[t0]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [m] "=&r"(m)
            : [b0] "rm"(b.v[0]), [b1] "rm"(b.v[1]), [b2] "rm"(b.v[2]), [b3] "rm"(b.v[3])
            : "cc");
        return {{t0, t1, t2, t3}};
    }

    CARAPACE_MULX_TARGET static inline fe sub(const fe& a, const fe& b) noexcept {
        std::uint64_t t0 = a.v[0], t1 = a.v[1], t2 = a.v[2], t3 = a.v[3], m;
        __asm__(
            "subq %[b0], %[t0]\n\t"
            "sbbq %[b1], %[t1]\n\t"
            "sbbq %[b2], %[t2]\n\t"
            "sbbq %[b3], %[t3]\n\t"
            "sbbq %[m], %[m]\n\t"
            "andq $38, %[m]\n\t"
            "subq %[m], %[t0]\n\t"
            "sbbq $0, %[t1]\n\t"
            "sbbq $0, %[t2]\n\t"
            "sbbq $0, %[t3]\n\t"
            "sbbq %[m], %[m]\n\t"
            "andq $38, %[m]\n\t"
            "subq %[m], %[t0]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [m] "=&r"(m)
            : [b0] "rm"(b.v[0]), [b1] "rm"(b.v[1]), [b2] "rm"(b.v[2]), [b3] "rm"(b.v[3])
            : "cc");
        return {{t0, t1, t2, t3}};
    }

    CARAPACE_MULX_TARGET static inline fe neg(const fe& a) noexcept { return sub(zero(), a); }

    // r = a * b (mulx_product.hpp), then r mod 2^256 - 38 as in reduce().
    CARAPACE_MULX_TARGET static inline fe mul(const fe& a, const fe& b) noexcept {
        std::uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
        __asm__(
        CARAPACE_MULX_PRODUCT_4X4
        CARAPACE_MULX_REDUCE_ASM
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
          [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [a] "r"(a.v), [b] "r"(b.v) CARAPACE_MULX_READS("m"(a), "m"(b))
        : CARAPACE_MULX_CLOBBERS);
        return {{t0, t1, t2, t3}};
    }

    // a^2: the six cross products once (two carry chains), doubled while the four squares are
    // added (doubling on CF, squares on OF), then reduced as in mul.
    CARAPACE_MULX_TARGET static inline fe sqr(const fe& a) noexcept {
        std::uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
        __asm__(
        "movq 0(%[a]), %%rdx\n\t"
        "mulxq 8(%[a]), %[t1], %[t2]\n\t"
        "mulxq 16(%[a]), %[lo], %[t3]\n\t"
        "addq %[lo], %[t2]\n\t"
        "mulxq 24(%[a]), %[lo], %[t4]\n\t"
        "adcq %[lo], %[t3]\n\t"
        "movq 8(%[a]), %%rdx\n\t"
        "mulxq 24(%[a]), %[lo], %[t5]\n\t"
        "adcq %[lo], %[t4]\n\t"
        "adcq $0, %[t5]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "xorl %k[t6], %k[t6]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adoxq %[hi], %[t4]\n\t"
        "movq 16(%[a]), %%rdx\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adoxq %[hi], %[t6]\n\t"
        "movq 0(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %[t0], %[hi]\n\t"
        "xorl %k[t7], %k[t7]\n\t"
        "adcxq %[t1], %[t1]\n\t"
        "adoxq %[hi], %[t1]\n\t"
        "movq 8(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %[lo], %[hi]\n\t"
        "adcxq %[t2], %[t2]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[t3], %[t3]\n\t"
        "adoxq %[hi], %[t3]\n\t"
        "movq 16(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %[lo], %[hi]\n\t"
        "adcxq %[t4], %[t4]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[t5], %[t5]\n\t"
        "adoxq %[hi], %[t5]\n\t"
        "movq 24(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %[lo], %[hi]\n\t"
        "adcxq %[t6], %[t6]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[t7], %[t7]\n\t"
        "adoxq %[hi], %[t7]\n\t"
        CARAPACE_MULX_REDUCE_ASM
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
          [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [a] "r"(a.v) CARAPACE_MULX_READS("m"(a))
        : CARAPACE_MULX_CLOBBERS);
        return {{t0, t1, t2, t3}};
    }

    CARAPACE_MULX_TARGET static inline fe mul_a24(const fe& a) noexcept {
        std::uint64_t t0, t1, t2, t3, t4, h0, h1, h2;
        __asm__(
            "movl $121665, %%edx\n\t"
            "mulxq %[a0], %[t0], %[h0]\n\t"
            "mulxq %[a1], %[t1], %[h1]\n\t"
            "mulxq %[a2], %[t2], %[h2]\n\t"
            "mulxq %[a3], %[t3], %[t4]\n\t"
            "addq %[h0], %[t1]\n\t"
            "adcq %[h1], %[t2]\n\t"
            "adcq %[h2], %[t3]\n\t"
            "adcq $0, %[t4]\n\t"
            "imulq $38, %[t4], %[t4]\n\t"
            "addq %[t4], %[t0]\n\t"
            "adcq $0, %[t1]\n\t"
            "adcq $0, %[t2]\n\t"
            "adcq $0, %[t3]\n\t"
            "sbbq %[t4], %[t4]\n\t"
            "andq $38, %[t4]\n\t"
            "addq %[t4], %[t0]\n\t"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [h0] "=&r"(h0),
              [h1] "=&r"(h1), [h2] "=&r"(h2)
            : [a0] "rm"(a.v[0]), [a1] "rm"(a.v[1]), [a2] "rm"(a.v[2]), [a3] "rm"(a.v[3])
            : "rdx", "cc");
        return {{t0, t1, t2, t3}};
    }

    static constexpr void cswap(std::uint64_t bit, fe& a, fe& b) noexcept {
        const std::uint64_t m = ct::mask_from_bit(bit);
CARAPACE_UNROLL(4)
        for (int i = 0; i < 4; ++i) {
            const std::uint64_t t = (a.v[i] ^ b.v[i]) & m;  // m is opaque: one barrier per call
            a.v[i] ^= t;
            b.v[i] ^= t;
        }
    }
    static constexpr void cmov(std::uint64_t bit, fe& a, const fe& b) noexcept {
        const std::uint64_t m = ct::mask_from_bit(bit);
CARAPACE_UNROLL(4)
        for (int i = 0; i < 4; ++i) a.v[i] ^= (a.v[i] ^ b.v[i]) & m;  // m is opaque: one barrier per call
    }
};

struct curve25519_mulx {
    using field = fe25519_mulx;
    using engine = curve25519_engine<fe25519_mulx>;
    static constexpr const char* name = fe25519_mulx::name;
    static bool supported() noexcept { return fe25519_mulx::supported(); }

    CARAPACE_MULX_TARGET __attribute__((flatten)) static void x25519(std::uint8_t* out, const std::uint8_t* scalar,
                                                                     const std::uint8_t* u) noexcept {
        engine::x25519(out, scalar, u);
    }
    CARAPACE_MULX_TARGET __attribute__((flatten)) static void x25519_base(std::uint8_t* out,
                                                                          const std::uint8_t* scalar) noexcept {
        engine::x25519_base(out, scalar);
    }
    CARAPACE_MULX_TARGET __attribute__((flatten)) static void ed25519_base(std::uint8_t* out,
                                                                           const std::uint8_t* a) noexcept {
        engine::ed25519_base(out, a);
    }
    [[nodiscard]] CARAPACE_MULX_TARGET __attribute__((flatten)) static bool ed25519_check(
        std::uint8_t* out, const std::uint8_t* s, const std::uint8_t* k, const std::uint8_t* public_key) noexcept {
        return engine::ed25519_check(out, s, k, public_key);
    }
};

#undef CARAPACE_MULX_REDUCE_ASM
#undef CARAPACE_MULX_CLOBBERS
#undef CARAPACE_MULX_READS
#undef CARAPACE_MULX_TARGET

#else  // no x86-64 intrinsics: a stub that never runs

struct curve25519_mulx : curve25519_engine_unavailable {
    static constexpr const char* name = "mulx-adx";
};

#endif

}  // namespace carapace::detail
