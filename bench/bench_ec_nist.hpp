// P-256 and P-384 rows of bench-ec: ECDSA sign and verify, ECDH and key generation, carapace
// against OpenSSL's EVP_PKEY in the same run.
//
// What each side does per operation: sign = hash the 64-byte message and sign it (OpenSSL:
// EVP_DigestSign with SHA-256/384 and a random nonce; carapace: RFC 6979 hedged with 32 fixed
// "random" bytes, as the TLS signer does); verify = hash and verify; ECDH = derive with a peer
// key set up once (OpenSSL: EVP_PKEY_derive on a prepared context; carapace: ecdh(), which
// validates the peer point each time); key generation = the public point of a private scalar
// (OpenSSL: EVP_PKEY_keygen, which draws the scalar too).
#pragma once

#include <cstdint>
#include <string>

#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ecdsa.hpp"

#if CARAPACE_BENCH_OPENSSL
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#endif

namespace nist_bench {

#if CARAPACE_BENCH_OPENSSL
// An OpenSSL EC key from a raw scalar and its public point.
inline EVP_PKEY* openssl_key(const char* group, const std::uint8_t* scalar, std::size_t size,
                             const std::uint8_t* point, std::size_t point_size, bool with_private) {
    OSSL_PARAM_BLD* b = OSSL_PARAM_BLD_new();
    BIGNUM* d = BN_bin2bn(scalar, static_cast<int>(size), nullptr);
    OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point, point_size);
    if (with_private) OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(b);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY* key = nullptr;
    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        EVP_PKEY_fromdata(ctx, &key, with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    BN_free(d);
    OSSL_PARAM_BLD_free(b);
    return key;
}
#endif

template <class Curve, class Engine, class Compare>
void bench_curve(const char* label, Compare&& compare, const std::uint8_t* message, std::size_t message_size) {
    using namespace carapace;
    constexpr std::size_t n = Curve::scalar_size;
    const ecdsa_hash hash = n == 32 ? ecdsa_hash::sha256 : ecdsa_hash::sha384;
    bytes<n> scalar{}, peer_scalar{};
    for (std::size_t i = 0; i < n; ++i) {
        scalar[i] = static_cast<std::uint8_t>(0x5a ^ (i * 7));
        peer_scalar[i] = static_cast<std::uint8_t>(0x3c ^ (i * 13));
    }
    const auto key = *ecdsa_private_key<Curve, Engine>::from_scalar(scalar);
    const auto peer = *ecdsa_private_key<Curve, Engine>::from_scalar(peer_scalar);
    const byte_view msg(message, message_size);
    const bytes<32> extra{};
    bytes<Curve::signature_size> signature{};
    key.sign(signature, msg, hash, extra);
    std::uint8_t der[Curve::max_der_signature_size] = {};
    const std::size_t der_size = ecdsa_rs_to_der<Curve>(signature, der);

    auto ours_sign = [&] {
        bytes<Curve::signature_size> s{};
        key.sign(s, msg, hash, extra);
        return s[0];
    };
    auto ours_verify = [&] {
        return static_cast<std::uint8_t>(ecdsa_verify<Curve, Engine>(key.public_key(), msg, hash, signature));
    };
    auto ours_ecdh = [&] {
        bytes<Curve::field_size> shared{};
        (void)ecdh<Curve, Engine>(shared, scalar, peer.public_key());
        return shared[0];
    };
    auto ours_keygen = [&] {
        bytes<Curve::uncompressed_size> point{};
        (void)ec_public_key<Curve, Engine>(point, scalar);
        return point[1];
    };
    const std::string name = std::string(Curve::name) + " " + label;
#if CARAPACE_BENCH_OPENSSL
    const char* group = n == 32 ? "P-256" : "P-384";
    EVP_PKEY* ossl = openssl_key(group, scalar.data(), n, key.public_key().data(), key.public_key().size(), true);
    EVP_PKEY* ossl_peer =
        openssl_key(group, peer_scalar.data(), n, peer.public_key().data(), peer.public_key().size(), false);
    EVP_PKEY_CTX* derive = ossl ? EVP_PKEY_CTX_new(ossl, nullptr) : nullptr;
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    const EVP_MD* digest = n == 32 ? EVP_sha256() : EVP_sha384();
    bool ok = ossl && ossl_peer && derive && md && EVP_PKEY_derive_init(derive) == 1 &&
              EVP_PKEY_derive_set_peer(derive, ossl_peer) == 1;
    auto peer_sign = [&] {
        std::uint8_t s[Curve::max_der_signature_size];
        std::size_t len = sizeof s;
        EVP_DigestSignInit(md, nullptr, digest, nullptr, ossl);
        EVP_DigestSign(md, s, &len, message, message_size);
        return s[4];
    };
    auto peer_verify = [&] {
        EVP_DigestVerifyInit(md, nullptr, digest, nullptr, ossl);
        return static_cast<std::uint8_t>(EVP_DigestVerify(md, der, der_size, message, message_size) == 1);
    };
    bytes<Curve::field_size> peer_secret{};
    auto peer_ecdh = [&] {
        std::size_t len = peer_secret.size();
        EVP_PKEY_derive(derive, peer_secret.data(), &len);
        return peer_secret[0];
    };
    auto peer_keygen = [&] {
        EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group);
        EVP_PKEY_free(k);
        return static_cast<std::uint8_t>(k != nullptr);
    };
    // Same answers on both sides, or the comparison means nothing.
    bytes<Curve::field_size> ours_secret{};
    ok = ok && ecdh<Curve, Engine>(ours_secret, scalar, peer.public_key()) == errc::ok;
    ok = ok && peer_verify() == 1 && (peer_ecdh(), peer_secret == ours_secret);
    if (ok) {
        compare("ecdsa sign " + name, ours_sign, peer_sign);
        compare("ecdsa verify " + name, ours_verify, peer_verify);
        compare("ecdh " + name, ours_ecdh, peer_ecdh);
        compare("keygen " + name, ours_keygen, peer_keygen);
    } else {
        std::printf("%s: OpenSSL and carapace disagree; not compared\n", name.c_str());
    }
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(derive);
    EVP_PKEY_free(ossl_peer);
    EVP_PKEY_free(ossl);
#else
    compare("ecdsa sign " + name, ours_sign, nullptr);
    compare("ecdsa verify " + name, ours_verify, nullptr);
    compare("ecdh " + name, ours_ecdh, nullptr);
    compare("keygen " + name, ours_keygen, nullptr);
#endif
}

}  // namespace nist_bench
