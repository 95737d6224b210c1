// The PSKs a client offers (RFC 8446 §4.2.11) and the tickets it keeps (§4.6.1): a session ticket
// taken from the client's ticket store and the configured external PSKs, in the order the
// ClientHello lists them; their identities (a ticket's with its obfuscated age, §4.2.11.1), their
// binders (§4.2.11.2), the room they take in a hello; and, after a handshake, the ticket a
// NewSessionTicket stands for, put in the store. The state machine (client.hpp) decides when a
// hello is written; this decides what its PSK extensions say. It lives in the client's handshake
// state and is wiped with it: it holds the ticket's PSK.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/detail/codec/client_hello.hpp"
#include "carapace/tls/detail/codec/new_session_ticket.hpp"
#include "carapace/tls/detail/key_schedule.hpp"
#include "carapace/tls/detail/psk/binder.hpp"
#include "carapace/tls/psk/external_psk.hpp"
#include "carapace/tls/tickets/ticket_store.hpp"

namespace carapace::tls::detail {

// Whether the client's configuration offers the PSK key exchange mode `m` (§4.2.9).
[[nodiscard]] inline bool offers_psk_mode(const client_config& config, psk_mode m) noexcept {
    if constexpr (!have_psk) return false;
    return std::find(config.psk_modes.begin(), config.psk_modes.end(), m) != config.psk_modes.end();
}

// What a hello's psk_key_exchange_modes and pre_shared_key extensions point into while it is
// encoded (the binders are placeholders of the right size until computed over the hello).
struct psk_extension_lists {
    std::array<std::uint8_t, 2> modes{};
    std::array<codec::psk_identity, max_offered_psks> identities{};
    std::array<byte_view, max_offered_psks> binders{};
};

class client_psk_offer {
public:
    // One PSK offered: the ticket, or an external PSK (an index into config.external_psks).
    struct offered_psk {
        bool resumption = false;
        std::uint8_t external = 0;
        hash_kind hash = hash_kind::sha256;
    };
#if !defined(CARAPACE_TLS_NO_PSK)
    // What the ClientHello needs of the ticket taken from the store for this handshake.
    struct held_ticket {
        bytes<max_stored_ticket_size> ticket{};
        std::uint16_t size = 0;
        bytes<max_hash_size> psk{};
        std::uint8_t psk_size = 0;
        hash_kind hash = hash_kind::sha256;
        std::uint32_t age_add = 0;
        std::int64_t received_at_ms = 0;
        cipher_suite suite{};  // 0-RTT uses the ticket's own suite (§4.2.10)
        std::uint32_t max_early_data = 0;
        [[nodiscard]] byte_view ticket_view() const noexcept { return byte_view(ticket).first(size); }
        [[nodiscard]] byte_view psk_view() const noexcept { return byte_view(psk).first(psk_size); }
    };
    // The ticket taken for this handshake (see has_ticket).
    [[nodiscard]] const held_ticket& ticket() const noexcept { return ticket_; }
#endif

    // A ticket for our server name from the store, kept only when it fits this configuration:
    // fresh, of a suite's hash we offer, its ALPN protocol one we still offer (§4.6.1, §4.2.11).
    void take_ticket(const client_config& config, std::optional<std::int64_t> now) noexcept {
#if !defined(CARAPACE_TLS_NO_PSK)
        have_ticket_ = false;
        if (config.tickets == nullptr || !now || config.server_name.empty()) return;
        client_ticket t;
        if (!config.tickets->take(config.server_name, *now, t)) return;
        const auto suite = find_suite(static_cast<std::uint16_t>(t.suite));
        if (!t.fresh(*now) || t.name() != config.server_name || !suite || t.psk_size != suite->hash_size ||
            t.ticket_size == 0 || t.ticket_size > max_stored_ticket_size)
            return;
        bool hash_offered = false;
        for (const cipher_suite s : config.cipher_suites)
            if (const auto info = find_suite(static_cast<std::uint16_t>(s)); info && info->hash == suite->hash)
                hash_offered = true;
        bool alpn_offered = t.alpn_size == 0;
        for (const auto p : config.alpn)
            alpn_offered = alpn_offered || codec::same_bytes(t.alpn_view(), codec::text_bytes(p));
        if (!hash_offered || !alpn_offered) return;
        std::copy(t.ticket_view().begin(), t.ticket_view().end(), ticket_.ticket.begin());
        ticket_.size = t.ticket_size;
        std::copy(t.psk_view().begin(), t.psk_view().end(), ticket_.psk.begin());
        ticket_.psk_size = t.psk_size;
        ticket_.hash = suite->hash;
        ticket_.age_add = t.age_add;
        ticket_.received_at_ms = t.received_at_ms;
        ticket_.suite = t.suite;
        ticket_.max_early_data = t.max_early_data;
        have_ticket_ = true;
#else
        static_cast<void>(config);
        static_cast<void>(now);
#endif
    }

    // The PSKs a ClientHello offers: the ticket first, then the configured ones, at most
    // max_offered_psks; after a HelloRetryRequest (`retry_hash`: the chosen suite's hash) only
    // those of that hash (§4.1.4).
    void choose(const client_config& config, std::optional<hash_kind> retry_hash) noexcept {
        count_ = 0;
        if (!offers_psk_mode(config, psk_mode::psk_ke) && !offers_psk_mode(config, psk_mode::psk_dhe_ke)) return;
#if !defined(CARAPACE_TLS_NO_PSK)
        if (have_ticket_ && (!retry_hash || ticket_.hash == *retry_hash)) psks_[count_++] = {true, 0, ticket_.hash};
#endif
        const auto& psks = config.external_psks;
        for (std::size_t i = 0; i < psks.size() && i <= 0xff && count_ < max_offered_psks; ++i) {
            if (retry_hash && psks[i].hash != *retry_hash) continue;
            if (!have_sha384 && psks[i].hash == hash_kind::sha384) continue;
            psks_[count_++] = {false, static_cast<std::uint8_t>(i), psks[i].hash};
        }
    }

    // How many PSKs the latest hello offers, and each in its order.
    [[nodiscard]] std::size_t count() const noexcept { return count_; }
    [[nodiscard]] const offered_psk& at(std::size_t i) const noexcept { return psks_[i]; }
    // The key of an offered PSK.
    [[nodiscard]] byte_view key(const client_config& config, const offered_psk& p) const noexcept {
#if !defined(CARAPACE_TLS_NO_PSK)
        if (p.resumption) return ticket_.psk_view();
#endif
        return config.external_psks[p.external].key;
    }
    // §4.2.10: early data may go with the first PSK offered when it is the ticket and the ticket
    // allows it.
    [[nodiscard]] bool first_allows_early_data() const noexcept {
#if !defined(CARAPACE_TLS_NO_PSK)
        return have_ticket_ && ticket_.max_early_data != 0 && count_ != 0 && psks_[0].resumption;
#else
        return false;
#endif
    }

    // The hello's PSK extensions (§4.2.9, §4.2.11), pointing into `lists`, when it offers any.
    void add_to_hello(const client_config& config, psk_extension_lists& lists, codec::client_hello& ch) const noexcept {
        if (!have_psk || count_ == 0) return;
        static constexpr bytes<max_hash_size> placeholder{};
        std::size_t mode_count = 0;
        for (const psk_mode m : {psk_mode::psk_dhe_ke, psk_mode::psk_ke})
            if (offers_psk_mode(config, m)) lists.modes[mode_count++] = static_cast<std::uint8_t>(m);
        for (std::size_t i = 0; i < count_; ++i) {
            const auto& p = psks_[i];
#if !defined(CARAPACE_TLS_NO_PSK)
            if (p.resumption) {
                // §4.2.11.1: the ticket's age in milliseconds plus age_add, modulo 2^32.
                const auto now_ms = config.clock != nullptr ? config.clock->now_milliseconds() : std::nullopt;
                const auto age = static_cast<std::uint32_t>(now_ms.value_or(0) - ticket_.received_at_ms);
                lists.identities[i] = {ticket_.ticket_view(), age + ticket_.age_add};
            } else
#endif
            {
                lists.identities[i] = {config.external_psks[p.external].identity, 0};  // §4.2.11: 0 for external
            }
            lists.binders[i] = byte_view(placeholder).first(hash_size(p.hash));
        }
        ch.psk_key_exchange_modes = byte_view(lists.modes).first(mode_count);
        ch.psk_identities = std::span<const codec::psk_identity>(lists.identities).first(count_);
        ch.psk_binders = std::span<const byte_view>(lists.binders).first(count_);
    }

    // §4.2.11.2: each binder over the transcript so far and the hello up to its binders list;
    // `prefix_hash(kind, truncated_hello)` hashes the transcript followed by that prefix.
    template <class PrefixHash>
    bool fill_binders(const client_config& config, byte_span hello, PrefixHash&& prefix_hash) const noexcept {
        if (!have_psk || count_ == 0) return true;
        std::size_t list = 2;
        for (std::size_t i = 0; i < count_; ++i) list += 1 + hash_size(psks_[i].hash);
        if (list > hello.size()) return false;
        const std::size_t truncated = hello.size() - list;
        std::array<digest, max_offered_psks> values{};
        std::array<byte_view, max_offered_psks> views{};
        for (std::size_t i = 0; i < count_; ++i) {
            const auto& p = psks_[i];
            const digest prefix = prefix_hash(p.hash, byte_view(hello.first(truncated)));
            values[i] = psk_binder(p.hash, key(config, p), p.resumption, prefix.view());
            views[i] = values[i].view();
        }
        return codec::fill_binders(hello, truncated, std::span<const byte_view>(views).first(count_));
    }

    // The most bytes the PSK extensions add to a hello.
    [[nodiscard]] static std::size_t hello_bound(const client_config& config) noexcept {
        if constexpr (!have_psk) return 0;
        std::size_t n = 4 + 2 + 6 + 4;  // psk_key_exchange_modes and pre_shared_key's headers
        for (std::size_t i = 0; i < config.external_psks.size() && i < max_offered_psks; ++i)
            n += 2 + config.external_psks[i].identity.size() + 4 + 1 + max_hash_size;
        if (config.tickets != nullptr) n += 2 + max_stored_ticket_size + 4 + 1 + max_hash_size;
        return n;
    }

private:
    std::array<offered_psk, max_offered_psks> psks_{};
    std::size_t count_ = 0;
#if !defined(CARAPACE_TLS_NO_PSK)
    held_ticket ticket_{};
    bool have_ticket_ = false;
#endif
};

// §4.6.1: a NewSessionTicket received on a connection of `suite` (with `alpn` negotiated) goes
// into config.tickets with the PSK it stands for and what it is bound to, when there is a store,
// the clock knows the time, and the ticket fits.
inline void keep_ticket(const client_config& config, const codec::new_session_ticket& nst, const suite_info& suite,
                        const secret& resumption_master, byte_view alpn) noexcept {
    if constexpr (!have_psk) return;
    if (config.tickets == nullptr || config.clock == nullptr || nst.lifetime == 0 ||
        nst.ticket.size() > max_stored_ticket_size || config.server_name.size() > 255)
        return;
    const std::optional<std::int64_t> time = config.clock->now();
    if (!time) return;
    const std::int64_t now = *time;
    client_ticket t;
    std::copy(nst.ticket.begin(), nst.ticket.end(), t.ticket.begin());
    t.ticket_size = static_cast<std::uint16_t>(nst.ticket.size());
    const secret psk = resumption_psk(suite.hash, resumption_master, nst.nonce);
    std::copy(psk.view().begin(), psk.view().end(), t.psk.begin());
    t.psk_size = static_cast<std::uint8_t>(psk.size());
    t.suite = suite.id;
    t.age_add = nst.age_add;
    t.lifetime = nst.lifetime;
    t.max_early_data = nst.has_early_data ? nst.max_early_data_size : 0;
    t.received_at = now;
    t.received_at_ms = config.clock->now_milliseconds().value_or(now * 1000);
    std::copy(config.server_name.begin(), config.server_name.end(), t.server_name.begin());
    t.server_name_size = static_cast<std::uint8_t>(config.server_name.size());
    const std::size_t alpn_size = std::min<std::size_t>(alpn.size(), 255);
    std::copy(alpn.begin(), alpn.begin() + static_cast<std::ptrdiff_t>(alpn_size), t.alpn.begin());
    t.alpn_size = static_cast<std::uint8_t>(alpn_size);
    config.tickets->put(t);
}

}  // namespace carapace::tls::detail
