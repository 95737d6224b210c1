// Portable constant-time AES encryption (FIPS 197), bitsliced, usable in constant evaluation.
//
// The portable twin of the AES-NI engine: GCM only ever runs the forward cipher, so there is no
// inverse. Table-driven AES leaks its key through the cache, so here four blocks are held as
// eight 64-bit words, word j holding bit j of all 64 bytes, and every step of a round is a fixed
// sequence of logical operations on those words. The S-box is computed, not looked up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/aead/detail/aes_key_expansion.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// Round keys in the form the bitsliced cipher consumes; rounds = 10, 12 or 14 (AES-128/192/256).
struct aes_ct_schedule {
    std::uint64_t planes[15][8] = {};  // round r as eight bit planes, replicated over the 4 blocks
    int rounds = 0;
};

namespace aes_ct {

// Bit p of plane j is bit j of one byte of the state: p = 16 * row + 4 * column + block. Each row
// is a 16-bit lane, so ShiftRows rotates within lanes and MixColumns rotates whole words.
//
// Loading gathers the byte for position p into byte p / 8 of word p % 8; an 8x8 bit transpose in
// every byte lane then makes word j hold bit j of each. Word 4 * (column % 2) + block takes, at
// byte 2 * row + column / 2, byte 4 * (column % 2) + row of the block's first (column < 2) or
// second 8-byte half: the two halves' matching 4-byte runs, interleaved bytewise.

// Exchanges the bits of a at (mask << n) with the bits of b at mask.
constexpr void swap_move(std::uint64_t& a, std::uint64_t& b, std::uint64_t mask, int n) noexcept {
    const std::uint64_t t = ((a >> n) ^ b) & mask;
    b ^= t;
    a ^= t << n;
}

// In each byte lane, bit i of word j becomes bit j of word i. An involution.
constexpr void transpose(std::uint64_t (&w)[8]) noexcept {
    constexpr std::uint64_t m1 = 0x5555555555555555u, m2 = 0x3333333333333333u, m4 = 0x0f0f0f0f0f0f0f0fu;
    swap_move(w[0], w[1], m1, 1);
    swap_move(w[2], w[3], m1, 1);
    swap_move(w[4], w[5], m1, 1);
    swap_move(w[6], w[7], m1, 1);
    swap_move(w[0], w[2], m2, 2);
    swap_move(w[1], w[3], m2, 2);
    swap_move(w[4], w[6], m2, 2);
    swap_move(w[5], w[7], m2, 2);
    swap_move(w[0], w[4], m4, 4);
    swap_move(w[1], w[5], m4, 4);
    swap_move(w[2], w[6], m4, 4);
    swap_move(w[3], w[7], m4, 4);
}

// The four bytes of x to the even bytes of the result, and back.
constexpr std::uint64_t spread_bytes(std::uint64_t x) noexcept {
    x = (x | (x << 16)) & 0x0000ffff0000ffffu;
    return (x | (x << 8)) & 0x00ff00ff00ff00ffu;
}
constexpr std::uint64_t gather_bytes(std::uint64_t x) noexcept {
    x &= 0x00ff00ff00ff00ffu;
    x = (x | (x >> 8)) & 0x0000ffff0000ffffu;
    return (x | (x >> 16)) & 0x00000000ffffffffu;
}

// 64 bytes (four blocks) to bit planes.
constexpr void load_planes(const std::uint8_t* bytes, std::uint64_t (&q)[8]) noexcept {
    for (int block = 0; block < 4; ++block) {
        const std::uint64_t first = load_le64(bytes + 16 * block), second = load_le64(bytes + 16 * block + 8);
        q[block] = spread_bytes(first & 0xffffffffu) | (spread_bytes(second & 0xffffffffu) << 8);
        q[4 + block] = spread_bytes(first >> 32) | (spread_bytes(second >> 32) << 8);
    }
    transpose(q);
}

constexpr void store_planes(std::uint64_t (&q)[8], std::uint8_t* bytes) noexcept {
    transpose(q);
    for (int block = 0; block < 4; ++block) {
        const std::uint64_t even = q[block], odd = q[4 + block];
        store_le64(bytes + 16 * block, gather_bytes(even) | (gather_bytes(odd) << 32));
        store_le64(bytes + 16 * block + 8, gather_bytes(even >> 8) | (gather_bytes(odd >> 8) << 32));
    }
}

// The S-box is the inverse in GF(2^8) followed by an affine map. Bitsliced, the inverse is
// cheapest in a tower field: GF(2^8) = GF(16)[Y] / (Y^2 + Y + lambda) over GF(16) = GF(2)[z] /
// (z^4 + z + 1), with lambda = z^3 + z^2 + z. An element ah Y + al has the inverse
// (ah Y + al + ah) / d with d = lambda ah^2 + al ah + al^2, so one inversion in GF(2^8) costs
// three multiplications and one inversion in GF(16). The bases meet through omega = 0x5d (a root
// of z^4 + z + 1 in the AES field) and beta = 0x1f (a root of Y^2 + Y + lambda): the tower basis
// is omega^i and beta omega^i, i < 4. The linear maps below are that change of basis, d's
// squares, and the change back composed with the affine map; the tests check all 256 inputs.
//
// Words hold one bit each (of any unsigned type: 64 bits for the cipher, 32 for SubWord).

// Product in GF(16): schoolbook, then z^4 = z + 1, z^5 = z^2 + z, z^6 = z^3 + z^2.
template <class W>
constexpr void gf16_mul(const W (&a)[4], const W (&b)[4], W (&out)[4]) noexcept {
    const W c0 = a[0] & b[0];
    const W c1 = (a[0] & b[1]) ^ (a[1] & b[0]);
    const W c2 = (a[0] & b[2]) ^ (a[1] & b[1]) ^ (a[2] & b[0]);
    const W c3 = (a[0] & b[3]) ^ (a[1] & b[2]) ^ (a[2] & b[1]) ^ (a[3] & b[0]);
    const W c4 = (a[1] & b[3]) ^ (a[2] & b[2]) ^ (a[3] & b[1]);
    const W c5 = (a[2] & b[3]) ^ (a[3] & b[2]);
    const W c6 = a[3] & b[3];
    out[0] = c0 ^ c4;
    out[1] = c1 ^ c4 ^ c5;
    out[2] = c2 ^ c5 ^ c6;
    out[3] = c3 ^ c6;
}

// Inverse in GF(16) (0 maps to 0): the algebraic normal form of each output bit.
template <class W>
constexpr void gf16_inverse(const W (&a)[4], W (&out)[4]) noexcept {
    const W a01 = a[0] & a[1], a02 = a[0] & a[2], a12 = a[1] & a[2];
    const W a03 = a[0] & a[3], a13 = a[1] & a[3], a23 = a[2] & a[3];
    out[0] = a[0] ^ a[1] ^ a[2] ^ a[3] ^ a02 ^ a12 ^ (a01 & a[2]) ^ (a12 & a[3]);
    out[1] = a[3] ^ a01 ^ a02 ^ a12 ^ a13 ^ (a01 & a[3]);
    out[2] = a[2] ^ a[3] ^ a01 ^ a02 ^ a03 ^ (a02 & a[3]);
    out[3] = a[1] ^ a[2] ^ a[3] ^ a03 ^ a13 ^ a23 ^ (a12 & a[3]);
}

template <class W>
constexpr void sub_bytes(W (&q)[8]) noexcept {
    // To the tower basis: al = t[0..3], ah = t[4..7].
    const W al[4] = {q[0] ^ q[1] ^ q[6], q[2] ^ q[3] ^ q[6] ^ q[7], q[2] ^ q[4] ^ q[7], q[1] ^ q[2] ^ q[6] ^ q[7]};
    const W ah[4] = {q[1] ^ q[2] ^ q[3] ^ q[5] ^ q[7], q[1] ^ q[4] ^ q[5] ^ q[6], q[2] ^ q[3], q[5] ^ q[7]};
    W d[4] = {};
    gf16_mul(al, ah, d);
    // + lambda ah^2 + al^2, a linear function of al and ah.
    d[0] ^= al[0] ^ al[2] ^ ah[1] ^ ah[2];
    d[1] ^= al[2] ^ ah[0];
    d[2] ^= al[1] ^ al[3] ^ ah[0] ^ ah[1] ^ ah[3];
    d[3] ^= al[3] ^ ah[0] ^ ah[1];
    W d_inv[4] = {};
    gf16_inverse(d, d_inv);
    const W sum[4] = {al[0] ^ ah[0], al[1] ^ ah[1], al[2] ^ ah[2], al[3] ^ ah[3]};
    W l[4] = {}, h[4] = {};
    gf16_mul(sum, d_inv, l);
    gf16_mul(ah, d_inv, h);
    // Back to the AES basis and through the affine map; its constant 0x63 flips bits 0, 1, 5, 6.
    q[0] = ~(l[0] ^ l[1] ^ h[1] ^ h[2]);
    q[1] = ~(l[0] ^ h[3]);
    q[2] = l[0] ^ l[1] ^ l[2] ^ h[0] ^ h[1];
    q[3] = l[0] ^ l[1];
    q[4] = l[0] ^ l[2] ^ l[3] ^ h[0] ^ h[3];
    q[5] = ~(l[1] ^ l[2] ^ l[3] ^ h[3]);
    q[6] = ~(h[0] ^ h[1] ^ h[3]);
    q[7] = l[1] ^ l[2] ^ h[3];
}

// Row r of the state moves left by r columns: within its 16-bit lane, a rotation by 4r bits.
constexpr std::uint64_t shift_rows(std::uint64_t x) noexcept {
    return (x & 0x000000000000ffffu) |                                                 //
           ((x >> 4) & 0x000000000fff0000u) | ((x << 12) & 0x00000000f0000000u) |      //
           ((x >> 8) & 0x000000ff00000000u) | ((x << 8) & 0x0000ff0000000000u) |      //
           ((x >> 12) & 0x000f000000000000u) | ((x << 4) & 0xfff0000000000000u);
}

constexpr std::uint64_t rotr(std::uint64_t x, int n) noexcept { return (x >> n) | (x << (64 - n)); }

// out_r = 2 a_r + 3 a_(r+1) + a_(r+2) + a_(r+3) = 2 t_r + a_(r+1) + t_(r+2) with t_r = a_r + a_(r+1);
// rotating a word right by 16 brings row r+1 to row r. Doubling moves each bit plane up one, and
// the bit that leaves (t7) comes back as 0x1b.
constexpr void shift_rows_mix_columns(std::uint64_t (&q)[8]) noexcept {
    const std::uint64_t a0 = shift_rows(q[0]), a1 = shift_rows(q[1]), a2 = shift_rows(q[2]),
                        a3 = shift_rows(q[3]), a4 = shift_rows(q[4]), a5 = shift_rows(q[5]),
                        a6 = shift_rows(q[6]), a7 = shift_rows(q[7]);
    const std::uint64_t b0 = rotr(a0, 16), b1 = rotr(a1, 16), b2 = rotr(a2, 16), b3 = rotr(a3, 16),
                        b4 = rotr(a4, 16), b5 = rotr(a5, 16), b6 = rotr(a6, 16), b7 = rotr(a7, 16);
    const std::uint64_t t0 = a0 ^ b0, t1 = a1 ^ b1, t2 = a2 ^ b2, t3 = a3 ^ b3, t4 = a4 ^ b4,
                        t5 = a5 ^ b5, t6 = a6 ^ b6, t7 = a7 ^ b7;
    q[0] = t7 ^ b0 ^ rotr(t0, 32);
    q[1] = t0 ^ t7 ^ b1 ^ rotr(t1, 32);
    q[2] = t1 ^ b2 ^ rotr(t2, 32);
    q[3] = t2 ^ t7 ^ b3 ^ rotr(t3, 32);
    q[4] = t3 ^ t7 ^ b4 ^ rotr(t4, 32);
    q[5] = t4 ^ b5 ^ rotr(t5, 32);
    q[6] = t5 ^ b6 ^ rotr(t6, 32);
    q[7] = t6 ^ b7 ^ rotr(t7, 32);
}

constexpr void add_round_key(std::uint64_t (&q)[8], const std::uint64_t (&k)[8]) noexcept {
    q[0] ^= k[0];
    q[1] ^= k[1];
    q[2] ^= k[2];
    q[3] ^= k[3];
    q[4] ^= k[4];
    q[5] ^= k[5];
    q[6] ^= k[6];
    q[7] ^= k[7];
}

// Encrypts the four blocks at `bytes` in place.
constexpr void encrypt4(const aes_ct_schedule& s, std::uint8_t* bytes) noexcept {
    std::uint64_t q[8] = {};
    load_planes(bytes, q);
    add_round_key(q, s.planes[0]);
    for (int r = 1; r < s.rounds; ++r) {
        sub_bytes(q);
        shift_rows_mix_columns(q);
        add_round_key(q, s.planes[r]);
    }
    sub_bytes(q);
    for (auto& x : q) x = shift_rows(x);
    add_round_key(q, s.planes[s.rounds]);
    store_planes(q, bytes);
    secure_wipe(q, 8);
}

// SubWord for the key expansion: the same circuit over 32-bit planes, one byte per bit.
constexpr std::uint32_t sub_word(std::uint32_t w) noexcept {
    std::uint32_t q[8] = {};
    for (int j = 0; j < 8; ++j)
        for (int b = 0; b < 4; ++b) q[j] |= ((w >> (8 * b + j)) & 1u) << b;
    sub_bytes(q);
    std::uint32_t out = 0;
    for (int j = 0; j < 8; ++j)
        for (int b = 0; b < 4; ++b) out |= ((q[j] >> b) & 1u) << (8 * b + j);
    secure_wipe(q, 8);
    return out;
}

}  // namespace aes_ct

// key.size() must be 16, 24 or 32; anything else leaves rounds == 0.
constexpr void aes_ct_expand_key(std::span<const std::uint8_t> key, aes_ct_schedule& out) noexcept {
    out = aes_ct_schedule{};
    if (key.size() != 16 && key.size() != 24 && key.size() != 32) return;
    aes_round_keys keys{};
    aes_expand_key(key, keys, aes_ct::sub_word);
    std::uint8_t replicated[64] = {};
    for (int r = 0; r <= keys.rounds; ++r) {
        for (int i = 0; i < 64; ++i) replicated[i] = keys.bytes[16 * r + (i & 15)];
        aes_ct::load_planes(replicated, out.planes[r]);
    }
    out.rounds = keys.rounds;
    secure_wipe(replicated, 64);
    secure_wipe(keys);
}

// Encrypts `count` 16-byte blocks from in to out (in == out allowed), four at a time.
constexpr void aes_ct_encrypt_blocks(const aes_ct_schedule& s, const std::uint8_t* in, std::uint8_t* out,
                                     std::size_t count) noexcept {
    std::uint8_t buffer[64] = {};
    while (count != 0) {
        const std::size_t n = count < 4 ? count : 4;
        for (std::size_t i = 0; i < 16 * n; ++i) buffer[i] = in[i];
        aes_ct::encrypt4(s, buffer);
        for (std::size_t i = 0; i < 16 * n; ++i) out[i] = buffer[i];
        in += 16 * n;
        out += 16 * n;
        count -= n;
    }
    secure_wipe(buffer, 64);
}

// GCM's CTR mode (SP 800-38D GCTR with inc32): XORs the keystream E(K, j0_prefix || be32(counter)),
// counter + 1, ... (mod 2^32) into in, writing out (in == out allowed), len bytes.
constexpr void aes_ct_ctr32_xor(const aes_ct_schedule& s, const std::uint8_t* j0_prefix, std::uint32_t counter,
                                const std::uint8_t* in, std::uint8_t* out, std::size_t len) noexcept {
    std::uint8_t keystream[64] = {};
    while (len != 0) {
        for (int b = 0; b < 4; ++b) {
            for (int i = 0; i < 12; ++i) keystream[16 * b + i] = j0_prefix[i];
            store_be32(keystream + 16 * b + 12, counter + static_cast<std::uint32_t>(b));
        }
        aes_ct::encrypt4(s, keystream);
        const std::size_t n = len < 64 ? len : 64;
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(in[i] ^ keystream[i]);
        counter += 4;
        in += n;
        out += n;
        len -= n;
    }
    secure_wipe(keystream, 64);
}

}  // namespace carapace::detail
