// Certificate path validation (RFC 5280 §6, as the Web PKI profiles it): from a leaf and an
// unordered set of intermediates, as a TLS Certificate message delivers them, to an anchor of a
// trust store. Every signature is verified; validity at the caller's time; CA flag, keyUsage
// keyCertSign and pathLenConstraint on issuers; the extended key usage asked for, and the leaf's
// keyUsage when asked; name constraints (name_constraints.hpp); the rules of a profile
// (profile.hpp); a maximum depth. When a candidate issuer fails, the others are tried
// (path_builder.hpp, within a work budget), and the reason reported is the most specific one met.
// No allocation: candidates are parsed into fixed arrays on the stack.
//
//   x509::trust_store<150> roots;                 // views into `bundle_der`, which must outlive it
//   roots.add_pem_bundle(bundle_text, bundle_der);
//   x509::verify_options options{.time = now, .host = "example.com"};
//   x509::verify_details details;                 // optional: the work done, the rule broken
//   x509::verify_error e = x509::verify_chain(leaf_der, intermediates_der, roots, options, details);
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/names.hpp"
#include "carapace/x509/path_builder.hpp"
#include "carapace/x509/profile.hpp"
#include "carapace/x509/trust_store.hpp"
#include "carapace/x509/verify_options.hpp"

namespace carapace::x509 {

// How many intermediates verify_chain looks at unless told otherwise: a TLS chain has a few, a
// bridge PKI's bag of cross-certificates a few dozen (RFC 4158's example needs 35). Each costs
// sizeof(certificate), about 300 bytes, of stack: 48 take about 14 KiB.
inline constexpr std::size_t default_max_intermediates = 48;

// Validates `leaf` (DER) with the `intermediates` (DER, any order, unrelated ones ignored)
// against the store's anchors, and says in `details` what it cost and which profile rule was
// broken, if one was. At most MaxIntermediates intermediates are looked at (the rest are counted
// in details.intermediates_ignored); each takes sizeof(certificate) of stack. When `validated`
// is given it receives the path of a valid chain, and is empty otherwise.
template <std::size_t MaxIntermediates = default_max_intermediates, std::size_t Capacity>
[[nodiscard]] inline verify_error verify_chain(byte_view leaf, std::span<const byte_view> intermediates,
                                               const trust_store<Capacity>& store, const verify_options& options,
                                               verify_details& details, verified_path* validated = nullptr) noexcept {
    details = {};
    if (validated != nullptr) validated->size = 0;
    auto leaf_cert = parse_certificate(leaf);
    if (!leaf_cert) return verify_error::malformed;
    std::array<certificate, MaxIntermediates> parsed{};
    std::size_t count = 0;
    for (const byte_view der_bytes : intermediates) {
        if (count == parsed.size()) {
            ++details.intermediates_ignored;
            continue;
        }
        auto cert = parse_certificate(der_bytes);
        if (!cert) return verify_error::malformed;
        parsed[count++] = *cert;
    }
    // The leaf's own checks come first: they hold whatever path is found.
    if (leaf_cert->has_unknown_critical_extension) return verify_error::unsupported_critical_extension;
    if (const verify_error e = detail::check_validity(*leaf_cert, options); e != verify_error::ok) return e;
    if (!detail::allows_purpose(*leaf_cert, options.usage)) return verify_error::wrong_purpose;
    if (options.leaf_key_usage && !leaf_cert->allows(*options.leaf_key_usage)) return verify_error::wrong_purpose;
    if (!options.host.empty() && !matches_host(*leaf_cert, options.host)) return verify_error::hostname_mismatch;
    if (!options.email.empty() && !matches_email(*leaf_cert, options.email)) return verify_error::email_mismatch;
    // A leaf that is itself an anchor is trusted as it stands.
    for (const certificate& anchor : store.anchors()) {
        if (!der::equal(anchor.encoded, leaf_cert->encoded)) continue;
        if (validated != nullptr) {
            validated->certificates[0] = anchor;
            validated->size = 1;
        }
        return verify_error::ok;
    }
    details.broken_rule = check_profile(*leaf_cert, path_role::leaf, options.profile);
    if (details.broken_rule == profile_rule::weak_key) return verify_error::weak_key;
    if (details.broken_rule != profile_rule::none) return verify_error::profile_violation;

    detail::path_search search(*leaf_cert, std::span<const certificate>(parsed.data(), count), store.anchors(), options,
                               details);
    const verify_error e = search.run();
    if (e == verify_error::ok && validated != nullptr) search.copy_path(*validated);
    return e;
}

// verify_chain without the details of a failure.
template <std::size_t MaxIntermediates = default_max_intermediates, std::size_t Capacity>
[[nodiscard]] inline verify_error verify_chain(byte_view leaf, std::span<const byte_view> intermediates,
                                               const trust_store<Capacity>& store, const verify_options& options,
                                               verified_path* validated = nullptr) noexcept {
    verify_details details;
    return verify_chain<MaxIntermediates>(leaf, intermediates, store, options, details, validated);
}

}  // namespace carapace::x509
