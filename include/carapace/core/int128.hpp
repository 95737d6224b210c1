// 128-bit integers, where the compiler has them (GCC and Clang on 64-bit targets; not on 32-bit
// ones such as armhf or Cortex-M). The one place the library asks: the 5x51 field, safegcd
// inversion, 64-bit-limb Poly1305 and the wide-multiply GHASH use these names, and their 32-bit
// twins take over where CARAPACE_HAVE_INT128 is 0.
//
// CARAPACE_HAVE_INT128 is a read-only capability (1 or 0), like CARAPACE_HAVE_X86_INTRINSICS in
// cpu.hpp: code has to be left out by the preprocessor where the type does not exist.
#pragma once

#if defined(__SIZEOF_INT128__)
// 1 when the compiler has unsigned __int128, 0 otherwise (read-only: set here).
#define CARAPACE_HAVE_INT128 1
#else
#define CARAPACE_HAVE_INT128 0
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_INT128
__extension__ typedef unsigned __int128 u128;  // __extension__: no -Wpedantic warning
__extension__ typedef __int128 i128;
#endif

}  // namespace carapace::detail
