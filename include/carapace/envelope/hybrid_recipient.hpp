// The post-quantum hybrid recipient type of age (c2sp.org/age, "The MLKEM768-X25519 (i.e. X-Wing)
// hybrid post-quantum recipient type", age v1.3):
//   -> mlkem768x25519 base64(enc)            (enc: 1120 bytes)
//   base64(HPKE ciphertext of the file key)  (32 bytes)
// The file key is sealed with HPKE SealBase (RFC 9180 §6.1): KEM MLKEM768-X25519, HKDF-SHA256,
// ChaCha20-Poly1305, info "age-encryption.org/mlkem768x25519", empty aad (hpke/).
// Identities are the KEM's 32-byte seeds, as Bech32 "AGE-SECRET-KEY-PQ-1..."; recipients the
// 1216-byte public keys, as Bech32 "age1pq1..." (no length limit, as age encodes them).
//
// Unwrapping follows the spec's rules and the test kit's classes: a stanza of this type with other
// than one argument after the type, an enc that is not the canonical base64 of 1120 bytes, or a
// body not of 32 bytes (checked before decrypting, against partitioning oracles) is malformed; so
// is an X25519 share of small order (the KEM refuses its all-zero output). A body that does not
// open is simply not for this identity (no match).
#pragma once

#include <span>
#include <string_view>

#include "carapace/core/base64.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/envelope/bech32.hpp"
#include "carapace/envelope/key_wrapper.hpp"
#include "carapace/envelope/keys.hpp"
#include "carapace/hpke/hpke.hpp"

namespace carapace::envelope {

inline constexpr std::string_view hybrid_stanza_type = "mlkem768x25519";  // the stanza's first argument
inline constexpr std::string_view hybrid_hpke_info = "age-encryption.org/mlkem768x25519";  // HPKE info
using hybrid_kem = hpke::mlkem768_x25519;  // the HPKE KEM this type uses (X-Wing)
inline constexpr std::size_t hybrid_enc_text_size = (hybrid_kem::enc_size * 4 + 2) / 3;  // 1494 digits
// "age1pq" "1" + 1946 digits + checksum.
inline constexpr std::size_t hybrid_recipient_text_size = 6 + 1 + (hybrid_kem::public_key_size * 8 + 4) / 5 + 6;
// "AGE-SECRET-KEY-PQ-" "1" + 52 digits + checksum.
inline constexpr std::size_t hybrid_identity_text_size = 18 + 1 + (hybrid_kem::private_key_size * 8 + 4) / 5 + 6;

// Wraps to a hybrid public key; unwraps nothing.
class hybrid_recipient final : public key_wrapper {
public:
    using public_key_bytes = bytes<hybrid_kem::public_key_size>;  // a recipient's 1216-byte public key

    // Wraps to this public key (as parse() or hybrid_identity::public_key() gives it).
    explicit hybrid_recipient(fixed_view<hybrid_kem::public_key_size> public_key) noexcept {
        for (std::size_t i = 0; i < public_key.size(); ++i) public_[i] = public_key[i];
    }
    // Parses "age1pq1...": false when the text is not a recipient, or its ML-KEM key fails the
    // modulus check of FIPS 203 §7.2 (age refuses such keys when it parses them).
    [[nodiscard]] static bool parse(std::string_view text, public_key_bytes& public_key) noexcept {
        if (!bech32::decode(text, "age1pq", public_key)) return false;
        return mlkem768::encapsulation_key_valid(fixed_view<hybrid_kem::public_key_size>(public_key)
                                                     .first<hybrid_kem::pq_public_key_size>());
    }

    error wrap(fixed_view<file_key_size> key, random_source& rng, header_writer& out) noexcept override {
        bytes<hybrid_kem::encap_random_size> random{};
        rng.fill(random);
        bytes<hybrid_kem::enc_size> enc{};
        bytes<file_key_size + hpke::tag_size> body{};
        const errc sealed = hpke::seal_base<hybrid_kem>(public_, random, detail::text_bytes(hybrid_hpke_info), {}, key,
                                                        enc, body);
        secure_wipe(random);
        if (sealed != errc::ok) return error::invalid_argument;  // a small-order X25519 half
        char enc_text[hybrid_enc_text_size] = {};
        (void)base64::encode(enc, enc_text, false);
        const std::string_view args[1] = {std::string_view(enc_text, hybrid_enc_text_size)};
        return out.add(hybrid_stanza_type, args, body);
    }
    error unwrap(const stanza&, fixed_span<file_key_size> key) noexcept override {
        secure_wipe(key);
        return error::no_match;
    }

    // The public key this recipient wraps to.
    [[nodiscard]] const public_key_bytes& public_key() const noexcept { return public_; }

private:
    public_key_bytes public_{};
};

// A hybrid private key (the 32-byte seed): unwraps mlkem768x25519 stanzas, and wraps to its own
// public key.
class hybrid_identity final : public key_wrapper {
public:
    // Derives the public key (ML-KEM KeyGen and an X25519 base-point multiplication). valid() is
    // false in the one case ML-KEM KeyGen can fail (a sampling budget no seed is expected to hit).
    explicit hybrid_identity(fixed_view<hybrid_kem::private_key_size> seed) noexcept {
        for (std::size_t i = 0; i < seed.size(); ++i) seed_[i] = seed[i];
        valid_ = hybrid_kem::public_key(seed_, public_) == errc::ok;
    }
    ~hybrid_identity() { secure_wipe(seed_); }
    hybrid_identity(const hybrid_identity&) = delete;
    hybrid_identity& operator=(const hybrid_identity&) = delete;

    // Parses "AGE-SECRET-KEY-PQ-1...": false when the text is not a hybrid identity.
    [[nodiscard]] static bool parse(std::string_view text, bytes<hybrid_kem::private_key_size>& seed) noexcept {
        return bech32::decode(text, "age-secret-key-pq-", seed);
    }

    // Whether KeyGen succeeded; an invalid identity wraps and unwraps nothing.
    [[nodiscard]] bool valid() const noexcept { return valid_; }
    // The public key derived from the seed (its recipient).
    [[nodiscard]] const hybrid_recipient::public_key_bytes& public_key() const noexcept { return public_; }

    // The identity and recipient texts, as age-keygen -pq writes them.
    [[nodiscard]] std::size_t identity_text(std::span<char, hybrid_identity_text_size> out) const noexcept {
        return bech32::encode("age-secret-key-pq-", seed_, true, out);
    }
    // Writes "age1pq1..." for public_key(): the size written.
    [[nodiscard]] std::size_t recipient_text(std::span<char, hybrid_recipient_text_size> out) const noexcept {
        return bech32::encode("age1pq", public_, false, out);
    }

    error wrap(fixed_view<file_key_size> key, random_source& rng, header_writer& out) noexcept override {
        if (!valid_) return error::invalid_argument;
        return hybrid_recipient(public_).wrap(key, rng, out);
    }

    error unwrap(const stanza& s, fixed_span<file_key_size> key) noexcept override {
        secure_wipe(key);
        if (s.type != hybrid_stanza_type) return error::no_match;
        if (s.arg_count != 1 || s.body_size() != file_key_size + hpke::tag_size) return error::stanza_malformed;
        bytes<hybrid_kem::enc_size> enc{};
        const auto decoded = base64::decode_unpadded(s.arg(0), enc);
        if (!decoded || decoded.value() != enc.size()) return error::stanza_malformed;
        bytes<file_key_size + hpke::tag_size> body{};
        std::size_t body_size = 0;
        if (s.decode_body(body, body_size) != error::ok) return error::stanza_malformed;
        if (!valid_) return error::no_match;
        const errc opened =
            hpke::open_base<hybrid_kem>(enc, seed_, detail::text_bytes(hybrid_hpke_info), {}, body, key);
        if (opened == errc::ok) return error::ok;
        return opened == errc::authentication_failed ? error::no_match : error::stanza_malformed;
    }

private:
    bytes<hybrid_kem::private_key_size> seed_{};
    hybrid_recipient::public_key_bytes public_{};
    bool valid_ = false;
};

}  // namespace carapace::envelope
