// RSA in TLS 1.3 (RFC 8446 §4.2.3, §4.4.3): the RSA-PSS signer and the CertificateVerify checks
// for rsaEncryption keys (rsa_pss_rsae_*) and id-RSASSA-PSS keys (rsa_pss_pss_*), rsa_pkcs1_*
// refused for CertificateVerify, and the engines over memory with the RSA-2048, RSA-3072 and
// PSS-key chains of tests/vectors/tls/rsa (tests/tls/make_rsa_fixtures.sh), as server and client.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "support/tls_session.hpp"

namespace tls_rsa_test {

using namespace carapace;
using namespace test_support;
using tls::signature_scheme;

// An identity with an RSA key (PKCS#8 or PKCS#1 PEM): its chain and an rsa_signer drawing from
// `random`. `signer` stays null when the key cannot be loaded.
struct rsa_identity {
    std::vector<byte_vector> chain;
    std::vector<byte_view> views;
    test_random random{77};
    std::unique_ptr<tls::rsa_signer<>> rsa;
    tls::signer* signer = nullptr;
    byte_vector spki;

    explicit rsa_identity(const std::string& name) {
        chain = load_certificates("tls/" + name + ".pem");
        for (const auto& c : chain) views.emplace_back(c);
        if (chain.empty()) return;
        const auto leaf = x509::parse_certificate(chain[0]);
        if (!leaf) return;
        spki.assign(leaf->public_key.encoded.begin(), leaf->public_key.encoded.end());
        host::private_key key;
        std::string error;
        if (!host::load_private_key(std::string(CARAPACE_TEST_VECTORS) + "/tls/" + name + ".key", key, error)) {
            MESSAGE(error);
            return;
        }
        const auto k = rsa_private_key<>::from_pkcs1_der(key.rsa_der);
        if (!k) return;
        rsa = std::make_unique<tls::rsa_signer<>>(*k, random, key.type);
        signer = rsa.get();
    }
    rsa_identity(const rsa_identity&) = delete;  // the signer refers to `random`
    rsa_identity& operator=(const rsa_identity&) = delete;
};

byte_view text_view(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
constexpr std::string_view signed_text = "carapace CertificateVerify vector";

// The test setup with the RSA PKI: each side trusts `root` (tls/rsa/root_2048 or root_3072).
struct rsa_setup : setup {
    trust client_rsa_trust, server_rsa_trust;

    explicit rsa_setup(const std::string& root = "rsa/root_2048") : client_rsa_trust(root), server_rsa_trust(root) {
        client_config.verifier = client_rsa_trust.verifier.get();
        server_config.verifier = server_rsa_trust.verifier.get();
        client_config.signature_algorithms_cert = tls::certificate_signature_schemes;
    }
    void serve_as(rsa_identity& id) {
        server_config.certificate_chain = id.views;
        server_config.signer = id.signer;
    }
    void authenticate_client_as(rsa_identity& id) {
        server_config.require_client_certificate = true;
        client_config.certificate_chain = id.views;
        client_config.signer = id.signer;
    }
};

}  // namespace tls_rsa_test

using namespace tls_rsa_test;

TEST_CASE("TLS RSA: the signer's RSA-PSS signatures verify, per scheme and key kind") {
    rsa_identity rsae("rsa/server_2048"), pss("rsa/server_pss"), big("rsa/server_3072");
    REQUIRE(rsae.signer != nullptr);
    REQUIRE(pss.signer != nullptr);
    REQUIRE(big.signer != nullptr);
    const byte_view content = text_view(signed_text);
    const signature_scheme rsae_schemes[] = {signature_scheme::rsa_pss_rsae_sha256,
                                             signature_scheme::rsa_pss_rsae_sha384,
                                             signature_scheme::rsa_pss_rsae_sha512};
    const signature_scheme pss_schemes[] = {signature_scheme::rsa_pss_pss_sha256, signature_scheme::rsa_pss_pss_sha384,
                                            signature_scheme::rsa_pss_pss_sha512};
    CHECK(std::equal(rsae.signer->schemes().begin(), rsae.signer->schemes().end(), std::begin(rsae_schemes),
                     std::end(rsae_schemes)));
    CHECK(std::equal(pss.signer->schemes().begin(), pss.signer->schemes().end(), std::begin(pss_schemes),
                     std::end(pss_schemes)));
    CHECK(rsae.signer->max_signature_size(rsae_schemes[0]) == 256);
    CHECK(big.signer->max_signature_size(rsae_schemes[0]) == 384);

    for (const auto scheme : rsae_schemes) {
        CAPTURE(static_cast<int>(scheme));
        byte_vector a(256), b(256);
        REQUIRE(rsae.signer->sign(scheme, content, a) == 256);
        REQUIRE(rsae.signer->sign(scheme, content, b) == 256);
        CHECK(a != b);  // a fresh salt each time
        CHECK(tls::verify_certificate_signature(rsae.spki, scheme, content, a) == tls::error::none);
        CHECK(tls::verify_certificate_signature(rsae.spki, scheme, text_view("other"), a) == tls::error::decrypt_error);
        byte_vector flipped = a;
        flipped[100] ^= 0x10;
        CHECK(tls::verify_certificate_signature(rsae.spki, scheme, content, flipped) == tls::error::decrypt_error);
        CHECK(tls::verify_certificate_signature(rsae.spki, scheme, content, byte_view(a).first(255)) ==
              tls::error::decrypt_error);
        // The signature of another hash, and schemes for the other key kind: refused.
        for (const auto other : rsae_schemes)
            if (other != scheme)
                CHECK(tls::verify_certificate_signature(rsae.spki, other, content, a) == tls::error::decrypt_error);
        for (const auto other : pss_schemes)
            CHECK(tls::verify_certificate_signature(rsae.spki, other, content, a) == tls::error::illegal_parameter);
        // A signer is asked only for its own schemes.
        CHECK(pss.signer->sign(scheme, content, b) == 0);
    }
    // The id-RSASSA-PSS key: limited to SHA-256 by its parameters (tls/make_rsa_fixtures.sh).
    byte_vector s(256);
    REQUIRE(pss.signer->sign(signature_scheme::rsa_pss_pss_sha256, content, s) == 256);
    CHECK(tls::verify_certificate_signature(pss.spki, signature_scheme::rsa_pss_pss_sha256, content, s) ==
          tls::error::none);
    CHECK(tls::verify_certificate_signature(pss.spki, signature_scheme::rsa_pss_rsae_sha256, content, s) ==
          tls::error::illegal_parameter);
    REQUIRE(pss.signer->sign(signature_scheme::rsa_pss_pss_sha384, content, s) == 256);
    CHECK(tls::verify_certificate_signature(pss.spki, signature_scheme::rsa_pss_pss_sha384, content, s) ==
          tls::error::illegal_parameter);
    // PKCS#1 v1.5 never verifies a CertificateVerify, nor does an RSA scheme with another key.
    for (const auto pkcs1 : {signature_scheme::rsa_pkcs1_sha256, signature_scheme::rsa_pkcs1_sha384,
                             signature_scheme::rsa_pkcs1_sha512, signature_scheme::rsa_pkcs1_sha1}) {
        CHECK(tls::verify_certificate_signature(rsae.spki, pkcs1, content, s) == tls::error::illegal_parameter);
        byte_vector out(256);
        CHECK(rsae.signer->sign(pkcs1, content, out) == 0);
    }
    const auto ec_chain = load_certificates("tls/ec/server_p256.pem");
    REQUIRE(!ec_chain.empty());
    const auto ec_leaf = x509::parse_certificate(ec_chain[0]);
    REQUIRE(ec_leaf.ok());
    CHECK(tls::verify_certificate_signature(ec_leaf->public_key.encoded, signature_scheme::rsa_pss_rsae_sha256, content,
                                            s) == tls::error::illegal_parameter);
    // No room: no signature.
    byte_vector small(255);
    CHECK(rsae.signer->sign(signature_scheme::rsa_pss_rsae_sha256, content, small) == 0);
    // One scheme only, when asked for.
    const auto key = rsa_private_key<>::from_pkcs1_der([] {
        host::private_key k;
        std::string error;
        REQUIRE(host::load_private_key(std::string(CARAPACE_TEST_VECTORS) + "/tls/rsa/server_pss.key", k, error));
        return k.rsa_der;
    }());
    REQUIRE(key.ok());
    test_random random(3);
    const tls::rsa_signer<> only(*key, random, x509::key_type::rsa_pss, signature_scheme::rsa_pss_pss_sha256);
    REQUIRE(only.schemes().size() == 1);
    CHECK(only.schemes()[0] == signature_scheme::rsa_pss_pss_sha256);
    const tls::rsa_signer<> none(*key, random, x509::key_type::rsa_pss, signature_scheme::rsa_pss_rsae_sha256);
    CHECK(none.schemes().empty());
}

TEST_CASE("TLS RSA: the verifier offers RSA-PSS for CertificateVerify, PKCS#1 v1.5 for certificates only") {
    trust t("rsa/root_2048");
    const auto schemes = t.verifier->schemes();
    auto has = [](std::span<const signature_scheme> list, signature_scheme s) {
        return std::find(list.begin(), list.end(), s) != list.end();
    };
    for (const auto s : {signature_scheme::rsa_pss_rsae_sha256, signature_scheme::rsa_pss_rsae_sha384,
                         signature_scheme::rsa_pss_rsae_sha512, signature_scheme::rsa_pss_pss_sha256,
                         signature_scheme::rsa_pss_pss_sha384, signature_scheme::rsa_pss_pss_sha512}) {
        CHECK(has(schemes, s));
        CHECK(has(tls::certificate_signature_schemes, s));
    }
    for (const auto s : {signature_scheme::rsa_pkcs1_sha256, signature_scheme::rsa_pkcs1_sha384,
                         signature_scheme::rsa_pkcs1_sha512}) {
        CHECK_FALSE(has(schemes, s));
        CHECK(has(tls::certificate_signature_schemes, s));
    }
    for (const auto s : schemes) CHECK(has(tls::certificate_signature_schemes, s));
}

TEST_CASE("TLS RSA: handshakes with RSA-2048, RSA-3072 and PSS-key certificates, both roles") {
    struct row {
        std::string root, server, client;
    };
    const row rows[] = {
        {"rsa/root_2048", "rsa/server_2048", ""},
        {"rsa/root_2048", "rsa/server_2048", "rsa/client_2048"},
        {"rsa/root_3072", "rsa/server_3072", "rsa/client_3072"},
        {"rsa/root_2048", "rsa/server_pss", "rsa/client_2048"},
    };
    for (const auto& r : rows) {
        for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}}) {
            CAPTURE(r.server);
            CAPTURE(r.client);
            CAPTURE(chunk);
            rsa_setup t(r.root);
            if (r.server == "rsa/server_pss") {
                // An id-RSASSA-PSS key: not in the Web PKI (BR §7.1.3.1.1), fine under RFC 5280.
                t.client_rsa_trust.verifier->use_profile(x509::certificate_profile::rfc5280);
            }
            rsa_identity server(r.server);
            REQUIRE(server.signer != nullptr);
            t.serve_as(server);
            std::unique_ptr<rsa_identity> client;
            if (!r.client.empty()) {
                client = std::make_unique<rsa_identity>(r.client);
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

TEST_CASE("TLS RSA: a client offering only PKCS#1 v1.5 gets no RSA CertificateVerify") {
    rsa_setup t;
    rsa_identity server("rsa/server_2048");
    REQUIRE(server.signer != nullptr);
    t.serve_as(server);
    // A verifier that lists rsa_pkcs1_sha256 alone: the server has nothing to sign with.
    struct pkcs1_only final : tls::certificate_verifier {
        tls::certificate_verifier& inner;
        explicit pkcs1_only(tls::certificate_verifier& v) : inner(v) {}
        tls::error verify_chain(std::span<const byte_view> chain, std::string_view host, bool server,
                                std::optional<std::int64_t> now, std::string_view& detail) noexcept override {
            return inner.verify_chain(chain, host, server, now, detail);
        }
        tls::error verify_signature(byte_view spki, signature_scheme s, byte_view c, byte_view sig) noexcept override {
            return inner.verify_signature(spki, s, c, sig);
        }
        std::span<const signature_scheme> schemes() const noexcept override { return list; }
        signature_scheme list[1] = {signature_scheme::rsa_pkcs1_sha256};
    } verifier(*t.client_config.verifier);
    t.client_config.verifier = &verifier;
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.server_log.last_fatal.failure == tls::error::handshake_failure);
}

TEST_CASE("TLS RSA: a chain from another root is unknown_ca") {
    rsa_setup t("rsa/root_3072");
    rsa_identity server("rsa/server_2048");
    REQUIRE(server.signer != nullptr);
    t.serve_as(server);
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.client_log.last_fatal.failure == tls::error::unknown_ca);
}

TEST_CASE("TLS RSA: an id-RSASSA-PSS server key breaks the Web PKI profile") {
    rsa_setup t;
    rsa_identity server("rsa/server_pss");
    REQUIRE(server.signer != nullptr);
    t.serve_as(server);
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.client.verify_detail() == "profile violation");
    CHECK(s.client_log.last_fatal.failure == tls::error::bad_certificate);
}
