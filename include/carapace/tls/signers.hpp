// Ready-made signers for CertificateVerify (RFC 8446 §4.4.3) holding their key in memory:
// Ed25519 (scheme ed25519) and ECDSA over P-256 and P-384 (ecdsa_secp256r1_sha256 and
// ecdsa_secp384r1_sha384, §4.2.3: each curve with its own hash, signatures DER-encoded as
// ECDSA-Sig-Value). A key held in an HSM or KMS implements tls::signer itself instead.
#pragma once

#include <cstddef>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/x509/certificate.hpp"

namespace carapace::tls {

class ed25519_signer final : public signer {
public:
    explicit ed25519_signer(fixed_view<32> seed) noexcept : key_(seed) {}

    std::span<const signature_scheme> schemes() const noexcept override { return schemes_; }
    std::size_t max_signature_size(signature_scheme) const noexcept override { return 64; }
    std::size_t sign(signature_scheme scheme, byte_view content, byte_span out) noexcept override {
        if (scheme != signature_scheme::ed25519 || out.size() < 64) return 0;
        key_.sign(out.first<64>(), content);
        return 64;
    }
    [[nodiscard]] const bytes<32>& public_key() const noexcept { return key_.public_key(); }

private:
    static constexpr signature_scheme schemes_[1] = {signature_scheme::ed25519};
    ed25519_private_key key_;
};

namespace detail {

// The one TLS 1.3 scheme of each curve (§4.2.3), its hash and the certificate key it needs.
template <class Curve>
struct ecdsa_scheme_of;
template <>
struct ecdsa_scheme_of<p256> {
    static constexpr signature_scheme scheme = signature_scheme::ecdsa_secp256r1_sha256;
    static constexpr ecdsa_hash hash = ecdsa_hash::sha256;
    static constexpr x509::key_type key = x509::key_type::ec_p256;
};
template <>
struct ecdsa_scheme_of<p384> {
    static constexpr signature_scheme scheme = signature_scheme::ecdsa_secp384r1_sha384;
    static constexpr ecdsa_hash hash = ecdsa_hash::sha384;
    static constexpr x509::key_type key = x509::key_type::ec_p384;
};

}  // namespace detail

// ECDSA with the curve's scheme. Signatures are hedged: RFC 6979's deterministic nonce with 32
// fresh bytes of `random` mixed in as its §3.6 additional data. Determinism alone keeps a weak
// random source from exposing the key; the fresh bytes keep the nonce from repeating for the same
// content, which fault attacks and power analysis of the nonce computation feed on. The key is
// copied (and wiped with the signer); `random` must outlive it.
template <class Curve>
class ecdsa_signer final : public signer {
    using traits = detail::ecdsa_scheme_of<Curve>;

public:
    ecdsa_signer(const ecdsa_private_key<Curve>& key, random_source& random) noexcept : key_(key), random_(random) {}

    std::span<const signature_scheme> schemes() const noexcept override { return schemes_; }
    std::size_t max_signature_size(signature_scheme) const noexcept override { return Curve::max_der_signature_size; }
    std::size_t sign(signature_scheme scheme, byte_view content, byte_span out) noexcept override {
        if (scheme != traits::scheme) return 0;
        bytes<32> extra{};
        random_.fill(extra);
        bytes<Curve::signature_size> rs{};
        key_.sign(rs, content, traits::hash, extra);
        secure_wipe(extra);
        return ecdsa_rs_to_der<Curve>(rs, out);  // 0 when out is too small
    }
    // SEC 1 uncompressed, to compare with the certificate's key.
    [[nodiscard]] const bytes<Curve::uncompressed_size>& public_key() const noexcept { return key_.public_key(); }

private:
    static constexpr signature_scheme schemes_[1] = {traits::scheme};
    ecdsa_private_key<Curve> key_;
    random_source& random_;
};

}  // namespace carapace::tls
