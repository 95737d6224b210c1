// Departures from RFC 8446 and RFC 8449 found by a conformance suite and on review, and API paths
// that lost data or handed out constants: one test per defect, each reproducing it through the
// public engine API. Hostile peers are the RFC 8448 trace rebuilt with one fault (its keys seal
// what we change) or an in-memory peer whose secrets a key log gives us, so we can seal records
// it would never send itself.
#include <doctest/doctest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "support/tls_peers.hpp"
#include "support/tls_session.hpp"
#include "support/trace_records.hpp"

using namespace carapace;
using namespace test_support;
using namespace test_support::rfc8448;

namespace {

// The key of a secret in a key log, e.g. "SERVER_TRAFFIC_SECRET_0".
traffic_key key_of(const recording_key_log& log, const std::string& label) {
    for (const auto& l : log.lines)
        if (l.rfind(label + " ", 0) == 0) return key_from_secret(unhex(l.substr(l.rfind(' ') + 1)));
    FAIL("no " << label << " in the key log");
    return {};
}

// A client and a server over memory with AES-128-GCM only, so that a traffic secret from the
// client's key log seals records both accept. `hello_retry`: the client's only first share is
// of a group the server lacks, so the server answers with a HelloRetryRequest for x25519.
struct peer_setup : setup {
    tls::named_group x25519_share[1] = {tls::named_group::x25519};
    tls::cipher_suite suites[1] = {tls::cipher_suite::aes_128_gcm_sha256};
    recording_key_log client_keys;
    tls::client_config& cc = client_config;
    tls::server_config& sc = server_config;

    explicit peer_setup(bool hello_retry = false) : setup(11, 12) {
        cc.cipher_suites = suites;
        if (!hello_retry) cc.key_share_groups = x25519_share;
        cc.key_log = &client_keys;
        sc.cipher_suites = suites;
    }

    traffic_key logged_key(const std::string& label) const { return key_of(client_keys, label); }
};

struct peer_pair {
    tls::client client;
    tls::server server;
    byte_vector to_server, to_client;
    side_log client_log, server_log;
    test_rng rng{5};
    std::size_t output_size = 1 << 16;

    peer_pair(const tls::client_config& c, const tls::server_config& s) : client(c), server(s) {}

    // The client's first flight, queued for the server.
    void start() {
        byte_vector out(1 << 18);
        const auto r = client.start(out);
        REQUIRE(r.what == tls::event::need_input);
        to_server.insert(to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    }
    void run() {
        pump(client, server, to_server, to_client, client_log, server_log, rng, 0, output_size);
        if (client_log.saw(tls::event::fatal))
            MESSAGE("client failed: " << tls::to_string(client_log.last_fatal.failure) << " / "
                                      << tls::to_string(client_log.last_fatal.alert));
        if (server_log.saw(tls::event::fatal))
            MESSAGE("server failed: " << tls::to_string(server_log.last_fatal.failure) << " / "
                                      << tls::to_string(server_log.last_fatal.alert));
    }
    void handshake() {
        start();
        run();
    }
    [[nodiscard]] bool completed() const {
        return client.handshake_complete() && server.handshake_complete() && !client_log.saw(tls::event::fatal) &&
               !server_log.saw(tls::event::fatal);
    }
};

// application_data records of random bytes, as 0-RTT data looks to a server without its keys.
byte_vector early_data_records(test_rng& rng, std::initializer_list<std::size_t> sizes) {
    byte_vector out;
    for (const std::size_t n : sizes) {
        const byte_vector r = framed(23, rng.bytes(n), n);
        out.insert(out.end(), r.begin(), r.end());
    }
    return out;
}

// A pre_shared_key offer (§4.2.11) of one identity no server issued, with a 32-byte binder.
// (Built by index: GCC 12 warns falsely about inserting into a vector this small.)
byte_vector made_up_pre_shared_key() {
    const std::string identity = "a ticket nobody issued";
    const std::size_t n = identity.size();
    byte_vector v(2 + 2 + n + 4 + 2 + 1 + 32, 0xb1);
    v[0] = 0;
    v[1] = static_cast<std::uint8_t>(2 + n + 4);
    v[2] = 0;
    v[3] = static_cast<std::uint8_t>(n);
    std::copy(identity.begin(), identity.end(), v.begin() + 4);
    const std::uint8_t age_and_binders[7] = {0x12, 0x34, 0x56, 0x78, 0, 33, 32};
    std::copy(std::begin(age_and_binders), std::end(age_and_binders), v.begin() + 4 + static_cast<std::ptrdiff_t>(n));
    return v;
}

// What a client attempting 0-RTT adds to its ClientHello: psk_key_exchange_modes (psk_dhe_ke),
// early_data, and pre_shared_key last.
struct early_data_offer {
    byte_vector psk = made_up_pre_shared_key();
    byte_vector modes = {1, 1};
    std::vector<tls::raw_extension> extensions = {{45, modes}, {42, {}}, {41, psk}};
    static constexpr std::size_t early_data_index = 1;
};

// The trace's ServerHello with its random ending in the downgrade sentinel (§4.1.3).
byte_vector with_downgrade_sentinel(byte_vector hello, std::uint8_t last) {
    const byte_vector sentinel = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, last};
    std::copy(sentinel.begin(), sentinel.end(), hello.begin() + 6 + 24);
    return hello;
}

// A ServerHello ending after legacy_compression_method, as TLS 1.2 allows (no extensions).
byte_vector without_extension_block(const byte_vector& hello) {
    const std::size_t fixed = 2 + 32 + 1 + hello[4 + 34] + 2 + 1;
    return message(2, byte_vector(hello.begin() + 4, hello.begin() + 4 + static_cast<std::ptrdiff_t>(fixed)));
}

// What a TLS 1.2 server answers: renegotiation_info, extended_master_secret, ec_point_formats.
const std::vector<extension> tls12_extensions = {{0xff01, {0}}, {0x0017, {}}, {0x000b, {1, 0}}};

// A HelloRetryRequest (§4.1.4) selecting x25519 and TLS_AES_128_GCM_SHA256, empty session id.
byte_vector hello_retry_request_for_x25519() {
    byte_vector body = {3, 3};
    // The Random of every HelloRetryRequest: SHA-256("HelloRetryRequest") (§4.1.3).
    const byte_vector random = unhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    body.insert(body.end(), random.begin(), random.end());
    const byte_vector rest = {0, 0x13, 0x01, 0, 0, 12, 0, 0x33, 0, 2, 0, 0x1d, 0, 0x2b, 0, 2, 3, 4};
    body.insert(body.end(), rest.begin(), rest.end());
    return message(2, body);
}

// Gives out the trace's CertificateVerify signature whatever it is asked to sign, so that a
// server fed a changed ClientHello (a changed transcript) still sends its whole flight.
class trace_signature_signer final : public tls::signer {
public:
    explicit trace_signature_signer(const replayed_signer& s) : signature_(s.signature), scheme_{s.scheme_[0]} {}
    std::span<const tls::signature_scheme> schemes() const noexcept override { return scheme_; }
    std::size_t max_signature_size(tls::signature_scheme) const noexcept override { return signature_.size(); }
    std::size_t sign(tls::signature_scheme, byte_view, byte_span out) noexcept override {
        if (out.size() < signature_.size()) return 0;
        std::copy(signature_.begin(), signature_.end(), out.begin());
        return signature_.size();
    }

private:
    byte_vector signature_;
    tls::signature_scheme scheme_[1];
};

// The simple trace's server, signing with the trace's signature whatever the transcript, with
// its own record_size_limit and its secrets logged (a changed transcript changes them).
struct trace_server {
    replay t{simple};
    trace_signature_signer signer{t.server_signer};
    recording_key_log keys;
    tls::server_config config;
    tls::server server;
    byte_vector produced;
    side_log log;

    explicit trace_server(std::uint16_t record_size_limit = 0x4001)
        : config(configured(t.sc, signer, keys, record_size_limit)), server(config) {}
    static tls::server_config configured(tls::server_config c, tls::signer& s, tls::key_log& log,
                                         std::uint16_t record_size_limit) {
        c.signer = &s;
        c.key_log = &log;
        c.record_size_limit = record_size_limit;
        return c;
    }
    bool feed(const byte_vector& record) { return deliver(server, record, produced, log, false); }
};

// A (changed) ClientHello the server must refuse with `expected` and its alert in the clear.
void trace_server_refuses(const byte_vector& client_hello, tls::error expected) {
    trace_server s;
    CHECK_FALSE(s.feed(plaintext_record(22, client_hello)));
    check_alert(s.log, s.produced, expected);
}

// The trace's client given its ServerHello and then a warning alert in the clear, once it reads
// with the handshake key: unexpected_message, and the genuine flight afterwards does not
// complete the handshake.
void warning_alert_after_server_hello(std::uint8_t description) {
    client_under_test c;
    REQUIRE(c.feed(plaintext_record(22, trace_message("server", "ServerHello"))));
    CHECK_FALSE(c.feed(plaintext_record(21, {1, description})));
    CHECK_FALSE(c.log.saw(tls::event::peer_closed));
    const traffic_key k = client_handshake_key();
    check_alert(c.log, c.produced, tls::error::unexpected_message, &k);
    c.feed(seal(server_handshake_key(), 0, concat(server_flight()), 22));
    CHECK_FALSE(c.log.saw(tls::event::handshake_complete));
    CHECK_FALSE(c.client.handshake_complete());
}

std::size_t content_size(const byte_vector& stream) {
    std::size_t n = 0;
    for (const auto& r : records_of(stream)) n += r.content.size();
    return n;
}

bool contains(const byte_vector& haystack, const byte_vector& needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

}  // namespace

// §4.2.10: a server that does not accept early data MUST skip it: records that fail to
// decrypt with its handshake key after a ServerHello, application_data records after a
// HelloRetryRequest.
TEST_CASE("TLS conformance: declined early data is skipped after the ServerHello (§4.2.10)") {
    peer_setup t;
    early_data_offer offer;
    t.cc.extra_extensions = offer.extensions;
    peer_pair p(t.cc, t.sc);
    p.start();
    const byte_vector early = early_data_records(p.rng, {40, 120, 300});
    p.to_server.insert(p.to_server.end(), early.begin(), early.end());
    p.run();
    CHECK_FALSE(p.client.hello_retry_used());
    CHECK(p.completed());
}

TEST_CASE("TLS conformance: declined early data is skipped after a HelloRetryRequest (§4.2.10)") {
    peer_setup t(true);
    early_data_offer offer;
    t.cc.extra_extensions = offer.extensions;
    peer_pair p(t.cc, t.sc);
    p.start();
    // §4.2.10: the second ClientHello carries no early_data; a GREASE type takes its place.
    offer.extensions[early_data_offer::early_data_index] = {0x1a1a, {}};
    const byte_vector early = early_data_records(p.rng, {40, 120, 300});
    p.to_server.insert(p.to_server.end(), early.begin(), early.end());
    p.run();
    CHECK(p.client.hello_retry_used());
    CHECK(p.completed());
}

// The skipping above is only for a hello that offered early data (these pass before the fix
// too: they keep the fix from skipping everything).
TEST_CASE("TLS conformance: without early_data, an undecryptable record after the ServerHello is bad_record_mac") {
    peer_setup t;
    peer_pair p(t.cc, t.sc);
    p.start();
    const byte_vector early = early_data_records(p.rng, {40});
    p.to_server.insert(p.to_server.end(), early.begin(), early.end());
    p.run();
    REQUIRE(p.server_log.saw(tls::event::fatal));
    CHECK(p.server_log.last_fatal.failure == tls::error::bad_record_mac);
    CHECK(p.server_log.last_fatal.alert == tls::alert_description::bad_record_mac);
}

TEST_CASE("TLS conformance: without early_data, application_data after a HelloRetryRequest is unexpected_message") {
    peer_setup t(true);
    peer_pair p(t.cc, t.sc);
    p.start();
    const byte_vector early = early_data_records(p.rng, {40});
    p.to_server.insert(p.to_server.end(), early.begin(), early.end());
    p.run();
    REQUIRE(p.server_log.saw(tls::event::fatal));
    CHECK(p.server_log.last_fatal.failure == tls::error::unexpected_message);
    CHECK(p.server_log.last_fatal.alert == tls::alert_description::unexpected_message);
}

// §5.4: an alert is two bytes; a protected record of inner type alert and no content is
// unexpected_message, like a handshake record with no content.
TEST_CASE("TLS conformance: a protected alert of length zero is unexpected_message (§5.4)") {
    client_under_test c;
    REQUIRE(c.feed(plaintext_record(22, trace_message("server", "ServerHello"))));
    CHECK_FALSE(c.feed(seal(server_handshake_key(), 0, {}, 21)));
    const traffic_key k = client_handshake_key();
    check_alert(c.log, c.produced, tls::error::unexpected_message, &k);
}

// §5.4: the length of TLSInnerPlaintext (content, type and zero padding) may not exceed
// 2^14 + 1, and RFC 8449 §4 limits the same thing.
TEST_CASE("TLS conformance: padding counts: an inner plaintext of 16,590 bytes is record_overflow (§5.4)") {
    client_under_test c;
    REQUIRE(c.feed(plaintext_record(22, trace_message("server", "ServerHello"))));
    const byte_vector flight = concat(server_flight());
    const std::size_t inner = 16590;
    const byte_vector r = seal(server_handshake_key(), 0, flight, 22, inner - flight.size() - 1);
    REQUIRE(r.size() == 5 + inner + 16);  // within the ciphertext limit of 2^14 + 256
    CHECK_FALSE(c.feed(r));
    CHECK_FALSE(c.client.handshake_complete());
    const traffic_key k = client_handshake_key();
    check_alert(c.log, c.produced, tls::error::record_overflow, &k);
}

TEST_CASE("TLS conformance: padding counts: 606 bytes against a record_size_limit of 100 is record_overflow") {
    trace_server s(100);  // the trace's ClientHello sends a limit, so the server answers with its own
    REQUIRE(s.feed(plaintext_record(22, trace_message("client", "ClientHello"))));
    const auto records = records_of(s.produced);
    REQUIRE(records.size() >= 2);
    const byte_vector& sealed = records[1].content;
    const byte_vector flight = open(server_handshake_key(), 0, framed(23, sealed, sealed.size()));
    REQUIRE(contains(flight, {0x00, 0x1c, 0x00, 0x02, 0x00, 0x64}));  // record_size_limit 100 in EE
    const byte_vector finished = trace_message("client", "Finished");
    const std::size_t inner = 606;
    CHECK_FALSE(s.feed(seal(client_handshake_key(), 0, finished, 22, inner - finished.size() - 1)));
    const traffic_key k = key_of(s.keys, "SERVER_TRAFFIC_SECRET_0");
    check_alert(s.log, s.produced, tls::error::record_overflow, &k);
}

// §5.1: plaintext records carry at most 2^14 bytes; the second ClientHello is no exception.
TEST_CASE("TLS conformance: a large second ClientHello goes out in records of at most 2^14 bytes (§5.1)") {
    peer_setup t(true);
    const byte_vector big(16300, 0x5a);
    const tls::raw_extension extras[1] = {{0xfe01, big}};
    t.cc.extra_extensions = extras;
    tls::client client(t.cc);
    byte_vector out(1 << 17);
    auto r = client.start(out);
    REQUIRE(r.what == tls::event::need_input);
    for (const auto& rec : records_of(byte_vector(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced))))
        CHECK(rec.content.size() <= 16384);
    r = client.receive(plaintext_record(22, hello_retry_request_for_x25519()), out);
    REQUIRE(r.what == tls::event::need_input);
    REQUIRE(client.hello_retry_used());
    const byte_vector second(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    const auto records = records_of(second);
    REQUIRE(records.size() >= 2);
    byte_vector hello;
    for (const auto& rec : records) {
        CHECK(rec.type == 22);
        CHECK(rec.content.size() <= 16384);
        hello.insert(hello.end(), rec.content.begin(), rec.content.end());
    }
    REQUIRE(hello.size() > 16384);
    CHECK(hello[0] == 1);
    const std::size_t length =
        static_cast<std::size_t>(hello[1]) << 16 | static_cast<std::size_t>(hello[2]) << 8 | hello[3];
    CHECK(hello.size() == 4 + length);
}

// Appendix D.5: SSL 3.0 and older are refused by their legacy_version alone.
TEST_CASE("TLS conformance: a ClientHello with legacy_version 0x0300 or lower gets protocol_version (D.5)") {
    for (const std::uint16_t version : {std::uint16_t{0x0300}, std::uint16_t{0x0200}}) {
        CAPTURE(version);
        byte_vector bad = trace_message("client", "ClientHello");
        bad[4] = static_cast<std::uint8_t>(version >> 8);
        bad[5] = static_cast<std::uint8_t>(version);
        trace_server_refuses(bad, tls::error::protocol_version);
    }
}

// §4.1.3 and §4.2.1: a ServerHello without supported_versions negotiates TLS 1.2 or older,
// whatever else it carries: protocol_version, or illegal_parameter with the downgrade sentinel.
TEST_CASE("TLS conformance: a TLS 1.2 ServerHello with extensions we did not offer is protocol_version (§4.1.3)") {
    const byte_vector& sh = trace_message("server", "ServerHello");
    client_gets_server_hello(with_extensions(sh, tls12_extensions), tls::error::protocol_version);
}

TEST_CASE("TLS conformance: a TLS 1.2 ServerHello without an extension block is protocol_version (§4.1.3)") {
    const byte_vector& sh = trace_message("server", "ServerHello");
    client_gets_server_hello(without_extension_block(sh), tls::error::protocol_version);
}

TEST_CASE("TLS conformance: a TLS 1.2 ServerHello with the downgrade sentinel is illegal_parameter (§4.1.3)") {
    const byte_vector& sh = trace_message("server", "ServerHello");
    client_gets_server_hello(with_downgrade_sentinel(with_extensions(sh, tls12_extensions), 1),
                             tls::error::illegal_parameter);
}

TEST_CASE("TLS conformance: a TLS 1.2 ServerHello with the sentinel and no extensions is illegal_parameter") {
    const byte_vector& sh = trace_message("server", "ServerHello");
    client_gets_server_hello(with_downgrade_sentinel(without_extension_block(sh), 0), tls::error::illegal_parameter);
}

// A fixed-size message of another size is malformed (decode_error), however large it claims to
// be: its size is known from its header.
TEST_CASE("TLS conformance: a Finished longer than the handshake buffer is decode_error on the client") {
    const byte_vector huge_finished = message(20, byte_vector(20000, 0x42));
    client_under_test c;
    REQUIRE(c.feed(plaintext_record(22, trace_message("server", "ServerHello"))));
    auto flight = server_flight();
    flight[3] = huge_finished;
    CHECK_FALSE(c.feed(seal_records(server_handshake_key(), 0, concat(flight), 22)));
    const traffic_key k = client_handshake_key();
    check_alert(c.log, c.produced, tls::error::decode_error, &k);
}

TEST_CASE("TLS conformance: a Finished longer than the handshake buffer is decode_error on the server") {
    const byte_vector huge_finished = message(20, byte_vector(20000, 0x42));
    server_under_test s;
    REQUIRE(s.feed(plaintext_record(22, trace_message("client", "ClientHello"))));
    CHECK_FALSE(s.feed(seal_records(client_handshake_key(), 0, huge_finished, 22)));
    const traffic_key k = server_application_key();
    check_alert(s.log, s.produced, tls::error::decode_error, &k);
}

// §4.4.3: signature<0..2^16-1> may be empty; it then fails to verify.
TEST_CASE("TLS conformance: a CertificateVerify with an empty signature is decrypt_error (§4.4.3)") {
    const auto flight = server_flight();
    const byte_vector& cv = flight[2];
    const byte_vector empty_signature = message(15, {cv[4], cv[5], 0, 0});
    client_gets_flight({flight[0], flight[1], empty_signature, flight[3]}, tls::error::decrypt_error);
}

// §4.2.9: a client offering a PSK MUST send psk_key_exchange_modes; a server MUST abort.
TEST_CASE("TLS conformance: pre_shared_key without psk_key_exchange_modes is missing_extension (§4.2.9)") {
    const byte_vector& ch = trace_message("client", "ClientHello");
    auto e = without(extensions_of(ch), 0x002d);
    e.push_back({0x0029, made_up_pre_shared_key()});
    trace_server_refuses(with_extensions(ch, e), tls::error::missing_extension);
}

// §4.1.2, §4.2.8, §9.3: unknown extensions and key shares are ignored, however many.
TEST_CASE("TLS conformance: a ClientHello with 1,000 unknown extensions is accepted (§4.1.2)") {
    peer_setup t;
    std::vector<tls::raw_extension> many;
    for (std::uint16_t i = 0; i < 1000; ++i) many.push_back({static_cast<std::uint16_t>(0xe000 + i), {}});
    t.cc.extra_extensions = many;
    peer_pair p(t.cc, t.sc);
    p.handshake();
    CHECK(p.completed());
}

TEST_CASE("TLS conformance: a ClientHello with 201 key shares, 200 of unknown groups, is accepted (§4.2.8)") {
    const byte_vector& ch = trace_message("client", "ClientHello");
    auto exts = extensions_of(ch);
    for (auto& x : exts) {
        if (x.type != 0x000a && x.type != 0x0033) continue;
        byte_vector entries;
        for (std::uint16_t i = 0; i < 200; ++i) {
            const auto group = static_cast<std::uint16_t>(0xfe00 + i);  // ECDHE private use
            entries.push_back(static_cast<std::uint8_t>(group >> 8));
            entries.push_back(static_cast<std::uint8_t>(group));
            if (x.type == 0x0033) {
                const byte_vector share = {0, 1, 4};
                entries.insert(entries.end(), share.begin(), share.end());
            }
        }
        entries.insert(entries.end(), x.data.begin() + 2, x.data.end());
        x.data = {static_cast<std::uint8_t>(entries.size() >> 8), static_cast<std::uint8_t>(entries.size())};
        x.data.insert(x.data.end(), entries.begin(), entries.end());
    }
    trace_server s;
    CHECK(s.feed(plaintext_record(22, with_extensions(ch, exts))));
    CHECK_FALSE(s.log.saw(tls::event::fatal));
    const auto records = records_of(s.produced);
    REQUIRE_FALSE(records.empty());
    REQUIRE(records[0].type == 22);
    REQUIRE(records[0].content[0] == 2);  // ServerHello
    const byte_vector share = extension_data(records[0].content, 0x0033);
    REQUIRE(share.size() >= 2);
    CHECK(share[0] == 0x00);
    CHECK(share[1] == 0x1d);  // x25519
}

TEST_CASE("TLS conformance: the default server completes a handshake with a 64 KiB ClientHello") {
    peer_setup t;
    byte_vector padding;
    tls::raw_extension extras[1] = {{0xe001, {}}};
    t.cc.extra_extensions = extras;
    std::size_t base = 0;
    {
        tls::client probe(t.cc);
        byte_vector out(1 << 17);
        const auto r = probe.start(out);
        REQUIRE(r.what == tls::event::need_input);
        base = content_size(byte_vector(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced)));
    }
    padding.assign(65536 - base, 0x33);
    extras[0].data = padding;
    peer_pair p(t.cc, t.sc);
    p.output_size = 1 << 18;
    p.start();
    REQUIRE(content_size(p.to_server) == 65536);
    p.run();
    CHECK(p.completed());
}

// RFC 8449 §4: the limit a client asks for binds the server only once it answered with its own
// record_size_limit; until then records of up to 2^14 bytes are legal (OpenSSL sends them).
TEST_CASE("TLS conformance: an unacknowledged client record_size_limit is not enforced (RFC 8449 §4)") {
    peer_setup t;
    t.cc.record_size_limit = 1000;
    peer_pair p(t.cc, t.sc);
    p.handshake();
    REQUIRE(p.completed());
    // What a server without RFC 8449 sends: a full record, sealed with its first application key.
    const byte_vector data = test_rng(3).bytes(16384);
    p.to_client = seal(t.logged_key("SERVER_TRAFFIC_SECRET_0"), 0, data, 23);
    p.run();
    CHECK_FALSE(p.client_log.saw(tls::event::fatal));
    CHECK(p.client_log.received == data);
}

TEST_CASE("TLS conformance: an acknowledged client record_size_limit is enforced (RFC 8449 §4)") {
    peer_setup t;
    t.cc.record_size_limit = 1000;
    t.sc.record_size_limit = 0x4001;
    peer_pair p(t.cc, t.sc);
    p.handshake();
    REQUIRE(p.completed());
    p.to_client = seal(t.logged_key("SERVER_TRAFFIC_SECRET_0"), 0, byte_vector(1000, 7), 23);
    p.run();
    REQUIRE(p.client_log.saw(tls::event::fatal));
    CHECK(p.client_log.last_fatal.failure == tls::error::record_overflow);
}

// §6.1 and §5: before the handshake completes, only a fatal alert may arrive in the clear (from
// a peer that gave up before its handshake keys); close_notify is no clean close there.
TEST_CASE("TLS conformance: a close_notify before the ServerHello is a failure, not a close") {
    client_under_test c;
    CHECK_FALSE(c.feed(plaintext_record(21, {1, 0})));
    CHECK_FALSE(c.log.saw(tls::event::peer_closed));
    REQUIRE(c.log.saw(tls::event::fatal));
    CHECK(c.log.last_fatal.failure == tls::error::peer_alert);
    CHECK(c.log.last_fatal.alert == tls::alert_description::close_notify);
    CHECK_FALSE(c.client.handshake_complete());
}

TEST_CASE("TLS conformance: a plaintext close_notify after the ServerHello is unexpected_message") {
    warning_alert_after_server_hello(0);
}

TEST_CASE("TLS conformance: a plaintext user_canceled after the ServerHello is unexpected_message") {
    warning_alert_after_server_hello(90);
}

// §4.6.3: a run of update_requested KeyUpdates read together gets one KeyUpdate in reply.
TEST_CASE("TLS conformance: two KeyUpdate requests read together get one reply (§4.6.3)") {
    peer_setup t;
    peer_pair p(t.cc, t.sc);
    p.handshake();
    REQUIRE(p.completed());
    byte_vector out(256);
    for (int i = 0; i < 2; ++i) {
        const auto r = p.client.request_key_update(out);
        REQUIRE(r.what == tls::event::need_input);
        p.to_server.insert(p.to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    }
    REQUIRE(records_of(p.to_server).size() == 2);
    drive(p.server, p.to_server, p.to_client, p.server_log, p.rng, 0);  // both records, one receive loop
    CHECK(p.to_server.empty());
    CHECK_FALSE(p.server_log.saw(tls::event::fatal));
    CHECK(records_of(p.to_client).size() == 1);
    p.run();
    CHECK(p.client_log.count(tls::event::key_update) == 1);
    // Both directions still work with the keys each side now holds.
    const byte_vector ping = {'p', 'i', 'n', 'g'}, pong = {'p', 'o', 'n', 'g'};
    auto r = p.client.send(ping, out);
    REQUIRE(r.what == tls::event::need_input);
    p.to_server.insert(p.to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    r = p.server.send(pong, out);
    REQUIRE(r.what == tls::event::need_input);
    p.to_client.insert(p.to_client.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    p.run();
    CHECK(p.server_log.received == ping);
    CHECK(p.client_log.received == pong);
}

// The whole server flight with a CertificateRequest in one call: the client answers with its
// Certificate, CertificateVerify and Finished in that same call, so need_output_space must
// count them. The server accepts any chain here (it checks the signature only), so the client
// can send a long one, larger than the second ClientHello the client also reserves room for.
TEST_CASE("TLS conformance: need_output_space counts the client's certificate flight") {
    peer_setup t;
    trust accept_any("root", true);
    identity stranger("stranger");
    const auto other_root = load_certificates("tls/other_root.pem");
    REQUIRE(other_root.size() == 1);
    std::vector<byte_view> chain = t.client_id.views;
    chain.insert(chain.end(), t.server_id.views.begin(), t.server_id.views.end());
    chain.insert(chain.end(), stranger.views.begin(), stranger.views.end());
    chain.emplace_back(accept_any.root);
    chain.emplace_back(other_root[0]);
    t.cc.certificate_chain = chain;
    t.cc.signer = t.client_id.signer.get();
    t.sc.request_client_certificate = true;
    t.sc.verifier = accept_any.verifier.get();
    tls::client client(t.cc);
    tls::server server(t.sc);
    byte_vector big(1 << 16);
    auto r = client.start(big);
    REQUIRE(r.what == tls::event::need_input);
    const byte_vector hello(big.begin(), big.begin() + static_cast<std::ptrdiff_t>(r.produced));
    r = server.receive(hello, big);
    REQUIRE(r.what == tls::event::need_input);
    const byte_vector flight(big.begin(), big.begin() + static_cast<std::ptrdiff_t>(r.produced));

    byte_vector tiny(16);
    r = client.receive(flight, tiny);
    REQUIRE(r.what == tls::event::need_output_space);
    CHECK(r.consumed == 0);
    byte_vector exact(r.needed);
    byte_vector answer;
    std::size_t off = 0;
    for (int guard = 0; guard < 20 && !client.handshake_complete(); ++guard) {
        r = client.receive(byte_view(flight).subspan(off), exact);
        answer.insert(answer.end(), exact.begin(), exact.begin() + static_cast<std::ptrdiff_t>(r.produced));
        off += r.consumed;
        CHECK(r.what != tls::event::need_output_space);
        if (r.what == tls::event::fatal) MESSAGE("client failed: " << tls::to_string(r.failure));
        if (r.what == tls::event::fatal || r.what == tls::event::need_output_space) break;
        if (r.what == tls::event::need_input && off == flight.size()) break;
    }
    REQUIRE(client.handshake_complete());
    CHECK(off == flight.size());
    r = server.receive(answer, big);
    CHECK(r.what == tls::event::handshake_complete);
    CHECK(server.client_authenticated());
}

// Once a connection failed, its secrets are gone: deriving from them must be an error, not the
// value of an empty secret, and no ticket (whose PSK derives from them) goes out.
TEST_CASE("TLS conformance: exporters and tickets after a fatal error return an error") {
    peer_setup t;
    peer_pair p(t.cc, t.sc);
    p.handshake();
    REQUIRE(p.completed());
    bytes<32> ekm{};
    REQUIRE(p.server.export_keying_material(literal_bytes("EXPORTER-test"), {}, ekm) == tls::error::none);
    const byte_vector forged = framed(23, byte_vector(40, 7), 40);  // does not authenticate
    byte_vector out(1024);
    auto r = p.server.receive(forged, out);
    REQUIRE(r.what == tls::event::fatal);
    REQUIRE(r.failure == tls::error::bad_record_mac);
    CHECK(p.server.export_keying_material(literal_bytes("EXPORTER-test"), {}, ekm) != tls::error::none);
    CHECK(p.server.send_ticket(out).what == tls::event::fatal);
    r = p.client.receive(forged, out);
    REQUIRE(r.what == tls::event::fatal);
    CHECK(p.client.export_keying_material(literal_bytes("EXPORTER-test"), {}, ekm) != tls::error::none);
}
