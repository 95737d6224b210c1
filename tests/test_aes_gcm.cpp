// AES-GCM: every Wycheproof test on every engine, fail-closed bit flips, in-place operation,
// engines agreeing with each other, and the size and argument checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

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
void check_every_length(std::size_t max_length) {
    test_support::test_rng rng(KeyBytes);
    const byte_vector key = rng.bytes(KeyBytes), nonce = rng.bytes(12), aad = rng.bytes(20);
    const byte_vector plaintext = rng.bytes(max_length);
    const detail::gcm_mode<KeyBytes, Engine> gcm(fixed_view<KeyBytes>(key.data(), KeyBytes));
    const detail::gcm_mode<KeyBytes, detail::gcm_portable> reference(fixed_view<KeyBytes>(key.data(), KeyBytes));
    for (std::size_t length = 0; length <= max_length; ++length) {
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
    check_every_length<16, Engine>(600);
    check_every_length<24, Engine>(600);
    check_every_length<32, Engine>(600);
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
