// The ML-KEM tests (KATs, Wycheproof and C2SP vectors, the constant-evaluation check) again with
// CARAPACE_MLKEM_NO_MATRIX, the memory-frugal K-PKE the bare-metal build uses. The switch
// changes inline functions, so this is a program of its own (carapace-tests-mlkem-small-stack),
// not a group of carapace-tests.
#define CARAPACE_MLKEM_NO_MATRIX 1

#include "test_mlkem.cpp"
#include "test_mlkem_constexpr.cpp"
