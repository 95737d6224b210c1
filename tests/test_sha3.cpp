// SHA-3 and SHAKE (FIPS 202): digests of messages around every rate boundary, the FIPS 202
// example messages and one million "a" (tests/vectors/fips202, from an independent
// implementation), any split of the input and of the SHAKE output, and every Wycheproof
// HMAC-SHA3 test; the four-state permutation on each variant, and hashes absorbed side by side.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "carapace/hash/detail/keccak_x4.hpp"
#include "carapace/hash/detail/keccak_x8.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/mac/hmac.hpp"
#include "support/vectors.hpp"

namespace test_sha3 {

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

// The message of a vector absorbed `repeat` times, in pieces cut by rng.
template <class Absorber>
void absorb_in_pieces(Absorber& h, const byte_vector& msg, std::int64_t repeat, test_support::test_rng& rng) {
    for (std::int64_t r = 0; r < repeat; ++r) {
        std::size_t at = 0;
        while (at < msg.size()) {
            const std::size_t take = 1 + rng.below(msg.size() - at);
            h.update(byte_view(msg).subspan(at, take));
            at += take;
        }
    }
}

template <class Hash>
std::string digest_hex(const byte_vector& msg, std::int64_t repeat, test_support::test_rng& rng) {
    Hash h;
    absorb_in_pieces(h, msg, repeat, rng);
    const auto d = h.final();
    // The object is reset by final(): it hashes the next message from scratch.
    if (repeat == 1) {
        h.update(msg);
        CHECK(h.final() == d);
        CHECK(Hash::hash(msg) == d);
    }
    return to_hex(d);
}

template <class Xof>
std::string xof_hex(const byte_vector& msg, std::int64_t repeat, std::size_t out_len, test_support::test_rng& rng) {
    Xof x;
    absorb_in_pieces(x, msg, repeat, rng);
    auto reader = x.finish();
    byte_vector out(out_len);
    std::size_t at = 0;
    while (at < out_len) {
        const std::size_t take = 1 + rng.below(out_len - at);
        reader.squeeze(byte_span(out).subspan(at, take));
        at += take;
    }
    if (repeat == 1) {
        byte_vector one_shot(out_len);
        Xof::hash(msg, one_shot);
        CHECK(one_shot == out);
    }
    return to_hex(out);
}

TEST_CASE("SHA-3 and SHAKE: FIPS 202 messages and every rate boundary") {
    const auto doc = test_support::load_vectors("fips202/sha3_shake.json");
    test_support::test_rng rng(202);
    std::size_t run = 0;
    for (const auto& v : doc["vectors"]) {
        const std::string algorithm = v["algorithm"].str();
        CAPTURE(algorithm);
        CAPTURE(v["description"].str());
        const byte_vector msg = unhex(v["message_hex"].str());
        const std::int64_t repeat = v["repeat"].integer();
        const std::string expected = v["output"].str();
        std::string got;
        if (algorithm == "SHA3-224") got = digest_hex<sha3_224>(msg, repeat, rng);
        else if (algorithm == "SHA3-256") got = digest_hex<sha3_256>(msg, repeat, rng);
        else if (algorithm == "SHA3-384") got = digest_hex<sha3_384>(msg, repeat, rng);
        else if (algorithm == "SHA3-512") got = digest_hex<sha3_512>(msg, repeat, rng);
        else if (algorithm == "SHAKE128") got = xof_hex<shake128>(msg, repeat, expected.size() / 2, rng);
        else if (algorithm == "SHAKE256") got = xof_hex<shake256>(msg, repeat, expected.size() / 2, rng);
        else FAIL("unknown algorithm " << algorithm);
        CHECK(got == expected);
        ++run;
    }
    CHECK(run == 646);
}

TEST_CASE("SHAKE: a long output equals its prefixes, whatever the squeeze sizes") {
    test_support::test_rng rng(7);
    const byte_vector msg = rng.bytes(300);
    byte_vector whole(2000);
    shake256::hash(msg, whole);
    for (int trial = 0; trial < 20; ++trial) {
        shake256 x;
        x.update(msg);
        auto reader = x.finish();
        byte_vector out(whole.size());
        std::size_t at = 0;
        while (at < out.size()) {
            const std::size_t take = rng.below(out.size() - at + 1);  // zero-length squeezes too
            reader.squeeze(byte_span(out).subspan(at, take));
            at += take;
        }
        CHECK(out == whole);
    }
}

TEST_CASE("Keccak-f[1600] four at a time: every variant equals the single permutation") {
    test_support::test_rng rng(1600);
    detail::keccak_x4_states start{};
    for (auto& lane : start.lanes)
        for (auto& v : lane) v = rng.next();
    std::array<detail::keccak_state, 4> expected{};
    for (std::size_t j = 0; j < 4; ++j) {
        for (std::size_t i = 0; i < 25; ++i) expected[j][i] = start.lanes[i][j];
        for (int round = 0; round < 3; ++round) detail::keccak_f1600(expected[j]);
    }
    const auto check_variant = [&]<class Variant>() {
        if (!Variant::supported()) {
            MESSAGE("Keccak x4 variant " << std::string(Variant::name) << " not supported by this CPU (or forced portable): not run");
            return;
        }
        auto s = start;
        for (int round = 0; round < 3; ++round) Variant::permute(s);
        for (std::size_t j = 0; j < 4; ++j)
            for (std::size_t i = 0; i < 25; ++i) CHECK(s.lanes[i][j] == expected[j][i]);
    };
    check_variant.template operator()<detail::keccak_x4_avx512vl>();
    check_variant.template operator()<detail::keccak_x4_avx2>();
    check_variant.template operator()<detail::keccak_x4_portable>();
    // And through the dispatcher, with whatever it picks here.
    auto s = start;
    for (int round = 0; round < 3; ++round) detail::keccak_f1600_x4(s, detail::keccak_x4_dispatch::best());
    for (std::size_t j = 0; j < 4; ++j)
        for (std::size_t i = 0; i < 25; ++i) CHECK(s.lanes[i][j] == expected[j][i]);
}

// The single permutation's variants (keccak.hpp) agree with each other, and the eight-state one
// (keccak_x8.hpp) with eight single permutations, on random states, three permutations deep.
TEST_CASE("Keccak-f[1600]: the BMI2 and eight-state variants equal the portable permutation") {
    test_support::test_rng rng(1601);
    detail::keccak_x8_states start{};
    for (auto& lane : start.lanes)
        for (auto& v : lane) v = rng.next();
    std::array<detail::keccak_state, 8> expected{};
    for (std::size_t j = 0; j < 8; ++j) {
        for (std::size_t i = 0; i < 25; ++i) expected[j][i] = start.lanes[i][j];
        for (int round = 0; round < 3; ++round) detail::keccak_portable::permute(expected[j]);
    }
    if (detail::keccak_bmi2::supported()) {
        for (std::size_t j = 0; j < 8; ++j) {
            detail::keccak_state one{};
            for (std::size_t i = 0; i < 25; ++i) one[i] = start.lanes[i][j];
            for (int round = 0; round < 3; ++round) detail::keccak_bmi2::permute(one);
            CHECK(one == expected[j]);
        }
    } else {
        MESSAGE("Keccak variant bmi2 not supported by this CPU (or forced portable): not run");
    }
    if (detail::keccak_x8_avx512::supported()) {
        auto s = start;
        for (int round = 0; round < 3; ++round) detail::keccak_x8_avx512::permute(s);
        for (std::size_t j = 0; j < 8; ++j)
            for (std::size_t i = 0; i < 25; ++i) CHECK(s.lanes[i][j] == expected[j][i]);
    } else {
        MESSAGE("Keccak x8 variant avx512 not supported by this CPU (or forced portable): not run");
    }
}

// Up to four SHA3-256 and SHAKE256 hashes absorbed side by side equal the one-at-a-time ones, for
// lengths around the rate and ML-KEM's 1120 and 1184 bytes, with mixed lengths in one call.
TEST_CASE("Keccak x4: SHA3-256 and SHAKE256 side by side equal one at a time") {
    std::vector<std::uint8_t> data(1300);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 131 + 7);
    const std::size_t lengths[] = {0, 1, 31, 135, 136, 137, 271, 272, 1120, 1184, 1300};
    for (const std::size_t a : lengths) {
        for (const std::size_t b : lengths) {
            const std::span<const std::uint8_t> first(data.data(), a), second(data.data() + 3, b < 1297 ? b : 1297);
            std::array<std::uint8_t, 32> h{}, j{}, h2{};
            detail::keccak_x4_hash32<shake256::rate, 3>({first, second, second}, {0x06, 0x1f, 0x06},
                                                        {h.data(), j.data(), h2.data()});
            CHECK(h == sha3_256::hash(first));
            CHECK(h2 == sha3_256::hash(second));
            std::array<std::uint8_t, 32> expected{};
            shake256::hash(second, expected);
            CHECK(j == expected);
        }
    }
}

template <class Hash>
void run_hmac_wycheproof(const char* file, std::int64_t expected_tests) {
    const auto doc = test_support::load_vectors(file);
    REQUIRE(doc["numberOfTests"].integer() == expected_tests);
    std::int64_t run = 0;
    for (const auto& group : doc["testGroups"]) {
        const auto tag_bytes = static_cast<std::size_t>(group["tagSize"].integer() / 8);
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            const byte_vector key = unhex(t["key"].str()), msg = unhex(t["msg"].str());
            const byte_vector expected = unhex(t["tag"].str());
            REQUIRE(expected.size() == tag_bytes);
            const bool valid = t["result"].str() == "valid";
            const auto tag = hmac<Hash>::mac(key, msg);
            CHECK((byte_vector(tag.begin(), tag.begin() + static_cast<std::ptrdiff_t>(tag_bytes)) == expected) == valid);
            CHECK(hmac<Hash>::verify(key, msg, expected) == (valid && tag_bytes >= 16));
            ++run;
        }
    }
    CHECK(run == expected_tests);
}

TEST_CASE("HMAC-SHA3 Wycheproof") {
    SUBCASE("SHA3-224") { run_hmac_wycheproof<sha3_224>("wycheproof/hmac_sha3_224_test.json", 172); }
    SUBCASE("SHA3-256") { run_hmac_wycheproof<sha3_256>("wycheproof/hmac_sha3_256_test.json", 174); }
    SUBCASE("SHA3-384") { run_hmac_wycheproof<sha3_384>("wycheproof/hmac_sha3_384_test.json", 174); }
    SUBCASE("SHA3-512") { run_hmac_wycheproof<sha3_512>("wycheproof/hmac_sha3_512_test.json", 174); }
}

}  // namespace test_sha3
