// ECDH on P-256 and P-384: every Wycheproof test (public keys as SubjectPublicKeyInfo and as bare
// SEC1 points) on every engine; invalid-curve points, unreduced coordinates and bad encodings
// refused; compressed points accepted; scalars 0 and n refused; engines agreeing.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/x509/keys.hpp"
#include "support/nist_variants.hpp"
#include "support/vectors.hpp"

namespace test_ecdh {

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

template <class Curve>
using shared_t = bytes<Curve::field_size>;

// ecdh() with the result as hex ("" when refused); a refusal must leave the output zeroed.
template <class Curve, class Engine>
std::string shared_hex(const bytes<Curve::scalar_size>& scalar, byte_view peer) {
    shared_t<Curve> shared{};
    for (auto& b : shared) b = 0xa5;
    if (ecdh<Curve, Engine>(shared, scalar, peer) == errc::ok) return to_hex(shared);
    CHECK(shared == shared_t<Curve>{});
    return "";
}

template <class Curve, class Engine>
byte_vector public_point(const bytes<Curve::scalar_size>& scalar) {
    bytes<Curve::uncompressed_size> out{};
    REQUIRE(ec_public_key<Curve, Engine>(out, scalar) == errc::ok);
    return byte_vector(out.begin(), out.end());
}

struct wycheproof_file {
    const char* path;
    std::int64_t tests;
    bool spki;  // public keys as SubjectPublicKeyInfo (EcdhTest), else SEC1 points (EcdhEcpointTest)
};

template <class Curve>
std::vector<wycheproof_file> wycheproof_files() {
    if constexpr (std::is_same_v<Curve, p256>) {
        return {{"wycheproof/ecdh_secp256r1_test.json", 612, true},
                {"wycheproof/ecdh_secp256r1_ecpoint_test.json", 355, false}};
    } else {
        return {{"wycheproof/ecdh_secp384r1_test.json", 1047, true},
                {"wycheproof/ecdh_secp384r1_ecpoint_test.json", 790, false}};
    }
}

bool has_flag(const test_json::value& test, const char* flag) {
    return std::any_of(test["flags"].begin(), test["flags"].end(), [&](const auto& f) { return f.str() == flag; });
}

// Runs every test of one file. Verdicts:
//   valid       the shared secret is computed and equals the file's;
//   invalid     refused (by the SubjectPublicKeyInfo parser or by ecdh);
//   acceptable  a compressed point (flag CompressedPublic) is accepted and gives the shared secret
//               (SEC 1 §2.3.4 defines it; TLS 1.3 peers send uncompressed points only, RFC 8446
//               §4.2.8.2, so the TLS layer checks the form itself); every other acceptable test is
//               a SubjectPublicKeyInfo that is not DER (InvalidAsn) or that spells the curve out
//               as explicit parameters (UnnamedCurve), both refused by x509::parse_public_key as
//               RFC 5480 §2.1.1 (namedCurve only) and X.690 DER require.
template <class Case>
std::int64_t run_wycheproof(const wycheproof_file& file) {
    using Curve = typename Case::curve;
    using Engine = typename Case::engine;
    const std::string path = file.path;
    CAPTURE(path);
    const auto doc = test_support::load_vectors(file.path);
    REQUIRE(doc["numberOfTests"].integer() == file.tests);
    const x509::key_type expected_type =
        std::is_same_v<Curve, p256> ? x509::key_type::ec_p256 : x509::key_type::ec_p384;
    std::int64_t run = 0, valid = 0, compressed = 0, refused_by_parser = 0, refused_by_ecdh = 0;
    for (const auto& group : doc["testGroups"]) {
        REQUIRE(group["curve"].str() == (std::is_same_v<Curve, p256> ? "secp256r1" : "secp384r1"));
        REQUIRE(group["type"].str() == (file.spki ? "EcdhTest" : "EcdhEcpointTest"));
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            const std::string result = t["result"].str();
            const byte_vector encoded = unhex(t["public"].str());
            // Private keys are given as ASN.1 INTEGER contents: a leading 00, or fewer bytes.
            const auto scalar = test_support::be_fixed<Curve::scalar_size>(unhex(t["private"].str()));
            byte_vector point = encoded;
            bool parsed = true;
            if (file.spki) {
                const auto info = x509::parse_public_key(encoded);
                parsed = info.ok() && info->type == expected_type;
                point = parsed ? byte_vector(info->key.begin(), info->key.end()) : byte_vector{};
            }
            const std::string shared = parsed ? shared_hex<Curve, Engine>(scalar, point) : "";
            const bool accept = result == "valid" || (result == "acceptable" && has_flag(t, "CompressedPublic"));
            if (accept) {
                CHECK(shared == t["shared"].str());
                if (parsed) CHECK(ec_validate_point<Curve, Engine>(point));
            } else {
                CHECK(shared == "");
                if (parsed) CHECK_FALSE(ec_validate_point<Curve, Engine>(point));
            }
            if (result == "acceptable" && !accept) CHECK((has_flag(t, "InvalidAsn") || has_flag(t, "UnnamedCurve")));
            ++run;
            valid += result == "valid" ? 1 : 0;
            compressed += accept && result == "acceptable" ? 1 : 0;
            refused_by_parser += accept || parsed ? 0 : 1;
            refused_by_ecdh += !accept && parsed ? 1 : 0;
        }
    }
    CHECK(run == file.tests);
    CHECK(compressed == 1);
    MESSAGE(Case::name() << ": " << path << ": " << run << " tests run: " << valid << " valid, " << compressed
                         << " acceptable compressed point accepted, " << refused_by_parser
                         << " refused by the SPKI parser, " << refused_by_ecdh << " refused by ecdh");
    return run;
}

TEST_CASE_TEMPLATE_DEFINE("ECDH Wycheproof", Case, ecdh_wycheproof) {
    if (!test_support::nist_engine_runs_here<Case>()) return;
    std::int64_t total = 0;
    for (const auto& file : wycheproof_files<typename Case::curve>()) total += run_wycheproof<Case>(file);
    CHECK(total == (std::is_same_v<typename Case::curve, p256> ? 967 : 1837));
}
TEST_CASE_TEMPLATE_APPLY(ecdh_wycheproof, test_support::nist_all_engines);

TEST_CASE_TEMPLATE_DEFINE("ECDH engines agree; compressed points", Case, ecdh_agree) {
    if (!test_support::nist_engine_runs_here<Case>()) return;
    using Curve = typename Case::curve;
    using Engine = typename Case::engine;
    using reference = test_support::nist_reference<Curve>;
    constexpr std::size_t size = Curve::scalar_size;
    test_support::test_rng rng(56);
    int agreed = 0;
    while (agreed < 16) {
        const auto a = test_support::be_fixed<size>(rng.bytes(size)), b = test_support::be_fixed<size>(rng.bytes(size));
        bytes<Curve::uncompressed_size> a_public{}, b_public{}, expected{};
        const errc e = ec_public_key<Curve, Engine>(a_public, a);
        REQUIRE(e == ec_public_key<Curve, reference>(expected, a));
        if (e != errc::ok || ec_public_key<Curve, Engine>(b_public, b) != errc::ok) continue;  // above n
        CHECK(a_public == expected);
        const byte_vector b_compressed = test_support::sec1_compress(b_public);
        CHECK(ec_validate_point<Curve, Engine>(a_public));
        CHECK(ec_validate_point<Curve, Engine>(b_compressed));
        const std::string ab = shared_hex<Curve, Engine>(a, b_public);
        CHECK(ab.size() == 2 * Curve::field_size);
        CHECK(ab == shared_hex<Curve, Engine>(b, a_public));
        CHECK(ab == shared_hex<Curve, Engine>(a, b_compressed));
        CHECK(ab == shared_hex<Curve, Engine>(b, test_support::sec1_compress(a_public)));
        CHECK(ab == shared_hex<Curve, reference>(a, b_public));
        CHECK(ab == shared_hex<Curve, reference>(a, b_compressed));
        // The other parity is the negated point: same x-coordinate of [a](-B).
        byte_vector negated = b_compressed;
        negated[0] ^= 1;
        CHECK(ab == shared_hex<Curve, Engine>(a, negated));
        ++agreed;
    }
}
TEST_CASE_TEMPLATE_APPLY(ecdh_agree, test_support::nist_all_engines);

TEST_CASE_TEMPLATE_DEFINE("ECDH and public keys refuse scalars 0 and n", Case, ecdh_scalars) {
    if (!test_support::nist_engine_runs_here<Case>()) return;
    using Curve = typename Case::curve;
    using Engine = typename Case::engine;
    constexpr std::size_t size = Curve::scalar_size;
    const bytes<size> n = test_support::order_bytes<Curve>(), zero{};
    bytes<size> one{}, all_ones{};
    one[size - 1] = 1;
    for (auto& b : all_ones) b = 0xff;
    const byte_vector g = public_point<Curve, Engine>(one);  // G itself
    CHECK(ec_validate_point<Curve, Engine>(g));
    for (const bytes<size>& bad : {zero, n, test_support::add_small(n, 1), all_ones}) {
        CAPTURE(to_hex(bad));
        bytes<Curve::uncompressed_size> out{};
        for (auto& b : out) b = 0xa5;
        CHECK(ec_public_key<Curve, Engine>(out, bad) == errc::invalid_argument);
        CHECK(out == bytes<Curve::uncompressed_size>{});
        CHECK(shared_hex<Curve, Engine>(bad, g) == "");
    }
    // n - 1 is the largest scalar: [n - 1]G = -G, whose x is G's; [n - 1]G + G is the identity.
    const byte_vector minus_g = public_point<Curve, Engine>(test_support::add_small(n, -1));
    CHECK(to_hex(byte_view(minus_g).first(1 + size)) == to_hex(byte_view(g).first(1 + size)));
    CHECK(to_hex(minus_g) != to_hex(g));
    CHECK(shared_hex<Curve, Engine>(test_support::add_small(n, -1), g) == to_hex(byte_view(g).subspan(1, size)));
    CHECK(shared_hex<Curve, Engine>(one, minus_g) == to_hex(byte_view(g).subspan(1, size)));
    // [2]G two ways.
    bytes<size> two{};
    two[size - 1] = 2;
    const byte_vector g2 = public_point<Curve, Engine>(two);
    CHECK(shared_hex<Curve, Engine>(two, g) == to_hex(byte_view(g2).subspan(1, size)));
}
TEST_CASE_TEMPLATE_APPLY(ecdh_scalars, test_support::nist_all_engines);

// A point (x, y) with the smallest x >= start on the curve, found with the reference engine's
// field (x^3 - 3x + b a square); and the smallest x >= start off it.
template <class Curve>
struct small_points {
    using R = test_support::nist_reference<Curve>;
    using F = typename R::F;
    using fe = typename F::element;
    static constexpr std::size_t size = Curve::field_size;

    static bool y_for(std::uint32_t x_value, fe& y_plain) {
        fe x{}, rhs{}, y{}, check{};
        x[0] = x_value;
        F::to_mont(x, x);
        R::group::rhs_of(rhs, x);
        F::pow(y, rhs, Curve::params::sqrt_exponent);
        F::sqr(check, y);
        F::from_mont(y_plain, y);
        return F::equal(check, rhs) != 0;
    }
    static byte_vector encode(std::uint8_t prefix, const fe& x, const fe* y) {
        byte_vector out(1 + size * (y != nullptr ? 2 : 1));
        out[0] = prefix;
        F::store(out.data() + 1, x);
        if (y != nullptr) F::store(out.data() + 1 + size, *y);
        return out;
    }
};

TEST_CASE_TEMPLATE_DEFINE("ECDH refuses invalid points", Case, ecdh_invalid_points) {
    if (!test_support::nist_engine_runs_here<Case>()) return;
    using Curve = typename Case::curve;
    using Engine = typename Case::engine;
    using P = small_points<Curve>;
    using fe = typename P::fe;
    constexpr std::size_t size = Curve::scalar_size;
    test_support::test_rng rng(5639);
    const auto scalar = test_support::be_fixed<size>(rng.bytes(size - 1));  // below n
    bytes<size> other_scalar{};
    other_scalar[size - 1] = 7;
    const byte_vector good = public_point<Curve, Engine>(other_scalar);
    REQUIRE(shared_hex<Curve, Engine>(scalar, good) != "");

    const auto refused = [&](const byte_vector& point) {
        CAPTURE(to_hex(point));
        CHECK_FALSE(ec_validate_point<Curve, Engine>(point));
        CHECK(shared_hex<Curve, Engine>(scalar, point) == "");
    };

    // Off the curve (an invalid-curve point: another b): y + 1, x + 1, (0, 0), each coordinate flipped.
    for (std::size_t at : {size, 2 * size, std::size_t{1}, size + 1}) {
        byte_vector changed = good;
        changed[at] ^= 1;
        refused(changed);
    }
    refused(test_support::concat_bytes({0x04}, byte_vector(2 * size, 0)));
    // Bad encodings: the identity's single 00, wrong prefixes, wrong lengths, hybrid form (06/07).
    refused({0x00});
    refused({});
    for (const int prefix : {0x00, 0x01, 0x05, 0x06, 0x07}) {
        byte_vector changed = good;
        changed[0] = static_cast<std::uint8_t>(prefix);
        refused(changed);
    }
    refused(byte_vector(good.begin(), good.end() - 1));
    refused(test_support::concat_bytes(good, {0x00}));
    byte_vector compressed_long = good;
    compressed_long[0] = 0x02;
    refused(compressed_long);
    byte_vector uncompressed_short = test_support::sec1_compress(good);
    uncompressed_short[0] = 0x04;
    refused(uncompressed_short);

    // A point with a small x, and the same with x + p (the same residue, not reduced): the first
    // is valid (uncompressed and compressed), the second refused in both forms.
    std::uint32_t x_value = 0;
    fe y{};
    while (!P::y_for(x_value, y)) ++x_value;
    fe x{}, x_plus_p{};
    x[0] = x_value;
    REQUIRE(P::F::add_words(x_plus_p, x, P::F::m) == 0);
    const byte_vector small = P::encode(0x04, x, &y);
    CHECK(ec_validate_point<Curve, Engine>(small));
    CHECK(shared_hex<Curve, Engine>(scalar, small) != "");
    CHECK(ec_validate_point<Curve, Engine>(P::encode(0x02, x, nullptr)));
    CHECK(ec_validate_point<Curve, Engine>(P::encode(0x03, x, nullptr)));
    refused(P::encode(0x04, x_plus_p, &y));
    refused(P::encode(0x02, x_plus_p, nullptr));
    refused(P::encode(0x03, x_plus_p, nullptr));
    // y + p does not fit for this y, but p - y (the negated point) is valid and p is not.
    fe p_minus_y{};
    P::F::sub(p_minus_y, fe{}, y);
    CHECK(ec_validate_point<Curve, Engine>(P::encode(0x04, x, &p_minus_y)));
    refused(P::encode(0x04, x, &P::F::m));

    // An x with no point: both compressed forms refused (Wycheproof's twist points are such).
    std::uint32_t off_value = 0;
    while (P::y_for(off_value, y)) ++off_value;
    fe off{};
    off[0] = off_value;
    refused(P::encode(0x02, off, nullptr));
    refused(P::encode(0x03, off, nullptr));
    // x = p, 2^bits - 1.
    refused(P::encode(0x02, P::F::m, nullptr));
    fe ones{};
    for (auto& w : ones) w = ~typename fe::value_type{0};
    refused(P::encode(0x02, ones, nullptr));
    refused(P::encode(0x04, ones, &y));
}
TEST_CASE_TEMPLATE_APPLY(ecdh_invalid_points, test_support::nist_all_engines);

}  // namespace test_ecdh
