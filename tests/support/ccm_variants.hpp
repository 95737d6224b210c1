// AES-CCM once per engine, so each vector runs on every code path the CPU has.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <string>

#include "carapace/aead/aes_ccm.hpp"

namespace test_support {

// Calls f.template operator()<KeyBytes>() for this key size; false for a size AES does not have.
template <class F>
bool with_ccm_key_size(std::size_t key_size, F&& f) {
    switch (key_size) {
        case 16: f.template operator()<16>(); return true;
        case 24: f.template operator()<24>(); return true;
        case 32: f.template operator()<32>(); return true;
        default: return false;
    }
}

template <class Engine>
bool ccm_engine_runs_here() {
    if (Engine::supported()) return true;
    MESSAGE("AES-CCM engine " << std::string(Engine::name) << " not supported by this CPU (or forced portable): not run");
    return false;
}

}  // namespace test_support

#define CARAPACE_CCM_ENGINES \
    carapace::detail::ccm_portable, carapace::detail::ccm_aesni, carapace::detail::ccm_armv8, carapace::detail::ccm_dispatch
