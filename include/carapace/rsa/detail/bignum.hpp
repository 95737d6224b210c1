// Unsigned integers of a size fixed at compile time (the capacity) holding values whose length in
// words is known at run time (an RSA modulus of 2048 bits in a type made for 4096): the word
// operations RSA (RFC 8017 §5) needs besides Montgomery arithmetic. Words are 64 bits where the
// compiler has a 128-bit product and 32 bits otherwise (armhf, Cortex-M); every function takes the
// word type, so the 32-bit path is tested on 64-bit hosts too.
//
// Constant time: lengths are public (they follow from the modulus size); values never choose a
// branch, an index or a loop bound. Comparisons return masks. Usable in constant evaluation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/int128.hpp"

namespace carapace::detail {

template <class Word>
struct bn_wide;
template <>
struct bn_wide<std::uint32_t> {
    using type = std::uint64_t;
};
#if CARAPACE_HAVE_INT128
template <>
struct bn_wide<std::uint64_t> {
    using type = u128;
};
using bn_word = std::uint64_t;  // the library's choice for this target
#else
using bn_word = std::uint32_t;
#endif

template <class Word>
inline constexpr std::size_t bn_word_bits = sizeof(Word) * 8;

// Words needed for `bits` bits.
template <class Word>
constexpr std::size_t bn_words_for(std::size_t bits) noexcept {
    return (bits + bn_word_bits<Word> - 1) / bn_word_bits<Word>;
}

// All ones when v is zero.
template <class Word>
constexpr Word bn_word_is_zero(Word v) noexcept {
    const Word nonzero = static_cast<Word>((v | static_cast<Word>(Word{0} - v)) >> (bn_word_bits<Word> - 1));
    return ct::mask_from_bit(static_cast<Word>(nonzero ^ 1u));
}

// Big-endian bytes into n words (little-endian word order). The bytes must fit: the caller
// checked in.size() <= n * sizeof(Word). Words above are left as they are.
template <class Word>
constexpr void bn_from_bytes(Word* out, std::size_t n, byte_view in) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const std::size_t bit = 8 * (in.size() - 1 - i);
        out[bit / bn_word_bits<Word>] =
            static_cast<Word>(out[bit / bn_word_bits<Word>] | (Word{in[i]} << (bit % bn_word_bits<Word>)));
    }
}

// The low out.size() bytes of an n-word value, big-endian (zero bytes in front when out is
// longer than the value).
template <class Word>
constexpr void bn_to_bytes(byte_span out, const Word* a, std::size_t n) noexcept {
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::size_t bit = 8 * (out.size() - 1 - i);
        const std::size_t w = bit / bn_word_bits<Word>;
        out[i] = w < n ? static_cast<std::uint8_t>(a[w] >> (bit % bn_word_bits<Word>)) : std::uint8_t{0};
    }
}

// out = a + b over n words; returns the carry. out may alias a or b.
template <class Word>
constexpr Word bn_add(Word* out, const Word* a, const Word* b, std::size_t n) noexcept {
    using wide = typename bn_wide<Word>::type;
    Word carry = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const wide s = wide{a[i]} + b[i] + carry;
        out[i] = static_cast<Word>(s);
        carry = static_cast<Word>(s >> bn_word_bits<Word>);
    }
    return carry;
}

// out = a - b over n words; returns the borrow (0 or 1). out may alias a or b.
template <class Word>
constexpr Word bn_sub(Word* out, const Word* a, const Word* b, std::size_t n) noexcept {
    using wide = typename bn_wide<Word>::type;
    Word borrow = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const wide d = wide{a[i]} - b[i] - borrow;
        out[i] = static_cast<Word>(d);
        borrow = static_cast<Word>((d >> bn_word_bits<Word>) & 1u);
    }
    return borrow;
}

// All ones when a < b (n words each), by the borrow of a - b.
template <class Word>
constexpr Word bn_less_than(const Word* a, const Word* b, std::size_t n) noexcept {
    using wide = typename bn_wide<Word>::type;
    Word borrow = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const wide d = wide{a[i]} - b[i] - borrow;
        borrow = static_cast<Word>((d >> bn_word_bits<Word>) & 1u);
    }
    return ct::mask_from_bit(borrow);
}

// All ones when a == b (n words each).
template <class Word>
constexpr Word bn_equal(const Word* a, const Word* b, std::size_t n) noexcept {
    Word acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc = static_cast<Word>(acc | (a[i] ^ b[i]));
    return bn_word_is_zero(acc);
}

// All ones when a (n words) is zero.
template <class Word>
constexpr Word bn_is_zero(const Word* a, std::size_t n) noexcept {
    Word acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc = static_cast<Word>(acc | a[i]);
    return bn_word_is_zero(acc);
}

// out = mask ? a : b over n words.
// The mask passes the value barrier once, so the loop stays free of it (and vectorizes).
template <class Word>
constexpr void bn_select(Word* out, Word mask, const Word* a, const Word* b, std::size_t n) noexcept {
    const Word m = ct::value_barrier(mask);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<Word>(b[i] ^ (m & (a[i] ^ b[i])));
}

// out (na + nb words) = a (na words) * b (nb words), schoolbook. out must not alias a or b.
template <class Word>
constexpr void bn_mul(Word* out, const Word* a, std::size_t na, const Word* b, std::size_t nb) noexcept {
    using wide = typename bn_wide<Word>::type;
    for (std::size_t i = 0; i < na + nb; ++i) out[i] = 0;
    for (std::size_t i = 0; i < nb; ++i) {
        Word carry = 0;
        for (std::size_t j = 0; j < na; ++j) {
            const wide s = wide{a[j]} * b[i] + out[i + j] + carry;
            out[i + j] = static_cast<Word>(s);
            carry = static_cast<Word>(s >> bn_word_bits<Word>);
        }
        out[i + na] = carry;
    }
}

// Bit i of a (n words), 0 beyond the end; i is public.
template <class Word>
constexpr Word bn_bit(const Word* a, std::size_t n, std::size_t i) noexcept {
    const std::size_t w = i / bn_word_bits<Word>;
    return w < n ? static_cast<Word>((a[w] >> (i % bn_word_bits<Word>)) & 1u) : Word{0};
}

// A big-endian byte string without its leading zero bytes.
constexpr byte_view bn_trim(byte_view be) noexcept {
    std::size_t i = 0;
    while (i < be.size() && be[i] == 0) ++i;
    return be.subspan(i);
}

// Bits of a big-endian byte string without leading zeros (public values only).
constexpr std::size_t bn_bits_of(byte_view be) noexcept {
    be = bn_trim(be);
    if (be.empty()) return 0;
    std::size_t top = 0;
    for (unsigned v = be[0]; v != 0; v >>= 1) ++top;
    return 8 * (be.size() - 1) + top;
}

}  // namespace carapace::detail
