// Timing loop shared by `carapace-tool speed` and the benchmarks in bench/.
#pragma once

#include <chrono>
#include <cstdint>

namespace carapace_speed {

// Consumes a byte of each result so the compiler cannot drop the work being timed.
inline volatile std::uint8_t sink = 0;

// Runs op() in batches until at least `seconds` have passed; returns operations per second.
// op() returns a byte of its result.
template <class Op>
double ops_per_second(Op&& op, double seconds) {
    using clock = std::chrono::steady_clock;
    std::uint64_t done = 0, batch = 1;
    std::uint8_t acc = 0;
    const auto start = clock::now();
    for (;;) {
        for (std::uint64_t i = 0; i < batch; ++i) acc = static_cast<std::uint8_t>(acc ^ op());
        done += batch;
        const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
        if (elapsed >= seconds) {
            sink = acc;
            return static_cast<double>(done) / elapsed;
        }
        if (elapsed < seconds / 8) batch *= 2;
    }
}

}  // namespace carapace_speed
