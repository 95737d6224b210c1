// A server's session tickets (RFC 8446 §4.6.1, §2.2) and the 0-RTT they allow (§4.2.10, §8): the
// tickets it issues once a handshake is complete (sealed under config.ticket_keys, or else random
// identifiers of sessions put into config.session_store: the resumption PSK leaves the engine only
// sealed or into the caller's store, never through the API), the lookup of a ClientHello's
// identities among them (sealed ones opened, stateful ones taken from the store), and whether the
// early data of a resumed hello is accepted. Plain functions of the configuration and what the
// caller passes, like negotiation.hpp: the state machine (server.hpp) calls them and keeps the
// results in its handshake state.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/detail/codec/client_hello.hpp"
#include "carapace/tls/detail/codec/new_session_ticket.hpp"
#include "carapace/tls/detail/key_schedule.hpp"
#include "carapace/tls/detail/psk/selection.hpp"
#include "carapace/tls/detail/record_layer.hpp"
#include "carapace/tls/detail/tickets/sealed_ticket.hpp"
#include "carapace/tls/detail/tickets/ticket_age.hpp"

namespace carapace::tls::detail {

// What a server keeps, during the handshake, of the ticket a ClientHello resumes with: its PSK
// (for the binder and the key schedule) and what 0-RTT needs (§4.2.10): its suite, its ALPN
// protocol, its early data limit, whether its age passed the freshness check (§8.3) and whether
// it was single use (from config.session_store: replay-safe by itself, §8.1). A single-use ticket
// is gone from the store once a first ClientHello took it, while the second one, after a
// HelloRetryRequest, offers it again (§4.1.2): the rest of its contents and the hash of its
// identity let that hello resume it.
struct resumed_ticket {
    secret psk{};
    cipher_suite suite{};
    bytes<32> alpn_hash{};
    std::uint32_t max_early_data = 0;
    bool age_fresh = false;
    bool single_use = false;
    bytes<32> identity_hash{};
    bytes<32> server_name_hash{};
    std::int64_t issued_at = 0;
    std::uint32_t lifetime = 0, age_add = 0;
};

// A stateful ticket (config.session_store), taken from the store, as the contents of one of our
// sealed tickets.
inline bool look_up_session(const server_config& config, byte_view identity, ticket_contents& c) noexcept {
    if constexpr (!have_psk) return false;
    stored_session found;
    if (config.session_store == nullptr || !config.session_store->take(identity, found)) return false;
    c.suite = found.suite;
    c.issued_at = found.issued_at;
    c.lifetime = found.lifetime;
    c.age_add = found.age_add;
    c.max_early_data = found.max_early_data;
    c.psk = found.psk;
    c.server_name_hash = binding_hash(found.server_name);
    c.alpn_hash = binding_hash(found.alpn);
    return true;
}

// The single-use ticket an earlier ClientHello of this handshake took from the store, when
// `identity` is it.
inline bool taken_before(const resumed_ticket& t, byte_view identity, ticket_contents& c) noexcept {
    if (!t.single_use || t.psk.empty() || t.identity_hash != binding_hash(identity)) return false;
    c.suite = t.suite;
    c.issued_at = t.issued_at;
    c.lifetime = t.lifetime;
    c.age_add = t.age_add;
    c.max_early_data = t.max_early_data;
    c.psk = t.psk.view();
    c.server_name_hash = t.server_name_hash;
    c.alpn_hash = t.alpn_hash;
    return true;
}

// §4.6.1, §4.2.11: the first of the client's identities (among the first
// max_examined_psk_identities) that is a ticket of ours, under a key of the ring or in the session
// store, within its lifetime, for this hello's server name and of a hash a suite we both have
// uses. What resuming needs of it goes into `ticket`.
inline psk_choice choose_ticket(const server_config& config, std::optional<std::int64_t> now,
                                const codec::client_hello& ch, resumed_ticket& ticket) noexcept {
    psk_choice out;
    if ((config.ticket_keys.empty() && config.session_store == nullptr) || !now || ch.psk_identities.empty())
        return out;
    if (!choose_psk_mode(ch, config.psk_modes, out.mode)) return out;
    bytes<max_ticket_content_size> scratch{};
    std::size_t pos = 0;
    const std::size_t examined = std::min(ch.psk_identities.size(), max_examined_psk_identities);
    for (std::size_t i = 0; i < examined && !out.chosen; ++i) {
        const codec::psk_identity id = ch.psk_identities.next(pos);
        ticket_contents c;
        bool single_use = false;
        if (!open_ticket(config.ticket_keys, id.identity, scratch, c)) {
            if (!taken_before(ticket, id.identity, c) && !look_up_session(config, id.identity, c)) continue;
            single_use = true;
        }
        const auto suite = find_suite(static_cast<std::uint16_t>(c.suite));
        if (!suite || c.psk.size() != suite->hash_size) continue;
        if (*now < c.issued_at || *now - c.issued_at > static_cast<std::int64_t>(c.lifetime)) continue;
        if (c.server_name_hash != binding_hash(ch.server_name)) continue;
        if (!suite_for_hash(ch, config.cipher_suites, suite->hash, out.suite)) continue;
        ticket.suite = c.suite;
        ticket.alpn_hash = c.alpn_hash;
        ticket.max_early_data = c.max_early_data;
        ticket.single_use = single_use;
        ticket.age_fresh =
            ticket_age_fresh(id.obfuscated_ticket_age, c.age_add, c.issued_at, *now, config.early_data_clock_skew);
        ticket.identity_hash = binding_hash(id.identity);
        ticket.server_name_hash = c.server_name_hash;
        ticket.issued_at = c.issued_at;
        ticket.lifetime = c.lifetime;
        ticket.age_add = c.age_add;
        const byte_span key = ticket.psk.span(c.psk.size());
        if (c.psk.data() != key.data()) std::copy(c.psk.begin(), c.psk.end(), key.begin());  // not when taken_before
        out.chosen = true;
        out.resumption = true;
        out.identity = static_cast<std::uint16_t>(i);
    }
    secure_wipe(scratch);
    return out;
}

// The early data a resumed ticket allows, at most what we allow now.
[[nodiscard]] inline std::uint32_t early_data_allowed(const server_config& config, const resumed_ticket& t) noexcept {
    return std::min({t.max_early_data, config.max_early_data, max_early_data_limit});
}

// §4.2.10, §8: early data only when we allow it, with the client's first identity a ticket of
// ours that allows it, of the suite chosen and the ALPN protocol, fresh by its age (§8.3), and a
// ClientHello our recorder has not seen within the window (§8.2). Any "no" declines the early
// data, never the handshake.
[[nodiscard]] inline bool accepts_early_data(const server_config& config, std::optional<std::int64_t> now,
                                             const psk_choice& psk, const resumed_ticket& t, cipher_suite suite,
                                             byte_view alpn, const codec::client_hello& ch) noexcept {
    if constexpr (!have_psk) return false;
    if (config.max_early_data == 0 || (config.replay_recorder == nullptr && !t.single_use) || !now || !psk.chosen ||
        !psk.resumption || psk.identity != 0 || t.max_early_data == 0 || t.suite != suite || !t.age_fresh ||
        t.alpn_hash != binding_hash(alpn))
        return false;
    // A single-use ticket cannot be replayed (§8.1); a recorder, when there is one, still sees
    // the hello.
    if (config.replay_recorder == nullptr) return true;
    return config.replay_recorder->record_once(ch.psk_binders[0], *now, config.early_data_window);
}

// Whether we issue tickets at all: sealed ones, or stateful ones into the session store (with
// both, sealed ones: the store then only answers for the tickets it already holds).
[[nodiscard]] inline bool issues_tickets(const server_config& config) noexcept {
    return (!config.ticket_keys.empty() || config.session_store != nullptr) && config.clock != nullptr;
}
// Whether tickets go out by themselves after a handshake.
[[nodiscard]] inline bool sends_tickets(const server_config& config) noexcept {
    return issues_tickets(config) && config.tickets_after_handshake != 0;
}
// The most bytes of protected records `count` of our tickets take, in records of `max_fragment`.
[[nodiscard]] constexpr std::size_t tickets_size(std::size_t count, std::size_t max_fragment) noexcept {
    const std::size_t plain = count * (4 + 4 + 4 + 1 + 4 + 2 + max_sealed_ticket_size + 2);
    return plain + (plain + max_fragment - 1) / max_fragment * max_protected_overhead;
}

// What a ticket we issue is bound to: the connection's suite, resumption_master_secret, server
// name and ALPN protocol.
struct ticket_origin {
    const suite_info& suite;
    const secret& resumption_master;
    byte_view server_name;
    byte_view alpn;
};

static_assert(session_ticket_id_size <= max_sealed_ticket_size);  // tickets_size() holds for both kinds

// One NewSessionTicket of ours and the bytes its views point into (so it is not copied).
struct outgoing_ticket {
    std::uint8_t nonce[4] = {};
    bytes<max_sealed_ticket_size> body{};
    codec::new_session_ticket message{};
    outgoing_ticket() noexcept = default;
    outgoing_ticket(const outgoing_ticket&) = delete;
    outgoing_ticket& operator=(const outgoing_ticket&) = delete;
};

// Our ticket number `n` (its nonce, §4.6.1) and what resuming needs (the suite, the server name,
// the ALPN protocol, its issue time and lifetime) with the PSK it stands for: sealed into the
// ticket under our ticket key, or else kept in the session store under a random identifier,
// which is the ticket. False when none can be made (the store is full).
inline bool make_ticket(const server_config& config, const ticket_origin& origin, std::uint32_t n,
                        std::int64_t now_seconds, outgoing_ticket& out) noexcept {
    out.nonce[0] = static_cast<std::uint8_t>(n >> 24);
    out.nonce[1] = static_cast<std::uint8_t>(n >> 16);
    out.nonce[2] = static_cast<std::uint8_t>(n >> 8);
    out.nonce[3] = static_cast<std::uint8_t>(n);
    const secret psk = resumption_psk(origin.suite.hash, origin.resumption_master, out.nonce);
    bytes<4 + 24> random{};
    config.random->fill(random);
    ticket_contents c;
    c.suite = origin.suite.id;
    c.issued_at = now_seconds;
    c.lifetime = std::min(config.ticket_lifetime, codec::max_ticket_lifetime);
    c.age_add = std::uint32_t{random[0]} << 24 | std::uint32_t{random[1]} << 16 | std::uint32_t{random[2]} << 8 |
                random[3];
    c.psk = psk.view();
    c.max_early_data = have_psk ? std::min(config.max_early_data, max_early_data_limit) : 0;
    c.server_name_hash = binding_hash(origin.server_name);
    c.alpn_hash = binding_hash(origin.alpn);
    std::size_t size = 0;
    if (!config.ticket_keys.empty()) {
        size = seal_ticket(config.ticket_keys[0], std::span<const std::uint8_t, 24>(random.data() + 4, 24), c,
                           out.body);
    } else if (config.session_store != nullptr) {
        const byte_span id = byte_span(out.body).first(session_ticket_id_size);
        config.random->fill(id);
        const stored_session session{c.psk,     c.suite,          c.issued_at,        c.lifetime,
                                     c.age_add, c.max_early_data, origin.server_name, origin.alpn};
        if (config.session_store->put(id, session)) size = id.size();
    }
    if (size == 0) return false;
    out.message.lifetime = c.lifetime;
    out.message.age_add = c.age_add;
    out.message.nonce = out.nonce;
    out.message.ticket = byte_view(out.body).first(size);
    out.message.has_early_data = c.max_early_data != 0;
    out.message.max_early_data_size = c.max_early_data;
    return true;
}

}  // namespace carapace::tls::detail
