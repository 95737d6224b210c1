// Path building (RFC 5280 §6.1, RFC 4158): a depth-first search from the leaf up through
// candidate issuers, intermediates as a TLS peer sent them (any order, unrelated ones allowed) or
// trust anchors, until an anchor is reached. Each step checks what a candidate must be for its
// place in the path (CA, key usage, the profile's rules, path length, purpose, validity, name
// constraints) and only then its signature, the one costly check.
//
// The search is bounded so that a hostile set of certificates costs little (RFC 4158 §5 warns of
// loops and of exponential graphs): the same subject and key never appear twice in one path
// (which also ends loops of self-issued certificates), a child's signature is checked once per
// key, however many candidates hold that key, the path is at most max_path_length long,
// and one verification checks at most options.max_signature_checks signatures (a signature over
// more than 64 KiB counting as one per 64 KiB) and makes at most options.max_name_comparisons
// name constraint comparisons; when either runs out the search stops with budget_exhausted.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "carapace/x509/certificate.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/name_constraints.hpp"
#include "carapace/x509/profile.hpp"
#include "carapace/x509/signatures.hpp"
#include "carapace/x509/verify_options.hpp"

namespace carapace::x509 {

// The longest path searched, leaf and anchor included (verify_options::max_depth may lower it).
inline constexpr std::size_t max_path_length = 16;

// The path verify_chain validated, leaf first and the trust anchor last (a leaf that is itself an
// anchor is the whole path). Copies of the parsed certificates, viewing the caller's DER: what
// revocation checking (x509/crl.hpp, x509/ocsp.hpp) and pinning (x509/pins.hpp) look at.
struct verified_path {
    // The path's certificates, in their first `size` places.
    std::array<certificate, max_path_length> certificates{};
    // The number of certificates in the path (0: none validated).
    std::size_t size = 0;

    // The certificates of the path.
    [[nodiscard]] constexpr std::span<const certificate> view() const noexcept {
        return std::span<const certificate>(certificates.data(), size);
    }
};

namespace detail {

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

constexpr bool self_issued(const certificate& c) noexcept { return der::equal(c.issuer, c.subject); }

constexpr bool same_subject_and_key(const certificate& a, const certificate& b) noexcept {
    return der::equal(a.subject, b.subject) && der::equal(a.public_key.encoded, b.public_key.encoded);
}

class path_search {
public:
    path_search(const certificate& leaf, std::span<const certificate> intermediates, std::span<const certificate> anchors,
                const verify_options& options, verify_details& details) noexcept
        : intermediates_(intermediates),
          anchors_(anchors),
          options_(options),
          details_(details),
          name_budget_(options.max_name_comparisons),
          limit_(options.max_depth < max_path_length ? options.max_depth : max_path_length) {
        path_[0] = &leaf;
    }

    // The path found by a run() that returned ok.
    void copy_path(verified_path& out) const noexcept {
        out.size = 0;
        if (found_anchor_ == nullptr) return;
        for (std::size_t i = 0; i < found_depth_; ++i) out.certificates[i] = *path_[i];
        out.certificates[found_depth_] = *found_anchor_;
        out.size = found_depth_ + 1;
    }

    // ok, or the most specific reason met on any path tried (budget_exhausted once out of work).
    verify_error run() noexcept {
        const bool found = extend(1);
        details_.name_comparisons = options_.max_name_comparisons - name_budget_;
        const verify_error e = found ? verify_error::ok : stopped_ ? verify_error::budget_exhausted : best_;
        if (e != verify_error::profile_violation && e != verify_error::weak_key) details_.broken_rule = profile_rule::none;
        return e;
    }

private:
    void note(verify_error e) noexcept {
        if (e == verify_error::budget_exhausted) stopped_ = true;
        if (static_cast<std::uint8_t>(e) > static_cast<std::uint8_t>(best_)) {
            best_ = e;
            details_.broken_rule = e == verify_error::profile_violation || e == verify_error::weak_key
                                       ? last_rule_
                                       : profile_rule::none;
        }
    }

    // The answers of the signature checks made on one child: candidates that share a key (cross-
    // certificates, re-issued CAs) get the same answer without another check.
    struct signature_memo {
        std::array<byte_view, 4> keys{};  // SubjectPublicKeyInfo encodings
        std::array<verify_error, 4> results{};
        std::size_t count = 0, next = 0;

        const verify_error* find(byte_view key) const noexcept {
            for (std::size_t i = 0; i < count; ++i)
                if (der::equal(keys[i], key)) return &results[i];
            return nullptr;
        }
        void add(byte_view key, verify_error result) noexcept {
            keys[next] = key;
            results[next] = result;
            next = (next + 1) % keys.size();
            if (count < keys.size()) ++count;
        }
    };

    // Checks `issuer` as the issuer of path_[depth - 1]: first everything that depends on its
    // place in the path (CA flag, key usage, path length, purpose, validity, name constraints),
    // then the signature, which spends the budget unless `memo` knows the answer.
    verify_error check_issuer(const certificate& issuer, std::size_t depth, path_role role,
                              signature_memo& memo) noexcept {
        const certificate& child = *path_[depth - 1];
        if (!issuer.is_ca || !issuer.has_basic_constraints || !issuer.allows(key_usage::key_cert_sign))
            return verify_error::not_a_ca;
        if (issuer.has_unknown_critical_extension) return verify_error::unsupported_critical_extension;
        last_rule_ = check_profile(issuer, role, options_.profile);
        if (last_rule_ != profile_rule::none)
            return last_rule_ == profile_rule::weak_key ? verify_error::weak_key : verify_error::profile_violation;
        // pathLenConstraint counts the non-self-issued intermediates below this CA.
        if (issuer.path_length >= 0) {
            std::size_t below = 0;
            for (std::size_t i = 1; i < depth; ++i)
                if (!self_issued(*path_[i])) ++below;
            if (below > static_cast<std::size_t>(issuer.path_length)) return verify_error::path_too_long;
        }
        if (!allows_purpose(issuer, options_.usage)) return verify_error::wrong_purpose;
        if (const verify_error e = check_validity(issuer, options_); e != verify_error::ok) return e;
        // Its name constraints hold for every certificate below it but self-issued intermediates
        // (RFC 5280 §6.1.3 (b)): a CA re-keyed under its own name is not a new name.
        for (std::size_t i = 0; i < depth; ++i) {
            if (i > 0 && self_issued(*path_[i])) continue;
            const constraint_result r =
                satisfies_constraints(issuer, *path_[i], i == 0 ? options_.host : std::string_view{}, name_budget_);
            if (r == constraint_result::too_complex) return verify_error::budget_exhausted;
            if (r != constraint_result::satisfied) return verify_error::name_constraint_violation;
        }
        if (const verify_error* known = memo.find(issuer.public_key.encoded)) return *known;
        // A signature hashes what it covers: each 64 KiB beyond the first counts as one more check,
        // so that large certificates cannot make the budget's checks slow.
        const std::size_t units = 1 + child.tbs.size() / 65536;
        if (units > options_.max_signature_checks - signature_units_) {
            signature_units_ = options_.max_signature_checks;
            return verify_error::budget_exhausted;
        }
        signature_units_ += units;
        ++details_.signature_checks;
        const verify_error e = check_signature(child, issuer.public_key);
        memo.add(issuer.public_key.encoded, e);
        return e;
    }

    // Whether `candidate` (of the right subject) may stand at path_[depth]: never the same
    // subject and key twice in one path.
    bool fresh(const certificate& candidate, std::size_t depth) const noexcept {
        for (std::size_t i = 0; i < depth; ++i)
            if (same_subject_and_key(*path_[i], candidate)) return false;
        return true;
    }

    // Extends the path from path_[depth - 1] upward; true once an anchor is reached.
    bool extend(std::size_t depth) noexcept {
        const certificate& child = *path_[depth - 1];
        if (depth + 1 > limit_) {  // not even room for an anchor
            note(verify_error::path_too_long);
            return false;
        }
        signature_memo memo;
        for (const certificate& anchor : anchors_) {
            if (!der::equal(anchor.subject, child.issuer) || !fresh(anchor, depth)) continue;
            const verify_error e = check_issuer(anchor, depth, path_role::anchor, memo);
            if (e == verify_error::ok) {
                found_anchor_ = &anchor;
                found_depth_ = depth;
                return true;
            }
            note(e);
            if (stopped_) return false;
        }
        bool candidates = false;
        for (const certificate& candidate : intermediates_) {
            if (!der::equal(candidate.subject, child.issuer) || !fresh(candidate, depth)) continue;
            if (depth + 2 > limit_) {  // the candidate, then an anchor above it
                candidates = true;
                continue;
            }
            const verify_error e = check_issuer(candidate, depth, path_role::intermediate, memo);
            if (e != verify_error::ok) {
                note(e);
                if (stopped_) return false;
                continue;
            }
            path_[depth] = &candidate;
            if (extend(depth + 1)) return true;
            if (stopped_) return false;
        }
        if (candidates) note(verify_error::path_too_long);
        return false;
    }

    std::span<const certificate> intermediates_;
    std::span<const certificate> anchors_;
    const verify_options& options_;
    verify_details& details_;
    std::size_t name_budget_;
    std::size_t signature_units_ = 0;  // of options_.max_signature_checks spent
    std::size_t limit_;  // certificates in a path, anchor included
    std::array<const certificate*, max_path_length> path_{};  // leaf first
    verify_error best_ = verify_error::unknown_issuer;
    profile_rule last_rule_ = profile_rule::none;  // of the last check_issuer
    bool stopped_ = false;  // a budget ran out: no more work
    const certificate* found_anchor_ = nullptr;  // once a path is found: path_[0, found_depth_), then it
    std::size_t found_depth_ = 0;
};

}  // namespace detail
}  // namespace carapace::x509
