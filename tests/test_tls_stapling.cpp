// OCSP stapling in TLS 1.3 (RFC 8446 §4.4.2.1, RFC 6066 §8): the client asks with status_request,
// the server staples the caller's response to its leaf's CertificateEntry, and the client's policy
// (off, soft-fail, hard-fail) decides what the verifier's reading of it means. Here the verifier
// is a stand-in that reports a chosen status: what a real response says is x509's to tell.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "carapace/x509/pem.hpp"
#include "support/tls_codec_bytes.hpp"
#include "support/tls_session.hpp"
#include "support/vectors.hpp"

namespace stapling_tests {

using namespace carapace;
using namespace test_support;
namespace codec = tls::detail::codec;

// Judges chains with the real verifier; reports `says` for any stapled response it is handed.
class stapling_verifier final : public tls::certificate_verifier {
public:
    explicit stapling_verifier(tls::certificate_verifier& real) : real_(real) {}
    tls::error verify_chain(std::span<const byte_view> chain, std::string_view host, bool peer_is_server,
                            std::optional<std::int64_t> now, std::string_view& detail) noexcept override {
        return real_.verify_chain(chain, host, peer_is_server, now, detail);
    }
    tls::error verify_chain_and_status(std::span<const byte_view> chain, std::string_view host, bool peer_is_server,
                                       std::optional<std::int64_t> now, byte_view stapled, tls::stapled_status& status,
                                       std::string_view& detail) noexcept override {
        ++calls;
        seen.assign(stapled.begin(), stapled.end());
        status = stapled.empty() ? tls::stapled_status::none : says;
        return real_.verify_chain(chain, host, peer_is_server, now, detail);
    }
    tls::error verify_signature(byte_view spki, tls::signature_scheme scheme, byte_view content,
                                byte_view signature) noexcept override {
        return real_.verify_signature(spki, scheme, content, signature);
    }
    std::span<const tls::signature_scheme> schemes() const noexcept override { return real_.schemes(); }

    tls::stapled_status says = tls::stapled_status::good;
    byte_vector seen;
    int calls = 0;

private:
    tls::certificate_verifier& real_;
};

const byte_vector response = {0x30, 0x03, 0x0a, 0x01, 0x00};  // stands for an OCSPResponse

struct stapling_setup : setup {
    stapling_verifier verifier{*client_trust.verifier};
    stapling_setup(tls::ocsp_stapling policy, bool server_has_response) {
        client_config.verifier = &verifier;
        client_config.ocsp_stapling = policy;
        if (server_has_response) server_config.ocsp_response = response;
    }
};

TEST_CASE("TLS stapling: the server staples its response when asked, and only then") {
    {
        stapling_setup t(tls::ocsp_stapling::soft_fail, true);
        session s(t.client_config, t.server_config);
        s.handshake();
        REQUIRE(s.client.handshake_complete());
        CHECK(t.verifier.calls == 1);
        CHECK(t.verifier.seen == response);
        CHECK(s.client.stapled_ocsp_status() == tls::stapled_status::good);
        check_connected_and_talking(s);
    }
    {
        stapling_setup t(tls::ocsp_stapling::off, true);  // not asked: nothing stapled, nothing read
        session s(t.client_config, t.server_config);
        s.handshake();
        REQUIRE(s.client.handshake_complete());
        CHECK(t.verifier.calls == 0);
        CHECK(s.client.stapled_ocsp_status() == tls::stapled_status::none);
    }
    {
        stapling_setup t(tls::ocsp_stapling::soft_fail, false);  // asked, the server has none
        session s(t.client_config, t.server_config);
        s.handshake();
        REQUIRE(s.client.handshake_complete());
        CHECK(t.verifier.calls == 1);
        CHECK(t.verifier.seen.empty());
        CHECK(s.client.stapled_ocsp_status() == tls::stapled_status::none);
    }
}

TEST_CASE("TLS stapling: what each policy makes of each status") {
    struct row {
        tls::ocsp_stapling policy;
        bool server_has_response;
        tls::stapled_status says;
        tls::error failure;  // error::none: the handshake completes
    };
    const row rows[] = {
        {tls::ocsp_stapling::soft_fail, true, tls::stapled_status::good, tls::error::none},
        {tls::ocsp_stapling::soft_fail, true, tls::stapled_status::unknown, tls::error::none},
        {tls::ocsp_stapling::soft_fail, false, tls::stapled_status::good, tls::error::none},
        {tls::ocsp_stapling::soft_fail, true, tls::stapled_status::revoked, tls::error::certificate_revoked},
        {tls::ocsp_stapling::hard_fail, true, tls::stapled_status::good, tls::error::none},
        {tls::ocsp_stapling::hard_fail, true, tls::stapled_status::unknown, tls::error::bad_certificate_status_response},
        {tls::ocsp_stapling::hard_fail, false, tls::stapled_status::good, tls::error::bad_certificate_status_response},
        {tls::ocsp_stapling::hard_fail, true, tls::stapled_status::revoked, tls::error::certificate_revoked},
    };
    for (const row& r : rows) {
        CAPTURE(static_cast<int>(r.policy));
        CAPTURE(r.server_has_response);
        CAPTURE(tls::to_string(r.says));
        stapling_setup t(r.policy, r.server_has_response);
        t.verifier.says = r.says;
        session s(t.client_config, t.server_config);
        s.handshake();
        if (r.failure == tls::error::none) {
            CHECK(s.client.handshake_complete());
            CHECK(s.client.stapled_ocsp_status() == (r.server_has_response ? r.says : tls::stapled_status::none));
        } else {
            CHECK_FALSE(s.client.handshake_complete());
            CHECK(s.client_log.last_fatal.failure == r.failure);
            CHECK(s.server_log.last_fatal.alert == tls::alert_for(r.failure));
        }
    }
    CHECK(tls::alert_for(tls::error::certificate_revoked) == tls::alert_description::certificate_revoked);
    CHECK(tls::alert_for(tls::error::bad_certificate_status_response) ==
          tls::alert_description::bad_certificate_status_response);
}

TEST_CASE("TLS stapling: a verifier that answers later hands back the status with its verdict") {
    stapling_setup t(tls::ocsp_stapling::hard_fail, true);
    struct later final : tls::certificate_verifier {
        tls::certificate_verifier& real;
        explicit later(tls::certificate_verifier& r) : real(r) {}
        tls::error verify_chain(std::span<const byte_view>, std::string_view, bool, std::optional<std::int64_t>,
                                std::string_view&) noexcept override {
            return tls::error::pending;
        }
        tls::error verify_chain_and_status(std::span<const byte_view>, std::string_view, bool,
                                           std::optional<std::int64_t>, byte_view, tls::stapled_status&,
                                           std::string_view&) noexcept override {
            return tls::error::pending;
        }
        tls::error verify_signature(byte_view k, tls::signature_scheme sc, byte_view c, byte_view sig) noexcept override {
            return real.verify_signature(k, sc, c, sig);
        }
        std::span<const tls::signature_scheme> schemes() const noexcept override { return real.schemes(); }
    } pending(*t.client_trust.verifier);
    t.client_config.verifier = &pending;
    for (const auto status : {tls::stapled_status::good, tls::stapled_status::revoked}) {
        session s(t.client_config, t.server_config);
        s.handshake();
        REQUIRE(s.client_log.saw(tls::event::verification_needed));
        REQUIRE(s.client.complete_verification(tls::error::none, status) == tls::error::none);
        s.run();
        CHECK(s.client.handshake_complete() == (status == tls::stapled_status::good));
        CHECK(s.client.stapled_ocsp_status() == status);
    }
}

TEST_CASE("TLS stapling codecs: status_request in the ClientHello, CertificateStatus in the leaf's entry") {
    // The ClientHello's request (RFC 6066 §8): ocsp, no responder ids, no extensions.
    codec::client_hello ch;
    const bytes<32> random{};
    ch.random = random;
    const tls::cipher_suite suites[1] = {tls::cipher_suite::aes_128_gcm_sha256};
    ch.cipher_suites = suites;
    ch.status_request = codec::ocsp_status_request;
    byte_vector wire(512);
    tls::detail::writer w(wire);
    encode(w, ch);
    REQUIRE(w.ok());
    codec::client_hello back;
    REQUIRE(decode(byte_view(wire).first(w.size()), back) == tls::error::none);
    CHECK(codec::asks_for_ocsp(back));
    CHECK(codec::same_hello(ch, back));

    // The leaf's entry carries the response; the intermediate's does not.
    const byte_vector leaf = {0x30, 0x01, 0x01}, intermediate = {0x30, 0x01, 0x02};
    const byte_view chain[2] = {leaf, intermediate};
    codec::certificate c;
    c.entries = chain;
    c.leaf_ocsp_response = response;
    tls::detail::writer cw(wire);
    encode(cw, c);
    REQUIRE(cw.ok());
    const byte_view body = byte_view(wire).first(cw.size());
    codec::extension_set asked;
    asked.add(tls::extension_type::status_request);
    codec::certificate got;
    REQUIRE(decode(body, got, asked) == tls::error::none);
    CHECK(codec::same_bytes(got.leaf_ocsp_response, response));
    CHECK(got.entries.size() == 2);
    // Not asked for: unsupported_extension (§4.4.2).
    CHECK(decode(body, got, codec::extension_set{}) == tls::error::unsupported_extension);
    // A CertificateStatus of another type, or with bytes after the response, is decode_error.
    byte_view response_out;
    const std::uint8_t other_type[] = {2, 0, 0, 1, 0};
    const std::uint8_t trailing[] = {1, 0, 0, 1, 0x30, 0};
    const std::uint8_t empty[] = {1, 0, 0, 0};
    CHECK(codec::decode_certificate_status(other_type, response_out) == tls::error::decode_error);
    CHECK(codec::decode_certificate_status(trailing, response_out) == tls::error::decode_error);
    CHECK(codec::decode_certificate_status(empty, response_out) == tls::error::decode_error);
}

}  // namespace stapling_tests

namespace stapling_verifier_tests {

using namespace carapace;
using test_support::byte_vector;

// A fixture of tests/x509/make_revocation_fixtures.sh: the first PEM block of a .pem, the bytes of
// a .der.
byte_vector fixture(const std::string& file) {
    const std::string text = test_support::read_vector_file("x509/revocation/" + file);
    REQUIRE_MESSAGE(!text.empty(), file);
    if (file.ends_with(".der")) return byte_vector(text.begin(), text.end());
    byte_vector der(text.size());
    pem::reader r(text);
    auto block = r.next();
    REQUIRE(block.ok());
    auto n = pem::decode(*block, der);
    REQUIRE(n.ok());
    der.resize(*n);
    return der;
}

TEST_CASE("TLS stapling: x509_verifier reads a stapled OCSP response against the validated path") {
    const test_json::value times = test_support::load_vectors("x509/revocation/revocation.json");
    const std::int64_t now = times["now"].integer(), stale = times["stale"].integer();
    const byte_vector root = fixture("root.pem"), ca = fixture("ca.pem"), leaf = fixture("leaf.pem"),
                      revoked_leaf = fixture("revoked_leaf.pem");
    x509::trust_store<1> store;
    REQUIRE(store.add(root) == errc::ok);
    tls::x509_verifier<1> verifier(store);
    struct row {
        const byte_vector* leaf;
        const char* response;
        std::optional<std::int64_t> time;
        tls::stapled_status expected;
    };
    const row rows[] = {
        {&leaf, "ocsp_good.der", now, tls::stapled_status::good},
        {&leaf, "ocsp_good_sha256.der", now, tls::stapled_status::good},
        {&leaf, "ocsp_delegated.der", now, tls::stapled_status::good},
        {&revoked_leaf, "ocsp_revoked.der", now, tls::stapled_status::revoked},
        {&leaf, "ocsp_unknown.der", now, tls::stapled_status::unknown},
        {&leaf, "ocsp_wrong_signer.der", now, tls::stapled_status::unknown},
        {&leaf, "ocsp_delegated_no_eku.der", now, tls::stapled_status::unknown},
        {&leaf, "ocsp_good.der", stale, tls::stapled_status::unknown},         // past nextUpdate
        {&leaf, "ocsp_good.der", std::nullopt, tls::stapled_status::unknown},  // no clock: nothing is current
        {&leaf, "ocsp_revoked.der", now, tls::stapled_status::unknown},        // about another certificate
        {&leaf, "", now, tls::stapled_status::none},
    };
    for (const row& r : rows) {
        CAPTURE(r.response);
        const byte_vector response = std::string_view(r.response).empty() ? byte_vector{} : fixture(r.response);
        const byte_view chain[2] = {*r.leaf, ca};
        tls::stapled_status status = tls::stapled_status::good;
        std::string_view detail;
        const tls::error e = verifier.verify_chain_and_status(chain, "www.example.com", true, r.time, response, status,
                                                              detail);
        CHECK(e == tls::error::none);
        CHECK(tls::to_string(status) == tls::to_string(r.expected));
    }
    // A chain that does not validate: its error, and the response is not read.
    const byte_view alone[1] = {leaf};
    tls::stapled_status status = tls::stapled_status::good;
    std::string_view detail;
    const byte_vector good = fixture("ocsp_good.der");
    CHECK(verifier.verify_chain_and_status(alone, "www.example.com", true, now, good, status, detail) != tls::error::none);
    CHECK(status == tls::stapled_status::unknown);
}

}  // namespace stapling_verifier_tests
