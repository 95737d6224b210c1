// The two AES-CCM suites (RFC 8446 §B.4) between our client and server: each one negotiated when
// both configs name it, its tag size on the wire (CCM_8: 8 bytes, §5.2's expansion), a flipped
// tag bit refused with bad_record_mac, and a default server, which leaves CCM out, refusing a
// client that offers nothing else. The suite matrices of test_tls_engine.cpp run them too.
#include <doctest/doctest.h>

#include "support/tls_session.hpp"

using namespace carapace;
using namespace test_support;

namespace {

constexpr tls::cipher_suite ccm_suites[] = {tls::cipher_suite::aes_128_ccm_sha256,
                                            tls::cipher_suite::aes_128_ccm_8_sha256};

// The tag size the suite table gives a suite.
std::size_t tag_size_of(tls::cipher_suite suite) {
    const auto info = tls::find_suite(static_cast<std::uint16_t>(suite));
    REQUIRE(info.has_value());
    return info->tag_size;
}

}  // namespace

TEST_CASE("TLS AES-CCM: the suites are built in, 16- and 8-byte tags, and not on by default") {
    CHECK(tag_size_of(tls::cipher_suite::aes_128_ccm_sha256) == 16);
    CHECK(tag_size_of(tls::cipher_suite::aes_128_ccm_8_sha256) == 8);
    CHECK(tls::to_string(tls::cipher_suite::aes_128_ccm_sha256) == "TLS_AES_128_CCM_SHA256");
    CHECK(tls::to_string(tls::cipher_suite::aes_128_ccm_8_sha256) == "TLS_AES_128_CCM_8_SHA256");
    for (const auto s : tls::default_cipher_suites) {
        CHECK(s != tls::cipher_suite::aes_128_ccm_sha256);
        CHECK(s != tls::cipher_suite::aes_128_ccm_8_sha256);
    }
}

TEST_CASE("TLS AES-CCM: each suite is negotiated when both configs name it, records carry its tag") {
    for (const auto suite : ccm_suites) {
        CAPTURE(tls::to_string(suite));
        setup t;
        const tls::cipher_suite only[1] = {suite};
        // The server prefers the default suites, but the client offers CCM alone.
        static constexpr tls::cipher_suite server_suites[] = {
            tls::cipher_suite::aes_128_gcm_sha256, tls::cipher_suite::chacha20_poly1305_sha256,
            tls::cipher_suite::aes_128_ccm_sha256, tls::cipher_suite::aes_128_ccm_8_sha256};
        t.client_config.cipher_suites = only;
        t.server_config.cipher_suites = server_suites;
        session s(t.client_config, t.server_config);
        s.handshake();
        REQUIRE(s.client.handshake_complete());
        REQUIRE(s.server.handshake_complete());
        CHECK(s.client.negotiated_suite() == suite);
        CHECK(s.server.negotiated_suite() == suite);

        // §5.2: length = content + its type byte + the suite's tag, both ways.
        const byte_vector data = pattern(10, 3);
        byte_vector wire;
        s.send(s.client, data, wire);
        REQUIRE(wire.size() == 5 + data.size() + 1 + tag_size_of(suite));
        CHECK(((std::size_t{wire[3]} << 8) | wire[4]) == data.size() + 1 + tag_size_of(suite));
        s.to_server.insert(s.to_server.end(), wire.begin(), wire.end());
        wire.clear();
        s.send(s.server, data, wire);
        CHECK(wire.size() == 5 + data.size() + 1 + tag_size_of(suite));
        s.to_client.insert(s.to_client.end(), wire.begin(), wire.end());
        s.run();
        CHECK(s.server_log.received == data);
        CHECK(s.client_log.received == data);
        s.server_log.received.clear();  // check_connected_and_talking compares from the start
        s.client_log.received.clear();
        check_connected_and_talking(s);
    }
}

TEST_CASE("TLS AES-CCM: a record with a flipped tag bit fails with bad_record_mac") {
    for (const auto suite : ccm_suites) {
        for (const bool to_server : {true, false}) {
            CAPTURE(tls::to_string(suite));
            CAPTURE(to_server);
            setup t;
            const tls::cipher_suite only[1] = {suite};
            t.client_config.cipher_suites = only;
            t.server_config.cipher_suites = only;
            session s(t.client_config, t.server_config);
            s.handshake();
            REQUIRE(s.client.handshake_complete());

            const byte_vector data = pattern(100, 9);
            byte_vector wire;
            if (to_server)
                s.send(s.client, data, wire);
            else
                s.send(s.server, data, wire);
            REQUIRE(wire.size() == 5 + data.size() + 1 + tag_size_of(suite));
            wire[wire.size() - tag_size_of(suite)] ^= 0x01;  // the tag's first byte
            (to_server ? s.to_server : s.to_client).insert((to_server ? s.to_server : s.to_client).end(), wire.begin(),
                                                           wire.end());
            s.run();
            const side_log& victim = to_server ? s.server_log : s.client_log;
            REQUIRE(victim.saw(tls::event::fatal));
            CHECK(victim.last_fatal.failure == tls::error::bad_record_mac);
            CHECK(victim.last_fatal.alert == tls::alert_description::bad_record_mac);
            CHECK(victim.received.empty());
        }
    }
}

TEST_CASE("TLS AES-CCM: a server with the default suites refuses a CCM-only client") {
    for (const auto suite : ccm_suites) {
        CAPTURE(tls::to_string(suite));
        setup t;
        const tls::cipher_suite only[1] = {suite};
        t.client_config.cipher_suites = only;  // the server keeps default_cipher_suites
        session s(t.client_config, t.server_config);
        byte_vector out(4096);
        const auto r = s.client.start(out);
        REQUIRE(r.what == tls::event::need_input);
        s.to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        s.run();
        REQUIRE(s.server_log.saw(tls::event::fatal));
        CHECK(s.server_log.last_fatal.failure == tls::error::handshake_failure);
        CHECK(s.server_log.last_fatal.alert == tls::alert_description::handshake_failure);
        CHECK(s.client_log.saw(tls::event::fatal));
        CHECK_FALSE(s.client.handshake_complete());
    }
}
