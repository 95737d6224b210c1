// 0-RTT (RFC 8446 §2.3, §4.2.10, §8) through both engines over memory: early data accepted and
// delivered as its own event, declined (no recorder, after a HelloRetryRequest) and skipped while
// the handshake goes on, a replayed 0-RTT ClientHello refused within the recording window, a
// stale ticket age refused, and the limits on both sides; in every input split.
#include <doctest/doctest.h>

#include "carapace/tls/buffer_pool.hpp"
#include "support/tls_resumption.hpp"

using namespace carapace;
using namespace test_support;

TEST_CASE("TLS 0-RTT: early data accepted, delivered as early_data, any split") {
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{37}}) {
        CAPTURE(chunk);
        early_data_setup t;
        first_connection(t);
        session s(t.client_config, t.server_config);
        s.max_chunk = chunk;
        const byte_vector early = pattern(700, 4);
        REQUIRE(start_with_early(s, early) == early.size());
        CHECK(s.client.max_early_data() == 1000);
        s.run();
        CHECK(s.client_log.saw(tls::event::early_data_accepted));
        CHECK(!s.client_log.saw(tls::event::early_data_rejected));
        CHECK(s.server.early_data_accepted());
        CHECK(s.server.early_data_offered());
        CHECK(s.client.early_data_accepted());
        CHECK(s.server_log.early == early);
        CHECK(s.server_log.received.empty());  // early data is not app_data
        CHECK(s.client.resumed());
        check_connected_and_talking(s);
        // Early data is over once the handshake is complete.
        byte_vector out(4096);
        CHECK(s.client.send_early(early, out).what == tls::event::refused);
    }
}

TEST_CASE("TLS 0-RTT: engines with lent buffers take early data in the caller's input") {
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{53}}) {
        CAPTURE(chunk);
        tls::fixed_buffer_pool<tls::lent_server::storage_block_size, 4> pool;
        early_data_setup t;
        t.client_config.buffers = &pool;
        t.server_config.buffers = &pool;
        first_connection(t);
        basic_session<tls::lent_client, tls::lent_server> s(t.client_config, t.server_config);
        s.max_chunk = chunk;
        const byte_vector early = pattern(999, 12);
        REQUIRE(start_with_early(s, early) == early.size());
        s.run();
        CHECK(s.client_log.saw(tls::event::early_data_accepted));
        CHECK(s.server_log.early == early);
        check_connected_and_talking(s);
        CHECK(pool.in_use() == 0);
    }
}

TEST_CASE("TLS 0-RTT: declined early data is skipped and the handshake goes on, with and without HRR") {
    for (const bool retry : {false, true}) {
        for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{37}}) {
            CAPTURE(retry);
            CAPTURE(chunk);
            early_data_setup t;
            first_connection(t);
            // Without a recorder the server takes no early data; a share of the unimplemented
            // group draws a HelloRetryRequest.
            t.server_config.replay_recorder = nullptr;
            if (retry) t.client_config.key_share_groups = {};
            session s(t.client_config, t.server_config);
            s.max_chunk = chunk;
            const byte_vector early = pattern(900, 6);
            REQUIRE(start_with_early(s, early) == early.size());
            s.run();
            CHECK(s.client_log.saw(tls::event::early_data_rejected));
            CHECK(!s.client_log.saw(tls::event::early_data_accepted));
            CHECK(!s.server.early_data_accepted());
            CHECK(s.server.early_data_offered());  // declined, not absent
            CHECK(!s.client.early_data_accepted());
            CHECK(s.server_log.early.empty());
            CHECK(s.client.hello_retry_used() == retry);
            CHECK(s.client.resumed());
            check_connected_and_talking(s);
        }
    }
}

TEST_CASE("TLS 0-RTT: a replayed 0-RTT ClientHello is refused within the window; 1-RTT goes on") {
    early_data_setup t;
    first_connection(t);
    session first(t.client_config, t.server_config);
    const byte_vector early = pattern(300, 8);
    REQUIRE(start_with_early(first, early) == early.size());
    const byte_vector flight = first.to_server;  // what an attacker records
    first.run();
    CHECK(first.server_log.early == early);
    check_connected_and_talking(first);

    // The same bytes again, a second later, to a fresh server sharing the recorder: the early
    // data is skipped, the handshake answered.
    t.server_clock.at += 1;
    check_early_data_skipped(replayed_flight(t.server_config, flight));

    // Past the window the recorder forgets it, but the ticket age is stale by then (§8.3).
    t.server_clock.at += 60;
    check_early_data_skipped(replayed_flight(t.server_config, flight));
}

TEST_CASE("TLS 0-RTT: a ticket age far from the server's is not fresh: early data declined") {
    early_data_setup t;
    first_connection(t);
    t.server_clock.at += 30;  // the server sees the ticket 30 s older than the client reports
    session s(t.client_config, t.server_config);
    const byte_vector early = pattern(200, 1);
    REQUIRE(start_with_early(s, early) == early.size());
    s.run();
    CHECK(s.client_log.saw(tls::event::early_data_rejected));
    CHECK(s.server_log.early.empty());
    check_connected_and_talking(s);
    // Within the skew it is fresh.
    early_data_setup u;
    first_connection(u);
    u.server_clock.at += 5;
    session v(u.client_config, u.server_config);
    REQUIRE(start_with_early(v, early) == early.size());
    v.run();
    CHECK(v.client_log.saw(tls::event::early_data_accepted));
    CHECK(v.server_log.early == early);
}

TEST_CASE("TLS 0-RTT: limits: the client stops at the ticket's limit, the server refuses more than it allows") {
    early_data_setup t;
    first_connection(t);
    {
        session s(t.client_config, t.server_config);
        const byte_vector early = pattern(1500, 2);
        CHECK(start_with_early(s, early) == 1000);
        byte_vector out(4096);
        CHECK(s.client.send_early(early, out).what == tls::event::refused);
        s.run();
        CHECK(s.server_log.early == byte_vector(early.begin(), early.begin() + 1000));
        check_connected_and_talking(s);
    }
    // The ticket allows 1000 bytes, the server now only 100: more is unexpected_message.
    t.server_config.max_early_data = 100;
    t.advance(1);
    session s(t.client_config, t.server_config);
    REQUIRE(start_with_early(s, pattern(500, 3)) == 500);
    s.run();
    check_fatal(s.server_log, tls::error::unexpected_message, tls::alert_description::unexpected_message);
}

TEST_CASE("TLS 0-RTT: send_early is refused when the hello offered no early data") {
    early_data_setup t;
    t.client_config.offer_early_data = false;
    first_connection(t);
    session s(t.client_config, t.server_config);
    byte_vector out(1 << 16);
    const auto hello = s.client.start(out);
    REQUIRE(hello.what == tls::event::need_input);
    s.to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(hello.produced));
    CHECK(s.client.max_early_data() == 0);
    CHECK(s.client.send_early(pattern(10, 1), out).what == tls::event::refused);
    s.run();
    CHECK(s.client.resumed());
    CHECK(!s.server.early_data_offered());
    CHECK(!s.server.early_data_accepted());
}

TEST_CASE("TLS 0-RTT: stateful single-use tickets resume with early data, once") {
    early_data_setup t;
    tls::memory_session_store<4> sessions;
    t.server_config.ticket_keys = {};
    t.server_config.session_store = &sessions;
    t.server_config.replay_recorder = nullptr;  // single use protects by itself (§8.1)
    first_connection(t);  // the server issues the ticket into its store
    REQUIRE(sessions.size() == 1);
    t.server_config.tickets_after_handshake = 0;
    session s(t.client_config, t.server_config);
    const byte_vector early = pattern(400, 5);
    REQUIRE(start_with_early(s, early) == early.size());
    const byte_vector flight = s.to_server;
    s.run();
    CHECK(s.server.resumed());
    CHECK(s.client_log.saw(tls::event::early_data_accepted));
    CHECK(s.server_log.early == early);
    check_connected_and_talking(s);
    CHECK(sessions.size() == 0);
    // Replayed, the ticket is gone: a full handshake, the early data skipped.
    const replayed_flight replayed(t.server_config, flight);
    check_early_data_skipped(replayed);
    CHECK(!replayed.server.resumed());
}

TEST_CASE("TLS 0-RTT: the recorder refuses a binder seen within its window, and when full") {
    tls::memory_client_hello_recorder<2> r;
    const byte_vector a = pattern(32, 1), b = pattern(32, 2), c = pattern(32, 3);
    CHECK(r.record_once(a, 100, 10));
    CHECK(!r.record_once(a, 105, 10));
    CHECK(r.record_once(b, 105, 10));
    CHECK(!r.record_once(c, 106, 10));  // full of live entries
    CHECK(r.record_once(c, 111, 10));   // a's entry expired
    CHECK(r.record_once(a, 116, 10));
}
