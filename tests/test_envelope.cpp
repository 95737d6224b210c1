// The age v1 envelope against the age test kit (C2SP CCTV): every vector gives its expected
// result class, and the plaintext released before a payload failure hashes to the kit's value.
// Header and armor re-encoding round trips on the vectors, per the kit's README.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "carapace/envelope/envelope.hpp"
#include "carapace/hash/sha256.hpp"
#include "support/age_kit.hpp"
#include "support/vectors.hpp"

namespace {

namespace env = carapace::envelope;
using test_support::byte_vector;

std::string sha256_hex(const std::string& s) {
    const auto d = carapace::sha256::hash(
        carapace::byte_view(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    return test_support::to_hex(d);
}

// Rebuilds a parsed header from its stanzas with header_writer: the same bytes must come out.
std::string reencode_header(const env::header_view& h) {
    std::vector<char> out(h.text.size() + 64);
    env::header_writer w(out);
    env::stanza_reader reader(h);
    env::stanza s;
    while (reader.next(s)) {
        std::vector<std::string_view> args;
        for (std::size_t i = 0; i < s.arg_count; ++i) args.push_back(s.arg(i));
        byte_vector body(s.body_size());
        std::size_t n = 0;
        REQUIRE(s.decode_body(body, n) == env::error::ok);
        REQUIRE(w.add(s.type, args, body) == env::error::ok);
    }
    const std::size_t size = w.finish(h.mac);
    return std::string(out.data(), size);
}

}  // namespace

TEST_CASE("envelope: age test kit, every vector") {
    const auto paths = test_support::age_vector_paths();
    std::vector<std::uint32_t> work(env::scrypt_work_words_for(test_support::test_scrypt_ceiling));
    std::size_t checked = 0, hybrid = 0, header_round_trips = 0, armor_round_trips = 0, not_inflated = 0;
    for (const auto& path : paths) {
        const auto v = test_support::load_age_vector(path);
        CAPTURE(v.name);
        if (!test_support::have_zlib && v.compressed) {  // a cross build without the target's zlib
            ++not_inflated;
            continue;
        }
        REQUIRE(v.ok);
        REQUIRE(!v.expect.empty());
        // Identities: X25519 ("AGE-SECRET-KEY-1") and ML-KEM-768 + X25519 hybrid
        // ("AGE-SECRET-KEY-PQ-1") keys; every identity of the kit must parse as one of them.
        std::vector<std::unique_ptr<env::x25519_identity>> x25519_ids;
        std::vector<std::unique_ptr<env::hybrid_identity>> hybrid_ids;
        for (const auto& text : v.identities) {
            carapace::bytes<32> key{};
            if (env::x25519_identity::parse(text, key)) {
                x25519_ids.push_back(std::make_unique<env::x25519_identity>(key));
            } else {
                REQUIRE(env::hybrid_identity::parse(text, key));
                hybrid_ids.push_back(std::make_unique<env::hybrid_identity>(key));
                REQUIRE(hybrid_ids.back()->valid());
            }
        }
        if (!hybrid_ids.empty()) {
            CHECK(v.name.find("hybrid") != std::string::npos);
            ++hybrid;
        }
        std::vector<std::unique_ptr<env::scrypt_passphrase>> passwords;
        for (const auto& p : v.passphrases)
            passwords.push_back(std::make_unique<env::scrypt_passphrase>(
                carapace::byte_view(reinterpret_cast<const std::uint8_t*>(p.data()), p.size()), work,
                test_support::test_scrypt_ceiling, 10));
        std::vector<env::key_wrapper*> ids;
        for (auto& i : x25519_ids) ids.push_back(i.get());
        for (auto& i : hybrid_ids) ids.push_back(i.get());
        for (auto& p : passwords) ids.push_back(p.get());

        for (const std::uint64_t seed : {0u, 7u}) {
            const auto r = test_support::age_decrypt(v.file, v.armored, ids, seed);
            CAPTURE(env::to_string(r.error));
            CHECK(env::to_string(env::classify(r.error)) == v.expect);
            if (v.expect == "success" || v.expect == "payload failure") {
                REQUIRE(!v.payload_hash.empty());
                CHECK(sha256_hex(r.released) == v.payload_hash);
            } else {
                CHECK(r.released.empty());
            }
        }
        ++checked;

        // Round trips of the encodings.
        std::string raw = v.file;
        if (v.armored) {
            byte_vector decoded(raw.size());
            std::size_t size = 0;
            if (env::armor::decode(raw, decoded, size) != env::error::ok) continue;
            raw.assign(reinterpret_cast<const char*>(decoded.data()), size);
            std::vector<char> again(env::armor::encoded_size(size));
            const std::size_t n = env::armor::encode(carapace::byte_view(decoded.data(), size), again);
            REQUIRE(n == again.size());
            byte_vector twice(n);
            std::size_t size2 = 0;
            REQUIRE(env::armor::decode(std::string_view(again.data(), n), twice, size2) == env::error::ok);
            CHECK(std::equal(decoded.begin(), decoded.begin() + static_cast<std::ptrdiff_t>(size), twice.begin(),
                             twice.begin() + static_cast<std::ptrdiff_t>(size2)));
            ++armor_round_trips;
        }
        env::header_view h;
        if (v.expect != "header failure" && env::parse_header(raw, h) == env::error::ok) {
            CHECK(reencode_header(h) == std::string(h.text));
            ++header_round_trips;
        }
    }
    MESSAGE("age kit: " << checked << " vectors checked (" << hybrid << " with hybrid ML-KEM-768 + X25519 identities), "
                        << header_round_trips << " header and " << armor_round_trips << " armor round trips");
    if (not_inflated != 0) MESSAGE(not_inflated << " zlib-compressed vectors NOT checked: built without zlib");
    CHECK(checked + not_inflated == paths.size());
    CHECK(paths.size() == 143);
    if (not_inflated == 0) {  // without zlib, compressed vectors of either kind are not told apart
        CHECK(checked == 143);
        CHECK(hybrid == 19);
    }
}

TEST_CASE("envelope: the streaming armor decoder and encoder equal the one-shot ones in any split") {
    std::size_t armored = 0;
    for (const auto& path : test_support::age_vector_paths()) {
        const auto v = test_support::load_age_vector(path);
        if (!v.armored || !v.ok) continue;
        CAPTURE(v.name);
        ++armored;
        byte_vector whole(v.file.size());
        std::size_t whole_size = 0;
        const env::error whole_error = env::armor::decode(v.file, whole, whole_size);
        for (const std::uint64_t seed : {1u, 2u, 3u}) {
            // Text in random pieces, output into random small buffers (at least one line's 48).
            test_support::test_rng rng(seed);
            env::armor::decoder d;
            std::string out;
            env::error e = env::error::ok;
            std::size_t pos = 0;
            while (pos < v.file.size() && e == env::error::ok) {
                const std::size_t piece = 1 + rng.below(std::min<std::size_t>(v.file.size() - pos, 200));
                std::string_view text(v.file.data() + pos, piece);
                while (!text.empty()) {
                    byte_vector buffer(48 + rng.below(100));
                    const auto step = d.update(text, buffer);
                    out.append(reinterpret_cast<const char*>(buffer.data()), step.produced);
                    e = step.status;
                    if (e != env::error::ok) break;
                    text.remove_prefix(step.consumed);
                }
                pos += piece;
            }
            if (e == env::error::ok) e = d.finish();
            CHECK(e == whole_error);
            if (e == env::error::ok)
                CHECK(out == std::string(reinterpret_cast<const char*>(whole.data()), whole_size));
        }
        if (whole_error != env::error::ok) continue;
        // Encoding in pieces, into small buffers, gives encode()'s text.
        const carapace::byte_view data(whole.data(), whole_size);
        std::string one_shot(env::armor::encoded_size(whole_size), '\0');
        REQUIRE(env::armor::encode(data, one_shot) == one_shot.size());
        test_support::test_rng rng(armored);
        env::armor::encoder enc;
        std::string text;
        std::size_t pos = 0;
        while (pos < data.size()) {
            const std::size_t piece = 1 + rng.below(std::min<std::size_t>(data.size() - pos, 300));
            auto rest = data.subspan(pos, piece);
            while (!rest.empty()) {
                std::string buffer(env::armor::begin_line.size() + 1 + env::armor::encoder::line_size + rng.below(200), '\0');
                const auto step = enc.update(rest, buffer);
                text.append(buffer.data(), step.produced);
                rest = rest.subspan(step.consumed);
            }
            pos += piece;
        }
        std::string tail(env::armor::encoder::max_finish_size, '\0');
        const std::size_t n = enc.finish(tail);
        REQUIRE(n != 0);
        text.append(tail.data(), n);
        CHECK(text == one_shot);
    }
    CHECK(armored >= 30);
}
