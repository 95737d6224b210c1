// Which (EC)DHE and post-quantum groups a client names (RFC 8446 §4.2.7, §4.2.8): those it lists in
// supported_groups, those its first ClientHello gives a key share, and the room those shares take.
// Plain functions of the client's configuration (its groups, key_share_groups and the
// key_exchange implementations), apart from the state machine (client.hpp) that generates the
// shares and sends the hellos.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "carapace/tls/config.hpp"
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls::detail {

// Most key shares sent in the first ClientHello.
inline constexpr std::size_t max_client_key_shares = 4;
// Our public shares, stored back to back: room for one share of any group and three classical
// ones (one post-quantum share and its classical fallbacks). Only a build with the ML-KEM groups
// pays for their kilobyte shares (see max_key_share_size).
inline constexpr std::size_t max_client_share_bytes =
    max_key_share_size + (max_client_key_shares - 1) * max_classical_share_size;
// Most groups listed in supported_groups (distinct groups with a key_exchange; more are dropped).
inline constexpr std::size_t max_listed_groups = 16;

// Up to N groups, in order.
template <std::size_t N>
struct group_list {
    std::array<named_group, N> list{};
    std::size_t count = 0;
    [[nodiscard]] std::span<const named_group> view() const noexcept { return std::span(list).first(count); }
};

// The configuration's implementation of `g`, if any.
[[nodiscard]] inline key_exchange* find_key_exchange(const client_config& config, named_group g) noexcept {
    for (key_exchange* kx : config.key_exchanges)
        if (kx != nullptr && kx->group() == g) return kx;
    return nullptr;
}

// The groups given a share in the first ClientHello: key_share_groups, or else the first of
// `groups` we implement and, when that one is post-quantum, also the first classical one, so that
// a server without ML-KEM still answers in one round trip (X25519MLKEM768 and X25519 with the
// default groups).
[[nodiscard]] inline group_list<max_client_key_shares> first_share_groups(const client_config& config) noexcept {
    group_list<max_client_key_shares> out;
    if (!config.key_share_groups.empty()) {
        for (const named_group g : config.key_share_groups)
            if (out.count < max_client_key_shares) out.list[out.count++] = g;
        return out;
    }
    for (const named_group g : config.groups) {
        if (find_key_exchange(config, g) == nullptr) continue;
        if (out.count == 0) {
            out.list[out.count++] = g;
            if (!is_post_quantum(g)) return out;
        } else if (!is_post_quantum(g)) {
            out.list[out.count++] = g;
            return out;
        }
    }
    return out;
}

// The most bytes of public shares a ClientHello of ours may carry: the first one's shares or one
// share of any group we list (after a HelloRetryRequest).
[[nodiscard]] inline std::size_t share_bytes_bound(const client_config& config) noexcept {
    std::size_t first = 0, retry = 0;
    const auto shared = first_share_groups(config);  // view() points into it
    for (const named_group g : shared.view())
        if (const key_exchange* kx = find_key_exchange(config, g)) first += kx->share_size();
    for (const named_group g : config.groups)
        if (const key_exchange* kx = find_key_exchange(config, g)) retry = std::max(retry, kx->share_size());
    return std::min(std::max(first, retry), max_client_share_bytes);
}

// §4.2.7: the groups we list in supported_groups are those of `groups` we have a key_exchange for
// (the defaults name X25519MLKEM768 first, which a config may leave without an implementation): a
// server must not be led to choose one we cannot do.
[[nodiscard]] inline group_list<max_listed_groups> supported_groups(const client_config& config) noexcept {
    group_list<max_listed_groups> out;
    for (const named_group g : config.groups) {
        if (out.count == out.list.size()) break;
        const auto listed = out.view();
        if (find_key_exchange(config, g) != nullptr && std::find(listed.begin(), listed.end(), g) == listed.end())
            out.list[out.count++] = g;
    }
    return out;
}
// Whether we list `g` in supported_groups.
[[nodiscard]] inline bool lists_group(const client_config& config, named_group g) noexcept {
    const auto listed = supported_groups(config);
    return std::find(listed.view().begin(), listed.view().end(), g) != listed.view().end();
}

}  // namespace carapace::tls::detail
