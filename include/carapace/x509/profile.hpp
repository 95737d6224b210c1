// Certificate profiles: the rules a certificate is held to beyond what path validation itself
// needs. Two profiles: the Web PKI's (the CA/Browser Forum Baseline Requirements, v2, "BR" below,
// and RFC 5280's MUSTs, as Go's crypto/x509, rustls-webpki and pyca/cryptography enforce them),
// the default, for TLS server authentication; and RFC 5280's alone, for private PKIs.
//
// Every rule is one row of `profile_rules` below: what it refuses (the text a caller shows after
// "profile violation: "), where it comes from, which profiles hold it and which certificates of
// a path it applies to. Trust anchors are the caller's choice and are held to little: a root
// keeps its own signature algorithm and its extensions but for extendedKeyUsage.
//
// Size switch: CARAPACE_X509_NO_PROFILES leaves the rules out (check_profile finds none broken),
// for a small device that trusts one private CA it controls; path validation itself (RFC 5280
// §6: signatures, validity, CA flags, path length, purposes, name constraints) is unchanged.
//
// RSA keys and signatures (BR §6.1.5, §6.1.6, §7.1.3.1.1, §7.1.3.2.1): a modulus of at least
// 2048 bits and a multiple of 8, an odd public exponent of at least 3, rsaEncryption keys only
// (no id-RSASSA-PSS subject keys), and signature identifiers encoded byte for byte as the BR lists
// them: PKCS#1 v1.5 with SHA-256/384/512 and NULL parameters, RSASSA-PSS with SHA-256/384/512,
// MGF1 with the same hash and a salt of the hash's length.
//
// Limits, named rather than hidden: no Public Suffix List is embedded, so the wildcard rule
// knows one-label suffixes ("*.com") only; DSA and P-192 keys are judged by what the
// SubjectPublicKeyInfo says of their size (they cannot sign a path here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/text.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/names.hpp"

namespace carapace::x509 {

// The certificate profile a chain is held to: the CA/Browser Forum's Web PKI rules, or RFC 5280's.
enum class certificate_profile : std::uint8_t { webpki, rfc5280 };

// Where a certificate stands in a path: the rules differ.
enum class path_role : std::uint8_t { leaf = 1, intermediate = 2, anchor = 4 };

// A profile rule a certificate can break.
enum class profile_rule : std::uint8_t {
    none,
    weak_key,
    sha1_signature,
    serial_not_positive,
    serial_too_long,
    empty_subject_without_critical_san,
    authority_key_id_missing,
    authority_key_id_critical,
    subject_key_id_missing,
    subject_key_id_critical,
    basic_constraints_not_critical,
    end_entity_is_ca,
    key_cert_sign_on_end_entity,
    any_extended_key_usage_on_leaf,
    critical_extended_key_usage_on_leaf,
    extended_key_usage_on_root,
    invalid_dns_name,
    wildcard_over_public_suffix,
    malformed_authority_info_access,
    policy_constraints_not_critical,
    rsa_modulus_size,
    rsa_public_exponent,
    rsa_pss_public_key,
    rsa_signature_encoding,
};

// A rule's description and where it comes from.
struct profile_rule_entry {
    // The rule.
    profile_rule rule;
    std::string_view what;    // shown after "profile violation: " (weak_key is its own reason)
    // The document and section the rule comes from.
    std::string_view source;
    bool in_rfc5280;          // held by the RFC 5280 profile too (the Web PKI holds them all)
    std::uint8_t roles;       // path_role bits
};

namespace detail {
inline constexpr std::uint8_t on_leaf = 1, on_intermediate = 2, on_anchor = 4;  // path_role bits
}  // namespace detail

// The rules, in the order they are checked.
inline constexpr profile_rule_entry profile_rules[] = {
    {profile_rule::weak_key, "weak key",  // RSA under 2048 bits, P-192, DSA
     "BR §6.1.5, §6.1.6; NIST SP 800-131A", false, detail::on_leaf | detail::on_intermediate | detail::on_anchor},
    {profile_rule::rsa_modulus_size, "RSA modulus size not a multiple of 8", "BR §6.1.5", false,
     detail::on_leaf | detail::on_intermediate},
    {profile_rule::rsa_public_exponent, "RSA public exponent even or below 3", "BR §6.1.6", false,
     detail::on_leaf | detail::on_intermediate},
    {profile_rule::rsa_pss_public_key, "id-RSASSA-PSS subject public key", "BR §7.1.3.1.1", false,
     detail::on_leaf | detail::on_intermediate},
    {profile_rule::rsa_signature_encoding, "RSA signature algorithm not encoded as the BR list it",
     "BR §7.1.3.2.1", false, detail::on_leaf | detail::on_intermediate},
    {profile_rule::sha1_signature, "SHA-1 signature", "BR §7.1.3.2; RFC 9155", false, detail::on_leaf | detail::on_intermediate},
    {profile_rule::serial_not_positive, "serial number zero or negative", "RFC 5280 §4.1.2.2; BR §7.1", false,
     detail::on_leaf | detail::on_intermediate},
    {profile_rule::serial_too_long, "serial number over 20 octets", "RFC 5280 §4.1.2.2", false,
     detail::on_leaf | detail::on_intermediate},
    {profile_rule::empty_subject_without_critical_san, "empty subject without a critical subjectAltName",
     "RFC 5280 §4.1.2.6, §4.2.1.6", true, detail::on_leaf | detail::on_intermediate},
    {profile_rule::authority_key_id_missing, "missing authority key identifier",  // not self-issued
     "RFC 5280 §4.2.1.1; BR §7.1.2.7.6, §7.1.2.10.5", false, detail::on_leaf | detail::on_intermediate},
    {profile_rule::authority_key_id_critical, "critical authority key identifier", "RFC 5280 §4.2.1.1", true,
     detail::on_leaf | detail::on_intermediate},
    {profile_rule::subject_key_id_missing, "missing subject key identifier on a CA", "RFC 5280 §4.2.1.2; BR §7.1.2.10.5",
     false, detail::on_intermediate},
    {profile_rule::subject_key_id_critical, "critical subject key identifier", "RFC 5280 §4.2.1.2", true,
     detail::on_leaf | detail::on_intermediate},
    {profile_rule::basic_constraints_not_critical, "non-critical basicConstraints on a CA", "RFC 5280 §4.2.1.9", true,
     detail::on_intermediate},
    {profile_rule::end_entity_is_ca, "CA certificate as end entity", "BR §7.1.2.7.8", false, detail::on_leaf},
    {profile_rule::key_cert_sign_on_end_entity, "keyCertSign on an end entity", "RFC 5280 §4.2.1.3, §4.2.1.9", true,
     detail::on_leaf},
    {profile_rule::any_extended_key_usage_on_leaf, "anyExtendedKeyUsage on a leaf", "BR §7.1.2.7.10", false,
     detail::on_leaf},
    {profile_rule::critical_extended_key_usage_on_leaf, "critical extendedKeyUsage on a leaf", "BR §7.1.2.7.6", false,
     detail::on_leaf},
    {profile_rule::extended_key_usage_on_root, "extendedKeyUsage on a root", "BR §7.1.2.1.2", false, detail::on_anchor},
    {profile_rule::invalid_dns_name, "invalid DNS name in subjectAltName",  // underscores included
     "RFC 5280 §4.2.1.6 (RFC 1034 preferred name syntax); BR §7.1.2.7.12", false, detail::on_leaf},
    {profile_rule::wildcard_over_public_suffix, "wildcard over a public suffix", "BR §3.2.2.6", false, detail::on_leaf},
    {profile_rule::malformed_authority_info_access, "malformed authority information access", "RFC 5280 §4.2.2.1",
     true, detail::on_leaf | detail::on_intermediate},
    {profile_rule::policy_constraints_not_critical, "non-critical policyConstraints", "RFC 5280 §4.2.1.11", true,
     detail::on_leaf | detail::on_intermediate},
};

// The description of a rule.
constexpr std::string_view to_string(profile_rule rule) noexcept {
    for (const auto& entry : profile_rules)
        if (entry.rule == rule) return entry.what;
    return "none";
}

namespace detail {

// A dNSName as RFC 1034's preferred name syntax spells it (letters, digits, inner hyphens; labels
// of 1 to 63 characters; 253 in all), after an optional leading "*." of a wildcard.
constexpr bool preferred_dns_name(std::string_view name) noexcept {
    if (subview(name, 0, 2) == "*.") name = subview(name, 2);
    if (name.empty() || name.size() > 253) return false;
    std::size_t label = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '.') {
            if (label == 0 || label > 63 || name[i - 1] == '-' || name[i - label] == '-') return false;
            label = 0;
            continue;
        }
        const char c = lower(name[i]);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
        ++label;
    }
    return true;
}

// A wildcard must be the whole leftmost label over at least two labels: "*.example.com", never
// "*.com", "f*.example.com" or "www.*.example.com".
constexpr bool wildcard_too_wide(std::string_view name) noexcept {
    const std::size_t star = name.find('*');
    if (star == std::string_view::npos) return false;
    if (star != 0 || subview(name, 0, 2) != "*.") return true;
    const std::string_view rest = subview(name, 2);
    return rest.find('*') != std::string_view::npos || rest.find('.') == std::string_view::npos;
}

// AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription ::=
// SEQUENCE { accessMethod OID, accessLocation GeneralName }
constexpr bool well_formed_authority_info_access(byte_view value) noexcept {
    auto seq = der::parse_single(value, der::sequence);
    if (!seq || seq->content.empty()) return false;
    der::reader r(seq->content);
    while (!r.empty()) {
        auto description = r.expect(der::sequence);
        if (!description) return false;
        der::reader fields(description->content);
        auto method = fields.expect(der::object_identifier);
        if (!method || !der::oid_octets(*method)) return false;
        auto location = fields.next();
        if (!location || !fields.empty() || (location->tag & 0xc0u) != 0x80u) return false;  // a GeneralName
    }
    return true;
}

// The RSAPublicKey's publicExponent is odd and at least 3; false for a malformed key.
constexpr bool rsa_exponent_acceptable(byte_view rsa_public_key) noexcept {
    auto key = der::parse_single(rsa_public_key, der::sequence);
    if (!key) return false;
    der::reader r(key->content);
    auto modulus = r.expect(der::integer);
    auto exponent = r.expect(der::integer);
    if (!modulus || !exponent || !r.empty()) return false;
    auto octets = der::integer_octets(*exponent);
    if (!octets || ((*octets)[0] & 0x80u) != 0 || (octets->back() & 1u) == 0) return false;
    byte_view e = *octets;
    if (e[0] == 0) e = e.subspan(1);
    return e.size() > 1 || (!e.empty() && e[0] >= 3);
}

// BR §7.1.3.2.1: the parameters of the RSA signature identifiers the BR allows, byte for byte.
inline constexpr bytes<2> rsa_pkcs1_parameters{0x05, 0x00};
inline constexpr std::uint8_t rsa_pss_sha256_parameters[] = {
    0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d,
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20};
inline constexpr std::uint8_t rsa_pss_sha384_parameters[] = {
    0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
    0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d,
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x30};
inline constexpr std::uint8_t rsa_pss_sha512_parameters[] = {
    0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
    0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d,
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x40};

constexpr bool rsa_signature_encoded_as_listed(const certificate& c) noexcept {
    using enum signature_algorithm;
    switch (c.signed_with) {
        case rsa_pkcs1_sha256:
        case rsa_pkcs1_sha384:
        case rsa_pkcs1_sha512: return der::equal(c.signature_parameters, rsa_pkcs1_parameters);
        case rsa_pss:
            return der::equal(c.signature_parameters, rsa_pss_sha256_parameters) ||
                   der::equal(c.signature_parameters, rsa_pss_sha384_parameters) ||
                   der::equal(c.signature_parameters, rsa_pss_sha512_parameters);
        default: return true;  // not RSA
    }
}

inline bool breaks(profile_rule rule, const certificate& c) noexcept {
    using enum profile_rule;
    const bool self_issued = der::equal(c.issuer, c.subject);
    const bool is_rsa = c.public_key.type == key_type::rsa || c.public_key.type == key_type::rsa_pss;
    switch (rule) {
        case weak_key:
            return c.public_key.type == key_type::dsa || c.public_key.type == key_type::ec_p192 ||
                   (is_rsa && c.public_key.bits < 2048);
        case rsa_modulus_size: return is_rsa && c.public_key.bits % 8 != 0;
        case rsa_public_exponent: return is_rsa && !rsa_exponent_acceptable(c.public_key.key);
        case rsa_pss_public_key: return c.public_key.type == key_type::rsa_pss;
        case rsa_signature_encoding: return !rsa_signature_encoded_as_listed(c);
        case sha1_signature: return c.signed_with == signature_algorithm::rsa_pkcs1_sha1;
        case serial_not_positive: {
            if (c.serial.empty() || (c.serial[0] & 0x80u) != 0) return true;
            for (const std::uint8_t b : c.serial)
                if (b != 0) return false;
            return true;
        }
        case serial_too_long: return c.serial.size() - (c.serial.size() > 1 && c.serial[0] == 0 ? 1 : 0) > 20;
        case empty_subject_without_critical_san: {
            auto name = der::parse_single(c.subject, der::sequence);
            return name && name->content.empty() && !c.is_critical(extension::subject_alt_name);
        }
        case authority_key_id_missing: return !self_issued && c.authority_key_id.empty();
        case authority_key_id_critical: return c.is_critical(extension::authority_key_identifier);
        case subject_key_id_missing: return c.subject_key_id.empty();
        case subject_key_id_critical: return c.is_critical(extension::subject_key_identifier);
        case basic_constraints_not_critical: return !c.is_critical(extension::basic_constraints);
        case end_entity_is_ca: return c.is_ca;
        case key_cert_sign_on_end_entity:
            return c.has_key_usage && (c.key_usage_bits & static_cast<std::uint16_t>(key_usage::key_cert_sign)) != 0 &&
                   !c.is_ca;
        case any_extended_key_usage_on_leaf: return c.eku_any;
        case critical_extended_key_usage_on_leaf: return c.is_critical(extension::extended_key_usage);
        case extended_key_usage_on_root: return self_issued && c.has_extended_key_usage;
        case invalid_dns_name:
        case wildcard_over_public_suffix: {
            general_names names(c.subject_alt_names);
            while (!names.empty()) {
                auto name = names.next();
                if (!name) return true;
                if (name->tag != general_names::dns_name) continue;
                const std::string_view text = as_text(name->content);
                if (rule == invalid_dns_name ? !wildcard_too_wide(text) && !preferred_dns_name(text)
                                             : wildcard_too_wide(text))
                    return true;
            }
            return false;
        }
        case malformed_authority_info_access:
            return c.has(extension::authority_info_access) && !c.is_critical(extension::authority_info_access) &&
                   !well_formed_authority_info_access(c.authority_info_access);
        case policy_constraints_not_critical:
            return c.has(extension::policy_constraints) && !c.is_critical(extension::policy_constraints);
        case none: return false;
    }
    return false;
}

}  // namespace detail

// The first rule of `profile` that `c`, standing at `role` in a path, breaks; none if it keeps
// them all.
inline profile_rule check_profile(const certificate& c, path_role role, certificate_profile profile) noexcept {
#if defined(CARAPACE_X509_NO_PROFILES)
    (void)c, (void)role, (void)profile;
    return profile_rule::none;
#endif
    for (const auto& entry : profile_rules) {
        if ((entry.roles & static_cast<std::uint8_t>(role)) == 0) continue;
        if (profile == certificate_profile::rfc5280 && !entry.in_rfc5280) continue;
        if (detail::breaks(entry.rule, c)) return entry.rule;
    }
    return profile_rule::none;
}

}  // namespace carapace::x509
