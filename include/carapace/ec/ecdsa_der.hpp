// ECDSA signatures in DER (RFC 5480 §2.2.3, RFC 3279 §2.2.3: Ecdsa-Sig-Value ::= SEQUENCE {
// r INTEGER, s INTEGER }) to and from r||s. Parsing is strict DER, as X.509 and TLS require:
// short-form lengths (the content never reaches 128 bytes for these curves), minimal positive
// INTEGERs, nothing trailing, and each value below 2^(8 * scalar_size).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"

namespace carapace {

namespace detail {

// Reads one INTEGER at in[pos] into out (Size bytes, big-endian); false if not strict DER or too big.
template <std::size_t Size>
constexpr bool read_der_integer(byte_view in, std::size_t& pos, std::uint8_t* out) noexcept {
    if (in.size() - pos < 2 || in[pos] != 0x02) return false;
    const std::size_t len = in[pos + 1];
    pos += 2;
    if (len == 0 || len > Size + 1 || in.size() - pos < len) return false;
    const std::uint8_t* v = in.data() + pos;
    if (v[0] & 0x80) return false;                          // negative
    if (len > 1 && v[0] == 0 && !(v[1] & 0x80)) return false;  // not minimal
    if (len == Size + 1 && v[0] != 0) return false;        // 2^(8*Size) or more
    for (std::size_t i = 0; i < Size; ++i) out[i] = 0;
    const std::size_t skip = len == Size + 1 ? 1 : 0;
    for (std::size_t i = skip; i < len; ++i) out[Size - len + i] = v[i];
    pos += len;
    return true;
}

// Writes one INTEGER for a big-endian value of Size bytes; returns its size (at most Size + 3).
template <std::size_t Size>
constexpr std::size_t write_der_integer(const std::uint8_t* v, std::uint8_t* out) noexcept {
    std::size_t first = 0;
    while (first + 1 < Size && v[first] == 0) ++first;  // public: the signature is being published
    const bool pad = (v[first] & 0x80) != 0;
    const std::size_t len = Size - first + (pad ? 1 : 0);
    out[0] = 0x02;
    out[1] = static_cast<std::uint8_t>(len);
    std::size_t n = 2;
    if (pad) out[n++] = 0;
    for (std::size_t i = first; i < Size; ++i) out[n++] = v[i];
    return n;
}

}  // namespace detail

// Converts a strict DER ECDSA-Sig-Value to r||s; false when it is not well-formed or out of range.
template <class Curve>
[[nodiscard]] constexpr bool ecdsa_der_to_rs(byte_view der, fixed_span<Curve::signature_size> rs) noexcept {
    constexpr std::size_t size = Curve::scalar_size;
    if (der.size() < 2 || der[0] != 0x30 || (der[1] & 0x80) || der[1] != der.size() - 2) return false;
    std::size_t pos = 2;
    if (!detail::read_der_integer<size>(der, pos, rs.data())) return false;
    if (!detail::read_der_integer<size>(der, pos, rs.data() + size)) return false;
    return pos == der.size();
}

// Returns the DER size written, or 0 when `out` is shorter than max_der_signature_size.
template <class Curve>
[[nodiscard]] constexpr std::size_t ecdsa_rs_to_der(fixed_view<Curve::signature_size> rs, byte_span out) noexcept {
    constexpr std::size_t size = Curve::scalar_size;
    if (out.size() < Curve::max_der_signature_size) return 0;
    std::uint8_t body[2 * (size + 3)] = {};
    std::size_t n = detail::write_der_integer<size>(rs.data(), body);
    n += detail::write_der_integer<size>(rs.data() + size, body + n);
    out[0] = 0x30;
    out[1] = static_cast<std::uint8_t>(n);
    for (std::size_t i = 0; i < n; ++i) out[2 + i] = body[i];
    return n + 2;
}

}  // namespace carapace
