// Side-by-side measurement for the benchmarks: alternate carapace and the peer for several rounds
// (the machine is shared and noisy) and keep each side's best, then print one table row.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "speed_measure.hpp"

#if CARAPACE_BENCH_OPENSSL
#include <openssl/crypto.h>
#endif

namespace carapace_bench {

inline double seconds_per_round = 0.2;
inline int rounds = 5;
// --only A,B: only the rows whose name contains A or B (empty: every row).
inline std::string only;

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
    std::printf("%-52s %12s %12s %9s\n", "workload", "carapace", "OpenSSL", "ratio");
}

// One row; `scale` turns operations per second into the unit shown.
inline void report(const std::string& what, const char* unit, double scale, measured m) {
    const std::string label = what + " (" + unit + ")";
    if (m.peer > 0)
        std::printf("%-52s %12.1f %12.1f %8.2fx\n", label.c_str(), m.ours * scale, m.peer * scale, m.ours / m.peer);
    else
        std::printf("%-52s %12.1f %12s %9s\n", label.c_str(), m.ours * scale, "-", "-");
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
    std::printf("best of %d alternating rounds of %.2f s per side\n\n", rounds, seconds_per_round);
    print_header();
    return true;
}

}  // namespace carapace_bench
