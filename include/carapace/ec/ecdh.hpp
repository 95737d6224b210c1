// Elliptic-curve Diffie-Hellman on P-256 and P-384 (SP 800-56A §5.7.1.2, SEC 1 §3.3.1): public
// keys from private scalars, peer point validation (SP 800-56A §5.6.2.3.3: coordinates below p, on
// the curve, not the identity; an invalid-curve point is refused before any secret touches it),
// and the shared secret as the x-coordinate of [d]Q. Constant time in the private scalar.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/nist_curves.hpp"

namespace carapace {

// out = [private_key]G as a SEC1 uncompressed point. errc::invalid_argument (out zeroed) when the
// scalar is 0 or not below the group order: draw another.
template <class Curve, class Engine = typename Curve::engine>
[[nodiscard]] constexpr errc ec_public_key(fixed_span<Curve::uncompressed_size> out,
                                           fixed_view<Curve::scalar_size> private_key) noexcept {
    out[0] = 4;
    if (Engine::public_key(out.data() + 1, private_key.data())) return errc::ok;
    for (auto& b : out) b = 0;
    return errc::invalid_argument;
}

// True when `point` is a valid SEC1 point of the curve (uncompressed or compressed).
template <class Curve, class Engine = typename Curve::engine>
[[nodiscard]] constexpr bool ec_validate_point(byte_view point) noexcept {
    return Engine::valid_point(point.data(), point.size());
}

// shared = x([private_key] peer_point). errc::invalid_argument (shared zeroed) for an invalid peer
// point (SEC1 uncompressed or compressed) or private scalar.
template <class Curve, class Engine = typename Curve::engine>
[[nodiscard]] constexpr errc ecdh(fixed_span<Curve::field_size> shared, fixed_view<Curve::scalar_size> private_key,
                                  byte_view peer_point) noexcept {
    if (Engine::ecdh(shared.data(), private_key.data(), peer_point.data(), peer_point.size())) return errc::ok;
    secure_wipe(shared);
    return errc::invalid_argument;
}

}  // namespace carapace
