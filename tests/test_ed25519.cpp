// Ed25519: RFC 8032 §7.1 on every engine (keys, signatures, verification), every Wycheproof
// verification test, the precomputed tables recomputed with the group law, scalar arithmetic
// modulo L, engines agreeing with each other.
#include <doctest/doctest.h>

#include <string>

#include "carapace/ec/ed25519.hpp"
#include "support/curve25519_variants.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;
using test_support::view32;

TEST_CASE_TEMPLATE("Ed25519 RFC 8032 test vectors", Engine, CARAPACE_CURVE25519_ENGINES) {
    if (!test_support::curve25519_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("rfc/rfc8032.json");
    REQUIRE(doc["vectors"].items.size() == 5);  // TEST 1, 2, 3, 1024, SHA(abc)
    for (const auto& v : doc["vectors"].items) {
        CAPTURE(v["name"].str());
        const byte_vector seed = unhex(v["secret_key"].str()), message = unhex(v["message"].str());
        const byte_vector public_key = unhex(v["public_key"].str()), signature = unhex(v["signature"].str());
        CHECK(message.size() == static_cast<std::size_t>(v["message_length"].integer()));
        const ed25519_private_key_with<Engine> key(view32(seed));
        CHECK(to_hex(key.public_key()) == v["public_key"].str());
        CHECK(to_hex(ed25519_public_key<Engine>(view32(seed))) == v["public_key"].str());
        CHECK(to_hex(key.sign(message)) == v["signature"].str());
        CHECK(to_hex(ed25519_sign<Engine>(view32(seed), message)) == v["signature"].str());
        CHECK(ed25519_verify<Engine>(view32(public_key), message, signature));

        // Any flipped bit in the signature, the message or the key is refused.
        for (std::size_t bit = 0; bit < 512; bit += 7) {
            byte_vector changed = signature;
            changed[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            CHECK_FALSE(ed25519_verify<Engine>(view32(public_key), message, changed));
        }
        if (!message.empty()) {
            byte_vector changed = message;
            changed[0] ^= 1;
            CHECK_FALSE(ed25519_verify<Engine>(view32(public_key), changed, signature));
        }
        byte_vector other_key = public_key;
        other_key[3] ^= 0x10;
        CHECK_FALSE(ed25519_verify<Engine>(view32(other_key), message, signature));
        CHECK_FALSE(ed25519_verify<Engine>(view32(public_key), message, byte_view(signature).first(63)));
    }
}

TEST_CASE_TEMPLATE("Ed25519 Wycheproof", Engine, CARAPACE_CURVE25519_ENGINES) {
    if (!test_support::curve25519_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("wycheproof/ed25519_test.json");
    REQUIRE(doc["numberOfTests"].integer() > 0);
    std::int64_t run = 0;
    for (const auto& group : doc["testGroups"]) {
        REQUIRE(group["publicKey"]["curve"].str() == "edwards25519");
        const byte_vector public_key = unhex(group["publicKey"]["pk"].str());
        REQUIRE(public_key.size() == 32);
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            REQUIRE(t["result"].str() != "acceptable");  // the file has none: each verdict is exact
            const bool valid = t["result"].str() == "valid";
            CHECK(ed25519_verify<Engine>(view32(public_key), unhex(t["msg"].str()), unhex(t["sig"].str())) == valid);
            ++run;
        }
    }
    CHECK(run == doc["numberOfTests"].integer());
}

TEST_CASE_TEMPLATE("Ed25519 engines agree with the portable one", Engine, CARAPACE_CURVE25519_ENGINES) {
    if (!test_support::curve25519_engine_runs_here<Engine>()) return;
    using reference = detail::curve25519_engine<detail::fe25519_25>;
    test_support::test_rng rng(8032);
    for (int i = 0; i < 24; ++i) {
        const byte_vector seed = rng.bytes(32), message = rng.bytes(rng.below(300));
        const ed25519_private_key_with<Engine> key(view32(seed));
        const ed25519_private_key_with<reference> expected(view32(seed));
        CHECK(key.public_key() == expected.public_key());
        const auto signature = key.sign(message);
        CHECK(signature == expected.sign(message));
        CHECK(ed25519_verify<Engine>(key.public_key(), message, signature));
        CHECK(ed25519_verify<reference>(key.public_key(), message, signature));
    }
}

namespace {

// Recomputes the generated tables (scripts/gen_ed25519_tables.py) with the library's group law.
template <class F>
void check_tables() {
    using G = detail::ed25519_group<F>;
    using ops = detail::fe25519_ops<F>;
    auto niels_bytes = [](const typename G::p3& p) {
        // Affine y+x, y-x, 2dxy of p, as 96 bytes.
        const auto zi = ops::invert(p.Z);
        const auto x = F::mul(p.X, zi), y = F::mul(p.Y, zi);
        bytes<96> out{};
        F::to_bytes(out.data(), F::add(y, x));
        F::to_bytes(out.data() + 32, F::sub(y, x));
        F::to_bytes(out.data() + 64, F::mul(F::mul(x, y), G::table.d2));
        return out;
    };
    auto table_bytes = [](const std::uint64_t (&c)[3][4]) {
        bytes<96> out{};
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 32; ++j)
                out[static_cast<std::size_t>(32 * i + j)] = static_cast<std::uint8_t>(c[i][j / 8] >> (8 * (j % 8)));
        return out;
    };
    // B from its encoding (RFC 8032 §5.1: y = 4/5, x positive).
    const byte_vector b_enc = unhex("5866666666666666666666666666666666666666666666666666666666666666");
    typename G::p3 b{};
    REQUIRE(G::decode(b, b_enc.data()));
    auto add = [](const typename G::p3& p, const typename G::p3& q) { return G::to_p3(G::add(p, G::to_cached(q))); };
    typename G::p3 row_base = b;
    for (int j = 0; j < 32; ++j) {
        typename G::p3 p = row_base;
        for (int k = 0; k < 8; ++k) {
            CAPTURE(j);
            CAPTURE(k);
            CHECK(niels_bytes(p) == table_bytes(detail::ed25519_base_comb[j][k]));
            p = add(p, row_base);
        }
        for (int i = 0; i < 8; ++i) row_base = G::to_p3(G::dbl(row_base));  // * 256
    }
    const typename G::p3 b2 = G::to_p3(G::dbl(b));
    typename G::p3 p = b;
    for (int i = 0; i < 64; ++i) {
        CAPTURE(i);
        CHECK(niels_bytes(p) == table_bytes(detail::ed25519_base_odd[i]));
        p = add(p, b2);
    }
    bytes<32> enc{};
    G::encode(enc.data(), b);
    CHECK(to_hex(enc) == to_hex(b_enc));
}

}  // namespace

TEST_CASE("Ed25519 precomputed tables match the group law") {
    check_tables<detail::fe25519_25>();
}

TEST_CASE("Ed25519 point decoding refuses what RFC 8032 §5.1.3 refuses") {
    using G = detail::ed25519_group<detail::fe25519_25>;
    typename G::p3 p{};
    // y = p and y = p + 1 (non-canonical encodings of 0 and 1).
    CHECK_FALSE(G::decode(p, unhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f").data()));
    CHECK_FALSE(G::decode(p, unhex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f").data()));
    // y = 1 is the identity (x = 0); with the sign bit set it is refused.
    CHECK(G::decode(p, unhex("0100000000000000000000000000000000000000000000000000000000000000").data()));
    CHECK_FALSE(G::decode(p, unhex("0100000000000000000000000000000000000000000000000000000000000080").data()));
    // y = 2: x^2 = 3 / (4d + 1) is not a square.
    CHECK_FALSE(G::decode(p, unhex("0200000000000000000000000000000000000000000000000000000000000000").data()));
}

TEST_CASE("Scalars modulo L") {
    using S = detail::scalar25519;
    auto reduce = [](const std::string& hex64) {
        const byte_vector wide = unhex(hex64);
        bytes<32> out{};
        S::reduce_wide(out.data(), wide.data());
        return to_hex(out);
    };
    const std::string l = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";
    const std::string zero32(64, '0');
    CHECK(reduce(l + zero32) == zero32);
    CHECK(reduce(std::string(128, 'f')) == "000f9c44e31106a447938568a71b0ed065bef517d273ecce3d9a307c1b419903");
    CHECK(reduce("01" + std::string(126, '0')) == "01" + std::string(62, '0'));
    // (2^256 - 1) * (L - 1) + (L - 2) mod L
    const byte_vector ones = unhex(std::string(64, 'f'));
    const byte_vector l_minus_1 = unhex("ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    const byte_vector l_minus_2 = unhex("ebd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    bytes<32> out{};
    S::mul_add(out.data(), l_minus_1.data(), ones.data(), l_minus_2.data());
    CHECK(to_hex(out) == "cf3e5dcfa531268165cd792fea9def4d01000000000000000000000000000000");
    CHECK(S::is_canonical(l_minus_1.data()));
    CHECK_FALSE(S::is_canonical(unhex(l).data()));
    CHECK_FALSE(S::is_canonical(ones.data()));
}
