// Where a client keeps the session tickets servers give it (RFC 8446 §4.6.1), for resumption
// (§2.2). A ticket is stored with what it is bound to: the server name it came from, the ALPN
// protocol and cipher suite of its connection, its lifetime and age_add, and the resumption PSK
// the engine derived for it. The PSK is a secret: a store that writes tickets somewhere must
// protect them as it would a key.
//
// ticket_store is the small interface the client engine calls (put each ticket received, take one
// when it connects); memory_ticket_store is a fixed-capacity default. A ticket taken is gone
// (single use, §C.4 and §8.1 advise against reusing one), so a store never offers a ticket twice.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls {

// Largest ticket a client keeps (larger ones are not stored): our own server's are 194 bytes, other
// servers' commonly 100 to 300.
inline constexpr std::size_t max_stored_ticket_size = 512;

// One stored ticket and what it is bound to; the PSK is wiped when the object goes.
struct client_ticket {
    bytes<max_stored_ticket_size> ticket{};  // the opaque ticket, as the server sent it
    std::uint16_t ticket_size = 0;           // bytes used in `ticket`
    bytes<max_hash_size> psk{};  // the resumption PSK (secret)
    std::uint8_t psk_size = 0;   // bytes used in `psk`: the suite hash's size
    cipher_suite suite{};         // of the connection that got it: the PSK's hash is the suite's
    std::uint32_t age_add = 0;    // added to the ticket's age the client reports (§4.2.11.1)
    std::uint32_t lifetime = 0;   // seconds
    std::uint32_t max_early_data = 0;  // the ticket's early_data limit in bytes, 0 when it has none
    std::int64_t received_at = 0;  // seconds since the epoch, by the client's clock
    std::int64_t received_at_ms = 0;  // the same in milliseconds (clock::now_milliseconds), for its age
    bytes<255> server_name{};            // the name the client connected to (SNI)
    std::uint8_t server_name_size = 0;   // bytes used in `server_name`
    bytes<255> alpn{};  // the protocol negotiated, empty when none
    std::uint8_t alpn_size = 0;         // bytes used in `alpn`

    client_ticket() noexcept = default;
    client_ticket(const client_ticket&) noexcept = default;
    client_ticket& operator=(const client_ticket&) noexcept = default;
    ~client_ticket() { secure_wipe(psk); }

    // The ticket's bytes.
    [[nodiscard]] byte_view ticket_view() const noexcept { return byte_view(ticket).first(ticket_size); }
    // The resumption PSK's bytes.
    [[nodiscard]] byte_view psk_view() const noexcept { return byte_view(psk).first(psk_size); }
    // The server name, as text.
    [[nodiscard]] std::string_view name() const noexcept {
        return {reinterpret_cast<const char*>(server_name.data()), server_name_size};
    }
    // The ALPN protocol's bytes (empty when none).
    [[nodiscard]] byte_view alpn_view() const noexcept { return byte_view(alpn).first(alpn_size); }
    // Usable at `now`: received no later than now and within its lifetime.
    [[nodiscard]] bool fresh(std::int64_t now) const noexcept {
        return now >= received_at && now - received_at <= static_cast<std::int64_t>(lifetime);
    }
};

// The client's ticket storage: the engine puts what it receives and takes one to resume.
class ticket_store {
public:
    // Keeps a ticket (a full store makes room as it sees fit).
    virtual void put(const client_ticket& ticket) noexcept = 0;
    // Removes and hands over a ticket for `server_name` that is fresh at `now`; false when none.
    virtual bool take(std::string_view server_name, std::int64_t now, client_ticket& out) noexcept = 0;

protected:
    ~ticket_store() = default;
};

// Up to Capacity tickets in the object; a full store drops its oldest. Takes the newest fresh
// ticket for a name, and forgets the stale ones it meets.
template <std::size_t Capacity>
class memory_ticket_store final : public ticket_store {
    static_assert(Capacity > 0);

public:
    void put(const client_ticket& ticket) noexcept override {
        std::size_t at = count_;
        if (count_ == Capacity) {
            at = oldest();
        } else {
            ++count_;
        }
        slots_[at].ticket = ticket;
        slots_[at].order = ++clock_;
    }
    bool take(std::string_view server_name, std::int64_t now, client_ticket& out) noexcept override {
        for (std::size_t i = 0; i < count_;) {
            if (slots_[i].ticket.fresh(now)) {
                ++i;
            } else {
                remove(i);
            }
        }
        bool found = false;
        std::size_t best = 0;
        for (std::size_t i = 0; i < count_; ++i)
            if (slots_[i].ticket.name() == server_name && (!found || slots_[i].order > slots_[best].order)) {
                best = i;
                found = true;
            }
        if (!found) return false;
        out = slots_[best].ticket;
        remove(best);
        return true;
    }
    // Tickets held now (stale ones included until take() meets them).
    [[nodiscard]] std::size_t size() const noexcept { return count_; }

private:
    struct slot {
        client_ticket ticket{};
        std::uint64_t order = 0;
    };
    [[nodiscard]] std::size_t oldest() const noexcept {
        std::size_t o = 0;
        for (std::size_t i = 1; i < count_; ++i)
            if (slots_[i].order < slots_[o].order) o = i;
        return o;
    }
    void remove(std::size_t i) noexcept {
        slots_[i] = slots_[count_ - 1];
        slots_[count_ - 1] = slot{};
        --count_;
    }
    std::array<slot, Capacity> slots_{};
    std::size_t count_ = 0;
    std::uint64_t clock_ = 0;
};

}  // namespace carapace::tls
