// Constant-time inversion modulo any odd modulus of `Bits` bits (the fields of Curve25519, P-256
// and P-384, and the group orders of the NIST curves) by Bernstein and Yang's divsteps ("Fast
// constant-time gcd computation and modular inversion", 2019). Two to eight times faster than
// Fermat's a^(m-2) with the same field, which matters most for ECDSA signing: one inversion
// modulo p (the nonce point's x) and one modulo n (the nonce).
//
// Up to 256 bits, the variant that starts from delta = 1/2, for which 590 steps take any
// g <= f < 2^256 to g = 0 (the bound computed and machine-checked for libsecp256k1's safegcd):
// 10 batches of 62. Above, the original divstep (delta starts
// at 1), whose step count the paper bounds by floor((49d + 57) / 17) for d-bit inputs, d >= 46
// (Theorem 11.2): 1,110 for 384 bits, 18 batches. Each batch works on the low 64 bits of f and
// g, collecting the 2x2 matrix of its steps, then applies it to f, g and to d, e, which keep
// f = d x and g = e x (mod m); when g reaches 0, f = +-1 (or m when x = 0, d then 0).
//
// Constant-time: fixed step and batch counts, every choice a mask from g's parity and delta's
// sign, d and e corrected by masked additions and multiples of m. Numbers are signed limbs of 62
// bits (all but the top one in [0, 2^62) after each update), products in 128-bit integers.
// The limb loops are unrolled by pragma: GCC 12 at -O2 keeps them rolled otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/ct.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/unroll.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_INT128

template <std::size_t Bits>
struct safegcd {
    using i64 = std::int64_t;
    using u64 = std::uint64_t;
    static constexpr std::size_t words = Bits / 64;
    static constexpr std::size_t limbs = (Bits + 2) / 62 + 1;  // room for a sign and Bits + 1 bits
    static constexpr int steps_per_batch = 62;
    static constexpr bool half_delta = Bits <= 256;
    static constexpr int batches =
        half_delta ? (590 + 61) / 62 : static_cast<int>(((49 * Bits + 57) / 17 + 1 + 61) / 62);
    static constexpr u64 mask62 = (u64{1} << 62) - 1;

    struct s62 {
        i64 v[limbs];
    };
    struct matrix {
        i64 u, v, q, r;
    };

    static constexpr s62 from_words(const u64* w) noexcept {
        s62 a{};
CARAPACE_UNROLL(8)
        for (std::size_t i = 0; i < limbs; ++i) {
            const std::size_t bit = 62 * i;
            u64 x = 0;
            if (bit / 64 < words) x = w[bit / 64] >> (bit % 64);
            if (bit % 64 > 2 && bit / 64 + 1 < words) x |= w[bit / 64 + 1] << (64 - bit % 64);
            a.v[i] = static_cast<i64>(x & mask62);
        }
        return a;
    }
    static constexpr void to_words(u64* w, const s62& a) noexcept {
CARAPACE_UNROLL(8)
        for (std::size_t j = 0; j < words; ++j) {
            const std::size_t bit = 64 * j;
            u64 x = static_cast<u64>(a.v[bit / 62]) >> (bit % 62);
            if (bit / 62 + 1 < limbs) x |= static_cast<u64>(a.v[bit / 62 + 1]) << (62 - bit % 62);
            if (bit % 62 > 60 && bit / 62 + 2 < limbs) x |= static_cast<u64>(a.v[bit / 62 + 2]) << (124 - bit % 62);
            w[j] = x;
        }
    }

    // steps_per_batch divsteps on the low 64 bits of f and g. A step with g odd and delta > 0:
    // (f, g) = (g, (g - f) / 2), delta = 1 - delta; else g odd: g = (g + f) / 2; g even: g / 2;
    // delta + 1 in both. `delta` holds delta itself (starting at 1), or for the half-delta
    // variant delta - 1/2 (starting at 0), the same updates on an integer: then the test is
    // delta - 1/2 >= 0 and 1 - delta becomes -(delta - 1/2).
    static constexpr i64 divsteps(i64 delta, u64 f, u64 g, matrix& t) noexcept {
        u64 u = 1, v = 0, q = 0, r = 1;
        constexpr i64 positive_from = half_delta ? 0 : 1;
        constexpr u64 swap_extra = half_delta ? 0 : 1;
        for (int i = 0; i < steps_per_batch; ++i) {
            const u64 pos = ct::value_barrier(~static_cast<u64>((delta - positive_from) >> 63));
            const u64 odd = ct::value_barrier(0 - (g & 1));
            g += ((f ^ pos) - pos) & odd;
            q += ((u ^ pos) - pos) & odd;
            r += ((v ^ pos) - pos) & odd;
            const u64 swap = pos & odd;
            f += g & swap;
            u += q & swap;
            v += r & swap;
            // Swapped: 1 - delta = ~delta + 2 (half: -theta = ~theta + 1); else delta + 1.
            delta = static_cast<i64>((static_cast<u64>(delta) ^ swap) + 1 + (swap & swap_extra));
            g >>= 1;
            u = ct::value_barrier(u << 1);
            v = ct::value_barrier(v << 1);
            q = ct::value_barrier(q);
            r = ct::value_barrier(r);
        }
        t = {static_cast<i64>(u), static_cast<i64>(v), static_cast<i64>(q), static_cast<i64>(r)};
        return delta;
    }

    // (f, g) = (u f + v g, q f + r g) / 2^62, exact.
    static constexpr void update_fg(s62& f, s62& g, const matrix& t) noexcept {
        i128 cf = i128{t.u} * f.v[0] + i128{t.v} * g.v[0];
        i128 cg = i128{t.q} * f.v[0] + i128{t.r} * g.v[0];
        cf >>= 62;
        cg >>= 62;
CARAPACE_UNROLL(8)
        for (std::size_t i = 1; i < limbs; ++i) {
            cf += i128{t.u} * f.v[i] + i128{t.v} * g.v[i];
            cg += i128{t.q} * f.v[i] + i128{t.r} * g.v[i];
            f.v[i - 1] = static_cast<i64>(static_cast<u64>(cf) & mask62);
            g.v[i - 1] = static_cast<i64>(static_cast<u64>(cg) & mask62);
            cf >>= 62;
            cg >>= 62;
        }
        f.v[limbs - 1] = static_cast<i64>(cf);
        g.v[limbs - 1] = static_cast<i64>(cg);
    }

    static constexpr i64 sign_mask(i64 a) noexcept {
        return static_cast<i64>(ct::value_barrier(static_cast<u64>(a >> 63)));
    }

    // (d, e) = (u d + v e, q d + r e) / 2^62 mod m for d, e in (-2m, m), results in (-2m, m):
    // negative inputs get m added first, then a multiple k m, k in (-2^62, 0], clears the low
    // 62 bits of each sum.
    static constexpr void update_de(s62& d, s62& e, const matrix& t, const s62& m, u64 m_inv62) noexcept {
        const i64 dn = sign_mask(d.v[limbs - 1]), en = sign_mask(e.v[limbs - 1]);
CARAPACE_UNROLL(8)
        for (std::size_t i = 0; i < limbs; ++i) {
            d.v[i] += m.v[i] & dn;
            e.v[i] += m.v[i] & en;
        }
        i128 cd = i128{t.u} * d.v[0] + i128{t.v} * e.v[0];
        i128 ce = i128{t.q} * d.v[0] + i128{t.r} * e.v[0];
        const i64 kd = -static_cast<i64>((static_cast<u64>(cd) * m_inv62) & mask62);
        const i64 ke = -static_cast<i64>((static_cast<u64>(ce) * m_inv62) & mask62);
        cd += i128{kd} * m.v[0];
        ce += i128{ke} * m.v[0];
        cd >>= 62;
        ce >>= 62;
CARAPACE_UNROLL(8)
        for (std::size_t i = 1; i < limbs; ++i) {
            cd += i128{t.u} * d.v[i] + i128{t.v} * e.v[i] + i128{kd} * m.v[i];
            ce += i128{t.q} * d.v[i] + i128{t.r} * e.v[i] + i128{ke} * m.v[i];
            d.v[i - 1] = static_cast<i64>(static_cast<u64>(cd) & mask62);
            e.v[i - 1] = static_cast<i64>(static_cast<u64>(ce) & mask62);
            cd >>= 62;
            ce >>= 62;
        }
        d.v[limbs - 1] = static_cast<i64>(cd);
        e.v[limbs - 1] = static_cast<i64>(ce);
    }

    static constexpr void normalize(s62& a) noexcept {
CARAPACE_UNROLL(8)
        for (std::size_t i = 0; i + 1 < limbs; ++i) {
            a.v[i + 1] += a.v[i] >> 62;
            a.v[i] = static_cast<i64>(static_cast<u64>(a.v[i]) & mask62);
        }
    }
    static constexpr void add_masked(s62& a, const s62& m, i64 mask) noexcept {
CARAPACE_UNROLL(8)
        for (std::size_t i = 0; i < limbs; ++i) a.v[i] += m.v[i] & mask;
        normalize(a);
    }

    // out = in^-1 mod m (0 for 0), little-endian 64-bit words, in < m. out may be in.
    static constexpr void invert(u64* out, const u64* in, const u64* modulus) noexcept {
        const s62 m = from_words(modulus);
        const u64 m_inv62 = [&] {
            u64 x = 1;
            const u64 m0 = static_cast<u64>(m.v[0]);
            for (int i = 0; i < 6; ++i) x *= 2 - m0 * x;
            return x & mask62;
        }();
        s62 f = m, g = from_words(in), d{}, e{};
        e.v[0] = 1;
        i64 delta = half_delta ? 0 : 1;
        for (int b = 0; b < batches; ++b) {
            matrix t{};
            delta = divsteps(delta, static_cast<u64>(f.v[0]) | (static_cast<u64>(f.v[1]) << 62),
                             static_cast<u64>(g.v[0]) | (static_cast<u64>(g.v[1]) << 62), t);
            update_de(d, e, t, m, m_inv62);
            update_fg(f, g, t);
        }
        // f = +-1 (or m with d = 0 when in = 0): in^-1 = d with f's sign, d in (-2m, m).
        const i64 fn = sign_mask(f.v[limbs - 1]);
CARAPACE_UNROLL(8)
        for (std::size_t i = 0; i < limbs; ++i) d.v[i] = (d.v[i] ^ fn) - fn;
        normalize(d);  // in (-2m, 2m)
        add_masked(d, m, sign_mask(d.v[limbs - 1]));
        add_masked(d, m, sign_mask(d.v[limbs - 1]));  // [0, 2m)
        s62 s = d;
CARAPACE_UNROLL(8)
        for (std::size_t i = 0; i < limbs; ++i) s.v[i] -= m.v[i];
        normalize(s);
        const i64 keep = sign_mask(s.v[limbs - 1]);
CARAPACE_UNROLL(8)
        for (std::size_t i = 0; i < limbs; ++i) d.v[i] = (d.v[i] & keep) | (s.v[i] & ~keep);
        to_words(out, d);
        f = g = d = e = s = s62{};
    }
};

#endif  // CARAPACE_HAVE_INT128

}  // namespace carapace::detail
