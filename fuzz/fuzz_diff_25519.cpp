// X25519 and Ed25519 against OpenSSL's libcrypto, on every curve25519 engine this CPU runs.
//   X25519: arbitrary 32-byte scalars and u-coordinates (top bit, non-canonical u >= p and
//   small-order points included): the same output, and both refuse exactly the all-zero results;
//   the public key of a scalar is X25519(scalar, 9), equal to OpenSSL's.
//   Ed25519: the public key and signature from a seed equal OpenSSL's; verification of real,
//   bit-flipped and arbitrary signatures, and of signatures R = [S]B under arbitrary public keys
//   (which reach small-order and identity keys), must agree with OpenSSL's exactly, except where
//   RFC 8032 §5.1.3 makes us stricter: a public key with y >= p, or with x = 0 and the sign bit
//   set, does not decode, so we refuse it (OpenSSL 3.0 reduces y and ignores that sign bit); there
//   we check that we refuse.
//
// Input: [mode][32 bytes][32 bytes][32 bytes][message...]
//   mode 0: X25519(first, second)
//   mode 1: keys and a signature from the seed `first`; verify it, and with one bit flipped at
//           the position in `second`
//   mode 2: verify signature (second || third) under public key `first`
//   mode 3: verify R = [S]B, S = `second` reduced below 2^252, under public key `first`
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/x25519.hpp"
#include "engines.hpp"

namespace {

using namespace carapace;

void require(bool condition) {
    if (!condition) std::abort();
}

// OpenSSL's X25519(scalar, u); nullopt when it refuses (an all-zero result).
std::optional<bytes<32>> openssl_x25519(fixed_view<32> scalar, fixed_view<32> u) {
    EVP_PKEY* priv = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar.data(), 32);
    EVP_PKEY* peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, u.data(), 32);
    require(priv != nullptr && peer != nullptr);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(priv, nullptr);
    bytes<32> out{};
    std::size_t n = out.size();
    const bool ok = EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
                    EVP_PKEY_derive(ctx, out.data(), &n) == 1 && n == 32;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(priv);
    if (!ok) return std::nullopt;
    return out;
}

bytes<32> openssl_public_key(int type, fixed_view<32> private_key) {
    EVP_PKEY* key = EVP_PKEY_new_raw_private_key(type, nullptr, private_key.data(), 32);
    bytes<32> out{};
    std::size_t n = out.size();
    require(key != nullptr && EVP_PKEY_get_raw_public_key(key, out.data(), &n) == 1 && n == 32);
    EVP_PKEY_free(key);
    return out;
}

bytes<64> openssl_ed25519_sign(fixed_view<32> seed, byte_view message) {
    EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), 32);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bytes<64> signature{};
    std::size_t n = signature.size();
    require(key != nullptr && ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
            EVP_DigestSign(ctx, signature.data(), &n, message.data(), message.size()) == 1 && n == 64);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return signature;
}

bool openssl_ed25519_verify(fixed_view<32> public_key, byte_view message, byte_view signature) {
    EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), 32);
    if (key == nullptr) return false;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
                    EVP_DigestVerify(ctx, signature.data(), signature.size(), message.data(), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return ok;
}

// RFC 8032 §5.1.3: the encoding decodes only with y < p, and not with x = 0 and the sign bit set
// (x = 0 exactly when y = 1 or y = p - 1). Written out here, apart from the library's decoder.
bool canonical_point_encoding(fixed_view<32> a) {
    bytes<32> y{};
    std::copy(a.begin(), a.end(), y.begin());
    const bool sign = (y[31] & 0x80) != 0;
    y[31] &= 0x7f;
    // p = 2^255 - 19: little-endian ed ff .. ff 7f.
    bool below_p = y[31] != 0x7f || y[0] < 0xed;
    for (std::size_t i = 1; i < 31 && !below_p; ++i) below_p = y[i] != 0xff;
    if (!below_p) return false;
    bool one = y[0] == 1, minus_one = y[0] == 0xec && y[31] == 0x7f;
    for (std::size_t i = 1; i < 31; ++i) {
        one = one && y[i] == 0;
        minus_one = minus_one && y[i] == 0xff;
    }
    one = one && y[31] == 0;
    return !(sign && (one || minus_one));
}

struct x25519_check {
    fixed_view<32> scalar, u;
    const std::optional<bytes<32>>& expected;
    const bytes<32>& expected_public;
    template <class Engine>
    void operator()() const {
        bytes<32> out{};
        const errc e = x25519<Engine>(out, scalar, u);
        require((e == errc::ok) == expected.has_value());
        if (expected) require(out == *expected);
        bytes<32> base{}, public_key{};
        require(x25519<Engine>(base, scalar, x25519_base_point) == errc::ok);
        x25519_public_key<Engine>(public_key, scalar);
        require(base == expected_public && public_key == expected_public);
    }
};

struct ed25519_sign_check {
    fixed_view<32> seed;
    byte_view message;
    const bytes<32>& expected_public;
    const bytes<64>& expected_signature;
    template <class Engine>
    void operator()() const {
        const ed25519_private_key_with<Engine> key(seed);
        require(key.public_key() == expected_public);
        require(key.sign(message) == expected_signature);
    }
};

struct ed25519_verify_check {
    fixed_view<32> public_key;
    byte_view message, signature;
    bool expected;
    template <class Engine>
    void operator()() const {
        require(ed25519_verify<Engine>(public_key, message, signature) == expected);
    }
};

// Our verdict on every engine against OpenSSL's, with the documented exception.
void compare_verify(fixed_view<32> public_key, byte_view message, byte_view signature) {
    const bool canonical = canonical_point_encoding(public_key);
    const bool expected = canonical && openssl_ed25519_verify(public_key, message, signature);
    fuzz_support::for_each_supported(fuzz_support::curve25519_engines{},
                                     ed25519_verify_check{public_key, message, signature, expected});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1 + 96) return 0;
    const fixed_view<32> first(data + 1, 32), second(data + 33, 32), third(data + 65, 32);
    const byte_view message(data + 97, size - 97);
    using fuzz_support::for_each_supported;
    switch (data[0] % 4) {
        case 0: {
            const auto expected = openssl_x25519(first, second);
            const auto expected_public = openssl_public_key(EVP_PKEY_X25519, first);
            for_each_supported(fuzz_support::curve25519_engines{}, x25519_check{first, second, expected, expected_public});
            break;
        }
        case 1: {
            const auto public_key = openssl_public_key(EVP_PKEY_ED25519, first);
            auto signature = openssl_ed25519_sign(first, message);
            for_each_supported(fuzz_support::curve25519_engines{},
                               ed25519_sign_check{first, message, public_key, signature});
            compare_verify(public_key, message, signature);
            const std::size_t bit = (std::size_t{second[0]} << 8 | second[1]) % 512;
            signature[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            compare_verify(public_key, message, signature);
            break;
        }
        case 2: {
            bytes<64> signature{};
            std::copy(second.begin(), second.end(), signature.begin());
            std::copy(third.begin(), third.end(), signature.begin() + 32);
            compare_verify(first, message, signature);
            break;
        }
        default: {
            bytes<64> signature{};
            std::copy(second.begin(), second.end(), signature.begin() + 32);
            signature[63] &= 0x0f;  // S < 2^252 < L
            detail::curve25519_dispatch::ed25519_base(signature.data(), signature.data() + 32);
            compare_verify(first, message, signature);
            break;
        }
    }
    return 0;
}
