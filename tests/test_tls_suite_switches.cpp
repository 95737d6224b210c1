// The size switches (CARAPACE_TLS_NO_AES_GCM, CARAPACE_TLS_NO_AES_CCM, CARAPACE_TLS_NO_SHA384,
// CARAPACE_X25519_NO_BASE_TABLE, ...): a client built with them (tests/support/switched_client.cpp)
// offers ChaCha20-Poly1305 only, computes the same X25519 public keys, and completes a handshake
// with a server of the default build, then exchanges data both ways; it offers Ed25519 alone for
// CertificateVerify, so a server with an ECDSA key has no scheme in common with it. The IoT-shaped
// client (switched_client_p256: secp256r1 and ECDSA P-256 only) does the same with a P-256 server
// and refuses an Ed25519 one it has no way to verify.
#include <doctest/doctest.h>

#include <iterator>
#include <vector>

#include "support/switched_client.hpp"
#include "support/tls_peers.hpp"

using namespace carapace;
using namespace test_support;

namespace {

// A switched client as an engine for test_support::pump (Receive: its receive function).
template <auto Receive>
struct switched_engine_of {
    static tls::io_result convert(const switched_client::result& r) {
        tls::io_result out;
        out.consumed = r.consumed;
        out.produced = r.produced;
        out.what = static_cast<tls::event>(r.what);
        out.data = byte_view(r.data, r.data_size);
        return out;
    }
    tls::io_result receive(byte_view in, byte_span out) {
        return convert(Receive(in.data(), in.size(), out.data(), out.size()));
    }
};
using switched_engine = switched_engine_of<&switched_client::receive>;
using switched_p256_engine = switched_engine_of<&switched_client_p256::receive>;

}  // namespace

TEST_CASE("Size switches: the switched build offers ChaCha20-Poly1305 only") {
    // Without AES-GCM it keeps the two AES-CCM suites, which no config offers by default; the
    // P-256 client leaves them out too (CARAPACE_TLS_NO_AES_CCM).
    CHECK(switched_client::suite_count() == 3);
    CHECK(switched_client::default_suite_count() == 1);
    CHECK(switched_client_p256::suite_count() == 1);
    CHECK(switched_client_p256::default_suite_count() == 1);
    CHECK(std::size(tls::all_suites) == 5);  // this build: the default
    CHECK(std::size(tls::default_cipher_suites) == 3);
}

TEST_CASE("Size switches: X25519 public keys by the ladder match the table's") {
    test_rng rng(11);
    for (int i = 0; i < 8; ++i) {
        bytes<32> key{}, a{}, b{};
        for (auto& x : key) x = static_cast<std::uint8_t>(rng.next() >> 56);
        switched_client::x25519_public_key(a.data(), key.data());
        x25519_public_key(b, key);
        CHECK(a == b);
    }
}

TEST_CASE("Size switches: a switched client completes a handshake with a default server") {
    const identity server_id("server");
    const trust client_trust;
    REQUIRE(!client_trust.root.empty());
    test_random server_random(2);
    fixed_clock clock;
    tls::x25519_key_exchange x25519;
    tls::key_exchange* groups[1] = {&x25519};
    tls::server_config config;  // every suite, AES-GCM preferred
    config.certificate_chain = server_id.views;
    config.signer = server_id.signer.get();
    config.key_exchanges = groups;
    config.random = &server_random;
    config.clock = &clock;

    for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{500}}) {
        CAPTURE(chunk);
        REQUIRE(switched_client::reset(client_trust.root.data(), client_trust.root.size(), 5 + chunk));
        tls::server server(config);
        switched_engine client;
        byte_vector out(4096), to_server, to_client;
        const auto r = switched_client::start(out.data(), out.size());
        REQUIRE(r.what == static_cast<int>(tls::event::need_input));
        to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        side_log client_log, server_log;
        test_rng rng(7);
        pump(client, server, to_server, to_client, client_log, server_log, rng, chunk);
        REQUIRE(switched_client::handshake_complete());
        REQUIRE(server.handshake_complete());
        CHECK(server.negotiated_suite() == tls::cipher_suite::chacha20_poly1305_sha256);
        CHECK(switched_client::negotiated_suite() == static_cast<std::uint16_t>(tls::cipher_suite::chacha20_poly1305_sha256));

        // Data both ways.
        const byte_vector ping = {'p', 'i', 'n', 'g'}, pong = {'p', 'o', 'n', 'g', '!'};
        const auto sent = switched_client::send(ping.data(), ping.size(), out.data(), out.size());
        REQUIRE(sent.consumed == ping.size());
        to_server.insert(to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(sent.produced));
        const auto reply = server.send(pong, out);
        REQUIRE(reply.consumed == pong.size());
        to_client.insert(to_client.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(reply.produced));
        pump(client, server, to_server, to_client, client_log, server_log, rng, chunk);
        CHECK(server_log.received == ping);
        CHECK(client_log.received == pong);
        CHECK(!client_log.saw(tls::event::fatal));
        CHECK(!server_log.saw(tls::event::fatal));
    }
}

TEST_CASE("Size switches: without P-256, P-384 and RSA the verifier offers Ed25519 alone; an ECDSA server cannot serve it") {
    CHECK(switched_client::verifiable_scheme_count() == 1);
    CHECK(std::size(tls::verifiable_schemes) == 9);  // this build: Ed25519, both ECDSA schemes, six RSA-PSS ones
    const trust ec_trust("ec/root");
    REQUIRE(!ec_trust.root.empty());
    ecdsa_identity server_id("ec/server_p256");
    REQUIRE(server_id.signer != nullptr);
    test_random server_random(2);
    fixed_clock clock;
    tls::x25519_key_exchange x25519;
    tls::key_exchange* groups[1] = {&x25519};
    tls::server_config config;
    config.certificate_chain = server_id.views;
    config.signer = server_id.signer;
    config.key_exchanges = groups;
    config.random = &server_random;
    config.clock = &clock;
    REQUIRE(switched_client::reset(ec_trust.root.data(), ec_trust.root.size(), 9));
    tls::server server(config);
    switched_engine client;
    byte_vector out(4096), to_server, to_client;
    const auto r = switched_client::start(out.data(), out.size());
    REQUIRE(r.what == static_cast<int>(tls::event::need_input));
    to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    side_log client_log, server_log;
    test_rng rng(7);
    pump(client, server, to_server, to_client, client_log, server_log, rng);
    CHECK(server_log.last_fatal.failure == tls::error::handshake_failure);
    CHECK(client_log.saw(tls::event::fatal));  // the server's alert (the plain result carries no alert code)
    CHECK_FALSE(switched_client::handshake_complete());
}

TEST_CASE("Size switches: the P-256 client completes a handshake with a default P-256 server") {
    // The test root is a P-384 key, which this client cannot verify: it trusts the P-256
    // intermediate, as a device trusts the issuing CA of its fleet.
    const ecdsa_identity server_id("ec/server_p256");
    REQUIRE(server_id.signer != nullptr);
    REQUIRE(server_id.chain.size() == 2);
    const byte_vector& anchor = server_id.chain[1];
    test_random server_random(3);
    fixed_clock clock;
    tls::x25519_key_exchange x25519;
    tls::p256_key_exchange secp256r1;
    tls::key_exchange* groups[2] = {&x25519, &secp256r1};
    static constexpr tls::named_group server_groups[2] = {tls::named_group::x25519, tls::named_group::secp256r1};
    tls::server_config config;
    config.certificate_chain = server_id.views;
    config.signer = server_id.signer;
    config.key_exchanges = groups;
    config.groups = server_groups;
    config.random = &server_random;
    config.clock = &clock;

    for (const std::size_t chunk : {std::size_t{0}, std::size_t{7}}) {
        CAPTURE(chunk);
        REQUIRE(switched_client_p256::reset(anchor.data(), anchor.size(), 9 + chunk));
        CHECK(switched_client_p256::suite_count() == 1);
        tls::server server(config);
        switched_p256_engine client;
        byte_vector out(4096), to_server, to_client;
        const auto r = switched_client_p256::start(out.data(), out.size());
        REQUIRE(r.what == static_cast<int>(tls::event::need_input));
        to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        side_log client_log, server_log;
        test_rng rng(13);
        pump(client, server, to_server, to_client, client_log, server_log, rng, chunk);
        REQUIRE(switched_client_p256::handshake_complete());
        REQUIRE(server.handshake_complete());
        CHECK(server.negotiated_group() == tls::named_group::secp256r1);  // the only share offered

        const byte_vector ping = {'p', 'i', 'n', 'g'};
        const auto sent = switched_client_p256::send(ping.data(), ping.size(), out.data(), out.size());
        REQUIRE(sent.consumed == ping.size());
        to_server.insert(to_server.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(sent.produced));
        pump(client, server, to_server, to_client, client_log, server_log, rng, chunk);
        CHECK(server_log.received == ping);
        CHECK(!client_log.saw(tls::event::fatal));
        CHECK(!server_log.saw(tls::event::fatal));
    }
}

TEST_CASE("Size switches: the P-256 client cannot accept an Ed25519 server") {
    // Built without Ed25519 verification it offers only ecdsa_secp256r1_sha256, which an
    // Ed25519-only server cannot sign with: the handshake fails, nothing is accepted unchecked.
    const identity server_id("server");
    const trust client_trust;
    test_random server_random(4);
    fixed_clock clock;
    tls::p256_key_exchange secp256r1;
    tls::key_exchange* groups[1] = {&secp256r1};
    static constexpr tls::named_group server_groups[1] = {tls::named_group::secp256r1};
    tls::server_config config;
    config.certificate_chain = server_id.views;
    config.signer = server_id.signer.get();
    config.key_exchanges = groups;
    config.groups = server_groups;
    config.random = &server_random;
    config.clock = &clock;
    REQUIRE(switched_client_p256::reset(client_trust.root.data(), client_trust.root.size(), 21));
    tls::server server(config);
    switched_p256_engine client;
    byte_vector out(4096), to_server, to_client;
    const auto r = switched_client_p256::start(out.data(), out.size());
    to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    side_log client_log, server_log;
    test_rng rng(17);
    pump(client, server, to_server, to_client, client_log, server_log, rng, 0);
    CHECK(!switched_client_p256::handshake_complete());
    CHECK(server_log.saw(tls::event::fatal));
}
