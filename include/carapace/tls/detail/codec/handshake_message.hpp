// A whole handshake message (RFC 8446 §4): the 1-byte type, the 3-byte length and a codec's body.
// encode_message() is how every sender writes a message; the codecs themselves write bodies only,
// so the reassembly layer (which strips the header) and the senders meet in one place.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

inline constexpr std::size_t handshake_header_size = 4;

// Writes T::type, the body's length and encode(w, m). Check writer::ok() afterwards (a body
// longer than 2^24-1 bytes also fails it).
template <class T>
constexpr void encode_message(writer& w, const T& m) noexcept {
    w.u8(static_cast<std::uint8_t>(T::type));
    const std::size_t length = w.open<3>();
    encode(w, m);
    w.close<3>(length);
}

}  // namespace carapace::tls::detail::codec
