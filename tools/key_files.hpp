// The key files genkey, sign, verify-sig and ecdh read and write: PKCS#8 private keys (RFC 5958,
// PEM "PRIVATE KEY", and RFC 5915 "EC PRIVATE KEY") for Ed25519, X25519, P-256 and P-384, and RSA
// keys (PKCS#8, or PKCS#1 "RSA PRIVATE KEY") to sign with; public keys as a SubjectPublicKeyInfo
// ("PUBLIC KEY") or a certificate's. Loaders return an empty string
// on success, else the one-line reason, which the commands report as a usage error (exit 2).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "carapace/core/bytes.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/x509/certificate.hpp"
#include "host/pem_files.hpp"

namespace carapace_tool {

using carapace::x509::key_type;

// A private key, checked: the scalar is in range for its curve, and any public key the file holds
// is the one the private key gives (support/host/pem_files.hpp). The secret is wiped on
// destruction.
using private_key = host::private_key;

// A public key to verify with: the type and the key (Ed25519: 32 bytes; EC: a SEC 1 point that
// lies on the curve; RSA: the RSAPublicKey DER, within the RSA code's limits).
struct public_key {
    key_type type = key_type::unknown;
    std::vector<std::uint8_t> key;
};

// The first "PRIVATE KEY" or "EC PRIVATE KEY" block of `path`.
std::string load_private_key(const std::string& path, private_key& out);

// The first "PUBLIC KEY" or "CERTIFICATE" block of `path` (a certificate's subject key).
std::string load_public_key(const std::string& path, public_key& out);

// A fresh key of `type` (ed25519, x25519, ec_p256, ec_p384) from the operating system's
// randomness, as the PKCS#8 PEM text `openssl genpkey` writes for it.
std::string generate_private_key_pem(key_type type);

// A fresh RSA key of `bits` (2048, 3072, 4096; e = 65537, rsa/keygen.hpp) from the operating
// system's randomness, as PKCS#8 PEM; empty on failure.
std::string generate_rsa_private_key_pem(std::size_t bits);

// The hash ECDSA signs with here: SHA-256 with P-256, SHA-384 with P-384 (what `openssl dgst
// -sha256` / `-sha384` expects, and TLS 1.3's pairing).
constexpr carapace::ecdsa_hash signing_hash(key_type type) {
    return type == key_type::ec_p256 ? carapace::ecdsa_hash::sha256 : carapace::ecdsa_hash::sha384;
}

// The hash and salt RSA signs with here: SHA-256, and for PSS MGF1-SHA-256 with a 32-byte salt
// (what `openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32` checks).
inline constexpr carapace::rsa_hash rsa_signing_hash = carapace::rsa_hash::sha256;

// "Ed25519", "X25519", "P-256", "P-384", "RSA", "RSA-PSS", or "unsupported (...)" for the others.
std::string key_type_name(key_type type);

}  // namespace carapace_tool
