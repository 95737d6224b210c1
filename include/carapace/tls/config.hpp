// Client and server configuration. Plain structs of views: the caller owns everything they point
// to and keeps it alive while an engine uses the config.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/psk/external_psk.hpp"
#include "carapace/tls/tickets/replay_window.hpp"
#include "carapace/tls/tickets/server_ticket_store.hpp"
#include "carapace/tls/tickets/ticket_keys.hpp"
#include "carapace/tls/tickets/ticket_store.hpp"

namespace carapace::tls {

// The suites offered and accepted by default: every one this build has but the two AES-CCM
// ones, which a config names to use (see cipher_suites.hpp for the switches that leave some out).
inline constexpr cipher_suite default_cipher_suites[] = {
#if !defined(CARAPACE_TLS_NO_AES_GCM)
    cipher_suite::aes_128_gcm_sha256,
#if !defined(CARAPACE_TLS_NO_SHA384)
    cipher_suite::aes_256_gcm_sha384,
#endif
#endif
    cipher_suite::chacha20_poly1305_sha256};
// The hybrid X25519MLKEM768 first (draft-ietf-tls-ecdhe-mlkem): a server prefers it, a client
// sends shares of it and of X25519 (see client_config::key_share_groups). Groups without a
// key_exchange in the config are passed over.
#if defined(CARAPACE_NO_MLKEM)
inline constexpr named_group default_groups[] = {named_group::x25519};  // common_config::groups' default
#else
// The default of common_config::groups (see above).
inline constexpr named_group default_groups[] = {named_group::x25519_mlkem768, named_group::x25519};
#endif

// An extension the engine does not produce itself, sent verbatim (e.g. GREASE, or a legacy
// extension a peer expects). Its place follows `extension_order` when its type is listed there.
struct raw_extension {
    std::uint16_t type;  // its ExtensionType code point
    byte_view data;      // its extension_data, without the type and length
};

// Options both roles share.
struct common_config {
    std::span<const cipher_suite> cipher_suites = default_cipher_suites;  // most preferred first
    std::span<const named_group> groups = default_groups;                 // most preferred first
    std::span<key_exchange* const> key_exchanges;   // implementations of groups (see defaults.hpp)
    std::span<const std::string_view> alpn;         // protocols, most preferred first
    std::uint16_t record_size_limit = 0;            // RFC 8449 limit we ask for; 0: none sent
    std::span<const byte_view> certificate_chain;   // our chain, leaf first (DER)
    tls::signer* signer = nullptr;                       // for our CertificateVerify
    certificate_verifier* verifier = nullptr;        // judges the peer's chain and signature
    // Raw public keys (RFC 7250, tls/raw_public_keys.hpp): ours is sent in place of
    // certificate_chain when the peer takes it.
    byte_view raw_public_key;  // the signer's key as a DER SubjectPublicKeyInfo; empty: none
    // Certificate types we take from the peer, most preferred first (empty: X.509 only, nothing offered).
    std::span<const certificate_type> peer_certificate_types;
    random_source* random = nullptr;                 // required
    tls::clock* clock = nullptr;                         // optional: unknown time without one
    tls::key_log* key_log = nullptr;                 // debugging only: receives our secrets
    buffer_pool* buffers = nullptr;  // engines with lent buffers only: where handshake storage comes from
    std::span<const extension_type> extension_order;  // wire order of our hello's extensions
    std::span<const raw_extension> extra_extensions;  // added to our hello (see raw_extension)
    // External PSKs (psk/external_psk.hpp). A client offers them (at most
    // max_offered_psks, in this order); a server takes the first of the client's identities it
    // knows (among the first max_examined_psk_identities) and then needs no certificate.
    std::span<const external_psk> external_psks;
    // PSK key exchange modes: a client's offer, a server's acceptance (most preferred first).
    std::span<const psk_mode> psk_modes = default_psk_modes;
};

// Whether a client asks for the server's OCSP response (status_request, RFC 6066 §8; in TLS 1.3
// it comes with the leaf, §4.4.2.1) and what it makes of it. A revoked leaf always fails the
// handshake (certificate_revoked); hard_fail also fails without a response saying "good"
// (bad_certificate_status_response), as a leaf with the TLS Feature status_request (RFC 7633,
// "must-staple") demands whatever the policy.
enum class ocsp_stapling : std::uint8_t { off, soft_fail, hard_fail };

// A client's options: the common ones and those only a client has.
struct client_config : common_config {
    std::string_view server_name;  // SNI and the name the server's certificate must carry
    // Groups to send key shares for in the first ClientHello (at most one post-quantum one: see
    // max_client_share_bytes); empty: the first of `groups` with a key_exchange, and when that is
    // post-quantum, the first classical one too.
    std::span<const named_group> key_share_groups;
    std::span<const signature_scheme> signature_algorithms_cert;  // sent when not empty
    bool middlebox_compatibility = false;  // RFC 8446 §D.4: session id and ChangeCipherSpec
    bool verify_server = true;            // false only for testing (s_client --insecure)
    // With an empty server_name and verify_server, the chain is still validated but no host name
    // is checked: allowed only when this says so (e.g. a device that pins its server's CA). Without
    // it, an empty server_name is a configuration error (start() is refused with wrong_state).
    bool skip_host_check = false;
    // Pad a ClientHello of 256 to 511 bytes to 512, as some middleboxes need (padding extension).
    bool pad_client_hello = false;
    tls::ocsp_stapling ocsp_stapling = tls::ocsp_stapling::off;  // whether to ask for OCSP, and how strictly
    // Session tickets (tickets/ticket_store.hpp): received ones are put here, and one for
    // server_name is taken and offered when connecting. Needs the clock (ticket lifetimes).
    ticket_store* tickets = nullptr;
    // Offer 0-RTT (§2.3) when the ticket taken allows early data: send_early() may then send up
    // to its max_early_data bytes before the handshake completes.
    bool offer_early_data = false;
};

// Largest max_early_data a server advertises: what a server that then declines the data is
// prepared to skip (§4.2.10).
inline constexpr std::uint32_t max_early_data_limit = 16384;

// A server with external_psks and no certificate_chain or signer serves PSK handshakes only (a
// client without a known PSK gets handshake_failure). A client with external_psks and no verifier
// accepts PSK handshakes only.
struct server_config : common_config {
    // Ask for a client certificate; `require` fails the handshake without one (certificate_required).
    bool request_client_certificate = false;
    bool require_client_certificate = false;  // asks too, and fails without one
    // Send a HelloRetryRequest to get our most preferred group even when the client already sent
    // a share of another acceptable group. Off: any acceptable share is taken.
    bool insist_on_preferred_group = false;
    // Tell the client our groups in EncryptedExtensions (allowed by §4.2.7).
    bool send_supported_groups = false;
    // A cookie to put in HelloRetryRequest; the second ClientHello must return it unchanged.
    byte_view hello_retry_cookie;
    // An OCSP response (DER) for our leaf, stapled when the client asks (status_request). The
    // caller fetches it from the CA's responder and replaces it before it goes stale.
    byte_view ocsp_response;
    // Stateless session tickets (tickets/ticket_keys.hpp): the first key seals, all open; empty:
    // none of them accepted, and tickets are sent only with a session_store. Needs the clock.
    std::span<const ticket_key> ticket_keys;
    std::uint32_t ticket_lifetime = 7200;       // seconds, at most 604800 (§4.6.1)
    std::uint8_t tickets_after_handshake = 1;  // NewSessionTickets sent once the client finished
    // Stateful tickets (tickets/server_ticket_store.hpp): identities that are not sealed tickets
    // of ours are looked up (and used up) here; without ticket_keys, the tickets we send are
    // issued into it (a full store: no ticket). Needs the clock.
    server_ticket_store* session_store = nullptr;
    // 0-RTT (§2.3, §8): the early data our tickets allow, in bytes (0: none, and none accepted;
    // at most max_early_data_limit). Early data is accepted only from a fresh ticket (its age
    // within early_data_clock_skew ms of ours, §8.3) that cannot be replayed: a single-use one
    // from session_store (§8.1), or one in a ClientHello the replay recorder has not seen within
    // early_data_window seconds (§8.2).
    std::uint32_t max_early_data = 0;
    client_hello_recorder* replay_recorder = nullptr;  // see tickets/replay_window.hpp
    std::uint32_t early_data_window = 10;       // seconds
    std::uint32_t early_data_clock_skew = 10000;  // milliseconds
};

// What a NewSessionTicket carries (RFC 8446 §4.6.1); for basic_server::send_session_ticket_for_testing.
struct session_ticket {
    std::uint32_t lifetime = 0;        // seconds, at most 604800
    std::uint32_t age_add = 0;         // random, to obscure the ticket's age
    byte_view nonce;                   // distinct per ticket of a connection
    byte_view ticket;                  // opaque to the client
    std::uint32_t max_early_data = 0;  // 0: no early_data extension
};

}  // namespace carapace::tls
