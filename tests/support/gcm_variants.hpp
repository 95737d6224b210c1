// AES-GCM once per engine, so each vector runs on every code path the CPU has.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <string>

#include "carapace/aead/aes_gcm.hpp"

namespace test_support {

// Calls f.template operator()<Gcm>() with the gcm_mode for this key size and Engine; false for
// a key size AES does not have.
template <class Engine, class F>
bool with_gcm_key_size(std::size_t key_size, F&& f) {
    switch (key_size) {
        case 16: f.template operator()<carapace::detail::gcm_mode<16, Engine>>(); return true;
        case 24: f.template operator()<carapace::detail::gcm_mode<24, Engine>>(); return true;
        case 32: f.template operator()<carapace::detail::gcm_mode<32, Engine>>(); return true;
        default: return false;
    }
}

template <class Engine>
bool gcm_engine_runs_here() {
    if (Engine::supported()) return true;
    MESSAGE("AES-GCM engine " << std::string(Engine::name) << " not supported by this CPU (or forced portable): not run");
    return false;
}

}  // namespace test_support

#define CARAPACE_GCM_ENGINES                                                                      \
    carapace::detail::gcm_portable, carapace::detail::gcm_aesni, carapace::detail::gcm_vaes, \
        carapace::detail::gcm_vaes512, carapace::detail::gcm_armv8, carapace::detail::gcm_dispatch
