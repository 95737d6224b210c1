// Engines with lent buffers (buffering::lent): the handshake storage is borrowed from a
// buffer_pool and given back, wiped, once the handshake is over; records are opened in the
// caller's input, a partial record left there. An established connection keeps at most 4 KiB.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "carapace/tls/buffer_pool.hpp"
#include "support/tls_session.hpp"

namespace lent_buffer_tests {

using namespace carapace;
using namespace test_support;

constexpr std::size_t client_block = tls::lent_client::storage_block_size;
constexpr std::size_t server_block = tls::lent_server::storage_block_size;
// One pool for both sides: blocks large enough for a server's storage.
using pool_type = tls::fixed_buffer_pool<server_block, 4>;

// The budget issue 14 set for an idle established connection.
static_assert(sizeof(tls::lent_client) <= 4096);
static_assert(sizeof(tls::lent_server) <= 4096);
static_assert(client_block < server_block);

// A setup whose engines borrow from `pool`.
struct lent_setup : setup {
    explicit lent_setup(tls::buffer_pool& pool) {
        client_config.buffers = &pool;
        server_config.buffers = &pool;
    }
};

void feed(byte_vector& wire, const tls::io_result& r, const byte_vector& out) {
    wire.insert(wire.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
}

TEST_CASE("TLS lent buffers: an established connection keeps at most 4 KiB; the sizes of both kinds") {
    MESSAGE("owned: client " << sizeof(tls::client) << " B, server " << sizeof(tls::server) << " B; lent: client "
                             << sizeof(tls::lent_client) << " B, server " << sizeof(tls::lent_server)
                             << " B, borrowing blocks of " << client_block << " B (client) and " << server_block
                             << " B (server) during a handshake");
    CHECK(sizeof(tls::lent_client) <= 4096);
    CHECK(sizeof(tls::lent_server) <= 4096);
    // The owned engines hold a record and the largest handshake message besides.
    CHECK(sizeof(tls::client) > tls::client::handshake_buffer_size + tls::client::record_buffer_size);
    CHECK(tls::lent_client::record_buffer_size == 0);
}

TEST_CASE("TLS lent buffers: handshakes in any split, HelloRetryRequest, mutual authentication; blocks come back") {
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{700}}) {
        for (const bool mutual : {false, true}) {
            CAPTURE(chunk);
            CAPTURE(mutual);
            pool_type pool;
            lent_setup t(pool);
            if (mutual) {
                t.server_config.require_client_certificate = true;
                t.client_config.certificate_chain = t.client_id.views;
                t.client_config.signer = t.client_id.signer.get();
            }
            basic_session<tls::lent_client, tls::lent_server> s(t.client_config, t.server_config);
            s.max_chunk = chunk;
            CHECK(pool.in_use() == 0);
            s.handshake();
            CHECK(s.client.hello_retry_used());  // the client's first share is the stand-in group
            CHECK(s.server.client_authenticated() == mutual);
            CHECK(pool.in_use() == 0);  // both handshakes over: nothing borrowed
            check_connected_and_talking(s);
            CHECK(pool.in_use() == 0);
        }
    }
}

TEST_CASE("TLS lent buffers: a lent engine talks to an owned one, both ways round") {
    pool_type pool;
    {
        lent_setup t(pool);
        basic_session<tls::lent_client, tls::server> s(t.client_config, t.server_config);
        s.max_chunk = 3;
        s.handshake();
        check_connected_and_talking(s);
    }
    {
        lent_setup t(pool);
        basic_session<tls::client, tls::lent_server> s(t.client_config, t.server_config);
        s.handshake();
        check_connected_and_talking(s);
    }
    CHECK(pool.in_use() == 0);
}

TEST_CASE("TLS lent buffers: an empty pool refuses a handshake and changes nothing; it goes on later") {
    tls::fixed_buffer_pool<server_block, 1> pool;
    lent_setup t(pool);
    basic_session<tls::lent_client, tls::lent_server> s(t.client_config, t.server_config);
    byte_vector out(1 << 16);
    byte_span held = pool.acquire(server_block);  // someone else has the only block
    REQUIRE(!held.empty());
    auto r = s.client.start(out);
    CHECK(r.what == tls::event::refused);
    CHECK(r.failure == tls::error::no_buffer);
    pool.release(held);
    r = s.client.start(out);
    REQUIRE(r.what == tls::event::need_input);
    CHECK(pool.in_use() == 1);
    feed(s.to_server, r, out);
    // The server finds the pool empty: its receive() is refused and consumes nothing.
    r = s.server.receive(byte_span(s.to_server), out);
    CHECK(r.what == tls::event::refused);
    CHECK(r.failure == tls::error::no_buffer);
    CHECK(r.consumed == 0);
    CHECK_FALSE(s.server.failed());
    // A larger pool for the server: it goes on from where it was.
    pool_type second;
    tls::server_config sc = t.server_config;
    sc.buffers = &second;
    tls::lent_server server(sc);
    r = server.receive(byte_span(s.to_server), out);
    CHECK(r.what == tls::event::need_input);
    CHECK(r.consumed == s.to_server.size());
    CHECK(second.in_use() == 1);
}

using lent_session = basic_session<tls::lent_client, tls::lent_server>;

// The client's first flight.
byte_vector start(lent_session& s) {
    byte_vector hello(1 << 16);
    const auto r = s.client.start(hello);
    REQUIRE(r.what == tls::event::need_input);
    hello.resize(r.produced);
    return hello;
}

TEST_CASE("TLS lent buffers: a partial record stays in the caller's input, unconsumed") {
    pool_type pool;
    lent_setup t(pool);
    lent_session s(t.client_config, t.server_config);
    byte_vector out(1 << 16), hello = start(s);
    tls::io_result r;
    for (const std::size_t n : {std::size_t{0}, std::size_t{3}, std::size_t{5}, hello.size() - 1}) {
        CAPTURE(n);
        byte_vector part(hello.begin(), hello.begin() + static_cast<std::ptrdiff_t>(n));
        r = s.server.receive(byte_span(part), out);
        CHECK(r.what == tls::event::need_input);
        CHECK(r.consumed == 0);
        CHECK(r.produced == 0);
    }
    r = s.server.receive(byte_span(hello), out);
    CHECK(r.consumed == hello.size());
    CHECK(r.produced > 0);
}

TEST_CASE("TLS lent buffers: decrypted handshake messages do not stay in the caller's input") {
    pool_type pool;
    lent_setup t(pool);
    lent_session s(t.client_config, t.server_config);
    byte_vector out(1 << 16), hello = start(s);
    auto r = s.server.receive(byte_span(hello), out);
    REQUIRE(r.what == tls::event::need_input);
    byte_vector flight(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));  // HelloRetryRequest
    r = s.client.receive(byte_span(flight), out);
    REQUIRE(r.what == tls::event::need_input);
    byte_vector second(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    r = s.server.receive(byte_span(second), out);
    REQUIRE(r.what == tls::event::need_input);
    flight.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    r = s.client.receive(byte_span(flight), out);
    REQUIRE(r.what == tls::event::handshake_complete);
    REQUIRE(r.consumed == flight.size());
    // The server's certificate went through the client's input encrypted; opened there, it must
    // not be left behind in the clear.
    const byte_view certificate = t.server_id.views[0];
    REQUIRE(certificate.size() > 64);
    const auto found = std::search(flight.begin(), flight.end(), certificate.begin(), certificate.begin() + 64);
    CHECK(found == flight.end());
    CHECK(pool.in_use() == 1);  // the server still waits for the client's Finished
}

// A NewSessionTicket with a ticket of `size` bytes from the server.
template <class Session>
void send_ticket(Session& s, std::size_t size) {
    byte_vector out(1 << 12), opaque(size, 0x5a);
    const std::uint8_t nonce[1] = {0};
    tls::session_ticket ticket;
    ticket.nonce = nonce;
    ticket.ticket = opaque;
    ticket.lifetime = 60;
    const auto r = s.server.send_session_ticket_for_testing(ticket, out);
    REQUIRE(r.what == tls::event::need_input);
    feed(s.to_client, r, out);
}

TEST_CASE("TLS lent buffers: post-handshake messages whole in a record borrow nothing; split ones borrow briefly") {
    pool_type pool;
    lent_setup t(pool);
    t.client_config.record_size_limit = 64;  // the server's records to us carry 63 bytes at most
    basic_session<tls::lent_client, tls::lent_server> s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(s.client.handshake_complete());
    REQUIRE(pool.in_use() == 0);

    // Every block lent elsewhere: a KeyUpdate and a small ticket, each whole in one record, are
    // still taken (straight from the record in the caller's input).
    std::vector<byte_span> taken;
    for (byte_span b = pool.acquire(server_block); !b.empty(); b = pool.acquire(server_block)) taken.push_back(b);
    byte_vector out(1024);
    auto r = s.client.request_key_update(out);
    feed(s.to_server, r, out);
    send_ticket(s, 8);
    s.run();
    CHECK(s.server_log.saw(tls::event::key_update));
    CHECK_FALSE(s.client.failed());
    CHECK_FALSE(s.server.failed());
    for (const byte_span b : taken) pool.release(b);
    taken.clear();

    // A ticket split across records borrows a block while it is assembled, and gives it back.
    send_ticket(s, 300);
    s.run();
    CHECK_FALSE(s.client.failed());
    CHECK(pool.in_use() == 0);
    check_connected_and_talking(s);

    // The same with no block free: the connection fails with no_buffer (a pool is sized for the
    // handshakes in progress plus these brief borrowings).
    for (byte_span b = pool.acquire(server_block); !b.empty(); b = pool.acquire(server_block)) taken.push_back(b);
    send_ticket(s, 300);
    s.run();
    CHECK(s.client_log.last_fatal.failure == tls::error::no_buffer);
    CHECK(s.client_log.last_fatal.alert == tls::alert_description::internal_error);
    for (const byte_span b : taken) pool.release(b);
    CHECK(pool.in_use() == 0);
}

TEST_CASE("TLS lent buffers: a failure or the end of an engine mid-handshake gives the block back") {
    pool_type pool;
    {
        lent_setup t(pool);
        basic_session<tls::lent_client, tls::lent_server> s(t.client_config, t.server_config);
        byte_vector out(1 << 16);
        auto r = s.client.start(out);
        REQUIRE(r.what == tls::event::need_input);
        CHECK(pool.in_use() == 1);
        byte_vector garbage = {22, 3, 3, 0, 4, 2, 0, 0, 0};  // a ServerHello with an empty body
        r = s.client.receive(byte_span(garbage), out);
        CHECK(r.what == tls::event::fatal);
        CHECK(pool.in_use() == 0);
        CHECK(s.client.receive(byte_span(garbage), out).what == tls::event::fatal);  // stays failed
        CHECK(pool.in_use() == 0);
        r = s.server.receive(byte_span(garbage), out);  // a server borrows, then fails
        CHECK(r.what == tls::event::fatal);
        CHECK(pool.in_use() == 0);
        tls::lent_client abandoned(t.client_config);
        REQUIRE(abandoned.start(out).what == tls::event::need_input);
        CHECK(pool.in_use() == 1);
    }
    CHECK(pool.in_use() == 0);
}

TEST_CASE("TLS lent buffers: no heap allocation through a handshake and data") {
    static pool_type pool;
    lent_setup t(pool);
    static tls::lent_client client(t.client_config);
    static tls::lent_server server(t.server_config);
    static bytes<1 << 17> wire_a{}, wire_b{}, scratch{};
    const std::size_t before = allocation_count();
    std::size_t a_size = client.start(wire_a).produced, b_size = 0;
    auto deliver = [&](auto& engine, bytes<1 << 17>& in, std::size_t& in_size, bytes<1 << 17>& out,
                       std::size_t& out_size) {
        std::size_t off = 0;
        for (;;) {
            const auto x = engine.receive(byte_span(in).subspan(off, in_size - off), byte_span(scratch));
            std::memcpy(out.data() + out_size, scratch.data(), x.produced);
            out_size += x.produced;
            off += x.consumed;
            if (x.what == tls::event::fatal) return false;
            if (x.what == tls::event::need_input && off == in_size) break;
        }
        in_size = 0;
        return true;
    };
    for (int i = 0; i < 6 && !(client.handshake_complete() && server.handshake_complete()); ++i) {
        REQUIRE(deliver(server, wire_a, a_size, wire_b, b_size));
        REQUIRE(deliver(client, wire_b, b_size, wire_a, a_size));
    }
    REQUIRE(client.handshake_complete());
    REQUIRE(server.handshake_complete());
    const auto c = client.send(literal_bytes("ping"), byte_span(wire_a));
    a_size = c.produced;
    REQUIRE(deliver(server, wire_a, a_size, wire_b, b_size));
    CHECK(allocation_count() - before == 0);
    CHECK(pool.in_use() == 0);
}

}  // namespace lent_buffer_tests
