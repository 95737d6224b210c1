// A hash's compression function, dispatched over its CPU variants (core/cpu_dispatch.hpp): the
// fastest one this CPU has, picked once; the portable one in constant evaluation. The hash state
// means the same to every variant, so the choice is the variant set's, not the hash object's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu_dispatch.hpp"

namespace carapace::detail {

// Variants: the compression engines, fastest first, the portable one last.
template <class... Variants>
struct compress_dispatch {
    using variants = cpu_variants<Variants...>;
    static constexpr const char* name = "auto";
    static constexpr bool supported() noexcept { return true; }

    // The name of the engine this process uses.
    static const char* chosen_name() noexcept { return variants::name_of(variants::best()); }

    template <class State>
    static constexpr void compress(State& state, const std::uint8_t* blocks, std::size_t block_count) noexcept {
        variants::call(variants::best(), [&]<class Engine>() { Engine::compress(state, blocks, block_count); });
    }
};

}  // namespace carapace::detail
