// X25519 and Ed25519 once per engine (field representation), so each vector runs on every code
// path: 5x51 (where the compiler has a 128-bit integer), 10x25.5, MULX/ADX when the CPU has it,
// AVX-512 IFMA (X25519's ladder and Ed25519 verification; the rest is MULX/ADX's) when the CPU has it, and the dispatcher.
#pragma once

#include <doctest/doctest.h>

#include "carapace/ec/detail/curve25519_dispatch.hpp"

namespace test_support {

template <class Engine>
bool curve25519_engine_runs_here() {
    if (Engine::supported()) return true;
    MESSAGE("curve25519 engine " << Engine::name << " not supported by this CPU (or forced portable): not run");
    return false;
}

}  // namespace test_support

#if CARAPACE_HAVE_INT128
#define CARAPACE_CURVE25519_ENGINE_51 carapace::detail::curve25519_engine<carapace::detail::fe25519_51>,
#else
#define CARAPACE_CURVE25519_ENGINE_51
#endif

#define CARAPACE_CURVE25519_ENGINES                                                              \
    CARAPACE_CURVE25519_ENGINE_51 carapace::detail::curve25519_engine<carapace::detail::fe25519_25>, \
        carapace::detail::curve25519_mulx, carapace::detail::curve25519_ifma, carapace::detail::curve25519_dispatch
