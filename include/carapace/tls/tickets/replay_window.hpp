// Replay protection for 0-RTT (RFC 8446 §8.2): a server that accepts early data records each
// ClientHello that carries it, keyed by its PSK binder (unique to the hello), for a window of
// time, and takes early data only from a hello it has not seen. A hello older than the window is
// refused by the ticket-age freshness check (§8.3), so the record need hold no more than the
// window. A record that cannot take a new entry (full of live ones) refuses: early data is then
// rejected and the handshake goes on in 1-RTT, which is always safe.
//
// client_hello_recorder is the small interface the server engine calls; a fleet of servers that
// share ticket keys shares one recorder (e.g. over a network store) so that a hello replayed to
// another server is seen too. memory_client_hello_recorder is a fixed-capacity default for one
// process.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/cipher_suites.hpp"

namespace carapace::tls {

// Records 0-RTT ClientHellos for the server (see above).
class client_hello_recorder {
public:
    // Records `binder` seen at `now` (seconds); true only when it was not recorded within the
    // last `window` seconds and there was room to record it.
    virtual bool record_once(byte_view binder, std::int64_t now, std::uint32_t window) noexcept = 0;

protected:
    ~client_hello_recorder() = default;
};

// Up to Capacity binders held in the object; entries older than the window make room. Capacity
// bounds the work per hello, and the 0-RTT hellos a server accepts per window.
template <std::size_t Capacity>
class memory_client_hello_recorder final : public client_hello_recorder {
    static_assert(Capacity > 0);

public:
    // See client_hello_recorder::record_once; at most Capacity comparisons.
    bool record_once(byte_view binder, std::int64_t now, std::uint32_t window) noexcept override {
        if (binder.empty() || binder.size() > max_hash_size) return false;
        std::size_t free_slot = Capacity;
        for (std::size_t i = 0; i < Capacity; ++i) {
            entry& e = entries_[i];
            const bool live = e.size != 0 && now >= e.seen && now - e.seen <= static_cast<std::int64_t>(window);
            if (!live) {
                if (free_slot == Capacity) free_slot = i;
                continue;
            }
            if (e.size == binder.size() && std::equal(binder.begin(), binder.end(), e.binder.begin())) return false;
        }
        if (free_slot == Capacity) return false;
        entry& e = entries_[free_slot];
        std::copy(binder.begin(), binder.end(), e.binder.begin());
        e.size = static_cast<std::uint8_t>(binder.size());
        e.seen = now;
        return true;
    }

private:
    struct entry {
        bytes<max_hash_size> binder{};
        std::uint8_t size = 0;  // 0: free
        std::int64_t seen = 0;
    };
    std::array<entry, Capacity> entries_{};
};

}  // namespace carapace::tls
