// EncryptedExtensions (RFC 8446 §4.3.1): the server's answers to the client's extensions that do
// not shape the key exchange. A response: the decoder checks each extension against what our
// ClientHello offered (unsupported_extension otherwise) and against the table (illegal_parameter
// for one that belongs to another message).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/codec/certificate_types.hpp"
#include "carapace/tls/detail/codec/extensions.hpp"
#include "carapace/tls/detail/codec/lists.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

inline constexpr extension_type default_encrypted_extensions_order[] = {
    extension_type::supported_groups, extension_type::record_size_limit, extension_type::server_name,
    extension_type::application_layer_protocol_negotiation, extension_type::early_data,
    extension_type::server_certificate_type, extension_type::client_certificate_type};

struct encrypted_extensions {
    static constexpr handshake_type type = handshake_type::encrypted_extensions;

    named_group_list supported_groups;    // §4.2.7: the server's groups, sent when not empty
    std::uint16_t record_size_limit = 0;  // RFC 8449 §4: only in answer to the client's
    bool server_name_acknowledged = false;  // RFC 6066 §3: an empty server_name
    byte_view alpn;                         // RFC 7301 §3.1: the one selected protocol
    bool early_data = false;                // §4.2.10: the server accepts 0-RTT
    std::optional<std::uint8_t> server_certificate_type;  // RFC 7250 §4.2: the type of the server's Certificate
    std::optional<std::uint8_t> client_certificate_type;  // RFC 7250 §4.2: the type asked of the client

    std::span<const raw_extension> extra_extensions;  // sender only
    extension_order order;  // sender's choice (empty: default_encrypted_extensions_order); decoder's record
    std::size_t ignored_extensions = 0;  // decoder: allowed, offered, but not represented here
};

constexpr bool same_extensions(const encrypted_extensions& a, const encrypted_extensions& b) noexcept {
    return a.supported_groups == b.supported_groups && a.record_size_limit == b.record_size_limit &&
           a.server_name_acknowledged == b.server_name_acknowledged && same_bytes(a.alpn, b.alpn) &&
           a.early_data == b.early_data && a.server_certificate_type == b.server_certificate_type &&
           a.client_certificate_type == b.client_certificate_type;
}

constexpr void encode(writer& w, const encrypted_extensions& ee) noexcept {
    const std::size_t extensions = w.open<2>();
    write_in_order(w, ee.order, default_encrypted_extensions_order, ee.extra_extensions, [&](extension_type t) {
        switch (t) {
            case extension_type::supported_groups:
                if (ee.supported_groups.empty()) return;
                write_extension(w, t, [&](writer& x) {
                    const std::size_t list = x.open<2>();
                    ee.supported_groups.encode(x);
                    x.close<2>(list);
                });
                return;
            case extension_type::record_size_limit:
                if (ee.record_size_limit != 0) write_extension(w, t, [&](writer& x) { x.u16(ee.record_size_limit); });
                return;
            case extension_type::server_name:
                if (ee.server_name_acknowledged) write_extension(w, t, [](writer&) {});
                return;
            case extension_type::application_layer_protocol_negotiation:
                if (ee.alpn.empty()) return;
                write_extension(w, t, [&](writer& x) {
                    const std::size_t list = x.open<2>();
                    x.vector<1>(ee.alpn);
                    x.close<2>(list);
                });
                return;
            case extension_type::early_data:
                if (ee.early_data) write_extension(w, t, [](writer&) {});
                return;
            case extension_type::server_certificate_type:
            case extension_type::client_certificate_type: {
                const auto& type = t == extension_type::server_certificate_type ? ee.server_certificate_type
                                                                               : ee.client_certificate_type;
                if (type) write_extension(w, t, [&](writer& x) { x.u8(*type); });
                return;
            }
            default: return;
        }
    });
    w.close<2>(extensions);
}

// `offered`: the extensions our ClientHello sent (offered_extensions() of client_hello.hpp).
// Whether a selected ALPN protocol is one we offered is the client's to check.
[[nodiscard]] constexpr error decode(byte_view body, encrypted_extensions& ee, const extension_set& offered) noexcept {
    ee = encrypted_extensions{};
    reader r(body);
    const byte_view extensions = r.vector<2>();
    if (!r.done()) return error::decode_error;
    return walk_extensions(
        extensions, message_kind::encrypted_extensions, offered,
        [&](std::uint16_t type, byte_view data) -> error {
            ee.order.push(type);
            reader x(data);
            switch (static_cast<extension_type>(type)) {
                case extension_type::supported_groups:
                    return read_u16_list(x, ee.supported_groups) && x.done() ? error::none : error::decode_error;
                case extension_type::record_size_limit:
                    return decode_record_size_limit_data(data, ee.record_size_limit);
                case extension_type::server_name:
                    ee.server_name_acknowledged = true;
                    return data.empty() ? error::none : error::decode_error;
                case extension_type::application_layer_protocol_negotiation: {
                    // Exactly one protocol.
                    reader list = x.sub<2>(2);
                    ee.alpn = list.vector<1>(1);
                    return x.done() && list.done() ? error::none : error::decode_error;
                }
                case extension_type::early_data:
                    ee.early_data = true;
                    return data.empty() ? error::none : error::decode_error;
                // Never offered without raw public keys (CARAPACE_TLS_NO_RAW_PUBLIC_KEYS).
                case extension_type::server_certificate_type:
                    if (!have_raw_public_keys) return error::unsupported_extension;
                    return decode_certificate_type_choice(data, ee.server_certificate_type);
                case extension_type::client_certificate_type:
                    if (!have_raw_public_keys) return error::unsupported_extension;
                    return decode_certificate_type_choice(data, ee.client_certificate_type);
                default:
                    ++ee.ignored_extensions;
                    return error::none;
            }
        },
        [](std::uint16_t) { return error::none; });
}

}  // namespace carapace::tls::detail::codec
