// The post-quantum TLS 1.3 groups, as key_exchange objects: MLKEM768 (0x0201,
// draft-ietf-tls-mlkem) and the hybrids X25519MLKEM768 (0x11EC) and SecP256r1MLKEM768 (0x11EB)
// of draft-ietf-tls-ecdhe-mlkem. A KEM is not Diffie-Hellman: the client's share is an ML-KEM-768
// encapsulation key, the server answers with a ciphertext encapsulated to it (FIPS 203), and
// the shared secret is what both ends derive from it.
//
// A hybrid concatenates an ML-KEM-768 exchange and an ECDHE exchange, each field of fixed size.
// The order is the draft's, and it differs between the two hybrids:
//   X25519MLKEM768:    client ek || X25519 public, server ct || X25519 public,
//                      secret ML-KEM secret || X25519 secret (ML-KEM first, as FIPS requires
//                      of an approved secret combined with another);
//   SecP256r1MLKEM768: client P-256 point || ek, server P-256 point || ct,
//                      secret ECDH secret || ML-KEM secret.
// A share of the wrong length, an encapsulation key failing the modulus check (FIPS 203 §7.2),
// an invalid P-256 point or an all-zero X25519 result makes respond/finish return 0, which the
// engine answers with illegal_parameter.
//
// The client keeps its ML-KEM decapsulation key as the 64-byte seed d || z and re-derives the
// expanded key when the server answers, so its state is 96 bytes (seed and ECDHE scalar), not
// the 2,400 bytes of an expanded key. Each object is stateless. Left out of builds with
// CARAPACE_NO_MLKEM (see interfaces.hpp).
#pragma once

#include <cstddef>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/kem/mlkem.hpp"
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/key_exchanges.hpp"
#include "carapace/tls/protocol.hpp"

#if defined(CARAPACE_NO_MLKEM)
#error "hybrid_key_exchanges.hpp: this build leaves the ML-KEM groups out (CARAPACE_NO_MLKEM)"
#endif

namespace carapace::tls {

namespace detail {

// The ML-KEM-768 half of a group: the client's seed, the server's encapsulation.
struct mlkem768_part {
    using kem = mlkem768;
    static constexpr std::size_t state_size = kem::seed_size;
    static constexpr std::size_t client_share = kem::encapsulation_key_size;
    static constexpr std::size_t server_share = kem::ciphertext_size;
    static constexpr std::size_t secret_size = kem::shared_secret_size;

    static errc generate(random_source& rng, fixed_span<state_size> seed, fixed_span<client_share> ek) noexcept {
        rng.fill(seed);
        kem::decapsulation_key dk{};  // only the seed is kept
        const errc e = kem::keygen(seed, ek, dk);
        secure_wipe(dk);
        return e;
    }
    static bool finish(fixed_view<state_size> seed, fixed_view<server_share> ct, fixed_span<secret_size> secret) noexcept {
        return kem::decapsulate_seed(seed, ct, secret) == errc::ok;
    }
    // False when the encapsulation key fails the modulus check.
    static bool respond(random_source& rng, fixed_view<client_share> ek, fixed_span<server_share> ct,
                        fixed_span<secret_size> secret) noexcept {
        bytes<32> m{};
        rng.fill(m);
        const errc e = kem::encapsulate(ek, m, ct, secret);
        secure_wipe(m);
        return e == errc::ok;
    }
};

// The X25519 half (RFC 7748): 32-byte shares, an all-zero result refused (RFC 8446 §7.4.2).
struct x25519_part {
    static constexpr std::size_t scalar_size = 32;
    static constexpr std::size_t share_size = 32;
    static constexpr std::size_t secret_size = 32;

    static errc generate(random_source& rng, fixed_span<scalar_size> scalar, fixed_span<share_size> share) noexcept {
        rng.fill(scalar);
        x25519_public_key(share, scalar);
        return errc::ok;
    }
    static bool agree(fixed_view<scalar_size> scalar, fixed_view<share_size> peer, fixed_span<secret_size> secret) noexcept {
        return x25519(secret, scalar, peer) == errc::ok;
    }
};

// The P-256 half: uncompressed points only (RFC 8446 §4.2.8.2), validated by ecdh.
struct p256_part {
    static constexpr std::size_t scalar_size = p256::scalar_size;
    static constexpr std::size_t share_size = p256::uncompressed_size;
    static constexpr std::size_t secret_size = p256::field_size;

    static errc generate(random_source& rng, fixed_span<scalar_size> scalar, fixed_span<share_size> share) noexcept {
        return draw_ec_key_pair<p256>(rng, scalar, share);
    }
    static bool agree(fixed_view<scalar_size> scalar, fixed_view<share_size> peer, fixed_span<secret_size> secret) noexcept {
        return is_uncompressed_share<p256>(peer) && ecdh<p256>(secret, scalar, peer) == errc::ok;
    }
};

// Where each half sits in a share or secret: the KEM's field first or second.
template <std::size_t KemSize, std::size_t EcSize, bool KemFirst>
struct hybrid_layout {
    static constexpr std::size_t size = KemSize + EcSize;
    static constexpr std::size_t kem_at = KemFirst ? 0 : EcSize;
    static constexpr std::size_t ec_at = KemFirst ? KemSize : 0;
};

}  // namespace detail

// An ECDHE-MLKEM hybrid group (draft-ietf-tls-ecdhe-mlkem §3). Client state: the ML-KEM seed in
// bytes [0, 64), the ECDHE scalar after it.
template <class Ec, named_group Group, bool KemFirst>
class ecdhe_mlkem_key_exchange final : public key_exchange {
    using kem = detail::mlkem768_part;
    using client_layout = detail::hybrid_layout<kem::client_share, Ec::share_size, KemFirst>;
    using server_layout = detail::hybrid_layout<kem::server_share, Ec::share_size, KemFirst>;
    using secret_layout = detail::hybrid_layout<kem::secret_size, Ec::secret_size, KemFirst>;
    static constexpr std::size_t scalar_at = kem::state_size;
    static_assert(scalar_at + Ec::scalar_size <= max_key_exchange_state);
    static_assert(client_layout::size <= max_key_share_size && server_layout::size <= max_key_share_size);
    static_assert(secret_layout::size <= max_shared_secret_size);

public:
    // The client's share size in bytes.
    static constexpr std::size_t client_share_size = client_layout::size;
    // The server's share size in bytes.
    static constexpr std::size_t server_share_size = server_layout::size;
    // The shared secret size in bytes.
    static constexpr std::size_t secret_size = secret_layout::size;

    // The group's code.
    named_group group() const noexcept override { return Group; }
    std::size_t share_size() const noexcept override { return client_share_size; }
    std::size_t response_size() const noexcept override { return server_share_size; }

    errc generate(random_source& rng, std::span<std::uint8_t, max_key_exchange_state> state,
                  byte_span share) noexcept override {
        if (share.size() != client_share_size) return errc::invalid_argument;
        errc e = kem::generate(rng, state.template first<kem::state_size>(),
                               share.subspan(client_layout::kem_at).template first<kem::client_share>());
        if (e == errc::ok)
            e = Ec::generate(rng, state.template subspan<scalar_at, Ec::scalar_size>(),
                             share.subspan(client_layout::ec_at).template first<Ec::share_size>());
        if (e != errc::ok) secure_wipe(state);
        return e;
    }

    std::size_t finish(std::span<const std::uint8_t, max_key_exchange_state> state, byte_view peer_share,
                       std::span<std::uint8_t, max_shared_secret_size> secret) noexcept override {
        if (peer_share.size() != server_share_size) return 0;
        const bool ec_ok = Ec::agree(state.template subspan<scalar_at, Ec::scalar_size>(),
                                     peer_share.subspan(server_layout::ec_at).template first<Ec::share_size>(),
                                     secret.subspan(secret_layout::ec_at).template first<Ec::secret_size>());
        const bool kem_ok = ec_ok && kem::finish(state.template first<kem::state_size>(),
                                                 peer_share.subspan(server_layout::kem_at).template first<kem::server_share>(),
                                                 secret.subspan(secret_layout::kem_at).template first<kem::secret_size>());
        if (kem_ok) return secret_size;
        secure_wipe(secret);
        return 0;
    }

    std::size_t respond(random_source& rng, byte_view peer_share, byte_span share,
                        std::span<std::uint8_t, max_shared_secret_size> secret) noexcept override {
        if (peer_share.size() != client_share_size || share.size() != server_share_size) return 0;
        const bool kem_ok = kem::respond(rng, peer_share.subspan(client_layout::kem_at).template first<kem::client_share>(),
                                         share.subspan(server_layout::kem_at).template first<kem::server_share>(),
                                         secret.subspan(secret_layout::kem_at).template first<kem::secret_size>());
        bytes<Ec::scalar_size> scalar{};
        bool ok = kem_ok && Ec::generate(rng, scalar, share.subspan(server_layout::ec_at).template first<Ec::share_size>()) ==
                                errc::ok;
        ok = ok && Ec::agree(scalar, peer_share.subspan(client_layout::ec_at).template first<Ec::share_size>(),
                             secret.subspan(secret_layout::ec_at).template first<Ec::secret_size>());
        secure_wipe(scalar);
        if (ok) return secret_size;
        secure_wipe(secret);
        return 0;
    }
};

// X25519MLKEM768: X25519 and ML-KEM-768 together, the default group.
using x25519_mlkem768_key_exchange =
    ecdhe_mlkem_key_exchange<detail::x25519_part, named_group::x25519_mlkem768, true>;
// SecP256r1MLKEM768: P-256 ECDHE and ML-KEM-768 together.
using p256_mlkem768_key_exchange =
    ecdhe_mlkem_key_exchange<detail::p256_part, named_group::secp256r1_mlkem768, false>;

// ML-KEM-768 alone (draft-ietf-tls-mlkem): the client's share is the encapsulation key, the
// server's the ciphertext, the secret ML-KEM's 32 bytes. Client state: the seed d || z.
class mlkem768_key_exchange final : public key_exchange {
    using kem = detail::mlkem768_part;

public:
    // The client's share size in bytes.
    static constexpr std::size_t client_share_size = kem::client_share;
    // The server's share size in bytes.
    static constexpr std::size_t server_share_size = kem::server_share;
    // The shared secret size in bytes.
    static constexpr std::size_t secret_size = kem::secret_size;

    // The group's code.
    named_group group() const noexcept override { return named_group::mlkem768; }
    std::size_t share_size() const noexcept override { return client_share_size; }
    std::size_t response_size() const noexcept override { return server_share_size; }

    errc generate(random_source& rng, std::span<std::uint8_t, max_key_exchange_state> state,
                  byte_span share) noexcept override {
        if (share.size() != client_share_size) return errc::invalid_argument;
        const errc e = kem::generate(rng, state.first<kem::state_size>(), share.first<client_share_size>());
        if (e != errc::ok) secure_wipe(state);
        return e;
    }

    std::size_t finish(std::span<const std::uint8_t, max_key_exchange_state> state, byte_view peer_share,
                       std::span<std::uint8_t, max_shared_secret_size> secret) noexcept override {
        if (peer_share.size() != server_share_size) return 0;
        if (kem::finish(state.first<kem::state_size>(), peer_share.first<server_share_size>(), secret.first<secret_size>()))
            return secret_size;
        secure_wipe(secret);
        return 0;
    }

    std::size_t respond(random_source& rng, byte_view peer_share, byte_span share,
                        std::span<std::uint8_t, max_shared_secret_size> secret) noexcept override {
        if (peer_share.size() != client_share_size || share.size() != server_share_size) return 0;
        if (kem::respond(rng, peer_share.first<client_share_size>(), share.first<server_share_size>(),
                         secret.first<secret_size>()))
            return secret_size;
        secure_wipe(secret);
        return 0;
    }
};

}  // namespace carapace::tls
