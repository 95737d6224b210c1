// ECDSA in X.509 (RFC 5758 §3.2, RFC 5480): chains that mix P-256, P-384 and Ed25519 keys signed
// with ecdsa-with-SHA256/384/512 (tests/x509/make_ecdsa_fixtures.sh), a CRL and an OCSP response
// signed by a P-256 CA, and the ways a signature must fail: a flipped bit, a malformed DER
// signature, a key of the wrong curve or kind, the algorithm relabelled to another hash. Then the
// ECDSA roots of the system trust store, each of which must verify its own signature.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "carapace/x509/crl.hpp"
#include "carapace/x509/ocsp.hpp"
#include "carapace/x509/verify.hpp"
#include "support/vectors.hpp"

namespace ecdsa_x509_tests {

using namespace carapace;
using test_support::byte_vector;
using enum x509::verify_error;

byte_vector load(const std::string& file) {
    const std::string text = test_support::read_vector_file("x509/ecdsa/" + file);
    REQUIRE_MESSAGE(!text.empty(), file);
    if (file.ends_with(".der")) return byte_vector(text.begin(), text.end());
    byte_vector der_bytes(text.size());
    pem::reader r(text);
    auto block = r.next();
    REQUIRE(block.ok());
    auto n = pem::decode(*block, der_bytes);
    REQUIRE(n.ok());
    der_bytes.resize(*n);
    return der_bytes;
}

x509::certificate parse(const byte_vector& der_bytes) {
    auto c = x509::parse_certificate(der_bytes);
    REQUIRE(c.ok());
    return *c;
}

// Every occurrence of `from` in `der_bytes` replaced by `to` (of the same length).
byte_vector replace_all(byte_vector der_bytes, const byte_vector& from, const byte_vector& to) {
    REQUIRE(from.size() == to.size());
    std::size_t count = 0;
    for (auto it = der_bytes.begin(); (it = std::search(it, der_bytes.end(), from.begin(), from.end())) != der_bytes.end();) {
        std::copy(to.begin(), to.end(), it);
        ++count;
    }
    CHECK(count == 2);  // the TBS's signature field and the outer signatureAlgorithm
    return der_bytes;
}

byte_vector ecdsa_oid(std::uint8_t last) { return {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, last}; }

struct ecdsa_pki {
    byte_vector root_p384 = load("root_p384.pem"), intermediate_p256 = load("intermediate_p256.pem"),
                leaf_ed25519 = load("leaf_ed25519.pem"), root_ed25519 = load("root_ed25519.pem"),
                intermediate_p384 = load("intermediate_p384.pem"), leaf_p256 = load("leaf_p256.pem"),
                root_p256 = load("root_p256.pem"), leaf_p384 = load("leaf_p384.pem"), rogue_p384 = load("rogue_p384.pem"),
                intermediate_p521 = load("intermediate_p521.pem"), leaf_by_p521 = load("leaf_by_p521.pem"),
                revoked_leaf = load("revoked_leaf.pem"), crl_der = load("crl_p256.pem"), ocsp_der = load("ocsp_p256.der");
    // Everything was made at once: an hour after the CRL's thisUpdate all of it is current.
    std::int64_t now = x509::parse_crl(crl_der)->this_update + 3600;

    x509::verify_error verify(const byte_vector& leaf, std::vector<byte_view> intermediates,
                              std::initializer_list<const byte_vector*> roots) const {
        x509::trust_store<4> store;
        for (const byte_vector* r : roots) REQUIRE(store.add(*r) == errc::ok);
        x509::verify_options options;
        options.time = now;
        options.host = "www.example.com";
        return x509::verify_chain(leaf, intermediates, store, options);
    }
};

TEST_CASE_FIXTURE(ecdsa_pki, "X.509 ECDSA: the signature algorithms openssl wrote") {
    using enum x509::signature_algorithm;
    const auto names = test_support::load_vectors("x509/ecdsa/signed_with.json");
    REQUIRE(names.size() == 8);
    const std::pair<const char*, const byte_vector*> files[] = {
        {"root_p384", &root_p384},         {"intermediate_p256", &intermediate_p256}, {"leaf_ed25519", &leaf_ed25519},
        {"root_ed25519", &root_ed25519},   {"intermediate_p384", &intermediate_p384}, {"leaf_p256", &leaf_p256},
        {"root_p256", &root_p256},         {"leaf_p384", &leaf_p384}};
    for (const auto& [name, der_bytes] : files) {
        CAPTURE(name);
        const std::string& openssl_name = names[name].str();
        const auto algorithm = parse(*der_bytes).signed_with;
        CHECK(algorithm == (openssl_name == "ecdsa-with-SHA256"   ? ecdsa_sha256
                            : openssl_name == "ecdsa-with-SHA384" ? ecdsa_sha384
                            : openssl_name == "ecdsa-with-SHA512" ? ecdsa_sha512
                            : openssl_name == "ED25519"           ? ed25519
                                                                  : unknown));
    }
    CHECK(parse(root_p384).public_key.type == x509::key_type::ec_p384);
    CHECK(parse(intermediate_p256).public_key.type == x509::key_type::ec_p256);
    CHECK(parse(intermediate_p521).public_key.type == x509::key_type::ec_p521);
}

TEST_CASE_FIXTURE(ecdsa_pki, "X.509 ECDSA: chains mixing P-256, P-384 and Ed25519 verify") {
    // P-384 root (SHA-384) -> P-256 intermediate (SHA-256) -> Ed25519 leaf.
    CHECK(verify(leaf_ed25519, {intermediate_p256}, {&root_p384}) == ok);
    CHECK(verify(revoked_leaf, {intermediate_p256}, {&root_p384}) == ok);
    // Ed25519 root -> P-384 intermediate (SHA-512) -> P-256 leaf.
    CHECK(verify(leaf_p256, {intermediate_p384}, {&root_ed25519}) == ok);
    // P-256 root (SHA-384) -> P-384 leaf; with unrelated anchors and intermediates beside it.
    CHECK(verify(leaf_p384, {intermediate_p256, intermediate_p384}, {&root_p384, &root_ed25519, &root_p256}) == ok);
    // The ECDSA intermediate of the older fixtures, below an Ed25519 root.
    const std::string root_text = test_support::read_vector_file("x509/root.pem"),
                      intermediate_text = test_support::read_vector_file("x509/ecdsa_intermediate.pem"),
                      leaf_text = test_support::read_vector_file("x509/ecdsa_leaf.pem");
    byte_vector old_root(root_text.size()), old_intermediate(intermediate_text.size()), old_leaf(leaf_text.size());
    old_root.resize(*pem::decode_first(root_text, pem::certificate, old_root));
    old_intermediate.resize(*pem::decode_first(intermediate_text, pem::certificate, old_intermediate));
    old_leaf.resize(*pem::decode_first(leaf_text, pem::certificate, old_leaf));
    x509::trust_store<1> old_store;
    REQUIRE(old_store.add(old_root) == errc::ok);
    x509::verify_options options;
    options.time = parse(old_leaf).not_before + 86400;
    options.host = "www.example.com";
    const std::vector<byte_view> old_path{old_intermediate};
    CHECK(x509::verify_chain(old_leaf, old_path, old_store, options) == ok);
}

TEST_CASE_FIXTURE(ecdsa_pki, "X.509 ECDSA: bad signatures, wrong curves, wrong hashes are refused") {
    // A flipped bit in s (the signature's last octet), and in the TBS (a subject octet).
    byte_vector flipped = leaf_ed25519;
    flipped.back() ^= 0x01;
    CHECK(verify(flipped, {intermediate_p256}, {&root_p384}) == bad_signature);
    const x509::certificate leaf = parse(leaf_ed25519);
    byte_vector tbs_flipped = leaf_ed25519;
    tbs_flipped[static_cast<std::size_t>(leaf.subject.data() - leaf_ed25519.data()) + leaf.subject.size() - 1] ^= 0x01;
    CHECK(verify(tbs_flipped, {intermediate_p256}, {&root_p384}) == bad_signature);
    // A signature that is not a DER Ecdsa-Sig-Value: the SEQUENCE tag changed to SET.
    byte_vector not_der = leaf_ed25519;
    not_der[static_cast<std::size_t>(leaf.signature.data() - leaf_ed25519.data())] = 0x31;
    CHECK(verify(not_der, {intermediate_p256}, {&root_p384}) == bad_signature);
    // The P-256 intermediate's name with a P-384 key: its key cannot have made the signature.
    CHECK(verify(leaf_ed25519, {}, {&rogue_p384}) == bad_signature);
    CHECK(verify(leaf_ed25519, {rogue_p384, intermediate_p256}, {&root_p384}) == ok);
    // Keys of another kind than the algorithm's: an Ed25519 key for an ECDSA signature, a P-256
    // key for an Ed25519 one.
    CHECK(x509::detail::check_signature(leaf, parse(root_ed25519).public_key) == bad_signature);
    CHECK(x509::detail::check_signature(parse(intermediate_p384), parse(intermediate_p256).public_key) == bad_signature);
    CHECK(x509::detail::check_signature(leaf, parse(intermediate_p256).public_key) == ok);
    // The algorithm relabelled to another hash (in both places, so that the certificate parses).
    for (const std::uint8_t other_hash : {std::uint8_t{3}, std::uint8_t{4}}) {
        const byte_vector relabelled = replace_all(leaf_ed25519, ecdsa_oid(2), ecdsa_oid(other_hash));
        CHECK(parse(relabelled).signed_with != x509::signature_algorithm::ecdsa_sha256);
        CHECK(verify(relabelled, {intermediate_p256}, {&root_p384}) == bad_signature);
    }
    const byte_vector p256_leaf_as_sha256 = replace_all(leaf_p256, ecdsa_oid(4), ecdsa_oid(2));
    CHECK(verify(p256_leaf_as_sha256, {intermediate_p384}, {&root_ed25519}) == bad_signature);
    // A P-521 issuer: named, not verified.
    CHECK(verify(leaf_by_p521, {intermediate_p521}, {&root_p384}) == unsupported_algorithm);
}

TEST_CASE_FIXTURE(ecdsa_pki, "X.509 ECDSA: a CRL and an OCSP response signed by a P-256 CA") {
    using enum x509::revocation_status;
    const x509::certificate ca = parse(intermediate_p256), leaf = parse(leaf_ed25519), revoked_cert = parse(revoked_leaf);
    auto list = x509::parse_crl(crl_der);
    REQUIRE(list.ok());
    CHECK(list->signed_with == x509::signature_algorithm::ecdsa_sha256);
    x509::revocation_options options;
    options.time = now;
    const x509::crl lists[] = {*list};
    CHECK(x509::crl_status(leaf, ca, lists, {}, options).status == good);
    CHECK(x509::crl_status(revoked_cert, ca, lists, {}, options).status == revoked);
    byte_vector bad_crl = crl_der;
    bad_crl.back() ^= 0x01;
    const x509::crl bad_lists[] = {*x509::parse_crl(bad_crl)};
    CHECK(x509::crl_status(revoked_cert, ca, bad_lists, {}, options) ==
          x509::revocation_result{unknown, x509::revocation_detail::bad_signature});

    auto response = x509::parse_ocsp_response(ocsp_der);
    REQUIRE(response.ok());
    CHECK(response->signed_with == x509::signature_algorithm::ecdsa_sha384);
    CHECK(x509::check_ocsp_response(ocsp_der, leaf, ca, options).status == good);
    const auto signature_at = static_cast<std::size_t>(response->signature.data() - ocsp_der.data());
    byte_vector bad_response = ocsp_der;
    bad_response[signature_at + response->signature.size() - 1] ^= 0x01;
    CHECK(x509::check_ocsp_response(bad_response, leaf, ca, options) ==
          x509::revocation_result{unknown, x509::revocation_detail::bad_signature});
}

TEST_CASE("X.509 ECDSA: the system trust store's ECDSA roots verify their own signatures") {
    const std::string path = "/etc/ssl/certs/ca-certificates.crt";
    const std::string bundle = test_support::read_text_file(path);
    if (bundle.empty()) {
        MESSAGE("skipped: " << path << " is absent (Debian's ca-certificates package installs it)");
        return;
    }
    std::vector<byte_vector> roots;
    pem::reader r(bundle);
    for (auto block = r.next(); block; block = r.next()) {
        byte_vector der_bytes(pem::max_decoded_size(*block));
        auto n = pem::decode(*block, der_bytes);
        REQUIRE(n.ok());
        der_bytes.resize(*n);
        roots.push_back(std::move(der_bytes));
    }
    REQUIRE(r.ok());
    REQUIRE(roots.size() > 100);
    std::size_t p256 = 0, p384 = 0;
    std::vector<std::string> verified;
    for (const byte_vector& der_bytes : roots) {
        auto c = x509::parse_certificate(der_bytes);
        if (!c) continue;  // the bundle may hold what we cannot parse; the count below keeps us honest
        const bool ec = c->public_key.type == x509::key_type::ec_p256 || c->public_key.type == x509::key_type::ec_p384;
        const bool ecdsa = c->signed_with == x509::signature_algorithm::ecdsa_sha256 ||
                           c->signed_with == x509::signature_algorithm::ecdsa_sha384 ||
                           c->signed_with == x509::signature_algorithm::ecdsa_sha512;
        if (!ec || !ecdsa || !x509::detail::self_issued(*c)) continue;
        CAPTURE(test_support::to_hex(c->subject));
        CHECK(x509::detail::check_signature(*c, c->public_key) == ok);
        (c->public_key.type == x509::key_type::ec_p256 ? p256 : p384) += 1;
        const std::string subject(c->subject.begin(), c->subject.end());
        for (const char* name : {"ISRG Root X2", "DigiCert Global Root G3", "Amazon Root CA 3",
                                 "Hellenic Academic and Research Institutions ECC RootCA 2015"})
            if (subject.find(name) != std::string::npos) verified.emplace_back(name);
        // One with a bit flipped in its signature does not.
        byte_vector flipped = der_bytes;
        flipped.back() ^= 0x01;
        CHECK(x509::detail::check_signature(parse(flipped), c->public_key) == bad_signature);
    }
    MESSAGE(p256 << " P-256 and " << p384 << " P-384 ECDSA roots verified");
    CHECK(p256 >= 1);
    CHECK(p384 >= 5);
    // Known ECDSA roots among them: ISRG Root X2 (P-384, SHA-384), which every current bundle
    // holds, and whichever of the others (P-384/SHA-384, P-256/SHA-256, the Hellenic root's
    // P-384 key with SHA-256) this one does.
    for (const auto& name : verified) MESSAGE("verified: " << name);
    CHECK(std::find(verified.begin(), verified.end(), "ISRG Root X2") != verified.end());
}

}  // namespace ecdsa_x509_tests
