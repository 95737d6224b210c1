// Hand-made TLS wire bytes for the codec tests: vectors with length prefixes, extensions, and the
// encode-to-bytes step, so each test states the exact bytes a peer would send.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/detail/wire.hpp"
#include "carapace/tls/protocol.hpp"

namespace codec_bytes {

using buffer = std::vector<std::uint8_t>;

inline buffer cat(std::initializer_list<buffer> parts) {
    buffer out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
inline buffer u8(std::uint32_t v) { return {static_cast<std::uint8_t>(v)}; }
inline buffer u16(std::uint32_t v) { return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}; }
inline buffer u24(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}
inline buffer u32(std::uint32_t v) { return cat({u16(v >> 16), u16(v & 0xffff)}); }
inline buffer vec8(const buffer& b) { return cat({u8(static_cast<std::uint32_t>(b.size())), b}); }
inline buffer vec16(const buffer& b) { return cat({u16(static_cast<std::uint32_t>(b.size())), b}); }
inline buffer vec24(const buffer& b) { return cat({u24(static_cast<std::uint32_t>(b.size())), b}); }
inline buffer filled(std::size_t n, std::uint8_t v) { return buffer(n, v); }

inline buffer ext(std::uint16_t type, const buffer& data) { return cat({u16(type), vec16(data)}); }
inline buffer ext(carapace::tls::extension_type type, const buffer& data) {
    return ext(static_cast<std::uint16_t>(type), data);
}

inline carapace::byte_view view(const buffer& b) { return {b.data(), b.size()}; }

// encode(w, m) into a fresh buffer; the writer must not overflow.
template <class T>
buffer encoded(const T& m) {
    buffer out(1 << 18);
    carapace::tls::detail::writer w(out);
    encode(w, m);
    REQUIRE(w.ok());
    out.resize(w.size());
    return out;
}

// Common ClientHello pieces.
inline buffer random32(std::uint8_t v = 0x11) { return filled(32, v); }
inline buffer tls13_versions() { return ext(carapace::tls::extension_type::supported_versions, vec8(u16(0x0304))); }
inline buffer x25519_groups() { return ext(carapace::tls::extension_type::supported_groups, vec16(u16(0x001d))); }
inline buffer x25519_share(std::uint8_t v = 0x42) {
    return ext(carapace::tls::extension_type::key_share, vec16(cat({u16(0x001d), vec16(filled(32, v))})));
}
inline buffer ed25519_algorithms() {
    return ext(carapace::tls::extension_type::signature_algorithms, vec16(u16(0x0807)));
}

// A ClientHello body with the given extension block contents.
inline buffer client_hello_body(const buffer& extensions, std::uint16_t legacy_version = 0x0303,
                                const buffer& compression = {0}) {
    return cat({u16(legacy_version), random32(), vec8({}), vec16(cat({u16(0x1301), u16(0x1303)})), vec8(compression),
                vec16(extensions)});
}
inline buffer minimal_extensions() { return cat({x25519_groups(), x25519_share(), tls13_versions(), ed25519_algorithms()}); }

// A ServerHello body with the given random and extension block contents.
inline buffer server_hello_body(const buffer& random, const buffer& extensions, std::uint16_t legacy_version = 0x0303,
                                std::uint8_t compression = 0) {
    return cat({u16(legacy_version), random, vec8({}), u16(0x1301), u8(compression), vec16(extensions)});
}

}  // namespace codec_bytes

#include "carapace/tls/detail/codec/client_hello.hpp"
namespace cc = carapace::tls::detail::codec;
