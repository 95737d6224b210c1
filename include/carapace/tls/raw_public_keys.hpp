// Raw public keys (RFC 7250) judged by a pin: a certificate_verifier for a peer that authenticates
// with a bare SubjectPublicKeyInfo instead of an X.509 chain. With no CA to vouch for the key, the
// only trust there can be is that it is the key we expected, so the pin is the whole policy: the
// DER SubjectPublicKeyInfo compared whole, or its SHA-256 (RFC 7469's pin-sha256 form, as
// `x509::spki_pin` holds it). Both comparisons run in constant time. CertificateVerify
// signatures are checked with the key type the SPKI names (Ed25519, ECDSA P-256, and the others
// verify_certificate_signature reads). It judges no X.509 chain: a peer that sends one gets
// unsupported_certificate (a mixed setup gives each side the verifier for what it takes).
//
//   tls::raw_public_key_verifier pinned(server_spki_der);
//   client_config.verifier = &pinned;
//   client_config.peer_certificate_types = tls::raw_public_key_only;
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/x509/keys.hpp"

namespace carapace::tls {

// peer_certificate_types for a side that takes raw public keys only.
inline constexpr certificate_type raw_public_key_only[] = {certificate_type::raw_public_key};

// Takes one raw public key, named by its DER SubjectPublicKeyInfo or that encoding's SHA-256.
class raw_public_key_verifier final : public certificate_verifier {
public:
    // Takes exactly the DER SubjectPublicKeyInfo `spki`, which must outlive the verifier.
    explicit raw_public_key_verifier(byte_view spki) noexcept : spki_(spki) {}
    // Takes the key whose DER SubjectPublicKeyInfo has this SHA-256.
    explicit raw_public_key_verifier(std::span<const std::uint8_t, 32> spki_sha256) noexcept : by_hash_(true) {
        for (std::size_t i = 0; i < 32; ++i) hash_[i] = spki_sha256[i];
    }

    // An X.509 chain is not what this verifier takes.
    error verify_chain(std::span<const byte_view>, std::string_view, bool, std::optional<std::int64_t>,
                       std::string_view& detail) noexcept override {
        detail = "expected a raw public key";
        return error::unsupported_certificate;
    }

    // The pinned key, else bad_certificate ("pin mismatch"); a key that does not parse as a
    // SubjectPublicKeyInfo is bad_certificate too.
    error verify_raw_public_key(byte_view spki, bool, std::string_view& detail) noexcept override {
        if (!x509::parse_public_key(spki)) {
            detail = "malformed SubjectPublicKeyInfo";
            return error::bad_certificate;
        }
        const bool match = by_hash_ ? ct::equal(sha256::hash(spki), hash_) : ct::equal(spki, spki_);
        detail = match ? "pinned key" : "pin mismatch";
        return match ? error::none : error::bad_certificate;
    }

    // Checks a CertificateVerify signature with the SPKI's key (see verify_certificate_signature).
    error verify_signature(byte_view subject_public_key_info, signature_scheme scheme, byte_view content,
                           byte_view signature) noexcept override {
        return verify_certificate_signature(subject_public_key_info, scheme, content, signature);
    }

    // The schemes verify_signature takes.
    std::span<const signature_scheme> schemes() const noexcept override { return verifiable_schemes; }

private:
    byte_view spki_{};
    bytes<32> hash_{};
    bool by_hash_ = false;
};

}  // namespace carapace::tls
