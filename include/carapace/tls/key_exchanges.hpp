// The (EC)DHE groups of RFC 8446 §4.2.7 this library implements, as key_exchange objects:
// x25519 (RFC 7748), secp256r1 and secp384r1 (§4.2.8.2: shares are uncompressed SEC 1 points,
// the peer's point is validated, the shared secret is the x-coordinate of the ECDH result).
// Each is stateless: one object serves any number of connections.
#pragma once

#include <cstddef>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls {

// X25519 (RFC 7748): shares are 32-byte u-coordinates.
class x25519_key_exchange final : public key_exchange {
public:
    // The group's code.
    named_group group() const noexcept override { return named_group::x25519; }
    std::size_t share_size() const noexcept override { return 32; }

    errc generate(random_source& rng, std::span<std::uint8_t, max_key_exchange_state> state,
                  byte_span share) noexcept override {
        if (share.size() != 32) return errc::invalid_argument;
        rng.fill(state.first<32>());
        x25519_public_key(share.first<32>(), state.first<32>());
        return errc::ok;
    }

    std::size_t finish(std::span<const std::uint8_t, max_key_exchange_state> state, byte_view peer_share,
                       std::span<std::uint8_t, max_shared_secret_size> secret) noexcept override {
        if (peer_share.size() != 32) return 0;
        // §7.4.2: an all-zero shared secret (a low-order peer point) aborts the handshake.
        return x25519(secret.first<32>(), state.first<32>(), peer_share.first<32>()) == errc::ok ? 32 : 0;
    }

    std::size_t respond(random_source& rng, byte_view peer_share, byte_span share,
                        std::span<std::uint8_t, max_shared_secret_size> secret) noexcept override {
        if (peer_share.size() != 32 || share.size() != 32) return 0;
        bytes<32> private_key{};
        rng.fill(private_key);
        x25519_public_key(share.first<32>(), private_key);
        const errc e = x25519(secret.first<32>(), private_key, peer_share.first<32>());
        secure_wipe(private_key);
        return e == errc::ok ? 32 : 0;
    }
};

namespace detail {

// Random draws for a NIST private scalar before giving up. A draw is refused only when it is 0 or
// at least the group order (for P-256 about one in 2^32, for P-384 one in 2^190), so running out
// means the random source is broken (stuck at zero or at all ones).
inline constexpr int max_scalar_draws = 16;

// A key pair: a scalar in [1, n) drawn by rejection (FIPS 186-5 §A.4.2), not reduced modulo n,
// so that it is uniform; its public point into `point`. errc::invalid_argument (scalar wiped)
// when every draw was refused. Which draws were refused says nothing about the one kept.
template <class Curve>
errc draw_ec_key_pair(random_source& rng, fixed_span<Curve::scalar_size> scalar,
                      fixed_span<Curve::uncompressed_size> point) noexcept {
    for (int i = 0; i < max_scalar_draws; ++i) {
        rng.fill(scalar);
        if (ec_public_key<Curve>(point, scalar) == errc::ok) return errc::ok;
    }
    secure_wipe(scalar);
    return errc::invalid_argument;
}

// §4.2.8.2: a NIST share is the uncompressed form, 0x04 || X || Y, and nothing else (compressed
// points and any other length are refused before the point itself is validated).
template <class Curve>
constexpr bool is_uncompressed_share(byte_view share) noexcept {
    return share.size() == Curve::uncompressed_size && share[0] == 0x04;
}

}  // namespace detail

// ECDHE over a NIST curve (secp256r1, secp384r1). The private scalar stays in the engine's key
// exchange state between generate and finish.
template <class Curve, named_group Group>
class nist_key_exchange final : public key_exchange {
    static constexpr std::size_t n_scalar = Curve::scalar_size;
    static constexpr std::size_t n_point = Curve::uncompressed_size;
    static constexpr std::size_t n_secret = Curve::field_size;
    static_assert(n_scalar <= max_key_exchange_state && n_point <= max_key_share_size &&
                  n_secret <= max_shared_secret_size);

public:
    // The group's code.
    named_group group() const noexcept override { return Group; }
    std::size_t share_size() const noexcept override { return n_point; }

    errc generate(random_source& rng, std::span<std::uint8_t, max_key_exchange_state> state,
                  byte_span share) noexcept override {
        if (share.size() != n_point) return errc::invalid_argument;
        return detail::draw_ec_key_pair<Curve>(rng, state.template first<n_scalar>(), share.template first<n_point>());
    }

    std::size_t finish(std::span<const std::uint8_t, max_key_exchange_state> state, byte_view peer_share,
                       std::span<std::uint8_t, max_shared_secret_size> secret) noexcept override {
        if (!detail::is_uncompressed_share<Curve>(peer_share)) return 0;
        // ecdh validates the point (coordinates below p, on the curve); the result of a valid point
        // and a scalar in [1, n) is never the point at infinity on these prime-order curves.
        return ecdh<Curve>(secret.template first<n_secret>(), state.template first<n_scalar>(), peer_share) == errc::ok
                   ? n_secret
                   : 0;
    }

    std::size_t respond(random_source& rng, byte_view peer_share, byte_span share,
                        std::span<std::uint8_t, max_shared_secret_size> secret) noexcept override {
        if (!detail::is_uncompressed_share<Curve>(peer_share) || share.size() != n_point) return 0;
        bytes<n_scalar> private_key{};
        errc e = detail::draw_ec_key_pair<Curve>(rng, private_key, share.template first<n_point>());
        if (e == errc::ok) e = ecdh<Curve>(secret.template first<n_secret>(), private_key, peer_share);
        secure_wipe(private_key);
        return e == errc::ok ? n_secret : 0;
    }
};

// ECDHE over secp256r1.
using p256_key_exchange = nist_key_exchange<p256, named_group::secp256r1>;
// ECDHE over secp384r1.
using p384_key_exchange = nist_key_exchange<p384, named_group::secp384r1>;

}  // namespace carapace::tls
