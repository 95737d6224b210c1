// Certificate revocation lists (RFC 5280 §5), parsed in place, and the revocation check of a
// validated path against the CRLs a caller supplies (§6.3, for complete CRLs). A CRL counts for
// a certificate when its issuer name is the certificate's issuer, its scope (the
// issuingDistributionPoint) covers the certificate, it is signed by the issuer or by a delegated
// CRL signer (same name, certified by the issuer, keyUsage cRLSign), it holds no critical
// extension we do not process (delta CRLs and indirect CRLs among them: their listings mean
// something else), and the time is between thisUpdate and nextUpdate. Parsing validates every
// entry once, so a lookup cannot meet a malformed one; both are linear in the CRL's size.
//
//   auto list = x509::parse_crl(crl_der);                      // views into crl_der
//   x509::revocation_result r = x509::check_path_crls(path.view(), {&*list, 1}, {}, {.time = now});
//   if (r.status != x509::revocation_status::good) ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/revocation.hpp"

namespace carapace::x509 {

inline constexpr std::string_view crl_pem_label = "X509 CRL";  // RFC 7468 §5

// CRLReason (RFC 5280 §5.3.1); 7 is not used.
enum class crl_reason : std::uint8_t {
    unspecified = 0,
    key_compromise = 1,
    ca_compromise = 2,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
    certificate_hold = 6,
    remove_from_crl = 8,
    privilege_withdrawn = 9,
    aa_compromise = 10,
};

// A CRL (RFC 5280 §5) parsed in place: views into the caller's DER.
struct crl {
    byte_view encoded;   // the whole CertificateList
    byte_view tbs;       // TBSCertList, encoded: what the signature covers
    unsigned version = 1;  // 1 or 2
    // The algorithm of the issuer's signature.
    signature_algorithm signed_with = signature_algorithm::unknown;
    // AlgorithmIdentifier parameters, encoded (RSA-PSS needs them).
    byte_view signature_parameters;
    // The BIT STRING's octets.
    byte_view signature;
    byte_view issuer;    // Name, encoded
    // thisUpdate, seconds since the epoch.
    std::int64_t this_update = 0;
    // Whether nextUpdate is present.
    bool has_next_update = false;
    // nextUpdate, seconds since the epoch.
    std::int64_t next_update = 0;
    byte_view revoked;   // revokedCertificates' content: the entries, empty when none
    // The number of entries in `revoked`.
    std::size_t revoked_count = 0;

    // CRL extensions.
    byte_view authority_key_id;
    byte_view crl_number;  // the INTEGER's octets, empty when absent
    // Whether an issuingDistributionPoint extension is present.
    bool has_issuing_distribution_point = false;
    byte_view distribution_point_names;  // IDP fullName GeneralNames content, empty when absent
    // The IDP's onlyContainsUserCerts and onlyContainsCACerts.
    bool only_user_certs = false, only_ca_certs = false;
    bool unsupported_scope = false;  // IDP with reasons, indirectCRL, attribute certificates or
                                     // a relative name: partitions this library does not follow
    bool has_unknown_critical_extension = false;  // at the CRL or at an entry's level
};

// One revoked certificate: its serial (the INTEGER's octets) and what the entry says.
struct crl_entry {
    // The serial number's octets.
    byte_view serial;
    // revocationDate, seconds since the epoch.
    std::int64_t revocation_date = 0;
    // Whether the entry has a reasonCode.
    bool has_reason = false;
    // The reasonCode, when present.
    crl_reason reason = crl_reason::unspecified;
};

namespace detail {

inline constexpr bytes<3> crl_number_oid{0x55, 0x1d, 0x14};                  // 2.5.29.20
inline constexpr bytes<3> reason_code_oid{0x55, 0x1d, 0x15};                 // 2.5.29.21
inline constexpr bytes<3> invalidity_date_oid{0x55, 0x1d, 0x18};             // 2.5.29.24
inline constexpr bytes<3> issuing_distribution_point_oid{0x55, 0x1d, 0x1c};  // 2.5.29.28

constexpr errc parse_reason(byte_view value, crl_entry& entry) noexcept {
    auto e = der::parse_single(value, 0x0a);  // ENUMERATED
    if (!e || e->content.size() != 1) return errc::decode_error;
    const std::uint8_t code = e->content[0];
    // 7 is unassigned; removeFromCRL belongs to delta CRLs, which are not processed here.
    if (code > 10 || code == 7 || code == 8) return errc::decode_error;
    entry.has_reason = true;
    entry.reason = static_cast<crl_reason>(code);
    return errc::ok;
}

// revokedCertificates entry ::= SEQUENCE { userCertificate CertificateSerialNumber,
//   revocationDate Time, crlEntryExtensions Extensions OPTIONAL (v2 only) }
constexpr errc parse_entry(const der::element& e, unsigned version, crl_entry& entry,
                           bool& unknown_critical) noexcept {
    if (e.tag != der::sequence) return errc::decode_error;
    der::reader r(e.content);
    auto serial = r.expect(der::integer);
    if (!serial) return serial.error();
    auto octets = der::integer_octets(*serial);
    if (!octets || octets->size() > 21) return errc::decode_error;
    entry.serial = *octets;
    auto date = parse_time(r);
    if (!date) return date.error();
    entry.revocation_date = *date;
    if (r.empty()) return errc::ok;
    if (version != 2) return errc::decode_error;
    auto extensions = r.expect(der::sequence);
    if (!extensions || !r.empty()) return errc::decode_error;
    return for_each_extension(extensions->content, [&](const extension& ext) {
        if (der::equal(ext.id, reason_code_oid)) return parse_reason(ext.value, entry);
        if (der::equal(ext.id, invalidity_date_oid)) {
            auto invalidity = der::parse_single(ext.value, der::generalized_time);
            return invalidity && der::to_time(*invalidity) ? errc::ok : errc::decode_error;
        }
        // certificateIssuer (indirect CRLs) among others: the entry would not be about the CRL
        // issuer's certificates, so the whole CRL is set aside.
        if (ext.critical) unknown_critical = true;
        return errc::ok;
    });
}

// IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL,
//   onlyContainsUserCerts [1] BOOLEAN DEFAULT FALSE, onlyContainsCACerts [2] BOOLEAN DEFAULT
//   FALSE, onlySomeReasons [3] ReasonFlags OPTIONAL, indirectCRL [4] BOOLEAN DEFAULT FALSE,
//   onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
constexpr errc parse_issuing_distribution_point(byte_view value, crl& c) noexcept {
    auto seq = der::parse_single(value, der::sequence);
    if (!seq) return seq.error();
    c.has_issuing_distribution_point = true;
    if (seq->content.empty()) return errc::decode_error;  // §5.2.5 forbids the empty sequence
    der::reader r(seq->content);
    if (r.next_is(der::context_constructed(0))) {
        // DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] RDN }
        der::reader choice(r.next()->content);
        auto name = choice.next();
        if (!name || !choice.empty() || name->content.empty()) return errc::decode_error;
        if (name->tag == der::context_constructed(0)) {
            if (!der::well_formed(name->content, max_name_depth)) return errc::decode_error;
            c.distribution_point_names = name->content;
        } else if (name->tag == der::context_constructed(1)) {
            c.unsupported_scope = true;
        } else {
            return errc::decode_error;
        }
    }
    auto flag = [&](unsigned n, bool& out) {
        if (!r.next_is(der::context(n))) return errc::ok;
        auto e = r.next();
        // An IMPLICIT BOOLEAN: DER allows 0xff only, as FALSE is the DEFAULT and left out.
        if (!e || e->content.size() != 1 || e->content[0] != 0xff) return errc::decode_error;
        out = true;
        return errc::ok;
    };
    if (const errc err = flag(1, c.only_user_certs); err != errc::ok) return err;
    if (const errc err = flag(2, c.only_ca_certs); err != errc::ok) return err;
    if (r.next_is(der::context(3))) {
        (void)r.next();
        c.unsupported_scope = true;
    }
    bool indirect = false, attributes = false;
    if (const errc err = flag(4, indirect); err != errc::ok) return err;
    if (const errc err = flag(5, attributes); err != errc::ok) return err;
    if (!r.empty()) return errc::decode_error;
    // §5.2.5: at most one of the "only" flags.
    if (static_cast<int>(c.only_user_certs) + static_cast<int>(c.only_ca_certs) + static_cast<int>(attributes) > 1)
        return errc::decode_error;
    if (indirect || attributes) c.unsupported_scope = true;
    return errc::ok;
}

constexpr errc parse_crl_extension(const extension& ext, crl& c) noexcept {
    if (der::equal(ext.id, oid::authority_key_identifier)) {
        auto seq = der::parse_single(ext.value, der::sequence);
        if (!seq || !der::well_formed(seq->content, max_name_depth)) return errc::decode_error;
        der::reader fields(seq->content);
        if (fields.next_is(der::context(0))) c.authority_key_id = fields.next()->content;
        return errc::ok;
    }
    if (der::equal(ext.id, crl_number_oid)) {
        auto number = der::parse_single(ext.value, der::integer);
        if (!number) return number.error();
        auto octets = der::integer_octets(*number);
        // §5.2.3: a non-negative integer of at most 20 octets.
        if (!octets || ((*octets)[0] & 0x80u) != 0 || octets->size() > 21) return errc::decode_error;
        c.crl_number = *octets;
        return errc::ok;
    }
    if (der::equal(ext.id, issuing_distribution_point_oid)) return parse_issuing_distribution_point(ext.value, c);
    // deltaCRLIndicator is critical and lands here: a delta CRL lists changes, not a status.
    if (ext.critical) c.has_unknown_critical_extension = true;
    return errc::ok;
}

}  // namespace detail

// Parses one DER CertificateList (exactly the whole of `der_bytes`). decode_error for anything
// malformed: bad DER, missing fields, v2 fields in a v1 CRL, the two signature algorithm fields
// differing, a repeated extension, an entry that does not parse.
[[nodiscard]] constexpr result<crl> parse_crl(byte_view der_bytes) noexcept {
    auto outer = der::parse_single(der_bytes, der::sequence);
    if (!outer) return outer.error();
    crl c;
    c.encoded = outer->encoded;
    der::reader top(outer->content);
    auto tbs = top.expect(der::sequence);
    if (!tbs) return tbs.error();
    auto outer_algorithm_element = top.next();
    if (!outer_algorithm_element) return outer_algorithm_element.error();
    auto outer_algorithm = detail::parse_algorithm(*outer_algorithm_element);
    if (!outer_algorithm) return outer_algorithm.error();
    auto signature = top.expect(der::bit_string);
    if (!signature || !top.empty()) return errc::decode_error;
    auto signature_bits = der::to_bits(*signature);
    if (!signature_bits || signature_bits->unused != 0) return errc::decode_error;
    c.tbs = tbs->encoded;
    c.signature = signature_bits->octets;
    c.signed_with = detail::signature_algorithm_of(*outer_algorithm);
    c.signature_parameters = outer_algorithm->parameters;

    der::reader r(tbs->content);
    if (r.next_is(der::integer)) {
        auto version = der::to_unsigned(*r.next());
        if (!version || *version != 1) return errc::decode_error;  // v2; v1 is written by omission
        c.version = 2;
    }
    auto inner_algorithm = r.next();
    if (!inner_algorithm || !der::equal(inner_algorithm->encoded, outer_algorithm_element->encoded))
        return errc::decode_error;
    auto issuer = r.expect(der::sequence);
    if (!issuer || detail::check_name(*issuer) != errc::ok) return errc::decode_error;
    c.issuer = issuer->encoded;
    auto this_update = detail::parse_time(r);
    if (!this_update) return this_update.error();
    c.this_update = *this_update;
    if (r.next_is(der::utc_time) || r.next_is(der::generalized_time)) {
        auto next_update = detail::parse_time(r);
        if (!next_update) return next_update.error();
        c.has_next_update = true;
        c.next_update = *next_update;
    }
    bool entry_critical = false;
    if (r.next_is(der::sequence)) {
        c.revoked = r.next()->content;
        der::reader entries(c.revoked);
        while (!entries.empty()) {  // each entry consumes at least 2 octets of the input
            auto e = entries.next();
            if (!e) return e.error();
            crl_entry entry;
            if (const errc err = detail::parse_entry(*e, c.version, entry, entry_critical); err != errc::ok) return err;
            ++c.revoked_count;
        }
    }
    if (r.next_is(der::context_constructed(0))) {
        if (c.version != 2) return errc::decode_error;
        auto list = der::parse_single(r.next()->content, der::sequence);
        if (!list) return list.error();
        if (const errc err = detail::for_each_extension(
                list->content, [&](const detail::extension& ext) { return detail::parse_crl_extension(ext, c); });
            err != errc::ok)
            return err;
    }
    if (!r.empty()) return errc::decode_error;
    c.has_unknown_critical_extension = c.has_unknown_critical_extension || entry_critical;
    return c;
}

// The entry for `serial` (a certificate's serial octets), if the CRL lists it.
[[nodiscard]] constexpr bool find_revoked(const crl& list, byte_view serial, crl_entry& found) noexcept {
    der::reader entries(list.revoked);
    while (!entries.empty()) {
        auto e = entries.next();
        if (!e) return false;
        crl_entry entry;
        bool critical = false;
        if (detail::parse_entry(*e, list.version, entry, critical) != errc::ok) return false;
        if (der::equal(entry.serial, serial)) {
            found = entry;
            return true;
        }
    }
    return false;
}

namespace detail {

// Whether the CRL's scope covers `subject` (§6.3.3 b): the user/CA restriction, and a
// distribution point name shared with the certificate's cRLDistributionPoints.
constexpr bool crl_covers(const crl& list, const certificate& subject) noexcept {
    if (list.only_user_certs && subject.is_ca) return false;
    if (list.only_ca_certs && !subject.is_ca) return false;
    if (list.distribution_point_names.empty()) return true;
    // CRLDistributionPoints ::= SEQUENCE OF SEQUENCE { distributionPoint [0] { fullName [0]
    //   GeneralNames } OPTIONAL, reasons [1] OPTIONAL, cRLIssuer [2] OPTIONAL }
    auto points = der::parse_single(find_extension(subject, crl_distribution_points_oid), der::sequence);
    if (!points) return false;
    der::reader point_reader(points->content);
    while (!point_reader.empty()) {
        auto point = point_reader.expect(der::sequence);
        if (!point) return false;
        der::reader fields(point->content);
        if (!fields.next_is(der::context_constructed(0))) continue;
        auto full_name = der::parse_single(fields.next()->content, der::context_constructed(0));
        if (!full_name) continue;
        general_names theirs(full_name->content);
        while (!theirs.empty()) {
            auto name = theirs.next();
            if (!name) return false;
            general_names ours(list.distribution_point_names);
            while (!ours.empty()) {
                auto other = ours.next();
                if (!other) return false;
                if (der::equal(other->encoded, name->encoded)) return true;
            }
        }
    }
    return false;
}

// Delegates that pass the cheap tests (name, key identifier, cRLSign) cost two signature checks
// each; a CA has one or two CRL signing keys at a time, so a few are tried per CRL and no more.
inline constexpr std::size_t max_delegate_candidates = 4;

// Whether `list` was signed by `issuer`, or by one of the `delegates` that `issuer` certified
// for signing CRLs under its own name. Reports why not through `why`.
inline bool crl_signed_for(const crl& list, const certificate& issuer, std::span<const certificate> delegates,
                           std::int64_t time, revocation_detail& why) noexcept {
    // §6.3.3 f: the issuer's own key needs cRLSign when keyUsage is present. A key identifier
    // naming another key means a delegate signed: no signature check is spent on the issuer.
    const bool other_key = !list.authority_key_id.empty() && !issuer.subject_key_id.empty() &&
                           !der::equal(list.authority_key_id, issuer.subject_key_id);
    if (other_key) {
        note(why, revocation_detail::unauthorized_signer);
    } else if (issuer.allows(key_usage::crl_sign)) {
        const revocation_detail d =
            check_signed_data(list.signed_with, list.signature_parameters, list.tbs, list.signature, issuer.public_key);
        if (d == revocation_detail::none) return true;
        note(why, d);
    } else {
        note(why, revocation_detail::unauthorized_signer);
    }
    std::size_t tried = 0;
    for (const certificate& delegate : delegates) {
        if (!der::equal(delegate.subject, list.issuer) || der::equal(delegate.encoded, issuer.encoded)) continue;
        // Cheap tests first: a key identifier that names another key, a missing cRLSign.
        if (!list.authority_key_id.empty() && !delegate.subject_key_id.empty() &&
            !der::equal(list.authority_key_id, delegate.subject_key_id))
            continue;
        if (!delegate.has_key_usage || !delegate.allows(key_usage::crl_sign)) {
            note(why, revocation_detail::unauthorized_signer);
            continue;
        }
        if (tried++ == max_delegate_candidates) break;
        if (!issued_by(delegate, issuer, time)) {
            note(why, revocation_detail::unauthorized_signer);
            continue;
        }
        const revocation_detail d = check_signed_data(list.signed_with, list.signature_parameters, list.tbs,
                                                      list.signature, delegate.public_key);
        if (d == revocation_detail::none) return true;
        note(why, d);
    }
    return false;
}

}  // namespace detail

// What the CRLs say about `subject`, issued by `issuer` (the next certificate of a validated
// path). `delegates`: certificates that may be delegated CRL signers (any others are ignored).
// Revoked as soon as one usable CRL lists the serial; good when a usable CRL does not; unknown
// otherwise, with the most specific reason met.
[[nodiscard]] inline revocation_result crl_status(const certificate& subject, const certificate& issuer,
                                                  std::span<const crl> crls, std::span<const certificate> delegates,
                                                  const revocation_options& options) noexcept {
    revocation_detail why = revocation_detail::no_information;
    bool good = false;
    for (const crl& list : crls) {
        if (!der::equal(list.issuer, subject.issuer) || !detail::crl_covers(list, subject)) continue;
        if (list.has_unknown_critical_extension || list.unsupported_scope) {
            detail::note(why, revocation_detail::unsupported_critical_extension);
            continue;
        }
        if (options.time < list.this_update) {
            detail::note(why, revocation_detail::not_yet_valid);
            continue;
        }
        // RFC 5280 §5.1.2.5 makes nextUpdate mandatory: without it no time is too late.
        if (!list.has_next_update || options.time > list.next_update) {
            detail::note(why, revocation_detail::stale);
            continue;
        }
        if (!detail::crl_signed_for(list, issuer, delegates, options.time, why)) continue;
        crl_entry entry;
        if (find_revoked(list, subject.serial, entry)) return {revocation_status::revoked, revocation_detail::none};
        good = true;
    }
    if (good) return {revocation_status::good, revocation_detail::none};
    return {revocation_status::unknown, why};
}

// The revocation status of a validated path (leaf first, trust anchor last, as verify_chain
// gives it). The anchor is not checked: it is trusted as configured (so is a leaf that is itself
// an anchor). `leaf_other` is what
// another source (an OCSP response, x509/ocsp.hpp) said about the leaf, combined with the CRLs'
// answer. Revoked if any certificate is; otherwise unknown if a certificate the scope requires
// is not shown good; otherwise good.
[[nodiscard]] inline revocation_result check_path_crls(std::span<const certificate> path, std::span<const crl> crls,
                                                       std::span<const certificate> delegates,
                                                       const revocation_options& options,
                                                       const revocation_result& leaf_other = {}) noexcept {
    revocation_result verdict{revocation_status::good, revocation_detail::none};
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        revocation_result r = crl_status(path[i], path[i + 1], crls, delegates, options);
        if (i == 0) r = combine(r, leaf_other);
        if (r.status == revocation_status::revoked) return r;
        if (r.status == revocation_status::unknown && verdict.status == revocation_status::good &&
            (i == 0 || options.scope == revocation_scope::whole_path))
            verdict = r;
    }
    return verdict;
}

}  // namespace carapace::x509
