// Pre-shared keys agreed outside TLS (RFC 8446 §2.2, §4.2.9, §4.2.11): a key and the identity
// both sides know it by, for devices that carry no certificates. Configured on both roles
// (common_config::external_psks); the key exchange modes say whether the handshake also runs
// (EC)DHE (psk_dhe_ke: forward secrecy kept) or uses the PSK alone (psk_ke).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/cipher_suites.hpp"

namespace carapace::tls {

// CARAPACE_TLS_NO_PSK leaves PSKs and session tickets out of the client (a small device that only
// ever makes full handshakes saves their code); the configuration fields stay and are ignored.
#if defined(CARAPACE_TLS_NO_PSK)
inline constexpr bool have_psk = false;  // whether the client supports PSKs and tickets
#else
inline constexpr bool have_psk = true;  // whether the client supports PSKs and tickets
#endif

// CARAPACE_TLS_NO_CERTIFICATES leaves certificates out of both engines, for devices provisioned
// with a key: no X.509, no Certificate, CertificateRequest or CertificateVerify handling, no
// signing or signature checks. Only PSK handshakes remain (external PSKs in psk_ke or psk_dhe_ke,
// and tickets from them); a peer that wants a certificate handshake gets handshake_failure. The
// configuration's certificate fields stay and are ignored.
#if defined(CARAPACE_TLS_NO_CERTIFICATES) && defined(CARAPACE_TLS_NO_PSK)
#error "CARAPACE_TLS_NO_CERTIFICATES leaves only PSK handshakes: it cannot go with CARAPACE_TLS_NO_PSK"
#endif
#if defined(CARAPACE_TLS_NO_CERTIFICATES)
inline constexpr bool have_certificates = false;  // whether the engines do certificate handshakes
#else
inline constexpr bool have_certificates = true;  // whether the engines do certificate handshakes
#endif

// PskKeyExchangeMode (§4.2.9), with its wire values.
enum class psk_mode : std::uint8_t { psk_ke = 0, psk_dhe_ke = 1 };

// Most PSKs a client offers in one ClientHello, and most of a client's identities a server
// compares with its own (a hello may list thousands).
inline constexpr std::size_t max_offered_psks = 4;              // a client's limit
inline constexpr std::size_t max_examined_psk_identities = 16;  // a server's limit

// The modes common_config::psk_modes holds by default: with (EC)DHE only, for forward secrecy.
inline constexpr psk_mode default_psk_modes[] = {psk_mode::psk_dhe_ke};

// §4.2.11: an external PSK is tied to one hash; it is used only with suites of that hash (SHA-256
// unless the parties agreed otherwise). The identity is 1 to 65,535 bytes, the key non-empty.
struct external_psk {
    byte_view identity;                  // as it goes on the wire in the ClientHello
    byte_view key;                       // the secret itself (the caller keeps it alive)
    hash_kind hash = hash_kind::sha256;  // the hash its suites must use
};

}  // namespace carapace::tls
