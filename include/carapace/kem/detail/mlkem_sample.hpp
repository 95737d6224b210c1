// The samplers of ML-KEM (FIPS 203 §4.2.2): every SHAKE and SHA-3 call of one step (SampleNTT's
// XOF for the public matrix, Algorithm 7; PRF_eta for SamplePolyCBD, Algorithm 8; H and J) runs
// as a job in a batch of sponges permuted eight at a time (keccak_x8.hpp, with AVX-512) or four
// at a time (keccak_x4.hpp). SampleNTT reads public data only (the seed rho of the public
// matrix), so its loop may branch on it; SamplePolyCBD runs in constant time. The kernels are
// dispatched (mlkem_sample_avx2.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/detail/keccak_x4.hpp"
#include "carapace/hash/detail/keccak_x8.hpp"
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

// Independent sponge computations run side by side in multi-state Keccak lanes. A job absorbs its
// message (rate and domain byte of its function: SHAKE128 0x1f, SHA3-256 0x06 ..., then the 10*1
// padding, FIPS 202 §4, §6), then either runs SampleNTT (Algorithm 7) on the SHAKE128 blocks it
// squeezes, into `sampled`, or writes its first out_size output bytes to `out`. Whenever a job
// ends, the next one starts in its lane at the next permutation, so the lanes stay busy: the k^2
// entries of A-hat need three or four blocks each, and other hashes of the same step (H(ek) of
// Encaps, J(z || c) of Decaps, the PRF calls of KeyGen) fill the lanes the matrix leaves free.
// Jobs are best listed longest first.
struct sponge_job {
    byte_view message;
    std::size_t rate = 0;
    std::uint8_t domain = 0;
    poly* sampled = nullptr;
    std::uint8_t* out = nullptr;
    std::size_t out_size = 0;
};

// Runs every job; false only if a SampleNTT job ran out of its block budget (its polynomial is
// then left zero). Which lane does what, and for how many permutations, depends on message
// lengths and on the public SampleNTT output only; secret messages and outputs are only copied
// and XORed. States is keccak_x4_states or keccak_x8_states; permute(states) permutes them.
template <class States, class Permute>
[[nodiscard]] constexpr bool run_sponge_jobs_on(std::span<const sponge_job> jobs, Permute&& permute) noexcept {
    constexpr std::size_t none = ~std::size_t{0}, max_rate = shake128::rate, width = States::width;
    struct lane_state {
        std::size_t job = none;
        std::size_t absorbed = 0;  // message bytes XORed in so far
        bool squeezing = false;    // the padded last block is in: every permutation now gives output
        std::size_t produced = 0;  // values sampled or bytes written
        std::size_t blocks = 0;    // blocks squeezed
    };
    States states{};
    std::array<lane_state, width> lanes{};
    // Not zeroed first (2 KiB): a value is read only after the rejection kernel wrote it.
    std::array<std::array<std::uint16_t, n + sample_output_slack>, width> accepted;
    bytes<max_rate + sample_block_slack> block{};
    auto kernel = mlkem_sample_dispatch::best();
    std::size_t next = 0;
    bool ok = true;
    // A lane's state is zero at the start; a lane that finished a job is cleared for the next.
    const auto start = [&](std::size_t e, bool clear) {
        if (clear)
            for (auto& lane : states.lanes) lane[e] = 0;
        lanes[e] = lane_state{};
        if (next < jobs.size()) lanes[e].job = next++;
    };
    for (std::size_t e = 0; e < width; ++e) start(e, false);
    for (;;) {
        bool active = false;
        for (const auto& l : lanes) active = active || l.job != none;
        if (!active) break;
        for (std::size_t e = 0; e < width; ++e) {
            lane_state& l = lanes[e];
            if (l.job == none || l.squeezing) continue;
            const sponge_job& j = jobs[l.job];
            const std::size_t remaining = j.message.size() - l.absorbed;
            const std::uint8_t* in = j.message.data() + l.absorbed;
            const std::size_t take = remaining < j.rate ? remaining : j.rate;
            for (std::size_t i = 0; i < take / 8; ++i) states.lanes[i][e] ^= load_le64(in + 8 * i);
            l.absorbed += take;
            if (remaining < j.rate) {
                // The last block: the bytes past the last whole word, the domain byte, 10*1.
                std::uint64_t tail = 0;
                for (std::size_t b = 0; b < take % 8; ++b) tail |= std::uint64_t{in[take / 8 * 8 + b]} << (8 * b);
                tail |= std::uint64_t{j.domain} << (8 * (take % 8));
                states.lanes[take / 8][e] ^= tail;
                states.lanes[j.rate / 8 - 1][e] ^= std::uint64_t{0x80} << 56;
                l.squeezing = true;
            }
        }
        permute(states);
        for (std::size_t e = 0; e < width; ++e) {
            lane_state& l = lanes[e];
            if (l.job == none || !l.squeezing) continue;
            const sponge_job& j = jobs[l.job];
            ++l.blocks;
            bool done = false;
            if (j.sampled != nullptr) {
                for (std::size_t i = 0; i < j.rate / 8; ++i) store_le64(block.data() + 8 * i, states.lanes[i][e]);
                if (std::is_constant_evaluated()) {
                    l.produced = sample_ntt_block(block.data(), j.rate, accepted[e].data(), l.produced);
                } else {
                    mlkem_sample_dispatch::call(kernel, [&]<class Variant>() {
                        l.produced = Variant::reject(block.data(), j.rate, accepted[e].data(), l.produced);
                    });
                }
                if (l.produced == n) {
                    for (std::size_t i = 0; i < n; ++i) (*j.sampled)[i] = accepted[e][i];
                    done = true;
                } else if (l.blocks == sample_ntt_block_budget) {
                    j.sampled->fill(0);
                    ok = false;
                    done = true;
                }
            } else {
                const std::size_t take = j.out_size - l.produced < j.rate ? j.out_size - l.produced : j.rate;
                std::uint8_t* out = j.out + l.produced;
                for (std::size_t i = 0; i < take; i += 8) {
                    const std::uint64_t v = states.lanes[i / 8][e];
                    if (take - i >= 8) {
                        store_le64(out + i, v);
                    } else {
                        for (std::size_t b = 0; b < take - i; ++b) out[i + b] = static_cast<std::uint8_t>(v >> (8 * b));
                    }
                }
                l.produced += take;
                done = l.produced == j.out_size;
            }
            if (done) start(e, true);
        }
    }
    secure_wipe(states);
    secure_wipe(block);
    return ok;
}

// Eight lanes where the CPU has AVX-512F (keccak_x8.hpp), four elsewhere.
[[nodiscard]] constexpr bool run_sponge_jobs(std::span<const sponge_job> jobs) noexcept {
    if (!std::is_constant_evaluated() && keccak_x8_avx512::supported())
        return run_sponge_jobs_on<keccak_x8_states>(jobs, [](keccak_x8_states& s) { keccak_x8_avx512::permute(s); });
    // Not const: a const integral variable's initializer is tried as a constant expression, where
    // best() would answer "portable".
    auto choice = keccak_x4_dispatch::best();
    return run_sponge_jobs_on<keccak_x4_states>(jobs, [&](keccak_x4_states& s) { keccak_f1600_x4(s, choice); });
}

// The job for A-hat[i, j] = SampleNTT(rho || j || i); seed holds the 34 bytes while it runs.
constexpr sponge_job sample_ntt_job(fixed_view<32> rho, std::size_t i, std::size_t j, std::array<std::uint8_t, 34>& seed,
                                    poly& out) noexcept {
    for (std::size_t b = 0; b < 32; ++b) seed[b] = rho[b];
    seed[32] = static_cast<std::uint8_t>(j);
    seed[33] = static_cast<std::uint8_t>(i);
    return sponge_job{seed, shake128::rate, 0x1f, &out, nullptr, 0};
}

// SamplePolyCBD_eta on 64 eta bytes of PRF output, with the dispatched kernel for eta = 2.
template <unsigned Eta>
constexpr void cbd(const std::uint8_t* in, poly& f) noexcept {
    if constexpr (Eta == 2) {
        if (!std::is_constant_evaluated()) {
            mlkem_sample_dispatch::call(mlkem_sample_dispatch::best(), [&]<class Variant>() { Variant::cbd2(in, f); });
            return;
        }
    }
    cbd_from_bytes<Eta>(in, f);
}

}  // namespace carapace::detail::mlkem
