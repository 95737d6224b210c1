// Montgomery arithmetic modulo an odd number given at run time (an RSA modulus or prime), in a
// type whose capacity Cap (in words) is fixed at compile time: values are x * R mod m with
// R = 2^(word bits * n), n the modulus's length in words. RFC 8017 §5.1.2 and §5.2 reduce to
// products modulo n, p and q; Montgomery's reduction makes each one a sequence of word products
// with no division.
//
// Constant time in the values (the modulus length n is public): the product's final subtraction
// is a masked select. Setting up a modulus (R^2 mod m) is variable time in the modulus only,
// which is public for verification and for the primes is computed once, at key load, through
// the constant-time doubling below. Usable in constant evaluation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/rsa/detail/bignum.hpp"

namespace carapace::detail {

template <class Word, std::size_t Cap>
class mont_modulus {
public:
    using word = Word;
    using wide = typename bn_wide<Word>::type;
    static constexpr std::size_t capacity = Cap;
    static constexpr std::size_t word_bits = bn_word_bits<Word>;
    using value = std::array<Word, Cap>;

    constexpr mont_modulus() noexcept = default;
    constexpr ~mont_modulus() { wipe(); }
    constexpr mont_modulus(const mont_modulus&) noexcept = default;
    constexpr mont_modulus& operator=(const mont_modulus&) noexcept = default;

    constexpr void wipe() noexcept {
        secure_wipe(m_);
        secure_wipe(rr_);
        secure_wipe(one_);
        m0_ = 0;
    }

    // Takes an odd modulus above 1 of at most Cap words (big-endian bytes, leading zeros
    // allowed). Whether it is odd is public (a key is refused), so the check branches.
    [[nodiscard]] constexpr bool set(byte_view be) noexcept {
        be = bn_trim(be);
        if (be.empty() || be.size() > Cap * sizeof(Word) || (be.back() & 1u) == 0) return false;
        if (be.size() == 1 && be[0] == 1) return false;
        n_ = (be.size() + sizeof(Word) - 1) / sizeof(Word);
        bn_from_bytes(m_.data(), Cap, be);
        // -m^-1 mod 2^word_bits by Newton's iteration (each step doubles the correct low bits).
        Word inv = 1;
        for (int i = 0; i < 6; ++i) inv = static_cast<Word>(inv * static_cast<Word>(2u - m_[0] * inv));
        m0_ = static_cast<Word>(Word{0} - inv);
        // R mod m, then R^2 mod m = the Montgomery form of R, by doubling: R * 2^k mod m needs k
        // modular doublings of R mod m; Montgomery squaring doubles the exponent k. The doublings
        // are masked, so a secret prime takes the same path as any other of its length.
        value r{};
        set_r_mod_m(r);
        one_ = r;
        std::size_t total = word_bits * n_, squarings = 0;
        while (total % 2 == 0 && total > 32) {
            total /= 2;
            ++squarings;
        }
        for (std::size_t i = 0; i < total; ++i) double_mod(r);
        for (std::size_t i = 0; i < squarings; ++i) mul(r.data(), r.data(), r.data());
        rr_ = r;
        secure_wipe(r);
        return true;
    }

    [[nodiscard]] constexpr std::size_t words() const noexcept { return n_; }
    [[nodiscard]] constexpr const Word* modulus() const noexcept { return m_.data(); }
    [[nodiscard]] constexpr const value& one() const noexcept { return one_; }  // R mod m

    // out = a * b / R mod m, for a < R and b < m (or a < m and b < R); out may alias a or b.
    // Coarsely integrated operand scanning: a row of the product, then a row of the reduction.
    constexpr void mul(Word* out, const Word* a, const Word* b) const noexcept {
        const std::size_t n = n_;
        Word t[Cap + 2] = {};
        for (std::size_t i = 0; i < n; ++i) {
            Word carry = 0;
            const Word bi = b[i];
            for (std::size_t j = 0; j < n; ++j) {
                const wide s = wide{a[j]} * bi + t[j] + carry;
                t[j] = static_cast<Word>(s);
                carry = static_cast<Word>(s >> word_bits);
            }
            wide s = wide{t[n]} + carry;
            t[n] = static_cast<Word>(s);
            t[n + 1] = static_cast<Word>(s >> word_bits);

            const Word q = static_cast<Word>(t[0] * m0_);
            s = wide{q} * m_[0] + t[0];
            carry = static_cast<Word>(s >> word_bits);
            for (std::size_t j = 1; j < n; ++j) {
                s = wide{q} * m_[j] + t[j] + carry;
                t[j - 1] = static_cast<Word>(s);
                carry = static_cast<Word>(s >> word_bits);
            }
            s = wide{t[n]} + carry;
            t[n - 1] = static_cast<Word>(s);
            t[n] = static_cast<Word>(t[n + 1] + static_cast<Word>(s >> word_bits));
        }
        reduce_once(out, t, t[n]);
        secure_wipe(t, Cap + 2);
    }

    // Into and out of the Montgomery form; `a` below R.
    constexpr void to_mont(Word* out, const Word* a) const noexcept { mul(out, a, rr_.data()); }
    constexpr void from_mont(Word* out, const Word* a) const noexcept {
        value unit{};
        unit[0] = 1;
        mul(out, a, unit.data());
    }

    // The Montgomery form of x mod m for x of any length (nx words, public): Horner's rule on
    // chunks of n words from the top, each below R. Constant time in x.
    constexpr void reduce_to_mont(Word* out, const Word* x, std::size_t nx) const noexcept {
        const std::size_t n = n_;
        value acc{}, chunk{};
        const std::size_t chunks = (nx + n - 1) / n;
        for (std::size_t c = chunks; c-- > 0;) {
            for (std::size_t i = 0; i < n; ++i) chunk[i] = c * n + i < nx ? x[c * n + i] : Word{0};
            mul(acc.data(), acc.data(), rr_.data());   // acc * R: the form of (acc / R) * R
            mul(chunk.data(), chunk.data(), rr_.data());
            add_mod(acc.data(), acc.data(), chunk.data());
        }
        for (std::size_t i = 0; i < n; ++i) out[i] = acc[i];
        secure_wipe(acc);
        secure_wipe(chunk);
    }

    // out = a + b mod m and a - b mod m, for a, b < m.
    constexpr void add_mod(Word* out, const Word* a, const Word* b) const noexcept {
        Word t[Cap + 1] = {};
        t[n_] = bn_add(t, a, b, n_);
        reduce_once(out, t, t[n_]);
    }
    constexpr void sub_mod(Word* out, const Word* a, const Word* b) const noexcept {
        Word t[Cap] = {}, back[Cap] = {};
        const Word mask = ct::mask_from_bit(bn_sub(t, a, b, n_));
        for (std::size_t i = 0; i < n_; ++i) back[i] = static_cast<Word>(m_[i] & mask);
        (void)bn_add(out, t, back, n_);
    }

private:
    // out = t mod m for t = high * R + t[0..n) below 2m.
    constexpr void reduce_once(Word* out, const Word* t, Word high) const noexcept {
        Word d[Cap] = {};
        const Word borrow = bn_sub(d, t, m_.data(), n_);
        // Keep t when it was below m: a borrow with no high word to absorb it.
        const Word keep = ct::mask_from_bit(static_cast<Word>(borrow & ~high & 1u));
        bn_select(out, keep, t, d, n_);
    }

    // r = 2r mod m, for r < m.
    constexpr void double_mod(value& r) const noexcept { add_mod(r.data(), r.data(), r.data()); }

    // R mod m: 2^(bits(m) - 1) is below m, then the remaining doublings (masked) reach R.
    constexpr void set_r_mod_m(value& r) const noexcept {
        const std::size_t top = bn_bit_length(m_.data(), n_) - 1;
        r = value{};
        r[top / word_bits] = static_cast<Word>(Word{1} << (top % word_bits));
        for (std::size_t i = top; i < word_bits * n_; ++i) double_mod(r);
    }

    value m_{};
    value rr_{};   // R^2 mod m
    value one_{};  // R mod m
    std::size_t n_ = 0;
    Word m0_ = 0;  // -m^-1 mod 2^word_bits
};

}  // namespace carapace::detail
