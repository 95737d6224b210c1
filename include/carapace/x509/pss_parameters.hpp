// RSASSA-PSS parameters as X.509 writes them (RFC 4055 §3.1), in a signature's
// AlgorithmIdentifier and in an id-RSASSA-PSS SubjectPublicKeyInfo, where they limit what the key
// may sign with (§3.3 of RFC 4055: same hash, same mask generation, at least that much salt).
//
//   RSASSA-PSS-params ::= SEQUENCE {
//     hashAlgorithm    [0] HashAlgorithm    DEFAULT sha1,
//     maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
//     saltLength       [2] INTEGER          DEFAULT 20,
//     trailerField     [3] INTEGER          DEFAULT 1 }
//
// Parsed strictly, as DER: a field equal to its DEFAULT must be left out, so an explicit
// trailerField (whose only value is 1) or saltLength 20 is malformed; hash identifiers take
// absent or NULL parameters (RFC 4055 §2.1 allows both). A hash or mask generation function we
// do not name parses (as `other`) and is refused as unsupported by whoever verifies.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/oid.hpp"

namespace carapace::x509 {

// The hash of RSASSA-PSS parameters; `other` for any we do not support.
enum class pss_hash : std::uint8_t { sha1, sha256, sha384, sha512, other };

// RSASSA-PSS-params (RFC 4055 §3.1), parsed strictly.
struct pss_parameters {
    // The message hash.
    pss_hash hash = pss_hash::sha1;
    pss_hash mgf1_hash = pss_hash::sha1;  // `other` also for a mask generation function other than MGF1
    // The salt length in bytes.
    std::uint64_t salt_length = 20;
};

namespace detail {

// AlgorithmIdentifier { algorithm OID, parameters ANY OPTIONAL } as a reader over its fields.
constexpr result<der::reader> algorithm_fields(byte_view encoded, byte_view& oid_content) noexcept {
    auto seq = der::parse_single(encoded, der::sequence);
    if (!seq) return seq.error();
    der::reader r(seq->content);
    auto id = r.expect(der::object_identifier);
    if (!id) return id.error();
    auto octets = der::oid_octets(*id);
    if (!octets) return octets.error();
    oid_content = *octets;
    return r;
}

// HashAlgorithm: a hash identifier with absent or NULL parameters.
constexpr result<pss_hash> parse_pss_hash(byte_view encoded) noexcept {
    byte_view id;
    auto fields = algorithm_fields(encoded, id);
    if (!fields) return fields.error();
    der::reader r = *fields;
    if (!r.empty()) {
        auto null = r.expect(der::null);
        if (!null || !null->content.empty() || !r.empty()) return errc::decode_error;
    }
    if (der::equal(id, oid::sha1)) return pss_hash::sha1;
    if (der::equal(id, oid::sha256)) return pss_hash::sha256;
    if (der::equal(id, oid::sha384)) return pss_hash::sha384;
    if (der::equal(id, oid::sha512)) return pss_hash::sha512;
    return pss_hash::other;
}

// The single element inside an explicit [n] tag.
constexpr result<der::element> explicit_content(const der::element& tagged) noexcept {
    der::reader inner(tagged.content);
    auto e = inner.next();
    if (!e || !inner.empty()) return errc::decode_error;
    return e;
}

}  // namespace detail

// The parameters of an id-RSASSA-PSS AlgorithmIdentifier (`encoded`: the whole SEQUENCE).
[[nodiscard]] constexpr result<pss_parameters> parse_pss_parameters(byte_view encoded) noexcept {
    auto seq = der::parse_single(encoded, der::sequence);
    if (!seq) return seq.error();
    der::reader r(seq->content);
    pss_parameters p;
    if (r.next_is(der::context_constructed(0))) {
        auto hash = detail::explicit_content(*r.next());
        if (!hash) return hash.error();
        auto h = detail::parse_pss_hash(hash->encoded);
        if (!h) return h.error();
        if (*h == pss_hash::sha1) return errc::decode_error;  // the DEFAULT, written out
        p.hash = *h;
    }
    if (r.next_is(der::context_constructed(1))) {
        auto mask = detail::explicit_content(*r.next());
        if (!mask) return mask.error();
        byte_view id;
        auto mask_fields = detail::algorithm_fields(mask->encoded, id);
        if (!mask_fields) return mask_fields.error();
        der::reader fields = *mask_fields;
        if (der::equal(id, oid::mgf1)) {
            // MGF1's parameter is its HashAlgorithm (RFC 4055 §2.2).
            auto hash = fields.next();
            if (!hash || !fields.empty()) return errc::decode_error;
            auto h = detail::parse_pss_hash(hash->encoded);
            if (!h) return h.error();
            if (*h == pss_hash::sha1) return errc::decode_error;  // the DEFAULT, written out
            p.mgf1_hash = *h;
        } else {
            p.mgf1_hash = pss_hash::other;
        }
    }
    if (r.next_is(der::context_constructed(2))) {
        auto salt = detail::explicit_content(*r.next());
        if (!salt || salt->tag != der::integer) return errc::decode_error;
        auto length = der::to_unsigned(*salt);
        if (!length || *length == 20) return errc::decode_error;
        p.salt_length = *length;
    }
    // trailerField: 1 is its only value and its DEFAULT, so DER never writes it.
    if (!r.empty()) return errc::decode_error;
    return p;
}

// RFC 4055 §3.3: a key whose SubjectPublicKeyInfo carries parameters signs only with that hash
// and mask generation function, and at least that much salt.
constexpr bool pss_fits_key(const pss_parameters& signature, const pss_parameters& key) noexcept {
    return signature.hash == key.hash && signature.mgf1_hash == key.mgf1_hash &&
           signature.salt_length >= key.salt_length;
}

}  // namespace carapace::x509
