// Loop unrolling at every speed-optimising level. GCC 12 keeps small fixed-count limb loops
// rolled below -O3, which made -O2 builds of the field arithmetic several times slower. Builds
// for size (-Os, -Oz: the bare-metal images) keep their loops, so the pragma costs them no flash.
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
