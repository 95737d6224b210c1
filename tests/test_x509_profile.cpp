// What a certificate may be used for and the profile rules it is held to: the fixtures of
// tests/x509/make_profile_fixtures.sh, one per rule, each issued by profile/root.pem.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "carapace/tls/defaults.hpp"
#include "carapace/x509/verify.hpp"
#include "support/vectors.hpp"

using namespace carapace;

namespace profile_test {

using test_support::byte_vector;

byte_vector load(const std::string& name) {
    const std::string text = test_support::read_vector_file("x509/profile/" + name + ".pem");
    byte_vector der_bytes(text.size());
    auto n = pem::decode_first(text, pem::certificate, der_bytes);
    REQUIRE_MESSAGE(n.ok(), name);
    der_bytes.resize(*n);
    return der_bytes;
}

struct profile_fixture {
    byte_vector root = load("root");
    x509::trust_store<1> store;
    x509::verify_options options;

    profile_fixture() {
        REQUIRE(store.add(root) == errc::ok);
        options.time = x509::parse_certificate(root)->not_before + 86400;
        options.host = "www.example.com";
    }

    x509::verify_error verify(const std::string& leaf, const std::vector<std::string>& intermediates = {}) const {
        const byte_vector leaf_der = load(leaf);
        std::vector<byte_vector> held;
        for (const auto& name : intermediates) held.push_back(load(name));
        const std::vector<byte_view> views(held.begin(), held.end());
        return x509::verify_chain(leaf_der, views, store, options);
    }
};

}  // namespace profile_test

TEST_CASE_FIXTURE(profile_test::profile_fixture, "X.509 leaf keyUsage: a key that signs needs digitalSignature") {
    using enum x509::verify_error;
    CHECK(verify("good") == ok);
    CHECK(verify("no_digital_signature") == ok);  // nothing asked of the key
    options.leaf_key_usage = x509::key_usage::digital_signature;
    CHECK(verify("good") == ok);
    CHECK(verify("no_digital_signature") == wrong_purpose);
    options.leaf_key_usage = x509::key_usage::key_encipherment;
    CHECK(verify("no_digital_signature") == ok);

    // The TLS verifier asks for it: a TLS 1.3 peer signs CertificateVerify with its leaf's key.
    using test_support::byte_vector;
    tls::x509_verifier<1> verifier(store);
    for (const auto& [leaf, want] : {std::pair{"good", tls::error::none},
                                     std::pair{"no_digital_signature", tls::error::unsupported_certificate}}) {
        const byte_vector der_bytes = profile_test::load(leaf);
        const byte_view chain[1] = {der_bytes};
        std::string_view detail;
        CHECK(verifier.verify_chain(chain, "www.example.com", true, options.time, detail) == want);
    }
}
