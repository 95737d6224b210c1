// What ECDSA and ECDH on P-256 and P-384 run on: byte-level operations over one representation
// of the field (mont_field, or a CPU-specific one with the same interface) and the scalar ring.
// Scalars and coordinates are big-endian, `size` bytes; points are SEC1 (uncompressed 04||x||y
// or compressed 02/03||x, SEC 1 v2 §2.3.3-2.3.4). Secrets (private scalars, nonces) are handled
// in constant time; verification and point decoding are variable time on public inputs.
//
//   public_key(out_xy, k)         [k]G as x||y; false when k is 0 or >= n
//   ecdh(out_x, k, point, len)    x of [k]point; false for an invalid point or scalar
//   sign(rs, d, k, e)             r||s with nonce k for the digest integer e (bits2int of the hash);
//                                 false when r or s is 0 (the caller takes another nonce)
//   verify(point, len, e, r, s)   the ECDSA check (FIPS 186-5 §6.4.2), false for anything invalid
//   valid_point(point, len)       whether a SEC1 point decodes and validates
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/ct.hpp"
#include "carapace/ec/detail/fixed_base.hpp"
#include "carapace/ec/detail/jacobian.hpp"
#include "carapace/ec/detail/mont_field.hpp"
#include "carapace/ec/detail/variable_base.hpp"
#include "carapace/ec/detail/weierstrass.hpp"

namespace carapace::detail {

template <class Params, class Field, class Scalar>
struct nist_engine {
    using F = Field;
    using S = Scalar;
    using group = weierstrass_group<Params, F>;
    using point = typename group::point;
    using fe = typename F::element;
    static constexpr std::size_t size = F::bytes;
    static constexpr const char* name = F::name;
    static constexpr bool supported() noexcept { return F::supported(); }

    // 1 <= k < n, for a secret k: only the verdict becomes public.
    static constexpr bool scalar_in_range(const std::uint8_t* k) noexcept {
        const fe v = S::load(k);
        return ct::declassify(static_cast<typename fe::value_type>(S::is_reduced(v) & ~S::is_zero(v))) != 0;
    }

    // Decodes and validates a SEC1 point (public): coordinates below p, on the curve (an
    // uncompressed point off it would be an invalid-curve attack), never the identity.
    static constexpr bool decode_point(point& out, const std::uint8_t* in, std::size_t len) noexcept {
        if (len == 2 * size + 1 && in[0] == 4) {
            fe x = F::load(in + 1), y = F::load(in + 1 + size);
            if (!F::is_reduced(x) || !F::is_reduced(y)) return false;
            F::to_mont(x, x);
            F::to_mont(y, y);
            if (!group::on_curve(x, y)) return false;
            out = point{x, y, F::one};
            return true;
        }
        if (len == size + 1 && (in[0] == 2 || in[0] == 3)) {
            fe x = F::load(in + 1);
            if (!F::is_reduced(x)) return false;
            F::to_mont(x, x);
            fe rhs{}, y{}, check{};
            group::rhs_of(rhs, x);
            F::pow(y, rhs, Params::sqrt_exponent);
            F::sqr(check, y);
            if (!F::equal(check, rhs)) return false;  // x is not on the curve
            fe plain{};
            F::from_mont(plain, y);
            if ((plain[0] & 1) != (in[0] & 1)) F::neg(y, y);
            out = point{x, y, F::one};
            return true;
        }
        return false;
    }

    // ec_validate_point on this engine (the dispatcher has its own).
    static constexpr bool valid_point(const std::uint8_t* in, std::size_t len) noexcept {
        point p{};
        return decode_point(p, in, len);
    }

    static constexpr void store_xy(std::uint8_t* out_x, std::uint8_t* out_y, const point& p) noexcept {
        fe x{}, y{};
        (void)group::to_affine(x, y, p);
        F::store(out_x, x);
        if (out_y != nullptr) F::store(out_y, y);
    }

    static constexpr bool public_key(std::uint8_t* out_xy, const std::uint8_t* k) noexcept {
        if (!scalar_in_range(k)) return false;
        point p{};
        fixed_base<Params, F>::mul(p, k);
        store_xy(out_xy, out_xy + size, p);
        return true;
    }

    static constexpr bool ecdh(std::uint8_t* out_x, const std::uint8_t* k, const std::uint8_t* peer,
                               std::size_t len) noexcept {
        point q{};
        if (!decode_point(q, peer, len) || !scalar_in_range(k)) return false;
        point p{};
        variable_base<Params, F>::mul(p, q, k);
        fe x{}, y{};
        // Cannot be the identity for a valid point of prime order and 0 < k < n; checked anyway.
        const bool identity = ct::declassify(group::to_affine(x, y, p)) != 0;
        F::store(out_x, x);
        return !identity;
    }

    // e (size bytes, below 2^bits) modulo n: n > 2^(bits-1), so one conditional subtraction.
    static constexpr fe reduce_digest(const std::uint8_t* e) noexcept {
        fe v = S::load(e);
        S::reduce_once(v, v, 0);
        return v;
    }

    static constexpr bool sign(std::uint8_t* rs, const std::uint8_t* d, const std::uint8_t* k,
                               const std::uint8_t* e) noexcept {
        point big_r{};
        fixed_base<Params, F>::mul(big_r, k);
        fe x{}, y{};
        (void)group::to_affine(x, y, big_r);
        fe r = x;  // x < p < 2n
        S::reduce_once(r, r, 0);
        fe km = S::load(k), dm = S::load(d), em = reduce_digest(e), rm{};
        S::to_mont(km, km);
        S::to_mont(dm, dm);
        S::to_mont(em, em);
        S::to_mont(rm, r);
        fe k_inv{}, s{};
        S::inv(k_inv, km);
        S::mul(s, rm, dm);
        S::add(s, s, em);
        S::mul(s, s, k_inv);
        S::from_mont(s, s);
        S::store(rs, r);
        S::store(rs + size, s);
        const bool ok = ct::declassify(static_cast<typename fe::value_type>(~S::is_zero(r) & ~S::is_zero(s))) != 0;
        for (fe* v : {&km, &dm, &em, &k_inv, &x, &y}) *v = fe{};
        big_r = point{};
        return ok;
    }

    static constexpr bool verify(const std::uint8_t* public_key, std::size_t len, const std::uint8_t* e,
                                 const std::uint8_t* r_bytes, const std::uint8_t* s_bytes) noexcept {
        point q{};
        if (!decode_point(q, public_key, len)) return false;
        const fe r = S::load(r_bytes), s = S::load(s_bytes);
        if (S::is_zero(r) || S::is_zero(s) || !S::is_reduced(r) || !S::is_reduced(s)) return false;
        fe w{}, u1{}, u2{};
        S::to_mont(w, s);
        S::inv(w, w);  // s^-1 R
        S::mul(u1, reduce_digest(e), w);  // e s^-1: one factor plain, one Montgomery
        S::mul(u2, r, w);
        std::uint8_t a[size] = {}, c[size] = {};
        S::store(a, u1);
        S::store(c, u2);
        // x mod n == r for x < p: x == r, or x == r + n when that is below p.
        fe r_plus_n{};
        if (F::add_words(r_plus_n, r, S::m) != 0 || !F::is_reduced(r_plus_n)) r_plus_n = fe{};
        return jacobian<Params, F>::check(a, typename group::affine{q.x, q.y}, c, r_plus_n, r);
    }
};

}  // namespace carapace::detail
