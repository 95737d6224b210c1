// SHA-384, SHA-512, SHA-512/224 and SHA-512/256 (FIPS 180-4), sharing one compression function:
// AVX2+BMI2 or the ARMv8.2 SHA-512 instructions when the CPU has them, the portable one otherwise (and in constant evaluation).
// Same interface as sha256.hpp.
#pragma once

#include <array>
#include <cstdint>

#include "carapace/hash/detail/compress_dispatch.hpp"
#include "carapace/hash/detail/md_hash.hpp"
#include "carapace/hash/detail/sha512_armv8.hpp"
#include "carapace/hash/detail/sha512_avx2.hpp"
#include "carapace/hash/detail/sha512_portable.hpp"

namespace carapace {

namespace detail {

using sha512_dispatch = compress_dispatch<sha512_avx2, sha512_armv8, sha512_portable>;

// What the variants of the family share: the compression function and the word size.
struct sha512_family {
    using portable_engine = sha512_portable;
    using word = std::uint64_t;
};

struct sha384_params : sha512_family {
    static constexpr const char* name = "SHA-384";
    static constexpr std::size_t digest_size = 48;
    static constexpr std::array<word, 8> initial_state = {
        0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
        0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4};
};

struct sha512_params : sha512_family {
    static constexpr const char* name = "SHA-512";
    static constexpr std::size_t digest_size = 64;
    static constexpr std::array<word, 8> initial_state = {
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
};

// SHA-512/t initial values are FIPS 180-4 §5.3.6.1 and §5.3.6.2.
struct sha512_224_params : sha512_family {
    static constexpr const char* name = "SHA-512/224";
    static constexpr std::size_t digest_size = 28;
    static constexpr std::array<word, 8> initial_state = {
        0x8c3d37c819544da2, 0x73e1996689dcd4d6, 0x1dfab7ae32ff9c82, 0x679dd514582f9fcf,
        0x0f6d2b697bd44da8, 0x77e36f7304c48942, 0x3f9d85a86a1d36c8, 0x1112e6ad91d692a1};
};

struct sha512_256_params : sha512_family {
    static constexpr const char* name = "SHA-512/256";
    static constexpr std::size_t digest_size = 32;
    static constexpr std::array<word, 8> initial_state = {
        0x22312194fc2bf72c, 0x9f555fa3c84c64c2, 0x2393b86b6f53b151, 0x963877195940eabd,
        0x96283ee2a88effe3, 0xbe5e1e2553863992, 0x2b0199fc2c85b8aa, 0x0eb72ddc81c52ca2};
};

}  // namespace detail

// SHA-384 with an explicit compression engine (tests run every engine the CPU has).
template <class Engine>
using sha384_with = detail::md_hash<detail::sha384_params, Engine>;
// SHA-512 with an explicit compression engine.
template <class Engine>
using sha512_with = detail::md_hash<detail::sha512_params, Engine>;
// SHA-512/224 with an explicit compression engine.
template <class Engine>
using sha512_224_with = detail::md_hash<detail::sha512_224_params, Engine>;
// SHA-512/256 with an explicit compression engine.
template <class Engine>
using sha512_256_with = detail::md_hash<detail::sha512_256_params, Engine>;

// SHA-384 with the CPU's fastest engine: hash(), update(), final().
using sha384 = sha384_with<detail::sha512_dispatch>;
// SHA-512 with the CPU's fastest engine: hash(), update(), final().
using sha512 = sha512_with<detail::sha512_dispatch>;
// SHA-512/224 with the CPU's fastest engine.
using sha512_224 = sha512_224_with<detail::sha512_dispatch>;
// SHA-512/256 with the CPU's fastest engine.
using sha512_256 = sha512_256_with<detail::sha512_dispatch>;

}  // namespace carapace
