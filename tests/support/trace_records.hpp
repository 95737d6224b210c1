// The RFC 8448 simple trace as a source of hostile peers: its messages rebuilt with one fault,
// sealed with the trace's traffic keys (or keys a key log gave), framed as records, and the
// error and alert an engine answers checked. Shared by the alert and conformance tests.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "carapace/aead/aes_gcm.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/tls/hkdf_label.hpp"
#include "support/rfc8448_replay.hpp"

namespace test_support::rfc8448 {

inline const std::string simple = "Simple 1-RTT Handshake";

struct traffic_key {
    byte_vector key, iv;
};

// The trace's handshake-traffic keys: the server's write key and the client's.
inline traffic_key server_handshake_key() {
    const auto& t = trace_titled(simple);
    return {field(t, "server", "derive write traffic keys for handshake data", "key expanded"),
            field(t, "server", "derive write traffic keys for handshake data", "iv expanded")};
}
inline traffic_key client_handshake_key() {
    const auto& t = trace_titled(simple);
    return {field(t, "server", "derive read traffic keys for handshake data", "key expanded"),
            field(t, "server", "derive read traffic keys for handshake data", "iv expanded")};
}
// The server's application write key, which protects what it sends after its Finished.
inline traffic_key server_application_key() {
    const auto& t = trace_titled(simple);
    return {field(t, "server", "derive write traffic keys for application data", "key expanded"),
            field(t, "server", "derive write traffic keys for application data", "iv expanded")};
}

// A record of `type` with `content` after its header. (Built by index: GCC 12 warns falsely
// about inserting into a vector this small.)
inline byte_vector framed(std::uint8_t type, byte_view content, std::size_t length) {
    byte_vector r(5 + content.size());
    r[0] = type;
    r[1] = 3;
    r[2] = 3;
    r[3] = static_cast<std::uint8_t>(length >> 8);
    r[4] = static_cast<std::uint8_t>(length);
    std::copy(content.begin(), content.end(), r.begin() + 5);
    return r;
}

inline bytes<12> nonce_for(const traffic_key& k, std::uint64_t seq) {
    bytes<12> n{};
    for (std::size_t i = 0; i < 12; ++i) n[i] = k.iv[i];
    for (std::size_t i = 0; i < 8; ++i) n[11 - i] ^= static_cast<std::uint8_t>(seq >> (8 * i));
    return n;
}

// A protected record (TLSInnerPlaintext = content || type || zeros).
inline byte_vector seal(const traffic_key& k, std::uint64_t seq, byte_vector content, std::uint8_t type,
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
inline byte_vector open(const traffic_key& k, std::uint64_t seq, const byte_vector& record) {
    if (record.size() < 5 + 17) return {};
    const aes128_gcm aead(fixed_view<16>(k.key.data(), 16));
    byte_vector plain(record.size() - 5 - 16);
    if (aead.open(nonce_for(k, seq), byte_view(record).first(5), byte_view(record).subspan(5), plain) != errc::ok)
        return {};
    while (!plain.empty() && plain.back() == 0) plain.pop_back();
    return plain;
}

inline byte_vector plaintext_record(std::uint8_t type, const byte_vector& content) {
    return framed(type, content, content.size());
}

// A handshake message with a body.
inline byte_vector message(std::uint8_t type, const byte_vector& body) {
    byte_vector m;
    m.reserve(4 + body.size());
    m.push_back(type);
    for (int shift = 16; shift >= 0; shift -= 8) m.push_back(static_cast<std::uint8_t>(body.size() >> shift));
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

// A hello with its extension block replaced.
inline byte_vector with_extensions(const byte_vector& hello, const std::vector<extension>& exts) {
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

inline std::vector<extension> without(std::vector<extension> exts, std::uint16_t type) {
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

inline const byte_vector& trace_message(const std::string& side, const std::string& name) {
    static std::map<std::string, byte_vector> cache;
    const std::string key = side + name;
    if (!cache.count(key)) cache[key] = field(trace_titled(simple), side, "construct a" + std::string(name[0] == 'E' ? "n " : " ") + name, name);
    return cache[key];
}

// The server's encrypted flight: EE, Certificate, CertificateVerify, Finished.
inline std::vector<byte_vector> server_flight() {
    return {trace_message("server", "EncryptedExtensions"), trace_message("server", "Certificate"),
            trace_message("server", "CertificateVerify"), trace_message("server", "Finished")};
}
inline byte_vector concat(const std::vector<byte_vector>& parts) {
    byte_vector out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// Checks the failure and the alert record: in the clear before the handshake keys, else sealed
// with `key` at sequence 0.
inline void check_alert(const side_log& log, const byte_vector& produced, tls::error expected,
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
inline void client_gets_flight(const std::vector<byte_vector>& flight, tls::error expected) {
    client_under_test c;
    REQUIRE(c.feed(plaintext_record(22, trace_message("server", "ServerHello"))));
    CHECK_FALSE(c.feed(seal(server_handshake_key(), 0, concat(flight), 22)));
    const traffic_key k = client_handshake_key();
    check_alert(c.log, c.produced, expected, &k);
}

// The client given a (modified) ServerHello.
inline void client_gets_server_hello(const byte_vector& server_hello, tls::error expected) {
    client_under_test c;
    CHECK_FALSE(c.feed(plaintext_record(22, server_hello)));
    check_alert(c.log, c.produced, expected);
}

inline void server_gets_client_hello(const byte_vector& client_hello, tls::error expected) {
    server_under_test s;
    CHECK_FALSE(s.feed(plaintext_record(22, client_hello)));
    check_alert(s.log, s.produced, expected);
}

// The AES-128-GCM key and IV of a traffic secret (§7.3), e.g. one a key log received.
inline traffic_key key_from_secret(const byte_vector& secret) {
    traffic_key k{byte_vector(16), byte_vector(12)};
    REQUIRE(tls::hkdf_expand_label<sha256>(secret, literal_bytes("key"), {}, k.key) == errc::ok);
    REQUIRE(tls::hkdf_expand_label<sha256>(secret, literal_bytes("iv"), {}, k.iv) == errc::ok);
    return k;
}

// `content` of inner type `type` cut into protected records of at most 2^14 content bytes,
// sealed with sequence numbers from `first_seq`.
inline byte_vector seal_records(const traffic_key& k, std::uint64_t first_seq, const byte_vector& content,
                                std::uint8_t type) {
    byte_vector out;
    for (std::size_t at = 0; at < content.size(); at += 16384) {
        const std::size_t n = std::min<std::size_t>(16384, content.size() - at);
        const byte_vector r = seal(k, first_seq++, byte_vector(content.begin() + static_cast<std::ptrdiff_t>(at),
                                                               content.begin() + static_cast<std::ptrdiff_t>(at + n)),
                                   type);
        out.insert(out.end(), r.begin(), r.end());
    }
    return out;
}

// The records of a byte stream: type and content, in order (a truncated tail is left out).
struct record {
    std::uint8_t type;
    byte_vector content;
};
inline std::vector<record> records_of(const byte_vector& stream) {
    std::vector<record> out;
    std::size_t at = 0;
    while (at + 5 <= stream.size()) {
        const std::size_t n = static_cast<std::size_t>(stream[at + 3]) << 8 | stream[at + 4];
        if (at + 5 + n > stream.size()) break;
        out.push_back({stream[at], byte_vector(stream.begin() + static_cast<std::ptrdiff_t>(at + 5),
                                               stream.begin() + static_cast<std::ptrdiff_t>(at + 5 + n))});
        at += 5 + n;
    }
    return out;
}

}  // namespace test_support::rfc8448
