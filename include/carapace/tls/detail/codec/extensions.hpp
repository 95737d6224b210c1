// Which extension may appear in which handshake message (RFC 8446 §4.2, plus record_size_limit of
// RFC 8449 §4 in ClientHello and EncryptedExtensions), and the one walk over an extension block
// that every codec uses. The table is the point: a misplaced extension gets illegal_parameter in
// every message, an unrecognized one is ignored where §4.2 says to ignore it (ClientHello,
// CertificateRequest, NewSessionTicket) and an unsolicited one is unsupported_extension in every
// response (ServerHello, HelloRetryRequest, EncryptedExtensions, certificate entries).
//
// No fixed cap on the number of extensions (§4.1.2, §9.3: a peer may send many we do not know):
// repeats are found pairwise in small blocks and with a 65,536-bit map in large ones, so the work
// stays linear in the block's size.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <type_traits>

#include "carapace/core/bytes.hpp"
#include "carapace/core/inline.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

// The messages (and the certificate entry) that carry an extension block.
enum class message_kind : std::uint8_t {
    client_hello,
    server_hello,
    hello_retry_request,
    encrypted_extensions,
    certificate_request,
    certificate_entry,
    new_session_ticket,
};

constexpr std::uint8_t kind_bit(message_kind k) noexcept { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(k)); }

struct extension_rule {
    extension_type type;
    std::uint8_t allowed;  // kind_bit()s of the messages it may appear in
};

namespace rules {
inline constexpr std::uint8_t CH = kind_bit(message_kind::client_hello);
inline constexpr std::uint8_t SH = kind_bit(message_kind::server_hello);
inline constexpr std::uint8_t HRR = kind_bit(message_kind::hello_retry_request);
inline constexpr std::uint8_t EE = kind_bit(message_kind::encrypted_extensions);
inline constexpr std::uint8_t CR = kind_bit(message_kind::certificate_request);
inline constexpr std::uint8_t CT = kind_bit(message_kind::certificate_entry);
inline constexpr std::uint8_t NST = kind_bit(message_kind::new_session_ticket);
}  // namespace rules

// RFC 8446 §4.2, row by row, and RFC 8449 §4 for record_size_limit.
inline constexpr extension_rule extension_table[] = {
    {extension_type::server_name, rules::CH | rules::EE},
    {extension_type::max_fragment_length, rules::CH | rules::EE},
    {extension_type::status_request, rules::CH | rules::CR | rules::CT},
    {extension_type::supported_groups, rules::CH | rules::EE},
    {extension_type::signature_algorithms, rules::CH | rules::CR},
    {extension_type::use_srtp, rules::CH | rules::EE},
    {extension_type::heartbeat, rules::CH | rules::EE},
    {extension_type::application_layer_protocol_negotiation, rules::CH | rules::EE},
    {extension_type::signed_certificate_timestamp, rules::CH | rules::CR | rules::CT},
    {extension_type::client_certificate_type, rules::CH | rules::EE},
    {extension_type::server_certificate_type, rules::CH | rules::EE},
    {extension_type::padding, rules::CH},
    {extension_type::key_share, rules::CH | rules::SH | rules::HRR},
    {extension_type::pre_shared_key, rules::CH | rules::SH},
    {extension_type::psk_key_exchange_modes, rules::CH},
    {extension_type::early_data, rules::CH | rules::EE | rules::NST},
    {extension_type::cookie, rules::CH | rules::HRR},
    {extension_type::supported_versions, rules::CH | rules::SH | rules::HRR},
    {extension_type::certificate_authorities, rules::CH | rules::CR},
    {extension_type::oid_filters, rules::CR},
    {extension_type::post_handshake_auth, rules::CH},
    {extension_type::signature_algorithms_cert, rules::CH | rules::CR},
    {extension_type::record_size_limit, rules::CH | rules::EE},
};
inline constexpr std::size_t recognized_extension_count = std::size(extension_table);

// The row of a recognized extension, or recognized_extension_count.
constexpr std::size_t extension_index(std::uint16_t type) noexcept {
    for (std::size_t i = 0; i < recognized_extension_count; ++i)
        if (static_cast<std::uint16_t>(extension_table[i].type) == type) return i;
    return recognized_extension_count;
}
constexpr bool is_recognized(std::uint16_t type) noexcept { return extension_index(type) < recognized_extension_count; }
constexpr bool allowed_in(std::uint16_t type, message_kind kind) noexcept {
    const std::size_t i = extension_index(type);
    return i < recognized_extension_count && (extension_table[i].allowed & kind_bit(kind)) != 0;
}
// Responses may carry only what was asked for (§4.2); requests may carry what the receiver
// does not know, which it ignores.
constexpr bool is_response(message_kind kind) noexcept {
    return kind == message_kind::server_hello || kind == message_kind::hello_retry_request ||
           kind == message_kind::encrypted_extensions || kind == message_kind::certificate_entry;
}

// A set of recognized extensions: what a ClientHello (or CertificateRequest) offered, which a
// response is checked against. Unrecognized types are never members: a response carrying one is
// always unsupported_extension.
class extension_set {
public:
    constexpr extension_set() noexcept = default;
    constexpr extension_set(std::initializer_list<extension_type> types) noexcept {
        for (const extension_type t : types) add(t);
    }
    constexpr void add(std::uint16_t type) noexcept {
        const std::size_t i = extension_index(type);
        if (i < recognized_extension_count) bits_ |= std::uint32_t{1} << i;
    }
    constexpr void add(extension_type type) noexcept { add(static_cast<std::uint16_t>(type)); }
    [[nodiscard]] constexpr bool contains(std::uint16_t type) const noexcept {
        const std::size_t i = extension_index(type);
        return i < recognized_extension_count && (bits_ >> i & 1u) != 0;
    }
    [[nodiscard]] constexpr bool contains(extension_type type) const noexcept {
        return contains(static_cast<std::uint16_t>(type));
    }
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    friend constexpr bool operator==(const extension_set&, const extension_set&) noexcept = default;

private:
    static_assert(recognized_extension_count <= 32);
    std::uint32_t bits_ = 0;
};

// An order of extension types, copied (the decoder records the order a message used; a sender
// gives config.extension_order). Holds at most `capacity` types; more are dropped.
class extension_order {
public:
    static constexpr std::size_t capacity = 64;
    constexpr extension_order() noexcept = default;
    constexpr extension_order(std::span<const extension_type> types) noexcept {  // NOLINT: implicit by design
        for (const extension_type t : types) push(static_cast<std::uint16_t>(t));
    }
    template <class Range>
        requires std::is_convertible_v<const Range&, std::span<const extension_type>>
    constexpr extension_order(const Range& types) noexcept  // NOLINT
        : extension_order(std::span<const extension_type>(types)) {}
    constexpr extension_order(std::initializer_list<extension_type> types) noexcept {
        for (const extension_type t : types) push(static_cast<std::uint16_t>(t));
    }
    constexpr void push(std::uint16_t type) noexcept {
        if (size_ < capacity) types_[size_++] = type;
    }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] constexpr std::uint16_t operator[](std::size_t i) const noexcept { return types_[i]; }
    [[nodiscard]] constexpr bool contains(std::uint16_t type) const noexcept {
        for (std::size_t i = 0; i < size_; ++i)
            if (types_[i] == type) return true;
        return false;
    }
    friend constexpr bool operator==(const extension_order& a, const extension_order& b) noexcept {
        if (a.size_ != b.size_) return false;
        for (std::size_t i = 0; i < a.size_; ++i)
            if (a.types_[i] != b.types_[i]) return false;
        return true;
    }

private:
    std::array<std::uint16_t, capacity> types_{};
    std::size_t size_ = 0;
};

// --- Repeated identifiers in a list of {u16 id, opaque data<0..2^16-1>} entries: extension
// blocks and KeyShareEntry lists share that shape. The list's framing must already be valid.

inline constexpr std::size_t pairwise_repeat_limit = 64;

// Above pairwise_repeat_limit entries, for a server: one bit per possible id (8 KiB of stack, only
// here). A ClientHello may carry thousands of extensions or key shares (§4.1.2, §9.3); the bitmap
// keeps the work linear.
CARAPACE_NOINLINE constexpr bool has_repeated_id_large(byte_view list) noexcept {
    std::array<std::uint64_t, 1024> seen{};
    reader r(list);
    while (!r.empty()) {
        const std::uint32_t id = r.u16();
        r.vector<2>();
        std::uint64_t& word = seen[id >> 6];
        const std::uint64_t bit = std::uint64_t{1} << (id & 63);
        if ((word & bit) != 0) return true;
        word |= bit;
    }
    return false;
}

// Every pair, with no memory at all: for the lists a client receives, whose size its handshake
// buffer bounds (16 KiB: at most 4,096 entries), so that a small client never needs the bitmap's
// stack.
constexpr bool has_repeated_id_pairwise(byte_view list) noexcept {
    reader outer(list);
    for (std::size_t at = 0; !outer.empty(); ++at) {
        const auto id = static_cast<std::uint16_t>(outer.u16());
        outer.vector<2>();
        reader inner(list);
        for (std::size_t j = 0; j < at; ++j) {
            if (static_cast<std::uint16_t>(inner.u16()) == id) return true;
            inner.vector<2>();
        }
    }
    return false;
}

// Which way a long list is checked, chosen when compiled so that a client, which reads no
// ClientHello, never links the bitmap (its stack stays small).
enum class repeat_check : std::uint8_t { pairwise, bitmap };

template <repeat_check Long>
constexpr bool has_repeated_id(byte_view list, std::size_t entries) noexcept {
    if (entries > pairwise_repeat_limit) {
        if constexpr (Long == repeat_check::bitmap) return has_repeated_id_large(list);
        else return has_repeated_id_pairwise(list);
    }
    std::array<std::uint16_t, pairwise_repeat_limit> seen{};
    std::size_t count = 0;
    reader r(list);
    while (!r.empty()) {
        const auto id = static_cast<std::uint16_t>(r.u16());
        r.vector<2>();
        for (std::size_t i = 0; i < count; ++i)
            if (seen[i] == id) return true;
        seen[count++] = id;
    }
    return false;
}

// Counts the entries of a {u16, opaque<min..2^16-1>} list; false when the framing is broken.
constexpr bool count_id_entries(byte_view list, std::size_t min_data, std::size_t& entries) noexcept {
    entries = 0;
    reader r(list);
    while (!r.empty()) {
        r.u16();
        r.vector<2>(min_data);
        if (!r.ok()) return false;
        ++entries;
    }
    return true;
}

// Framing only: the data of extension `type` in a block, if present (used before the table walk,
// e.g. for supported_versions in a ServerHello). The block's framing must be valid.
constexpr bool find_extension(byte_view block, extension_type type, byte_view& data) noexcept {
    reader r(block);
    while (!r.empty()) {
        const auto t = static_cast<std::uint16_t>(r.u16());
        const byte_view d = r.vector<2>();
        if (t == static_cast<std::uint16_t>(type)) {
            data = d;
            return true;
        }
    }
    return false;
}

// What the table says about one extension in one message: a failure, or whether to decode it
// (false: an unrecognized extension in a request, ignored).
[[nodiscard]] constexpr error check_extension(std::uint16_t type, message_kind kind, const extension_set& offered,
                                bool& decode_it) noexcept {
    decode_it = false;
    const bool recognized = is_recognized(type);
    if (is_response(kind)) {
        // An answer to nothing we asked comes first (§4.2), as OpenSSL judges it: only then is an
        // extension we did offer, answered in the wrong message, misplaced. §4.1.4: the cookie
        // is the server's own, not an answer to the client's.
        const bool own = kind == message_kind::hello_retry_request && type == static_cast<std::uint16_t>(extension_type::cookie);
        if (!own && !offered.contains(type)) return error::unsupported_extension;
    }
    if (recognized && !allowed_in(type, kind)) return error::illegal_parameter;
    if (!is_response(kind) && !recognized) return error::none;  // §4.2, §4.3.2, §4.6.1: ignored
    decode_it = true;
    return error::none;
}

// Walks an extension block (the bytes inside its 2-byte length) of a `kind` message: framing
// (decode_error), repeats (illegal_parameter), the table (illegal_parameter,
// unsupported_extension against `offered` in responses), then f(type, data) -> error for each
// extension to decode, in wire order; unrecognized ones in requests go to on_ignored(type) -> error.
template <repeat_check Long = repeat_check::pairwise, class F, class Ignored>
[[nodiscard]] constexpr error walk_extensions(byte_view block, message_kind kind, const extension_set& offered, F&& f,
                                Ignored&& on_ignored) noexcept {
    std::size_t entries = 0;
    if (!count_id_entries(block, 0, entries)) return error::decode_error;
    if (is_response(kind)) {
        // Every extension of a response answers one we offered, so every one is recognized: the
        // table first, then repeats among at most the recognized types, in linear time.
        extension_set seen;
        for (reader t(block); !t.empty();) {
            const auto type = static_cast<std::uint16_t>(t.u16());
            t.vector<2>();
            bool decode_it = false;
            if (const error e = check_extension(type, kind, offered, decode_it); e != error::none) return e;
            if (seen.contains(type)) return error::illegal_parameter;
            seen.add(type);
        }
    } else if (has_repeated_id<Long>(block, entries)) {
        return error::illegal_parameter;
    }
    reader r(block);
    while (!r.empty()) {
        const auto type = static_cast<std::uint16_t>(r.u16());
        const byte_view data = r.vector<2>();
        bool decode_it = false;
        if (const error e = check_extension(type, kind, offered, decode_it); e != error::none) return e;
        if (!decode_it) {
            if (const error e = on_ignored(type); e != error::none) return e;
            continue;
        }
        if (const error e = f(type, data); e != error::none) return e;
    }
    return error::none;
}

// Writes one extension: type, then its data written by body(writer&) inside a 2-byte length.
template <class Body>
constexpr void write_extension(writer& w, extension_type type, Body&& body) noexcept {
    w.u16(static_cast<std::uint16_t>(type));
    const std::size_t at = w.open<2>();
    body(w);
    w.close<2>(at);
}

// Writes a block's extensions in `order` (or `fallback` when order is empty): for each listed
// type, a raw extension of that type if the caller gave one, else write_own(type) (which writes
// nothing when that extension does not apply); then the raw extensions whose type is not listed.
template <class WriteOwn>
constexpr void write_in_order(writer& w, const extension_order& order, std::span<const extension_type> fallback,
                              std::span<const raw_extension> raw, WriteOwn&& write_own) noexcept {
    const extension_order list = order.empty() ? extension_order(fallback) : order;
    for (std::size_t i = 0; i < list.size(); ++i) {
        bool written = false;
        for (const raw_extension& x : raw)
            if (x.type == list[i]) {
                w.u16(x.type);
                w.vector<2>(x.data);
                written = true;
            }
        if (!written) write_own(static_cast<extension_type>(list[i]));
    }
    for (const raw_extension& x : raw)
        if (!list.contains(x.type)) {
            w.u16(x.type);
            w.vector<2>(x.data);
        }
}

// RFC 8449 §4: a limit below 64 is illegal_parameter; the data is exactly a u16.
constexpr error decode_record_size_limit_data(byte_view data, std::uint16_t& out) noexcept {
    reader r(data);
    out = static_cast<std::uint16_t>(r.u16());
    if (!r.done()) return error::decode_error;
    return out < 64 ? error::illegal_parameter : error::none;
}

}  // namespace carapace::tls::detail::codec
