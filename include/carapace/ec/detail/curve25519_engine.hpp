// An "engine" is what X25519 and Ed25519 run on: one representation of GF(2^255 - 19) and the
// three operations built over it. curve25519_engine<F> is the portable, constexpr one; a fast
// engine (fe25519_mulx.hpp) has the same static members, compiled for its CPU features.
//
//   static bool supported();
//   x25519(out, scalar, u)          out = X25519(scalar, u), constant-time
//   x25519_base(out, scalar)        out = X25519(scalar, 9), constant-time (Edwards comb; the
//                                   ladder with CARAPACE_X25519_NO_BASE_TABLE)
//   ed25519_base(out, a)            out = encode([a]B), constant-time, a < 2^255
//   ed25519_check(out, s, k, A)     decode A (false if invalid), out = encode([s]B - [k]A);
//                                   variable time, public inputs only
#pragma once

#include <cstdint>

#include "carapace/ec/detail/ed25519_group.hpp"
#include "carapace/ec/detail/x25519_ladder.hpp"

namespace carapace::detail {

template <class F>
struct curve25519_engine {
    using field = F;
    static constexpr const char* name = F::name;
    static constexpr bool supported() noexcept { return F::supported(); }

    static constexpr void x25519(std::uint8_t* out, const std::uint8_t* scalar, const std::uint8_t* u) noexcept {
        x25519_ladder<F>::scalarmult(out, scalar, u);
    }
    static constexpr void x25519_base(std::uint8_t* out, const std::uint8_t* scalar) noexcept {
#if defined(CARAPACE_X25519_NO_BASE_TABLE)
        // Size switch for small targets: the ladder on u = 9, which leaves out the 24 KiB table
        // of base point multiples when nothing else (Ed25519 signing) uses it. Slower, same result.
        constexpr std::uint8_t nine[32] = {9};
        x25519_ladder<F>::scalarmult(out, scalar, nine);
#else
        ed25519_group<F>::x25519_base(out, scalar);
#endif
    }
    static constexpr void ed25519_base(std::uint8_t* out, const std::uint8_t* a) noexcept {
        ed25519_group<F>::base_mul(out, a);
    }
    [[nodiscard]] static constexpr bool ed25519_check(std::uint8_t* out, const std::uint8_t* s, const std::uint8_t* k,
                                                      const std::uint8_t* public_key) noexcept {
        typename ed25519_group<F>::p3 a{};
        if (!ed25519_group<F>::decode(a, public_key)) return false;
        ed25519_group<F>::verify_mul(out, s, k, a);
        return true;
    }
};

// What a fast engine is in a build without its intrinsics (-DCARAPACE_FORCE_PORTABLE, or not
// x86-64): never supported, so the dispatcher never calls these.
struct curve25519_engine_unavailable {
    static bool supported() noexcept { return false; }
    static void x25519(std::uint8_t*, const std::uint8_t*, const std::uint8_t*) noexcept {}
    static void x25519_base(std::uint8_t*, const std::uint8_t*) noexcept {}
    static void ed25519_base(std::uint8_t*, const std::uint8_t*) noexcept {}
    [[nodiscard]] static bool ed25519_check(std::uint8_t*, const std::uint8_t*, const std::uint8_t*,
                                            const std::uint8_t*) noexcept {
        return false;
    }
};

}  // namespace carapace::detail
