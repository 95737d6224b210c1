// Certificate (RFC 8446 §4.4.2): a request context and a chain of entries, each a certificate
// (DER: an X.509 certificate, or with the RawPublicKey type of RFC 7250 a SubjectPublicKeyInfo,
// alone in the list) and its extensions. The entries'
// extensions are responses: each must be allowed in a certificate entry (status_request,
// signed_certificate_timestamp: illegal_parameter otherwise) and must answer one the receiver
// offered (unsupported_extension otherwise, §4.4.2).
//
// The leaf's entry may carry the server's OCSP response for it (status_request with a
// CertificateStatus, §4.4.2.1, RFC 6066 §8): a sender puts `leaf_ocsp_response` there, a decoder
// finds it there.
//
// An empty chain is valid syntax: whether it is acceptable (§4.4.2.4) is the state machine's call.
// A chain longer than max_certificate_chain is refused with bad_certificate, so the receiver can
// hold the chain in a fixed array.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/codec/extensions.hpp"
#include "carapace/tls/detail/codec/lists.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

// Most certificates a received chain may carry.
inline constexpr std::size_t max_certificate_chain = 10;

// One CertificateEntry as received. A sender's entries are plain DER certificates, sent with no
// extensions.
struct certificate_entry {
    byte_view data;        // cert_data<1..2^24-1>
    byte_view extensions;  // the entry's extension block (inside its length), already checked
    friend constexpr bool operator==(const certificate_entry& a, const certificate_entry& b) noexcept {
        return same_bytes(a.data, b.data) && same_bytes(a.extensions, b.extensions);
    }
};
struct certificate_entry_element {
    using value_type = certificate_entry;
    using typed_type = byte_view;  // a DER certificate
    static constexpr std::size_t fixed_size = 0;
    static constexpr certificate_entry read(reader& r) noexcept {
        certificate_entry e;
        e.data = r.vector<3>(1);
        e.extensions = r.vector<2>();
        return e;
    }
    static constexpr void write(writer& w, const certificate_entry& e) noexcept {
        w.vector<3>(e.data);
        w.vector<2>(e.extensions);
    }
    static constexpr certificate_entry value_of(byte_view der) noexcept { return {der, {}}; }
    static constexpr bool equal(const certificate_entry& a, const certificate_entry& b) noexcept { return a == b; }
};
using certificate_entry_list = wire_list<certificate_entry_element>;

struct certificate {
    static constexpr handshake_type type = handshake_type::certificate;
    byte_view request_context;      // empty during the handshake (§4.4.2)
    certificate_entry_list entries;  // a sender: its chain, leaf first (config.certificate_chain)
    byte_view leaf_ocsp_response;   // OCSPResponse (DER) in the leaf's status_request, if any
};

constexpr bool same_certificate(const certificate& a, const certificate& b) noexcept {
    return same_bytes(a.request_context, b.request_context) && a.entries == b.entries &&
           same_bytes(a.leaf_ocsp_response, b.leaf_ocsp_response);
}

constexpr void encode(writer& w, const certificate& c) noexcept {
    w.vector<1>(c.request_context);
    const std::size_t list = w.open<3>();
    bool leaf = true;
    c.entries.for_each([&](const certificate_entry& e) {
        if (leaf && e.extensions.empty() && !c.leaf_ocsp_response.empty()) {
            // A sender's leaf: its extensions are the stapled response.
            w.vector<3>(e.data);
            const std::size_t block = w.open<2>();
            w.u16(static_cast<std::uint16_t>(extension_type::status_request));
            const std::size_t status = w.open<2>();
            w.u8(1);  // CertificateStatusType ocsp
            w.vector<3>(c.leaf_ocsp_response);
            w.close<2>(status);
            w.close<2>(block);
        } else {
            certificate_entry_element::write(w, e);
        }
        leaf = false;
    });
    w.close<3>(list);
}

// CertificateStatus (RFC 6066 §8): status_type ocsp and an OCSPResponse<1..2^24-1>, all of it.
constexpr error decode_certificate_status(byte_view data, byte_view& response) noexcept {
    reader r(data);
    if (r.u8() != 1) return error::decode_error;
    response = r.vector<3>(1);
    return r.done() ? error::none : error::decode_error;
}

// `offered`: the extensions the receiver asked certificate entries for (a client: status_request
// or signed_certificate_timestamp in its ClientHello; a server: those of its CertificateRequest).
// Their contents are framing-checked only: nothing here uses OCSP responses or SCTs.
[[nodiscard]] constexpr error decode(byte_view body, certificate& c, const extension_set& offered) noexcept {
    c = certificate{};
    reader r(body);
    c.request_context = r.vector<1>();
    const byte_view list = r.vector<3>();
    if (!r.done()) return error::decode_error;
    reader entries(list);
    std::size_t count = 0;
    while (!entries.empty()) {
        const certificate_entry e = certificate_entry_element::read(entries);
        if (!entries.ok()) return error::decode_error;
        const bool leaf = count == 0;
        if (const error x = walk_extensions(
                e.extensions, message_kind::certificate_entry, offered,
                [&](std::uint16_t type, byte_view data) {
                    if (type != static_cast<std::uint16_t>(extension_type::status_request)) return error::none;
                    byte_view response;
                    if (const error s = decode_certificate_status(data, response); s != error::none) return s;
                    if (leaf) c.leaf_ocsp_response = response;  // others' statuses are not used
                    return error::none;
                },
                [](std::uint16_t) { return error::none; });
            x != error::none)
            return x;
        if (++count > max_certificate_chain) return error::bad_certificate;
    }
    return c.entries.assign_wire(list) ? error::none : error::decode_error;
}

// The received chain's certificates, leaf first, in a fixed array: what a verifier takes.
struct certificate_chain {
    std::array<byte_view, max_certificate_chain> certificates{};
    std::size_t size = 0;
    [[nodiscard]] constexpr std::span<const byte_view> view() const noexcept {
        return std::span<const byte_view>(certificates).first(size);
    }
};
constexpr certificate_chain chain_of(const certificate& c) noexcept {
    certificate_chain out;
    c.entries.for_each([&](const certificate_entry& e) {
        if (out.size < max_certificate_chain) out.certificates[out.size++] = e.data;
    });
    return out;
}

}  // namespace carapace::tls::detail::codec
