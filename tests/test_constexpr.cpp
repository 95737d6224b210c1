// Compile-time proofs: the same code computes known answers in constant evaluation. If any of
// these is wrong, this file does not compile. Expected values are from FIPS 180-4 (via RFC 6234),
// RFC 4231, RFC 5869, RFC 8448, RFC 7748, RFC 8439, RFC 6979 and draft-irtf-cfrg-xchacha.
#include <doctest/doctest.h>

#include <string_view>

#include "carapace/carapace.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/hash/sha3.hpp"
#include "support/vectors.hpp"

using namespace carapace;

namespace {

using test_support::constant_evaluation_failed;

template <std::size_t N>
consteval bytes<N> from_hex(std::string_view text) {
    bytes<N> out{};
    if (text.size() != 2 * N || hex::decode(text, out) != errc::ok) constant_evaluation_failed();
    return out;
}

constexpr auto abc = literal_bytes("abc");

static_assert(sha1::hash(abc) == from_hex<20>("a9993e364706816aba3e25717850c26c9cd0d89d"));
static_assert(sha224::hash(abc) ==
              from_hex<28>("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"));
static_assert(sha256::hash(abc) ==
              from_hex<32>("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
static_assert(sha256::hash(literal_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
              from_hex<32>("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
static_assert(sha384::hash(abc) ==
              from_hex<48>("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                           "8086072ba1e7cc2358baeca134c825a7"));
static_assert(sha512::hash(abc) ==
              from_hex<64>("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                           "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
static_assert(sha512_256::hash(abc) ==
              from_hex<32>("53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"));

// FIPS 202 example "abc" (NIST's SHA3-256 and SHA3-512 examples) and SHAKE128 of the empty
// message, squeezed in two pieces.
static_assert(sha3_256::hash(abc) ==
              from_hex<32>("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"));
static_assert(sha3_512::hash(abc) ==
              from_hex<64>("b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
                           "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0"));
static_assert([] {
    bytes<32> out{};
    auto reader = shake128{}.finish();
    reader.squeeze(std::span(out).first(5)).squeeze(std::span(out).subspan(5));
    return out;
}() == from_hex<32>("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26"));

// RFC 4231 test case 2: key "Jefe".
static_assert(hmac<sha256>::mac(literal_bytes("Jefe"), literal_bytes("what do ya want for nothing?")) ==
              from_hex<32>("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
static_assert(hmac<sha512>::mac(literal_bytes("Jefe"), literal_bytes("what do ya want for nothing?")) ==
              from_hex<64>("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                           "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"));

// RFC 5869 test case 1.
constexpr auto rfc5869_okm = [] {
    bytes<42> okm{};
    const auto ikm = from_hex<22>("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    const auto salt = from_hex<13>("000102030405060708090a0b0c");
    const auto info = from_hex<10>("f0f1f2f3f4f5f6f7f8f9");
    if (hkdf<sha256>(salt, ikm, info, okm) != errc::ok) constant_evaluation_failed();
    return okm;
}();
static_assert(rfc5869_okm == from_hex<42>("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db0"
                                          "2d56ecc4c5bf34007208d5b887185865"));

// RFC 8448 §3: early secret from an all-zero PSK, then Derive-Secret(., "derived", "").
constexpr auto rfc8448_derived = [] {
    const bytes<32> zeros{};
    const auto early = hkdf_extract<sha256>(zeros, zeros);
    bytes<32> derived{};
    if (tls::derive_secret<sha256>(early, literal_bytes("derived"), sha256::hash(byte_view{}), derived) != errc::ok)
        constant_evaluation_failed();
    return derived;
}();
static_assert(rfc8448_derived ==
              from_hex<32>("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba"));

// AES-128-GCM, "Test Case 4" of the GCM specification (McGrew & Viega), sealed at compile time:
// 60 bytes of plaintext with 20 bytes of AAD and a 96-bit IV.
constexpr auto gcm_test_case_4 = [] {
    const auto key = from_hex<16>("feffe9928665731c6d6a8f9467308308");
    const auto iv = from_hex<12>("cafebabefacedbaddecaf888");
    const auto aad = from_hex<20>("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    const auto plaintext = from_hex<60>(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
        "49a6b525b16aedf5aa0de657ba637b39");
    bytes<76> sealed{};
    if (aes128_gcm(key).seal(iv, aad, plaintext, sealed) != errc::ok) constant_evaluation_failed();
    return sealed;
}();
static_assert(gcm_test_case_4 ==
              from_hex<76>("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5a"
                           "ac84aa051ba30b396a0aac973d58e091"     // ciphertext
                           "5bc94fbc3221a5db94fae95ae7121a47"));  // tag

// X25519, RFC 7748 §5.2, first function vector, computed at compile time (clamping, the whole
// 255-step ladder and the inversion) within the compilers' default constexpr limits.
static_assert(x25519(from_hex<32>("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                     from_hex<32>("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))
                  .value() == from_hex<32>("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
// The same on the 32-bit representation (10 limbs of 25.5 bits), the one 32-bit targets use.
static_assert(x25519<detail::curve25519_engine<detail::fe25519_25>>(
                  from_hex<32>("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                  from_hex<32>("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))
                  .value() == from_hex<32>("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"));

// RFC 8439 §2.3.2: one ChaCha20 block.
constexpr auto chacha20_block_232 = [] {
    const auto key = from_hex<32>("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const auto nonce = from_hex<12>("000000090000004a00000000");
    bytes<64> block{};
    detail::chacha20_block(detail::chacha20_load_key(key.data()), 1, nonce.data(), block.data());
    return block;
}();
static_assert(chacha20_block_232 ==
              from_hex<64>("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                           "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"));

// RFC 8439 §2.5.2: a Poly1305 tag, with each scalar representation.
template <class Core>
constexpr bytes<16> poly1305_252() {
    const auto key = from_hex<32>("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    const auto message = literal_bytes("Cryptographic Forum Research Group");
    detail::poly1305_stream<Core> poly(key.data());
    poly.update(message.data(), message.size());
    bytes<16> tag{};
    poly.finish(tag.data());
    return tag;
}
static_assert(poly1305_252<detail::poly1305_portable>() == from_hex<16>("a8061dc1305136c6c22b8baf0c0127a9"));
static_assert(poly1305_252<detail::poly1305_32>() == from_hex<16>("a8061dc1305136c6c22b8baf0c0127a9"));
#if CARAPACE_HAVE_INT128
static_assert(poly1305_252<detail::poly1305_radix64>() == from_hex<16>("a8061dc1305136c6c22b8baf0c0127a9"));
#endif

// RFC 8439 §2.8.2: AEAD_CHACHA20_POLY1305 sealed at compile time, and opened again.
constexpr auto rfc8439_plaintext = literal_bytes(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be "
    "it.");
constexpr auto rfc8439_aead_key = from_hex<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
constexpr auto rfc8439_aead_nonce = from_hex<12>("070000004041424344454647");
constexpr auto rfc8439_aead_aad = from_hex<12>("50515253c0c1c2c3c4c5c6c7");
constexpr auto rfc8439_sealed = [] {
    bytes<130> sealed{};
    if (chacha20_poly1305(rfc8439_aead_key).seal(rfc8439_aead_nonce, rfc8439_aead_aad, rfc8439_plaintext, sealed) !=
        errc::ok)
        constant_evaluation_failed();
    return sealed;
}();
static_assert(rfc8439_sealed ==
              from_hex<130>("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da"
                            "92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585"
                            "808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"  // ciphertext
                            "1ae10b594f09e26a7e902ecbd0600691"));               // tag
static_assert([] {
    bytes<114> opened{};
    return chacha20_poly1305(rfc8439_aead_key).open(rfc8439_aead_nonce, rfc8439_aead_aad, rfc8439_sealed, opened) ==
               errc::ok &&
           opened == rfc8439_plaintext;
}());

// draft-irtf-cfrg-xchacha-03 §2.2.1: HChaCha20.
constexpr auto hchacha20_221 = [] {
    const auto key = from_hex<32>("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const auto nonce = from_hex<16>("000000090000004a0000000031415927");
    const auto sub = detail::hchacha20(detail::chacha20_load_key(key.data()), nonce.data());
    bytes<32> out{};
    for (std::size_t i = 0; i < 8; ++i) store_le32(out.data() + 4 * i, sub.words[i]);
    return out;
}();
static_assert(hchacha20_221 == from_hex<32>("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"));

// XChaCha20-Poly1305 at compile time agrees with the same message sealed at run time (below).
constexpr auto xchacha_sealed = [] {
    bytes<130> sealed{};
    bytes<24> nonce{};
    for (std::size_t i = 0; i < 24; ++i) nonce[i] = static_cast<std::uint8_t>(0x40 + i);
    if (xchacha20_poly1305(rfc8439_aead_key).seal(nonce, rfc8439_aead_aad, rfc8439_plaintext, sealed) != errc::ok)
        constant_evaluation_failed();
    return sealed;
}();

// P-256 and P-384, RFC 6979 A.2.5 and A.2.6: the public point of the example key (the comb over
// G, then the inversion to affine), the point decoded again from its compressed form (the square
// root), and for P-256 the deterministic signature of "sample" with SHA-256 (HMAC_DRBG nonce, the
// scalar inversion). Measured cost: Clang needs up to 2 million constexpr steps for the signature
// and 3 million for P-384's key (its default is 2^20), GCC with 32-bit words (armhf) more than its
// default 2^25 operations for both; tests/meson.build raises both limits for the test build.
// Verification is left to run time: it would add about 5 s and 650 MB to GCC's compilation.
constexpr auto p256_rfc6979_key =
    from_hex<32>("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
constexpr auto p256_rfc6979_public = from_hex<65>(
    "04"
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
constexpr auto p256_public_at_compile_time = [] {
    bytes<p256::uncompressed_size> out{};
    if (ec_public_key<p256>(out, p256_rfc6979_key) != errc::ok) constant_evaluation_failed();
    return out;
}();
static_assert(p256_public_at_compile_time == p256_rfc6979_public);
static_assert(ec_validate_point<p256>(
    from_hex<33>("0360fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6")));
static_assert(!ec_validate_point<p256>(from_hex<65>(
    "04"
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462298")));  // y - 1: off the curve
constexpr auto p256_sample_signature = [] {
    const auto key = ecdsa_private_key<p256>::from_scalar(p256_rfc6979_key);
    if (!key.ok()) constant_evaluation_failed();
    bytes<p256::signature_size> signature{};
    key->sign(signature, literal_bytes("sample"), ecdsa_hash::sha256);
    return signature;
}();
static_assert(p256_sample_signature ==
              from_hex<64>("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"    // r
                           "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"));  // s

constexpr auto p384_rfc6979_key = from_hex<48>(
    "6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d896d5724e4c70a825f872c9ea60d2edf5");
constexpr auto p384_rfc6979_public = from_hex<97>(
    "04"
    "ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480bc13"
    "8015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1288b231c3ae0d4fe7344fd2533264720");
constexpr auto p384_public_at_compile_time = [] {
    bytes<p384::uncompressed_size> out{};
    if (ec_public_key<p384>(out, p384_rfc6979_key) != errc::ok) constant_evaluation_failed();
    return out;
}();
static_assert(p384_public_at_compile_time == p384_rfc6979_public);
static_assert(ec_validate_point<p384>(from_hex<49>(
    "02ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480bc13")));

}  // namespace

TEST_CASE("compile-time known answers agree with run time") {
    // The static_asserts above prove constant evaluation; this checks the run-time paths (SHA-NI,
    // AVX2) give the same values on the same inputs.
    const byte_view message = abc;
    CHECK(sha256::hash(message) == from_hex<32>("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    CHECK(sha512::hash(message) == from_hex<64>("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                                                "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
    // ChaCha20-Poly1305 on the engine this CPU runs.
    bytes<130> sealed{};
    REQUIRE(chacha20_poly1305(rfc8439_aead_key).seal(rfc8439_aead_nonce, rfc8439_aead_aad, rfc8439_plaintext, sealed) ==
            errc::ok);
    CHECK(sealed == rfc8439_sealed);
    bytes<24> nonce{};
    for (std::size_t i = 0; i < 24; ++i) nonce[i] = static_cast<std::uint8_t>(0x40 + i);
    REQUIRE(xchacha20_poly1305(rfc8439_aead_key).seal(nonce, rfc8439_aead_aad, rfc8439_plaintext, sealed) == errc::ok);
    CHECK(sealed == xchacha_sealed);
    // P-256 and P-384 on the engines this CPU dispatches.
    bytes<p256::uncompressed_size> p256_public{};
    REQUIRE(ec_public_key<p256>(p256_public, p256_rfc6979_key) == errc::ok);
    CHECK(p256_public == p256_public_at_compile_time);
    bytes<p384::uncompressed_size> p384_public{};
    REQUIRE(ec_public_key<p384>(p384_public, p384_rfc6979_key) == errc::ok);
    CHECK(p384_public == p384_public_at_compile_time);
    const auto key = ecdsa_private_key<p256>::from_scalar(p256_rfc6979_key);
    REQUIRE(key.ok());
    bytes<p256::signature_size> signature{};
    key->sign(signature, literal_bytes("sample"), ecdsa_hash::sha256);
    CHECK(signature == p256_sample_signature);
}
