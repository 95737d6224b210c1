// Ready-made signers for CertificateVerify (RFC 8446 §4.4.3) holding their key in memory:
// Ed25519 (scheme ed25519), ECDSA over P-256 and P-384 (ecdsa_secp256r1_sha256 and
// ecdsa_secp384r1_sha384, §4.2.3: each curve with its own hash, signatures DER-encoded as
// ECDSA-Sig-Value) and RSA-PSS (rsa_pss_rsae_* or rsa_pss_pss_*, §4.2.3: MGF1 with the
// message's hash, a salt as long as the hash). A key held in an HSM or KMS implements
// tls::signer itself instead.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/nist_curves.hpp"
#if !defined(CARAPACE_NO_RSA)
#include "carapace/rsa/rsa_private.hpp"
#endif
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/x509/certificate.hpp"

namespace carapace::tls {

// Ed25519 (RFC 8032) from its 32-byte seed.
class ed25519_signer final : public signer {
public:
    // Signs with the key of a 32-byte seed.
    explicit ed25519_signer(fixed_view<32> seed) noexcept : key_(seed) {}

    // The schemes this signer offers.
    std::span<const signature_scheme> schemes() const noexcept override { return schemes_; }
    // The largest signature it writes.
    std::size_t max_signature_size(signature_scheme) const noexcept override { return 64; }
    std::size_t sign(signature_scheme scheme, byte_view content, byte_span out) noexcept override {
        if (scheme != signature_scheme::ed25519 || out.size() < 64) return 0;
        key_.sign(out.first<64>(), content);
        return 64;
    }
    // The public key, for the certificate it must match.
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
    // Signs with `key`, hedging its nonces with `random`; both must outlive the signer.
    ecdsa_signer(const ecdsa_private_key<Curve>& key, random_source& random) noexcept : key_(key), random_(random) {}

    // The schemes this signer offers.
    std::span<const signature_scheme> schemes() const noexcept override { return schemes_; }
    // The largest signature it writes (DER).
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

#if !defined(CARAPACE_NO_RSA)
// RSASSA-PSS with SHA-256, SHA-384 or SHA-512, whichever the peer lists first among ours (that
// order). rsa_pss_rsae_* for a certificate with an rsaEncryption key, rsa_pss_pss_* for one with
// an id-RSASSA-PSS key (`certificate_key`; a PSS key whose parameters allow one hash only should
// be given that scheme alone, through `only`). Each signature draws from `random` first the salt
// (the hash's length, §4.2.3), then rsa_blinding_size bytes that blind the private exponent; the
// signature is checked with the public key before it leaves (rsa_private.hpp). RFC 8017 §8.1
// signs with PKCS#1 v1.5 too, but no CertificateVerify may (§4.2.3): this signer never does. The
// key is copied (and wiped with the signer); `random` must outlive it.
template <std::size_t MaxBits = 4096>
class rsa_signer final : public signer {
public:
    // Signs with `key`, salting with `random`; both must outlive the signer.
    rsa_signer(const rsa_private_key<MaxBits>& key, random_source& random,
               x509::key_type certificate_key = x509::key_type::rsa,
               std::optional<signature_scheme> only = std::nullopt) noexcept
        : key_(key), random_(random) {
        const bool pss = certificate_key == x509::key_type::rsa_pss;
        schemes_ = pss ? pss_schemes_ : rsae_schemes_;
        if (only) {
            for (std::size_t i = 0; i < 3; ++i)
                if (schemes_[i] == *only) schemes_ = schemes_.subspan(i, 1);
            if (schemes_.size() != 1) schemes_ = {};  // not a scheme of this key: none
        }
    }

    // The schemes this signer offers.
    std::span<const signature_scheme> schemes() const noexcept override { return schemes_; }
    // The largest signature it writes: the modulus size.
    std::size_t max_signature_size(signature_scheme) const noexcept override { return key_.signature_size(); }
    std::size_t sign(signature_scheme scheme, byte_view content, byte_span out) noexcept override {
        rsa_hash hash{};
        bool ours = false;
        for (std::size_t i = 0; i < schemes_.size(); ++i)
            if (schemes_[i] == scheme) ours = true;
        switch (scheme) {
            case signature_scheme::rsa_pss_rsae_sha256:
            case signature_scheme::rsa_pss_pss_sha256: hash = rsa_hash::sha256; break;
            case signature_scheme::rsa_pss_rsae_sha384:
            case signature_scheme::rsa_pss_pss_sha384: hash = rsa_hash::sha384; break;
            case signature_scheme::rsa_pss_rsae_sha512:
            case signature_scheme::rsa_pss_pss_sha512: hash = rsa_hash::sha512; break;
            default: ours = false;
        }
        if (!ours || out.size() < key_.signature_size()) return 0;
        bytes<64> salt{};
        bytes<rsa_blinding_size> blinding{};
        const byte_span salt_bytes = byte_span(salt).first(digest_size(hash));
        random_.fill(salt_bytes);
        random_.fill(blinding);
        const auto n = key_.sign_pss(hash, content, salt_bytes, blinding, out);
        secure_wipe(salt);
        secure_wipe(blinding);
        return n ? *n : 0;
    }
    // The public key, for the certificate it must match.
    [[nodiscard]] rsa_public_key_view public_key() const noexcept { return key_.public_key(); }

private:
    static constexpr signature_scheme rsae_schemes_[3] = {signature_scheme::rsa_pss_rsae_sha256,
                                                          signature_scheme::rsa_pss_rsae_sha384,
                                                          signature_scheme::rsa_pss_rsae_sha512};
    static constexpr signature_scheme pss_schemes_[3] = {signature_scheme::rsa_pss_pss_sha256,
                                                         signature_scheme::rsa_pss_pss_sha384,
                                                         signature_scheme::rsa_pss_pss_sha512};
    rsa_private_key<MaxBits> key_;
    random_source& random_;
    std::span<const signature_scheme> schemes_;
};
#endif

}  // namespace carapace::tls
