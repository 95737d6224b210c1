// RFC 8448 replayed through both engines, byte for byte: "Simple 1-RTT Handshake",
// "HelloRetryRequest", "Client Authentication" and "Compatibility Mode". The trace's randomness
// and X25519 private keys are injected through the random source (the real X25519 then has to
// produce the trace's public keys), P-256 through a key_exchange that replays the trace. Every
// CertificateVerify is verified for real with its certificate's key, and the server signs with
// Section 2's RSA key through tls::rsa_signer, the trace's PSS salt injected through the random
// source (support/rfc8448_replay.hpp), except in "Client Authentication", whose keys RFC 8448
// does not print. Every record each side sends must equal the trace's, and what the other side
// makes of it must be the trace's next record.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "support/rfc8448_replay.hpp"

using namespace carapace;
using namespace test_support;
using namespace test_support::rfc8448;

namespace {

// Replays a trace. With `mutate` set, flips one bit of the trace record with that index before
// delivering it and returns whether the handshake still completed with every later record equal
// (it must not).
struct mutation {
    std::size_t record = 0, byte = 0;
};

// The client's clock, within the trace certificates' validity: it keeps the trace's ticket.
class ticket_clock final : public tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override { return 1'500'000'000; }
};

bool run_trace(const std::string& title, std::optional<mutation> mutate = std::nullopt) {
    replay t(title);
    ticket_clock clock;
    tls::memory_ticket_store<2> tickets;
    t.cc.clock = &clock;
    t.cc.tickets = &tickets;
    bool ticket_sent = false;
    tls::client client(t.cc);
    tls::server server(t.sc);
    byte_vector from_client, from_server;
    side_log client_log, server_log;
    byte_vector out(1 << 16);
    {
        const auto r = client.start(out);
        REQUIRE(r.what == tls::event::need_input);
        from_client.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    }
    std::size_t records = 0;
    for (const auto& s : t.trace["steps"]) {
        const std::string action = s["action"].str();
        if (action.rfind("send ", 0) != 0) continue;
        const bool by_client = s["side"].str() == "client";
        const byte_vector record = unhex(s["fields"]["complete record"].str());
        const byte_vector payload = unhex(s["fields"]["payload"].str());
        CAPTURE(title);
        CAPTURE(s["side"].str());
        CAPTURE(action);
        byte_vector& produced = by_client ? from_client : from_server;
        if (produced.empty()) {
            // Records the engine writes on request rather than in answer to input.
            if (action == "send application_data record") {
                const auto r = by_client ? client.send(payload, out) : server.send(payload, out);
                REQUIRE(r.consumed == payload.size());
                produced.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
            } else if (action == "send alert record") {
                REQUIRE(payload == byte_vector{1, 0});
                const auto r = by_client ? client.close(out) : server.close(out);
                produced.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
            } else if (!by_client && payload.size() > 4 && payload[0] == 4) {
                // NewSessionTicket: the trace's fields through send_session_ticket_for_testing.
                tls::detail::reader r(byte_view(payload).subspan(4));
                tls::session_ticket ticket;
                ticket.lifetime = r.u32();
                ticket.age_add = r.u32();
                ticket.nonce = r.vector<1>();
                ticket.ticket = r.vector<2>();
                tls::detail::reader x = r.sub<2>();
                if (!x.empty()) {
                    x.u16();
                    x.u16();
                    ticket.max_early_data = x.u32();
                }
                REQUIRE(r.done());
                const auto w = server.send_session_ticket_for_testing(ticket, out);
                produced.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(w.produced));
                ticket_sent = true;
            }
        }
        if (mutate) {
            if (produced.size() < record.size() || !std::equal(record.begin(), record.end(), produced.begin()))
                return false;
        }
        REQUIRE(produced.size() >= record.size());
        CHECK(to_hex(byte_view(produced).first(record.size())) == to_hex(record));
        produced.erase(produced.begin(), produced.begin() + static_cast<std::ptrdiff_t>(record.size()));
        ++records;
        side_log& log = by_client ? server_log : client_log;
        const std::size_t before = log.received.size();
        byte_vector delivered = record;
        if (mutate && mutate->record == records - 1) delivered[mutate->byte % delivered.size()] ^= 0x04;
        const bool ok = by_client ? deliver(server, delivered, from_server, server_log, !mutate)
                                  : deliver(client, delivered, from_client, client_log, !mutate);
        if (!ok) return false;
        const byte_vector got(log.received.begin() + static_cast<std::ptrdiff_t>(before), log.received.end());
        if (mutate && action == "send application_data record" && got != payload) return false;
        if (action == "send application_data record") CHECK(got == payload);
    }
    if (mutate) return true;
    CHECK(from_client.empty());
    CHECK(from_server.empty());
    CHECK(client_log.saw(tls::event::handshake_complete));
    CHECK(server_log.saw(tls::event::handshake_complete));
    CHECK(client_log.saw(tls::event::peer_closed));
    CHECK(server_log.saw(tls::event::peer_closed));
    CHECK(t.client_random.script.empty());
    CHECK(t.server_random.script.empty());
    CHECK(t.client_random.mismatches == 0);
    CHECK(t.server_random.mismatches == 0);
    CHECK(t.client_verifier.chain_calls == 1);
    CHECK(t.client_verifier.signature_calls == 1);
    CHECK(t.server_signer.calls == 1);
    // Section 2's key signs for the server wherever its certificate holds it (not in "Client
    // Authentication", whose server has an ECDSA certificate).
    CHECK((t.server_signer.real != nullptr) == !t.client_auth);
    if (t.client_auth) {
        CHECK(t.client_signer.calls == 1);
        CHECK(t.server_verifier.signature_calls == 1);
        CHECK(server.client_authenticated());
    }
    CHECK(client.hello_retry_used() == t.hello_retry);
    if (ticket_sent) {
        // The client kept the ticket with the PSK it stands for, as the trace derives it (both
        // engines share the key schedule that leads to it).
        tls::client_ticket kept;
        REQUIRE(tickets.take("server", 1'500'000'000, kept));
        CHECK(to_hex(kept.psk_view()) == to_hex(field(t.trace, "server", "generate resumption secret", "expanded")));
    }
    CHECK(records >= 6);
    MESSAGE(title << ": " << records << " records reproduced");
    return true;
}

}  // namespace

TEST_CASE("RFC 8448 §3 Simple 1-RTT Handshake, both engines byte for byte") { run_trace("Simple 1-RTT Handshake"); }
TEST_CASE("RFC 8448 §5 HelloRetryRequest, both engines byte for byte") { run_trace("HelloRetryRequest"); }
TEST_CASE("RFC 8448 §6 Client Authentication, both engines byte for byte") { run_trace("Client Authentication"); }
TEST_CASE("RFC 8448 §7 Compatibility Mode, both engines byte for byte") { run_trace("Compatibility Mode"); }

TEST_CASE("RFC 8448 replay: one flipped bit in any record is caught") {
    // Every record of the simple trace, at the start, the middle and the end (tag) of it.
    std::size_t caught = 0;
    for (std::size_t record = 0; record < 9; ++record)
        for (const std::size_t byte : {std::size_t{5}, std::size_t{40}, std::size_t{1000}, std::size_t{100000}}) {
            CAPTURE(record);
            CAPTURE(byte);
            CHECK_FALSE(run_trace("Simple 1-RTT Handshake", mutation{record, byte}));
            ++caught;
        }
    CHECK(caught == 36);
}

TEST_CASE("RFC 8448 key log: both engines log the trace's secrets in the NSS key log format") {
    for (const std::string title : {"Simple 1-RTT Handshake", "HelloRetryRequest", "Client Authentication",
                                    "Compatibility Mode"}) {
        CAPTURE(title);
        replay t(title);
        recording_key_log client_keys, server_keys;
        t.cc.key_log = &client_keys;
        t.sc.key_log = &server_keys;
        tls::client client(t.cc);
        tls::server server(t.sc);
        byte_vector out(1 << 16), to_server, to_client;
        const auto r = client.start(out);
        to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        side_log client_log, server_log;
        test_rng rng(1);
        pump(client, server, to_server, to_client, client_log, server_log, rng);
        REQUIRE(client.handshake_complete());
        REQUIRE(server.handshake_complete());

        const byte_vector hello = field(t.trace, "client", "construct a ClientHello", "ClientHello");
        const std::string client_random = to_hex(byte_view(hello).subspan(6, 32));
        auto line = [&](const std::string& label, const std::string& derivation) {
            return label + " " + client_random + " " +
                   to_hex(field(t.trace, "server", "derive secret \"tls13 " + derivation + "\"", "expanded"));
        };
        const std::vector<std::string> expected = {
            line("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "c hs traffic"), line("SERVER_HANDSHAKE_TRAFFIC_SECRET", "s hs traffic"),
            line("CLIENT_TRAFFIC_SECRET_0", "c ap traffic"),         line("SERVER_TRAFFIC_SECRET_0", "s ap traffic"),
            line("EXPORTER_SECRET", "exp master"),
        };
        CHECK(client_keys.lines == expected);
        CHECK(server_keys.lines == expected);
    }
}
