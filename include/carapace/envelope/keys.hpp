// The age v1 key schedule (age-encryption.org/v1, "Header MAC" and "Payload"): from the 16-byte
// file key, HKDF-SHA-256 derives the header MAC key (empty salt, info "header") and, with the
// payload's 16-byte random nonce as salt, the ChaCha20-Poly1305 payload key (info "payload").
// The MAC is HMAC-SHA-256 over the header through "---", compared in constant time.
#pragma once

#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/envelope/header.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/kdf/hkdf.hpp"
#include "carapace/mac/hmac.hpp"

namespace carapace::envelope {

// The size of the payload nonce in bytes.
inline constexpr std::size_t payload_nonce_size = 16;
// The 16-byte key of one file, wrapped for each recipient.
using file_key = bytes<file_key_size>;

namespace detail {
inline byte_view text_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
}  // namespace detail

// HMAC-SHA-256(HKDF(file key, "", "header"), header through "---").
[[nodiscard]] inline bytes<mac_size> header_mac(fixed_view<file_key_size> key, std::string_view mac_input) noexcept {
    bytes<32> mac_key{};
    (void)hkdf<sha256>({}, key, literal_bytes("header"), mac_key);
    auto mac = hmac<sha256>::mac(mac_key, detail::text_bytes(mac_input));
    secure_wipe(mac_key);
    return mac;
}

// Whether the parsed header's MAC verifies under `key` (constant-time compare).
[[nodiscard]] inline bool verify_header_mac(fixed_view<file_key_size> key, const header_view& h) noexcept {
    auto expected = header_mac(key, h.text.substr(0, h.mac_input_size));
    const bool ok = ct::declassify(ct::equal(expected, h.mac));
    secure_wipe(expected);
    return ok;
}

// HKDF-SHA-256(file key, nonce, "payload"): the STREAM key.
[[nodiscard]] inline bytes<32> payload_key(fixed_view<file_key_size> key,
                                           fixed_view<payload_nonce_size> nonce) noexcept {
    bytes<32> out{};
    (void)hkdf<sha256>(nonce, key, literal_bytes("payload"), out);
    return out;
}

}  // namespace carapace::envelope
