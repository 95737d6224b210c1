// Stateful session tickets (RFC 8446 §4.6.1, §8.1): instead of sealing what resuming needs into
// the ticket (ticket_keys.hpp), a server may hand out opaque identifiers and keep each session's
// PSK and parameters itself, e.g. in a database shared by a fleet. The caller issues such tickets
// with send_session_ticket() and resumption_psk(), stores them, and answers the server engine's
// lookups through this interface. A lookup takes the ticket away: each is used once, which is
// also what makes 0-RTT with it safe from replay (§8.1).
#pragma once

#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/cipher_suites.hpp"

namespace carapace::tls {

// What a server kept for one ticket it issued.
struct stored_session {
    byte_view psk;                     // the resumption PSK (secret), of the suite's hash size
    cipher_suite suite{};              // of the connection that issued the ticket
    std::int64_t issued_at = 0;        // seconds since the epoch, by the server's clock
    std::uint32_t lifetime = 0;        // seconds
    std::uint32_t age_add = 0;         // as sent in the NewSessionTicket
    std::uint32_t max_early_data = 0;  // as sent in the NewSessionTicket (0: none)
    byte_view server_name;             // the SNI of that connection (empty: none)
    byte_view alpn;                    // the ALPN protocol of that connection (empty: none)
};

// The server's lookup of the opaque tickets it issued.
class server_ticket_store {
public:
    // Finds `ticket`, removes it, and describes it in `out` (its views valid until the next call
    // into the store); false when unknown.
    virtual bool take(byte_view ticket, stored_session& out) noexcept = 0;

protected:
    ~server_ticket_store() = default;
};

}  // namespace carapace::tls
