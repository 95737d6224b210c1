// wire_list: one list type for both directions of a codec. A sender fills it from a typed span it
// owns (config.cipher_suites, its key shares...); a decoder fills it with the list's wire bytes
// (the bytes inside the length prefix, already checked). Either way it has a size, values by
// index, contains() and equality over values, so decode(encode(x)) == x is a plain comparison.
// Nothing is copied or allocated: both forms are views.
//
// Each element kind is a small "element codec": how to read one element from a reader (failing
// it on malformed input), write one, and turn the sender's typed element into the value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

constexpr bool same_bytes(byte_view a, byte_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// Text as bytes (SNI, ALPN names arrive as bytes and are configured as text).
inline byte_view text_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view bytes_text(byte_view b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

template <class Element>
class wire_list {
public:
    using value_type = typename Element::value_type;
    using typed_type = typename Element::typed_type;

    constexpr wire_list() noexcept = default;
    constexpr wire_list(std::span<const typed_type> typed) noexcept : typed_(typed), size_(typed.size()) {}  // NOLINT
    // Any contiguous range of typed elements (an array, a config span).
    template <class Range>
        requires std::is_convertible_v<const Range&, std::span<const typed_type>>
    constexpr wire_list(const Range& typed) noexcept  // NOLINT
        : wire_list(std::span<const typed_type>(typed)) {}

    // Checks the wire bytes of a list (inside its length) and views them; false when malformed.
    [[nodiscard]] constexpr bool assign_wire(byte_view bytes) noexcept {
        std::size_t n = 0;
        reader r(bytes);
        while (!r.empty()) {
            (void)Element::read(r);
            if (!r.ok()) return false;
            ++n;
        }
        typed_ = {};
        wire_ = bytes;
        is_wire_ = true;
        size_ = n;
        return true;
    }

    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] constexpr bool from_wire() const noexcept { return is_wire_; }
    // The wire bytes a decoder saw (empty for a typed list).
    [[nodiscard]] constexpr byte_view wire() const noexcept { return wire_; }

    // The element after position `pos` (0 to start), advancing it: linear walks of wire lists.
    constexpr value_type next(std::size_t& pos) const noexcept {
        if (!is_wire_) return Element::value_of(typed_[pos++]);
        reader r(wire_.subspan(pos));
        const value_type v = Element::read(r);
        pos = wire_.size() - r.remaining();
        return v;
    }
    // Value at i: constant time for fixed-size elements, a walk from the start otherwise.
    [[nodiscard]] constexpr value_type operator[](std::size_t i) const noexcept {
        if (!is_wire_) return Element::value_of(typed_[i]);
        if constexpr (Element::fixed_size != 0) {
            reader r(wire_.subspan(i * Element::fixed_size, Element::fixed_size));
            return Element::read(r);
        } else {
            std::size_t pos = 0;
            for (std::size_t k = 0; k < i; ++k) (void)next(pos);
            return next(pos);
        }
    }
    template <class F>
    constexpr void for_each(F&& f) const noexcept {
        std::size_t pos = 0;
        for (std::size_t i = 0; i < size_; ++i) f(next(pos));
    }
    [[nodiscard]] constexpr bool contains(const value_type& v) const noexcept {
        std::size_t pos = 0;
        for (std::size_t i = 0; i < size_; ++i)
            if (Element::equal(next(pos), v)) return true;
        return false;
    }
    // The elements, without the list's own length prefix.
    constexpr void encode(writer& w) const noexcept {
        std::size_t pos = 0;
        for (std::size_t i = 0; i < size_; ++i) Element::write(w, next(pos));
    }

    friend constexpr bool operator==(const wire_list& a, const wire_list& b) noexcept {
        if (a.size_ != b.size_) return false;
        std::size_t pa = 0, pb = 0;
        for (std::size_t i = 0; i < a.size_; ++i)
            if (!Element::equal(a.next(pa), b.next(pb))) return false;
        return true;
    }

private:
    std::span<const typed_type> typed_{};
    byte_view wire_{};
    std::size_t size_ = 0;
    bool is_wire_ = false;
};

// A 16-bit code point (cipher suites, groups, signature schemes, versions).
template <class T>
struct u16_element {
    using value_type = T;
    using typed_type = T;
    static constexpr std::size_t fixed_size = 2;
    static constexpr T read(reader& r) noexcept { return static_cast<T>(r.u16()); }
    static constexpr void write(writer& w, T v) noexcept { w.u16(static_cast<std::uint16_t>(v)); }
    static constexpr T value_of(T v) noexcept { return v; }
    static constexpr bool equal(T a, T b) noexcept { return a == b; }
};

// An opaque<1..2^8-1> (ALPN ProtocolName, PskBinderEntry with its own bounds below).
template <std::size_t Min, std::size_t Max>
struct opaque8_element {
    using value_type = byte_view;
    using typed_type = byte_view;
    static constexpr std::size_t fixed_size = 0;
    static constexpr byte_view read(reader& r) noexcept { return r.vector<1>(Min, Max); }
    static constexpr void write(writer& w, byte_view v) noexcept { w.vector<1>(v); }
    static constexpr byte_view value_of(byte_view v) noexcept { return v; }
    static constexpr bool equal(byte_view a, byte_view b) noexcept { return same_bytes(a, b); }
};

// ALPN protocol names (RFC 7301 §3.1): configured as text, compared as bytes.
struct protocol_name_element {
    using value_type = byte_view;
    using typed_type = std::string_view;
    static constexpr std::size_t fixed_size = 0;
    static constexpr byte_view read(reader& r) noexcept { return r.vector<1>(1); }
    static constexpr void write(writer& w, byte_view v) noexcept { w.vector<1>(v); }
    static byte_view value_of(std::string_view v) noexcept { return text_bytes(v); }
    static constexpr bool equal(byte_view a, byte_view b) noexcept { return same_bytes(a, b); }
};

// KeyShareEntry (§4.2.8): a group and a non-empty share.
struct key_share_entry {
    named_group group{};
    byte_view share;
    friend constexpr bool operator==(const key_share_entry& a, const key_share_entry& b) noexcept {
        return a.group == b.group && same_bytes(a.share, b.share);
    }
};
struct key_share_element {
    using value_type = key_share_entry;
    using typed_type = key_share_entry;
    static constexpr std::size_t fixed_size = 0;
    static constexpr key_share_entry read(reader& r) noexcept {
        key_share_entry e;
        e.group = static_cast<named_group>(r.u16());
        e.share = r.vector<2>(1);
        return e;
    }
    static constexpr void write(writer& w, const key_share_entry& e) noexcept {
        w.u16(static_cast<std::uint16_t>(e.group));
        w.vector<2>(e.share);
    }
    static constexpr key_share_entry value_of(const key_share_entry& e) noexcept { return e; }
    static constexpr bool equal(const key_share_entry& a, const key_share_entry& b) noexcept { return a == b; }
};

using cipher_suite_list = wire_list<u16_element<cipher_suite>>;
using named_group_list = wire_list<u16_element<named_group>>;
using signature_scheme_list = wire_list<u16_element<signature_scheme>>;
using version_list = wire_list<u16_element<std::uint16_t>>;
using protocol_name_list = wire_list<protocol_name_element>;
using key_share_list = wire_list<key_share_element>;

// A non-empty list of 16-bit values inside a 2-byte length (supported_groups,
// signature_algorithms...): decode_error when malformed.
template <class List>
constexpr bool read_u16_list(reader& r, List& out) noexcept {
    const byte_view bytes = r.vector<2>(2);
    return r.ok() && bytes.size() % 2 == 0 && out.assign_wire(bytes);
}

}  // namespace carapace::tls::detail::codec
