// X25519 and Ed25519 dispatched over their CPU variants (core/cpu_dispatch.hpp): AVX-512 IFMA for
// X25519 with a variable point and Ed25519 verification (the variant's other operations are
// MULX/ADX's), else MULX/ADX (4x64 limbs) when the CPU has BMI2 and ADX, else the portable 5x51
// engine (10x25.5 on targets without a 128-bit integer type). No key object holds engine state,
// so the choice is the variant set's, picked once. Constant evaluation takes the portable engine.
//
// How the order is decided: bench/bench-ec measures every engine the CPU has, and a variant goes
// before another only where it is faster with GCC and with Clang, at -O3 (bench-ec) and at -O2
// (bench-ec-O2). On AMD Zen 5, IFMA against MULX/ADX: X25519 with a variable point 13-15 us
// against 20-24 us, Ed25519 verification 16-19 us against 22-27 us. The IFMA code unrolls its
// limb loops by pragma because GCC 12 at -O2 left them rolled, which made it slower than MULX/ADX
// (52 us for X25519); CARAPACE_CPU_DISABLE=avx512ifma (core/cpu.hpp) measures the MULX/ADX choice
// on the same CPU.
#pragma once

#include <cstdint>

#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/ec/detail/curve25519_engine.hpp"
#include "carapace/ec/detail/curve25519_ifma.hpp"
#include "carapace/ec/detail/fe25519_25.hpp"
#include "carapace/ec/detail/fe25519_51.hpp"
#include "carapace/ec/detail/fe25519_mulx.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_INT128
using curve25519_portable = curve25519_engine<fe25519_51>;
#else
using curve25519_portable = curve25519_engine<fe25519_25>;
#endif

struct curve25519_dispatch {
    using variants = cpu_variants<curve25519_ifma, curve25519_mulx, curve25519_portable>;
    static constexpr const char* name = "auto";
    static constexpr bool supported() noexcept { return true; }

    // The name of the engine this process uses.
    static const char* chosen_name() noexcept { return variants::name_of(variants::best()); }

    static constexpr void x25519(std::uint8_t* out, const std::uint8_t* scalar, const std::uint8_t* u) noexcept {
        variants::call(variants::best(), [&]<class E>() { E::x25519(out, scalar, u); });
    }
    static constexpr void x25519_base(std::uint8_t* out, const std::uint8_t* scalar) noexcept {
        variants::call(variants::best(), [&]<class E>() { E::x25519_base(out, scalar); });
    }
    static constexpr void ed25519_base(std::uint8_t* out, const std::uint8_t* a) noexcept {
        variants::call(variants::best(), [&]<class E>() { E::ed25519_base(out, a); });
    }
    [[nodiscard]] static constexpr bool ed25519_check(std::uint8_t* out, const std::uint8_t* s, const std::uint8_t* k,
                                                      const std::uint8_t* public_key) noexcept {
        return variants::call(variants::best(),
                              [&]<class E>() -> bool { return E::ed25519_check(out, s, k, public_key); });
    }
};

}  // namespace carapace::detail
