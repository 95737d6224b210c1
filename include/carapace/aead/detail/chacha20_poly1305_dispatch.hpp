// ChaCha20-Poly1305 dispatched over its CPU variants (core/cpu_dispatch.hpp): AVX-512F with IFMA,
// else AVX-512F, else AVX2, else (64-bit ARM) NEON, else portable. Each is faster than the next
// on the CPUs that have it (an SSSE3 engine was slower than the portable one and is gone). The key is the same 32 bytes to
// every variant, so the choice is the variant set's (picked once), not the key's. The mode layer
// takes the portable path itself in constant evaluation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20_poly1305_avx2.hpp"
#include "carapace/aead/detail/chacha20_poly1305_avx512.hpp"
#include "carapace/aead/detail/chacha20_poly1305_mode.hpp"
#include "carapace/aead/detail/chacha20_poly1305_neon.hpp"
#include "carapace/core/cpu_dispatch.hpp"

namespace carapace::detail {

struct chacha20_poly1305_dispatch {
    using variants = cpu_variants<chacha20_poly1305_avx512_ifma, chacha20_poly1305_avx512, chacha20_poly1305_avx2,
                                  chacha20_poly1305_neon, chacha20_poly1305_portable>;
    static constexpr const char* name = "auto";
    static constexpr bool supported() noexcept { return true; }

    // The name of the engine this process uses.
    static const char* chosen_name() noexcept { return variants::name_of(variants::best()); }

    template <bool Encrypt>
    static void crypt_message(const chacha20_key& key, const std::uint8_t* nonce, const std::uint8_t* aad,
                              std::size_t aad_size, const std::uint8_t* in, std::uint8_t* out, std::size_t size,
                              std::uint8_t* tag) noexcept {
        variants::call(variants::best(), [&]<class E>() {
            E::template crypt_message<Encrypt>(key, nonce, aad, aad_size, in, out, size, tag);
        });
    }
};

}  // namespace carapace::detail
