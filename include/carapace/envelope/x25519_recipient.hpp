// The X25519 recipient type of age v1 (age-encryption.org/v1, "The X25519 recipient type"):
//   -> X25519 base64(ephemeral share)
//   base64(ChaCha20-Poly1305(wrap key, nonce 0, file key))
// wrap key = HKDF-SHA-256(ikm = X25519(eph, recipient), salt = share || recipient,
// info "age-encryption.org/v1/X25519"). An all-zero shared secret (a low-order share) is refused.
// Keys travel as Bech32: "age1..." recipients, "AGE-SECRET-KEY-1..." identities.
#pragma once

#include <span>
#include <string_view>

#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/core/base64.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/envelope/bech32.hpp"
#include "carapace/envelope/key_wrapper.hpp"
#include "carapace/envelope/keys.hpp"

namespace carapace::envelope {

// The stanza type of X25519 recipients.
inline constexpr std::string_view x25519_stanza_type = "X25519";
inline constexpr std::size_t recipient_text_size = 4 + 52 + 6;    // "age1" + 52 digits + checksum
inline constexpr std::size_t identity_text_size = 16 + 52 + 6;    // "AGE-SECRET-KEY-1" + ...

namespace detail {
inline bytes<32> x25519_wrap_key(fixed_view<32> shared, fixed_view<32> share, fixed_view<32> recipient) noexcept {
    bytes<64> salt{};
    for (std::size_t i = 0; i < 32; ++i) {
        salt[i] = share[i];
        salt[32 + i] = recipient[i];
    }
    bytes<32> key{};
    (void)hkdf<sha256>(salt, shared, literal_bytes("age-encryption.org/v1/X25519"), key);
    return key;
}
}  // namespace detail

// Wraps to a public key; unwraps nothing.
class x25519_recipient final : public key_wrapper {
public:
    // Wraps to the 32-byte X25519 public key.
    explicit x25519_recipient(fixed_view<32> public_key) noexcept {
        for (std::size_t i = 0; i < 32; ++i) public_[i] = public_key[i];
    }
    // Parses "age1...": false when the text is not a recipient.
    [[nodiscard]] static bool parse(std::string_view text, bytes<32>& public_key) noexcept {
        return bech32::decode(text, "age", public_key);
    }

    error wrap(fixed_view<file_key_size> key, random_source& rng, header_writer& out) noexcept override {
        bytes<32> eph{}, share{}, shared{};
        rng.fill(eph);
        x25519_public_key(share, eph);
        if (x25519(shared, eph, public_) != errc::ok) {
            secure_wipe(eph);
            return error::invalid_argument;  // a low-order recipient key
        }
        auto wrap_key = detail::x25519_wrap_key(shared, share, public_);
        bytes<file_key_size + 16> body{};
        (void)chacha20_poly1305(wrap_key).seal(bytes<12>{}, {}, key, body);
        char share_text[43] = {};
        (void)base64::encode(share, share_text, false);
        const std::string_view args[1] = {std::string_view(share_text, 43)};
        const error e = out.add(x25519_stanza_type, args, body);
        secure_wipe(eph);
        secure_wipe(shared);
        secure_wipe(wrap_key);
        return e;
    }
    error unwrap(const stanza&, fixed_span<file_key_size> key) noexcept override {
        secure_wipe(key);
        return error::no_match;
    }

    // The recipient's public key.
    [[nodiscard]] const bytes<32>& public_key() const noexcept { return public_; }

private:
    bytes<32> public_{};
};

// A private key: unwraps X25519 stanzas, and wraps to its own public key.
class x25519_identity final : public key_wrapper {
public:
    // Holds a 32-byte X25519 private key (wiped when destroyed).
    explicit x25519_identity(fixed_view<32> private_key) noexcept {
        for (std::size_t i = 0; i < 32; ++i) private_[i] = private_key[i];
        x25519_public_key(public_, private_);
    }
    ~x25519_identity() { secure_wipe(private_); }
    x25519_identity(const x25519_identity&) = delete;
    x25519_identity& operator=(const x25519_identity&) = delete;

    // Parses "AGE-SECRET-KEY-1...": false when the text is not an identity.
    [[nodiscard]] static bool parse(std::string_view text, bytes<32>& private_key) noexcept {
        return bech32::decode(text, "age-secret-key-", private_key);
    }

    // The identity and recipient texts, as age-keygen writes them.
    [[nodiscard]] std::size_t identity_text(std::span<char, identity_text_size> out) const noexcept {
        return bech32::encode("age-secret-key-", private_, true, out);
    }
    // The recipient text (age1...) of this identity's public key.
    [[nodiscard]] std::size_t recipient_text(std::span<char, recipient_text_size> out) const noexcept {
        return bech32::encode("age", public_, false, out);
    }
    // The identity's public key.
    [[nodiscard]] const bytes<32>& public_key() const noexcept { return public_; }

    error wrap(fixed_view<file_key_size> key, random_source& rng, header_writer& out) noexcept override {
        return x25519_recipient(public_).wrap(key, rng, out);
    }

    error unwrap(const stanza& s, fixed_span<file_key_size> key) noexcept override {
        secure_wipe(key);
        if (s.type != x25519_stanza_type) return error::no_match;
        bytes<32> share{};
        bytes<file_key_size + 16> body{};
        std::size_t body_size = 0;
        if (s.arg_count != 1 || s.body_size() != body.size()) return error::stanza_malformed;
        const auto decoded = base64::decode_unpadded(s.arg(0), share);
        if (!decoded || decoded.value() != share.size()) return error::stanza_malformed;
        if (s.decode_body(body, body_size) != error::ok) return error::stanza_malformed;
        bytes<32> shared{};
        if (x25519(shared, private_, share) != errc::ok) return error::stanza_malformed;
        auto wrap_key = detail::x25519_wrap_key(shared, share, public_);
        const errc opened = chacha20_poly1305(wrap_key).open(bytes<12>{}, {}, body, key);
        secure_wipe(shared);
        secure_wipe(wrap_key);
        return opened == errc::ok ? error::ok : error::no_match;
    }

private:
    bytes<32> private_{};
    bytes<32> public_{};
};

}  // namespace carapace::envelope
