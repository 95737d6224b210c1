// SHA-1 and SHA-2: FIPS 180-4 examples on every engine, streaming with any split, and every
// engine agreeing with the portable one on all short lengths.
#include <doctest/doctest.h>

#include <string>

#include "support/hash_variants.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::unhex;

namespace {

const test_json::value& sha2_vectors() {
    static const test_json::value v = test_support::load_vectors("rfc/sha2.json");
    return v;
}

}  // namespace

TEST_CASE_TEMPLATE("FIPS 180-4 example messages", Hash, CARAPACE_ALL_HASH_VARIANTS) {
    if (!test_support::engine_runs_here<Hash>()) return;
    const auto& vectors = sha2_vectors()["vectors"];
    REQUIRE(vectors.size() > 0);
    std::size_t checked = 0;
    for (const auto& v : vectors) {
        if (v["algorithm"].str() != Hash::algorithm_name) continue;
        CAPTURE(v["description"].str());
        bool hex_ok = false;
        const byte_vector piece = unhex(v["message_hex"].str(), &hex_ok);
        REQUIRE(hex_ok);
        const auto repeat = static_cast<std::size_t>(v["repeat"].integer());
        Hash h;
        // Large repeats go in 1000-piece chunks, which also exercises the buffered path.
        byte_vector chunk;
        for (std::size_t i = 0; i < 1000 && i < repeat; ++i) chunk.insert(chunk.end(), piece.begin(), piece.end());
        std::size_t left = repeat;
        while (left >= 1000) {
            h.update(chunk);
            left -= 1000;
        }
        for (; left > 0; --left) h.update(piece);
        CHECK(test_support::to_hex(h.final()) == v["digest"].str());
        ++checked;
    }
    if (std::string(Hash::algorithm_name) == "SHA-1") {
        // sha2.json has no SHA-1 examples; FIPS 180-4's "abc" and two-block ones instead.
        CHECK(test_support::to_hex(Hash::hash(literal_bytes("abc"))) ==
              "a9993e364706816aba3e25717850c26c9cd0d89d");
        CHECK(test_support::to_hex(Hash::hash(literal_bytes(
                  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
              "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    } else {
        CHECK(checked >= 2);
    }
}

TEST_CASE_TEMPLATE("streaming with random splits equals one shot", Hash, CARAPACE_ALL_HASH_VARIANTS) {
    if (!test_support::engine_runs_here<Hash>()) return;
    test_support::test_rng rng(0x5eed);
    for (int round = 0; round < 40; ++round) {
        const byte_vector message = rng.bytes(rng.below(3 * Hash::block_size + 40) + (round % 2 ? 1000 : 0));
        const auto expected = Hash::hash(message);
        Hash h;
        std::size_t at = 0;
        while (at < message.size()) {
            const std::size_t take = std::min(message.size() - at, rng.below(2 * Hash::block_size + 2));
            h.update(byte_view(message).subspan(at, take));
            at += take;
        }
        CHECK(h.final() == expected);
        // final() resets: the object hashes a new message from scratch.
        h.update(message);
        CHECK(h.final() == expected);
    }
}

TEST_CASE_TEMPLATE("every engine agrees with the portable one on lengths 0..700", Hash,
                   CARAPACE_ALL_HASH_VARIANTS) {
    if (!test_support::engine_runs_here<Hash>()) return;
    using portable = detail::md_hash<typename Hash::params, typename Hash::params::portable_engine>;
    test_support::test_rng rng(7);
    const byte_vector message = rng.bytes(700);
    std::size_t mismatches = 0;
    for (std::size_t n = 0; n <= message.size(); ++n)
        if (Hash::hash(byte_view(message).first(n)) != portable::hash(byte_view(message).first(n))) ++mismatches;
    CHECK(mismatches == 0);
}
