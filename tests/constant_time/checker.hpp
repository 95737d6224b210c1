// What the constant-time check runs under: valgrind's memcheck (built with
// -DCARAPACE_CT_CHECK_VALGRIND) or MemorySanitizer (clang -fsanitize=memory
// -DCARAPACE_CT_CHECK_MSAN). Both report a branch or a memory address computed from
// uninitialized data, so marking a secret uninitialized makes every use of it that could show in
// the timing an error (the ctgrind technique).
//
// Each has blind spots, which the two cover for each other:
// - valgrind 3.19 cannot execute AVX-512 (any EVEX encoding), VAES, VPCLMULQDQ on YMM or SHA-NI
//   (SIGILL), and its CPUID hides them and ADX, so those engines report themselves unsupported.
//   It does execute ADX and MULX: the MULX/ADX field code is run under it all the same.
// - MemorySanitizer takes every input of an inline asm statement for a use (an error on any
//   secret), so code written in asm (the SHA-512 AVX2 rounds, the MULX/ADX field code) is left to
//   valgrind; in this build ct::value_barrier and the GHASH register hints avoid asm. It also
//   follows secrets less closely: the shadow of a sum is the OR of its operands' shadows, so a
//   secret bit moved by a carry is lost (valgrind smears it over all higher bits). The MSan run
//   therefore checks only what valgrind cannot execute.
#pragma once

#include <cstddef>

#if defined(CARAPACE_CT_CHECK_VALGRIND)
#include <valgrind/memcheck.h>
#elif defined(CARAPACE_CT_CHECK_MSAN)
#include <sanitizer/msan_interface.h>
#else
#error "build with -DCARAPACE_CT_CHECK_VALGRIND or -DCARAPACE_CT_CHECK_MSAN"
#endif

namespace ct_check {

#if defined(CARAPACE_CT_CHECK_VALGRIND)
inline constexpr const char* checker_name = "valgrind";
inline constexpr bool checker_follows_asm = true;

inline void mark_secret(const void* p, std::size_t n) { (void)VALGRIND_MAKE_MEM_UNDEFINED(p, n); }
inline void mark_public(const void* p, std::size_t n) { (void)VALGRIND_MAKE_MEM_DEFINED(p, n); }
inline bool under_checker() { return RUNNING_ON_VALGRIND != 0; }
#else
inline constexpr const char* checker_name = "msan";
inline constexpr bool checker_follows_asm = false;

inline void mark_secret(const void* p, std::size_t n) { __msan_poison(p, n); }
inline void mark_public(const void* p, std::size_t n) { __msan_unpoison(p, n); }
inline bool under_checker() { return true; }
#endif

// Marks n bytes at p public, and says whether any of them was secret (derived from a secret), as
// an output of secrets must be: else the check would be checking nothing. Always true when the
// program runs without its checker (it then cannot tell).
inline bool publish(const void* p, std::size_t n) {
    bool secret = n == 0 || !under_checker();
#if defined(CARAPACE_CT_CHECK_VALGRIND)
    unsigned char vbits[256];  // memcheck's validity bits: non-zero for undefined bits
    const auto* bytes = static_cast<const unsigned char*>(p);
    for (std::size_t at = 0; at < n && !secret; at += sizeof vbits) {
        const std::size_t k = n - at < sizeof vbits ? n - at : sizeof vbits;
        if (VALGRIND_GET_VBITS(bytes + at, vbits, k) != 1) break;
        for (std::size_t i = 0; i < k; ++i) secret = secret || vbits[i] != 0;
    }
#else
    secret = secret || __msan_test_shadow(p, n) >= 0;
#endif
    mark_public(p, n);
    return secret;
}

template <class T>
void mark_secret(T& object) {
    mark_secret(&object, sizeof object);
}

template <class T>
void mark_public(T& object) {
    mark_public(&object, sizeof object);
}

template <class T>
[[nodiscard]] bool publish(T& object) {
    return publish(&object, sizeof object);
}

}  // namespace ct_check
