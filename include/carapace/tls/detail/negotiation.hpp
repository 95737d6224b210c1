// The server's choices (RFC 8446 §4.1.1, §4.2): version, cipher suite, signature scheme, group and
// key share, ALPN (RFC 7301 §3.2), as plain functions of a decoded ClientHello and the server's
// preferences. No engine state: the server state machine calls them and acts on the answer; a
// failure is the error whose alert the server sends.
//
// The work stays bounded for any legal hello: a ClientHello may list thousands of groups and key
// shares (§4.1.2, §9.3), so the check that every share's group is listed uses a 65,536-bit map
// when the lists are large.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/inline.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/codec/client_hello.hpp"

namespace carapace::tls::detail {

// TLS 1.3 or nothing (§4.2.1, D.5): legacy_version 0x0300 or lower, no supported_versions, or
// no 0x0304 in it: protocol_version.
[[nodiscard]] constexpr error check_version(const codec::client_hello& ch) noexcept {
    if (ch.legacy_version <= 0x0300) return error::protocol_version;
    if (!ch.supported_versions.contains(version_tls13)) return error::protocol_version;
    return error::none;
}

// Our most preferred suite the client lists and this build has; none: handshake_failure.
[[nodiscard]] constexpr error choose_cipher_suite(const codec::client_hello& ch, std::span<const cipher_suite> ours,
                                    suite_info& out) noexcept {
    for (const cipher_suite s : ours) {
        const auto info = find_suite(static_cast<std::uint16_t>(s));
        if (info && ch.cipher_suites.contains(s)) {
            out = *info;
            return error::none;
        }
    }
    return error::handshake_failure;
}

// The first of our signer's schemes the client lists in signature_algorithms (§4.2.3), among
// those a CertificateVerify may use (a signer listing rsa_pkcs1_* never gets them).
// No signature_algorithms: missing_extension (§9.2); none in common: handshake_failure.
[[nodiscard]] constexpr error choose_signature_scheme(const codec::client_hello& ch, std::span<const signature_scheme> ours,
                                        signature_scheme& out) noexcept {
    if (ch.signature_algorithms.empty()) return error::missing_extension;
    for (const signature_scheme s : ours)
        if (certificate_verify_scheme(s) && ch.signature_algorithms.contains(s)) {
            out = s;
            return error::none;
        }
    return error::handshake_failure;
}

// §4.2.9: a client offering a PSK must say which key exchange modes it takes.
[[nodiscard]] constexpr error check_psk_modes(const codec::client_hello& ch) noexcept {
    if (!ch.psk_identities.empty() && ch.psk_key_exchange_modes.empty()) return error::missing_extension;
    return error::none;
}

// What the server knows about groups: its preference and its implementations.
struct group_policy {
    std::span<const named_group> preference;         // most preferred first (config.groups)
    std::span<key_exchange* const> implementations;  // config.key_exchanges
    // Ask (HelloRetryRequest) for our most preferred group even when the client already sent a
    // share of another acceptable one.
    bool insist_on_preferred = false;
};

struct group_choice {
    named_group group{};
    key_exchange* exchange = nullptr;
    byte_view client_share;    // the client's share of `group`; empty when hello_retry
    bool hello_retry = false;  // no usable share: send a HelloRetryRequest for `group`
};

namespace negotiation_detail {

inline key_exchange* implementation(const group_policy& p, named_group g) noexcept {
    for (key_exchange* kx : p.implementations)
        if (kx != nullptr && kx->group() == g) return kx;
    return nullptr;
}

// Above this many group-by-share comparisons, a bitmap of the listed groups is used instead.
inline constexpr std::size_t pairwise_budget = 4096;

CARAPACE_NOINLINE inline bool shares_listed_large(const codec::client_hello& ch) noexcept {
    std::array<std::uint64_t, 1024> listed{};
    ch.supported_groups.for_each([&](named_group g) {
        const auto v = static_cast<std::uint16_t>(g);
        listed[v >> 6] |= std::uint64_t{1} << (v & 63);
    });
    bool all = true;
    ch.key_shares.for_each([&](const codec::key_share_entry& e) {
        const auto v = static_cast<std::uint16_t>(e.group);
        if ((listed[v >> 6] >> (v & 63) & 1) == 0) all = false;
    });
    return all;
}

// §4.2.8: every share's group must be one the client lists in supported_groups.
inline bool shares_listed(const codec::client_hello& ch) noexcept {
    if (ch.key_shares.size() * ch.supported_groups.size() > pairwise_budget) return shares_listed_large(ch);
    bool all = true;
    ch.key_shares.for_each([&](const codec::key_share_entry& e) { all = all && ch.supported_groups.contains(e.group); });
    return all;
}

inline std::optional<byte_view> share_of(const codec::client_hello& ch, named_group g) noexcept {
    std::optional<byte_view> found;
    ch.key_shares.for_each([&](const codec::key_share_entry& e) {
        if (!found && e.group == g) found = e.share;
    });
    return found;
}

}  // namespace negotiation_detail

// The group and share for the first ClientHello (§4.2.7, §4.2.8, §9.2): supported_groups and
// key_share both required (missing_extension); a share of an unlisted group: illegal_parameter
// (repeated groups were refused by the decoder); no group of ours among the client's:
// handshake_failure. Takes a share of any acceptable group, ours in our order (only of the
// preferred one when insisting), else asks for our preferred group with a HelloRetryRequest.
[[nodiscard]] inline error choose_group(const codec::client_hello& ch, const group_policy& policy, group_choice& out) noexcept {
    namespace nd = negotiation_detail;
    out = group_choice{};
    if (ch.supported_groups.empty() || !ch.has_key_share) return error::missing_extension;
    if (!nd::shares_listed(ch)) return error::illegal_parameter;
    std::optional<named_group> preferred;
    for (const named_group g : policy.preference)
        if (!preferred && nd::implementation(policy, g) != nullptr && ch.supported_groups.contains(g)) preferred = g;
    if (!preferred) return error::handshake_failure;
    for (const named_group g : policy.preference) {
        if (nd::implementation(policy, g) == nullptr) continue;
        if (policy.insist_on_preferred && g != *preferred) continue;
        if (const auto share = nd::share_of(ch, g)) {
            out = {g, nd::implementation(policy, g), *share, false};
            return error::none;
        }
    }
    out = {*preferred, nd::implementation(policy, *preferred), {}, true};
    return error::none;
}

// The second ClientHello, after our HelloRetryRequest for `requested` (§4.1.2, §4.1.4): the same
// rules, and exactly one share, of that group (illegal_parameter otherwise).
[[nodiscard]] inline error choose_group_after_retry(const codec::client_hello& ch, const group_policy& policy,
                                         named_group requested, group_choice& out) noexcept {
    out = group_choice{};
    if (ch.supported_groups.empty() || !ch.has_key_share) return error::missing_extension;
    if (!negotiation_detail::shares_listed(ch)) return error::illegal_parameter;
    if (ch.key_shares.size() != 1 || ch.key_shares[0].group != requested) return error::illegal_parameter;
    key_exchange* kx = negotiation_detail::implementation(policy, requested);
    if (kx == nullptr) return error::illegal_parameter;
    out = {requested, kx, ch.key_shares[0].share, false};
    return error::none;
}

// §4.2.2: a second ClientHello returns our HelloRetryRequest cookie unchanged.
[[nodiscard]] constexpr error check_retry_cookie(const codec::client_hello& ch, byte_view sent) noexcept {
    if (sent.empty()) return error::none;
    return codec::same_bytes(ch.cookie, sent) ? error::none : error::illegal_parameter;
}

// RFC 7301 §3.2: our most preferred protocol the client offers, empty when either side has none;
// offered but none in common: no_application_protocol.
[[nodiscard]] inline error choose_alpn(const codec::client_hello& ch, std::span<const std::string_view> ours,
                         byte_view& selected) noexcept {
    selected = {};
    if (ch.alpn.empty() || ours.empty()) return error::none;
    for (const std::string_view p : ours)
        if (ch.alpn.contains(codec::text_bytes(p))) {
            selected = codec::text_bytes(p);
            return error::none;
        }
    return error::no_application_protocol;
}

}  // namespace carapace::tls::detail
