// Path validation: a fixture for every failure reason (tests/x509/make_fixtures.sh), the
// cross-signed alternative path, the system bundle as a long trust store, and a count of heap
// allocations during parsing and validation (there must be none).
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "carapace/core/hex.hpp"
#include "carapace/x509/verify.hpp"
#include "support/allocations.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;

namespace {

// Options without designated initializers, which GCC warns about when members are left out.
x509::verify_options at(std::int64_t time, std::string_view host = {},
                        x509::purpose usage = x509::purpose::server_auth, std::size_t max_depth = 8) {
    x509::verify_options o;
    o.time = time;
    o.host = host;
    o.usage = usage;
    o.max_depth = max_depth;
    return o;
}

byte_vector fixture(const std::string& name) {
    const std::string text = test_support::read_vector_file("x509/" + name + ".pem");
    byte_vector der_bytes(text.size());
    auto n = pem::decode_first(text, pem::certificate, der_bytes);
    if (!n) return {};
    der_bytes.resize(*n);
    return der_bytes;
}

struct chain_fixture {
    byte_vector root = fixture("root"), root2 = fixture("root2"), intermediate = fixture("intermediate"),
                cross = fixture("intermediate_cross");
    std::int64_t now = 0;
    x509::trust_store<4> roots;

    chain_fixture() {
        REQUIRE(roots.add(root) == errc::ok);
        now = x509::parse_certificate(fixture("leaf"))->not_before + 86400;  // all of them valid
    }

    x509::verify_error verify(const std::string& leaf_name, std::vector<byte_view> intermediates,
                              std::string_view host = "www.example.com",
                              x509::purpose usage = x509::purpose::server_auth) const {
        const byte_vector leaf = fixture(leaf_name);
        REQUIRE(!leaf.empty());
        return x509::verify_chain(leaf, intermediates, roots, at(now, host, usage));
    }
};

}  // namespace

TEST_CASE_FIXTURE(chain_fixture, "X.509 path validation: the good chain, and each failure reason") {
    using enum x509::verify_error;
    CHECK(verify("leaf", {intermediate}) == ok);
    CHECK(verify("leaf", {intermediate}, "v2.api.example.com") == ok);
    CHECK(verify("leaf", {intermediate}, "192.0.2.7") == ok);
    CHECK(verify("leaf", {intermediate}, "") == ok);
    CHECK(verify("leaf", {intermediate}, "www.example.com", x509::purpose::client_auth) == ok);

    CHECK(verify("leaf", {}) == unknown_issuer);
    CHECK(verify("leaf", {root2}) == unknown_issuer);
    CHECK(verify("leaf", {intermediate}, "other.example.com") == hostname_mismatch);
    CHECK(verify("leaf", {intermediate}, "192.0.2.8") == hostname_mismatch);
    CHECK(verify("forged_leaf", {intermediate}) == bad_signature);
    CHECK(verify("not_ca_leaf", {fixture("not_ca")}) == not_a_ca);
    CHECK(verify("deep_leaf", {fixture("sub_intermediate"), intermediate}) == path_too_long);
    CHECK(verify("outside_leaf", {intermediate}, "www.example.org") == name_constraint_violation);
    CHECK(verify("outside_leaf", {intermediate}, "") == name_constraint_violation);
    CHECK(verify("excluded_leaf", {intermediate}, "x.bad.example.com") == name_constraint_violation);
    CHECK(verify("critical_leaf", {intermediate}) == unsupported_critical_extension);
    CHECK(verify("client_leaf", {intermediate}) == wrong_purpose);
    CHECK(verify("client_leaf", {intermediate}, "www.example.com", x509::purpose::client_auth) == ok);
    CHECK(verify("ecdsa_leaf", {fixture("ecdsa_intermediate")}) == ok);  // signed by a P-256 key

    const byte_vector leaf = fixture("leaf");
    auto leaf_cert = x509::parse_certificate(leaf);
    REQUIRE(leaf_cert.ok());
    const std::vector<byte_view> path{intermediate};
    CHECK(x509::verify_chain(leaf, path, roots, at(leaf_cert->not_after + 1)) == expired);
    CHECK(x509::verify_chain(leaf, path, roots, at(leaf_cert->not_before - 1)) == not_yet_valid);
    CHECK(x509::verify_chain(leaf, path, roots, at(leaf_cert->not_after)) == ok);
    const byte_vector truncated(leaf.begin(), leaf.end() - 1);
    CHECK(x509::verify_chain(truncated, path, roots, at(now)) == malformed);
    byte_vector flipped_signature = leaf;
    flipped_signature[flipped_signature.size() - 5] ^= 0x01;
    CHECK(x509::verify_chain(flipped_signature, path, roots, at(now)) == bad_signature);
    CHECK(x509::verify_chain(leaf, path, roots, at(now, {}, x509::purpose::server_auth, 2)) == path_too_long);
    CHECK(x509::verify_chain(leaf, path, roots, at(now, {}, x509::purpose::server_auth, 3)) == ok);
}

TEST_CASE_FIXTURE(chain_fixture, "X.509 path validation: cross-signed alternative paths") {
    x509::trust_store<2> only_root2;
    REQUIRE(only_root2.add(root2) == errc::ok);
    const byte_vector leaf = fixture("leaf");
    const x509::verify_options options = at(now, "www.example.com");
    // The first candidate issuer chains to root, which is not trusted: the search goes on to
    // the cross-signed one, in either order.
    const std::vector<byte_view> both{intermediate, cross}, reversed{cross, intermediate}, one{intermediate};
    CHECK(x509::verify_chain(leaf, both, only_root2, options) == x509::verify_error::ok);
    CHECK(x509::verify_chain(leaf, reversed, only_root2, options) == x509::verify_error::ok);
    CHECK(x509::verify_chain(leaf, one, only_root2, options) == x509::verify_error::unknown_issuer);
    // The root-issued path fails on time (the root expires first is not set up here), so make it
    // fail on the anchor instead: with both roots trusted either path is fine.
    x509::trust_store<2> both_roots;
    REQUIRE(both_roots.add(root) == errc::ok);
    REQUIRE(both_roots.add(root2) == errc::ok);
    CHECK(x509::verify_chain(leaf, reversed, both_roots, options) == x509::verify_error::ok);
    // An anchor that is the leaf itself.
    x509::trust_store<1> pinned;
    REQUIRE(pinned.add(leaf) == errc::ok);
    CHECK(x509::verify_chain(leaf, {}, pinned, options) == x509::verify_error::ok);
}

TEST_CASE("X.509 path validation: the system bundle as a long trust store, without allocating") {
    std::string bundle = test_support::read_text_file("/etc/ssl/certs/ca-certificates.crt");
    REQUIRE_MESSAGE(!bundle.empty(), "install Debian's ca-certificates package (scripts/test does)");
    bundle += test_support::read_vector_file("x509/root.pem");
    const byte_vector leaf = fixture("leaf"), intermediate = fixture("intermediate");
    byte_vector storage(bundle.size());
    static x509::trust_store<400> store;  // about 100 KiB of views: not on the test's stack
    const std::vector<byte_view> path{intermediate};
    const auto now = x509::parse_certificate(leaf)->not_before + 86400;

    const std::size_t before = test_support::allocation_count();
    auto added = store.add_pem_bundle(bundle, storage);
    const auto result = x509::verify_chain(leaf, path, store, at(now, "www.example.com"));
    const auto mismatch = x509::verify_chain(leaf, path, store, at(now, "example.net"));
    const std::size_t during = test_support::allocation_count() - before;

    REQUIRE(added.ok());
    CHECK(*added > 100);
    CHECK(result == x509::verify_error::ok);
    CHECK(mismatch == x509::verify_error::hostname_mismatch);
    CHECK(during == 0);
}

namespace {

using test_support::constant_evaluation_failed;

// The root fixture's DER (written by make_fixtures.sh), embedded in the program.
constexpr std::string_view embedded_root_hex =
#include "vectors/x509/root_der.inc"
    ;
constexpr std::size_t embedded_root_size = embedded_root_hex.size() / 2;
constexpr auto embedded_root = [] {
    std::array<std::uint8_t, embedded_root_size> der_bytes{};
    if (hex::decode(embedded_root_hex, der_bytes) != errc::ok) constant_evaluation_failed();
    return der_bytes;
}();
// A trust store filled and checked at compile time: parsing is constexpr too.
constexpr auto embedded_store = [] {
    x509::trust_store<1> store;
    if (store.add(embedded_root) != errc::ok) constant_evaluation_failed();
    return store;
}();
static_assert(embedded_store.size() == 1);
static_assert(embedded_store.anchors()[0].is_ca && embedded_store.anchors()[0].path_length == 1);

}  // namespace

TEST_CASE("X.509 path validation: a trust anchor embedded at compile time") {
    const byte_vector leaf = fixture("leaf"), intermediate = fixture("intermediate");
    const std::vector<byte_view> path{intermediate};
    const auto now = x509::parse_certificate(leaf)->not_before + 86400;
    CHECK(x509::verify_chain(leaf, path, embedded_store, at(now, "www.example.com")) == x509::verify_error::ok);
    CHECK(byte_vector(embedded_root.begin(), embedded_root.end()) == fixture("root"));
}
