// The NIST curves in TLS: the secp256r1 and secp384r1 key exchanges (§4.2.8.2) against OpenSSL's
// ECDH results and on malformed shares, the ECDSA signers and CertificateVerify checks (§4.2.3,
// §4.4.3) against OpenSSL's signatures and with the wrong curve, and the engines over memory with
// ECDSA P-256 and P-384 server and client certificates, each group, several key shares and
// HelloRetryRequest towards either curve.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "support/tls_session.hpp"

namespace tls_nist_test {

using namespace carapace;
using namespace test_support;

// Hands out the bytes it was given, then zeros: a private scalar chosen by the test.
class scripted_random final : public tls::random_source {
public:
    explicit scripted_random(byte_vector bytes) : bytes_(std::move(bytes)) {}
    void fill(byte_span out) noexcept override {
        for (auto& b : out) b = next_ < bytes_.size() ? bytes_[next_++] : 0;
    }

private:
    byte_vector bytes_;
    std::size_t next_ = 0;
};

// Always the same bytes: signatures hedged with it are deterministic.
class constant_random final : public tls::random_source {
public:
    void fill(byte_span out) noexcept override {
        for (auto& b : out) b = 0x5a;
    }
};

// Generated with `openssl genpkey -algorithm EC` and `openssl pkeyutl -derive`: our private key
// a, its public point, the peer's point b and the x-coordinate OpenSSL derived.
struct ecdh_vector {
    const char* a_private;
    const char* a_public;
    const char* b_public;
    const char* shared;
};
constexpr ecdh_vector openssl_p256 = {
    "d80f6a22ddacffba7baa0b5251ada89500b7261e8da9dfccf1aa394503b02951",
    "040c421be89d4b9dc511446b54ee45d1c8751d2acc3ff23a8a9a2b6b475f8d37a86a2e47f77297ef41d4c07550d983743b330f84650a5b0"
    "bdab58f014f124acd37",
    "04012283c6bf349f93fb10bd884e12fc1527fa51e58f3b16115df915b42a9839f022259bef482c192c06af814d8b47916646c04941633e5d"
    "7adc6a2b1a55fc214a",
    "6a283ec3281b2c58dcd77a6694118b438639373a96f4f439df266467f0ea828f"};
constexpr ecdh_vector openssl_p384 = {
    "43776279999227593e3a3c0c6a86f82d5e996c639a38d802bf8d79148dfda75cce561418289d13788dc55bc448d8052a",
    "041f0ffd3c3468ed0a6f51bab864dc5ce9c8a983e0084136ea160e55ef132758e11259e984b135ca0be20dba03a4aeb41bca236cb67533ad5"
    "78830067c108a71736d0577dae59a49bd98ec5c62f2a0a49e29bccbe7dbc6c3f5ea85f5736ee36133",
    "048bb71dd6cb23cbb732521965fc858406dafd1231aa9ceb162b24b0a81109d66304b8a353b3ed3fed65d420cd2e03c1a552412065957856"
    "307594889819c8b9fc8ec35d64efccb6b5f2d3e89f81e4266d6826b5c4934dfb9a836d706601952e30",
    "9ffeabb8f4bcf6caf5e0554c4bd6d2510a92723c0e504282d516d4dc4ffd4d25fafb32ce131c63d61163644da8378f6e"};

template <class Exchange>
void check_against_openssl(Exchange& kx, const ecdh_vector& v, std::size_t point_size, std::size_t secret_size) {
    CHECK(kx.share_size() == point_size);
    // Client side: our share is a's public point, and the secret the one OpenSSL derived.
    scripted_random a(unhex(v.a_private));
    bytes<tls::max_key_exchange_state> state{};
    byte_vector share(point_size);
    REQUIRE(kx.generate(a, state, share) == errc::ok);
    CHECK(to_hex(share) == v.a_public);
    bytes<tls::max_shared_secret_size> secret{};
    const byte_vector peer = unhex(v.b_public);
    REQUIRE(kx.finish(state, peer, secret) == secret_size);
    CHECK(to_hex(byte_view(secret).first(secret_size)) == v.shared);

    // Server side: the same secret for the same scalar.
    scripted_random again(unhex(v.a_private));
    byte_vector answer(point_size);
    bytes<tls::max_shared_secret_size> secret2{};
    REQUIRE(kx.respond(again, peer, answer, secret2) == secret_size);
    CHECK(to_hex(answer) == v.a_public);
    CHECK(to_hex(byte_view(secret2).first(secret_size)) == v.shared);
}

// Shares the key exchange must refuse (§4.2.8.2), both as the client and as the server.
template <class Exchange>
void check_refused_shares(Exchange& kx, const ecdh_vector& v, std::size_t secret_size) {
    const byte_vector good = unhex(v.b_public);
    std::vector<byte_vector> bad;
    byte_vector compressed(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(1 + (good.size() - 1) / 2));
    compressed[0] = static_cast<std::uint8_t>(2 + (good.back() & 1));
    bad.push_back(compressed);                                       // compressed form
    bad.push_back(byte_vector(good.begin(), good.end() - 1));        // one byte short
    byte_vector longer = good;
    longer.push_back(0);
    bad.push_back(longer);                                            // one byte long
    byte_vector hybrid = good;
    hybrid[0] = static_cast<std::uint8_t>(6 + (good.back() & 1));
    bad.push_back(hybrid);                                            // SEC 1 hybrid form
    byte_vector off_curve = good;
    off_curve.back() ^= 1;
    bad.push_back(off_curve);                                         // not on the curve
    byte_vector zero(good.size(), 0);
    zero[0] = 4;
    bad.push_back(zero);                                              // (0, 0): not on the curve
    byte_vector big = good;
    for (std::size_t i = 1; i < good.size(); ++i) big[i] = 0xff;
    bad.push_back(big);                                               // coordinates >= p
    bad.push_back(byte_vector{});

    test_random rng(5);
    bytes<tls::max_key_exchange_state> state{};
    byte_vector share(kx.share_size());
    REQUIRE(kx.generate(rng, state, share) == errc::ok);
    for (const auto& peer : bad) {
        CAPTURE(to_hex(peer));
        bytes<tls::max_shared_secret_size> secret{};
        CHECK(kx.finish(state, peer, secret) == 0);
        byte_vector answer(kx.share_size());
        CHECK(kx.respond(rng, peer, answer, secret) == 0);
    }
    bytes<tls::max_shared_secret_size> secret{};
    CHECK(kx.finish(state, good, secret) == secret_size);  // and the good one still works
}

TEST_CASE("TLS NIST groups: secp256r1 and secp384r1 agree with OpenSSL's ECDH") {
    tls::p256_key_exchange p256;
    tls::p384_key_exchange p384;
    CHECK(p256.group() == tls::named_group::secp256r1);
    CHECK(p384.group() == tls::named_group::secp384r1);
    check_against_openssl(p256, openssl_p256, 65, 32);
    check_against_openssl(p384, openssl_p384, 97, 48);
}

TEST_CASE("TLS NIST groups: compressed, hybrid, short, long and invalid points are refused") {
    tls::p256_key_exchange p256;
    tls::p384_key_exchange p384;
    check_refused_shares(p256, openssl_p256, 32);
    check_refused_shares(p384, openssl_p384, 48);
}

TEST_CASE("TLS NIST groups: a scalar of zero or at least the order is drawn again; a stuck source fails") {
    tls::p256_key_exchange p256;
    // First draw: all ones (>= n, refused), then a's scalar.
    byte_vector script(32, 0xff);
    const byte_vector a = unhex(openssl_p256.a_private);
    script.insert(script.end(), a.begin(), a.end());
    scripted_random twice(script);
    bytes<tls::max_key_exchange_state> state{};
    byte_vector share(65);
    REQUIRE(p256.generate(twice, state, share) == errc::ok);
    CHECK(to_hex(share) == openssl_p256.a_public);

    scripted_random zeros(byte_vector{});  // zeros forever
    CHECK(p256.generate(zeros, state, share) == errc::invalid_argument);
    byte_vector answer(65);
    bytes<tls::max_shared_secret_size> secret{};
    CHECK(p256.respond(zeros, unhex(openssl_p256.b_public), answer, secret) == 0);
    byte_vector wrong_size(64);
    CHECK(p256.generate(twice, state, wrong_size) == errc::invalid_argument);
}

// OpenSSL's signatures (`openssl dgst -sha256 -sign`, `-sha384`) over these bytes by the keys of
// tests/vectors/tls/ec.
constexpr std::string_view signed_text = "carapace CertificateVerify vector";
constexpr const char* openssl_p256_signature =
    "3045022100c800468e8f52200f4c244c3d311335d5bbee201194e5127bc2a9859df4ed914702203114e28a527ccee18d18f0c55106e67c"
    "5a54a023d44f3c5da2a4ed5db540295a";
constexpr const char* openssl_p384_signature =
    "30650230682a875ac75e507c2f18cb11a5acaaf64499e7eb761ad21c0e263e1eaa2d76171e533ac41ecdb3215261c7b49e14e5a6023100"
    "a2c2e395133611840a0f38e8425f45123c0ab35c480c474d090660c5bb5a94ce6f2a22556af6c5a41f626fa9fe614145";

byte_view text_view(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// The SubjectPublicKeyInfo of a chain file's leaf.
byte_vector leaf_key(const std::string& name) {
    const auto chain = load_certificates("tls/" + name + ".pem");
    if (chain.empty()) return {};
    const auto leaf = x509::parse_certificate(chain[0]);
    if (!leaf) return {};
    return byte_vector(leaf->public_key.encoded.begin(), leaf->public_key.encoded.end());
}

TEST_CASE("TLS ECDSA: CertificateVerify signatures made by OpenSSL verify; the wrong curve or a flipped bit does not") {
    using tls::signature_scheme;
    const byte_vector p256_key = leaf_key("ec/server_p256"), p384_key = leaf_key("ec/client_p384");
    const byte_vector ed_key = leaf_key("server");
    REQUIRE(!p256_key.empty());
    REQUIRE(!p384_key.empty());
    REQUIRE(!ed_key.empty());
    const byte_vector sig256 = unhex(openssl_p256_signature), sig384 = unhex(openssl_p384_signature);
    const byte_view content = text_view(signed_text);
    CHECK(tls::verify_certificate_signature(p256_key, signature_scheme::ecdsa_secp256r1_sha256, content, sig256) ==
          tls::error::none);
    CHECK(tls::verify_certificate_signature(p384_key, signature_scheme::ecdsa_secp384r1_sha384, content, sig384) ==
          tls::error::none);
    // §4.2.3: each ECDSA scheme names its curve (and hash).
    CHECK(tls::verify_certificate_signature(p256_key, signature_scheme::ecdsa_secp384r1_sha384, content, sig256) ==
          tls::error::illegal_parameter);
    CHECK(tls::verify_certificate_signature(p384_key, signature_scheme::ecdsa_secp256r1_sha256, content, sig384) ==
          tls::error::illegal_parameter);
    CHECK(tls::verify_certificate_signature(p256_key, signature_scheme::ed25519, content, sig256) ==
          tls::error::illegal_parameter);
    CHECK(tls::verify_certificate_signature(ed_key, signature_scheme::ecdsa_secp256r1_sha256, content, sig256) ==
          tls::error::illegal_parameter);
    CHECK(tls::verify_certificate_signature(p256_key, signature_scheme::ecdsa_secp521r1_sha512, content, sig256) ==
          tls::error::illegal_parameter);
    CHECK(tls::verify_certificate_signature(p256_key, signature_scheme::rsa_pss_rsae_sha256, content, sig256) ==
          tls::error::illegal_parameter);
    // Another message, a flipped bit anywhere, P1363 r||s instead of DER, trailing bytes.
    CHECK(tls::verify_certificate_signature(p256_key, signature_scheme::ecdsa_secp256r1_sha256,
                                            text_view("carapace CertificateVerify vectoR"), sig256) == tls::error::decrypt_error);
    for (std::size_t i = 0; i < sig256.size(); ++i) {
        byte_vector tampered = sig256;
        tampered[i] ^= 0x01;
        CAPTURE(i);
        CHECK(tls::verify_certificate_signature(p256_key, signature_scheme::ecdsa_secp256r1_sha256, content, tampered) ==
              tls::error::decrypt_error);
    }
    byte_vector longer = sig384;
    longer.push_back(0);
    CHECK(tls::verify_certificate_signature(p384_key, signature_scheme::ecdsa_secp384r1_sha384, content, longer) ==
          tls::error::decrypt_error);
    CHECK(tls::verify_certificate_signature(p384_key, signature_scheme::ecdsa_secp384r1_sha384, content, {}) ==
          tls::error::decrypt_error);
}

TEST_CASE("TLS ECDSA: the signers make DER signatures the verifier takes, hedged with fresh bytes") {
    ecdsa_identity id256("ec/server_p256"), id384("ec/client_p384");
    REQUIRE(id256.p256 != nullptr);
    REQUIRE(id384.p384 != nullptr);
    const byte_vector p256_key = leaf_key("ec/server_p256"), p384_key = leaf_key("ec/client_p384");
    const byte_view content = text_view(signed_text);

    const auto scheme256 = tls::signature_scheme::ecdsa_secp256r1_sha256;
    const auto scheme384 = tls::signature_scheme::ecdsa_secp384r1_sha384;
    REQUIRE(id256.signer->schemes().size() == 1);
    CHECK(id256.signer->schemes()[0] == scheme256);
    CHECK(id384.signer->schemes()[0] == scheme384);
    CHECK(id256.signer->max_signature_size(scheme256) == 72);
    CHECK(id384.signer->max_signature_size(scheme384) == 104);

    byte_vector a(72), b(72), c(104);
    const std::size_t na = id256.signer->sign(scheme256, content, a);
    const std::size_t nb = id256.signer->sign(scheme256, content, b);
    const std::size_t nc = id384.signer->sign(scheme384, content, c);
    REQUIRE(na > 0);
    REQUIRE(nb > 0);
    REQUIRE(nc > 0);
    a.resize(na);
    b.resize(nb);
    c.resize(nc);
    CHECK(a[0] == 0x30);  // SEQUENCE { r, s }
    CHECK(a != b);        // fresh bytes each time
    CHECK(tls::verify_certificate_signature(p256_key, scheme256, content, a) == tls::error::none);
    CHECK(tls::verify_certificate_signature(p256_key, scheme256, content, b) == tls::error::none);
    CHECK(tls::verify_certificate_signature(p384_key, scheme384, content, c) == tls::error::none);
    CHECK(tls::verify_certificate_signature(p384_key, scheme384, text_view("other"), c) == tls::error::decrypt_error);

    // The same extra bytes give the same signature: the nonce is RFC 6979's with them mixed in.
    constant_random same;
    const auto key = ecdsa_private_key<p256>::from_scalar(fixed_view<32>(unhex(openssl_p256.a_private).data(), 32));
    REQUIRE(key.ok());
    tls::ecdsa_signer<p256> fixed(*key, same);
    byte_vector d(72), e(72);
    const std::size_t nd = fixed.sign(scheme256, content, d), ne = fixed.sign(scheme256, content, e);
    CHECK(nd == ne);
    CHECK(d == e);
    CHECK(fixed.public_key() == [] {
        bytes<65> p{};
        const byte_vector v = unhex(openssl_p256.a_public);
        std::copy(v.begin(), v.end(), p.begin());
        return p;
    }());

    // Another scheme, or no room: no signature.
    CHECK(id256.signer->sign(scheme384, content, c) == 0);
    CHECK(id256.signer->sign(tls::signature_scheme::ed25519, content, a) == 0);
    byte_vector small(8);
    CHECK(id256.signer->sign(scheme256, content, small) == 0);
}

TEST_CASE("TLS ECDSA: the verifier offers Ed25519 and both ECDSA schemes") {
    trust t("ec/root");
    const auto schemes = t.verifier->schemes();
    auto has = [&](tls::signature_scheme s) { return std::find(schemes.begin(), schemes.end(), s) != schemes.end(); };
    CHECK(has(tls::signature_scheme::ed25519));
    CHECK(has(tls::signature_scheme::ecdsa_secp256r1_sha256));
    CHECK(has(tls::signature_scheme::ecdsa_secp384r1_sha384));
    CHECK_FALSE(has(tls::signature_scheme::ecdsa_secp521r1_sha512));
}

// Every group this library implements, for either side's config.
struct all_groups {
    tls::x25519_key_exchange x25519;
    tls::p256_key_exchange p256;
    tls::p384_key_exchange p384;
    tls::key_exchange* all[3] = {&x25519, &p256, &p384};
};

constexpr tls::named_group x25519 = tls::named_group::x25519, secp256r1 = tls::named_group::secp256r1,
                           secp384r1 = tls::named_group::secp384r1;
constexpr tls::named_group every_group[3] = {x25519, secp256r1, secp384r1};

// The test setup with the ECDSA PKI: trust anchored at ec/root.pem on both sides and the real
// implementations of every group on both (the default setup's stand-in secp256r1 is replaced),
// the client's share of x25519 first.
struct ecdsa_setup : setup {
    trust client_ec_trust{"ec/root"};
    trust server_ec_trust{"ec/root"};
    all_groups client_kx, server_kx;

    ecdsa_setup() {
        client_config.verifier = client_ec_trust.verifier.get();
        server_config.verifier = server_ec_trust.verifier.get();
        client_config.key_exchanges = client_kx.all;
        server_config.key_exchanges = server_kx.all;
        client_config.groups = every_group;
        server_config.groups = every_group;
    }
    void serve_as(ecdsa_identity& id) {
        server_config.certificate_chain = id.views;
        server_config.signer = id.signer;
    }
    void authenticate_client_as(ecdsa_identity& id) {
        server_config.require_client_certificate = true;
        client_config.certificate_chain = id.views;
        client_config.signer = id.signer;
    }
};

TEST_CASE("TLS ECDSA: handshakes with P-256 and P-384 server and client certificates") {
    for (const char* server_name : {"ec/server_p256", "ec/server_p384"}) {
        for (const char* client_name : {"", "ec/client_p256", "ec/client_p384"}) {
            for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}}) {
                CAPTURE(server_name);
                CAPTURE(client_name);
                CAPTURE(chunk);
                ecdsa_setup t;
                ecdsa_identity server(server_name);
                REQUIRE(server.signer != nullptr);
                t.serve_as(server);
                std::unique_ptr<ecdsa_identity> client;
                if (*client_name != 0) {
                    client = std::make_unique<ecdsa_identity>(client_name);
                    REQUIRE(client->signer != nullptr);
                    t.authenticate_client_as(*client);
                }
                session s(t.client_config, t.server_config);
                s.max_chunk = chunk;
                s.handshake();
                CHECK(s.client.verify_detail() == "ok");
                if (client) CHECK(s.server.client_authenticated());
                check_connected_and_talking(s);
            }
        }
    }
}

TEST_CASE("TLS ECDSA: a chain from another ECDSA root is unknown_ca") {
    ecdsa_setup t;
    ecdsa_identity stranger("ec/stranger_p384");
    REQUIRE(stranger.signer != nullptr);
    t.serve_as(stranger);
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.client_log.last_fatal.failure == tls::error::unknown_ca);
    CHECK(s.server_log.last_fatal.alert == tls::alert_description::unknown_ca);
}

TEST_CASE("TLS ECDSA: a mixed pair, an Ed25519 server and a P-384 client") {
    ecdsa_setup t;
    trust ed_trust;  // the Ed25519 PKI's root, for the server's certificate
    t.client_config.verifier = ed_trust.verifier.get();
    ecdsa_identity client("ec/client_p384");
    t.authenticate_client_as(client);
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.server.client_authenticated());
    check_connected_and_talking(s);
}

TEST_CASE("TLS NIST groups: each group alone, no HelloRetryRequest") {
    for (const auto g : {x25519, secp256r1, secp384r1}) {
        CAPTURE(tls::to_string(g));
        ecdsa_setup t;
        ecdsa_identity server("ec/server_p256");
        t.serve_as(server);
        const tls::named_group only[1] = {g};
        t.client_config.groups = only;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK_FALSE(s.client.hello_retry_used());
        CHECK(s.client.negotiated_group() == g);
        CHECK(s.server.negotiated_group() == g);
        check_connected_and_talking(s);
    }
}

TEST_CASE("TLS NIST groups: several key shares, the server takes one by its preference") {
    struct row {
        std::vector<tls::named_group> client_shares, server_groups;
        tls::named_group chosen;
    };
    const row rows[] = {
        {{x25519, secp256r1}, {x25519, secp256r1, secp384r1}, x25519},
        {{x25519, secp256r1}, {secp256r1, x25519}, secp256r1},
        {{x25519, secp256r1, secp384r1}, {secp384r1, x25519}, secp384r1},
        {{secp384r1, secp256r1}, {secp256r1, secp384r1}, secp256r1},
        {{secp256r1, secp384r1, x25519}, {x25519}, x25519},
    };
    for (const auto& r : rows) {
        CAPTURE(tls::to_string(r.chosen));
        ecdsa_setup t;
        ecdsa_identity server("ec/server_p384");
        t.serve_as(server);
        t.client_config.key_share_groups = r.client_shares;
        t.server_config.groups = r.server_groups;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK_FALSE(s.client.hello_retry_used());
        CHECK(s.client.negotiated_group() == r.chosen);
        CHECK(s.server.negotiated_group() == r.chosen);
        check_connected_and_talking(s);
    }
}

TEST_CASE("TLS NIST groups: HelloRetryRequest towards secp256r1, secp384r1 and x25519") {
    struct row {
        tls::named_group share;
        std::vector<tls::named_group> server_groups;
        bool insist;
        tls::named_group chosen;
    };
    const row rows[] = {
        {x25519, {secp256r1}, false, secp256r1},
        {x25519, {secp384r1}, false, secp384r1},
        {secp256r1, {secp384r1, x25519}, false, secp384r1},
        {secp384r1, {x25519}, false, x25519},
        {secp256r1, {x25519, secp256r1}, true, x25519},      // the server insists on its first choice
        {x25519, {secp384r1, x25519}, true, secp384r1},
    };
    for (const auto& r : rows) {
        for (const bool compatibility : {false, true}) {
            CAPTURE(tls::to_string(r.share));
            CAPTURE(tls::to_string(r.chosen));
            CAPTURE(compatibility);
            ecdsa_setup t;
            ecdsa_identity server("ec/server_p256"), client("ec/client_p384");
            t.serve_as(server);
            t.authenticate_client_as(client);
            const tls::named_group share[1] = {r.share};
            t.client_config.key_share_groups = share;
            t.client_config.middlebox_compatibility = compatibility;
            t.server_config.groups = r.server_groups;
            t.server_config.insist_on_preferred_group = r.insist;
            session s(t.client_config, t.server_config);
            s.max_chunk = 13;
            s.handshake();
            CHECK(s.client.hello_retry_used());
            CHECK(s.server.hello_retry_used());
            CHECK(s.client.negotiated_group() == r.chosen);
            CHECK(s.server.negotiated_group() == r.chosen);
            check_connected_and_talking(s);
        }
    }
}

// Signs with another signer but says it is the wrapped one's, or flips a bit of what it signed.
class misbehaving_signer final : public tls::signer {
public:
    misbehaving_signer(tls::signer& inner, tls::signature_scheme claimed, bool flip)
        : inner_(inner), claimed_(claimed), flip_(flip) {}
    std::span<const tls::signature_scheme> schemes() const noexcept override { return {&claimed_, 1}; }
    std::size_t max_signature_size(tls::signature_scheme) const noexcept override { return 104; }
    std::size_t sign(tls::signature_scheme, byte_view content, byte_span out) noexcept override {
        const std::size_t n = inner_.sign(inner_.schemes()[0], content, out);
        if (flip_ && n > 0) out[n - 1] ^= 0x01;
        return n;
    }

private:
    tls::signer& inner_;
    tls::signature_scheme claimed_;
    bool flip_;
};

TEST_CASE("TLS ECDSA: a CertificateVerify of the wrong curve or with a flipped bit is refused, both ways") {
    const auto scheme256 = tls::signature_scheme::ecdsa_secp256r1_sha256;
    const auto scheme384 = tls::signature_scheme::ecdsa_secp384r1_sha384;
    SUBCASE("server: a P-256 certificate, a P-384 key signing as ecdsa_secp384r1_sha384") {
        ecdsa_setup t;
        ecdsa_identity server("ec/server_p256"), other("ec/client_p384");
        t.serve_as(server);
        t.server_config.signer = other.signer;  // its only scheme is the P-384 one
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.client_log.last_fatal.failure == tls::error::illegal_parameter);
        CHECK(s.server_log.last_fatal.alert == tls::alert_description::illegal_parameter);
        CHECK_FALSE(s.client.handshake_complete());
    }
    SUBCASE("server: a P-384 certificate, its own key's signature labelled ecdsa_secp256r1_sha256") {
        ecdsa_setup t;
        ecdsa_identity server("ec/server_p384");
        t.serve_as(server);
        misbehaving_signer wrong(*server.signer, scheme256, false);
        t.server_config.signer = &wrong;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.client_log.last_fatal.failure == tls::error::illegal_parameter);
        CHECK_FALSE(s.client.handshake_complete());
    }
    SUBCASE("server: a flipped bit") {
        ecdsa_setup t;
        ecdsa_identity server("ec/server_p256");
        t.serve_as(server);
        misbehaving_signer flipped(*server.signer, scheme256, true);
        t.server_config.signer = &flipped;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.client_log.last_fatal.failure == tls::error::decrypt_error);
        CHECK(s.server_log.last_fatal.alert == tls::alert_description::decrypt_error);
    }
    SUBCASE("server: a key of the right curve that is not the certificate's") {
        ecdsa_setup t;
        ecdsa_identity server("ec/server_p256"), other("ec/client_p256");
        t.serve_as(server);
        t.server_config.signer = other.signer;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.client_log.last_fatal.failure == tls::error::decrypt_error);
    }
    SUBCASE("client: a P-256 certificate, a P-384 key") {
        ecdsa_setup t;
        ecdsa_identity server("ec/server_p256"), client("ec/client_p256"), other("ec/client_p384");
        t.serve_as(server);
        t.authenticate_client_as(client);
        t.client_config.signer = other.signer;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.server_log.last_fatal.failure == tls::error::illegal_parameter);
        CHECK(s.client_log.last_fatal.alert == tls::alert_description::illegal_parameter);
        CHECK_FALSE(s.server.handshake_complete());
    }
    SUBCASE("client: a flipped bit") {
        ecdsa_setup t;
        ecdsa_identity server("ec/server_p384"), client("ec/client_p384");
        t.serve_as(server);
        t.authenticate_client_as(client);
        misbehaving_signer flipped(*client.signer, scheme384, true);
        t.client_config.signer = &flipped;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.server_log.last_fatal.failure == tls::error::decrypt_error);
        CHECK(s.client_log.last_fatal.alert == tls::alert_description::decrypt_error);
        CHECK_FALSE(s.server.client_authenticated());
    }
}

}  // namespace tls_nist_test
