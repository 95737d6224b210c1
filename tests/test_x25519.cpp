// X25519: RFC 7748 (function vectors, iterations, Diffie-Hellman) and every Wycheproof test on
// every engine, the all-zero result reported, engines agreeing with each other.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "carapace/ec/x25519.hpp"
#include "support/curve25519_variants.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

namespace {

fixed_view<32> view32(const byte_vector& v) {
    REQUIRE(v.size() == 32);
    return fixed_view<32>(v.data(), 32);
}

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
