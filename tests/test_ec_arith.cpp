// The arithmetic under P-256 and P-384: the precomputed comb tables of G recomputed with the
// library's own group law (RCB addition and doubling, then to_affine), on the 64- and 32-bit
// Montgomery fields; scalar multiplication by the comb, by fixed windows and by the verifier's
// double-scalar NAF agreeing; the group order; field inversion and square roots.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <type_traits>

#include "carapace/core/int128.hpp"
#include "carapace/ec/detail/nist_dispatch.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "support/nist_variants.hpp"
#include "support/vectors.hpp"

namespace test_ec_arith {

using namespace carapace;
using test_support::to_hex;

template <class Params, class Word>
struct arith {
    using params = Params;
    using F = detail::mont_field<Word, typename Params::field>;
    using group = detail::weierstrass_group<Params, F>;
    using fe = typename F::element;
    using point = typename group::point;
    static constexpr std::size_t size = F::bytes;

    static point generator() {
        const auto g = group::generator();
        return point{g.x, g.y, F::one};
    }
    // Affine coordinates as big-endian hex, "identity" for the identity.
    static std::string affine_hex(const point& p) {
        fe x{}, y{};
        if (group::to_affine(x, y, p) != 0) return "identity";
        bytes<2 * size> out{};
        F::store(out.data(), x);
        F::store(out.data() + size, y);
        return to_hex(out);
    }
    // A table entry (Montgomery form, 64-bit words) the same way.
    static std::string entry_hex(const std::uint64_t (&x)[Params::bits / 64], const std::uint64_t (&y)[Params::bits / 64]) {
        fe ax{}, ay{};
        F::from_mont(ax, F::from_u64(x));
        F::from_mont(ay, F::from_u64(y));
        bytes<2 * size> out{};
        F::store(out.data(), ax);
        F::store(out.data() + size, ay);
        return to_hex(out);
    }
};

#if CARAPACE_HAVE_INT128
#define CARAPACE_NIST_ARITH_64(params) arith<detail::params, std::uint64_t>,
#else
#define CARAPACE_NIST_ARITH_64(params)
#endif
#define CARAPACE_NIST_ARITHS                                                                          \
    CARAPACE_NIST_ARITH_64(p256_params) arith<detail::p256_params, std::uint32_t>,                      \
        CARAPACE_NIST_ARITH_64(p384_params) arith<detail::p384_params, std::uint32_t>

// Row i of the comb holds (j + 1) * 16^(spacing * i) * G for j < 8 (scripts/gen_nist_tables.py):
// every entry recomputed by additions and doublings, each on the curve.
TEST_CASE_TEMPLATE("NIST comb tables equal multiples of G computed with the group law", A, CARAPACE_NIST_ARITHS) {
    using Params = typename A::params;
    using F = typename A::F;
    using group = typename A::group;
    constexpr std::size_t rows = std::extent_v<std::remove_reference_t<decltype(Params::comb)>>;
    constexpr std::size_t windows = Params::bits / 4 + 1;  // signed digits: one more for the last carry
    CHECK(rows == (windows + Params::comb_spacing - 1) / Params::comb_spacing);
    CHECK(std::extent_v<std::remove_reference_t<decltype(Params::comb)>, 1> == 8);
    typename A::point base = A::generator();
    std::size_t checked = 0;
    for (std::size_t row = 0; row < rows; ++row) {
        CAPTURE(row);
        typename A::point multiple = base;
        for (std::size_t j = 0; j < 8; ++j) {
            CAPTURE(j);
            if (j > 0) group::add(multiple, multiple, base);
            const auto& entry = Params::comb[row][j];
            CHECK(A::entry_hex(entry[0], entry[1]) == A::affine_hex(multiple));
            CHECK(group::on_curve(F::from_u64(entry[0]), F::from_u64(entry[1])) != 0);
            ++checked;
        }
        for (std::size_t d = 0; d < 4 * Params::comb_spacing; ++d) group::dbl(base, base);
    }
    CHECK(checked == rows * 8);
    MESSAGE(std::string(Params::name) << " (" << std::string(F::name) << "): " << checked << " comb entries recomputed (" << rows << " rows of 8)");
}

// [k]G by the comb, by fixed windows over G, and as [k]G + [0]G by the verifier's NAF agree; [n]G
// is the identity; [n - 1]G = -G; the complete formulas handle P + P, P + (-P) and the identity.
TEST_CASE_TEMPLATE("NIST scalar multiplications agree; the group order", A, CARAPACE_NIST_ARITHS) {
    using Curve = std::conditional_t<std::is_same_v<typename A::params, detail::p256_params>, p256, p384>;
    using group = typename A::group;
    using point = typename A::point;
    constexpr std::size_t size = A::size;
    test_support::test_rng rng(186);
    const point g = A::generator();
    const bytes<size> zero{}, n = test_support::order_bytes<Curve>();
    for (int i = 0; i < 24; ++i) {
        bytes<size> k = test_support::be_fixed<size>(rng.bytes(size));
        if (i == 0) k = zero;
        if (i == 1) k = test_support::add_small(zero, 1);
        if (i == 2) k = test_support::add_small(n, -1);
        if (i == 3) k = test_support::add_small(zero, 8);  // one digit of exactly 8 (the signed digits' edge)
        if (i == 4) for (auto& b : k) b = 0x88;
        if (i == 5) k = test_support::add_small(n, -8);
        k[0] &= 0x7f;  // below n for the comb
        if (i == 2 || i == 5) k[0] |= 0x80;
        CAPTURE(to_hex(k));
        point by_comb{}, by_windows{}, by_naf{};
        group::mul_base(by_comb, k.data());
        group::mul(by_windows, g, k.data());
        group::mul_add_vartime(by_naf, k.data(), g, zero.data());
        const std::string expected = A::affine_hex(by_windows);
        CHECK(A::affine_hex(by_comb) == expected);
        CHECK(A::affine_hex(by_naf) == expected);
        // [a]G + [b]G = [a + b]G for b = 1: the double-scalar path with both scalars.
        point sum{}, next{};
        group::mul_add_vartime(sum, k.data(), g, test_support::add_small(zero, 1).data());
        group::add(next, by_windows, g);
        CHECK(A::affine_hex(sum) == A::affine_hex(next));
    }
    point r{};
    group::mul(r, g, n.data());
    CHECK(A::affine_hex(r) == "identity");
    group::mul(r, g, test_support::add_small(n, 1).data());
    CHECK(A::affine_hex(r) == A::affine_hex(g));
    point minus_g{};
    group::mul_base(minus_g, test_support::add_small(n, -1).data());
    point negated = g;
    A::F::neg(negated.y, negated.y);
    CHECK(A::affine_hex(minus_g) == A::affine_hex(negated));
    // Complete formulas: P + (-P) = O, O + P = P, P + P = 2P, 2O = O.
    point s{}, twice{};
    group::add(s, g, negated);
    CHECK(A::affine_hex(s) == "identity");
    group::add(s, point{}, g);
    CHECK(A::affine_hex(s) == A::affine_hex(g));
    group::add(s, g, g);
    group::dbl(twice, g);
    CHECK(A::affine_hex(s) == A::affine_hex(twice));
    group::dbl(s, point{});
    CHECK(A::affine_hex(s) == "identity");
    group::add_affine(s, point{}, group::generator());
    CHECK(A::affine_hex(s) == A::affine_hex(g));
}

// Fermat inversion and the square root exponent, on random and edge values of the field and the
// scalar ring.
TEST_CASE_TEMPLATE("NIST field inversion and square roots", A, CARAPACE_NIST_ARITHS) {
    using F = typename A::F;
    using S = detail::mont_field<typename A::fe::value_type, typename A::params::order>;
    using fe = typename A::fe;
    test_support::test_rng rng(1186);
    const auto check_inverse = [](auto field, const fe& plain) {
        using M = decltype(field);
        fe a{}, inverse{}, product{}, one{};
        M::to_mont(a, plain);
        M::inv(inverse, a);
        M::mul(product, a, inverse);
        M::from_mont(one, product);
        fe expected{};
        expected[0] = M::is_zero(plain) ? 0 : 1;
        CHECK(one == expected);
    };
    for (int i = 0; i < 40; ++i) {
        fe v = F::load(test_support::be_fixed<A::size>(rng.bytes(A::size)).data());
        F::reduce_once(v, v, 0);
        if (i == 0) v = fe{};
        if (i == 1) (void)F::sub_words(v, F::m, fe{1});
        if (i == 2) v = fe{1};
        check_inverse(F{}, v);
        fe s = v;
        S::reduce_once(s, s, 0);
        if (i == 1) (void)S::sub_words(s, S::m, fe{1});
        check_inverse(S{}, s);
        // The square root of v^2 is v or -v.
        fe m{}, square{}, root{}, plain{}, negated{};
        F::to_mont(m, v);
        F::sqr(square, m);
        F::pow(root, square, A::params::sqrt_exponent);
        F::from_mont(plain, root);
        F::neg(negated, v);
        CHECK((plain == v || plain == negated));
    }
}

}  // namespace test_ec_arith
