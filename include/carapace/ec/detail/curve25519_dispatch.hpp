// Picks the engine for X25519 and Ed25519: MULX/ADX (4x64 limbs) when the CPU has BMI2 and ADX,
// else the portable 5x51 one (10x25.5 on targets without a 128-bit integer type). X25519 with a
// variable point and Ed25519 verification take the AVX-512 IFMA code when the CPU has it
// (measured about 1.4x faster than MULX/ADX for both on AMD Zen 5). Constant evaluation always
// takes the portable engine.
#pragma once

#include <cstdint>
#include <type_traits>

#include "carapace/ec/detail/curve25519_engine.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/ec/detail/fe25519_25.hpp"
#include "carapace/ec/detail/fe25519_51.hpp"
#include "carapace/ec/detail/fe25519_mulx.hpp"
#include "carapace/ec/detail/x25519_ifma.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_INT128
using curve25519_portable = curve25519_engine<fe25519_51>;
#else
using curve25519_portable = curve25519_engine<fe25519_25>;
#endif

struct curve25519_dispatch {
    static constexpr const char* name = "auto";
    static bool supported() noexcept { return true; }

#if CARAPACE_HAVE_X86_INTRINSICS
    static bool fast() noexcept {
        static const bool picked = curve25519_mulx::supported();
        return picked;
    }
    static bool ifma() noexcept {
        static const bool picked = curve25519_ifma::supported();
        return picked;
    }
#else
    // No fast engine compiled; and no function-local static (a guard) to check.
    static bool fast() noexcept { return false; }
    static bool ifma() noexcept { return false; }
#endif

    static constexpr void x25519(std::uint8_t* out, const std::uint8_t* scalar, const std::uint8_t* u) noexcept {
        if (!std::is_constant_evaluated() && ifma()) return curve25519_ifma::x25519(out, scalar, u);
        if (!std::is_constant_evaluated() && fast()) return curve25519_mulx::x25519(out, scalar, u);
        curve25519_portable::x25519(out, scalar, u);
    }
    static constexpr void x25519_base(std::uint8_t* out, const std::uint8_t* scalar) noexcept {
        if (!std::is_constant_evaluated() && fast()) return curve25519_mulx::x25519_base(out, scalar);
        curve25519_portable::x25519_base(out, scalar);
    }
    static constexpr void ed25519_base(std::uint8_t* out, const std::uint8_t* a) noexcept {
        if (!std::is_constant_evaluated() && fast()) return curve25519_mulx::ed25519_base(out, a);
        curve25519_portable::ed25519_base(out, a);
    }
    [[nodiscard]] static constexpr bool ed25519_check(std::uint8_t* out, const std::uint8_t* s, const std::uint8_t* k,
                                                      const std::uint8_t* public_key) noexcept {
        if (!std::is_constant_evaluated() && ifma()) return curve25519_ifma::ed25519_check(out, s, k, public_key);
        if (!std::is_constant_evaluated() && fast()) return curve25519_mulx::ed25519_check(out, s, k, public_key);
        return curve25519_portable::ed25519_check(out, s, k, public_key);
    }
};

}  // namespace carapace::detail
