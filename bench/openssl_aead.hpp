// The benchmarks' OpenSSL peers for an AEAD with a 16-byte tag (AES-GCM, ChaCha20-Poly1305) and
// for AES-CCM, used the way a fast application uses EVP: cipher fetched once, one context per
// direction reused, only a fresh nonce set per message (and for CCM what EVP needs per message:
// the payload length and, to open, the tag). Only where meson found libcrypto.
#pragma once

#if CARAPACE_BENCH_OPENSSL
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>

namespace carapace_bench {

class openssl_aead {
public:
    // name: an OpenSSL cipher name such as "AES-128-GCM" or "ChaCha20-Poly1305".
    openssl_aead(const char* name, const std::uint8_t* key) : cipher_(EVP_CIPHER_fetch(nullptr, name, nullptr)) {
        EVP_EncryptInit_ex(enc_, cipher_, nullptr, key, nullptr);
        EVP_DecryptInit_ex(dec_, cipher_, nullptr, key, nullptr);
    }
    ~openssl_aead() {
        EVP_CIPHER_CTX_free(enc_);
        EVP_CIPHER_CTX_free(dec_);
        EVP_CIPHER_free(cipher_);
    }
    openssl_aead(const openssl_aead&) = delete;
    openssl_aead& operator=(const openssl_aead&) = delete;

    // Seals n bytes in place after aad_n bytes of AAD; returns a byte of the tag, so the work
    // cannot be optimized away.
    std::uint8_t seal(const std::uint8_t* nonce, std::uint8_t* data, std::size_t n, std::uint8_t* tag,
                      const std::uint8_t* aad = nullptr, std::size_t aad_n = 0) {
        int len = 0;
        EVP_EncryptInit_ex(enc_, nullptr, nullptr, nullptr, nonce);
        if (aad_n != 0) EVP_EncryptUpdate(enc_, nullptr, &len, aad, static_cast<int>(aad_n));
        EVP_EncryptUpdate(enc_, data, &len, data, static_cast<int>(n));
        EVP_EncryptFinal_ex(enc_, data + len, &len);
        EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_AEAD_GET_TAG, 16, tag);
        return tag[0];
    }
    // Opens n bytes; returns 1 when the tag verified.
    std::uint8_t open(const std::uint8_t* nonce, const std::uint8_t* in, std::uint8_t* out, std::size_t n,
                      std::uint8_t* tag) {
        int len = 0;
        EVP_DecryptInit_ex(dec_, nullptr, nullptr, nullptr, nonce);
        EVP_DecryptUpdate(dec_, out, &len, in, static_cast<int>(n));
        EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_AEAD_SET_TAG, 16, tag);
        return static_cast<std::uint8_t>(EVP_DecryptFinal_ex(dec_, out + len, &len));
    }

private:
    EVP_CIPHER* cipher_;
    EVP_CIPHER_CTX* enc_ = EVP_CIPHER_CTX_new();
    EVP_CIPHER_CTX* dec_ = EVP_CIPHER_CTX_new();
};

// OpenSSL's AES-CCM with 12-byte nonces and 16-byte tags (TLS_AES_128_CCM_SHA256's AEAD).
class openssl_ccm {
public:
    // name: "AES-128-CCM" or "AES-256-CCM".
    openssl_ccm(const char* name, const std::uint8_t* key) : cipher_(EVP_CIPHER_fetch(nullptr, name, nullptr)) {
        for (EVP_CIPHER_CTX* ctx : {enc_, dec_}) {
            const int encrypt = ctx == enc_ ? 1 : 0;
            EVP_CipherInit_ex(ctx, cipher_, nullptr, nullptr, nullptr, encrypt);
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr);
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, nullptr);
            EVP_CipherInit_ex(ctx, nullptr, nullptr, key, nullptr, encrypt);
        }
    }
    ~openssl_ccm() {
        EVP_CIPHER_CTX_free(enc_);
        EVP_CIPHER_CTX_free(dec_);
        EVP_CIPHER_free(cipher_);
    }
    openssl_ccm(const openssl_ccm&) = delete;
    openssl_ccm& operator=(const openssl_ccm&) = delete;

    // Seals n bytes in place; returns a byte of the tag.
    std::uint8_t seal(const std::uint8_t* nonce, std::uint8_t* data, std::size_t n, std::uint8_t* tag) {
        int len = 0;
        EVP_EncryptInit_ex(enc_, nullptr, nullptr, nullptr, nonce);
        EVP_EncryptUpdate(enc_, nullptr, &len, nullptr, static_cast<int>(n));
        EVP_EncryptUpdate(enc_, data, &len, data, static_cast<int>(n));
        EVP_EncryptFinal_ex(enc_, data + len, &len);
        EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_AEAD_GET_TAG, 16, tag);
        return tag[0];
    }
    // Opens n bytes; returns 1 when the tag verified (CCM checks it in the payload's update).
    std::uint8_t open(const std::uint8_t* nonce, const std::uint8_t* in, std::uint8_t* out, std::size_t n,
                      std::uint8_t* tag) {
        int len = 0;
        EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_AEAD_SET_TAG, 16, tag);
        EVP_DecryptInit_ex(dec_, nullptr, nullptr, nullptr, nonce);
        EVP_DecryptUpdate(dec_, nullptr, &len, nullptr, static_cast<int>(n));
        return static_cast<std::uint8_t>(EVP_DecryptUpdate(dec_, out, &len, in, static_cast<int>(n)));
    }

private:
    EVP_CIPHER* cipher_;
    EVP_CIPHER_CTX* enc_ = EVP_CIPHER_CTX_new();
    EVP_CIPHER_CTX* dec_ = EVP_CIPHER_CTX_new();
};

}  // namespace carapace_bench
#endif
