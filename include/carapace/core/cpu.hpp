// Run-time CPU feature detection, and the switches that force the portable code paths.
//
// - Define CARAPACE_FORCE_PORTABLE when compiling to leave out every intrinsic path.
// - Set the environment variable CARAPACE_FORCE_PORTABLE=1 to make a build that has them report
//   no CPU features, so the portable paths run (read once, at the first query).
// - Set CARAPACE_CPU_DISABLE to a comma-separated list of feature names (the members below, e.g.
//   "avx512ifma" or "avx512ifma,vaes", or on ARM "aes,pmull") to hide just those, so the
//   dispatchers pick what they would on a CPU without them: how the benchmarks and tests measure a
//   whole handshake on the MULX curve engine of a CPU that has IFMA.
// Each accelerated x86-64 variant asks features() whether it may run, each 64-bit ARM one asks
// arm(); its portable twin always may. On ARM the kernel says what the CPU has (getauxval's
// AT_HWCAP on Linux, since user code may not read the ID registers there); elsewhere (bare metal,
// Apple) the compiler's target flags (__ARM_FEATURE_AES...) say it at build time.
#pragma once

#if !defined(CARAPACE_FORCE_PORTABLE) && defined(__x86_64__) && \
    (defined(__GNUC__) || defined(__clang__))
// 1 when the x86-64 intrinsic paths are compiled in, 0 otherwise (read-only: set here). They
// need GCC's per-function target attributes and inline assembly: GCC, Clang, MinGW-w64.
#define CARAPACE_HAVE_X86_INTRINSICS 1
#else
#define CARAPACE_HAVE_X86_INTRINSICS 0
#endif

// 1 when the CPU's features are detected (CPUID, XGETBV), 0 when features() reports none. Wider
// than the intrinsics: MSVC, whose compiler lacks the target attributes, still reads the CPU
// through <intrin.h>, so that a variant written for it has something to ask.
#if CARAPACE_HAVE_X86_INTRINSICS
#define CARAPACE_HAVE_X86_CPUID 1  // detected through <cpuid.h> (GCC, Clang, MinGW)
#include <cpuid.h>
#elif !defined(CARAPACE_FORCE_PORTABLE) && defined(_MSC_VER) && !defined(__clang__) && defined(_M_X64)
#define CARAPACE_HAVE_X86_CPUID 1  // detected through <intrin.h> (MSVC)
#include <intrin.h>
#else
#define CARAPACE_HAVE_X86_CPUID 0
#endif

#if !defined(CARAPACE_FORCE_PORTABLE) && defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
// 1 when the 64-bit ARM intrinsic paths (NEON, the Cryptography Extensions) are compiled in, 0
// otherwise (read-only: set here). They need GCC's or Clang's per-function target attributes.
#define CARAPACE_HAVE_ARM_INTRINSICS 1
#else
#define CARAPACE_HAVE_ARM_INTRINSICS 0  // not a 64-bit ARM build, or the portable code is forced
#endif
#if CARAPACE_HAVE_ARM_INTRINSICS && defined(__linux__)
#define CARAPACE_HAVE_ARM_HWCAP 1  // features read at run time from the kernel (getauxval)
#include <sys/auxv.h>
#else
#define CARAPACE_HAVE_ARM_HWCAP 0  // features known at build time only (__ARM_FEATURE_* macros)
#endif

#if CARAPACE_HAVE_X86_CPUID || CARAPACE_HAVE_ARM_INTRINSICS
#include <cstddef>
#include <cstdlib>
#endif

namespace carapace::cpu {

// What the CPU supports (CPUID and XGETBV), as the variants' supported() checks read it.
struct x86_features {
    bool sse2 = false;        // SSE2
    bool ssse3 = false;       // SSSE3 (byte shuffles)
    bool sse41 = false;       // SSE4.1
    bool aesni = false;       // AES-NI round instructions
    bool pclmul = false;      // PCLMULQDQ carry-less multiply
    bool avx = false;         // AVX, and the OS saves YMM registers
    bool avx2 = false;        // AVX2 (with avx's OS support)
    bool bmi1 = false;        // BMI1
    bool bmi2 = false;        // BMI2 (MULX, RORX, SHLX...)
    bool adx = false;         // ADX (ADCX, ADOX)
    bool sha = false;         // SHA extensions (SHA-1, SHA-256)
    bool vaes = false;        // VAES: AES on YMM/ZMM (with avx's OS support)
    bool vpclmulqdq = false;  // VPCLMULQDQ: carry-less multiply on YMM/ZMM (with avx's OS support)
    // AVX-512 (and the OS saves opmask and ZMM registers): foundation, DQ, BW, VL, IFMA.
    bool avx512f = false;
    bool avx512dq = false;    // AVX-512 DQ (and avx512f)
    bool avx512bw = false;    // AVX-512 BW (and avx512f)
    bool avx512vl = false;    // AVX-512 VL (and avx512f)
    bool avx512ifma = false;  // AVX-512 IFMA (and avx512f)
};

#if CARAPACE_HAVE_X86_CPUID || CARAPACE_HAVE_ARM_INTRINSICS
namespace detail {

inline bool forced_portable_by_environment() noexcept {
    const char* value = std::getenv("CARAPACE_FORCE_PORTABLE");
    return value != nullptr && value[0] != '\0' && !(value[0] == '0' && value[1] == '\0');
}

// A feature's name in CARAPACE_CPU_DISABLE and its member.
template <class Features>
struct named_feature {
    const char* name;
    bool Features::*flag;
};

// Clears the features named in CARAPACE_CPU_DISABLE (unknown names are ignored).
template <class Features, std::size_t N>
void disable_by_environment(Features& f, const named_feature<Features> (&names)[N]) noexcept {
    const char* list = std::getenv("CARAPACE_CPU_DISABLE");
    if (list == nullptr) return;
    for (const char* p = list; *p != '\0';) {
        const char* end = p;
        while (*end != '\0' && *end != ',') ++end;
        for (const auto& n : names) {
            std::size_t i = 0;
            while (p + i != end && n.name[i] != '\0' && n.name[i] == p[i]) ++i;
            if (p + i == end && n.name[i] == '\0') f.*n.flag = false;
        }
        p = *end == ',' ? end + 1 : end;
    }
}

}  // namespace detail
#endif

#if CARAPACE_HAVE_X86_CPUID
namespace detail {

// CPUID leaf `leaf`, subleaf `subleaf`: EAX, EBX, ECX, EDX. The caller checks the leaf exists.
inline void cpuid(unsigned leaf, unsigned subleaf, unsigned (&r)[4]) noexcept {
#if CARAPACE_HAVE_X86_INTRINSICS
    __cpuid_count(leaf, subleaf, r[0], r[1], r[2], r[3]);
#else
    int regs[4] = {};
    __cpuidex(regs, static_cast<int>(leaf), static_cast<int>(subleaf));
    for (int i = 0; i < 4; ++i) r[i] = static_cast<unsigned>(regs[i]);
#endif
}

// The low half of XCR0: which register states the OS saves. Only when CPUID says OSXSAVE.
inline unsigned xcr0_low() noexcept {
#if CARAPACE_HAVE_X86_INTRINSICS
    unsigned lo = 0, hi = 0;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return lo;
#else
    return static_cast<unsigned>(_xgetbv(0));
#endif
}

// Each feature's name, as CARAPACE_CPU_DISABLE takes it (and the benchmarks print it).
inline constexpr named_feature<x86_features> x86_feature_names[] = {
    {"sse2", &x86_features::sse2},         {"ssse3", &x86_features::ssse3},
    {"sse41", &x86_features::sse41},       {"aesni", &x86_features::aesni},
    {"pclmul", &x86_features::pclmul},     {"avx", &x86_features::avx},
    {"avx2", &x86_features::avx2},         {"bmi1", &x86_features::bmi1},
    {"bmi2", &x86_features::bmi2},         {"adx", &x86_features::adx},
    {"sha", &x86_features::sha},           {"vaes", &x86_features::vaes},
    {"vpclmulqdq", &x86_features::vpclmulqdq}, {"avx512f", &x86_features::avx512f},
    {"avx512dq", &x86_features::avx512dq}, {"avx512vl", &x86_features::avx512vl},
    {"avx512bw", &x86_features::avx512bw}, {"avx512ifma", &x86_features::avx512ifma},
};

inline x86_features detect() noexcept {
    x86_features f;
    if (forced_portable_by_environment()) return f;
    unsigned r[4] = {};
    cpuid(0, 0, r);
    const unsigned max_leaf = r[0];
    if (max_leaf < 1) return f;
    cpuid(1, 0, r);
    unsigned b = r[1], c = r[2];
    const unsigned d = r[3];
    f.sse2 = (d >> 26) & 1;
    f.ssse3 = (c >> 9) & 1;
    f.sse41 = (c >> 19) & 1;
    f.pclmul = (c >> 1) & 1;
    f.aesni = (c >> 25) & 1;
    const bool osxsave = (c >> 27) & 1;
    const bool cpu_avx = (c >> 28) & 1;
    bool os_saves_ymm = false, os_saves_zmm = false;
    if (osxsave) {
        const unsigned xcr0_lo = xcr0_low();
        os_saves_ymm = (xcr0_lo & 6u) == 6u;        // XMM and YMM state enabled
        os_saves_zmm = (xcr0_lo & 0xe6u) == 0xe6u;  // and opmask, ZMM_Hi256, Hi16_ZMM
    }
    f.avx = cpu_avx && os_saves_ymm;
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        b = r[1];
        c = r[2];
        f.avx2 = f.avx && ((b >> 5) & 1);
        f.bmi1 = (b >> 3) & 1;
        f.bmi2 = (b >> 8) & 1;
        f.adx = (b >> 19) & 1;
        f.sha = (b >> 29) & 1;
        f.vaes = f.avx && ((c >> 9) & 1);
        f.vpclmulqdq = f.avx && ((c >> 10) & 1);
        f.avx512f = f.avx && os_saves_zmm && ((b >> 16) & 1);
        f.avx512dq = f.avx512f && ((b >> 17) & 1);
        f.avx512bw = f.avx512f && ((b >> 30) & 1);
        f.avx512ifma = f.avx512f && ((b >> 21) & 1);
        f.avx512vl = f.avx512f && ((b >> 31) & 1);
    }
    disable_by_environment(f, x86_feature_names);
    return f;
}

}  // namespace detail

// The features of this CPU, detected once (thread-safe), or none when forced portable.
inline const x86_features& features() noexcept {
    static const x86_features detected = detail::detect();
    return detected;
}
#else
// The features of this CPU: none when the intrinsics are compiled out.
inline const x86_features& features() noexcept {
    static constexpr x86_features none{};
    return none;
}
#endif

// What a 64-bit ARM CPU supports, as the ARM variants' supported() checks read it.
struct arm_features {
    bool neon = false;    // Advanced SIMD (every AArch64 CPU has it, but a build may say not)
    bool aes = false;     // AESE, AESD, AESMC, AESIMC
    bool pmull = false;   // PMULL/PMULL2 on 64-bit lanes (carry-less multiply)
    bool sha256 = false;  // SHA256H, SHA256H2, SHA256SU0, SHA256SU1
    bool sha512 = false;  // SHA512H, SHA512H2, SHA512SU0, SHA512SU1 (ARMv8.2-SHA)
};

#if CARAPACE_HAVE_ARM_INTRINSICS
namespace detail {

inline arm_features detect_arm() noexcept {
    arm_features f;
    if (forced_portable_by_environment()) return f;
#if CARAPACE_HAVE_ARM_HWCAP
    // The AT_HWCAP bits of the Linux arm64 ABI (arch/arm64/include/uapi/asm/hwcap.h).
    const unsigned long hwcap = getauxval(AT_HWCAP);
    f.neon = (hwcap >> 1) & 1;
    f.aes = (hwcap >> 3) & 1;
    f.pmull = (hwcap >> 4) & 1;
    f.sha256 = (hwcap >> 6) & 1;
    f.sha512 = (hwcap >> 21) & 1;
#else
#if defined(__ARM_NEON)
    f.neon = true;
#endif
#if defined(__ARM_FEATURE_AES) || defined(__ARM_FEATURE_CRYPTO)
    f.aes = f.pmull = true;
#endif
#if defined(__ARM_FEATURE_SHA2) || defined(__ARM_FEATURE_CRYPTO)
    f.sha256 = true;
#endif
#if defined(__ARM_FEATURE_SHA512)
    f.sha512 = true;
#endif
#endif
    using n = named_feature<arm_features>;
    static constexpr n names[] = {
        {"neon", &arm_features::neon},     {"aes", &arm_features::aes},
        {"pmull", &arm_features::pmull},   {"sha256", &arm_features::sha256},
        {"sha512", &arm_features::sha512},
    };
    disable_by_environment(f, names);
    return f;
}

}  // namespace detail

// The features of this ARM CPU, detected once (thread-safe), or none when forced portable.
inline const arm_features& arm() noexcept {
    static const arm_features detected = detail::detect_arm();
    return detected;
}
#else
// The features of this ARM CPU: none when the ARM intrinsics are compiled out (and off ARM).
inline const arm_features& arm() noexcept {
    static constexpr arm_features none{};
    return none;
}
#endif

}  // namespace carapace::cpu
