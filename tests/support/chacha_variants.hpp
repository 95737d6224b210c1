// ChaCha20-Poly1305 once per engine, so each vector runs on every code path the CPU has.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/core/int128.hpp"

namespace test_support {

template <class Engine>
bool chacha_engine_runs_here() {
    if (Engine::supported()) return true;
    MESSAGE("ChaCha20-Poly1305 engine " << std::string(Engine::name)
                                        << " not supported by this CPU (or forced portable): not run");
    return false;
}

}  // namespace test_support

// portable: 64-bit Poly1305 limbs; portable-32: the 32-bit-limb Poly1305. Without unsigned
// __int128 (32-bit targets such as armhf) the portable engine is the 32-bit one: listed once.
#if CARAPACE_HAVE_INT128
#define CARAPACE_CHACHA_PORTABLE_ENGINES \
    carapace::detail::chacha20_poly1305_portable, carapace::detail::chacha20_poly1305_portable32
#else
#define CARAPACE_CHACHA_PORTABLE_ENGINES carapace::detail::chacha20_poly1305_portable
#endif
#define CARAPACE_CHACHA_ENGINES                                                                               \
    CARAPACE_CHACHA_PORTABLE_ENGINES, carapace::detail::chacha20_poly1305_avx2,                                 \
        carapace::detail::chacha20_poly1305_avx512, carapace::detail::chacha20_poly1305_avx512_ifma,          \
        carapace::detail::chacha20_poly1305_neon, carapace::detail::chacha20_poly1305_dispatch

// The ChaCha20 stream functions alone.
#define CARAPACE_CHACHA_STREAMS carapace::detail::chacha20_avx2, carapace::detail::chacha20_neon
