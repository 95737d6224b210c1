// External PSKs (RFC 8446 §2.2, §4.2.9, §4.2.11) through both engines over memory: handshakes
// with no certificate anywhere in psk_dhe_ke and psk_ke, with and without a HelloRetryRequest,
// any input split, SHA-384 PSKs and long identities; a wrong key (binder) gets decrypt_error, an
// unknown identity falls back to certificates or fails, and the modes must agree.
#include <doctest/doctest.h>

#include <vector>

#include "support/tls_resumption.hpp"

using namespace carapace;
using namespace test_support;

namespace {

// Both sides with the same PSK, the server with no certificate and the client with no verifier.
struct psk_setup : setup {
    byte_vector identity = pattern(9, 40);
    byte_vector key = pattern(32, 77);
    tls::external_psk client_psk[1]{};
    tls::external_psk server_psk[1]{};

    psk_setup() {
        client_psk[0] = {identity, key, tls::hash_kind::sha256};
        server_psk[0] = client_psk[0];
        client_config.external_psks = client_psk;
        client_config.verifier = nullptr;
        server_config.external_psks = server_psk;
        server_config.certificate_chain = {};
        server_config.signer = nullptr;
    }
    // The server also has its certificate, to fall back on.
    void serve_certificate() {
        server_config.certificate_chain = server_id.views;
        server_config.signer = server_id.signer.get();
    }
    // The client offers an identity the server does not know (with the same key).
    void offer_unknown_identity() {
        unknown = identity;
        unknown[0] ^= 1;
        client_psk[0].identity = unknown;
    }
    byte_vector unknown;
};

}  // namespace

TEST_CASE("TLS PSK: psk_dhe_ke without certificates, HelloRetryRequest or not, any split") {
    for (const bool retry : {true, false}) {
        for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{97}}) {
            CAPTURE(retry);
            CAPTURE(chunk);
            psk_setup t;
            if (!retry) t.first_share_fits();
            session s(t.client_config, t.server_config);
            s.max_chunk = chunk;
            s.handshake();
            CHECK(s.client.hello_retry_used() == retry);
            REQUIRE(s.client.selected_psk() == std::optional<std::size_t>(0));
            REQUIRE(s.server.selected_psk() == std::optional<std::size_t>(0));
            CHECK(s.client.negotiated_group() == tls::named_group::x25519);
            check_connected_and_talking(s);
        }
    }
}

TEST_CASE("TLS PSK: psk_ke needs no key exchange at all") {
    psk_setup t;
    const tls::psk_mode ke[1] = {tls::psk_mode::psk_ke};
    t.client_config.psk_modes = ke;
    t.client_config.key_exchanges = {};
    t.server_config.psk_modes = ke;
    t.server_config.key_exchanges = {};
    session s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(s.client.selected_psk() == std::optional<std::size_t>(0));
    CHECK(!s.client.hello_retry_used());
    check_connected_and_talking(s);
}

TEST_CASE("TLS PSK: the server's mode preference decides when the client offers both") {
    for (const auto preferred : {tls::psk_mode::psk_ke, tls::psk_mode::psk_dhe_ke}) {
        psk_setup t;
        const tls::psk_mode both[2] = {tls::psk_mode::psk_ke, tls::psk_mode::psk_dhe_ke};
        const tls::psk_mode server_modes[2] = {preferred, preferred == tls::psk_mode::psk_ke ? tls::psk_mode::psk_dhe_ke
                                                                                               : tls::psk_mode::psk_ke};
        t.first_share_fits();
        t.client_config.psk_modes = both;
        t.server_config.psk_modes = server_modes;
        // Without (EC)DHE the client never learns a group: negotiated_group stays unset.
        session s(t.client_config, t.server_config);
        s.handshake();
        REQUIRE(s.client.selected_psk());
        CHECK((s.client.negotiated_group() == tls::named_group::x25519) == (preferred == tls::psk_mode::psk_dhe_ke));
        CHECK((s.server.negotiated_group() == tls::named_group::x25519) == (preferred == tls::psk_mode::psk_dhe_ke));
        check_connected_and_talking(s);
    }
}

TEST_CASE("TLS PSK: modes that do not meet, no certificate: handshake_failure") {
    psk_setup t;
    const tls::psk_mode ke[1] = {tls::psk_mode::psk_ke};
    t.server_config.psk_modes = ke;  // the client offers only psk_dhe_ke
    session s(t.client_config, t.server_config);
    s.handshake();
    check_fatal(s.server_log, tls::error::handshake_failure, tls::alert_description::handshake_failure);
    CHECK(!s.client.handshake_complete());
}

TEST_CASE("TLS PSK: a wrong key makes a wrong binder: decrypt_error, with and without a retry") {
    for (const bool retry : {true, false}) {
        psk_setup t;
        if (!retry) t.first_share_fits();
        byte_vector other = t.key;
        other[31] ^= 1;
        t.client_psk[0].key = other;
        session s(t.client_config, t.server_config);
        s.handshake();
        check_fatal(s.server_log, tls::error::decrypt_error, tls::alert_description::decrypt_error);
        check_fatal(s.client_log, tls::error::peer_alert, tls::alert_description::decrypt_error);
    }
}

TEST_CASE("TLS PSK: a binder changed on the wire: decrypt_error") {
    psk_setup t;
    t.first_share_fits();
    tls::client c(t.client_config);
    tls::server srv(t.server_config);
    byte_vector out(4096), reply(1 << 16);
    const auto r = c.start(out);
    REQUIRE(r.what == tls::event::need_input);
    out.resize(r.produced);
    out.back() ^= 0x20;  // the last byte of the hello is the last binder's
    const auto a = srv.receive(out, reply);
    CHECK(a.what == tls::event::fatal);
    CHECK(a.failure == tls::error::decrypt_error);
}

TEST_CASE("TLS PSK: an unknown identity falls back to certificates, or fails without them") {
    {
        psk_setup t;
        t.offer_unknown_identity();
        session s(t.client_config, t.server_config);
        s.handshake();
        check_fatal(s.server_log, tls::error::handshake_failure, tls::alert_description::handshake_failure);
    }
    {
        psk_setup t;
        t.offer_unknown_identity();
        t.client_config.verifier = t.client_trust.verifier.get();
        t.serve_certificate();
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(!s.client.selected_psk());
        CHECK(!s.server.selected_psk());
        check_connected_and_talking(s);
    }
    {
        // The server falls back to its certificate; a client without a verifier cannot take it.
        psk_setup t;
        t.offer_unknown_identity();
        t.serve_certificate();
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(!s.client.handshake_complete());
        CHECK(s.client_log.saw(tls::event::fatal));
    }
}

TEST_CASE("TLS PSK: a server with certificates and PSKs takes the PSK and sends no certificate") {
    psk_setup t;
    t.client_config.verifier = t.client_trust.verifier.get();
    t.serve_certificate();
    t.server_config.request_client_certificate = true;  // not with a PSK (§4.3.2)
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.server.selected_psk() == std::optional<std::size_t>(0));
    CHECK(!s.server.client_authenticated());
    check_connected_and_talking(s);
}

TEST_CASE("TLS PSK: a SHA-384 PSK picks a SHA-384 suite; long identities; the second of several") {
#if !defined(CARAPACE_TLS_NO_SHA384) && !defined(CARAPACE_TLS_NO_AES_GCM)
    psk_setup t;
    const byte_vector long_identity = pattern(3000, 5);
    const byte_vector key384 = pattern(48, 11);
    const tls::external_psk client_psks[2] = {{t.identity, t.key, tls::hash_kind::sha256},
                                              {long_identity, key384, tls::hash_kind::sha384}};
    const tls::external_psk server_psks[1] = {{long_identity, key384, tls::hash_kind::sha384}};
    t.client_config.external_psks = client_psks;
    t.server_config.external_psks = server_psks;
    session s(t.client_config, t.server_config);
    s.max_chunk = 50;
    s.handshake();
    CHECK(s.client.selected_psk() == std::optional<std::size_t>(1));
    CHECK(s.server.selected_psk() == std::optional<std::size_t>(0));
    CHECK(s.client.negotiated_suite() == tls::cipher_suite::aes_256_gcm_sha384);
    check_connected_and_talking(s);
#endif
}

TEST_CASE("TLS PSK: start() refuses a PSK without a key") {
    psk_setup t;
    byte_vector empty;
    t.client_psk[0].key = empty;
    tls::client c(t.client_config);
    byte_vector out(4096);
    const auto r = c.start(out);
    CHECK(r.what == tls::event::refused);
    CHECK(r.failure == tls::error::wrong_state);
}
