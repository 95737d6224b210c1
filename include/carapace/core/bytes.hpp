// Byte views and fixed-size byte arrays: the currency of every carapace API.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace carapace {

using byte_view = std::span<const std::uint8_t>;
using byte_span = std::span<std::uint8_t>;

template <std::size_t N>
using bytes = std::array<std::uint8_t, N>;

template <std::size_t N>
using fixed_view = std::span<const std::uint8_t, N>;

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
