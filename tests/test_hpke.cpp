// HPKE (RFC 9180) with HKDF-SHA256 and ChaCha20-Poly1305: the RFC's Appendix A.2 vectors for
// DHKEM(X25519) in base and PSK modes (key pairs, encapsulation, key schedule, every listed
// encryption in sequence, exports; the key schedule also in constant evaluation), the PSK input
// rules, and the MLKEM768-X25519 (X-Wing) KEM against draft-connolly-cfrg-xwing-kem-08's vectors,
// with its refusals.
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "carapace/hpke/hpke.hpp"
#include "support/vectors.hpp"

namespace {

namespace hpke = carapace::hpke;
using test_support::byte_vector;
using test_support::unhex;

// "key: value" records of a vector file, a new record at each `first_key`.
using record = std::map<std::string, std::string>;
std::vector<record> read_records(std::string_view file, std::string_view first_key, std::string_view separator) {
    std::vector<record> out;
    const std::string text = test_support::read_vector_file(file);
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        const std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        const std::size_t sep = line.find(separator);
        if (line.empty() || line[0] == '#' || sep == std::string::npos) continue;
        const std::string key = line.substr(0, sep);
        const std::string value = line.substr(sep + separator.size());
        if (key == first_key || out.empty()) out.emplace_back();
        out.back()[key] = value;
    }
    return out;
}

template <std::size_t N>
carapace::fixed_view<N> fixed(const byte_vector& v) {
    REQUIRE(v.size() == N);
    return carapace::fixed_view<N>(v.data(), N);
}

carapace::byte_view text_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

template <std::size_t N>
consteval carapace::bytes<N> from_hex(std::string_view text) {
    carapace::bytes<N> out{};
    if (text.size() != 2 * N || carapace::hex::decode(text, out) != carapace::errc::ok) test_support::constant_evaluation_failed();
    return out;
}

// The key schedule in constant evaluation: RFC 9180 A.2.1's shared secret and info give its key,
// base nonce and exporter secret.
consteval bool schedule_matches_rfc9180_a21() {
    const auto shared = from_hex<32>("0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7");
    const auto info = from_hex<20>("4f6465206f6e2061204772656369616e2055726e");
    hpke::context c;
    if (c.schedule(hpke::dhkem_x25519::id, hpke::mode::base, shared, info, {}, {}) != carapace::errc::ok) return false;
    return c.key() == from_hex<32>("ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91") &&
           c.base_nonce() == from_hex<12>("5c4d98150661b848853b547f") &&
           c.exporter_secret() == from_hex<32>("a3b010d4994890e2c6968a36f64470d3c824c8f5029942feb11e7a74b2921922");
}
static_assert(schedule_matches_rfc9180_a21());

}  // namespace

TEST_CASE("hpke: RFC 9180 A.2, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305") {
    // The file in order: a setup, its encryptions, its exports; then the next section.
    std::vector<record> lines;  // every "key: value" line as its own record, in order
    {
        const std::string text = test_support::read_vector_file("hpke/rfc9180-a2.txt");
        std::size_t pos = 0;
        while (pos < text.size()) {
            std::size_t nl = text.find('\n', pos);
            if (nl == std::string::npos) nl = text.size();
            const std::string line = text.substr(pos, nl - pos);
            pos = nl + 1;
            const std::size_t sep = line.find(": ");
            if (line.empty() || line[0] == '#' || sep == std::string::npos) continue;
            lines.push_back({{line.substr(0, sep), line.substr(sep + 2)}});
        }
    }
    std::size_t sections = 0, encryptions = 0, exports = 0;
    for (std::size_t i = 0; i < lines.size();) {
        REQUIRE(lines[i].count("section") == 1);
        const std::string name = lines[i].at("section");
        CAPTURE(name);
        ++i;
        record setup;
        while (i < lines.size() && !lines[i].count("sequence number") && !lines[i].count("section")) {
            setup.insert(lines[i].begin(), lines[i].end());
            ++i;
        }
        const auto m = setup.at("mode") == "0" ? hpke::mode::base : hpke::mode::psk;
        CHECK(setup.at("kem_id") == "32");
        CHECK(setup.at("kdf_id") == "1");
        CHECK(setup.at("aead_id") == "3");
        const auto info = unhex(setup.at("info"));
        const auto psk = m == hpke::mode::psk ? unhex(setup.at("psk")) : byte_vector{};
        const auto psk_id = m == hpke::mode::psk ? unhex(setup.at("psk_id")) : byte_vector{};

        // DeriveKeyPair for both sides.
        carapace::bytes<32> sk{}, pk{};
        REQUIRE(hpke::dhkem_x25519::derive_key_pair(unhex(setup.at("ikmE")), sk, pk) == carapace::errc::ok);
        CHECK(test_support::to_hex(sk) == setup.at("skEm"));
        CHECK(test_support::to_hex(pk) == setup.at("pkEm"));
        REQUIRE(hpke::dhkem_x25519::derive_key_pair(unhex(setup.at("ikmR")), sk, pk) == carapace::errc::ok);
        CHECK(test_support::to_hex(sk) == setup.at("skRm"));
        CHECK(test_support::to_hex(pk) == setup.at("pkRm"));

        const auto ikm_e = unhex(setup.at("ikmE"));
        hpke::context sender, receiver;
        carapace::bytes<32> enc{};
        REQUIRE(hpke::setup_sender<hpke::dhkem_x25519>(m, pk, fixed<32>(ikm_e), info, psk, psk_id, enc, sender) ==
                carapace::errc::ok);
        CHECK(test_support::to_hex(enc) == setup.at("enc"));
        REQUIRE(hpke::setup_receiver<hpke::dhkem_x25519>(m, enc, sk, info, psk, psk_id, receiver) == carapace::errc::ok);
        for (const hpke::context* c : {&sender, &receiver}) {
            CHECK(test_support::to_hex(c->key()) == setup.at("key"));
            CHECK(test_support::to_hex(c->base_nonce()) == setup.at("base_nonce"));
            CHECK(test_support::to_hex(c->exporter_secret()) == setup.at("exporter_secret"));
        }

        // Encryptions: listed at some sequence numbers; the ones between are sealed and opened too.
        while (i < lines.size() && lines[i].count("sequence number")) {
            record e;
            for (int k = 0; k < 5; ++k, ++i) {
                REQUIRE(i < lines.size());
                e.insert(lines[i].begin(), lines[i].end());
            }
            const auto seq = std::stoull(e.at("sequence number"));
            CAPTURE(seq);
            const auto pt = unhex(e.at("pt")), aad = unhex(e.at("aad"));
            byte_vector sealed(pt.size() + hpke::tag_size), opened(pt.size());
            while (sender.sequence() < seq) {
                REQUIRE(sender.seal({}, pt, sealed) == carapace::errc::ok);
                REQUIRE(receiver.open({}, sealed, opened) == carapace::errc::ok);
            }
            REQUIRE(sender.seal(aad, pt, sealed) == carapace::errc::ok);
            CHECK(test_support::to_hex(sealed) == e.at("ct"));
            // A flipped bit fails, wipes the output and leaves the sequence where it was.
            byte_vector bad = sealed;
            bad[bad.size() / 2] ^= 1;
            CHECK(receiver.open(aad, bad, opened) == carapace::errc::authentication_failed);
            CHECK(opened == byte_vector(pt.size()));
            CHECK(receiver.sequence() == seq);
            REQUIRE(receiver.open(aad, sealed, opened) == carapace::errc::ok);
            CHECK(opened == pt);
            ++encryptions;
        }
        while (i < lines.size() && lines[i].count("exporter_context")) {
            const auto context = unhex(lines[i].at("exporter_context"));
            REQUIRE(i + 2 < lines.size());
            const auto length = std::stoul(lines[i + 1].at("L"));
            const std::string expected = lines[i + 2].at("exported_value");
            i += 3;
            byte_vector a(length), b(length);
            REQUIRE(sender.export_secret(context, a) == carapace::errc::ok);
            REQUIRE(receiver.export_secret(context, b) == carapace::errc::ok);
            CHECK(test_support::to_hex(a) == expected);
            CHECK(a == b);
            ++exports;
        }
        ++sections;
    }
    CHECK(sections == 2);
    CHECK(encryptions == 12);
    CHECK(exports == 6);
}

TEST_CASE("hpke: PSK inputs must match the mode; a failed setup leaves no usable context") {
    const carapace::bytes<32> shared{1}, psk{2};
    const auto id = text_bytes("id");
    hpke::context c;
    byte_vector out(16), sealed(16 + hpke::tag_size);
    CHECK(c.schedule(hpke::dhkem_x25519::id, hpke::mode::base, shared, {}, psk, id) == carapace::errc::invalid_argument);
    CHECK(c.seal({}, out, sealed) == carapace::errc::invalid_argument);
    CHECK(c.export_secret({}, out) == carapace::errc::invalid_argument);
    CHECK(c.schedule(hpke::dhkem_x25519::id, hpke::mode::psk, shared, {}, {}, {}) == carapace::errc::invalid_argument);
    CHECK(c.schedule(hpke::dhkem_x25519::id, hpke::mode::psk, shared, {}, psk, {}) == carapace::errc::invalid_argument);
    CHECK(c.schedule(hpke::dhkem_x25519::id, hpke::mode::psk, shared, {}, carapace::byte_view(psk).first(31), id) ==
          carapace::errc::invalid_argument);
    REQUIRE(c.schedule(hpke::dhkem_x25519::id, hpke::mode::psk, shared, {}, psk, id) == carapace::errc::ok);
    CHECK(c.seal({}, out, sealed) == carapace::errc::ok);
    byte_vector short_out(8);
    CHECK(c.seal({}, out, short_out) == carapace::errc::buffer_too_small);
    // A small-order public key (here 0): the DH output is zero and setup refuses.
    const carapace::bytes<32> zero{}, random{7};
    carapace::bytes<32> enc{};
    hpke::context s;
    CHECK(hpke::setup_sender<hpke::dhkem_x25519>(hpke::mode::base, zero, random, {}, {}, {}, enc, s) ==
          carapace::errc::invalid_argument);
    CHECK(hpke::setup_receiver<hpke::dhkem_x25519>(hpke::mode::base, zero, random, {}, {}, {}, s) ==
          carapace::errc::invalid_argument);
}

TEST_CASE("hpke: MLKEM768-X25519 (X-Wing), draft-connolly-cfrg-xwing-kem-08 vectors") {
    using kem = hpke::mlkem768_x25519;
    const auto records = read_records("hpke/xwing.txt", "sk", " = ");
    REQUIRE(records.size() == 2);
    for (const auto& v : records) {
        const auto sk = unhex(v.at("sk")), pk = unhex(v.at("pk")), eseed = unhex(v.at("eseed"));
        const auto ct = unhex(v.at("ct")), ss = unhex(v.at("ss"));
        carapace::bytes<kem::public_key_size> public_key{};
        REQUIRE(kem::public_key(fixed<32>(sk), public_key) == carapace::errc::ok);
        CHECK(test_support::to_hex(public_key) == v.at("pk"));
        carapace::bytes<kem::enc_size> enc{};
        carapace::bytes<32> secret{}, again{};
        REQUIRE(kem::encapsulate(fixed<kem::public_key_size>(pk), fixed<64>(eseed), enc, secret) == carapace::errc::ok);
        CHECK(test_support::to_hex(enc) == v.at("ct"));
        CHECK(test_support::to_hex(secret) == v.at("ss"));
        REQUIRE(kem::decapsulate(fixed<kem::enc_size>(ct), fixed<32>(sk), again) == carapace::errc::ok);
        CHECK(test_support::to_hex(again) == v.at("ss"));

        // Another key's decapsulation gives an unrelated secret (implicit rejection), no error.
        carapace::bytes<32> other_sk{};
        other_sk[0] = 1;
        REQUIRE(kem::decapsulate(fixed<kem::enc_size>(ct), other_sk, again) == carapace::errc::ok);
        CHECK(again != secret);
        // A small-order X25519 share (0 and 1 are of order 1 and 4): refused.
        for (const std::uint8_t low : {std::uint8_t{0}, std::uint8_t{1}}) {
            auto bad = enc;
            for (std::size_t i = kem::pq_ciphertext_size; i < kem::enc_size; ++i) bad[i] = 0;
            bad[kem::pq_ciphertext_size] = low;
            CHECK(kem::decapsulate(bad, fixed<32>(sk), again) == carapace::errc::invalid_argument);
            CHECK(again == carapace::bytes<32>{});
        }
        // An encapsulation key failing ML-KEM's modulus check: refused.
        auto bad_pk = public_key;
        bad_pk[0] = 0xff;
        bad_pk[1] |= 0x0f;
        CHECK(kem::encapsulate(bad_pk, fixed<64>(eseed), enc, secret) == carapace::errc::invalid_argument);
    }
}

TEST_CASE("hpke: SealBase/OpenBase with MLKEM768-X25519 round trip, wrong key and tampering fail") {
    using kem = hpke::mlkem768_x25519;
    test_support::test_rng rng(11);
    const auto info = text_bytes("age-encryption.org/mlkem768x25519");
    for (int round = 0; round < 3; ++round) {
        const auto seed = rng.bytes(32), random = rng.bytes(64), message = rng.bytes(16 + static_cast<std::size_t>(round));
        carapace::bytes<kem::public_key_size> pk{};
        REQUIRE(kem::public_key(fixed<32>(seed), pk) == carapace::errc::ok);
        carapace::bytes<kem::enc_size> enc{};
        byte_vector sealed(message.size() + hpke::tag_size), opened(message.size());
        REQUIRE(hpke::seal_base<kem>(pk, fixed<64>(random), info, {}, message, enc, sealed) == carapace::errc::ok);
        REQUIRE(hpke::open_base<kem>(enc, fixed<32>(seed), info, {}, sealed, opened) == carapace::errc::ok);
        CHECK(opened == message);
        CHECK(hpke::open_base<kem>(enc, fixed<32>(seed), text_bytes("other info"), {}, sealed, opened) ==
              carapace::errc::authentication_failed);
        auto other = seed;
        other[5] ^= 1;
        CHECK(hpke::open_base<kem>(enc, fixed<32>(other), info, {}, sealed, opened) == carapace::errc::authentication_failed);
        CHECK(opened == byte_vector(message.size()));
        auto bad_enc = enc;
        bad_enc[100] ^= 4;  // inside the ML-KEM ciphertext
        CHECK(hpke::open_base<kem>(bad_enc, fixed<32>(seed), info, {}, sealed, opened) ==
              carapace::errc::authentication_failed);
    }
}
