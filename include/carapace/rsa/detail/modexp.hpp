// Modular exponentiation for RSA (RFC 8017 §5.1.2 RSADP/RSASP1 and §5.2.2 RSAVP1):
// - pow_secret: a secret exponent of a public bit length, with a fixed window of 5 bits. Every
//   window costs the same squarings and one product, and the table entry is read by scanning
//   the whole table with masks, so neither the exponent nor the base choose a branch or an
//   address (the cache lines touched are always all of them).
// - pow_public: a public exponent (e, at most 32 bits), square and multiply, variable time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/ct.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/rsa/detail/bignum.hpp"
#include "carapace/rsa/detail/montgomery.hpp"

namespace carapace::detail {

inline constexpr std::size_t rsa_window_bits = 5;

// out = base^exp mod m, all in Montgomery form (base_mont < m). exp has exp_words words, of which
// the low exp_bits bits are used (exp_bits public). out must not alias base_mont.
template <class Modulus>
constexpr void pow_secret(const Modulus& mod, typename Modulus::word* out, const typename Modulus::word* base_mont,
                          const typename Modulus::word* exp, std::size_t exp_words, std::size_t exp_bits) noexcept {
    using Word = typename Modulus::word;
    if (!std::is_constant_evaluated() && mod.pow_secret_ifma(out, base_mont, exp, exp_words, exp_bits)) return;
    constexpr std::size_t entries = std::size_t{1} << rsa_window_bits;
    constexpr std::size_t cap = Modulus::capacity;
    const std::size_t n = mod.words();
    Word table[entries][cap] = {};
    for (std::size_t i = 0; i < n; ++i) {
        table[0][i] = mod.one()[i];
        table[1][i] = base_mont[i];
    }
    for (std::size_t e = 2; e < entries; ++e) mod.mul(table[e], table[e - 1], base_mont);

    Word acc[cap] = {}, pick[cap] = {};
    for (std::size_t i = 0; i < n; ++i) acc[i] = mod.one()[i];
    const std::size_t windows = (exp_bits + rsa_window_bits - 1) / rsa_window_bits;
    for (std::size_t w = windows; w-- > 0;) {
        for (std::size_t s = 0; s < rsa_window_bits; ++s) mod.sqr(acc, acc);
        Word index = 0;
        for (std::size_t b = rsa_window_bits; b-- > 0;) {
            const std::size_t bit = w * rsa_window_bits + b;
            const Word v = bit < exp_bits ? bn_bit(exp, exp_words, bit) : Word{0};
            index = static_cast<Word>(index << 1 | v);
        }
        Word masks[entries];
        for (std::size_t e = 0; e < entries; ++e)
            masks[e] = bn_word_is_zero(static_cast<Word>(index ^ static_cast<Word>(e)));
        for (std::size_t i = 0; i < n; ++i) {
            Word word = 0;
            for (std::size_t e = 0; e < entries; ++e) word = static_cast<Word>(word | (table[e][i] & masks[e]));
            pick[i] = word;
        }
        mod.mul(acc, acc, pick);
    }
    for (std::size_t i = 0; i < n; ++i) out[i] = acc[i];
    for (auto& entry : table) secure_wipe(entry, cap);
    secure_wipe(acc, cap);
    secure_wipe(pick, cap);
}

// out = base^e mod m for a public e >= 1, base and out in normal (not Montgomery) form, base < m.
// The last product, by the base in normal form, leaves the Montgomery form by itself (x R * b / R):
// one product fewer than converting back (for e = 65537: 16 squarings and 2 products).
template <class Modulus>
constexpr void pow_public(const Modulus& mod, typename Modulus::word* out, const typename Modulus::word* base,
                          std::uint32_t e) noexcept {
    using Word = typename Modulus::word;
    constexpr std::size_t cap = Modulus::capacity;
    const std::size_t n = mod.words();
    int top = 31;
    while (top > 0 && ((e >> top) & 1u) == 0) --top;
    if (top == 0) {  // e = 1
        for (std::size_t i = 0; i < n; ++i) out[i] = base[i];
        return;
    }
    if (!std::is_constant_evaluated() && mod.pow_public_ifma(out, base, e)) return;
    Word b[cap] = {}, acc[cap] = {};
    mod.to_mont(b, base);
    for (std::size_t i = 0; i < n; ++i) acc[i] = b[i];
    for (int i = top - 1; i >= 1; --i) {
        mod.sqr(acc, acc);
        if ((e >> i) & 1u) mod.mul(acc, acc, b);
    }
    mod.sqr(acc, acc);
    if (e & 1u) mod.mul(out, acc, base);
    else mod.from_mont(out, acc);
}

}  // namespace carapace::detail
