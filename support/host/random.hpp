// Randomness from the operating system for the engine's random_source: getrandom(2) on Linux,
// which blocks only until the kernel's pool is first seeded, and BCryptGenRandom with the system's
// preferred generator on Windows (link bcrypt). Shared by carapace-tool, the benchmarks and the
// examples; not part of the library, which does no I/O (this folder is not installed).
#pragma once

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <bcrypt.h>
#else
#include <sys/random.h>

#include <cerrno>
#endif

#include <cstddef>
#include <cstdio>
#include <cstdlib>

#include "carapace/tls/interfaces.hpp"

namespace host {

// The name is the Linux call's; on Windows the bytes come from BCryptGenRandom.
class getrandom_source final : public carapace::tls::random_source {
public:
    void fill(carapace::byte_span out) noexcept override {
        std::size_t done = 0;
        while (done < out.size()) {
#if defined(_WIN32)
            // ULONG counts: at most 1 MiB a call.
            const std::size_t left = out.size() - done;
            const ULONG n = static_cast<ULONG>(left < (std::size_t{1} << 20) ? left : std::size_t{1} << 20);
            if (BCryptGenRandom(nullptr, out.data() + done, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0) {
                // No randomness, no keys: there is nothing safe to go on with.
                std::fputs("BCryptGenRandom failed\n", stderr);
                std::abort();
            }
            done += n;
#else
            const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                // No randomness, no keys: there is nothing safe to go on with.
                std::perror("getrandom");
                std::abort();
            }
            done += static_cast<std::size_t>(n);
#endif
        }
    }
};

}  // namespace host
