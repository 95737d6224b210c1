// The signature algorithms this build verifies, and the one check every signed X.509 object
// goes through (certificates in path building, CRLs, OCSP responses and their delegated
// signers): Ed25519 (RFC 8410); ECDSA with SHA-256/384/512 on P-256 and P-384 (RFC 5758
// §3.2: a DER Ecdsa-Sig-Value; RFC 5758 pairs no hash with a curve, so any of the three goes with
// either); RSA (RFC 4055): sha256/384/512WithRSAEncryption (PKCS#1 v1.5, by rsaEncryption keys
// only, §1.2) and RSASSA-PSS with the hash, MGF1 hash and salt length its parameters name, within
// the limits an id-RSASSA-PSS signer's own parameters set (§3.3). SHA-1 signatures, PSS over a
// hash other than SHA-256/384/512, RSA moduli outside 1024..8192 bits and P-521 keys are
// recognised and refused as unsupported_algorithm (the Web PKI profile refuses RSA keys under
// 2048 bits as weak, x509/profile.hpp).
//
// Size switches for small devices, each leaving one algorithm's verification out of X.509 and of
// the TLS verifier (tls/defaults.hpp), so that its code is not linked: CARAPACE_NO_ED25519,
// CARAPACE_NO_P256, CARAPACE_NO_P384, CARAPACE_NO_RSA. A signature by a left-out algorithm is
// then unsupported_algorithm. Define them for every translation unit of a program.
#pragma once

#include "carapace/x509/certificate.hpp"
#include "carapace/x509/verify_options.hpp"
#if !defined(CARAPACE_NO_ED25519)
#include "carapace/ec/ed25519.hpp"
#endif
#if !defined(CARAPACE_NO_P256) || !defined(CARAPACE_NO_P384)
#include "carapace/ec/ecdsa.hpp"
#include "carapace/ec/nist_curves.hpp"
#endif
#if !defined(CARAPACE_NO_RSA)
#include <optional>

#include "carapace/rsa/rsa_public.hpp"
#include "carapace/x509/pss_parameters.hpp"
#endif

namespace carapace::x509 {

// Whether this build verifies Ed25519 signatures (not with CARAPACE_NO_ED25519).
inline constexpr bool verifies_ed25519 =
#if defined(CARAPACE_NO_ED25519)
    false;
#else
    true;
#endif
// Whether this build verifies ECDSA P-256 signatures (not with CARAPACE_NO_P256).
inline constexpr bool verifies_p256 =
#if defined(CARAPACE_NO_P256)
    false;
#else
    true;
#endif
// Whether this build verifies ECDSA P-384 signatures (not with CARAPACE_NO_P384).
inline constexpr bool verifies_p384 =
#if defined(CARAPACE_NO_P384)
    false;
#else
    true;
#endif
// Whether this build verifies RSA signatures (not with CARAPACE_NO_RSA).
inline constexpr bool verifies_rsa =
#if defined(CARAPACE_NO_RSA)
    false;
#else
    true;
#endif

namespace detail {

#if !defined(CARAPACE_NO_P256) || !defined(CARAPACE_NO_P384)
// Whether `signer`'s EC key made `cert`'s ECDSA signature over its TBS hashed with `hash`.
// A P-521 key is refused as unsupported (no P-521 arithmetic here); any other key cannot have
// signed.
inline verify_error check_ecdsa_signature(const certificate& cert, const public_key_info& signer,
                                          ecdsa_hash hash) noexcept {
    bool good = false;
    switch (signer.type) {
#if !defined(CARAPACE_NO_P256)
        case key_type::ec_p256: good = ecdsa_verify_der<p256>(signer.key, cert.tbs, hash, cert.signature); break;
#else
        case key_type::ec_p256: return verify_error::unsupported_algorithm;
#endif
#if !defined(CARAPACE_NO_P384)
        case key_type::ec_p384: good = ecdsa_verify_der<p384>(signer.key, cert.tbs, hash, cert.signature); break;
#else
        case key_type::ec_p384: return verify_error::unsupported_algorithm;
#endif
        case key_type::ec_p521: return verify_error::unsupported_algorithm;
        default: return verify_error::bad_signature;
    }
    return good ? verify_error::ok : verify_error::bad_signature;
}
#endif

#if !defined(CARAPACE_NO_RSA)
// The RSA hash of a PSS parameter; none for SHA-1 and hashes we do not name (refused).
constexpr std::optional<rsa_hash> rsa_hash_of(pss_hash h) noexcept {
    switch (h) {
        case pss_hash::sha256: return rsa_hash::sha256;
        case pss_hash::sha384: return rsa_hash::sha384;
        case pss_hash::sha512: return rsa_hash::sha512;
        default: return std::nullopt;
    }
}

// The RSAPublicKey of an RSA signer, within the RSA code's limits: a malformed key cannot have
// signed; one outside 1024..8192 bits or with an exponent beyond 32 bits is one we do not verify.
inline verify_error rsa_key_of(const public_key_info& signer, rsa_public_key_view& key) noexcept {
    auto parsed = parse_rsa_public_key_pkcs1(signer.key);
    if (!parsed) return parsed.error() == errc::invalid_argument ? verify_error::unsupported_algorithm
                                                                  : verify_error::bad_signature;
    key = *parsed;
    return verify_error::ok;
}

// sha*WithRSAEncryption: PKCS#1 v1.5, which an id-RSASSA-PSS key never makes (RFC 4055 §1.2).
inline verify_error check_rsa_pkcs1_signature(const certificate& cert, const public_key_info& signer,
                                              rsa_hash hash) noexcept {
    if (signer.type != key_type::rsa) return verify_error::bad_signature;
    rsa_public_key_view key;
    if (const verify_error e = rsa_key_of(signer, key); e != verify_error::ok) return e;
    return rsa_verify_pkcs1(key, hash, cert.tbs, cert.signature) ? verify_error::ok : verify_error::bad_signature;
}

// RSASSA-PSS with the signature's parameters, by an rsaEncryption key or an id-RSASSA-PSS key
// whose parameters (when it has any) allow them.
inline verify_error check_rsa_pss_signature(const certificate& cert, const public_key_info& signer) noexcept {
    auto parameters = parse_pss_parameters(cert.signature_parameters);
    if (!parameters) return verify_error::bad_signature;
    const auto hash = rsa_hash_of(parameters->hash), mgf1_hash = rsa_hash_of(parameters->mgf1_hash);
    if (!hash || !mgf1_hash) return verify_error::unsupported_algorithm;
    if (signer.type == key_type::rsa_pss && !signer.parameters.empty()) {
        auto limits = parse_pss_parameters(signer.parameters);
        if (!limits || !pss_fits_key(*parameters, *limits)) return verify_error::bad_signature;
    } else if (signer.type != key_type::rsa && signer.type != key_type::rsa_pss) {
        return verify_error::bad_signature;
    }
    rsa_public_key_view key;
    if (const verify_error e = rsa_key_of(signer, key); e != verify_error::ok) return e;
    // No salt is longer than the largest modulus we verify.
    if (parameters->salt_length > rsa_max_verify_bits / 8) return verify_error::bad_signature;
    return rsa_verify_pss(key, *hash, *mgf1_hash, static_cast<std::size_t>(parameters->salt_length), cert.tbs,
                          cert.signature)
               ? verify_error::ok
               : verify_error::bad_signature;
}
#endif

// Whether `signer`'s key made `cert`'s signature. A key of another kind than the algorithm's is a
// bad signature; an algorithm this build does not verify is named as such.
inline verify_error check_signature(const certificate& cert, const public_key_info& signer) noexcept {
    switch (cert.signed_with) {
#if !defined(CARAPACE_NO_ED25519)
        case signature_algorithm::ed25519:
            if (signer.type != key_type::ed25519 || signer.key.size() != 32) return verify_error::bad_signature;
            return ed25519_verify(signer.key.first<32>(), cert.tbs, cert.signature) ? verify_error::ok
                                                                                     : verify_error::bad_signature;
#endif
#if !defined(CARAPACE_NO_P256) || !defined(CARAPACE_NO_P384)
        case signature_algorithm::ecdsa_sha256: return check_ecdsa_signature(cert, signer, ecdsa_hash::sha256);
        case signature_algorithm::ecdsa_sha384: return check_ecdsa_signature(cert, signer, ecdsa_hash::sha384);
        case signature_algorithm::ecdsa_sha512: return check_ecdsa_signature(cert, signer, ecdsa_hash::sha512);
#endif
#if !defined(CARAPACE_NO_RSA)
        case signature_algorithm::rsa_pkcs1_sha256: return check_rsa_pkcs1_signature(cert, signer, rsa_hash::sha256);
        case signature_algorithm::rsa_pkcs1_sha384: return check_rsa_pkcs1_signature(cert, signer, rsa_hash::sha384);
        case signature_algorithm::rsa_pkcs1_sha512: return check_rsa_pkcs1_signature(cert, signer, rsa_hash::sha512);
        case signature_algorithm::rsa_pss: return check_rsa_pss_signature(cert, signer);
#endif
        default:
            // SHA-1, and whatever this build leaves out: named, not guessed at.
            return verify_error::unsupported_algorithm;
    }
}

}  // namespace detail

}  // namespace carapace::x509
