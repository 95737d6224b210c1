// Bech32 (BIP 173) as age uses it for keys (age-encryption.org/v1, "The X25519 recipient type"):
// recipients are "age1" + lowercase Bech32 of the 32-byte public key, identities
// "AGE-SECRET-KEY-1" + uppercase Bech32 of the private key. Unlike BIP 173, age sets no 90-character
// limit. The checksum is the original Bech32 one (not Bech32m). Mixed case is refused.
// Key text is secret for identities: the decoder's work depends only on the text's length, apart
// from rejecting characters outside the alphabet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::envelope::bech32 {

// The 32 characters of bech32, in value order.
inline constexpr std::string_view charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

namespace detail {

constexpr std::uint32_t polymod_step(std::uint32_t chk, std::uint32_t value) noexcept {
    constexpr std::uint32_t gen[5] = {0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu, 0x2a1462b3u};
    const std::uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffffu) << 5 ^ value;
    for (int i = 0; i < 5; ++i) chk ^= (0u - ((top >> i) & 1u)) & gen[i];
    return chk;
}

constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

constexpr std::uint32_t hrp_checksum(std::string_view hrp) noexcept {
    std::uint32_t chk = 1;
    for (const char c : hrp) chk = polymod_step(chk, static_cast<std::uint32_t>(static_cast<std::uint8_t>(lower(c))) >> 5);
    chk = polymod_step(chk, 0);
    for (const char c : hrp) chk = polymod_step(chk, static_cast<std::uint32_t>(static_cast<std::uint8_t>(lower(c))) & 31u);
    return chk;
}

// Value of a (lowercased) character of the alphabet, or 32. Scans the whole alphabet.
constexpr std::uint32_t value_of(char c) noexcept {
    std::uint32_t v = 32;
    for (std::uint32_t i = 0; i < 32; ++i) {
        const std::uint32_t eq = static_cast<std::uint32_t>(charset[i] == c);
        v = ((0u - eq) & i) | ((eq - 1u) & v);
    }
    return v;
}

}  // namespace detail

// Encodes `data` under `hrp` (given in lowercase) into `out`, uppercase when asked: the text's
// size, or 0 when `out` is too small.
constexpr std::size_t encode(std::string_view hrp, byte_view data, bool uppercase, std::span<char> out) noexcept {
    const std::size_t groups = (data.size() * 8 + 4) / 5;
    const std::size_t size = hrp.size() + 1 + groups + 6;
    if (out.size() < size) return 0;
    std::size_t o = 0;
    auto put = [&](char c) { out[o++] = uppercase ? detail::upper(c) : c; };
    for (const char c : hrp) put(c);
    put('1');
    std::uint32_t chk = detail::hrp_checksum(hrp), acc = 0;
    int bits = 0;
    auto emit = [&](std::uint32_t v) {
        chk = detail::polymod_step(chk, v);
        put(charset[v]);
    };
    for (const std::uint8_t b : data) {
        acc = (acc << 8 | b) & 0xfffu;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            emit(acc >> bits & 31u);
        }
    }
    if (bits > 0) emit(acc << (5 - bits) & 31u);
    for (int i = 0; i < 6; ++i) chk = detail::polymod_step(chk, 0);
    chk ^= 1;
    for (int i = 0; i < 6; ++i) put(charset[chk >> (5 * (5 - i)) & 31u]);
    return o;
}

// Decodes `text` whose human-readable part must equal `hrp` (compared without case) into exactly
// out.size() bytes. False on any error (case mix, bad character, checksum, length, padding);
// `out` is then wiped.
[[nodiscard]] constexpr bool decode(std::string_view text, std::string_view hrp, byte_span out) noexcept {
    bool has_lower = false, has_upper = false;
    for (const char c : text) {
        if (c < 33 || c > 126) return false;
        has_lower |= c >= 'a' && c <= 'z';
        has_upper |= c >= 'A' && c <= 'Z';
    }
    const std::size_t sep = text.rfind('1');
    const std::size_t groups = (out.size() * 8 + 4) / 5;
    if (has_lower && has_upper) return false;
    if (sep == std::string_view::npos || sep != hrp.size() || text.size() != sep + 1 + groups + 6) return false;
    for (std::size_t i = 0; i < sep; ++i)
        if (detail::lower(text[i]) != hrp[i]) return false;
    std::uint32_t chk = detail::hrp_checksum(hrp), acc = 0, bad = 0;
    int bits = 0;
    std::size_t written = 0;
    for (std::size_t i = sep + 1; i < text.size(); ++i) {
        const std::uint32_t v = detail::value_of(detail::lower(text[i]));
        bad |= v >> 5;
        chk = detail::polymod_step(chk, v & 31u);
        if (i >= text.size() - 6) continue;
        acc = (acc << 5 | (v & 31u)) & 0xfffu;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[written++] = static_cast<std::uint8_t>(acc >> bits);
        }
    }
    bad |= chk ^ 1u;
    bad |= bits >= 5 ? 1u : 0u;
    bad |= acc & ((1u << bits) - 1u);  // padding bits must be zero
    if (bad != 0 || written != out.size()) {
        secure_wipe(out);
        return false;
    }
    return true;
}

}  // namespace carapace::envelope::bech32
