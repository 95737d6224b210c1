// A client/server pair over memory for the engine tests: the test PKI, a stand-in group that
// forces a HelloRetryRequest, a pump in random splits, helpers to send and to check that both
// ends talk and agree on exporters.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/tls_peers.hpp"

namespace test_support {

using namespace carapace;

struct setup {
    identity server_id{"server"};
    identity client_id{"client"};
    trust client_trust;
    trust server_trust;
    test_random client_random;
    test_random server_random;
    fixed_clock clock;
    tls::x25519_key_exchange x25519;
    unused_group p256;
    tls::key_exchange* client_groups[2] = {&p256, &x25519};
    tls::key_exchange* server_groups[1] = {&x25519};
    tls::named_group client_group_names[2] = {tls::named_group::secp256r1, tls::named_group::x25519};
    const tls::named_group fitting_share[1] = {tls::named_group::x25519};
    tls::client_config client_config;
    tls::server_config server_config;

    explicit setup(std::uint64_t client_seed = 1, std::uint64_t server_seed = 2)
        : client_random(client_seed), server_random(server_seed) {
        client_config.server_name = "localhost";
        client_config.key_exchanges = client_groups;
        client_config.groups = client_group_names;
        client_config.verifier = client_trust.verifier.get();
        client_config.random = &client_random;
        client_config.clock = &clock;
        server_config.certificate_chain = server_id.views;
        server_config.signer = server_id.signer.get();
        server_config.key_exchanges = server_groups;
        server_config.verifier = server_trust.verifier.get();
        server_config.random = &server_random;
        server_config.clock = &clock;
    }
    // The client's first key share is x25519, which the server takes: no HelloRetryRequest (by
    // default the first share is the stand-in group and the server asks again).
    void first_share_fits() { client_config.key_share_groups = fitting_share; }

    setup(const setup&) = delete;  // the configs point into it
    setup& operator=(const setup&) = delete;
};

// A pair of engines of any buffering (owned or lent) over memory.
template <class Client, class Server>
struct basic_session {
    Client client;
    Server server;
    byte_vector to_server, to_client;
    side_log client_log, server_log;
    test_rng rng{7};
    std::size_t max_chunk = 0;

    basic_session(const tls::client_config& c, const tls::server_config& s) : client(c), server(s) {}

    void handshake() {
        byte_vector out(4096);
        const auto r = client.start(out);
        REQUIRE(r.what == tls::event::need_input);
        to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        run();
    }
    void run() {
        pump(client, server, to_server, to_client, client_log, server_log, rng, max_chunk);
        if (client_log.saw(tls::event::fatal))
            MESSAGE("client failed: " << tls::to_string(client_log.last_fatal.failure) << " / "
                                      << tls::to_string(client_log.last_fatal.alert));
        if (server_log.saw(tls::event::fatal))
            MESSAGE("server failed: " << tls::to_string(server_log.last_fatal.failure) << " / "
                                      << tls::to_string(server_log.last_fatal.alert));
    }

    template <class Engine>
    void send(Engine& from, byte_view data, byte_vector& wire) {
        std::size_t done = 0;
        byte_vector out(20000);
        while (done < data.size()) {
            const auto r = from.send(data.subspan(done), out);
            REQUIRE(r.what == tls::event::need_input);
            REQUIRE(r.consumed > 0);
            done += r.consumed;
            wire.insert(wire.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        }
    }
};

using session = basic_session<tls::client, tls::server>;

inline byte_vector pattern(std::size_t n, std::uint8_t seed) {
    byte_vector v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 131);
    return v;
}

template <class Client, class Server>
void check_connected_and_talking(basic_session<Client, Server>& s) {
    REQUIRE(s.client.handshake_complete());
    REQUIRE(s.server.handshake_complete());
    const byte_vector hello = pattern(40000, 3), reply = pattern(5000, 9);
    s.send(s.client, hello, s.to_server);
    s.send(s.server, reply, s.to_client);
    s.run();
    CHECK(s.server_log.received == hello);
    CHECK(s.client_log.received == reply);
    // Both ends derive the same exporter values (RFC 8446 §7.5), different for other labels.
    bytes<32> a{}, b{}, c{};
    REQUIRE(s.client.export_keying_material(literal_bytes("EXPORTER-test"), literal_bytes("ctx"), a) == tls::error::none);
    REQUIRE(s.server.export_keying_material(literal_bytes("EXPORTER-test"), literal_bytes("ctx"), b) == tls::error::none);
    REQUIRE(s.server.export_keying_material(literal_bytes("EXPORTER-other"), literal_bytes("ctx"), c) == tls::error::none);
    CHECK(a == b);
    CHECK(a != c);
}


}  // namespace test_support
