// The portable AES-CCM engine: the bitsliced constant-time AES of aes_ct.hpp, usable in constant
// evaluation and on any CPU.
//
// The bitsliced cipher always computes four blocks at once, and CBC-MAC (SP 800-38C §6.1 step 4)
// can feed it only one: each MAC block is the previous output XOR the next data block. So every
// call here puts the counter-mode block of the same step into a second lane, which costs nothing
// more; the whole message then takes one four-block AES per 16 bytes, as the MAC alone would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/aead/detail/aes_ct.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

struct ccm_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }

    using key_state = aes_ct_schedule;

    static constexpr void init(key_state& s, std::span<const std::uint8_t> key) noexcept { aes_ct_expand_key(key, s); }

    // Encrypts one block in place.
    static constexpr void encrypt_block(const key_state& s, std::uint8_t* block) noexcept {
        aes_ct_encrypt_blocks(s, block, block, 1);
    }

    // Encrypts two independent blocks in place, in one pass of the cipher.
    static constexpr void encrypt2(const key_state& s, std::uint8_t* a, std::uint8_t* b) noexcept {
        std::uint8_t pair[32] = {};
        for (std::size_t i = 0; i < 16; ++i) {
            pair[i] = a[i];
            pair[16 + i] = b[i];
        }
        aes_ct_encrypt_blocks(s, pair, pair, 2);
        for (std::size_t i = 0; i < 16; ++i) {
            a[i] = pair[i];
            b[i] = pair[16 + i];
        }
        secure_wipe(pair, 32);
    }

    // CBC-MAC: Y = E(K, Y xor X_i) over `count` whole blocks.
    static constexpr void cbc_mac(const key_state& s, std::uint8_t* y, const std::uint8_t* data,
                                  std::size_t count) noexcept {
        for (; count != 0; --count, data += 16) {
            for (std::size_t i = 0; i < 16; ++i) y[i] = static_cast<std::uint8_t>(y[i] ^ data[i]);
            encrypt_block(s, y);
        }
    }

    // Counter mode from the counter block ctr over `count` whole blocks, with CBC-MAC over the
    // plaintext (the input when encrypting, the output when decrypting). The last four bytes of
    // ctr count modulo 2^32 and are left at the next counter. in == out is allowed.
    template <bool Encrypt>
    static constexpr void ctr_cbc_mac(const key_state& s, std::uint8_t* y, std::uint8_t* ctr, const std::uint8_t* in,
                                      std::uint8_t* out, std::size_t count) noexcept {
        std::uint8_t pair[32] = {};  // lane 0: the MAC block; lane 1: the counter block
        if constexpr (Encrypt) {
            // The MAC and the keystream of block i are independent: one pass for both.
            for (std::size_t b = 0; b < count; ++b, in += 16, out += 16) {
                for (std::size_t i = 0; i < 16; ++i) {
                    pair[i] = static_cast<std::uint8_t>(y[i] ^ in[i]);
                    pair[16 + i] = ctr[i];
                }
                next_counter(ctr);
                aes_ct_encrypt_blocks(s, pair, pair, 2);
                for (std::size_t i = 0; i < 16; ++i) {
                    y[i] = pair[i];
                    out[i] = static_cast<std::uint8_t>(in[i] ^ pair[16 + i]);
                }
            }
        } else {
            // The MAC needs the plaintext, so it runs one block behind: the pass that makes the
            // keystream of block i also MACs plaintext block i - 1.
            std::uint8_t previous[16] = {};  // plaintext block i - 1
            for (std::size_t b = 0; b < count; ++b, in += 16, out += 16) {
                for (std::size_t i = 0; i < 16; ++i) {
                    pair[i] = static_cast<std::uint8_t>(y[i] ^ previous[i]);
                    pair[16 + i] = ctr[i];
                }
                next_counter(ctr);
                if (b == 0) {
                    aes_ct_encrypt_blocks(s, pair + 16, pair + 16, 1);
                } else {
                    aes_ct_encrypt_blocks(s, pair, pair, 2);
                    for (std::size_t i = 0; i < 16; ++i) y[i] = pair[i];
                }
                for (std::size_t i = 0; i < 16; ++i) {
                    previous[i] = static_cast<std::uint8_t>(in[i] ^ pair[16 + i]);
                    out[i] = previous[i];
                }
            }
            if (count != 0) cbc_mac(s, y, previous, 1);
            secure_wipe(previous, 16);
        }
        secure_wipe(pair, 32);
    }

private:
    static constexpr void next_counter(std::uint8_t* ctr) noexcept { store_be32(ctr + 12, load_be32(ctr + 12) + 1); }
};

}  // namespace carapace::detail
