// The Ed25519 group (RFC 8032 §5.1) over any representation F of GF(2^255 - 19): twisted
// Edwards -x^2 + y^2 = 1 + d x^2 y^2 in extended coordinates (Hisil-Wong-Carter-Dawson 2008).
// Point forms follow the usual split: p3 (X:Y:Z:T), p2 (X:Y:Z) for doubling chains, p1p1 (the
// "completed" result of an addition or doubling, x = X/Z, y = Y/T), cached (Y+X, Y-X, Z, 2dT)
// and niels (y+x, y-x, 2dxy, affine).
//
// - base_mul: constant-time [a]B (also X25519 with the base point, through the birational map) for a secret scalar: signed radix-16 digits and a table of
//   (k+1)*256^j*B, every row scanned whole with constant-time selection.
// - verify_mul: variable-time [s]B - [k]A for public s, k, A (wNAF, widths 8 and 5).
#pragma once

#include <cstdint>

#include "carapace/core/ct.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/detail/ed25519_tables.hpp"
#include "carapace/ec/detail/fe25519_ops.hpp"

namespace carapace::detail {

template <class F>
struct ed25519_group {
    using fe = typename F::fe;
    using ops = fe25519_ops<F>;

    struct p2 { fe X, Y, Z; };
    struct p3 { fe X, Y, Z, T; };
    struct p1p1 { fe X, Y, Z, T; };
    struct cached { fe YplusX, YminusX, Z, T2d; };
    struct niels { fe yplusx, yminusx, xy2d; };

    // The tables hold canonical values as four little-endian 64-bit words, converted to F where
    // used (a few shifts and masks), so no table in F's own form is computed while compiling.
    static constexpr niels niels_from_words(const std::uint64_t (&c)[3][4]) noexcept {
        return {F::from_words(c[0]), F::from_words(c[1]), F::from_words(c[2])};
    }

    struct constants {
        fe d, d2, sqrt_m1;
    };
    static constexpr constants table = {F::from_words(ed25519_d_words), F::from_words(ed25519_2d_words),
                                        F::from_words(ed25519_sqrt_m1_words)};

    static constexpr p3 identity() noexcept { return {F::zero(), F::one(), F::one(), F::zero()}; }

    static constexpr p2 to_p2(const p1p1& r) noexcept {
        return {F::mul(r.X, r.T), F::mul(r.Y, r.Z), F::mul(r.Z, r.T)};
    }
    static constexpr p3 to_p3(const p1p1& r) noexcept {
        return {F::mul(r.X, r.T), F::mul(r.Y, r.Z), F::mul(r.Z, r.T), F::mul(r.X, r.Y)};
    }
    static constexpr p2 to_p2(const p3& p) noexcept { return {p.X, p.Y, p.Z}; }
    static constexpr cached to_cached(const p3& p) noexcept {
        return {F::add(p.Y, p.X), F::sub(p.Y, p.X), p.Z, F::mul(p.T, table.d2)};
    }

    static constexpr p1p1 dbl(const p2& p) noexcept {
        const fe xx = F::sqr(p.X);
        const fe yy = F::sqr(p.Y);
        const fe zz2 = F::add(F::sqr(p.Z), F::sqr(p.Z));
        const fe s = F::sqr(F::add(p.X, p.Y));
        const fe y = F::add(yy, xx);
        const fe z = F::sub(yy, xx);
        return {F::sub(s, y), y, z, F::sub(zz2, z)};
    }
    static constexpr p1p1 dbl(const p3& p) noexcept { return dbl(to_p2(p)); }

    // p + q (Sub: p - q).
    template <bool Sub = false>
    static constexpr p1p1 add(const p3& p, const cached& q) noexcept {
        const fe a = F::mul(F::add(p.Y, p.X), Sub ? q.YminusX : q.YplusX);
        const fe b = F::mul(F::sub(p.Y, p.X), Sub ? q.YplusX : q.YminusX);
        const fe c = F::mul(q.T2d, p.T);
        const fe zz = F::mul(p.Z, q.Z);
        const fe d = F::add(zz, zz);
        return {F::sub(a, b), F::add(a, b), Sub ? F::sub(d, c) : F::add(d, c), Sub ? F::add(d, c) : F::sub(d, c)};
    }
    template <bool Sub = false>
    static constexpr p1p1 madd(const p3& p, const niels& q) noexcept {
        const fe a = F::mul(F::add(p.Y, p.X), Sub ? q.yminusx : q.yplusx);
        const fe b = F::mul(F::sub(p.Y, p.X), Sub ? q.yplusx : q.yminusx);
        const fe c = F::mul(q.xy2d, p.T);
        const fe d = F::add(p.Z, p.Z);
        return {F::sub(a, b), F::add(a, b), Sub ? F::sub(d, c) : F::add(d, c), Sub ? F::add(d, c) : F::sub(d, c)};
    }

    template <class P>
    static constexpr void encode(std::uint8_t* out, const P& p) noexcept {
        const fe zi = ops::invert(p.Z);
        const fe x = F::mul(p.X, zi);
        const fe y = F::mul(p.Y, zi);
        F::to_bytes(out, y);
        out[31] = static_cast<std::uint8_t>(out[31] | (ops::is_negative(x) ? 0x80 : 0));
    }

    // Decodes a point (RFC 8032 §5.1.3), rejecting non-canonical y (y >= p) and x = 0 with the
    // sign bit set. Variable time: for public keys.
    static constexpr bool decode(p3& out, const std::uint8_t* s) noexcept {
        // y >= p exactly when the low 255 bits are 2^255 - 19 .. 2^255 - 1.
        bool all_ff = (s[31] & 0x7f) == 0x7f;
        for (int i = 1; i < 31; ++i) all_ff = all_ff && s[i] == 0xff;
        if (all_ff && s[0] >= 0xed) return false;
        const bool sign = (s[31] >> 7) != 0;
        const fe y = F::from_bytes(s);
        const fe yy = F::sqr(y);
        const fe u = F::sub(yy, F::one());
        const fe v = F::add(F::mul(yy, table.d), F::one());
        // x = u v^3 (u v^7)^((p-5)/8)
        const fe v3 = F::mul(F::sqr(v), v);
        const fe v7 = F::mul(F::sqr(v3), v);
        fe x = F::mul(F::mul(u, v3), ops::pow_p58(F::mul(u, v7)));
        const fe vxx = F::mul(v, F::sqr(x));
        if (!ops::equal(vxx, u)) {
            if (!ops::equal(vxx, F::neg(u))) return false;
            x = F::mul(x, table.sqrt_m1);
        }
        if (ops::is_zero(x) && sign) return false;
        if (ops::is_negative(x) != sign) x = F::neg(x);
        out = {x, y, F::one(), F::mul(x, y)};
        return true;
    }

    // Constant-time: t = comb[row][|digit| - 1], negated when digit < 0; the identity for 0.
    static constexpr niels select(int row, std::int8_t digit) noexcept {
        const auto b = static_cast<std::uint8_t>(digit);
        const std::uint64_t negative = b >> 7;
        const std::uint32_t magnitude = static_cast<std::uint8_t>(b ^ (0u - negative)) + static_cast<std::uint32_t>(negative);
        std::uint64_t w[3][4] = {{1, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 0}};  // the identity
        for (std::uint32_t k = 1; k <= 8; ++k) {
            const std::uint32_t hit = ((magnitude ^ k) - 1u) >> 31;  // 1 when magnitude == k
            const std::uint64_t m = ct::mask_from_bit(std::uint64_t{hit});
            const auto& e = ed25519_base_comb[row][k - 1];
CARAPACE_UNROLL(3)
            for (int c = 0; c < 3; ++c)
CARAPACE_UNROLL(4)
                for (int i = 0; i < 4; ++i) w[c][i] ^= (w[c][i] ^ e[c][i]) & m;
        }
        niels t = niels_from_words(w);
        secure_wipe(&w[0][0], 12);
        F::cswap(negative, t.yplusx, t.yminusx);
        F::cmov(negative, t.xy2d, F::neg(t.xy2d));
        return t;
    }

    // [a]B for a 32-byte scalar a < 2^255, in constant time.
    static constexpr p3 base_mul(const std::uint8_t* a) noexcept {
        std::int8_t e[64] = {};
        for (int i = 0; i < 32; ++i) {
            e[2 * i] = static_cast<std::int8_t>(a[i] & 15);
            e[2 * i + 1] = static_cast<std::int8_t>(a[i] >> 4);
        }
        // Signed digits in [-8, 8): each carry is (e + 8) >> 4, computed without branches.
        std::int8_t carry = 0;
        for (int i = 0; i < 63; ++i) {
            e[i] = static_cast<std::int8_t>(e[i] + carry);
            carry = static_cast<std::int8_t>((e[i] + 8) >> 4);
            e[i] = static_cast<std::int8_t>(e[i] - carry * 16);
        }
        e[63] = static_cast<std::int8_t>(e[63] + carry);

        p3 h = identity();
        for (int i = 1; i < 64; i += 2) h = to_p3(madd(h, select(i / 2, e[i])));
        p2 q = to_p2(dbl(h));
        q = to_p2(dbl(q));
        q = to_p2(dbl(q));
        h = to_p3(dbl(q));
        for (int i = 0; i < 64; i += 2) h = to_p3(madd(h, select(i / 2, e[i])));
        secure_wipe(e, 64);
        secure_wipe(q);
        return h;
    }

    // out = encode([a]B), constant-time.
    static constexpr void base_mul(std::uint8_t* out, const std::uint8_t* a) noexcept {
        p3 h = base_mul(a);
        encode(out, h);
        secure_wipe(h);
    }

    // out = X25519(k, 9) computed on the Edwards curve: [k]B for the clamped k (never the
    // identity), then the birational map u = (1 + y) / (1 - y) = (Z + Y) / (Z - Y). Constant-time.
    static constexpr void x25519_base(std::uint8_t* out, const std::uint8_t* scalar) noexcept {
        std::uint8_t k[32] = {};
        for (int i = 0; i < 32; ++i) k[i] = scalar[i];
        k[0] &= 248;
        k[31] &= 127;
        k[31] |= 64;
        p3 h = base_mul(k);
        F::to_bytes(out, F::mul(F::add(h.Z, h.Y), ops::invert(F::sub(h.Z, h.Y))));
        secure_wipe(k, 32);
        secure_wipe(h);
    }

    // Width-w NAF of a 256-bit little-endian number below 2^255: odd digits in (-2^(w-1), 2^(w-1)).
    // Reads windows of bits with a carry instead of subtracting each digit from a shifted copy of
    // the number: the same digits, and no multi-word shift per bit, which GCC leaves in memory
    // at -O2.
    static constexpr void wnaf(std::int8_t* naf, const std::uint8_t* s, int w) noexcept {
        std::uint64_t k[5] = {};
        for (int i = 0; i < 32; ++i) k[i / 8] |= std::uint64_t{s[i]} << (8 * (i % 8));
        for (int i = 0; i < 256; ++i) naf[i] = 0;
        const auto bits = [&k](int at, int count) {
            const int word = at / 64, shift = at % 64;
            std::uint64_t x = k[word] >> shift;
            if (shift != 0) x |= k[word + 1] << (64 - shift);
            return x & ((std::uint64_t{1} << count) - 1);
        };
        std::uint64_t carry = 0;
        for (int i = 0; i < 256;) {
            if (bits(i, 1) == carry) {
                ++i;
                continue;
            }
            const int now = w < 256 - i ? w : 256 - i;
            const std::uint64_t digit = bits(i, now) + carry;
            carry = (digit >> (w - 1)) & 1;
            naf[i] = static_cast<std::int8_t>(static_cast<std::int64_t>(digit) - static_cast<std::int64_t>(carry << w));
            i += now;
        }
    }

    // out = encode([s]B - [k]A) for public s, k (below 2^253) and A. Variable time.
    static constexpr void verify_mul(std::uint8_t* out, const std::uint8_t* s, const std::uint8_t* k, const p3& a) noexcept {
        std::int8_t ns[256] = {}, nk[256] = {};
        wnaf(ns, s, 8);
        wnaf(nk, k, 5);
        // Odd multiples A, 3A, ..., 15A.
        cached am[8] = {};
        am[0] = to_cached(a);
        const p3 a2 = to_p3(dbl(a));
        for (int i = 1; i < 8; ++i) am[i] = to_cached(to_p3(add(a2, am[i - 1])));

        int i = 255;
        while (i >= 0 && ns[i] == 0 && nk[i] == 0) --i;
        p2 r{F::zero(), F::one(), F::one()};
        for (; i >= 0; --i) {
            p1p1 t = dbl(r);
            if (ns[i] > 0) t = madd(to_p3(t), niels_from_words(ed25519_base_odd[ns[i] / 2]));
            else if (ns[i] < 0) t = madd<true>(to_p3(t), niels_from_words(ed25519_base_odd[-ns[i] / 2]));
            // -[k]A: a positive digit subtracts.
            if (nk[i] > 0) t = add<true>(to_p3(t), am[nk[i] / 2]);
            else if (nk[i] < 0) t = add(to_p3(t), am[-nk[i] / 2]);
            r = to_p2(t);
        }
        encode(out, r);
    }
};

}  // namespace carapace::detail
