// EndOfEarlyData (RFC 8446 §4.5): an empty message; any body is decode_error.
#pragma once

#include "carapace/core/bytes.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

struct end_of_early_data {
    static constexpr handshake_type type = handshake_type::end_of_early_data;
    friend constexpr bool operator==(const end_of_early_data&, const end_of_early_data&) noexcept = default;
};

constexpr void encode(writer&, const end_of_early_data&) noexcept {}

[[nodiscard]] constexpr error decode(byte_view body, end_of_early_data&) noexcept {
    return body.empty() ? error::none : error::decode_error;
}

}  // namespace carapace::tls::detail::codec
