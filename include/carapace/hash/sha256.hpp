// SHA-224 and SHA-256 (FIPS 180-4). The compression function is SHA-NI or the ARMv8 SHA-256
// instructions when the CPU has them and the portable one otherwise (and always in constant evaluation).
//
//   auto digest = carapace::sha256::hash(message);         // one shot
//   carapace::sha256 h; h.update(part1).update(part2);      // streaming, any split
//   auto same = h.final();
#pragma once

#include <array>
#include <cstdint>

#include "carapace/hash/detail/compress_dispatch.hpp"
#include "carapace/hash/detail/md_hash.hpp"
#include "carapace/hash/detail/sha256_armv8.hpp"
#include "carapace/hash/detail/sha256_portable.hpp"
#include "carapace/hash/detail/sha256_shani.hpp"

namespace carapace {

namespace detail {

using sha256_dispatch = compress_dispatch<sha256_shani, sha256_armv8, sha256_portable>;

// What the variants of the family share: the compression function and the word size.
struct sha256_family {
    using portable_engine = sha256_portable;
    using word = std::uint32_t;
};

struct sha224_params : sha256_family {
    static constexpr const char* name = "SHA-224";
    static constexpr std::size_t digest_size = 28;
    static constexpr std::array<word, 8> initial_state = {
        0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4};
};

struct sha256_params : sha256_family {
    static constexpr const char* name = "SHA-256";
    static constexpr std::size_t digest_size = 32;
    static constexpr std::array<word, 8> initial_state = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
};

}  // namespace detail

// The same hashes with an explicit compression engine (tests run every engine the CPU has).
template <class Engine>
using sha224_with = detail::md_hash<detail::sha224_params, Engine>;
template <class Engine>
using sha256_with = detail::md_hash<detail::sha256_params, Engine>;

// SHA-224 with the CPU's fastest engine: hash(), update(), final().
using sha224 = sha224_with<detail::sha256_dispatch>;
// SHA-256 with the CPU's fastest engine: hash(), update(), final().
using sha256 = sha256_with<detail::sha256_dispatch>;

}  // namespace carapace
