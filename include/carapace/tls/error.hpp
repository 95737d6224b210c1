// Why a connection failed, as a value, and the alert each failure sends (RFC 8446 §6.2).
#pragma once

#include <cstdint>
#include <string_view>

#include "carapace/tls/protocol.hpp"

namespace carapace::tls {

// Why a connection failed or a call was refused; each maps to the alert it sends (alert_for).
enum class error : std::uint8_t {
    none = 0,
    // Failures of the peer's messages: each sends the alert of the same name.
    unexpected_message,
    bad_record_mac,
    record_overflow,
    handshake_failure,
    bad_certificate,
    unsupported_certificate,
    certificate_expired,
    certificate_unknown,
    illegal_parameter,
    unknown_ca,
    decode_error,
    decrypt_error,
    protocol_version,
    insufficient_security,
    internal_error,
    missing_extension,
    unsupported_extension,
    unrecognized_name,
    certificate_required,
    no_application_protocol,
    certificate_revoked,              // the peer's stapled OCSP response says its leaf is revoked
    bad_certificate_status_response,  // hard-fail stapling without a response saying "good"
    // The peer sent a fatal alert (the event carries which); nothing is sent back.
    peer_alert,
    // API misuse or the caller's buffers; the connection state is unchanged.
    wrong_state,        // the call is not allowed now (e.g. send before the handshake completes)
    buffer_too_small,   // the output buffer cannot hold what must be written
    closed,             // the connection has ended
    no_buffer,          // no room: a lent buffer_pool had no block free, or a session store is full (try again later)
    // Not a failure: a certificate_verifier's answer that its verdict comes later (see
    // complete_verification and event::verification_needed).
    pending,
};

// The alert sent for a failure, or close_notify for those that send none.
constexpr alert_description alert_for(error e) noexcept {
    switch (e) {
        case error::unexpected_message: return alert_description::unexpected_message;
        case error::bad_record_mac: return alert_description::bad_record_mac;
        case error::record_overflow: return alert_description::record_overflow;
        case error::handshake_failure: return alert_description::handshake_failure;
        case error::bad_certificate: return alert_description::bad_certificate;
        case error::unsupported_certificate: return alert_description::unsupported_certificate;
        case error::certificate_expired: return alert_description::certificate_expired;
        case error::certificate_unknown: return alert_description::certificate_unknown;
        case error::illegal_parameter: return alert_description::illegal_parameter;
        case error::unknown_ca: return alert_description::unknown_ca;
        case error::decode_error: return alert_description::decode_error;
        case error::decrypt_error: return alert_description::decrypt_error;
        case error::protocol_version: return alert_description::protocol_version;
        case error::insufficient_security: return alert_description::insufficient_security;
        case error::missing_extension: return alert_description::missing_extension;
        case error::unsupported_extension: return alert_description::unsupported_extension;
        case error::unrecognized_name: return alert_description::unrecognized_name;
        case error::certificate_required: return alert_description::certificate_required;
        case error::no_application_protocol: return alert_description::no_application_protocol;
        case error::certificate_revoked: return alert_description::certificate_revoked;
        case error::bad_certificate_status_response: return alert_description::bad_certificate_status_response;
        case error::internal_error: return alert_description::internal_error;
        default: return alert_description::internal_error;
    }
}

// Whether a failure sends an alert (local misuse and a received alert do not).
constexpr bool sends_alert(error e) noexcept {
    return e != error::none && e != error::peer_alert && e != error::wrong_state && e != error::buffer_too_small &&
           e != error::closed && e != error::pending;
}

// A short English description of an error.
constexpr std::string_view to_string(error e) noexcept {
    switch (e) {
        case error::none: return "none";
        case error::peer_alert: return "peer sent an alert";
        case error::wrong_state: return "call not allowed in this state";
        case error::buffer_too_small: return "output buffer too small";
        case error::closed: return "connection closed";
        case error::no_buffer: return "no buffer free in the pool";
        case error::pending: return "answer pending";
        default: return to_string(alert_for(e));
    }
}

}  // namespace carapace::tls
