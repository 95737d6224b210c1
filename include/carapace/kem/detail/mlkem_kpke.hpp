// K-PKE, the public-key encryption scheme inside ML-KEM (FIPS 203 §5: Algorithms 13, 14, 15).
// The matrix A-hat is never stored: each entry is sampled when it is used (row by row for
// KeyGen, column by column for Encrypt), so the stack holds a few polynomials, never k^2 of them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/kem/detail/mlkem_poly.hpp"

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

// Algorithm 13 from the already expanded (rho, sigma) = G(d || k).
template <class P>
[[nodiscard]] constexpr bool kpke_keygen(fixed_view<32> rho, fixed_view<32> sigma, std::uint8_t* ek,
                                         std::uint8_t* dk) noexcept {
    poly_vector<P> s{}, e{};
    std::uint8_t counter = 0;
    for (auto& p : s) sample_cbd<P::eta1>(sigma, counter++, p);
    for (auto& p : e) sample_cbd<P::eta1>(sigma, counter++, p);
    for (auto& p : s) ntt(p);
    bool sampled = true;
    poly a{}, t{};
    for (std::size_t i = 0; i < P::k; ++i) {
        ntt_accumulator acc;
        for (std::size_t j = 0; j < P::k; ++j) {
            sampled &= sample_ntt(rho, static_cast<std::uint8_t>(j), static_cast<std::uint8_t>(i), a);
            acc.add_product(a, s[j]);
        }
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

// Algorithm 14. ek's coefficients are reduced by ByteDecode_12 (callers check the modulus first).
template <class P>
[[nodiscard]] constexpr bool kpke_encrypt(const std::uint8_t* ek, fixed_view<32> m, fixed_view<32> r,
                                          std::uint8_t* c) noexcept {
    poly_vector<P> y{};
    poly e{}, a{}, w{};
    std::uint8_t counter = 0;
    for (auto& p : y) sample_cbd<P::eta1>(r, counter++, p);
    for (auto& p : y) ntt(p);
    const byte_view rho(ek + 384 * P::k, 32);
    bool sampled = true;
    // u = NTT^-1(A-hat^T y-hat) + e1, column i of A-hat at a time.
    for (std::size_t i = 0; i < P::k; ++i) {
        ntt_accumulator acc;
        for (std::size_t j = 0; j < P::k; ++j) {
            sampled &= sample_ntt(rho, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(j), a);
            acc.add_product(a, y[j]);
        }
        acc.store(w);
        inverse_ntt(w);
        sample_cbd<P::eta2>(r, static_cast<std::uint8_t>(P::k + i), e);
        add(w, e);
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
    sample_cbd<P::eta2>(r, static_cast<std::uint8_t>(2 * P::k), e);
    add(w, e);
    decode_decompress<1>(m.data(), e);
    add(w, e);
    compress_encode<P::dv>(w, c + 32 * P::du * P::k);
    secure_wipe(y);
    secure_wipe(e);
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
