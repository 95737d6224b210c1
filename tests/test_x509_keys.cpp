// EC private and public keys in their containers: PKCS#8 (RFC 5958 with RFC 5915 inside), a bare
// RFC 5915 ECPrivateKey and SubjectPublicKeyInfo, against keys the openssl command line made
// (tests/x509/make_key_fixtures.sh) and what openssl printed of them (expected.json). Then the
// same structures rebuilt field by field with one field wrong each: a scalar of the wrong length,
// parameters naming another curve, a point of another curve's size.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/x509/keys.hpp"
#include "carapace/x509/pem.hpp"
#include "support/vectors.hpp"

namespace key_tests {

using namespace carapace;
using test_support::byte_vector;
using test_support::unhex;

byte_vector pem_file(const std::string& name, std::string_view label) {
    const std::string text = test_support::read_vector_file("keys/" + name + ".pem");
    REQUIRE_MESSAGE(!text.empty(), name);
    byte_vector der_bytes(text.size());
    auto n = pem::decode_first(text, label, der_bytes);
    REQUIRE_MESSAGE(n.ok(), name);
    der_bytes.resize(*n);
    return der_bytes;
}

byte_vector vec(byte_view v) { return byte_vector(v.begin(), v.end()); }

// A DER element: tag, definite length (short or long form), content.
byte_vector tlv(std::uint8_t tag, const byte_vector& content) {
    byte_vector out{tag};
    const std::size_t n = content.size();
    if (n >= 256) out.insert(out.end(), {0x82, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    else if (n >= 128) out.insert(out.end(), {0x81, static_cast<std::uint8_t>(n)});
    else out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

byte_vector cat(std::initializer_list<byte_vector> parts) {
    byte_vector out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

byte_vector oid_element(byte_view content) { return tlv(der::object_identifier, vec(content)); }

// ECPrivateKey with the given fields; an empty curve or point leaves [0] or [1] out.
byte_vector ec_private_key(std::uint8_t version, const byte_vector& scalar, byte_view curve, const byte_vector& point) {
    byte_vector fields = cat({tlv(der::integer, {version}), tlv(der::octet_string, scalar)});
    if (!curve.empty()) fields = cat({fields, tlv(der::context_constructed(0), oid_element(curve))});
    if (!point.empty())
        fields = cat({fields, tlv(der::context_constructed(1), tlv(der::bit_string, cat({{0}, point})))});
    return tlv(der::sequence, fields);
}

// OneAsymmetricKey v0 around it (v1 with a [1] publicKey when `point` is given).
byte_vector pkcs8(byte_view curve, const byte_vector& inner, const byte_vector& point = {}) {
    const byte_vector algorithm = tlv(der::sequence, cat({oid_element(x509::oid::ec_public_key), oid_element(curve)}));
    byte_vector fields = cat({tlv(der::integer, {point.empty() ? std::uint8_t{0} : std::uint8_t{1}}), algorithm,
                              tlv(der::octet_string, inner)});
    if (!point.empty()) fields = cat({fields, tlv(der::context(1), cat({{0}, point}))});
    return tlv(der::sequence, fields);
}

byte_vector spki(byte_view curve, const byte_vector& point) {
    const byte_vector algorithm = tlv(der::sequence, cat({oid_element(x509::oid::ec_public_key), oid_element(curve)}));
    return tlv(der::sequence, cat({algorithm, tlv(der::bit_string, cat({{0}, point}))}));
}

// [scalar]G, as ec/ecdh.hpp computes it, for a scalar of the curve's size.
template <class Curve>
byte_vector derived_point(byte_view scalar) {
    REQUIRE(scalar.size() == Curve::scalar_size);
    bytes<Curve::uncompressed_size> point{};
    REQUIRE(ec_public_key<Curve>(point, scalar.first<Curve::scalar_size>()) == errc::ok);
    return byte_vector(point.begin(), point.end());
}

struct curve_case {
    const char* name;  // fixture prefix
    x509::key_type type;
    byte_view oid;
    std::size_t size;
};

const curve_case curves[] = {
    {"p256", x509::key_type::ec_p256, x509::oid::secp256r1, 32},
    {"p384", x509::key_type::ec_p384, x509::oid::secp384r1, 48},
};

TEST_CASE("keys: EC private keys from openssl, PKCS#8 and RFC 5915, both curves") {
    const auto expected = test_support::load_vectors("keys/expected.json");
    REQUIRE(expected.size() == 6);
    for (const auto& c : curves) {
        for (const std::string form : {"pkcs8", "sec1"}) {
            const std::string name = std::string(c.name) + "_" + form;
            CAPTURE(name);
            const auto& want = expected[name];
            const byte_vector scalar = unhex(want["private"].str()), point = unhex(want["public"].str());
            REQUIRE(scalar.size() == c.size);
            REQUIRE(point.size() == 1 + 2 * c.size);
            byte_vector der_bytes = pem_file(name, form == "pkcs8" ? pem::private_key : pem::ec_private_key);
            auto key = form == "pkcs8" ? x509::parse_private_key(der_bytes) : x509::parse_ec_private_key(der_bytes);
            REQUIRE(key.ok());
            CHECK(key->type == c.type);
            CHECK(vec(key->key) == scalar);
            CHECK(vec(key->public_key) == point);
            // The scalar gives the point openssl wrote next to it.
            CHECK((c.type == x509::key_type::ec_p256 ? derived_point<p256>(key->key) : derived_point<p384>(key->key)) ==
                  point);
            // The view points into the buffer: nothing was copied.
            CHECK(key->key.data() >= der_bytes.data());
            CHECK(key->key.data() + key->key.size() <= der_bytes.data() + der_bytes.size());
            // The other container, built from the same fields, gives the same answer; the builder
            // itself rebuilds openssl's bytes (openssl leaves [0] out inside PKCS#8).
            const byte_vector sec1 = ec_private_key(1, scalar, c.oid, point);
            const byte_vector inner = ec_private_key(1, scalar, {}, point);
            const byte_vector wrapped = pkcs8(c.oid, inner);  // outlives the views parsed from it
            CHECK((form == "pkcs8" ? wrapped : sec1) == der_bytes);
            auto other = form == "pkcs8" ? x509::parse_ec_private_key(sec1) : x509::parse_private_key(wrapped);
            REQUIRE(other.ok());
            CHECK((other->type == c.type && vec(other->key) == scalar && vec(other->public_key) == point));
            // Every truncation fails.
            for (std::size_t k = 0; k < der_bytes.size(); ++k) {
                const byte_view part = byte_view(der_bytes).first(k);
                CHECK(!(form == "pkcs8" ? x509::parse_private_key(part) : x509::parse_ec_private_key(part)).ok());
            }
            secure_wipe(der_bytes.data(), der_bytes.size());

            // The public key file: SubjectPublicKeyInfo holding the same point.
            const byte_vector public_der = pem_file(name + "_public", pem::public_key);
            auto public_key = x509::parse_public_key(public_der);
            REQUIRE(public_key.ok());
            CHECK(public_key->type == c.type);
            CHECK(public_key->bits == 8 * c.size);
            CHECK(vec(public_key->key) == point);
            CHECK(spki(c.oid, point) == public_der);
        }
    }
}

TEST_CASE("keys: other curves: P-521 is named, secp256k1 is not ours") {
    const auto expected = test_support::load_vectors("keys/expected.json");
    // The parsed keys view the DER they came from: each is kept alive for them.
    const byte_vector p521_der = pem_file("p521_pkcs8", pem::private_key);
    auto p521 = x509::parse_private_key(p521_der);
    REQUIRE(p521.ok());
    CHECK(p521->type == x509::key_type::ec_p521);
    CHECK(vec(p521->key) == unhex(expected["p521_pkcs8"]["private"].str()));
    CHECK(p521->key.size() == 66);
    CHECK(vec(p521->public_key) == unhex(expected["p521_pkcs8"]["public"].str()));
    const byte_vector k1_der = pem_file("secp256k1_pkcs8", pem::private_key);
    auto k1 = x509::parse_private_key(k1_der);
    REQUIRE(k1.ok());
    CHECK(k1->type == x509::key_type::unknown);
    const byte_vector k1_public_der = pem_file("secp256k1_pkcs8_public", pem::public_key);
    auto k1_public = x509::parse_public_key(k1_public_der);
    REQUIRE(k1_public.ok());
    CHECK(k1_public->type == x509::key_type::unknown);
}

TEST_CASE("keys: EC keys with a wrong length, curve or point are refused") {
    for (const auto& c : curves) {
        CAPTURE(c.name);
        const curve_case& other = &c == &curves[0] ? curves[1] : curves[0];
        test_support::test_rng rng(c.size);
        const byte_vector scalar = rng.bytes(c.size);
        byte_vector point = cat({{0x04}, rng.bytes(2 * c.size)});
        const byte_vector compressed = cat({{0x03}, rng.bytes(c.size)});
        const auto good = [&](const byte_vector& der_bytes, bool bare) {
            auto key = bare ? x509::parse_ec_private_key(der_bytes) : x509::parse_private_key(der_bytes);
            return key.ok() && key->type == c.type && vec(key->key) == scalar;
        };
        const auto refused = [](const result<x509::private_key_info>& key) {
            return key.error() == errc::decode_error;
        };
        // The baselines parse: with and without [0] and [1], a compressed point too.
        CHECK(good(pkcs8(c.oid, ec_private_key(1, scalar, c.oid, point)), false));
        CHECK(good(pkcs8(c.oid, ec_private_key(1, scalar, {}, {})), false));
        CHECK(good(pkcs8(c.oid, ec_private_key(1, scalar, {}, {}), point), false));
        CHECK(good(pkcs8(c.oid, ec_private_key(1, scalar, {}, compressed)), false));
        CHECK(good(ec_private_key(1, scalar, c.oid, {}), true));
        CHECK(good(ec_private_key(1, scalar, c.oid, compressed), true));

        // The scalar one byte short, one byte long (a leading zero), another curve's size.
        const byte_vector shorter(scalar.begin() + 1, scalar.end()), longer = cat({{0}, scalar});
        for (const byte_vector* s : {&shorter, &longer}) {
            CHECK(refused(x509::parse_private_key(pkcs8(c.oid, ec_private_key(1, *s, {}, point)))));
            CHECK(refused(x509::parse_ec_private_key(ec_private_key(1, *s, c.oid, point))));
        }
        const byte_vector other_scalar(other.size, 0x11);
        CHECK(refused(x509::parse_private_key(pkcs8(c.oid, ec_private_key(1, other_scalar, {}, {})))));
        // [0] naming another curve than the algorithm; a bare key without [0].
        CHECK(refused(x509::parse_private_key(pkcs8(c.oid, ec_private_key(1, scalar, other.oid, point)))));
        CHECK(refused(x509::parse_ec_private_key(ec_private_key(1, scalar, {}, point))));
        // A point of the other curve's size, a bad prefix, a compressed point one byte long.
        const byte_vector other_point = cat({{0x04}, byte_vector(2 * other.size, 0x22)});
        byte_vector bad_prefix = point;
        bad_prefix[0] = 0x05;
        const byte_vector long_compressed = cat({compressed, {0}});
        const std::initializer_list<const byte_vector*> bad_points{&other_point, &bad_prefix, &long_compressed};
        for (const byte_vector* p : bad_points) {
            CHECK(refused(x509::parse_private_key(pkcs8(c.oid, ec_private_key(1, scalar, {}, *p)))));
            CHECK(refused(x509::parse_private_key(pkcs8(c.oid, ec_private_key(1, scalar, {}, {}), *p))));
            CHECK(refused(x509::parse_ec_private_key(ec_private_key(1, scalar, c.oid, *p))));
            CHECK(!x509::parse_public_key(spki(c.oid, *p)).ok());
        }
        CHECK(x509::parse_public_key(spki(c.oid, point)).ok());
        CHECK(x509::parse_public_key(spki(c.oid, compressed)).ok());
        CHECK(!x509::parse_public_key(spki(c.oid, {})).ok());
        // The two public keys of a PKCS#8 v1 key must agree.
        byte_vector another_point = point;
        another_point[1] ^= 1;
        CHECK(refused(x509::parse_private_key(pkcs8(c.oid, ec_private_key(1, scalar, {}, point), another_point))));
        CHECK(good(pkcs8(c.oid, ec_private_key(1, scalar, {}, point), point), false));
        // ECPrivateKey's version is 1; trailing bytes are malformed.
        CHECK(refused(x509::parse_ec_private_key(ec_private_key(0, scalar, c.oid, point))));
        CHECK(refused(x509::parse_ec_private_key(ec_private_key(2, scalar, c.oid, point))));
        CHECK(refused(x509::parse_ec_private_key(cat({ec_private_key(1, scalar, c.oid, point), {0}}))));
        // Parameters that are not a named curve (implicitCurve NULL).
        const byte_vector with_null = tlv(der::sequence, cat({tlv(der::integer, {1}), tlv(der::octet_string, scalar),
                                                              tlv(der::context_constructed(0), {0x05, 0x00})}));
        CHECK(refused(x509::parse_ec_private_key(with_null)));
        CHECK(refused(x509::parse_private_key(pkcs8(c.oid, with_null))));
    }
}

}  // namespace key_tests
