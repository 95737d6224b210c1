// What CRLs (x509/crl.hpp, RFC 5280 §5 and §6.3) and OCSP responses (x509/ocsp.hpp, RFC 6960)
// say about a certificate, in one vocabulary, and the pieces both need: signatures checked by
// the same function path validation uses (so ECDSA and RSA arrive here when they arrive there),
// extension lists walked with a budget, and extensions of a certificate that certificate.hpp does
// not keep (CRL distribution points, the OCSP signing key purpose). Revocation data is supplied
// by the caller: the library does no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/verify.hpp"

namespace carapace::x509 {

// A certificate's revocation status.
enum class revocation_status : std::uint8_t { good, revoked, unknown };

// Why a status is what it is. Ranked from the least to the most specific, as verify_error is:
// when several CRLs or responses fail, the most specific reason is the one reported.
enum class revocation_detail : std::uint8_t {
    none,                            // good or revoked, decided by a usable CRL or response
    no_information,                  // nothing supplied covers this certificate
    malformed,                       // an OCSP response does not parse
    responder_error,                 // the OCSP responder answered with an error status
    unsupported_algorithm,
    bad_signature,
    unauthorized_signer,             // neither the issuer nor a delegate it authorised signed it
    unsupported_critical_extension,  // or a CRL scope this library does not handle
    not_yet_valid,                   // thisUpdate is after the time
    stale,                           // nextUpdate has passed, or is absent
    unknown_to_responder,            // an OCSP response with certStatus unknown
};

// A short English description of a revocation detail.
constexpr std::string_view to_string(revocation_detail d) noexcept {
    switch (d) {
        case revocation_detail::none: return "none";
        case revocation_detail::no_information: return "no information";
        case revocation_detail::malformed: return "malformed";
        case revocation_detail::responder_error: return "responder error";
        case revocation_detail::unsupported_algorithm: return "unsupported algorithm";
        case revocation_detail::bad_signature: return "bad signature";
        case revocation_detail::unauthorized_signer: return "unauthorized signer";
        case revocation_detail::unsupported_critical_extension: return "unsupported critical extension";
        case revocation_detail::not_yet_valid: return "not yet valid";
        case revocation_detail::stale: return "stale";
        case revocation_detail::unknown_to_responder: return "unknown to responder";
    }
    return "unknown detail";
}

// A revocation check's status and why.
struct revocation_result {
    // good, revoked or unknown.
    revocation_status status = revocation_status::unknown;
    revocation_detail detail = revocation_detail::no_information;

    friend constexpr bool operator==(const revocation_result&, const revocation_result&) = default;
};

// How much of a validated path must be shown to be good.
enum class revocation_scope : std::uint8_t {
    leaf,        // the leaf must be shown good; an intermediate fails only when shown revoked
    whole_path,  // every certificate below the trust anchor must be shown good
};

// What a revocation check judges by.
struct revocation_options {
    std::int64_t time = 0;  // seconds since the epoch, UTC: thisUpdate/nextUpdate are judged by it
    // Which certificates of the path must be shown good.
    revocation_scope scope = revocation_scope::leaf;
};

// Two answers about one certificate (a CRL's and an OCSP response's): revoked from either wins,
// then good from either; otherwise unknown, with the more specific reason.
constexpr revocation_result combine(const revocation_result& a, const revocation_result& b) noexcept {
    if (a.status == revocation_status::revoked) return a;
    if (b.status == revocation_status::revoked) return b;
    if (a.status == revocation_status::good) return a;
    if (b.status == revocation_status::good) return b;
    return static_cast<std::uint8_t>(a.detail) >= static_cast<std::uint8_t>(b.detail) ? a : b;
}

// The verdict as path validation reports it.
constexpr verify_error to_verify_error(const revocation_result& r) noexcept {
    switch (r.status) {
        case revocation_status::good: return verify_error::ok;
        case revocation_status::revoked: return verify_error::revoked;
        case revocation_status::unknown: return verify_error::revocation_unknown;
    }
    return verify_error::revocation_unknown;
}

namespace detail {

// Most extension lists hold a handful; the cap keeps the duplicate check (quadratic) cheap on
// hostile input.
inline constexpr std::size_t max_extensions = 32;

inline constexpr bytes<3> crl_distribution_points_oid{0x55, 0x1d, 0x1f};        // 2.5.29.31
inline constexpr bytes<8> kp_ocsp_signing{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09};  // 1.3.6.1.5.5.7.3.9

struct extension {
    byte_view id;     // the OID's content octets
    bool critical = false;
    byte_view value;  // the OCTET STRING's content
};

// Calls visit(extension) for each entry of an Extensions SEQUENCE's content. decode_error for
// bad DER, a repeated extnID, an explicit critical FALSE, an empty list or more than
// max_extensions; otherwise what visit returns first that is not ok.
template <class Visit>
constexpr errc for_each_extension(byte_view list, Visit&& visit) noexcept {
    if (list.empty()) return errc::decode_error;  // SIZE (1..MAX)
    std::array<byte_view, max_extensions> seen{};
    std::size_t count = 0;
    der::reader r(list);
    while (!r.empty()) {
        if (count == max_extensions) return errc::decode_error;
        auto e = r.expect(der::sequence);
        if (!e) return e.error();
        der::reader fields(e->content);
        auto id_element = fields.expect(der::object_identifier);
        if (!id_element) return id_element.error();
        auto id = der::oid_octets(*id_element);
        if (!id) return id.error();
        extension ext{*id, false, {}};
        if (fields.next_is(der::boolean)) {
            auto flag = der::to_boolean(*fields.next());
            if (!flag || !*flag) return errc::decode_error;  // DER omits a DEFAULT value
            ext.critical = true;
        }
        auto value = fields.expect(der::octet_string);
        if (!value || !fields.empty()) return errc::decode_error;
        ext.value = value->content;
        for (std::size_t i = 0; i < count; ++i)
            if (der::equal(seen[i], ext.id)) return errc::decode_error;
        seen[count++] = ext.id;
        if (const errc err = visit(ext); err != errc::ok) return err;
    }
    return errc::ok;
}

// The value of a certificate's extension with this OID, empty when absent (or when the
// certificate does not parse, which path validation has already ruled out).
constexpr byte_view find_extension(const certificate& c, byte_view id) noexcept {
    auto tbs = der::parse_single(c.tbs, der::sequence);
    if (!tbs) return {};
    der::reader r(tbs->content);
    byte_view found;
    while (!r.empty()) {
        auto e = r.next();
        if (!e) return {};
        if (e->tag != der::context_constructed(3)) continue;
        auto list = der::parse_single(e->content, der::sequence);
        if (!list) return {};
        (void)for_each_extension(list->content, [&](const extension& ext) {
            if (der::equal(ext.id, id)) found = ext.value;
            return errc::ok;
        });
    }
    return found;
}

// Whether the certificate's extendedKeyUsage names id-kp-OCSPSigning itself (RFC 6960
// §4.2.2.2: anyExtendedKeyUsage does not authorise a responder).
constexpr bool has_ocsp_signing_purpose(const certificate& c) noexcept {
    if (!c.has_extended_key_usage) return false;
    auto seq = der::parse_single(find_extension(c, oid::extended_key_usage), der::sequence);
    if (!seq) return false;
    der::reader r(seq->content);
    while (!r.empty()) {
        auto purpose = r.next();
        if (!purpose) return false;
        if (purpose->tag == der::object_identifier && der::equal(purpose->content, kp_ocsp_signing)) return true;
    }
    return false;
}

// Checks a signature over `signed_data` (a TBSCertList or ResponseData, encoded) with the
// function that checks certificate signatures, so every algorithm path validation learns is
// learnt here too.
inline revocation_detail check_signed_data(signature_algorithm algorithm, byte_view parameters, byte_view signed_data,
                                           byte_view signature, const public_key_info& signer) noexcept {
    certificate as_signed{};
    as_signed.signed_with = algorithm;
    as_signed.signature_parameters = parameters;
    as_signed.tbs = signed_data;
    as_signed.signature = signature;
    switch (check_signature(as_signed, signer)) {
        case verify_error::ok: return revocation_detail::none;
        case verify_error::unsupported_algorithm: return revocation_detail::unsupported_algorithm;
        default: return revocation_detail::bad_signature;
    }
}

// Whether `delegate` was issued by `issuer` and is fit to sign for it at `time`: the name
// chains, the issuer's key signed it, it is valid then and has no critical extension we do not
// understand. What it is authorised for (cRLSign, id-kp-OCSPSigning) the caller checks.
inline bool issued_by(const certificate& delegate, const certificate& issuer, std::int64_t time) noexcept {
    if (!der::equal(delegate.issuer, issuer.subject) || delegate.has_unknown_critical_extension) return false;
    if (time < delegate.not_before || time > delegate.not_after) return false;
    return check_signature(delegate, issuer.public_key) == verify_error::ok;
}

constexpr void note(revocation_detail& best, revocation_detail d) noexcept {
    if (static_cast<std::uint8_t>(d) > static_cast<std::uint8_t>(best)) best = d;
}

}  // namespace detail

}  // namespace carapace::x509
