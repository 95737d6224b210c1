// What the resumption, PSK and 0-RTT engine tests share (RFC 8446 §2.2, §2.3, §4.6.1): clocks
// the test moves, ticket keys, a setup whose client keeps tickets and whose server issues them
// (and, when asked, takes early data), the first full handshake that leaves a ticket, a client
// start that sends early data, and a server that sees a recorded first flight again.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <span>

#include "support/tls_session.hpp"

namespace test_support {

using namespace carapace;

// A clock the test moves: tickets age, expire, and meet a server whose clock differs.
class settable_clock final : public tls::clock {
public:
    std::int64_t at = 1'800'000'000;
    std::optional<std::int64_t> now() noexcept override { return at; }
};

inline tls::ticket_key make_ticket_key(std::uint32_t id, std::uint8_t seed) {
    tls::ticket_key k;
    k.id = id;
    for (std::size_t i = 0; i < k.key.size(); ++i) k.key[i] = static_cast<std::uint8_t>(seed + 7 * i);
    return k;
}

// A setup whose client keeps tickets and whose server seals them under keys[0]; each side has a
// clock of its own. allow_early_data() makes the client offer 0-RTT and the server take it.
struct ticket_setup : setup {
    settable_clock client_clock, server_clock;
    tls::memory_ticket_store<4> store;
    tls::ticket_key keys[2] = {make_ticket_key(1, 10), make_ticket_key(2, 20)};
    tls::memory_client_hello_recorder<8> recorder;

    explicit ticket_setup(std::uint64_t seed = 1) : setup(seed, seed + 100) {
        client_config.clock = &client_clock;
        client_config.tickets = &store;
        server_config.clock = &server_clock;
        server_config.ticket_keys = std::span<const tls::ticket_key>(keys).first(1);
    }

    // The client offers early data and sends an x25519 share first (no HelloRetryRequest, which
    // would decline it); the server allows `limit` bytes and records ClientHellos against replay.
    void allow_early_data(std::uint32_t limit = 1000) {
        client_config.offer_early_data = true;
        first_share_fits();
        server_config.max_early_data = limit;
        server_config.replay_recorder = &recorder;
    }

    void advance(std::int64_t seconds) {
        client_clock.at += seconds;
        server_clock.at += seconds;
    }
};

// A client that offers early data, a server that allows 1000 bytes of it.
struct early_data_setup : ticket_setup {
    early_data_setup() : ticket_setup(5) { allow_early_data(); }
};

// A full handshake that leaves one ticket in the store; the clocks then move two seconds, so
// that the ticket's age is not zero when it is offered.
inline void first_connection(ticket_setup& t) {
    session s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(s.client.handshake_complete());
    CHECK(!s.client.resumed());
    CHECK(!s.server.resumed());
    check_connected_and_talking(s);
    REQUIRE(t.store.size() == 1);
    t.advance(2);
}

// A connection between the setup's engines: it resumes on both sides or on neither, as
// `resumes` says, and data flows both ways.
inline void connect_and_talk(ticket_setup& t, bool resumes) {
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.client.resumed() == resumes);
    CHECK(s.server.resumed() == resumes);
    check_connected_and_talking(s);
}

// Starts the client and sends `early` as 0-RTT behind its ClientHello, into s.to_server; returns
// how much send_early took (it stops at the ticket's limit).
template <class Session>
std::size_t start_with_early(Session& s, byte_view early) {
    byte_vector out(1 << 16);
    const auto r = s.client.start(out);
    REQUIRE(r.what == tls::event::need_input);
    s.to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    std::size_t taken = 0;
    while (taken < early.size()) {
        const auto e = s.client.send_early(early.subspan(taken), out);
        if (e.what != tls::event::need_input) break;
        REQUIRE(e.consumed > 0);
        taken += e.consumed;
        s.to_server.insert(s.to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(e.produced));
    }
    return taken;
}

// A recorded first flight (ClientHello and early data) replayed to a fresh server.
struct replayed_flight {
    tls::server server;
    side_log log;
    byte_vector answer;

    replayed_flight(const tls::server_config& config, const byte_vector& flight) : server(config) {
        byte_vector in = flight;
        test_rng rng(3);
        drive(server, in, answer, log, rng, 0);
    }
};

// The flight was answered with a handshake, its early data skipped.
inline void check_early_data_skipped(const replayed_flight& r) {
    CHECK(!r.server.early_data_accepted());
    CHECK(r.log.early.empty());
    CHECK(!r.log.saw(tls::event::fatal));
    CHECK(!r.answer.empty());
}

inline void check_fatal(const side_log& log, tls::error failure, tls::alert_description alert) {
    REQUIRE(log.saw(tls::event::fatal));
    CHECK(log.last_fatal.failure == failure);
    CHECK(log.last_fatal.alert == alert);
}

// Takes the store's ticket for localhost, lets `change` alter it, and puts it back.
template <class Change>
void alter_stored_ticket(ticket_setup& t, Change change) {
    tls::client_ticket ticket;
    REQUIRE(t.store.take("localhost", t.client_clock.at, ticket));
    change(ticket);
    t.store.put(ticket);
}

}  // namespace test_support
