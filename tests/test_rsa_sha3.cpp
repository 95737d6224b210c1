// RSA with the SHA-3 family (FIPS 202) and SHAKE (RFC 8702), beyond the Wycheproof verification
// files that test_rsa.cpp runs: PKCS#1 v1.5 and PSS signing with SHA3-256/384/512 and PSS signing
// with SHAKE128/256 on every engine, each signature verified and refused under the wrong hash,
// scheme or salt; SHA3-224 kept to verification and SHAKE to PSS; SHAKE paired only with itself
// (RFC 8702 §3.1); and a SHAKE128 verification in constant evaluation.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "carapace/rsa/rsa.hpp"
#include "support/rsa_variants.hpp"
#include "support/vectors.hpp"

namespace test_rsa_sha3 {

using namespace carapace;
using test_support::byte_vector;
using test_support::unhex;

// Wycheproof rsa_pss_2048_shake128_test.json, tcId 1 (the empty message, salt 32 bytes).
constexpr const char* shake128_n =
    "ac7ae7bde0bc9067fff5d5b4229350f8f6a1b285cda38b86ab61a54b02350889de49ff3ae1e243d380d4349ee3df2505"
    "d6041938fc270f8dcc265c5d022e3610d5f06ea2247e634b08d7aa3e24a347f6d61c127813e0302a5727c10292afa83b"
    "9775e5ba26d6b7ae217d05c469d193376d70ee92ff40f8424baaa4ded3814ac523016d8c7d7ccd1eec17459f3d2449f4"
    "cbfae3f2d51e506827282bde589a52e66320f54ca930a21f6aa7e3b0bc531ad1b568d7e32c0afed523ca6da62e5f22fe"
    "d6f7ee722974b5f70aad710dcb14fa7a3c561b3d4c8696a455abe4cb9b351a6c0b6e478c60a81f02fb3a285245ebfe93"
    "221e36ad8787b3e7f3099d7c23225641";
constexpr const char* shake128_sig =
    "52a8d6268ccd58630f277cda433a8f28b73b91f9040df0831bf9f6df069320fc49e655cb551f3d0604a033254b268f63"
    "77a9b576f3eaa981daad23d4580cf05688c42b64e1fa671cc79348231274cbdfaa493cb3c3824304324d77920e48e3fc"
    "5fa7da8ef3c99de7006112ea02b471c8adad0f9e9b06d536ac0f345335b462d6bcfcdf1711a5f31d46508e226ea9d663"
    "b618046c91d3004a74480fd6fe1808561a709362cf74e8de3d964142186f6e8ba736fb8a1c7eba6d7c2b92cab9e3aab8"
    "5af28fb4d95573525eaccf581d5e82b7b967309bfd1a6ea36849cdb8f79d41e89ff4f8b59059ab6d30a518ec29387327"
    "370a81e440f054f27d7ccd7d0dcc86e5";

template <std::size_t N>
constexpr bytes<N> from_hex(const char* text) {
    bytes<N> out{};
    auto nibble = [](char c) { return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10); };
    for (std::size_t i = 0; i < N; ++i)
        out[i] = static_cast<std::uint8_t>(nibble(text[2 * i]) << 4 | nibble(text[2 * i + 1]));
    return out;
}

constexpr bool shake128_verifies(bool flip, rsa_hash mgf) {
    const auto n = from_hex<256>(shake128_n);
    auto sig = from_hex<256>(shake128_sig);
    if (flip) sig[100] = static_cast<std::uint8_t>(sig[100] ^ 0x10);
    const std::uint8_t e[3] = {1, 0, 1};
    return rsa_verify_pss({n, e}, rsa_hash::shake128, mgf, 32, byte_view{}, sig);
}
static_assert(shake128_verifies(false, rsa_hash::shake128));
static_assert(!shake128_verifies(true, rsa_hash::shake128));
static_assert(!shake128_verifies(false, rsa_hash::sha256));  // MGF1 is not RFC 8702's MGF

// The DigestInfo prefixes: NIST's hash arc, SHA3-224..512 numbered 7 to 10, NULL parameters.
static_assert(detail::digest_info_of(rsa_hash::sha3_256).bytes[14] == 0x08);
static_assert(detail::digest_info_of(rsa_hash::sha3_512).bytes[1] == 0x51);
static_assert(detail::digest_info_of(rsa_hash::shake128).size == 0);

// The first key of each Wycheproof PKCS#1 signature generation file named.
template <class Key>
Key wycheproof_key(const char* path) {
    const auto doc = test_support::load_vectors(path);
    const byte_vector pkcs8 = unhex(doc["testGroups"][0]["privateKeyPkcs8"].str());
    auto key = Key::from_pkcs8_der(pkcs8);
    REQUIRE(key.ok());
    return *key;
}

TEST_CASE_TEMPLATE("RSA with SHA-3 and SHAKE: signing, and the pairings refused", Case, RSA_WORD_CASES) {
    using Word = typename Case::word;
    using Engine = typename Case::engine;
    if (!Case::runs()) return;
    using key_type = rsa_private_key<4096, Word, Engine>;
    test_support::test_rng rng(8702);
    const auto message = literal_bytes("SHA-3 and SHAKE");
    const auto other = literal_bytes("SHA-3 and SHAKf");
    int signed_count = 0;
    for (const char* path :
         {"wycheproof/rsa_pkcs1_2048_sig_gen_test.json", "wycheproof/rsa_pkcs1_3072_sig_gen_test.json"}) {
        CAPTURE(path);
        const key_type key = wycheproof_key<key_type>(path);
        const rsa_public_key_view pub = key.public_key();
        const auto prepared = rsa_public_key<4096, Word, Engine>::from_view(pub);
        REQUIRE(prepared.ok());
        byte_vector sig(key.signature_size());
        for (const rsa_hash h : {rsa_hash::sha3_256, rsa_hash::sha3_384, rsa_hash::sha3_512}) {
            CAPTURE(static_cast<int>(h));
            // The SHA-2 hash of the same size: same digest length, another DigestInfo.
            const rsa_hash sha2 = digest_size(h) == 32 ? rsa_hash::sha256
                                  : digest_size(h) == 48 ? rsa_hash::sha384
                                                         : rsa_hash::sha512;
            REQUIRE(key.sign_pkcs1(h, message, rng.bytes(rsa_blinding_size), sig).ok());
            CHECK(prepared->verify_pkcs1(h, message, sig));
            CHECK(rsa_verify_pkcs1(pub, h, message, sig));
            CHECK_FALSE(prepared->verify_pkcs1(h, other, sig));
            CHECK_FALSE(prepared->verify_pkcs1(sha2, message, sig));
            CHECK_FALSE(prepared->verify_pss(h, h, digest_size(h), message, sig));
            // PKCS#1 v1.5 is deterministic: other blinding, the same signature.
            byte_vector again(sig.size());
            REQUIRE(key.sign_pkcs1(h, message, rng.bytes(rsa_blinding_size), again).ok());
            CHECK(again == sig);
            // PSS with MGF1 over the same SHA-3 hash.
            const byte_vector salt = rng.bytes(digest_size(h));
            REQUIRE(key.sign_pss(h, message, salt, rng.bytes(rsa_blinding_size), sig).ok());
            CHECK(prepared->verify_pss(h, h, salt.size(), message, sig));
            CHECK_FALSE(prepared->verify_pss(h, sha2, salt.size(), message, sig));
            CHECK_FALSE(prepared->verify_pss(sha2, h, salt.size(), message, sig));
            CHECK_FALSE(prepared->verify_pss(h, h, salt.size() - 1, message, sig));
            CHECK_FALSE(prepared->verify_pkcs1(h, message, sig));
            signed_count += 2;
        }
        // SHA3-224 verifies only, like SHA-224.
        CHECK(key.sign_pkcs1(rsa_hash::sha3_224, message, rng.bytes(rsa_blinding_size), sig).error() ==
              errc::invalid_argument);
        CHECK(key.sign_pss(rsa_hash::sha3_224, message, rng.bytes(28), rng.bytes(rsa_blinding_size), sig).error() ==
              errc::invalid_argument);
        for (const rsa_hash x : {rsa_hash::shake128, rsa_hash::shake256}) {
            CAPTURE(static_cast<int>(x));
            const rsa_hash other_shake = x == rsa_hash::shake128 ? rsa_hash::shake256 : rsa_hash::shake128;
            // RFC 8702 §3.1: the salt is as long as the digest (32 or 64 bytes).
            const byte_vector salt = rng.bytes(digest_size(x));
            REQUIRE(key.sign_pss(x, message, salt, rng.bytes(rsa_blinding_size), sig).ok());
            CHECK(prepared->verify_pss(x, x, salt.size(), message, sig));
            CHECK(rsa_verify_pss(pub, x, x, salt.size(), message, sig));
            CHECK_FALSE(prepared->verify_pss(x, x, salt.size(), other, sig));
            CHECK_FALSE(prepared->verify_pss(x, x, 0, message, sig));
            // SHAKE pairs only with itself: not with MGF1, not with the other SHAKE, and it is
            // no MGF for a fixed-length hash.
            CHECK_FALSE(prepared->verify_pss(x, rsa_hash::sha256, salt.size(), message, sig));
            CHECK_FALSE(prepared->verify_pss(x, other_shake, salt.size(), message, sig));
            CHECK_FALSE(prepared->verify_pss(rsa_hash::sha256, x, 32, message, sig));
            std::uint8_t em[512] = {};
            const auto digest = sha256::hash(message);
            CHECK_FALSE(detail::emsa_pss_encode(rsa_hash::sha256, x, digest, byte_view(salt).first(32),
                                                key.bits() - 1, byte_span(em, key.signature_size())));
            // No DigestInfo: PKCS#1 v1.5 neither signs nor verifies with SHAKE.
            CHECK(key.sign_pkcs1(x, message, rng.bytes(rsa_blinding_size), sig).error() == errc::invalid_argument);
            CHECK_FALSE(prepared->verify_pkcs1(x, message, sig));
            ++signed_count;
        }
    }
    CHECK(signed_count == 16);
}

}  // namespace test_rsa_sha3
