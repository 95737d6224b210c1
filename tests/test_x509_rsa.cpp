// RSA in X.509: the fixtures of tests/x509/make_rsa_fixtures.sh (RSA-2048 and RSA-3072 chains
// signed with PKCS#1 v1.5, a chain signed with RSASSA-PSS in the Baseline Requirements'
// encodings, an id-RSASSA-PSS key) read as openssl reads them; RSASSA-PSS parameters (RFC 4055
// §3.1) parsed strictly, and a key's parameters limiting its signatures (§3.3); the Web PKI
// profile's RSA rules (BR §6.1.5, §6.1.6, §7.1.3.1.1, §7.1.3.2.1).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "carapace/x509/crl.hpp"
#include "carapace/x509/ocsp.hpp"
#include "carapace/x509/verify.hpp"
#include "support/vectors.hpp"

namespace rsa_x509_tests {

using namespace carapace;
using test_support::byte_vector;
using test_support::unhex;

byte_vector load(const std::string& file) {
    const std::string text = test_support::read_vector_file("x509/rsa/" + file);
    REQUIRE_MESSAGE(!text.empty(), file);
    if (file.ends_with(".der")) return byte_vector(text.begin(), text.end());
    byte_vector der_bytes(text.size());
    auto n = pem::decode_first(text, pem::certificate, der_bytes);
    if (!n) n = pem::decode_first(text, "X509 CRL", der_bytes);
    REQUIRE_MESSAGE(n.ok(), file);
    der_bytes.resize(*n);
    return der_bytes;
}

x509::certificate parse(const byte_vector& der_bytes) {
    auto c = x509::parse_certificate(der_bytes);
    REQUIRE(c.ok());
    return *c;
}
// A parsed certificate's fields are views into its DER: a temporary's would dangle.
x509::certificate parse(byte_vector&&) = delete;

const char* const certificate_names[] = {
    "root_2048", "intermediate_2048", "leaf_2048",        "root_3072",            "intermediate_3072",
    "leaf_3072", "root_pss",          "intermediate_pss", "leaf_pss",             "leaf_pss_salt_20",
    "intermediate_pss_key",           "leaf_by_pss_key",  "leaf_2052",            "leaf_p256",
    "revoked_leaf"};

x509::pss_hash pss_hash_named(const std::string& name) {
    if (name == "sha256") return x509::pss_hash::sha256;
    if (name == "sha384") return x509::pss_hash::sha384;
    if (name == "sha512") return x509::pss_hash::sha512;
    return x509::pss_hash::other;
}

// An RSASSA-PSS-params SEQUENCE around `fields` (hex).
byte_vector pss_params(const std::string& fields) {
    byte_vector v = unhex(fields);
    REQUIRE(v.size() < 128);
    v.insert(v.begin(), {0x30, static_cast<std::uint8_t>(v.size())});
    return v;
}
const std::string sha256_null = "300d06096086480165030402010500", sha256_absent = "300b0609608648016503040201",
                  sha384_null = "300d06096086480165030402020500";
std::string hash_field(const std::string& hash) { return "a0" + std::string(hash.size() == 30 ? "0f" : "0d") + hash; }
std::string mgf1_field(const std::string& hash) {
    // [1] { SEQUENCE { id-mgf1, hash } }
    const std::size_t inner = 11 + hash.size() / 2;
    const byte_vector lengths = {0xa1, static_cast<std::uint8_t>(inner + 2), 0x30, static_cast<std::uint8_t>(inner)};
    return test_support::to_hex(lengths) + "06092a864886f70d010108" + hash;
}

}  // namespace rsa_x509_tests

using namespace rsa_x509_tests;

TEST_CASE("X.509 RSA: signature algorithms, PSS parameters and key sizes as openssl wrote them") {
    const auto expected = test_support::load_vectors("x509/rsa/expected.json");
    REQUIRE(expected.size() == std::size(certificate_names));
    for (const char* name : certificate_names) {
        CAPTURE(name);
        const byte_vector der_bytes = load(std::string(name) + ".pem");
        const x509::certificate c = parse(der_bytes);
        const auto& want = expected[name];
        const std::string algorithm = want["algorithm"].str();
        using enum x509::signature_algorithm;
        CHECK(c.signed_with == (algorithm == "sha256WithRSAEncryption"   ? rsa_pkcs1_sha256
                                : algorithm == "sha384WithRSAEncryption" ? rsa_pkcs1_sha384
                                : algorithm == "sha512WithRSAEncryption" ? rsa_pkcs1_sha512
                                : algorithm == "rsassaPss"               ? rsa_pss
                                                                         : unknown));
        CHECK(c.public_key.bits == static_cast<std::size_t>(want["bits"].integer()));
        if (c.signed_with == rsa_pss) {
            auto p = x509::parse_pss_parameters(c.signature_parameters);
            REQUIRE(p.ok());
            CHECK(p->hash == pss_hash_named(want["hash"].str()));
            CHECK(p->mgf1_hash == p->hash);  // openssl's MGF1 follows the message hash
            CHECK(p->salt_length == static_cast<std::uint64_t>(want["salt"].integer()));
        } else {
            CHECK(der::equal(c.signature_parameters, unhex("0500")));
        }
    }
    // Key types: rsaEncryption, id-RSASSA-PSS limited to SHA-256 / MGF1-SHA-256 / salt >= 32, P-256.
    const auto leaf_2048_der = load("leaf_2048.pem"), leaf_p256_der = load("leaf_p256.pem");
    CHECK(parse(leaf_2048_der).public_key.type == x509::key_type::rsa);
    CHECK(parse(leaf_p256_der).public_key.type == x509::key_type::ec_p256);
    const auto pss_key_der = load("intermediate_pss_key.pem");  // the certificate's views point into it
    const x509::certificate pss_key = parse(pss_key_der);
    CHECK(pss_key.public_key.type == x509::key_type::rsa_pss);
    auto limits = x509::parse_pss_parameters(pss_key.public_key.parameters);
    REQUIRE(limits.ok());
    CHECK(limits->hash == x509::pss_hash::sha256);
    CHECK(limits->mgf1_hash == x509::pss_hash::sha256);
    CHECK(limits->salt_length == 32);
    // The same key through parse_public_key, the SubjectPublicKeyInfo on its own.
    auto alone = x509::parse_public_key(pss_key.public_key.encoded);
    REQUIRE(alone.ok());
    CHECK(alone->type == x509::key_type::rsa_pss);
    CHECK(alone->bits == 2048);
}

TEST_CASE("X.509 RSA: RSASSA-PSS parameters are parsed strictly") {
    using enum x509::pss_hash;
    struct accepted {
        std::string fields;
        x509::pss_hash hash, mgf1_hash;
        std::uint64_t salt;
    };
    const accepted good[] = {
        {"", sha1, sha1, 20},  // every field at its DEFAULT
        {hash_field(sha256_null) + mgf1_field(sha256_null) + "a203020120", sha256, sha256, 32},
        {hash_field(sha256_absent) + mgf1_field(sha256_absent) + "a203020120", sha256, sha256, 32},
        {hash_field(sha384_null) + mgf1_field(sha256_null) + "a203020100", sha384, sha256, 0},
        {hash_field(sha256_null), sha256, sha1, 20},
        // SHA-224 (2.16.840.1.101.3.4.2.4): parsed, named `other`, refused where verified.
        {hash_field("300d06096086480165030402040500"), other, sha1, 20},
        // A mask generation function other than MGF1 (here 1.2.840.113549.1.1.9).
        {"a10d300b06092a864886f70d010109", sha1, other, 20},
        {"a205020300ffff", sha1, sha1, 65535},
    };
    for (const auto& g : good) {
        CAPTURE(g.fields);
        auto p = x509::parse_pss_parameters(pss_params(g.fields));
        REQUIRE(p.ok());
        CHECK(p->hash == g.hash);
        CHECK(p->mgf1_hash == g.mgf1_hash);
        CHECK(p->salt_length == g.salt);
    }
    const std::string refused[] = {
        "a203020114",                                  // saltLength 20 written out (its DEFAULT)
        "a303020101",                                  // trailerField written out
        "a303020102",                                  // trailerField 2
        "a2030201ff",                                  // a negative salt length
        "a20302",                                      // truncated
        "a2020500",                                    // salt length not an INTEGER
        "a00b300906052b0e03021a0500",                  // SHA-1 written out (its DEFAULT)
        "a00f300d06096086480165030402010400",          // hash parameters neither absent nor NULL
        "a011" + sha256_null + "0500",                 // two elements in [0]
        "a203020120a0" + std::string("0f") + sha256_null,  // fields out of order
        mgf1_field(sha256_null) + hash_field(sha256_null),
        "0500",                                        // not a field of RSASSA-PSS-params
        "a10d300b06092a864886f70d010108",              // MGF1 without its hash
    };
    for (const auto& fields : refused) {
        CAPTURE(fields);
        CHECK_FALSE(x509::parse_pss_parameters(pss_params(fields)).ok());
    }
    CHECK_FALSE(x509::parse_pss_parameters(unhex("0500")).ok());
    CHECK_FALSE(x509::parse_pss_parameters(byte_vector{}).ok());
    byte_vector trailing = pss_params("a203020120");
    trailing.push_back(0);
    CHECK_FALSE(x509::parse_pss_parameters(trailing).ok());
}

TEST_CASE("X.509 RSA: a PSS key's parameters limit its signatures (RFC 4055 §3.3)") {
    const x509::pss_parameters key{x509::pss_hash::sha256, x509::pss_hash::sha256, 32};
    CHECK(x509::pss_fits_key({x509::pss_hash::sha256, x509::pss_hash::sha256, 32}, key));
    CHECK(x509::pss_fits_key({x509::pss_hash::sha256, x509::pss_hash::sha256, 64}, key));
    CHECK_FALSE(x509::pss_fits_key({x509::pss_hash::sha256, x509::pss_hash::sha256, 31}, key));
    CHECK_FALSE(x509::pss_fits_key({x509::pss_hash::sha384, x509::pss_hash::sha256, 48}, key));
    CHECK_FALSE(x509::pss_fits_key({x509::pss_hash::sha256, x509::pss_hash::sha384, 32}, key));
}

TEST_CASE("X.509 RSA: malformed RSASSA-PSS identifiers and keys are malformed certificates") {
    const byte_vector leaf = load("leaf_by_pss_key.pem");
    // saltLength 32 -> 20: written out at its DEFAULT, not DER (both identifiers changed).
    byte_vector salt_20 = leaf;
    const byte_vector from = unhex("a203020120"), to = unhex("a203020114");
    std::size_t changed = 0;
    for (auto it = std::search(salt_20.begin(), salt_20.end(), from.begin(), from.end()); it != salt_20.end();
         it = std::search(it, salt_20.end(), from.begin(), from.end())) {
        std::copy(to.begin(), to.end(), it);
        ++changed;
    }
    CHECK(changed == 2);
    CHECK(x509::parse_certificate(salt_20).error() == errc::decode_error);
    // The intermediate's id-RSASSA-PSS key limited with a trailerField written out.
    const auto ca_der = load("intermediate_pss_key.pem");
    const x509::certificate ca = parse(ca_der);
    byte_vector spki(ca.public_key.encoded.begin(), ca.public_key.encoded.end());
    CHECK(x509::parse_public_key(spki).ok());
    const auto salt_at = std::search(spki.begin(), spki.end(), from.begin(), from.end());
    REQUIRE(salt_at != spki.end());
    std::copy(to.begin(), to.end(), salt_at);
    CHECK(x509::parse_public_key(spki).error() == errc::decode_error);
}

TEST_CASE("X.509 RSA: the Web PKI profile's rules for RSA keys and signature identifiers") {
    using enum x509::profile_rule;
    using x509::path_role;
    const auto webpki = x509::certificate_profile::webpki, rfc5280 = x509::certificate_profile::rfc5280;
    const struct {
        const char* name;
        path_role role;
        x509::profile_rule want;
    } cases[] = {
        {"leaf_2048", path_role::leaf, none},
        {"intermediate_2048", path_role::intermediate, none},
        {"leaf_3072", path_role::leaf, none},
        {"intermediate_3072", path_role::intermediate, none},  // sha512WithRSAEncryption
        {"leaf_pss", path_role::leaf, none},                   // PSS SHA-512, salt 64
        {"intermediate_pss", path_role::intermediate, none},   // PSS SHA-384, salt 48
        {"leaf_by_pss_key", path_role::leaf, none},            // PSS SHA-256, salt 32
        {"leaf_p256", path_role::leaf, none},
        {"leaf_2052", path_role::leaf, rsa_modulus_size},
        {"leaf_pss_salt_20", path_role::leaf, rsa_signature_encoding},
        {"intermediate_pss_key", path_role::intermediate, rsa_pss_public_key},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        const byte_vector der_bytes = load(std::string(c.name) + ".pem");
        const x509::certificate cert = parse(der_bytes);
        CHECK(x509::check_profile(cert, c.role, webpki) == c.want);
        CHECK(x509::check_profile(cert, c.role, rfc5280) == none);  // all Web PKI rules
    }
    // Roots are the caller's choice: a PSS-signed root with the BR's encoding is fine, and the
    // rules above are not asked of anchors.
    const auto root_pss_der = load("root_pss.pem");
    CHECK(x509::check_profile(parse(root_pss_der), path_role::anchor, webpki) == none);

    // PKCS#1 v1.5 identifiers without their NULL (what some encoders write): valid under
    // RFC 4055, not the BR's encoding.
    const auto leaf_der = load("leaf_2048.pem");
    x509::certificate leaf = parse(leaf_der);
    leaf.signature_parameters = {};
    CHECK(x509::check_profile(leaf, path_role::leaf, webpki) == rsa_signature_encoding);

    // The public exponent: odd and at least 3.
    const struct {
        const char* rsa_public_key;
        bool acceptable;
    } exponents[] = {
        {"3006020100020103", true},          // 3
        {"3008020100020301 0001", true},     // 65537
        {"3006020100020101", false},         // 1
        {"3006020100020102", false},         // even
        {"3006020100020100", false},         // 0
        {"30060201000201ff", false},         // negative
        {"300702010002020100", false},       // 256: even
        {"300702010002020101", true},        // 257
        {"3005020100020103", false},         // malformed
    };
    for (const auto& e : exponents) {
        std::string hex = e.rsa_public_key;
        hex.erase(std::remove(hex.begin(), hex.end(), ' '), hex.end());
        CAPTURE(hex);
        CHECK(x509::detail::rsa_exponent_acceptable(unhex(hex)) == e.acceptable);
    }
    // A certificate whose key has exponent 1 breaks the rule.
    const byte_vector one = unhex("3006020100020101");
    leaf = parse(leaf_der);
    leaf.public_key.key = one;
    CHECK(x509::check_profile(leaf, path_role::leaf, webpki) == rsa_public_exponent);
    CHECK(x509::check_profile(leaf, path_role::intermediate, webpki) == rsa_public_exponent);
}

namespace rsa_x509_tests {

struct rsa_pki {
    byte_vector root_2048 = load("root_2048.pem"), intermediate_2048 = load("intermediate_2048.pem"),
                leaf_2048 = load("leaf_2048.pem"), root_3072 = load("root_3072.pem"),
                intermediate_3072 = load("intermediate_3072.pem"), leaf_3072 = load("leaf_3072.pem"),
                root_pss = load("root_pss.pem"), intermediate_pss = load("intermediate_pss.pem"),
                leaf_pss = load("leaf_pss.pem"), leaf_pss_salt_20 = load("leaf_pss_salt_20.pem"),
                intermediate_pss_key = load("intermediate_pss_key.pem"), leaf_by_pss_key = load("leaf_by_pss_key.pem"),
                leaf_p256 = load("leaf_p256.pem"), revoked_leaf = load("revoked_leaf.pem"),
                crl_der = load("crl_2048.pem"), ocsp_der = load("ocsp_2048_pss.der");
    // Everything was made at once: an hour after the CRL's thisUpdate all of it is current.
    std::int64_t now = x509::parse_crl(crl_der)->this_update + 3600;

    x509::verify_error verify(const byte_vector& leaf, std::vector<byte_view> intermediates, const byte_vector& root,
                              x509::certificate_profile profile = x509::certificate_profile::webpki) const {
        x509::trust_store<1> store;
        REQUIRE(store.add(root) == errc::ok);
        x509::verify_options options;
        options.time = now;
        options.host = "www.example.com";
        options.profile = profile;
        return x509::verify_chain(leaf, intermediates, store, options);
    }
};

}  // namespace rsa_x509_tests

TEST_CASE_FIXTURE(rsa_x509_tests::rsa_pki, "X.509 RSA: PKCS#1 v1.5 and RSASSA-PSS chains verify") {
    using enum x509::verify_error;
    const auto rfc5280 = x509::certificate_profile::rfc5280;
    CHECK(verify(leaf_2048, {intermediate_2048}, root_2048) == ok);
    CHECK(verify(revoked_leaf, {intermediate_2048}, root_2048) == ok);
    CHECK(verify(leaf_3072, {intermediate_3072}, root_3072) == ok);           // SHA-384 and SHA-512
    CHECK(verify(leaf_pss, {intermediate_pss}, root_pss) == ok);              // PSS SHA-256, 384, 512
    CHECK(verify(leaf_p256, {intermediate_2048}, root_2048) == ok);           // an RSA CA, an ECDSA leaf
    CHECK(verify(leaf_3072, {intermediate_2048, intermediate_3072}, root_3072) == ok);
    CHECK(verify(leaf_2048, {intermediate_3072}, root_3072) == unknown_issuer);
    // Valid under RFC 5280, outside what the Baseline Requirements allow.
    CHECK(verify(leaf_pss_salt_20, {}, root_pss, rfc5280) == ok);
    CHECK(verify(leaf_pss_salt_20, {}, root_pss) == profile_violation);
    CHECK(verify(leaf_by_pss_key, {intermediate_pss_key}, root_2048, rfc5280) == ok);
    CHECK(verify(leaf_by_pss_key, {intermediate_pss_key}, root_2048) == profile_violation);
}

TEST_CASE_FIXTURE(rsa_x509_tests::rsa_pki, "X.509 RSA: bad signatures, wrong keys and refused parameters") {
    using enum x509::verify_error;
    // A flipped bit in the signature, and in the TBS.
    for (const byte_vector* original : {&leaf_2048, &leaf_pss}) {
        byte_vector flipped = *original;
        flipped.back() ^= 0x01;
        const byte_vector& ca = original == &leaf_2048 ? intermediate_2048 : intermediate_pss;
        const byte_vector& root = original == &leaf_2048 ? root_2048 : root_pss;
        CHECK(verify(flipped, {ca}, root) == bad_signature);
        const x509::certificate leaf = parse(*original);
        byte_vector tbs_flipped = *original;
        tbs_flipped[static_cast<std::size_t>(leaf.subject.data() - original->data()) + leaf.subject.size() - 1] ^= 0x01;
        CHECK(verify(tbs_flipped, {ca}, root) == bad_signature);
    }
    // sha256WithRSAEncryption relabelled sha384 and sha512 (both identifiers).
    for (const std::uint8_t other : {std::uint8_t{0x0c}, std::uint8_t{0x0d}}) {
        byte_vector relabelled = leaf_2048;
        const byte_vector from = unhex("06092a864886f70d01010b");
        std::size_t count = 0;
        for (auto it = std::search(relabelled.begin(), relabelled.end(), from.begin(), from.end());
             it != relabelled.end(); it = std::search(it, relabelled.end(), from.begin(), from.end())) {
            it[10] = other;
            ++count;
        }
        CHECK(count == 2);
        CHECK(verify(relabelled, {intermediate_2048}, root_2048) == bad_signature);
    }
    const x509::certificate leaf = parse(leaf_2048), pss_leaf = parse(leaf_by_pss_key);
    const x509::public_key_info ca_key = parse(intermediate_2048).public_key,
                                pss_key = parse(intermediate_pss_key).public_key;
    CHECK(x509::detail::check_signature(leaf, ca_key) == ok);
    CHECK(x509::detail::check_signature(leaf, parse(root_2048).public_key) == bad_signature);
    CHECK(x509::detail::check_signature(leaf, parse(leaf_p256).public_key) == bad_signature);
    // The same key as id-RSASSA-PSS makes no PKCS#1 v1.5 signature (RFC 4055 §1.2).
    x509::public_key_info as_pss = ca_key;
    as_pss.type = x509::key_type::rsa_pss;
    CHECK(x509::detail::check_signature(leaf, as_pss) == bad_signature);
    // An id-RSASSA-PSS key's parameters: its own (SHA-256, salt >= 32) allow the leaf's
    // signature (SHA-256, salt 32); none at all allow anything; others do not.
    CHECK(x509::detail::check_signature(pss_leaf, pss_key) == ok);
    x509::public_key_info limited = pss_key;
    limited.parameters = {};
    CHECK(x509::detail::check_signature(pss_leaf, limited) == ok);
    const byte_vector sha384_limits = pss_params(hash_field(sha384_null) + mgf1_field(sha384_null) + "a203020130"),
                      salt_64_limits = pss_params(hash_field(sha256_null) + mgf1_field(sha256_null) + "a203020140"),
                      mgf_384_limits = pss_params(hash_field(sha256_null) + mgf1_field(sha384_null) + "a203020120"),
                      malformed_limits = unhex("3003020120");
    for (const byte_vector* limits : {&sha384_limits, &salt_64_limits, &mgf_384_limits, &malformed_limits}) {
        limited.parameters = *limits;
        CHECK(x509::detail::check_signature(pss_leaf, limited) == bad_signature);
    }
    // The leaf's PSS signature is also one by the same modulus as an rsaEncryption key.
    x509::public_key_info as_rsa = pss_key;
    as_rsa.type = x509::key_type::rsa;
    CHECK(x509::detail::check_signature(pss_leaf, as_rsa) == ok);
    // PSS parameters naming SHA-1 (all DEFAULTs) or SHA-224: refused as unsupported; the salt
    // changed: a bad signature.
    x509::certificate relabelled = pss_leaf;
    const byte_vector sha1_params = pss_params(""),
                      sha224_params = pss_params(hash_field("300d06096086480165030402040500")),
                      salt_48_params = pss_params(hash_field(sha256_null) + mgf1_field(sha256_null) + "a203020130");
    relabelled.signature_parameters = sha1_params;
    CHECK(x509::detail::check_signature(relabelled, pss_key) == unsupported_algorithm);
    CHECK(x509::detail::check_signature(relabelled, as_rsa) == unsupported_algorithm);
    relabelled.signature_parameters = sha224_params;
    CHECK(x509::detail::check_signature(relabelled, as_rsa) == unsupported_algorithm);
    relabelled.signature_parameters = salt_48_params;
    CHECK(x509::detail::check_signature(relabelled, as_rsa) == bad_signature);
    // SHA-1 with RSA: refused wherever a signature is checked.
    x509::certificate sha1 = leaf;
    sha1.signed_with = x509::signature_algorithm::rsa_pkcs1_sha1;
    CHECK(x509::detail::check_signature(sha1, ca_key) == unsupported_algorithm);
    // An RSA-1024 key (the profile fixtures' weak key) is verified with, to no avail here; the
    // Web PKI profile refuses it (weak_key) before any signature of it counts.
    const std::string weak_text = test_support::read_vector_file("x509/profile/weak_rsa.pem");
    byte_vector weak(weak_text.size());
    weak.resize(*pem::decode_first(weak_text, pem::certificate, weak));
    CHECK(x509::detail::check_signature(leaf, parse(weak).public_key) == bad_signature);
    // A 16384-bit modulus (over the 8192 bits we verify): unsupported, not guessed at.
    x509::public_key_info huge = ca_key;
    byte_vector huge_key = unhex("3082080a0282080100");
    huge_key.insert(huge_key.end(), 2048, 0xff);
    const byte_vector exponent = unhex("0203010001");
    huge_key.insert(huge_key.end(), exponent.begin(), exponent.end());
    huge.key = huge_key;
    CHECK(x509::detail::check_signature(leaf, huge) == unsupported_algorithm);
}

TEST_CASE_FIXTURE(rsa_x509_tests::rsa_pki, "X.509 RSA: a CRL (PKCS#1 v1.5) and an OCSP response (PSS) by an RSA CA") {
    using enum x509::revocation_status;
    const x509::certificate ca = parse(intermediate_2048), leaf = parse(leaf_2048), revoked_cert = parse(revoked_leaf);
    auto list = x509::parse_crl(crl_der);
    REQUIRE(list.ok());
    CHECK(list->signed_with == x509::signature_algorithm::rsa_pkcs1_sha256);
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
    CHECK(response->signed_with == x509::signature_algorithm::rsa_pss);
    CHECK(x509::check_ocsp_response(ocsp_der, leaf, ca, options).status == good);
    const auto signature_at = static_cast<std::size_t>(response->signature.data() - ocsp_der.data());
    byte_vector bad_response = ocsp_der;
    bad_response[signature_at + response->signature.size() - 1] ^= 0x01;
    CHECK(x509::check_ocsp_response(bad_response, leaf, ca, options) ==
          x509::revocation_result{unknown, x509::revocation_detail::bad_signature});
}

TEST_CASE("X.509 RSA: the system trust store's RSA roots verify their own signatures") {
    const std::string path = "/etc/ssl/certs/ca-certificates.crt";
    const std::string bundle = test_support::read_text_file(path);
    if (bundle.empty()) {
        MESSAGE("skipped: " << path << " is absent (Debian's ca-certificates package installs it)");
        return;
    }
    pem::reader r(bundle);
    std::size_t verified = 0, sha1 = 0;
    bool isrg_x1 = false;
    for (auto block = r.next(); block; block = r.next()) {
        byte_vector der_bytes(pem::max_decoded_size(*block));
        auto n = pem::decode(*block, der_bytes);
        REQUIRE(n.ok());
        der_bytes.resize(*n);
        auto c = x509::parse_certificate(der_bytes);
        if (!c || c->public_key.type != x509::key_type::rsa || !x509::detail::self_issued(*c)) continue;
        CAPTURE(test_support::to_hex(c->subject));
        if (c->signed_with == x509::signature_algorithm::rsa_pkcs1_sha1) {
            CHECK(x509::detail::check_signature(*c, c->public_key) == x509::verify_error::unsupported_algorithm);
            ++sha1;
            continue;
        }
        CHECK(x509::detail::check_signature(*c, c->public_key) == x509::verify_error::ok);
        ++verified;
        const std::string subject(c->subject.begin(), c->subject.end());
        isrg_x1 = isrg_x1 || subject.find("ISRG Root X1") != std::string::npos;
        byte_vector flipped = der_bytes;
        flipped.back() ^= 0x01;
        CHECK(x509::detail::check_signature(parse(flipped), c->public_key) == x509::verify_error::bad_signature);
    }
    REQUIRE(r.ok());
    MESSAGE(verified << " RSA roots verified, " << sha1 << " SHA-1 ones refused");
    CHECK(verified >= 50);
    CHECK(isrg_x1);
}
