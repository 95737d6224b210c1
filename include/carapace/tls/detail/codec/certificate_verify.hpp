// CertificateVerify (RFC 8446 §4.4.3): the signature scheme and the signature over the transcript,
// and the content that is signed. The signature may be empty as far as syntax goes
// (signature<0..2^16-1>): the verifier then answers decrypt_error, not the decoder decode_error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/codec/lists.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

struct certificate_verify {
    static constexpr handshake_type type = handshake_type::certificate_verify;
    signature_scheme scheme{};
    byte_view signature;
    friend constexpr bool operator==(const certificate_verify& a, const certificate_verify& b) noexcept {
        return a.scheme == b.scheme && same_bytes(a.signature, b.signature);
    }
};

constexpr void encode(writer& w, const certificate_verify& cv) noexcept {
    w.u16(static_cast<std::uint16_t>(cv.scheme));
    w.vector<2>(cv.signature);
}

[[nodiscard]] constexpr error decode(byte_view body, certificate_verify& cv) noexcept {
    cv = certificate_verify{};
    reader r(body);
    cv.scheme = static_cast<signature_scheme>(r.u16());
    cv.signature = r.vector<2>();
    return r.done() ? error::none : error::decode_error;
}

// The content a CertificateVerify signs (§4.4.3): 64 spaces, the context string of the signer's
// role, a zero byte, then the transcript hash.
inline constexpr std::size_t max_signed_content_size = 64 + 33 + 1 + 48;

enum class signer_role : std::uint8_t { server, client };

// Writes the signed content into `out` and returns its length (0 when the hash is longer than
// the largest supported).
constexpr std::size_t signed_content(signer_role role, byte_view transcript_hash,
                                     std::span<std::uint8_t, max_signed_content_size> out) noexcept {
    constexpr auto server_context = literal_bytes("TLS 1.3, server CertificateVerify");
    constexpr auto client_context = literal_bytes("TLS 1.3, client CertificateVerify");
    if (transcript_hash.size() > 48) return 0;
    std::size_t n = 0;
    for (; n < 64; ++n) out[n] = 0x20;
    const byte_view context = role == signer_role::server ? byte_view(server_context) : byte_view(client_context);
    for (const std::uint8_t b : context) out[n++] = b;
    out[n++] = 0;
    for (const std::uint8_t b : transcript_hash) out[n++] = b;
    return n;
}

}  // namespace carapace::tls::detail::codec
