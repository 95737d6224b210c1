// TLS 1.3 code points (RFC 8446 §4, §5, §6 and the IANA registries) and the alert names the
// engine reports.
#pragma once

#include <cstdint>
#include <string_view>

namespace carapace::tls {

// TLS record content types (RFC 8446 §5.1).
enum class content_type : std::uint8_t {
    invalid = 0,
    change_cipher_spec = 20,
    alert = 21,
    handshake = 22,
    application_data = 23,
};

// TLS handshake message types (RFC 8446 §4).
enum class handshake_type : std::uint8_t {
    client_hello = 1,
    server_hello = 2,
    new_session_ticket = 4,
    end_of_early_data = 5,
    encrypted_extensions = 8,
    certificate = 11,
    certificate_request = 13,
    certificate_verify = 15,
    finished = 20,
    key_update = 24,
    message_hash = 254,
};

// TLS extension types (RFC 8446 §4.2 and the extensions' own RFCs).
enum class extension_type : std::uint16_t {
    server_name = 0,
    max_fragment_length = 1,
    status_request = 5,
    supported_groups = 10,
    signature_algorithms = 13,
    use_srtp = 14,
    heartbeat = 15,
    application_layer_protocol_negotiation = 16,
    signed_certificate_timestamp = 18,
    client_certificate_type = 19,
    server_certificate_type = 20,
    padding = 21,
    record_size_limit = 28,
    session_ticket = 35,
    pre_shared_key = 41,
    early_data = 42,
    supported_versions = 43,
    cookie = 44,
    psk_key_exchange_modes = 45,
    certificate_authorities = 47,
    oid_filters = 48,
    post_handshake_auth = 49,
    signature_algorithms_cert = 50,
    key_share = 51,
    renegotiation_info = 0xff01,
};

// A CertificateType (RFC 7250 §3, IANA TLS Certificate Types): what a Certificate message's
// entries hold. X.509 certificates, or a bare DER SubjectPublicKeyInfo (a raw public key).
enum class certificate_type : std::uint8_t { x509 = 0, raw_public_key = 2 };

#if defined(CARAPACE_TLS_NO_RAW_PUBLIC_KEYS)
inline constexpr bool have_raw_public_keys = false;
#else
// Whether this build has raw public keys (RFC 7250); a size switch for clients that only take
// X.509, CARAPACE_TLS_NO_RAW_PUBLIC_KEYS, leaves them out: neither certificate type extension is
// sent, an answer naming one is refused, and raw_public_key and peer_certificate_types are ignored.
inline constexpr bool have_raw_public_keys = true;
#endif

// TLS named groups (RFC 8446 §4.2.7, RFC 8422, the ML-KEM drafts).
enum class named_group : std::uint16_t {
    secp256r1 = 0x0017,
    secp384r1 = 0x0018,
    secp521r1 = 0x0019,
    x25519 = 0x001d,
    x448 = 0x001e,
    ffdhe2048 = 0x0100,
    ffdhe3072 = 0x0101,
    ffdhe4096 = 0x0102,
    ffdhe6144 = 0x0103,
    ffdhe8192 = 0x0104,
    mlkem768 = 0x0201,            // draft-ietf-tls-mlkem
    secp256r1_mlkem768 = 0x11eb,  // draft-ietf-tls-ecdhe-mlkem
    x25519_mlkem768 = 0x11ec,
};

// TLS signature schemes (RFC 8446 §4.2.3).
enum class signature_scheme : std::uint16_t {
    rsa_pkcs1_sha256 = 0x0401,
    rsa_pkcs1_sha384 = 0x0501,
    rsa_pkcs1_sha512 = 0x0601,
    ecdsa_secp256r1_sha256 = 0x0403,
    ecdsa_secp384r1_sha384 = 0x0503,
    ecdsa_secp521r1_sha512 = 0x0603,
    rsa_pss_rsae_sha256 = 0x0804,
    rsa_pss_rsae_sha384 = 0x0805,
    rsa_pss_rsae_sha512 = 0x0806,
    ed25519 = 0x0807,
    ed448 = 0x0808,
    rsa_pss_pss_sha256 = 0x0809,
    rsa_pss_pss_sha384 = 0x080a,
    rsa_pss_pss_sha512 = 0x080b,
    rsa_pkcs1_sha1 = 0x0201,
    ecdsa_sha1 = 0x0203,
};

// §4.2.3: the schemes a TLS 1.3 CertificateVerify may use. RSASSA-PKCS1-v1_5 and SHA-1 schemes
// "refer solely to signatures which appear in certificates": they may be listed (in
// signature_algorithms_cert above all) but never sign or verify a handshake.
constexpr bool certificate_verify_scheme(signature_scheme s) noexcept {
    switch (s) {
        case signature_scheme::ecdsa_secp256r1_sha256:
        case signature_scheme::ecdsa_secp384r1_sha384:
        case signature_scheme::ecdsa_secp521r1_sha512:
        case signature_scheme::rsa_pss_rsae_sha256:
        case signature_scheme::rsa_pss_rsae_sha384:
        case signature_scheme::rsa_pss_rsae_sha512:
        case signature_scheme::ed25519:
        case signature_scheme::ed448:
        case signature_scheme::rsa_pss_pss_sha256:
        case signature_scheme::rsa_pss_pss_sha384:
        case signature_scheme::rsa_pss_pss_sha512: return true;
        default: return false;
    }
}

// TLS 1.3 cipher suites (RFC 8446 §B.4).
enum class cipher_suite : std::uint16_t {
    aes_128_gcm_sha256 = 0x1301,
    aes_256_gcm_sha384 = 0x1302,
    chacha20_poly1305_sha256 = 0x1303,
    aes_128_ccm_sha256 = 0x1304,
    aes_128_ccm_8_sha256 = 0x1305,
};

// The legacy_version of TLS 1.3 records and hellos (TLS 1.2).
inline constexpr std::uint16_t legacy_version_tls12 = 0x0303;
// The supported_versions code of TLS 1.3.
inline constexpr std::uint16_t version_tls13 = 0x0304;

// Alert levels (RFC 8446 §6); TLS 1.3 treats every alert but close_notify and user_canceled as fatal.
enum class alert_level : std::uint8_t { warning = 1, fatal = 2 };

// Alert descriptions (RFC 8446 §6 and the extensions' RFCs).
enum class alert_description : std::uint8_t {
    close_notify = 0,
    unexpected_message = 10,
    bad_record_mac = 20,
    record_overflow = 22,
    handshake_failure = 40,
    bad_certificate = 42,
    unsupported_certificate = 43,
    certificate_revoked = 44,
    certificate_expired = 45,
    certificate_unknown = 46,
    illegal_parameter = 47,
    unknown_ca = 48,
    access_denied = 49,
    decode_error = 50,
    decrypt_error = 51,
    protocol_version = 70,
    insufficient_security = 71,
    internal_error = 80,
    inappropriate_fallback = 86,
    user_canceled = 90,
    missing_extension = 109,
    unsupported_extension = 110,
    unrecognized_name = 112,
    bad_certificate_status_response = 113,
    unknown_psk_identity = 115,
    certificate_required = 116,
    no_application_protocol = 120,
};

// The names RFC 8446 §6 gives the alerts, as tools print them.
constexpr std::string_view to_string(alert_description a) noexcept {
    switch (a) {
        case alert_description::close_notify: return "close_notify";
        case alert_description::unexpected_message: return "unexpected_message";
        case alert_description::bad_record_mac: return "bad_record_mac";
        case alert_description::record_overflow: return "record_overflow";
        case alert_description::handshake_failure: return "handshake_failure";
        case alert_description::bad_certificate: return "bad_certificate";
        case alert_description::unsupported_certificate: return "unsupported_certificate";
        case alert_description::certificate_revoked: return "certificate_revoked";
        case alert_description::certificate_expired: return "certificate_expired";
        case alert_description::certificate_unknown: return "certificate_unknown";
        case alert_description::illegal_parameter: return "illegal_parameter";
        case alert_description::unknown_ca: return "unknown_ca";
        case alert_description::access_denied: return "access_denied";
        case alert_description::decode_error: return "decode_error";
        case alert_description::decrypt_error: return "decrypt_error";
        case alert_description::protocol_version: return "protocol_version";
        case alert_description::insufficient_security: return "insufficient_security";
        case alert_description::internal_error: return "internal_error";
        case alert_description::inappropriate_fallback: return "inappropriate_fallback";
        case alert_description::user_canceled: return "user_canceled";
        case alert_description::missing_extension: return "missing_extension";
        case alert_description::unsupported_extension: return "unsupported_extension";
        case alert_description::unrecognized_name: return "unrecognized_name";
        case alert_description::bad_certificate_status_response: return "bad_certificate_status_response";
        case alert_description::unknown_psk_identity: return "unknown_psk_identity";
        case alert_description::certificate_required: return "certificate_required";
        case alert_description::no_application_protocol: return "no_application_protocol";
    }
    return "unknown_alert";
}

// The suite's IANA name, e.g. "TLS_AES_128_GCM_SHA256".
constexpr std::string_view to_string(cipher_suite s) noexcept {
    switch (s) {
        case cipher_suite::aes_128_gcm_sha256: return "TLS_AES_128_GCM_SHA256";
        case cipher_suite::aes_256_gcm_sha384: return "TLS_AES_256_GCM_SHA384";
        case cipher_suite::chacha20_poly1305_sha256: return "TLS_CHACHA20_POLY1305_SHA256";
        case cipher_suite::aes_128_ccm_sha256: return "TLS_AES_128_CCM_SHA256";
        case cipher_suite::aes_128_ccm_8_sha256: return "TLS_AES_128_CCM_8_SHA256";
    }
    return "unknown";
}

// The groups whose shares carry an ML-KEM key (alone or in a hybrid): kilobyte shares.
constexpr bool is_post_quantum(named_group g) noexcept {
    return g == named_group::mlkem768 || g == named_group::secp256r1_mlkem768 || g == named_group::x25519_mlkem768;
}

// The group's IANA name, e.g. "x25519".
constexpr std::string_view to_string(named_group g) noexcept {
    switch (g) {
        case named_group::x25519: return "x25519";
        case named_group::secp256r1: return "secp256r1";
        case named_group::secp384r1: return "secp384r1";
        case named_group::secp521r1: return "secp521r1";
        case named_group::x448: return "x448";
        case named_group::x25519_mlkem768: return "X25519MLKEM768";
        case named_group::secp256r1_mlkem768: return "SecP256r1MLKEM768";
        case named_group::mlkem768: return "MLKEM768";
        default: return "unknown";
    }
}

}  // namespace carapace::tls
