// Stateful session tickets (RFC 8446 §4.6.1, §8.1): instead of sealing what resuming needs into
// the ticket (ticket_keys.hpp), a server may hand out opaque identifiers and keep each session's
// PSK and parameters itself, e.g. in a database shared by a fleet. The server engine issues them
// (server_config::session_store): it generates a random identifier, derives the ticket's PSK and
// puts both into the store, so the PSK goes nowhere else. When a client resumes, the engine takes
// the identity back out: each ticket is used once, which is also what makes 0-RTT with it safe
// from replay (§8.1).
//
// server_ticket_store is the interface the engine calls; memory_session_store is a fixed-capacity
// default that keeps everything in the object (no heap) and wipes a PSK as soon as its session
// is taken or forgotten.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/cipher_suites.hpp"

namespace carapace::tls {

// The size of the identifiers the engine gives its stateful tickets: random, so unguessable.
inline constexpr std::size_t session_ticket_id_size = 32;

// What a server kept for one ticket it issued.
struct stored_session {
    byte_view psk;                     // the resumption PSK (secret), of the suite's hash size
    cipher_suite suite{};              // of the connection that issued the ticket
    std::int64_t issued_at = 0;        // seconds since the epoch, by the server's clock
    std::uint32_t lifetime = 0;        // seconds
    std::uint32_t age_add = 0;         // as sent in the NewSessionTicket
    std::uint32_t max_early_data = 0;  // as sent in the NewSessionTicket (0: none)
    byte_view server_name;             // the SNI of that connection (empty: none)
    byte_view alpn;                    // the ALPN protocol of that connection (empty: none)
};

// Where a server keeps the sessions of the opaque tickets it issues.
class server_ticket_store {
public:
    // Keeps `session` (its views valid only during the call: copy them) under the ticket `id`;
    // false when it cannot (full): that ticket is then not sent.
    virtual bool put(byte_view id, const stored_session& session) noexcept = 0;
    // Finds `ticket`, removes it, and describes it in `out` (its views valid until the next call
    // into the store); false when unknown.
    virtual bool take(byte_view ticket, stored_session& out) noexcept = 0;

protected:
    ~server_ticket_store() = default;
};

// Up to Capacity sessions in the object. A full store first forgets the sessions whose lifetime
// is over (by the issue time of the one being put), then refuses. Identifiers are compared in
// constant time; every slot is looked at (Capacity bounds the work).
template <std::size_t Capacity>
class memory_session_store final : public server_ticket_store {
    static_assert(Capacity > 0);

public:
    memory_session_store() noexcept = default;
    memory_session_store(const memory_session_store&) = delete;
    memory_session_store& operator=(const memory_session_store&) = delete;
    ~memory_session_store() {
        for (auto& s : slots_) s.wipe();
        taken_.wipe();
    }

    bool put(byte_view id, const stored_session& session) noexcept override {
        taken_.wipe();
        if (id.empty() || id.size() > session_ticket_id_size || session.psk.size() > max_hash_size ||
            session.server_name.size() > 255 || session.alpn.size() > 255)
            return false;
        slot* free = nullptr;
        for (auto& s : slots_) {
            if (s.used && expired(s, session.issued_at)) s.wipe();
            if (!s.used && free == nullptr) free = &s;
        }
        if (free == nullptr) return false;
        free->fill(id, session);
        return true;
    }

    bool take(byte_view ticket, stored_session& out) noexcept override {
        taken_.wipe();
        slot* found = nullptr;
        for (auto& s : slots_)
            if (s.used && ct::equal(ticket, s.id_view()) && found == nullptr) found = &s;
        if (found == nullptr) return false;
        taken_ = *found;
        found->wipe();
        out = taken_.session();
        return true;
    }

    // Sessions held now (expired ones included until a full store meets them).
    [[nodiscard]] std::size_t size() const noexcept {
        std::size_t n = 0;
        for (const auto& s : slots_) n += s.used ? 1 : 0;
        return n;
    }

private:
    struct slot {
        bytes<session_ticket_id_size> id{};
        std::uint8_t id_size = 0;
        bytes<max_hash_size> psk{};
        std::uint8_t psk_size = 0;
        cipher_suite suite{};
        std::int64_t issued_at = 0;
        std::uint32_t lifetime = 0, age_add = 0, max_early_data = 0;
        bytes<255> server_name{}, alpn{};
        std::uint8_t server_name_size = 0, alpn_size = 0;
        bool used = false;

        [[nodiscard]] byte_view id_view() const noexcept { return byte_view(id).first(id_size); }
        void fill(byte_view ticket, const stored_session& s) noexcept {
            copy(ticket, id, id_size);
            copy(s.psk, psk, psk_size);
            copy(s.server_name, server_name, server_name_size);
            copy(s.alpn, alpn, alpn_size);
            suite = s.suite;
            issued_at = s.issued_at;
            lifetime = s.lifetime;
            age_add = s.age_add;
            max_early_data = s.max_early_data;
            used = true;
        }
        [[nodiscard]] stored_session session() const noexcept {
            return {byte_view(psk).first(psk_size), suite, issued_at, lifetime, age_add, max_early_data,
                    byte_view(server_name).first(server_name_size), byte_view(alpn).first(alpn_size)};
        }
        void wipe() noexcept {
            secure_wipe(psk);
            *this = slot{};
        }
        template <std::size_t N>
        static void copy(byte_view from, bytes<N>& to, std::uint8_t& size) noexcept {
            for (std::size_t i = 0; i < from.size(); ++i) to[i] = from[i];
            size = static_cast<std::uint8_t>(from.size());
        }
    };
    static bool expired(const slot& s, std::int64_t now) noexcept {
        return now - s.issued_at > static_cast<std::int64_t>(s.lifetime);
    }

    std::array<slot, Capacity> slots_{};
    slot taken_{};  // the session take() described last, wiped at the next call
};

}  // namespace carapace::tls
