// Hexadecimal encoding and decoding. Decoding does not branch on the digits' values, so it may
// be given keys; it reports malformed text as an error value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/ct.hpp"
#include "carapace/core/error.hpp"

namespace carapace::hex {

namespace detail {

// Value of one hex digit (either case), or 0x100 when c is not a hex digit: computed with masks
// rather than a lookup table or a branch.
constexpr std::uint32_t digit_value(char c) noexcept {
    const std::uint32_t x = static_cast<std::uint8_t>(c);
    // in_range(x, lo, hi) is all ones when lo <= x <= hi.
    auto in_range = [](std::uint32_t v, std::uint32_t lo, std::uint32_t hi) {
        return ct::mask_from_bit(((v - lo) >> 31 ^ 1u) & ((hi - v) >> 31 ^ 1u));
    };
    const std::uint32_t is_digit = in_range(x, '0', '9');
    const std::uint32_t is_lower = in_range(x, 'a', 'f');
    const std::uint32_t is_upper = in_range(x, 'A', 'F');
    const std::uint32_t value = (is_digit & (x - '0')) | (is_lower & (x - 'a' + 10)) |
                                (is_upper & (x - 'A' + 10));
    return value | (~(is_digit | is_lower | is_upper) & 0x100u);
}

}  // namespace detail

// Number of bytes that `text` decodes to (text.size() / 2).
constexpr std::size_t decoded_size(std::string_view text) noexcept { return text.size() / 2; }

// Decodes `text` into `out`, which must be exactly decoded_size(text) long. On error `out` is
// zeroed. Errors: odd length or a non-hex character (decode_error), wrong output size
// (buffer_too_small).
[[nodiscard]] constexpr errc decode(std::string_view text, std::span<std::uint8_t> out) noexcept {
    if (text.size() % 2 != 0) return errc::decode_error;
    if (out.size() != text.size() / 2) return errc::buffer_too_small;
    std::uint32_t bad = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::uint32_t hi = detail::digit_value(text[2 * i]);
        const std::uint32_t lo = detail::digit_value(text[2 * i + 1]);
        bad |= (hi | lo) & 0x100u;
        out[i] = static_cast<std::uint8_t>((hi << 4) | (lo & 0xfu));
    }
    if (bad != 0) {
        for (auto& b : out) b = 0;
        return errc::decode_error;
    }
    return errc::ok;
}

// Writes the lowercase hex of `in` to `out`, which must hold 2 * in.size() characters.
[[nodiscard]] constexpr errc encode(std::span<const std::uint8_t> in, std::span<char> out) noexcept {
    if (out.size() != 2 * in.size()) return errc::buffer_too_small;
    auto nibble = [](std::uint32_t v) {
        // '0' + v for v < 10, 'a' + v - 10 otherwise, without a branch on v.
        const std::uint32_t above_nine = ((9u - v) >> 31) & 1u;
        return static_cast<char>('0' + v + (ct::mask_from_bit(above_nine) & ('a' - '0' - 10)));
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        out[2 * i] = nibble(in[i] >> 4);
        out[2 * i + 1] = nibble(in[i] & 0xfu);
    }
    return errc::ok;
}

}  // namespace carapace::hex
