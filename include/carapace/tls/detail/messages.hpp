// Decoders for the TLS 1.3 handshake messages (RFC 8446 §4), one per message, each checking its
// message exactly: every length, no trailing bytes, no repeated extension. They return the error
// whose alert the engine sends. Views point into the caller's message bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail {

// The special Random of a HelloRetryRequest (§4.1.3): SHA-256("HelloRetryRequest").
inline constexpr bytes<32> hello_retry_random = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

// Whether any 16-bit value (an extension type, a group) appears twice in a list walked by
// `next(value&) -> bool` (false at the end). No cap on the count (§4.1.2, §9.3: legal hellos carry
// many extensions and shares); bounded work all the same: pairwise while the list is short, one
// pass over a 65,536-bit set beyond (8 KiB of stack only then).
template <class Next>
constexpr bool has_repeat(Next next, std::size_t count) noexcept {
    constexpr std::size_t pairwise_limit = 64;
    if (count <= pairwise_limit) {
        std::array<std::uint16_t, pairwise_limit> seen{};
        std::uint16_t v = 0;
        for (std::size_t n = 0; next(v); ++n) {
            for (std::size_t i = 0; i < n; ++i)
                if (seen[i] == v) return true;
            seen[n] = v;
        }
        return false;
    }
    std::array<std::uint64_t, 1024> set{};
    std::uint16_t v = 0;
    while (next(v)) {
        const std::uint64_t bit = std::uint64_t{1} << (v % 64);
        if ((set[v / 64] & bit) != 0) return true;
        set[v / 64] |= bit;
    }
    return false;
}

// Calls f(type, data) for each extension of a block (the bytes inside the 2-byte length).
// Malformed framing: decode_error; a repeated type: illegal_parameter; else f's first error.
template <class F>
constexpr error for_each_extension(byte_view block, F&& f) noexcept {
    std::size_t count = 0;
    for (reader r(block); !r.empty(); ++count) {
        r.u16();
        r.vector<2>();
        if (!r.ok()) return error::decode_error;
    }
    reader types(block);
    const bool repeat = has_repeat(
        [&](std::uint16_t& v) {
            if (types.empty()) return false;
            v = static_cast<std::uint16_t>(types.u16());
            types.vector<2>();
            return true;
        },
        count);
    if (repeat) return error::illegal_parameter;
    for (reader r(block); !r.empty();) {
        const auto type = static_cast<std::uint16_t>(r.u16());
        const byte_view data = r.vector<2>();
        if (const error e = f(type, data); e != error::none) return e;
    }
    return error::none;
}

// True when a list of 16-bit values (the bytes inside its length) contains v.
constexpr bool list_contains(byte_view list, std::uint16_t v) noexcept {
    for (std::size_t i = 0; i + 1 < list.size(); i += 2)
        if (static_cast<std::uint16_t>(list[i] << 8 | list[i + 1]) == v) return true;
    return false;
}

// A vector of 16-bit values: non-empty, even length.
constexpr bool valid_u16_list(byte_view list) noexcept { return !list.empty() && list.size() % 2 == 0; }

struct client_hello {
    byte_view random, session_id, cipher_suites;
    byte_view server_name;  // host_name, when present
    byte_view groups, key_shares, versions, signature_algorithms, signature_algorithms_cert, alpn, cookie,
        psk_modes;
    std::uint16_t record_size_limit = 0;
    bool has_server_name = false, has_groups = false, has_key_share = false, has_versions = false,
         has_signature_algorithms = false, has_alpn = false, has_cookie = false, has_pre_shared_key = false,
         has_early_data = false;
};

// RFC 8449: a limit below 64 is illegal.
constexpr error decode_record_size_limit(byte_view data, std::uint16_t& out) noexcept {
    reader r(data);
    out = static_cast<std::uint16_t>(r.u16());
    if (!r.done()) return error::decode_error;
    if (out < 64) return error::illegal_parameter;
    return error::none;
}

// RFC 6066 §3: a list with at most one host_name; the name must be non-empty.
constexpr error decode_server_name(byte_view data, byte_view& host) noexcept {
    reader r(data);
    reader list = r.sub<2>(1);
    if (!r.done()) return error::decode_error;
    bool have_host = false;
    while (list.ok() && !list.empty()) {
        const auto type = list.u8();
        const byte_view name = list.vector<2>(1);
        if (!list.ok()) return error::decode_error;
        if (type == 0) {
            if (have_host) return error::illegal_parameter;
            have_host = true;
            host = name;
        }
    }
    return list.ok() ? error::none : error::decode_error;
}

constexpr error decode_client_hello(byte_view body, client_hello& ch) noexcept {
    reader r(body);
    r.u16();  // legacy_version: ignored; supported_versions decides (§4.2.1)
    ch.random = r.bytes(32);
    ch.session_id = r.vector<1>(0, 32);
    ch.cipher_suites = r.vector<2>(2);
    const byte_view compression = r.vector<1>(1);
    const byte_view extensions = r.vector<2>();
    if (!r.done() || ch.cipher_suites.size() % 2 != 0) return error::decode_error;
    // §4.1.2: TLS 1.3 ClientHellos carry exactly the null compression method.
    if (compression.size() != 1 || compression[0] != 0) return error::illegal_parameter;
    bool after_psk = false;
    return for_each_extension(extensions, [&](std::uint16_t type, byte_view data) -> error {
        // §4.2.11: pre_shared_key must be the last extension.
        if (after_psk) return error::illegal_parameter;
        reader x(data);
        switch (static_cast<extension_type>(type)) {
            case extension_type::server_name:
                ch.has_server_name = true;
                return decode_server_name(data, ch.server_name);
            case extension_type::supported_groups:
                ch.has_groups = true;
                ch.groups = x.vector<2>(2);
                return x.done() && ch.groups.size() % 2 == 0 ? error::none : error::decode_error;
            case extension_type::key_share:
                ch.has_key_share = true;
                ch.key_shares = x.vector<2>();
                return x.done() ? error::none : error::decode_error;
            case extension_type::supported_versions:
                ch.has_versions = true;
                ch.versions = x.vector<1>(2, 254);
                return x.done() && ch.versions.size() % 2 == 0 ? error::none : error::decode_error;
            case extension_type::signature_algorithms:
                ch.has_signature_algorithms = true;
                ch.signature_algorithms = x.vector<2>(2);
                return x.done() && ch.signature_algorithms.size() % 2 == 0 ? error::none : error::decode_error;
            case extension_type::signature_algorithms_cert:
                ch.signature_algorithms_cert = x.vector<2>(2);
                return x.done() && ch.signature_algorithms_cert.size() % 2 == 0 ? error::none
                                                                                : error::decode_error;
            case extension_type::application_layer_protocol_negotiation: {
                ch.has_alpn = true;
                ch.alpn = x.vector<2>(2);
                if (!x.done()) return error::decode_error;
                reader names(ch.alpn);
                while (!names.empty()) names.vector<1>(1);
                return names.ok() ? error::none : error::decode_error;
            }
            case extension_type::cookie:
                ch.has_cookie = true;
                ch.cookie = x.vector<2>(1);
                return x.done() ? error::none : error::decode_error;
            case extension_type::psk_key_exchange_modes:
                ch.psk_modes = x.vector<1>(1);
                return x.done() ? error::none : error::decode_error;
            case extension_type::record_size_limit:
                return decode_record_size_limit(data, ch.record_size_limit);
            case extension_type::pre_shared_key:
                ch.has_pre_shared_key = true;
                after_psk = true;
                return error::none;
            case extension_type::early_data:
                ch.has_early_data = true;
                return data.empty() ? error::none : error::decode_error;
            default: return error::none;  // §4.2: unknown extensions are ignored by servers
        }
    });
}

// Walks a client's KeyShareEntry list. Calls f(group, share) for each; entries must be well
// formed and no group may appear twice (§4.2.8: illegal_parameter). No cap on their number.
template <class F>
constexpr error for_each_key_share(byte_view list, F&& f) noexcept {
    std::size_t count = 0;
    for (reader r(list); !r.empty(); ++count) {
        r.u16();
        r.vector<2>(1);
        if (!r.ok()) return error::decode_error;
    }
    reader groups(list);
    const bool repeat = has_repeat(
        [&](std::uint16_t& v) {
            if (groups.empty()) return false;
            v = static_cast<std::uint16_t>(groups.u16());
            groups.vector<2>(1);
            return true;
        },
        count);
    if (repeat) return error::illegal_parameter;
    for (reader r(list); !r.empty();) {
        const auto group = static_cast<std::uint16_t>(r.u16());
        f(group, r.vector<2>(1));
    }
    return error::none;
}

struct server_hello {
    byte_view random, session_id;
    std::uint16_t cipher_suite = 0;
    std::uint16_t selected_version = 0;
    std::uint16_t key_share_group = 0;  // ServerHello: the share's group; HRR: the selected group
    byte_view key_share;
    byte_view cookie;
    bool hello_retry = false;
    bool has_key_share = false, has_cookie = false, has_pre_shared_key = false;
};

// The version is judged first (§4.1.3, §4.2.1): a TLS 1.2-or-older ServerHello may have no
// extensions at all, or ones we never offered, and must still get protocol_version (or
// illegal_parameter with the downgrade sentinel), so selected_version stays 0 for it and nothing
// else is checked. Only a TLS 1.3 answer is then held to the rest.
constexpr error decode_server_hello(byte_view body, server_hello& sh) noexcept {
    reader r(body);
    const auto legacy_version = r.u16();
    sh.random = r.bytes(32);
    sh.session_id = r.vector<1>(0, 32);
    sh.cipher_suite = static_cast<std::uint16_t>(r.u16());
    const auto compression = r.u8();
    if (!r.ok()) return error::decode_error;
    const byte_view extensions = r.empty() ? byte_view{} : r.vector<2>();
    if (!r.done()) return error::decode_error;
    // supported_versions, found by a framing-only walk.
    for (reader x(extensions); !x.empty();) {
        const auto type = x.u16();
        const byte_view data = x.vector<2>();
        if (!x.ok()) return error::decode_error;
        if (type == static_cast<std::uint16_t>(extension_type::supported_versions) && data.size() == 2)
            sh.selected_version = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
    }
    if (sh.selected_version == 0) return error::none;  // the caller answers protocol_version
    if (legacy_version != legacy_version_tls12 || compression != 0) return error::illegal_parameter;
    sh.hello_retry = true;
    for (std::size_t i = 0; i < 32; ++i)
        if (sh.random[i] != hello_retry_random[i]) sh.hello_retry = false;
    return for_each_extension(extensions, [&](std::uint16_t type, byte_view data) -> error {
        reader x(data);
        switch (static_cast<extension_type>(type)) {
            case extension_type::supported_versions:
                x.u16();
                return x.done() ? error::none : error::decode_error;
            case extension_type::key_share:
                sh.has_key_share = true;
                sh.key_share_group = static_cast<std::uint16_t>(x.u16());
                if (!sh.hello_retry) sh.key_share = x.vector<2>(1);
                return x.done() ? error::none : error::decode_error;
            case extension_type::cookie:
                if (!sh.hello_retry) return error::illegal_parameter;
                sh.has_cookie = true;
                sh.cookie = x.vector<2>(1);
                return x.done() ? error::none : error::decode_error;
            case extension_type::pre_shared_key:
                // We offer no PSK yet, so a server selecting one answers something we did not send.
                return error::unsupported_extension;
            default:
                // §4.1.4: anything we did not offer is unsupported_extension.
                return error::unsupported_extension;
        }
    });
}

struct encrypted_extensions {
    byte_view alpn;  // the selected protocol
    std::uint16_t record_size_limit = 0;
    bool has_alpn = false, server_name_acknowledged = false, early_data = false;
};

// `offered_*` say what our ClientHello asked for: a response to anything else is
// unsupported_extension (§4.2); extensions that belong to other messages are illegal_parameter.
constexpr error decode_encrypted_extensions(byte_view body, bool offered_alpn, bool offered_server_name,
                                            bool offered_record_size_limit, encrypted_extensions& ee) noexcept {
    reader r(body);
    const byte_view extensions = r.vector<2>();
    if (!r.done()) return error::decode_error;
    return for_each_extension(extensions, [&](std::uint16_t type, byte_view data) -> error {
        reader x(data);
        switch (static_cast<extension_type>(type)) {
            case extension_type::server_name:
                if (!offered_server_name) return error::unsupported_extension;
                ee.server_name_acknowledged = true;
                return data.empty() ? error::none : error::decode_error;
            case extension_type::application_layer_protocol_negotiation: {
                if (!offered_alpn) return error::unsupported_extension;
                reader list = x.sub<2>(2);
                ee.alpn = list.vector<1>(1);
                ee.has_alpn = true;
                // RFC 7301 §3.1: exactly one protocol.
                return x.done() && list.done() ? error::none : error::decode_error;
            }
            case extension_type::record_size_limit:
                if (!offered_record_size_limit) return error::unsupported_extension;
                return decode_record_size_limit(data, ee.record_size_limit);
            case extension_type::supported_groups: {
                const byte_view groups = x.vector<2>(2);
                return x.done() && groups.size() % 2 == 0 ? error::none : error::decode_error;
            }
            case extension_type::early_data: return error::unsupported_extension;
            case extension_type::key_share:
            case extension_type::supported_versions:
            case extension_type::pre_shared_key:
            case extension_type::cookie:
            case extension_type::signature_algorithms:
            case extension_type::psk_key_exchange_modes:
            case extension_type::certificate_authorities:
            case extension_type::signature_algorithms_cert:
                return error::illegal_parameter;
            default: return error::unsupported_extension;
        }
    });
}

// Most certificates a chain may carry; a longer one is refused (bad_certificate).
inline constexpr std::size_t max_chain_length = 10;

struct certificate_message {
    byte_view request_context;
    std::array<byte_view, max_chain_length> chain{};
    std::size_t chain_length = 0;
};

constexpr error decode_certificate(byte_view body, certificate_message& cm) noexcept {
    reader r(body);
    cm.request_context = r.vector<1>();
    reader list = r.sub<3>();
    if (!r.done()) return error::decode_error;
    while (list.ok() && !list.empty()) {
        const byte_view cert = list.vector<3>(1);
        const byte_view extensions = list.vector<2>();
        if (!list.ok()) return error::decode_error;
        // Entry extensions (OCSP status, SCTs) are accepted and ignored; their framing is checked.
        if (const error e = for_each_extension(extensions, [](std::uint16_t, byte_view) { return error::none; });
            e != error::none)
            return e;
        if (cm.chain_length == max_chain_length) return error::bad_certificate;
        cm.chain[cm.chain_length++] = cert;
    }
    return list.ok() ? error::none : error::decode_error;
}

struct certificate_request {
    byte_view request_context;
    byte_view signature_algorithms;
};

constexpr error decode_certificate_request(byte_view body, certificate_request& cr) noexcept {
    reader r(body);
    cr.request_context = r.vector<1>();
    const byte_view extensions = r.vector<2>();
    if (!r.done()) return error::decode_error;
    bool have_algorithms = false;
    const error e = for_each_extension(extensions, [&](std::uint16_t type, byte_view data) -> error {
        reader x(data);
        if (type == static_cast<std::uint16_t>(extension_type::signature_algorithms)) {
            cr.signature_algorithms = x.vector<2>(2);
            have_algorithms = true;
            return x.done() && cr.signature_algorithms.size() % 2 == 0 ? error::none : error::decode_error;
        }
        return error::none;  // certificate_authorities, oid_filters, ...: accepted, not used
    });
    if (e != error::none) return e;
    return have_algorithms ? error::none : error::missing_extension;
}

struct certificate_verify {
    std::uint16_t scheme = 0;
    byte_view signature;
};

constexpr error decode_certificate_verify(byte_view body, certificate_verify& cv) noexcept {
    reader r(body);
    cv.scheme = static_cast<std::uint16_t>(r.u16());
    cv.signature = r.vector<2>();  // an empty signature is well formed, and does not verify
    return r.done() ? error::none : error::decode_error;
}

// §4.6.2: request_update is 0 or 1.
constexpr error decode_key_update(byte_view body, bool& update_requested) noexcept {
    reader r(body);
    const auto v = r.u8();
    if (!r.done()) return error::decode_error;
    if (v > 1) return error::illegal_parameter;
    update_requested = v == 1;
    return error::none;
}

// NewSessionTicket (§4.6.1): checked and set aside until resumption arrives.
constexpr error decode_new_session_ticket(byte_view body) noexcept {
    reader r(body);
    r.u32();  // lifetime
    r.u32();  // age_add
    r.vector<1>();
    r.vector<2>(1);
    const byte_view extensions = r.vector<2>();
    if (!r.done()) return error::decode_error;
    return for_each_extension(extensions, [](std::uint16_t, byte_view) { return error::none; });
}

// The content a CertificateVerify signs (§4.4.3): 64 spaces, the context string, a zero byte and
// the transcript hash. Returns its length.
inline constexpr std::size_t max_signed_content = 64 + 33 + 1 + 48;

constexpr std::size_t certificate_verify_content(bool server, byte_view transcript_hash,
                                                 std::span<std::uint8_t, max_signed_content> out) noexcept {
    constexpr auto server_context = literal_bytes("TLS 1.3, server CertificateVerify");
    constexpr auto client_context = literal_bytes("TLS 1.3, client CertificateVerify");
    std::size_t n = 0;
    for (; n < 64; ++n) out[n] = 0x20;
    const byte_view context = server ? byte_view(server_context) : byte_view(client_context);
    for (auto b : context) out[n++] = b;
    out[n++] = 0;
    for (auto b : transcript_hash) out[n++] = b;
    return n;
}

}  // namespace carapace::tls::detail
