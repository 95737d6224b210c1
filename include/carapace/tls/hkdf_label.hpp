// The TLS 1.3 key-schedule functions HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/kdf/hkdf.hpp"

namespace carapace::tls {

// Largest HkdfLabel: uint16 length, label<7..255> ("tls13 " + label), context<0..255>.
inline constexpr std::size_t max_hkdf_label_size = 2 + 1 + 255 + 1 + 255;

// Encodes HkdfLabel into `out` and returns its length, or 0 when the label or context is too
// long for the structure (or the output length does not fit in 16 bits).
constexpr std::size_t encode_hkdf_label(std::size_t length, byte_view label, byte_view context,
                                        std::span<std::uint8_t, max_hkdf_label_size> out) noexcept {
    constexpr auto prefix = literal_bytes("tls13 ");
    const std::size_t full_label = prefix.size() + label.size();
    if (length > 0xffff || full_label > 255 || context.size() > 255) return 0;
    std::size_t n = 0;
    out[n++] = static_cast<std::uint8_t>(length >> 8);
    out[n++] = static_cast<std::uint8_t>(length);
    out[n++] = static_cast<std::uint8_t>(full_label);
    for (auto b : prefix) out[n++] = b;
    for (auto b : label) out[n++] = b;
    out[n++] = static_cast<std::uint8_t>(context.size());
    for (auto b : context) out[n++] = b;
    return n;
}

// HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length),
// Length being out.size(). `label` is without the "tls13 " prefix, e.g. "c hs traffic".
template <class Hash>
[[nodiscard]] constexpr errc hkdf_expand_label(byte_view secret, byte_view label, byte_view context,
                                               byte_span out) noexcept {
    bytes<max_hkdf_label_size> info{};
    const std::size_t n = encode_hkdf_label(out.size(), label, context, info);
    if (n == 0) return errc::invalid_argument;
    return hkdf_expand<Hash>(secret, byte_view(info).first(n), out);
}

// Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label,
// Transcript-Hash(Messages), Hash.length). Takes the transcript hash, which the handshake keeps
// running anyway.
template <class Hash>
[[nodiscard]] constexpr errc derive_secret(byte_view secret, byte_view label,
                                           fixed_view<Hash::digest_size> transcript_hash,
                                           fixed_span<Hash::digest_size> out) noexcept {
    return hkdf_expand_label<Hash>(secret, label, transcript_hash, out);
}

}  // namespace carapace::tls
