// The X25519 function (RFC 7748 §5) over any representation F of GF(2^255 - 19): clamping, the
// Montgomery ladder with a constant-time conditional swap, one inversion. constexpr when F is.
#pragma once

#include <cstdint>

#include "carapace/core/wipe.hpp"
#include "carapace/ec/detail/fe25519_ops.hpp"

namespace carapace::detail {

template <class F>
struct x25519_ladder {
    using fe = typename F::fe;

    // out = X25519(scalar, u). The scalar is clamped and the top bit of u masked here.
    static constexpr void scalarmult(std::uint8_t* out, const std::uint8_t* scalar, const std::uint8_t* u) noexcept {
        std::uint8_t k[32] = {};
        for (int i = 0; i < 32; ++i) k[i] = scalar[i];
        k[0] &= 248;
        k[31] &= 127;
        k[31] |= 64;

        const fe x1 = F::from_bytes(u);  // ignores bit 255
        fe x2 = F::one(), z2 = F::zero(), x3 = x1, z3 = F::one();
        std::uint64_t swap = 0;
        for (int t = 254; t >= 0; --t) {
            const std::uint64_t bit = (k[t >> 3] >> (t & 7)) & 1;
            swap ^= bit;
            F::cswap(swap, x2, x3);
            F::cswap(swap, z2, z3);
            swap = bit;
            const fe a = F::add(x2, z2);
            const fe b = F::sub(x2, z2);
            const fe c = F::add(x3, z3);
            const fe d = F::sub(x3, z3);
            const fe aa = F::sqr(a);
            const fe bb = F::sqr(b);
            const fe da = F::mul(d, a);
            const fe cb = F::mul(c, b);
            const fe e = F::sub(aa, bb);
            x3 = F::sqr(F::add(da, cb));
            z3 = F::mul(x1, F::sqr(F::sub(da, cb)));
            x2 = F::mul(aa, bb);
            z2 = F::mul(e, F::add(aa, F::mul_a24(e)));
        }
        F::cswap(swap, x2, x3);
        F::cswap(swap, z2, z3);
        F::to_bytes(out, F::mul(x2, fe25519_ops<F>::invert(z2)));
        secure_wipe(k, 32);
        secure_wipe(x2), secure_wipe(z2), secure_wipe(x3), secure_wipe(z3);
    }
};

}  // namespace carapace::detail
