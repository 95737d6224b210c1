// ECDSA on P-256 and P-384: every Wycheproof verification test (DER and IEEE P1363 signatures)
// and the RFC 6979 A.2.5/A.2.6 examples on every engine, hedged signing, engines agreeing with
// each other, and the DER signature codec's round trips and refusals.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/x509/keys.hpp"
#include "support/nist_variants.hpp"
#include "support/vectors.hpp"

namespace test_ecdsa {

using namespace carapace;
using test_support::byte_vector;
using test_support::fixed;
using test_support::to_hex;
using test_support::unhex;

ecdsa_hash hash_named(const std::string& name) {
    if (name == "SHA-256") return ecdsa_hash::sha256;
    if (name == "SHA-384") return ecdsa_hash::sha384;
    REQUIRE(name == "SHA-512");
    return ecdsa_hash::sha512;
}

byte_vector text_bytes(const std::string& text) { return byte_vector(text.begin(), text.end()); }

byte_vector digest_of(ecdsa_hash h, byte_view message) {
    if (h == ecdsa_hash::sha256) {
        const auto d = sha256::hash(message);
        return byte_vector(d.begin(), d.end());
    }
    if (h == ecdsa_hash::sha384) {
        const auto d = sha384::hash(message);
        return byte_vector(d.begin(), d.end());
    }
    const auto d = sha512::hash(message);
    return byte_vector(d.begin(), d.end());
}

// A Wycheproof file, with the number of tests it holds (so a truncated copy fails), and whether
// its signatures are DER (EcdsaVerify) or r||s (EcdsaP1363Verify).
struct wycheproof_file {
    const char* path;
    std::int64_t tests;
    bool der;
};

template <class Curve>
std::vector<wycheproof_file> wycheproof_files() {
    if constexpr (std::is_same_v<Curve, p256>) {
        return {{"wycheproof/ecdsa_secp256r1_sha256_test.json", 484, true},
                {"wycheproof/ecdsa_secp256r1_sha256_p1363_test.json", 262, false},
                {"wycheproof/ecdsa_secp256r1_sha512_test.json", 554, true},
                {"wycheproof/ecdsa_secp256r1_sha512_p1363_test.json", 332, false}};
    } else {
        return {{"wycheproof/ecdsa_secp384r1_sha256_test.json", 472, true},
                {"wycheproof/ecdsa_secp384r1_sha384_test.json", 504, true},
                {"wycheproof/ecdsa_secp384r1_sha384_p1363_test.json", 280, false},
                {"wycheproof/ecdsa_secp384r1_sha512_test.json", 542, true},
                {"wycheproof/ecdsa_secp384r1_sha512_p1363_test.json", 318, false}};
    }
}

template <class Curve>
const char* wycheproof_curve() {
    return std::is_same_v<Curve, p256> ? "secp256r1" : "secp384r1";
}

// Runs every test of one file; returns how many ran.
template <class Case>
std::int64_t run_wycheproof(const wycheproof_file& file) {
    using Curve = typename Case::curve;
    using Engine = typename Case::engine;
    const std::string path = file.path;
    CAPTURE(path);
    const auto doc = test_support::load_vectors(file.path);
    REQUIRE(doc["numberOfTests"].integer() == file.tests);
    std::int64_t run = 0, valid_count = 0;
    for (const auto& group : doc["testGroups"]) {
        REQUIRE(group["type"].str() == (file.der ? "EcdsaVerify" : "EcdsaP1363Verify"));
        REQUIRE(group["publicKey"]["curve"].str() == wycheproof_curve<Curve>());
        const byte_vector key = unhex(group["publicKey"]["uncompressed"].str());
        REQUIRE(key.size() == Curve::uncompressed_size);
        // The group's SubjectPublicKeyInfo holds the same point, and the point is valid.
        const byte_vector spki = unhex(group["publicKeyDer"].str());
        const auto info = x509::parse_public_key(spki);
        REQUIRE(info.ok());
        CHECK(to_hex(info->key) == to_hex(key));
        CHECK(ec_validate_point<Curve, Engine>(key));
        const byte_vector compressed = test_support::sec1_compress(key);
        CHECK(ec_validate_point<Curve, Engine>(compressed));
        const ecdsa_hash h = hash_named(group["sha"].str());
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            // These files have no "acceptable" test: every verdict is exact.
            REQUIRE(t["result"].str() != "acceptable");
            const bool valid = t["result"].str() == "valid";
            const byte_vector message = unhex(t["msg"].str()), signature = unhex(t["sig"].str());
            if (file.der) {
                CHECK(ecdsa_verify_der<Curve, Engine>(key, message, h, signature) == valid);
                if (valid) {
                    CHECK(ecdsa_verify_der<Curve, Engine>(compressed, message, h, signature));
                    // A valid signature is strict DER, which has one encoding: back to the same bytes.
                    bytes<Curve::signature_size> rs{};
                    REQUIRE(ecdsa_der_to_rs<Curve>(signature, rs));
                    bytes<Curve::max_der_signature_size> der{};
                    const std::size_t n = ecdsa_rs_to_der<Curve>(rs, der);
                    CHECK(to_hex(byte_view(der).first(n)) == t["sig"].str());
                    CHECK(ecdsa_verify_digest<Curve, Engine>(key, digest_of(h, message), rs));
                }
            } else {
                CHECK(ecdsa_verify<Curve, Engine>(key, message, h, signature) == valid);
                if (valid) CHECK(ecdsa_verify<Curve, Engine>(compressed, message, h, signature));
            }
            ++run;
            valid_count += valid ? 1 : 0;
        }
    }
    CHECK(run == file.tests);
    MESSAGE(Case::name() << ": " << path << ": " << run << " tests run (" << valid_count << " valid, "
                         << run - valid_count << " invalid)");
    return run;
}

TEST_CASE_TEMPLATE_DEFINE("ECDSA Wycheproof verification", Case, ecdsa_wycheproof) {
    if (!test_support::nist_engine_runs_here<Case>()) return;
    const auto files = wycheproof_files<typename Case::curve>();
    std::int64_t total = 0, expected = 0;
    for (const auto& file : files) {
        total += run_wycheproof<Case>(file);
        expected += file.tests;
    }
    CHECK(total == expected);
    CHECK(total == (std::is_same_v<typename Case::curve, p256> ? 1632 : 2116));
}
TEST_CASE_TEMPLATE_APPLY(ecdsa_wycheproof, test_support::nist_all_engines);

TEST_CASE_TEMPLATE_DEFINE("ECDSA RFC 6979 A.2.5 and A.2.6", Case, ecdsa_rfc6979) {
    if (!test_support::nist_engine_runs_here<Case>()) return;
    using Curve = typename Case::curve;
    using Engine = typename Case::engine;
    constexpr std::size_t size = Curve::scalar_size;
    const auto doc = test_support::load_vectors("rfc/rfc6979.json");
    REQUIRE(doc["curves"].size() == 2);
    const auto& c = doc["curves"][std::is_same_v<Curve, p256> ? 0 : 1];
    REQUIRE(c["curve"].str() == Curve::name);
    CHECK(c["order"].str() == to_hex(test_support::order_bytes<Curve>()));

    const byte_vector x = unhex(c["private_key"].str());
    const std::string public_hex = "04" + c["public_x"].str() + c["public_y"].str();
    const auto key = ecdsa_private_key<Curve, Engine>::from_scalar(fixed<size>(x));
    REQUIRE(key.ok());
    CHECK(to_hex(key->public_key()) == public_hex);
    bytes<Curve::uncompressed_size> public_key{};
    REQUIRE(ec_public_key<Curve, Engine>(public_key, fixed<size>(x)) == errc::ok);
    CHECK(to_hex(public_key) == public_hex);

    int signatures = 0;
    for (const auto& v : c["signatures"]) {
        CAPTURE(v["hash"].str());
        CAPTURE(v["message"].str());
        const ecdsa_hash h = hash_named(v["hash"].str());
        const byte_vector message = text_bytes(v["message"].str());
        const std::string expected = v["r"].str() + v["s"].str();
        bytes<Curve::signature_size> signature{}, from_digest{};
        key->sign(signature, message, h);
        CHECK(to_hex(signature) == expected);
        key->sign_digest(from_digest, digest_of(h, message), h);
        CHECK(to_hex(from_digest) == expected);
        CHECK(ecdsa_verify<Curve, Engine>(public_key, message, h, signature));
        CHECK(ecdsa_verify<Curve, Engine>(test_support::sec1_compress(public_key), message, h, signature));
        bytes<Curve::max_der_signature_size> der{};
        const std::size_t der_size = ecdsa_rs_to_der<Curve>(signature, der);
        REQUIRE(der_size > 0);
        CHECK(ecdsa_verify_der<Curve, Engine>(public_key, message, h, byte_view(der).first(der_size)));

        // The published nonce k: r is the x-coordinate of kG (below n for these k, so not reduced).
        bytes<Curve::uncompressed_size> k_point{};
        REQUIRE(ec_public_key<Curve, Engine>(k_point, fixed<size>(unhex(v["k"].str()))) == errc::ok);
        CHECK(to_hex(byte_view(k_point).subspan(1, size)) == v["r"].str());

        // Another message, another hash, a changed signature or key: refused.
        CHECK_FALSE(ecdsa_verify<Curve, Engine>(public_key, text_bytes("other"), h, signature));
        const ecdsa_hash other = h == ecdsa_hash::sha256 ? ecdsa_hash::sha512 : ecdsa_hash::sha256;
        CHECK_FALSE(ecdsa_verify<Curve, Engine>(public_key, message, other, signature));
        for (std::size_t bit = 0; bit < 8 * Curve::signature_size; bit += 29) {
            auto changed = signature;
            changed[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            CHECK_FALSE(ecdsa_verify<Curve, Engine>(public_key, message, h, changed));
        }
        CHECK_FALSE(ecdsa_verify<Curve, Engine>(public_key, message, h, byte_view(signature).first(size)));
        auto other_key = public_key;
        other_key[size] ^= 1;  // x changed: off the curve
        CHECK_FALSE(ecdsa_verify<Curve, Engine>(other_key, message, h, signature));
        ++signatures;
    }
    CHECK(signatures == 6);  // SHA-256, SHA-384, SHA-512 times "sample", "test"
}
TEST_CASE_TEMPLATE_APPLY(ecdsa_rfc6979, test_support::nist_all_engines);

// A random private scalar (rejection sampling, as callers do).
template <class Curve>
bytes<Curve::scalar_size> random_scalar(test_support::test_rng& rng) {
    for (;;) {
        const auto scalar = test_support::be_fixed<Curve::scalar_size>(rng.bytes(Curve::scalar_size));
        bytes<Curve::uncompressed_size> unused{};
        if (ec_public_key<Curve, test_support::nist_reference<Curve>>(unused, scalar) == errc::ok) return scalar;
    }
}

TEST_CASE_TEMPLATE_DEFINE("ECDSA hedged signing", Case, ecdsa_hedged) {
    if (!test_support::nist_engine_runs_here<Case>()) return;
    using Curve = typename Case::curve;
    using Engine = typename Case::engine;
    using signature_t = bytes<Curve::signature_size>;
    test_support::test_rng rng(6979);
    for (int i = 0; i < 4; ++i) {
        const auto scalar = random_scalar<Curve>(rng);
        const auto key = ecdsa_private_key<Curve, Engine>::from_scalar(scalar);
        const auto reference = ecdsa_private_key<Curve, test_support::nist_reference<Curve>>::from_scalar(scalar);
        REQUIRE(key.ok());
        REQUIRE(reference.ok());
        const byte_vector message = rng.bytes(rng.below(200));
        for (const std::size_t extra_size : {std::size_t{1}, std::size_t{32}, std::size_t{64}}) {
            CAPTURE(extra_size);
            const byte_vector extra = rng.bytes(extra_size), other_extra = rng.bytes(extra_size);
            signature_t deterministic{}, hedged{}, again{}, other{}, on_reference{};
            key->sign(deterministic, message, ecdsa_hash::sha256);
            key->sign(hedged, message, ecdsa_hash::sha256, extra);
            key->sign(again, message, ecdsa_hash::sha256, extra);
            key->sign(other, message, ecdsa_hash::sha256, other_extra);
            CHECK(hedged != deterministic);
            CHECK(hedged == again);
            CHECK(other != hedged);
            CHECK(other != deterministic);
            // r (the nonce's point) differs too, not only s.
            CHECK(to_hex(byte_view(hedged).first(Curve::scalar_size)) !=
                  to_hex(byte_view(deterministic).first(Curve::scalar_size)));
            for (const signature_t& s : {deterministic, hedged, other})
                CHECK(ecdsa_verify<Curve, Engine>(key->public_key(), message, ecdsa_hash::sha256, s));
            // The hedged nonce depends on the key, message and extra only, not on the engine.
            reference->sign(on_reference, message, ecdsa_hash::sha256, extra);
            CHECK(on_reference == hedged);
        }
    }
}
TEST_CASE_TEMPLATE_APPLY(ecdsa_hedged, test_support::nist_all_engines);

TEST_CASE_TEMPLATE_DEFINE("ECDSA engines agree with the 32-bit portable one", Case, ecdsa_agree) {
    if (!test_support::nist_engine_runs_here<Case>()) return;
    using Curve = typename Case::curve;
    using Engine = typename Case::engine;
    using reference = test_support::nist_reference<Curve>;
    constexpr std::size_t size = Curve::scalar_size;
    test_support::test_rng rng(1865);
    for (int i = 0; i < 12; ++i) {
        byte_vector scalar = rng.bytes(size);
        if (i == 0) scalar = byte_vector(size, 0xff);  // above n: refused by both
        const auto key = ecdsa_private_key<Curve, Engine>::from_scalar(fixed<size>(scalar));
        const auto expected = ecdsa_private_key<Curve, reference>::from_scalar(fixed<size>(scalar));
        REQUIRE(key.ok() == expected.ok());
        if (!key.ok()) continue;
        CHECK(key->public_key() == expected->public_key());
        const byte_vector message = rng.bytes(rng.below(300)), extra = rng.bytes(32);
        for (const ecdsa_hash h : {ecdsa_hash::sha256, ecdsa_hash::sha384, ecdsa_hash::sha512}) {
            bytes<Curve::signature_size> ours{}, theirs{};
            key->sign(ours, message, h);
            expected->sign(theirs, message, h);
            CHECK(ours == theirs);
            key->sign(ours, message, h, extra);
            expected->sign(theirs, message, h, extra);
            CHECK(ours == theirs);
            CHECK(ecdsa_verify<Curve, Engine>(expected->public_key(), message, h, theirs));
            CHECK(ecdsa_verify<Curve, reference>(key->public_key(), message, h, ours));
        }
    }
}
TEST_CASE_TEMPLATE_APPLY(ecdsa_agree, test_support::nist_all_engines);

TEST_CASE_TEMPLATE_DEFINE("ECDSA refuses scalars and signatures out of range", Case, ecdsa_ranges) {
    if (!test_support::nist_engine_runs_here<Case>()) return;
    using Curve = typename Case::curve;
    using Engine = typename Case::engine;
    constexpr std::size_t size = Curve::scalar_size;
    const bytes<size> n = test_support::order_bytes<Curve>(), zero{};
    bytes<size> all_ones{};
    for (auto& b : all_ones) b = 0xff;
    for (const bytes<size>& bad : {zero, n, test_support::add_small(n, 1), all_ones}) {
        CAPTURE(to_hex(bad));
        CHECK(ecdsa_private_key<Curve, Engine>::from_scalar(bad).error() == errc::invalid_argument);
    }
    const auto key = ecdsa_private_key<Curve, Engine>::from_scalar(test_support::add_small(n, -1));
    REQUIRE(key.ok());
    const byte_vector message = text_bytes("range");
    bytes<Curve::signature_size> signature{};
    key->sign(signature, message, ecdsa_hash::sha384);
    REQUIRE(ecdsa_verify<Curve, Engine>(key->public_key(), message, ecdsa_hash::sha384, signature));
    // r or s replaced by 0, n, n + 1 (the same residue as 1) or n + r: refused before any arithmetic.
    for (const int half : {0, 1}) {
        for (const bytes<size>& bad : {zero, n, test_support::add_small(n, 1), all_ones}) {
            auto changed = signature;
            for (std::size_t i = 0; i < size; ++i) changed[static_cast<std::size_t>(half) * size + i] = bad[i];
            CHECK_FALSE(ecdsa_verify<Curve, Engine>(key->public_key(), message, ecdsa_hash::sha384, changed));
        }
    }
}
TEST_CASE_TEMPLATE_APPLY(ecdsa_ranges, test_support::nist_all_engines);

// ---- The DER codec (independent of the engine).

byte_vector der_tlv(std::uint8_t tag, const byte_vector& content) {
    byte_vector out{tag, static_cast<std::uint8_t>(content.size())};
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

byte_vector concat(const byte_vector& a, const byte_vector& b) { return test_support::concat_bytes(a, b); }

TEST_CASE_TEMPLATE("ECDSA DER signatures: round trips and refusals", Curve, p256, p384) {
    constexpr std::size_t size = Curve::scalar_size;
    using rs_t = bytes<Curve::signature_size>;
    using der_t = bytes<Curve::max_der_signature_size>;
    test_support::test_rng rng(3279);

    // Round trips over values with leading zero bytes, with the top bit set (a 00 pad byte), zero.
    for (int i = 0; i < 300; ++i) {
        rs_t rs{};
        const byte_vector random = rng.bytes(rs.size());
        for (std::size_t j = 0; j < rs.size(); ++j) rs[j] = random[j];
        if (i % 5 == 1) for (std::size_t j = 0; j < rng.below(size + 1); ++j) rs[j] = 0;
        if (i % 5 == 2) for (std::size_t j = 0; j < rng.below(size + 1); ++j) rs[size + j] = 0;
        if (i % 5 == 3) rs[0] |= 0x80, rs[size] |= 0x80;
        if (i % 5 == 4) rs[0] &= 0x7f, rs[size] &= 0x7f;
        if (i == 4) rs = rs_t{};
        CAPTURE(to_hex(rs));
        der_t der{};
        const std::size_t n = ecdsa_rs_to_der<Curve>(rs, der);
        REQUIRE(n >= 8);
        REQUIRE(n <= der.size());
        rs_t back{};
        CHECK(ecdsa_der_to_rs<Curve>(byte_view(der).first(n), back));
        CHECK(back == rs);
        // The encoding is the minimal one, built independently here.
        const auto integer = [&](std::size_t from) {
            std::size_t first = from;
            while (first + 1 < from + size && rs[first] == 0) ++first;
            byte_vector content;
            if (rs[first] & 0x80) content.push_back(0);
            content.insert(content.end(), rs.begin() + static_cast<std::ptrdiff_t>(first),
                           rs.begin() + static_cast<std::ptrdiff_t>(from + size));
            return der_tlv(0x02, content);
        };
        CHECK(to_hex(byte_view(der).first(n)) == to_hex(der_tlv(0x30, concat(integer(0), integer(size)))));
        // Every proper prefix and one trailing byte: refused.
        for (std::size_t cut = 0; cut < n; cut += 1 + cut / 4)
            CHECK_FALSE(ecdsa_der_to_rs<Curve>(byte_view(der).first(cut), back));
        byte_vector longer(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(n));
        longer.push_back(0);
        CHECK_FALSE(ecdsa_der_to_rs<Curve>(longer, back));
    }

    // Both values with the top bit set: the largest encoding. One byte less of room: nothing written.
    rs_t top{};
    for (auto& b : top) b = 0xff;
    der_t der{};
    CHECK(ecdsa_rs_to_der<Curve>(top, der) == Curve::max_der_signature_size);
    std::vector<std::uint8_t> small(Curve::max_der_signature_size - 1);
    CHECK(ecdsa_rs_to_der<Curve>(top, small) == 0);

    // Hand-made encodings around r = 1, s = 2^(8*size) - 1 (the largest value that fits).
    const byte_vector one{0x01}, max_value = concat(byte_vector{0x00}, byte_vector(size, 0xff));
    const byte_vector r_good = der_tlv(0x02, one), s_good = der_tlv(0x02, max_value), body = concat(r_good, s_good);
    rs_t rs{};
    REQUIRE(ecdsa_der_to_rs<Curve>(der_tlv(0x30, concat(r_good, s_good)), rs));
    CHECK(rs[size - 1] == 1);
    CHECK(rs[size] == 0xff);
    CHECK(rs[2 * size - 1] == 0xff);

    struct refusal {
        const char* what;
        byte_vector der;
    };
    const byte_vector too_large = concat(byte_vector{0x01}, byte_vector(size, 0)),        // 2^(8*size)
        much_too_large = concat(byte_vector{0x00, 0x80}, byte_vector(size, 0));           // size + 2 bytes
    const std::vector<refusal> refusals = {
        {"empty", {}},
        {"non-minimal INTEGER (00 01)", der_tlv(0x30, concat(der_tlv(0x02, {0x00, 0x01}), s_good))},
        {"non-minimal INTEGER (00 00)", der_tlv(0x30, concat(r_good, der_tlv(0x02, {0x00, 0x00})))},
        {"non-minimal (00 pad before a value below 0x80)",
         der_tlv(0x30, concat(r_good, der_tlv(0x02, concat(byte_vector{0x00}, byte_vector(size, 0x7f)))))},
        {"negative INTEGER (80)", der_tlv(0x30, concat(der_tlv(0x02, {0x80}), s_good))},
        {"negative INTEGER (ff ...)", der_tlv(0x30, concat(r_good, der_tlv(0x02, byte_vector(size, 0xff))))},
        {"empty INTEGER", der_tlv(0x30, concat(der_tlv(0x02, {}), s_good))},
        {"long-form SEQUENCE length", concat(byte_vector{0x30, 0x81, static_cast<std::uint8_t>(body.size())}, body)},
        {"long-form INTEGER length", der_tlv(0x30, concat(byte_vector{0x02, 0x81, 0x01, 0x01}, s_good))},
        {"indefinite SEQUENCE length", concat(concat(byte_vector{0x30, 0x80}, concat(r_good, s_good)), {0x00, 0x00})},
        {"trailing byte after the SEQUENCE", concat(der_tlv(0x30, concat(r_good, s_good)), {0x00})},
        {"a third INTEGER in the SEQUENCE", der_tlv(0x30, concat(concat(r_good, s_good), r_good))},
        {"one INTEGER only", der_tlv(0x30, r_good)},
        {"SEQUENCE length one too long", [&] {
             byte_vector v = der_tlv(0x30, concat(r_good, s_good));
             ++v[1];
             return v;
         }()},
        {"SEQUENCE length one too short", [&] {
             byte_vector v = der_tlv(0x30, concat(r_good, s_good));
             --v[1];
             return v;
         }()},
        {"INTEGER length past the SEQUENCE", der_tlv(0x30, concat(r_good, byte_vector{0x02, 0x05, 0x01}))},
        {"INTEGER too large (2^(8*size))", der_tlv(0x30, concat(r_good, der_tlv(0x02, too_large)))},
        {"INTEGER too large (size + 2 bytes)", der_tlv(0x30, concat(der_tlv(0x02, much_too_large), s_good))},
        {"SET instead of SEQUENCE", der_tlv(0x31, concat(r_good, s_good))},
        {"BIT STRING instead of INTEGER", der_tlv(0x30, concat(der_tlv(0x03, one), s_good))},
        {"constructed SEQUENCE tag only", {0x30}},
    };
    for (const refusal& r : refusals) {
        CAPTURE(r.what);
        CAPTURE(to_hex(r.der));
        rs_t out{};
        CHECK_FALSE(ecdsa_der_to_rs<Curve>(r.der, out));
    }
}

}  // namespace test_ecdsa
