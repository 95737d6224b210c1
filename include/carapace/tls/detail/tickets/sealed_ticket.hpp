// Our session tickets (RFC 8446 §4.6.1: the ticket is opaque to the client, its content the
// server's): what a server needs to resume a session, sealed under a ticket key
// (tickets/ticket_keys.hpp) so that it needs no state, and so that the resumption PSK never leaves
// the server unsealed.
//
//   ticket  = key_id (4) | nonce (24) | XChaCha20-Poly1305(content) | tag (16), key_id and nonce
//             as the associated data; the nonce random (24 bytes: safe for any number of tickets).
//   content = version (1) | suite (2) | issued_at (8) | lifetime (4) | age_add (4) |
//             max_early_data (4) | psk<1> | SHA-256(server_name) (32) | SHA-256(alpn) (32)
//
// The server name and ALPN protocol a ticket is bound to are kept as hashes: checking them needs
// only equality, and the ticket stays small and of one size for a hash, whatever the names.
//
// Opening takes a ticket of any shape from the network: a malformed one, or one under a key the
// ring no longer holds, is simply not a ticket of ours.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/tickets/ticket_keys.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail {

inline constexpr std::uint8_t ticket_format_version = 1;
inline constexpr std::size_t ticket_header_size = 4 + 24;
inline constexpr std::size_t ticket_tag_size = 16;
inline constexpr std::size_t max_ticket_content_size = 1 + 2 + 8 + 4 + 4 + 4 + (1 + max_hash_size) + 32 + 32;
inline constexpr std::size_t max_sealed_ticket_size = ticket_header_size + max_ticket_content_size + ticket_tag_size;

struct ticket_contents {
    cipher_suite suite{};
    std::int64_t issued_at = 0;  // seconds since the epoch, by the server's clock
    std::uint32_t lifetime = 0;
    std::uint32_t age_add = 0;
    std::uint32_t max_early_data = 0;
    byte_view psk;
    bytes<32> server_name_hash{};  // binding_hash() of each
    bytes<32> alpn_hash{};
};

// What a ticket keeps of a server name or ALPN protocol (empty ones included).
[[nodiscard]] inline bytes<32> binding_hash(byte_view name) noexcept { return sha256::hash(name); }

[[nodiscard]] constexpr std::size_t sealed_ticket_size(const ticket_contents& c) noexcept {
    return ticket_header_size + 1 + 2 + 8 + 4 + 4 + 4 + 1 + c.psk.size() + 32 + 32 + ticket_tag_size;
}

// Seals `c` under `key` with `nonce` (24 random bytes) into out; returns the ticket's size, 0 when
// out is too small or a field too long.
[[nodiscard]] inline std::size_t seal_ticket(const ticket_key& key, std::span<const std::uint8_t, 24> nonce,
                                             const ticket_contents& c, byte_span out) noexcept {
    if (c.psk.size() > max_hash_size) return 0;
    const std::size_t size = sealed_ticket_size(c);
    if (out.size() < size) return 0;
    writer w(out.first(size));
    w.u32(key.id);
    w.bytes(nonce);
    w.u8(ticket_format_version);
    w.u16(static_cast<std::uint16_t>(c.suite));
    const auto issued = static_cast<std::uint64_t>(c.issued_at);
    w.u32(static_cast<std::uint32_t>(issued >> 32));
    w.u32(static_cast<std::uint32_t>(issued));
    w.u32(c.lifetime);
    w.u32(c.age_add);
    w.u32(c.max_early_data);
    w.vector<1>(c.psk);
    w.bytes(c.server_name_hash);
    w.bytes(c.alpn_hash);
    if (!w.ok() || w.size() != size - ticket_tag_size) return 0;
    const byte_span content = out.subspan(ticket_header_size, size - ticket_header_size - ticket_tag_size);
    const xchacha20_poly1305 aead(key.key);
    if (aead.seal(nonce, out.first(ticket_header_size), content, content,
                  fixed_span<ticket_tag_size>(out.data() + size - ticket_tag_size, ticket_tag_size)) != errc::ok)
        return 0;
    return size;
}

// Opens a ticket sealed under one of `keys` into `scratch` (at least max_ticket_content_size
// bytes; `out`'s views point into it, and the caller wipes it). False when the ticket is not one
// of ours: wrong size, unknown key, failed authentication or malformed content.
[[nodiscard]] inline bool open_ticket(std::span<const ticket_key> keys, byte_view ticket, byte_span scratch,
                                      ticket_contents& out) noexcept {
    if (ticket.size() < ticket_header_size + ticket_tag_size ||
        ticket.size() > max_sealed_ticket_size || scratch.size() < max_ticket_content_size)
        return false;
    const std::uint32_t id = std::uint32_t{ticket[0]} << 24 | std::uint32_t{ticket[1]} << 16 |
                             std::uint32_t{ticket[2]} << 8 | ticket[3];
    const ticket_key* key = nullptr;
    for (const ticket_key& k : keys)
        if (key == nullptr && k.id == id) key = &k;
    if (key == nullptr) return false;
    const std::size_t content_size = ticket.size() - ticket_header_size - ticket_tag_size;
    const byte_span content = scratch.first(content_size);
    const xchacha20_poly1305 aead(key->key);
    if (aead.open(ticket.subspan(4, 24), ticket.first(ticket_header_size),
                  ticket.subspan(ticket_header_size, content_size), ticket.last(ticket_tag_size), content) != errc::ok)
        return false;
    reader r(content);
    if (r.u8() != ticket_format_version) return false;
    out.suite = static_cast<cipher_suite>(r.u16());
    const std::uint64_t high = r.u32();
    out.issued_at = static_cast<std::int64_t>(high << 32 | r.u32());
    out.lifetime = r.u32();
    out.age_add = r.u32();
    out.max_early_data = r.u32();
    out.psk = r.vector<1>(1, max_hash_size);
    const byte_view name = r.bytes(32);
    const byte_view alpn = r.bytes(32);
    if (!r.done()) return false;
    std::copy(name.begin(), name.end(), out.server_name_hash.begin());
    std::copy(alpn.begin(), alpn.end(), out.alpn_hash.begin());
    return true;
}

}  // namespace carapace::tls::detail
