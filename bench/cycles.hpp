// Core cycles of single calls, for the benchmarks that count them (x86-64 only): the fewest
// time-stamp-counter ticks of many single calls (the minimum leaves out the calls another process
// interrupted, the machine being shared), and the ratio of core cycles to ticks measured with a
// chain of dependent 64-bit additions (one cycle each on every x86-64 core), so that turbo and
// power states count as they are during the run. The counter ticks at a constant nominal rate,
// not the core's.
#pragma once

#if defined(__x86_64__)
#include <x86intrin.h>

#include <algorithm>
#include <cstdint>

#include "speed_measure.hpp"

namespace carapace_bench {

// The fewest ticks one call of op() took over `calls` calls, each fenced on both sides.
template <class Op>
std::uint64_t min_ticks(Op&& op, int calls) {
    std::uint64_t best = ~std::uint64_t{0};
    for (int i = 0; i < calls; ++i) {
        _mm_lfence();
        const std::uint64_t t0 = __rdtsc();
        _mm_lfence();
        carapace_speed::sink = static_cast<std::uint8_t>(carapace_speed::sink ^ op());
        _mm_lfence();
        const std::uint64_t t1 = __rdtsc();
        best = std::min(best, t1 - t0);
    }
    return best;
}

// Core cycles per tick: a chain of 8000 dependent additions takes 8000 core cycles.
inline double core_cycles_per_tick() {
    const auto chain = [] {
        std::uint64_t x = 1;
        const std::uint64_t y = 3;
        for (int i = 0; i < 1000; ++i)
            __asm__ volatile(
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0"
                : "+r"(x)
                : "r"(y));
        return static_cast<std::uint8_t>(x);
    };
    return 8000.0 / static_cast<double>(min_ticks(chain, 20000));
}

}  // namespace carapace_bench

#endif
