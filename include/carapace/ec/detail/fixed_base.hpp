// [k]G for a secret k (key generation, ECDSA signing), constant time, over the precomputed comb
// of G's multiples (p256_tables.hpp, p384_tables.hpp): signed w-bit digits d_i in [-2^(w-1),
// 2^(w-1)] with k = sum d_i 2^(w i); row i of the comb holds 1..2^(w-1) times 2^(w s i) G (s the
// spacing), and every entry of a row is read for each digit, so which one is used never shows in
// memory traffic. A field may bring its own scan of a table (scan_entries: vector loads, the
// same full read); the generic one selects word by word.
//
// With spacing 1 (P-256, w = 7: 37 rows of 64) there are no doublings, only additions of affine
// entries, and most of them use the cheaper Jacobian mixed addition (jacobian.hpp), which is
// wrong for equal or opposite points: before row i the accumulator is s G with
// |s| < 0.51 * 2^(w i), the entry e G with 2^(w i) <= e <= 2^(w i + w - 1), so s = +-e mod n is
// impossible while 2^(w (i+1)) < n, except for s = 0 (the identity), which a selection handles.
// The last row, where that bound fails, uses the complete formulas (weierstrass.hpp). With a
// larger spacing (P-384) everything uses the complete formulas.
// Without the table (CARAPACE_EC_NO_BASE_TABLE, for small devices) [k]G is variable_base's [k]P.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "carapace/core/ct.hpp"
#include "carapace/ec/detail/jacobian.hpp"
#include "carapace/ec/detail/variable_base.hpp"
#include "carapace/ec/detail/weierstrass.hpp"

namespace carapace::detail {

template <class Params, class F>
struct fixed_base {
    using fe = typename F::element;
    using word = typename fe::value_type;
    using group = weierstrass_group<Params, F>;
    using jac = jacobian<Params, F>;
    using affine = typename group::affine;
    static constexpr std::size_t size = F::bytes;

#if !defined(CARAPACE_EC_NO_BASE_TABLE)
    static constexpr std::size_t window = Params::comb_window;
    static constexpr std::uint32_t half = 1u << (window - 1);
    // Enough digits that the top one cannot carry: it holds at most w - 2 bits of k, so with the
    // carry from below it stays under 2^(w-1).
    static constexpr std::size_t windows = (Params::bits + 2 + window - 1) / window;
    static constexpr std::size_t spacing = Params::comb_spacing;
    static constexpr std::size_t rows = (windows + spacing - 1) / spacing;
    // Rows below this one may use the incomplete addition (spacing 1 only): 2^(w (i+1)) < n holds
    // for w (i + 1) <= bits - 1, n having `bits` bits.
    static constexpr std::size_t jacobian_rows = spacing == 1 ? (Params::bits - 1) / window : 0;
    static_assert(std::extent_v<std::remove_reference_t<decltype(Params::comb)>> == rows);
    static_assert(std::extent_v<std::remove_reference_t<decltype(Params::comb)>, 1> == half);

    // The entry |digit| of a row (digit != 0), negated when digit < 0, by a full scan; also
    // returns the mask of digit != 0.
    static constexpr word entry(affine& out, std::size_t row, std::int32_t digit) noexcept {
        const auto d = static_cast<std::uint32_t>(digit);
        const std::uint32_t negative = d >> 31;
        const std::uint32_t magnitude = (d ^ (0u - negative)) + negative;
        bool scanned = false;
        if constexpr (requires { F::template scan_entries<1, 1>(nullptr, nullptr, 0u); }) {
            if (!std::is_constant_evaluated()) {
                static_assert(sizeof(affine) == sizeof(Params::comb[0][0]));
                F::template scan_entries<sizeof(affine), half>(&out, Params::comb[row], magnitude);
                scanned = true;
            }
        }
        if (!scanned) {
            out = affine{};
            for (std::uint32_t j = 0; j < half; ++j) {
                const word m = group::equal_mask(magnitude, j + 1);
                F::select(out.x, m, F::from_u64(Params::comb[row][j][0]), out.x);
                F::select(out.y, m, F::from_u64(Params::comb[row][j][1]), out.y);
            }
        }
        fe negated{};
        F::neg(negated, out.y);
        F::select(out.y, ct::mask_from_bit(static_cast<word>(negative)), negated, out.y);
        return static_cast<word>(~group::equal_mask(magnitude, 0));
    }

    // Bit i of a big-endian scalar of `size` bytes, 0 past its end.
    static constexpr std::uint32_t bit_at(const std::uint8_t* k, std::size_t i) noexcept {
        if (i >= 8 * size) return 0;
        return static_cast<std::uint32_t>(k[size - 1 - i / 8] >> (i % 8)) & 1u;
    }
#endif

    static constexpr void mul(typename group::point& r, const std::uint8_t* k) noexcept {
#if defined(CARAPACE_EC_NO_BASE_TABLE)
        const affine g = group::generator();
        variable_base<Params, F>::mul(r, typename group::point{g.x, g.y, F::one}, k);
#else
        // A window of 2^(w-1) or more (with the carry from below) becomes window - 2^w, carrying one.
        std::int8_t digits[windows] = {};
        std::uint32_t carry = 0;
        for (std::size_t i = 0; i < windows; ++i) {
            std::uint32_t v = carry;
            for (std::size_t b = 0; b < window; ++b) v += bit_at(k, window * i + b) << b;
            carry = (v + half) >> window;
            digits[i] = static_cast<std::int8_t>(static_cast<std::int32_t>(v) - static_cast<std::int32_t>(carry << window));
        }

        affine e{};
        typename jac::point jacc{F::one, F::one, fe{}};  // the identity
        for (std::size_t row = 0; row < jacobian_rows; ++row) {
            const word nonzero = entry(e, row, digits[row]);
            typename jac::point sum{};
            jac::add_affine_unchecked(sum, jacc, e);
            const word identity = F::is_zero(jacc.z);
            F::select(sum.x, identity, e.x, sum.x);
            F::select(sum.y, identity, e.y, sum.y);
            F::select(sum.z, identity, F::one, sum.z);
            F::select(jacc.x, nonzero, sum.x, jacc.x);
            F::select(jacc.y, nonzero, sum.y, jacc.y);
            F::select(jacc.z, nonzero, sum.z, jacc.z);
        }
        // k = sum over t < s of 2^(w t) * sum_i d_(s*i+t) 2^(w s i): Horner over t, w doublings
        // between passes; the complete formulas from here on.
        typename group::point acc = jac::to_projective(jacc);
        for (std::size_t t = spacing; t-- > 0;) {
            if (t + 1 != spacing)
                for (std::size_t d = 0; d < window; ++d) group::dbl(acc, acc);
            for (std::size_t row = spacing == 1 ? jacobian_rows : 0; row < rows; ++row) {
                const std::size_t index = spacing * row + t;
                if (index >= windows) continue;  // the layout is public
                const word nonzero = entry(e, row, digits[index]);
                typename group::point sum{};
                group::add_affine(sum, acc, e);
                group::select(acc, nonzero, sum);
            }
        }
        r = acc;
        for (auto& d : digits) d = 0;
        jacc = typename jac::point{};
        e = affine{};
#endif
    }
};

}  // namespace carapace::detail
