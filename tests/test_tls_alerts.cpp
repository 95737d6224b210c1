// Each malformed or misplaced message gets exactly the alert RFC 8446 names. The RFC 8448 simple
// trace gives every key, so the tests rebuild the peer's messages with one fault, seal them with
// the trace's traffic keys where they were encrypted, and check both the error the engine
// reports and the alert record it writes (decrypted with the trace's keys).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/trace_records.hpp"

using namespace carapace;
using namespace test_support;
using namespace test_support::rfc8448;

TEST_CASE("TLS alerts: the unmodified flight completes (the harness itself is sound)") {
    client_under_test c;
    REQUIRE(c.feed(plaintext_record(22, trace_message("server", "ServerHello"))));
    REQUIRE(c.feed(seal(server_handshake_key(), 0, concat(server_flight()), 22)));
    CHECK(c.log.saw(tls::event::handshake_complete));
    CHECK(c.client.handshake_complete());
}

TEST_CASE("TLS alerts: client side, encrypted flight") {
    const auto flight = server_flight();
    const byte_vector& ee = flight[0];
    SUBCASE("truncated EncryptedExtensions") {
        byte_vector bad = message(8, byte_vector(ee.begin() + 4, ee.end() - 2));
        client_gets_flight({bad, flight[1], flight[2], flight[3]}, tls::error::decode_error);
    }
    SUBCASE("extension block length beyond the message") {
        byte_vector bad = ee;
        bad[5] = static_cast<std::uint8_t>(bad[5] + 1);
        client_gets_flight({bad, flight[1], flight[2], flight[3]}, tls::error::decode_error);
    }
    SUBCASE("duplicate extension") {
        byte_vector body(ee.begin() + 4, ee.end());
        const byte_vector rsl = {0x00, 0x1c, 0x00, 0x02, 0x40, 0x01};
        body.insert(body.end(), rsl.begin(), rsl.end());
        const std::size_t n = body.size() - 2;
        body[0] = static_cast<std::uint8_t>(n >> 8);
        body[1] = static_cast<std::uint8_t>(n);
        client_gets_flight({message(8, body), flight[1], flight[2], flight[3]}, tls::error::illegal_parameter);
    }
    SUBCASE("an extension that belongs in ServerHello") {
        const byte_vector body = {0x00, 0x06, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04};
        client_gets_flight({message(8, body), flight[1], flight[2], flight[3]}, tls::error::illegal_parameter);
    }
    SUBCASE("an extension we did not offer") {
        const byte_vector body = {0x00, 0x05, 0x00, 0x10, 0x00, 0x01, 0x00};  // ALPN
        client_gets_flight({message(8, body), flight[1], flight[2], flight[3]}, tls::error::unsupported_extension);
    }
    SUBCASE("Certificate before EncryptedExtensions") {
        client_gets_flight({flight[1], flight[0], flight[2], flight[3]}, tls::error::unexpected_message);
    }
    SUBCASE("CertificateVerify before Certificate") {
        client_gets_flight({flight[0], flight[2], flight[1], flight[3]}, tls::error::unexpected_message);
    }
    SUBCASE("Finished without CertificateVerify") {
        client_gets_flight({flight[0], flight[1], flight[3]}, tls::error::unexpected_message);
    }
    SUBCASE("an unknown handshake message type") {
        client_gets_flight({flight[0], message(99, {1, 2, 3})}, tls::error::unexpected_message);
    }
    SUBCASE("an empty certificate list") {
        client_gets_flight({flight[0], message(11, {0, 0, 0, 0}), flight[2], flight[3]}, tls::error::decode_error);
    }
    SUBCASE("a certificate entry longer than its list") {
        byte_vector bad = flight[1];
        bad[7] = static_cast<std::uint8_t>(bad[7] + 1);
        client_gets_flight({flight[0], bad, flight[2], flight[3]}, tls::error::decode_error);
    }
    SUBCASE("bad signature") {
        byte_vector bad = flight[2];
        bad[20] ^= 1;
        client_gets_flight({flight[0], flight[1], bad, flight[3]}, tls::error::decrypt_error);
    }
    SUBCASE("a signature scheme we did not offer") {
        byte_vector bad = flight[2];
        bad[4] = 0x08;
        bad[5] = 0x07;  // ed25519: not in the trace's signature_algorithms
        client_gets_flight({flight[0], flight[1], bad, flight[3]}, tls::error::illegal_parameter);
    }
    SUBCASE("bad Finished") {
        byte_vector bad = flight[3];
        bad[10] ^= 0x80;
        client_gets_flight({flight[0], flight[1], flight[2], bad}, tls::error::decrypt_error);
    }
    SUBCASE("Finished of the wrong length") {
        byte_vector bad = message(20, byte_vector(flight[3].begin() + 4, flight[3].end() - 1));
        client_gets_flight({flight[0], flight[1], flight[2], bad}, tls::error::decode_error);
    }
}

TEST_CASE("TLS alerts: client side, record layer") {
    const traffic_key server_key = server_handshake_key(), client_key = client_handshake_key();
    auto after_server_hello = [] {
        auto c = std::make_unique<client_under_test>();
        REQUIRE(c->feed(plaintext_record(22, trace_message("server", "ServerHello"))));
        return c;
    };
    SUBCASE("a record that does not authenticate") {
        auto c = after_server_hello();
        byte_vector r = seal(server_key, 0, concat(server_flight()), 22);
        r[30] ^= 1;
        CHECK_FALSE(c->feed(r));
        check_alert(c->log, c->produced, tls::error::bad_record_mac, &client_key);
    }
    SUBCASE("inner plaintext over 2^14") {
        auto c = after_server_hello();
        CHECK_FALSE(c->feed(seal(server_key, 0, byte_vector(16385, 1), 23)));
        check_alert(c->log, c->produced, tls::error::record_overflow, &client_key);
    }
    SUBCASE("ciphertext over 2^14 + 256") {
        auto c = after_server_hello();
        CHECK_FALSE(c->feed(framed(23, byte_vector(0x4101), 0x4101)));
        check_alert(c->log, c->produced, tls::error::record_overflow, &client_key);
    }
    SUBCASE("all padding, no content type") {
        auto c = after_server_hello();
        byte_vector r = seal(server_key, 0, {}, 0, 10);
        CHECK_FALSE(c->feed(r));
        check_alert(c->log, c->produced, tls::error::unexpected_message, &client_key);
    }
    SUBCASE("application data before the handshake is done") {
        auto c = after_server_hello();
        CHECK_FALSE(c->feed(seal(server_key, 0, {1, 2, 3}, 23)));
        check_alert(c->log, c->produced, tls::error::unexpected_message, &client_key);
    }
    SUBCASE("a malformed alert") {
        auto c = after_server_hello();
        CHECK_FALSE(c->feed(seal(server_key, 0, {2, 40, 0}, 21)));
        check_alert(c->log, c->produced, tls::error::decode_error, &client_key);
    }
    SUBCASE("a ChangeCipherSpec of the wrong value") {
        auto c = after_server_hello();
        CHECK_FALSE(c->feed(plaintext_record(20, {2})));
        check_alert(c->log, c->produced, tls::error::unexpected_message, &client_key);
    }
    SUBCASE("an unknown record type") {
        auto c = after_server_hello();
        CHECK_FALSE(c->feed(plaintext_record(99, {1})));
        check_alert(c->log, c->produced, tls::error::unexpected_message, &client_key);
    }
    SUBCASE("a plaintext handshake record once keys are in use") {
        auto c = after_server_hello();
        CHECK_FALSE(c->feed(plaintext_record(22, trace_message("server", "EncryptedExtensions"))));
        check_alert(c->log, c->produced, tls::error::unexpected_message, &client_key);
    }
    SUBCASE("a handshake message straddling the key change") {
        client_under_test c;
        byte_vector both = trace_message("server", "ServerHello");
        const byte_vector& ee = trace_message("server", "EncryptedExtensions");
        both.insert(both.end(), ee.begin(), ee.end());
        CHECK_FALSE(c.feed(plaintext_record(22, both)));
        REQUIRE(c.log.saw(tls::event::fatal));
        CHECK(c.log.last_fatal.failure == tls::error::unexpected_message);
    }
    SUBCASE("a fatal alert from the server ends the connection without an answer") {
        auto c = after_server_hello();
        const std::size_t before = c->produced.size();
        CHECK_FALSE(c->feed(seal(server_key, 0, {2, 40}, 21)));
        CHECK(c->log.last_fatal.failure == tls::error::peer_alert);
        CHECK(c->log.last_fatal.alert == tls::alert_description::handshake_failure);
        CHECK(c->produced.size() == before);
    }
}

TEST_CASE("TLS alerts: client side, ServerHello") {
    const byte_vector& sh = trace_message("server", "ServerHello");
    const auto exts = extensions_of(sh);
    SUBCASE("truncated") { client_gets_server_hello(message(2, byte_vector(sh.begin() + 4, sh.end() - 3)), tls::error::decode_error); }
    SUBCASE("a cipher suite we did not offer") {
        byte_vector bad = sh;
        bad[4 + 2 + 32 + 1 + 1] = 0x04;  // TLS_AES_128_CCM_SHA256
        client_gets_server_hello(bad, tls::error::illegal_parameter);
    }
    SUBCASE("no supported_versions: a TLS 1.2 answer") {
        client_gets_server_hello(with_extensions(sh, without(exts, 0x002b)), tls::error::protocol_version);
    }
    SUBCASE("TLS 1.2 answer with the downgrade sentinel") {
        byte_vector bad = with_extensions(sh, without(exts, 0x002b));
        const byte_vector sentinel = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
        std::copy(sentinel.begin(), sentinel.end(), bad.begin() + 6 + 24);
        client_gets_server_hello(bad, tls::error::illegal_parameter);
    }
    SUBCASE("a version we did not offer") {
        auto e = exts;
        for (auto& x : e)
            if (x.type == 0x002b) x.data = {0x03, 0x03};
        client_gets_server_hello(with_extensions(sh, e), tls::error::illegal_parameter);
    }
    SUBCASE("no key_share") {
        client_gets_server_hello(with_extensions(sh, without(exts, 0x0033)), tls::error::missing_extension);
    }
    SUBCASE("a share for a group we sent no share for") {
        auto e = exts;
        for (auto& x : e)
            if (x.type == 0x0033) x.data[1] = 0x17;
        client_gets_server_hello(with_extensions(sh, e), tls::error::illegal_parameter);
    }
    SUBCASE("an extension we did not offer") {
        auto e = exts;
        e.push_back({0x0010, {0, 3, 2, 'h', '2'}});
        client_gets_server_hello(with_extensions(sh, e), tls::error::unsupported_extension);
    }
    SUBCASE("a duplicated extension") {
        auto e = exts;
        e.push_back(exts.back());
        client_gets_server_hello(with_extensions(sh, e), tls::error::illegal_parameter);
    }
    SUBCASE("a session id we did not send") {
        byte_vector body(sh.begin() + 4, sh.end());
        body[34] = 1;
        body.insert(body.begin() + 35, 0xaa);
        client_gets_server_hello(message(2, body), tls::error::illegal_parameter);
    }
    SUBCASE("an all-zero X25519 result (a low-order share)") {
        auto e = exts;
        for (auto& x : e)
            if (x.type == 0x0033) std::fill(x.data.begin() + 4, x.data.end(), 0);
        client_gets_server_hello(with_extensions(sh, e), tls::error::illegal_parameter);
    }
    SUBCASE("a message other than ServerHello") {
        client_gets_server_hello(trace_message("server", "EncryptedExtensions"), tls::error::unexpected_message);
    }
}

TEST_CASE("TLS alerts: server side, ClientHello") {
    const byte_vector& ch = trace_message("client", "ClientHello");
    const auto exts = extensions_of(ch);
    SUBCASE("the unmodified hello is answered") {
        server_under_test s;
        CHECK(s.feed(plaintext_record(22, ch)));
        CHECK(s.produced.size() == 95 + 679);
    }
    SUBCASE("truncated") { server_gets_client_hello(message(1, byte_vector(ch.begin() + 4, ch.end() - 5)), tls::error::decode_error); }
    SUBCASE("no supported_versions") {
        server_gets_client_hello(with_extensions(ch, without(exts, 0x002b)), tls::error::protocol_version);
    }
    SUBCASE("a duplicated extension") {
        auto e = exts;
        e.push_back(exts.front());
        server_gets_client_hello(with_extensions(ch, e), tls::error::illegal_parameter);
    }
    SUBCASE("no key_share") {
        server_gets_client_hello(with_extensions(ch, without(exts, 0x0033)), tls::error::missing_extension);
    }
    SUBCASE("no signature_algorithms") {
        server_gets_client_hello(with_extensions(ch, without(exts, 0x000d)), tls::error::missing_extension);
    }
    SUBCASE("pre_shared_key not last") {
        auto e = exts;
        e.insert(e.begin(), {0x0029, {0, 0}});
        server_gets_client_hello(with_extensions(ch, e), tls::error::illegal_parameter);
    }
    SUBCASE("a key share of a group not in supported_groups") {
        auto e = exts;
        for (auto& x : e)
            if (x.type == 0x000a) x.data = {0x00, 0x02, 0x00, 0x17};
        server_gets_client_hello(with_extensions(ch, e), tls::error::illegal_parameter);
    }
    SUBCASE("no cipher suite in common") {
        byte_vector bad = ch;
        const std::size_t at = 4 + 2 + 32 + 1 + 2;
        bad[at + 1] = 0x04;
        bad[at + 3] = 0x05;
        bad[at + 5] = 0x04;
        server_gets_client_hello(bad, tls::error::handshake_failure);
    }
    SUBCASE("a compression method other than null") {
        byte_vector bad = ch;
        bad[4 + 2 + 32 + 1 + 2 + 6 + 1] = 1;
        server_gets_client_hello(bad, tls::error::illegal_parameter);
    }
    SUBCASE("a message other than ClientHello first") {
        server_gets_client_hello(trace_message("server", "EncryptedExtensions"), tls::error::unexpected_message);
    }
    SUBCASE("a record over 2^14 in the clear") {
        server_under_test s;
        CHECK_FALSE(s.feed(framed(22, byte_vector(0x4001), 0x4001)));
        check_alert(s.log, s.produced, tls::error::record_overflow);
    }
}
