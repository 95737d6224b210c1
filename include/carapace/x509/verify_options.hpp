// The vocabulary of certificate path validation (RFC 5280 §6): what a caller asks
// (verify_options), what it is told (verify_error, and verify_details for the work it took). Kept
// apart from the search so that the TLS layer and tools can name results without the verifier.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "carapace/x509/certificate.hpp"
#include "carapace/x509/profile.hpp"

namespace carapace::x509 {

// Why a chain was refused. Listed from the least to the most specific, which is also how
// competing paths are ranked: the reason kept is the most specific one met.
enum class verify_error : std::uint8_t {
    ok,
    unknown_issuer,                  // no path reaches a trust anchor
    malformed,                       // a certificate does not parse
    unsupported_algorithm,           // a signature algorithm we cannot verify (yet)
    bad_signature,
    path_too_long,                   // pathLenConstraint or the maximum depth
    not_a_ca,                        // an issuer without cA or without keyCertSign
    unsupported_critical_extension,
    weak_key,                        // RSA under 2048 bits, P-192, DSA (profile.hpp)
    profile_violation,               // a rule of the profile asked for: verify_details says which
    expired,
    not_yet_valid,
    wrong_purpose,                   // extendedKeyUsage lacks the purpose asked for, or keyUsage the use
    name_constraint_violation,
    hostname_mismatch,
    email_mismatch,                  // the leaf does not name the email address asked for
    budget_exhausted,                // the search took too much work: refused without an answer
    // Checks made after a path is found (x509/crl.hpp, x509/ocsp.hpp, x509/pins.hpp): never
    // produced by the path search, so their place in the ranking does not matter.
    revoked,
    revocation_unknown,              // no usable CRL or OCSP response says the certificate is good
    pin_mismatch,                    // no certificate of the path has a pinned key
    no_backup_pin,                   // every pin matches the current path: a key rotation would lock out
};

// A short English description of a verification error.
constexpr std::string_view to_string(verify_error e) noexcept {
    switch (e) {
        case verify_error::ok: return "ok";
        case verify_error::unknown_issuer: return "unknown issuer";
        case verify_error::malformed: return "malformed certificate";
        case verify_error::unsupported_algorithm: return "unsupported algorithm";
        case verify_error::bad_signature: return "bad signature";
        case verify_error::path_too_long: return "path too long";
        case verify_error::not_a_ca: return "not a CA";
        case verify_error::unsupported_critical_extension: return "unsupported critical extension";
        case verify_error::weak_key: return "weak key";
        case verify_error::profile_violation: return "profile violation";
        case verify_error::expired: return "expired";
        case verify_error::not_yet_valid: return "not yet valid";
        case verify_error::wrong_purpose: return "wrong purpose";
        case verify_error::name_constraint_violation: return "name constraint violation";
        case verify_error::hostname_mismatch: return "hostname mismatch";
        case verify_error::email_mismatch: return "email address mismatch";
        case verify_error::budget_exhausted: return "verification budget exhausted";
        case verify_error::revoked: return "revoked";
        case verify_error::revocation_unknown: return "revocation unknown";
        case verify_error::pin_mismatch: return "pin mismatch";
        case verify_error::no_backup_pin: return "no backup pin";
    }
    return "unknown error";
}

// The extended key usage a leaf must allow.
enum class purpose : std::uint8_t { any, server_auth, client_auth };

// What verify_chain checks besides the chain itself.
struct verify_options {
    std::int64_t time = 0;          // seconds since the epoch, UTC
    bool time_known = true;         // false on a device without a clock: validity is not checked
    std::string_view host;          // checked against the leaf's SAN when not empty
    std::string_view email;         // a mailbox checked against the leaf's rfc822Name SANs when not empty
    // The extended key usage the leaf must allow.
    purpose usage = purpose::server_auth;
    // What the leaf's key will do, checked against its keyUsage when it has one (RFC 5280
    // §4.2.1.3); nothing by default. TLS 1.3 signs CertificateVerify with it (RFC 8446 §4.4.2.2),
    // so a TLS verifier asks for key_usage::digital_signature. Refused as wrong_purpose.
    std::optional<key_usage> leaf_key_usage;
    std::size_t max_depth = 8;      // certificates in the path, anchor included (at most 16)
    // The rules certificates are held to beyond path validation (profile.hpp): the Web PKI's by
    // default, as TLS server authentication needs; RFC 5280's alone for private PKIs.
    certificate_profile profile = certificate_profile::webpki;
    // Work limits for one verification, so that a hostile chain costs little: signatures checked
    // (Go's crypto/x509 stops at 100 too; a bridge PKI path search needs a few dozen; a signature
    // over more than 64 KiB counts once per 64 KiB), and name
    // constraint comparisons (constraints times names, summed over the search, long names
    // counting more: name_constraints.hpp). Running out is verify_error::budget_exhausted.
    std::size_t max_signature_checks = 100;
    // The name constraint comparisons allowed (see above).
    std::size_t max_name_comparisons = 1 << 16;
};

// What a verification cost, for callers that watch it (and tests that bound it), and which
// profile rule was broken when the answer is profile_violation or weak_key.
struct verify_details {
    std::size_t signature_checks = 0;     // signatures verified (or attempted), the leaf's included
    std::size_t name_comparisons = 0;     // name constraint work: bases compared with names
    std::size_t intermediates_ignored = 0;  // beyond the capacity of verify_chain
    // The profile rule broken, for profile_violation and weak_key.
    profile_rule broken_rule = profile_rule::none;
};

}  // namespace carapace::x509
