// Each malformed or misplaced message gets exactly the alert RFC 8446 names. The RFC 8448 simple
// trace gives every key, so the tests rebuild the peer's messages with one fault, seal them with
// the trace's traffic keys where they were encrypted, and check both the error the engine
// reports and the alert record it writes (decrypted with the trace's keys).
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "carapace/aead/aes_gcm.hpp"
#include "support/rfc8448_replay.hpp"

using namespace carapace;
using namespace test_support;
using namespace test_support::rfc8448;

namespace {

const std::string simple = "Simple 1-RTT Handshake";

struct traffic_key {
    byte_vector key, iv;
};

// The trace's handshake-traffic keys: the server's write key and the client's.
traffic_key server_handshake_key() {
    const auto& t = trace_titled(simple);
    return {field(t, "server", "derive write traffic keys for handshake data", "key expanded"),
            field(t, "server", "derive write traffic keys for handshake data", "iv expanded")};
}
traffic_key client_handshake_key() {
    const auto& t = trace_titled(simple);
    return {field(t, "server", "derive read traffic keys for handshake data", "key expanded"),
            field(t, "server", "derive read traffic keys for handshake data", "iv expanded")};
}

// A record of `type` with `content` after its header. (Built by index: GCC 12 warns falsely
// about inserting into a vector this small.)
byte_vector framed(std::uint8_t type, byte_view content, std::size_t length) {
    byte_vector r(5 + content.size());
    r[0] = type;
    r[1] = 3;
    r[2] = 3;
    r[3] = static_cast<std::uint8_t>(length >> 8);
    r[4] = static_cast<std::uint8_t>(length);
    std::copy(content.begin(), content.end(), r.begin() + 5);
    return r;
}

bytes<12> nonce_for(const traffic_key& k, std::uint64_t seq) {
    bytes<12> n{};
    for (std::size_t i = 0; i < 12; ++i) n[i] = k.iv[i];
    for (std::size_t i = 0; i < 8; ++i) n[11 - i] ^= static_cast<std::uint8_t>(seq >> (8 * i));
    return n;
}

// A protected record (TLSInnerPlaintext = content || type || zeros).
byte_vector seal(const traffic_key& k, std::uint64_t seq, byte_vector content, std::uint8_t type,
                 std::size_t padding = 0) {
    content.push_back(type);
    content.resize(content.size() + padding, 0);
    const std::size_t length = content.size() + 16;
    byte_vector record = framed(23, byte_vector(length), length);
    const aes128_gcm aead(fixed_view<16>(k.key.data(), 16));
    REQUIRE(aead.seal(nonce_for(k, seq), byte_view(record).first(5), content, byte_span(record).subspan(5)) ==
            errc::ok);
    return record;
}

// The content of a protected record, or empty when it does not open.
byte_vector open(const traffic_key& k, std::uint64_t seq, const byte_vector& record) {
    if (record.size() < 5 + 17) return {};
    const aes128_gcm aead(fixed_view<16>(k.key.data(), 16));
    byte_vector plain(record.size() - 5 - 16);
    if (aead.open(nonce_for(k, seq), byte_view(record).first(5), byte_view(record).subspan(5), plain) != errc::ok)
        return {};
    while (!plain.empty() && plain.back() == 0) plain.pop_back();
    return plain;
}

byte_vector plaintext_record(std::uint8_t type, const byte_vector& content) {
    return framed(type, content, content.size());
}

// A handshake message with a body.
byte_vector message(std::uint8_t type, const byte_vector& body) {
    byte_vector m;
    m.reserve(4 + body.size());
    m.push_back(type);
    for (int shift = 16; shift >= 0; shift -= 8) m.push_back(static_cast<std::uint8_t>(body.size() >> shift));
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

// A hello with its extension block replaced.
byte_vector with_extensions(const byte_vector& hello, const std::vector<extension>& exts) {
    tls::detail::reader r(byte_view(hello).subspan(4));
    std::size_t fixed = 0;
    if (hello[0] == 1) {
        r.u16();
        r.bytes(32);
        r.vector<1>();
        r.vector<2>();
        r.vector<1>();
    } else {
        r.u16();
        r.bytes(32);
        r.vector<1>();
        r.u16();
        r.u8();
    }
    fixed = hello.size() - 4 - r.remaining();
    byte_vector body(hello.begin() + 4, hello.begin() + 4 + static_cast<std::ptrdiff_t>(fixed));
    byte_vector block;
    for (const auto& e : exts) {
        block.push_back(static_cast<std::uint8_t>(e.type >> 8));
        block.push_back(static_cast<std::uint8_t>(e.type));
        block.push_back(static_cast<std::uint8_t>(e.data.size() >> 8));
        block.push_back(static_cast<std::uint8_t>(e.data.size()));
        block.insert(block.end(), e.data.begin(), e.data.end());
    }
    body.push_back(static_cast<std::uint8_t>(block.size() >> 8));
    body.push_back(static_cast<std::uint8_t>(block.size()));
    body.insert(body.end(), block.begin(), block.end());
    return message(hello[0], body);
}

std::vector<extension> without(std::vector<extension> exts, std::uint16_t type) {
    std::erase_if(exts, [&](const extension& e) { return e.type == type; });
    return exts;
}

// The client of the simple trace after its ClientHello; deliver() gives it records.
struct client_under_test {
    replay t{simple};
    tls::client client{t.cc};
    byte_vector produced;
    side_log log;
    client_under_test() {
        byte_vector out(4096);
        REQUIRE(client.start(out).what == tls::event::need_input);
    }
    bool feed(const byte_vector& record) { return deliver(client, record, produced, log, false); }
};

struct server_under_test {
    replay t{simple};
    tls::server server{t.sc};
    byte_vector produced;
    side_log log;
    bool feed(const byte_vector& record) { return deliver(server, record, produced, log, false); }
};

const byte_vector& trace_message(const std::string& side, const std::string& name) {
    static std::map<std::string, byte_vector> cache;
    const std::string key = side + name;
    if (!cache.count(key)) cache[key] = field(trace_titled(simple), side, "construct a" + std::string(name[0] == 'E' ? "n " : " ") + name, name);
    return cache[key];
}

// The server's encrypted flight: EE, Certificate, CertificateVerify, Finished.
std::vector<byte_vector> server_flight() {
    return {trace_message("server", "EncryptedExtensions"), trace_message("server", "Certificate"),
            trace_message("server", "CertificateVerify"), trace_message("server", "Finished")};
}
byte_vector concat(const std::vector<byte_vector>& parts) {
    byte_vector out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// Checks the failure and the alert record: in the clear before the handshake keys, else sealed
// with `key` at sequence 0.
void check_alert(const side_log& log, const byte_vector& produced, tls::error expected,
                 const traffic_key* key = nullptr) {
    REQUIRE(log.saw(tls::event::fatal));
    CHECK(tls::to_string(log.last_fatal.failure) == tls::to_string(expected));
    const auto description = static_cast<std::uint8_t>(tls::alert_for(expected));
    if (key == nullptr) {
        REQUIRE(produced.size() >= 7);
        CHECK(to_hex(byte_view(produced).last(7)) == to_hex(plaintext_record(21, {2, description})));
    } else {
        REQUIRE(produced.size() >= 24);
        const byte_vector alert(produced.end() - 24, produced.end());
        CHECK(to_hex(open(*key, 0, alert)) == to_hex(byte_vector{2, description, 21}));
    }
}

// The client given the trace's ServerHello and then `flight` sealed as one record.
void client_gets_flight(const std::vector<byte_vector>& flight, tls::error expected) {
    client_under_test c;
    REQUIRE(c.feed(plaintext_record(22, trace_message("server", "ServerHello"))));
    CHECK_FALSE(c.feed(seal(server_handshake_key(), 0, concat(flight), 22)));
    const traffic_key k = client_handshake_key();
    check_alert(c.log, c.produced, expected, &k);
}

// The client given a (modified) ServerHello.
void client_gets_server_hello(const byte_vector& server_hello, tls::error expected) {
    client_under_test c;
    CHECK_FALSE(c.feed(plaintext_record(22, server_hello)));
    check_alert(c.log, c.produced, expected);
}

void server_gets_client_hello(const byte_vector& client_hello, tls::error expected) {
    server_under_test s;
    CHECK_FALSE(s.feed(plaintext_record(22, client_hello)));
    check_alert(s.log, s.produced, expected);
}

}  // namespace

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
