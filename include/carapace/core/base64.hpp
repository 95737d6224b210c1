// Base64 (RFC 4648 §4) decoding for PEM. PEM also carries private keys, so the digits' values
// choose no branch and index no table: each is computed with masks, as hex.hpp does. What does
// branch is layout that says nothing about the data: where whitespace and the padding sit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/ct.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::base64 {

namespace detail {

// Value of one base64 digit, or 0x100 when c is not one.
constexpr std::uint32_t digit_value(char c) noexcept {
    const std::uint32_t x = static_cast<std::uint8_t>(c);
    auto in_range = [](std::uint32_t v, std::uint32_t lo, std::uint32_t hi) {
        return ct::mask_from_bit(((v - lo) >> 31 ^ 1u) & ((hi - v) >> 31 ^ 1u));
    };
    const std::uint32_t upper = in_range(x, 'A', 'Z'), lower = in_range(x, 'a', 'z');
    const std::uint32_t digit = in_range(x, '0', '9'), plus = in_range(x, '+', '+');
    const std::uint32_t slash = in_range(x, '/', '/');
    const std::uint32_t value = (upper & (x - 'A')) | (lower & (x - 'a' + 26)) | (digit & (x - '0' + 52)) |
                                (plus & 62u) | (slash & 63u);
    return value | (~(upper | lower | digit | plus | slash) & 0x100u);
}

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace detail

// An upper bound on what `text` decodes to (whitespace counted as if it were digits).
constexpr std::size_t max_decoded_size(std::string_view text) noexcept { return (text.size() + 3) / 4 * 3; }

// Decodes `text` (whitespace between digits ignored, padding required, unused bits zero) into
// the front of `out` and returns how many bytes it wrote. Anything else is decode_error, and
// buffer_too_small if `out` cannot hold the result; on either, `out` is wiped.
[[nodiscard]] constexpr result<std::size_t> decode(std::string_view text, std::span<std::uint8_t> out) noexcept {
    std::uint32_t group = 0, bad = 0;
    std::size_t digits = 0, written = 0, padding = 0;
    for (const char c : text) {
        if (detail::is_space(c)) continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding != 0) {  // a digit after padding
            bad = 1;
            break;
        }
        const std::uint32_t v = detail::digit_value(c);
        bad |= v >> 8;
        group = group << 6 | (v & 63u);
        if (++digits % 4 == 0) {
            if (written + 3 > out.size()) {
                secure_wipe(out);
                return errc::buffer_too_small;
            }
            out[written++] = static_cast<std::uint8_t>(group >> 16);
            out[written++] = static_cast<std::uint8_t>(group >> 8);
            out[written++] = static_cast<std::uint8_t>(group);
            group = 0;
        }
    }
    const std::size_t left = digits % 4;  // digits of the last, padded group
    if (bad == 0 && ((left == 0 && padding == 0) || (left == 2 && padding == 2) || (left == 3 && padding == 1))) {
        const std::size_t extra = left == 0 ? 0 : left - 1;
        if (written + extra > out.size()) {
            secure_wipe(out);
            return errc::buffer_too_small;
        }
        // The last group's bits beyond the last whole byte must be zero (canonical encoding).
        const std::uint32_t unused = left == 2 ? group & 0xfu : left == 3 ? group & 0x3u : 0u;
        if (unused == 0) {
            if (left == 2) out[written++] = static_cast<std::uint8_t>(group >> 4);
            if (left == 3) {
                out[written++] = static_cast<std::uint8_t>(group >> 10);
                out[written++] = static_cast<std::uint8_t>(group >> 2);
            }
            return written;
        }
    }
    secure_wipe(out);
    return errc::decode_error;
}

}  // namespace carapace::base64
