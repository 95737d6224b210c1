// Ready-made implementations of the engine's interfaces: the key exchanges (key_exchanges.hpp,
// and the ML-KEM groups of hybrid_key_exchanges.hpp unless CARAPACE_NO_MLKEM),
// signers holding their key (signers.hpp), and a certificate verifier over an x509::trust_store
// that checks CertificateVerify signatures with Ed25519, ECDSA P-256/P-384 and RSA-PSS keys
// (§4.2.3, §4.4.3). Each is a small object the caller owns; none allocates.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/key_exchanges.hpp"
#if !defined(CARAPACE_NO_MLKEM)
#include "carapace/tls/hybrid_key_exchanges.hpp"
#endif
#include "carapace/tls/signers.hpp"
#include "carapace/x509/keys.hpp"
#include "carapace/x509/signatures.hpp"
#if !defined(CARAPACE_TLS_NO_OCSP)
#include "carapace/x509/ocsp.hpp"
#endif
#if !defined(CARAPACE_TLS_NO_PINS)
#include "carapace/x509/pins.hpp"
#endif
#include "carapace/x509/verify.hpp"

namespace carapace::tls {

// The TLS alert for an X.509 path-validation failure.
constexpr error alert_error_for(x509::verify_error e) noexcept {
    switch (e) {
        case x509::verify_error::ok: return error::none;
        case x509::verify_error::unknown_issuer: return error::unknown_ca;
        case x509::verify_error::expired: return error::certificate_expired;
        case x509::verify_error::unsupported_algorithm:
        case x509::verify_error::unsupported_critical_extension:
        case x509::verify_error::wrong_purpose: return error::unsupported_certificate;
        default: return error::bad_certificate;
    }
}

namespace detail {

// §4.2.3: an ECDSA scheme names its curve; a key on another curve cannot use it.
template <class Curve>
error verify_ecdsa(const x509::public_key_info& key, byte_view content, byte_view der_signature) noexcept {
    using traits = ecdsa_scheme_of<Curve>;
    if (key.type != traits::key) return error::illegal_parameter;
    return ecdsa_verify_der<Curve>(key.key, content, traits::hash, der_signature) ? error::none : error::decrypt_error;
}

#if !defined(CARAPACE_NO_RSA)
// §4.2.3: rsa_pss_rsae_* by an rsaEncryption key, rsa_pss_pss_* by an id-RSASSA-PSS key (within
// the hash and salt its parameters allow, RFC 4055 §3.3); the salt is as long as the hash, MGF1
// uses the same hash. A key outside what the RSA code verifies (1024 to 8192 bits) is
// unsupported_certificate; the 2048-bit floor of the Web PKI is path validation's (its profile).
inline error verify_rsa_pss(const x509::public_key_info& key, rsa_hash hash, x509::pss_hash named, bool pss_key,
                            byte_view content, byte_view signature) noexcept {
    if (key.type != (pss_key ? x509::key_type::rsa_pss : x509::key_type::rsa)) return error::illegal_parameter;
    if (pss_key && !key.parameters.empty()) {
        const auto limits = x509::parse_pss_parameters(key.parameters);
        if (!limits) return error::bad_certificate;
        if (!x509::pss_fits_key({named, named, digest_size(hash)}, *limits)) return error::illegal_parameter;
    }
    const auto public_key = parse_rsa_public_key_pkcs1(key.key);
    if (!public_key)
        return public_key.error() == errc::invalid_argument ? error::unsupported_certificate : error::bad_certificate;
    return rsa_verify_pss(*public_key, hash, hash, digest_size(hash), content, signature) ? error::none
                                                                                           : error::decrypt_error;
}
#endif

}  // namespace detail

// Checks a CertificateVerify signature by the key of a SubjectPublicKeyInfo: ed25519,
// ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384, rsa_pss_rsae_sha256/384/512 and
// rsa_pss_pss_sha256/384/512. A scheme the key cannot make (another algorithm or another curve)
// or that no CertificateVerify may use (rsa_pkcs1_*, §4.2.3) is illegal_parameter; a signature
// that does not verify, or is not strict DER, is decrypt_error.
inline error verify_certificate_signature(byte_view subject_public_key_info, signature_scheme scheme,
                                          byte_view content, byte_view signature) noexcept {
    const auto key = x509::parse_public_key(subject_public_key_info);
    if (!key) return error::bad_certificate;
    switch (scheme) {
#if !defined(CARAPACE_NO_ED25519)
        case signature_scheme::ed25519:
            if (key->type != x509::key_type::ed25519 || key->key.size() != 32) return error::illegal_parameter;
            return ed25519_verify(key->key.first<32>(), content, signature) ? error::none : error::decrypt_error;
#endif
#if !defined(CARAPACE_NO_P256)
        case signature_scheme::ecdsa_secp256r1_sha256: return detail::verify_ecdsa<p256>(*key, content, signature);
#endif
#if !defined(CARAPACE_NO_P384)
        case signature_scheme::ecdsa_secp384r1_sha384: return detail::verify_ecdsa<p384>(*key, content, signature);
#endif
#if !defined(CARAPACE_NO_RSA)
        case signature_scheme::rsa_pss_rsae_sha256:
            return detail::verify_rsa_pss(*key, rsa_hash::sha256, x509::pss_hash::sha256, false, content, signature);
        case signature_scheme::rsa_pss_rsae_sha384:
            return detail::verify_rsa_pss(*key, rsa_hash::sha384, x509::pss_hash::sha384, false, content, signature);
        case signature_scheme::rsa_pss_rsae_sha512:
            return detail::verify_rsa_pss(*key, rsa_hash::sha512, x509::pss_hash::sha512, false, content, signature);
        case signature_scheme::rsa_pss_pss_sha256:
            return detail::verify_rsa_pss(*key, rsa_hash::sha256, x509::pss_hash::sha256, true, content, signature);
        case signature_scheme::rsa_pss_pss_sha384:
            return detail::verify_rsa_pss(*key, rsa_hash::sha384, x509::pss_hash::sha384, true, content, signature);
        case signature_scheme::rsa_pss_pss_sha512:
            return detail::verify_rsa_pss(*key, rsa_hash::sha512, x509::pss_hash::sha512, true, content, signature);
#endif
        default: return error::illegal_parameter;
    }
}

// The schemes verify_certificate_signature takes, in the order a ClientHello or CertificateRequest
// lists them. Without signature_algorithms_cert they also say which certificate signatures we
// accept (§4.2.3). The size switches of x509/signatures.hpp leave their schemes out.
inline constexpr signature_scheme verifiable_schemes[] = {
#if !defined(CARAPACE_NO_ED25519)
    signature_scheme::ed25519,
#endif
#if !defined(CARAPACE_NO_P256)
    signature_scheme::ecdsa_secp256r1_sha256,
#endif
#if !defined(CARAPACE_NO_P384)
    signature_scheme::ecdsa_secp384r1_sha384,
#endif
#if !defined(CARAPACE_NO_RSA)
    signature_scheme::rsa_pss_rsae_sha256,
    signature_scheme::rsa_pss_rsae_sha384,
    signature_scheme::rsa_pss_rsae_sha512,
    signature_scheme::rsa_pss_pss_sha256,
    signature_scheme::rsa_pss_pss_sha384,
    signature_scheme::rsa_pss_pss_sha512,
#endif
};

// What a client sends as signature_algorithms_cert (client_config) to say which signatures in
// certificates x509_verifier checks (§4.2.3): the schemes above and, for certificates only,
// rsa_pkcs1_sha256/384/512 (most chains in use carry sha256WithRSAEncryption somewhere).
// Without it, servers are told signature_algorithms alone, which names no PKCS#1 v1.5 scheme.
inline constexpr signature_scheme certificate_signature_schemes[] = {
#if !defined(CARAPACE_NO_ED25519)
    signature_scheme::ed25519,
#endif
#if !defined(CARAPACE_NO_P256)
    signature_scheme::ecdsa_secp256r1_sha256,
#endif
#if !defined(CARAPACE_NO_P384)
    signature_scheme::ecdsa_secp384r1_sha384,
#endif
#if !defined(CARAPACE_NO_RSA)
    signature_scheme::rsa_pss_rsae_sha256,
    signature_scheme::rsa_pss_rsae_sha384,
    signature_scheme::rsa_pss_rsae_sha512,
    signature_scheme::rsa_pss_pss_sha256,
    signature_scheme::rsa_pss_pss_sha384,
    signature_scheme::rsa_pss_pss_sha512,
    signature_scheme::rsa_pkcs1_sha256,
    signature_scheme::rsa_pkcs1_sha384,
    signature_scheme::rsa_pkcs1_sha512,
#endif
};

// Path validation (RFC 5280) against a trust store, and CertificateVerify signatures
// (verify_certificate_signature).
// `accept_any_chain` skips the chain (testing only: s_client --insecure); signatures are still
// checked. MaxIntermediates: the peer's intermediates looked at, each about 300 bytes (64-bit) or
// 185 (32-bit) of stack during a verification; a device that knows its server's chain lowers it.
template <std::size_t Capacity, std::size_t MaxIntermediates = x509::default_max_intermediates>
class x509_verifier final : public certificate_verifier {
public:
    // Verifies chains against `store`, which must outlive it (`accept_any_chain`: tests only).
    explicit x509_verifier(const x509::trust_store<Capacity>& store, bool accept_any_chain = false) noexcept
        : store_(store), accept_any_(accept_any_chain) {}

    // The certificate profile chains are held to (x509/profile.hpp): the Web PKI's by default;
    // RFC 5280's alone for a private PKI, whose certificates may, say, carry id-RSASSA-PSS keys
    // (for the rsa_pss_pss_* schemes), which the Baseline Requirements do not allow.
    void use_profile(x509::certificate_profile profile) noexcept { profile_ = profile; }

#if !defined(CARAPACE_TLS_NO_PINS)
    // SHA-256 SPKI pins (RFC 7469, x509/pins.hpp): every validated path must then hold a pinned
    // key, and the set a backup pin matching none of it unless `options` waives that. The pins
    // must outlive the verifier. A path that fails them is bad_certificate ("pin mismatch").
    void pin(std::span<const x509::spki_pin> pins, x509::pin_options options = {}) noexcept {
        pins_ = pins;
        pin_options_ = options;
    }
#endif

    error verify_chain(std::span<const byte_view> chain, std::string_view host, bool peer_is_server,
                       std::optional<std::int64_t> now, std::string_view& detail) noexcept override {
#if !defined(CARAPACE_TLS_NO_PINS)
        if (!pins_.empty()) {
            x509::verified_path path;  // pins are checked against the path, not the chain as sent
            return judge(chain, host, peer_is_server, now, &path, detail);
        }
#endif
        return judge(chain, host, peer_is_server, now, nullptr, detail);
    }

#if !defined(CARAPACE_TLS_NO_OCSP)
    // The chain, then what the stapled OCSP response says of the validated path's leaf (RFC 6960,
    // x509/ocsp.hpp): signed by its issuer or the issuer's delegated responder, current at `now`
    // (without a clock nothing is current: unknown).
    error verify_chain_and_status(std::span<const byte_view> chain, std::string_view host, bool peer_is_server,
                                  std::optional<std::int64_t> now, byte_view stapled_ocsp, stapled_status& status,
                                  std::string_view& detail) noexcept override {
        status = stapled_ocsp.empty() ? stapled_status::none : stapled_status::unknown;
        x509::verified_path path;
        const error e = judge(chain, host, peer_is_server, now, &path, detail);
        if (e != error::none || stapled_ocsp.empty() || path.size == 0 || !now) return e;
        x509::revocation_options options;
        options.time = *now;
        switch (x509::check_ocsp_response(stapled_ocsp, path.view(), options).status) {
            case x509::revocation_status::good: status = stapled_status::good; break;
            case x509::revocation_status::revoked: status = stapled_status::revoked; break;
            case x509::revocation_status::unknown: break;
        }
        return e;
    }
#endif

    error verify_signature(byte_view subject_public_key_info, signature_scheme scheme, byte_view content,
                           byte_view signature) noexcept override {
        return verify_certificate_signature(subject_public_key_info, scheme, content, signature);
    }

    std::span<const signature_scheme> schemes() const noexcept override { return verifiable_schemes; }

    // The last path-validation result.
    [[nodiscard]] x509::verify_error last_result() const noexcept { return last_; }

private:
    error judge(std::span<const byte_view> chain, std::string_view host, bool peer_is_server,
                std::optional<std::int64_t> now, x509::verified_path* path, std::string_view& detail) noexcept {
        if (accept_any_) {
            detail = "skipped";
            return error::none;
        }
        if (chain.empty()) return error::bad_certificate;
        x509::verify_options options;
        options.time = now.value_or(0);
        options.time_known = now.has_value();
        options.host = host;
        options.usage = peer_is_server ? x509::purpose::server_auth : x509::purpose::client_auth;
        options.leaf_key_usage = x509::key_usage::digital_signature;  // it signs CertificateVerify
        options.profile = profile_;
        last_ = x509::verify_chain<MaxIntermediates>(chain[0], chain.subspan(1), store_, options, path);
#if !defined(CARAPACE_TLS_NO_PINS)
        if (last_ == x509::verify_error::ok && !pins_.empty() && path != nullptr)
            last_ = x509::check_pins(path->view(), pins_, pin_options_);
#endif
        detail = x509::to_string(last_);
        return alert_error_for(last_);
    }

    const x509::trust_store<Capacity>& store_;
    bool accept_any_;
    x509::certificate_profile profile_ = x509::certificate_profile::webpki;
    x509::verify_error last_ = x509::verify_error::ok;
#if !defined(CARAPACE_TLS_NO_PINS)
    std::span<const x509::spki_pin> pins_{};
    x509::pin_options pin_options_{};
#endif
};

}  // namespace carapace::tls
