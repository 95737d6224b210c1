// X25519's Montgomery ladder and Ed25519 verification with AVX-512 IFMA (VPMADD52LUQ/HUQ on
// 256-bit vectors). In the ladder the four coordinates x2, z2, x3, z3 sit in the four 64-bit lanes, each field element in radix 2^51
// (five vectors of limbs), so each ladder step is three 4-way multiplications:
//   (A, B, C, D)             = (x2 + z2, x2 - z2, x3 + z3, x3 - z3)
//   (AA, BB, DA, CB)         = (A, B, D, C) * (A, B, A, B)
//   (x3', t, x2', z2')       = (DA+CB, DA-CB, AA, E) * (DA+CB, DA-CB, BB, AA + a24 E),  E = AA - BB
//   (x3', z3', x2', z2')     = (x3', t, x2', z2') * (1, x1, 1, 1)
// Constant-time: the conditional swap is a masked exchange of lane pairs; lane moves use fixed
// permutations. The final inversion uses the scalar field code. Ed25519 verification uses the
// same vectors (see ed25519_check); the constant-time fixed-base operations are the MULX/ADX
// engine's.
//
// A stub that reports itself unsupported in a -DCARAPACE_FORCE_PORTABLE build or off x86-64.
#pragma once

#include <cstdint>

#include "carapace/core/cpu.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/detail/curve25519_engine.hpp"
#include "carapace/ec/detail/fe25519_51.hpp"
#include "carapace/ec/detail/fe25519_mulx.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128

#define CARAPACE_IFMA_TARGET __attribute__((target("avx2,avx512f,avx512vl,avx512dq,avx512ifma")))
#define CARAPACE_IFMA_INLINE CARAPACE_IFMA_TARGET __attribute__((always_inline)) static inline

struct curve25519_ifma {
    static constexpr const char* name = "avx512-ifma";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.avx512f && f.avx512vl && f.avx512dq && f.avx512ifma && curve25519_mulx::supported();
    }

    struct fe4 {
        __m256i v[5];
    };

    CARAPACE_IFMA_INLINE __m256i mask51() { return _mm256_set1_epi64x((std::int64_t{1} << 51) - 1); }

    // One round of carries on every limb at once: limbs below 2^62 in, below 2^51 + 2^15 out.
    CARAPACE_IFMA_INLINE fe4 carry(const __m256i* q) {
        const __m256i m = mask51();
        __m256i c[5];
CARAPACE_UNROLL(5)
        for (int k = 0; k < 5; ++k) c[k] = _mm256_srli_epi64(q[k], 51);
        fe4 r;
        r.v[0] = _mm256_add_epi64(_mm256_and_si256(q[0], m), _mm256_mullo_epi64(c[4], _mm256_set1_epi64x(19)));
CARAPACE_UNROLL(4)
        for (int k = 1; k < 5; ++k) r.v[k] = _mm256_add_epi64(_mm256_and_si256(q[k], m), c[k - 1]);
        return r;
    }

    // Lane-wise a * b for limbs below 2^52 (what IFMA reads). The low half of a_i b_j lands at
    // limb i + j, the high half (weight 2^52 = 2 * 2^51) doubled at i + j + 1; limbs past 4 wrap
    // times 19.
    CARAPACE_IFMA_INLINE fe4 mul(const fe4& a, const fe4& b) {
        __m256i lo[10], hi[10];
CARAPACE_UNROLL(10)
        for (int k = 0; k < 10; ++k) lo[k] = hi[k] = _mm256_setzero_si256();
CARAPACE_UNROLL(5)
        for (int i = 0; i < 5; ++i)
CARAPACE_UNROLL(5)
            for (int j = 0; j < 5; ++j) {
                lo[i + j] = _mm256_madd52lo_epu64(lo[i + j], a.v[i], b.v[j]);
                hi[i + j + 1] = _mm256_madd52hi_epu64(hi[i + j + 1], a.v[i], b.v[j]);
            }
        __m256i t[10], q[5];
CARAPACE_UNROLL(10)
        for (int k = 0; k < 10; ++k) t[k] = _mm256_add_epi64(lo[k], _mm256_slli_epi64(hi[k], 1));
        const __m256i nineteen = _mm256_set1_epi64x(19);
CARAPACE_UNROLL(5)
        for (int k = 0; k < 5; ++k) q[k] = _mm256_add_epi64(t[k], _mm256_mullo_epi64(t[k + 5], nineteen));
        return carry(q);
    }

    // Lane-wise a * 121665, limbs not carried (below 2^52 + 2^19).
    CARAPACE_IFMA_INLINE fe4 mul_a24_uncarried(const fe4& a) {
        const __m256i k = _mm256_set1_epi64x(121665);
        fe4 t;
        __m256i top = _mm256_slli_epi64(_mm256_madd52hi_epu64(_mm256_setzero_si256(), a.v[4], k), 1);
        t.v[0] = _mm256_add_epi64(_mm256_madd52lo_epu64(_mm256_setzero_si256(), a.v[0], k),
                                  _mm256_mullo_epi64(top, _mm256_set1_epi64x(19)));
CARAPACE_UNROLL(4)
        for (int i = 1; i < 5; ++i)
            t.v[i] = _mm256_add_epi64(_mm256_madd52lo_epu64(_mm256_setzero_si256(), a.v[i], k),
                                      _mm256_slli_epi64(_mm256_madd52hi_epu64(_mm256_setzero_si256(), a.v[i - 1], k), 1));
        return t;
    }

    CARAPACE_IFMA_INLINE fe4 add_uncarried(const fe4& a, const fe4& b) {
        fe4 r;
CARAPACE_UNROLL(5)
        for (int k = 0; k < 5; ++k) r.v[k] = _mm256_add_epi64(a.v[k], b.v[k]);
        return r;
    }

    // 2p - a, for limbs of a below 2^51 + 2^15 (2p's limbs are 2^52 - 38, 2^52 - 2, ...).
    CARAPACE_IFMA_INLINE fe4 neg_uncarried(const fe4& a) {
        fe4 r;
        r.v[0] = _mm256_sub_epi64(_mm256_set1_epi64x((std::int64_t{1} << 52) - 38), a.v[0]);
CARAPACE_UNROLL(4)
        for (int k = 1; k < 5; ++k) r.v[k] = _mm256_sub_epi64(_mm256_set1_epi64x((std::int64_t{1} << 52) - 2), a.v[k]);
        return r;
    }

    template <int Imm>
    CARAPACE_IFMA_INLINE fe4 permute(const fe4& a) {
        fe4 r;
CARAPACE_UNROLL(5)
        for (int k = 0; k < 5; ++k) r.v[k] = _mm256_permute4x64_epi64(a.v[k], Imm);
        return r;
    }

    // Lanes where Imm (two bits per 64-bit lane, as for _mm256_blend_epi32) is set come from b.
    template <int Imm>
    CARAPACE_IFMA_INLINE fe4 blend(const fe4& a, const fe4& b) {
        fe4 r;
CARAPACE_UNROLL(5)
        for (int k = 0; k < 5; ++k) r.v[k] = _mm256_blend_epi32(a.v[k], b.v[k], Imm);
        return r;
    }

    // Exchanges lanes (0, 1) with (2, 3) when m is all ones.
    CARAPACE_IFMA_INLINE void cswap(fe4& s, __m256i m) {
CARAPACE_UNROLL(5)
        for (int k = 0; k < 5; ++k) {
            const __m256i other = _mm256_permute4x64_epi64(s.v[k], 0x4e);
            s.v[k] = _mm256_xor_si256(s.v[k], _mm256_and_si256(_mm256_xor_si256(s.v[k], other), m));
        }
    }

    CARAPACE_IFMA_TARGET __attribute__((flatten)) static void x25519(std::uint8_t* out, const std::uint8_t* scalar,
                                                                     const std::uint8_t* u) noexcept {
        using F = fe25519_51;
        std::uint8_t k[32] = {};
        for (int i = 0; i < 32; ++i) k[i] = scalar[i];
        k[0] &= 248;
        k[31] &= 127;
        k[31] |= 64;
        const F::fe x1 = F::from_bytes(u);

        // The loop keeps M = (x3, z3, x2, z2), the state with its halves exchanged (what the last
        // multiplication gives), so the exchange and the conditional swap merge into one select.
        // Start: (x2, z2, x3, z3) = (1, 0, x1, 1). Last layer's multiplier: (1, x1, 1, 1).
        fe4 m, y3, zero;
CARAPACE_UNROLL(5)
        for (int i = 0; i < 5; ++i) {
            const auto x = static_cast<std::int64_t>(x1.v[i]);
            const std::int64_t one = i == 0 ? 1 : 0;
            m.v[i] = _mm256_set_epi64x(0, one, one, x);
            y3.v[i] = _mm256_set_epi64x(one, one, x, one);
            zero.v[i] = _mm256_setzero_si256();
        }
        // a when mask is all ones, else b.
        auto select = [](__m256i mask, const fe4& a, const fe4& b) CARAPACE_IFMA_TARGET {
            fe4 r;
CARAPACE_UNROLL(5)
            for (int i = 0; i < 5; ++i)
                r.v[i] = _mm256_xor_si256(b.v[i], _mm256_and_si256(_mm256_xor_si256(a.v[i], b.v[i]), mask));
            return r;
        };
        std::uint64_t swap = 0;
        fe4 s;
        for (int t = 254; t >= 0; --t) {
            const std::uint64_t bit = (k[t >> 3] >> (t & 7)) & 1;
            swap ^= bit;
            const __m256i mask = _mm256_set1_epi64x(static_cast<std::int64_t>(ct::mask_from_bit(swap)));
            swap = bit;
            // s = the state (x2, z2, x3, z3) after the conditional swap, t1 = s with each pair exchanged.
            s = select(mask, m, permute<0x4e>(m));
            const fe4 t1 = select(mask, permute<0xb1>(m), permute<0x1b>(m));
            // Sums and differences as one addition: lanes 1 and 3 add 2p - s instead of s.
            const fe4 w = carry(add_uncarried(t1, blend<0xcc>(s, neg_uncarried(s))).v);  // (A, B, C, D)
            const fe4 m1 = mul(permute<0xb4>(w), permute<0x44>(w));             // (AA, BB, DA, CB)
            const fe4 p = permute<0x4e>(m1);                                    // (DA, CB, AA, BB)
            const fe4 q = permute<0x1b>(m1);                                    // (CB, DA, BB, AA)
            // (DA+CB, DA-CB, AA, E): q (lane 2 cleared) plus p, with 2p - p in lanes 1 and 3.
            const fe4 np = neg_uncarried(p);
            const fe4 x2v_sum = add_uncarried(blend<0x30>(q, zero), blend<0xcc>(p, np));
            // (DA+CB, DA-CB, BB, AA + a24 E), lane 3 as AA + a24 AA + a24 (2p - BB): the products
            // start from q and p at once instead of waiting for E.
            const fe4 a24e = add_uncarried(mul_a24_uncarried(q), mul_a24_uncarried(np));
            const fe4 y2 = carry(blend<0xf0>(x2v_sum, add_uncarried(q, blend<0xc0>(zero, a24e))).v);
            const fe4 x2v = carry(x2v_sum.v);
            const fe4 m2 = mul(x2v, y2);                                        // (x3', t, x2', z2')
            m = mul(m2, y3);                                                    // (x3', z3', x2', z2')
        }
        s = select(_mm256_set1_epi64x(static_cast<std::int64_t>(ct::mask_from_bit(swap))), m, permute<0x4e>(m));

        alignas(32) std::uint64_t lanes[5][4];
CARAPACE_UNROLL(5)
        for (int i = 0; i < 5; ++i) _mm256_store_si256(reinterpret_cast<__m256i*>(lanes[i]), s.v[i]);
        F::fe x2{}, z2{};
CARAPACE_UNROLL(5)
        for (int i = 0; i < 5; ++i) {
            x2.v[i] = lanes[i][0];
            z2.v[i] = lanes[i][1];
        }
        F::to_bytes(out, F::mul(x2, fe25519_ops<F>::invert(z2)));
        secure_wipe(k, 32);
        secure_wipe(&lanes[0][0], 20);
        secure_wipe(x2), secure_wipe(z2), secure_wipe(s);
    }

    // Everything else is the MULX/ADX engine's.
    static void x25519_base(std::uint8_t* out, const std::uint8_t* scalar) noexcept {
        curve25519_mulx::x25519_base(out, scalar);
    }
    static void ed25519_base(std::uint8_t* out, const std::uint8_t* a) noexcept { curve25519_mulx::ed25519_base(out, a); }

    // Ed25519 verification, [s]B - [k]A, with the same 4-way multiplication: a point is one fe4
    // with lanes (X, Y, Z, T), and doubling and addition are each two 4-way multiplications
    // (the squares or the products of an addition, then the move from the "completed" form back
    // to (X, Y, Z, T), which costs the same as to (X, Y, Z)). Variable time: public inputs only.
    using G51 = ed25519_group<fe25519_51>;

    CARAPACE_IFMA_INLINE fe4 lanes(const fe25519_51::fe& a, const fe25519_51::fe& b, const fe25519_51::fe& c,
                                   const fe25519_51::fe& d) {
        fe4 r;
CARAPACE_UNROLL(5)
        for (int i = 0; i < 5; ++i)
            r.v[i] = _mm256_set_epi64x(static_cast<std::int64_t>(d.v[i]), static_cast<std::int64_t>(c.v[i]),
                                       static_cast<std::int64_t>(b.v[i]), static_cast<std::int64_t>(a.v[i]));
        return r;
    }

    // (X1, Y1, Z1, T1) from the completed point (X', Y', Z', T'): (X'T', Y'Z', Z'T', X'Y').
    CARAPACE_IFMA_INLINE fe4 completed_to_p3(const fe4& w) { return mul(permute<0x24>(w), permute<0x7b>(w)); }

    CARAPACE_IFMA_INLINE fe4 dbl(const fe4& p, const fe4& zero) {
        // (X, Y, Z, X + Y) squared: (XX, YY, ZZ, SS).
        const fe4 sq_in = carry(add_uncarried(permute<0x24>(p), blend<0xc0>(zero, permute<0x64>(p))).v);
        const fe4 sq = mul(sq_in, sq_in);
        // (X', Y', Z', T') = (SS - YY - XX, YY + XX, YY - XX, 2ZZ - YY + XX).
        fe4 e = permute<0x97>(sq);                              // (SS, YY, YY, ZZ)
        e = add_uncarried(e, blend<0xc0>(zero, e));             // (SS, YY, YY, 2ZZ)
        const fe4 xx = permute<0x00>(sq), yy = permute<0x55>(sq);
        const fe4 f1 = blend<0xcc>(neg_uncarried(xx), xx);      // (-XX, XX, -XX, XX)
        const fe4 f2 = blend<0xc3>(zero, neg_uncarried(yy));    // (-YY, 0, 0, -YY)
        return completed_to_p3(carry(add_uncarried(add_uncarried(e, f1), f2).v));
    }

    // p + q (Sub: p - q) for q = (Y+X, Y-X, 2dT, 2Z) of a cached point, or (y+x, y-x, 2dxy, 2) of
    // an affine one; for Sub the caller passes q with its first two lanes exchanged.
    template <bool Sub>
    CARAPACE_IFMA_INLINE fe4 add(const fe4& p, const fe4& q, const fe4& zero) {
        // (Y + X, Y - X, T, Z)
        const fe4 x = permute<0x00>(p);
        const fe4 u = carry(add_uncarried(permute<0xb5>(p), blend<0xf0>(blend<0xcc>(x, neg_uncarried(x)), zero)).v);
        const fe4 m = mul(u, q);                                // (a, b, c, d)
        const fe4 m1 = permute<0xf0>(m);                        // (a, a, d, d)
        const fe4 m2 = permute<0xa5>(m);                        // (b, b, c, c)
        const fe4 nm2 = neg_uncarried(m2);
        // add: (a - b, a + b, d + c, d - c); sub: (a - b, a + b, d - c, d + c).
        const fe4 f = Sub ? blend<0xcc>(nm2, m2) : blend<0x3c>(nm2, m2);
        return completed_to_p3(carry(add_uncarried(m1, f).v));
    }

    CARAPACE_IFMA_TARGET __attribute__((flatten)) static bool ed25519_check(std::uint8_t* out, const std::uint8_t* s,
                                                                          const std::uint8_t* k,
                                                                          const std::uint8_t* public_key) noexcept {
        using F = fe25519_51;
        G51::p3 a{};
        if (!G51::decode(a, public_key)) return false;
        std::int8_t ns[256] = {}, nk[256] = {};
        G51::wnaf(ns, s, 8);
        G51::wnaf(nk, k, 5);
        // A, 3A, ..., 15A as (Y+X, Y-X, 2dT, 2Z), and with the first two lanes exchanged.
        fe4 am[8], am_swapped[8];
        {
            G51::cached c = G51::to_cached(a);
            const G51::p3 a2 = G51::to_p3(G51::dbl(a));
            for (int i = 0; i < 8; ++i) {
                if (i > 0) c = G51::to_cached(G51::to_p3(G51::add(a2, c)));
                const F::fe z2 = F::add(c.Z, c.Z);
                am[i] = lanes(c.YplusX, c.YminusX, c.T2d, z2);
                am_swapped[i] = lanes(c.YminusX, c.YplusX, c.T2d, z2);
            }
        }
        const F::fe two{{2, 0, 0, 0, 0}};
        fe4 zero;
CARAPACE_UNROLL(5)
        for (int i = 0; i < 5; ++i) zero.v[i] = _mm256_setzero_si256();

        int i = 255;
        while (i >= 0 && ns[i] == 0 && nk[i] == 0) --i;
        fe4 r = lanes(F::zero(), F::one(), F::one(), F::zero());
        for (; i >= 0; --i) {
            r = dbl(r, zero);
            if (ns[i] != 0) {
                const G51::niels b = G51::niels_from_words(ed25519_base_odd[(ns[i] > 0 ? ns[i] : -ns[i]) / 2]);
                r = ns[i] > 0 ? add<false>(r, lanes(b.yplusx, b.yminusx, b.xy2d, two), zero)
                              : add<true>(r, lanes(b.yminusx, b.yplusx, b.xy2d, two), zero);
            }
            // -[k]A: a positive digit subtracts.
            if (nk[i] > 0) r = add<true>(r, am_swapped[nk[i] / 2], zero);
            else if (nk[i] < 0) r = add<false>(r, am[-nk[i] / 2], zero);
        }
        alignas(32) std::uint64_t l[5][4];
CARAPACE_UNROLL(5)
        for (int j = 0; j < 5; ++j) _mm256_store_si256(reinterpret_cast<__m256i*>(l[j]), r.v[j]);
        G51::p2 result{};
CARAPACE_UNROLL(5)
        for (int j = 0; j < 5; ++j) {
            result.X.v[j] = l[j][0];
            result.Y.v[j] = l[j][1];
            result.Z.v[j] = l[j][2];
        }
        G51::encode(out, result);
        return true;
    }
};

#undef CARAPACE_IFMA_INLINE
#undef CARAPACE_IFMA_TARGET

#else  // no x86-64 intrinsics (or no 128-bit integers): a stub that never runs

struct curve25519_ifma : curve25519_engine_unavailable {
    static constexpr const char* name = "avx512-ifma";
};

#endif

}  // namespace carapace::detail
