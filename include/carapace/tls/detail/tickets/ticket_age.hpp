// The freshness check of RFC 8446 §8.3: the ticket age a client reports (its obfuscated age less
// the ticket's age_add, §4.2.11.1) against the age the server itself sees since it issued the
// ticket. A ClientHello replayed later, or made long ago, reports an age that falls behind ours by
// more than the allowed skew, and its early data is declined (the handshake goes on in 1-RTT).
#pragma once

#include <cstdint>

namespace carapace::tls::detail {

// Whether the client's reported age matches ours within `skew_ms` milliseconds. Our clock counts
// whole seconds, so our age is known to within a second: that second is part of the allowance.
[[nodiscard]] constexpr bool ticket_age_fresh(std::uint32_t obfuscated_age, std::uint32_t age_add,
                                              std::int64_t issued_at, std::int64_t now,
                                              std::uint32_t skew_ms) noexcept {
    if (now < issued_at) return false;
    const std::int64_t client_ms = static_cast<std::uint32_t>(obfuscated_age - age_add);  // modulo 2^32
    const std::int64_t server_ms = (now - issued_at) * 1000;
    const std::int64_t difference = server_ms > client_ms ? server_ms - client_ms : client_ms - server_ms;
    return difference <= static_cast<std::int64_t>(skew_ms) + 1000;
}

}  // namespace carapace::tls::detail
