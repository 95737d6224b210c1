// The client and server engines of fuzz_tls_engine.cpp, configured from its mode byte, and what
// both that target and the seed maker tls_engine_seeds.cpp do with them: a full handshake that
// leaves the client a ticket, and a resuming client that offers it with early data (RFC 8446
// §2.2, §2.3). The two programs must build the engines the same way: the seeds are the streams
// these engines exchange, and they only stay valid input (binders, record protection) while the
// randomness, the clock and the configuration are exactly those of the target.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "carapace/core/hex.hpp"
#include "carapace/tls/buffer_pool.hpp"
#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/server.hpp"
#include "test_certificates.hpp"
#include "tls_stand_ins.hpp"

namespace fuzz_support {

using namespace carapace;

// The bits of the target's first input byte.
inline constexpr std::uint8_t mode_client = 1;          // the client is fed (else the server)
inline constexpr std::uint8_t mode_real_prefix = 2;     // the other engine's real first flight first
inline constexpr std::uint8_t mode_ask_certificate = 4;  // the server asks for a client certificate
inline constexpr std::uint8_t mode_lent = 8;            // engines with lent buffers
inline constexpr std::uint8_t mode_nist = 16;           // the NIST groups first
inline constexpr std::uint8_t mode_resumed = 32;        // a ticket from a full handshake, with 0-RTT
inline constexpr std::uint8_t mode_decline_early = 64;  // resumed: the server declines 0-RTT

using lent_pool = tls::fixed_buffer_pool<tls::lent_server::storage_block_size, 2>;

// Time stands still: ticket ages are zero and every run sees the same lifetimes.
class fixed_time final : public tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override { return 1'800'000'000; }
};

// What the resuming client sends as 0-RTT: within the 1024 bytes the server allows.
inline constexpr std::uint8_t early_bytes[48] = {'G', 'E', 'T', ' ', '/', 'e', 'a', 'r', 'l', 'y'};
inline constexpr std::uint32_t server_early_limit = 1024;

// The test PKI's server leaf: a client that completes a handshake parses the certificate.
inline std::span<const byte_view> parsable_server_chain() {
    static const std::vector<std::uint8_t> leaf = [] {
        std::vector<std::uint8_t> der(hex::decoded_size(server_leaf_hex));
        if (hex::decode(server_leaf_hex, der) != errc::ok) der.clear();
        return der;
    }();
    static const byte_view chain[1] = {leaf};
    return chain;
}

// Both configs for one run, with fresh randomness, ticket store and replay recorder, so that a
// run depends on its input alone.
struct engine_setup {
    counter_random client_random, server_random;
    fixed_time clock;
    tls::memory_ticket_store<2> tickets;
    tls::memory_client_hello_recorder<4> recorder;
    tls::client_config cc;
    tls::server_config sc;

    explicit engine_setup(std::uint8_t mode) {
        static const bytes<32> seed{};
        static tls::ed25519_signer signer(seed);
        static const std::uint8_t certificate[] = {0x30, 0x03, 0x02, 0x01, 0x01};  // not parsed by a server
        static const byte_view chain[1] = {certificate};
        static tls::x25519_key_exchange x25519;
        static tls::key_exchange* groups[1] = {&x25519};
        static tls::p256_key_exchange p256;
        static tls::p384_key_exchange p384;
        static tls::key_exchange* nist_groups[3] = {&p256, &x25519, &p384};
        static const tls::named_group nist_names[3] = {tls::named_group::secp256r1, tls::named_group::x25519,
                                                       tls::named_group::secp384r1};
        static accept_all verifier;
        static const tls::ticket_key ticket_keys[1] = {{7, bytes<32>{1, 2, 3, 4, 5, 6, 7, 8}}};

        cc.server_name = "fuzz.example";
        cc.key_exchanges = groups;
        cc.verifier = &verifier;
        cc.random = &client_random;
        sc.certificate_chain = chain;
        sc.signer = &signer;
        sc.key_exchanges = groups;
        sc.random = &server_random;
        sc.verifier = &verifier;
        sc.request_client_certificate = (mode & mode_ask_certificate) != 0;
        if ((mode & mode_nist) != 0) {
            cc.key_exchanges = sc.key_exchanges = nist_groups;
            cc.groups = sc.groups = nist_names;
        }
        if ((mode & mode_resumed) != 0) {
            cc.clock = sc.clock = &clock;
            cc.tickets = &tickets;
            cc.offer_early_data = true;
            sc.certificate_chain = parsable_server_chain();
            sc.ticket_keys = ticket_keys;
            sc.max_early_data = server_early_limit;
            sc.replay_recorder = &recorder;
            decline_early = (mode & mode_decline_early) != 0;
        }
    }
    bool decline_early = false;
    engine_setup(const engine_setup&) = delete;  // the configs point into it
    engine_setup& operator=(const engine_setup&) = delete;
};

// Offers everything in `pending` to the engine, appends its output to `sent` and drops what it
// took from `pending`. False once it failed, or when it made no progress.
template <class Engine>
bool exchange(Engine& engine, std::vector<std::uint8_t>& pending, std::vector<std::uint8_t>& sent) {
    static std::vector<std::uint8_t> out(1 << 16);
    bool progress = false;
    for (int guard = 0; guard < 1000; ++guard) {
        const auto r = engine.receive(byte_span(pending.data(), pending.size()), out);
        sent.insert(sent.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(r.consumed));
        if (r.what == tls::event::fatal) return false;
        if (r.consumed != 0 || r.produced != 0) progress = true;
        if (r.what == tls::event::need_input && (pending.empty() || r.consumed == 0)) break;
        if (r.what != tls::event::need_input && r.what != tls::event::handshake_complete &&
            r.what != tls::event::app_data && r.what != tls::event::early_data &&
            r.what != tls::event::early_data_accepted && r.what != tls::event::early_data_rejected)
            return false;
    }
    return progress;
}

// Runs two engines until neither has anything to do; each side's output is appended to its
// stream. False if either failed.
template <class Client, class Server>
bool run_pair(Client& client, Server& server, std::vector<std::uint8_t>& from_client,
              std::vector<std::uint8_t>& from_server) {
    std::vector<std::uint8_t> to_server = from_client, to_client;
    for (int round = 0; round < 16; ++round) {
        const std::size_t server_before = from_server.size(), client_before = from_client.size();
        const bool server_ok = exchange(server, to_server, from_server) || to_server.empty();
        to_client.insert(to_client.end(), from_server.begin() + static_cast<std::ptrdiff_t>(server_before),
                         from_server.end());
        const bool client_ok = exchange(client, to_client, from_client) || to_client.empty();
        to_server.insert(to_server.end(), from_client.begin() + static_cast<std::ptrdiff_t>(client_before),
                         from_client.end());
        if (!server_ok || !client_ok) return false;
        if (to_server.empty() && to_client.empty()) return true;
    }
    return false;
}

// A full handshake between fresh engines; true when it left the client a ticket that allows
// early data. A server that is to decline 0-RTT then loses its replay recorder: without one it
// cannot rule out a replay (§8).
template <class Client, class Server>
bool first_handshake(engine_setup& s) {
    bool ticket = false;
    {
        Client client(s.cc);
        Server server(s.sc);
        std::vector<std::uint8_t> from_client(1 << 16), from_server;
        const auto hello = client.start(from_client);
        from_client.resize(hello.produced);
        ticket = run_pair(client, server, from_client, from_server) && client.handshake_complete() &&
                 server.handshake_complete() && s.tickets.size() == 1;
    }
    if (s.decline_early) s.sc.replay_recorder = nullptr;
    return ticket;
}

// Starts a client that offers its ticket and sends early_bytes as 0-RTT: its first flight.
template <class Client>
std::vector<std::uint8_t> start_with_early_data(Client& client) {
    std::vector<std::uint8_t> flight(1 << 16);
    const auto hello = client.start(flight);
    const auto early = client.send_early(early_bytes, byte_span(flight).subspan(hello.produced));
    flight.resize(hello.produced + (early.what == tls::event::need_input ? early.produced : 0));
    return flight;
}

}  // namespace fuzz_support
