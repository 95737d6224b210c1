// The AES key expansion (FIPS 197 §5.2) over any SubWord, so that each engine supplies its own
// constant-time S-box (AES-NI's aesenclast, or the bitsliced circuit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/core/endian.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// Round keys of the standard byte layout: round r is bytes 16r..16r+15.
struct aes_round_keys {
    alignas(16) std::uint8_t bytes[15 * 16] = {};
    int rounds = 0;  // 10, 12 or 14; 0 for a key of another length
};

// Expands a 16-, 24- or 32-byte key. sub_word(w) applies the S-box to each byte of w (bytes in
// little-endian order). Any other key length leaves rounds == 0.
template <class SubWord>
constexpr void aes_expand_key(std::span<const std::uint8_t> key, aes_round_keys& out, SubWord sub_word) noexcept {
    const std::size_t nk = key.size() / 4;
    if (key.size() != 16 && key.size() != 24 && key.size() != 32) {
        out.rounds = 0;
        return;
    }
    out.rounds = static_cast<int>(nk) + 6;
    const std::size_t total = 4 * (nk + 7);
    constexpr std::uint8_t rcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};
    std::uint32_t w[60] = {};
    for (std::size_t i = 0; i < nk; ++i) w[i] = load_le32(key.data() + 4 * i);
    for (std::size_t i = nk; i < total; ++i) {
        std::uint32_t t = w[i - 1];
        if (i % nk == 0)
            t = sub_word((t >> 8) | (t << 24)) ^ rcon[i / nk - 1];  // RotWord, SubWord, Rcon
        else if (nk > 6 && i % nk == 4)
            t = sub_word(t);
        w[i] = w[i - nk] ^ t;
    }
    for (std::size_t i = 0; i < total; ++i) store_le32(out.bytes + 4 * i, w[i]);
    secure_wipe(w, 60);
}

}  // namespace carapace::detail
