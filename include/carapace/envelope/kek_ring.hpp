// A ring of local key-encryption keys (KEKs) for age v1 envelopes: each KEK is an AES-256-GCM key
// with an id and a version, and the stanza names both, so decryption picks the right KEK and files
// wrapped under an old version keep opening after the ring rotates to a new one.
//
// Stanza (a custom age recipient type; the spec lets implementations define their own, and the
// "carapace/" prefix keeps this one from colliding with anyone else's):
//   -> carapace/aes-256-gcm-kek KEK_ID VERSION base64(12-byte nonce)
//   base64(AES-256-GCM(KEK, nonce, aad = "carapace/aes-256-gcm-kek KEK_ID VERSION", file key))
// KEK_ID is 1 to 64 printable ASCII characters without spaces; VERSION a decimal below 2^32
// without sign or leading zero. The AAD binds the wrapping to the id and version it claims. The
// nonce is random: 2^32 wraps under one KEK keep the collision chance below 2^-32 (SP 800-38D
// §8.3); rotate long before that.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/aead/aes_gcm.hpp"
#include "carapace/core/base64.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/envelope/key_wrapper.hpp"

namespace carapace::envelope {

// The stanza type of KEK-wrapped file keys.
inline constexpr std::string_view kek_stanza_type = "carapace/aes-256-gcm-kek";
// The longest KEK id.
inline constexpr std::size_t max_kek_id_size = 64;

// A key-encryption key: its id, its version and 32 bytes of AES-256 key.
struct kek {
    // The KEK's name (one per environment and purpose).
    std::string_view id;
    // The KEK's version within its id.
    std::uint32_t version = 0;
    // The AES-256 key.
    bytes<32> key{};
};

namespace detail {

constexpr bool valid_kek_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > max_kek_id_size) return false;
    for (const char c : id)
        if (!is_arg_char(c)) return false;
    return true;
}

// Decimal text of v into out (10 chars): its length.
constexpr std::size_t decimal(std::uint32_t v, char (&out)[10]) noexcept {
    char tmp[10] = {};
    std::size_t n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (std::size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
    return n;
}

constexpr bool parse_decimal(std::string_view s, std::uint32_t& v) noexcept {
    if (s.empty() || s.size() > 10 || (s[0] == '0' && s.size() > 1)) return false;
    std::uint64_t acc = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return false;
        acc = acc * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (acc > 0xffffffffu) return false;
    v = static_cast<std::uint32_t>(acc);
    return true;
}

// "carapace/aes-256-gcm-kek ID VERSION" into out: its size.
constexpr std::size_t kek_aad(std::string_view id, std::string_view version, std::span<std::uint8_t> out) noexcept {
    std::size_t n = 0;
    for (const char c : kek_stanza_type) out[n++] = static_cast<std::uint8_t>(c);
    out[n++] = ' ';
    for (const char c : id) out[n++] = static_cast<std::uint8_t>(c);
    out[n++] = ' ';
    for (const char c : version) out[n++] = static_cast<std::uint8_t>(c);
    return n;
}

}  // namespace detail

// The ring: the caller's KEKs (kept by reference) and which one wraps new file keys.
class kek_ring final : public key_wrapper {
public:
    // A ring over `keys` (which must outlive it); wraps with KEK `active_id`, `active_version`.
    kek_ring(std::span<const kek> keys, std::string_view active_id, std::uint32_t active_version) noexcept
        : keys_(keys), active_id_(active_id), active_version_(active_version) {}

    error wrap(fixed_view<file_key_size> key, random_source& rng, header_writer& out) noexcept override {
        const kek* k = find(active_id_, active_version_);
        if (k == nullptr || !detail::valid_kek_id(k->id)) return error::invalid_argument;
        bytes<12> nonce{};
        rng.fill(nonce);
        char version[10] = {};
        const std::string_view version_text(version, detail::decimal(k->version, version));
        std::uint8_t aad[kek_stanza_type.size() + max_kek_id_size + 12] = {};
        const std::size_t aad_size = detail::kek_aad(k->id, version_text, aad);
        bytes<file_key_size + 16> body{};
        (void)aes256_gcm(k->key).seal(nonce, byte_view(aad, aad_size), key, body);
        char nonce_text[16] = {};
        (void)base64::encode(nonce, nonce_text, false);
        const std::string_view args[3] = {k->id, version_text, std::string_view(nonce_text, 16)};
        return out.add(kek_stanza_type, args, body);
    }

    error unwrap(const stanza& s, fixed_span<file_key_size> key) noexcept override {
        secure_wipe(key);
        if (s.type != kek_stanza_type) return error::no_match;
        if (s.arg_count != 3 || s.body_size() != file_key_size + 16) return error::stanza_malformed;
        const std::string_view id = s.arg(0), version_text = s.arg(1);
        std::uint32_t version = 0;
        if (!detail::valid_kek_id(id) || !detail::parse_decimal(version_text, version)) return error::stanza_malformed;
        bytes<12> nonce{};
        const auto decoded = base64::decode_unpadded(s.arg(2), nonce);
        if (!decoded || decoded.value() != nonce.size()) return error::stanza_malformed;
        bytes<file_key_size + 16> body{};
        std::size_t body_size = 0;
        if (s.decode_body(body, body_size) != error::ok) return error::stanza_malformed;
        const kek* k = find(id, version);
        if (k == nullptr) return error::no_match;
        std::uint8_t aad[kek_stanza_type.size() + max_kek_id_size + 12] = {};
        const std::size_t aad_size = detail::kek_aad(id, version_text, aad);
        const errc opened = aes256_gcm(k->key).open(nonce, byte_view(aad, aad_size), body, key);
        return opened == errc::ok ? error::ok : error::no_match;
    }

private:
    const kek* find(std::string_view id, std::uint32_t version) const noexcept {
        for (const kek& k : keys_)
            if (k.id == id && k.version == version) return &k;
        return nullptr;
    }

    std::span<const kek> keys_;
    std::string_view active_id_;
    std::uint32_t active_version_;
};

}  // namespace carapace::envelope
