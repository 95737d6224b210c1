// Montgomery arithmetic modulo an odd number given at run time (an RSA modulus or prime), in a
// type whose capacity Cap (in words) is fixed at compile time: values are x * R mod m with
// R = 2^(word bits * n), n the modulus's length in words. RFC 8017 §5.1.2 and §5.2 reduce to
// products modulo n, p and q; Montgomery's reduction makes each one a sequence of word products
// with no division.
//
// Constant time in the values (the modulus length n is public): the product's final subtraction
// is a masked select. Setting up a modulus (R^2 mod m): for a public modulus by a variable-time
// long division; for a secret prime, once at key load, by masked doublings and squarings whose
// sequence depends only on its length. On x86-64 with BMI2 and ADX the products and squares are
// mont_mulx.hpp's, and with AVX-512 IFMA the powers are mont_ifma.hpp's. Usable in constant
// evaluation (the portable loops).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/rsa/detail/bignum.hpp"
#include "carapace/rsa/detail/mont_ifma.hpp"
#include "carapace/rsa/detail/mont_mulx.hpp"

namespace carapace::detail {

// Engine: rsa_mont_dispatch (the CPU's best), rsa_mont_ifma, rsa_mont_mulx or rsa_mont_portable
// (mont_mulx.hpp).
template <class Word, std::size_t Cap, class Engine = rsa_mont_dispatch>
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
        secure_wipe(to_ifma_);
        m0_ = 0;
    }

    // Takes an odd modulus above 1 of at most Cap words (big-endian bytes, leading zeros
    // allowed). Whether it is odd is public (a key is refused), so the check branches.
    // `is_public`: the modulus is public (an RSA modulus, not a prime), and R^2 mod m may be
    // found by a variable-time long division, which costs about one product instead of eight.
    [[nodiscard]] constexpr bool set(byte_view be, bool is_public = false) noexcept {
        // A prime's length and first byte are public (its DER encoding shows them); whether it is
        // odd is revealed by refusing an even one. Nothing else of its value chooses a branch.
        be = bn_trim(be);
        if (be.empty() || be.size() > Cap * sizeof(Word)) return false;
        if (ct::declassify(static_cast<std::uint8_t>(be.back() & 1u)) == 0) return false;
        if (be.size() == 1 && be[0] == 1) return false;
        bits_ = bn_bits_of(be);
        n_ = (be.size() + sizeof(Word) - 1) / sizeof(Word);
        mulx_ = false;
        ifma_ = false;
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
        if constexpr (std::is_same_v<Word, std::uint64_t>) {
            if (!std::is_constant_evaluated()) {
                // Not const: a const initializer would be a constant expression, where best() is portable.
                auto best = rsa_mont_variants::best();
                const bool dispatch = std::is_same_v<Engine, rsa_mont_dispatch>;
                const bool ifma = Engine::ifma_powers || (dispatch && best == 0);
                mulx_ = n_ % 4 == 0 && (Engine::mulx_products || (dispatch && best != rsa_mont_variants::portable));
                ifma_ = ifma && n_ <= ifma_max_words;
            }
        }
#endif
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
        if (is_public && n_ >= 2) {
            r_squared_by_division();
            set_to_ifma();
            return true;
        }
        std::size_t total = word_bits * n_, squarings = 0;
        while (total % 2 == 0 && total > 8) {  // a doubling costs about a fifth of a squaring
            total /= 2;
            ++squarings;
        }
        for (std::size_t i = 0; i < total; ++i) double_mod(r);
        for (std::size_t i = 0; i < squarings; ++i) sqr(r.data(), r.data());
        rr_ = r;
        secure_wipe(r);
        set_to_ifma();
        return true;
    }

    [[nodiscard]] constexpr std::size_t words() const noexcept { return n_; }
    [[nodiscard]] constexpr const char* engine() const noexcept {
        return ifma_ ? "avx512-ifma" : mulx_ ? "mulx-adx" : "portable";
    }
    [[nodiscard]] constexpr const Word* modulus() const noexcept { return m_.data(); }
    [[nodiscard]] constexpr const value& one() const noexcept { return one_; }  // R mod m

    // out = a * b / R mod m, for a < R and b < m (or a < m and b < R); out may alias a or b.
    // The usual modulus lengths get a copy of the loop with the length known to the compiler
    // (unrolled, the carries kept in registers); any other length takes the general loop.
    constexpr void mul(Word* out, const Word* a, const Word* b) const noexcept {
        constexpr std::size_t per_1024 = 1024 / word_bits;
        using sizes = std::index_sequence<per_1024 / 2, per_1024, per_1024 * 3 / 2, per_1024 * 2, per_1024 * 3,
                                          per_1024 * 4>;
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
        if constexpr (std::is_same_v<Word, std::uint64_t>) {
            if (!std::is_constant_evaluated() && mulx_) {
                std::uint64_t t[2 * Cap + 2];
                for (std::size_t i = 0; i < 2 * n_ + 2; ++i) t[i] = 0;
                rsa_mont_rows_mulx(t, a, b, m_.data(), m0_, n_);
                reduce_once(out, t + n_, t[2 * n_]);
                secure_wipe(t, 2 * n_ + 2);
                return;
            }
        }
#endif
        if (!std::is_constant_evaluated() && mul_fixed(out, a, b, sizes{})) return;
        mul_loop(out, a, b, n_);
    }

    // out = base^exp in Montgomery form by mont_ifma.hpp's power, when this modulus uses it (else
    // false, and the caller takes the portable window loop). Arguments as modexp.hpp's pow_secret.
    bool pow_secret_ifma([[maybe_unused]] Word* out, [[maybe_unused]] const Word* base,
                         [[maybe_unused]] const Word* exp, [[maybe_unused]] std::size_t exp_words,
                         [[maybe_unused]] std::size_t exp_bits) const noexcept {
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
        if constexpr (std::is_same_v<Word, std::uint64_t>) {
            if (!ifma_) return false;
            ifma_pow(ifma_job(out, base, exp), exp_words, exp_bits, n_);
            return true;
        }
#endif
        return false;
    }

    // out = base^e for a public e >= 2, base and out in normal form (base < m), by mont_ifma.hpp
    // when this modulus uses it (else false: modexp.hpp's pow_public does it).
    bool pow_public_ifma([[maybe_unused]] Word* out, [[maybe_unused]] const Word* base,
                         [[maybe_unused]] std::uint32_t e) const noexcept {
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
        if constexpr (std::is_same_v<Word, std::uint64_t>) {
            if (!ifma_) return false;
            value b{};
            to_mont(b.data(), base);
            ifma_pow_public(out, b.data(), e, m_.data(), to_ifma_.data(), m0_ & ifma_limb_mask, n_);
            return true;
        }
#endif
        return false;
    }

    // Two such powers at once, this modulus's and other's (the CRT halves), when both use
    // mont_ifma.hpp and have the same length; else false, and nothing is done.
    template <std::size_t OtherCap>
    bool pow_secret_ifma_pair([[maybe_unused]] Word* out, [[maybe_unused]] const Word* base,
                              [[maybe_unused]] const Word* exp,
                              [[maybe_unused]] const mont_modulus<Word, OtherCap, Engine>& other,
                              [[maybe_unused]] Word* other_out, [[maybe_unused]] const Word* other_base,
                              [[maybe_unused]] const Word* other_exp, [[maybe_unused]] std::size_t exp_words,
                              [[maybe_unused]] std::size_t exp_bits) const noexcept {
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
        if constexpr (std::is_same_v<Word, std::uint64_t>) {
            if (!ifma_ || !other.ifma_ || n_ != other.n_ || n_ > ifma_max_pair_words) return false;
            ifma_pow_pair(ifma_job(out, base, exp), other.ifma_job(other_out, other_base, other_exp), exp_words,
                          exp_bits, n_);
            return true;
        }
#endif
        return false;
    }

    // out = a * a / R mod m, for a < m.
    constexpr void sqr(Word* out, const Word* a) const noexcept {
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
        if constexpr (std::is_same_v<Word, std::uint64_t>) {
            if (!std::is_constant_evaluated() && mulx_) {
                std::uint64_t t[2 * Cap];
                const std::uint64_t high = rsa_mont_sqr_mulx(t, a, m_.data(), m0_, n_);
                reduce_once(out, t + n_, high);
                secure_wipe(t, 2 * n_);
                return;
            }
        }
#endif
        mul(out, a, a);
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
        Word t[Cap + 1];  // only the first n + 1 words are used: no need to clear the rest
        t[n_] = bn_add(t, a, b, n_);
        reduce_once(out, t, t[n_]);
    }
    constexpr void sub_mod(Word* out, const Word* a, const Word* b) const noexcept {
        Word t[Cap], back[Cap];
        const Word mask = ct::mask_from_bit(bn_sub(t, a, b, n_));
        for (std::size_t i = 0; i < n_; ++i) back[i] = static_cast<Word>(m_[i] & mask);
        (void)bn_add(out, t, back, n_);
    }

private:
    template <class, std::size_t, class>
    friend class mont_modulus;

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
    ifma_power ifma_job(Word* out, const Word* base, const Word* exp) const noexcept {
        return {out, base, exp, m_.data(), to_ifma_.data(), one_.data(), m0_ & ifma_limb_mask};
    }
#endif

    template <std::size_t... N>
    constexpr bool mul_fixed(Word* out, const Word* a, const Word* b, std::index_sequence<N...>) const noexcept {
        return ((N <= Cap && n_ == N && (mul_loop(out, a, b, N), true)) || ...);
    }

    // Coarsely integrated operand scanning: a row of the product, then a row of the reduction.
    constexpr void mul_loop(Word* out, const Word* a, const Word* b, const std::size_t n) const noexcept {
        Word t[Cap + 2];
        for (std::size_t i = 0; i < n + 2; ++i) t[i] = 0;
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
        secure_wipe(t, n + 2);
    }

    // out = t mod m for t = high * R + t[0..n) below 2m.
    constexpr void reduce_once(Word* out, const Word* t, Word high) const noexcept {
        Word d[Cap];
        const Word borrow = bn_sub(d, t, m_.data(), n_);
        // Keep t when it was below m: a borrow with no high word to absorb it.
        const Word keep = ct::mask_from_bit(static_cast<Word>(borrow & ~high & 1u));
        bn_select(out, keep, t, d, n_);
        secure_wipe(d, n_);
    }

    // rr_ = 2^(2 * word_bits * n) mod m by schoolbook long division (Knuth, TAOCP vol. 2, 4.3.1,
    // algorithm D), variable time: for public moduli only. The divisor is shifted so that its
    // top bit is set (then each estimated quotient word is at most 2 too large), the dividend by
    // as much, and the remainder back.
    constexpr void r_squared_by_division() noexcept {
        const std::size_t n = n_;
        unsigned shift = 0;
        while (((m_[n - 1] << shift) >> (word_bits - 1)) == 0) ++shift;
        Word v[Cap] = {}, u[2 * Cap + 2] = {};
        for (std::size_t i = 0; i < n; ++i)
            v[i] = shift == 0 ? m_[i]
                              : static_cast<Word>(m_[i] << shift | (i > 0 ? m_[i - 1] >> (word_bits - shift) : 0));
        u[2 * n] = static_cast<Word>(Word{1} << shift);  // 2^(2 word_bits n) shifted; u[2n + 1] = 0
        const wide base = wide{1} << word_bits;
        for (std::size_t j = n + 2; j-- > 0;) {
            const wide top = (wide{u[j + n]} << word_bits) | u[j + n - 1];
            wide qhat = top / v[n - 1], rhat = top % v[n - 1];
            while (qhat >= base || qhat * v[n - 2] > ((rhat << word_bits) | u[j + n - 2])) {
                --qhat;
                rhat += v[n - 1];
                if (rhat >= base) break;
            }
            // u[j .. j+n] -= qhat * v
            Word borrow = 0, carry = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const wide p = qhat * v[i] + carry;
                carry = static_cast<Word>(p >> word_bits);
                const wide d = wide{u[i + j]} - static_cast<Word>(p) - borrow;
                u[i + j] = static_cast<Word>(d);
                borrow = static_cast<Word>((d >> word_bits) & 1u);
            }
            const wide d = wide{u[j + n]} - carry - borrow;
            u[j + n] = static_cast<Word>(d);
            if ((d >> word_bits) & 1u) {  // qhat was one too large: add v back
                Word c = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    const wide t = wide{u[i + j]} + v[i] + c;
                    u[i + j] = static_cast<Word>(t);
                    c = static_cast<Word>(t >> word_bits);
                }
                u[j + n] = static_cast<Word>(u[j + n] + c);
            }
        }
        for (std::size_t i = 0; i < n; ++i)
            rr_[i] = shift == 0 ? u[i]
                                : static_cast<Word>(u[i] >> shift | (i + 1 < n ? u[i + 1] << (word_bits - shift) : 0));
        for (std::size_t i = n; i < Cap; ++i) rr_[i] = 0;
    }

    // to_ifma_ = 2^(104 L - 64 n) mod m (mont_ifma.hpp), by masked doublings of R = 2^(64 n) mod m.
    constexpr void set_to_ifma() noexcept {
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
        if constexpr (std::is_same_v<Word, std::uint64_t>) {
            if (!ifma_) return;
            // to_ifma = 2^(104 L - 64 n) mod m = R 2^k mod m with k = 104 L - 128 n, which is
            // below 108 (4 m < 2^(52 L) < 2^(64 n + 54)). Below m, 2^k is its own residue, and
            // one product takes it there: (R^2 mod m) 2^k / R. Only a modulus of a few words
            // is too short for that and takes the k doublings of R mod m.
            const std::size_t k = 2 * ifma_limb_bits * ifma_limbs_for(n_) - 2 * 64 * n_;
            if (k + 1 < bits_) {
                value power{};
                power[k / 64] = std::uint64_t{1} << (k % 64);
                mul(to_ifma_.data(), rr_.data(), power.data());
                return;
            }
            to_ifma_ = one_;
            for (std::size_t i = 0; i < k; ++i) double_mod(to_ifma_);
        }
#endif
    }

    // r = 2r mod m, for r < m.
    constexpr void double_mod(value& r) const noexcept { add_mod(r.data(), r.data(), r.data()); }

    // R mod m: 2^(bits(m) - 1) is below m, then the remaining doublings (masked) reach R.
    constexpr void set_r_mod_m(value& r) const noexcept {
        const std::size_t top = bits_ - 1;
        r = value{};
        r[top / word_bits] = static_cast<Word>(Word{1} << (top % word_bits));
        for (std::size_t i = top; i < word_bits * n_; ++i) double_mod(r);
    }

    value m_{};
    value rr_{};   // R^2 mod m
    value one_{};  // R mod m
    value to_ifma_{};  // into mont_ifma.hpp's form (there only)
    std::size_t n_ = 0, bits_ = 0;
    Word m0_ = 0;  // -m^-1 mod 2^word_bits
    bool mulx_ = false;  // the MULX/ADX rows (mont_mulx.hpp)
    bool ifma_ = false;  // the AVX-512 IFMA powers (mont_ifma.hpp)
};

}  // namespace carapace::detail
