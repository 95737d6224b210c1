// KeyUpdate (RFC 8446 §4.6.3): one byte, update_not_requested (0) or update_requested (1); any
// other value is illegal_parameter, any other length decode_error.
#pragma once

#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

struct key_update {
    static constexpr handshake_type type = handshake_type::key_update;
    bool update_requested = false;
    friend constexpr bool operator==(const key_update&, const key_update&) noexcept = default;
};

constexpr void encode(writer& w, const key_update& k) noexcept { w.u8(k.update_requested ? 1 : 0); }

[[nodiscard]] constexpr error decode(byte_view body, key_update& k) noexcept {
    k = key_update{};
    reader r(body);
    const std::uint32_t v = r.u8();
    if (!r.done()) return error::decode_error;
    if (v > 1) return error::illegal_parameter;
    k.update_requested = v == 1;
    return error::none;
}

}  // namespace carapace::tls::detail::codec
