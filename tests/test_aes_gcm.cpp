// AES-GCM: every Wycheproof test on every engine, fail-closed bit flips, in-place operation,
// engines agreeing with each other, and the size and argument checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/aead_checks.hpp"
#include "support/gcm_variants.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

TEST_CASE_TEMPLATE("AES-GCM Wycheproof", Engine, CARAPACE_GCM_ENGINES) {
    if (!test_support::gcm_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("wycheproof/aes_gcm_test.json");
    REQUIRE(doc["numberOfTests"].integer() > 0);
    std::int64_t run = 0;
    for (const auto& group : doc["testGroups"]) {
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            const byte_vector key = unhex(t["key"].str());
            const bool known = test_support::with_gcm_key_size<Engine>(key.size(), [&]<class Gcm>() {
                // Seal refuses only an empty IV; the other invalid cases have a modified tag.
                test_support::check_wycheproof_case(Gcm(fixed_view<Gcm::key_size>(key.data(), Gcm::key_size)), t,
                                                    t["iv"].str().empty());
            });
            CHECK(known);
            ++run;
        }
    }
    CHECK(run == doc["numberOfTests"].integer());
}

TEST_CASE_TEMPLATE("AES-GCM open fails closed on every flipped bit", Engine, CARAPACE_GCM_ENGINES) {
    if (!test_support::gcm_engine_runs_here<Engine>()) return;
    test_support::test_rng rng(42);
    const byte_vector key = rng.bytes(32), plaintext = rng.bytes(37), aad = rng.bytes(20);
    const detail::gcm_mode<32, Engine> gcm(fixed_view<32>(key.data(), 32));
    for (const std::size_t nonce_size : {std::size_t{12}, std::size_t{16}}) {
        CAPTURE(nonce_size);
        const byte_vector nonce = rng.bytes(nonce_size);
        byte_vector ciphertext(plaintext.size()), tag(16), out(plaintext.size());
        REQUIRE(gcm.seal(nonce, aad, plaintext, ciphertext, fixed_span<16>(tag.data(), 16)) == errc::ok);
        REQUIRE(gcm.open(nonce, aad, ciphertext, tag, out) == errc::ok);
        REQUIRE(out == plaintext);

        test_support::check_open_fails_closed(gcm, nonce, aad, ciphertext, tag);
    }
}

TEST_CASE_TEMPLATE("AES-GCM engines agree; in place equals out of place", Engine, CARAPACE_GCM_ENGINES) {
    if (!test_support::gcm_engine_runs_here<Engine>()) return;
    test_support::test_rng rng(7);
    for (int round = 0; round < 120; ++round) {
        const std::size_t length = round < 60 ? static_cast<std::size_t>(round * 9) : rng.below(5000);
        const byte_vector key = rng.bytes(16), plaintext = rng.bytes(length), aad = rng.bytes(rng.below(70));
        const byte_vector nonce = rng.bytes(round % 5 == 0 ? 1 + rng.below(40) : 12);
        CAPTURE(length);
        const detail::gcm_mode<16, Engine> gcm(fixed_view<16>(key.data(), 16));
        const detail::gcm_mode<16, detail::gcm_portable> reference(fixed_view<16>(key.data(), 16));
        byte_vector a(length + 16), b(length + 16);
        REQUIRE(gcm.seal(nonce, aad, plaintext, a) == errc::ok);
        REQUIRE(reference.seal(nonce, aad, plaintext, b) == errc::ok);
        CHECK(a == b);
        byte_vector in_place = plaintext;
        in_place.resize(length + 16);
        REQUIRE(gcm.seal(nonce, aad, byte_view(in_place).first(length), in_place) == errc::ok);
        CHECK(in_place == a);
        REQUIRE(gcm.open(nonce, aad, in_place, byte_span(in_place).first(length)) == errc::ok);
        CHECK(byte_vector(in_place.begin(), in_place.begin() + static_cast<std::ptrdiff_t>(length)) == plaintext);
    }
}

// Every tail shape the engines handle differently (no partial block, a partial block, fifteen
// whole blocks and a partial one, whole chunks), for every key size, against the portable engine.
template <std::size_t KeyBytes, class Engine>
void check_lengths(const std::vector<std::size_t>& lengths) {
    test_support::test_rng rng(KeyBytes);
    const byte_vector key = rng.bytes(KeyBytes), nonce = rng.bytes(12), aad = rng.bytes(20);
    const byte_vector plaintext = rng.bytes(*std::max_element(lengths.begin(), lengths.end()));
    const detail::gcm_mode<KeyBytes, Engine> gcm(fixed_view<KeyBytes>(key.data(), KeyBytes));
    const detail::gcm_mode<KeyBytes, detail::gcm_portable> reference(fixed_view<KeyBytes>(key.data(), KeyBytes));
    for (const std::size_t length : lengths) {
        CAPTURE(KeyBytes);
        CAPTURE(length);
        const byte_view message = byte_view(plaintext).first(length);
        byte_vector a(length + 16), b(length + 16), opened(length);
        REQUIRE(gcm.seal(nonce, aad, message, a) == errc::ok);
        REQUIRE(reference.seal(nonce, aad, message, b) == errc::ok);
        REQUIRE(a == b);
        REQUIRE(gcm.open(nonce, aad, a, opened) == errc::ok);
        REQUIRE(byte_view(opened).size() == message.size());
        REQUIRE(std::equal(opened.begin(), opened.end(), message.begin()));
        a[length] ^= 1;  // the tag
        REQUIRE(gcm.open(nonce, aad, a, opened) == errc::authentication_failed);
    }
}

TEST_CASE_TEMPLATE("AES-GCM every length up to 600 bytes, every key size", Engine, CARAPACE_GCM_ENGINES) {
    if (!test_support::gcm_engine_runs_here<Engine>()) return;
    std::vector<std::size_t> lengths(601);
    for (std::size_t i = 0; i < lengths.size(); ++i) lengths[i] = i;
    check_lengths<16, Engine>(lengths);
    check_lengths<24, Engine>(lengths);
    check_lengths<32, Engine>(lengths);
}

// The lengths either side of 16-, 32- and 64-block boundaries and of longer messages, where the
// engines switch between their short-message path, their chunk loops and their tails.
TEST_CASE_TEMPLATE("AES-GCM lengths around the block-batch boundaries, every key size", Engine, CARAPACE_GCM_ENGINES) {
    if (!test_support::gcm_engine_runs_here<Engine>()) return;
    std::vector<std::size_t> lengths;
    for (const std::size_t boundary : {256u, 512u, 768u, 1024u, 1280u, 2048u, 4096u, 16384u}) {
        for (std::size_t below = 1; below <= 40; ++below) lengths.push_back(boundary - below);
        for (std::size_t above = 0; above <= 40; ++above) lengths.push_back(boundary + above);
    }
    check_lengths<16, Engine>(lengths);
    check_lengths<24, Engine>(lengths);
    check_lengths<32, Engine>(lengths);
}

// inc32 counts modulo 2^32 (SP 800-38D §6.2). A nonce that is not 96 bits long gives J0 any
// counter, so the wrap can fall in any block of a batch: start the message a few blocks before it
// (through the engine's own message entry point, with a J0 chosen outright) and compare with the
// portable engine.
template <std::size_t KeyBytes, class Engine>
void check_counter_wrap() {
    test_support::test_rng rng(40 + KeyBytes);
    const byte_vector key = rng.bytes(KeyBytes), plaintext = rng.bytes(2000);
    typename Engine::key_state state{};
    detail::gcm_portable::key_state reference{};
    Engine::init(state, key);
    detail::gcm_portable::init(reference, key);
    for (const std::uint32_t before : {0u, 1u, 3u, 5u, 15u, 16u, 17u, 31u, 33u, 63u, 100u}) {
        for (const std::size_t length : {std::size_t{64}, std::size_t{300}, std::size_t{1025}, std::size_t{2000}}) {
            CAPTURE(before);
            CAPTURE(length);
            bytes<16> j0{};
            for (std::size_t i = 0; i < 12; ++i) j0[i] = static_cast<std::uint8_t>(i + 1);
            store_be32(j0.data() + 12, 0xFFFFFFFFu - before);
            byte_vector a(length), b(length);
            bytes<16> y_a{}, y_b{}, tag_a{}, tag_b{};
            if constexpr (requires {
                              Engine::template crypt_message<true>(state, j0.data(), plaintext.data(), a.data(),
                                                                   length, 0, y_a.data(), tag_a.data());
                          })
                Engine::template crypt_message<true>(state, j0.data(), plaintext.data(), a.data(), length, 0,
                                                     y_a.data(), tag_a.data());
            else
                detail::gcm_crypt_message<Engine, true>(state, j0.data(), plaintext.data(), a.data(), length, 0,
                                                        y_a.data(), tag_a.data());
            detail::gcm_crypt_message<detail::gcm_portable, true>(reference, j0.data(), plaintext.data(), b.data(),
                                                                  length, 0, y_b.data(), tag_b.data());
            CHECK(a == b);
            CHECK(tag_a == tag_b);
        }
    }
}

TEST_CASE_TEMPLATE("AES-GCM counter wraps modulo 2^32 inside a batch", Engine, CARAPACE_GCM_ENGINES) {
    if (!test_support::gcm_engine_runs_here<Engine>()) return;
    check_counter_wrap<16, Engine>();
    check_counter_wrap<32, Engine>();
}

TEST_CASE("AES-GCM argument checks") {
    const bytes<16> key{};
    const aes128_gcm gcm(key);
    const bytes<12> nonce{};
    byte_vector pt(10), ct(10), short_out(9);
    bytes<16> tag{};
    CHECK(gcm.seal(byte_view{}, {}, pt, ct, tag) == errc::invalid_argument);  // empty nonce
    CHECK(gcm.seal(nonce, {}, pt, short_out, tag) == errc::buffer_too_small);
    CHECK(gcm.seal(nonce, {}, pt, ct) == errc::buffer_too_small);            // no room for the tag
    byte_vector sealed(26);
    REQUIRE(gcm.seal(nonce, {}, pt, sealed) == errc::ok);
    byte_vector out(10, 0xee);
    CHECK(gcm.open(nonce, {}, byte_view(sealed).first(15), byte_span(out).first(0)) == errc::authentication_failed);
    CHECK(gcm.open(nonce, {}, sealed, out) == errc::ok);
    CHECK(out == pt);
}
