// ML-KEM-512/768/1024 (FIPS 203): every Wycheproof test (KeyGen from seeds, Encaps with its
// modulus check, Decaps with implicit rejection, the semi-expanded decapsulation keys), every
// C2SP CCTV vector (intermediate values, unlucky samples, strcmp, every modulus-check failure)
// and the accumulated pq-crystals run of 10 000 random tests per parameter set; plus exhaustive
// checks of the constant-time Compress and reductions (Barrett, Montgomery) against plain division,
// and the AVX2 NTT and sampling kernels against the portable ones.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#if defined(CARAPACE_TEST_HAVE_ZLIB)
#include <zlib.h>
#endif

#include "carapace/hash/sha3.hpp"
#include "carapace/kem/mlkem.hpp"
#include "support/vectors.hpp"

namespace test_mlkem {

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

// The type check of FIPS 203 §7.2/§7.3 is the fixed extent of the API's spans: an input of the
// wrong length has no view and is refused here, before any call.
template <std::size_t N>
std::optional<fixed_view<N>> as_fixed(const byte_vector& v) {
    if (v.size() != N) return std::nullopt;
    return fixed_view<N>(v.data(), N);
}

template <class Kem>
const char* parameter_set_name() {
    if constexpr (Kem::k == 2) return "ML-KEM-512";
    else if constexpr (Kem::k == 3) return "ML-KEM-768";
    else return "ML-KEM-1024";
}

template <class Kem>
std::string wycheproof_path(const char* kind) {
    return std::string("wycheproof/mlkem_") + std::to_string(Kem::k == 2 ? 512 : Kem::k == 3 ? 768 : 1024) + kind;
}

template <class Kem>
struct key_pair {
    typename Kem::encapsulation_key ek{};
    typename Kem::decapsulation_key dk{};
};

template <class Kem>
key_pair<Kem> keygen_from_seed(fixed_view<64> seed) {
    key_pair<Kem> kp;
    REQUIRE(Kem::keygen(seed, kp.ek, kp.dk) == errc::ok);
    return kp;
}

// C2SP's intermediate, unlucky-sample and accumulated vectors were made with the FIPS 203 draft,
// whose K-PKE.KeyGen takes (rho, sigma) = G(d) where the final standard takes G(d || k) (the
// only difference in what they exercise; Encaps and Decaps are the same). Their keys are made
// here with the draft's G(d), through the same code path after it.
template <class Kem>
errc draft_keygen(fixed_view<32> d, fixed_view<32> z, fixed_span<Kem::encapsulation_key_size> ek,
                  fixed_span<Kem::decapsulation_key_size> dk) {
    const auto rho_sigma = sha3_512::hash(d);
    return Kem::keygen_from_rho_sigma(rho_sigma, z, ek, dk);
}

#define MLKEM_TYPES carapace::mlkem512, carapace::mlkem768, carapace::mlkem1024

TEST_CASE_TEMPLATE("ML-KEM Wycheproof: KeyGen, Encaps and Decaps from seeds", Kem, MLKEM_TYPES) {
    const auto doc = test_support::load_vectors(wycheproof_path<Kem>("_test.json"));
    REQUIRE(doc["numberOfTests"].integer() == 193);
    std::int64_t run = 0;
    for (const auto& group : doc["testGroups"]) {
        REQUIRE(group["parameterSet"].str() == parameter_set_name<Kem>());
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            ++run;
            const bool valid = t["result"].str() == "valid";
            const byte_vector seed_bytes = unhex(t["seed"].str());
            const auto seed = as_fixed<64>(seed_bytes);
            const byte_vector c_bytes = unhex(t["c"].str());
            const auto c = as_fixed<Kem::ciphertext_size>(c_bytes);
            CHECK((seed && c) == valid);
            if (!seed || !c) continue;
            const auto kp = keygen_from_seed<Kem>(*seed);
            CHECK(to_hex(kp.ek) == t["ek"].str());
            typename Kem::shared_secret k{}, k_seed{};
            REQUIRE(Kem::decapsulate(kp.dk, *c, k) == errc::ok);
            REQUIRE(Kem::decapsulate_seed(*seed, *c, k_seed) == errc::ok);
            CHECK(to_hex(k) == t["K"].str());
            CHECK(k_seed == k);
        }
    }
    CHECK(run == 193);
}

TEST_CASE_TEMPLATE("ML-KEM Wycheproof: Encaps and the modulus check", Kem, MLKEM_TYPES) {
    const auto doc = test_support::load_vectors(wycheproof_path<Kem>("_encaps_test.json"));
    const std::int64_t expected = doc["numberOfTests"].integer();
    REQUIRE(expected >= 250);
    std::int64_t run = 0, refused_by_modulus = 0;
    for (const auto& group : doc["testGroups"]) {
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            ++run;
            const bool valid = t["result"].str() == "valid";
            const byte_vector ek_bytes = unhex(t["ek"].str()), m_bytes = unhex(t["m"].str());
            const auto ek = as_fixed<Kem::encapsulation_key_size>(ek_bytes);
            const auto m = as_fixed<32>(m_bytes);
            if (!ek || !m) {
                CHECK_FALSE(valid);
                continue;
            }
            typename Kem::ciphertext c{};
            typename Kem::shared_secret k{};
            const errc e = Kem::encapsulate(*ek, *m, c, k);
            CHECK((e == errc::ok) == valid);
            CHECK(Kem::encapsulation_key_valid(*ek) == valid);
            if (e != errc::ok) {
                ++refused_by_modulus;
                continue;
            }
            CHECK(to_hex(c) == t["c"].str());
            CHECK(to_hex(k) == t["K"].str());
        }
    }
    CHECK(run == expected);
    CHECK(refused_by_modulus >= 100);
}

TEST_CASE_TEMPLATE("ML-KEM Wycheproof: KeyGen from seeds", Kem, MLKEM_TYPES) {
    const auto doc = test_support::load_vectors(wycheproof_path<Kem>("_keygen_seed_test.json"));
    REQUIRE(doc["numberOfTests"].integer() == 100);
    std::int64_t run = 0;
    for (const auto& group : doc["testGroups"]) {
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            REQUIRE(t["result"].str() == "valid");
            const byte_vector seed = unhex(t["seed"].str());
            const auto kp = keygen_from_seed<Kem>(*as_fixed<64>(seed));
            CHECK(to_hex(kp.ek) == t["ek"].str());
            CHECK(to_hex(kp.dk) == t["dk"].str());
            CHECK(Kem::decapsulation_key_valid(kp.dk));
            ++run;
        }
    }
    CHECK(run == 100);
}

TEST_CASE_TEMPLATE("ML-KEM Wycheproof: expanded decapsulation keys and the hash check", Kem, MLKEM_TYPES) {
    const auto doc = test_support::load_vectors(wycheproof_path<Kem>("_semi_expanded_decaps_test.json"));
    const std::int64_t expected = doc["numberOfTests"].integer();
    REQUIRE(expected >= 9);
    std::int64_t run = 0;
    for (const auto& group : doc["testGroups"]) {
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            ++run;
            const bool valid = t["result"].str() == "valid";
            const byte_vector dk_bytes = unhex(t["dk"].str()), c_bytes = unhex(t["c"].str());
            const auto dk = as_fixed<Kem::decapsulation_key_size>(dk_bytes);
            const auto c = as_fixed<Kem::ciphertext_size>(c_bytes);
            if (!dk || !c) {
                CHECK_FALSE(valid);
                continue;
            }
            typename Kem::shared_secret k{};
            const errc e = Kem::decapsulate(*dk, *c, k);
            CHECK((e == errc::ok) == valid);
            if (e == errc::ok) CHECK(to_hex(k) == t["K"].str());
        }
    }
    CHECK(run == expected);
}

// "name = hex" lines of the C2SP files; a name seen twice keeps its first value.
std::map<std::string, std::string> read_cctv_fields(const std::string& text) {
    std::map<std::string, std::string> fields;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(at, end - at);
        at = end + 1;
        const std::size_t eq = line.find(" = ");
        if (eq == std::string::npos) continue;
        fields.emplace(line.substr(0, eq), line.substr(eq + 3));
    }
    return fields;
}

template <class Kem>
std::string cctv_path(const char* folder) {
    return std::string("cctv/ML-KEM/") + folder + "/" + parameter_set_name<Kem>() + ".txt";
}

// KeyGen(d, z), Encaps(ek, m) and Decaps of the result, against one C2SP vector; and a changed
// ciphertext gets the rejection key J(z || c').
template <class Kem>
void check_cctv_full(const std::map<std::string, std::string>& f) {
    REQUIRE(f.count("d") == 1);
    const byte_vector d = unhex(f.at("d")), z = unhex(f.at("z")), m = unhex(f.at("m"));
    key_pair<Kem> kp;
    if (f.count("ρ") != 0) {
        CHECK(to_hex(sha3_512::hash(d)) == f.at("ρ") + f.at("σ"));
    }
    REQUIRE(draft_keygen<Kem>(*as_fixed<32>(d), *as_fixed<32>(z), kp.ek, kp.dk) == errc::ok);
    CHECK(to_hex(kp.ek) == f.at("ek"));
    CHECK(to_hex(kp.dk) == f.at("dk"));
    typename Kem::ciphertext c{};
    typename Kem::shared_secret k{}, k2{};
    REQUIRE(Kem::encapsulate(kp.ek, *as_fixed<32>(m), c, k) == errc::ok);
    CHECK(to_hex(c) == f.at("c"));
    CHECK(to_hex(k) == f.at("K"));
    REQUIRE(Kem::decapsulate(kp.dk, c, k2) == errc::ok);
    CHECK(k2 == k);
    if (f.count("KBar") != 0) {
        // KBar = J(z || c) of the vector's own ciphertext.
        typename Kem::shared_secret kbar{};
        shake256 j;
        j.update(z).update(c);
        j.finish().squeeze(kbar);
        CHECK(to_hex(kbar) == f.at("KBar"));
    }
    c[Kem::ciphertext_size - 1] ^= 1;
    typename Kem::shared_secret rejected{};
    shake256 j;
    j.update(z).update(c);
    j.finish().squeeze(rejected);
    REQUIRE(Kem::decapsulate(kp.dk, c, k2) == errc::ok);
    CHECK(k2 == rejected);
    CHECK(k2 != k);
}

TEST_CASE_TEMPLATE("ML-KEM C2SP intermediate-value and unlucky-sample vectors", Kem, MLKEM_TYPES) {
    SUBCASE("intermediate") { check_cctv_full<Kem>(read_cctv_fields(test_support::read_vector_file(cctv_path<Kem>("intermediate")))); }
    SUBCASE("unlucky sample") { check_cctv_full<Kem>(read_cctv_fields(test_support::read_vector_file(cctv_path<Kem>("unluckysample")))); }
}

TEST_CASE_TEMPLATE("ML-KEM C2SP strcmp vectors: a zero byte does not end the comparison", Kem, MLKEM_TYPES) {
    const auto f = read_cctv_fields(test_support::read_vector_file(cctv_path<Kem>("strcmp")));
    REQUIRE(f.count("dk") == 1);
    const byte_vector dk = unhex(f.at("dk")), c = unhex(f.at("c"));
    typename Kem::shared_secret k{};
    REQUIRE(Kem::decapsulate(*as_fixed<Kem::decapsulation_key_size>(dk), *as_fixed<Kem::ciphertext_size>(c), k) ==
            errc::ok);
    CHECK(to_hex(k) == f.at("K"));
}

#if defined(CARAPACE_TEST_HAVE_ZLIB)
std::vector<std::string> read_gzip_lines(const std::string& path) {
    std::vector<std::string> lines;
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr) return lines;
    std::string text;
    char buffer[65536];
    int n = 0;
    while ((n = gzread(f, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
    gzclose(f);
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        if (end > at) lines.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return lines;
}

TEST_CASE_TEMPLATE("ML-KEM C2SP modulus vectors: every coefficient >= q at every position is refused", Kem,
                   MLKEM_TYPES) {
    const auto lines =
        read_gzip_lines(std::string(CARAPACE_TEST_VECTORS) + "/" + cctv_path<Kem>("modulus") + ".gz");
    // The counts of upstream's files, so that a truncated copy fails.
    REQUIRE(lines.size() == (Kem::k == 2 ? 775u : Kem::k == 3 ? 780u : 1040u));
    std::size_t refused = 0;
    for (const auto& line : lines) {
        const byte_vector ek_bytes = unhex(line);
        const auto ek = as_fixed<Kem::encapsulation_key_size>(ek_bytes);
        REQUIRE(ek);
        CHECK_FALSE(Kem::encapsulation_key_valid(*ek));
        typename Kem::ciphertext c{};
        typename Kem::shared_secret k{};
        const bytes<32> m{};
        if (Kem::encapsulate(*ek, m, c, k) == errc::invalid_argument) ++refused;
    }
    CHECK(refused == lines.size());
}
#endif

// The accumulated pq-crystals vectors of C2SP's README: inputs from one SHAKE128 stream, outputs
// into another, and the hash of 10 000 tests compared with the published value.
template <class Kem>
std::string accumulated_hash(int tests) {
    auto rng = shake128{}.finish();
    shake128 out;
    for (int i = 0; i < tests; ++i) {
        bytes<32> d{}, z{}, m{};
        typename Kem::ciphertext random_c{};
        rng.squeeze(d).squeeze(z).squeeze(m).squeeze(random_c);
        key_pair<Kem> kp;
        REQUIRE(draft_keygen<Kem>(d, z, kp.ek, kp.dk) == errc::ok);
        typename Kem::ciphertext c{};
        typename Kem::shared_secret k{}, k_dec{}, k_rejected{};
        REQUIRE(Kem::encapsulate(kp.ek, m, c, k) == errc::ok);
        REQUIRE(Kem::decapsulate(kp.dk, c, k_dec) == errc::ok);
        CHECK(k_dec == k);
        REQUIRE(Kem::decapsulate(kp.dk, random_c, k_rejected) == errc::ok);
        out.update(kp.ek).update(kp.dk).update(c).update(k).update(k_rejected);
    }
    bytes<32> h{};
    out.finish().squeeze(h);
    return to_hex(h);
}

TEST_CASE("ML-KEM accumulated pq-crystals vectors (10 000 tests per parameter set)") {
    CHECK(accumulated_hash<mlkem512>(10000) == "845913ea5a308b803c764a9ed8e9d814ca1fd9c82ba43c7b1e64b79c7a6ec8e4");
    CHECK(accumulated_hash<mlkem768>(10000) == "f7db260e1137a742e05fe0db9525012812b004d29040a5b606aad3d134b548d3");
    CHECK(accumulated_hash<mlkem1024>(10000) == "47ac888fe61544efc0518f46094b4f8a600965fc89822acb06dc7169d24f3543");
}

TEST_CASE("ML-KEM Compress and reduction equal plain division for every input") {
    namespace m = detail::mlkem;
    const auto exact = [](std::uint32_t x, unsigned d) {
        // round(2^d x / q) mod 2^d, with a real division.
        return ((x << (d + 1)) + m::q) / (2 * m::q) % (1u << d);
    };
    for (std::uint32_t x = 0; x < m::q; ++x) {
        CHECK(m::compress<1>(x) == exact(x, 1));
        CHECK(m::compress<4>(x) == exact(x, 4));
        CHECK(m::compress<5>(x) == exact(x, 5));
        CHECK(m::compress<10>(x) == exact(x, 10));
        CHECK(m::compress<11>(x) == exact(x, 11));
    }
    test_support::test_rng rng(3329);
    for (int i = 0; i < 200000; ++i) {
        const auto x = static_cast<std::uint32_t>(rng.next());
        CHECK(m::reduce(x) == x % m::q);
    }
    for (std::uint32_t x : {0u, 1u, m::q - 1, m::q, 2 * m::q - 1, 0xffffffffu, 0xfffffffeu, 0x80000000u})
        CHECK(m::reduce(x) == x % m::q);
    // The NTTs' signed arithmetic: Barrett and canonical form for every 16-bit value, Montgomery
    // reduction over the products the NTTs form (|a| < 8q times |zeta| <= q/2, and beyond).
    const auto mod_q = [](std::int64_t a) { return static_cast<std::uint32_t>(((a % 3329) + 3329) % 3329); };
    for (std::int32_t a = -32768; a <= 32767; ++a) {
        const auto a16 = static_cast<std::int16_t>(a);
        const std::int16_t r = m::barrett_reduce(a16);
        CHECK((r >= -1664 && r <= 1664 && mod_q(r) == mod_q(a)));
        CHECK(m::to_canonical(a16) == mod_q(a));
    }
    const std::int64_t r_inverse = 169;  // 2^16 * 169 = 1 mod q
    REQUIRE(mod_q(65536 * r_inverse) == 1);
    for (int i = 0; i < 200000; ++i) {
        const auto a = static_cast<std::int32_t>(rng.next() % (2 * 3329 * 32768ull)) - 3329 * 32768;
        const std::int16_t r = m::montgomery_reduce(a);
        CHECK((r > -3329 && r < 3329 && mod_q(r) == mod_q(a * r_inverse)));
    }
}

// The NTT variants (mlkem_ntt.hpp): each supported one gives the portable results bit for bit on
// random polynomials and on the extremes (all 0, all q - 1, alternating), for the NTT, the
// inverse NTT and sums of up to four products (ML-KEM-1024's k) reduced at the end.
#define CARAPACE_MLKEM_NTT_VARIANTS carapace::detail::mlkem::mlkem_ntt_avx2, carapace::detail::mlkem::mlkem_ntt_portable

TEST_CASE_TEMPLATE("ML-KEM NTT, inverse NTT and products: every variant equals the portable one", Variant,
                   CARAPACE_MLKEM_NTT_VARIANTS) {
    namespace m = detail::mlkem;
    if (!Variant::supported()) {
        MESSAGE("ML-KEM NTT variant " << std::string(Variant::name)
                                      << " not supported by this CPU (or forced portable): not run");
        return;
    }
    test_support::test_rng rng(17);
    std::vector<m::poly> inputs;
    m::poly p{};
    inputs.push_back(p);  // all 0
    p.fill(static_cast<std::uint16_t>(m::q - 1));
    inputs.push_back(p);
    for (std::size_t i = 0; i < m::n; ++i) p[i] = static_cast<std::uint16_t>(i % 2 == 0 ? m::q - 1 : 0);
    inputs.push_back(p);
    for (std::size_t i = 0; i < m::n; ++i) p[i] = static_cast<std::uint16_t>(i % 2 == 0 ? 0 : m::q - 1);
    inputs.push_back(p);
    for (int r = 0; r < 300; ++r) {
        for (auto& c : p) c = static_cast<std::uint16_t>(rng.next() % m::q);
        inputs.push_back(p);
    }
    for (std::size_t t = 0; t < inputs.size(); ++t) {
        m::poly expected = inputs[t], got = inputs[t];
        m::mlkem_ntt_portable::ntt(expected);
        Variant::ntt(got);
        CHECK(got == expected);
        expected = inputs[t];
        got = inputs[t];
        m::mlkem_ntt_portable::inverse_ntt(expected);
        Variant::inverse_ntt(got);
        CHECK(got == expected);
        // Four products, the partners taken from elsewhere in the list (extremes meet extremes).
        std::array<std::uint32_t, m::n> sum_expected{}, sum_got{};
        for (std::size_t j = 0; j < 4; ++j) {
            const m::poly& f = inputs[(t + j) % inputs.size()];
            const m::poly& g = inputs[(t * 7 + j) % inputs.size()];
            m::mlkem_ntt_portable::add_product(sum_expected, f, g);
            Variant::add_product(sum_got, f, g);
        }
        for (std::size_t i = 0; i < m::n; ++i) CHECK(m::reduce(sum_got[i]) == m::reduce(sum_expected[i]));
    }
    // And the inverse NTT undoes the NTT.
    for (std::size_t t = 0; t < inputs.size(); ++t) {
        m::poly round_trip = inputs[t];
        Variant::ntt(round_trip);
        Variant::inverse_ntt(round_trip);
        CHECK(round_trip == inputs[t]);
    }
}

// ByteEncode_d and ByteDecode_d (grouped, unrolled) against Algorithms 5 and 6 written bit by bit.
TEST_CASE("ML-KEM ByteEncode and ByteDecode equal the bit-by-bit algorithms") {
    namespace m = detail::mlkem;
    test_support::test_rng rng(29);
    const auto check = [&]<unsigned D>() {
        for (int t = 0; t < 50; ++t) {
            m::poly f{};
            const std::uint32_t bound = D == 12 ? m::q : 1u << D;  // ByteDecode_12 reduces mod q
            for (auto& c : f) c = static_cast<std::uint16_t>(t == 0 ? bound - 1 : rng.next() % bound);
            std::array<std::uint8_t, 32 * D> expected{}, got{};
            for (std::size_t i = 0; i < m::n; ++i)
                for (unsigned j = 0; j < D; ++j)
                    expected[(i * D + j) / 8] = static_cast<std::uint8_t>(expected[(i * D + j) / 8] |
                                                                          ((f[i] >> j) & 1u) << ((i * D + j) % 8));
            m::byte_encode<D>(f, got.data());
            CHECK(got == expected);
            m::poly back{};
            m::byte_decode<D>(got.data(), back);
            CHECK(back == f);
        }
    };
    check.template operator()<1>();
    check.template operator()<4>();
    check.template operator()<5>();
    check.template operator()<10>();
    check.template operator()<11>();
    check.template operator()<12>();
}

// The coefficient-wise variants (mlkem_poly_avx2.hpp): each supported one equals the scalar
// definitions: Compress_d and Decompress_d on every input, sums and differences on the extremes
// and random values, the reduction of sums up to ML-KEM-1024's bound (4 terms below 3q^2 each) and
// ByteDecode_12 on random bytes (values of 4095 included, which it reduces).
TEST_CASE_TEMPLATE("ML-KEM coefficient-wise steps: every variant equals the scalar definitions", Variant,
                   carapace::detail::mlkem::mlkem_poly_avx2, carapace::detail::mlkem::mlkem_poly_portable) {
    namespace m = detail::mlkem;
    if (!Variant::supported()) {
        MESSAGE("ML-KEM coefficient variant " << std::string(Variant::name)
                                              << " not supported by this CPU (or forced portable): not run");
        return;
    }
    // Every x in [0, q), 256 at a time.
    const auto compress_all = [&]<unsigned D>() {
        for (std::uint32_t start = 0; start < m::q; start += m::n) {
            m::poly f{};
            for (std::uint32_t i = 0; i < m::n; ++i) f[i] = static_cast<std::uint16_t>((start + i) % m::q);
            std::array<std::uint16_t, m::n> got{};
            Variant::template compress<D>(f, got);
            for (std::size_t i = 0; i < m::n; ++i) CHECK(got[i] == m::compress<D>(f[i]));
        }
        m::poly y{};
        for (std::uint32_t i = 0; i < m::n; ++i) y[i] = static_cast<std::uint16_t>(i % (1u << D));
        m::poly got = y;
        Variant::template decompress<D>(got);
        for (std::size_t i = 0; i < m::n; ++i) CHECK(got[i] == m::decompress<D>(y[i]));
    };
    compress_all.template operator()<1>();
    compress_all.template operator()<4>();
    compress_all.template operator()<5>();
    compress_all.template operator()<10>();
    compress_all.template operator()<11>();

    test_support::test_rng rng(23);
    for (int t = 0; t < 500; ++t) {
        m::poly f{}, g{};
        for (std::size_t i = 0; i < m::n; ++i) {
            f[i] = static_cast<std::uint16_t>(t == 0 ? m::q - 1 : t == 1 ? 0 : rng.next() % m::q);
            g[i] = static_cast<std::uint16_t>(t == 0 ? m::q - 1 : t == 1 ? m::q - 1 : rng.next() % m::q);
        }
        m::poly sum = f, difference = f, sum_expected{}, difference_expected{};
        Variant::add(sum, g);
        Variant::subtract(difference, g);
        for (std::size_t i = 0; i < m::n; ++i) {
            sum_expected[i] = static_cast<std::uint16_t>((f[i] + g[i]) % m::q);
            difference_expected[i] = static_cast<std::uint16_t>((f[i] + m::q - g[i]) % m::q);
        }
        CHECK(sum == sum_expected);
        CHECK(difference == difference_expected);

        std::array<std::uint32_t, m::n> sums{};
        constexpr std::uint32_t bound = 4 * 3 * m::q * m::q;
        for (std::size_t i = 0; i < m::n; ++i)
            sums[i] = t == 0 ? bound - 1 - static_cast<std::uint32_t>(i) : t == 1 ? static_cast<std::uint32_t>(i)
                                                                                 : static_cast<std::uint32_t>(rng.next() % bound);
        m::poly reduced{};
        Variant::reduce_sums(sums, reduced);
        for (std::size_t i = 0; i < m::n; ++i) CHECK(reduced[i] == sums[i] % m::q);

        std::array<std::uint8_t, 384> bytes{};
        for (auto& b : bytes) b = static_cast<std::uint8_t>(t == 0 ? 0xff : rng.next());
        m::poly decoded{}, decoded_expected{};
        Variant::decode_12(bytes.data(), decoded);
        m::byte_decode<12>(bytes.data(), decoded_expected);
        CHECK(decoded == decoded_expected);
        std::array<std::uint8_t, 384> encoded{}, encoded_expected{};
        Variant::encode_12(f, encoded.data());
        m::byte_encode<12>(f, encoded_expected.data());
        CHECK(encoded == encoded_expected);
        // The modulus check: true exactly when no value read is q or more (one value raised at a
        // random position makes it false).
        std::array<std::uint8_t, 384> in_range{};
        m::byte_encode<12>(f, in_range.data());
        CHECK(Variant::below_q_12(in_range.data()));
        const std::size_t at = static_cast<std::size_t>(rng.next() % m::n);
        m::poly raised = f;
        raised[at] = static_cast<std::uint16_t>(m::q + rng.next() % (4096 - m::q));
        m::byte_encode<12>(raised, in_range.data());
        CHECK(!Variant::below_q_12(in_range.data()));
        CHECK(Variant::below_q_12(bytes.data()) == m::mlkem_poly_portable::below_q_12(bytes.data()));
    }
}

// SamplePolyCBD_2's kernels (mlkem_sample_avx2.hpp): each supported one equals cbd_from_bytes<2> on
// random bytes and on all-zero and all-one bytes (every coefficient 0, every one q - 1 ... ).
TEST_CASE_TEMPLATE("ML-KEM SamplePolyCBD_2: every variant equals the portable one", Variant,
                   carapace::detail::mlkem::mlkem_sample_avx2, carapace::detail::mlkem::mlkem_sample_portable) {
    namespace m = detail::mlkem;
    if (!Variant::supported()) {
        MESSAGE("ML-KEM sampling variant " << std::string(Variant::name)
                                           << " not supported by this CPU (or forced portable): not run");
        return;
    }
    test_support::test_rng rng(2);
    for (int t = 0; t < 2000; ++t) {
        std::array<std::uint8_t, 128> in{};
        for (auto& b : in) b = static_cast<std::uint8_t>(t == 0 ? 0x00 : t == 1 ? 0xff : t == 2 ? 0x0f : rng.next());
        m::poly expected{}, got{};
        m::cbd_from_bytes<2>(in.data(), expected);
        Variant::cbd2(in.data(), got);
        CHECK(got == expected);
    }
}

// SampleNTT's rejection kernels: each supported one keeps the same candidates as
// sample_ntt_block, in order, from any starting count, on random blocks, on all-0xff bytes
// (every candidate 4095, rejected) and on all-zero bytes (every candidate 0, accepted).
TEST_CASE_TEMPLATE("ML-KEM SampleNTT rejection: every variant equals the portable one", Variant,
                   carapace::detail::mlkem::mlkem_sample_avx2, carapace::detail::mlkem::mlkem_sample_portable) {
    namespace m = detail::mlkem;
    if (!Variant::supported()) {
        MESSAGE("ML-KEM sampling variant " << std::string(Variant::name)
                                           << " not supported by this CPU (or forced portable): not run");
        return;
    }
    test_support::test_rng rng(7);
    for (int t = 0; t < 3000; ++t) {
        std::array<std::uint8_t, shake128::rate + m::sample_block_slack> block{};
        for (std::size_t i = 0; i < shake128::rate; ++i)
            block[i] = static_cast<std::uint8_t>(t == 0 ? 0xff : t == 1 ? 0x00 : rng.next());
        const std::size_t start = static_cast<std::size_t>(t % 5 == 0 ? 0 : rng.next() % m::n);
        std::array<std::uint16_t, m::n + m::sample_output_slack> expected{}, got{};
        const std::size_t expected_count = m::sample_ntt_block(block.data(), shake128::rate, expected.data(), start);
        const std::size_t got_count = Variant::reject(block.data(), shake128::rate, got.data(), start);
        CHECK(got_count == expected_count);
        for (std::size_t i = 0; i < expected_count; ++i) CHECK(got[i] == expected[i]);
    }
}

}  // namespace test_mlkem
