// The dispatched NTT layer of ML-KEM (FIPS 203 Algorithms 9 to 12): ntt, inverse_ntt and sums of
// NTT-domain products, each run by the fastest variant the CPU supports (AVX2 or portable, see
// core/cpu_dispatch.hpp), the portable one in constant evaluation. Both variants give the same
// results bit for bit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/kem/detail/mlkem_ntt_avx2.hpp"
#include "carapace/kem/detail/mlkem_poly.hpp"

namespace carapace::detail::mlkem {

using mlkem_ntt_dispatch = cpu_variants<mlkem_ntt_avx2, mlkem_ntt_portable>;

constexpr void ntt(poly& f) noexcept {
    if (std::is_constant_evaluated()) {
        mlkem_ntt_portable::ntt(f);
        return;
    }
    mlkem_ntt_dispatch::call(mlkem_ntt_dispatch::best(), [&]<class Variant>() { Variant::ntt(f); });
}

constexpr void inverse_ntt(poly& f) noexcept {
    if (std::is_constant_evaluated()) {
        mlkem_ntt_portable::inverse_ntt(f);
        return;
    }
    mlkem_ntt_dispatch::call(mlkem_ntt_dispatch::best(), [&]<class Variant>() { Variant::inverse_ntt(f); });
}

// Sums of products in the NTT domain, reduced once at the end: each term is below 3q^2 in every
// variant, so up to 4 (k of ML-KEM-1024) terms stay below 2^27.
struct ntt_accumulator {
    std::array<std::uint32_t, n> sum{};

    // += f * g (Algorithms 11 and 12).
    constexpr void add_product(const poly& f, const poly& g) noexcept {
        if (std::is_constant_evaluated()) {
            mlkem_ntt_portable::add_product(sum, f, g);
            return;
        }
        mlkem_ntt_dispatch::call(mlkem_ntt_dispatch::best(), [&]<class Variant>() { Variant::add_product(sum, f, g); });
    }

    constexpr void store(poly& out) const noexcept {
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint16_t>(reduce(sum[i]));
    }
};

}  // namespace carapace::detail::mlkem
