// ChaCha20-Poly1305 engines for x86-64: ChaCha20 eight blocks at a time with AVX2 (four with
// SSSE3), Poly1305 with 64-bit limbs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/aead/detail/chacha20_avx2.hpp"
#include "carapace/aead/detail/chacha20_poly1305_mode.hpp"
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

struct chacha20_poly1305_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return chacha20_avx2::supported(); }

    template <bool Encrypt>
    static void crypt_message(const chacha20_key& key, const std::uint8_t* nonce, const std::uint8_t* aad,
                              std::size_t aad_size, const std::uint8_t* in, std::uint8_t* out, std::size_t size,
                              std::uint8_t* tag) noexcept {
        chacha20_poly1305_generic<chacha20_avx2::xor_stream, poly1305_portable, Encrypt>(key, nonce, aad, aad_size, in,
                                                                                         out, size, tag);
    }
};

}  // namespace carapace::detail
