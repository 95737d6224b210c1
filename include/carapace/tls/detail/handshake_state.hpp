// What a connection keeps only while a handshake is in progress, beside the role's own part: the
// transcript, the key schedule's handshake and master stages, the handshake traffic secrets, the
// peer's leaf key for its CertificateVerify and what our CertificateVerify signs. It lives in
// handshake_storage.hpp's storage and is wiped with it when the handshake is over.
#pragma once

#include <cstddef>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/detail/codec/certificate_verify.hpp"
#include "carapace/tls/detail/key_schedule.hpp"
#include "carapace/tls/detail/transcript.hpp"

namespace carapace::tls::detail {

// Largest SubjectPublicKeyInfo of a peer leaf we keep to check its CertificateVerify.
inline constexpr std::size_t max_peer_key_size = 1024;

// What the shared layer keeps only during a handshake.
struct shared_handshake_state {
    transcript hashes{};
    handshake_secret handshake{};
    master_secret master{};
    traffic_pair traffic{};  // handshake traffic secrets
    bytes<max_peer_key_size> peer_key{};
    std::size_t peer_key_size = 0;
    bytes<codec::max_signed_content_size> signed_content{};  // what our CertificateVerify signs
    std::size_t signed_size = 0;
};

template <class RoleState>
struct handshake_state {
    shared_handshake_state shared;
    RoleState role;
};

}  // namespace carapace::tls::detail
