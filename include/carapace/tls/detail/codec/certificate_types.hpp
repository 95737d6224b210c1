// The certificate type extensions of RFC 7250 §4.1, as TLS 1.3 carries them (RFC 8446 §4.2):
// client_certificate_type and server_certificate_type. In a ClientHello each holds a list
// CertificateType<1..2^8-1> (the types the client can send, and the types it takes from the
// server); in EncryptedExtensions, the single type the server chose. Only the framing is checked
// here: a list may name types we do not know (the chooser passes over them), and whether a chosen
// type was offered is the receiving role's call (certificate_types.hpp one level up).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

// A ClientHello's list: `types` receives the bytes inside its 1-byte length, never empty.
[[nodiscard]] constexpr error decode_certificate_type_list(byte_view data, byte_view& types) noexcept {
    reader r(data);
    types = r.vector<1>(1);
    if (!r.done()) {
        types = {};
        return error::decode_error;
    }
    return error::none;
}

// EncryptedExtensions' answer: exactly one CertificateType byte, kept as sent (an unknown value is
// one the client did not offer, which it refuses).
[[nodiscard]] constexpr error decode_certificate_type_choice(byte_view data, std::optional<std::uint8_t>& type) noexcept {
    if (data.size() != 1) return error::decode_error;
    type = data[0];
    return error::none;
}

// Whether a list (as decoded above, or as a sender holds it) names `t`.
[[nodiscard]] constexpr bool lists_type(byte_view types, certificate_type t) noexcept {
    for (const std::uint8_t b : types)
        if (b == static_cast<std::uint8_t>(t)) return true;
    return false;
}

// A list a sender builds from its configuration: each of x509 and raw_public_key at most once.
class certificate_type_list {
public:
    constexpr void add(certificate_type t) noexcept {
        if (size_ < types_.size() && !lists_type(view(), t)) types_[size_++] = static_cast<std::uint8_t>(t);
    }
    [[nodiscard]] constexpr byte_view view() const noexcept { return byte_view(types_).first(size_); }

private:
    bytes<2> types_{};
    std::size_t size_ = 0;
};

// Writes a ClientHello's list (the extension's data).
constexpr void write_certificate_type_list(writer& w, byte_view types) noexcept { w.vector<1>(types); }

}  // namespace carapace::tls::detail::codec
