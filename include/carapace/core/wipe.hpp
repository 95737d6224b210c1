// Erasing secrets in a way the optimizer may not remove as a dead store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

namespace carapace {

// Zeroes `n` objects of trivially copyable type at `p`.
template <class T>
    requires std::is_trivially_copyable_v<T>
constexpr void secure_wipe(T* p, std::size_t n) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t i = 0; i < n; ++i) p[i] = T{};
        return;
    }
    if (n == 0) return;  // p may then be null, which memset must never be given
#if defined(__GNUC__) || defined(__clang__)
    std::memset(static_cast<void*>(p), 0, n * sizeof(T));
    // The asm claims to read the memory through p, so the memset is not a dead store.
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    volatile unsigned char* bytes = reinterpret_cast<volatile unsigned char*>(p);
    for (std::size_t i = 0; i < n * sizeof(T); ++i) bytes[i] = 0;
#endif
}

// Wipes a span of trivially copyable objects (a key array, a struct of secrets).
template <class T, std::size_t N>
constexpr void secure_wipe(std::span<T, N> s) noexcept {
    secure_wipe(s.data(), s.size());
}

// Wipes a whole object of trivially copyable type (a key array, a hash state).
template <class T>
    requires std::is_trivially_copyable_v<T>
constexpr void secure_wipe(T& object) noexcept {
    secure_wipe(&object, 1);
}

}  // namespace carapace
