// The PSK-only build (CARAPACE_TLS_NO_CERTIFICATES, group_tls_psk_only.cpp): both engines make
// external-PSK handshakes in both key exchange modes (psk_ke, psk_dhe_ke, RFC 8446 §4.2.9) with
// every suite the build has, and refuse a peer that wants a certificate handshake with
// handshake_failure: a server given a ClientHello without a PSK, a client given a ServerHello that
// selects none. A program of its own: the switch changes the engines' inline functions.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "carapace/tls/client.hpp"
#include "carapace/tls/key_exchanges.hpp"
#include "carapace/tls/server.hpp"

using namespace carapace;

namespace {

static_assert(!tls::have_certificates);

using byte_vector = std::vector<std::uint8_t>;

// Deterministic randomness (xorshift64*): the handshakes need fresh values, not secret ones.
class counter_random final : public tls::random_source {
public:
    explicit counter_random(std::uint64_t seed) : state_(seed | 1) {}
    void fill(byte_span out) noexcept override {
        for (auto& b : out) {
            state_ ^= state_ >> 12;
            state_ ^= state_ << 25;
            state_ ^= state_ >> 27;
            b = static_cast<std::uint8_t>((state_ * 0x2545F4914F6CDD1DULL) >> 56);
        }
    }

private:
    std::uint64_t state_;
};

const std::uint8_t key_256[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
const std::uint8_t key_384[48] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6,
                                  5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2};
const std::uint8_t identity[6] = {'d', 'e', 'v', 'i', 'c', 'e'};

// A client and a server that share one external PSK for `suite`, in `mode`.
struct psk_setup {
    counter_random client_random{11}, server_random{22};
    tls::x25519_key_exchange client_x25519, server_x25519;
    tls::key_exchange* client_groups[1] = {&client_x25519};
    tls::key_exchange* server_groups[1] = {&server_x25519};
    const tls::named_group group_names[1] = {tls::named_group::x25519};
    tls::cipher_suite suites[1];
    tls::psk_mode modes[1];
    tls::external_psk psks[1];
    tls::client_config client_config;
    tls::server_config server_config;

    psk_setup(tls::cipher_suite suite, tls::psk_mode mode) : suites{suite}, modes{mode} {
        const bool sha384 = tls::find_suite(static_cast<std::uint16_t>(suite))->hash == tls::hash_kind::sha384;
        psks[0].identity = identity;
        psks[0].key = sha384 ? byte_view(key_384) : byte_view(key_256);
        psks[0].hash = sha384 ? tls::hash_kind::sha384 : tls::hash_kind::sha256;
        for (tls::common_config* c : {static_cast<tls::common_config*>(&client_config),
                                      static_cast<tls::common_config*>(&server_config)}) {
            c->cipher_suites = suites;
            c->groups = group_names;
            c->external_psks = psks;
            c->psk_modes = modes;
        }
        client_config.key_exchanges = client_groups;
        server_config.key_exchanges = server_groups;
        client_config.random = &client_random;
        server_config.random = &server_random;
        client_config.server_name = "device.example";
    }
    psk_setup(const psk_setup&) = delete;
    psk_setup& operator=(const psk_setup&) = delete;
};

// Feeds `input` to an engine until it has taken all of it; what it writes goes to `to_peer`, the
// plaintext it delivers to `received`. Returns the last event.
template <class Engine>
tls::event deliver(Engine& e, byte_vector& input, byte_vector& to_peer, byte_vector& received) {
    byte_vector out(1 << 15);
    tls::event last = tls::event::need_input;
    std::size_t at = 0;
    for (int guard = 0; guard < 64; ++guard) {
        const auto r = e.receive(byte_view(input).subspan(at), out);
        to_peer.insert(to_peer.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        at += r.consumed;
        if (r.what == tls::event::app_data) received.insert(received.end(), r.data.begin(), r.data.end());
        if (r.what != tls::event::need_input) last = r.what;
        if (r.what == tls::event::fatal) break;
        if (r.what == tls::event::need_input && at == input.size()) break;
    }
    input.clear();
    return last;
}

// Runs a handshake and one exchange of application data each way.
void handshake_and_talk(psk_setup& t) {
    tls::client client(t.client_config);
    tls::server server(t.server_config);
    byte_vector to_server, to_client, client_got, server_got;
    byte_vector out(1 << 15);
    const auto start = client.start(out);
    REQUIRE(start.what == tls::event::need_input);
    to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(start.produced));
    for (int round = 0; round < 4 && (!client.handshake_complete() || !server.handshake_complete()); ++round) {
        deliver(server, to_server, to_client, server_got);
        deliver(client, to_client, to_server, client_got);
    }
    REQUIRE(client.handshake_complete());
    REQUIRE(server.handshake_complete());
    deliver(server, to_server, to_client, server_got);  // nothing left unsaid
    CHECK(client.negotiated_suite() == t.suites[0]);
    CHECK(server.negotiated_suite() == t.suites[0]);
    CHECK(client.selected_psk() == std::optional<std::size_t>(0));
    CHECK(server.selected_psk() == std::optional<std::size_t>(0));
    const tls::named_group group = t.modes[0] == tls::psk_mode::psk_ke ? tls::named_group{} : tls::named_group::x25519;
    CHECK(client.negotiated_group() == group);
    CHECK(server.negotiated_group() == group);

    const byte_vector ping = {'p', 'i', 'n', 'g'}, pong = {'p', 'o', 'n', 'g', '!'};
    auto r = client.send(ping, out);
    REQUIRE(r.consumed == ping.size());
    to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    r = server.send(pong, out);
    REQUIRE(r.consumed == pong.size());
    to_client.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    byte_vector ignored;
    deliver(server, to_server, ignored, server_got);
    deliver(client, to_client, ignored, client_got);
    CHECK(server_got == ping);
    CHECK(client_got == pong);
}

// A handshake message as one plaintext handshake record.
template <class Message>
byte_vector handshake_record(const Message& m, std::uint16_t record_version) {
    byte_vector body(4096);
    tls::detail::writer w(body);
    w.u8(static_cast<std::uint8_t>(Message::type));
    const auto at = w.open<3>();
    encode(w, m);
    w.close<3>(at);
    REQUIRE(w.ok());
    byte_vector record = {22, static_cast<std::uint8_t>(record_version >> 8), static_cast<std::uint8_t>(record_version),
                          static_cast<std::uint8_t>(w.size() >> 8), static_cast<std::uint8_t>(w.size())};
    record.insert(record.end(), body.begin(), body.begin() + static_cast<std::ptrdiff_t>(w.size()));
    return record;
}

// The fatal handshake_failure alert, in the clear.
const byte_vector handshake_failure_alert = {21, 3, 3, 0, 2, 2, 40};

bool ends_with(const byte_vector& data, const byte_vector& tail) {
    return data.size() >= tail.size() && std::equal(tail.begin(), tail.end(), data.end() - static_cast<std::ptrdiff_t>(tail.size()));
}

}  // namespace

TEST_CASE("TLS PSK-only build: external PSK handshakes in both modes with every suite") {
    int runs = 0;
    for (const tls::cipher_suite suite : tls::default_cipher_suites) {
        for (const tls::psk_mode mode : {tls::psk_mode::psk_ke, tls::psk_mode::psk_dhe_ke}) {
            CAPTURE(static_cast<int>(suite));
            CAPTURE(static_cast<int>(mode));
            psk_setup t(suite, mode);
            handshake_and_talk(t);
            ++runs;
        }
    }
    CHECK(runs == 2 * static_cast<int>(std::size(tls::default_cipher_suites)));
    CHECK(std::size(tls::default_cipher_suites) == 3);  // this build leaves no suite out
}

TEST_CASE("TLS PSK-only build: a client without PSKs cannot start; it sends no signature_algorithms") {
    psk_setup t(tls::cipher_suite::chacha20_poly1305_sha256, tls::psk_mode::psk_dhe_ke);
    byte_vector out(1 << 14);
    {
        tls::client_config none = t.client_config;
        none.external_psks = {};
        tls::client c(none);
        const auto r = c.start(out);
        CHECK(r.what == tls::event::refused);
        CHECK(r.failure == tls::error::wrong_state);
    }
    tls::client c(t.client_config);
    const auto r = c.start(out);
    REQUIRE(r.what == tls::event::need_input);
    tls::detail::codec::client_hello ch;
    REQUIRE(r.produced > 9);
    REQUIRE(decode(byte_view(out).subspan(9, r.produced - 9), ch) == tls::error::none);
    CHECK(!ch.present.contains(tls::extension_type::signature_algorithms));
    CHECK(ch.present.contains(tls::extension_type::pre_shared_key));
}

TEST_CASE("TLS PSK-only build: a server refuses a certificate handshake with handshake_failure") {
    psk_setup t(tls::cipher_suite::chacha20_poly1305_sha256, tls::psk_mode::psk_dhe_ke);
    // What a client of the full build sends: a share and signature_algorithms, and no PSK.
    counter_random random(5);
    bytes<32> hello_random{}, share{};
    random.fill(hello_random);
    random.fill(share);
    static constexpr tls::cipher_suite suites[] = {tls::cipher_suite::chacha20_poly1305_sha256};
    static constexpr tls::named_group groups[] = {tls::named_group::x25519};
    static constexpr std::uint16_t versions[] = {tls::version_tls13};
    static constexpr tls::signature_scheme schemes[] = {tls::signature_scheme::ed25519,
                                                        tls::signature_scheme::ecdsa_secp256r1_sha256};
    const tls::detail::codec::key_share_entry shares[] = {{tls::named_group::x25519, share}};
    tls::detail::codec::client_hello ch;
    ch.random = hello_random;
    ch.cipher_suites = std::span<const tls::cipher_suite>(suites);
    ch.supported_groups = std::span<const tls::named_group>(groups);
    ch.has_key_share = true;
    ch.key_shares = std::span<const tls::detail::codec::key_share_entry>(shares);
    ch.supported_versions = std::span<const std::uint16_t>(versions);
    ch.signature_algorithms = std::span<const tls::signature_scheme>(schemes);
    byte_vector hello = handshake_record(ch, 0x0301), to_client, received;
    tls::server server(t.server_config);
    byte_vector out(1 << 15);
    const auto r = server.receive(hello, out);
    CHECK(r.what == tls::event::fatal);
    CHECK(r.failure == tls::error::handshake_failure);
    CHECK(r.alert == tls::alert_description::handshake_failure);
    CHECK(byte_vector(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced)) == handshake_failure_alert);
    CHECK(!server.handshake_complete());
}

TEST_CASE("TLS PSK-only build: a client refuses a server that selects no PSK with handshake_failure") {
    for (const tls::psk_mode mode : {tls::psk_mode::psk_ke, tls::psk_mode::psk_dhe_ke}) {
        CAPTURE(static_cast<int>(mode));
        psk_setup t(tls::cipher_suite::chacha20_poly1305_sha256, mode);
        tls::client client(t.client_config);
        byte_vector out(1 << 15);
        REQUIRE(client.start(out).what == tls::event::need_input);
        // A full-build server's answer to it: its own share, and no pre_shared_key (it would go on
        // with a certificate).
        counter_random random(6);
        bytes<32> server_random{}, share{};
        random.fill(server_random);
        random.fill(share);
        tls::detail::codec::server_hello sh;
        sh.random = server_random;
        sh.suite = tls::cipher_suite::chacha20_poly1305_sha256;
        sh.has_key_share = true;
        sh.key_share = {tls::named_group::x25519, share};
        byte_vector hello = handshake_record(sh, 0x0303);
        const auto r = client.receive(hello, out);
        CHECK(r.what == tls::event::fatal);
        CHECK(r.failure == tls::error::handshake_failure);
        CHECK(r.alert == tls::alert_description::handshake_failure);
        CHECK(ends_with(byte_vector(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced)),
                        handshake_failure_alert));
        CHECK(!client.handshake_complete());
    }
}
