// Arithmetic modulo p = 2^255 - 19 with four 64-bit limbs, for x86-64 CPUs with BMI2 and ADX
// (MULX and ADCX/ADOX, through _mulx_u64 and _addcarryx_u64). Values are kept in [0, 2^256) and
// reduced modulo 2^256 - 38 (= 2p); to_bytes reduces fully. Constant-time: carries are folded
// back by multiplying them by 38, never by branching.
//
// curve25519_mulx is the engine built on it: each entry point is compiled for BMI2+ADX
// (per-function target attributes) with everything below it inlined (flatten). In a
// -DCARAPACE_FORCE_PORTABLE build, or off x86-64, it is a stub that reports itself unsupported.
#pragma once

#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/ec/detail/curve25519_engine.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_MULX_TARGET __attribute__((target("bmi2,adx")))

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

    // 2^256 = 38 (mod p): add 38 * carry, and once more for the (then tiny) second carry.
    CARAPACE_MULX_TARGET static inline fe fold(u64 t0, u64 t1, u64 t2, u64 t3, u64 top) noexcept {
        fe r;
        u64 lo, hi;
        lo = _mulx_u64(top, 38, &hi);
        unsigned char c = _addcarryx_u64(0, t0, lo, &t0);
        c = _addcarryx_u64(c, t1, 0, &t1);
        c = _addcarryx_u64(c, t2, 0, &t2);
        c = _addcarryx_u64(c, t3, 0, &t3);
        t0 += static_cast<u64>(0) - c & 38;
        r.v[0] = t0, r.v[1] = t1, r.v[2] = t2, r.v[3] = t3;
        return r;
    }

    CARAPACE_MULX_TARGET static inline fe add(const fe& a, const fe& b) noexcept {
        u64 t0, t1, t2, t3;
        unsigned char c = _addcarryx_u64(0, a.v[0], b.v[0], &t0);
        c = _addcarryx_u64(c, a.v[1], b.v[1], &t1);
        c = _addcarryx_u64(c, a.v[2], b.v[2], &t2);
        c = _addcarryx_u64(c, a.v[3], b.v[3], &t3);
        return fold(t0, t1, t2, t3, c);
    }

    CARAPACE_MULX_TARGET static inline fe sub(const fe& a, const fe& b) noexcept {
        u64 t0, t1, t2, t3;
        unsigned char c = _subborrow_u64(0, a.v[0], b.v[0], &t0);
        c = _subborrow_u64(c, a.v[1], b.v[1], &t1);
        c = _subborrow_u64(c, a.v[2], b.v[2], &t2);
        c = _subborrow_u64(c, a.v[3], b.v[3], &t3);
        // A borrow added 2^256 = 38 + 2p: take 38 away, and once more if that borrows.
        c = _subborrow_u64(0, t0, static_cast<u64>(0) - c & 38, &t0);
        c = _subborrow_u64(c, t1, 0, &t1);
        c = _subborrow_u64(c, t2, 0, &t2);
        c = _subborrow_u64(c, t3, 0, &t3);
        t0 -= static_cast<u64>(0) - c & 38;
        return {{t0, t1, t2, t3}};
    }

    CARAPACE_MULX_TARGET static inline fe neg(const fe& a) noexcept { return sub(zero(), a); }

    // r[0..7] = a * b.
    CARAPACE_MULX_TARGET static inline void mul_wide(u64* r, const fe& a, const fe& b) noexcept {
        u64 h0, h1, h2, h3, l0, l1, l2, l3;
        r[0] = _mulx_u64(a.v[0], b.v[0], &h0);
        l1 = _mulx_u64(a.v[1], b.v[0], &h1);
        l2 = _mulx_u64(a.v[2], b.v[0], &h2);
        l3 = _mulx_u64(a.v[3], b.v[0], &h3);
        unsigned char c = _addcarryx_u64(0, h0, l1, &r[1]);
        c = _addcarryx_u64(c, h1, l2, &r[2]);
        c = _addcarryx_u64(c, h2, l3, &r[3]);
        _addcarryx_u64(c, h3, 0, &r[4]);
        for (int i = 1; i < 4; ++i) {
            l0 = _mulx_u64(a.v[0], b.v[i], &h0);
            l1 = _mulx_u64(a.v[1], b.v[i], &h1);
            l2 = _mulx_u64(a.v[2], b.v[i], &h2);
            l3 = _mulx_u64(a.v[3], b.v[i], &h3);
            // Two independent carry chains (ADCX on CF, ADOX on OF when the compiler pairs them).
            unsigned char c1 = _addcarryx_u64(0, r[i], l0, &r[i]);
            unsigned char c2 = _addcarryx_u64(0, r[i + 1], h0, &r[i + 1]);
            c1 = _addcarryx_u64(c1, r[i + 1], l1, &r[i + 1]);
            c2 = _addcarryx_u64(c2, r[i + 2], h1, &r[i + 2]);
            c1 = _addcarryx_u64(c1, r[i + 2], l2, &r[i + 2]);
            c2 = _addcarryx_u64(c2, r[i + 3], h2, &r[i + 3]);
            c1 = _addcarryx_u64(c1, r[i + 3], l3, &r[i + 3]);
            _addcarryx_u64(c2, h3, c1, &r[i + 4]);  // cannot carry out: the product fits
        }
    }

    // r[0..7] mod 2^256 - 38, into [0, 2^256).
    CARAPACE_MULX_TARGET static inline fe reduce(const u64* r) noexcept {
        u64 h0, h1, h2, h3, l0, l1, l2, l3, t0, t1, t2, t3, top;
        l0 = _mulx_u64(r[4], 38, &h0);
        l1 = _mulx_u64(r[5], 38, &h1);
        l2 = _mulx_u64(r[6], 38, &h2);
        l3 = _mulx_u64(r[7], 38, &h3);
        unsigned char c1 = _addcarryx_u64(0, r[0], l0, &t0);
        c1 = _addcarryx_u64(c1, r[1], l1, &t1);
        c1 = _addcarryx_u64(c1, r[2], l2, &t2);
        c1 = _addcarryx_u64(c1, r[3], l3, &t3);
        unsigned char c2 = _addcarryx_u64(0, t1, h0, &t1);
        c2 = _addcarryx_u64(c2, t2, h1, &t2);
        c2 = _addcarryx_u64(c2, t3, h2, &t3);
        top = h3 + c1 + c2;
        return fold(t0, t1, t2, t3, top);
    }

    // r = a * b (four rows of MULX; rows after the first add their low and high halves on two
    // carry chains, ADCX on CF and ADOX on OF), then r mod 2^256 - 38 as in reduce().
    CARAPACE_MULX_TARGET static inline fe mul(const fe& a, const fe& b) noexcept {
        std::uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
        __asm__(
        "movq 0(%[b]), %%rdx\n\t"
        "mulxq 0(%[a]), %[t0], %[t1]\n\t"
        "mulxq 8(%[a]), %[lo], %[t2]\n\t"
        "addq %[lo], %[t1]\n\t"
        "mulxq 16(%[a]), %[lo], %[t3]\n\t"
        "adcq %[lo], %[t2]\n\t"
        "mulxq 24(%[a]), %[lo], %[t4]\n\t"
        "adcq %[lo], %[t3]\n\t"
        "adcq $0, %[t4]\n\t"
        "movq 8(%[b]), %%rdx\n\t"
        "xorl %k[t5], %k[t5]\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t1]\n\t"
        "adoxq %[hi], %[t2]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t2]\n\t"
        "adoxq %[hi], %[t3]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t3]\n\t"
        "adoxq %[hi], %[t4]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t4]\n\t"
        "adoxq %[hi], %[t5]\n\t"
        "adcq $0, %[t5]\n\t"
        "movq 16(%[b]), %%rdx\n\t"
        "xorl %k[t6], %k[t6]\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t2]\n\t"
        "adoxq %[hi], %[t3]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t3]\n\t"
        "adoxq %[hi], %[t4]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t4]\n\t"
        "adoxq %[hi], %[t5]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t5]\n\t"
        "adoxq %[hi], %[t6]\n\t"
        "adcq $0, %[t6]\n\t"
        "movq 24(%[b]), %%rdx\n\t"
        "xorl %k[t7], %k[t7]\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t3]\n\t"
        "adoxq %[hi], %[t4]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t4]\n\t"
        "adoxq %[hi], %[t5]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t5]\n\t"
        "adoxq %[hi], %[t6]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[t6]\n\t"
        "adoxq %[hi], %[t7]\n\t"
        "adcq $0, %[t7]\n\t"
        CARAPACE_MULX_REDUCE_ASM
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
          [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [a] "r"(a.v), [b] "r"(b.v), "m"(a), "m"(b)
        : "rdx", "cc");
        return {{t0, t1, t2, t3}};
    }

    CARAPACE_MULX_TARGET static inline fe sqr(const fe& a) noexcept {
        // Off-diagonal products once, doubled, plus the squares.
        u64 r[8], h, l;
        u64 x1, x2, x3, x4, x5, x6;
        // a0*a1, a0*a2, a0*a3
        x1 = _mulx_u64(a.v[0], a.v[1], &h);
        x2 = _mulx_u64(a.v[0], a.v[2], &l);
        unsigned char c = _addcarryx_u64(0, x2, h, &x2);
        x3 = _mulx_u64(a.v[0], a.v[3], &h);
        c = _addcarryx_u64(c, x3, l, &x3);
        x4 = h + c;
        // a1*a2, a1*a3
        u64 p0 = _mulx_u64(a.v[1], a.v[2], &h);
        u64 p1 = _mulx_u64(a.v[1], a.v[3], &l);
        c = _addcarryx_u64(0, p1, h, &p1);
        u64 p2 = l + c;
        c = _addcarryx_u64(0, x3, p0, &x3);
        c = _addcarryx_u64(c, x4, p1, &x4);
        x5 = p2 + c;
        // a2*a3
        p0 = _mulx_u64(a.v[2], a.v[3], &h);
        c = _addcarryx_u64(0, x5, p0, &x5);
        x6 = h + c;
        // Double: bit 127 of each limb moves up.
        const u64 x7 = x6 >> 63;
        x6 = (x6 << 1) | (x5 >> 63);
        x5 = (x5 << 1) | (x4 >> 63);
        x4 = (x4 << 1) | (x3 >> 63);
        x3 = (x3 << 1) | (x2 >> 63);
        x2 = (x2 << 1) | (x1 >> 63);
        x1 <<= 1;
        u64 s0h, s1h, s2h, s3h;
        r[0] = _mulx_u64(a.v[0], a.v[0], &s0h);
        const u64 s1 = _mulx_u64(a.v[1], a.v[1], &s1h);
        const u64 s2 = _mulx_u64(a.v[2], a.v[2], &s2h);
        const u64 s3 = _mulx_u64(a.v[3], a.v[3], &s3h);
        c = _addcarryx_u64(0, x1, s0h, &r[1]);
        c = _addcarryx_u64(c, x2, s1, &r[2]);
        c = _addcarryx_u64(c, x3, s1h, &r[3]);
        c = _addcarryx_u64(c, x4, s2, &r[4]);
        c = _addcarryx_u64(c, x5, s2h, &r[5]);
        c = _addcarryx_u64(c, x6, s3, &r[6]);
        _addcarryx_u64(c, x7, s3h, &r[7]);
        return reduce(r);
    }

    CARAPACE_MULX_TARGET static inline fe mul_a24(const fe& a) noexcept {
        u64 h0, h1, h2, h3, t0, t1, t2, t3;
        t0 = _mulx_u64(a.v[0], 121665, &h0);
        t1 = _mulx_u64(a.v[1], 121665, &h1);
        t2 = _mulx_u64(a.v[2], 121665, &h2);
        t3 = _mulx_u64(a.v[3], 121665, &h3);
        unsigned char c = _addcarryx_u64(0, t1, h0, &t1);
        c = _addcarryx_u64(c, t2, h1, &t2);
        c = _addcarryx_u64(c, t3, h2, &t3);
        return fold(t0, t1, t2, t3, h3 + c);
    }

    static constexpr void cswap(std::uint64_t bit, fe& a, fe& b) noexcept {
        const std::uint64_t m = ct::mask_from_bit(bit);
        for (int i = 0; i < 4; ++i) ct::conditional_swap(m, a.v[i], b.v[i]);
    }
    static constexpr void cmov(std::uint64_t bit, fe& a, const fe& b) noexcept {
        const std::uint64_t m = ct::mask_from_bit(bit);
        for (int i = 0; i < 4; ++i) a.v[i] = ct::select(m, b.v[i], a.v[i]);
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
    CARAPACE_MULX_TARGET __attribute__((flatten)) static void ed25519_base(std::uint8_t* out,
                                                                           const std::uint8_t* a) noexcept {
        engine::ed25519_base(out, a);
    }
    [[nodiscard]] CARAPACE_MULX_TARGET __attribute__((flatten)) static bool ed25519_check(
        std::uint8_t* out, const std::uint8_t* s, const std::uint8_t* k, const std::uint8_t* public_key) noexcept {
        return engine::ed25519_check(out, s, k, public_key);
    }
};

#else  // no x86-64 intrinsics: a stub that never runs

struct curve25519_mulx {
    static constexpr const char* name = "mulx-adx";
    static bool supported() noexcept { return false; }
    static void x25519(std::uint8_t*, const std::uint8_t*, const std::uint8_t*) noexcept {}
    static void ed25519_base(std::uint8_t*, const std::uint8_t*) noexcept {}
    [[nodiscard]] static bool ed25519_check(std::uint8_t*, const std::uint8_t*, const std::uint8_t*,
                                            const std::uint8_t*) noexcept {
        return false;
    }
};

#endif

}  // namespace carapace::detail
