// [k]P for a secret k and any point P (ECDH), constant time: signed 5-bit windows (Booth
// recoding, digits in [-16, 16]) over a table of P..16P read by full scans (the field's vector
// scan_entries when it has one, see fixed_base.hpp), doublings and
// additions in Jacobian coordinates (jacobian.hpp).
//
// Why the branch-free, incomplete Jacobian addition is safe here: before a window's addition the
// accumulator is 32m P, m >= 0 the value of the digits above, and the addend d P, 0 < |d| <= 16.
// They could be equal or opposite only if 32m = +-d mod n. Above the last window, 32m is below
// n - 16, so that needs m = 0, the identity: handled by a selection. At the last window 32m = k - d,
// which equals +-d mod n for a few scalars (k = 2d, k = 0 mod n): that addition uses the complete
// formulas (weierstrass.hpp), after converting both points to projective coordinates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "carapace/core/ct.hpp"
#include "carapace/ec/detail/jacobian.hpp"
#include "carapace/ec/detail/weierstrass.hpp"

namespace carapace::detail {

template <class Params, class F>
struct variable_base {
    using fe = typename F::element;
    using word = typename fe::value_type;
    using group = weierstrass_group<Params, F>;
    using jac = jacobian<Params, F>;
    using jpoint = typename jac::point;
    static constexpr std::size_t size = F::bytes;
    // Fewest windows whose top one cannot carry: at most 3 bits of k left for it.
    static constexpr std::size_t windows = (Params::bits - 3 + 4) / 5 + 1;

    static constexpr std::uint32_t bits_at(const std::uint8_t* k, std::size_t bit) noexcept {
        if (bit >= Params::bits) return 0;
        return static_cast<std::uint32_t>(k[size - 1 - bit / 8] >> (bit % 8)) & 1u;
    }

    static constexpr void select(jpoint& out, word mask, const jpoint& a) noexcept {
        F::select(out.x, mask, a.x, out.x);
        F::select(out.y, mask, a.y, out.y);
        F::select(out.z, mask, a.z, out.z);
    }

    // out = |digit| P from the table (digit != 0), negated when digit < 0: every entry read.
    static constexpr void lookup(jpoint& out, const jpoint (&table)[16], std::int32_t digit) noexcept {
        const auto d = static_cast<std::uint32_t>(digit);
        const std::uint32_t negative = d >> 31;
        const std::uint32_t magnitude = (d ^ (0u - negative)) + negative;
        bool scanned = false;
        if constexpr (requires { F::template scan_entries<1, 1>(nullptr, nullptr, 0u); }) {
            if (!std::is_constant_evaluated()) {
                F::template scan_entries<sizeof(jpoint), 16>(&out, table, magnitude);
                scanned = true;
            }
        }
        if (!scanned) {
            out = jpoint{};
            for (std::uint32_t j = 0; j < 16; ++j) select(out, group::equal_mask(magnitude, j + 1), table[j]);
        }
        fe negated{};
        F::neg(negated, out.y);
        F::select(out.y, ct::mask_from_bit(static_cast<word>(negative)), negated, out.y);
    }

    static constexpr void mul(typename group::point& r, const typename group::point& p, const std::uint8_t* k) noexcept {
        // p is affine here (Z = 1), so it is a Jacobian point as it stands.
        jpoint table[16];
        table[0] = jpoint{p.x, p.y, p.z};
        for (std::size_t i = 1; i < 16; ++i) {
            if (i % 2 == 1) jac::dbl(table[i], table[i / 2]);  // (i+1) P = 2 ((i+1)/2) P
            else jac::add_unchecked(table[i], table[i - 1], table[0]);
        }
        std::int8_t digits[windows] = {};
        std::uint32_t carry = 0;
        for (std::size_t w = 0; w < windows; ++w) {
            std::uint32_t chunk = 0;
            for (std::size_t b = 0; b < 5; ++b) chunk |= bits_at(k, 5 * w + b) << b;
            const std::uint32_t v = chunk + carry;
            carry = (v + 16) >> 5;
            digits[w] = static_cast<std::int8_t>(static_cast<std::int32_t>(v) - static_cast<std::int32_t>(carry << 5));
        }
        // The top digit is in [0, 8]; the identity is (0 : 1 : 0) and stays so under doubling.
        jpoint acc{F::one, F::one, fe{}};
        jpoint t{};
        for (std::size_t w = windows; w-- > 0;) {
            if (w + 1 != windows)
                for (int i = 0; i < 5; ++i) jac::dbl(acc, acc);
            const std::int32_t digit = digits[w];
            const word nonzero = static_cast<word>(~group::equal_mask(static_cast<std::uint32_t>(digit), 0));
            lookup(t, table, digit);
            if (w == 0) break;  // the last addition is below, with the complete formulas
            jpoint sum{};
            jac::add_unchecked(sum, acc, t);
            const word acc_identity = F::is_zero(acc.z);
            select(sum, acc_identity, t);
            select(acc, nonzero, sum);
        }
        const typename group::point a = jac::to_projective(acc), b = jac::to_projective(t);
        typename group::point sum{};
        group::add(sum, a, b);
        r = a;
        group::select(r, static_cast<word>(~group::equal_mask(static_cast<std::uint32_t>(digits[0]), 0)), sum);
        for (auto& entry : table) entry = jpoint{};
        for (auto& d : digits) d = 0;
        acc = t = jpoint{};
    }
};

}  // namespace carapace::detail
