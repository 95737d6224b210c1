// The files s_client and s_server read: our certificate chain and its private key (--cert,
// --key) and the trust anchors (--CAfile, or the system store). Each loader returns the message
// to print on failure, which the commands report as a usage error (exit status 2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/pem_files.hpp"
#include "host/random.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/x509/verify.hpp"

namespace carapace_tool {

inline constexpr const char* system_trust_store = "/etc/ssl/certs/ca-certificates.crt";
inline constexpr std::size_t trust_capacity = 256;

using trust_store = carapace::x509::trust_store<trust_capacity>;

// A certificate chain (leaf first) and the signer of its leaf's key: Ed25519, ECDSA on P-256 or
// P-384, whose signatures mix in fresh bytes from `random`, or RSA-PSS (up to host::max_rsa_bits),
// whose salt and blinding come from it.
struct identity {
    std::vector<std::vector<std::uint8_t>> chain;
    std::vector<carapace::byte_view> views;
    host::getrandom_source random;
    std::unique_ptr<carapace::tls::ed25519_signer> ed25519;
    std::unique_ptr<carapace::tls::ecdsa_signer<carapace::p256>> p256;
    std::unique_ptr<carapace::tls::ecdsa_signer<carapace::p384>> p384;
    std::unique_ptr<carapace::tls::rsa_signer<host::max_rsa_bits>> rsa;
    carapace::tls::signer* signer = nullptr;  // the one of them that holds the key
    std::vector<std::uint8_t> spki;           // the key's DER SubjectPublicKeyInfo (load_raw_key_identity)
};

struct trust {
    std::vector<std::vector<std::uint8_t>> roots;
    std::unique_ptr<trust_store> store = std::make_unique<trust_store>();
};

// Loads --cert and --key: the chain (leaf first) and its leaf's private key (Ed25519, P-256,
// P-384 or RSA; PKCS#8, RFC 5915 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY" PEM), which must
// match the leaf. An RSA leaf with an id-RSASSA-PSS key signs with rsa_pss_pss_*, else rsa_pss_rsae_*. An empty string on success, else what went wrong.
std::string load_identity(const std::string& cert_path, const std::string& key_path, identity& id);

// Loads --key alone for raw public key authentication (RFC 7250): an Ed25519, P-256 or P-384
// private key, its signer, and its SubjectPublicKeyInfo, which we send in place of a chain.
std::string load_raw_key_identity(const std::string& key_path, identity& id);

// The peer's expected raw public key: the first "PUBLIC KEY" block of `path` (what `openssl pkey
// -pubout` writes), a well-formed DER SubjectPublicKeyInfo.
std::string load_spki(const std::string& path, std::vector<std::uint8_t>& spki);

// Trust anchors from a PEM bundle. `lenient` (the system store) skips what it cannot use.
std::string load_trust(const std::string& path, bool lenient, trust& t);

}  // namespace carapace_tool
