// SHA-1 (FIPS 180-4 §6.1). Broken for collision resistance: carapace has it only for HMAC-SHA-1
// and HKDF-SHA-1 interoperability (RFC 5869's test cases) and for recognising legacy data. Never
// use it for new signatures or certificates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/endian.hpp"
#include "carapace/hash/detail/md_hash.hpp"

namespace carapace {

namespace detail {

struct sha1_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }

    static constexpr void compress(std::array<std::uint32_t, 5>& state, const std::uint8_t* blocks,
                                   std::size_t block_count) noexcept {
        constexpr auto rotl = [](std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
        for (std::size_t b = 0; b < block_count; ++b, blocks += 64) {
            std::uint32_t w[16] = {};
            for (std::size_t i = 0; i < 16; ++i) w[i] = load_be32(blocks + 4 * i);
            std::uint32_t a = state[0], bb = state[1], c = state[2], d = state[3], e = state[4];
            for (std::size_t t = 0; t < 80; ++t) {
                if (t >= 16)
                    w[t & 15] = rotl(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
                std::uint32_t f = 0, k = 0;
                if (t < 20) {
                    f = (bb & c) | (~bb & d);
                    k = 0x5a827999;
                } else if (t < 40) {
                    f = bb ^ c ^ d;
                    k = 0x6ed9eba1;
                } else if (t < 60) {
                    f = (bb & c) | (bb & d) | (c & d);
                    k = 0x8f1bbcdc;
                } else {
                    f = bb ^ c ^ d;
                    k = 0xca62c1d6;
                }
                const std::uint32_t next = rotl(a, 5) + f + e + k + w[t & 15];
                e = d;
                d = c;
                c = rotl(bb, 30);
                bb = a;
                a = next;
            }
            state[0] += a;
            state[1] += bb;
            state[2] += c;
            state[3] += d;
            state[4] += e;
        }
    }
};

struct sha1_params {
    static constexpr const char* name = "SHA-1";
    using portable_engine = sha1_portable;
    using word = std::uint32_t;
    static constexpr std::size_t digest_size = 20;
    static constexpr std::array<word, 5> initial_state = {0x67452301, 0xefcdab89, 0x98badcfe,
                                                          0x10325476, 0xc3d2e1f0};
};

}  // namespace detail

// SHA-1 (legacy only: certificate and OCSP identifiers, never for new signatures).
using sha1 = detail::md_hash<detail::sha1_params, detail::sha1_portable>;

}  // namespace carapace
