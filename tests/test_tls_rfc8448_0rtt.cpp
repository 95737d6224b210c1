// RFC 8448 §4 "Resumed 0-RTT Handshake" replayed through both engines byte for byte, with the
// ticket from §3's handshake. The server keeps it as a stateful ticket (tls::server_ticket_store
// holding §3's resumption PSK), so it opens the trace's opaque ticket, checks the binder, accepts
// the six bytes of early data (event::early_data), takes EndOfEarlyData under the early key and
// finishes. The client holds it in its ticket store, received 6 ms before it connects (the age
// its hello reports, through clock::now_milliseconds), sends the early data with send_early(),
// and EndOfEarlyData after the server Finished. Every record each engine writes must equal the
// trace's, and a flipped bit in any record it receives must keep it from reproducing the rest.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "support/rfc8448_replay.hpp"

using namespace carapace;
using namespace test_support;
using namespace test_support::rfc8448;

namespace {

class trace_clock final : public tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override { return 1'500'000'000; }
};

// §3's ticket, kept by the server: what the NewSessionTicket said and §3's resumption PSK.
class trace_sessions final : public tls::server_ticket_store {
public:
    byte_vector ticket, psk;
    std::uint32_t age_add = 0, lifetime = 0, max_early_data = 0;
    const bytes<6> name = literal_bytes("server");
    int lookups = 0;
    // The trace's server issues no ticket of its own.
    bool put(byte_view, const tls::stored_session&) noexcept override { return false; }
    bool take(byte_view t, tls::stored_session& out) noexcept override {
        ++lookups;
        if (ticket.empty() || byte_vector(t.begin(), t.end()) != ticket) return false;
        out.psk = psk;
        out.suite = tls::cipher_suite::aes_128_gcm_sha256;
        out.issued_at = 1'500'000'000;
        out.lifetime = lifetime;
        out.age_add = age_add;
        out.max_early_data = max_early_data;
        out.server_name = name;
        ticket.clear();  // single use
        return true;
    }
};

// A signer and chain the server is configured with but never uses (a PSK handshake).
class unused_signer final : public tls::signer {
public:
    tls::signature_scheme scheme_[1] = {tls::signature_scheme::ed25519};
    std::span<const tls::signature_scheme> schemes() const noexcept override { return scheme_; }
    std::size_t max_signature_size(tls::signature_scheme) const noexcept override { return 64; }
    std::size_t sign(tls::signature_scheme, byte_view, byte_span) noexcept override { return 0; }
};

struct zero_rtt_server {
    const test_json::value& first = trace_titled("Simple 1-RTT Handshake");
    const test_json::value& trace = trace_titled("Resumed 0-RTT Handshake");
    scripted_random random;
    tls::x25519_key_exchange x25519;
    tls::key_exchange* key_exchanges[1] = {&x25519};
    std::vector<tls::named_group> groups;
    std::vector<tls::cipher_suite> suites;
    trace_clock clock;
    trace_sessions sessions;
    unused_signer signer;
    byte_vector leaf = {0x30, 0x00};
    std::vector<byte_view> chain;
    tls::server_config sc;

    zero_rtt_server() {
        const byte_vector ch = field(trace, "client", "construct a ClientHello", "ClientHello");
        const byte_vector sh = field(trace, "server", "construct a ServerHello", "ServerHello");
        const byte_vector ee = field(trace, "server", "construct an EncryptedExtensions", "EncryptedExtensions");
        suites = u16_list<tls::cipher_suite>(byte_vector(ch.begin() + 4 + 2 + 32 + 1 + ch[38], ch.end()));
        suites.resize((static_cast<std::size_t>(ch[39 + ch[38]]) << 8 | ch[40 + ch[38]]) / 2);
        groups = u16_list<tls::named_group>(extension_data(ee, 0x000a));
        random.script.push_back(field(trace, "server", "create an ephemeral x25519", "private key"));
        random.script.push_back(byte_vector(sh.begin() + 6, sh.begin() + 38));

        // §3's NewSessionTicket: lifetime, age_add, nonce, ticket, early_data's limit.
        const byte_vector nst = field(first, "server", "construct a NewSessionTicket", "NewSessionTicket");
        tls::detail::reader r(byte_view(nst).subspan(4));
        sessions.lifetime = r.u32();
        sessions.age_add = r.u32();
        r.vector<1>();
        const byte_view t = r.vector<2>();
        sessions.ticket.assign(t.begin(), t.end());
        tls::detail::reader x = r.sub<2>();
        x.u16();
        x.u16();
        sessions.max_early_data = x.u32();
        REQUIRE(r.done());
        sessions.psk = field(first, "server", "generate resumption secret", "expanded");

        chain = {leaf};
        sc.cipher_suites = suites;
        sc.groups = groups;
        sc.key_exchanges = key_exchanges;
        sc.certificate_chain = chain;
        sc.signer = &signer;
        sc.random = &random;
        sc.clock = &clock;
        sc.record_size_limit = 0x4001;
        sc.send_supported_groups = true;
        sc.session_store = &sessions;
        sc.tickets_after_handshake = 0;  // the trace's server sends no ticket
        sc.max_early_data = 1024;
    }
};

// Returns whether the server reproduced every record of the trace after the client's, with one
// bit of the client's record `mutate` flipped when set.
bool run_0rtt_server(std::optional<std::size_t> mutate = std::nullopt) {
    zero_rtt_server t;
    tls::server server(t.sc);
    byte_vector from_server;
    side_log log;
    byte_vector out(1 << 16);
    std::size_t client_records = 0, server_records = 0;
    for (const auto& s : t.trace["steps"]) {
        const std::string action = s["action"].str();
        if (action.rfind("send ", 0) != 0) continue;
        const byte_vector record = unhex(s["fields"]["complete record"].str());
        const byte_vector payload = unhex(s["fields"]["payload"].str());
        CAPTURE(s["side"].str());
        CAPTURE(action);
        if (s["side"].str() == "client") {
            byte_vector delivered = record;
            if (mutate && *mutate == client_records) delivered[delivered.size() / 2] ^= 0x10;
            ++client_records;
            const std::size_t before = log.early.size() + log.received.size();
            if (!deliver(server, delivered, from_server, log, !mutate)) return false;
            if (action == "send application_data record") {
                const byte_vector& got = server.handshake_complete() ? log.received : log.early;
                if (got.size() < payload.size() || log.early.size() + log.received.size() - before != payload.size())
                    return false;
                CHECK(byte_vector(got.end() - static_cast<std::ptrdiff_t>(payload.size()), got.end()) == payload);
            }
            continue;
        }
        if (from_server.empty()) {
            if (action == "send application_data record") {
                const auto r = server.send(payload, out);
                if (r.consumed != payload.size()) return false;
                from_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
            } else if (action == "send alert record") {
                const auto r = server.close(out);
                from_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
            }
        }
        const bool same = from_server.size() >= record.size() && std::equal(record.begin(), record.end(), from_server.begin());
        if (mutate && !same) return false;
        REQUIRE(from_server.size() >= record.size());
        CHECK(to_hex(byte_view(from_server).first(record.size())) == to_hex(record));
        from_server.erase(from_server.begin(), from_server.begin() + static_cast<std::ptrdiff_t>(record.size()));
        ++server_records;
    }
    if (mutate) return true;
    CHECK(from_server.empty());
    CHECK(server.resumed());
    CHECK(server.early_data_accepted());
    CHECK(log.early == byte_vector{0x41, 0x42, 0x43, 0x44, 0x45, 0x46});
    CHECK(log.saw(tls::event::handshake_complete));
    CHECK(log.saw(tls::event::peer_closed));
    CHECK(t.sessions.lookups == 1);
    CHECK(t.random.script.empty());
    CHECK(t.random.mismatches == 0);
    CHECK(client_records == 6);
    CHECK(server_records == 4);
    return true;
}

// The client's clock: §3's ticket arrived at `issued`, the 0-RTT hello goes out 6 ms later (the
// age the trace's client reports).
class trace_client_clock final : public tls::clock {
public:
    std::int64_t ms = 1'500'000'000'000;
    std::optional<std::int64_t> now() noexcept override { return ms / 1000; }
    std::optional<std::int64_t> now_milliseconds() noexcept override { return ms; }
};

struct zero_rtt_client {
    const test_json::value& first = trace_titled("Simple 1-RTT Handshake");
    const test_json::value& trace = trace_titled("Resumed 0-RTT Handshake");
    scripted_random random;
    tls::x25519_key_exchange x25519;
    std::vector<replayed_group> listed_only;
    std::vector<tls::key_exchange*> key_exchanges;
    std::vector<tls::named_group> groups;
    std::vector<tls::cipher_suite> suites;
    std::vector<tls::extension_type> order;
    byte_vector renegotiation_info;
    std::vector<tls::raw_extension> extras;
    const tls::named_group share[1] = {tls::named_group::x25519};
    replayed_verifier verifier;
    trace_client_clock clock;
    tls::memory_ticket_store<1> store;
    tls::client_config cc;

    zero_rtt_client() {
        // The whole hello, binders included (the trace's "ClientHello" field stops before them).
        const byte_vector ch = field(trace, "client", "send handshake record", "payload");
        suites = u16_list<tls::cipher_suite>(byte_vector(ch.begin() + 4 + 2 + 32 + 1 + ch[38], ch.end()));
        suites.resize((static_cast<std::size_t>(ch[39 + ch[38]]) << 8 | ch[40 + ch[38]]) / 2);
        groups = u16_list<tls::named_group>(extension_data(ch, 0x000a));
        verifier.advertised = u16_list<tls::signature_scheme>(extension_data(ch, 0x000d));
        for (const auto& e : extensions_of(ch)) {
            if (e.type == 0x0015) continue;  // padding: the engine adds it
            order.push_back(static_cast<tls::extension_type>(e.type));
            if (e.type == 0xff01) renegotiation_info = e.data;
        }
        extras = {{0xff01, renegotiation_info}};
        random.script.push_back(byte_vector(ch.begin() + 6, ch.begin() + 38));
        random.script.push_back(field(trace, "client", "create an ephemeral x25519", "private key"));
        listed_only.reserve(groups.size());
        key_exchanges = {&x25519};
        for (const tls::named_group g : groups) {
            if (g == x25519.group()) continue;
            listed_only.emplace_back().id = g;
            key_exchanges.push_back(&listed_only.back());
        }

        // §3's ticket, as our client keeps it.
        const byte_vector nst = field(first, "server", "construct a NewSessionTicket", "NewSessionTicket");
        tls::detail::reader r(byte_view(nst).subspan(4));
        tls::client_ticket t;
        t.lifetime = r.u32();
        t.age_add = r.u32();
        r.vector<1>();
        const byte_view id = r.vector<2>();
        std::copy(id.begin(), id.end(), t.ticket.begin());
        t.ticket_size = static_cast<std::uint16_t>(id.size());
        tls::detail::reader x = r.sub<2>();
        x.u16();
        x.u16();
        t.max_early_data = x.u32();
        REQUIRE(r.done());
        const byte_vector psk = field(first, "server", "generate resumption secret", "expanded");
        std::copy(psk.begin(), psk.end(), t.psk.begin());
        t.psk_size = static_cast<std::uint8_t>(psk.size());
        t.suite = tls::cipher_suite::aes_128_gcm_sha256;
        t.received_at_ms = clock.ms - 6;
        t.received_at = t.received_at_ms / 1000;
        const std::string_view name = "server";
        std::copy(name.begin(), name.end(), t.server_name.begin());
        t.server_name_size = static_cast<std::uint8_t>(name.size());
        store.put(t);

        cc.server_name = name;
        cc.cipher_suites = suites;
        cc.groups = groups;
        cc.key_share_groups = share;
        cc.key_exchanges = key_exchanges;
        cc.verifier = &verifier;
        cc.random = &random;
        cc.clock = &clock;
        cc.record_size_limit = 0x4001;
        cc.extension_order = order;
        cc.extra_extensions = extras;
        cc.pad_client_hello = true;
        cc.tickets = &store;
        cc.offer_early_data = true;
    }
};

// The same for the client: every record it writes must be the trace's, with one bit of the
// server's record `mutate` flipped when set.
bool run_0rtt_client(std::optional<std::size_t> mutate = std::nullopt) {
    zero_rtt_client t;
    tls::client client(t.cc);
    byte_vector from_client;
    side_log log;
    byte_vector out(1 << 16);
    {
        const auto r = client.start(out);
        REQUIRE(r.what == tls::event::need_input);
        from_client.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    }
    std::size_t client_records = 0, server_records = 0;
    for (const auto& s : t.trace["steps"]) {
        const std::string action = s["action"].str();
        if (action.rfind("send ", 0) != 0) continue;
        const byte_vector record = unhex(s["fields"]["complete record"].str());
        const byte_vector payload = unhex(s["fields"]["payload"].str());
        CAPTURE(s["side"].str());
        CAPTURE(action);
        if (s["side"].str() == "server") {
            byte_vector delivered = record;
            if (mutate && *mutate == server_records) delivered[delivered.size() / 2] ^= 0x10;
            ++server_records;
            const std::size_t before = log.received.size();
            if (!deliver(client, delivered, from_client, log, !mutate)) return false;
            if (action == "send application_data record") {
                const byte_vector got(log.received.begin() + static_cast<std::ptrdiff_t>(before), log.received.end());
                if (mutate && got != payload) return false;
                CHECK(got == payload);
            }
            continue;
        }
        if (from_client.empty()) {
            if (action == "send application_data record") {
                const auto r = client.handshake_complete() ? client.send(payload, out) : client.send_early(payload, out);
                if (r.consumed != payload.size()) return false;
                from_client.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
            } else if (action == "send alert record") {
                const auto r = client.close(out);
                from_client.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
            }
        }
        const bool same = from_client.size() >= record.size() && std::equal(record.begin(), record.end(), from_client.begin());
        if (mutate && !same) return false;
        REQUIRE(from_client.size() >= record.size());
        CHECK(to_hex(byte_view(from_client).first(record.size())) == to_hex(record));
        from_client.erase(from_client.begin(), from_client.begin() + static_cast<std::ptrdiff_t>(record.size()));
        ++client_records;
    }
    if (mutate) return true;
    CHECK(from_client.empty());
    CHECK(client.resumed());
    CHECK(client.early_data_accepted());
    CHECK(log.saw(tls::event::early_data_accepted));
    CHECK(log.saw(tls::event::handshake_complete));
    CHECK(log.saw(tls::event::peer_closed));
    CHECK(t.random.script.empty());
    CHECK(t.random.mismatches == 0);
    CHECK(client_records == 6);
    CHECK(server_records == 4);
    return true;
}

}  // namespace

TEST_CASE("RFC 8448 §4 Resumed 0-RTT Handshake, the client byte for byte") { CHECK(run_0rtt_client()); }

TEST_CASE("RFC 8448 §4 replay: one flipped bit in any record of the server is caught by the client") {
    // The last record (the server's close_notify) has nothing after it to reproduce.
    for (std::size_t record = 0; record < 3; ++record) {
        CAPTURE(record);
        CHECK_FALSE(run_0rtt_client(record));
    }
}

TEST_CASE("RFC 8448 §4 Resumed 0-RTT Handshake, the server byte for byte") { CHECK(run_0rtt_server()); }

TEST_CASE("RFC 8448 §4 replay: one flipped bit in any record of the client is caught") {
    // The last record (the client's close_notify) has nothing after it to reproduce.
    for (std::size_t record = 0; record < 5; ++record) {
        CAPTURE(record);
        CHECK_FALSE(run_0rtt_server(record));
    }
}
