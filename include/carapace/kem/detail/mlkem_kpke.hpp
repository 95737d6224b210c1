// K-PKE, the public-key encryption scheme inside ML-KEM (FIPS 203 §5: Algorithms 13, 14, 15).
// The matrix A-hat is normally not stored: each entry is sampled when it is used (row by row for
// KeyGen, column by column for Encrypt), so the stack holds a few polynomials, not k^2 of them.
// A caller that runs KeyGen and then Encrypt with the same key (decapsulation from a seed) may
// ask KeyGen to keep the matrix and hand it to Encrypt, which then samples nothing: the entries
// are the same SampleNTT outputs either way.
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

// The k entries of one row (transposed: false) or one column (true) of A-hat, A-hat[i, j] being
// SampleNTT(rho || j || i): sampled together, four XOF states at a time.
template <class P>
[[nodiscard]] constexpr bool sample_matrix_line(fixed_view<32> rho, std::size_t line, bool transposed,
                                                poly_vector<P>& entries) noexcept {
    static_assert(P::k <= 4);
    std::array<std::array<std::uint8_t, 2>, 4> indices{};
    std::array<poly*, 4> out{};
    for (std::size_t e = 0; e < P::k; ++e) {
        const auto i = static_cast<std::uint8_t>(transposed ? e : line), j = static_cast<std::uint8_t>(transposed ? line : e);
        indices[e] = {j, i};
        out[e] = &entries[e];
    }
    return sample_ntt_x4(rho, indices, P::k, out);
}

// Algorithm 13 from the already expanded (rho, sigma) = G(d || k); rho is public (it ends ek).
// With keep_matrix, A-hat is left there for kpke_encrypt.
template <class P>
[[nodiscard]] constexpr bool kpke_keygen(fixed_view<32> rho, fixed_view<32> sigma, std::uint8_t* ek,
                                         std::uint8_t* dk, poly_matrix<P>* keep_matrix = nullptr) noexcept {
    poly_vector<P> s{}, e{};
    std::array<poly*, 2 * P::k> noise{};  // s with counters 0 .. k - 1, then e
    for (std::size_t i = 0; i < P::k; ++i) {
        noise[i] = &s[i];
        noise[P::k + i] = &e[i];
    }
    sample_cbd_many<P::eta1>(sigma, 0, noise);
    for (auto& p : s) ntt(p);
    bool sampled = true;
    poly t{};
    poly_vector<P> row{};
    for (std::size_t i = 0; i < P::k; ++i) {
        ntt_accumulator acc;
        poly_vector<P>& entries = keep_matrix != nullptr ? (*keep_matrix)[i] : row;
        sampled &= sample_matrix_line<P>(rho, i, false, entries);
        for (std::size_t j = 0; j < P::k; ++j) acc.add_product(entries[j], s[j]);
        acc.store(t);
        ntt(e[i]);
        add(t, e[i]);
        byte_encode<12>(t, ek + 384 * i);
        byte_encode<12>(s[i], dk + 384 * i);
    }
    for (std::size_t i = 0; i < 32; ++i) ek[384 * P::k + i] = rho[i];
    secure_wipe(s);
    secure_wipe(e);
    secure_wipe(t);
    return sampled;
}

// Algorithm 14. ek's coefficients are reduced by ByteDecode_12 (callers check the modulus first);
// rho, the seed of the public matrix, is passed apart: it is public, and a decapsulating caller
// (whose ek sits inside its secret key) says so with ct::declassify before SampleNTT branches on it.
// Given a_hat (kept by kpke_keygen from the same rho), the matrix is read from there instead.
template <class P>
[[nodiscard]] constexpr bool kpke_encrypt(const std::uint8_t* ek, fixed_view<32> rho, fixed_view<32> m,
                                          fixed_view<32> r, std::uint8_t* c,
                                          const poly_matrix<P>* a_hat = nullptr) noexcept {
    poly_vector<P> y{}, e1{};
    poly e2{}, a{}, w{};
    std::array<poly*, P::k> y_out{};
    std::array<poly*, P::k + 1> e_out{};  // e1 with counters k .. 2k - 1, then e2
    for (std::size_t i = 0; i < P::k; ++i) {
        y_out[i] = &y[i];
        e_out[i] = &e1[i];
    }
    e_out[P::k] = &e2;
    sample_cbd_many<P::eta1>(r, 0, y_out);
    sample_cbd_many<P::eta2>(r, static_cast<std::uint8_t>(P::k), e_out);
    for (auto& p : y) ntt(p);
    bool sampled = true;
    // u = NTT^-1(A-hat^T y-hat) + e1, column i of A-hat at a time.
    poly_vector<P> column{};
    for (std::size_t i = 0; i < P::k; ++i) {
        ntt_accumulator acc;
        if (a_hat == nullptr) sampled &= sample_matrix_line<P>(rho, i, true, column);
        for (std::size_t j = 0; j < P::k; ++j) acc.add_product(a_hat != nullptr ? (*a_hat)[j][i] : column[j], y[j]);
        acc.store(w);
        inverse_ntt(w);
        add(w, e1[i]);
        compress_encode<P::du>(w, c + 32 * P::du * i);
    }
    // v = NTT^-1(t-hat^T y-hat) + e2 + mu.
    ntt_accumulator acc;
    for (std::size_t j = 0; j < P::k; ++j) {
        byte_decode<12>(ek + 384 * j, a);
        acc.add_product(a, y[j]);
    }
    acc.store(w);
    inverse_ntt(w);
    add(w, e2);
    decode_decompress<1>(m.data(), a);
    add(w, a);
    compress_encode<P::dv>(w, c + 32 * P::du * P::k);
    secure_wipe(y);
    secure_wipe(e1);
    secure_wipe(e2);
    secure_wipe(a);
    secure_wipe(w);
    return sampled;
}

// Algorithm 15.
template <class P>
constexpr void kpke_decrypt(const std::uint8_t* dk, const std::uint8_t* c, fixed_span<32> m) noexcept {
    ntt_accumulator acc;
    poly u{}, s{}, w{};
    for (std::size_t i = 0; i < P::k; ++i) {
        decode_decompress<P::du>(c + 32 * P::du * i, u);
        ntt(u);
        byte_decode<12>(dk + 384 * i, s);
        acc.add_product(s, u);
    }
    acc.store(u);
    inverse_ntt(u);
    decode_decompress<P::dv>(c + 32 * P::du * P::k, w);
    subtract(w, u);
    compress_encode<1>(w, m.data());
    secure_wipe(s);
    secure_wipe(w);
    secure_wipe(u);
    secure_wipe(acc);
}

}  // namespace carapace::detail::mlkem
