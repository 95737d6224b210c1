// Base64 (RFC 4648 §4) decoding for PEM, plus the strict unpadded form and the encoder the age
// format (age-encryption.org/v1) needs. PEM also carries private keys, so the digits' values
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

// Decodes `text` as RFC 4648 §3.2 base64 without padding, as age writes stanza arguments, bodies
// and the header MAC: no whitespace, no '=', a length that is not 1 mod 4 and zero unused bits (so
// each byte string has exactly one encoding). decode_error otherwise, buffer_too_small when `out`
// cannot hold the result; on either, `out` is wiped.
[[nodiscard]] constexpr result<std::size_t> decode_unpadded(std::string_view text, std::span<std::uint8_t> out) noexcept {
    if (text.size() % 4 == 1) return errc::decode_error;
    const std::size_t size = text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1);
    if (size > out.size()) {
        secure_wipe(out);
        return errc::buffer_too_small;
    }
    std::uint32_t group = 0, bad = 0;
    std::size_t written = 0, digits = 0;
    for (const char c : text) {
        const std::uint32_t v = detail::digit_value(c);
        bad |= v >> 8;
        group = group << 6 | (v & 63u);
        if (++digits % 4 == 0) {
            out[written++] = static_cast<std::uint8_t>(group >> 16);
            out[written++] = static_cast<std::uint8_t>(group >> 8);
            out[written++] = static_cast<std::uint8_t>(group);
            group = 0;
        }
    }
    const std::size_t left = digits % 4;
    if (left == 2) {
        bad |= (group & 0xfu) != 0 ? 1u : 0u;
        out[written++] = static_cast<std::uint8_t>(group >> 4);
    } else if (left == 3) {
        bad |= (group & 0x3u) != 0 ? 1u : 0u;
        out[written++] = static_cast<std::uint8_t>(group >> 10);
        out[written++] = static_cast<std::uint8_t>(group >> 2);
    }
    if (bad != 0) {
        secure_wipe(out);
        return errc::decode_error;
    }
    return written;
}

// Length of the encoding of `size` bytes, with or without '=' padding.
constexpr std::size_t encoded_size(std::size_t size, bool padded) noexcept {
    return padded ? (size + 2) / 3 * 4 : size / 3 * 4 + (size % 3 == 0 ? 0 : size % 3 + 1);
}

// Writes the base64 of `in` to the front of `out` (digits computed with masks, like decoding,
// since file keys' wrappings and MACs pass through here). buffer_too_small writes nothing.
[[nodiscard]] constexpr result<std::size_t> encode(std::span<const std::uint8_t> in, std::span<char> out,
                                                   bool padded) noexcept {
    const std::size_t size = encoded_size(in.size(), padded);
    if (size > out.size()) return errc::buffer_too_small;
    auto digit = [](std::uint32_t v) {
        // 'A'+v, 'a'+v-26, '0'+v-52, '+', '/' chosen by masks.
        auto below = [](std::uint32_t x, std::uint32_t limit) { return ct::mask_from_bit((x - limit) >> 31); };
        const std::uint32_t lt26 = below(v, 26), lt52 = below(v, 52), lt62 = below(v, 62), lt63 = below(v, 63);
        std::uint32_t c = '/';
        c = ct::select(lt63, std::uint32_t{'+'}, c);
        c = ct::select(lt62, v - 52 + '0', c);
        c = ct::select(lt52, v - 26 + 'a', c);
        c = ct::select(lt26, v + 'A', c);
        return static_cast<char>(c);
    };
    std::size_t o = 0, i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const std::uint32_t g = std::uint32_t{in[i]} << 16 | std::uint32_t{in[i + 1]} << 8 | in[i + 2];
        out[o++] = digit(g >> 18);
        out[o++] = digit(g >> 12 & 63u);
        out[o++] = digit(g >> 6 & 63u);
        out[o++] = digit(g & 63u);
    }
    const std::size_t left = in.size() - i;
    if (left != 0) {
        const std::uint32_t g = std::uint32_t{in[i]} << 16 | (left == 2 ? std::uint32_t{in[i + 1]} << 8 : 0u);
        out[o++] = digit(g >> 18);
        out[o++] = digit(g >> 12 & 63u);
        if (left == 2) out[o++] = digit(g >> 6 & 63u);
        if (padded) {
            if (left == 1) out[o++] = '=';
            out[o++] = '=';
        }
    }
    return o;
}

}  // namespace carapace::base64
