// The portable AES-GCM engine: bitsliced AES and constant-time GHASH, usable in constant
// evaluation and on any CPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/aead/detail/aes_ct.hpp"
#include "carapace/aead/detail/ghash_ct.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

struct gcm_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }

    struct key_state {
        aes_ct_schedule aes{};
        ghash_ct_key ghash{};
    };

    static constexpr void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        aes_ct_expand_key(key, s.aes);
        bytes<16> zero{}, h{};
        aes_ct_encrypt_blocks(s.aes, zero.data(), h.data(), 1);
        ghash_ct_init(s.ghash, h.data());
        secure_wipe(h);
    }

    static constexpr void encrypt_block(const key_state& s, const std::uint8_t* in, std::uint8_t* out) noexcept {
        aes_ct_encrypt_blocks(s.aes, in, out, 1);
    }

    static constexpr void ghash(const key_state& s, std::uint8_t* y, const std::uint8_t* data,
                                std::size_t count) noexcept {
        ghash_ct_blocks(s.ghash, y, data, count);
    }

    // GHASH reads the ciphertext: before decrypting (in may be out), after encrypting.
    template <bool Encrypt>
    static constexpr void ctr32_ghash(const key_state& s, const std::uint8_t* prefix, std::uint32_t counter,
                                      const std::uint8_t* in, std::uint8_t* out, std::size_t count,
                                      std::uint8_t* y) noexcept {
        if constexpr (!Encrypt) ghash_ct_blocks(s.ghash, y, in, count);
        aes_ct_ctr32_xor(s.aes, prefix, counter, in, out, 16 * count);
        if constexpr (Encrypt) ghash_ct_blocks(s.ghash, y, out, count);
    }
};

}  // namespace carapace::detail
