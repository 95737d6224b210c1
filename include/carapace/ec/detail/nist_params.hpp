// The NIST prime curves P-256 and P-384 (FIPS 186-5 / SP 800-186 §3.2.1, SEC 2 secp256r1 and
// secp384r1): y^2 = x^3 - 3x + b over GF(p), a base point G of prime order n, cofactor 1. The
// constants as little-endian 64-bit words, and each curve's table of base point multiples.
#pragma once

#include <cstddef>
#include <cstdint>

#if !defined(CARAPACE_EC_NO_BASE_TABLE)
#include "carapace/ec/detail/p256_tables.hpp"
#include "carapace/ec/detail/p384_tables.hpp"
#endif

namespace carapace::detail {

struct p256_params {
    static constexpr const char* name = "P-256";
    static constexpr std::size_t bits = 256;
    struct field {
        static constexpr std::size_t bits = 256;
        static constexpr std::uint64_t modulus[4] = {0xffffffffffffffff, 0x00000000ffffffff, 0x0000000000000000,
                                                     0xffffffff00000001};
    };
    struct order {
        static constexpr std::size_t bits = 256;
        static constexpr std::uint64_t modulus[4] = {0xf3b9cac2fc632551, 0xbce6faada7179e84, 0xffffffffffffffff,
                                                     0xffffffff00000000};
    };
    static constexpr std::uint64_t b[4] = {0x3bce3c3e27d2604b, 0x651d06b0cc53b0f6, 0xb3ebbd55769886bc,
                                           0x5ac635d8aa3a93e7};
    static constexpr std::uint64_t gx[4] = {0xf4a13945d898c296, 0x77037d812deb33a0, 0xf8bce6e563a440f2,
                                            0x6b17d1f2e12c4247};
    static constexpr std::uint64_t gy[4] = {0xcbb6406837bf51f5, 0x2bce33576b315ece, 0x8ee7eb4a7c0f9e16,
                                            0x4fe342e2fe1a7f9b};
    // (p + 1) / 4: p = 3 mod 4, so a square root of a square s is s^((p+1)/4).
    static constexpr std::uint64_t sqrt_exponent[4] = {0x0000000000000000, 0x0000000040000000, 0x4000000000000000,
                                                       0x3fffffffc0000000};
#if !defined(CARAPACE_EC_NO_BASE_TABLE)
    static constexpr auto& comb = p256_base_comb;
    static constexpr std::size_t comb_window = p256_comb_window;
    static constexpr std::size_t comb_spacing = p256_comb_spacing;
    static constexpr auto& base_odd = p256_base_odd;
#endif
};

struct p384_params {
    static constexpr const char* name = "P-384";
    static constexpr std::size_t bits = 384;
    struct field {
        static constexpr std::size_t bits = 384;
        static constexpr std::uint64_t modulus[6] = {0x00000000ffffffff, 0xffffffff00000000, 0xfffffffffffffffe,
                                                     0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff};
    };
    struct order {
        static constexpr std::size_t bits = 384;
        static constexpr std::uint64_t modulus[6] = {0xecec196accc52973, 0x581a0db248b0a77a, 0xc7634d81f4372ddf,
                                                     0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff};
    };
    static constexpr std::uint64_t b[6] = {0x2a85c8edd3ec2aef, 0xc656398d8a2ed19d, 0x0314088f5013875a,
                                           0x181d9c6efe814112, 0x988e056be3f82d19, 0xb3312fa7e23ee7e4};
    static constexpr std::uint64_t gx[6] = {0x3a545e3872760ab7, 0x5502f25dbf55296c, 0x59f741e082542a38,
                                            0x6e1d3b628ba79b98, 0x8eb1c71ef320ad74, 0xaa87ca22be8b0537};
    static constexpr std::uint64_t gy[6] = {0x7a431d7c90ea0e5f, 0x0a60b1ce1d7e819d, 0xe9da3113b5f0b8c0,
                                            0xf8f41dbd289a147c, 0x5d9e98bf9292dc29, 0x3617de4a96262c6f};
    static constexpr std::uint64_t sqrt_exponent[6] = {0x0000000040000000, 0xbfffffffc0000000, 0xffffffffffffffff,
                                                       0xffffffffffffffff, 0xffffffffffffffff, 0x3fffffffffffffff};
#if !defined(CARAPACE_EC_NO_BASE_TABLE)
    static constexpr auto& comb = p384_base_comb;
    static constexpr std::size_t comb_window = p384_comb_window;
    static constexpr std::size_t comb_spacing = p384_comb_spacing;
    static constexpr auto& base_odd = p384_base_odd;
#endif
};

}  // namespace carapace::detail
