// The recipient interface of the age v1 envelope: a key_wrapper wraps the 16-byte file key into a
// stanza for the header (encryption, rewrap) and tries to unwrap it from a stanza (decryption).
// X25519 keys, scrypt passphrases and the AES-256-GCM KEK ring implement it; a KMS, HSM or TPM
// client can too, keeping its key-encryption key where it lives. Small abstract classes (virtual
// calls, no RTTI), owned by the caller, as the TLS engine's interfaces are.
#pragma once

#include "carapace/core/bytes.hpp"
#include "carapace/envelope/error.hpp"
#include "carapace/envelope/header.hpp"

namespace carapace::envelope {

// Randomness for file keys, nonces and ephemeral keys; the library has none of its own.
class random_source {
public:
    // Fills out with unpredictable bytes (file keys, nonces, ephemeral keys, salts).
    virtual void fill(byte_span out) noexcept = 0;

protected:
    ~random_source() = default;
};

// One recipient type: wraps a file key into a header stanza and unwraps it (a KMS, an HSM).
class key_wrapper {
public:
    // Adds one stanza wrapping `key` to the header being written. invalid_argument when this
    // wrapper cannot encrypt (an identity-only one), buffer_too_small from the writer.
    virtual error wrap(fixed_view<file_key_size> key, random_source& rng, header_writer& out) noexcept = 0;

    // Tries one stanza. ok with `key` written; no_match when the stanza is not for this wrapper
    // (another type, or it does not open); any other error is fatal for the file (a malformed
    // stanza of this wrapper's type, a refused work factor). `key` is zero unless ok.
    virtual error unwrap(const stanza& s, fixed_span<file_key_size> key) noexcept = 0;

    // True when a stanza of this type must be the only one in its header (scrypt).
    [[nodiscard]] virtual bool must_be_alone() const noexcept { return false; }

protected:
    ~key_wrapper() = default;
};

}  // namespace carapace::envelope
