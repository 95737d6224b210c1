// Jacobian coordinates (x = X/Z^2, y = Y/Z^3, Z = 0 the identity) with formulas for a = -3 from
// the Explicit-Formulas Database: doubling as dbl-2001-b (rearranged, below), addition as
// add-1998-cmo-2 and its mixed form. Several multiplications fewer per step than the complete
// formulas of weierstrass.hpp, but addition has special cases (equal points, opposite points,
// the identity). Where the database offers a variant with a multiplication fewer but factors of
// 2 (add-2007-bl, madd-2007-bl) we take the one with fewer field additions: with the MULX field
// an addition costs a fifth of a multiplication, and the 2007 forms need five to seven more.
//
//   dbl, add_unchecked  branch-free; add_unchecked is wrong for the special cases, so the
//                       constant-time scalar multiplication (variable_base.hpp) uses it only
//                       where they cannot occur, and selects around the identity;
//   add, add_affine     the special cases handled by branches: public inputs only;
//   check               [a]G + [c]Q for ECDSA verification, whose inputs are all public.
//                       Straus's interleaving: one chain of doublings, the width-7 NAF of a over a
// precomputed table of G's odd multiples (width 5 over multiples made on the spot with
// CARAPACE_EC_NO_BASE_TABLE) and the width-5 NAF of c over Q's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/ec/detail/weierstrass.hpp"

namespace carapace::detail {

template <class Params, class F>
struct jacobian {
    using fe = typename F::element;
    using group = weierstrass_group<Params, F>;
    struct point {
        fe x{}, y{}, z{};
    };
    using affine = typename group::affine;

    static constexpr bool is_identity(const point& p) noexcept { return F::is_zero(p.z) != 0; }

    // The a = -3 doubling of dbl-2001-b, rearranged to 4M + 4S with fewer additions: with
    // y2 = 2 Y, g = y2^2 = 4 Y^2, S = X g, alpha = 3 (X - Z^2)(X + Z^2):
    // X3 = alpha^2 - 2 S, Y3 = alpha (S - X3) - g^2 / 2, Z3 = y2 Z. The product y2 Z replaces
    // (Y + Z)^2 - Y^2 - Z^2, and doubling Y once before squaring it gives 4 Y^2, 2 Y Z and
    // (halved) 8 Y^4 with one addition and a halving where doubling 2 Y^2, Y Z and 4 Y^4 took
    // three additions: fewer instructions in the operation ECDH and verification spend most of
    // their time in. Branch-free; the identity (Z = 0) stays one.
    static constexpr void dbl(point& r, const point& p) noexcept {
        fe delta{}, y2{}, g{}, s{}, alpha{}, t{}, u{}, z3{};
        F::sqr(delta, p.z);
        F::add(y2, p.y, p.y);
        F::sqr(g, y2);
        F::sub(t, p.x, delta);
        F::add(u, p.x, delta);
        F::mul(alpha, t, u);
        F::add(t, alpha, alpha);
        F::add(alpha, alpha, t);  // 3 (X - delta)(X + delta)
        F::mul(z3, y2, p.z);
        F::mul(s, g, p.x);  // 4 X Y^2
        F::sqr(t, alpha);
        F::add(u, s, s);
        F::sub(r.x, t, u);  // alpha^2 - 2 S
        F::sub(t, s, r.x);
        F::mul(t, alpha, t);
        F::sqr(g, g);
        F::half(g, g);  // 8 Y^4
        F::sub(r.y, t, g);
        r.z = z3;
    }

    // The tail shared by add and madd (add-1998-cmo-2 and its mixed form): with HH = H^2,
    // HHH = H HH, V = U1 HH: X3 = r^2 - HHH - 2 V, Y3 = r (V - X3) - S1 HHH. One multiplication
    // more than the 2007 formulas, whose factors of 2 cost six (madd: seven) field additions more.
    static constexpr void finish(point& out, const fe& rr, const fe& h, const fe& u1, const fe& s1) noexcept {
        fe hh{}, hhh{}, v{}, t{}, u{};
        F::sqr(hh, h);
        F::mul(hhh, h, hh);
        F::mul(v, u1, hh);
        F::sqr(t, rr);
        F::sub(t, t, hhh);
        F::add(u, v, v);
        F::sub(t, t, u);
        F::sub(u, v, t);
        F::mul(u, rr, u);
        F::mul(v, s1, hhh);
        F::sub(out.y, u, v);
        out.x = t;
    }

    // add-1998-cmo-2: 12M + 4S, for p != +-q and neither the identity (nothing checked).
    static constexpr void add_unchecked(point& r, const point& p, const point& q) noexcept {
        fe z1z1{}, z2z2{}, u1{}, u2{}, s1{}, s2{}, h{}, rr{};
        add_start(z1z1, z2z2, u1, u2, s1, s2, h, rr, p, q);
        add_finish(r, p, q, u1, s1, h, rr);
    }

    static constexpr void add_start(fe& z1z1, fe& z2z2, fe& u1, fe& u2, fe& s1, fe& s2, fe& h, fe& rr, const point& p,
                                    const point& q) noexcept {
        F::sqr(z1z1, p.z);
        F::sqr(z2z2, q.z);
        F::mul(u1, p.x, z2z2);
        F::mul(u2, q.x, z1z1);
        F::mul(s1, p.y, q.z);
        F::mul(s1, s1, z2z2);
        F::mul(s2, q.y, p.z);
        F::mul(s2, s2, z1z1);
        F::sub(h, u2, u1);
        F::sub(rr, s2, s1);
    }

    // Any p and q; branches on them.
    static constexpr void add(point& r, const point& p, const point& q) noexcept {
        if (is_identity(p)) {
            r = q;
            return;
        }
        if (is_identity(q)) {
            r = p;
            return;
        }
        fe z1z1{}, z2z2{}, u1{}, u2{}, s1{}, s2{}, h{}, rr{};
        add_start(z1z1, z2z2, u1, u2, s1, s2, h, rr, p, q);
        if (F::is_zero(h)) {
            if (F::is_zero(rr)) return dbl(r, p);
            r = point{};  // p = -q
            return;
        }
        add_finish(r, p, q, u1, s1, h, rr);
    }

    static constexpr void add_finish(point& r, const point& p, const point& q, const fe& u1, const fe& s1, const fe& h,
                                     const fe& rr) noexcept {
        fe z{};
        F::mul(z, p.z, q.z);
        F::mul(z, z, h);
        finish(r, rr, h, u1, s1);
        r.z = z;
    }

    // The mixed addition (q affine, never the identity), 8M + 3S. Any p; branches on it.
    static constexpr void add_affine(point& r, const point& p, const affine& q) noexcept {
        if (is_identity(p)) {
            r = point{q.x, q.y, F::one};
            return;
        }
        fe z1z1{}, h{}, rr{};
        add_affine_start(z1z1, h, rr, p, q);
        if (F::is_zero(h)) {
            if (F::is_zero(rr)) return dbl(r, p);
            r = point{};
            return;
        }
        add_affine_finish(r, p, h, rr);
    }

    // The same for p != +-q and p not the identity (nothing checked, no branch).
    static constexpr void add_affine_unchecked(point& r, const point& p, const affine& q) noexcept {
        fe z1z1{}, h{}, rr{};
        add_affine_start(z1z1, h, rr, p, q);
        add_affine_finish(r, p, h, rr);
    }

    static constexpr void add_affine_start(fe& z1z1, fe& h, fe& rr, const point& p, const affine& q) noexcept {
        fe u2{}, s2{};
        F::sqr(z1z1, p.z);
        F::mul(u2, q.x, z1z1);
        F::mul(s2, q.y, p.z);
        F::mul(s2, s2, z1z1);
        F::sub(h, u2, p.x);
        F::sub(rr, s2, p.y);
    }

    static constexpr void add_affine_finish(point& r, const point& p, const fe& h, const fe& rr) noexcept {
        fe z{};
        F::mul(z, p.z, h);
        const fe x1 = p.x, y1 = p.y;
        finish(r, rr, h, x1, y1);
        r.z = z;
    }

    // Jacobian (X, Y, Z) to projective (X Z, Y, Z^3): the same point, the identity kept.
    static constexpr typename group::point to_projective(const point& p) noexcept {
        typename group::point r{};
        fe z2{};
        F::sqr(z2, p.z);
        F::mul(r.z, z2, p.z);
        F::mul(r.x, p.x, p.z);
        r.y = p.y;
        return r;
    }

    // Width-w NAF of a big-endian scalar below 2^bits (digits odd in (-2^(w-1), 2^(w-1)) or 0),
    // for public scalars only: it skips along the bits, so its time depends on them. Each digit
    // reads w bits at once from 64-bit words and carries into the next; shifting the whole
    // scalar by one bit per position instead cost a tenth of a verification at -O2, where GCC
    // keeps that loop rolled.
    template <int W>
    static constexpr void naf(std::int8_t (&out)[Params::bits + 1], const std::uint8_t* k) noexcept {
        constexpr std::size_t size = F::bytes;
        constexpr std::size_t bits = Params::bits;
        std::uint64_t v[bits / 64 + 1] = {};
        for (std::size_t i = 0; i < size; ++i) v[i / 8] |= std::uint64_t{k[size - 1 - i]} << (8 * (i % 8));
        const auto bits_at = [&](std::size_t pos, std::size_t count) {
            std::uint64_t x = v[pos / 64] >> (pos % 64);
            if (pos % 64 != 0) x |= v[pos / 64 + 1] << (64 - pos % 64);
            return static_cast<std::int32_t>(x & ((std::uint64_t{1} << count) - 1));
        };
        for (auto& d : out) d = 0;
        std::int32_t carry = 0;
        std::size_t bit = 0;
        while (bit < bits) {
            if (bits_at(bit, 1) == carry) {  // this position, with the carry, is even: a zero digit
                ++bit;
                continue;
            }
            const std::size_t count = bits - bit < W ? bits - bit : W;
            std::int32_t d = bits_at(bit, count) + carry;  // odd, below 2^W
            carry = (d >> (W - 1)) & 1;
            d -= carry << W;
            out[bit] = static_cast<std::int8_t>(d);
            bit += count;
        }
        out[bits] = static_cast<std::int8_t>(carry);
    }

    // True when x([a]G + [c]Q) mod n equals r (r below n, given as plain field words).
    static constexpr bool check(const std::uint8_t* a, const affine& q_affine, const std::uint8_t* c,
                                const fe& r_plus_n_or_zero, const fe& r) noexcept {
        point q{q_affine.x, q_affine.y, F::one};
        point odd_q[8];
        odd_q[0] = q;
        point twice{};
        dbl(twice, q);
        for (std::size_t i = 1; i < 8; ++i) add(odd_q[i], odd_q[i - 1], twice);
        std::int8_t na[Params::bits + 1], nc[Params::bits + 1];
#if !defined(CARAPACE_EC_NO_BASE_TABLE)
        naf<7>(na, a);
#endif
        naf<5>(nc, c);
#if defined(CARAPACE_EC_NO_BASE_TABLE)
        // No table of G: its odd multiples are made here, like Q's, for a width-5 NAF.
        point odd_g[8];
        const affine g0 = group::generator();
        odd_g[0] = point{g0.x, g0.y, F::one};
        dbl(twice, odd_g[0]);
        for (std::size_t i = 1; i < 8; ++i) add(odd_g[i], odd_g[i - 1], twice);
        naf<5>(na, a);
#endif
        point acc{};
        std::size_t top = Params::bits + 1;
        while (top > 0 && na[top - 1] == 0 && nc[top - 1] == 0) --top;
        for (std::size_t i = top; i-- > 0;) {
            dbl(acc, acc);
            if (na[i] != 0) {
                const int index = (na[i] < 0 ? -na[i] : na[i]) / 2;
#if defined(CARAPACE_EC_NO_BASE_TABLE)
                point g = odd_g[index];
                if (na[i] < 0) F::neg(g.y, g.y);
                add(acc, acc, g);
#else
                affine g{F::from_u64(Params::base_odd[index][0]), F::from_u64(Params::base_odd[index][1])};
                if (na[i] < 0) F::neg(g.y, g.y);
                add_affine(acc, acc, g);
#endif
            }
            if (nc[i] != 0) {
                point t = odd_q[(nc[i] < 0 ? -nc[i] : nc[i]) / 2];
                if (nc[i] < 0) F::neg(t.y, t.y);
                add(acc, acc, t);
            }
        }
        if (is_identity(acc)) return false;
        // X == r Z^2 (Montgomery form), or (r + n) Z^2 when r + n < p.
        fe z2{}, t{};
        F::sqr(z2, acc.z);
        F::to_mont(t, r);
        F::mul(t, t, z2);
        if (F::equal(t, acc.x)) return true;
        if (F::is_zero(r_plus_n_or_zero)) return false;
        F::to_mont(t, r_plus_n_or_zero);
        F::mul(t, t, z2);
        return F::equal(t, acc.x) != 0;
    }
};

}  // namespace carapace::detail
