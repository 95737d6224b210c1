// RSA key generation (rsa/keygen.hpp, FIPS 186-5 A.1.3): keys of 2048 and 3072 bits that
// rsa_private_key loads (which checks n = p q and every CRT value) and that sign and verify;
// different randomness, different keys; sizes refused; a stuck random source gives up within
// its budget instead of looping.
#include <doctest/doctest.h>

#include <vector>

#include "carapace/rsa/keygen.hpp"
#include "carapace/rsa/rsa.hpp"
#include "support/vectors.hpp"

namespace rsa_keygen_test {

using namespace carapace;
using test_support::byte_vector;

struct seeded {
    test_support::test_rng rng;
    explicit seeded(std::uint64_t seed) : rng(seed) {}
    void operator()(byte_span out) {
        for (auto& b : out) b = static_cast<std::uint8_t>(rng.next() >> 56);
    }
};

byte_vector generate(std::size_t bits, std::uint64_t seed) {
    byte_vector der(rsa_private_key_der_max(bits));
    seeded fill(seed);
    const auto n = rsa_generate_key(bits, fill, der);
    REQUIRE(n.ok());
    der.resize(*n);
    return der;
}

}  // namespace rsa_keygen_test

TEST_CASE("RSA key generation: keys that load, sign and verify") {
    using namespace rsa_keygen_test;
    for (const std::size_t bits : {std::size_t{2048}, std::size_t{3072}}) {
        CAPTURE(bits);
        const byte_vector der = generate(bits, 11);
        const auto key = rsa_private_key<>::from_pkcs1_der(der);  // n = p q, CRT values checked
        REQUIRE(key.ok());
        CHECK(key->bits() == bits);
        CHECK(test_support::to_hex(key->public_key().exponent) == "010001");
        const auto message = literal_bytes("generated");
        const bytes<32> salt{1, 2, 3};
        const bytes<rsa_blinding_size> blinding{9, 8, 7};
        byte_vector signature(key->signature_size());
        REQUIRE(key->sign_pss(rsa_hash::sha256, message, salt, blinding, signature).ok());
        CHECK(rsa_verify_pss(key->public_key(), rsa_hash::sha256, rsa_hash::sha256, 32, message, signature));
        REQUIRE(key->sign_pkcs1(rsa_hash::sha384, message, blinding, signature).ok());
        CHECK(rsa_verify_pkcs1(key->public_key(), rsa_hash::sha384, message, signature));
    }
    // The same randomness gives the same key, other randomness another. 1,024-bit keys: the
    // property does not depend on the size, and a 2,048-bit search costs about eight times as much
    // (this test dominates the suite's run time under emulation).
    const byte_vector first = generate(1024, 5);
    CHECK(generate(1024, 5) == first);
    CHECK(generate(1024, 6) != first);
}

TEST_CASE("RSA key generation: sizes, room and a stuck random source") {
    using namespace rsa_keygen_test;
    byte_vector der(rsa_private_key_der_max(4096));
    seeded fill(1);
    CHECK(rsa_generate_key(1000, fill, der).error() == errc::invalid_argument);   // not a multiple of 16
    CHECK(rsa_generate_key(512, fill, der).error() == errc::invalid_argument);    // below rsa_min_bits
    CHECK(rsa_generate_key(8192, fill, der).error() == errc::invalid_argument);   // above MaxBits
    byte_vector small(100);
    CHECK(rsa_generate_key(1024, fill, small).error() == errc::buffer_too_small);
    auto zeros = [](byte_span out) {
        for (auto& b : out) b = 0;
    };
    CHECK(rsa_generate_key(1024, zeros, der).error() == errc::authentication_failed);
}
