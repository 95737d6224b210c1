// The DER containers of RSA keys, parsed in place (views into the caller's buffer, nothing
// copied): RSAPublicKey and RSAPrivateKey (RFC 8017 Appendix A.1.1, A.1.2), and their
// rsaEncryption wrappers SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 3279 §2.3.1: parameters
// NULL) and PKCS#8 OneAsymmetricKey (RFC 5958 §2). Strict DER through der::reader; every integer
// must be positive and minimally encoded, and is returned without its sign octet.
//
// Kept here rather than in x509/ so that the RSA arithmetic needs no certificate code (x509/
// includes rsa/, not the other way round).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/oid.hpp"

namespace carapace::detail {

// The magnitude of a positive INTEGER: its octets without the 0x00 that keeps the sign bit
// clear. Zero and negative values are refused.
[[nodiscard]] constexpr result<byte_view> rsa_positive_integer(der::reader& r) noexcept {
    auto e = r.expect(der::integer);
    if (!e) return e.error();
    auto octets = der::integer_octets(*e);
    if (!octets) return octets.error();
    byte_view v = *octets;
    if ((v[0] & 0x80u) != 0) return errc::decode_error;
    if (v[0] == 0x00) v = v.subspan(1);
    if (v.empty()) return errc::decode_error;
    return v;
}

struct rsa_public_parts {
    byte_view modulus, exponent;
};

struct rsa_private_parts {
    byte_view modulus, public_exponent, private_exponent, prime1, prime2, exponent1, exponent2, coefficient;
};

// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
[[nodiscard]] constexpr result<rsa_public_parts> parse_rsa_public_der(byte_view der_bytes) noexcept {
    auto seq = der::parse_single(der_bytes, der::sequence);
    if (!seq) return seq.error();
    der::reader r(seq->content);
    auto n = rsa_positive_integer(r);
    if (!n) return n.error();
    auto e = rsa_positive_integer(r);
    if (!e) return e.error();
    if (!r.empty()) return errc::decode_error;
    return rsa_public_parts{*n, *e};
}

// AlgorithmIdentifier { rsaEncryption, NULL }.
[[nodiscard]] constexpr bool rsa_encryption_algorithm(const der::element& e) noexcept {
    if (e.tag != der::sequence) return false;
    der::reader r(e.content);
    auto oid = r.expect(der::object_identifier);
    if (!oid) return false;
    auto octets = der::oid_octets(*oid);
    if (!octets || !der::equal(*octets, x509::oid::rsa_encryption)) return false;
    auto null = r.expect(der::null);
    return null && null->content.empty() && r.empty();
}

// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
[[nodiscard]] constexpr result<rsa_public_parts> parse_rsa_spki_der(byte_view der_bytes) noexcept {
    auto seq = der::parse_single(der_bytes, der::sequence);
    if (!seq) return seq.error();
    der::reader r(seq->content);
    auto algorithm = r.next();
    if (!algorithm) return algorithm.error();
    if (!rsa_encryption_algorithm(*algorithm)) return errc::decode_error;
    auto key = r.expect(der::bit_string);
    if (!key || !r.empty()) return errc::decode_error;
    auto bits = der::to_bits(*key);
    if (!bits || bits->unused != 0) return errc::decode_error;
    return parse_rsa_public_der(bits->octets);
}

// RSAPrivateKey ::= SEQUENCE { version Version, modulus, publicExponent, privateExponent,
//   prime1, prime2, exponent1, exponent2, coefficient INTEGER, otherPrimeInfos OPTIONAL }
// Only two-prime keys (version 0); a multi-prime key (version 1) is refused.
[[nodiscard]] constexpr result<rsa_private_parts> parse_rsa_private_der(byte_view der_bytes) noexcept {
    auto seq = der::parse_single(der_bytes, der::sequence);
    if (!seq) return seq.error();
    der::reader r(seq->content);
    auto version_element = r.expect(der::integer);
    if (!version_element) return version_element.error();
    auto version = der::to_unsigned(*version_element);
    if (!version || *version != 0) return errc::decode_error;
    rsa_private_parts parts;
    byte_view* fields[8] = {&parts.modulus, &parts.public_exponent, &parts.private_exponent, &parts.prime1,
                            &parts.prime2,  &parts.exponent1,       &parts.exponent2,        &parts.coefficient};
    for (byte_view* field : fields) {
        auto v = rsa_positive_integer(r);
        if (!v) return v.error();
        *field = *v;
    }
    if (!r.empty()) return errc::decode_error;
    return parts;
}

// OneAsymmetricKey ::= SEQUENCE { version INTEGER (0 or 1), privateKeyAlgorithm, privateKey
//   OCTET STRING, attributes [0] IMPLICIT OPTIONAL, publicKey [1] IMPLICIT OPTIONAL }
[[nodiscard]] constexpr result<rsa_private_parts> parse_rsa_pkcs8_der(byte_view der_bytes) noexcept {
    auto seq = der::parse_single(der_bytes, der::sequence);
    if (!seq) return seq.error();
    der::reader r(seq->content);
    auto version_element = r.expect(der::integer);
    if (!version_element) return version_element.error();
    auto version = der::to_unsigned(*version_element);
    if (!version || *version > 1) return errc::decode_error;
    auto algorithm = r.next();
    if (!algorithm) return algorithm.error();
    if (!rsa_encryption_algorithm(*algorithm)) return errc::decode_error;
    auto key = r.expect(der::octet_string);
    if (!key) return key.error();
    if (r.next_is(der::context_constructed(0))) (void)r.next();
    if (r.next_is(der::context(1))) {
        if (*version != 1) return errc::decode_error;
        (void)r.next();
    }
    if (!r.empty()) return errc::decode_error;
    return parse_rsa_private_der(key->content);
}

}  // namespace carapace::detail
