// ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4): one wire struct, an HRR being a
// ServerHello whose random is hello_retry_random.
//
// The decoder settles the version before anything else (§4.1.3, §4.2.1, D.1): it parses the
// fixed fields, then finds supported_versions with a framing-only walk. Without it (or without an
// extension block at all, as TLS 1.2 and older ServerHellos may end after the compression
// method) the answer is protocol_version, or illegal_parameter when the random carries the
// downgrade sentinel; a version other than TLS 1.3 is illegal_parameter. Only then come
// legacy_version, compression and the extension table, checked against what the client offered.
// So a TLS 1.2 ServerHello never gets unsupported_extension or decode_error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/codec/extensions.hpp"
#include "carapace/tls/detail/codec/lists.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

// The Random of a HelloRetryRequest (§4.1.3): SHA-256 of "HelloRetryRequest".
inline constexpr bytes<32> hello_retry_random = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

// §4.1.3: the last eight bytes of a TLS 1.3 server's Random when it negotiates TLS 1.2 ("DOWNGRD"
// then 1) or below ("DOWNGRD" then 0).
constexpr bool has_downgrade_sentinel(byte_view random) noexcept {
    constexpr std::uint8_t prefix[7] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44};
    if (random.size() != 32) return false;
    for (std::size_t i = 0; i < 7; ++i)
        if (random[24 + i] != prefix[i]) return false;
    return random[31] == 0 || random[31] == 1;
}

// The order the server writes its hello extensions in when the caller gives none (that of the
// RFC 8448 traces, and of today's engine).
inline constexpr extension_type default_server_hello_order[] = {
    extension_type::pre_shared_key, extension_type::key_share, extension_type::cookie,
    extension_type::supported_versions};

struct server_hello {
    static constexpr handshake_type type = handshake_type::server_hello;

    std::uint16_t legacy_version = legacy_version_tls12;
    byte_view random;  // 32 bytes; hello_retry_random makes it a HelloRetryRequest
    byte_view session_id;  // legacy_session_id_echo
    cipher_suite suite{};
    std::uint16_t selected_version = version_tls13;  // supported_versions (always written)

    // ServerHello: key_share (§4.2.8) and pre_shared_key (§4.2.11).
    bool has_key_share = false;
    key_share_entry key_share;
    bool has_selected_identity = false;
    std::uint16_t selected_identity = 0;

    // HelloRetryRequest: key_share carries only the selected group; cookie (§4.2.2).
    bool has_selected_group = false;
    named_group selected_group{};
    byte_view cookie;

    std::span<const raw_extension> extra_extensions;  // sender only
    extension_order order;  // sender's choice (empty: default_server_hello_order); decoder's record

    [[nodiscard]] constexpr bool is_hello_retry_request() const noexcept {
        return same_bytes(random, hello_retry_random);
    }
};

constexpr bool same_hello(const server_hello& a, const server_hello& b) noexcept {
    return a.legacy_version == b.legacy_version && same_bytes(a.random, b.random) &&
           same_bytes(a.session_id, b.session_id) && a.suite == b.suite &&
           a.selected_version == b.selected_version && a.has_key_share == b.has_key_share &&
           a.key_share == b.key_share && a.has_selected_identity == b.has_selected_identity &&
           a.selected_identity == b.selected_identity && a.has_selected_group == b.has_selected_group &&
           a.selected_group == b.selected_group && same_bytes(a.cookie, b.cookie);
}

// The body (no handshake header). Check writer::ok() afterwards.
constexpr void encode(writer& w, const server_hello& sh) noexcept {
    w.u16(sh.legacy_version);
    w.bytes(sh.random);
    w.vector<1>(sh.session_id);
    w.u16(static_cast<std::uint16_t>(sh.suite));
    w.u8(0);  // legacy_compression_method
    const std::size_t extensions = w.open<2>();
    write_in_order(w, sh.order, default_server_hello_order, sh.extra_extensions, [&](extension_type t) {
        switch (t) {
            case extension_type::key_share:
                if (sh.has_key_share)
                    write_extension(w, t, [&](writer& x) { key_share_element::write(x, sh.key_share); });
                else if (sh.has_selected_group)
                    write_extension(w, t, [&](writer& x) { x.u16(static_cast<std::uint16_t>(sh.selected_group)); });
                return;
            case extension_type::cookie:
                if (!sh.cookie.empty()) write_extension(w, t, [&](writer& x) { x.vector<2>(sh.cookie); });
                return;
            case extension_type::pre_shared_key:
                if (sh.has_selected_identity) write_extension(w, t, [&](writer& x) { x.u16(sh.selected_identity); });
                return;
            case extension_type::supported_versions:
                write_extension(w, t, [&](writer& x) { x.u16(sh.selected_version); });
                return;
            default: return;
        }
    });
    w.close<2>(extensions);
}

// Decodes a ServerHello or HelloRetryRequest body; `offered` holds the extensions our ClientHello
// sent (offered_extensions() of client_hello.hpp). See the top of this file for the order of
// checks. What the values mean for the handshake (a suite or group we offered, the session id
// echo, an HRR that changes nothing) is the client state machine's to judge.
[[nodiscard]] constexpr error decode(byte_view body, server_hello& sh, const extension_set& offered) noexcept {
    sh = server_hello{};
    reader r(body);
    sh.legacy_version = static_cast<std::uint16_t>(r.u16());
    sh.random = r.bytes(32);
    sh.session_id = r.vector<1>(0, 32);
    sh.suite = static_cast<cipher_suite>(r.u16());
    const auto compression = r.u8();
    if (!r.ok()) return error::decode_error;
    const bool has_block = !r.empty();
    const byte_view extensions = has_block ? r.vector<2>() : byte_view{};
    std::size_t entries = 0;
    if (!r.done() || !count_id_entries(extensions, 0, entries)) return error::decode_error;

    // The version first.
    byte_view version;
    if (!find_extension(extensions, extension_type::supported_versions, version))
        return has_downgrade_sentinel(sh.random) ? error::illegal_parameter : error::protocol_version;
    reader v(version);
    sh.selected_version = static_cast<std::uint16_t>(v.u16());
    if (!v.done()) return error::decode_error;
    if (sh.selected_version != version_tls13) return error::illegal_parameter;

    if (sh.legacy_version != legacy_version_tls12 || compression != 0) return error::illegal_parameter;
    const bool retry = sh.is_hello_retry_request();
    const message_kind kind = retry ? message_kind::hello_retry_request : message_kind::server_hello;
    return walk_extensions(
        extensions, kind, offered,
        [&](std::uint16_t type, byte_view data) -> error {
            sh.order.push(type);
            reader x(data);
            switch (static_cast<extension_type>(type)) {
                case extension_type::supported_versions: return error::none;  // read above
                case extension_type::key_share:
                    if (retry) {
                        sh.has_selected_group = true;
                        sh.selected_group = static_cast<named_group>(x.u16());
                    } else {
                        sh.has_key_share = true;
                        sh.key_share = key_share_element::read(x);
                    }
                    return x.done() ? error::none : error::decode_error;
                case extension_type::cookie:
                    sh.cookie = x.vector<2>(1);
                    return x.done() ? error::none : error::decode_error;
                case extension_type::pre_shared_key:
                    sh.has_selected_identity = true;
                    sh.selected_identity = static_cast<std::uint16_t>(x.u16());
                    return x.done() ? error::none : error::decode_error;
                default:
                    // Every other recognized type is misplaced in a ServerHello: the table said so.
                    return error::illegal_parameter;
            }
        },
        [](std::uint16_t) { return error::none; });
}

}  // namespace carapace::tls::detail::codec
