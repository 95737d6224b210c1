// CertificateRequest (RFC 8446 §4.3.2): the server asks for the client's certificate. A request,
// so unrecognized extensions are ignored; recognized ones that belong elsewhere are
// illegal_parameter (today's engine accepted anything here); signature_algorithms is required
// (missing_extension). Whether the context is empty (it must be during the handshake) is the
// state machine's to check.
#pragma once

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

inline constexpr extension_type default_certificate_request_order[] = {
    extension_type::signature_algorithms, extension_type::signature_algorithms_cert,
    extension_type::certificate_authorities};

struct certificate_request {
    static constexpr handshake_type type = handshake_type::certificate_request;
    byte_view request_context;
    signature_scheme_list signature_algorithms;       // required (§4.3.2)
    signature_scheme_list signature_algorithms_cert;  // sent when not empty
    // certificate_authorities (§4.2.4): the DistinguishedName list's bytes, inside its length.
    byte_view certificate_authorities;

    extension_order order;  // sender's choice (empty: default_certificate_request_order); decoder's record
    // Decoder only: the recognized extensions present (what certificate entries may answer), and
    // those not represented here (unrecognized, status_request, SCTs, oid_filters).
    extension_set present;
    std::size_t ignored_extensions = 0;
};

constexpr bool same_request(const certificate_request& a, const certificate_request& b) noexcept {
    return same_bytes(a.request_context, b.request_context) && a.signature_algorithms == b.signature_algorithms &&
           a.signature_algorithms_cert == b.signature_algorithms_cert &&
           same_bytes(a.certificate_authorities, b.certificate_authorities);
}

constexpr void encode(writer& w, const certificate_request& cr) noexcept {
    w.vector<1>(cr.request_context);
    const std::size_t extensions = w.open<2>();
    write_in_order(w, cr.order, default_certificate_request_order, {}, [&](extension_type t) {
        switch (t) {
            case extension_type::signature_algorithms:
            case extension_type::signature_algorithms_cert: {
                const signature_scheme_list& list = t == extension_type::signature_algorithms
                                                        ? cr.signature_algorithms
                                                        : cr.signature_algorithms_cert;
                if (list.empty()) return;
                write_extension(w, t, [&](writer& x) {
                    const std::size_t at = x.open<2>();
                    list.encode(x);
                    x.close<2>(at);
                });
                return;
            }
            case extension_type::certificate_authorities:
                if (!cr.certificate_authorities.empty())
                    write_extension(w, t, [&](writer& x) { x.vector<2>(cr.certificate_authorities); });
                return;
            default: return;
        }
    });
    w.close<2>(extensions);
}

[[nodiscard]] constexpr error decode(byte_view body, certificate_request& cr) noexcept {
    cr = certificate_request{};
    reader r(body);
    cr.request_context = r.vector<1>();
    const byte_view extensions = r.vector<2>();
    if (!r.done()) return error::decode_error;
    const error e = walk_extensions(
        extensions, message_kind::certificate_request, extension_set{},
        [&](std::uint16_t type, byte_view data) -> error {
            cr.present.add(type);
            reader x(data);
            switch (static_cast<extension_type>(type)) {
                case extension_type::signature_algorithms:
                    cr.order.push(type);
                    return read_u16_list(x, cr.signature_algorithms) && x.done() ? error::none : error::decode_error;
                case extension_type::signature_algorithms_cert:
                    cr.order.push(type);
                    return read_u16_list(x, cr.signature_algorithms_cert) && x.done() ? error::none
                                                                                       : error::decode_error;
                case extension_type::certificate_authorities: {
                    // authorities<3..2^16-1>, each DistinguishedName<1..2^16-1>.
                    cr.order.push(type);
                    cr.certificate_authorities = x.vector<2>(3);
                    reader names(cr.certificate_authorities);
                    while (x.ok() && !names.empty()) names.vector<2>(1);
                    return x.done() && names.ok() ? error::none : error::decode_error;
                }
                default:
                    ++cr.ignored_extensions;
                    return error::none;
            }
        },
        [&](std::uint16_t) -> error {
            ++cr.ignored_extensions;
            return error::none;
        });
    if (e != error::none) return e;
    return cr.signature_algorithms.empty() ? error::missing_extension : error::none;
}

}  // namespace carapace::tls::detail::codec
