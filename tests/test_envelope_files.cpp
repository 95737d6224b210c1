// The age v1 envelope beyond the kit: scrypt and PBKDF2 (RFC 7914 §11, §12), unpadded base64 and
// Bech32, encrypt/decrypt round trips at chunk boundaries, random access against full decryption,
// rewrap (KEK rotation) leaving the payload byte-identical, and the hybrid post-quantum keys.
#include <array>
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "carapace/envelope/envelope.hpp"
#include "carapace/kdf/pbkdf2.hpp"
#include "carapace/kdf/scrypt.hpp"
#include "support/age_kit.hpp"
#include "support/vectors.hpp"

namespace {

namespace env = carapace::envelope;
using test_support::byte_vector;

carapace::byte_view text_view(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class seeded_random final : public env::random_source {
public:
    explicit seeded_random(std::uint64_t seed) : rng_(seed) {}
    void fill(carapace::byte_span out) noexcept override {
        for (auto& b : out) b = static_cast<std::uint8_t>(rng_.next() >> 56);
    }

private:
    test_support::test_rng rng_;
};

// Encrypts `plain` for `recipients`: header, nonce, chunks, fed in random pieces.
std::string age_encrypt(const byte_vector& plain, std::span<env::key_wrapper* const> recipients,
                        env::random_source& rng, std::uint64_t split_seed) {
    std::vector<char> header(4096);
    std::size_t header_size = 0;
    env::file_key key{};
    carapace::bytes<16> nonce{};
    REQUIRE(env::begin_file(recipients, rng, header, header_size, key, nonce) == env::error::ok);
    std::string out(header.data(), header_size);
    out.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
    auto enc = std::make_unique<env::stream_encryptor>(env::payload_key(key, nonce));
    std::vector<std::uint8_t> sealed(env::sealed_chunk_size);
    test_support::test_rng split(split_seed);
    std::size_t pos = 0;
    while (pos < plain.size()) {
        const std::size_t piece = 1 + split.below(std::min<std::size_t>(plain.size() - pos, 100000));
        std::size_t used = 0;
        while (used < piece) {
            const auto s = enc->update(carapace::byte_view(plain.data() + pos + used, piece - used), sealed);
            REQUIRE(s.status == env::error::ok);
            out.append(reinterpret_cast<const char*>(sealed.data()), s.produced);
            used += s.consumed;
        }
        pos += piece;
    }
    const auto s = enc->finish(sealed);
    REQUIRE(s.status == env::error::ok);
    out.append(reinterpret_cast<const char*>(sealed.data()), s.produced);
    return out;
}

std::string as_string(const byte_vector& v) { return std::string(v.begin(), v.end()); }

}  // namespace

TEST_CASE("envelope: PBKDF2-HMAC-SHA256 and scrypt, RFC 7914 §11 and §12") {
    using test_support::unhex;
    byte_vector out(64);
    REQUIRE(carapace::pbkdf2<carapace::sha256>(text_view("passwd"), text_view("salt"), 1, out) == carapace::errc::ok);
    CHECK(out == unhex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"));
    REQUIRE(carapace::pbkdf2<carapace::sha256>(text_view("Password"), text_view("NaCl"), 80000, out) == carapace::errc::ok);
    CHECK(out == unhex("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"));

    struct vector {
        const char* password;
        const char* salt;
        std::uint64_t n;
        std::uint32_t r, p;
        const char* key;
    };
    const vector vectors[] = {
        {"", "", 16, 1, 1, "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"},
        {"password", "NaCl", 1024, 8, 16, "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
        {"pleaseletmein", "SodiumChloride", 16384, 8, 1, "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"},
        {"pleaseletmein", "SodiumChloride", 1048576, 8, 1, "2101cb9b6a511aaeaddbbe09cf70f881ec568d574a2ffd4dabe5ee9820adaa478e56fd8f4ba5d09ffa1c6d927c40f4c337304049e8a952fbcbf45c6fa77a41a4"},
    };
    for (const auto& v : vectors) {
        CAPTURE(v.n);
        std::vector<std::uint32_t> work(carapace::scrypt_work_words(v.n, v.r));
        REQUIRE(carapace::scrypt(text_view(v.password), text_view(v.salt), v.n, v.r, v.p, work, v.n, out) ==
                carapace::errc::ok);
        CHECK(out == unhex(v.key));
        // Above the caller's ceiling, or with too little memory: refused, nothing computed.
        CHECK(carapace::scrypt(text_view(v.password), text_view(v.salt), v.n, v.r, v.p, work, v.n / 2, out) ==
              carapace::errc::limit_exceeded);
        CHECK(carapace::scrypt(text_view(v.password), text_view(v.salt), v.n, v.r, v.p,
                               std::span<std::uint32_t>(work).first(work.size() - 1), v.n, out) ==
              carapace::errc::limit_exceeded);
    }
    std::vector<std::uint32_t> work(carapace::scrypt_work_words(16, 1));
    CHECK(carapace::scrypt({}, {}, 15, 1, 1, work, 16, out) == carapace::errc::invalid_argument);
    CHECK(carapace::scrypt({}, {}, 1, 1, 1, work, 16, out) == carapace::errc::invalid_argument);
    CHECK(carapace::scrypt({}, {}, 16, 0, 1, work, 16, out) == carapace::errc::invalid_argument);
}

TEST_CASE("envelope: unpadded base64 is canonical, and encode inverts decode") {
    carapace::bytes<8> out{};
    CHECK(carapace::base64::decode_unpadded("Zg", out).value() == 1);
    CHECK(!carapace::base64::decode_unpadded("Zh", out));   // unused bits set
    CHECK(!carapace::base64::decode_unpadded("Zg==", out));  // padding
    CHECK(!carapace::base64::decode_unpadded("Z", out));     // 1 mod 4
    CHECK(!carapace::base64::decode_unpadded("Zm 9", out));
    test_support::test_rng rng(3);
    for (std::size_t n = 0; n < 70; ++n) {
        const auto data = rng.bytes(n);
        for (const bool padded : {false, true}) {
            std::string text(carapace::base64::encoded_size(n, padded), '\0');
            REQUIRE(carapace::base64::encode(data, text, padded).value() == text.size());
            byte_vector back(n + 3);
            const auto r = padded ? carapace::base64::decode(text, back) : carapace::base64::decode_unpadded(text, back);
            REQUIRE(r);
            back.resize(r.value());
            CHECK(back == data);
        }
    }
}

TEST_CASE("envelope: Bech32 keys as age-keygen writes them") {
    // A kit identity, and the recipient age derives from it (x25519 vector's stanza target).
    const std::string identity = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
    carapace::bytes<32> key{};
    REQUIRE(env::x25519_identity::parse(identity, key));
    env::x25519_identity id(key);
    std::array<char, env::identity_text_size> id_text{};
    REQUIRE(id.identity_text(id_text) == id_text.size());
    CHECK(std::string(id_text.data(), id_text.size()) == identity);
    std::array<char, env::recipient_text_size> r_text{};
    REQUIRE(id.recipient_text(r_text) == r_text.size());
    carapace::bytes<32> pub{};
    REQUIRE(env::x25519_recipient::parse(std::string_view(r_text.data(), r_text.size()), pub));
    CHECK(pub == id.public_key());
    // Mixed case, a changed digit, the wrong prefix: refused.
    std::string bad = identity;
    bad[20] = static_cast<char>(std::tolower(bad[20]));
    CHECK(!env::x25519_identity::parse(bad, key));
    bad = identity;
    bad[30] = bad[30] == 'Q' ? 'P' : 'Q';
    CHECK(!env::x25519_identity::parse(bad, key));
    CHECK(!env::x25519_recipient::parse(identity, pub));
}

TEST_CASE("envelope: round trips at chunk boundaries, random access, rewrap with KEK rotation") {
    seeded_random rng(11);
    carapace::bytes<32> sk{};
    rng.fill(sk);
    env::x25519_identity alice(sk);
    const env::kek ring_keys[] = {{"saves-prod", 1, {}}, {"saves-prod", 2, {}}};
    env::kek keys[2] = {ring_keys[0], ring_keys[1]};
    rng.fill(keys[0].key);
    rng.fill(keys[1].key);
    env::kek_ring ring_v1(keys, "saves-prod", 1);
    env::kek_ring ring_v2(keys, "saves-prod", 2);
    env::kek_ring only_v2(std::span<const env::kek>(keys).subspan(1), "saves-prod", 2);

    test_support::test_rng data_rng(5);
    const std::size_t c = env::chunk_size;
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, c - 1, c, c + 1, 2 * c, 3 * c + 17}) {
        CAPTURE(size);
        const auto plain = data_rng.bytes(size);
        env::key_wrapper* recipients[] = {&alice, &ring_v1};
        const std::string file = age_encrypt(plain, recipients, rng, size + 1);
        for (env::key_wrapper* who : {static_cast<env::key_wrapper*>(&alice), static_cast<env::key_wrapper*>(&ring_v1)}) {
            env::key_wrapper* ids[] = {who};
            const auto r = test_support::age_decrypt(file, false, ids, size + 2);
            CHECK(r.error == env::error::ok);
            CHECK(r.released == as_string(plain));
        }
        // Armored, through the armor encoder.
        std::vector<char> armored(env::armor::encoded_size(file.size()));
        REQUIRE(env::armor::encode(text_view(file), armored) == armored.size());
        env::key_wrapper* ids[] = {&alice};
        CHECK(test_support::age_decrypt(std::string(armored.begin(), armored.end()), true, ids).released ==
              as_string(plain));

        // Random access: every chunk alone, and byte ranges, equal slices of the plaintext.
        env::opened_header opened;
        REQUIRE(env::open_header(file, ids, opened) == env::error::ok);
        const env::random_access ra(env::payload_key(opened.key, opened.nonce), file.size() - opened.payload_offset);
        REQUIRE(ra.status() == env::error::ok);
        CHECK(ra.plaintext_size() == size);
        std::vector<std::uint8_t> chunk(env::chunk_size);
        for (int trial = 0; trial < 4 && size > 0; ++trial) {
            const std::size_t start = data_rng.below(size), end = start + 1 + data_rng.below(size - start);
            std::string got;
            for (std::uint64_t i = env::random_access::chunk_of(start); i <= env::random_access::chunk_of(end - 1); ++i) {
                const auto where = ra.sealed_range(i);
                std::size_t n = 0;
                REQUIRE(ra.open_chunk(i, text_view(file).subspan(static_cast<std::size_t>(opened.payload_offset + where.offset), static_cast<std::size_t>(where.size)), chunk,
                                      n) == env::error::ok);
                const std::size_t base = static_cast<std::size_t>(i) * env::chunk_size;
                const std::size_t from = std::max(start, base) - base, to = std::min(end, base + n) - base;
                got.append(reinterpret_cast<const char*>(chunk.data()) + from, to - from);
            }
            CHECK(got == as_string(plain).substr(start, end - start));
        }
        // A chunk presented under another index fails and leaves nothing behind.
        if (ra.chunk_count() > 1) {
            const auto where = ra.sealed_range(0);
            std::size_t n = 1;
            CHECK(ra.open_chunk(1, text_view(file).subspan(static_cast<std::size_t>(opened.payload_offset + where.offset), static_cast<std::size_t>(where.size)), chunk, n) !=
                  env::error::ok);
            CHECK(n == 0);
        }

        // Rewrap to KEK version 2: the payload is byte-identical; old and new files open with the
        // ring that holds both versions, the old one no longer with a ring of version 2 only.
        env::key_wrapper* old_ids[] = {&ring_v1};
        env::key_wrapper* new_recipients[] = {&ring_v2};
        std::vector<char> new_header(4096);
        std::size_t new_size = 0, old_size = 0;
        REQUIRE(env::rewrap(file, old_ids, new_recipients, rng, new_header, new_size, old_size) == env::error::ok);
        const std::string rewrapped = std::string(new_header.data(), new_size) + file.substr(old_size);
        CHECK(rewrapped.substr(new_size) == file.substr(old_size));
        CHECK(rewrapped.find("carapace/aes-256-gcm-kek saves-prod 2 ") != std::string::npos);
        env::key_wrapper* v2[] = {&only_v2};
        CHECK(test_support::age_decrypt(rewrapped, false, v2).released == as_string(plain));
        CHECK(test_support::age_decrypt(file, false, v2).error == env::error::no_match);
        env::key_wrapper* both[] = {&ring_v2};
        CHECK(test_support::age_decrypt(file, false, both).released == as_string(plain));
        CHECK(test_support::age_decrypt(rewrapped, false, ids).error == env::error::no_match);
    }
}

TEST_CASE("envelope: tampering and truncation are caught in the right class") {
    seeded_random rng(12);
    carapace::bytes<32> sk{};
    rng.fill(sk);
    env::x25519_identity alice(sk);
    env::key_wrapper* ids[] = {&alice};
    test_support::test_rng data_rng(6);
    const auto plain = data_rng.bytes(3 * env::chunk_size);
    const std::string file = age_encrypt(plain, ids, rng, 9);
    env::header_view h;
    REQUIRE(env::parse_header(file, h) == env::error::ok);
    // A flipped bit in the MAC: HMAC failure; in the header's version line: header failure.
    std::string bad = file;
    bad[h.text.size() - 5] = bad[h.text.size() - 5] == 'A' ? 'B' : 'A';
    CHECK(test_support::age_decrypt(bad, false, ids).error == env::error::hmac_mismatch);
    bad = file;
    bad[3] = 'X';
    CHECK(test_support::age_decrypt(bad, false, ids).error == env::error::header_malformed);
    // Truncated to a chunk boundary: both full chunks authenticate (as non-final) and are released,
    // then the missing final chunk is a payload failure.
    const std::size_t first = h.text.size() + 16;
    const auto r = test_support::age_decrypt(file.substr(0, first + 2 * env::sealed_chunk_size), false, ids);
    CHECK(r.error == env::error::payload_corrupt);
    CHECK(r.released == as_string(plain).substr(0, 2 * env::chunk_size));
    // A scrypt work factor above the ceiling is refused before any work.
    std::vector<std::uint32_t> work(env::scrypt_work_words_for(10));
    env::scrypt_passphrase weak(text_view("pw"), work, 10, 10);
    env::scrypt_passphrase strict(text_view("pw"), work, 9, 9);
    env::key_wrapper* enc[] = {&weak};
    const std::string pw_file = age_encrypt(plain, enc, rng, 3);
    env::key_wrapper* dec[] = {&strict};
    CHECK(test_support::age_decrypt(pw_file, false, dec).error == env::error::work_factor_refused);
    CHECK(test_support::age_decrypt(pw_file, false, enc).released == as_string(plain));
}

TEST_CASE("envelope: hybrid (ML-KEM-768 + X25519) keys as the spec prints them, and round trips") {
    // The spec's example identity gives the spec's example recipient.
    std::map<std::string, std::string> spec;
    {
        const std::string text = test_support::read_vector_file("hpke/age-hybrid-key.txt");
        std::size_t pos = 0;
        while (pos < text.size()) {
            const std::size_t nl = text.find('\n', pos);
            const std::string line = text.substr(pos, nl - pos);
            pos = nl == std::string::npos ? text.size() : nl + 1;
            if (const std::size_t eq = line.find(" = "); !line.starts_with("#") && eq != std::string::npos)
                spec[line.substr(0, eq)] = line.substr(eq + 3);
        }
    }
    REQUIRE(spec.size() == 2);
    carapace::bytes<32> seed{};
    REQUIRE(env::hybrid_identity::parse(spec.at("identity"), seed));
    env::hybrid_identity id(seed);
    REQUIRE(id.valid());
    std::array<char, env::hybrid_identity_text_size> id_text{};
    std::array<char, env::hybrid_recipient_text_size> r_text{};
    REQUIRE(id.identity_text(id_text) == id_text.size());
    REQUIRE(id.recipient_text(r_text) == r_text.size());
    CHECK(std::string(id_text.data(), id_text.size()) == spec.at("identity"));
    CHECK(std::string(r_text.data(), r_text.size()) == spec.at("recipient"));
    env::hybrid_recipient::public_key_bytes pub{};
    REQUIRE(env::hybrid_recipient::parse(spec.at("recipient"), pub));
    CHECK(pub == id.public_key());
    // Neither kind of key passes for the other, nor for an X25519 one.
    carapace::bytes<32> x{};
    CHECK(!env::x25519_identity::parse(spec.at("identity"), x));
    CHECK(!env::x25519_recipient::parse(spec.at("recipient"), x));
    CHECK(!env::hybrid_identity::parse("AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0", x));
    std::string upper = spec.at("recipient");
    upper[10] = static_cast<char>(std::toupper(upper[10]));
    CHECK(!env::hybrid_recipient::parse(upper, pub));
    // A recipient whose ML-KEM key fails the modulus check (its first coefficient 4095).
    auto bad_pub = id.public_key();
    bad_pub[0] = 0xff;
    bad_pub[1] |= 0x0f;
    std::array<char, env::hybrid_recipient_text_size> bad_text{};
    REQUIRE(env::bech32::encode("age1pq", bad_pub, false, bad_text) == bad_text.size());
    CHECK(!env::hybrid_recipient::parse(std::string_view(bad_text.data(), bad_text.size()), pub));

    // Encrypt to the hybrid recipient and an X25519 one; each identity opens the file alone.
    seeded_random rng(21);
    carapace::bytes<32> sk{};
    rng.fill(sk);
    env::x25519_identity classic(sk);
    env::hybrid_recipient to_pq(id.public_key());
    test_support::test_rng data_rng(8);
    const auto plain = data_rng.bytes(env::chunk_size + 5);
    env::key_wrapper* recipients[] = {&to_pq, &classic};
    const std::string file = age_encrypt(plain, recipients, rng, 4);
    for (env::key_wrapper* who : {static_cast<env::key_wrapper*>(&id), static_cast<env::key_wrapper*>(&classic)}) {
        env::key_wrapper* ids[] = {who};
        const auto r = test_support::age_decrypt(file, false, ids, 3);
        CHECK(r.error == env::error::ok);
        CHECK(r.released == as_string(plain));
    }
    // The stanza's shape: the type, enc as 1494 base64 digits, a 32-byte body.
    env::header_view h;
    REQUIRE(env::parse_header(file, h) == env::error::ok);
    env::stanza_reader reader(h);
    env::stanza s;
    REQUIRE(reader.next(s));
    CHECK(s.type == "mlkem768x25519");
    CHECK(s.arg_count == 1);
    CHECK(s.arg(0).size() == env::hybrid_enc_text_size);
    CHECK(s.body_size() == 32);
    // Another hybrid identity finds no match; an identity wraps to itself.
    carapace::bytes<32> other_seed = seed;
    other_seed[0] ^= 1;
    env::hybrid_identity other(other_seed);
    env::key_wrapper* others[] = {&other};
    CHECK(test_support::age_decrypt(file, false, others).error == env::error::no_match);
    env::key_wrapper* self[] = {&id};
    CHECK(test_support::age_decrypt(age_encrypt(plain, self, rng, 5), false, self).released == as_string(plain));
}
