// ClientHello (RFC 8446 §4.1.2) and its extensions (§4.2), encode and decode in one place.
//
// One struct serves both directions. A sender (the client) points its fields at what it owns:
// each extension is written when its field is set (a non-empty list or view, a non-zero limit, a
// true flag), in `order` (empty: default_client_extension_order), with the caller's raw
// extensions placed where their type appears in the order, else after ours, and pre_shared_key
// always last (§4.2.11). A decoder fills the same fields with views into the message, records the
// order its recognized extensions came in and where the PSK binders begin (§4.2.11.2).
//
// Decoding follows the extension table (extensions.hpp): recognized-but-misplaced extensions are
// illegal_parameter, unrecognized ones are ignored (counted in ignored_extensions), a repeat is
// illegal_parameter. There is no cap on the number of extensions or key shares (§4.1.2, §9.3).
// What the server then chooses from a decoded hello is negotiation.hpp's job.
#pragma once

#include <cstddef>
#include <cstdint>
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

// A PskIdentity (§4.2.11): a ticket (or external identity) and its obfuscated age.
struct psk_identity {
    byte_view identity;
    std::uint32_t obfuscated_ticket_age = 0;
    friend constexpr bool operator==(const psk_identity& a, const psk_identity& b) noexcept {
        return a.obfuscated_ticket_age == b.obfuscated_ticket_age && same_bytes(a.identity, b.identity);
    }
};
struct psk_identity_element {
    using value_type = psk_identity;
    using typed_type = psk_identity;
    static constexpr std::size_t fixed_size = 0;
    static constexpr psk_identity read(reader& r) noexcept {
        psk_identity p;
        p.identity = r.vector<2>(1);
        p.obfuscated_ticket_age = r.u32();
        return p;
    }
    static constexpr void write(writer& w, const psk_identity& p) noexcept {
        w.vector<2>(p.identity);
        w.u32(p.obfuscated_ticket_age);
    }
    static constexpr psk_identity value_of(const psk_identity& p) noexcept { return p; }
    static constexpr bool equal(const psk_identity& a, const psk_identity& b) noexcept { return a == b; }
};
using psk_identity_list = wire_list<psk_identity_element>;
using psk_binder_list = wire_list<opaque8_element<32, 255>>;  // PskBinderEntry<32..255>

// The order the client writes its extensions in when the caller gives none.
inline constexpr extension_type default_client_extension_order[] = {
    extension_type::server_name,
    extension_type::status_request,
    extension_type::supported_groups,
    extension_type::key_share,
    extension_type::supported_versions,
    extension_type::signature_algorithms,
    extension_type::signature_algorithms_cert,
    extension_type::application_layer_protocol_negotiation,
    extension_type::cookie,
    extension_type::psk_key_exchange_modes,
    extension_type::record_size_limit,
    extension_type::client_certificate_type,
    extension_type::server_certificate_type,
    extension_type::early_data,
    extension_type::post_handshake_auth,
    extension_type::padding,
};

inline constexpr std::uint8_t null_compression[] = {0};

// CertificateStatusType ocsp (RFC 6066 §8), and the request a client sends: no responder ids, no
// request extensions.
inline constexpr std::uint8_t ocsp_status_type = 1;
inline constexpr std::uint8_t ocsp_status_request[] = {ocsp_status_type, 0, 0, 0, 0};

struct client_hello {
    static constexpr handshake_type type = handshake_type::client_hello;

    std::uint16_t legacy_version = legacy_version_tls12;  // D.5: 0x0300 or lower is refused
    byte_view random;                                     // 32 bytes
    byte_view session_id;                                 // 0..32 bytes
    cipher_suite_list cipher_suites;                      // written as given
    byte_view legacy_compression_methods = null_compression;

    // Extensions. A decoder sets `present` for each recognized one it saw.
    byte_view server_name;                     // the host_name (RFC 6066 §3)
    byte_view status_request;                  // CertificateStatusRequest (RFC 6066 §8), as on the wire
    named_group_list supported_groups;         // §4.2.7
    bool has_key_share = false;                // key_share may carry no entries (§4.2.8)
    key_share_list key_shares;
    version_list supported_versions;           // §4.2.1
    signature_scheme_list signature_algorithms;       // §4.2.3
    signature_scheme_list signature_algorithms_cert;  // §4.2.3
    protocol_name_list alpn;                          // RFC 7301
    byte_view cookie;                                 // §4.2.2
    byte_view psk_key_exchange_modes;                 // §4.2.9: PskKeyExchangeMode bytes
    std::uint16_t record_size_limit = 0;              // RFC 8449
    byte_view client_certificate_types;  // RFC 7250 §4.1: types the client can send (list contents)
    byte_view server_certificate_types;  // RFC 7250 §4.1: types it takes from the server
    bool early_data = false;                          // §4.2.10
    bool post_handshake_auth = false;                 // §4.2.6
    bool has_padding = false;                         // RFC 7685, padding_size zero bytes
    std::uint16_t padding_size = 0;
    psk_identity_list psk_identities;  // pre_shared_key (§4.2.11), written when not empty
    psk_binder_list psk_binders;       // a sender writes placeholders of the right sizes

    // Sender only: bring a 256..511-byte message to 512 with a padding extension written after the
    // others (before pre_shared_key), as some middleboxes need; raw extra extensions.
    bool pad_to_512 = false;
    std::span<const raw_extension> extra_extensions;

    // The order: a sender's choice (types missing from it are not written, except
    // pre_shared_key and pad_to_512's padding); a decoder's record of the wire order.
    extension_order order;

    // Decoder only.
    bool extensions_absent = false;  // the hello ended after its compression methods (pre-TLS 1.3)
    extension_set present;
    std::size_t binders_offset = 0;      // body offset of the binders list (its length prefix); 0: no PSK
    std::size_t ignored_extensions = 0;  // unrecognized extensions and non-host_name server names skipped
};

// Equality of what the hello says (not sender options, not the decoder's bookkeeping).
constexpr bool same_hello(const client_hello& a, const client_hello& b) noexcept {
    return a.legacy_version == b.legacy_version && same_bytes(a.random, b.random) &&
           same_bytes(a.session_id, b.session_id) && a.cipher_suites == b.cipher_suites &&
           same_bytes(a.legacy_compression_methods, b.legacy_compression_methods) &&
           same_bytes(a.server_name, b.server_name) && same_bytes(a.status_request, b.status_request) &&
           a.supported_groups == b.supported_groups &&
           a.has_key_share == b.has_key_share && a.key_shares == b.key_shares &&
           a.supported_versions == b.supported_versions && a.signature_algorithms == b.signature_algorithms &&
           a.signature_algorithms_cert == b.signature_algorithms_cert && a.alpn == b.alpn &&
           same_bytes(a.cookie, b.cookie) && same_bytes(a.psk_key_exchange_modes, b.psk_key_exchange_modes) &&
           a.record_size_limit == b.record_size_limit && a.early_data == b.early_data &&
           same_bytes(a.client_certificate_types, b.client_certificate_types) &&
           same_bytes(a.server_certificate_types, b.server_certificate_types) &&
           a.post_handshake_auth == b.post_handshake_auth && a.has_padding == b.has_padding &&
           a.padding_size == b.padding_size && a.psk_identities == b.psk_identities && a.psk_binders == b.psk_binders &&
           a.extensions_absent == b.extensions_absent;
}

// Whether a received status_request asks for OCSP.
constexpr bool asks_for_ocsp(const client_hello& ch) noexcept {
    return !ch.status_request.empty() && ch.status_request[0] == ocsp_status_type;
}

// The recognized extensions a hello carries as a sender wrote it: what responses may answer.
constexpr extension_set offered_extensions(const client_hello& ch) noexcept {
    extension_set s;
    const extension_order order = ch.order.empty() ? extension_order(default_client_extension_order) : ch.order;
    auto offer = [&](extension_type t, bool set) {
        if (set && order.contains(static_cast<std::uint16_t>(t))) s.add(t);
    };
    offer(extension_type::server_name, !ch.server_name.empty());
    offer(extension_type::status_request, !ch.status_request.empty());
    offer(extension_type::supported_groups, !ch.supported_groups.empty());
    offer(extension_type::key_share, ch.has_key_share);
    offer(extension_type::supported_versions, !ch.supported_versions.empty());
    offer(extension_type::signature_algorithms, !ch.signature_algorithms.empty());
    offer(extension_type::signature_algorithms_cert, !ch.signature_algorithms_cert.empty());
    offer(extension_type::application_layer_protocol_negotiation, !ch.alpn.empty());
    offer(extension_type::cookie, !ch.cookie.empty());
    offer(extension_type::psk_key_exchange_modes, !ch.psk_key_exchange_modes.empty());
    offer(extension_type::record_size_limit, ch.record_size_limit != 0);
    offer(extension_type::early_data, ch.early_data);
    offer(extension_type::client_certificate_type, have_raw_public_keys && !ch.client_certificate_types.empty());
    offer(extension_type::server_certificate_type, have_raw_public_keys && !ch.server_certificate_types.empty());
    offer(extension_type::post_handshake_auth, ch.post_handshake_auth);
    if (!ch.psk_identities.empty()) s.add(extension_type::pre_shared_key);
    for (const raw_extension& x : ch.extra_extensions) s.add(x.type);
    return s;
}

namespace client_hello_detail {

// The pre_shared_key extension's size on the wire, header included (0 when not sent).
constexpr std::size_t psk_extension_size(const client_hello& ch) noexcept {
    if (ch.psk_identities.empty()) return 0;
    std::size_t n = 4 + 2 + 2;
    ch.psk_identities.for_each([&](const psk_identity& p) { n += 2 + p.identity.size() + 4; });
    ch.psk_binders.for_each([&](byte_view b) { n += 1 + b.size(); });
    return n;
}

constexpr void write_own(writer& w, const client_hello& ch, extension_type t) noexcept {
    switch (t) {
        case extension_type::server_name:
            if (ch.server_name.empty()) return;
            write_extension(w, t, [&](writer& x) {
                const std::size_t list = x.open<2>();
                x.u8(0);  // host_name
                x.vector<2>(ch.server_name);
                x.close<2>(list);
            });
            return;
        case extension_type::supported_groups:
        case extension_type::signature_algorithms:
        case extension_type::signature_algorithms_cert: {
            const bool groups = t == extension_type::supported_groups;
            const bool empty = groups ? ch.supported_groups.empty()
                               : t == extension_type::signature_algorithms ? ch.signature_algorithms.empty()
                                                                           : ch.signature_algorithms_cert.empty();
            if (empty) return;
            write_extension(w, t, [&](writer& x) {
                const std::size_t list = x.open<2>();
                if (groups) ch.supported_groups.encode(x);
                else if (t == extension_type::signature_algorithms) ch.signature_algorithms.encode(x);
                else ch.signature_algorithms_cert.encode(x);
                x.close<2>(list);
            });
            return;
        }
        case extension_type::key_share:
            if (!ch.has_key_share) return;
            write_extension(w, t, [&](writer& x) {
                const std::size_t list = x.open<2>();
                ch.key_shares.encode(x);
                x.close<2>(list);
            });
            return;
        case extension_type::supported_versions:
            if (ch.supported_versions.empty()) return;
            write_extension(w, t, [&](writer& x) {
                const std::size_t list = x.open<1>();
                ch.supported_versions.encode(x);
                x.close<1>(list);
            });
            return;
        case extension_type::application_layer_protocol_negotiation:
            if (ch.alpn.empty()) return;
            write_extension(w, t, [&](writer& x) {
                const std::size_t list = x.open<2>();
                ch.alpn.encode(x);
                x.close<2>(list);
            });
            return;
        case extension_type::cookie:
            if (ch.cookie.empty()) return;
            write_extension(w, t, [&](writer& x) { x.vector<2>(ch.cookie); });
            return;
        case extension_type::status_request:
            if (ch.status_request.empty()) return;
            write_extension(w, t, [&](writer& x) { x.bytes(ch.status_request); });
            return;
        case extension_type::psk_key_exchange_modes:
            if (ch.psk_key_exchange_modes.empty()) return;
            write_extension(w, t, [&](writer& x) { x.vector<1>(ch.psk_key_exchange_modes); });
            return;
        case extension_type::record_size_limit:
            if (ch.record_size_limit == 0) return;
            write_extension(w, t, [&](writer& x) { x.u16(ch.record_size_limit); });
            return;
        case extension_type::client_certificate_type:
        case extension_type::server_certificate_type: {
            const byte_view types = t == extension_type::client_certificate_type ? ch.client_certificate_types
                                                                                 : ch.server_certificate_types;
            if (have_raw_public_keys && !types.empty())
                write_extension(w, t, [&](writer& x) { write_certificate_type_list(x, types); });
            return;
        }
        case extension_type::early_data:
        case extension_type::post_handshake_auth:
            if (t == extension_type::early_data ? !ch.early_data : !ch.post_handshake_auth) return;
            write_extension(w, t, [](writer&) {});
            return;
        case extension_type::padding:
            if (!ch.has_padding) return;
            write_extension(w, t, [&](writer& x) { x.zeros(ch.padding_size); });
            return;
        default: return;  // pre_shared_key comes last; unknown types only as raw extensions
    }
}

// RFC 6066 §3: a non-empty list with at most one host_name, which is non-empty.
constexpr error decode_server_name(byte_view data, client_hello& ch) noexcept {
    reader r(data);
    reader list = r.sub<2>(1);
    if (!r.done()) return error::decode_error;
    bool have_host = false;
    while (!list.empty()) {
        const auto name_type = list.u8();
        const byte_view name = list.vector<2>(1);
        if (!list.ok()) return error::decode_error;
        if (name_type != 0) {
            ++ch.ignored_extensions;
            continue;
        }
        if (have_host) return error::illegal_parameter;
        have_host = true;
        ch.server_name = name;
    }
    return error::none;
}

// §4.2.11: identities<7..2^16-1>, binders<33..2^16-1>, one binder per identity.
constexpr error decode_pre_shared_key(byte_view body, byte_view data, client_hello& ch) noexcept {
    reader r(data);
    const byte_view identities = r.vector<2>(7);
    const std::size_t binders_at = static_cast<std::size_t>(data.data() - body.data()) + 2 + identities.size();
    const byte_view binders = r.vector<2>(33);
    if (!r.done() || !ch.psk_identities.assign_wire(identities) || !ch.psk_binders.assign_wire(binders))
        return error::decode_error;
    if (ch.psk_identities.size() != ch.psk_binders.size()) return error::illegal_parameter;
    ch.binders_offset = binders_at;
    return error::none;
}

constexpr error decode_one(byte_view body, std::uint16_t type, byte_view data, client_hello& ch) noexcept {
    reader x(data);
    switch (static_cast<extension_type>(type)) {
        case extension_type::server_name: return decode_server_name(data, ch);
        case extension_type::supported_groups:
            return read_u16_list(x, ch.supported_groups) && x.done() ? error::none : error::decode_error;
        case extension_type::signature_algorithms:
            return read_u16_list(x, ch.signature_algorithms) && x.done() ? error::none : error::decode_error;
        case extension_type::signature_algorithms_cert:
            return read_u16_list(x, ch.signature_algorithms_cert) && x.done() ? error::none : error::decode_error;
        case extension_type::key_share: {
            ch.has_key_share = true;
            const byte_view list = x.vector<2>();
            std::size_t entries = 0;
            if (!x.done() || !count_id_entries(list, 1, entries) || !ch.key_shares.assign_wire(list))
                return error::decode_error;
            // §4.2.8: no group twice.
            return has_repeated_id<repeat_check::bitmap>(list, entries) ? error::illegal_parameter : error::none;
        }
        case extension_type::supported_versions: {
            const byte_view list = x.vector<1>(2, 254);
            return x.done() && list.size() % 2 == 0 && ch.supported_versions.assign_wire(list) ? error::none
                                                                                               : error::decode_error;
        }
        case extension_type::application_layer_protocol_negotiation: {
            const byte_view list = x.vector<2>(2);
            return x.done() && ch.alpn.assign_wire(list) ? error::none : error::decode_error;
        }
        case extension_type::cookie:
            ch.cookie = x.vector<2>(1);
            return x.done() ? error::none : error::decode_error;
        case extension_type::status_request:
            // RFC 6066 §8: a status type, then for OCSP a responder list and request extensions;
            // other types are not ours to read.
            ch.status_request = data;
            if (x.u8() != ocsp_status_type) return x.ok() ? error::none : error::decode_error;
            (void)x.vector<2>();
            (void)x.vector<2>();
            return x.done() ? error::none : error::decode_error;
        case extension_type::psk_key_exchange_modes:
            ch.psk_key_exchange_modes = x.vector<1>(1);
            return x.done() ? error::none : error::decode_error;
        case extension_type::record_size_limit: return decode_record_size_limit_data(data, ch.record_size_limit);
        case extension_type::client_certificate_type:
            return decode_certificate_type_list(data, ch.client_certificate_types);
        case extension_type::server_certificate_type:
            return decode_certificate_type_list(data, ch.server_certificate_types);
        case extension_type::early_data:
            // §4.2.10: empty in a ClientHello.
            ch.early_data = true;
            return data.empty() ? error::none : error::decode_error;
        case extension_type::post_handshake_auth:
            ch.post_handshake_auth = true;
            return data.empty() ? error::none : error::decode_error;
        case extension_type::padding:
            // RFC 7685 §3: zero bytes only.
            ch.has_padding = true;
            ch.padding_size = static_cast<std::uint16_t>(data.size());
            for (const std::uint8_t b : data)
                if (b != 0) return error::decode_error;
            return error::none;
        case extension_type::pre_shared_key: return decode_pre_shared_key(body, data, ch);
        default:
            // Recognized and allowed here, but nothing we use (status_request, use_srtp...).
            ++ch.ignored_extensions;
            return error::none;
    }
}

}  // namespace client_hello_detail

// The body (no handshake header). Check writer::ok() afterwards.
constexpr void encode(writer& w, const client_hello& ch) noexcept {
    const std::size_t body_start = w.size();
    w.u16(ch.legacy_version);
    w.bytes(ch.random);
    w.vector<1>(ch.session_id);
    const std::size_t suites = w.open<2>();
    ch.cipher_suites.encode(w);
    w.close<2>(suites);
    w.vector<1>(ch.legacy_compression_methods);
    if (ch.extensions_absent) return;  // reproduces a decoded pre-TLS 1.3 hello
    const std::size_t extensions = w.open<2>();
    write_in_order(w, ch.order, default_client_extension_order, ch.extra_extensions,
                   [&](extension_type t) { client_hello_detail::write_own(w, ch, t); });
    const std::size_t psk_size = client_hello_detail::psk_extension_size(ch);
    if (ch.pad_to_512 && !ch.has_padding) {
        // The whole message (4-byte header, body so far, pre_shared_key still to come).
        const std::size_t message_size = 4 + (w.size() - body_start) + psk_size;
        if (message_size > 0xff && message_size < 0x200) {
            const std::size_t gap = 0x200 - message_size;
            const std::size_t padding = gap >= 4 + 1 ? gap - 4 : 1;
            w.u16(static_cast<std::uint16_t>(extension_type::padding));
            w.u16(static_cast<std::uint32_t>(padding));
            w.zeros(padding);
        }
    }
    if (psk_size != 0) {
        write_extension(w, extension_type::pre_shared_key, [&](writer& x) {
            const std::size_t ids = x.open<2>();
            ch.psk_identities.encode(x);
            x.close<2>(ids);
            const std::size_t binders = x.open<2>();
            ch.psk_binders.encode(x);
            x.close<2>(binders);
        });
    }
    w.close<2>(extensions);
}

// Decodes a ClientHello body. Checks, in this order: framing (decode_error; session_id <= 32,
// cipher_suites non-empty and even), legacy_version <= 0x0300 (protocol_version, D.5), the
// extension table, per-extension syntax, pre_shared_key last (illegal_parameter, §4.2.11), and
// for a hello offering TLS 1.3, null compression only (illegal_parameter, §4.1.2). An
// extension block may be absent (pre-TLS 1.3 clients): negotiation then answers protocol_version.
[[nodiscard]] constexpr error decode(byte_view body, client_hello& ch) noexcept {
    ch = client_hello{};
    ch.legacy_compression_methods = {};
    reader r(body);
    ch.legacy_version = static_cast<std::uint16_t>(r.u16());
    ch.random = r.bytes(32);
    ch.session_id = r.vector<1>(0, 32);
    const byte_view suites = r.vector<2>(2);
    ch.legacy_compression_methods = r.vector<1>(1);
    ch.extensions_absent = r.empty();
    const byte_view extensions = ch.extensions_absent ? byte_view{} : r.vector<2>();
    if (!r.done() || suites.size() % 2 != 0 || !ch.cipher_suites.assign_wire(suites)) return error::decode_error;
    if (ch.legacy_version <= 0x0300) return error::protocol_version;
    // §4.2.11: pre_shared_key is the last extension, whatever it holds.
    {
        std::size_t entries = 0;
        if (!count_id_entries(extensions, 0, entries)) return error::decode_error;
        reader x(extensions);
        for (std::size_t i = 0; i < entries; ++i) {
            const auto type = x.u16();
            x.vector<2>();
            if (type == static_cast<std::uint16_t>(extension_type::pre_shared_key) && i + 1 != entries)
                return error::illegal_parameter;
        }
    }
    bool after_psk = false;
    const error e = walk_extensions<repeat_check::bitmap>(
        extensions, message_kind::client_hello, extension_set{},
        [&](std::uint16_t type, byte_view data) -> error {
            if (after_psk) return error::illegal_parameter;  // §4.2.11: pre_shared_key is last
            after_psk = type == static_cast<std::uint16_t>(extension_type::pre_shared_key);
            ch.present.add(type);
            ch.order.push(type);
            return client_hello_detail::decode_one(body, type, data, ch);
        },
        [&](std::uint16_t) -> error {
            if (after_psk) return error::illegal_parameter;
            ++ch.ignored_extensions;
            return error::none;
        });
    if (e != error::none) return e;
    // The decoded order must not list pre_shared_key: the encoder writes it last on its own.
    if (after_psk) {
        extension_order without;
        for (std::size_t i = 0; i + 1 < ch.order.size(); ++i) without.push(ch.order[i]);
        ch.order = without;
    }
    if (ch.supported_versions.contains(version_tls13) &&
        (ch.legacy_compression_methods.size() != 1 || ch.legacy_compression_methods[0] != 0))
        return error::illegal_parameter;
    return error::none;
}

// The length of Truncate(ClientHello) (§4.2.11.2) for an encoded ClientHello message (4-byte
// header included): the bytes the PSK binders are computed over. 0 when it has no
// pre_shared_key or does not decode.
[[nodiscard]] constexpr std::size_t truncated_client_hello_length(byte_view message) noexcept {
    if (message.size() < 4) return 0;
    client_hello ch;
    if (decode(message.subspan(4), ch) != error::none || ch.binders_offset == 0) return 0;
    return 4 + ch.binders_offset;
}

// Writes the real binders over the placeholders of an encoded ClientHello message, in place, once
// they are computed over its first truncated_client_hello_length() bytes (§4.2.11.2). Each binder
// must have its placeholder's size and the list must end the message; false (nothing written)
// otherwise.
[[nodiscard]] constexpr bool fill_binders(byte_span message, std::size_t truncated_length, std::span<const byte_view> binders) noexcept {
    if (truncated_length + 2 > message.size()) return false;
    std::size_t at = truncated_length + 2;
    const std::size_t list_end = at + (std::size_t{message[truncated_length]} << 8 | message[truncated_length + 1]);
    if (list_end != message.size()) return false;
    for (const byte_view b : binders) {
        if (at >= list_end || message[at] != b.size() || at + 1 + b.size() > list_end) return false;
        at += 1 + b.size();
    }
    if (at != list_end) return false;
    at = truncated_length + 2;
    for (const byte_view b : binders) {
        for (std::size_t i = 0; i < b.size(); ++i) message[at + 1 + i] = b[i];
        at += 1 + b.size();
    }
    return true;
}

}  // namespace carapace::tls::detail::codec
