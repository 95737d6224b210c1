// The Montgomery product of montgomery.hpp for x86-64 CPUs with BMI2 and ADX: each row
// (t += a * b_i, then t += m * q) is one pass of MULX over four words at a time, the low halves
// added on the CF chain (ADCX) and the high halves on the OF chain (ADOX), so neither waits for
// the other. The rows slide along a buffer of 2n + 2 words instead of shifting it. Squaring
// computes each cross product a_i * a_j (i < j) once and doubles the sum before reducing: three
// quarters of the products (squarings are five in six of a private exponentiation's products).
//
// Constant time as the portable loop: the instructions and addresses depend on n only; the final
// subtraction is the caller's masked select. Used for moduli of a multiple of four words (every
// RSA size in use) when the CPU has both extensions and CARAPACE_FORCE_PORTABLE is not set; the
// portable loop otherwise, and always in constant evaluation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/core/int128.hpp"

namespace carapace::detail {

// The engines a modulus may be set up with: the portable loops, the MULX/ADX rows, the MULX/ADX
// rows with AVX-512 IFMA powers (x86-64; the caller makes sure the CPU has them), or the run-time
// choice among them (the default). Each says which fast paths it takes: mulx_products (the
// products and squares of mont_modulus) and ifma_powers (mont_ifma.hpp's powers); the
// constant-time check adds one of its own (IFMA powers with portable products, which
// MemorySanitizer can follow).
struct rsa_mont_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }
    static constexpr bool mulx_products = false, ifma_powers = false;
};
struct rsa_mont_dispatch {
    static constexpr const char* name = "dispatch";
    static constexpr bool supported() noexcept { return true; }
    static constexpr bool mulx_products = false, ifma_powers = false;  // chosen at run time instead
};

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
struct rsa_mont_mulx {
    static constexpr const char* name = "mulx-adx";
    static constexpr bool mulx_products = true, ifma_powers = false;
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.bmi2 && f.adx;
    }
};
// The MULX/ADX rows for the products, and mont_ifma.hpp's AVX-512 IFMA powers (the CPUs with
// IFMA all have BMI2 and ADX).
struct rsa_mont_ifma {
    static constexpr const char* name = "avx512-ifma";
    static constexpr bool mulx_products = true, ifma_powers = true;
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.bmi2 && f.adx && f.avx512f && f.avx512ifma;
    }
};
using rsa_mont_variants = cpu_variants<rsa_mont_ifma, rsa_mont_mulx, rsa_mont_portable>;

// t[0..n) += a[0..n) * w for n a positive multiple of 4; returns the word carried out.
inline std::uint64_t rsa_addmul_mulx(std::uint64_t* t, const std::uint64_t* a, std::size_t n,
                                     std::uint64_t w) noexcept {
    std::uint64_t carry, lo, hi, x;
    std::size_t count = n / 4;
    __asm__ volatile(
        "xorl %k[carry], %k[carry]\n\t"  // carry = 0, and CF = OF = 0
        "1:\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "movq 0(%[t]), %[x]\n\t"
        "adcxq %[lo], %[x]\n\t"
        "adoxq %[carry], %[x]\n\t"
        "movq %[x], 0(%[t])\n\t"
        "mulxq 8(%[a]), %[lo], %[carry]\n\t"
        "movq 8(%[t]), %[x]\n\t"
        "adcxq %[lo], %[x]\n\t"
        "adoxq %[hi], %[x]\n\t"
        "movq %[x], 8(%[t])\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "movq 16(%[t]), %[x]\n\t"
        "adcxq %[lo], %[x]\n\t"
        "adoxq %[carry], %[x]\n\t"
        "movq %[x], 16(%[t])\n\t"
        "mulxq 24(%[a]), %[lo], %[carry]\n\t"
        "movq 24(%[t]), %[x]\n\t"
        "adcxq %[lo], %[x]\n\t"
        "adoxq %[hi], %[x]\n\t"
        "movq %[x], 24(%[t])\n\t"
        // LEA and JRCXZ leave both carry chains alone.
        "leaq 32(%[a]), %[a]\n\t"
        "leaq 32(%[t]), %[t]\n\t"
        "leaq -1(%[count]), %[count]\n\t"
        "jrcxz 2f\n\t"
        "jmp 1b\n\t"
        "2:\n\t"
        "movl $0, %k[x]\n\t"
        "adcxq %[x], %[carry]\n\t"
        "adoxq %[x], %[carry]\n\t"
        : [t] "+r"(t), [a] "+r"(a), [count] "+c"(count), [carry] "=&r"(carry), [lo] "=&r"(lo), [hi] "=&r"(hi),
          [x] "=&r"(x)
        : "d"(w)
        : "cc", "memory");
    return carry;
}

// The rows of a * b / R: t (2n + 2 words, zero) ends with the product in t[n..2n] (t[2n] the
// carry word, 0 or 1), below 2m, for the caller to reduce once.
inline void rsa_mont_rows_mulx(std::uint64_t* t, const std::uint64_t* a, const std::uint64_t* b,
                               const std::uint64_t* m, std::uint64_t m0, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t* w = t + i;
        u128 s = u128{w[n]} + rsa_addmul_mulx(w, a, n, b[i]);
        w[n] = static_cast<std::uint64_t>(s);
        w[n + 1] += static_cast<std::uint64_t>(s >> 64);
        const std::uint64_t q = w[0] * m0;
        s = u128{w[n]} + rsa_addmul_mulx(w, m, n, q);
        w[n] = static_cast<std::uint64_t>(s);
        w[n + 1] += static_cast<std::uint64_t>(s >> 64);
    }
}
// t[0..len) += a[0..len) * w for any len (the last len % 4 words in C); returns the carry word.
inline std::uint64_t rsa_addmul_any_mulx(std::uint64_t* t, const std::uint64_t* a, std::size_t len,
                                         std::uint64_t w) noexcept {
    const std::size_t blocks = len - len % 4;
    std::uint64_t carry = blocks != 0 ? rsa_addmul_mulx(t, a, blocks, w) : 0;
    for (std::size_t j = blocks; j < len; ++j) {
        const u128 s = u128{a[j]} * w + t[j] + carry;
        t[j] = static_cast<std::uint64_t>(s);
        carry = static_cast<std::uint64_t>(s >> 64);
    }
    return carry;
}

// a * a / R, separated operand scanning: the cross products a_i * a_j (i < j) once, doubled,
// the squares a_i^2 added, then n rows of reduction. t: 2n words (need not be zero); the result
// is t[n..2n) with the returned carry word (0 or 1), below 2m. Three quarters of the products of
// rsa_mont_rows_mulx.
inline std::uint64_t rsa_mont_sqr_mulx(std::uint64_t* t, const std::uint64_t* a, const std::uint64_t* m,
                                       std::uint64_t m0, std::size_t n) noexcept {
    // Row i adds a[i+1..n) * a[i] into words 2i+1 .. i+n-1, all written before by row 0 (which
    // reads words 1 .. n-1, zero) or by an earlier row's carry, and puts its carry in word i + n.
    for (std::size_t k = 0; k < n; ++k) t[k] = 0;
    t[2 * n - 1] = 0;
    for (std::size_t i = 0; i + 1 < n; ++i)
        t[i + n] = rsa_addmul_any_mulx(t + 2 * i + 1, a + i + 1, n - 1 - i, a[i]);
    // 2 * (cross products) + the squares a_i^2 at words 2i, 2i+1, in one pass.
    std::uint64_t top = 0, carry = 0;
    for (std::size_t k = 0; k < 2 * n; ++k) {
        const std::uint64_t v = t[k];
        const std::uint64_t doubled = (v << 1) | top;
        top = v >> 63;
        const u128 square = u128{a[k / 2]} * a[k / 2];
        const auto d = static_cast<std::uint64_t>(k % 2 == 0 ? square : square >> 64);
        const u128 s = u128{doubled} + d + carry;
        t[k] = static_cast<std::uint64_t>(s);
        carry = static_cast<std::uint64_t>(s >> 64);
    }
    // Reduction: word i cleared by q * m, its carry deferred to the next word's row.
    std::uint64_t high = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t q = t[i] * m0;
        const u128 s = u128{t[i + n]} + rsa_addmul_any_mulx(t + i, m, n, q) + high;
        t[i + n] = static_cast<std::uint64_t>(s);
        high = static_cast<std::uint64_t>(s >> 64);
    }
    return high;
}
#else
using rsa_mont_variants = cpu_variants<rsa_mont_portable>;
#endif

}  // namespace carapace::detail
