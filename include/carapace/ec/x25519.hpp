// X25519 (RFC 7748 §5, §6.1): Diffie-Hellman on Curve25519. Constant-time in the scalar, and
// usable in constant evaluation. An all-zero result (the peer sent a point of small order) is
// reported as errc::invalid_argument: TLS 1.3 must then abort the handshake (RFC 8446 §7.4.2).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/error.hpp"
#include "carapace/ec/detail/curve25519_dispatch.hpp"

namespace carapace {

// The size of keys and shared secrets in bytes.
inline constexpr std::size_t x25519_key_size = 32;
// The base point, u = 9.
inline constexpr bytes<32> x25519_base_point = {9};

// out = X25519(scalar, u): the scalar is clamped and the top bit of u ignored, as RFC 7748 says.
// errc::invalid_argument when the result is all zero (out then holds those zeros), else ok.
template <class Engine = detail::curve25519_dispatch>
[[nodiscard]] constexpr errc x25519(fixed_span<32> out, fixed_view<32> scalar, fixed_view<32> u) noexcept {
    Engine::x25519(out.data(), scalar.data(), u.data());
    std::uint32_t acc = 0;
    for (const std::uint8_t b : out) acc |= b;
    // Whether it is all zero is public (the handshake fails on it); the bytes stay secret.
    return ct::declassify(ct::is_zero_mask(ct::value_barrier(acc))) != 0 ? errc::invalid_argument : errc::ok;
}

// X25519(scalar, u) (RFC 7748 §5); fails when the result is all zero (a small-order point).
template <class Engine = detail::curve25519_dispatch>
[[nodiscard]] constexpr result<bytes<32>> x25519(fixed_view<32> scalar, fixed_view<32> u) noexcept {
    bytes<32> out{};
    const errc e = x25519<Engine>(out, scalar, u);
    if (e != errc::ok) return e;
    return out;
}

// The public key for a private key: X25519(private_key, 9), computed with a precomputed table of
// base point multiples on the Edwards curve (several times faster than the ladder). Never all zero.
template <class Engine = detail::curve25519_dispatch>
constexpr void x25519_public_key(fixed_span<32> out, fixed_view<32> private_key) noexcept {
    Engine::x25519_base(out.data(), private_key.data());
}

// The public key of a 32-byte private key: X25519(private_key, 9).
template <class Engine = detail::curve25519_dispatch>
[[nodiscard]] constexpr bytes<32> x25519_public_key(fixed_view<32> private_key) noexcept {
    bytes<32> out{};
    x25519_public_key<Engine>(out, private_key);
    return out;
}

}  // namespace carapace
