// Compile-time proofs: the same code computes known answers in constant evaluation. If any of
// these is wrong, this file does not compile. Expected values are from FIPS 180-4 (via RFC 6234),
// RFC 4231, RFC 5869, RFC 8448 and RFC 7748.
#include <doctest/doctest.h>

#include <string_view>

#include "carapace/carapace.hpp"

using namespace carapace;

namespace {

// Reaching this in constant evaluation makes the expression non-constant: a compile error.
inline void constant_evaluation_failed() {}

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

}  // namespace

TEST_CASE("compile-time known answers agree with run time") {
    // The static_asserts above prove constant evaluation; this checks the run-time paths (SHA-NI,
    // AVX2) give the same values on the same inputs.
    const byte_view message = abc;
    CHECK(sha256::hash(message) == from_hex<32>("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    CHECK(sha512::hash(message) == from_hex<64>("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                                                "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
}
