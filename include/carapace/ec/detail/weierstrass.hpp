// The group of a short Weierstrass curve y^2 = x^3 - 3x + b (P-256, P-384) in projective
// coordinates (X:Y:Z), x = X/Z, y = Y/Z, the identity (0:1:0). Addition and doubling use the
// complete formulas of Renes, Costello and Batina (eprint 2015/1060, algorithms 4, 5 and 6 for
// a = -3): one sequence of field operations for every input, the identity and P + P included, so
// no special case ever branches on a secret.
//
// mul is [k]P with fixed 4-bit windows over these formulas alone: the simplest constant-time
// scalar multiplication, the reference the tests hold the fast ones to (variable_base.hpp for
// ECDH, fixed_base.hpp for [k]G, jacobian.hpp for verification).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/ct.hpp"
#include "carapace/ec/detail/mont_field.hpp"

namespace carapace::detail {

template <class Params, class F>
struct weierstrass_group {
    using fe = typename F::element;
    using word = typename fe::value_type;
    static constexpr std::size_t size = F::bytes;  // bytes of a coordinate or a scalar

    struct point {
        fe x{}, y = F::one, z{};  // the identity unless set
    };
    struct affine {
        fe x{}, y{};
    };

    static constexpr fe to_mont_u64(const std::uint64_t (&v)[Params::bits / 64]) noexcept {
        fe r{};
        F::to_mont(r, F::from_u64(v));
        return r;
    }
    static constexpr fe b = to_mont_u64(Params::b);
    static constexpr affine generator() noexcept { return {to_mont_u64(Params::gx), to_mont_u64(Params::gy)}; }

    // RCB algorithm 4: r = p + q for any p, q.
    static constexpr void add(point& r, const point& p, const point& q) noexcept {
        fe t0{}, t1{}, t2{}, t3{}, t4{}, x3{}, y3{};
        F::mul(t0, p.x, q.x);
        F::mul(t1, p.y, q.y);
        F::mul(t2, p.z, q.z);
        F::add(t3, p.x, p.y);
        F::add(t4, q.x, q.y);
        F::mul(t3, t3, t4);
        F::add(t4, t0, t1);
        F::sub(t3, t3, t4);
        F::add(t4, p.y, p.z);
        F::add(x3, q.y, q.z);
        F::mul(t4, t4, x3);
        F::add(x3, t1, t2);
        F::sub(t4, t4, x3);
        F::add(x3, p.x, p.z);
        F::add(y3, q.x, q.z);
        F::mul(x3, x3, y3);
        F::add(y3, t0, t2);
        F::sub(y3, x3, y3);
        finish_add(r, t0, t1, t2, t3, t4, y3);
    }

    // RCB algorithm 5: r = p + q for an affine q (never the identity).
    static constexpr void add_affine(point& r, const point& p, const affine& q) noexcept {
        fe t0{}, t1{}, t2{}, t3{}, t4{}, y3{};
        F::mul(t0, p.x, q.x);
        F::mul(t1, p.y, q.y);
        F::add(t3, q.x, q.y);
        F::add(t4, p.x, p.y);
        F::mul(t3, t3, t4);
        F::add(t4, t0, t1);
        F::sub(t3, t3, t4);
        F::mul(t4, q.y, p.z);
        F::add(t4, t4, p.y);
        F::mul(y3, q.x, p.z);
        F::add(y3, y3, p.x);
        t2 = p.z;  // the Z1*Z2 of algorithm 4, with Z2 = 1
        finish_add(r, t0, t1, t2, t3, t4, y3);
    }

    // The steps algorithms 4 and 5 share once t0 = X1X2, t1 = Y1Y2, t2 = Z1Z2, t3 = X1Y2 + X2Y1,
    // t4 = Y1Z2 + Y2Z1 and y3 = X1Z2 + X2Z1 are known.
    static constexpr void finish_add(point& r, fe& t0, fe& t1, fe& t2, const fe& t3, const fe& t4, fe& y3) noexcept {
        fe x3{}, z3{};
        F::mul(z3, b, t2);
        F::sub(x3, y3, z3);
        F::add(z3, x3, x3);
        F::add(x3, x3, z3);
        F::sub(z3, t1, x3);
        F::add(x3, t1, x3);
        F::mul(y3, b, y3);
        F::add(t1, t2, t2);
        F::add(t2, t1, t2);
        F::sub(y3, y3, t2);
        F::sub(y3, y3, t0);
        F::add(t1, y3, y3);
        F::add(y3, t1, y3);
        F::add(t1, t0, t0);
        F::add(t0, t1, t0);
        F::sub(t0, t0, t2);
        F::mul(t1, t4, y3);
        F::mul(t2, t0, y3);
        F::mul(y3, x3, z3);
        F::add(y3, y3, t2);
        F::mul(x3, t3, x3);
        F::sub(x3, x3, t1);
        F::mul(z3, t4, z3);
        F::mul(t1, t3, t0);
        F::add(z3, z3, t1);
        r.x = x3;
        r.y = y3;
        r.z = z3;
    }

    // RCB algorithm 6: r = 2p for any p.
    static constexpr void dbl(point& r, const point& p) noexcept {
        fe t0{}, t1{}, t2{}, t3{}, x3{}, y3{}, z3{};
        F::sqr(t0, p.x);
        F::sqr(t1, p.y);
        F::sqr(t2, p.z);
        F::mul(t3, p.x, p.y);
        F::add(t3, t3, t3);
        F::mul(z3, p.x, p.z);
        F::add(z3, z3, z3);
        F::mul(y3, b, t2);
        F::sub(y3, y3, z3);
        F::add(x3, y3, y3);
        F::add(y3, x3, y3);
        F::sub(x3, t1, y3);
        F::add(y3, t1, y3);
        F::mul(y3, x3, y3);
        F::mul(x3, x3, t3);
        F::add(t3, t2, t2);
        F::add(t2, t2, t3);
        F::mul(z3, b, z3);
        F::sub(z3, z3, t2);
        F::sub(z3, z3, t0);
        F::add(t3, z3, z3);
        F::add(z3, z3, t3);
        F::add(t3, t0, t0);
        F::add(t0, t3, t0);
        F::sub(t0, t0, t2);
        F::mul(t0, t0, z3);
        F::add(y3, y3, t0);
        F::mul(t0, p.y, p.z);
        F::add(t0, t0, t0);
        F::mul(z3, t0, z3);
        F::sub(x3, x3, z3);
        F::mul(z3, t0, t1);
        F::add(z3, z3, z3);
        F::add(z3, z3, z3);
        r.x = x3;
        r.y = y3;
        r.z = z3;
    }

    static constexpr void select(point& out, word mask, const point& a) noexcept {
        F::select(out.x, mask, a.x, out.x);
        F::select(out.y, mask, a.y, out.y);
        F::select(out.z, mask, a.z, out.z);
    }
    static constexpr word equal_mask(std::uint32_t x, std::uint32_t y) noexcept {
        return F::word_is_zero(static_cast<word>(x ^ y));
    }

    // Nibble i (from the least significant) of a big-endian scalar of `size` bytes.
    static constexpr std::uint32_t nibble(const std::uint8_t* scalar, std::size_t i) noexcept {
        return static_cast<std::uint32_t>(scalar[size - 1 - i / 2] >> (4 * (i % 2))) & 15u;
    }

    // r = [k]p, k big-endian (any value below 2^bits), constant time (the reference; see the top).
    static constexpr void mul(point& r, const point& p, const std::uint8_t* k) noexcept {
        point table[16];
        table[1] = p;
        for (std::size_t i = 2; i < 16; ++i) {
            if (i % 2 == 0) dbl(table[i], table[i / 2]);
            else add(table[i], table[i - 1], p);
        }
        point acc{};
        for (std::size_t i = 2 * size; i-- > 0;) {
            for (int d = 0; d < 4; ++d) dbl(acc, acc);
            const std::uint32_t w = nibble(k, i);
            point chosen{};
            for (std::uint32_t j = 1; j < 16; ++j) select(chosen, equal_mask(w, j), table[j]);
            add(acc, acc, chosen);
        }
        r = acc;
        for (auto& t : table) t = point{};
    }

    // Affine coordinates (out of Montgomery form) of p; all ones when p is the identity (then
    // x = y = 0). Constant time.
    static constexpr word to_affine(fe& x, fe& y, const point& p) noexcept {
        fe z_inv{};
        F::inv(z_inv, p.z);
        F::mul(x, p.x, z_inv);
        F::mul(y, p.y, z_inv);
        F::from_mont(x, x);
        F::from_mont(y, y);
        return F::is_zero(p.z);
    }

    // y^2 = x^3 - 3x + b, for x and y in Montgomery form.
    static constexpr word on_curve(const fe& x, const fe& y) noexcept {
        fe lhs{}, rhs{};
        F::sqr(lhs, y);
        rhs_of(rhs, x);
        return F::equal(lhs, rhs);
    }
    static constexpr void rhs_of(fe& rhs, const fe& x) noexcept {
        fe t{};
        F::sqr(t, x);
        F::mul(rhs, t, x);
        F::add(t, x, x);
        F::add(t, t, x);
        F::sub(rhs, rhs, t);
        F::add(rhs, rhs, b);
    }
};

}  // namespace carapace::detail
