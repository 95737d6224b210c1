// Keys in their standard DER containers: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, PEM "PUBLIC
// KEY") and PKCS#8 OneAsymmetricKey (RFC 5958, PEM "PRIVATE KEY"). Parsed in place; the private
// key view points into the caller's buffer, which the caller wipes when done.
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

struct private_key_info {
    key_type type = key_type::unknown;
    byte_view key;  // Ed25519/X25519: the 32-byte seed (RFC 8410 CurvePrivateKey); else the
                    // algorithm's own structure (ECPrivateKey, RSAPrivateKey), kept for later
    byte_view public_key;  // the optional [1] publicKey of version 2, empty when absent
};

// OneAsymmetricKey ::= SEQUENCE { version INTEGER (0 or 1), privateKeyAlgorithm
//   AlgorithmIdentifier, privateKey OCTET STRING, attributes [0] OPTIONAL, publicKey [1] OPTIONAL }
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
    if (r.next_is(der::context(1)) || r.next_is(der::context_constructed(1))) {
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
        info.type = key_type::ec_p256;  // refined by the curve below
        auto curve = der::parse_single(algorithm->parameters, der::object_identifier);
        if (!curve) return curve.error();
        if (der::equal(curve->content, oid::secp384r1)) info.type = key_type::ec_p384;
        else if (der::equal(curve->content, oid::secp521r1)) info.type = key_type::ec_p521;
        else if (!der::equal(curve->content, oid::secp256r1)) info.type = key_type::unknown;
    } else if (der::equal(algorithm->oid, oid::rsa_encryption)) {
        info.type = key_type::rsa;
    }
    return info;
}

}  // namespace carapace::x509
