// RSA-2048/3072/4096 signing and verification per second: carapace against OpenSSL's libcrypto
// in the same run. RSASSA-PSS with SHA-256 and a 32-byte salt on a precomputed digest (TLS 1.3's
// CertificateVerify), so the figures are the RSA operations and their encodings, not the hash.
//
// The keys are made by OpenSSL at start-up and handed to carapace as PKCS#1 DER; each side signs
// and verifies with a key loaded once (OpenSSL's EVP_PKEY_CTX set up once, carapace's
// rsa_private_key and public key view). Signatures are cross-checked both ways before measuring.
#include <cstdio>
#include <string>
#include <vector>

#include "carapace/rsa/rsa.hpp"
#include "compare.hpp"

#if CARAPACE_BENCH_OPENSSL
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#endif

namespace {

using carapace_bench::best_of;
using carapace_bench::report;

#if CARAPACE_BENCH_OPENSSL
struct openssl_key {
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* sign = nullptr;
    EVP_PKEY_CTX* verify = nullptr;
    std::vector<std::uint8_t> pkcs1;

    explicit openssl_key(unsigned bits) {
        EVP_PKEY_CTX* gen = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr);
        if (!gen || EVP_PKEY_keygen_init(gen) != 1 ||
            EVP_PKEY_CTX_set_rsa_keygen_bits(gen, static_cast<int>(bits)) != 1 || EVP_PKEY_keygen(gen, &key) != 1)
            key = nullptr;
        EVP_PKEY_CTX_free(gen);
        if (!key) return;
        unsigned char* der = nullptr;
        const int n = i2d_PrivateKey(key, &der);  // RSAPrivateKey for an RSA key
        if (n > 0) pkcs1.assign(der, der + n);
        OPENSSL_free(der);
        sign = setup(EVP_PKEY_sign_init);
        verify = setup(EVP_PKEY_verify_init);
    }
    EVP_PKEY_CTX* setup(int (*init)(EVP_PKEY_CTX*)) {
        EVP_PKEY_CTX* c = EVP_PKEY_CTX_new(key, nullptr);
        if (!c || init(c) != 1 || EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) != 1 || EVP_PKEY_CTX_set_rsa_pss_saltlen(c, 32) != 1) {
            EVP_PKEY_CTX_free(c);
            return nullptr;
        }
        return c;
    }
    ~openssl_key() {
        EVP_PKEY_CTX_free(sign);
        EVP_PKEY_CTX_free(verify);
        EVP_PKEY_free(key);
    }
    bool ok() const { return key && sign && verify && !pkcs1.empty(); }
    std::vector<std::uint8_t> sign_digest(carapace::byte_view digest) const {
        std::vector<std::uint8_t> sig(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
        std::size_t len = sig.size();
        if (EVP_PKEY_sign(sign, sig.data(), &len, digest.data(), digest.size()) != 1) return {};
        sig.resize(len);
        return sig;
    }
    bool verify_digest(carapace::byte_view digest, carapace::byte_view sig) const {
        return EVP_PKEY_verify(verify, sig.data(), sig.size(), digest.data(), digest.size()) == 1;
    }
};

template <std::size_t MaxBits>
void bench_size(unsigned bits) {
    const openssl_key peer(bits);
    if (!peer.ok()) {
        std::printf("RSA-%u: OpenSSL could not make a key\n", bits);
        return;
    }
    const auto key = carapace::rsa_private_key<MaxBits>::from_pkcs1_der(peer.pkcs1);
    if (!key) {
        std::printf("RSA-%u: carapace refused OpenSSL's key\n", bits);
        return;
    }
    const auto digest = carapace::sha256::hash(carapace::literal_bytes("benchmark message"));
    const carapace::bytes<32> salt{1, 2, 3};
    const carapace::bytes<carapace::rsa_blinding_size> blinding{9, 8, 7};
    std::vector<std::uint8_t> sig(key->signature_size());
    const carapace::rsa_public_key_view pub = key->public_key();
    const bool ours_ok = key->sign_pss_digest(carapace::rsa_hash::sha256, digest, salt, blinding, sig).ok();
    const std::vector<std::uint8_t> peer_sig = peer.sign_digest(digest);
    const bool agree = ours_ok && peer.verify_digest(digest, sig) &&
                       carapace::rsa_verify_pss_digest(pub, carapace::rsa_hash::sha256, carapace::rsa_hash::sha256, 32,
                                                       digest, peer_sig);
    if (!agree) {
        std::printf("RSA-%u: OpenSSL and carapace disagree; not compared\n", bits);
        return;
    }
    const std::string name = "RSA-" + std::to_string(bits) + " PSS SHA-256 ";
    report(name + "sign", "ops/s", 1,
           best_of(
               [&] {
                   (void)key->sign_pss_digest(carapace::rsa_hash::sha256, digest, salt, blinding, sig);
                   return sig[0];
               },
               [&] { return peer.sign_digest(digest)[0]; }));
    report(name + "verify", "ops/s", 1,
           best_of(
               [&] {
                   return static_cast<std::uint8_t>(carapace::rsa_verify_pss_digest(
                       pub, carapace::rsa_hash::sha256, carapace::rsa_hash::sha256, 32, digest, peer_sig));
               },
               [&] { return static_cast<std::uint8_t>(peer.verify_digest(digest, peer_sig)); }));
    // OpenSSL keeps the key's Montgomery constants in the key; rsa_public_key does the same.
    const auto prepared = carapace::rsa_public_key<MaxBits>::from_view(pub);
    if (!prepared) return;
    report(name + "verify, prepared key", "ops/s", 1,
           best_of(
               [&] {
                   return static_cast<std::uint8_t>(prepared->verify_pss_digest(
                       carapace::rsa_hash::sha256, carapace::rsa_hash::sha256, 32, digest, peer_sig));
               },
               [&] { return static_cast<std::uint8_t>(peer.verify_digest(digest, peer_sig)); }));
}
#endif

}  // namespace

int main(int argc, char** argv) {
    if (!carapace_bench::begin(argc, argv, "bench-rsa")) return 2;
#if CARAPACE_BENCH_OPENSSL
    bench_size<2048>(2048);
    bench_size<3072>(3072);
    bench_size<4096>(4096);
#else
    std::printf("the RSA benchmark makes its keys with OpenSSL: not built with it\n");
#endif
    return 0;
}
