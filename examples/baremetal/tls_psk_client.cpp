// A TLS 1.3 client image for a Cortex-M4 that carries no certificates: the device is provisioned
// with an external PSK (RFC 8446 §2.2, §4.2.11) and connects with psk_dhe_ke, so that X25519 keeps
// the session forward secret even if the PSK leaks later. Built with CARAPACE_TLS_NO_CERTIFICATES
// (no X.509, no certificate messages, no signatures) and the size switches of tls_client.cpp that
// still apply; scripts/baremetal reports its size beside the certificate client's. The board
// (board.cpp) supplies randomness, the PSK and transport.
#include <cstddef>
#include <cstdint>
#include <new>

#include "board.hpp"
#include "carapace/tls/client.hpp"
#include "carapace/tls/key_exchanges.hpp"

using namespace carapace;

namespace {

class board_random final : public tls::random_source {
public:
    void fill(byte_span out) noexcept override { board::random_fill(out.data(), out.size()); }
};

// A PSK handshake's largest message is the server's EncryptedExtensions: a 1 KiB handshake buffer
// holds it with room to spare.
using client = tls::basic_client<1024>;

// The engine lives in static storage and is never destroyed (main does not return).
alignas(client) std::uint8_t client_storage[sizeof(client)];
std::uint8_t input[2048];
std::uint8_t output[2048];

constexpr tls::cipher_suite suites[] = {tls::cipher_suite::chacha20_poly1305_sha256};
constexpr tls::named_group group_names[] = {tls::named_group::x25519};
constexpr tls::psk_mode modes[] = {tls::psk_mode::psk_dhe_ke};

void send(const tls::io_result& r) noexcept { board::send(output, r.produced); }

}  // namespace

int main() {
    tls::x25519_key_exchange x25519;
    tls::key_exchange* groups[] = {&x25519};
    board_random random;
    const tls::external_psk psks[] = {{byte_view(board::psk_identity, board::psk_identity_size),
                                       byte_view(board::psk_key, board::psk_key_size), tls::hash_kind::sha256}};

    tls::client_config config;
    config.server_name = "localhost";
    config.cipher_suites = suites;
    config.key_exchanges = groups;
    config.groups = group_names;
    config.random = &random;
    config.external_psks = psks;
    config.psk_modes = modes;
    client& c = *::new (static_cast<void*>(client_storage)) client(config);

    tls::io_result r = c.start(output);
    if (r.what == tls::event::fatal || r.what == tls::event::refused) board::halt(1);
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
