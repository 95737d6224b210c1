// Byte views and fixed-size byte arrays: the currency of every carapace API.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace carapace {

// Read-only bytes of any length: every input of the library.
using byte_view = std::span<const std::uint8_t>;
// Writable bytes of any length: every output buffer of the library.
using byte_span = std::span<std::uint8_t>;

// N bytes by value: keys, digests, tags.
template <std::size_t N>
using bytes = std::array<std::uint8_t, N>;

// Read-only view of exactly N bytes (a key, a nonce): the size is checked at compile time.
template <std::size_t N>
using fixed_view = std::span<const std::uint8_t, N>;

// Writable view of exactly N bytes.
template <std::size_t N>
using fixed_span = std::span<std::uint8_t, N>;

// Views the characters of a string literal (without its terminator) as bytes, in constant
// evaluation too: labels and test messages are usually written as text.
template <std::size_t N>
constexpr bytes<N - 1> literal_bytes(const char (&text)[N]) noexcept {
    bytes<N - 1> out{};
    for (std::size_t i = 0; i + 1 < N; ++i) out[i] = static_cast<std::uint8_t>(text[i]);
    return out;
}

}  // namespace carapace
