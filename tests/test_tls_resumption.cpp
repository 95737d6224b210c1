// Session tickets and resumption (RFC 8446 §2.2, §4.6.1, §4.2.11) through both engines over
// memory: the server's stateless tickets (sealed under a caller's key ring) and stateful ones (in
// its session store), the client's ticket store, resumption with and without a HelloRetryRequest,
// psk_ke, across a key rotation, and refusals: a retired key, an expired ticket, another server
// name, a server without keys, a ticket used twice, a full session store.
#include <doctest/doctest.h>

#include "carapace/tls/buffer_pool.hpp"
#include "support/tls_resumption.hpp"

using namespace carapace;
using namespace test_support;

TEST_CASE("TLS resumption: a ticket resumes, with and without a HelloRetryRequest, any split") {
    for (const bool retry : {true, false}) {
        for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{61}}) {
            CAPTURE(retry);
            CAPTURE(chunk);
            ticket_setup t;
            if (!retry) t.first_share_fits();
            first_connection(t);
            session s(t.client_config, t.server_config);
            s.max_chunk = chunk;
            s.handshake();
            CHECK(s.client.hello_retry_used() == retry);
            CHECK(s.client.resumed());
            CHECK(s.server.resumed());
            CHECK(!s.client.selected_psk());
            check_connected_and_talking(s);
            // The ticket was used up and the resumed connection gave a new one.
            CHECK(t.store.size() == 1);
        }
    }
}

TEST_CASE("TLS resumption: several tickets per connection, each used once") {
    ticket_setup t;
    t.server_config.tickets_after_handshake = 3;
    connect_and_talk(t, false);
    CHECK(t.store.size() == 3);
    t.server_config.tickets_after_handshake = 0;
    for (int i = 0; i < 3; ++i) connect_and_talk(t, true);
    CHECK(t.store.size() == 0);
    connect_and_talk(t, false);
}

TEST_CASE("TLS resumption: across a key rotation, and not once the key is retired") {
    ticket_setup t;
    first_connection(t);
    // A new key seals from now on; the old one still opens.
    const tls::ticket_key rotated[2] = {t.keys[1], t.keys[0]};
    t.server_config.ticket_keys = rotated;
    connect_and_talk(t, true);
    REQUIRE(t.store.size() == 1);  // sealed under key 2
    // Key 1 retired: a ticket under key 2 still resumes...
    t.server_config.ticket_keys = std::span<const tls::ticket_key>(rotated).first(1);
    connect_and_talk(t, true);
    // ...but once key 2 goes too, its tickets are refused and the handshake is a full one.
    t.server_config.ticket_keys = std::span<const tls::ticket_key>(t.keys).first(1);
    connect_and_talk(t, false);
}

TEST_CASE("TLS resumption: an expired ticket is not offered, nor accepted") {
    {
        ticket_setup t;
        t.server_config.ticket_lifetime = 600;
        first_connection(t);
        t.advance(601);
        connect_and_talk(t, false);
    }
    {
        // A client whose clock lags still offers it; the server refuses it.
        ticket_setup t;
        t.server_config.ticket_lifetime = 600;
        first_connection(t);
        t.server_clock.at += 601;
        connect_and_talk(t, false);
        // The ticket that connection gave is within its lifetime by both clocks: it resumes.
        connect_and_talk(t, true);
    }
}

TEST_CASE("TLS resumption: a ticket is for the server name it came from") {
    ticket_setup t;
    first_connection(t);
    // The store hands no ticket for another name.
    t.client_config.server_name = "other.example";
    t.client_config.verify_server = false;
    connect_and_talk(t, false);
    // A ticket relabelled for another name by the client is refused by the server.
    alter_stored_ticket(t, [](tls::client_ticket& ticket) {
        const std::string_view other = "other.example";
        std::copy(other.begin(), other.end(), ticket.server_name.begin());
        ticket.server_name_size = static_cast<std::uint8_t>(other.size());
    });
    connect_and_talk(t, false);
}

TEST_CASE("TLS resumption: a server without ticket keys declines; a full handshake follows") {
    ticket_setup t;
    first_connection(t);
    t.server_config.ticket_keys = {};
    connect_and_talk(t, false);
    CHECK(t.store.size() == 0);
}

TEST_CASE("TLS resumption: a ticket whose PSK the client got wrong fails its binder") {
    ticket_setup t;
    first_connection(t);
    alter_stored_ticket(t, [](tls::client_ticket& ticket) { ticket.psk[0] ^= 1; });
    session s(t.client_config, t.server_config);
    s.handshake();
    check_fatal(s.server_log, tls::error::decrypt_error, tls::alert_description::decrypt_error);
}

TEST_CASE("TLS resumption: a ticket changed on the wire is not ours") {
    ticket_setup t;
    first_connection(t);
    alter_stored_ticket(t, [](tls::client_ticket& ticket) { ticket.ticket[ticket.ticket_size / 2] ^= 1; });
    connect_and_talk(t, false);
}

TEST_CASE("TLS resumption: the memory ticket store hands the newest fresh ticket once, evicts the oldest") {
    tls::memory_ticket_store<2> store;
    auto ticket = [](std::string_view name, std::int64_t at, std::uint8_t mark) {
        tls::client_ticket t;
        std::copy(name.begin(), name.end(), t.server_name.begin());
        t.server_name_size = static_cast<std::uint8_t>(name.size());
        t.received_at = at;
        t.lifetime = 100;
        t.ticket[0] = mark;
        t.ticket_size = 1;
        return t;
    };
    store.put(ticket("a", 1000, 1));
    store.put(ticket("a", 1010, 2));
    store.put(ticket("b", 1020, 3));  // full: the first one goes
    CHECK(store.size() == 2);
    tls::client_ticket out;
    CHECK(!store.take("c", 1030, out));
    REQUIRE(store.take("a", 1030, out));
    CHECK(out.ticket[0] == 2);
    CHECK(!store.take("a", 1030, out));  // single use, and the oldest was evicted
    CHECK(!store.take("b", 1121, out));  // expired: dropped
    CHECK(store.size() == 0);
    store.put(ticket("b", 1020, 4));
    CHECK(!store.take("b", 1019, out));  // from the future by our clock
}

TEST_CASE("TLS resumption: a ticket sent later, at any time, is stored and resumes") {
    ticket_setup t;
    t.server_config.tickets_after_handshake = 0;
    session s(t.client_config, t.server_config);
    s.handshake();
    check_connected_and_talking(s);
    CHECK(t.store.size() == 0);
    byte_vector out(4096);
    const auto r = s.server.send_ticket(out);
    REQUIRE(r.what == tls::event::need_input);
    REQUIRE(r.produced > 0);
    s.to_client.insert(s.to_client.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    s.run();
    CHECK(t.store.size() == 1);
    connect_and_talk(t, true);
    // Without keys there is nothing to send.
    t.server_config.ticket_keys = {};
    session plain(t.client_config, t.server_config);
    plain.handshake();
    CHECK(plain.server.send_ticket(out).what == tls::event::refused);
}

TEST_CASE("TLS resumption: engines with lent buffers resume too, and give their blocks back") {
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}}) {
        CAPTURE(chunk);
        tls::fixed_buffer_pool<tls::lent_server::storage_block_size, 4> pool;
        ticket_setup t;
        t.client_config.buffers = &pool;
        t.server_config.buffers = &pool;
        for (int round = 0; round < 2; ++round) {
            basic_session<tls::lent_client, tls::lent_server> s(t.client_config, t.server_config);
            s.max_chunk = chunk;
            s.handshake();
            CHECK(s.client.resumed() == (round == 1));
            CHECK(s.server.resumed() == (round == 1));
            check_connected_and_talking(s);
            CHECK(pool.in_use() == 0);
            CHECK(t.store.size() == 1);
        }
    }
}

TEST_CASE("TLS resumption: stateful tickets the server issues into its session store resume once") {
    ticket_setup t;
    tls::memory_session_store<4> sessions;
    t.server_config.ticket_keys = {};
    t.server_config.session_store = &sessions;
    // No HelloRetryRequest: a stateful ticket is taken from the store by the first ClientHello.
    const tls::named_group share[1] = {tls::named_group::x25519};
    t.client_config.key_share_groups = share;
    first_connection(t);
    CHECK(sessions.size() == 1);
    // The ticket is the store's random identifier, not a sealed ticket; offered twice, it resumes
    // the first time only.
    tls::client_ticket ticket;
    REQUIRE(t.store.take("localhost", t.client_clock.at, ticket));
    CHECK(ticket.ticket_size == tls::session_ticket_id_size);
    t.store.put(ticket);
    t.store.put(ticket);
    t.server_config.tickets_after_handshake = 0;
    {
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK(s.client.resumed());
        CHECK(s.server.resumed());
        check_connected_and_talking(s);
    }
    CHECK(sessions.size() == 0);  // taken
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(!s.client.resumed());
    CHECK(!s.server.resumed());
    check_connected_and_talking(s);
}

TEST_CASE("TLS resumption: a full session store sends no ticket; the handshake is not affected") {
    ticket_setup t;
    tls::memory_session_store<1> sessions;
    t.server_config.ticket_keys = {};
    t.server_config.session_store = &sessions;
    t.server_config.tickets_after_handshake = 3;
    session s(t.client_config, t.server_config);
    s.handshake();
    check_connected_and_talking(s);
    CHECK(sessions.size() == 1);
    CHECK(t.store.size() == 1);  // one of the three fitted
    byte_vector out(4096);
    const auto r = s.server.send_ticket(out);
    CHECK(r.what == tls::event::refused);
    CHECK(r.failure == tls::error::no_buffer);
    CHECK(r.produced == 0);
    CHECK(!s.server.failed());
    CHECK(t.store.size() == 1);
}

TEST_CASE("TLS resumption: the memory session store takes each session once, refuses when full, forgets expired ones") {
    tls::memory_session_store<2> sessions;
    const bytes<32> psk = literal_bytes("0123456789abcdef0123456789abcdef");
    const bytes<4> name = literal_bytes("host");
    tls::stored_session s{psk, tls::cipher_suite::chacha20_poly1305_sha256, 1000, 60, 7, 0, name, {}};
    const byte_vector a = pattern(32, 1), b = pattern(32, 2), c = pattern(32, 3);
    CHECK(sessions.put(a, s));
    CHECK(sessions.put(b, s));
    CHECK(!sessions.put(c, s));  // full, nothing expired
    tls::stored_session out;
    CHECK(!sessions.take(c, out));
    CHECK(!sessions.take(byte_view(a).first(31), out));  // a prefix is not the identifier
    REQUIRE(sessions.take(a, out));
    CHECK(byte_vector(out.psk.begin(), out.psk.end()) == byte_vector(psk.begin(), psk.end()));
    CHECK(byte_vector(out.server_name.begin(), out.server_name.end()) == byte_vector(name.begin(), name.end()));
    CHECK(out.suite == tls::cipher_suite::chacha20_poly1305_sha256);
    CHECK(out.issued_at == 1000);
    CHECK(out.lifetime == 60);
    CHECK(out.age_add == 7);
    CHECK(!sessions.take(a, out));  // once
    CHECK(sessions.size() == 1);
    CHECK(sessions.put(c, s));
    // Both held sessions expire by the time of the next one: it takes the place of one.
    s.issued_at = 1061;
    CHECK(sessions.put(a, s));
    CHECK(sessions.size() == 1);
    CHECK(!sessions.take(b, out));
    CHECK(!sessions.take(c, out));
    CHECK(sessions.take(a, out));
}

TEST_CASE("TLS resumption: a stateful ticket resumes after a HelloRetryRequest too") {
    // The client's first share is of a group the server lacks: every hello meets a retry, and the
    // first hello has taken the ticket from the store by then.
    ticket_setup t;
    tls::memory_session_store<4> sessions;
    t.server_config.ticket_keys = {};
    t.server_config.session_store = &sessions;
    first_connection(t);
    t.server_config.tickets_after_handshake = 0;
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.client.hello_retry_used());
    CHECK(s.client.resumed());
    CHECK(s.server.resumed());
    check_connected_and_talking(s);
    CHECK(sessions.size() == 0);
}
