// Arithmetic modulo an odd prime in Montgomery form (x is held as x * R mod m, R = 2^bits), on
// words of 64 bits (where the compiler has a 128-bit product) or 32 bits (armhf, Cortex-M, and a
// second portable path tested on every host). One generic implementation serves the fields and
// the scalar rings of P-256 and P-384: only the modulus differs.
//
// Constant-time: no operation branches on or indexes by the values; carries and the final
// conditional subtractions are applied through masks. Exponentiation (inversion by Fermat, square
// roots) branches only on the public exponent. Usable in constant evaluation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "carapace/core/ct.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/ec/detail/safegcd.hpp"

namespace carapace::detail {

template <class Word>
struct wide_word;
template <>
struct wide_word<std::uint32_t> {
    using type = std::uint64_t;
};
#if CARAPACE_HAVE_INT128
template <>
struct wide_word<std::uint64_t> {
    using type = u128;
};
#endif

// Modulus: a class with `static constexpr std::size_t bits` (a multiple of 64) and
// `static constexpr std::uint64_t modulus[bits / 64]` (little-endian words), the top bit set.
// Fast: a class deriving from this one that replaces mul, sqr, add and sub for one modulus and
// CPU (p256_mulx.hpp); what is built on them here (exponentiation, conversions) then uses its.
// The word loops of the products, sums, differences and selections are unrolled by pragma: GCC 12
// at -O2 keeps them rolled (P-256 on the 64-bit words 1.7 times slower than at -O3; P-384 1.2
// times, from the selection in every reduction, which left the product in memory). Unrolling
// every loop instead made the -O3 build slower.
template <class Word, class Modulus, class Fast = void>
struct mont_field {
    using ops = std::conditional_t<std::is_void_v<Fast>, mont_field, Fast>;
    static constexpr std::size_t word_bits = sizeof(Word) * 8;
    static constexpr std::size_t words = Modulus::bits / word_bits;
    static constexpr std::size_t bytes = Modulus::bits / 8;
    using wide = typename wide_word<Word>::type;
    using element = std::array<Word, words>;
    static constexpr const char* name = word_bits == 64 ? "portable-64" : "portable-32";
    static constexpr bool supported() noexcept { return true; }

    // Words of a little-endian 64-bit word array.
    static constexpr element from_u64(const std::uint64_t (&v)[Modulus::bits / 64]) noexcept {
        element e{};
        for (std::size_t i = 0; i < words; ++i)
            e[i] = static_cast<Word>(v[i * word_bits / 64] >> ((i * word_bits) % 64));
        return e;
    }

    static constexpr element m = from_u64(Modulus::modulus);

    // -m^-1 mod 2^word_bits, by Newton's iteration (each step doubles the correct low bits).
    static constexpr Word m_prime = [] {
        Word inv = 1;
        for (int i = 0; i < 6; ++i) inv = static_cast<Word>(inv * static_cast<Word>(2 - m[0] * inv));
        return static_cast<Word>(Word{0} - inv);
    }();

    // a + b, with the carry out.
    static constexpr Word add_words(element& out, const element& a, const element& b) noexcept {
        Word carry = 0;
CARAPACE_UNROLL(16)
        for (std::size_t i = 0; i < words; ++i) {
            const wide s = wide{a[i]} + b[i] + carry;
            out[i] = static_cast<Word>(s);
            carry = static_cast<Word>(s >> word_bits);
        }
        return carry;
    }
    // a - b, with the borrow out (0 or 1).
    static constexpr Word sub_words(element& out, const element& a, const element& b) noexcept {
        Word borrow = 0;
CARAPACE_UNROLL(16)
        for (std::size_t i = 0; i < words; ++i) {
            const wide d = wide{a[i]} - b[i] - borrow;
            out[i] = static_cast<Word>(d);
            borrow = static_cast<Word>((d >> word_bits) & 1);
        }
        return borrow;
    }
    // out = mask ? a : b, mask all ones or zero.
    static constexpr void select(element& out, Word mask, const element& a, const element& b) noexcept {
CARAPACE_UNROLL(16)
        for (std::size_t i = 0; i < words; ++i) out[i] = ct::select(mask, a[i], b[i]);
    }
    // All ones when v is zero: the top bit of (v | -v) is set exactly when v != 0.
    static constexpr Word word_is_zero(Word v) noexcept {
        const Word nonzero = static_cast<Word>((v | static_cast<Word>(Word{0} - v)) >> (word_bits - 1));
        return ct::mask_from_bit(static_cast<Word>(nonzero ^ 1));
    }

    // Reduces a value below 2m, with `high` its carry word (0 or 1), into [0, m).
    static constexpr void reduce_once(element& out, const element& a, Word high) noexcept {
        element t{};
        const Word borrow = sub_words(t, a, m);
        // Keep a when it was below m: there was a borrow and no carry word to absorb it.
        const Word keep_a = ct::mask_from_bit(static_cast<Word>(borrow & ~high & 1));
        select(out, keep_a, a, t);
    }

    static constexpr void add(element& out, const element& a, const element& b) noexcept {
        element t{};
        const Word carry = add_words(t, a, b);
        reduce_once(out, t, carry);
    }
    static constexpr void sub(element& out, const element& a, const element& b) noexcept {
        element t{};
        const Word borrow = sub_words(t, a, b);
        element back{};
        const Word mask = ct::mask_from_bit(borrow);
        for (std::size_t i = 0; i < words; ++i) back[i] = static_cast<Word>(m[i] & mask);
        (void)add_words(out, t, back);
    }
    // a / 2 mod m: a, plus m when a is odd (the sum is then even), shifted right with the carry
    // as its top bit; below m for a below m.
    static constexpr void half(element& out, const element& a) noexcept {
        const Word mask = ct::mask_from_bit(static_cast<Word>(a[0] & 1));
        element addend{}, t{};
        for (std::size_t i = 0; i < words; ++i) addend[i] = static_cast<Word>(m[i] & mask);
        const Word carry = add_words(t, a, addend);
        for (std::size_t i = 0; i + 1 < words; ++i)
            out[i] = static_cast<Word>((t[i] >> 1) | (t[i + 1] << (word_bits - 1)));
        out[words - 1] = static_cast<Word>((t[words - 1] >> 1) | (carry << (word_bits - 1)));
    }
    static constexpr void neg(element& out, const element& a) noexcept {
        const element zero{};
        ops::sub(out, zero, a);
    }

    // Montgomery product a * b / R mod m (CIOS: interleaved multiplication and reduction).
    static constexpr void mul(element& out, const element& a, const element& b) noexcept {
        Word t[words + 2] = {};
        for (std::size_t i = 0; i < words; ++i) {
            Word carry = 0;
CARAPACE_UNROLL(16)
            for (std::size_t j = 0; j < words; ++j) {
                const wide s = wide{a[j]} * b[i] + t[j] + carry;
                t[j] = static_cast<Word>(s);
                carry = static_cast<Word>(s >> word_bits);
            }
            wide s = wide{t[words]} + carry;
            t[words] = static_cast<Word>(s);
            t[words + 1] = static_cast<Word>(s >> word_bits);

            const Word q = static_cast<Word>(t[0] * m_prime);
            s = wide{q} * m[0] + t[0];
            carry = static_cast<Word>(s >> word_bits);
CARAPACE_UNROLL(16)
            for (std::size_t j = 1; j < words; ++j) {
                s = wide{q} * m[j] + t[j] + carry;
                t[j - 1] = static_cast<Word>(s);
                carry = static_cast<Word>(s >> word_bits);
            }
            s = wide{t[words]} + carry;
            t[words - 1] = static_cast<Word>(s);
            t[words] = static_cast<Word>(t[words + 1] + static_cast<Word>(s >> word_bits));
        }
        element r{};
CARAPACE_UNROLL(16)
        for (std::size_t i = 0; i < words; ++i) r[i] = t[i];
        reduce_once(out, r, t[words]);
    }
    static constexpr void sqr(element& out, const element& a) noexcept { ops::mul(out, a, a); }

    // R mod m (the Montgomery form of 1) and R^2 mod m (converts into the form).
    static constexpr element one = [] {
        element zero{}, r{};
        (void)sub_words(r, zero, m);  // 2^bits - m, below m because the top bit of m is set
        return r;
    }();
    // R^2 = 2^bits R. The Montgomery product of 2^a R and 2^b R is 2^(a+b) R, so square-and-multiply
    // on the exponent `bits` from 2R takes a dozen products. The `bits` doublings it replaces
    // were most of the constant evaluation in every header that includes a curve.
    static constexpr element r_squared = [] {
        element two{};
        add(two, one, one);
        element r = two;
        std::size_t top = 0;
        while ((Modulus::bits >> (top + 1)) != 0) ++top;
        for (std::size_t bit = top; bit-- > 0;) {
            mul(r, r, r);
            if ((Modulus::bits >> bit) & 1) mul(r, r, two);
        }
        return r;
    }();

    static constexpr void to_mont(element& out, const element& a) noexcept { ops::mul(out, a, r_squared); }
    static constexpr void from_mont(element& out, const element& a) noexcept {
        element unit{};
        unit[0] = 1;
        ops::mul(out, a, unit);
    }

    // All ones when a is zero.
    static constexpr Word is_zero(const element& a) noexcept {
        Word acc = 0;
        for (const Word w : a) acc |= w;
        return word_is_zero(acc);
    }
    static constexpr Word equal(const element& a, const element& b) noexcept {
        Word acc = 0;
        for (std::size_t i = 0; i < words; ++i) acc |= static_cast<Word>(a[i] ^ b[i]);
        return word_is_zero(acc);
    }

    // Big-endian bytes (exactly `bytes` of them) to words, not reduced.
    static constexpr element load(const std::uint8_t* in) noexcept {
        element e{};
        for (std::size_t i = 0; i < bytes; ++i) {
            const std::size_t bit = 8 * (bytes - 1 - i);
            e[bit / word_bits] = static_cast<Word>(e[bit / word_bits] | (Word{in[i]} << (bit % word_bits)));
        }
        return e;
    }
    static constexpr void store(std::uint8_t* out, const element& e) noexcept {
        for (std::size_t i = 0; i < bytes; ++i) {
            const std::size_t bit = 8 * (bytes - 1 - i);
            out[i] = static_cast<std::uint8_t>(e[bit / word_bits] >> (bit % word_bits));
        }
    }
    // All ones when e < m.
    static constexpr Word is_reduced(const element& e) noexcept {
        element t{};
        return ct::mask_from_bit(sub_words(t, e, m));
    }

    // a^e for a public exponent given as little-endian 64-bit words (fixed 4-bit windows; the
    // windows come from the exponent, never from a).
    static constexpr void pow(element& out, const element& a, const std::uint64_t (&e)[Modulus::bits / 64]) noexcept {
        element table[16];
        table[0] = one;
        for (std::size_t i = 1; i < 16; ++i) ops::mul(table[i], table[i - 1], a);
        element acc = one;
        for (std::size_t nibble = Modulus::bits / 4; nibble-- > 0;) {
            for (int k = 0; k < 4; ++k) ops::sqr(acc, acc);
            const std::size_t w = static_cast<std::size_t>((e[nibble / 16] >> (4 * (nibble % 16))) & 15);
            if (w != 0) ops::mul(acc, acc, table[w]);
        }
        out = acc;
        for (auto& t : table) t = element{};
    }

    // m - 2 as 64-bit words: a^(m-2) = a^-1 for prime m (and 0 for 0).
    static constexpr auto m_minus_2 = [] {
        struct exponent {
            std::uint64_t w[Modulus::bits / 64];
        } r{};
        std::uint64_t borrow = 2;
        for (std::size_t i = 0; i < Modulus::bits / 64; ++i) {
            r.w[i] = Modulus::modulus[i] - borrow;
            borrow = Modulus::modulus[i] < borrow ? 1 : 0;
        }
        return r;
    }();
    // a^-1 (0 for 0). With 64-bit words, by safegcd on a R (giving a^-1 R^-1), then a Montgomery
    // product with R^3; with 32-bit words (no 128-bit integers), by Fermat.
    static constexpr void inv(element& out, const element& a) noexcept {
#if CARAPACE_HAVE_INT128
        if constexpr (word_bits == 64) {
            element plain{};
            safegcd<Modulus::bits>::invert(plain.data(), a.data(), Modulus::modulus);
            ops::mul(out, plain, r_cubed);
            return;
        }
#endif
        ops::pow(out, a, m_minus_2.w);
    }
    static constexpr element r_cubed = [] {
        element r{};
        mul(r, r_squared, r_squared);
        return r;
    }();
};

}  // namespace carapace::detail
