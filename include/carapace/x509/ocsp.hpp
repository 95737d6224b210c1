// OCSP responses (RFC 6960 §4.2), parsed in place, and what one says about a certificate: the
// response must be successful and signed by the certificate's issuer, or by a responder
// certificate carried in the response that the issuer certified with id-kp-OCSPSigning
// (§4.2.2.2); the SingleResponse must name the certificate (CertID over SHA-1 or SHA-256 of the
// issuer's name and key, and the serial); the time must lie between thisUpdate and nextUpdate.
// The same check serves a stapled response in TLS (RFC 8446 §4.4.2.1, RFC 6066 §8): the
// caller hands over the response, the leaf and its issuer from the validated path.
//
//   x509::verified_path path;                                  // from verify_chain(..., &path)
//   x509::revocation_result r = x509::check_ocsp_response(response_der, path.view(), {.time = now});
//   if (r.status == x509::revocation_status::revoked) ...
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/hash/sha1.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/crl.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/revocation.hpp"

namespace carapace::x509 {

// OCSPResponseStatus (§4.2.1); 4 is not used.
enum class ocsp_response_status : std::uint8_t {
    successful = 0,
    malformed_request = 1,
    internal_error = 2,
    try_later = 3,
    sig_required = 5,
    unauthorized = 6,
};

// A certificate's status in an OCSP response (RFC 6960 §4.2.1).
enum class ocsp_cert_status : std::uint8_t { good, revoked, unknown };

// The hash of a CertID. Others are parsed and never match.
enum class ocsp_hash : std::uint8_t { other, sha1, sha256 };

// One SingleResponse of an OCSP response.
struct ocsp_single_response {
    // The CertID's hash algorithm.
    ocsp_hash hash = ocsp_hash::other;
    // The CertID's issuerNameHash and issuerKeyHash.
    byte_view issuer_name_hash, issuer_key_hash;
    byte_view serial;  // the INTEGER's octets
    // The certificate's status.
    ocsp_cert_status status = ocsp_cert_status::unknown;
    // revocationTime, seconds since the epoch, when revoked.
    std::int64_t revocation_time = 0;
    // Whether a revocationReason is present.
    bool has_reason = false;
    // The revocationReason, when present.
    crl_reason reason = crl_reason::unspecified;
    // thisUpdate, seconds since the epoch.
    std::int64_t this_update = 0;
    // Whether nextUpdate is present.
    bool has_next_update = false;
    // nextUpdate, seconds since the epoch.
    std::int64_t next_update = 0;
    // A critical singleExtension this library does not know.
    bool has_unknown_critical_extension = false;
};

// An OCSP response (RFC 6960 §4.2.1) parsed in place: views into the caller's DER.
struct ocsp_response {
    // The responseStatus.
    ocsp_response_status status = ocsp_response_status::internal_error;
    // The BasicOCSPResponse, when the status is successful.
    byte_view tbs;  // ResponseData, encoded: what the signature covers
    // The algorithm of the responder's signature.
    signature_algorithm signed_with = signature_algorithm::unknown;
    // AlgorithmIdentifier parameters, encoded (RSA-PSS needs them).
    byte_view signature_parameters;
    // The BIT STRING's octets.
    byte_view signature;
    // Whether the ResponderID is byKey (else byName).
    bool responder_by_key = false;
    byte_view responder;  // byName: the Name, encoded; byKey: SHA-1 of the responder's key
    // producedAt, seconds since the epoch.
    std::int64_t produced_at = 0;
    byte_view responses;  // SEQUENCE OF SingleResponse: the content
    // The number of SingleResponses.
    std::size_t response_count = 0;
    byte_view certificates;  // [0] certs: the SEQUENCE OF Certificate's content
    // The number of certificates in `certificates`.
    std::size_t certificate_count = 0;
    bool has_unknown_critical_extension = false;  // in responseExtensions
};

namespace detail {

inline constexpr bytes<9> ocsp_basic_oid{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01};  // id-pkix-ocsp-basic
inline constexpr bytes<5> sha1_oid{0x2b, 0x0e, 0x03, 0x02, 0x1a};                                // 1.3.14.3.2.26
inline constexpr bytes<9> sha256_oid{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};      // 2.16.840.1.101.3.4.2.1
inline constexpr std::uint8_t enumerated = 0x0a;

// Responses carry the responder's certificate and perhaps its chain: a handful at most.
inline constexpr std::size_t max_ocsp_certificates = 8;

// SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
//   nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }
constexpr result<ocsp_single_response> parse_single_response(const der::element& e) noexcept {
    if (e.tag != der::sequence) return errc::decode_error;
    ocsp_single_response s;
    der::reader r(e.content);
    // CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
    //   issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
    auto cert_id = r.expect(der::sequence);
    if (!cert_id) return cert_id.error();
    der::reader id(cert_id->content);
    auto algorithm_element = id.next();
    if (!algorithm_element) return algorithm_element.error();
    auto algorithm = parse_algorithm(*algorithm_element);
    if (!algorithm) return algorithm.error();
    // Parameters absent or NULL, as encoders write both.
    if (algorithm->parameters.empty() || is_null(algorithm->parameters)) {
        if (der::equal(algorithm->oid, sha1_oid)) s.hash = ocsp_hash::sha1;
        if (der::equal(algorithm->oid, sha256_oid)) s.hash = ocsp_hash::sha256;
    }
    auto name_hash = id.expect(der::octet_string);
    auto key_hash = id.expect(der::octet_string);
    auto serial = id.expect(der::integer);
    if (!name_hash || !key_hash || !serial || !id.empty()) return errc::decode_error;
    auto serial_octets = der::integer_octets(*serial);
    if (!serial_octets || serial_octets->size() > 21) return errc::decode_error;
    s.issuer_name_hash = name_hash->content;
    s.issuer_key_hash = key_hash->content;
    s.serial = *serial_octets;

    // CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo,
    //   unknown [2] IMPLICIT UnknownInfo (NULL) }
    auto status = r.next();
    if (!status) return status.error();
    if (status->tag == der::context(0) && status->content.empty()) {
        s.status = ocsp_cert_status::good;
    } else if (status->tag == der::context(2) && status->content.empty()) {
        s.status = ocsp_cert_status::unknown;
    } else if (status->tag == der::context_constructed(1)) {
        // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
        s.status = ocsp_cert_status::revoked;
        der::reader info(status->content);
        auto when = info.expect(der::generalized_time);
        if (!when) return when.error();
        auto time = der::to_time(*when);
        if (!time) return time.error();
        s.revocation_time = *time;
        if (info.next_is(der::context_constructed(0))) {
            crl_entry entry;
            if (parse_reason(info.next()->content, entry) != errc::ok) return errc::decode_error;
            s.has_reason = true;
            s.reason = entry.reason;
        }
        if (!info.empty()) return errc::decode_error;
    } else {
        return errc::decode_error;
    }
    auto this_update = r.expect(der::generalized_time);
    if (!this_update) return this_update.error();
    auto this_time = der::to_time(*this_update);
    if (!this_time) return this_time.error();
    s.this_update = *this_time;
    if (r.next_is(der::context_constructed(0))) {
        auto next = der::parse_single(r.next()->content, der::generalized_time);
        if (!next) return next.error();
        auto next_time = der::to_time(*next);
        if (!next_time) return next_time.error();
        s.has_next_update = true;
        s.next_update = *next_time;
    }
    if (r.next_is(der::context_constructed(1))) {
        auto list = der::parse_single(r.next()->content, der::sequence);
        if (!list) return list.error();
        if (const errc err = for_each_extension(list->content,
                                                [&](const extension& ext) {
                                                    if (ext.critical) s.has_unknown_critical_extension = true;
                                                    return errc::ok;
                                                });
            err != errc::ok)
            return err;
    }
    if (!r.empty()) return errc::decode_error;
    return s;
}

}  // namespace detail

// Parses one DER OCSPResponse (exactly the whole of `der_bytes`) down to the BasicOCSPResponse
// and checks the shape of every SingleResponse and carried certificate. An unsuccessful
// response parses, with only its status. decode_error for anything malformed, another response
// type, a version other than v1, more than detail::max_ocsp_certificates certificates.
[[nodiscard]] constexpr result<ocsp_response> parse_ocsp_response(byte_view der_bytes) noexcept {
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
    auto outer = der::parse_single(der_bytes, der::sequence);
    if (!outer) return outer.error();
    der::reader top(outer->content);
    auto status = top.expect(detail::enumerated);
    if (!status || status->content.size() != 1) return errc::decode_error;
    const std::uint8_t code = status->content[0];
    if (code > 6 || code == 4) return errc::decode_error;
    ocsp_response o;
    o.status = static_cast<ocsp_response_status>(code);
    if (o.status != ocsp_response_status::successful) {
        // §4.2.1: responseBytes only with a successful status.
        return top.empty() ? result<ocsp_response>(o) : result<ocsp_response>(errc::decode_error);
    }
    auto wrapper = top.expect(der::context_constructed(0));
    if (!wrapper || !top.empty()) return errc::decode_error;
    // ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
    auto response_bytes = der::parse_single(wrapper->content, der::sequence);
    if (!response_bytes) return response_bytes.error();
    der::reader rb(response_bytes->content);
    auto type = rb.expect(der::object_identifier);
    auto octets = rb.expect(der::octet_string);
    if (!type || !octets || !rb.empty() || !der::equal(type->content, detail::ocsp_basic_oid)) return errc::decode_error;

    // BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm
    //   AlgorithmIdentifier, signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
    auto basic = der::parse_single(octets->content, der::sequence);
    if (!basic) return basic.error();
    der::reader b(basic->content);
    auto tbs = b.expect(der::sequence);
    if (!tbs) return tbs.error();
    auto algorithm_element = b.next();
    if (!algorithm_element) return algorithm_element.error();
    auto algorithm = detail::parse_algorithm(*algorithm_element);
    if (!algorithm) return algorithm.error();
    auto signature = b.expect(der::bit_string);
    if (!signature) return signature.error();
    auto signature_bits = der::to_bits(*signature);
    if (!signature_bits || signature_bits->unused != 0) return errc::decode_error;
    o.tbs = tbs->encoded;
    o.signed_with = detail::signature_algorithm_of(*algorithm);
    o.signature_parameters = algorithm->parameters;
    o.signature = signature_bits->octets;
    if (b.next_is(der::context_constructed(0))) {
        auto certs = der::parse_single(b.next()->content, der::sequence);
        if (!certs) return certs.error();
        o.certificates = certs->content;
        der::reader each(o.certificates);
        while (!each.empty()) {
            if (o.certificate_count == detail::max_ocsp_certificates) return errc::decode_error;
            auto cert = each.next();
            if (!cert || !parse_certificate(cert->encoded)) return errc::decode_error;
            ++o.certificate_count;
        }
    }
    if (!b.empty()) return errc::decode_error;

    // ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, responderID ResponderID,
    //   producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse,
    //   responseExtensions [1] EXPLICIT Extensions OPTIONAL }
    der::reader r(tbs->content);
    if (r.next_is(der::context_constructed(0))) return errc::decode_error;  // only v1, the DEFAULT, exists
    // ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash (OCTET STRING, SHA-1) }
    auto responder = r.next();
    if (!responder) return responder.error();
    if (responder->tag == der::context_constructed(1)) {
        auto name = der::parse_single(responder->content, der::sequence);
        if (!name || detail::check_name(*name) != errc::ok) return errc::decode_error;
        o.responder = name->encoded;
    } else if (responder->tag == der::context_constructed(2)) {
        auto key_hash = der::parse_single(responder->content, der::octet_string);
        if (!key_hash || key_hash->content.size() != 20) return errc::decode_error;
        o.responder_by_key = true;
        o.responder = key_hash->content;
    } else {
        return errc::decode_error;
    }
    auto produced_at = r.expect(der::generalized_time);
    if (!produced_at) return produced_at.error();
    auto produced_time = der::to_time(*produced_at);
    if (!produced_time) return produced_time.error();
    o.produced_at = *produced_time;
    auto responses = r.expect(der::sequence);
    if (!responses) return responses.error();
    o.responses = responses->content;
    der::reader singles(o.responses);
    while (!singles.empty()) {  // each one consumes at least 2 octets of the input
        auto single = singles.next();
        if (!single || !detail::parse_single_response(*single)) return errc::decode_error;
        ++o.response_count;
    }
    if (r.next_is(der::context_constructed(1))) {
        auto list = der::parse_single(r.next()->content, der::sequence);
        if (!list) return list.error();
        // The nonce (id-pkix-ocsp-nonce) and the rest are informational unless critical.
        if (const errc err = detail::for_each_extension(list->content,
                                                        [&](const detail::extension& ext) {
                                                            if (ext.critical) o.has_unknown_critical_extension = true;
                                                            return errc::ok;
                                                        });
            err != errc::ok)
            return err;
    }
    if (!r.empty()) return errc::decode_error;
    return o;
}

namespace detail {

// A CertID's hashes computed once for the issuer: its Name and its key's BIT STRING octets.
struct cert_id_hashes {
    sha1::digest name_sha1, key_sha1;
    sha256::digest name_sha256, key_sha256;

    explicit cert_id_hashes(const certificate& issuer) noexcept
        : name_sha1(sha1::hash(issuer.subject)),
          key_sha1(sha1::hash(issuer.public_key.key)),
          name_sha256(sha256::hash(issuer.subject)),
          key_sha256(sha256::hash(issuer.public_key.key)) {}

    [[nodiscard]] bool match(const ocsp_single_response& s, const certificate& subject) const noexcept {
        if (!der::equal(s.serial, subject.serial)) return false;
        if (s.hash == ocsp_hash::sha1) return der::equal(s.issuer_name_hash, name_sha1) && der::equal(s.issuer_key_hash, key_sha1);
        if (s.hash == ocsp_hash::sha256)
            return der::equal(s.issuer_name_hash, name_sha256) && der::equal(s.issuer_key_hash, key_sha256);
        return false;
    }
};

constexpr bool names_responder(const ocsp_response& o, const certificate& c, const sha1::digest& key_sha1) noexcept {
    return o.responder_by_key ? der::equal(o.responder, key_sha1) : der::equal(o.responder, c.subject);
}

// Whether the response was signed by `issuer`, or by a responder certificate in it that
// `issuer` authorised. When not, `why` says so: bad_signature (or unsupported_algorithm) when
// an authorised signer was named and its signature failed, unauthorized_signer otherwise.
inline bool ocsp_signed_for(const ocsp_response& o, const certificate& issuer, const cert_id_hashes& issuer_hashes,
                            std::int64_t time, revocation_detail& why) noexcept {
    why = revocation_detail::unauthorized_signer;
    if (names_responder(o, issuer, issuer_hashes.key_sha1)) {
        why = check_signed_data(o.signed_with, o.signature_parameters, o.tbs, o.signature, issuer.public_key);
        if (why == revocation_detail::none) return true;
    }
    der::reader each(o.certificates);
    for (std::size_t i = 0; i < max_ocsp_certificates && !each.empty(); ++i) {
        auto element = each.next();
        if (!element) break;
        auto responder = parse_certificate(element->encoded);
        if (!responder || !names_responder(o, *responder, sha1::hash(responder->public_key.key))) continue;
        // Cheap tests before signatures: the key purpose, the key usage, the issuer's name.
        if (!has_ocsp_signing_purpose(*responder) || !responder->allows(key_usage::digital_signature) ||
            !issued_by(*responder, issuer, time))
            continue;
        why = check_signed_data(o.signed_with, o.signature_parameters, o.tbs, o.signature, responder->public_key);
        if (why == revocation_detail::none) return true;
    }
    return false;
}

}  // namespace detail

// What a parsed response says about `subject`, issued by `issuer`. Unknown, with the reason,
// unless a SingleResponse for the certificate is current and the response's signer authorised.
[[nodiscard]] inline revocation_result ocsp_status(const ocsp_response& o, const certificate& subject,
                                                   const certificate& issuer,
                                                   const revocation_options& options) noexcept {
    if (o.status != ocsp_response_status::successful) return {revocation_status::unknown, revocation_detail::responder_error};
    // The CertID names the issuer by hashes, and the subject only by its serial: the names must
    // also chain, as they do in a validated path.
    if (!der::equal(subject.issuer, issuer.subject)) return {};
    const detail::cert_id_hashes hashes(issuer);
    revocation_detail why = revocation_detail::no_information;
    bool matched = false, revoked = false, good = false;
    der::reader singles(o.responses);
    while (!singles.empty()) {
        auto element = singles.next();
        if (!element) return {revocation_status::unknown, revocation_detail::malformed};
        auto single = detail::parse_single_response(*element);
        if (!single) return {revocation_status::unknown, revocation_detail::malformed};
        if (!hashes.match(*single, subject)) continue;
        matched = true;
        if (single->has_unknown_critical_extension || o.has_unknown_critical_extension) {
            detail::note(why, revocation_detail::unsupported_critical_extension);
        } else if (options.time < single->this_update) {
            detail::note(why, revocation_detail::not_yet_valid);
        } else if (!single->has_next_update || options.time > single->next_update) {
            // §4.2.2.1 lets a responder leave nextUpdate out ("always newer information"); with
            // no freshness bound such a response could be replayed forever, so it is not used.
            detail::note(why, revocation_detail::stale);
        } else if (single->status == ocsp_cert_status::revoked) {
            revoked = true;
        } else if (single->status == ocsp_cert_status::good) {
            good = true;
        } else {
            detail::note(why, revocation_detail::unknown_to_responder);
        }
    }
    if (!matched || (!revoked && !good)) return {revocation_status::unknown, why};
    // The signature last: the cheap checks above settle most unusable responses.
    if (revocation_detail signer_problem{}; !detail::ocsp_signed_for(o, issuer, hashes, options.time, signer_problem))
        return {revocation_status::unknown, signer_problem};
    if (revoked) return {revocation_status::revoked, revocation_detail::none};
    return {revocation_status::good, revocation_detail::none};
}

// The same from the response's DER: what a TLS client calls on a stapled response, with the
// leaf and its issuer from the validated path.
[[nodiscard]] inline revocation_result check_ocsp_response(byte_view response_der, const certificate& subject,
                                                           const certificate& issuer,
                                                           const revocation_options& options) noexcept {
    auto parsed = parse_ocsp_response(response_der);
    if (!parsed) return {revocation_status::unknown, revocation_detail::malformed};
    return ocsp_status(*parsed, subject, issuer, options);
}

// The same for the leaf of a validated path (leaf first, as verify_chain gives it), whose issuer
// is the next certificate. A leaf trusted as its own anchor has no issuer to vouch for it: unknown.
[[nodiscard]] inline revocation_result check_ocsp_response(byte_view response_der, std::span<const certificate> path,
                                                           const revocation_options& options) noexcept {
    if (path.size() < 2) return {};
    return check_ocsp_response(response_der, path[0], path[1], options);
}

}  // namespace carapace::x509
