// The keys a server seals its session tickets with (RFC 8446 §4.6.1 leaves the ticket's content
// to the server; this is ours: stateless tickets, see detail/tickets/sealed_ticket.hpp). The caller
// supplies them, so that a fleet of servers can share them, and rotates them: the first key of
// server_config::ticket_keys seals new tickets, every key listed still opens the tickets sealed
// under it, and a key removed from the list retires its tickets.
#pragma once

#include <cstdint>

#include "carapace/core/bytes.hpp"

namespace carapace::tls {

// One key of the ring: an id and its secret.
struct ticket_key {
    std::uint32_t id = 0;  // names the key inside each ticket; distinct within a ring
    bytes<32> key{};       // XChaCha20-Poly1305, from a secure random source
};

}  // namespace carapace::tls
