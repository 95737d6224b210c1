// The ChaCha20-Poly1305 engine for 64-bit ARM: ChaCha20 four blocks at a time in NEON vectors
// (chacha20_neon.hpp) and Poly1305 in four NEON lanes of 26-bit limbs for runs of 256 bytes or
// more, in 64-bit limbs in general registers otherwise (poly1305_neon.hpp), a chunk at a time
// through chacha20_poly1305_generic so that Poly1305 reads data still in cache.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/aead/detail/chacha20_neon.hpp"
#include "carapace/aead/detail/chacha20_poly1305_mode.hpp"
#include "carapace/aead/detail/poly1305_neon.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_NEON_CHACHA

struct chacha20_poly1305_neon {
    static constexpr const char* name = "neon";
    static bool supported() noexcept { return chacha20_neon::supported(); }

    template <bool Encrypt>
    static void crypt_message(const chacha20_key& key, const std::uint8_t* nonce, const std::uint8_t* aad,
                              std::size_t aad_size, const std::uint8_t* in, std::uint8_t* out, std::size_t size,
                              std::uint8_t* tag) noexcept {
        chacha20_poly1305_generic<chacha_neon::xor_stream, poly1305_neon_core, Encrypt>(key, nonce, aad, aad_size, in,
                                                                                      out, size, tag);
    }
};

#else

// Built without the ARM intrinsics: never supported, so never called.
struct chacha20_poly1305_neon : chacha20_poly1305_portable {
    static constexpr const char* name = "neon";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
