// What the engine asks of its caller: randomness, the time, certificate verification, signing and
// key exchange. Small abstract classes (virtual calls, no RTTI needed) that the caller owns; the
// engine keeps references. Defaults for each live in their own headers (tls/defaults.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls {

// The engine's source of random bytes (hellos, key shares, tickets).
class random_source {
public:
    // Fills out with unpredictable bytes. The engine has no randomness of its own.
    virtual void fill(byte_span out) noexcept = 0;

protected:
    ~random_source() = default;
};

// The engine's source of the current time (certificate validity, ticket ages).
class clock {
public:
    // Seconds since the Unix epoch, or nullopt on a device that does not know the time (then
    // certificate validity periods are not checked).
    virtual std::optional<std::int64_t> now() noexcept = 0;
    // Milliseconds since the Unix epoch, for the ticket ages a client reports (RFC 8446
    // §4.2.11.1 counts them in milliseconds); by default now() in whole seconds.
    virtual std::optional<std::int64_t> now_milliseconds() noexcept {
        const auto seconds = now();
        if (!seconds) return std::nullopt;
        return *seconds * 1000;
    }

protected:
    ~clock() = default;
};

// Largest key-exchange private state and public share the engine stores. A classical share is at
// most an uncompressed P-521 point (133 bytes); the ML-KEM groups (hybrid_key_exchanges.hpp) need
// 1,249 bytes (SecP256r1MLKEM768's client share) and 96 bytes of state (the ML-KEM seed and an
// ECDHE scalar). CARAPACE_NO_MLKEM leaves those groups out and keeps the classical sizes, so a
// small classical-only build pays nothing for them.
inline constexpr std::size_t max_classical_share_size = 133;
#if defined(CARAPACE_NO_MLKEM)
inline constexpr std::size_t max_key_exchange_state = 64;  // private state bytes a group may keep
inline constexpr std::size_t max_key_share_size = max_classical_share_size;  // largest public share
#else
inline constexpr std::size_t max_key_exchange_state = 96;  // private state bytes a group may keep
inline constexpr std::size_t max_key_share_size = 1249;    // largest public share
#endif
// Largest shared secret: P-521's 66-byte x-coordinate (the ML-KEM groups give 64 or 32).
inline constexpr std::size_t max_shared_secret_size = 66;

// One (EC)DHE group. The client calls generate then finish; the server calls respond.
class key_exchange {
public:
    // The group this implements (its key_share and supported_groups code point).
    virtual named_group group() const noexcept = 0;
    // The client's share size, and the server's (they differ for a KEM: key and ciphertext).
    virtual std::size_t share_size() const noexcept = 0;
    virtual std::size_t response_size() const noexcept { return share_size(); }
    // Makes a key pair: private state into `state`, public share into `share` (share_size bytes).
    virtual errc generate(random_source& rng, std::span<std::uint8_t, max_key_exchange_state> state,
                          byte_span share) noexcept = 0;
    // Client side: the shared secret from our state and the server's share; returns its size, or 0
    // when the share is invalid or the result is degenerate (all zero).
    virtual std::size_t finish(std::span<const std::uint8_t, max_key_exchange_state> state, byte_view peer_share,
                               std::span<std::uint8_t, max_shared_secret_size> secret) noexcept = 0;
    // Server side: our share for the client's share and the shared secret; returns the secret's
    // size, or 0 when the client's share is invalid.
    virtual std::size_t respond(random_source& rng, byte_view peer_share, byte_span share,
                                std::span<std::uint8_t, max_shared_secret_size> secret) noexcept = 0;

protected:
    ~key_exchange() = default;
};

// What an OCSP response stapled to the peer's leaf (RFC 6066 §8, RFC 8446 §4.4.2.1) says of it:
// none came; good; revoked; or unknown (the responder does not know, or the response is stale,
// badly signed, malformed or for another certificate).
enum class stapled_status : std::uint8_t { none, good, revoked, unknown };

// The status's name, for logs.
constexpr std::string_view to_string(stapled_status s) noexcept {
    switch (s) {
        case stapled_status::none: return "none";
        case stapled_status::good: return "good";
        case stapled_status::revoked: return "revoked";
        case stapled_status::unknown: return "unknown";
    }
    return "unknown";
}

// A verifier or signer backed by something slow (an HSM, a TPM, a PKCS#11 token, a remote KMS) may
// answer "pending" instead of blocking: the engine then returns event::verification_needed or
// event::signature_needed and goes on when the caller completes it (complete_verification,
// complete_signature). Views passed to a pending call stay valid until then.
class certificate_verifier {
public:
    // Judges the peer's chain. `host` is the server name a client expects (empty on a server or
    // when none was given). Returns error::none or the certificate error to send (bad_certificate,
    // unknown_ca, certificate_expired, ...), or error::pending. `detail` may receive a short
    // human-readable reason.
    virtual error verify_chain(std::span<const byte_view> chain, std::string_view host, bool peer_is_server,
                               std::optional<std::int64_t> now, std::string_view& detail) noexcept = 0;
    // The same when the engine asked for a stapled OCSP response: `stapled_ocsp` is the response
    // for the leaf (empty when none came) and `status` receives what it says about the leaf of
    // the path verify_chain found. This default judges the chain and cannot read responses.
    virtual error verify_chain_and_status(std::span<const byte_view> chain, std::string_view host,
                                          bool peer_is_server, std::optional<std::int64_t> now,
                                          byte_view stapled_ocsp, stapled_status& status,
                                          std::string_view& detail) noexcept {
        status = stapled_ocsp.empty() ? stapled_status::none : stapled_status::unknown;
        return verify_chain(chain, host, peer_is_server, now, detail);
    }
    // Judges a raw public key (RFC 7250 §3): the peer's DER SubjectPublicKeyInfo, sent in place of
    // a chain. Returns error::none, the certificate error to send, or error::pending. This default
    // takes none (unsupported_certificate); tls/raw_public_keys.hpp has one that checks a pin.
    virtual error verify_raw_public_key(byte_view subject_public_key_info, bool peer_is_server,
                                        std::string_view& detail) noexcept {
        static_cast<void>(subject_public_key_info);
        static_cast<void>(peer_is_server);
        detail = "raw public keys not accepted";
        return error::unsupported_certificate;
    }
    // Checks a CertificateVerify signature over `signed_content` made with the key of the leaf's
    // SubjectPublicKeyInfo (DER). Returns error::none, decrypt_error for a bad signature, or
    // error::pending.
    virtual error verify_signature(byte_view subject_public_key_info, signature_scheme scheme,
                                   byte_view signed_content, byte_view signature) noexcept = 0;
    // The schemes verify_signature accepts, most preferred first.
    virtual std::span<const signature_scheme> schemes() const noexcept = 0;

protected:
    ~certificate_verifier() = default;
};

// Proves possession of the private key of our certificate. The key may live elsewhere (an HSM or a
// KMS): the engine only asks for signatures.
class signer {
public:
    // The schemes this key can sign with, most preferred first.
    virtual std::span<const signature_scheme> schemes() const noexcept = 0;
    // Upper bound on a signature's size under `scheme` (the engine reserves that much).
    virtual std::size_t max_signature_size(signature_scheme scheme) const noexcept = 0;
    // Signs `content`; returns the signature size written into out, 0 on failure, or `pending` when
    // the signature will be handed to the engine later (complete_signature).
    virtual std::size_t sign(signature_scheme scheme, byte_view content, byte_span out) noexcept = 0;
    static constexpr std::size_t pending = static_cast<std::size_t>(-1);  // sign()'s "later" answer

protected:
    ~signer() = default;
};

// Receives the connection's secrets as the NSS key log format (SSLKEYLOGFILE) lists them, so
// that a packet capture can be decrypted for debugging (Wireshark reads these lines). Secrets leave
// the engine through it: leave it unset outside debugging.
class key_log {
public:
    // `label`: CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
    // CLIENT_TRAFFIC_SECRET_N, SERVER_TRAFFIC_SECRET_N (N counts KeyUpdates from 0) or
    // EXPORTER_SECRET. `client_random` (ClientHello.random, 32 bytes) names the connection.
    virtual void log(std::string_view label, byte_view client_random, byte_view secret) noexcept = 0;

protected:
    ~key_log() = default;
};

// Where an engine keeps what only a handshake needs (transcript, key shares, handshake secrets,
// the buffer messages are reassembled in) and the record being received.
//   owned: inside the engine object, always (the default: self-contained, the object is large);
//   lent:  the handshake state in a block borrowed from the caller's buffer_pool while a handshake
//          (or a post-handshake message) is in progress, and records opened in place in the
//          caller's input, so an established idle connection keeps only its keys and secrets.
enum class buffering : std::uint8_t { owned, lent };

// Blocks an engine with lent buffers borrows (see basic_client/basic_server<..., buffering::lent>
// and their storage_block_size). A block is returned wiped, to the pool it came from.
class buffer_pool {
public:
    // A block of at least `size` bytes aligned for any object (alignof(std::max_align_t)), or an
    // empty span when none is free now.
    virtual byte_span acquire(std::size_t size) noexcept = 0;
    virtual void release(byte_span block) noexcept = 0;

protected:
    ~buffer_pool() = default;
};

}  // namespace carapace::tls
