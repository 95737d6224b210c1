// A TLS 1.3 client image for a Cortex-M4: ChaCha20-Poly1305, SHA-256 and X.509 path validation
// against one trust anchor, in three shapes. By default X25519 and Ed25519 chains; with
// CARAPACE_EXAMPLE_P256 the common shape of an IoT device: secp256r1 only and ECDSA P-256 chains
// (built with CARAPACE_NO_ED25519 and CARAPACE_NO_P384); with CARAPACE_EXAMPLE_CCM it offers the
// AES-CCM suites instead (TLS_AES_128_CCM_SHA256, then TLS_AES_128_CCM_8_SHA256), for servers of
// devices whose AES hardware has no GHASH. scripts/baremetal builds them with the size switches
// and reports their sizes; the board (board.cpp) supplies randomness, time and transport.
//
// The size switches (each leaves out code a small client does not need; see README.md):
//   CARAPACE_TLS_NO_AES_GCM        no AES-GCM suites
//   CARAPACE_TLS_NO_AES_CCM        no AES-CCM suites (with the above: ChaCha20-Poly1305 only)
//   CARAPACE_TLS_NO_SHA384         no TLS_AES_256_GCM_SHA384, so no SHA-384/SHA-512 in TLS
//   CARAPACE_X25519_NO_BASE_TABLE  X25519 key generation by the ladder, not the Edwards table
//   CARAPACE_EC_NO_BASE_TABLE      P-256 key generation without the 148 KiB comb of G's multiples
//   CARAPACE_NO_ED25519, CARAPACE_NO_P256, CARAPACE_NO_P384: certificate and CertificateVerify
//                                  signatures of those algorithms not verified (x509/signatures.hpp)
//   CARAPACE_NO_MLKEM              no ML-KEM groups: the engine's key-share storage keeps its
//                                  classical size (tls/interfaces.hpp)
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>

#include "board.hpp"
#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"

using namespace carapace;

namespace {

class board_random final : public tls::random_source {
public:
    void fill(byte_span out) noexcept override { board::random_fill(out.data(), out.size()); }
};

class board_clock final : public tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override {
        const std::int64_t t = board::unix_time();
        if (t < 0) return std::nullopt;
        return t;
    }
};

// A client with a 4 KiB handshake buffer (the largest handshake message it accepts): enough for
// a short Ed25519 or ECDSA chain. The record buffer is always one full record (16 KiB + 261 bytes).
using client = tls::basic_client<4096>;

// The engine lives in static storage and is never destroyed (main does not return), so no
// destructor is registered with atexit.
alignas(client) std::uint8_t client_storage[sizeof(client)];
std::uint8_t input[2048];
std::uint8_t output[2048];

#if defined(CARAPACE_EXAMPLE_CCM)
constexpr tls::cipher_suite suites[] = {tls::cipher_suite::aes_128_ccm_sha256, tls::cipher_suite::aes_128_ccm_8_sha256};
#else
constexpr tls::cipher_suite suites[] = {tls::cipher_suite::chacha20_poly1305_sha256};
#endif

void send(const tls::io_result& r) noexcept { board::send(output, r.produced); }

}  // namespace

int main() {
    x509::trust_store<1> store;
    if (store.add(byte_view(board::trust_anchor, board::trust_anchor_size)) != errc::ok) board::halt(2);
    tls::x509_verifier<1, 4> verifier(store);  // our server sends one intermediate; four fit any re-issue
#if defined(CARAPACE_EXAMPLE_P256)
    tls::p256_key_exchange secp256r1;
    tls::key_exchange* groups[] = {&secp256r1};
    static constexpr tls::named_group group_names[] = {tls::named_group::secp256r1};
#else
    tls::x25519_key_exchange x25519;
    tls::key_exchange* groups[] = {&x25519};
    static constexpr tls::named_group group_names[] = {tls::named_group::x25519};
#endif
    board_random random;
    board_clock clock;

    tls::client_config config;
    config.server_name = "localhost";
    config.cipher_suites = suites;
    config.key_exchanges = groups;
    config.groups = group_names;
    config.verifier = &verifier;
    config.random = &random;
    config.clock = &clock;
    client& c = *::new (static_cast<void*>(client_storage)) client(config);

    tls::io_result r = c.start(output);
    if (r.what == tls::event::fatal) board::halt(1);
    send(r);
    static constexpr std::uint8_t request[] = {'p', 'i', 'n', 'g', '\n'};
    for (;;) {
        std::size_t size = board::receive(input, sizeof input);
        byte_view pending(input, size);
        do {
            r = c.receive(pending, output);
            send(r);
            pending = pending.subspan(r.consumed);
            switch (r.what) {
                case tls::event::handshake_complete: send(c.send(request, output)); break;
                case tls::event::app_data:
                    board::deliver(r.data.data(), r.data.size());
                    send(c.close(output));
                    break;
                case tls::event::peer_closed: board::halt(0); break;
                case tls::event::fatal: board::halt(1); break;
                default: break;
            }
        } while (r.what != tls::event::need_input);
    }
}
