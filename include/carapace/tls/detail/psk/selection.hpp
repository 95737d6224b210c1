// The server's choice of a PSK (RFC 8446 §4.2.9, §4.2.11): which of the client's identities it
// takes, with which key exchange mode and cipher suite, as a plain function of a decoded
// ClientHello and the server's configuration (like negotiation.hpp). The binder of the chosen
// identity is checked by the state machine afterwards: it needs the transcript.
//
// The work stays bounded: a ClientHello may list thousands of identities, and a server may know
// many PSKs, so only the first max_examined_psk_identities identities are looked at.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/psk/external_psk.hpp"
#include "carapace/tls/detail/codec/client_hello.hpp"

namespace carapace::tls::detail {

struct psk_choice {
    bool chosen = false;
    bool resumption = false;           // a ticket of ours, else an external PSK
    std::uint16_t identity = 0;        // the client's index, for ServerHello.selected_identity
    std::size_t ours = 0;              // index into the server's external_psks
    psk_mode mode = psk_mode::psk_dhe_ke;
    suite_info suite{all_suites[0]};
};

// Whether the client's psk_key_exchange_modes lists `m` (§4.2.9; unknown values are ignored).
[[nodiscard]] constexpr bool client_offers_mode(const codec::client_hello& ch, psk_mode m) noexcept {
    for (const std::uint8_t b : ch.psk_key_exchange_modes)
        if (b == static_cast<std::uint8_t>(m)) return true;
    return false;
}

// The first of our modes the client accepts; false when none.
[[nodiscard]] constexpr bool choose_psk_mode(const codec::client_hello& ch, std::span<const psk_mode> modes,
                                             psk_mode& out) noexcept {
    for (const psk_mode m : modes)
        if (client_offers_mode(ch, m)) {
            out = m;
            return true;
        }
    return false;
}

// Our most preferred suite the client lists with the hash `kind`; false when there is none.
[[nodiscard]] constexpr bool suite_for_hash(const codec::client_hello& ch, std::span<const cipher_suite> ours,
                                            hash_kind kind, suite_info& out) noexcept {
    for (const cipher_suite s : ours) {
        const auto info = find_suite(static_cast<std::uint16_t>(s));
        if (info && info->hash == kind && ch.cipher_suites.contains(s)) {
            out = *info;
            return true;
        }
    }
    return false;
}

// The first identity (client order) among the first max_examined_psk_identities that is one of
// ours, with a usable suite and a mode both sides accept (ours in our order). Nothing chosen when
// the client offers no PSK, or none of ours fits: the handshake then goes on without one.
[[nodiscard]] constexpr psk_choice choose_external_psk(const codec::client_hello& ch,
                                                       std::span<const external_psk> ours,
                                                       std::span<const psk_mode> modes,
                                                       std::span<const cipher_suite> suites) noexcept {
    psk_choice out;
    if (ours.empty() || ch.psk_identities.empty()) return out;
    if (!choose_psk_mode(ch, modes, out.mode)) return out;
    std::size_t pos = 0;
    const std::size_t examined = ch.psk_identities.size() < max_examined_psk_identities ? ch.psk_identities.size()
                                                                                          : max_examined_psk_identities;
    for (std::size_t i = 0; i < examined; ++i) {
        const codec::psk_identity id = ch.psk_identities.next(pos);
        for (std::size_t k = 0; k < ours.size(); ++k) {
            if (ours[k].key.empty() || !codec::same_bytes(ours[k].identity, id.identity)) continue;
            if (!suite_for_hash(ch, suites, ours[k].hash, out.suite)) continue;
            out.chosen = true;
            out.identity = static_cast<std::uint16_t>(i);
            out.ours = k;
            return out;
        }
    }
    return out;
}

}  // namespace carapace::tls::detail
