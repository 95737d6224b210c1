// K-PKE (FIPS 203 §5: Algorithms 13 and 14) for small stacks, chosen by CARAPACE_MLKEM_NO_MATRIX
// (kem/mlkem.hpp). The fast K-PKE (mlkem_kpke.hpp) samples the whole matrix A-hat (4.5 KiB for
// ML-KEM-768) in one batch of Keccak lanes; here each entry is sampled where a matrix-vector
// product uses it, into one polynomial, with one scalar SHAKE128 sponge, and each PRF output is
// drawn when its polynomial is needed. KeyGen keeps s-hat only in its encoded form in dk. The
// results are the same bit for bit; the cost is speed (no multi-lane Keccak, A-hat sampled again
// by the re-encryption of decapsulation from a seed).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/detail/keccak.hpp"
#include "carapace/kem/detail/mlkem_kpke.hpp"
#include "carapace/kem/detail/mlkem_ntt.hpp"
#include "carapace/kem/detail/mlkem_poly.hpp"
#include "carapace/kem/detail/mlkem_sample.hpp"

namespace carapace::detail::mlkem {

// A-hat[i, j] = SampleNTT(rho || j || i) (Algorithm 7), block by block; false (and out zero) if
// the block budget ran out. rho is public: the loop branches on the XOF output.
constexpr bool sample_ntt_entry(fixed_view<32> rho, std::size_t i, std::size_t j, poly& out) noexcept {
    keccak_sponge<168, 0x1f> xof;
    const std::uint8_t indices[2] = {static_cast<std::uint8_t>(j), static_cast<std::uint8_t>(i)};
    xof.absorb(rho);
    xof.absorb(indices);
    xof.finish_absorbing();
    bytes<168> block{};
    std::size_t count = 0;
    for (std::size_t blocks = 0; blocks < sample_ntt_block_budget && count < n; ++blocks) {
        xof.squeeze(block);
        count = sample_ntt_block(block.data(), block.size(), out.data(), count);
    }
    if (count == n) return true;
    out.fill(0);
    return false;
}

// SamplePolyCBD_eta(PRF_eta(seed, N)) (Algorithms 8 and 4.3's PRF: SHAKE256 of seed || N).
template <unsigned Eta>
constexpr void sample_cbd(fixed_view<32> seed, std::size_t N, poly& out) noexcept {
    keccak_sponge<136, 0x1f> prf;  // wiped by its destructor
    const std::uint8_t counter[1] = {static_cast<std::uint8_t>(N)};
    prf.absorb(seed);
    prf.absorb(counter);
    prf.finish_absorbing();
    bytes<64 * Eta> random{};
    prf.squeeze(random);
    cbd<Eta>(random.data(), out);
    secure_wipe(random);
}

// Algorithm 13 from (rho, sigma): s-hat is written to dk first and read back from there for each
// row of t-hat = A-hat s-hat + e-hat. False only if a SampleNTT budget ran out.
template <class P>
[[nodiscard]] constexpr bool kpke_keygen_small(fixed_view<32> rho, fixed_view<32> sigma, std::uint8_t* ek,
                                               std::uint8_t* dk) noexcept {
    constexpr std::size_t k = P::k;
    poly a{}, f{};
    for (std::size_t j = 0; j < k; ++j) {
        sample_cbd<P::eta1>(sigma, j, f);
        ntt(f);
        poly_encode_12(f, dk + 384 * j);
    }
    bool ok = true;
    ntt_accumulator acc;
    for (std::size_t i = 0; i < k; ++i) {
        acc.sum.fill(0);
        for (std::size_t j = 0; j < k; ++j) {
            ok = sample_ntt_entry(rho, i, j, a) && ok;
            poly_decode_12(dk + 384 * j, f);
            acc.add_product(a, f);
        }
        acc.store(a);
        sample_cbd<P::eta1>(sigma, k + i, f);  // e with counters k .. 2k - 1
        ntt(f);
        poly_add(a, f);
        poly_encode_12(a, ek + 384 * i);
    }
    for (std::size_t i = 0; i < 32; ++i) ek[384 * k + i] = rho[i];
    secure_wipe(acc);
    secure_wipe(a);
    secure_wipe(f);
    return ok;
}

// Algorithm 14 with rho = ek's last 32 bytes (public; callers check the modulus first). u is
// accumulated a column of A-hat at a time: A-hat^T[i, j] = A-hat[j, i] = SampleNTT(rho || i || j).
// False only if a SampleNTT budget ran out.
template <class P>
[[nodiscard]] constexpr bool kpke_encrypt_small(const std::uint8_t* ek, fixed_view<32> rho, fixed_view<32> m,
                                                fixed_view<32> r, std::uint8_t* c) noexcept {
    constexpr std::size_t k = P::k;
    poly_vector<P> y{};
    for (std::size_t j = 0; j < k; ++j) {
        sample_cbd<P::eta1>(r, j, y[j]);
        ntt(y[j]);
    }
    poly a{}, w{};
    bool ok = true;
    ntt_accumulator acc;
    for (std::size_t i = 0; i < k; ++i) {
        acc.sum.fill(0);
        for (std::size_t j = 0; j < k; ++j) {
            ok = sample_ntt_entry(rho, j, i, a) && ok;
            acc.add_product(a, y[j]);
        }
        acc.store(w);
        inverse_ntt(w);
        sample_cbd<P::eta2>(r, k + i, a);  // e1 with counters k .. 2k - 1
        poly_add(w, a);
        poly_compress_encode<P::du>(w, c + 32 * P::du * i);
    }
    // v = NTT^-1(t-hat^T y-hat) + e2 + mu.
    acc.sum.fill(0);
    for (std::size_t j = 0; j < k; ++j) {
        poly_decode_12(ek + 384 * j, a);
        acc.add_product(a, y[j]);
    }
    acc.store(w);
    inverse_ntt(w);
    sample_cbd<P::eta2>(r, 2 * k, a);
    poly_add(w, a);
    poly_decode_decompress<1>(m.data(), a);
    poly_add(w, a);
    poly_compress_encode<P::dv>(w, c + 32 * P::du * k);
    secure_wipe(y);
    secure_wipe(acc);
    secure_wipe(a);
    secure_wipe(w);
    return ok;
}

}  // namespace carapace::detail::mlkem
