// Picks the ChaCha20-Poly1305 engine at run time: AVX-512F with IFMA, else AVX-512F, else AVX2, else
// SSSE3, else portable (always
// portable in constant evaluation, which the mode layer handles).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20_poly1305_avx2.hpp"
#include "carapace/aead/detail/chacha20_poly1305_avx512.hpp"
#include "carapace/aead/detail/chacha20_poly1305_mode.hpp"
#include "carapace/core/cpu.hpp"

namespace carapace::detail {

struct chacha20_poly1305_dispatch {
    static constexpr const char* name = "auto";
    static constexpr bool supported() noexcept { return true; }

    enum class choice : std::uint8_t { portable, sse, avx2, avx512, avx512_ifma };

    // Decided once.
    static choice best() noexcept {
#if CARAPACE_HAVE_X86_INTRINSICS
        static const choice picked = chacha20_poly1305_avx512_ifma::supported() ? choice::avx512_ifma
                                     : chacha20_poly1305_avx512::supported()      ? choice::avx512
                                     : chacha20_poly1305_avx2::supported()        ? choice::avx2
                                     : chacha20_poly1305_sse::supported()         ? choice::sse
                                                                                  : choice::portable;
        return picked;
#else
        return choice::portable;  // no other engine compiled; and no function-local static (a guard)
#endif
    }

    template <bool Encrypt>
    static void crypt_message(const chacha20_key& key, const std::uint8_t* nonce, const std::uint8_t* aad,
                              std::size_t aad_size, const std::uint8_t* in, std::uint8_t* out, std::size_t size,
                              std::uint8_t* tag) noexcept {
        switch (best()) {
            case choice::avx512_ifma:
                return chacha20_poly1305_avx512_ifma::crypt_message<Encrypt>(key, nonce, aad, aad_size, in, out, size,
                                                                             tag);
            case choice::avx512:
                return chacha20_poly1305_avx512::crypt_message<Encrypt>(key, nonce, aad, aad_size, in, out, size, tag);
            case choice::avx2:
                return chacha20_poly1305_avx2::crypt_message<Encrypt>(key, nonce, aad, aad_size, in, out, size, tag);
            case choice::sse:
                return chacha20_poly1305_sse::crypt_message<Encrypt>(key, nonce, aad, aad_size, in, out, size, tag);
            case choice::portable:
                return chacha20_poly1305_portable::crypt_message<Encrypt>(key, nonce, aad, aad_size, in, out, size,
                                                                          tag);
        }
    }
};

}  // namespace carapace::detail
