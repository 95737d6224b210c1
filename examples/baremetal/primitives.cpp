// The primitives alone, for a Cortex-M4: SHA-256, HMAC and HKDF over it, ChaCha20-Poly1305,
// X25519 and Ed25519 verification, with no TLS or X.509. scripts/baremetal reports its sizes.
// Inputs come from the board so that nothing is computed at compile time.
#include <cstddef>
#include <cstdint>

#include "board.hpp"
#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/kdf/hkdf.hpp"

using namespace carapace;

namespace {
std::uint8_t buffer[256];
}

int main() {
    bytes<32> key{}, peer{}, public_key{};
    bytes<64> signature{};
    board::random_fill(key.data(), key.size());
    const std::size_t n = board::receive(buffer, sizeof buffer);
    const byte_view message(buffer, n);

    // Key exchange, then the traffic key from the shared secret.
    board::random_fill(peer.data(), peer.size());
    bytes<32> shared{};
    if (x25519(shared, key, peer) != errc::ok) board::halt(1);
    const bytes<32> ours = x25519_public_key(key);
    bytes<32> traffic{};
    if (hkdf<sha256>(ours, shared, message, traffic) != errc::ok) board::halt(1);

    // A signature over the message.
    board::random_fill(public_key.data(), public_key.size());
    board::random_fill(signature.data(), signature.size());
    const bool valid = ed25519_verify(public_key, message, signature);

    // The message sealed and opened again.
    const chacha20_poly1305 aead(traffic);
    bytes<12> nonce{};
    bytes<16> tag{};
    static std::uint8_t sealed[sizeof buffer];
    if (aead.seal(nonce, {}, message, byte_span(sealed, n), tag) != errc::ok) board::halt(1);
    if (aead.open(nonce, {}, byte_view(sealed, n), tag, byte_span(buffer, n)) != errc::ok) board::halt(1);

    const auto digest = sha256::hash(message);
    board::deliver(digest.data(), digest.size());
    board::halt(valid ? 0 : 1);
}
