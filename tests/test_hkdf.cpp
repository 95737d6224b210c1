// HKDF: RFC 5869 (SHA-256 and SHA-1 cases) and every Wycheproof HKDF test, over every engine.
#include <doctest/doctest.h>

#include <string>

#include "carapace/kdf/hkdf.hpp"
#include "support/hash_variants.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::unhex;

namespace {

template <class Hash>
void check_rfc5869_case(const test_json::value& v) {
    CAPTURE(v["test_case"].integer());
    const byte_vector ikm = unhex(v["ikm"].str());
    const byte_vector salt = v["salt"].is_null() ? byte_vector{} : unhex(v["salt"].str());
    const byte_vector info = unhex(v["info"].str());
    const auto prk = hkdf_extract<Hash>(salt, ikm);
    CHECK(test_support::to_hex(prk) == v["prk"].str());
    byte_vector okm(static_cast<std::size_t>(v["L"].integer()));
    REQUIRE(hkdf_expand<Hash>(prk, info, okm) == errc::ok);
    CHECK(test_support::to_hex(okm) == v["okm"].str());
    byte_vector okm2(okm.size());
    REQUIRE(hkdf<Hash>(salt, ikm, info, okm2) == errc::ok);
    CHECK(okm2 == okm);
}

}  // namespace

TEST_CASE_TEMPLATE("HKDF RFC 5869 SHA-256 cases", Hash, CARAPACE_SHA256_FAMILY(sha256)) {
    if (!test_support::engine_runs_here<Hash>()) return;
    const auto doc = test_support::load_vectors("rfc/rfc5869.json");
    std::size_t run = 0;
    for (const auto& v : doc["vectors"])
        if (v["hash"].str() == "SHA-256") {
            check_rfc5869_case<Hash>(v);
            ++run;
        }
    CHECK(run == 3);
}

TEST_CASE("HKDF RFC 5869 SHA-1 cases") {
    const auto doc = test_support::load_vectors("rfc/rfc5869.json");
    std::size_t run = 0;
    for (const auto& v : doc["vectors"])
        if (v["hash"].str() == "SHA-1") {
            check_rfc5869_case<sha1>(v);
            ++run;
        }
    CHECK(run == 4);
}

TEST_CASE_TEMPLATE("HKDF Wycheproof", Hash, CARAPACE_MAC_HASH_VARIANTS) {
    if (!test_support::engine_runs_here<Hash>()) return;
    const auto doc = test_support::load_vectors("wycheproof/hkdf_sha" +
                                                std::to_string(Hash::digest_size * 8) + "_test.json");
    REQUIRE(doc["numberOfTests"].integer() > 0);
    std::int64_t run = 0;
    for (const auto& group : doc["testGroups"]) {
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            const byte_vector ikm = unhex(t["ikm"].str()), salt = unhex(t["salt"].str());
            const byte_vector info = unhex(t["info"].str());
            byte_vector okm(static_cast<std::size_t>(t["size"].integer()), 0xee);
            const errc e = hkdf<Hash>(salt, ikm, info, okm);
            if (t["result"].str() == "valid") {
                REQUIRE(e == errc::ok);
                CHECK(test_support::to_hex(okm) == t["okm"].str());
            } else {
                // The only invalid case is an output longer than 255 * HashLen: refused, and
                // nothing written.
                CHECK(e == errc::output_too_long);
                CHECK(okm == byte_vector(okm.size(), 0xee));
            }
            ++run;
        }
    }
    CHECK(run == doc["numberOfTests"].integer());
}

TEST_CASE("HKDF output length limit is exactly 255 * HashLen") {
    byte_vector okm(255 * 32);
    CHECK(hkdf<sha256>(byte_view{}, literal_bytes("ikm"), byte_view{}, okm) == errc::ok);
    okm.push_back(0);
    CHECK(hkdf<sha256>(byte_view{}, literal_bytes("ikm"), byte_view{}, okm) == errc::output_too_long);
    byte_vector none;
    CHECK(hkdf<sha256>(byte_view{}, literal_bytes("ikm"), byte_view{}, none) == errc::ok);
}

TEST_CASE("HKDF extract with no salt equals a salt of HashLen zero bytes") {
    const bytes<32> zeros{};
    CHECK(hkdf_extract<sha256>(byte_view{}, literal_bytes("ikm")) == hkdf_extract<sha256>(zeros, literal_bytes("ikm")));
}
