// X25519: RFC 7748 (function vectors, iterations, Diffie-Hellman) and every Wycheproof test on
// every engine, the all-zero result reported, engines agreeing with each other.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "carapace/core/hex.hpp"
#include "carapace/ec/detail/fe25519_safegcd.hpp"
#include "carapace/ec/x25519.hpp"
#include "support/curve25519_variants.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;
using test_support::view32;

namespace {

template <class Engine>
std::string x25519_hex(const byte_vector& scalar, const byte_vector& u, errc* error = nullptr) {
    bytes<32> out{};
    const errc e = x25519<Engine>(out, view32(scalar), view32(u));
    if (error != nullptr) *error = e;
    return to_hex(out);
}

// k after n iterations of (k, u) = (X25519(k, u), k), starting from k = u = 9.
template <class Engine>
std::string iterate(std::size_t n) {
    bytes<32> k = x25519_base_point, u = x25519_base_point;
    for (std::size_t i = 0; i < n; ++i) {
        bytes<32> next{};
        (void)x25519<Engine>(next, k, u);
        u = k;
        k = next;
    }
    return to_hex(k);
}

}  // namespace

TEST_CASE_TEMPLATE("X25519 RFC 7748 function vectors and Diffie-Hellman", Engine, CARAPACE_CURVE25519_ENGINES) {
    if (!test_support::curve25519_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("rfc/rfc7748.json");
    const auto& x = doc["x25519"];
    REQUIRE(x["section_5_2_function_vectors"].items.size() == 2);
    for (const auto& v : x["section_5_2_function_vectors"].items)
        CHECK(x25519_hex<Engine>(unhex(v["scalar"].str()), unhex(v["u"].str())) == v["output"].str());

    const auto& dh = x["section_6_1_diffie_hellman"];
    const byte_vector a = unhex(dh["alice_private"].str()), b = unhex(dh["bob_private"].str());
    CHECK(to_hex(x25519_public_key<Engine>(view32(a))) == dh["alice_public"].str());
    CHECK(to_hex(x25519_public_key<Engine>(view32(b))) == dh["bob_public"].str());
    CHECK(x25519_hex<Engine>(a, unhex(dh["bob_public"].str())) == dh["shared_secret"].str());
    CHECK(x25519_hex<Engine>(b, unhex(dh["alice_public"].str())) == dh["shared_secret"].str());
}

TEST_CASE_TEMPLATE("X25519 RFC 7748 iterations (1 and 1,000)", Engine, CARAPACE_CURVE25519_ENGINES) {
    if (!test_support::curve25519_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("rfc/rfc7748.json");
    const auto& it = doc["x25519"]["section_5_2_iterated"];
    CHECK(iterate<Engine>(1) == it["after_1"].str());
    CHECK(iterate<Engine>(1000) == it["after_1000"].str());
}

// Slow (minutes on the portable engines): skipped unless asked for, e.g.
//   carapace-tests --no-skip --test-case='*iterations (slow)*'   (doctest splits filters at commas)
TEST_CASE("X25519 RFC 7748 1,000,000 iterations (slow)" * doctest::skip()) {
    const auto doc = test_support::load_vectors("rfc/rfc7748.json");
    const auto& it = doc["x25519"]["section_5_2_iterated"];
    CHECK(iterate<detail::curve25519_dispatch>(1000000) == it["after_1000000"].str());
}

TEST_CASE_TEMPLATE("X25519 Wycheproof", Engine, CARAPACE_CURVE25519_ENGINES) {
    if (!test_support::curve25519_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("wycheproof/x25519_test.json");
    REQUIRE(doc["numberOfTests"].integer() > 0);
    std::int64_t run = 0, zero = 0;
    for (const auto& group : doc["testGroups"]) {
        REQUIRE(group["curve"].str() == "curve25519");
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            // Every test is "valid" or "acceptable": RFC 7748 defines the output for all of them
            // (non-canonical and twist points included). Only the all-zero result is refused.
            REQUIRE(t["result"].str() != "invalid");
            const bool all_zero = t["shared"].str() == std::string(64, '0');
            const bool flagged = std::find_if(t["flags"].items.begin(), t["flags"].items.end(), [](const auto& f) {
                                     return f.str() == "ZeroSharedSecret";
                                 }) != t["flags"].items.end();
            CHECK(all_zero == flagged);
            errc e = errc::ok;
            CHECK(x25519_hex<Engine>(unhex(t["private"].str()), unhex(t["public"].str()), &e) == t["shared"].str());
            CHECK(e == (all_zero ? errc::invalid_argument : errc::ok));
            zero += all_zero;
            ++run;
        }
    }
    CHECK(run == doc["numberOfTests"].integer());
    CHECK(zero > 0);
}

TEST_CASE_TEMPLATE("X25519 engines agree with the portable one", Engine, CARAPACE_CURVE25519_ENGINES) {
    if (!test_support::curve25519_engine_runs_here<Engine>()) return;
    using reference = detail::curve25519_engine<detail::fe25519_25>;
    test_support::test_rng rng(25519);
    for (int i = 0; i < 64; ++i) {
        const byte_vector k = rng.bytes(32), u = rng.bytes(32);
        CHECK(x25519_hex<Engine>(k, u) == x25519_hex<reference>(k, u));
        CHECK(to_hex(x25519_public_key<Engine>(view32(k))) == to_hex(x25519_public_key<reference>(view32(k))));
        // The base point through the Edwards comb equals the ladder on u = 9.
        CHECK(to_hex(x25519_public_key<Engine>(view32(k))) ==
              x25519_hex<Engine>(k, byte_vector(x25519_base_point.begin(), x25519_base_point.end())));
    }
    // Edge values of u: 0, 1, p - 1, p, p + 1, 2^255 - 1 (the top bit of u is ignored).
    for (const char* u_hex : {"0000000000000000000000000000000000000000000000000000000000000000",
                              "0100000000000000000000000000000000000000000000000000000000000000",
                              "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                              "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                              "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                              "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) {
        CAPTURE(u_hex);
        const byte_vector k = rng.bytes(32);
        CHECK(x25519_hex<Engine>(k, unhex(u_hex)) == x25519_hex<reference>(k, unhex(u_hex)));
    }
}

// Field inversion: the divsteps routine against Fermat's a^(p-2) on every field representation,
// on random values, edge values and representations of values >= p.
#if CARAPACE_HAVE_INT128
namespace {

using detail::fe25519_safegcd;

consteval bytes<32> from_hex(std::string_view text) {
    bytes<32> out{};
    (void)hex::decode(text, out);
    return out;
}

constexpr bytes<32> safegcd_inverse(bytes<32> a) {
    fe25519_safegcd::invert(a.data(), a.data());
    return a;
}
// 1/2 = (p + 1) / 2, 1/(p - 1) = p - 1, 1/0 = 0, and p itself is 0, at compile time.
static_assert(safegcd_inverse({2}) == from_hex("f7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff3f"));
static_assert(safegcd_inverse(from_hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")) ==
              from_hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
static_assert(safegcd_inverse({}) == bytes<32>{});
static_assert(safegcd_inverse(from_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")) ==
              bytes<32>{});
// The exponentiation, still what targets without 128-bit integers use, also at compile time.
static_assert([] {
    using F = detail::fe25519_25;
    const std::uint8_t two[32] = {2};
    std::uint8_t out[32] = {};
    F::to_bytes(out, detail::fe25519_ops<F>::invert_fermat(F::from_bytes(two)));
    return out[0] == 0xf7 && out[31] == 0x3f;
}());

template <class F>
void check_inversion(const std::uint8_t* in) {
    using ops = detail::fe25519_ops<F>;
    const typename F::fe a = F::from_bytes(in);
    bytes<32> direct{}, fermat{}, through_ops{}, product{};
    fe25519_safegcd::invert(direct.data(), in);
    F::to_bytes(fermat.data(), ops::invert_fermat(a));
    F::to_bytes(through_ops.data(), ops::invert(a));
    CHECK(to_hex(direct) == to_hex(fermat));
    CHECK(to_hex(through_ops) == to_hex(fermat));
    // a * (1/a) = 1 unless a = 0 mod p.
    F::to_bytes(product.data(), F::mul(a, ops::invert(a)));
    const bool zero = ops::is_zero(a);
    CHECK(product == (zero ? bytes<32>{} : bytes<32>{1}));
}

template <class F>
void check_inversions() {
    test_support::test_rng rng(2551);
    for (int i = 0; i < 3000; ++i) {
        byte_vector v = rng.bytes(32);
        // Some values with long runs of zero or one bits (small, near p, near 2^255).
        if (i % 5 == 1) std::fill(v.begin() + 1 + i % 31, v.end(), std::uint8_t{0});
        if (i % 5 == 2) std::fill(v.begin() + 1 + i % 31, v.end(), std::uint8_t{0xff});
        check_inversion<F>(v.data());
    }
    // 0, 1, 2, 19, p - 1, p, p + 1, 2^255 - 1 (= p + 18), 2^254, 2^255 (bit 255 is ignored: 0).
    for (const char* hex : {"0000000000000000000000000000000000000000000000000000000000000000",
                            "0100000000000000000000000000000000000000000000000000000000000000",
                            "0200000000000000000000000000000000000000000000000000000000000000",
                            "1300000000000000000000000000000000000000000000000000000000000000",
                            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                            "0000000000000000000000000000000000000000000000000000000000000040",
                            "0000000000000000000000000000000000000000000000000000000000000080"}) {
        CAPTURE(hex);
        check_inversion<F>(unhex(hex).data());
    }
}

}  // namespace

TEST_CASE("field inversion: divsteps equal Fermat's exponentiation") {
    check_inversions<detail::fe25519_51>();
    check_inversions<detail::fe25519_25>();
#if CARAPACE_HAVE_X86_INTRINSICS
    if (detail::fe25519_mulx::supported()) {
        check_inversions<detail::fe25519_mulx>();
        // The MULX field keeps values anywhere below 2^256: p, p + 1, 2p - 1, 2^256 - 1 as limbs.
        using F = detail::fe25519_mulx;
        using ops = detail::fe25519_ops<F>;
        const std::uint64_t top = 0x7fffffffffffffffULL, ones = ~std::uint64_t{0};
        for (const F::fe a : {F::fe{{ones - 18, ones, ones, top}}, F::fe{{ones - 17, ones, ones, top}},
                              F::fe{{ones - 38, ones, ones, ones}}, F::fe{{ones, ones, ones, ones}}}) {
            bytes<32> canonical{}, direct{}, fermat{};
            F::to_bytes(canonical.data(), a);
            F::to_bytes(direct.data(), ops::invert(a));
            F::to_bytes(fermat.data(), ops::invert_fermat(a));
            CHECK(to_hex(direct) == to_hex(fermat));
            CHECK(to_hex(direct) == to_hex(safegcd_inverse(canonical)));
        }
    }
#endif
}
#endif  // CARAPACE_HAVE_INT128
