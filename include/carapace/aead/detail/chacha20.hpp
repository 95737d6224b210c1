// ChaCha20 (RFC 8439 §2.1-2.4) and HChaCha20 (draft-irtf-cfrg-xchacha §2.2), portable and usable
// in constant evaluation. Only additions, rotations and XORs on 32-bit words: constant time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/endian.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// The key as eight little-endian words, the nonce as three.
struct chacha20_key {
    std::uint32_t words[8] = {};
};

inline constexpr std::uint32_t chacha20_constants[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

constexpr std::uint32_t chacha_rotl(std::uint32_t v, int n) noexcept {
    return static_cast<std::uint32_t>((v << n) | (v >> (32 - n)));
}

constexpr void chacha_quarter_round(std::uint32_t& a, std::uint32_t& b, std::uint32_t& c, std::uint32_t& d) noexcept {
    a += b; d ^= a; d = chacha_rotl(d, 16);
    c += d; b ^= c; b = chacha_rotl(b, 12);
    a += b; d ^= a; d = chacha_rotl(d, 8);
    c += d; b ^= c; b = chacha_rotl(b, 7);
}

// The 20 rounds (ten column rounds and ten diagonal rounds) over x, without the final addition.
constexpr void chacha20_rounds(std::uint32_t (&x)[16]) noexcept {
    for (int i = 0; i < 10; ++i) {
        chacha_quarter_round(x[0], x[4], x[8], x[12]);
        chacha_quarter_round(x[1], x[5], x[9], x[13]);
        chacha_quarter_round(x[2], x[6], x[10], x[14]);
        chacha_quarter_round(x[3], x[7], x[11], x[15]);
        chacha_quarter_round(x[0], x[5], x[10], x[15]);
        chacha_quarter_round(x[1], x[6], x[11], x[12]);
        chacha_quarter_round(x[2], x[7], x[8], x[13]);
        chacha_quarter_round(x[3], x[4], x[9], x[14]);
    }
}

constexpr chacha20_key chacha20_load_key(const std::uint8_t* key) noexcept {
    chacha20_key k{};
    for (int i = 0; i < 8; ++i) k.words[i] = load_le32(key + 4 * i);
    return k;
}

// The initial state: constants, key, block counter, 96-bit nonce (§2.3).
constexpr void chacha20_setup(std::uint32_t (&state)[16], const chacha20_key& key, std::uint32_t counter,
                              const std::uint8_t* nonce) noexcept {
    for (int i = 0; i < 4; ++i) state[i] = chacha20_constants[i];
    for (int i = 0; i < 8; ++i) state[4 + i] = key.words[i];
    state[12] = counter;
    for (int i = 0; i < 3; ++i) state[13 + i] = load_le32(nonce + 4 * i);
}

// One 64-byte keystream block (§2.3).
constexpr void chacha20_block(const chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,
                              std::uint8_t* out) noexcept {
    std::uint32_t state[16] = {}, x[16] = {};
    chacha20_setup(state, key, counter, nonce);
    for (int i = 0; i < 16; ++i) x[i] = state[i];
    chacha20_rounds(x);
    for (int i = 0; i < 16; ++i) store_le32(out + 4 * i, x[i] + state[i]);
    secure_wipe(state, 16);
    secure_wipe(x, 16);
}

// out = in xor keystream from block `counter` on (§2.4), for any number of bytes. in may be out.
// The caller keeps the block count within 2^32 - counter.
constexpr void chacha20_xor_portable(const chacha20_key& key, std::uint32_t counter, const std::uint8_t* nonce,
                                     const std::uint8_t* in, std::uint8_t* out, std::size_t size) noexcept {
    std::uint32_t state[16] = {}, x[16] = {};
    chacha20_setup(state, key, counter, nonce);
    while (size != 0) {
        for (int i = 0; i < 16; ++i) x[i] = state[i];
        chacha20_rounds(x);
        const std::size_t n = size < 64 ? size : 64;
        if (n == 64) {
            for (std::size_t i = 0; i < 16; ++i)
                store_le32(out + 4 * i, load_le32(in + 4 * i) ^ (x[i] + state[i]));
        } else {
            std::uint8_t block[64] = {};
            for (int i = 0; i < 16; ++i) store_le32(block + 4 * i, x[i] + state[i]);
            for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(in[i] ^ block[i]);
            secure_wipe(block, 64);
        }
        ++state[12];
        in += n;
        out += n;
        size -= n;
    }
    secure_wipe(state, 16);
    secure_wipe(x, 16);
}

// HChaCha20: the key and the first 16 bytes of a 24-byte nonce give a subkey (words 0-3 and 12-15
// of the state after 20 rounds, without the final addition).
constexpr chacha20_key hchacha20(const chacha20_key& key, const std::uint8_t* nonce16) noexcept {
    std::uint32_t x[16] = {};
    for (int i = 0; i < 4; ++i) x[i] = chacha20_constants[i];
    for (int i = 0; i < 8; ++i) x[4 + i] = key.words[i];
    for (int i = 0; i < 4; ++i) x[12 + i] = load_le32(nonce16 + 4 * i);
    chacha20_rounds(x);
    chacha20_key sub{};
    for (int i = 0; i < 4; ++i) {
        sub.words[i] = x[i];
        sub.words[4 + i] = x[12 + i];
    }
    secure_wipe(x, 16);
    return sub;
}

}  // namespace carapace::detail
