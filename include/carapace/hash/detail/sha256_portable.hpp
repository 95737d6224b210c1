// Portable SHA-256 compression function (FIPS 180-4 §6.2.2), usable in constant evaluation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/endian.hpp"

namespace carapace::detail {

inline constexpr std::array<std::uint32_t, 64> sha256_round_constants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

struct sha256_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }

    static constexpr void compress(std::array<std::uint32_t, 8>& state, const std::uint8_t* blocks,
                                   std::size_t block_count) noexcept {
        constexpr auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
        for (std::size_t b = 0; b < block_count; ++b, blocks += 64) {
            std::uint32_t w[16] = {};
            for (std::size_t i = 0; i < 16; ++i) w[i] = load_be32(blocks + 4 * i);
            std::uint32_t a = state[0], bb = state[1], c = state[2], d = state[3];
            std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
            for (std::size_t t = 0; t < 64; ++t) {
                if (t >= 16) {
                    // The message schedule kept as a 16-word ring: W[t] replaces W[t-16].
                    const std::uint32_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
                    const std::uint32_t s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
                    const std::uint32_t s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
                    w[t & 15] += s0 + w[(t - 7) & 15] + s1;
                }
                const std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
                                         ((e & f) ^ (~e & g)) + sha256_round_constants[t] + w[t & 15];
                const std::uint32_t t2 =
                    (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = bb;
                bb = a;
                a = t1 + t2;
            }
            state[0] += a;
            state[1] += bb;
            state[2] += c;
            state[3] += d;
            state[4] += e;
            state[5] += f;
            state[6] += g;
            state[7] += h;
        }
    }
};

}  // namespace carapace::detail
