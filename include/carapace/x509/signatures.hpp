// The signature algorithms this build verifies, and the one check every signed X.509 object
// goes through (certificates in path building, CRLs, OCSP responses and their delegated
// signers): Ed25519 (RFC 8410) and ECDSA with SHA-256/384/512 on P-256 and P-384 (RFC 5758
// §3.2: a DER Ecdsa-Sig-Value; RFC 5758 pairs no hash with a curve, so any of the three goes with
// either). RSA signatures and P-521 keys are recognised and refused as
// unsupported_algorithm: this library has no RSA or P-521 arithmetic.
//
// Size switches for small devices, each leaving one algorithm's verification out of X.509 and of
// the TLS verifier (tls/defaults.hpp), so that its code is not linked: CARAPACE_NO_ED25519,
// CARAPACE_NO_P256, CARAPACE_NO_P384. A signature by a left-out algorithm is then
// unsupported_algorithm, as RSA is. Define them for every translation unit of a program.
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

namespace carapace::x509 {

inline constexpr bool verifies_ed25519 =
#if defined(CARAPACE_NO_ED25519)
    false;
#else
    true;
#endif
inline constexpr bool verifies_p256 =
#if defined(CARAPACE_NO_P256)
    false;
#else
    true;
#endif
inline constexpr bool verifies_p384 =
#if defined(CARAPACE_NO_P384)
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
        default:
            // RSA lands with its own issue; until then it is named, not guessed at.
            return verify_error::unsupported_algorithm;
    }
}

}  // namespace detail

}  // namespace carapace::x509
