// Inlining requests in each compiler's spelling. Some code must be inlined (a round function that
// each instruction-set variant compiles for its own target) or must stay out of line (a rare
// branch with a large stack frame that would otherwise swell its caller's). GCC and Clang read
// [[gnu::...]], MSVC its own keywords; any other compiler gets nothing, which only costs speed or
// stack, never correctness (an unknown [[vendor::...]] attribute would be a warning there).
#pragma once

#if defined(__GNUC__) || defined(__clang__)
// Forces a function inline (GCC, Clang).
#define CARAPACE_ALWAYS_INLINE [[gnu::always_inline]]
// Keeps a function out of line (GCC, Clang).
#define CARAPACE_NOINLINE [[gnu::noinline]]
#elif defined(_MSC_VER)
// Forces a function inline (MSVC).
#define CARAPACE_ALWAYS_INLINE __forceinline
// Keeps a function out of line (MSVC).
#define CARAPACE_NOINLINE __declspec(noinline)
#else
// No inlining request: a compiler without a known spelling.
#define CARAPACE_ALWAYS_INLINE
// No inlining request: a compiler without a known spelling.
#define CARAPACE_NOINLINE
#endif
