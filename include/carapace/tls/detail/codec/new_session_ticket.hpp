// NewSessionTicket (RFC 8446 §4.6.1): a ticket the server gives for resumption. The lifetime is
// at most seven days (illegal_parameter otherwise), the ticket non-empty; early_data carries
// max_early_data_size; other recognized extensions are illegal_parameter and unrecognized ones
// are ignored, as the table says.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/codec/extensions.hpp"
#include "carapace/tls/detail/codec/lists.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

inline constexpr std::uint32_t max_ticket_lifetime = 604800;  // seconds (§4.6.1)

struct new_session_ticket {
    static constexpr handshake_type type = handshake_type::new_session_ticket;
    std::uint32_t lifetime = 0;
    std::uint32_t age_add = 0;
    byte_view nonce;   // ticket_nonce<0..255>
    byte_view ticket;  // ticket<1..2^16-1>
    bool has_early_data = false;
    std::uint32_t max_early_data_size = 0;
    std::size_t ignored_extensions = 0;  // decoder: unrecognized extensions skipped
    friend constexpr bool operator==(const new_session_ticket& a, const new_session_ticket& b) noexcept {
        return a.lifetime == b.lifetime && a.age_add == b.age_add && same_bytes(a.nonce, b.nonce) &&
               same_bytes(a.ticket, b.ticket) && a.has_early_data == b.has_early_data &&
               a.max_early_data_size == b.max_early_data_size;
    }
};

constexpr void encode(writer& w, const new_session_ticket& t) noexcept {
    w.u32(t.lifetime);
    w.u32(t.age_add);
    w.vector<1>(t.nonce);
    w.vector<2>(t.ticket);
    const std::size_t extensions = w.open<2>();
    if (t.has_early_data) write_extension(w, extension_type::early_data, [&](writer& x) { x.u32(t.max_early_data_size); });
    w.close<2>(extensions);
}

[[nodiscard]] constexpr error decode(byte_view body, new_session_ticket& t) noexcept {
    t = new_session_ticket{};
    reader r(body);
    t.lifetime = r.u32();
    t.age_add = r.u32();
    t.nonce = r.vector<1>();
    t.ticket = r.vector<2>(1);
    const byte_view extensions = r.vector<2>();
    if (!r.done()) return error::decode_error;
    if (t.lifetime > max_ticket_lifetime) return error::illegal_parameter;
    return walk_extensions(
        extensions, message_kind::new_session_ticket, extension_set{},
        [&](std::uint16_t, byte_view data) -> error {
            // early_data is the only recognized extension the table allows here.
            reader x(data);
            t.has_early_data = true;
            t.max_early_data_size = x.u32();
            return x.done() ? error::none : error::decode_error;
        },
        [&](std::uint16_t) -> error {
            ++t.ignored_extensions;
            return error::none;
        });
}

}  // namespace carapace::tls::detail::codec
