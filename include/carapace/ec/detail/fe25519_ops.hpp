// Operations every representation of GF(2^255 - 19) shares, written once over a field type F
// (fe25519_51, fe25519_25, fe25519_mulx): inversion, and exponentiation chains for square roots.
#pragma once

#include <cstdint>

#include "carapace/core/int128.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/detail/fe25519_safegcd.hpp"

namespace carapace::detail {

template <class F>
struct fe25519_ops {
    using fe = typename F::fe;

    static constexpr fe sqr_n(fe a, int n) noexcept {
        for (int i = 0; i < n; ++i) a = F::sqr(a);
        return a;
    }

    // a^(2^250 - 1) and a^11, the common prefix of both chains below.
    static constexpr void pow_2_250_1(const fe& a, fe& out, fe& a11) noexcept {
        const fe a2 = F::sqr(a);                            // 2
        const fe a9 = F::mul(sqr_n(a2, 2), a);              // 9
        a11 = F::mul(a9, a2);                               // 11
        const fe t5 = F::mul(F::sqr(a11), a9);              // 2^5 - 1
        const fe t10 = F::mul(sqr_n(t5, 5), t5);            // 2^10 - 1
        const fe t20 = F::mul(sqr_n(t10, 10), t10);         // 2^20 - 1
        const fe t40 = F::mul(sqr_n(t20, 20), t20);         // 2^40 - 1
        const fe t50 = F::mul(sqr_n(t40, 10), t10);         // 2^50 - 1
        const fe t100 = F::mul(sqr_n(t50, 50), t50);        // 2^100 - 1
        const fe t200 = F::mul(sqr_n(t100, 100), t100);     // 2^200 - 1
        out = F::mul(sqr_n(t200, 50), t50);                 // 2^250 - 1
    }

    // 1/a (and 0 for 0), constant-time: by divsteps (fe25519_safegcd.hpp, 35-55% of the
    // exponentiation's time) where the compiler has 128-bit integers, else by the exponentiation.
    static constexpr fe invert(const fe& a) noexcept {
#if CARAPACE_HAVE_INT128
        std::uint8_t s[32] = {};
        F::to_bytes(s, a);
        fe25519_safegcd::invert(s, s);
        const fe r = F::from_bytes(s);
        secure_wipe(s, 32);
        return r;
#else
        return invert_fermat(a);
#endif
    }

    // a^(p-2) = 1/a (and 0 for 0), constant-time.
    static constexpr fe invert_fermat(const fe& a) noexcept {
        fe t250{}, a11{};
        pow_2_250_1(a, t250, a11);
        return F::mul(sqr_n(t250, 5), a11);  // 2^255 - 32 + 11 = p - 2
    }

    // a^((p-5)/8) = a^(2^252 - 3), for square roots.
    static constexpr fe pow_p58(const fe& a) noexcept {
        fe t250{}, a11{};
        pow_2_250_1(a, t250, a11);
        return F::mul(sqr_n(t250, 2), a);
    }

    static constexpr bool is_zero(const fe& a) noexcept {
        std::uint8_t s[32] = {};
        F::to_bytes(s, a);
        std::uint8_t acc = 0;
        for (const std::uint8_t b : s) acc = static_cast<std::uint8_t>(acc | b);
        return acc == 0;
    }

    static constexpr bool is_negative(const fe& a) noexcept {  // the low bit of the canonical value
        std::uint8_t s[32] = {};
        F::to_bytes(s, a);
        return (s[0] & 1) != 0;
    }

    static constexpr bool equal(const fe& a, const fe& b) noexcept { return is_zero(F::sub(a, b)); }
};

}  // namespace carapace::detail
