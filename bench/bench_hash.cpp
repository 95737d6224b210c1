// Hash, HMAC and HKDF throughput: carapace against OpenSSL's libcrypto in the same run.
//
// The machine is shared and noisy, so each figure alternates the two sides for several rounds
// and keeps each side's best. OpenSSL is used the fast way: algorithms fetched once, contexts
// reused. HKDF is also measured the classic EVP_PKEY way (a context per derivation), which is how
// most OpenSSL code calls it.
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/kdf/hkdf.hpp"
#include "carapace/mac/hmac.hpp"
#include "compare.hpp"

#if CARAPACE_BENCH_OPENSSL
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/opensslv.h>
#endif

namespace {

using carapace_bench::best_of;
using carapace_bench::report;

#if CARAPACE_BENCH_OPENSSL
struct openssl_digest {
    EVP_MD* md;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    explicit openssl_digest(const char* name) : md(EVP_MD_fetch(nullptr, name, nullptr)) {}
    ~openssl_digest() {
        EVP_MD_CTX_free(ctx);
        EVP_MD_free(md);
    }
    std::uint8_t operator()(const std::uint8_t* data, std::size_t n) {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestInit_ex(ctx, md, nullptr);
        EVP_DigestUpdate(ctx, data, n);
        EVP_DigestFinal_ex(ctx, out, &len);
        return out[0];
    }
};
#endif

template <class Hash, class Portable>
void bench_hash(const char* name, const char* openssl_name) {
    std::vector<std::uint8_t> message(16384, 0x5a);
    for (const std::size_t size : {std::size_t{16384}, std::size_t{1024}}) {
        const std::string label = std::string(name) + " " + std::to_string(size) + " B";
        auto ours = [&] { return Hash::hash(std::span<const std::uint8_t>(message.data(), size))[0]; };
#if CARAPACE_BENCH_OPENSSL
        openssl_digest peer_digest(openssl_name);
        auto peer = [&] { return peer_digest(message.data(), size); };
        report(label + " " + Hash::engine::name, "MB/s", static_cast<double>(size) / 1e6, best_of(ours, peer));
#else
        (void)openssl_name;
        report(label + " " + Hash::engine::name, "MB/s", static_cast<double>(size) / 1e6, best_of(ours, nullptr));
#endif
        auto portable = [&] { return Portable::hash(std::span<const std::uint8_t>(message.data(), size))[0]; };
        report(label + " portable", "MB/s", static_cast<double>(size) / 1e6, best_of(portable, nullptr));
    }
}

void bench_hmac_hkdf() {
    const std::array<std::uint8_t, 32> key{1, 2, 3}, salt{4}, ikm{5};
    const std::array<std::uint8_t, 64> message{6};
    const std::array<std::uint8_t, 16> info{7};

    auto ours_hmac = [&] { return carapace::hmac<carapace::sha256>::mac(key, message)[0]; };
    auto ours_hkdf = [&] {
        std::array<std::uint8_t, 32> okm{};
        (void)carapace::hkdf<carapace::sha256>(salt, ikm, info, okm);
        return okm[0];
    };
#if CARAPACE_BENCH_OPENSSL
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* mac_ctx = EVP_MAC_CTX_new(mac);
    char sha256_name[] = "SHA256";
    const OSSL_PARAM mac_params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, sha256_name, 0),
                                     OSSL_PARAM_construct_end()};
    auto peer_hmac = [&] {
        unsigned char out[32];
        std::size_t len = 0;
        EVP_MAC_init(mac_ctx, key.data(), key.size(), mac_params);
        EVP_MAC_update(mac_ctx, message.data(), message.size());
        EVP_MAC_final(mac_ctx, out, &len, sizeof out);
        return out[0];
    };
    report("hmac-sha256 32-byte key, 64-byte message", "ops/s", 1, best_of(ours_hmac, peer_hmac));

    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    EVP_KDF_CTX* kdf_ctx = EVP_KDF_CTX_new(kdf);
    auto peer_hkdf = [&] {
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, sha256_name, 0),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size()),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(ikm.data()), ikm.size()),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<std::uint8_t*>(info.data()), info.size()),
            OSSL_PARAM_construct_end()};
        unsigned char okm[32];
        EVP_KDF_derive(kdf_ctx, okm, sizeof okm, params);
        return okm[0];
    };
    report("hkdf-sha256 extract+expand 32 vs EVP_KDF", "ops/s", 1, best_of(ours_hkdf, peer_hkdf));

    auto peer_hkdf_pkey = [&] {
        EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
        EVP_PKEY_derive_init(pctx);
        EVP_PKEY_CTX_set_hkdf_md(pctx, EVP_sha256());
        EVP_PKEY_CTX_set1_hkdf_salt(pctx, salt.data(), static_cast<int>(salt.size()));
        EVP_PKEY_CTX_set1_hkdf_key(pctx, ikm.data(), static_cast<int>(ikm.size()));
        EVP_PKEY_CTX_add1_hkdf_info(pctx, info.data(), static_cast<int>(info.size()));
        unsigned char okm[32];
        std::size_t len = sizeof okm;
        EVP_PKEY_derive(pctx, okm, &len);
        EVP_PKEY_CTX_free(pctx);
        return okm[0];
    };
    report("hkdf-sha256 extract+expand 32 vs EVP_PKEY", "ops/s", 1, best_of(ours_hkdf, peer_hkdf_pkey));
    EVP_KDF_CTX_free(kdf_ctx);
    EVP_KDF_free(kdf);
    EVP_MAC_CTX_free(mac_ctx);
    EVP_MAC_free(mac);
#else
    report("hmac-sha256 32-byte key, 64-byte message", "ops/s", 1, best_of(ours_hmac, nullptr));
    report("hkdf-sha256 extract+expand 32", "ops/s", 1, best_of(ours_hkdf, nullptr));
#endif
}

}  // namespace

int main(int argc, char** argv) {
    if (!carapace_bench::begin(argc, argv, "bench-hash")) return 2;
    namespace d = carapace::detail;
    bench_hash<carapace::sha256, carapace::sha256_with<d::sha256_portable>>("sha256", "SHA256");
    bench_hash<carapace::sha512, carapace::sha512_with<d::sha512_portable>>("sha512", "SHA512");
    bench_hmac_hkdf();
    return 0;
}
