// Side-by-side measurement for the benchmarks: alternate carapace and the peer for several rounds
// (the machine is shared and noisy) and keep each side's best, then print one table row. On
// x86-64 each row also gives core cycles per byte (MB/s rows) or per operation, both sides, from
// the effective clock measured at the start (cycles.hpp's cycles per tick times the TSC rate),
// so that figures compare across machines; the header names the CPU features carapace saw.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>

#include "carapace/core/cpu.hpp"
#include "speed_measure.hpp"
#if defined(__x86_64__)
#include "cycles.hpp"
#endif

#if CARAPACE_BENCH_OPENSSL
#include <openssl/crypto.h>
#endif

namespace carapace_bench {

inline double seconds_per_round = 0.2;
inline int rounds = 5;
// --only A,B: only the rows whose name contains A or B (empty: every row).
inline std::string only;
// The effective core clock in Hz (0 where it is not measured).
inline double clock_hz = 0;

inline bool wanted(const std::string& what) {
    if (only.empty()) return true;
    for (std::size_t start = 0; start <= only.size();) {
        const std::size_t end = std::min(only.find(',', start), only.size());
        if (end > start && what.find(only.substr(start, end - start)) != std::string::npos) return true;
        start = end + 1;
    }
    return false;
}

struct measured {
    double ours = 0, peer = 0;
};

// Peer may be nullptr when there is nothing to compare with.
template <class Ours, class Peer>
measured best_of(Ours&& ours, Peer&& peer) {
    measured m;
    for (int r = 0; r < rounds; ++r) {
        m.ours = std::max(m.ours, carapace_speed::ops_per_second(ours, seconds_per_round));
        if constexpr (!std::is_same_v<std::decay_t<Peer>, std::nullptr_t>)
            m.peer = std::max(m.peer, carapace_speed::ops_per_second(peer, seconds_per_round));
    }
    return m;
}

inline void print_header() {
    std::printf("%-52s %12s %12s %9s   %s\n", "workload", "carapace", "OpenSSL", "ratio",
                clock_hz > 0 ? "core cycles per byte or op: carapace / OpenSSL" : "");
}

#if defined(__x86_64__)
// Core cycles per TSC tick (a dependent-add chain) times the ticks per second (against the
// steady clock over 50 ms): the clock the cores run at now, turbo included.
inline double measure_clock_hz() {
    const double cycles_per_tick = core_cycles_per_tick();
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t c0 = __rdtsc();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(50)) {
    }
    const std::uint64_t c1 = __rdtsc();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return cycles_per_tick * static_cast<double>(c1 - c0) / seconds;
}

// The CPU features carapace's dispatchers see (after CARAPACE_CPU_DISABLE).
inline void print_features() {
    std::printf("CPU features seen:");
#if CARAPACE_HAVE_X86_CPUID
    for (const auto& n : carapace::cpu::detail::x86_feature_names)
        if (carapace::cpu::features().*n.flag) std::printf(" %s", n.name);
#endif
    std::printf("\n");
}
#endif

// One row; `scale` turns operations per second into the unit shown. Then the cycles per byte
// (MB/s: scale is the bytes of one operation over 10^6) or per operation, ours / the peer's.
inline void report(const std::string& what, const char* unit, double scale, measured m) {
    const std::string label = what + " (" + unit + ")";
    if (m.peer > 0)
        std::printf("%-52s %12.1f %12.1f %8.2fx", label.c_str(), m.ours * scale, m.peer * scale, m.ours / m.peer);
    else
        std::printf("%-52s %12.1f %12s %9s", label.c_str(), m.ours * scale, "-", "-");
    if (clock_hz > 0 && m.ours > 0) {
        const bool per_byte = std::strcmp(unit, "MB/s") == 0;
        const double per = per_byte ? scale * 1e6 : 1.0;
        const char* form = per_byte ? "   %.3f" : "   %.0f";
        std::printf(form, clock_hz / (m.ours * per));
        if (m.peer > 0) std::printf(per_byte ? " / %.3f c/B" : " / %.0f cycles", clock_hz / (m.peer * per));
        else std::printf(per_byte ? " c/B" : " cycles");
    }
    std::printf("\n");
    std::fflush(stdout);
}

// Handles --quick (one short round per side, for CI smoke runs) and --only (a few rows), and prints the peer's version,
// the method and the table header. False on an unknown argument.
inline bool begin(int argc, char** argv, const char* program) {
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--quick") {
            seconds_per_round = 0.02;
            rounds = 1;
        } else if (std::string(argv[i]) == "--only" && i + 1 < argc) {
            only = argv[++i];
        } else {
            std::fprintf(stderr, "usage: %s [--quick] [--only SUBSTRING,...]\n", program);
            return false;
        }
    }
#if CARAPACE_BENCH_OPENSSL
    std::printf("peer: %s\n", OpenSSL_version(OPENSSL_VERSION));
#else
    std::printf("peer: none (OpenSSL's libcrypto was not found at build time)\n");
#endif
    if (const char* hidden = std::getenv("CARAPACE_CPU_DISABLE"); hidden != nullptr && hidden[0] != '\0')
        std::printf("CPU features hidden from carapace (CARAPACE_CPU_DISABLE): %s\n", hidden);
#if defined(__x86_64__)
    print_features();
    clock_hz = measure_clock_hz();
    std::printf("effective clock: %.2f GHz (core cycles per TSC tick times the TSC rate)\n", clock_hz / 1e9);
#endif
    std::printf("best of %d alternating rounds of %.2f s per side\n\n", rounds, seconds_per_round);
    print_header();
    return true;
}

}  // namespace carapace_bench
