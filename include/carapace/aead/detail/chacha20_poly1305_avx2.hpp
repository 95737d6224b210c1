// The ChaCha20-Poly1305 engine for x86-64 CPUs with AVX2: ChaCha20 eight blocks at a time,
// stitched with Poly1305 (64-bit limbs, four blocks per step).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/aead/detail/chacha20_poly1305_mode.hpp"
#include "carapace/aead/detail/chacha20_x86.hpp"
#include "carapace/aead/detail/poly1305.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_CHACHA_POLY_AVX2_TARGET __attribute__((target("avx2,bmi2")))

// Eight-block AVX2 ChaCha20 stitched with Poly1305: while the vector units run the rounds of one
// 512-byte batch, the integer multipliers absorb 512 bytes of ciphertext into Poly1305 (the
// previous batch's output when sealing, this batch's input when opening, read before it is
// overwritten). Block 0, which gives the Poly1305 key, is computed with the first batch: blocks
// 0-7 for a message over 192 bytes, blocks 0-3 (four-block code) for a shorter one.
struct chacha20_poly1305_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return chacha20_avx2::supported() && cpu::features().bmi2; }

    template <bool Encrypt>
    CARAPACE_CHACHA_POLY_AVX2_TARGET static void crypt_message(const chacha20_key& key, const std::uint8_t* nonce,
                                                               const std::uint8_t* aad, std::size_t aad_size,
                                                               const std::uint8_t* in, std::uint8_t* out,
                                                               std::size_t size, std::uint8_t* tag) noexcept {
        using namespace chacha_x86;
        poly1305_portable poly{};
        alignas(32) std::uint8_t ks[512];
        if (size <= 192) {
            blocks4_vex(key, 0, nonce, ks);
            poly.init(ks);
            poly1305_padded(poly, aad, aad_size);
            if constexpr (!Encrypt) poly1305_padded(poly, in, size);
            xor_bytes(ks + 64, in, out, size);
            if constexpr (Encrypt) poly1305_padded(poly, out, size);
            secure_wipe(ks, sizeof ks);
            poly1305_lengths_and_tag(poly, aad_size, size, tag);
            return;
        }
        // Blocks 0-7: the Poly1305 key and the first 448 bytes.
        blocks8(key, 0, nonce, nullptr, ks);
        poly.init(ks);
        poly1305_padded(poly, aad, aad_size);
        std::size_t done = size < 448 ? size : 448;
        if constexpr (!Encrypt) poly1305_padded(poly, in, done);
        xor_bytes(ks + 64, in, out, done);
        // The ciphertext not yet absorbed (when sealing): a multiple of 64 bytes but at the very end.
        const std::uint8_t* pending = out;
        std::size_t pending_size = Encrypt ? done : 0;
        std::uint32_t counter = 8;
        state8 st;
        setup8(st, key, counter, nonce);
        const __m256i eight = _mm256_set1_epi32(8);
        for (; size - done >= 512; done += 512, counter += 8) {
            const std::uint8_t* absorb = Encrypt ? pending : in + done;
            std::size_t absorb_blocks = Encrypt ? pending_size / 16 : 32;
            __m256i x[16];
#pragma GCC unroll 16
            for (int i = 0; i < 16; ++i) x[i] = st.s[i];
#pragma GCC unroll 10
            for (int r = 0; r < 10; ++r) {
                double_round8(x);
                if (absorb_blocks >= 4) {
                    poly.blocks(absorb, 4);
                    absorb += 64;
                    absorb_blocks -= 4;
                }
            }
            if (absorb_blocks != 0) poly.blocks(absorb, absorb_blocks);
            finish8(st, x, in + done, out + done);
            st.s[12] = _mm256_add_epi32(st.s[12], eight);
            if constexpr (Encrypt) {
                pending = out + done;
                pending_size = 512;
            }
        }
        secure_wipe(st);  // holds the key
        if constexpr (Encrypt) poly1305_padded(poly, pending, pending_size);
        // The last 1-511 bytes.
        if (const std::size_t rest = size - done; rest != 0) {
            if (rest > 256) blocks8(key, counter, nonce, nullptr, ks);
            else blocks4_vex(key, counter, nonce, ks);
            if constexpr (!Encrypt) poly1305_padded(poly, in + done, rest);
            xor_bytes(ks, in + done, out + done, rest);
            if constexpr (Encrypt) poly1305_padded(poly, out + done, rest);
        }
        secure_wipe(ks, sizeof ks);
        poly1305_lengths_and_tag(poly, aad_size, size, tag);
    }

private:
    // out = in xor ks for n bytes.
    CARAPACE_CHACHA_POLY_AVX2_TARGET static void xor_bytes(const std::uint8_t* ks, const std::uint8_t* in,
                                                           std::uint8_t* out, std::size_t n) noexcept {
        std::size_t i = 0;
        for (; i + 32 <= n; i += 32) {
            const __m256i k = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ks + i));
            const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_xor_si256(k, m));
        }
        for (; i < n; ++i) out[i] = static_cast<std::uint8_t>(in[i] ^ ks[i]);
    }
};

#undef CARAPACE_CHACHA_POLY_AVX2_TARGET

#else

struct chacha20_poly1305_avx2 : chacha20_poly1305_portable {
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
