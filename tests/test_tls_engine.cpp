// The client and server engines against each other over memory: every suite, byte-at-a-time and
// random splits, HelloRetryRequest, resumption and 0-RTT in both PSK modes, ALPN, mutual authentication, middlebox compatibility mode,
// small record limits, KeyUpdate both ways, exporters, close_notify, certificate failures with
// their alerts, and no heap allocation anywhere.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "support/allocations.hpp"
#include "support/tls_resumption.hpp"

using namespace carapace;
using namespace test_support;

namespace {

// The input splits of the matrix: all at once, a byte at a time, random pieces up to 7 bytes and
// up to 3000.
constexpr std::size_t engine_matrix_splits[] = {0, 1, 7, 3000};

// What the resumed connection does with 0-RTT.
enum class early_case { not_offered, accepted, declined };

const char* early_name(early_case e) {
    return e == early_case::accepted ? "accepted" : e == early_case::declined ? "declined" : "not offered";
}

// Records between two engines over fixed buffers, for the tests that count heap allocations (the
// vector-based pump allocates by itself).
struct fixed_wire {
    bytes<1 << 17> data{};
    std::size_t size = 0;
    byte_span rest() { return byte_span(data).subspan(size); }
};

// What one engine delivered: application data and early data, counted and summed.
struct delivered_bytes {
    std::size_t app = 0, early = 0;
    std::uint64_t sum = 0;
};

// Feeds all of `in` to `engine`, appending what it writes to `out`; false on a fatal event.
template <class Engine>
bool feed_fixed(Engine& engine, fixed_wire& in, fixed_wire& out, delivered_bytes& got) {
    static bytes<1 << 17> scratch{};
    std::size_t off = 0;
    for (;;) {
        const auto x = engine.receive(byte_view(in.data).first(in.size).subspan(off), byte_span(scratch));
        std::memcpy(out.data.data() + out.size, scratch.data(), x.produced);
        out.size += x.produced;
        off += x.consumed;
        if (x.what == tls::event::app_data || x.what == tls::event::early_data) {
            (x.what == tls::event::app_data ? got.app : got.early) += x.data.size();
            for (auto b : x.data) got.sum += b;
        }
        if (x.what == tls::event::fatal) return false;
        if (x.what == tls::event::need_input && off == in.size) break;
    }
    in.size = 0;
    return true;
}

// Runs the flights between the two engines until both have completed the handshake.
template <class Client, class Server>
void handshake_fixed(Client& client, Server& server, fixed_wire& to_server, fixed_wire& to_client,
                     delivered_bytes& server_got, delivered_bytes& client_got) {
    for (int i = 0; i < 6 && !(client.handshake_complete() && server.handshake_complete()); ++i) {
        REQUIRE(feed_fixed(server, to_server, to_client, server_got));
        REQUIRE(feed_fixed(client, to_client, to_server, client_got));
    }
    REQUIRE(client.handshake_complete());
    REQUIRE(server.handshake_complete());
}

}  // namespace

// Every suite this build has, the AES-CCM ones too (named in both configs: neither role takes
// them by default).
TEST_CASE("TLS engine: handshake and data for every suite, any input split") {
    for (const auto& info : tls::all_suites) {
        const tls::cipher_suite suite = info.id;
        for (const std::size_t chunk : engine_matrix_splits) {
            CAPTURE(tls::to_string(suite));
            CAPTURE(chunk);
            setup t;
            const tls::cipher_suite only[1] = {suite};
            t.server_config.cipher_suites = only;
            t.client_config.cipher_suites = only;
            session s(t.client_config, t.server_config);
            s.max_chunk = chunk;
            s.handshake();
            CHECK(s.client.negotiated_suite() == suite);
            CHECK(s.server.negotiated_suite() == suite);
            CHECK(s.client.hello_retry_used());  // the client's first share is the stand-in group
            CHECK(s.client.negotiated_group() == tls::named_group::x25519);
            check_connected_and_talking(s);
        }
    }
}

// Each suite in both PSK modes resumes a ticket from a first full handshake, with early data
// accepted, declined or not offered, with and without a HelloRetryRequest. A HelloRetryRequest
// declines early data by itself (§4.2.10); psk_ke needs no key share, so never draws one. The
// server declines without a HelloRetryRequest when it has no replay recorder.
TEST_CASE("TLS engine: resumption and 0-RTT for every suite and PSK mode, any input split") {
    for (const auto& info : tls::all_suites) {
        const tls::cipher_suite suite = info.id;
        for (const auto mode : {tls::psk_mode::psk_dhe_ke, tls::psk_mode::psk_ke}) {
            for (const bool retry : {false, true}) {
                if (retry && mode == tls::psk_mode::psk_ke) continue;
                for (const auto early : {early_case::not_offered, early_case::accepted, early_case::declined}) {
                    if (retry && early == early_case::accepted) continue;
                    for (const std::size_t chunk : engine_matrix_splits) {
                        CAPTURE(tls::to_string(suite));
                        const bool dhe = mode == tls::psk_mode::psk_dhe_ke;
                        CAPTURE(dhe);
                        CAPTURE(retry);
                        CAPTURE(early_name(early));
                        CAPTURE(chunk);
                        ticket_setup t;
                        const tls::cipher_suite only[1] = {suite};
                        const tls::psk_mode modes[1] = {mode};
                        t.server_config.cipher_suites = only;
                        t.client_config.cipher_suites = only;
                        t.client_config.psk_modes = modes;
                        t.server_config.psk_modes = modes;
                        t.allow_early_data();
                        t.client_config.offer_early_data = early != early_case::not_offered;
                        if (retry) t.client_config.key_share_groups = {};  // the stand-in group first
                        first_connection(t);
                        if (early == early_case::declined && !retry) t.server_config.replay_recorder = nullptr;

                        session s(t.client_config, t.server_config);
                        s.max_chunk = chunk;
                        const byte_vector data = pattern(700, 21);
                        const std::size_t sent = start_with_early(s, data);
                        CHECK(sent == (early == early_case::not_offered ? 0 : data.size()));
                        CHECK(s.client.max_early_data() == (early == early_case::not_offered ? 0 : 1000));
                        s.run();

                        CHECK(s.client.negotiated_suite() == suite);
                        CHECK(s.server.negotiated_suite() == suite);
                        CHECK(s.client.resumed());
                        CHECK(s.server.resumed());
                        CHECK(s.client.hello_retry_used() == retry);
                        CHECK((s.client.negotiated_group() == tls::named_group::x25519) == dhe);
                        CHECK((s.server.negotiated_group() == tls::named_group::x25519) == dhe);
                        const bool accepted = early == early_case::accepted;
                        CHECK(s.client.early_data_accepted() == accepted);
                        CHECK(s.server.early_data_accepted() == accepted);
                        CHECK(s.server_log.early == (accepted ? data : byte_vector{}));
                        CHECK(s.server_log.received.empty());

                        // The events so far: the client learns the fate of its early data, then
                        // completes; the server hands over early data, then completes.
                        const std::vector<tls::event> client_events = {
                            accepted ? tls::event::early_data_accepted : tls::event::early_data_rejected,
                            tls::event::handshake_complete};
                        if (early == early_case::not_offered)
                            CHECK(s.client_log.events == std::vector<tls::event>{tls::event::handshake_complete});
                        else
                            CHECK(s.client_log.events == client_events);
                        REQUIRE(!s.server_log.events.empty());
                        CHECK(s.server_log.events.back() == tls::event::handshake_complete);
                        CHECK(s.server_log.count(tls::event::handshake_complete) == 1);
                        CHECK((s.server_log.count(tls::event::early_data) > 0) == accepted);
                        CHECK(s.server_log.count(tls::event::early_data) + 1 == s.server_log.events.size());

                        // Early data is over once the handshake is complete; 1-RTT data flows,
                        // and the resumed connection left a ticket of its own.
                        byte_vector out(4096);
                        CHECK(s.client.send_early(data, out).what == tls::event::refused);
                        check_connected_and_talking(s);
                        CHECK(t.store.size() == 1);
                    }
                }
            }
        }
    }
}

TEST_CASE("TLS engine: no HelloRetryRequest when the first share fits; compatibility mode") {
    setup t;
    const tls::named_group share[1] = {tls::named_group::x25519};
    t.client_config.key_share_groups = share;
    t.client_config.middlebox_compatibility = true;
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK_FALSE(s.client.hello_retry_used());
    check_connected_and_talking(s);
}

TEST_CASE("TLS engine: ALPN") {
    setup t;
    const std::string_view client_protocols[] = {"h2", "http/1.1"};
    const std::string_view server_protocols[] = {"http/1.1", "h2"};
    t.client_config.alpn = client_protocols;
    t.server_config.alpn = server_protocols;
    session s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(s.client.handshake_complete());
    const auto chosen = s.client.alpn_protocol();
    CHECK(std::string(chosen.begin(), chosen.end()) == "http/1.1");

    setup u;
    const std::string_view other[] = {"smtp"};
    u.client_config.alpn = client_protocols;
    u.server_config.alpn = other;
    session f(u.client_config, u.server_config);
    f.handshake();
    CHECK(f.server_log.last_fatal.failure == tls::error::no_application_protocol);
    CHECK(f.client_log.last_fatal.failure == tls::error::peer_alert);
    CHECK(f.client_log.last_fatal.alert == tls::alert_description::no_application_protocol);
}

TEST_CASE("TLS engine: mutual authentication") {
    setup t;
    t.server_config.require_client_certificate = true;
    t.client_config.certificate_chain = t.client_id.views;
    t.client_config.signer = t.client_id.signer.get();
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.server.client_authenticated());
    check_connected_and_talking(s);

    // Without a certificate: certificate_required (§4.4.2.4).
    setup u;
    u.server_config.require_client_certificate = true;
    session f(u.client_config, u.server_config);
    f.handshake();
    CHECK(f.server_log.last_fatal.failure == tls::error::certificate_required);
    CHECK(f.client_log.last_fatal.alert == tls::alert_description::certificate_required);

    // Requested but optional: the handshake completes unauthenticated.
    setup v;
    v.server_config.request_client_certificate = true;
    session o(v.client_config, v.server_config);
    o.handshake();
    CHECK_FALSE(o.server.client_authenticated());
    check_connected_and_talking(o);
}

TEST_CASE("TLS engine: certificate failures send the mapped alert") {
    SUBCASE("wrong host name") {
        setup t;
        t.client_config.server_name = "example.com";
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.client_log.last_fatal.failure == tls::error::bad_certificate);
        CHECK(s.client.verify_detail() == "hostname mismatch");
        CHECK(s.server_log.last_fatal.alert == tls::alert_description::bad_certificate);
    }
    SUBCASE("untrusted chain") {
        setup t;
        identity stranger("stranger");
        t.server_config.certificate_chain = stranger.views;
        t.server_config.signer = stranger.signer.get();
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.client_log.last_fatal.failure == tls::error::unknown_ca);
        CHECK(s.server_log.last_fatal.alert == tls::alert_description::unknown_ca);
    }
    SUBCASE("a key that does not match the certificate") {
        setup t;
        identity stranger("stranger");
        t.server_config.signer = stranger.signer.get();
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.client_log.last_fatal.failure == tls::error::decrypt_error);
    }
}

// OpenSSL's client refuses a server certificate before it uses its handshake keys, so its alert
// comes in the clear after the server's encrypted flight; the server must report that alert, not
// answer unexpected_message. Once the handshake is over, a plaintext alert is refused.
TEST_CASE("TLS engine: a plaintext alert during the handshake is the peer's alert") {
    const std::uint8_t unknown_ca[7] = {21, 3, 3, 0, 2, 2, 48};
    setup t;
    tls::server server(t.server_config);
    tls::client client(t.client_config);
    byte_vector out(1 << 16), to_server(1 << 16);
    auto r = client.start(to_server);
    REQUIRE(r.what == tls::event::need_input);
    r = server.receive(byte_view(to_server).first(r.produced), out);
    REQUIRE(r.what == tls::event::need_input);
    REQUIRE(r.produced > 0);  // ServerHello ... Finished: the server reads with the client's handshake key
    r = server.receive(unknown_ca, out);
    CHECK(r.what == tls::event::fatal);
    CHECK(r.failure == tls::error::peer_alert);
    CHECK(r.alert == tls::alert_description::unknown_ca);
    CHECK(r.produced == 0);

    session s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(s.server.handshake_complete());
    r = s.server.receive(unknown_ca, out);
    CHECK(r.what == tls::event::fatal);
    CHECK(r.failure == tls::error::unexpected_message);
}

TEST_CASE("TLS engine: record_size_limit cuts every record, handshake messages included") {
    setup t;
    t.client_config.record_size_limit = 64;
    t.server_config.record_size_limit = 100;
    session s(t.client_config, t.server_config);
    s.max_chunk = 13;
    s.handshake();
    REQUIRE(s.client.handshake_complete());
    CHECK(s.client.max_send_fragment() == 99);
    CHECK(s.server.max_send_fragment() == 63);
    check_connected_and_talking(s);
}

TEST_CASE("TLS engine: KeyUpdate both ways, then close_notify both ways") {
    setup t;
    session s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(s.client.handshake_complete());
    byte_vector out(256);
    auto r = s.client.request_key_update(out);
    REQUIRE(r.produced > 0);
    s.to_server.insert(s.to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    s.run();
    CHECK(s.server_log.saw(tls::event::key_update));
    r = s.server.request_key_update(out);
    s.to_client.insert(s.to_client.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    s.run();
    CHECK(s.client_log.saw(tls::event::key_update));
    check_connected_and_talking(s);

    r = s.client.close(out);
    s.to_server.insert(s.to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    s.run();
    CHECK(s.server_log.saw(tls::event::peer_closed));
    r = s.server.close(out);
    s.to_client.insert(s.to_client.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    s.run();
    CHECK(s.client_log.saw(tls::event::peer_closed));
    CHECK(s.client.send(literal_bytes("late"), out).failure == tls::error::closed);
}

TEST_CASE("TLS engine: the key log names each KeyUpdate's secret, the same on both sides") {
    setup t;
    recording_key_log client_keys, server_keys;
    t.client_config.key_log = &client_keys;
    t.server_config.key_log = &server_keys;
    session s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(s.client.handshake_complete());
    REQUIRE(client_keys.lines.size() == 5);
    byte_vector out(256);
    for (int i = 0; i < 2; ++i) {
        auto r = s.client.request_key_update(out);
        s.to_server.insert(s.to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        s.run();
    }
    const auto r = s.server.request_key_update(out);
    s.to_client.insert(s.to_client.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    s.run();
    check_connected_and_talking(s);
    CHECK(client_keys.lines == server_keys.lines);
    // Each _N+1 is HKDF-Expand-Label(_N, "traffic upd", "", Hash.length) (RFC 8446 §7.2).
    auto secret_of = [&](const std::string& label) {
        for (const auto& l : client_keys.lines)
            if (l.rfind(label + " ", 0) == 0) return unhex(l.substr(l.rfind(' ') + 1));
        FAIL("no " << label);
        return byte_vector{};
    };
    auto next = [](const byte_vector& secret) {
        byte_vector updated(secret.size());
        REQUIRE(tls::hkdf_expand_label<sha256>(secret, literal_bytes("traffic upd"), {}, updated) == errc::ok);
        return updated;
    };
    CHECK(secret_of("CLIENT_TRAFFIC_SECRET_1") == next(secret_of("CLIENT_TRAFFIC_SECRET_0")));
    CHECK(secret_of("CLIENT_TRAFFIC_SECRET_2") == next(secret_of("CLIENT_TRAFFIC_SECRET_1")));
    CHECK(secret_of("SERVER_TRAFFIC_SECRET_1") == next(secret_of("SERVER_TRAFFIC_SECRET_0")));
    CHECK(client_keys.lines.size() == 11);  // 5, then our 3 updates and the server's 3
}

TEST_CASE("TLS engine: no heap allocation during handshakes and 1 MiB each way") {
    setup t;
    t.server_config.require_client_certificate = true;
    t.client_config.certificate_chain = t.client_id.views;
    t.client_config.signer = t.client_id.signer.get();
    static tls::client client(t.client_config);
    static tls::server server(t.server_config);
    static fixed_wire to_server, to_client;  // a: to the server, b: to the client
    static bytes<1 << 20> data{};
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
    const std::size_t before = allocation_count();

    to_server.size = client.start(to_server.data).produced;
    delivered_bytes server_got, client_got;
    handshake_fixed(client, server, to_server, to_client, server_got, client_got);
    std::uint64_t expected_sum = 0;
    for (auto b : data) expected_sum += b;
    std::size_t sent = 0;
    while (sent < data.size()) {
        const auto c = client.send(byte_view(data).subspan(sent, std::min<std::size_t>(65536, data.size() - sent)),
                                   to_server.rest());
        to_server.size += c.produced;
        const auto s = server.send(byte_view(data).subspan(sent, c.consumed), to_client.rest());
        to_client.size += s.produced;
        sent += c.consumed;
        REQUIRE(feed_fixed(server, to_server, to_client, server_got));
        REQUIRE(feed_fixed(client, to_client, to_server, client_got));
    }
    const std::size_t during = allocation_count() - before;
    CHECK(during == 0);
    CHECK(server_got.app == data.size());
    CHECK(client_got.app == data.size());
    CHECK(server_got.sum == expected_sum);
    CHECK(client_got.sum == expected_sum);
    MESSAGE("sizeof(tls::client) = " << sizeof(tls::client) << ", sizeof(tls::server) = " << sizeof(tls::server));
    // The ML-KEM groups add room for one kilobyte share and 32 bytes of state per share (none with
    // CARAPACE_NO_MLKEM).
    constexpr std::size_t mlkem_room = tls::max_key_share_size - tls::max_classical_share_size +
                                       tls::client::max_key_shares * (tls::max_key_exchange_state - 64);
    CHECK(sizeof(tls::client) <= 40 * 1024 + mlkem_room);
}

// A resumed handshake with 0-RTT takes no heap either: the ticket store, the server's ticket
// keys and its ClientHello recorder are fixed-size, and the new ticket the server sends lands in
// the store.
TEST_CASE("TLS engine: no heap allocation during a resumed handshake with early data") {
    ticket_setup t;
    t.allow_early_data(4096);
    first_connection(t);
    auto client = std::make_unique<tls::client>(t.client_config);
    auto server = std::make_unique<tls::server>(t.server_config);
    auto to_server = std::make_unique<fixed_wire>(), to_client = std::make_unique<fixed_wire>();
    bytes<3000> early{};
    for (std::size_t i = 0; i < early.size(); ++i) early[i] = static_cast<std::uint8_t>(i * 5 + 1);
    std::uint64_t early_sum = 0;
    for (auto b : early) early_sum += b;
    const std::size_t before = allocation_count();

    to_server->size = client->start(to_server->data).produced;
    const auto e = client->send_early(early, to_server->rest());
    REQUIRE(e.what == tls::event::need_input);
    REQUIRE(e.consumed == early.size());
    to_server->size += e.produced;
    delivered_bytes server_got, client_got;
    handshake_fixed(*client, *server, *to_server, *to_client, server_got, client_got);
    const auto c = client->send(literal_bytes("after"), to_server->rest());
    to_server->size += c.produced;
    REQUIRE(feed_fixed(*server, *to_server, *to_client, server_got));
    REQUIRE(feed_fixed(*client, *to_client, *to_server, client_got));

    CHECK(allocation_count() - before == 0);
    CHECK(client->resumed());
    CHECK(server->resumed());
    CHECK(client->early_data_accepted());
    CHECK(server->early_data_accepted());
    CHECK(server_got.early == early.size());
    CHECK(server_got.app == 5);
    CHECK(server_got.sum == early_sum + 'a' + 'f' + 't' + 'e' + 'r');
    CHECK(t.store.size() == 1);  // the resumed connection's new ticket
}

TEST_CASE("TLS engine: a small output buffer is refused up front and nothing changes") {
    setup t;
    tls::client client(t.client_config);
    tls::server server(t.server_config);
    byte_vector tiny(100), out(1 << 16);
    auto r = client.start(tiny);
    CHECK(r.what == tls::event::need_output_space);
    CHECK(r.needed > tiny.size());
    r = client.start(out);
    REQUIRE(r.what == tls::event::need_input);
    const byte_vector hello(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    auto s = server.receive(hello, tiny);
    CHECK(s.what == tls::event::need_output_space);
    CHECK(s.consumed == 0);
    CHECK(s.produced == 0);
    CHECK(s.needed > tiny.size());
    byte_vector exact(s.needed);
    s = server.receive(hello, exact);  // the size it asked for is enough
    CHECK(s.consumed == hello.size());
    CHECK(s.produced > 0);
    CHECK(s.what == tls::event::need_input);
    // API misuse is an error value, never UB: sending before the handshake, starting twice.
    CHECK(client.send(literal_bytes("early"), out).failure == tls::error::wrong_state);
    CHECK(client.start(out).failure == tls::error::wrong_state);
}
