// Certificate parsing: the fixtures made by tests/x509/make_fixtures.sh checked against what
// openssl read out of them (expected.json), every certificate of the system CA bundle, and
// truncated and bit-flipped certificates, which must fail cleanly (ASan and UBSan watch).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "carapace/ec/ed25519.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/keys.hpp"
#include "carapace/x509/pem.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;

namespace {

std::vector<byte_vector> certificates_in(const std::string& text) {
    std::vector<byte_vector> out;
    pem::reader r(text);
    for (auto block = r.next(); block; block = r.next()) {
        if (block->label != pem::certificate) continue;
        byte_vector der_bytes(pem::max_decoded_size(*block));
        auto n = pem::decode(*block, der_bytes);
        if (!n) return {};
        der_bytes.resize(*n);
        out.push_back(std::move(der_bytes));
    }
    return out;
}

byte_vector fixture(const char* name) {
    auto certs = certificates_in(test_support::read_vector_file(std::string("x509/") + name + ".pem"));
    return certs.size() == 1 ? certs[0] : byte_vector{};
}

// The SAN entries as openssl prints them: "DNS:a,IPAddress:1.2.3.4".
std::string describe_names(byte_view content) {
    std::string out;
    x509::general_names names(content);
    while (!names.empty()) {
        auto name = names.next();
        if (!name) return "malformed";
        if (!out.empty()) out += ',';
        if (name->tag == x509::general_names::dns_name) {
            out += "DNS:";
            out.append(name->content.begin(), name->content.end());
        } else if (name->tag == x509::general_names::ip_address && name->content.size() == 4) {
            out += "IPAddress:";
            for (std::size_t i = 0; i < 4; ++i) {
                if (i != 0) out += '.';
                out += std::to_string(name->content[i]);
            }
        } else {
            out += "other";
        }
    }
    return out;
}

}  // namespace

TEST_CASE("X.509: fixtures read as openssl reads them") {
    const auto expected = test_support::load_vectors("x509/expected.json");
    for (const char* name : {"root", "intermediate", "leaf"}) {
        CAPTURE(name);
        const byte_vector der_bytes = fixture(name);
        REQUIRE(!der_bytes.empty());
        auto cert = x509::parse_certificate(der_bytes);
        REQUIRE(cert.ok());
        const auto& want = expected[name];
        byte_view serial = cert->serial;
        if (serial.size() > 1 && serial[0] == 0) serial = serial.subspan(1);  // openssl omits the sign octet
        CHECK(test_support::to_hex(serial) == want["serial"].str());
        CHECK(cert->not_before == want["not_before"].integer());
        CHECK(cert->not_after == want["not_after"].integer());
        CHECK(cert->version == 3);
        CHECK(cert->has_basic_constraints);
        CHECK(cert->is_ca == want["is_ca"].boolean);
        CHECK(cert->path_length == want["path_length"].integer());
        CHECK(describe_names(cert->subject_alt_names) == (want["san"].str().empty() ? "" : want["san"].str()));
        CHECK(cert->signed_with == x509::signature_algorithm::ed25519);
        CHECK(cert->public_key.type == x509::key_type::ed25519);
        CHECK(cert->public_key.key.size() == 32);
        CHECK(cert->signature.size() == 64);
        CHECK(!cert->has_unknown_critical_extension);
        CHECK(cert->tbs.data() == der_bytes.data() + 4);  // inside the outer SEQUENCE header
    }
    const byte_vector root_der = fixture("root"), intermediate_der = fixture("intermediate"),
                      leaf_der = fixture("leaf");
    auto root = x509::parse_certificate(root_der);
    auto intermediate = x509::parse_certificate(intermediate_der);
    auto leaf = x509::parse_certificate(leaf_der);
    REQUIRE((root.ok() && intermediate.ok() && leaf.ok()));
    CHECK(der::equal(root->issuer, root->subject));
    CHECK(der::equal(intermediate->issuer, root->subject));
    CHECK(der::equal(leaf->issuer, intermediate->subject));
    CHECK(der::equal(intermediate->authority_key_id, root->subject_key_id));
    CHECK(root->allows(x509::key_usage::key_cert_sign));
    CHECK(!leaf->allows(x509::key_usage::key_cert_sign));
    CHECK(leaf->allows(x509::key_usage::digital_signature));
    CHECK((leaf->has_extended_key_usage && leaf->eku_server_auth && leaf->eku_client_auth && !leaf->eku_any));
    CHECK(!root->has_extended_key_usage);
    CHECK(!intermediate->permitted_subtrees.empty());
    CHECK(!intermediate->excluded_subtrees.empty());
    x509::general_names permitted(intermediate->permitted_subtrees, true);
    std::string bases;
    while (!permitted.empty()) {
        auto base = permitted.next();
        REQUIRE(base.ok());
        bases += std::to_string(base->tag) + ":" + std::to_string(base->content.size()) + " ";
    }
    CHECK(bases == "130:11 135:8 ");  // DNS example.com, IP 192.0.2.0/24 (address and mask)
}

TEST_CASE("X.509: every certificate of the system CA bundle parses") {
    const auto certs = certificates_in(test_support::read_text_file("/etc/ssl/certs/ca-certificates.crt"));
    REQUIRE_MESSAGE(certs.size() > 100, "install Debian's ca-certificates package (scripts/test does)");
    std::size_t rsa = 0, ec = 0, self_issued = 0;
    for (std::size_t i = 0; i < certs.size(); ++i) {
        CAPTURE(i);
        auto cert = x509::parse_certificate(certs[i]);
        REQUIRE(cert.ok());
        CHECK(cert->is_ca);
        CHECK(cert->public_key.type != x509::key_type::unknown);
        CHECK(cert->signed_with != x509::signature_algorithm::unknown);
        CHECK(cert->not_before < cert->not_after);
        rsa += cert->public_key.type == x509::key_type::rsa;
        ec += cert->public_key.type == x509::key_type::ec_p256 || cert->public_key.type == x509::key_type::ec_p384;
        self_issued += der::equal(cert->issuer, cert->subject);
    }
    CHECK(rsa > 50);
    CHECK(ec > 10);
    CHECK(self_issued == certs.size());
    MESSAGE(certs.size() << " roots: " << rsa << " RSA, " << ec << " ECDSA");
}

TEST_CASE("X.509: truncated and bit-flipped certificates fail cleanly") {
    const byte_vector leaf = fixture("leaf");
    REQUIRE(x509::parse_certificate(leaf).ok());
    for (std::size_t n = 0; n < leaf.size(); ++n) {
        const byte_vector cut(leaf.begin(), leaf.begin() + static_cast<std::ptrdiff_t>(n));
        CHECK(!x509::parse_certificate(cut).ok());
    }
    byte_vector longer = leaf;
    longer.push_back(0);
    CHECK(!x509::parse_certificate(longer).ok());
    std::size_t still_parsed = 0;
    for (std::size_t bit = 0; bit < 8 * leaf.size(); ++bit) {
        byte_vector flipped = leaf;
        flipped[bit / 8] = static_cast<std::uint8_t>(flipped[bit / 8] ^ (1u << (bit % 8)));
        auto cert = x509::parse_certificate(flipped);
        // Flips inside names, keys, signatures and many values leave a well-formed certificate
        // (the signature catches those); flips in the structure must not.
        if (cert.ok()) ++still_parsed;
    }
    CHECK(still_parsed > 0);
    CHECK(still_parsed < 8 * leaf.size());
}

TEST_CASE("X.509: structural rules") {
    byte_vector leaf = fixture("leaf");
    REQUIRE(!leaf.empty());
    // The inner signature algorithm must equal the outer one: change the outer OID's last byte.
    // Ed25519's AlgorithmIdentifier is 30 05 06 03 2b 65 70; the outer one is the last but the
    // BIT STRING, so search from the end.
    const byte_vector ed25519_id{0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};
    auto at = std::search(leaf.rbegin(), leaf.rend(), ed25519_id.rbegin(), ed25519_id.rend());
    REQUIRE(at != leaf.rend());
    byte_vector mismatch = leaf;
    mismatch[static_cast<std::size_t>(leaf.rend() - at) - 1] = 0x71;  // 1.3.101.113 (Ed448)
    CHECK(!x509::parse_certificate(mismatch).ok());
}

TEST_CASE("X.509: TLS Feature status_request is must-staple (RFC 7633)") {
    const byte_vector must = fixture("must_staple"), plain = fixture("leaf");
    auto c = x509::parse_certificate(must);
    REQUIRE(c.ok());
    CHECK(x509::must_staple(*c));
    auto d = x509::parse_certificate(plain);
    REQUIRE(d.ok());
    CHECK_FALSE(x509::must_staple(*d));
    // Other features do not ask for stapling; a malformed list counts as one that does.
    const std::uint8_t other[] = {0x30, 0x03, 0x02, 0x01, 0x11};       // status_request_v2 (17)
    const std::uint8_t both[] = {0x30, 0x06, 0x02, 0x01, 0x11, 0x02, 0x01, 0x05};
    const std::uint8_t broken[] = {0x30, 0x03, 0x04, 0x01, 0x05};      // an OCTET STRING, not an INTEGER
    x509::certificate e = *d;
    e.tls_features = other;
    CHECK_FALSE(x509::must_staple(e));
    e.tls_features = both;
    CHECK(x509::must_staple(e));
    e.tls_features = broken;
    CHECK(x509::must_staple(e));
}

TEST_CASE("keys: PKCS#8 and SubjectPublicKeyInfo from openssl") {
    const std::string private_text = test_support::read_vector_file("x509/pair_private.pem");
    const std::string public_text = test_support::read_vector_file("x509/pair_public.pem");
    byte_vector private_der(private_text.size()), public_der(public_text.size());
    auto n = pem::decode_first(private_text, pem::private_key, private_der);
    auto m = pem::decode_first(public_text, pem::public_key, public_der);
    REQUIRE((n.ok() && m.ok()));
    private_der.resize(*n);
    public_der.resize(*m);
    auto private_key = x509::parse_private_key(private_der);
    auto public_key = x509::parse_public_key(public_der);
    REQUIRE(private_key.ok());
    REQUIRE(public_key.ok());
    CHECK(private_key->type == x509::key_type::ed25519);
    CHECK(public_key->type == x509::key_type::ed25519);
    REQUIRE(private_key->key.size() == 32);
    // The seed gives the public key openssl wrote next to it.
    const auto derived = ed25519_public_key(private_key->key.first<32>());
    CHECK(byte_vector(derived.begin(), derived.end()) == byte_vector(public_key->key.begin(), public_key->key.end()));
    // Every truncation fails; so does a certificate's SPKI with trailing bytes.
    for (std::size_t k = 0; k < private_der.size(); ++k)
        CHECK(!x509::parse_private_key(byte_view(private_der).first(k)).ok());
    byte_vector longer = public_der;
    longer.push_back(0);
    CHECK(!x509::parse_public_key(longer).ok());
    secure_wipe(private_der.data(), private_der.size());
}
