// The samplers of ML-KEM (FIPS 203 §4.2.2): SampleNTT (Algorithm 7) over SHAKE128 for the public
// matrix, and SamplePolyCBD (Algorithm 8) over PRF_eta = SHAKE256 for the secret and error
// polynomials, each over four Keccak states at once (keccak_x4.hpp). SampleNTT reads public
// data only (the seed rho of the public matrix), so its loop may branch on it; the CBD sampler
// runs in constant time. The kernels are dispatched (mlkem_sample_avx2.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/detail/keccak_x4.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/kem/detail/mlkem_sample_avx2.hpp"
#include "carapace/kem/detail/mlkem_poly.hpp"

namespace carapace::detail::mlkem {

// SHAKE128 blocks SampleNTT may read before it gives up. 256 coefficients need 256 candidates
// from at most 11 blocks in all but a 2^-38 fraction of seeds (the C2SP "unlucky" seeds need
// more than 575 bytes); 64 blocks give 3584 candidates, each accepted with probability 3329/4096,
// so falling short has probability far below 2^-1000: no seed will ever hit it, but the work an
// attacker-chosen seed can cause is bounded all the same.
inline constexpr std::size_t sample_ntt_block_budget = 64;

// Algorithm 7 (SampleNTT) for `count` (at most 4) polynomials at once, their SHAKE128 states permuted
// together (keccak_x4.hpp): out[e] from rho || indices[e][0] || indices[e][1]. The sponge is
// written out here: a 34-byte input, then SHAKE's padding (0x1f ... 0x80, FIPS 202 §6.2, B.2),
// then 168-byte blocks squeezed. False only if the budget runs out.
[[nodiscard]] constexpr bool sample_ntt_x4(fixed_view<32> rho, const std::array<std::array<std::uint8_t, 2>, 4>& indices,
                                           std::size_t count, const std::array<poly*, 4>& out) noexcept {
    keccak_x4_states states{};
    for (std::size_t e = 0; e < count; ++e) {
        for (std::size_t i = 0; i < 4; ++i) states.lanes[i][e] = load_le64(rho.data() + 8 * i);
        states.lanes[4][e] = indices[e][0] | std::uint64_t{indices[e][1]} << 8 | std::uint64_t{0x1f} << 16;
        states.lanes[shake128::rate / 8 - 1][e] = std::uint64_t{0x80} << 56;
    }
    // Not const: a const integral variable's initializer is tried as a constant expression, where
    // best() would answer "portable".
    auto choice = keccak_x4_dispatch::best();
    auto kernel = mlkem_sample_dispatch::best();
    std::array<std::size_t, 4> filled{};
    std::array<std::array<std::uint16_t, n + sample_output_slack>, 4> accepted{};
    bytes<shake128::rate + sample_block_slack> block{};
    bool all = false;
    for (std::size_t b = 0; b < sample_ntt_block_budget && !all; ++b) {
        keccak_f1600_x4(states, choice);
        all = true;
        for (std::size_t e = 0; e < count; ++e) {
            if (filled[e] == n) continue;
            for (std::size_t i = 0; i < shake128::rate / 8; ++i) store_le64(block.data() + 8 * i, states.lanes[i][e]);
            if (std::is_constant_evaluated()) {
                filled[e] = sample_ntt_block(block.data(), shake128::rate, accepted[e].data(), filled[e]);
            } else {
                mlkem_sample_dispatch::call(kernel, [&]<class Variant>() {
                    filled[e] = Variant::reject(block.data(), shake128::rate, accepted[e].data(), filled[e]);
                });
            }
            all = all && filled[e] == n;
        }
    }
    for (std::size_t e = 0; e < count; ++e)
        for (std::size_t i = 0; i < n; ++i) (*out[e])[i] = accepted[e][i];
    return all;
}

// SamplePolyCBD_eta(PRF_eta(s, first + e)) into *out[e] for every e (§4.1, Algorithm 8), four
// SHAKE256 states permuted together (keccak_x4.hpp). The sponge is written out: the 33-byte input
// s || b, SHAKE's padding (0x1f ... 0x80), then 64 eta bytes squeezed (one or two 136-byte blocks).
template <unsigned Eta>
constexpr void sample_cbd_many(fixed_view<32> s, std::uint8_t first, std::span<poly* const> out) noexcept {
    constexpr std::size_t rate = shake256::rate, needed = 64 * Eta;
    auto choice = keccak_x4_dispatch::best();  // not const: see sample_ntt_x4
    auto kernel = mlkem_sample_dispatch::best();
    for (std::size_t start = 0; start < out.size(); start += 4) {
        const std::size_t count = out.size() - start < 4 ? out.size() - start : 4;
        keccak_x4_states states{};
        for (std::size_t e = 0; e < count; ++e) {
            for (std::size_t i = 0; i < 4; ++i) states.lanes[i][e] = load_le64(s.data() + 8 * i);
            states.lanes[4][e] = static_cast<std::uint8_t>(first + start + e) | std::uint64_t{0x1f} << 8;
            states.lanes[rate / 8 - 1][e] = std::uint64_t{0x80} << 56;
        }
        std::array<bytes<((needed + rate - 1) / rate) * rate>, 4> squeezed{};
        for (std::size_t block = 0; block * rate < needed; ++block) {
            keccak_f1600_x4(states, choice);
            for (std::size_t e = 0; e < count; ++e)
                for (std::size_t i = 0; i < rate / 8; ++i)
                    store_le64(squeezed[e].data() + block * rate + 8 * i, states.lanes[i][e]);
        }
        for (std::size_t e = 0; e < count; ++e) {
            if constexpr (Eta == 2) {
                if (!std::is_constant_evaluated()) {
                    mlkem_sample_dispatch::call(kernel, [&]<class Variant>() { Variant::cbd2(squeezed[e].data(), *out[start + e]); });
                    continue;
                }
            }
            cbd_from_bytes<Eta>(squeezed[e].data(), *out[start + e]);
        }
        secure_wipe(squeezed);
        secure_wipe(states);
    }
}

}  // namespace carapace::detail::mlkem
