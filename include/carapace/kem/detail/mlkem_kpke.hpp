// K-PKE, the public-key encryption scheme inside ML-KEM (FIPS 203 §5: Algorithms 13, 14, 15).
// The matrix A-hat is sampled whole (k^2 polynomials, 4.5 KiB for ML-KEM-768, 8 KiB for
// ML-KEM-1024), in one batch of sponge jobs with the other hashes of the same step: its 9 (or 4,
// 16) SHAKE128 streams and those hashes then share the Keccak lanes with few idle. Encrypt
// takes the matrix from its caller: Encaps samples it together with H(ek), Decaps together with
// H(ek) and J(z || c), decapsulation from a seed keeps KeyGen's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/kem/detail/mlkem_ntt.hpp"
#include "carapace/kem/detail/mlkem_poly.hpp"
#include "carapace/kem/detail/mlkem_sample.hpp"

namespace carapace::detail::mlkem {

// The parameter sets of §8, Table 2 (eta2 is 2 in all of them).
template <std::size_t K, unsigned Eta1, unsigned Du, unsigned Dv>
struct params {
    static constexpr std::size_t k = K;
    static constexpr unsigned eta1 = Eta1, eta2 = 2, du = Du, dv = Dv;
    static constexpr std::size_t pke_encryption_key_size = 384 * k + 32;
    static constexpr std::size_t pke_decryption_key_size = 384 * k;
    static constexpr std::size_t ciphertext_size = 32 * (du * k + dv);
};

template <class P>
using poly_vector = std::array<poly, P::k>;

// A-hat, row i holding A-hat[i, 0 .. k - 1].
template <class P>
using poly_matrix = std::array<poly_vector<P>, P::k>;

// A-hat (a_hat[i][j] = SampleNTT(rho || j || i), Algorithm 13 steps 3-7 and Algorithm 14 steps
// 4-8) with other sponge jobs of the same step run alongside, listed first (they are the long
// ones: H(ek), J(z || c)). False only if a SampleNTT budget ran out.
template <class P, std::size_t Extra>
[[nodiscard]] constexpr bool sample_matrix(fixed_view<32> rho, poly_matrix<P>& a_hat,
                                           const std::array<sponge_job, Extra>& extra) noexcept {
    std::array<std::array<std::uint8_t, 34>, P::k * P::k> seeds{};
    std::array<sponge_job, Extra + P::k * P::k> jobs{};
    for (std::size_t e = 0; e < Extra; ++e) jobs[e] = extra[e];
    for (std::size_t i = 0; i < P::k; ++i)
        for (std::size_t j = 0; j < P::k; ++j)
            jobs[Extra + P::k * i + j] = sample_ntt_job(rho, i, j, seeds[P::k * i + j], a_hat[i][j]);
    return run_sponge_jobs(jobs);
}

// Algorithm 13 from the already expanded (rho, sigma) = G(d || k); rho is public (it ends ek).
// A-hat and the 2k PRF calls for s and e are one batch of sponge jobs (the PRF calls, one block
// each, fill the lanes the matrix leaves free). A-hat is left in a_hat (for a kpke_encrypt with
// the same key).
template <class P>
[[nodiscard]] constexpr bool kpke_keygen(fixed_view<32> rho, fixed_view<32> sigma, std::uint8_t* ek,
                                         std::uint8_t* dk, poly_matrix<P>& a_hat) noexcept {
    constexpr std::size_t k = P::k, prf_size = 64 * P::eta1;
    std::array<std::array<std::uint8_t, 34>, k * k> seeds{};
    std::array<std::array<std::uint8_t, 33>, 2 * k> prf_inputs{};  // sigma || N
    std::array<std::array<std::uint8_t, prf_size>, 2 * k> prf_outputs;  // written whole by the jobs
    std::array<sponge_job, k * k + 2 * k> jobs{};
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j) jobs[k * i + j] = sample_ntt_job(rho, i, j, seeds[k * i + j], a_hat[i][j]);
    for (std::size_t N = 0; N < 2 * k; ++N) {
        for (std::size_t b = 0; b < 32; ++b) prf_inputs[N][b] = sigma[b];
        prf_inputs[N][32] = static_cast<std::uint8_t>(N);
        jobs[k * k + N] = sponge_job{prf_inputs[N], shake256::rate, 0x1f, nullptr, prf_outputs[N].data(), prf_size};
    }
    const bool sampled = run_sponge_jobs(jobs);
    poly_vector<P> s{}, e{};  // s with counters 0 .. k - 1, then e
    for (std::size_t i = 0; i < k; ++i) {
        cbd<P::eta1>(prf_outputs[i].data(), s[i]);
        cbd<P::eta1>(prf_outputs[k + i].data(), e[i]);
    }
    for (auto& p : s) ntt(p);
    poly t{};
    for (std::size_t i = 0; i < k; ++i) {
        ntt_accumulator acc;
        for (std::size_t j = 0; j < k; ++j) acc.add_product(a_hat[i][j], s[j]);
        acc.store(t);
        ntt(e[i]);
        poly_add(t, e[i]);
        poly_encode_12(t, ek + 384 * i);
        poly_encode_12(s[i], dk + 384 * i);
    }
    for (std::size_t i = 0; i < 32; ++i) ek[384 * k + i] = rho[i];
    secure_wipe(prf_inputs);
    secure_wipe(prf_outputs);
    secure_wipe(s);
    secure_wipe(e);
    secure_wipe(t);
    return sampled;
}

// Algorithm 14 with A-hat given (sample_matrix, or kept by kpke_keygen, from ek's rho). ek's
// coefficients are reduced by ByteDecode_12 (callers check the modulus first).
template <class P>
constexpr void kpke_encrypt(const std::uint8_t* ek, fixed_view<32> m, fixed_view<32> r, std::uint8_t* c,
                            const poly_matrix<P>& a_hat) noexcept {
    constexpr std::size_t k = P::k;
    // y, e1 and e2 from PRF(r, N) for N = 0 .. 2k, one batch of sponge jobs.
    std::array<std::array<std::uint8_t, 33>, 2 * k + 1> prf_inputs{};  // r || N
    std::array<std::array<std::uint8_t, 64 * P::eta1>, k> y_bytes;      // written whole by the jobs
    std::array<std::array<std::uint8_t, 64 * P::eta2>, k + 1> e_bytes;  // likewise
    std::array<sponge_job, 2 * k + 1> jobs{};
    for (std::size_t N = 0; N < 2 * k + 1; ++N) {
        for (std::size_t b = 0; b < 32; ++b) prf_inputs[N][b] = r[b];
        prf_inputs[N][32] = static_cast<std::uint8_t>(N);
        jobs[N] = N < k ? sponge_job{prf_inputs[N], shake256::rate, 0x1f, nullptr, y_bytes[N].data(), 64 * P::eta1}
                        : sponge_job{prf_inputs[N], shake256::rate, 0x1f, nullptr, e_bytes[N - k].data(), 64 * P::eta2};
    }
    (void)run_sponge_jobs(jobs);  // no SampleNTT job: nothing to run out of
    poly_vector<P> y{}, e1{};
    poly e2{}, a{}, w{};
    for (std::size_t i = 0; i < k; ++i) {
        cbd<P::eta1>(y_bytes[i].data(), y[i]);
        cbd<P::eta2>(e_bytes[i].data(), e1[i]);
    }
    cbd<P::eta2>(e_bytes[k].data(), e2);
    secure_wipe(prf_inputs);
    secure_wipe(y_bytes);
    secure_wipe(e_bytes);
    for (auto& p : y) ntt(p);
    // u = NTT^-1(A-hat^T y-hat) + e1, column i of A-hat at a time.
    for (std::size_t i = 0; i < P::k; ++i) {
        ntt_accumulator acc;
        for (std::size_t j = 0; j < P::k; ++j) acc.add_product(a_hat[j][i], y[j]);
        acc.store(w);
        inverse_ntt(w);
        poly_add(w, e1[i]);
        poly_compress_encode<P::du>(w, c + 32 * P::du * i);
    }
    // v = NTT^-1(t-hat^T y-hat) + e2 + mu.
    ntt_accumulator acc;
    for (std::size_t j = 0; j < P::k; ++j) {
        poly_decode_12(ek + 384 * j, a);
        acc.add_product(a, y[j]);
    }
    acc.store(w);
    inverse_ntt(w);
    poly_add(w, e2);
    poly_decode_decompress<1>(m.data(), a);
    poly_add(w, a);
    poly_compress_encode<P::dv>(w, c + 32 * P::du * P::k);
    secure_wipe(y);
    secure_wipe(e1);
    secure_wipe(e2);
    secure_wipe(a);
    secure_wipe(w);
}

// Algorithm 15.
template <class P>
constexpr void kpke_decrypt(const std::uint8_t* dk, const std::uint8_t* c, fixed_span<32> m) noexcept {
    ntt_accumulator acc;
    poly u{}, s{}, w{};
    for (std::size_t i = 0; i < P::k; ++i) {
        poly_decode_decompress<P::du>(c + 32 * P::du * i, u);
        ntt(u);
        poly_decode_12(dk + 384 * i, s);
        acc.add_product(s, u);
    }
    acc.store(u);
    inverse_ntt(u);
    poly_decode_decompress<P::dv>(c + 32 * P::du * P::k, w);
    poly_subtract(w, u);
    poly_compress_encode<1>(w, m.data());
    secure_wipe(s);
    secure_wipe(w);
    secure_wipe(u);
    secure_wipe(acc);
}

}  // namespace carapace::detail::mlkem
