// Randomness from the operating system for the engine's random_source: getrandom(2), which
// blocks only until the kernel's pool is first seeded. Shared by carapace-tool, the benchmarks
// and the examples; not part of the library, which does no I/O (this folder is not installed).
#pragma once

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "carapace/tls/interfaces.hpp"

namespace host {

class getrandom_source final : public carapace::tls::random_source {
public:
    void fill(carapace::byte_span out) noexcept override {
        std::size_t done = 0;
        while (done < out.size()) {
            const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                // No randomness, no keys: there is nothing safe to go on with.
                std::perror("getrandom");
                std::abort();
            }
            done += static_cast<std::size_t>(n);
        }
    }
};

}  // namespace host
