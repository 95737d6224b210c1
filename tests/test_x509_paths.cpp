// Path building under hostile and awkward inputs (x509/path_builder.hpp): the certificate sets of
// tests/x509/make_path_fixtures.sh. Loops and long same-key chains are refused after one
// signature check, an exponential mesh runs out of budget, a bridge PKI still verifies.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "carapace/x509/verify.hpp"
#include "support/allocations.hpp"
#include "support/vectors.hpp"

using namespace carapace;

namespace paths_test {

using test_support::byte_vector;

// Every certificate of a PEM file under x509/.
std::vector<byte_vector> load_all(const std::string& name) {
    const std::string text = test_support::read_vector_file("x509/" + name + ".pem");
    std::vector<byte_vector> out;
    pem::reader r(text);
    for (auto block = r.next(); block; block = r.next()) {
        byte_vector der_bytes(pem::max_decoded_size(*block));
        auto n = pem::decode(*block, der_bytes);
        REQUIRE(n.ok());
        der_bytes.resize(*n);
        out.push_back(der_bytes);
    }
    REQUIRE_MESSAGE(!out.empty(), name);
    return out;
}

struct path_set {
    std::vector<byte_vector> held;
    std::vector<byte_view> intermediates;
    byte_vector leaf, anchor;
    x509::trust_store<1> store;
    x509::verify_options options;

    // The `set`_cas bundle and `set`_leaf, verified against `anchor_name` for www.example.com.
    path_set(const std::string& set, const std::string& anchor_name = "root") {
        held = load_all("paths/" + set + "_cas");
        intermediates.assign(held.begin(), held.end());
        leaf = load_all("paths/" + set + "_leaf")[0];
        anchor = load_all(anchor_name)[0];
        REQUIRE(store.add(anchor) == errc::ok);
        options.time = x509::parse_certificate(leaf)->not_before + 86400;
        options.host = "www.example.com";
    }
};

}  // namespace paths_test

TEST_CASE("X.509 path building: sixteen self-issued CAs that all verify each other") {
    paths_test::path_set s("loop");
    REQUIRE(s.intermediates.size() == 16);
    x509::verify_details stats;
    // Each is tried as the leaf's issuer, with one signature check for the key they share; none
    // may follow another (same subject and key).
    CHECK(x509::verify_chain(s.leaf, s.intermediates, s.store, s.options, stats) == x509::verify_error::unknown_issuer);
    CHECK(stats.signature_checks == 1);
    CHECK(stats.intermediates_ignored == 0);
}

TEST_CASE("X.509 path building: a signature over more than 64 KiB counts once per 64 KiB") {
    paths_test::path_set s("loop");
    s.leaf = paths_test::load_all("paths/loop_big_leaf")[0];
    REQUIRE(x509::parse_certificate(s.leaf)->tbs.size() > 65536);
    x509::verify_details details;
    s.options.max_signature_checks = 2;
    CHECK(x509::verify_chain(s.leaf, s.intermediates, s.store, s.options, details) == x509::verify_error::unknown_issuer);
    CHECK(details.signature_checks == 1);
    s.options.max_signature_checks = 1;
    CHECK(x509::verify_chain(s.leaf, s.intermediates, s.store, s.options, details) ==
          x509::verify_error::budget_exhausted);
    CHECK(details.signature_checks == 0);
}

TEST_CASE("X.509 path building: a hundred intermediates with one subject and key") {
    paths_test::path_set s("chain");
    REQUIRE(s.intermediates.size() == 100);
    x509::verify_details stats;
    CHECK(x509::verify_chain<128>(s.leaf, s.intermediates, s.store, s.options, stats) ==
          x509::verify_error::unknown_issuer);
    CHECK(stats.signature_checks == 1);  // the one key, checked once
    CHECK(stats.intermediates_ignored == 0);
    // Past the capacity, the rest are ignored and counted.
    CHECK(x509::verify_chain<40>(s.leaf, s.intermediates, s.store, s.options, stats) ==
          x509::verify_error::unknown_issuer);
    CHECK(stats.intermediates_ignored == 60);
}

TEST_CASE("X.509 path building: exponentially many loop-free paths run out of budget") {
    paths_test::path_set s("mesh");
    REQUIRE(s.intermediates.size() == 42);
    x509::verify_details stats;
    CHECK(x509::verify_chain<64>(s.leaf, s.intermediates, s.store, s.options, stats) ==
          x509::verify_error::budget_exhausted);
    CHECK(stats.signature_checks == s.options.max_signature_checks);
    // A smaller budget runs out sooner.
    s.options.max_signature_checks = 20;
    CHECK(x509::verify_chain<64>(s.leaf, s.intermediates, s.store, s.options, stats) ==
          x509::verify_error::budget_exhausted);
    CHECK(stats.signature_checks == 20);
    // With a depth that leaves no room for long paths, the search ends on its own: the six
    // candidate issuers of the leaf share a key, checked once.
    s.options.max_depth = 3;
    s.options.max_signature_checks = 100;
    CHECK(x509::verify_chain<64>(s.leaf, s.intermediates, s.store, s.options, stats) == x509::verify_error::path_too_long);
    CHECK(stats.signature_checks == 1);
}

TEST_CASE("X.509 path building: a bridge PKI of 35 intermediates, without allocating") {
    paths_test::path_set s("bridge", "paths/bridge_anchor");
    REQUIRE(s.intermediates.size() == 35);
    x509::verify_details stats;
    const std::size_t before = test_support::allocation_count();
    const auto result = x509::verify_chain(s.leaf, s.intermediates, s.store, s.options, stats);
    const std::size_t during = test_support::allocation_count() - before;
    CHECK(result == x509::verify_error::ok);
    CHECK(stats.signature_checks < s.options.max_signature_checks);
    CHECK(during == 0);
    // Organisation 1's leaf reaches organisation 8's root only through the bridge certificates,
    // which come after the first 16 intermediates (the capacity before default_max_intermediates).
    CHECK(x509::default_max_intermediates >= 35);
    CHECK(x509::verify_chain<16>(s.leaf, s.intermediates, s.store, s.options, stats) ==
          x509::verify_error::unknown_issuer);
    CHECK(stats.intermediates_ignored == 19);
}
