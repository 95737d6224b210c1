// The dispatched polynomial layer of ML-KEM (FIPS 203 Algorithms 9 to 12, and §4.2.1): ntt,
// inverse_ntt and sums of NTT-domain products (mlkem_ntt_avx2.hpp), and the coefficient-wise
// steps: sums and differences, Compress/Decompress with their byte coding, ByteDecode_12
// (mlkem_poly_avx2.hpp). Each runs the fastest variant the CPU supports (AVX2 or portable, see
// core/cpu_dispatch.hpp), the portable one in constant evaluation. All variants give the same
// results bit for bit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/kem/detail/mlkem_ntt_avx2.hpp"
#include "carapace/kem/detail/mlkem_poly.hpp"
#include "carapace/kem/detail/mlkem_poly_avx2.hpp"

namespace carapace::detail::mlkem {

using mlkem_ntt_dispatch = cpu_variants<mlkem_ntt_avx2, mlkem_ntt_portable>;
using mlkem_poly_dispatch = cpu_variants<mlkem_poly_avx2, mlkem_poly_portable>;

// Runs f.template operator()<Variant>() with the coefficient-wise variant to use now.
template <class F>
constexpr void with_poly_variant(F&& f) noexcept {
    if (std::is_constant_evaluated()) {
        f.template operator()<mlkem_poly_portable>();
        return;
    }
    mlkem_poly_dispatch::call(mlkem_poly_dispatch::best(), f);
}

// f += g and f -= g mod q.
constexpr void poly_add(poly& f, const poly& g) noexcept {
    with_poly_variant([&]<class Variant>() { Variant::add(f, g); });
}

constexpr void poly_subtract(poly& f, const poly& g) noexcept {
    with_poly_variant([&]<class Variant>() { Variant::subtract(f, g); });
}

// ByteEncode_d(Compress_d(f)), 32 d bytes.
template <unsigned D>
constexpr void poly_compress_encode(const poly& f, std::uint8_t* out) noexcept {
    std::array<std::uint16_t, n> c{};
    with_poly_variant([&]<class Variant>() { Variant::template compress<D>(f, c); });
    byte_encode<D>(c, out);
}

// Decompress_d(ByteDecode_d(in)).
template <unsigned D>
constexpr void poly_decode_decompress(const std::uint8_t* in, poly& f) noexcept {
    byte_decode<D>(in, f);
    with_poly_variant([&]<class Variant>() { Variant::template decompress<D>(f); });
}

// ByteEncode_12 of values below q.
constexpr void poly_encode_12(const poly& f, std::uint8_t* out) noexcept {
    with_poly_variant([&]<class Variant>() { Variant::encode_12(f, out); });
}

// Whether every value ByteDecode_12 reads from the 384 bytes at in is below q (FIPS 203 §7.2).
constexpr bool poly_below_q_12(const std::uint8_t* in) noexcept {
    bool ok = false;
    with_poly_variant([&]<class Variant>() { ok = Variant::below_q_12(in); });
    return ok;
}

// ByteDecode_12 (values reduced mod q).
constexpr void poly_decode_12(const std::uint8_t* in, poly& f) noexcept {
    with_poly_variant([&]<class Variant>() { Variant::decode_12(in, f); });
}

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
        with_poly_variant([&]<class Variant>() { Variant::reduce_sums(sum, out); });
    }
};

}  // namespace carapace::detail::mlkem
