// Pieces of the hello messages both roles share: extension ordering, ClientHello padding and the
// downgrade sentinel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/detail/wire.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls::detail {

// Writes a hello's extensions: in `order` when given (else `default_order`), each either one of
// ours (write_own returns false when it does not apply) or a caller-supplied raw one of that
// type; raw extensions whose type is not in the order follow at the end.
template <class WriteOwn>
void write_extensions_in_order(writer& w, std::span<const extension_type> order, std::span<const raw_extension> extra,
                               WriteOwn&& write_own, std::span<const extension_type> default_order) noexcept {
    const auto list = order.empty() ? default_order : order;
    auto listed = [&](std::uint16_t type) {
        for (const extension_type t : list)
            if (static_cast<std::uint16_t>(t) == type) return true;
        return false;
    };
    auto write_raw = [&](const raw_extension& x) {
        w.u16(x.type);
        w.vector<2>(x.data);
    };
    for (const extension_type t : list) {
        bool raw = false;
        for (const auto& x : extra)
            if (x.type == static_cast<std::uint16_t>(t)) {
                write_raw(x);
                raw = true;
            }
        if (!raw) write_own(t);
    }
    for (const auto& x : extra)
        if (!listed(x.type)) write_raw(x);
}

// The ClientHello order when the caller gives none.
inline constexpr extension_type default_client_extension_order[] = {
    extension_type::server_name,
    extension_type::supported_groups,
    extension_type::key_share,
    extension_type::supported_versions,
    extension_type::signature_algorithms,
    extension_type::signature_algorithms_cert,
    extension_type::application_layer_protocol_negotiation,
    extension_type::cookie,
    extension_type::psk_key_exchange_modes,
    extension_type::record_size_limit,
};

template <class WriteOwn>
void write_extensions_in_order(writer& w, std::span<const extension_type> order, std::span<const raw_extension> extra,
                               WriteOwn&& write_own) noexcept {
    write_extensions_in_order(w, order, extra, write_own, default_client_extension_order);
}

// Some middleboxes hang on ClientHellos of 256 to 511 bytes; the padding extension (RFC 7685)
// brings such a hello to 512. `message_size` is the handshake message so far, header included.
inline void write_client_hello_padding(writer& w, std::size_t message_size) noexcept {
    if (message_size <= 0xff || message_size >= 0x200) return;
    std::size_t padding = 0x200 - message_size;
    padding = padding >= 4 + 1 ? padding - 4 : 1;
    w.u16(static_cast<std::uint16_t>(extension_type::padding));
    w.u16(static_cast<std::uint32_t>(padding));
    w.zeros(padding);
}

// §4.1.3: the last eight bytes of a TLS 1.3 server's Random when it negotiates TLS 1.2 or below.
constexpr bool has_downgrade_sentinel(byte_view random) noexcept {
    constexpr std::uint8_t prefix[7] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44};  // "DOWNGRD"
    if (random.size() != 32) return false;
    for (std::size_t i = 0; i < 7; ++i)
        if (random[24 + i] != prefix[i]) return false;
    return random[31] == 0 || random[31] == 1;
}

}  // namespace carapace::tls::detail
