// Keys in their standard DER containers: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, PEM "PUBLIC
// KEY"), PKCS#8 OneAsymmetricKey (RFC 5958, PEM "PRIVATE KEY") and, for EC keys, RFC 5915's
// ECPrivateKey on its own (PEM "EC PRIVATE KEY", what `openssl ecparam -genkey` writes). Parsed in
// place; the private key view points into the caller's buffer, which the caller wipes when done.
// Every private key comes out in one shape (private_key_info), whichever container held it.
#pragma once

#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/oid.hpp"

namespace carapace::x509 {

// A SubjectPublicKeyInfo on its own (exactly the whole of `der_bytes`).
[[nodiscard]] constexpr result<public_key_info> parse_public_key(byte_view der_bytes) noexcept {
    auto spki = der::parse_single(der_bytes, der::sequence);
    if (!spki) return spki.error();
    return detail::parse_public_key(*spki);
}

// A PKCS#8 or RFC 5915 private key, parsed in place.
struct private_key_info {
    // The key's algorithm.
    key_type type = key_type::unknown;
    // Ed25519/X25519: the 32-byte seed (RFC 8410 CurvePrivateKey). EC on a curve we name (P-256,
    // P-384, P-521): the private scalar, big-endian, exactly the curve's size (32, 48, 66 bytes;
    // RFC 5915's privateKey). RSA (rsaEncryption or id-RSASSA-PSS): the RSAPrivateKey, for
    // rsa_private_key::from_pkcs1_der. Otherwise the algorithm's own structure (the ECPrivateKey
    // of an unknown curve), kept for later.
    byte_view key;
    // Ed25519/X25519: the optional [1] publicKey of version 2 (32 bytes). EC: the SEC 1 point of
    // ECPrivateKey's publicKey, or else of the PKCS#8 [1], checked for the curve's size. Empty
    // when absent.
    byte_view public_key;
};

namespace detail {

// ECPrivateKey ::= SEQUENCE { version INTEGER { ecPrivkeyVer1(1) }, privateKey OCTET STRING,
//   parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL } (RFC 5915 §3, with
// explicit tags). `curve` is the curve the container already named (a PKCS#8 algorithm's
// parameters), empty for a bare ECPrivateKey, which must then name it in [0]; when both name one
// they must agree. Only namedCurve parameters are taken (RFC 5480 §2.1.1).
constexpr errc parse_ec_private_key_into(byte_view der_bytes, byte_view curve, private_key_info& info) noexcept {
    auto outer = der::parse_single(der_bytes, der::sequence);
    if (!outer) return outer.error();
    der::reader r(outer->content);
    auto version_element = r.expect(der::integer);
    if (!version_element) return version_element.error();
    auto version = der::to_unsigned(*version_element);
    if (!version || *version != 1) return errc::decode_error;
    auto scalar = r.expect(der::octet_string);
    if (!scalar) return scalar.error();
    if (r.next_is(der::context_constructed(0))) {
        auto parameters = der::parse_single(r.next()->content, der::object_identifier);
        if (!parameters) return parameters.error();
        auto named = der::oid_octets(*parameters);
        if (!named) return named.error();
        if (!curve.empty() && !der::equal(curve, *named)) return errc::decode_error;
        curve = *named;
    }
    byte_view point;
    if (r.next_is(der::context_constructed(1))) {
        auto bit_string = der::parse_single(r.next()->content, der::bit_string);
        if (!bit_string) return bit_string.error();
        auto bits = der::to_bits(*bit_string);
        if (!bits || bits->unused != 0) return errc::decode_error;
        point = bits->octets;
    }
    if (!r.empty() || curve.empty()) return errc::decode_error;
    const named_curve c = curve_of(curve);
    if (c.type == key_type::unknown || c.type == key_type::ec_p192) {
        info.type = key_type::unknown;  // not ours to read further
        info.key = der_bytes;
        return errc::ok;
    }
    // RFC 5915 §3: privateKey is exactly ceiling(log2(n) / 8) octets, leading zeros kept.
    if (scalar->content.size() != c.field_size) return errc::decode_error;
    if (!point.empty()) {
        if (!info.public_key.empty() && !der::equal(info.public_key, point)) return errc::decode_error;
        info.public_key = point;
    }
    if (!info.public_key.empty() && !sec1_point_fits(info.public_key, c.field_size)) return errc::decode_error;
    info.type = c.type;
    info.key = scalar->content;
    return errc::ok;
}

}  // namespace detail

// OneAsymmetricKey ::= SEQUENCE { version INTEGER (0 or 1), privateKeyAlgorithm
//   AlgorithmIdentifier, privateKey OCTET STRING, attributes [0] OPTIONAL, publicKey [1] OPTIONAL }
// ([0] and [1] implicitly tagged, RFC 5958 §2). id-ecPublicKey keys (RFC 5915 §2) must name their
// curve in the algorithm's parameters.
[[nodiscard]] constexpr result<private_key_info> parse_private_key(byte_view der_bytes) noexcept {
    auto outer = der::parse_single(der_bytes, der::sequence);
    if (!outer) return outer.error();
    der::reader r(outer->content);
    auto version_element = r.expect(der::integer);
    if (!version_element) return version_element.error();
    auto version = der::to_unsigned(*version_element);
    if (!version || *version > 1) return errc::decode_error;
    auto algorithm_element = r.next();
    if (!algorithm_element) return algorithm_element.error();
    auto algorithm = detail::parse_algorithm(*algorithm_element);
    if (!algorithm) return algorithm.error();
    auto key = r.expect(der::octet_string);
    if (!key) return key.error();
    private_key_info info{key_type::unknown, key->content, {}};
    if (r.next_is(der::context_constructed(0))) (void)r.next();
    if (r.next_is(der::context(1))) {
        if (*version != 1) return errc::decode_error;
        auto public_key = r.next();
        if (!public_key) return public_key.error();
        auto bits = der::to_bits(der::element{der::bit_string, public_key->content, public_key->encoded});
        if (!bits || bits->unused != 0) return errc::decode_error;
        info.public_key = bits->octets;
    }
    if (!r.empty()) return errc::decode_error;
    const bool ed = der::equal(algorithm->oid, oid::ed25519), x = der::equal(algorithm->oid, oid::x25519);
    if (ed || x) {
        // RFC 8410 §7: no parameters; CurvePrivateKey ::= OCTET STRING of 32 bytes.
        if (!algorithm->parameters.empty()) return errc::decode_error;
        auto seed = der::parse_single(key->content, der::octet_string);
        if (!seed || seed->content.size() != 32) return errc::decode_error;
        if (!info.public_key.empty() && info.public_key.size() != 32) return errc::decode_error;
        info.type = ed ? key_type::ed25519 : key_type::x25519;
        info.key = seed->content;
    } else if (der::equal(algorithm->oid, oid::ec_public_key)) {
        auto curve = der::parse_single(algorithm->parameters, der::object_identifier);
        if (!curve) return curve.error();
        auto named = der::oid_octets(*curve);
        if (!named) return named.error();
        if (const errc e = detail::parse_ec_private_key_into(key->content, *named, info); e != errc::ok) return e;
    } else if (der::equal(algorithm->oid, oid::rsa_encryption)) {
        info.type = key_type::rsa;  // key: the RSAPrivateKey (RFC 8017 A.1.2), for rsa/ to read
    } else if (der::equal(algorithm->oid, oid::rsassa_pss)) {
        // RFC 4055 §3.1 / RFC 8017 A.1.2: the same RSAPrivateKey, parameters absent or limits.
        if (!algorithm->parameters.empty() && !parse_pss_parameters(algorithm->parameters)) return errc::decode_error;
        info.type = key_type::rsa_pss;
    }
    return info;
}

// An RFC 5915 ECPrivateKey on its own (exactly the whole of `der_bytes`), which must name its
// curve in [0] parameters: the same private_key_info as the key in PKCS#8 form gives (type
// unknown, key the whole structure, for a curve we do not name).
[[nodiscard]] constexpr result<private_key_info> parse_ec_private_key(byte_view der_bytes) noexcept {
    private_key_info info;
    if (const errc e = detail::parse_ec_private_key_into(der_bytes, {}, info); e != errc::ok) return e;
    return info;
}

}  // namespace carapace::x509
