// Picks a hash's compression engine: the accelerated one when this CPU supports it (decided once,
// at the first call), the portable one otherwise and always in constant evaluation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "carapace/core/cpu.hpp"

namespace carapace::detail {

template <class Fast, class Portable>
struct engine_dispatch {
    static constexpr const char* name = "auto";
    static constexpr bool supported() noexcept { return true; }

    template <class State>
    static constexpr void compress(State& state, const std::uint8_t* blocks, std::size_t block_count) noexcept {
        if (std::is_constant_evaluated() || !fast_supported())
            Portable::compress(state, blocks, block_count);
        else
            Fast::compress(state, blocks, block_count);
    }

    static bool fast_supported() noexcept {
#if CARAPACE_HAVE_X86_INTRINSICS
        static const bool supported = Fast::supported();
        return supported;
#else
        return false;  // no fast engine compiled; and no function-local static (a guard) to check
#endif
    }
};

}  // namespace carapace::detail
