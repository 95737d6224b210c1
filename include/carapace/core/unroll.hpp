// Loop unrolling (and one vectorization hint) at every speed-optimising level. GCC 12 keeps small
// fixed-count limb loops rolled below -O3, which made -O2 builds of the field arithmetic several
// times slower. Builds for size (-Os, -Oz: the bare-metal images) keep their loops, so the pragmas
// cost them no flash.
#pragma once

// Turns its argument into a _Pragma operand (a string literal).
#define CARAPACE_PRAGMA_TEXT(text) _Pragma(#text)
#if defined(__OPTIMIZE_SIZE__) || !(defined(__GNUC__) || defined(__clang__))
// Nothing when optimising for size (the loop stays rolled), or for a compiler that does not know
// the GCC pragma (MSVC would warn about an unknown pragma).
#define CARAPACE_UNROLL(n)
#else
// Unrolls the loop that follows n times (GCC's and Clang's `#pragma GCC unroll n`).
#define CARAPACE_UNROLL(n) CARAPACE_PRAGMA_TEXT(GCC unroll n)
#endif

#if defined(__GNUC__) && !defined(__clang__) && !defined(__OPTIMIZE_SIZE__)
// The loop that follows is to be vectorized as it stands (GCC). Its iterations must not depend on
// each other through memory (`#pragma GCC ivdep`): GCC -O2 vectorizes a loop only when that needs
// no run-time check that its pointers do not overlap. And it is not unrolled first: GCC -O3
// unrolls a short fixed-count loop completely before its vectorizer runs, which was slower.
#define CARAPACE_VECTOR_LOOP _Pragma("GCC ivdep") _Pragma("GCC unroll 1")
#else
// Nothing: builds for size, and other compilers. Clang vectorizes such a loop at -O2 by itself
// (with a run-time overlap check); its `vectorize(assume_safety)` would also demand it, and warn
// (-Wpass-failed) where the vectorizer does not run, as at -O1.
#define CARAPACE_VECTOR_LOOP
#endif
