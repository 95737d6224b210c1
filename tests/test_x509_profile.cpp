// What a certificate may be used for and the profile rules it is held to: the fixtures of
// tests/x509/make_profile_fixtures.sh, one per rule, each issued by profile/root.pem.
#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "carapace/tls/defaults.hpp"
#include "carapace/x509/verify.hpp"
#include "support/allocations.hpp"
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

namespace profile_test {

// One fixture per rule: the certificate that breaks it, the intermediates it needs, the anchor.
struct rule_case {
    x509::profile_rule rule;
    const char* leaf;
    const char* intermediate = nullptr;
    const char* anchor = "root";
};

const rule_case rule_cases[] = {
    {x509::profile_rule::weak_key, "weak_rsa"},
    {x509::profile_rule::weak_key, "weak_p192"},
    {x509::profile_rule::weak_key, "weak_dsa"},
    {x509::profile_rule::sha1_signature, "sha1_signature"},
    {x509::profile_rule::serial_not_positive, "serial_zero"},
    {x509::profile_rule::serial_not_positive, "serial_negative"},
    {x509::profile_rule::serial_too_long, "serial_21_octets"},
    {x509::profile_rule::empty_subject_without_critical_san, "empty_subject"},
    {x509::profile_rule::authority_key_id_missing, "no_authority_key_id"},
    {x509::profile_rule::authority_key_id_critical, "critical_authority_key_id"},
    {x509::profile_rule::subject_key_id_missing, "ca_no_subject_key_id_leaf", "ca_no_subject_key_id"},
    {x509::profile_rule::subject_key_id_critical, "critical_subject_key_id"},
    {x509::profile_rule::basic_constraints_not_critical, "ca_basic_constraints_not_critical_leaf",
     "ca_basic_constraints_not_critical"},
    {x509::profile_rule::end_entity_is_ca, "leaf_is_ca"},
    {x509::profile_rule::key_cert_sign_on_end_entity, "leaf_key_cert_sign"},
    {x509::profile_rule::any_extended_key_usage_on_leaf, "leaf_any_eku"},
    {x509::profile_rule::critical_extended_key_usage_on_leaf, "leaf_critical_eku"},
    {x509::profile_rule::extended_key_usage_on_root, "root_with_eku_leaf", nullptr, "root_with_eku"},
    {x509::profile_rule::invalid_dns_name, "underscore_dns"},
    {x509::profile_rule::wildcard_over_public_suffix, "wildcard_tld"},
    {x509::profile_rule::malformed_authority_info_access, "malformed_aia"},
    {x509::profile_rule::policy_constraints_not_critical, "policy_constraints_not_critical"},
    {x509::profile_rule::rsa_modulus_size, "rsa_2052"},
    {x509::profile_rule::rsa_public_exponent, "rsa_even_exponent"},
    {x509::profile_rule::rsa_pss_public_key, "rsa_pss_key"},
    {x509::profile_rule::rsa_signature_encoding, "rsa_pss_salt_20"},
};

}  // namespace profile_test

TEST_CASE("X.509 profiles: a fixture breaking each rule, refused by the profiles that hold it") {
    using namespace profile_test;
    for (const auto& entry : x509::profile_rules) {
        bool covered = false;
        for (const auto& c : rule_cases) covered = covered || c.rule == entry.rule;
        CHECK_MESSAGE(covered, "no fixture for ", x509::to_string(entry.rule));
    }
    for (const auto& c : rule_cases) {
        CAPTURE(c.leaf);
        const byte_vector anchor = load(c.anchor), leaf = load(c.leaf);
        const byte_vector intermediate = c.intermediate ? load(c.intermediate) : byte_vector{};
        std::vector<byte_view> intermediates;
        if (c.intermediate) intermediates.push_back(intermediate);
        x509::trust_store<1> store;
        REQUIRE(store.add(anchor) == errc::ok);
        x509::verify_options options;
        options.time = x509::parse_certificate(leaf)->not_before + 86400;
        options.host = "www.example.com";
        const auto* entry = std::find_if(std::begin(x509::profile_rules), std::end(x509::profile_rules),
                                         [&](const auto& e) { return e.rule == c.rule; });
        REQUIRE(entry != std::end(x509::profile_rules));
        const auto refused = c.rule == x509::profile_rule::weak_key ? x509::verify_error::weak_key
                                                                    : x509::verify_error::profile_violation;
        x509::verify_details details;
        CHECK(x509::verify_chain(leaf, intermediates, store, options, details) == refused);
        CHECK(details.broken_rule == c.rule);

        options.profile = x509::certificate_profile::rfc5280;
        const auto result = x509::verify_chain(leaf, intermediates, store, options, details);
        if (entry->in_rfc5280) {
            CHECK(result == refused);
            CHECK(details.broken_rule == c.rule);
        } else if (c.rule == x509::profile_rule::sha1_signature ||
                   c.rule == x509::profile_rule::rsa_signature_encoding) {
            CHECK(result == x509::verify_error::unknown_issuer);  // its RSA issuer is not an anchor
        } else {
            CHECK(result == x509::verify_error::ok);
            CHECK(details.broken_rule == x509::profile_rule::none);
        }
    }
}

TEST_CASE_FIXTURE(profile_test::profile_fixture, "X.509 profiles: what keeps the rules verifies") {
    using enum x509::verify_error;
    for (const char* name : {"good", "rsa_2048", "serial_20_octets", "empty_subject_critical_san", "good_aia"}) {
        CAPTURE(name);
        x509::verify_details details;
        options.time = x509::parse_certificate(profile_test::load(name))->not_before + 86400;
        const auto leaf = profile_test::load(name);
        CHECK(x509::verify_chain(leaf, {}, store, options, details) == ok);
        CHECK(details.broken_rule == x509::profile_rule::none);
    }
    // The rule texts are the reasons a caller shows.
    CHECK(x509::to_string(x509::profile_rule::invalid_dns_name) == "invalid DNS name in subjectAltName");
    CHECK(x509::to_string(x509::profile_rule::none) == "none");
}

TEST_CASE("X.509 profiles: DNS names and wildcards, authority information access") {
    using x509::detail::preferred_dns_name;
    using x509::detail::wildcard_too_wide;
    CHECK(preferred_dns_name("www.example.com"));
    CHECK(preferred_dns_name("*.example.com"));
    CHECK(preferred_dns_name("xn--bcher-kva.example"));
    CHECK_FALSE(preferred_dns_name("under_score.example.com"));
    CHECK_FALSE(preferred_dns_name("-lead.example.com"));
    CHECK_FALSE(preferred_dns_name("trail-.example.com"));
    CHECK_FALSE(preferred_dns_name("a..example.com"));
    CHECK_FALSE(preferred_dns_name("example.com."));
    CHECK_FALSE(preferred_dns_name(""));
    CHECK_FALSE(preferred_dns_name(std::string(64, 'a') + ".com"));
    CHECK(wildcard_too_wide("*.com"));
    CHECK(wildcard_too_wide("f*.example.com"));
    CHECK(wildcard_too_wide("www.*.example.com"));
    CHECK(wildcard_too_wide("*.*.example.com"));
    CHECK(wildcard_too_wide("*"));
    CHECK_FALSE(wildcard_too_wide("*.example.com"));
    CHECK_FALSE(wildcard_too_wide("www.example.com"));
    const std::uint8_t empty[] = {0x30, 0x00}, no_location[] = {0x30, 0x04, 0x30, 0x02, 0x06, 0x00},
                       universal_location[] = {0x30, 0x08, 0x30, 0x06, 0x06, 0x01, 0x2b, 0x04, 0x01, 0x41},
                       uri[] = {0x30, 0x08, 0x30, 0x06, 0x06, 0x01, 0x2b, 0x86, 0x01, 0x41};
    CHECK_FALSE(x509::detail::well_formed_authority_info_access(empty));
    CHECK_FALSE(x509::detail::well_formed_authority_info_access(no_location));
    CHECK_FALSE(x509::detail::well_formed_authority_info_access(universal_location));
    CHECK(x509::detail::well_formed_authority_info_access(uri));
}

TEST_CASE("X.509 profiles and name constraints: verification allocates nothing") {
    using profile_test::load;
    using test_support::byte_vector;
    // Every fixture of a rule, and a constrained chain of each name form, verified once more with
    // the allocation counter running.
    std::vector<byte_vector> leaves, intermediates;
    for (const auto& c : profile_test::rule_cases) {
        leaves.push_back(load(c.leaf));
        intermediates.push_back(c.intermediate ? load(c.intermediate) : load("good"));
    }
    const byte_vector root = load("root");
    x509::trust_store<1> store;
    REQUIRE(store.add(root) == errc::ok);
    x509::verify_options options;
    options.time = x509::parse_certificate(root)->not_before + 86400;
    options.host = "www.example.com";
    auto constrained = [](const std::string& name) {
        const std::string text = test_support::read_vector_file("x509/constraints/" + name + ".pem");
        byte_vector der_bytes(text.size());
        const auto n = pem::decode_first(text, pem::certificate, der_bytes);
        der_bytes.resize(n ? *n : 0);
        return der_bytes;
    };
    const byte_vector dir_root = constrained("dir_root"), dir_good = constrained("dir_good"),
                      dir_san = constrained("dir_san"), uri_good = constrained("uri_good"),
                      uri_root = constrained("uri_root");
    x509::trust_store<2> constraining;
    REQUIRE(constraining.add(dir_root) == errc::ok);
    REQUIRE(constraining.add(uri_root) == errc::ok);

    std::size_t refused = 0;
    x509::verify_error constrained_results[3] = {};
    const std::size_t before = test_support::allocation_count();
    for (std::size_t i = 0; i < leaves.size(); ++i) {
        const byte_view chain[1] = {intermediates[i]};
        x509::verify_details details;
        refused += x509::verify_chain(leaves[i], chain, store, options, details) != x509::verify_error::ok;
    }
    options.time = x509::parse_certificate(dir_good)->not_before + 86400;
    constrained_results[0] = x509::verify_chain(dir_good, {}, constraining, options);
    constrained_results[1] = x509::verify_chain(dir_san, {}, constraining, options);
    constrained_results[2] = x509::verify_chain(uri_good, {}, constraining, options);
    CHECK(test_support::allocation_count() - before == 0);
    CHECK(refused == leaves.size());
    CHECK(constrained_results[0] == x509::verify_error::ok);
    CHECK(constrained_results[1] == x509::verify_error::name_constraint_violation);
    CHECK(constrained_results[2] == x509::verify_error::ok);
}

TEST_CASE("X.509 parsing for the profiles: extension presence and criticality, weak key types") {
    using profile_test::load;
    const auto root_der = load("root"), aia_der = load("good_aia"), eku_der = load("leaf_critical_eku");
    const auto root = x509::parse_certificate(root_der), aia = x509::parse_certificate(aia_der),
               eku = x509::parse_certificate(eku_der);
    REQUIRE((root.ok() && aia.ok() && eku.ok()));
    CHECK(root->has(x509::extension::basic_constraints));
    CHECK(root->is_critical(x509::extension::basic_constraints));
    CHECK(root->is_critical(x509::extension::key_usage));
    CHECK(root->has(x509::extension::subject_key_identifier));
    CHECK_FALSE(root->is_critical(x509::extension::subject_key_identifier));
    CHECK_FALSE(root->has(x509::extension::authority_info_access));
    CHECK(aia->has(x509::extension::authority_info_access));
    CHECK(!aia->authority_info_access.empty());
    CHECK(eku->is_critical(x509::extension::extended_key_usage));
    CHECK_FALSE(aia->is_critical(x509::extension::extended_key_usage));

    const struct {
        const char* name;
        x509::key_type type;
        std::size_t bits;
    } keys[] = {{"weak_rsa", x509::key_type::rsa, 1024},
                {"rsa_2048", x509::key_type::rsa, 2048},
                {"weak_p192", x509::key_type::ec_p192, 192},
                {"weak_dsa", x509::key_type::dsa, 2048}};
    for (const auto& k : keys) {
        CAPTURE(k.name);
        const auto der_bytes = load(k.name);
        const auto cert = x509::parse_certificate(der_bytes);
        REQUIRE(cert.ok());
        CHECK(cert->public_key.type == k.type);
        CHECK(cert->public_key.bits == k.bits);
    }
}
