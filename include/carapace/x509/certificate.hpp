// X.509 certificates (RFC 5280 §4): parsed in place from DER into views of the caller's buffer,
// without copies or allocation. Parsing checks structure and encodings only; whether a
// certificate is trusted, valid now or fit for a purpose is path validation's question.
//
//   auto cert = x509::parse_certificate(der_bytes);
//   if (cert) { cert->subject ... cert->not_after ... cert->public_key.type ... }
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/oid.hpp"
#include "carapace/x509/pss_parameters.hpp"

namespace carapace::x509 {

// Signature algorithms a certificate may be signed with (x509/signatures.hpp says which this
// build verifies); the others are recognised so that a path using them fails with a clear reason.
enum class signature_algorithm : std::uint8_t {
    unknown,
    ed25519,
    ecdsa_sha256,
    ecdsa_sha384,
    ecdsa_sha512,
    rsa_pkcs1_sha1,  // old self-signed roots; refused wherever a signature is checked
    rsa_pkcs1_sha256,
    rsa_pkcs1_sha384,
    rsa_pkcs1_sha512,
    rsa_pss,  // its hash, mask and salt are in signature_parameters (x509/pss_parameters.hpp)
};

// ec_p192 and dsa are recognised only to be refused as weak keys (x509/profile.hpp). rsa is an
// rsaEncryption key; rsa_pss an id-RSASSA-PSS one (RFC 4055 §1.2), which signs only with PSS,
// within the limits its parameters set when it has any.
enum class key_type : std::uint8_t { unknown, ed25519, x25519, ec_p256, ec_p384, ec_p521, rsa, ec_p192, dsa, rsa_pss };

// A SubjectPublicKeyInfo, parsed in place.
struct public_key_info {
    // The key's algorithm.
    key_type type = key_type::unknown;
    byte_view key;      // Ed25519/X25519: 32 bytes; EC: the SEC 1 point; RSA: RSAPublicKey DER
    std::size_t bits = 0;  // key size: 256 for Ed25519 and P-256, the modulus size for RSA and DSA (p)
    byte_view encoded;  // the whole SubjectPublicKeyInfo
    byte_view parameters;  // rsa_pss: the RSASSA-PSS-params SEQUENCE, encoded; empty when absent (no limits)
};

// RFC 5280 §4.2.1.3 bit positions.
enum class key_usage : std::uint16_t {
    digital_signature = 1u << 0,
    non_repudiation = 1u << 1,
    key_encipherment = 1u << 2,
    data_encipherment = 1u << 3,
    key_agreement = 1u << 4,
    key_cert_sign = 1u << 5,
    crl_sign = 1u << 6,
    encipher_only = 1u << 7,
    decipher_only = 1u << 8,
};

// The extensions whose presence and criticality the profiles look at (x509/profile.hpp), as bits
// of certificate::present and certificate::critical.
enum class extension : std::uint16_t {
    basic_constraints = 1u << 0,
    key_usage = 1u << 1,
    extended_key_usage = 1u << 2,
    subject_alt_name = 1u << 3,
    name_constraints = 1u << 4,
    authority_key_identifier = 1u << 5,
    subject_key_identifier = 1u << 6,
    authority_info_access = 1u << 7,
    policy_constraints = 1u << 8,
};

// An X.509 certificate parsed in place: views into the caller's DER, which must outlive it.
struct certificate {
    byte_view encoded;   // the whole certificate
    byte_view tbs;       // TBSCertificate, encoded: what the signature covers
    unsigned version = 1;  // 1, 2 or 3
    byte_view serial;    // the INTEGER's octets
    // The algorithm of the issuer's signature.
    signature_algorithm signed_with = signature_algorithm::unknown;
    byte_view signature_parameters;  // AlgorithmIdentifier parameters, encoded (RSA-PSS needs them)
    byte_view signature;  // the BIT STRING's octets
    byte_view issuer;    // Name, encoded: compared byte for byte when chaining
    // Name, encoded.
    byte_view subject;
    std::int64_t not_before = 0, not_after = 0;  // seconds since the epoch
    // The subject's key.
    public_key_info public_key;

    // Extensions (v3). Absent ones keep these defaults.
    bool has_basic_constraints = false;
    // basicConstraints cA.
    bool is_ca = false;
    int path_length = -1;  // pathLenConstraint, -1 when absent
    // Whether a keyUsage extension is present.
    bool has_key_usage = false;
    // The keyUsage bits (`key_usage` values).
    std::uint16_t key_usage_bits = 0;
    // Whether an extendedKeyUsage extension is present.
    bool has_extended_key_usage = false;
    // extendedKeyUsage: id-kp-serverAuth, id-kp-clientAuth, anyExtendedKeyUsage.
    bool eku_server_auth = false, eku_client_auth = false, eku_any = false;
    byte_view subject_alt_names;  // GeneralNames content (see general_names below)
    byte_view permitted_subtrees, excluded_subtrees;  // GeneralSubtrees content
    // The key identifiers' octets, empty when absent.
    byte_view subject_key_id, authority_key_id;
    byte_view authority_info_access;  // the extension's value, checked by the profiles only
    std::uint16_t present = 0, critical = 0;  // `extension` bits
    bool has_unknown_critical_extension = false;  // policyConstraints, which we do not process, included
    byte_view tls_features;  // the TLS Feature extension's value (RFC 7633), read by must_staple()

    // Whether keyUsage allows `usage` (true without a keyUsage extension).
    [[nodiscard]] constexpr bool allows(key_usage usage) const noexcept {
        return !has_key_usage || (key_usage_bits & static_cast<std::uint16_t>(usage)) != 0;
    }
    // Whether the extension is present.
    [[nodiscard]] constexpr bool has(extension e) const noexcept { return (present & static_cast<std::uint16_t>(e)) != 0; }
    // Whether the extension is present and marked critical.
    [[nodiscard]] constexpr bool is_critical(extension e) const noexcept {
        return (critical & static_cast<std::uint16_t>(e)) != 0;
    }
};

namespace detail {

// GeneralNames may hold a directoryName: [4] { Name { RDN SET { SEQUENCE { OID, value } } } },
// itself inside AuthorityKeyIdentifier's [1] or a GeneralSubtree.
inline constexpr unsigned max_name_depth = 8;

// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
struct algorithm_identifier {
    byte_view oid;
    byte_view parameters;  // encoded, empty when absent
};

constexpr result<algorithm_identifier> parse_algorithm(const der::element& e) noexcept {
    if (e.tag != der::sequence) return errc::decode_error;
    der::reader r(e.content);
    auto oid = r.expect(der::object_identifier);
    if (!oid) return oid.error();
    auto octets = der::oid_octets(*oid);
    if (!octets) return octets.error();
    algorithm_identifier a{*octets, {}};
    if (!r.empty()) {
        auto parameters = r.next();
        if (!parameters || !r.empty()) return errc::decode_error;
        a.parameters = parameters->encoded;
    }
    return a;
}

constexpr bool is_null(byte_view encoded) noexcept { return encoded.size() == 2 && encoded[0] == 0x05 && encoded[1] == 0; }

constexpr signature_algorithm signature_algorithm_of(const algorithm_identifier& a) noexcept {
    using enum signature_algorithm;
    // RFC 8410: Ed25519 has no parameters; RFC 5758: ECDSA none; RFC 4055: PKCS#1 v1.5 NULL
    // (or, as some encoders write it, absent).
    const bool none = a.parameters.empty();
    const bool none_or_null = none || is_null(a.parameters);
    if (der::equal(a.oid, oid::ed25519)) return none ? ed25519 : unknown;
    if (der::equal(a.oid, oid::ecdsa_with_sha256)) return none ? ecdsa_sha256 : unknown;
    if (der::equal(a.oid, oid::ecdsa_with_sha384)) return none ? ecdsa_sha384 : unknown;
    if (der::equal(a.oid, oid::ecdsa_with_sha512)) return none ? ecdsa_sha512 : unknown;
    if (der::equal(a.oid, oid::sha1_with_rsa)) return none_or_null ? rsa_pkcs1_sha1 : unknown;
    if (der::equal(a.oid, oid::sha256_with_rsa)) return none_or_null ? rsa_pkcs1_sha256 : unknown;
    if (der::equal(a.oid, oid::sha384_with_rsa)) return none_or_null ? rsa_pkcs1_sha384 : unknown;
    if (der::equal(a.oid, oid::sha512_with_rsa)) return none_or_null ? rsa_pkcs1_sha512 : unknown;
#if !defined(CARAPACE_NO_RSA)  // without RSA, RSASSA-PSS is an algorithm like any unknown one
    // RFC 4055 §3.1: the parameters are required in a signature's identifier.
    if (der::equal(a.oid, oid::rsassa_pss)) return !none && parse_pss_parameters(a.parameters) ? rsa_pss : unknown;
#endif
    return unknown;
}

// The modulus size of an RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
constexpr result<std::size_t> rsa_modulus_bits(byte_view encoded) noexcept {
    auto key = der::parse_single(encoded, der::sequence);
    if (!key) return key.error();
    der::reader r(key->content);
    auto modulus = r.expect(der::integer);
    if (!modulus) return modulus.error();
    auto exponent = r.expect(der::integer);
    if (!exponent || !r.empty()) return errc::decode_error;
    auto octets = der::integer_octets(*modulus);
    if (!octets || ((*octets)[0] & 0x80u) != 0) return errc::decode_error;  // a modulus is positive
    byte_view m = *octets;
    if (m[0] == 0) m = m.subspan(1);
    if (m.empty()) return errc::decode_error;
    std::size_t bits = 8 * m.size();
    for (std::uint8_t top = m[0]; (top & 0x80u) == 0; top = static_cast<std::uint8_t>(top << 1)) --bits;
    return bits;
}

// The key type and field size (bytes) of a named curve (RFC 5480 §2.1.1.1), by its OID's content
// octets; {unknown, 0} for a curve we do not name. P-192 is named only to be refused as weak.
struct named_curve {
    key_type type = key_type::unknown;
    std::size_t field_size = 0;
    std::size_t bits = 0;
};

constexpr named_curve curve_of(byte_view oid_content) noexcept {
    if (der::equal(oid_content, oid::secp256r1)) return {key_type::ec_p256, 32, 256};
    if (der::equal(oid_content, oid::secp384r1)) return {key_type::ec_p384, 48, 384};
    if (der::equal(oid_content, oid::secp521r1)) return {key_type::ec_p521, 66, 521};
#if !defined(CARAPACE_X509_NO_PROFILES)  // known only to be refused as weak (profile.hpp)
    if (der::equal(oid_content, oid::secp192r1)) return {key_type::ec_p192, 24, 192};
#endif
    return {};
}

// Whether `point` has the shape of a SEC 1 point (§2.3.3) on a curve whose field elements take
// `field_size` bytes: 04 || x || y, or 02/03 || x. Whether it lies on the curve is for ec/ to say.
constexpr bool sec1_point_fits(byte_view point, std::size_t field_size) noexcept {
    const std::size_t n = point.size();
    if (field_size == 0 || n == 0) return false;
    if (point[0] == 0x04) return n == 1 + 2 * field_size;
    return (point[0] == 0x02 || point[0] == 0x03) && n == 1 + field_size;
}

constexpr result<public_key_info> parse_public_key(const der::element& e) noexcept {
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
    if (e.tag != der::sequence) return errc::decode_error;
    der::reader r(e.content);
    auto algorithm_element = r.next();
    if (!algorithm_element) return algorithm_element.error();
    auto algorithm = parse_algorithm(*algorithm_element);
    if (!algorithm) return algorithm.error();
    auto key_bits = r.expect(der::bit_string);
    if (!key_bits || !r.empty()) return errc::decode_error;
    auto key = der::to_bits(*key_bits);
    if (!key) return key.error();
    if (key->unused != 0) return errc::decode_error;
    public_key_info info{key_type::unknown, key->octets, 0, e.encoded, {}};
    const byte_view params = algorithm->parameters;
    if (der::equal(algorithm->oid, oid::ed25519) || der::equal(algorithm->oid, oid::x25519)) {
        if (!params.empty() || info.key.size() != 32) return errc::decode_error;
        info.type = der::equal(algorithm->oid, oid::ed25519) ? key_type::ed25519 : key_type::x25519;
        info.bits = 256;
    } else if (der::equal(algorithm->oid, oid::ec_public_key)) {
        // The named curve is the parameter; an uncompressed or compressed SEC 1 point follows,
        // of the curve's size (a point of another curve is malformed, not merely unknown).
        auto curve = der::parse_single(params, der::object_identifier);
        if (!curve) return curve.error();
        const named_curve c = curve_of(curve->content);
        if (c.type != key_type::unknown) {
            if (!sec1_point_fits(info.key, c.field_size)) return errc::decode_error;
            info.type = c.type;
            info.bits = c.bits;
        }
    } else if (der::equal(algorithm->oid, oid::rsa_encryption)) {
        if (!is_null(params)) return errc::decode_error;
        auto bits = rsa_modulus_bits(info.key);
        if (!bits) return bits.error();
        info.type = key_type::rsa;
        info.bits = *bits;
    } else if (der::equal(algorithm->oid, oid::rsassa_pss)) {
        // RFC 4055 §3.1: parameters absent (any PSS signature) or RSASSA-PSS-params (limits).
#if !defined(CARAPACE_NO_RSA)
        if (!params.empty() && !parse_pss_parameters(params)) return errc::decode_error;
#endif
        auto bits = rsa_modulus_bits(info.key);
        if (!bits) return bits.error();
        info.type = key_type::rsa_pss;
        info.bits = *bits;
        info.parameters = params;
#if !defined(CARAPACE_X509_NO_PROFILES)
    } else if (der::equal(algorithm->oid, oid::dsa)) {
        // Dss-Parms ::= SEQUENCE { p, q, g INTEGER } (RFC 3279 §2.3.2): the size of p, when given.
        info.type = key_type::dsa;
        if (auto parameters = der::parse_single(params, der::sequence)) {
            der::reader fields(parameters->content);
            if (auto p = fields.expect(der::integer)) {
                if (auto octets = der::integer_octets(*p); octets && !octets->empty())
                    info.bits = 8 * (octets->size() - ((*octets)[0] == 0 ? 1 : 0));
            }
        }
#endif
    }
    return info;
}

constexpr result<std::int64_t> parse_time(der::reader& r) noexcept {
    auto e = r.next();
    if (!e) return e.error();
    return der::to_time(*e);
}

// Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET SIZE (1..MAX) OF
// AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }. Checked for shape only.
constexpr errc check_name(const der::element& e) noexcept {
    if (e.tag != der::sequence) return errc::decode_error;
    der::reader rdns(e.content);
    while (!rdns.empty()) {
        auto rdn = rdns.expect(der::set);
        if (!rdn || rdn->content.empty()) return errc::decode_error;
        der::reader attributes(rdn->content);
        while (!attributes.empty()) {
            auto attribute = attributes.expect(der::sequence);
            if (!attribute) return attribute.error();
            der::reader fields(attribute->content);
            auto type = fields.expect(der::object_identifier);
            if (!type || !der::oid_octets(*type)) return errc::decode_error;
            auto value = fields.next();
            if (!value || !fields.empty()) return errc::decode_error;
        }
    }
    return errc::ok;
}

constexpr errc parse_basic_constraints(byte_view value, certificate& c) noexcept {
    // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
    auto seq = der::parse_single(value, der::sequence);
    if (!seq) return seq.error();
    der::reader r(seq->content);
    c.has_basic_constraints = true;
    if (r.next_is(der::boolean)) {
        auto ca = der::to_boolean(*r.next());
        if (!ca || !*ca) return errc::decode_error;  // DER omits a DEFAULT value
        c.is_ca = true;
    }
    if (r.next_is(der::integer)) {
        auto length = der::to_unsigned(*r.next());
        if (!length || *length > 255) return errc::decode_error;
        c.path_length = static_cast<int>(*length);
    }
    return r.empty() ? errc::ok : errc::decode_error;
}

constexpr errc parse_key_usage(byte_view value, certificate& c) noexcept {
    auto element = der::parse_single(value, der::bit_string);
    if (!element) return element.error();
    auto bits = der::to_bits(*element);
    if (!bits || bits->octets.size() > 2) return errc::decode_error;
    c.has_key_usage = true;
    for (std::size_t n = 0; n < 9; ++n)
        if (der::bit_is_set(*bits, n)) c.key_usage_bits = static_cast<std::uint16_t>(c.key_usage_bits | 1u << n);
    return errc::ok;
}

constexpr errc parse_extended_key_usage(byte_view value, certificate& c) noexcept {
    auto seq = der::parse_single(value, der::sequence);
    if (!seq || seq->content.empty()) return errc::decode_error;
    c.has_extended_key_usage = true;
    der::reader r(seq->content);
    while (!r.empty()) {
        auto purpose = r.expect(der::object_identifier);
        if (!purpose) return purpose.error();
        auto octets = der::oid_octets(*purpose);
        if (!octets) return octets.error();
        if (der::equal(*octets, oid::kp_server_auth)) c.eku_server_auth = true;
        if (der::equal(*octets, oid::kp_client_auth)) c.eku_client_auth = true;
        if (der::equal(*octets, oid::any_extended_key_usage)) c.eku_any = true;
    }
    return errc::ok;
}

constexpr errc parse_name_constraints(byte_view value, certificate& c) noexcept {
    // NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
    //                                excludedSubtrees [1] GeneralSubtrees OPTIONAL }
    auto seq = der::parse_single(value, der::sequence);
    if (!seq) return seq.error();
    der::reader r(seq->content);
    if (r.next_is(der::context_constructed(0))) c.permitted_subtrees = r.next()->content;
    if (r.next_is(der::context_constructed(1))) c.excluded_subtrees = r.next()->content;
    if (!r.empty() || (c.permitted_subtrees.empty() && c.excluded_subtrees.empty())) return errc::decode_error;
    return der::well_formed(c.permitted_subtrees, max_name_depth) &&
                   der::well_formed(c.excluded_subtrees, max_name_depth) ? errc::ok
                                                                                                 : errc::decode_error;
}

constexpr errc parse_extension(const der::element& e, certificate& c) noexcept {
    // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    if (e.tag != der::sequence) return errc::decode_error;
    der::reader r(e.content);
    auto id_element = r.expect(der::object_identifier);
    if (!id_element) return id_element.error();
    auto id = der::oid_octets(*id_element);
    if (!id) return id.error();
    bool critical = false;
    if (r.next_is(der::boolean)) {
        auto flag = der::to_boolean(*r.next());
        if (!flag || !*flag) return errc::decode_error;  // DER omits a DEFAULT value
        critical = true;
    }
    auto value_element = r.expect(der::octet_string);
    if (!value_element || !r.empty()) return errc::decode_error;
    const byte_view value = value_element->content;
    // Presence and criticality of the extensions the profiles look at.
    const struct {
        byte_view oid;
        extension bit;
    } known[] = {
        {oid::basic_constraints, extension::basic_constraints},
        {oid::key_usage, extension::key_usage},
        {oid::extended_key_usage, extension::extended_key_usage},
        {oid::subject_alt_name, extension::subject_alt_name},
        {oid::name_constraints, extension::name_constraints},
        {oid::authority_key_identifier, extension::authority_key_identifier},
        {oid::subject_key_identifier, extension::subject_key_identifier},
        {oid::authority_info_access, extension::authority_info_access},
        {oid::policy_constraints, extension::policy_constraints},
    };
    for (const auto& k : known) {
        if (!der::equal(*id, k.oid)) continue;
        c.present = static_cast<std::uint16_t>(c.present | static_cast<std::uint16_t>(k.bit));
        if (critical) c.critical = static_cast<std::uint16_t>(c.critical | static_cast<std::uint16_t>(k.bit));
    }
    if (der::equal(*id, oid::authority_info_access) && !critical) {
        c.authority_info_access = value;
        return errc::ok;
    }
    if (der::equal(*id, oid::tls_feature)) {
        c.tls_features = value;
        return errc::ok;
    }
    if (der::equal(*id, oid::basic_constraints)) return parse_basic_constraints(value, c);
    if (der::equal(*id, oid::key_usage)) return parse_key_usage(value, c);
    if (der::equal(*id, oid::extended_key_usage)) return parse_extended_key_usage(value, c);
    if (der::equal(*id, oid::name_constraints)) return parse_name_constraints(value, c);
    if (der::equal(*id, oid::subject_alt_name)) {
        auto names = der::parse_single(value, der::sequence);
        if (!names || names->content.empty() || !der::well_formed(names->content, max_name_depth)) return errc::decode_error;
        c.subject_alt_names = names->content;
        return errc::ok;
    }
    if (der::equal(*id, oid::subject_key_identifier)) {
        auto key_id = der::parse_single(value, der::octet_string);
        if (!key_id) return key_id.error();
        c.subject_key_id = key_id->content;
        return errc::ok;
    }
    if (der::equal(*id, oid::authority_key_identifier)) {
        // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL, issuer [1], serial [2] }
        auto seq = der::parse_single(value, der::sequence);
        if (!seq || !der::well_formed(seq->content, max_name_depth)) return errc::decode_error;
        der::reader fields(seq->content);
        if (fields.next_is(der::context(0))) c.authority_key_id = fields.next()->content;
        return errc::ok;
    }
    if (critical) c.has_unknown_critical_extension = true;
    return errc::ok;
}

// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, each extnID at most once.
constexpr errc parse_extensions(const der::element& e, certificate& c) noexcept {
    auto seq = der::parse_single(e.content, der::sequence);
    if (!seq || seq->content.empty()) return errc::decode_error;
    der::reader r(seq->content);
    while (!r.empty()) {
        auto extension = r.expect(der::sequence);
        if (!extension) return extension.error();
        // A repeated extension is malformed (RFC 5280 §4.2): compare its OID with the earlier ones.
        der::reader id_reader(extension->content);
        auto id = id_reader.expect(der::object_identifier);
        if (!id) return id.error();
        der::reader earlier(seq->content);
        for (auto other = earlier.next(); other && other->encoded.data() < extension->encoded.data();
             other = earlier.next()) {
            der::reader other_id(other->content);
            auto o = other_id.expect(der::object_identifier);
            if (o && der::equal(o->content, id->content)) return errc::decode_error;
        }
        if (const errc err = parse_extension(*extension, c); err != errc::ok) return err;
    }
    return errc::ok;
}

}  // namespace detail

// Parses one DER certificate (exactly the whole of `der_bytes`). decode_error for anything
// malformed: bad DER, missing fields, a version that does not fit the fields present, the two
// signature algorithm fields differing, a repeated extension.
[[nodiscard]] constexpr result<certificate> parse_certificate(byte_view der_bytes) noexcept {
    auto outer = der::parse_single(der_bytes, der::sequence);
    if (!outer) return outer.error();
    certificate c;
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

    der::reader r(tbs->content);
    if (r.next_is(der::context_constructed(0))) {
        auto version_element = der::parse_single(r.next()->content, der::integer);
        if (!version_element) return version_element.error();
        auto version = der::to_unsigned(*version_element);
        // v1 is the DEFAULT and so is never written out in DER.
        if (!version || *version < 1 || *version > 2) return errc::decode_error;
        c.version = static_cast<unsigned>(*version) + 1;
    }
    auto serial = r.expect(der::integer);
    if (!serial) return serial.error();
    auto serial_octets = der::integer_octets(*serial);
    // RFC 5280 §4.1.2.2: at most 20 octets (one more for a sign octet); we accept negative and
    // zero serials, which real CAs have issued, as most verifiers do.
    if (!serial_octets || serial_octets->size() > 21) return errc::decode_error;
    c.serial = *serial_octets;

    auto inner_algorithm_element = r.next();
    if (!inner_algorithm_element) return inner_algorithm_element.error();
    if (!der::equal(inner_algorithm_element->encoded, outer_algorithm_element->encoded)) return errc::decode_error;
    c.signed_with = detail::signature_algorithm_of(*outer_algorithm);
    c.signature_parameters = outer_algorithm->parameters;
    // RSASSA-PSS without parameters, or with malformed ones, is a malformed certificate.
    if (der::equal(outer_algorithm->oid, oid::rsassa_pss) && c.signed_with != signature_algorithm::rsa_pss)
        return errc::decode_error;

    auto issuer = r.expect(der::sequence);
    if (!issuer || detail::check_name(*issuer) != errc::ok) return errc::decode_error;
    c.issuer = issuer->encoded;
    auto validity = r.expect(der::sequence);
    if (!validity) return validity.error();
    der::reader times(validity->content);
    auto not_before = detail::parse_time(times);
    auto not_after = detail::parse_time(times);
    if (!not_before || !not_after || !times.empty()) return errc::decode_error;
    c.not_before = *not_before;
    c.not_after = *not_after;
    auto subject = r.expect(der::sequence);
    if (!subject || detail::check_name(*subject) != errc::ok) return errc::decode_error;
    c.subject = subject->encoded;
    auto key_element = r.next();
    if (!key_element) return key_element.error();
    auto key = detail::parse_public_key(*key_element);
    if (!key) return key.error();
    c.public_key = *key;

    for (unsigned unique_id = 1; unique_id <= 2; ++unique_id) {
        if (r.next_is(der::context(unique_id)) || r.next_is(der::context_constructed(unique_id))) {
            if (c.version < 2) return errc::decode_error;
            (void)r.next();
        }
    }
    if (r.next_is(der::context_constructed(3))) {
        if (c.version != 3) return errc::decode_error;
        if (const errc e = detail::parse_extensions(*r.next(), c); e != errc::ok) return e;
    }
    if (!r.empty()) return errc::decode_error;
    return c;
}

// The entries of a GeneralNames (subjectAltName) or the bases of GeneralSubtrees, one by one:
// dNSName [2] IA5String and iPAddress [7] OCTET STRING are the kinds TLS needs; the others are
// returned with their tag for the caller to skip (or to reject, for constraints).
class general_names {
public:
    // The GeneralName tags of dNSName and iPAddress.
    static constexpr std::uint8_t dns_name = der::context(2), ip_address = der::context(7);

    // Reads GeneralNames `content`; `subtrees`: GeneralSubtrees (name constraints) instead.
    constexpr explicit general_names(byte_view content, bool subtrees = false) noexcept
        : reader_(content), subtrees_(subtrees) {}

    // True when no name is left.
    [[nodiscard]] constexpr bool empty() const noexcept { return reader_.empty(); }

    // The next name: tag and content. In GeneralSubtrees each entry is a SEQUENCE whose first
    // element is the name (minimum and maximum are not used in the Internet PKI).
    [[nodiscard]] constexpr result<der::element> next() noexcept {
        auto e = reader_.next();
        if (!e || !subtrees_) return e;
        if (e->tag != der::sequence) return errc::decode_error;
        der::reader inner(e->content);
        auto base = inner.next();
        if (!base || !inner.empty()) return errc::decode_error;  // minimum/maximum present
        return base;
    }

private:
    der::reader reader_;
    bool subtrees_;
};

// Whether the TLS Feature extension (RFC 7633 §4.2) lists status_request (5): "must staple". A
// TLS client that asked for an OCSP response then refuses the certificate without a good one.
// A malformed feature list counts as one that does (fail closed).
constexpr bool must_staple(const certificate& c) noexcept {
    if (c.tls_features.empty()) return false;
    // Features ::= SEQUENCE OF INTEGER, TLS extension numbers.
    auto features = der::parse_single(c.tls_features, der::sequence);
    if (!features) return true;
    der::reader list(features->content);
    while (!list.empty()) {
        auto feature = list.expect(der::integer);
        if (!feature) return true;
        if (feature->content.size() == 1 && feature->content[0] == 5) return true;
    }
    return false;
}

}  // namespace carapace::x509
