// RSA (RFC 8017): every Wycheproof RSASSA-PKCS1-v1_5 and RSASSA-PSS verification file (SHA-1,
// SHA-224, SHA-256, SHA-384, SHA-512, SHA-512/224, SHA-512/256, SHA3-224/256/384/512, and PSS with
// SHAKE128/256 as hash and MGF, RFC 8702),
// the PKCS#1 v1.5 signature generation files (deterministic: our signature must be theirs
// byte for byte), PSS signing round trips, key consistency checks, the refusal of a faulty CRT
// half, and the Montgomery arithmetic and a 2048-bit verification in constant evaluation. Every
// test runs on 64-bit words (where the compiler has a 128-bit product) and on 32-bit words.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "carapace/rsa/rsa.hpp"
#include "support/rsa_variants.hpp"
#include "support/vectors.hpp"

namespace test_rsa {

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

// The arithmetic in constant evaluation: the textbook key p = 61, q = 53, n = 3233, e = 17,
// d = 2753; 65 encrypts to 2790 and back.
template <class Word>
constexpr std::uint64_t tiny_pow(std::uint64_t base, std::uint64_t exponent, bool secret) {
    detail::mont_modulus<Word, 2> mod;
    const std::uint8_t m_bytes[2] = {0x0c, 0xa1};  // 3233
    if (!mod.set(m_bytes)) return 0;
    Word b[2] = {static_cast<Word>(base), 0}, out[2] = {}, bm[2] = {};
    if (secret) {
        Word e[2] = {static_cast<Word>(exponent), 0};
        mod.to_mont(bm, b);
        detail::pow_secret(mod, out, bm, e, 2, 12);
        mod.from_mont(out, out);
    } else {
        detail::pow_public(mod, out, b, static_cast<std::uint32_t>(exponent));
    }
    return out[0];
}
static_assert(tiny_pow<std::uint32_t>(65, 17, false) == 2790);
static_assert(tiny_pow<std::uint32_t>(2790, 2753, true) == 65);
#if CARAPACE_HAVE_INT128
static_assert(tiny_pow<std::uint64_t>(65, 17, false) == 2790);
static_assert(tiny_pow<std::uint64_t>(2790, 2753, true) == 65);
#endif

// A 2048-bit verification in constant evaluation: Wycheproof rsa_signature_2048_sha256_test.json,
// tcId 1 (the empty message, e = 65537), and the same signature with its last bit flipped.
constexpr const char* wycheproof_2048_n =
    "a2b451a07d0aa5f96e455671513550514a8a5b462ebef717094fa1fee82224e637f9746d3f7cafd31878d80325b6ef5a"
    "1700f65903b469429e89d6eac8845097b5ab393189db92512ed8a7711a1253facd20f79c15e8247f3d3e42e46e48c98e"
    "254a2fe9765313a03eff8f17e1a029397a1fa26a8dce26f490ed81299615d9814c22da610428e09c7d9658594266f5c0"
    "21d0fceca08d945a12be82de4d1ece6b4c03145b5d3495d4ed5411eb878daf05fd7afc3e09ada0f1126422f590975a19"
    "69816f48698bcbba1b4d9cae79d460d8f9f85e7975005d9bc22c4e5ac0f7c1a45d12569a62807d3b9a02e5a530e77306"
    "6f453d1f5b4c2e9cf7820283f742b9d5";
constexpr const char* wycheproof_2048_sig =
    "840f5dac53106dd1f9c57219224cf51289290c42f20466875ba8e830ac5690e541536fcc8ab03b731f82bf66d83f194e"
    "7e180b3963ec7a2f3f7904a7ce49aed47da4d4b79421eaf937d301b3e696169297b797c32c076a12be4de0b58e003c51"
    "23051a84a10c62f8dac2f42a8640008eb3c7cccd6760ff5b51b689763922582845f048fb8150e5a7a6ca2eccc7bdc853"
    "49ad5b26c52137a79fa3fe5c29ab5cd7615013219c1941b6708e9c3c23feff5febaf0c8ebca5750b54e3e6e99a3e876b"
    "396f27860b7f3ec4e9191703c6332d944f6f69751167680c79c4f6b57f1cc8755d24b6ec158ccdbacdb23107a33cb6b3"
    "32516c13274d1f9dccc21dced869e486";

template <std::size_t N>
constexpr bytes<N> from_hex(const char* text) {
    bytes<N> out{};
    auto nibble = [](char c) { return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10); };
    for (std::size_t i = 0; i < N; ++i)
        out[i] = static_cast<std::uint8_t>(nibble(text[2 * i]) << 4 | nibble(text[2 * i + 1]));
    return out;
}

constexpr bool verifies_2048(bool flip) {
    const auto n = from_hex<256>(wycheproof_2048_n);
    auto sig = from_hex<256>(wycheproof_2048_sig);
    if (flip) sig[255] = static_cast<std::uint8_t>(sig[255] ^ 1);
    const std::uint8_t e[3] = {1, 0, 1};
    return rsa_verify_pkcs1({n, e}, rsa_hash::sha256, byte_view{}, sig);
}
static_assert(verifies_2048(false));
static_assert(!verifies_2048(true));

rsa_hash hash_named(const std::string& name) {
    if (name == "SHA-1") return rsa_hash::sha1;
    if (name == "SHA-224") return rsa_hash::sha224;
    if (name == "SHA-256") return rsa_hash::sha256;
    if (name == "SHA-384") return rsa_hash::sha384;
    if (name == "SHA-512") return rsa_hash::sha512;
    if (name == "SHA-512/224") return rsa_hash::sha512_224;
    if (name == "SHA3-224") return rsa_hash::sha3_224;
    if (name == "SHA3-256") return rsa_hash::sha3_256;
    if (name == "SHA3-384") return rsa_hash::sha3_384;
    if (name == "SHA3-512") return rsa_hash::sha3_512;
    if (name == "SHAKE128") return rsa_hash::shake128;
    if (name == "SHAKE256") return rsa_hash::shake256;
    REQUIRE(name == "SHA-512/256");
    return rsa_hash::sha512_256;
}

byte_vector digest_of(rsa_hash h, byte_view message) {
    byte_vector d(digest_size(h));
    detail::rsa_digest(h, message, d.data());
    return d;
}

// The group's key: from its SubjectPublicKeyInfo, checked against the modulus and exponent the
// group also gives as hex.
rsa_public_key_view group_key(const test_json::value& group, const byte_vector& spki) {
    auto key = parse_rsa_spki(spki);
    REQUIRE(key.ok());
    byte_vector n = unhex(group["publicKey"]["modulus"].str()), e = unhex(group["publicKey"]["publicExponent"].str());
    CHECK(to_hex(key->modulus) == to_hex(detail::bn_trim(n)));
    CHECK(to_hex(key->exponent) == to_hex(detail::bn_trim(e)));
    return *key;
}

struct file_spec {
    const char* path;
    std::int64_t tests;
};

const std::vector<file_spec> pkcs1_verify_files = {
    {"wycheproof/rsa_signature_2048_sha224_test.json", 258},
    {"wycheproof/rsa_signature_2048_sha256_test.json", 259},
    {"wycheproof/rsa_signature_2048_sha384_test.json", 258},
    {"wycheproof/rsa_signature_2048_sha512_test.json", 259},
    {"wycheproof/rsa_signature_2048_sha512_224_test.json", 258},
    {"wycheproof/rsa_signature_2048_sha512_256_test.json", 257},
    {"wycheproof/rsa_signature_3072_sha256_test.json", 259},
    {"wycheproof/rsa_signature_3072_sha384_test.json", 259},
    {"wycheproof/rsa_signature_3072_sha512_test.json", 260},
    {"wycheproof/rsa_signature_3072_sha512_256_test.json", 258},
    {"wycheproof/rsa_signature_4096_sha256_test.json", 258},
    {"wycheproof/rsa_signature_4096_sha384_test.json", 259},
    {"wycheproof/rsa_signature_4096_sha512_test.json", 259},
    {"wycheproof/rsa_signature_4096_sha512_256_test.json", 258},
    {"wycheproof/rsa_signature_8192_sha256_test.json", 258},
    {"wycheproof/rsa_signature_8192_sha384_test.json", 259},
    {"wycheproof/rsa_signature_8192_sha512_test.json", 259},
    {"wycheproof/rsa_signature_2048_sha3_224_test.json", 258},
    {"wycheproof/rsa_signature_2048_sha3_256_test.json", 257},
    {"wycheproof/rsa_signature_2048_sha3_384_test.json", 258},
    {"wycheproof/rsa_signature_2048_sha3_512_test.json", 258},
    {"wycheproof/rsa_signature_3072_sha3_256_test.json", 258},
    {"wycheproof/rsa_signature_3072_sha3_384_test.json", 259},
    {"wycheproof/rsa_signature_3072_sha3_512_test.json", 259},
};

const std::vector<file_spec> pss_verify_files = {
    {"wycheproof/rsa_pss_2048_sha1_mgf1_20_test.json", 88},
    {"wycheproof/rsa_pss_2048_sha256_mgf1_0_test.json", 103},
    {"wycheproof/rsa_pss_2048_sha256_mgf1_32_test.json", 108},
    {"wycheproof/rsa_pss_2048_sha256_mgf1sha1_20_test.json", 108},
    {"wycheproof/rsa_pss_2048_sha384_mgf1_48_test.json", 141},
    {"wycheproof/rsa_pss_2048_sha512_224_mgf1_28_test.json", 100},
    {"wycheproof/rsa_pss_2048_sha512_256_mgf1_32_test.json", 115},
    {"wycheproof/rsa_pss_3072_sha256_mgf1_32_test.json", 108},
    {"wycheproof/rsa_pss_4096_sha256_mgf1_32_test.json", 108},
    {"wycheproof/rsa_pss_4096_sha384_mgf1_48_test.json", 141},
    {"wycheproof/rsa_pss_4096_sha512_mgf1_32_test.json", 177},
    {"wycheproof/rsa_pss_4096_sha512_mgf1_64_test.json", 179},
    {"wycheproof/rsa_pss_misc_test.json", 150},
    // RFC 8702: SHAKE128 (32-byte digest) or SHAKE256 (64) as the hash, the same SHAKE as the MGF.
    {"wycheproof/rsa_pss_2048_shake128_test.json", 114},
    {"wycheproof/rsa_pss_2048_shake256_test.json", 184},
    {"wycheproof/rsa_pss_3072_shake128_test.json", 114},
    {"wycheproof/rsa_pss_3072_shake256_test.json", 184},
    {"wycheproof/rsa_pss_4096_shake256_test.json", 184},
    // The same tests with the key's RSASSA-PSS parameters in its SubjectPublicKeyInfo (what X.509
    // reads): here the parameters come from the group's fields, as the SPKI states them.
    {"wycheproof/rsa_pss_2048_sha1_mgf1_20_params_test.json", 88},
    {"wycheproof/rsa_pss_2048_sha256_mgf1_0_params_test.json", 103},
    {"wycheproof/rsa_pss_2048_sha256_mgf1_32_params_test.json", 108},
    {"wycheproof/rsa_pss_2048_sha512_mgf1sha256_32_params_test.json", 178},
    {"wycheproof/rsa_pss_3072_sha256_mgf1_32_params_test.json", 108},
    {"wycheproof/rsa_pss_4096_sha512_mgf1_32_params_test.json", 177},
    {"wycheproof/rsa_pss_4096_sha512_mgf1_64_params_test.json", 179},
    {"wycheproof/rsa_pss_misc_params_test.json", 150},
};

const std::vector<file_spec> sig_gen_files = {
    {"wycheproof/rsa_pkcs1_2048_sig_gen_test.json", 43},
    {"wycheproof/rsa_pkcs1_3072_sig_gen_test.json", 26},
    {"wycheproof/rsa_pkcs1_4096_sig_gen_test.json", 24},
};

TEST_CASE_TEMPLATE("RSA PKCS#1 v1.5 Wycheproof verification", Case, RSA_WORD_CASES) {
    using Word = typename Case::word;
    using Engine = typename Case::engine;
    if (!Case::runs()) return;
    std::int64_t total = 0;
    for (const auto& file : pkcs1_verify_files) {
        CAPTURE(file.path);
        const auto doc = test_support::load_vectors(file.path);
        REQUIRE(doc["numberOfTests"].integer() == file.tests);
        std::int64_t run = 0, valid_count = 0;
        for (const auto& group : doc["testGroups"]) {
            REQUIRE(group["type"].str() == "RsassaPkcs1Verify");
            const byte_vector spki = unhex(group["publicKeyDer"].str());
            const rsa_public_key_view key = group_key(group, spki);
            const auto prepared = rsa_public_key<8192, Word, Engine>::from_view(key);
            REQUIRE(prepared.ok());
            const rsa_hash h = hash_named(group["sha"].str());
            for (const auto& t : group["tests"]) {
                CAPTURE(t["tcId"].integer());
                CAPTURE(t["comment"].str());
                const byte_vector message = unhex(t["msg"].str()), signature = unhex(t["sig"].str());
                const bool got = detail::rsa_verify_pkcs1_digest_with<Word>(key, h, digest_of(h, message), signature);
                CHECK(prepared->verify_pkcs1(h, message, signature) == got);
                // "acceptable" here is only a DigestInfo without the NULL parameters: the
                // expected encoding has them (RFC 8017 §9.2 note 1), so these are refused.
                if (t["result"].str() == "acceptable") {
                    CHECK(t["flags"][0].str() == "MissingNull");
                    CHECK_FALSE(got);
                } else {
                    const bool valid = t["result"].str() == "valid";
                    CHECK(got == valid);
                    valid_count += valid ? 1 : 0;
                    if (valid && sizeof(Word) == sizeof(detail::bn_word))
                        CHECK(rsa_verify_pkcs1(key, h, message, signature));
                }
                ++run;
            }
        }
        CHECK(run == file.tests);
        MESSAGE(Case::name() << ": " << std::string(file.path) << ": " << run << " tests ("
                                        << valid_count << " valid)");
        total += run;
    }
    CHECK(total == 6202);
}

TEST_CASE_TEMPLATE("RSA PSS Wycheproof verification", Case, RSA_WORD_CASES) {
    using Word = typename Case::word;
    using Engine = typename Case::engine;
    if (!Case::runs()) return;
    std::int64_t total = 0;
    for (const auto& file : pss_verify_files) {
        CAPTURE(file.path);
        const auto doc = test_support::load_vectors(file.path);
        REQUIRE(doc["numberOfTests"].integer() == file.tests);
        std::int64_t run = 0, valid_count = 0;
        for (const auto& group : doc["testGroups"]) {
            const std::string type = group["type"].str();
            REQUIRE((type == "RsassaPssVerify" || type == "RsassaPssWithParametersVerify"));
            // MGF1 over mgfSha, or (RFC 8702) the SHAKE that is also the hash, mgfSha empty.
            const std::string mgf_name = group["mgf"].str();
            REQUIRE((mgf_name == "MGF1" || mgf_name == group["sha"].str()));
            // The _params files' SPKIs are RSASSA-PSS keys (X.509's to read): the key comes from
            // the group's modulus and exponent there.
            const byte_vector spki = unhex(group["publicKeyDer"].str());
            const byte_vector n = unhex(group["publicKey"]["modulus"].str()),
                              e = unhex(group["publicKey"]["publicExponent"].str());
            const rsa_public_key_view key = type == "RsassaPssVerify"
                                                ? group_key(group, spki)
                                                : rsa_public_key_view{detail::bn_trim(n), detail::bn_trim(e)};
            REQUIRE(check_rsa_public_key(key) == errc::ok);
            const auto prepared = rsa_public_key<8192, Word, Engine>::from_view(key);
            REQUIRE(prepared.ok());
            const rsa_hash h = hash_named(group["sha"].str());
            const rsa_hash mgf = mgf_name == "MGF1" ? hash_named(group["mgfSha"].str()) : h;
            REQUIRE(rsa_hash_is_shake(h) == (mgf_name != "MGF1"));
            const auto salt = static_cast<std::size_t>(group["sLen"].integer());
            for (const auto& t : group["tests"]) {
                CAPTURE(t["tcId"].integer());
                CAPTURE(t["comment"].str());
                REQUIRE(t["result"].str() != "acceptable");
                const bool valid = t["result"].str() == "valid";
                const byte_vector message = unhex(t["msg"].str()), signature = unhex(t["sig"].str());
                CHECK(detail::rsa_verify_pss_digest_with<Word>(key, h, mgf, salt, digest_of(h, message), signature) ==
                      valid);
                CHECK(prepared->verify_pss(h, mgf, salt, message, signature) == valid);
                if (valid && sizeof(Word) == sizeof(detail::bn_word)) {
                    CHECK(rsa_verify_pss(key, h, mgf, salt, message, signature));
                    // The salt length is part of what is verified.
                    CHECK_FALSE(rsa_verify_pss(key, h, mgf, salt + 1, message, signature));
                    // So is the MGF: MGF1 over a SHA-2 hash of the same size in place of SHAKE.
                    if (rsa_hash_is_shake(h)) {
                        const rsa_hash mgf1 = h == rsa_hash::shake128 ? rsa_hash::sha256 : rsa_hash::sha512;
                        CHECK_FALSE(rsa_verify_pss(key, h, mgf1, salt, message, signature));
                    }
                }
                ++run;
                valid_count += valid ? 1 : 0;
            }
        }
        CHECK(run == file.tests);
        MESSAGE(Case::name() << ": " << std::string(file.path) << ": " << run << " tests ("
                                        << valid_count << " valid)");
        total += run;
    }
    CHECK(total == 3497);
}

TEST_CASE_TEMPLATE("RSA PKCS#1 v1.5 Wycheproof signature generation, PSS signing", Case, RSA_WORD_CASES) {
    using Word = typename Case::word;
    using Engine = typename Case::engine;
    if (!Case::runs()) return;
    using key_type = rsa_private_key<4096, Word, Engine>;
    test_support::test_rng rng(17);
    std::int64_t total = 0, signed_count = 0;
    for (const auto& file : sig_gen_files) {
        CAPTURE(file.path);
        const auto doc = test_support::load_vectors(file.path);
        REQUIRE(doc["numberOfTests"].integer() == file.tests);
        std::int64_t run = 0;
        for (const auto& group : doc["testGroups"]) {
            REQUIRE(group["type"].str() == "RsassaPkcs1Generate");
            const byte_vector pkcs8 = unhex(group["privateKeyPkcs8"].str());
            const auto key = key_type::from_pkcs8_der(pkcs8);
            REQUIRE(key.ok());
            // The key's public half is the group's SubjectPublicKeyInfo.
            const byte_vector spki = unhex(group["keyDer"].str());
            const auto pub = parse_rsa_spki(spki);
            REQUIRE(pub.ok());
            CHECK(to_hex(key->public_key().modulus) == to_hex(pub->modulus));
            CHECK(to_hex(key->public_key().exponent) == to_hex(pub->exponent));
            CHECK(key->signature_size() == pub->size());
            const rsa_hash h = hash_named(group["sha"].str());
            for (const auto& t : group["tests"]) {
                CAPTURE(t["tcId"].integer());
                CAPTURE(t["comment"].str());
                const bool valid = t["result"].str() != "invalid";
                const byte_vector message = unhex(t["msg"].str()), expected = unhex(t["sig"].str());
                byte_vector sig(key->signature_size());
                const byte_vector blinding = rng.bytes(rsa_blinding_size);
                const auto n = key->sign_pkcs1(h, message, blinding, sig);
                if (!rsa_hash_signs(h)) {
                    // SHA-1 and SHA-224: verification only.
                    CHECK(n.error() == errc::invalid_argument);
                    CHECK(detail::rsa_verify_pkcs1_digest_with<Word>(key->public_key(), h, digest_of(h, message),
                                                                     expected) == valid);
                } else {
                    REQUIRE(n.ok());
                    CHECK(*n == sig.size());
                    CHECK((to_hex(sig) == t["sig"].str()) == valid);
                    ++signed_count;
                    // PSS with a fresh salt of the hash's length verifies, and one of another
                    // length verifies with that length only.
                    const byte_vector salt = rng.bytes(digest_size(h)), blinding2 = rng.bytes(32);
                    REQUIRE(key->sign_pss(h, message, salt, blinding2, sig).ok());
                    CHECK(detail::rsa_verify_pss_digest_with<Word>(key->public_key(), h, h, salt.size(),
                                                                   digest_of(h, message), sig));
                    CHECK_FALSE(detail::rsa_verify_pss_digest_with<Word>(key->public_key(), h, h, 0,
                                                                         digest_of(h, message), sig));
                    REQUIRE(key->sign_pss(h, message, byte_view(salt).first(5), blinding2, sig).ok());
                    CHECK(rsa_verify_pss(key->public_key(), h, h, 5, message, sig));
                }
                ++run;
            }
        }
        CHECK(run == file.tests);
        MESSAGE(Case::name() << ": " << std::string(file.path) << ": " << run << " tests");
        total += run;
    }
    CHECK(total == 93);
    CHECK(signed_count > 60);
}

// The RSAPrivateKey of a Wycheproof key (from its PKCS#8) and the offsets of its fields.
struct private_der {
    byte_vector der;
    detail::rsa_private_parts parts;
};

private_der wycheproof_private_key(const char* path, std::size_t group_index) {
    const auto doc = test_support::load_vectors(path);
    const byte_vector pkcs8 = unhex(doc["testGroups"][group_index]["privateKeyPkcs8"].str());
    auto parts = detail::parse_rsa_pkcs8_der(pkcs8);
    REQUIRE(parts.ok());
    // The RSAPrivateKey is the OCTET STRING's content: from the modulus's INTEGER back to the
    // SEQUENCE header, found by searching for the DER of the modulus within the PKCS#8.
    private_der out;
    const std::uint8_t* start = parts->modulus.data();
    const std::uint8_t* base = pkcs8.data();
    // The SEQUENCE of RSAPrivateKey begins where the OCTET STRING's content begins: 22 bytes
    // into a PKCS#8 of rsaEncryption with 4-byte lengths (30 82 xx xx 02 01 00 30 0d ... 04 82 xx xx).
    const std::size_t offset = 26;
    REQUIRE(pkcs8[offset] == 0x30);
    out.der.assign(base + offset, pkcs8.data() + pkcs8.size());
    (void)start;
    auto reparsed = detail::parse_rsa_private_der(out.der);
    REQUIRE(reparsed.ok());
    out.parts = *reparsed;
    return out;
}

TEST_CASE_TEMPLATE("RSA private keys: PKCS#1 form, consistency checks, a faulty CRT half", Case, RSA_WORD_CASES) {
    using Word = typename Case::word;
    using Engine = typename Case::engine;
    if (!Case::runs()) return;
    using key_type = rsa_private_key<4096, Word, Engine>;
    private_der k = wycheproof_private_key("wycheproof/rsa_pkcs1_2048_sig_gen_test.json", 2);
    const auto key = key_type::from_pkcs1_der(k.der);
    REQUIRE(key.ok());
    CHECK(key->bits() == 2048);

    const auto digest = sha256::hash(literal_bytes("fault"));
    const bytes<rsa_blinding_size> blinding{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    std::uint8_t em[256] = {};
    REQUIRE(detail::emsa_pkcs1_encode(rsa_hash::sha256, digest, byte_span(em)));
    byte_vector sig(256, 0x55);
    REQUIRE(key->private_op(em, blinding, sig, [](Word*, std::size_t) {}).ok());
    CHECK(rsa_verify_pkcs1_digest(key->public_key(), rsa_hash::sha256, digest, sig));
    // Blinding changes the exponent, not the signature.
    byte_vector sig2(256);
    const bytes<rsa_blinding_size> other{0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0, 0, 0, 0, 0, 0, 0, 1};
    REQUIRE(key->private_op(em, other, sig2, [](Word*, std::size_t) {}).ok());
    CHECK(sig == sig2);
    // One flipped bit in the half modulo p: the check with e catches it, nothing is released.
    for (const std::size_t bit : {std::size_t{0}, std::size_t{77}, std::size_t{1000}}) {
        byte_vector faulty(256, 0x55);
        const auto r = key->private_op(em, blinding, faulty, [bit](Word* s1, std::size_t words) {
            REQUIRE(bit / (8 * sizeof(Word)) < words);
            s1[bit / (8 * sizeof(Word))] ^= static_cast<Word>(Word{1} << (bit % (8 * sizeof(Word))));
        });
        CHECK(r.error() == errc::authentication_failed);
        CHECK(faulty == byte_vector(256, 0));
    }
    // Too little blinding randomness, too small an output.
    byte_vector small(255);
    CHECK(key->sign_pkcs1_digest(rsa_hash::sha256, digest, byte_view(blinding).first(15), sig).error() ==
          errc::invalid_argument);
    CHECK(key->sign_pkcs1_digest(rsa_hash::sha256, digest, blinding, small).error() == errc::buffer_too_small);

    // Each CRT value and each prime, one bit off: the key is refused at load.
    const std::uint8_t* base = k.der.data();
    const byte_view fields[] = {k.parts.modulus,   k.parts.private_exponent, k.parts.prime1,   k.parts.prime2,
                                k.parts.exponent1, k.parts.exponent2,        k.parts.coefficient};
    for (const byte_view field : fields) {
        for (const std::size_t at : {field.size() - 1, field.size() / 2}) {
            byte_vector bad = k.der;
            const auto pos = static_cast<std::size_t>(field.data() - base) + at;
            // keeps odd values odd
            bad[pos] = static_cast<std::uint8_t>(bad[pos] ^ (at == field.size() - 1 ? 0x02 : 0x10));
            CAPTURE(pos);
            CHECK_FALSE(key_type::from_pkcs1_der(bad).ok());
        }
    }
    // A key larger than the type holds.
    CHECK(rsa_private_key<2048, Word, Engine>::from_pkcs1_der(k.der).ok());
    private_der big = wycheproof_private_key("wycheproof/rsa_pkcs1_3072_sig_gen_test.json", 0);
    CHECK(rsa_private_key<2048, Word, Engine>::from_pkcs1_der(big.der).error() == errc::invalid_argument);
    CHECK(key_type::from_pkcs1_der(big.der).ok());
    // Trailing bytes, a truncated key, a multi-prime version.
    byte_vector longer = k.der;
    longer.push_back(0);
    CHECK_FALSE(key_type::from_pkcs1_der(longer).ok());
    CHECK_FALSE(key_type::from_pkcs1_der(byte_view(k.der).first(k.der.size() - 1)).ok());
    byte_vector v1 = k.der;
    REQUIRE(v1[4] == 0x02);
    v1[6] = 1;
    CHECK_FALSE(key_type::from_pkcs1_der(v1).ok());
}

// DER of a length, and of a SEQUENCE or INTEGER (positive, from big-endian hex) around content.
byte_vector der_wrap(std::uint8_t tag, const byte_vector& content) {
    byte_vector out{tag};
    const std::size_t n = content.size();
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else if (n < 0x100) {
        out.insert(out.end(), {0x81, static_cast<std::uint8_t>(n)});
    } else {
        out.insert(out.end(), {0x82, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

byte_vector der_integer(const std::string& hex) {
    byte_vector v = unhex(hex);
    if (v.empty() || (v[0] & 0x80) != 0) v.insert(v.begin(), 0);
    return der_wrap(0x02, v);
}

TEST_CASE_TEMPLATE("RSA private keys: RFC 8448's 1024-bit server key", Case, RSA_WORD_CASES) {
    using Word = typename Case::word;
    using Engine = typename Case::engine;
    if (!Case::runs()) return;
    const auto doc = test_support::load_vectors("rfc/rfc8448.json");
    const auto& k = doc["private_keys"]["rsa"];
    byte_vector body = der_integer("00");
    for (const char* field : {"modulus", "public exponent", "private exponent", "prime1", "prime2", "exponent1",
                              "exponent2", "coefficient"}) {
        const byte_vector v = der_integer(k[field].str());
        body.insert(body.end(), v.begin(), v.end());
    }
    const byte_vector der = der_wrap(0x30, body);
    const auto key = rsa_private_key<2048, Word, Engine>::from_pkcs1_der(der);
    REQUIRE(key.ok());
    CHECK(key->bits() == 1024);
    CHECK(to_hex(key->public_key().modulus) == k["modulus"].str());
    const auto message = literal_bytes("RFC 8448 server CertificateVerify");
    const bytes<32> salt{7, 7, 7};
    const bytes<rsa_blinding_size> blinding{5, 4, 3, 2, 1};
    byte_vector sig(key->signature_size());
    REQUIRE(key->sign_pss(rsa_hash::sha256, message, salt, blinding, sig).ok());
    CHECK(rsa_verify_pss(key->public_key(), rsa_hash::sha256, rsa_hash::sha256, 32, message, sig));
    REQUIRE(key->sign_pkcs1(rsa_hash::sha256, message, blinding, sig).ok());
    CHECK(rsa_verify_pkcs1(key->public_key(), rsa_hash::sha256, message, sig));
    // SHA-512 with a 64-byte salt does not fit a 1024-bit modulus (RFC 8017 §9.1.1 step 3).
    const bytes<64> long_salt{};
    CHECK(key->sign_pss(rsa_hash::sha512, message, long_salt, blinding, sig).error() == errc::invalid_argument);
}

// A 2048-bit key of unequal primes, 1025 and 1023 bits (made for this test with a Miller-Rabin
// search in Python, as RSAPrivateKey), in both orders: the primes' words add up to one more than
// the modulus's, which the CRT recombination must have room for.
constexpr const char* unbalanced_key_hex[2] = {
    "308204a30201000282010100c5efab2af0446f692c48c035b57668e9d0ca8d07bd1385fecfe50024a6057e542bd81f2e"
    "c01870fc7effcbe7375d95b0d254ec4c9e448c169786e0f9f0193d1d64932dfff51e175483c475ec59eef76c26f4d943"
    "617bfb142de6da2fc8107e655fef262986f38a8981c380c330a72f8a65db9a5fa67c079fc93e21b5a1bc677707202fc0"
    "e210f7a831398dba82cf50652730ce3d71dff112d7752f970dcb357723eac8b532ab6a5da4292ad4f93d5e9b36a0f1a7"
    "e482e1ee58d1e04056743721917d30172108b4037a9f8ad1159e473181cee92e0fc502d8333759f10be4d2a8dd9a59d7"
    "e09f4fac0019bee9f724df40c0316fe62a4f5d6b12d8fe68273ff3f102030100010282010003be8baaa1866de41bb019"
    "a0ba78cdb5c49b1c4d5dec895f9f5fa9dfc79b397f4ea00540fd65c8f761d0a5730f874fee5b203ba31c68580d125b3d"
    "14c54fb8e9fe2dd19432b719c261c6bce35675308d857422cb054452e4d81472a2ae426f9dabd1aa936507e4e24287e7"
    "fee943f460861a40229893e692057ccd26f2330df2f533dd52089b589f7bbf07a61df78bc775f8c30e29b60a36a3ee2a"
    "f0f967437b0dd6e31b0d8543d377b361b8d1b7d4e7e506319ce3257735a2e447eb4a1572a39b83c8183341c60f8823cc"
    "1bae60aa727bee9a906b0b8b11654552fa7cbcd6f41a3f411862ee23ac87fad6c124f58e56b5594b083a6a8438661c21"
    "7ffca316b102818101fdbbd59d548a77d260e5b5146c43a778a69375a8748e3545d4004ef78d8e351ec34dc12ce09420"
    "00dde01245f7727eabdad18970a0114fe5ee0b127121f2f02ebbb3b159e2cc115ed748a6d1d7f13a26afc7735e9eec55"
    "fe4e433a1da0e67b05dec8f3bff8a621f0f16171ff705b6c7468c3f1839f8d833ab10b584900477be902818063687a2a"
    "96b0023821aee13d520896cd7a0331778f93ee25e1103d0d13e22b134a7aa8de24e81639f9941edde6596ec8167639af"
    "c117b9594a3827fb1595d42db49dbf6017fd479171c3c3bca65918932eb9f971fae5250af84458db5ffb5c3e3ca400ba"
    "4ecd39c67c72403861c88262ae76dcb24254b144e95c287f73fa1ac90281810117e653c75fcbe53df58d4d60d88e51e0"
    "d37f778537f37ad74c319b2b1e64ef50642847223073c61b13baddede391d072e7e655952da034026b33533e22493790"
    "41ebcb403364a14935e8240a688c82c50992f90c05327b89f849bc18d6e898b7417d913362033ff20169e3e2433d4091"
    "af91a10608cff9367a4f637c3a960639028180178ae9cbe64e1ee86e49bd7c494e5170ae61cd38549fa33a0358562d1f"
    "b563a038f65dc1e699b491dc62d1009a8a39ab576e7e70fa59050379895d26a0d1102416ef792067ee0b220e005ffdf0"
    "a38f27645c9510026c7c5e61b7c617865ec054d905ba4a6559434297bc732b27355673ca7fc9fac9acc722dbe5808dd6"
    "c8b7c9028181016581dd03a6ad649904d38699c3fa71d292a2d7fa9f4513ce0d8beec4298bbf4ceaa7ba376d67767c76"
    "76b06e90494f951132123bff24b4767165f4bcfb24696f54e8eda1f93a231c9536680d323b6ad6df6c7e0e8530c93f73"
    "dd876f8f3ed2caad25c7125af47f167f689330abde14dbbe41f25b49d84e53889a59cc89cc1216",
    "308204a20201000282010100c5efab2af0446f692c48c035b57668e9d0ca8d07bd1385fecfe50024a6057e542bd81f2e"
    "c01870fc7effcbe7375d95b0d254ec4c9e448c169786e0f9f0193d1d64932dfff51e175483c475ec59eef76c26f4d943"
    "617bfb142de6da2fc8107e655fef262986f38a8981c380c330a72f8a65db9a5fa67c079fc93e21b5a1bc677707202fc0"
    "e210f7a831398dba82cf50652730ce3d71dff112d7752f970dcb357723eac8b532ab6a5da4292ad4f93d5e9b36a0f1a7"
    "e482e1ee58d1e04056743721917d30172108b4037a9f8ad1159e473181cee92e0fc502d8333759f10be4d2a8dd9a59d7"
    "e09f4fac0019bee9f724df40c0316fe62a4f5d6b12d8fe68273ff3f102030100010282010003be8baaa1866de41bb019"
    "a0ba78cdb5c49b1c4d5dec895f9f5fa9dfc79b397f4ea00540fd65c8f761d0a5730f874fee5b203ba31c68580d125b3d"
    "14c54fb8e9fe2dd19432b719c261c6bce35675308d857422cb054452e4d81472a2ae426f9dabd1aa936507e4e24287e7"
    "fee943f460861a40229893e692057ccd26f2330df2f533dd52089b589f7bbf07a61df78bc775f8c30e29b60a36a3ee2a"
    "f0f967437b0dd6e31b0d8543d377b361b8d1b7d4e7e506319ce3257735a2e447eb4a1572a39b83c8183341c60f8823cc"
    "1bae60aa727bee9a906b0b8b11654552fa7cbcd6f41a3f411862ee23ac87fad6c124f58e56b5594b083a6a8438661c21"
    "7ffca316b102818063687a2a96b0023821aee13d520896cd7a0331778f93ee25e1103d0d13e22b134a7aa8de24e81639"
    "f9941edde6596ec8167639afc117b9594a3827fb1595d42db49dbf6017fd479171c3c3bca65918932eb9f971fae5250a"
    "f84458db5ffb5c3e3ca400ba4ecd39c67c72403861c88262ae76dcb24254b144e95c287f73fa1ac902818101fdbbd59d"
    "548a77d260e5b5146c43a778a69375a8748e3545d4004ef78d8e351ec34dc12ce0942000dde01245f7727eabdad18970"
    "a0114fe5ee0b127121f2f02ebbb3b159e2cc115ed748a6d1d7f13a26afc7735e9eec55fe4e433a1da0e67b05dec8f3bf"
    "f8a621f0f16171ff705b6c7468c3f1839f8d833ab10b584900477be9028180178ae9cbe64e1ee86e49bd7c494e5170ae"
    "61cd38549fa33a0358562d1fb563a038f65dc1e699b491dc62d1009a8a39ab576e7e70fa59050379895d26a0d1102416"
    "ef792067ee0b220e005ffdf0a38f27645c9510026c7c5e61b7c617865ec054d905ba4a6559434297bc732b27355673ca"
    "7fc9fac9acc722dbe5808dd6c8b7c90281810117e653c75fcbe53df58d4d60d88e51e0d37f778537f37ad74c319b2b1e"
    "64ef50642847223073c61b13baddede391d072e7e655952da034026b33533e2249379041ebcb403364a14935e8240a68"
    "8c82c50992f90c05327b89f849bc18d6e898b7417d913362033ff20169e3e2433d4091af91a10608cff9367a4f637c3a"
    "9606390281801dafe9663cb3c7d46b83b984dc4bc348e2e6a04fd5f4702b750f69424c90e10ace9000b2fba89dfd4841"
    "716efa6cd49780d60eed62e71faae5806190bfe89d3d975b0ab13f44a65eae274309d3ea07bb1f8533d192c5fab2c520"
    "121b4028f5516c89502ec1971c8e6ed7b1c58a0b4d5e233be253ae22079ecd00c52572f52fcc"};

TEST_CASE_TEMPLATE("RSA private keys: primes of unequal length", Case, RSA_WORD_CASES) {
    using Word = typename Case::word;
    using Engine = typename Case::engine;
    if (!Case::runs()) return;
    for (const char* hex : unbalanced_key_hex) {
        const byte_vector der = unhex(hex);
        const auto key = rsa_private_key<2048, Word, Engine>::from_pkcs1_der(der);
        REQUIRE(key.ok());
        CHECK(key->bits() == 2048);
        const auto message = literal_bytes("unbalanced");
        const bytes<32> salt{1};
        const bytes<rsa_blinding_size> blinding{2};
        byte_vector sig(256);
        REQUIRE(key->sign_pss(rsa_hash::sha256, message, salt, blinding, sig).ok());
        CHECK(rsa_verify_pss(key->public_key(), rsa_hash::sha256, rsa_hash::sha256, 32, message, sig));
        REQUIRE(key->sign_pkcs1(rsa_hash::sha384, message, blinding, sig).ok());
        CHECK(rsa_verify_pkcs1(key->public_key(), rsa_hash::sha384, message, sig));
    }
}

TEST_CASE("RSA public keys: limits and encodings") {
    const auto doc = test_support::load_vectors("wycheproof/rsa_signature_2048_sha256_test.json");
    const byte_vector spki = unhex(doc["testGroups"][0]["publicKeyDer"].str());
    const auto key = parse_rsa_spki(spki);
    REQUIRE(key.ok());
    CHECK(key->bits() == 2048);
    // The RSAPublicKey inside the BIT STRING parses on its own (SPKI header: 30 82 01 22, the
    // algorithm's 15 bytes, 03 82 01 0f 00).
    const byte_view pkcs1 = byte_view(spki).subspan(4 + 15 + 5);
    const auto key2 = parse_rsa_public_key_pkcs1(pkcs1);
    REQUIRE(key2.ok());
    CHECK(to_hex(key2->modulus) == to_hex(key->modulus));
    const std::uint8_t even[] = {0x01, 0x00, 0x00};
    const std::uint8_t one[] = {0x01};
    const std::uint8_t big_e[] = {0x01, 0x00, 0x00, 0x00, 0x01};
    CHECK(check_rsa_public_key({key->modulus, even}) == errc::invalid_argument);
    CHECK(check_rsa_public_key({key->modulus, one}) == errc::invalid_argument);
    CHECK(check_rsa_public_key({key->modulus, big_e}) == errc::invalid_argument);
    // 1024 bits and more pass (2048 is a policy of X.509 and TLS), 1016 do not.
    byte_vector n1024(key->modulus.begin() + 128, key->modulus.end());
    n1024[0] = static_cast<std::uint8_t>(n1024[0] | 0x80);
    CHECK(check_rsa_public_key({n1024, key->exponent}) == errc::ok);
    CHECK(check_rsa_public_key({byte_view(n1024).subspan(1), key->exponent}) == errc::invalid_argument);
    byte_vector even_n(key->modulus.begin(), key->modulus.end());
    even_n.back() ^= 1;
    CHECK(check_rsa_public_key({even_n, key->exponent}) == errc::invalid_argument);
    CHECK(rsa_public_key<>::from_view({even_n, key->exponent}).error() == errc::invalid_argument);
    const auto doc4096 = test_support::load_vectors("wycheproof/rsa_signature_4096_sha256_test.json");
    const byte_vector spki4096 = unhex(doc4096["testGroups"][0]["publicKeyDer"].str());
    const auto key4096 = parse_rsa_spki(spki4096);
    REQUIRE(key4096.ok());
    CHECK(rsa_public_key<2048>::from_view(*key4096).error() == errc::invalid_argument);
    CHECK(rsa_public_key<4096>::from_view(*key4096).ok());
    CHECK_FALSE(rsa_public_key<>{}.verify_pkcs1(rsa_hash::sha256, {}, {}));  // an empty key verifies nothing
    // A signature one byte short or long, or equal to n, is refused before any arithmetic.
    const byte_vector sig = unhex(doc["testGroups"][0]["tests"][0]["sig"].str());
    const byte_vector msg = unhex(doc["testGroups"][0]["tests"][0]["msg"].str());
    REQUIRE(rsa_verify_pkcs1(*key, rsa_hash::sha256, msg, sig));
    CHECK_FALSE(rsa_verify_pkcs1(*key, rsa_hash::sha256, msg, byte_view(sig).first(255)));
    byte_vector longer = sig;
    longer.insert(longer.begin(), 0);
    CHECK_FALSE(rsa_verify_pkcs1(*key, rsa_hash::sha256, msg, longer));
    CHECK_FALSE(rsa_verify_pkcs1(*key, rsa_hash::sha256, msg, key->modulus));
    // The wrong hash, the wrong scheme.
    CHECK_FALSE(rsa_verify_pkcs1(*key, rsa_hash::sha384, msg, sig));
    CHECK_FALSE(rsa_verify_pss(*key, rsa_hash::sha256, rsa_hash::sha256, 32, msg, sig));
}

}  // namespace test_rsa

namespace test_rsa {

#if CARAPACE_HAVE_INT128
// The Montgomery product and square on 64-bit words (the MULX/ADX rows where this CPU has them,
// unless CARAPACE_FORCE_PORTABLE=1) against the portable ones on 32-bit words: for moduli of a multiple
// of 8 bytes both have the same R, so the same product. Random odd moduli, random operands below
// them, and the extreme ones (m - 1).
TEST_CASE("RSA Montgomery products: 64-bit (dispatched) and 32-bit words agree") {
    test_support::test_rng rng(2048);
    bool saw_mulx = false;
    for (const std::size_t size : {std::size_t{128}, std::size_t{256}, std::size_t{384}, std::size_t{512},
                                   std::size_t{1024}, std::size_t{264}}) {
        for (int round = 0; round < 8; ++round) {
            byte_vector m = rng.bytes(size), a = rng.bytes(size), b = rng.bytes(size);
            m[0] = static_cast<std::uint8_t>(m[0] | 0x80);
            m.back() = static_cast<std::uint8_t>(m.back() | 1);
            a[0] = static_cast<std::uint8_t>(a[0] & 0x7f);  // below m
            b[0] = static_cast<std::uint8_t>(b[0] & 0x7f);
            if (round == 0) {
                a = m;
                a.back() = static_cast<std::uint8_t>(a.back() - 1);
                b = a;
            }
            auto product = [&]<class Word>() {
                constexpr std::size_t cap = detail::bn_words_for<Word>(8192);
                detail::mont_modulus<Word, cap> mod;
                REQUIRE(mod.set(m));
                if (std::string(mod.engine()) != "portable") saw_mulx = true;
                Word x[cap] = {}, y[cap] = {}, r[cap] = {};
                detail::bn_from_bytes(x, cap, a);
                detail::bn_from_bytes(y, cap, b);
                mod.mul(r, x, y);
                mod.sqr(r, r);
                mod.sqr(r, r);
                mod.mul(r, r, x);
                byte_vector out(size);
                detail::bn_to_bytes(out, r, mod.words());
                return out;
            };
            CAPTURE(size);
            const byte_vector wide_words = product.template operator()<std::uint64_t>();
            CHECK(to_hex(wide_words) == to_hex(product.template operator()<std::uint32_t>()));
        }
    }
    // R^2 mod m by long division (public moduli) and by doublings and squarings (primes) agree,
    // on both word sizes, for random odd moduli of many lengths, some with a top word nearly empty.
    auto r_squared_agree = [&]<class Word>() {
        constexpr std::size_t cap = detail::bn_words_for<Word>(8192);
        for (std::size_t size = 9; size <= 1024; size += 37) {
            byte_vector m = rng.bytes(size), x = rng.bytes(size);
            m.back() = static_cast<std::uint8_t>(m.back() | 1);
            m[0] = static_cast<std::uint8_t>(m[0] | (size % 2 == 0 ? 0x80 : 0x01));
            x[0] = 0;
            detail::mont_modulus<Word, cap> by_division, by_doubling;
            REQUIRE(by_division.set(m, true));
            REQUIRE(by_doubling.set(m, false));
            Word v[cap] = {}, a[cap] = {}, b[cap] = {};
            detail::bn_from_bytes(v, cap, x);
            by_division.to_mont(a, v);
            by_doubling.to_mont(b, v);
            CAPTURE(size);
            CHECK(detail::bn_equal(a, b, by_division.words()) != 0);
        }
    };
    r_squared_agree.template operator()<std::uint64_t>();
    r_squared_agree.template operator()<std::uint32_t>();
    // Not const: a const bool initializer would be evaluated as a constant, where best() is portable.
    bool mulx_here = detail::rsa_mont_variants::best() != detail::rsa_mont_variants::portable;
    CHECK(saw_mulx == mulx_here);
    const std::string best = detail::rsa_mont_variants::name_of(detail::rsa_mont_variants::best());
    MESSAGE("64-bit Montgomery engine: " << best);
}
#endif

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
// The secret-exponent power with AVX-512 IFMA (52-bit limbs, its own R) against the portable
// 64-bit loops, on random odd moduli of every length the CRT halves may have, odd bit lengths
// among them (1023, 1025, 1535, 1537 bits...), with exponents as signing makes them (the prime's
// length plus the 65 bits of blinding), and the extreme base m - 1 and exponents 0 and all ones;
// one at a time and two in lockstep; and public powers.
TEST_CASE("RSA powers: AVX-512 IFMA and portable agree") {
    if (!detail::rsa_mont_ifma::supported()) {
        MESSAGE("avx512-ifma: not on this CPU (or forced portable)");
        return;
    }
    test_support::test_rng rng(1789);
    constexpr std::size_t cap = detail::bn_words_for<std::uint64_t>(4160);
    std::size_t ran = 0, pairs = 0;
    for (const std::size_t bits : {63u, 64u, 500u, 512u, 1000u, 1023u, 1024u, 1025u, 1088u, 1535u, 1536u, 1537u, 2047u,
                                   2048u, 2049u, 2112u, 3000u, 3264u, 3265u, 4095u,
                                   4096u, 4097u}) {
        for (int round = 0; round < 3; ++round) {
            const std::size_t size = (bits + 7) / 8;
            byte_vector m = rng.bytes(size), x = rng.bytes(size), e = rng.bytes(size + 9);
            m[0] = static_cast<std::uint8_t>((m[0] | 0x80) >> ((8 - bits % 8) % 8));
            m.back() = static_cast<std::uint8_t>(m.back() | 1);
            x[0] = 0;  // below m
            if (round == 1) {
                x = m;
                x.back() = static_cast<std::uint8_t>(x.back() - 1);
                for (auto& byte : e) byte = 0xff;
            }
            if (round == 2) for (auto& byte : e) byte = 0;
            detail::mont_modulus<std::uint64_t, cap, detail::rsa_mont_ifma> fast;
            detail::mont_modulus<std::uint64_t, cap, detail::rsa_mont_portable> slow;
            REQUIRE(fast.set(m));
            REQUIRE(slow.set(m));
            const std::size_t n = fast.words();
            CAPTURE(bits);
            CAPTURE(round);
            CHECK(std::string(fast.engine()) ==
                  (n <= detail::ifma_max_words ? "avx512-ifma" : n % 4 == 0 ? "mulx-adx" : "portable"));
            ran += std::string(fast.engine()) == "avx512-ifma";
            std::uint64_t v[cap] = {}, base[cap] = {}, exp[cap + 2] = {}, r1[cap] = {}, r2[cap] = {};
            detail::bn_from_bytes(v, cap, x);
            detail::bn_from_bytes(exp, cap + 2, e);
            slow.to_mont(base, v);
            const std::size_t exp_bits = 64 * n + 65;
            detail::pow_secret(fast, r1, base, exp, cap + 2, exp_bits);
            detail::pow_secret(slow, r2, base, exp, cap + 2, exp_bits);
            CHECK(detail::bn_equal(r1, r2, n) != 0);
            // Public exponents, in normal form.
            for (const std::uint32_t pub : {3u, 65537u, 0xffffffffu}) {
                detail::pow_public(fast, r1, v, pub);
                detail::pow_public(slow, r2, v, pub);
                CHECK(detail::bn_equal(r1, r2, n) != 0);
            }
            detail::pow_secret(slow, r2, base, exp, cap + 2, exp_bits);  // again, for the pair below
            // Two powers in lockstep (the CRT halves), modulo m and another modulus of its length.
            byte_vector m2 = rng.bytes(size);
            m2[0] = m[0];
            m2.back() = static_cast<std::uint8_t>(m2.back() | 1);
            detail::mont_modulus<std::uint64_t, cap, detail::rsa_mont_ifma> fast2;
            detail::mont_modulus<std::uint64_t, cap, detail::rsa_mont_portable> slow2;
            REQUIRE(fast2.set(m2));
            REQUIRE(slow2.set(m2));
            std::uint64_t base2[cap] = {}, r3[cap] = {}, r4[cap] = {};
            slow2.to_mont(base2, v);  // x below m2 too: its top byte is zero
            const bool paired = fast.pow_secret_ifma_pair(r1, base, exp, fast2, r3, base2, exp, cap + 2, exp_bits);
            CHECK(paired == (n <= detail::ifma_max_pair_words));
            pairs += paired;
            if (!paired) continue;
            detail::pow_secret(slow2, r4, base2, exp, cap + 2, exp_bits);
            CHECK(detail::bn_equal(r1, r2, n) != 0);
            CHECK(detail::bn_equal(r3, r4, n) != 0);
        }
    }
    CHECK(ran > 40);
    CHECK(pairs > 20);
}
#endif

}  // namespace test_rsa
