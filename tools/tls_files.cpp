#include "tls_files.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "host/files.hpp"
#include "host/pem_files.hpp"
#include "key_files.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/keys.hpp"
#include "carapace/x509/pem.hpp"

namespace carapace_tool {

namespace tls = carapace::tls;
namespace x509 = carapace::x509;

std::string load_identity(const std::string& cert_path, const std::string& key_path, identity& id) {
    std::string error;
    if (!host::load_certificate_chain(cert_path, id.chain, error)) return error;
    for (const auto& c : id.chain) id.views.emplace_back(c);
    const auto leaf = x509::parse_certificate(id.chain[0]);
    if (!leaf) return cert_path + ": the first certificate is malformed";
    private_key key;  // the loader genkey, sign and ecdh share (key_files.hpp)
    if (error = load_private_key(key_path, key); !error.empty()) return error;
    carapace::byte_view public_key;
    switch (key.type) {
        case x509::key_type::ed25519:
            id.ed25519 = std::make_unique<tls::ed25519_signer>(key.key().first<32>());
            id.signer = id.ed25519.get();
            public_key = id.ed25519->public_key();
            break;
        case x509::key_type::ec_p256: {
            const auto k = carapace::ecdsa_private_key<carapace::p256>::from_scalar(key.key().first<32>());
            if (!k) return key_path + ": the private key is not a valid P-256 scalar";
            id.p256 = std::make_unique<tls::ecdsa_signer<carapace::p256>>(*k, id.random);
            id.signer = id.p256.get();
            public_key = id.p256->public_key();
            break;
        }
        case x509::key_type::ec_p384: {
            const auto k = carapace::ecdsa_private_key<carapace::p384>::from_scalar(key.key().first<48>());
            if (!k) return key_path + ": the private key is not a valid P-384 scalar";
            id.p384 = std::make_unique<tls::ecdsa_signer<carapace::p384>>(*k, id.random);
            id.signer = id.p384.get();
            public_key = id.p384->public_key();
            break;
        }
        case x509::key_type::rsa:
        case x509::key_type::rsa_pss: {
            const auto k = host::rsa_key::from_pkcs1_der(key.rsa_der);
            if (!k) return key_path + ": the RSA key does not load";
            // The certificate says which schemes: rsaEncryption or id-RSASSA-PSS (§4.2.3).
            id.rsa = std::make_unique<tls::rsa_signer<host::max_rsa_bits>>(*k, id.random, leaf->public_key.type);
            id.signer = id.rsa.get();
            const auto leaf_key = carapace::parse_rsa_public_key_pkcs1(leaf->public_key.key);
            const auto ours = k->public_key();
            const bool rsa_leaf = leaf->public_key.type == x509::key_type::rsa ||
                                  leaf->public_key.type == x509::key_type::rsa_pss;
            if (!rsa_leaf || !leaf_key ||
                !std::equal(ours.modulus.begin(), ours.modulus.end(), leaf_key->modulus.begin(), leaf_key->modulus.end()) ||
                !std::equal(ours.exponent.begin(), ours.exponent.end(), leaf_key->exponent.begin(),
                            leaf_key->exponent.end()))
                return key_path + " does not match the certificate in " + cert_path;
            return {};
        }
        default:
            return key_path + ": " + key_type_name(key.type) + " keys do not sign (Ed25519, P-256, P-384 and RSA do)";
    }
    if (leaf->public_key.type != key.type ||
        !std::equal(public_key.begin(), public_key.end(), leaf->public_key.key.begin(), leaf->public_key.key.end()))
        return key_path + " does not match the certificate in " + cert_path;
    return {};
}

namespace {

// The DER SubjectPublicKeyInfo of a key, from the fixed header its algorithm gives (RFC 8410 §4,
// RFC 5480 §2): everything before the key bytes, then the key.
std::vector<std::uint8_t> spki_of(std::initializer_list<std::uint8_t> header, carapace::byte_view key) {
    std::vector<std::uint8_t> out(header);
    out.insert(out.end(), key.begin(), key.end());
    return out;
}

}  // namespace

std::string load_raw_key_identity(const std::string& key_path, identity& id) {
    private_key key;
    if (std::string error = load_private_key(key_path, key); !error.empty()) return error;
    switch (key.type) {
        case x509::key_type::ed25519:
            id.ed25519 = std::make_unique<tls::ed25519_signer>(key.key().first<32>());
            id.signer = id.ed25519.get();
            id.spki = spki_of({0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00},
                              id.ed25519->public_key());
            break;
        case x509::key_type::ec_p256: {
            const auto k = carapace::ecdsa_private_key<carapace::p256>::from_scalar(key.key().first<32>());
            if (!k) return key_path + ": the private key is not a valid P-256 scalar";
            id.p256 = std::make_unique<tls::ecdsa_signer<carapace::p256>>(*k, id.random);
            id.signer = id.p256.get();
            id.spki = spki_of({0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                               0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00},
                              id.p256->public_key());
            break;
        }
        case x509::key_type::ec_p384: {
            const auto k = carapace::ecdsa_private_key<carapace::p384>::from_scalar(key.key().first<48>());
            if (!k) return key_path + ": the private key is not a valid P-384 scalar";
            id.p384 = std::make_unique<tls::ecdsa_signer<carapace::p384>>(*k, id.random);
            id.signer = id.p384.get();
            id.spki = spki_of({0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                               0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00},
                              id.p384->public_key());
            break;
        }
        default:
            return key_path + ": " + key_type_name(key.type) +
                   " keys are not used as raw public keys here (Ed25519, P-256 and P-384 are)";
    }
    if (!x509::parse_public_key(id.spki)) return key_path + ": internal error encoding the public key";
    return {};
}

std::string load_spki(const std::string& path, std::vector<std::uint8_t>& spki) {
    std::string text, error;
    if (!host::read_file(path, text, error)) return error;
    std::string_view label;
    if (!host::detail::first_pem_block(text, path, {carapace::pem::public_key}, spki, label, error)) return error;
    if (!x509::parse_public_key(spki)) return path + ": malformed public key";
    return {};
}

std::string load_trust(const std::string& path, bool lenient, trust& t) {
    std::string error;
    if (!host::load_certificate_chain(path, t.roots, error)) return error;
    for (const auto& root : t.roots) {
        if (t.store->add(root) == carapace::errc::ok) continue;
        if (lenient) continue;
        if (t.store->size() == trust_capacity) return path + ": more than " + std::to_string(trust_capacity) + " certificates";
        return path + ": a certificate is malformed";
    }
    if (t.store->size() == 0) return path + ": no usable certificate";
    return {};
}

}  // namespace carapace_tool
