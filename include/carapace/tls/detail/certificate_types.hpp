// Which certificate type each side authenticates with (RFC 7250 §4.2, §4.3; RFC 8446 §4.4.2): the
// choices a server makes from a ClientHello's client_certificate_type and server_certificate_type
// lists, and the checks a client makes of the answers. Kept out of client.hpp and server.hpp so
// the rules sit in one place: the server picks the first type in the client's list that it can
// use (its own credential, or a type it takes from the client); no common type for its own
// certificate is unsupported_certificate, none for the client's leaves the extension out (the
// client then sends X.509 or nothing); a client refuses an answer it did not offer
// (illegal_parameter) and an X.509 certificate it never agreed to take (unsupported_certificate).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/codec/certificate_types.hpp"

namespace carapace::tls::detail {

// Whether we take certificates of type `t` from the peer (no configured types: X.509 only).
constexpr bool takes_certificate_type(const common_config& c, certificate_type t) noexcept {
    if (!have_raw_public_keys || c.peer_certificate_types.empty()) return t == certificate_type::x509;
    for (const certificate_type x : c.peer_certificate_types)
        if (x == t) return true;
    return false;
}

// Whether we hold a credential of type `t` (a chain, or a raw public key).
constexpr bool holds_certificate_type(const common_config& c, certificate_type t) noexcept {
    return t == certificate_type::x509 ? !c.certificate_chain.empty()
                                       : have_raw_public_keys && !c.raw_public_key.empty();
}

// The first type of the client's `offered` list that `usable` accepts, if any.
template <class Usable>
constexpr std::optional<certificate_type> first_usable_type(byte_view offered, Usable&& usable) noexcept {
    for (const std::uint8_t b : offered) {
        if (b != static_cast<std::uint8_t>(certificate_type::x509) &&
            b != static_cast<std::uint8_t>(certificate_type::raw_public_key))
            continue;  // a type we do not know
        const auto t = static_cast<certificate_type>(b);
        if (usable(t)) return t;
    }
    return std::nullopt;
}

// Server: the type of our own Certificate. Without the extension, X.509 (which we must hold);
// with it, the client's first type we hold, else unsupported_certificate (RFC 7250 §4.3).
constexpr error choose_server_certificate_type(const server_config& c, bool offered, byte_view types,
                                               certificate_type& chosen) noexcept {
    if (!offered) {
        chosen = certificate_type::x509;
        return holds_certificate_type(c, chosen) ? error::none : error::unsupported_certificate;
    }
    const auto t = first_usable_type(types, [&](certificate_type x) { return holds_certificate_type(c, x); });
    if (!t) return error::unsupported_certificate;
    chosen = *t;
    return error::none;
}

// Server asking for a client certificate: the type the client is to send, when its list names one
// we take (nullopt: the extension is left out of EncryptedExtensions, RFC 7250 §4.3).
constexpr std::optional<certificate_type> choose_client_certificate_type(const server_config& c,
                                                                         byte_view types) noexcept {
    return first_usable_type(types, [&](certificate_type x) { return takes_certificate_type(c, x); });
}

// Client: the type of a Certificate the server announced in EncryptedExtensions (`answer`), checked
// against what our ClientHello offered (`offered`). An answer we did not offer is
// illegal_parameter; no answer means X.509 (RFC 7250 §4.2), which we may not take
// (unsupported_certificate once the certificate comes, see server_type_error).
constexpr error check_certificate_type_answer(std::optional<std::uint8_t> answer, byte_view offered,
                                              certificate_type& type) noexcept {
    if (!answer) {
        type = certificate_type::x509;
        return error::none;
    }
    if (offered.empty()) return error::unsupported_extension;  // the decoder refuses it first
    for (const std::uint8_t b : offered)
        if (b == *answer) {
            type = static_cast<certificate_type>(b);
            return error::none;
        }
    return error::illegal_parameter;
}

// Client: the server_certificate_type list we offer (empty when we take X.509 only: RFC 7250 §4.1
// leaves the extension out then).
constexpr codec::certificate_type_list server_types_offered(const client_config& c) noexcept {
    codec::certificate_type_list l;
    if (!takes_certificate_type(c, certificate_type::raw_public_key)) return l;
    for (const certificate_type t : c.peer_certificate_types) l.add(t);
    return l;
}

// Client: the client_certificate_type list we offer: sent only when we hold a raw public key, with
// raw_public_key first and X.509 after it when we hold a chain too.
constexpr codec::certificate_type_list client_types_offered(const client_config& c) noexcept {
    codec::certificate_type_list l;
    if (!have_raw_public_keys || c.raw_public_key.empty()) return l;
    l.add(certificate_type::raw_public_key);
    if (!c.certificate_chain.empty()) l.add(certificate_type::x509);
    return l;
}

}  // namespace carapace::tls::detail
