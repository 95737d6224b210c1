// Certificate path validation (RFC 5280 §6, as the Web PKI profiles it): from a leaf and an
// unordered set of intermediates, as a TLS Certificate message delivers them, to an anchor of a
// trust store. Every signature is verified; validity at the caller's time; CA flag, keyUsage
// keyCertSign and pathLenConstraint on issuers; the extended key usage asked for; name
// constraints; a maximum depth. When a candidate issuer fails, the others are tried, and the
// reason reported is the one from the path that got furthest. No allocation: candidates are
// parsed into fixed arrays on the stack.
//
//   x509::trust_store<150> roots;                 // views into `bundle_der`, which must outlive it
//   roots.add_pem_bundle(bundle_text, bundle_der);
//   x509::verify_options options{.time = now, .host = "example.com"};
//   x509::verify_error e = x509::verify_chain(leaf_der, intermediates_der, roots, options);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/name_constraints.hpp"
#include "carapace/x509/names.hpp"
#include "carapace/x509/pem.hpp"

namespace carapace::x509 {

// Why a chain was refused. Listed from the least to the most specific, which is also how
// competing paths are ranked: the reason kept is the most specific one met.
enum class verify_error : std::uint8_t {
    ok,
    unknown_issuer,                  // no path reaches a trust anchor
    malformed,                       // a certificate does not parse
    unsupported_algorithm,           // a signature algorithm we cannot verify (yet)
    bad_signature,
    path_too_long,                   // pathLenConstraint or the maximum depth
    not_a_ca,                        // an issuer without cA or without keyCertSign
    unsupported_critical_extension,
    expired,
    not_yet_valid,
    wrong_purpose,                   // extendedKeyUsage lacks the purpose asked for
    name_constraint_violation,
    hostname_mismatch,
    budget_exhausted,                // the search took too much work: refused without an answer
};

constexpr std::string_view to_string(verify_error e) noexcept {
    switch (e) {
        case verify_error::ok: return "ok";
        case verify_error::unknown_issuer: return "unknown issuer";
        case verify_error::malformed: return "malformed certificate";
        case verify_error::unsupported_algorithm: return "unsupported algorithm";
        case verify_error::bad_signature: return "bad signature";
        case verify_error::path_too_long: return "path too long";
        case verify_error::not_a_ca: return "not a CA";
        case verify_error::unsupported_critical_extension: return "unsupported critical extension";
        case verify_error::expired: return "expired";
        case verify_error::not_yet_valid: return "not yet valid";
        case verify_error::wrong_purpose: return "wrong purpose";
        case verify_error::name_constraint_violation: return "name constraint violation";
        case verify_error::hostname_mismatch: return "hostname mismatch";
        case verify_error::budget_exhausted: return "verification budget exhausted";
    }
    return "unknown error";
}

enum class purpose : std::uint8_t { any, server_auth, client_auth };

struct verify_options {
    std::int64_t time = 0;          // seconds since the epoch, UTC
    bool time_known = true;         // false on a device without a clock: validity is not checked
    std::string_view host;          // checked against the leaf's SAN when not empty
    purpose usage = purpose::server_auth;
    std::size_t max_depth = 8;      // certificates in the path, anchor included
};

// A fixed-capacity set of trust anchors: parsed certificates viewing the caller's DER bytes.
template <std::size_t Capacity>
class trust_store {
public:
    // Adds one DER certificate (kept as a view). Errors: decode_error, buffer_too_small (full).
    [[nodiscard]] constexpr errc add(byte_view der_bytes) noexcept {
        if (count_ == Capacity) return errc::buffer_too_small;
        auto cert = parse_certificate(der_bytes);
        if (!cert) return cert.error();
        anchors_[count_++] = *cert;
        return errc::ok;
    }

    // Adds every CERTIFICATE block of a PEM bundle, decoding them one after another into
    // `storage`, which must outlive the store (pem::max_decoded_size of each block, summed, is
    // enough; the bundle's size is always enough). Returns how many were added.
    [[nodiscard]] constexpr result<std::size_t> add_pem_bundle(std::string_view text, byte_span storage) noexcept {
        pem::reader r(text);
        std::size_t added = 0;
        for (auto block = r.next(); block; block = r.next()) {
            if (block->label != pem::certificate) continue;
            auto n = pem::decode(*block, storage);
            if (!n) return n.error();
            if (const errc e = add(storage.first(*n)); e != errc::ok) return e;
            storage = storage.subspan(*n);
            ++added;
        }
        if (!r.ok()) return errc::decode_error;
        return added;
    }

    [[nodiscard]] constexpr std::size_t size() const noexcept { return count_; }
    [[nodiscard]] constexpr std::span<const certificate> anchors() const noexcept {
        return std::span<const certificate>(anchors_.data(), count_);
    }

private:
    std::array<certificate, Capacity> anchors_{};
    std::size_t count_ = 0;
};

namespace detail {

inline constexpr std::size_t max_intermediates = 16;
inline constexpr std::size_t max_name_comparisons = 1 << 16;

// Whether `signer`'s key made `cert`'s signature.
inline verify_error check_signature(const certificate& cert, const public_key_info& signer) noexcept {
    switch (cert.signed_with) {
        case signature_algorithm::ed25519:
            if (signer.type != key_type::ed25519 || signer.key.size() != 32) return verify_error::bad_signature;
            return ed25519_verify(signer.key.first<32>(), cert.tbs, cert.signature) ? verify_error::ok
                                                                                     : verify_error::bad_signature;
        default:
            // ECDSA and RSA land with their own issue; until then they are named, not guessed at.
            return verify_error::unsupported_algorithm;
    }
}

constexpr verify_error check_validity(const certificate& c, const verify_options& options) noexcept {
    if (!options.time_known) return verify_error::ok;
    const std::int64_t time = options.time;
    if (time < c.not_before) return verify_error::not_yet_valid;
    if (time > c.not_after) return verify_error::expired;
    return verify_error::ok;
}

constexpr bool allows_purpose(const certificate& c, purpose p) noexcept {
    if (!c.has_extended_key_usage || c.eku_any || p == purpose::any) return true;
    return p == purpose::server_auth ? c.eku_server_auth : c.eku_client_auth;
}

struct path_search {
    const certificate* leaf;
    std::span<const certificate> intermediates;
    std::span<const certificate> anchors;
    const verify_options& options;
    // The certificates of the path so far, leaf first.
    std::array<const certificate*, 16> path{};
    verify_error best = verify_error::unknown_issuer;
    // Name constraint comparisons left for the whole search (see name_constraints.hpp).
    std::size_t name_budget = max_name_comparisons;

    void note(verify_error e) noexcept {
        if (static_cast<std::uint8_t>(e) > static_cast<std::uint8_t>(best)) best = e;
    }

    // Checks `issuer` as the issuer of path[depth - 1] and everything that depends on its place
    // in the path (CA flag, key usage, path length, purpose, name constraints, validity).
    verify_error check_issuer(const certificate& issuer, std::size_t depth) noexcept {
        const certificate& child = *path[depth - 1];
        if (!issuer.is_ca || !issuer.has_basic_constraints || !issuer.allows(key_usage::key_cert_sign))
            return verify_error::not_a_ca;
        if (issuer.has_unknown_critical_extension) return verify_error::unsupported_critical_extension;
        // pathLenConstraint counts the non-self-issued intermediates below this CA.
        if (issuer.path_length >= 0) {
            std::size_t below = 0;
            for (std::size_t i = 1; i < depth; ++i)
                if (!der::equal(path[i]->issuer, path[i]->subject)) ++below;
            if (below > static_cast<std::size_t>(issuer.path_length)) return verify_error::path_too_long;
        }
        if (!allows_purpose(issuer, options.usage)) return verify_error::wrong_purpose;
        if (const verify_error e = check_validity(issuer, options); e != verify_error::ok) return e;
        // Its name constraints hold for every certificate below it but self-issued intermediates
        // (RFC 5280 §6.1.3 (b)): a CA re-keyed under its own name is not a new name.
        for (std::size_t i = 0; i < depth; ++i) {
            if (i > 0 && der::equal(path[i]->issuer, path[i]->subject)) continue;
            const constraint_result r =
                satisfies_constraints(issuer, *path[i], i == 0 ? options.host : std::string_view{}, name_budget);
            if (r == constraint_result::too_complex) return verify_error::budget_exhausted;
            if (r != constraint_result::satisfied) return verify_error::name_constraint_violation;
        }
        return check_signature(child, issuer.public_key);
    }

    // Extends the path from path[depth - 1] upward; true once an anchor is reached.
    bool extend(std::size_t depth) noexcept {
        const certificate& child = *path[depth - 1];
        for (const certificate& anchor : anchors) {
            if (!der::equal(anchor.subject, child.issuer)) continue;
            const verify_error e = check_issuer(anchor, depth);
            if (e == verify_error::ok) return true;
            note(e);
        }
        if (depth + 1 >= options.max_depth || depth + 1 >= path.size()) {
            note(verify_error::path_too_long);
            return false;
        }
        for (const certificate& candidate : intermediates) {
            if (!der::equal(candidate.subject, child.issuer)) continue;
            bool repeated = false;  // never loop through the same certificate twice
            for (std::size_t i = 0; i < depth; ++i)
                repeated = repeated || der::equal(path[i]->encoded, candidate.encoded);
            if (repeated) continue;
            const verify_error e = check_issuer(candidate, depth);
            if (e != verify_error::ok) {
                note(e);
                continue;
            }
            path[depth] = &candidate;
            if (extend(depth + 1)) return true;
        }
        return false;
    }
};

}  // namespace detail

// Validates `leaf` (DER) with the `intermediates` (DER, any order, unrelated ones ignored)
// against the store's anchors. At most detail::max_intermediates intermediates are looked at.
template <std::size_t Capacity>
[[nodiscard]] inline verify_error verify_chain(byte_view leaf, std::span<const byte_view> intermediates,
                                               const trust_store<Capacity>& store,
                                               const verify_options& options) noexcept {
    auto leaf_cert = parse_certificate(leaf);
    if (!leaf_cert) return verify_error::malformed;
    std::array<certificate, detail::max_intermediates> parsed{};
    std::size_t count = 0;
    for (const byte_view der_bytes : intermediates) {
        if (count == parsed.size()) break;
        auto cert = parse_certificate(der_bytes);
        if (!cert) return verify_error::malformed;
        parsed[count++] = *cert;
    }
    // The leaf's own checks come first: they hold whatever path is found.
    if (leaf_cert->has_unknown_critical_extension) return verify_error::unsupported_critical_extension;
    if (const verify_error e = detail::check_validity(*leaf_cert, options); e != verify_error::ok) return e;
    if (!detail::allows_purpose(*leaf_cert, options.usage)) return verify_error::wrong_purpose;
    if (!options.host.empty() && !matches_host(*leaf_cert, options.host)) return verify_error::hostname_mismatch;
    // A leaf that is itself an anchor is trusted as it stands.
    for (const certificate& anchor : store.anchors())
        if (der::equal(anchor.encoded, leaf_cert->encoded)) return verify_error::ok;

    detail::path_search search{&*leaf_cert, std::span<const certificate>(parsed.data(), count), store.anchors(),
                               options};
    search.path[0] = &*leaf_cert;
    return search.extend(1) ? verify_error::ok : search.best;
}

}  // namespace carapace::x509
