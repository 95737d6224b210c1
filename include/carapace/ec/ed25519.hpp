// Ed25519 (RFC 8032 §5.1): keys from a 32-byte seed, deterministic signatures, strict
// verification. Signing is constant-time in the secret scalar and nonce; verification is
// variable-time (its inputs are public) and rejects S >= L, a non-canonical public key or R
// (y >= p, or x = 0 with the sign bit set), and signatures of any length but 64. The check is the
// cofactorless one: encode([S]B - [k]A) must equal R byte for byte. Usable in constant
// evaluation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/detail/curve25519_dispatch.hpp"
#include "carapace/ec/detail/scalar25519.hpp"
#include "carapace/hash/sha512.hpp"

namespace carapace {

// The seed (private key) size in bytes.
inline constexpr std::size_t ed25519_seed_size = 32;
// The public key size in bytes.
inline constexpr std::size_t ed25519_public_key_size = 32;
// The signature size in bytes.
inline constexpr std::size_t ed25519_signature_size = 64;

// A private key expanded once from its seed (RFC 8032 §5.1.5): the clamped scalar, the nonce
// prefix and the public key. Wiped when destroyed.
template <class Engine = detail::curve25519_dispatch>
class ed25519_private_key_with {
public:
    constexpr ed25519_private_key_with() noexcept = default;
    // Expands a 32-byte seed (RFC 8032 §5.1.5).
    constexpr explicit ed25519_private_key_with(fixed_view<32> seed) noexcept {
        bytes<64> h = sha512::hash(seed);
        for (std::size_t i = 0; i < 32; ++i) {
            scalar_[i] = h[i];
            prefix_[i] = h[32 + i];
        }
        scalar_[0] &= 248;
        scalar_[31] &= 127;
        scalar_[31] |= 64;
        Engine::ed25519_base(public_key_.data(), scalar_.data());
        secure_wipe(h);
    }
    constexpr ed25519_private_key_with(const ed25519_private_key_with&) noexcept = default;
    constexpr ed25519_private_key_with& operator=(const ed25519_private_key_with&) noexcept = default;
    constexpr ~ed25519_private_key_with() {
        secure_wipe(scalar_);
        secure_wipe(prefix_);
    }

    // The 32-byte public key.
    [[nodiscard]] constexpr const bytes<32>& public_key() const noexcept { return public_key_; }

    // RFC 8032 §5.1.6.
    constexpr void sign(fixed_span<64> signature, byte_view message) const noexcept {
        sha512 h;
        h.update(prefix_).update(message);
        bytes<64> wide = h.final();
        bytes<32> r{};
        detail::scalar25519::reduce_wide(r.data(), wide.data());
        Engine::ed25519_base(signature.data(), r.data());  // R
        h.update(signature.first<32>()).update(public_key_).update(message);
        wide = h.final();
        bytes<32> k{};
        detail::scalar25519::reduce_wide(k.data(), wide.data());
        detail::scalar25519::mul_add(signature.data() + 32, k.data(), scalar_.data(), r.data());  // S
        secure_wipe(r);
        secure_wipe(wide);
    }

    // Signs `message` (RFC 8032 §5.1.6) and returns the 64-byte signature.
    [[nodiscard]] constexpr bytes<64> sign(byte_view message) const noexcept {
        bytes<64> signature{};
        sign(signature, message);
        return signature;
    }

private:
    bytes<32> scalar_{};
    bytes<32> prefix_{};
    bytes<32> public_key_{};
};

// An Ed25519 private key on the dispatched field engine.
using ed25519_private_key = ed25519_private_key_with<>;

// The public key of a 32-byte seed.
template <class Engine = detail::curve25519_dispatch>
[[nodiscard]] constexpr bytes<32> ed25519_public_key(fixed_view<32> seed) noexcept {
    return ed25519_private_key_with<Engine>(seed).public_key();
}

// Signs `message` with the key of a 32-byte seed, expanded anew each time (keep a key to sign often).
template <class Engine = detail::curve25519_dispatch>
[[nodiscard]] constexpr bytes<64> ed25519_sign(fixed_view<32> seed, byte_view message) noexcept {
    return ed25519_private_key_with<Engine>(seed).sign(message);
}

// RFC 8032 §5.1.7, strict (see the top of this file). True when the signature is valid.
template <class Engine = detail::curve25519_dispatch>
[[nodiscard]] constexpr bool ed25519_verify(fixed_view<32> public_key, byte_view message, byte_view signature) noexcept {
    if (signature.size() != ed25519_signature_size) return false;
    const std::uint8_t* r = signature.data();
    const std::uint8_t* s = signature.data() + 32;
    if (!detail::scalar25519::is_canonical(s)) return false;
    sha512 h;
    h.update(signature.first(32)).update(public_key).update(message);
    const bytes<64> wide = h.final();
    bytes<32> k{};
    detail::scalar25519::reduce_wide(k.data(), wide.data());
    bytes<32> check{};
    if (!Engine::ed25519_check(check.data(), s, k.data(), public_key.data())) return false;
    std::uint8_t diff = 0;
    for (std::size_t i = 0; i < 32; ++i) diff = static_cast<std::uint8_t>(diff | (check[i] ^ r[i]));
    return diff == 0;
}

}  // namespace carapace
