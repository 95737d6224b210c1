// The ChaCha20-Poly1305 engine for x86-64 CPUs with SSSE3 but not AVX2: ChaCha20 four blocks at a
// time (chacha20_x86.hpp), then portable Poly1305 over the ciphertext.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/aead/detail/chacha20_poly1305_mode.hpp"
#include "carapace/aead/detail/chacha20_x86.hpp"
#include "carapace/aead/detail/poly1305.hpp"

namespace carapace::detail {

// Four-block SSSE3 ChaCha20: for x86-64 CPUs without AVX2.
struct chacha20_poly1305_sse {
    static constexpr const char* name = "ssse3";
    static bool supported() noexcept { return chacha20_sse::supported(); }

    template <bool Encrypt>
    static void crypt_message(const chacha20_key& key, const std::uint8_t* nonce, const std::uint8_t* aad,
                              std::size_t aad_size, const std::uint8_t* in, std::uint8_t* out, std::size_t size,
                              std::uint8_t* tag) noexcept {
        chacha20_poly1305_generic<chacha20_sse::xor_stream, poly1305_portable, Encrypt>(key, nonce, aad, aad_size, in,
                                                                                        out, size, tag);
    }
};

}  // namespace carapace::detail
