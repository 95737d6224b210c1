// ChaCha20, Poly1305, ChaCha20-Poly1305 and XChaCha20-Poly1305: every RFC 8439 vector and every
// Wycheproof test on every engine, fail-closed bit flips, in-place operation, engines agreeing
// with each other at every length, and the argument checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>

#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/aead/detail/poly1305.hpp"
#include "carapace/aead/detail/poly1305_avx2.hpp"
#include "carapace/aead/detail/poly1305_avx512.hpp"
#include "carapace/aead/detail/poly1305_ifma.hpp"
#include "carapace/aead/detail/poly1305_neon.hpp"
#include "support/aead_checks.hpp"
#include "support/chacha_variants.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

namespace {

std::uint32_t word(const test_json::value& v) { return static_cast<std::uint32_t>(std::stoul(v.str(), nullptr, 16)); }

detail::chacha20_key key_of(const byte_vector& key) {
    REQUIRE(key.size() == 32);
    return detail::chacha20_load_key(key.data());
}

// The portable stream function in the shape of the vector ones.
struct chacha20_portable_stream {
    static bool supported() { return true; }
    static void xor_stream(const detail::chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,
                           const std::uint8_t* in, std::uint8_t* out, std::size_t size) {
        detail::chacha20_xor_portable(key, counter, nonce, in, out, size);
    }
};

// The scalar cores run everywhere; a vector one only where the CPU has it.
template <class Core>
bool poly1305_core_runs_here() {
    if constexpr (requires { Core::supported(); }) {
        if (!Core::supported()) {
            MESSAGE("Poly1305 core " << std::string(Core::name)
                                     << " not supported by this CPU (or forced portable): not run");
            return false;
        }
    }
    return true;
}

template <class Core>
std::string poly1305_hex(const byte_vector& key, const byte_vector& message) {
    detail::poly1305_stream<Core> poly(key.data());
    poly.update(message.data(), message.size());
    bytes<16> tag{};
    poly.finish(tag.data());
    return to_hex(tag);
}

}  // namespace

TEST_CASE("RFC 8439 quarter round and block function") {
    const auto doc = test_support::load_vectors("rfc/rfc8439.json");
    REQUIRE(doc["quarter_round"].size() == 1);
    for (const auto& t : doc["quarter_round"]) {
        std::uint32_t a = word(t["input"]["a"]), b = word(t["input"]["b"]), c = word(t["input"]["c"]),
                      d = word(t["input"]["d"]);
        detail::chacha_quarter_round(a, b, c, d);
        CHECK(a == word(t["output"]["a"]));
        CHECK(b == word(t["output"]["b"]));
        CHECK(c == word(t["output"]["c"]));
        CHECK(d == word(t["output"]["d"]));
    }
    for (const auto& t : doc["quarter_round_on_state"]) {
        std::uint32_t x[16];
        for (std::size_t i = 0; i < 16; ++i) x[i] = word(t["state_in"].items[i]);
        const auto& q = t["quarterround_indices"].items;
        auto at = [&](std::size_t i) -> std::uint32_t& { return x[static_cast<std::size_t>(q[i].integer())]; };
        detail::chacha_quarter_round(at(0), at(1), at(2), at(3));
        for (std::size_t i = 0; i < 16; ++i) CHECK(x[i] == word(t["state_out"].items[i]));
    }
    REQUIRE(doc["chacha20_block"].size() == 6);
    for (const auto& t : doc["chacha20_block"]) {
        CAPTURE(t["section"].str());
        const byte_vector key = unhex(t["key"].str()), nonce = unhex(t["nonce"].str());
        const auto counter = static_cast<std::uint32_t>(t["block_counter"].integer());
        if (t.has("state_setup")) {
            std::uint32_t state[16];
            detail::chacha20_setup(state, key_of(key), counter, nonce.data());
            for (std::size_t i = 0; i < 16; ++i) CHECK(state[i] == word(t["state_setup"].items[i]));
            detail::chacha20_rounds(state);
            for (std::size_t i = 0; i < 16; ++i) CHECK(state[i] == word(t["state_after_20_rounds"].items[i]));
        }
        bytes<64> block{};
        detail::chacha20_block(key_of(key), counter, nonce.data(), block.data());
        CHECK(to_hex(block) == t["keystream"].str());
        for (std::size_t i = 0; i < 16; ++i) CHECK(load_le32(block.data() + 4 * i) == word(t["state_final"].items[i]));
    }
}

TEST_CASE_TEMPLATE("RFC 8439 ChaCha20 encryption", Stream, chacha20_portable_stream, CARAPACE_CHACHA_STREAMS) {
    if (!Stream::supported()) return;
    const auto doc = test_support::load_vectors("rfc/rfc8439.json");
    REQUIRE(doc["chacha20_encrypt"].size() == 4);
    for (const auto& t : doc["chacha20_encrypt"]) {
        CAPTURE(t["section"].str());
        const byte_vector key = unhex(t["key"].str()), nonce = unhex(t["nonce"].str());
        const byte_vector plaintext = unhex(t["plaintext"].str());
        const auto counter = static_cast<std::uint32_t>(t["initial_counter"].integer());
        byte_vector out(plaintext.size());
        Stream::xor_stream(key_of(key), counter, nonce.data(), plaintext.data(), out.data(), out.size());
        CHECK(to_hex(out) == t["ciphertext"].str());
        Stream::xor_stream(key_of(key), counter, nonce.data(), out.data(), out.data(), out.size());  // in place
        CHECK(out == plaintext);
    }
    // The §2.4.2 keystream, and every length against the portable function (all batch shapes).
    test_support::test_rng rng(8439);
    const byte_vector key = rng.bytes(32), nonce = rng.bytes(12), data = rng.bytes(2100);
    for (std::size_t length = 0; length <= data.size(); length += (length < 1100 ? 1 : 61)) {
        CAPTURE(length);
        byte_vector a(length), b(length);
        Stream::xor_stream(key_of(key), 7, nonce.data(), data.data(), a.data(), length);
        detail::chacha20_xor_portable(key_of(key), 7, nonce.data(), data.data(), b.data(), length);
        REQUIRE(a == b);
    }
}

// poly1305_64 and poly1305_radix64 need unsigned __int128, which 32-bit targets (armhf) lack: there poly1305_32 is
// the only scalar core, and the portable one.
using poly1305_cores = std::tuple<
#if CARAPACE_HAVE_INT128
    detail::poly1305_64, detail::poly1305_radix64,
#endif
    detail::poly1305_32, detail::poly1305_ifma_core, detail::poly1305_avx2_core, detail::poly1305_avx512_core,
    detail::poly1305_neon_core>;

TEST_CASE_TEMPLATE_DEFINE("RFC 8439 Poly1305", Core, rfc8439_poly1305) {
    if (!poly1305_core_runs_here<Core>()) return;
    const auto doc = test_support::load_vectors("rfc/rfc8439.json");
    REQUIRE(doc["poly1305"].size() == 12);
    for (const auto& t : doc["poly1305"]) {
        CAPTURE(t["section"].str());
        const byte_vector key = unhex(t["key"].str()), message = unhex(t["message"].str());
        CHECK(poly1305_hex<Core>(key, message) == t["tag"].str());
        // Fed in two pieces at every split point.
        for (std::size_t split = 0; split <= message.size(); ++split) {
            detail::poly1305_stream<Core> poly(key.data());
            poly.update(message.data(), split);
            poly.update(message.data() + split, message.size() - split);
            bytes<16> tag{};
            poly.finish(tag.data());
            CHECK(to_hex(tag) == t["tag"].str());
        }
    }
    // The two representations agree on random keys and messages of every length.
    test_support::test_rng rng(1305);
    for (std::size_t length = 0; length < 300; ++length) {
        const byte_vector key = rng.bytes(32), message = rng.bytes(length);
        CHECK(poly1305_hex<Core>(key, message) == poly1305_hex<detail::poly1305_portable>(key, message));
    }
    // All-ones keys and messages drive every limb to its bound.
    const byte_vector ones_key(32, 0xff), ones(1000, 0xff);
#if CARAPACE_HAVE_INT128
    CHECK(poly1305_hex<detail::poly1305_64>(ones_key, ones) == poly1305_hex<detail::poly1305_32>(ones_key, ones));
#endif
    CHECK(poly1305_hex<Core>(ones_key, ones) == poly1305_hex<detail::poly1305_portable>(ones_key, ones));
}
TEST_CASE_TEMPLATE_APPLY(rfc8439_poly1305, poly1305_cores);

// The vector lanes (IFMA, and the 26-bit limbs of AVX2 and AVX-512F) against the scalar code: long
// messages in random pieces (each piece's whole groups of blocks go through the lanes), and keys
// and messages that push the limbs to their bounds (r and every block all ones) or leave them
// empty.
TEST_CASE_TEMPLATE("Poly1305 vector lanes equal the scalar code", core, detail::poly1305_ifma_core,
                   detail::poly1305_avx2_core, detail::poly1305_avx512_core, detail::poly1305_neon_core) {
    if (!poly1305_core_runs_here<core>()) return;
    test_support::test_rng rng(130544);
    auto tag_of = [](const byte_vector& key, const byte_vector& message, const std::vector<std::size_t>& cuts) {
        detail::poly1305_stream<core> poly(key.data());
        std::size_t at = 0;
        for (const std::size_t cut : cuts) {
            poly.update(message.data() + at, cut - at);
            at = cut;
        }
        poly.update(message.data() + at, message.size() - at);
        bytes<16> tag{};
        poly.finish(tag.data());
        return to_hex(tag);
    };
    const byte_vector keys[] = {byte_vector(32, 0xff), byte_vector(32, 0), rng.bytes(32), rng.bytes(32)};
    for (int trial = 0; trial < 400; ++trial) {
        const byte_vector& key = trial < 8 ? keys[trial % 4] : rng.bytes(32);
        const std::size_t length = trial < 8 ? 4096 + 16 * static_cast<std::size_t>(trial) : rng.below(5000);
        byte_vector message = rng.bytes(length);
        if (trial % 3 == 0) std::fill(message.begin(), message.end(), std::uint8_t{0xff});
        if (trial % 7 == 0) std::fill(message.begin(), message.end(), std::uint8_t{0});
        std::vector<std::size_t> cuts;
        for (std::size_t pieces = rng.below(4); pieces != 0; --pieces) cuts.push_back(rng.below(length + 1));
        std::sort(cuts.begin(), cuts.end());
        CAPTURE(trial);
        CAPTURE(length);
        CHECK(tag_of(key, message, cuts) == poly1305_hex<detail::poly1305_portable>(key, message));
    }
}

TEST_CASE("RFC 8439 Poly1305 key generation") {
    const auto doc = test_support::load_vectors("rfc/rfc8439.json");
    REQUIRE(doc["poly1305_key_generation"].size() == 4);
    for (const auto& t : doc["poly1305_key_generation"]) {
        CAPTURE(t["section"].str());
        const byte_vector key = unhex(t["key"].str()), nonce = unhex(t["nonce"].str());
        bytes<64> block{};
        detail::chacha20_block(key_of(key), 0, nonce.data(), block.data());
        CHECK(to_hex(byte_view(block).first(32)) == t["poly1305_key"].str());
    }
}

TEST_CASE_TEMPLATE("RFC 8439 AEAD_CHACHA20_POLY1305", Engine, CARAPACE_CHACHA_ENGINES) {
    if (!test_support::chacha_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("rfc/rfc8439.json");
    REQUIRE(doc["aead_chacha20_poly1305"].size() == 2);
    for (const auto& t : doc["aead_chacha20_poly1305"]) {
        CAPTURE(t["section"].str());
        const byte_vector key = unhex(t["key"].str()), nonce = unhex(t["nonce"].str()), aad = unhex(t["aad"].str());
        const byte_vector ct = unhex(t["ciphertext"].str()), tag = unhex(t["tag"].str());
        bool hex_ok = false;
        const byte_vector plaintext = unhex(t["plaintext"].str(), &hex_ok);
        REQUIRE(hex_ok);
        const chacha20_poly1305_with<Engine> aead(fixed_view<32>(key.data(), 32));
        byte_vector sealed(plaintext.size() + 16);
        REQUIRE(aead.seal(nonce, aad, plaintext, sealed) == errc::ok);
        CHECK(to_hex(sealed) == t["ciphertext"].str() + t["tag"].str());
        byte_vector opened(ct.size());
        REQUIRE(aead.open(nonce, aad, ct, tag, opened) == errc::ok);
        CHECK(opened == plaintext);
    }
}

// Wycheproof: the verdict of open, the exact output of seal, on one engine.
template <bool Extended, class Engine>
void run_wycheproof(const char* file) {
    const auto doc = test_support::load_vectors(file);
    REQUIRE(doc["numberOfTests"].integer() > 0);
    using aead_type = detail::chacha20_poly1305_mode<Extended, Engine>;
    std::int64_t run = 0;
    for (const auto& group : doc["testGroups"]) {
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            const byte_vector key = unhex(t["key"].str());
            REQUIRE(key.size() == 32);
            test_support::check_wycheproof_case(aead_type(fixed_view<32>(key.data(), 32)), t,
                                                t["iv"].str().size() != 2 * aead_type::nonce_size);
            ++run;
        }
    }
    CHECK(run == doc["numberOfTests"].integer());
}

TEST_CASE_TEMPLATE("ChaCha20-Poly1305 Wycheproof", Engine, CARAPACE_CHACHA_ENGINES) {
    if (!test_support::chacha_engine_runs_here<Engine>()) return;
    run_wycheproof<false, Engine>("wycheproof/chacha20_poly1305_test.json");
}

TEST_CASE_TEMPLATE("XChaCha20-Poly1305 Wycheproof", Engine, CARAPACE_CHACHA_ENGINES) {
    if (!test_support::chacha_engine_runs_here<Engine>()) return;
    run_wycheproof<true, Engine>("wycheproof/xchacha20_poly1305_test.json");
}

TEST_CASE("HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2.1)") {
    const byte_vector key = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const byte_vector nonce = unhex("000000090000004a0000000031415927");
    const detail::chacha20_key sub = detail::hchacha20(key_of(key), nonce.data());
    bytes<32> out{};
    for (std::size_t i = 0; i < 8; ++i) store_le32(out.data() + 4 * i, sub.words[i]);
    CHECK(to_hex(out) == "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
}

template <bool Extended, class Engine>
void check_fails_closed() {
    test_support::test_rng rng(42);
    using aead_type = detail::chacha20_poly1305_mode<Extended, Engine>;
    const byte_vector key = rng.bytes(32), plaintext = rng.bytes(37), aad = rng.bytes(20);
    const byte_vector nonce = rng.bytes(aead_type::nonce_size);
    const aead_type aead(fixed_view<32>(key.data(), 32));
    byte_vector ciphertext(plaintext.size()), tag(16), out(plaintext.size());
    REQUIRE(aead.seal(nonce, aad, plaintext, ciphertext, fixed_span<16>(tag.data(), 16)) == errc::ok);
    REQUIRE(aead.open(nonce, aad, ciphertext, tag, out) == errc::ok);
    REQUIRE(out == plaintext);
    test_support::check_open_fails_closed(aead, nonce, aad, ciphertext, tag);
    // A wrong nonce length is refused, and the output is wiped.
    std::fill(out.begin(), out.end(), 0xee);
    CHECK(aead.open(byte_view(nonce).first(aead_type::nonce_size - 1), aad, ciphertext, tag, out) ==
          errc::invalid_argument);
    CHECK(test_support::all_zero(out));
}

TEST_CASE_TEMPLATE("ChaCha20-Poly1305 open fails closed on every flipped bit", Engine, CARAPACE_CHACHA_ENGINES) {
    if (!test_support::chacha_engine_runs_here<Engine>()) return;
    check_fails_closed<false, Engine>();
    check_fails_closed<true, Engine>();
}

// Every length up to 1300 bytes, a spread of longer ones and the lengths around the vector code's
// boundaries, against the portable engine, in place and out of place, with and without AAD.
template <bool Extended, class Engine>
void check_every_length() {
    using aead_type = detail::chacha20_poly1305_mode<Extended, Engine>;
    using reference_type = detail::chacha20_poly1305_mode<Extended, detail::chacha20_poly1305_portable>;
    test_support::test_rng rng(Extended ? 24 : 12);
    const byte_vector key = rng.bytes(32), plaintext = rng.bytes(20000);
    const aead_type aead(fixed_view<32>(key.data(), 32));
    const reference_type reference(fixed_view<32>(key.data(), 32));
    auto check = [&](std::size_t length) {
        CAPTURE(length);
        const byte_vector nonce = rng.bytes(aead_type::nonce_size), aad = rng.bytes(rng.below(40));
        const byte_view message = byte_view(plaintext).first(length);
        byte_vector a(length + 16), b(length + 16), opened(length);
        REQUIRE(aead.seal(nonce, aad, message, a) == errc::ok);
        REQUIRE(reference.seal(nonce, aad, message, b) == errc::ok);
        REQUIRE(a == b);
        REQUIRE(aead.open(nonce, aad, a, opened) == errc::ok);
        REQUIRE(std::equal(opened.begin(), opened.end(), message.begin()));
        byte_vector in_place(message.begin(), message.end());
        in_place.resize(length + 16);
        REQUIRE(aead.seal(nonce, aad, byte_view(in_place).first(length), in_place) == errc::ok);
        REQUIRE(in_place == a);
        REQUIRE(aead.open(nonce, aad, in_place, byte_span(in_place).first(length)) == errc::ok);
        REQUIRE(std::equal(message.begin(), message.end(), in_place.begin()));
        a[length] ^= 1;  // the tag
        REQUIRE(aead.open(nonce, aad, a, opened) == errc::authentication_failed);
    };
    for (std::size_t length = 0; length <= plaintext.size(); length += (length < 1300 ? 1 : 997)) check(length);
    // Around the vector Poly1305 groups (4, 8 and 16 blocks) at the engines' batch and pass
    // boundaries: 448 + 512k for AVX2 (whose lanes start at 4 KiB), 960 + 1024k and 1024k for
    // AVX-512 (and 1024k + 192, up to which the AVX-512 engines take the tail from four blocks in
    // rows), 16 KiB.
    for (const std::size_t base : {1472u, 1984u, 2048u, 2240u, 2496u, 3008u, 3072u, 4096u, 8192u, 16384u})
        for (const int delta : {-129, -128, -127, -65, -64, -63, -17, -16, -15, -1, 0, 1, 15, 16, 17, 63, 64, 65, 127,
                                128, 129})
            check(static_cast<std::size_t>(static_cast<long>(base) + delta));
}

TEST_CASE_TEMPLATE("ChaCha20-Poly1305 engines agree at every length, in place and out", Engine,
                   CARAPACE_CHACHA_ENGINES) {
    if (!test_support::chacha_engine_runs_here<Engine>()) return;
    check_every_length<false, Engine>();
    check_every_length<true, Engine>();
}

// Random lengths up to 20000 bytes, AAD up to 300, input and output at random offsets from
// 64-byte alignment, in place and out: ciphertext and tag equal the portable engine's.
template <bool Extended, class Engine>
void check_random_lengths_and_alignment(std::uint64_t seed) {
    using aead_type = detail::chacha20_poly1305_mode<Extended, Engine>;
    using reference_type = detail::chacha20_poly1305_mode<Extended, detail::chacha20_poly1305_portable>;
    test_support::test_rng rng(seed);
    for (int trial = 0; trial < 150; ++trial) {
        const byte_vector key = rng.bytes(32), nonce = rng.bytes(aead_type::nonce_size);
        const std::size_t length = rng.below(20001), in_offset = rng.below(64), out_offset = rng.below(64);
        const byte_vector aad = rng.bytes(rng.below(4) == 0 ? rng.below(301) : rng.below(20));
        CAPTURE(trial);
        CAPTURE(length);
        CAPTURE(in_offset);
        CAPTURE(out_offset);
        const aead_type aead(fixed_view<32>(key.data(), 32));
        const reference_type reference(fixed_view<32>(key.data(), 32));
        byte_vector in_buffer = rng.bytes(length + 16 + 64), out_buffer(length + 16 + 64);
        const byte_view message = byte_view(in_buffer).subspan(in_offset, length);
        const byte_span sealed = byte_span(out_buffer).subspan(out_offset, length + 16);
        byte_vector expected(length + 16);
        REQUIRE(reference.seal(nonce, aad, message, expected) == errc::ok);
        REQUIRE(aead.seal(nonce, aad, message, sealed) == errc::ok);
        REQUIRE(std::equal(sealed.begin(), sealed.end(), expected.begin()));
        // Opened in place at the input's offset.
        std::copy(sealed.begin(), sealed.end(), in_buffer.begin() + static_cast<std::ptrdiff_t>(in_offset));
        const byte_span in_place = byte_span(in_buffer).subspan(in_offset, length + 16);
        REQUIRE(aead.open(nonce, aad, in_place, in_place.first(length)) == errc::ok);
        byte_vector opened_reference(length);
        REQUIRE(reference.open(nonce, aad, expected, opened_reference) == errc::ok);
        REQUIRE(std::equal(opened_reference.begin(), opened_reference.end(), in_place.begin()));
        // Sealed in place.
        REQUIRE(aead.seal(nonce, aad, in_place.first(length), in_place) == errc::ok);
        REQUIRE(std::equal(in_place.begin(), in_place.end(), expected.begin()));
    }
}

TEST_CASE_TEMPLATE("ChaCha20-Poly1305 engines equal the portable one at random lengths and alignments", Engine,
                   CARAPACE_CHACHA_ENGINES) {
    if (!test_support::chacha_engine_runs_here<Engine>()) return;
    check_random_lengths_and_alignment<false, Engine>(20000);
    check_random_lengths_and_alignment<true, Engine>(20024);
}

TEST_CASE("ChaCha20-Poly1305 argument checks") {
    const bytes<32> key{};
    const chacha20_poly1305 aead(key);
    const xchacha20_poly1305 xaead(key);
    const bytes<12> nonce{};
    const bytes<24> xnonce{};
    byte_vector pt(10), ct(10), short_out(9);
    bytes<16> tag{};
    CHECK(aead.seal(byte_view{}, {}, pt, ct, tag) == errc::invalid_argument);
    CHECK(aead.seal(xnonce, {}, pt, ct, tag) == errc::invalid_argument);
    CHECK(xaead.seal(nonce, {}, pt, ct, tag) == errc::invalid_argument);
    CHECK(aead.seal(nonce, {}, pt, short_out, tag) == errc::buffer_too_small);
    CHECK(aead.seal(nonce, {}, pt, ct) == errc::buffer_too_small);  // no room for the tag
    byte_vector sealed(26);
    REQUIRE(aead.seal(nonce, {}, pt, sealed) == errc::ok);
    byte_vector out(10, 0xee);
    CHECK(aead.open(nonce, {}, byte_view(sealed).first(15), byte_span(out).first(0)) == errc::authentication_failed);
    CHECK(aead.open(nonce, {}, sealed, byte_span(out).first(9)) == errc::buffer_too_small);
    CHECK(aead.open(nonce, {}, sealed, out) == errc::ok);
    CHECK(out == pt);
    REQUIRE(xaead.seal(xnonce, {}, pt, sealed) == errc::ok);
    CHECK(xaead.open(xnonce, {}, sealed, out) == errc::ok);
    CHECK(out == pt);
    static_assert(chacha20_poly1305::max_plaintext_size == 274877906880u);  // (2^32 - 1) blocks of 64 bytes
}
