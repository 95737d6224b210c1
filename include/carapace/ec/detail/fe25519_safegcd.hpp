// Inversion modulo p = 2^255 - 19 by divsteps (safegcd.hpp, the routine the NIST curves use too):
// no field multiplication, so one routine serves every field representation (fe25519_ops::invert
// goes through the canonical bytes). Measured on AMD Zen 5 when it had a routine of its own: about
// 3,200 cycles against 5,800 (GCC) and 9,100 (Clang) for Fermat's a^(p-2) with the MULX/ADX field.
// constexpr; constant-time.
#pragma once

#include <cstdint>

#include "carapace/core/int128.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/detail/safegcd.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_INT128

struct fe25519_safegcd {
    using u64 = std::uint64_t;
    static constexpr u64 p[4] = {0xffffffffffffffed, 0xffffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff};

    // out = in^-1 mod p (0 for 0), 32 little-endian bytes each. Bit 255 of in is ignored (as the
    // field types' from_bytes do) and a value in [p, 2^255) reduced first. out may be in.
    static constexpr void invert(std::uint8_t* out, const std::uint8_t* in) noexcept {
        u64 w[4] = {};
        for (int i = 0; i < 4; ++i)
            for (int j = 7; j >= 0; --j) w[i] = (w[i] << 8) | in[8 * i + j];
        w[3] &= 0x7fffffffffffffff;
        // w >= p exactly when w + 19 reaches 2^255; then w - p = (w + 19) mod 2^255.
        u64 s[4] = {}, carry = 19;
        for (int i = 0; i < 4; ++i) {
            s[i] = w[i] + carry;
            carry = s[i] < carry ? 1 : 0;
        }
        const u64 reduce = ct::mask_from_bit(s[3] >> 63);
        s[3] &= 0x7fffffffffffffff;
        for (int i = 0; i < 4; ++i) w[i] = ct::select(reduce, s[i], w[i]);
        safegcd<256>::invert(w, w, p);
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 8; ++j) out[8 * i + j] = static_cast<std::uint8_t>(w[i] >> (8 * j));
        secure_wipe(w, 4);
        secure_wipe(s, 4);
    }
};

#endif  // CARAPACE_HAVE_INT128

}  // namespace carapace::detail
