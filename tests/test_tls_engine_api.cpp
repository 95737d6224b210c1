// The engine's API contract over memory: signers and verifiers that answer later (HSM, KMS),
// misuse refused without harm, send() that either does everything or nothing when a KeyUpdate
// must precede its data, no secrets handed out after a failure, and the host-name configuration.
#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "support/tls_session.hpp"

namespace engine_api_tests {

using namespace carapace;
using namespace test_support;

// A signer whose key is elsewhere: it answers pending and keeps what it was asked to sign.
class pending_signer final : public tls::signer {
public:
    explicit pending_signer(tls::signer& real) : real_(real) {}
    std::span<const tls::signature_scheme> schemes() const noexcept override { return real_.schemes(); }
    std::size_t max_signature_size(tls::signature_scheme s) const noexcept override {
        return real_.max_signature_size(s);
    }
    std::size_t sign(tls::signature_scheme s, byte_view content, byte_span) noexcept override {
        scheme = s;
        asked = byte_vector(content.begin(), content.end());
        ++calls;
        return pending;
    }
    // What the remote key would answer.
    byte_vector signature() {
        byte_vector out(real_.max_signature_size(scheme));
        out.resize(real_.sign(scheme, asked, out));
        return out;
    }
    tls::signature_scheme scheme{};
    byte_vector asked;
    int calls = 0;

private:
    tls::signer& real_;
};

// A verifier that answers later; the verdicts it will give are the real verifier's unless forced.
class pending_verifier final : public tls::certificate_verifier {
public:
    explicit pending_verifier(tls::certificate_verifier& real) : real_(real) {}
    tls::error verify_chain(std::span<const byte_view> chain, std::string_view host, bool peer_is_server,
                            std::optional<std::int64_t> now, std::string_view& detail) noexcept override {
        verdicts.push_back(forced_chain ? *forced_chain : real_.verify_chain(chain, host, peer_is_server, now, detail));
        return tls::error::pending;
    }
    tls::error verify_signature(byte_view spki, tls::signature_scheme scheme, byte_view content,
                                byte_view signature) noexcept override {
        verdicts.push_back(real_.verify_signature(spki, scheme, content, signature));
        return tls::error::pending;
    }
    std::span<const tls::signature_scheme> schemes() const noexcept override { return real_.schemes(); }
    std::vector<tls::error> verdicts;
    std::optional<tls::error> forced_chain;

private:
    tls::certificate_verifier& real_;
};

// Pumps, completing pending signatures and verifications as a caller's event loop would, with
// output handed on; returns when neither side has anything left.
template <class Signer, class Verifier>
void run_with_completions(session& s, Signer* server_signer, Signer* client_signer, Verifier* client_verifier,
                          Verifier* server_verifier, int& completions) {
    for (int round = 0; round < 50; ++round) {
        s.run();
        bool did = false;
        byte_vector out(1 << 16);
        auto complete_signature = [&](auto& engine, Signer* signer, byte_vector& wire) {
            if (signer == nullptr || signer->calls == 0 || signer->asked.empty()) return;
            const byte_vector sig = signer->signature();
            const auto r = engine.complete_signature(sig, out);
            REQUIRE(r.what != tls::event::fatal);
            REQUIRE(r.what != tls::event::refused);
            wire.insert(wire.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
            if (r.what == tls::event::handshake_complete) s.client_log.events.push_back(r.what);
            signer->asked.clear();
            did = true;
            ++completions;
        };
        auto complete_verification = [&](auto& engine, Verifier* verifier) {
            if (verifier == nullptr || verifier->verdicts.empty()) return;
            const tls::error v = verifier->verdicts.front();
            verifier->verdicts.erase(verifier->verdicts.begin());
            REQUIRE(engine.complete_verification(v) == tls::error::none);
            did = true;
            ++completions;
        };
        complete_signature(s.server, server_signer, s.to_client);
        complete_signature(s.client, client_signer, s.to_server);
        complete_verification(s.client, client_verifier);
        complete_verification(s.server, server_verifier);
        if (!did) return;
    }
}

TEST_CASE("TLS engine API: a server signer that answers later (HSM, KMS)") {
    setup t;
    pending_signer remote(*t.server_id.signer);
    t.server_config.signer = &remote;
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.server_log.saw(tls::event::signature_needed));
    CHECK_FALSE(s.server.handshake_complete());
    // While it waits, the engine keeps saying so and takes nothing.
    byte_vector out(1 << 16);
    const auto again = s.server.receive({}, out);
    CHECK(again.what == tls::event::signature_needed);
    CHECK(again.data.size() == remote.asked.size());
    int completions = 0;
    run_with_completions<pending_signer, pending_verifier>(s, &remote, nullptr, nullptr, nullptr, completions);
    CHECK(completions == 1);
    CHECK(remote.calls == 1);
    check_connected_and_talking(s);
}

TEST_CASE("TLS engine API: client verifier and client signer that answer later, mutual authentication") {
    setup t;
    pending_verifier client_verifier(*t.client_config.verifier);
    pending_verifier server_verifier(*t.server_config.verifier);
    pending_signer client_key(*t.client_id.signer);
    t.client_config.verifier = &client_verifier;
    t.client_config.certificate_chain = t.client_id.views;
    t.client_config.signer = &client_key;
    t.server_config.verifier = &server_verifier;
    t.server_config.require_client_certificate = true;
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.client_log.saw(tls::event::verification_needed));
    int completions = 0;
    run_with_completions(s, static_cast<pending_signer*>(nullptr), &client_key, &client_verifier, &server_verifier,
                         completions);
    CHECK(completions == 5);  // client: chain, signature, signing; server: chain, signature
    CHECK(s.server.client_authenticated());
    check_connected_and_talking(s);
}

TEST_CASE("TLS engine API: a pending verdict that refuses fails the handshake with its alert") {
    setup t;
    pending_verifier client_verifier(*t.client_config.verifier);
    client_verifier.forced_chain = tls::error::unknown_ca;
    t.client_config.verifier = &client_verifier;
    session s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(client_verifier.verdicts.size() == 1);
    REQUIRE(s.client.complete_verification(client_verifier.verdicts[0]) == tls::error::none);
    // Completing twice, or with "pending", is refused.
    CHECK(s.client.complete_verification(tls::error::none) == tls::error::wrong_state);
    s.run();
    CHECK(s.client_log.last_fatal.failure == tls::error::unknown_ca);
    CHECK(s.server_log.last_fatal.alert == tls::alert_description::unknown_ca);
}

TEST_CASE("TLS engine API: misuse is refused and changes nothing") {
    setup t;
    session s(t.client_config, t.server_config);
    byte_vector out(1 << 16);
    auto r = s.client.send(literal_bytes("too early"), out);
    CHECK(r.what == tls::event::refused);
    CHECK(r.failure == tls::error::wrong_state);
    CHECK(s.client.request_key_update(out).what == tls::event::refused);
    CHECK(s.client.complete_signature(literal_bytes("x"), out).what == tls::event::refused);
    CHECK_FALSE(s.client.failed());
    s.handshake();  // still usable
    check_connected_and_talking(s);
    CHECK(s.client.start(out).what == tls::event::refused);
    REQUIRE(s.client.close(out).what == tls::event::need_input);
    r = s.client.send(literal_bytes("after close"), out);
    CHECK(r.what == tls::event::refused);
    CHECK(r.failure == tls::error::closed);
}

TEST_CASE("TLS engine API: empty input (a null data pointer) asks for more, at any point of a record") {
    setup t;
    session s(t.client_config, t.server_config);
    byte_vector out(1 << 16);
    auto r = s.server.receive(byte_view{}, out);
    CHECK(r.what == tls::event::need_input);
    CHECK(r.consumed == 0);
    // Half a record header, then nothing, then the rest: the handshake still completes.
    byte_vector hello(4096);
    r = s.client.start(hello);
    REQUIRE(r.what == tls::event::need_input);
    REQUIRE(r.produced > 3);
    hello.resize(r.produced);
    r = s.server.receive(byte_view(hello).first(3), out);
    CHECK(r.what == tls::event::need_input);
    CHECK(r.consumed == 3);
    r = s.server.receive(byte_view{}, out);
    CHECK(r.what == tls::event::need_input);
    CHECK(r.consumed == 0);
    s.to_server.assign(hello.begin() + 3, hello.end());
    s.run();
    CHECK(s.server.handshake_complete());
    CHECK(s.client.handshake_complete());
}

TEST_CASE("TLS engine API: an empty server_name is a configuration error unless the host check is waived") {
    setup t;
    t.client_config.server_name = "";
    byte_vector out(1 << 16);
    {
        tls::client c(t.client_config);
        const auto r = c.start(out);
        CHECK(r.what == tls::event::refused);
        CHECK(r.failure == tls::error::wrong_state);
    }
    t.client_config.skip_host_check = true;
    session s(t.client_config, t.server_config);
    s.handshake();
    CHECK(s.client.handshake_complete());
}

TEST_CASE("TLS engine API: send() with a KeyUpdate due does all or nothing") {
    setup t;
    const tls::cipher_suite aes[1] = {tls::cipher_suite::aes_128_gcm_sha256};
    t.server_config.cipher_suites = aes;
    session s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(s.client.handshake_complete());
    s.client.set_write_sequence_for_testing(std::uint64_t{1} << 23);
    s.server.set_read_sequence_for_testing(std::uint64_t{1} << 23);
    const byte_vector data = pattern(1000, 4);
    // Room for the data's record but not for the KeyUpdate before it: nothing happens.
    byte_vector small(1000 + 22);
    auto r = s.client.send(data, small);
    CHECK(r.what == tls::event::need_output_space);
    CHECK(r.produced == 0);
    CHECK(r.consumed == 0);
    CHECK(r.needed > small.size());
    byte_vector exact(r.needed);
    r = s.client.send(data, exact);
    CHECK(r.what == tls::event::need_input);
    CHECK(r.consumed == data.size());
    CHECK(r.produced == exact.size());
    s.to_server.insert(s.to_server.end(), exact.begin(), exact.end());
    s.run();
    CHECK(s.server_log.saw(tls::event::key_update));
    CHECK(s.server_log.received == data);
}

TEST_CASE("TLS engine API: nothing secret after a failure") {
    setup t;
    session s(t.client_config, t.server_config);
    s.handshake();
    REQUIRE(s.server.handshake_complete());
    byte_vector garbage = {23, 3, 3, 0, 20};
    garbage.resize(25, 0x55);
    byte_vector out(1 << 16);
    const auto r = s.server.receive(garbage, out);
    REQUIRE(r.what == tls::event::fatal);
    bytes<32> key{};
    CHECK(s.server.export_keying_material(literal_bytes("EXPORTER-x"), {}, key) != tls::error::none);
    CHECK(s.server.send_ticket(out).what == tls::event::fatal);  // nothing derived from its secrets
    CHECK(key == bytes<32>{});
    CHECK(s.server.send(literal_bytes("x"), out).what == tls::event::fatal);
}

TEST_CASE("TLS engine API: one KeyUpdate answer for a run of requests") {
    setup t;
    session s(t.client_config, t.server_config);
    s.handshake();
    byte_vector out(1 << 16);
    for (int i = 0; i < 3; ++i) {
        const auto r = s.client.request_key_update(out);
        REQUIRE(r.what == tls::event::need_input);
        s.to_server.insert(s.to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    }
    s.run();
    std::size_t server_updates = 0, client_updates = 0;
    for (auto e : s.server_log.events) server_updates += e == tls::event::key_update;
    for (auto e : s.client_log.events) client_updates += e == tls::event::key_update;
    CHECK(server_updates == 3);
    CHECK(client_updates == 1);
    check_connected_and_talking(s);
}

}  // namespace engine_api_tests
