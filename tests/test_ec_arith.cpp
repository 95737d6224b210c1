// The arithmetic under P-256 and P-384, on each field representation (Montgomery arithmetic on
// 64- and 32-bit words, the P-256 MULX/ADX field where the CPU has it): the precomputed tables of
// G (the comb and the odd multiples) recomputed with the library's own complete group law (RCB
// addition and doubling, then to_affine); the constant-time scalar multiplications ([k]G by the
// comb, [k]P by signed windows in Jacobian coordinates) held to the reference fixed-window [k]P
// on edge scalars; the Jacobian formulas' special cases; field and scalar inversion, square roots.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "carapace/core/cpu.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/ec/detail/nist_dispatch.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "support/nist_variants.hpp"
#include "support/vectors.hpp"

namespace test_ec_arith {

using namespace carapace;
using test_support::to_hex;

template <class Params, class Field>
struct arith {
    using params = Params;
    using F = Field;
    using group = detail::weierstrass_group<Params, F>;
    using jac = detail::jacobian<Params, F>;
    using fe = typename F::element;
    using point = typename group::point;
    using curve = std::conditional_t<std::is_same_v<Params, detail::p256_params>, p256, p384>;
    static constexpr std::size_t size = F::bytes;

    static std::string name() { return std::string(Params::name) + " " + F::name; }
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
    using table_words = std::uint64_t[Params::bits / 64];
    static std::string entry_hex(const table_words& x, const table_words& y) {
        fe ax{}, ay{};
        F::from_mont(ax, F::from_u64(x));
        F::from_mont(ay, F::from_u64(y));
        bytes<2 * size> out{};
        F::store(out.data(), ax);
        F::store(out.data() + size, ay);
        return to_hex(out);
    }
};

template <class A>
bool arith_runs_here() {
    if (A::F::supported()) return true;
    MESSAGE(A::name() << ": not supported by this CPU: not run");
    return false;
}

#if CARAPACE_HAVE_INT128
#define CARAPACE_NIST_ARITH_64(params) arith<detail::params, detail::mont_field<std::uint64_t, detail::params::field>>,
#else
#define CARAPACE_NIST_ARITH_64(params)
#endif
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
#define CARAPACE_NIST_ARITH_MULX arith<detail::p256_params, detail::p256_field_mulx>,
#else
#define CARAPACE_NIST_ARITH_MULX
#endif
#define CARAPACE_NIST_ARITHS                                                                           \
    CARAPACE_NIST_ARITH_MULX CARAPACE_NIST_ARITH_64(p256_params)                                         \
        arith<detail::p256_params, detail::mont_field<std::uint32_t, detail::p256_params::field>>,        \
        CARAPACE_NIST_ARITH_64(p384_params)                                                              \
            arith<detail::p384_params, detail::mont_field<std::uint32_t, detail::p384_params::field>>

// Row i of the comb holds (j + 1) * 2^(w * spacing * i) * G for j < 2^(w-1) (w the window), and
// base_odd[i] = (2i + 1) G
// (scripts/gen_nist_tables.py): every entry recomputed by additions and doublings, each on the curve.
TEST_CASE_TEMPLATE("NIST tables of G equal multiples computed with the group law", A, CARAPACE_NIST_ARITHS) {
    if (!arith_runs_here<A>()) return;
    using Params = typename A::params;
    using F = typename A::F;
    using group = typename A::group;
    constexpr std::size_t rows = std::extent_v<std::remove_reference_t<decltype(Params::comb)>>;
    constexpr std::size_t w = Params::comb_window, entries = std::size_t{1} << (w - 1);
    // Signed digits: the top window must hold at most w - 2 bits of a scalar, to take the carry.
    constexpr std::size_t windows = (Params::bits + 2 + w - 1) / w;
    CHECK(rows == (windows + Params::comb_spacing - 1) / Params::comb_spacing);
    CHECK(std::extent_v<std::remove_reference_t<decltype(Params::comb)>, 1> == entries);
    typename A::point base = A::generator();
    std::size_t checked = 0;
    for (std::size_t row = 0; row < rows; ++row) {
        CAPTURE(row);
        typename A::point multiple = base;
        for (std::size_t j = 0; j < entries; ++j) {
            CAPTURE(j);
            if (j > 0) group::add(multiple, multiple, base);
            const auto& entry = Params::comb[row][j];
            CHECK(A::entry_hex(entry[0], entry[1]) == A::affine_hex(multiple));
            CHECK(group::on_curve(F::from_u64(entry[0]), F::from_u64(entry[1])) != 0);
            ++checked;
        }
        for (std::size_t d = 0; d < w * Params::comb_spacing; ++d) group::dbl(base, base);
    }
    CHECK(checked == rows * entries);

    constexpr std::size_t odd = std::extent_v<std::remove_reference_t<decltype(Params::base_odd)>>;
    const typename A::point g = A::generator();
    typename A::point twice{}, multiple = g;
    group::dbl(twice, g);
    for (std::size_t i = 0; i < odd; ++i) {
        CAPTURE(i);
        if (i > 0) group::add(multiple, multiple, twice);
        CHECK(A::entry_hex(Params::base_odd[i][0], Params::base_odd[i][1]) == A::affine_hex(multiple));
    }
    MESSAGE(A::name() << ": " << checked << " comb entries (" << rows << " rows of " << entries << ") and " << odd
                      << " odd multiples recomputed");
}

// [k]G by the comb (fixed_base) and [k]P by signed windows (variable_base, ECDH) equal the
// reference [k]P of weierstrass.hpp, on scalars around the places their incomplete Jacobian
// additions are argued safe (small k, k = 2d, k near n, digits of 8 and 16) and random ones.
TEST_CASE_TEMPLATE("NIST scalar multiplications agree with the reference; the group order", A, CARAPACE_NIST_ARITHS) {
    if (!arith_runs_here<A>()) return;
    using Curve = typename A::curve;
    using group = typename A::group;
    using point = typename A::point;
    using fixed_base = detail::fixed_base<typename A::params, typename A::F>;
    using variable_base = detail::variable_base<typename A::params, typename A::F>;
    constexpr std::size_t size = A::size;
    const point g = A::generator();
    const bytes<size> zero{}, n = test_support::order_bytes<Curve>();
    point p7{};  // another base point for [k]P, affine (Z = 1) as variable_base takes it
    group::mul(p7, g, test_support::add_small(zero, 7).data());
    typename A::fe x7{}, y7{};
    REQUIRE(group::to_affine(x7, y7, p7) == 0);
    A::F::to_mont(x7, x7);
    A::F::to_mont(y7, y7);
    p7 = point{x7, y7, A::F::one};
    std::vector<bytes<size>> scalars;
    for (int i = 0; i <= 40; ++i) scalars.push_back(test_support::add_small(zero, i));
    for (int i = 1; i <= 40; ++i) scalars.push_back(test_support::add_small(n, -i));
    test_support::test_rng rng(186);
    for (int i = 0; i < 24; ++i) {
        auto k = test_support::be_fixed<size>(rng.bytes(size));
        k[0] &= 0x7f;  // below n
        scalars.push_back(k);
        for (std::size_t j = 0; j < size; ++j) k[j] = static_cast<std::uint8_t>(i % 2 == 0 ? 0x88 : 0x10 * (i % 8));
        k[0] &= 0x7f;
        scalars.push_back(k);
    }
    for (const auto& k : scalars) {
        CAPTURE(to_hex(k));
        point reference{}, by_comb{}, reference7{}, by_windows{}, by_windows7{};
        group::mul(reference, g, k.data());
        group::mul(reference7, p7, k.data());
        fixed_base::mul(by_comb, k.data());
        variable_base::mul(by_windows, g, k.data());
        variable_base::mul(by_windows7, p7, k.data());
        const std::string expected = A::affine_hex(reference);
        CHECK(A::affine_hex(by_comb) == expected);
        CHECK(A::affine_hex(by_windows) == expected);
        CHECK(A::affine_hex(by_windows7) == A::affine_hex(reference7));
    }
    point r{};
    group::mul(r, g, n.data());
    CHECK(A::affine_hex(r) == "identity");
    group::mul(r, g, test_support::add_small(n, 1).data());
    CHECK(A::affine_hex(r) == A::affine_hex(g));
    point minus_g{};
    fixed_base::mul(minus_g, test_support::add_small(n, -1).data());
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

// The Jacobian formulas with branches (verification's) on their special cases, against the
// complete ones: P + P, P + (-P), O + P, P + O, and the affine additions.
TEST_CASE_TEMPLATE("NIST Jacobian formulas handle equal and opposite points", A, CARAPACE_NIST_ARITHS) {
    if (!arith_runs_here<A>()) return;
    using group = typename A::group;
    using jac = typename A::jac;
    using jpoint = typename jac::point;
    const auto ga = group::generator();
    const jpoint g{ga.x, ga.y, A::F::one}, identity{A::F::one, A::F::one, {}};
    jpoint minus_g = g;
    A::F::neg(minus_g.y, minus_g.y);
    const auto hex = [](const jpoint& p) { return A::affine_hex(jac::to_projective(p)); };
    typename A::point twice{};
    group::dbl(twice, A::generator());
    jpoint r{};
    jac::add(r, g, g);
    CHECK(hex(r) == A::affine_hex(twice));
    jac::dbl(r, g);
    CHECK(hex(r) == A::affine_hex(twice));
    jac::add(r, g, minus_g);
    CHECK(hex(r) == "identity");
    jac::add(r, identity, g);
    CHECK(hex(r) == hex(g));
    jac::add(r, g, identity);
    CHECK(hex(r) == hex(g));
    jac::add_affine(r, g, ga);
    CHECK(hex(r) == A::affine_hex(twice));
    jac::add_affine(r, identity, ga);
    CHECK(hex(r) == hex(g));
    jac::add_affine(r, minus_g, ga);
    CHECK(hex(r) == "identity");
    // 3G two ways, with a Z other than 1.
    jpoint two{}, three{}, three_again{};
    jac::dbl(two, g);
    jac::add(three, two, g);
    jac::add_affine(three_again, two, ga);
    typename A::point reference{};
    group::add(reference, twice, A::generator());
    CHECK(hex(three) == A::affine_hex(reference));
    CHECK(hex(three_again) == A::affine_hex(reference));
}

// Inversion (safegcd with 64-bit words, Fermat with 32) against the definition, on random and
// edge values of the field and the scalar ring; square roots by the (p + 1) / 4 exponent.
TEST_CASE_TEMPLATE("NIST field inversion and square roots", A, CARAPACE_NIST_ARITHS) {
    if (!arith_runs_here<A>()) return;
    using F = typename A::F;
    using S = detail::mont_field<typename A::fe::value_type, typename A::params::order>;
    using fe = typename A::fe;
    test_support::test_rng rng(1186);
    const auto check_inverse = []<class M>(const fe& plain) {
        fe a{}, inverse{}, product{}, one{}, fermat{};
        M::to_mont(a, plain);
        M::inv(inverse, a);
        M::mul(product, a, inverse);
        M::from_mont(one, product);
        fe expected{};
        expected[0] = M::is_zero(plain) ? 0 : 1;
        CHECK(one == expected);
        M::pow(fermat, a, M::m_minus_2.w);
        CHECK(fermat == inverse);
    };
    for (int i = 0; i < 60; ++i) {
        fe v = F::load(test_support::be_fixed<A::size>(rng.bytes(A::size)).data());
        F::reduce_once(v, v, 0);
        if (i == 0) v = fe{};
        if (i == 1) (void)F::sub_words(v, F::m, fe{1});
        if (i == 2) v = fe{1};
        if (i == 3) v = fe{2};
        check_inverse.template operator()<F>(v);
        fe s = v;
        S::reduce_once(s, s, 0);
        if (i == 1) (void)S::sub_words(s, S::m, fe{1});
        check_inverse.template operator()<S>(s);
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

// A faster field (MULX/ADX) computes what the portable one does, values near p included.
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
TEST_CASE("P-256 MULX/ADX field operations equal the portable ones") {
    using fast = detail::p256_field_mulx;
    using slow = detail::mont_field<std::uint64_t, detail::p256_params::field>;
    if (!fast::supported()) {
        MESSAGE("P-256 mulx-adx: not supported by this CPU: not run");
        return;
    }
    using fe = slow::element;
    test_support::test_rng rng(4);
    std::vector<fe> values = {fe{}, fe{1}, fe{2}};
    fe p_minus{};
    for (int d = 1; d <= 3; ++d) {
        (void)slow::sub_words(p_minus, slow::m, fe{static_cast<std::uint64_t>(d)});
        values.push_back(p_minus);
    }
    for (int i = 0; i < 200; ++i) {
        fe v = slow::load(test_support::be_fixed<32>(rng.bytes(32)).data());
        slow::reduce_once(v, v, 0);
        if (i % 4 == 1) v[3] = ~std::uint64_t{0} - 1;  // near 2^256 - p values with a high top word
        slow::reduce_once(v, v, 0);
        values.push_back(v);
    }
    for (std::size_t i = 0; i + 1 < values.size(); ++i) {
        const fe& a = values[i];
        const fe& b = values[(i * 7 + 3) % values.size()];
        fe x{}, y{};
        fast::mul(x, a, b);
        slow::mul(y, a, b);
        CHECK(x == y);
        fast::sqr(x, a);
        slow::sqr(y, a);
        CHECK(x == y);
        fast::add(x, a, b);
        slow::add(y, a, b);
        CHECK(x == y);
        fast::sub(x, a, b);
        slow::sub(y, a, b);
        CHECK(x == y);
    }
}

// The vector table scans (AVX2, AVX-512) return exactly the entry asked for, zeros for 0: on the
// comb's rows (64-byte entries) and on tables of Jacobian points (96 bytes, ECDH).
TEST_CASE("P-256 vector table scans return the entry asked for") {
    using fast = detail::p256_field_mulx;
    if (!fast::supported()) {
        MESSAGE("P-256 mulx-adx: not supported by this CPU: not run");
        return;
    }
    const bool avx512 = cpu::features().avx512f;
    if (!avx512) MESSAGE("AVX-512F: not supported by this CPU: its scan not run");
    const auto& comb = detail::p256_base_comb;
    using row = std::remove_reference_t<decltype(comb[0])>;
    constexpr std::size_t entries = std::extent_v<row>;
    constexpr std::size_t entry_bytes = sizeof(comb[0][0]);
    std::size_t checked = 0;
    for (std::size_t r = 0; r < std::extent_v<std::remove_reference_t<decltype(comb)>>; r += 5) {
        for (std::uint32_t magnitude = 0; magnitude <= entries; ++magnitude) {
            CAPTURE(r);
            CAPTURE(magnitude);
            std::uint64_t want[8] = {}, got[8] = {};
            if (magnitude != 0) std::memcpy(want, comb[r][magnitude - 1], entry_bytes);
            fast::scan_avx2<entry_bytes, entries>(got, comb[r], magnitude);
            CHECK(std::memcmp(got, want, entry_bytes) == 0);
            if (avx512) {
                std::memset(got, 0x5a, sizeof got);
                fast::scan_avx512<entry_bytes, entries>(got, comb[r], magnitude);
                CHECK(std::memcmp(got, want, entry_bytes) == 0);
            }
            ++checked;
        }
    }
    CHECK(checked == 8 * (entries + 1));

    using jpoint = detail::jacobian<detail::p256_params, fast>::point;
    jpoint table[16]{};
    for (std::size_t j = 0; j < 16; ++j)
        for (std::size_t w = 0; w < 4; ++w) {
            table[j].x[w] = 0x1000 * j + w;
            table[j].y[w] = 0x2000 * j + w + 0x8000000000000000u;
            table[j].z[w] = ~(0x3000 * j + w);
        }
    for (std::uint32_t magnitude = 0; magnitude <= 16; ++magnitude) {
        CAPTURE(magnitude);
        jpoint got{};
        got.x[1] = 7;
        fast::scan_entries<sizeof(jpoint), 16>(&got, table, magnitude);
        const jpoint want = magnitude == 0 ? jpoint{} : table[magnitude - 1];
        CHECK((got.x == want.x && got.y == want.y && got.z == want.z));
    }
}
#endif

}  // namespace test_ec_arith
