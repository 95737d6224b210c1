// HMAC: RFC 4231 and every Wycheproof HMAC-SHA-2 test, over every hash engine.
#include <doctest/doctest.h>

#include <string>

#include "carapace/mac/hmac.hpp"
#include "support/hash_variants.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::unhex;

namespace {

std::string rfc4231_field(std::size_t digest_size) {
    switch (digest_size) {
        case 28: return "hmac_sha_224";
        case 32: return "hmac_sha_256";
        case 48: return "hmac_sha_384";
        default: return "hmac_sha_512";
    }
}

std::string wycheproof_file(std::size_t digest_size) {
    return "wycheproof/hmac_sha" + std::to_string(digest_size * 8) + "_test.json";
}

}  // namespace

TEST_CASE_TEMPLATE("HMAC RFC 4231 test cases", Hash, CARAPACE_SHA256_FAMILY(sha224),
                   CARAPACE_MAC_HASH_VARIANTS) {
    if (!test_support::engine_runs_here<Hash>()) return;
    const auto doc = test_support::load_vectors("rfc/rfc4231.json");
    REQUIRE(doc["vectors"].size() == 7);
    for (const auto& v : doc["vectors"]) {
        CAPTURE(v["test_case"].integer());
        const byte_vector key = unhex(v["key"].str()), data = unhex(v["data"].str());
        const std::string expected = v[rfc4231_field(Hash::digest_size)].str();
        REQUIRE_FALSE(expected.empty());
        const auto tag = hmac<Hash>::mac(key, data);
        // Test case 5 gives only the leftmost 128 bits.
        CHECK(test_support::to_hex(byte_view(tag).first(expected.size() / 2)) == expected);

        // Streaming in two pieces gives the same tag.
        hmac<Hash> h(key);
        h.update(byte_view(data).first(data.size() / 2));
        h.update(byte_view(data).subspan(data.size() / 2));
        CHECK(h.final() == tag);
        CHECK(hmac<Hash>::verify(key, data, unhex(expected)));
    }
}

TEST_CASE_TEMPLATE("HMAC Wycheproof", Hash, CARAPACE_MAC_HASH_VARIANTS) {
    if (!test_support::engine_runs_here<Hash>()) return;
    const auto doc = test_support::load_vectors(wycheproof_file(Hash::digest_size));
    REQUIRE(doc["numberOfTests"].integer() > 0);
    std::int64_t run = 0;
    for (const auto& group : doc["testGroups"]) {
        const auto tag_bytes = static_cast<std::size_t>(group["tagSize"].integer() / 8);
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            const byte_vector key = unhex(t["key"].str()), msg = unhex(t["msg"].str());
            const byte_vector expected = unhex(t["tag"].str());
            REQUIRE(expected.size() == tag_bytes);
            const bool valid = t["result"].str() == "valid";
            const auto tag = hmac<Hash>::mac(key, msg);
            CHECK((byte_vector(tag.begin(), tag.begin() + static_cast<std::ptrdiff_t>(tag_bytes)) == expected) == valid);
            CHECK(hmac<Hash>::verify(key, msg, expected) == valid);
            ++run;
        }
    }
    CHECK(run == doc["numberOfTests"].integer());
}

TEST_CASE("HMAC verify refuses tags that are too short or too long") {
    const auto key = literal_bytes("key");
    const auto msg = literal_bytes("message");
    const auto tag = hmac<sha256>::mac(key, msg);
    CHECK(hmac<sha256>::verify(key, msg, tag));
    CHECK(hmac<sha256>::verify(key, msg, byte_view(tag).first(16)));
    CHECK_FALSE(hmac<sha256>::verify(key, msg, byte_view(tag).first(15)));
    CHECK_FALSE(hmac<sha256>::verify(key, msg, byte_view{}));
    byte_vector longer(tag.begin(), tag.end());
    longer.push_back(0);
    CHECK_FALSE(hmac<sha256>::verify(key, msg, longer));
}
