// Constant-time building blocks. Whatever these functions are given, the instructions executed
// and the memory addresses touched depend only on lengths, never on the bytes' values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

// The constant-time check (tests/constant_time) builds with one of these defined: secrets are
// then marked as uninitialized memory, and valgrind's memcheck or MemorySanitizer reports every
// branch and memory address that depends on them.
#if defined(CARAPACE_CT_CHECK_VALGRIND)
#include <valgrind/memcheck.h>
#elif defined(CARAPACE_CT_CHECK_MSAN)
#include <sanitizer/msan_interface.h>
#endif

namespace carapace::ct {

// Hides a value from the optimizer, so that a mask built from a secret is not recognised as a
// boolean and turned back into a branch. Does nothing in constant evaluation.
template <class T>
    requires std::is_unsigned_v<T>
constexpr T value_barrier(T v) noexcept {
    if (!std::is_constant_evaluated()) {
#if (defined(__GNUC__) || defined(__clang__)) && !defined(CARAPACE_CT_CHECK_MSAN)
        __asm__("" : "+r"(v));
#else
        // MemorySanitizer takes every input of an asm statement for a use it must check, and MSVC
        // has no GNU asm: a volatile round trip hides the value as well (and keeps its shadow).
        volatile T hidden = v;
        v = hidden;
#endif
    }
    return v;
}

// Returns v, which was computed from secrets but is public by design (whether a tag matched,
// where a record's padding ends): code may branch on it from here on. Only the constant-time
// check's builds do anything here, marking the value as initialized.
template <class T>
    requires std::is_trivially_copyable_v<T>
constexpr T declassify(T v) noexcept {
    if (!std::is_constant_evaluated()) {
#if defined(CARAPACE_CT_CHECK_VALGRIND)
        (void)VALGRIND_MAKE_MEM_DEFINED(&v, sizeof v);
#elif defined(CARAPACE_CT_CHECK_MSAN)
        __msan_unpoison(&v, sizeof v);
#endif
    }
    return v;
}

// All ones when `bit` is 1, zero when it is 0. `bit` must be 0 or 1.
template <class T>
    requires std::is_unsigned_v<T>
constexpr T mask_from_bit(T bit) noexcept {
    return static_cast<T>(T{0} - value_barrier(bit));
}

// All ones when v is zero, else zero.
constexpr std::uint32_t is_zero_mask(std::uint32_t v) noexcept {
    // The top bit of (v | -v) is set exactly when v != 0.
    const std::uint32_t nonzero = (v | (0u - v)) >> 31;
    return mask_from_bit(nonzero ^ 1u);
}

// mask ? a : b, where mask is all ones or all zeros.
template <class T>
    requires std::is_unsigned_v<T>
constexpr T select(T mask, T a, T b) noexcept {
    return static_cast<T>(b ^ (value_barrier(mask) & (a ^ b)));
}

// Swaps a and b when mask is all ones; leaves them when it is zero.
template <class T>
    requires std::is_unsigned_v<T>
constexpr void conditional_swap(T mask, T& a, T& b) noexcept {
    const T t = static_cast<T>(value_barrier(mask) & (a ^ b));
    a = static_cast<T>(a ^ t);
    b = static_cast<T>(b ^ t);
}

// Copies src over dst when mask is all ones. Both views must have the same length.
constexpr void conditional_move(std::uint8_t mask, std::span<std::uint8_t> dst,
                                std::span<const std::uint8_t> src) noexcept {
    const std::size_t n = dst.size() < src.size() ? dst.size() : src.size();
    for (std::size_t i = 0; i < n; ++i) dst[i] = select(mask, src[i], dst[i]);
}

// True when a and b hold the same bytes. The time taken depends on the lengths only; two views
// of different lengths compare unequal at once (lengths are public).
[[nodiscard]] constexpr bool equal(std::span<const std::uint8_t> a,
                                   std::span<const std::uint8_t> b) noexcept {
    if (a.size() != b.size()) return false;
    std::uint32_t diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<std::uint32_t>(a[i] ^ b[i]);
    return is_zero_mask(value_barrier(diff)) != 0;
}

}  // namespace carapace::ct
