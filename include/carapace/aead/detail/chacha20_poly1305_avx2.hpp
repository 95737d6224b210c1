// The ChaCha20-Poly1305 engine for x86-64 CPUs with AVX2: ChaCha20 eight blocks at a time,
// stitched with Poly1305: from 4 KiB four AVX2 lanes of 26-bit limbs (poly1305_avx2.hpp), so
// that the vector units do the multiplications, below it the scalar 64-bit limbs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/aead/detail/chacha20_poly1305_mode.hpp"
#include "carapace/aead/detail/chacha20_x86.hpp"
#include "carapace/aead/detail/poly1305.hpp"
#include "carapace/aead/detail/poly1305_avx2.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_CHACHA_POLY_AVX2_TARGET __attribute__((target("avx2,bmi2")))

// Eight-block AVX2 ChaCha20 stitched with Poly1305: after each of the first eight double rounds
// of a 512-byte batch, four blocks of ciphertext go into Poly1305 (the previous batch's output
// when sealing, this batch's input when opening, read before it is overwritten), so the
// multiplications fill the gaps in the rounds' dependency chains. Block 0, which gives the
// Poly1305 key, is computed with the first batch: blocks 0-7 for a message over 192 bytes; up to
// 192 bytes, blocks 0-3 in one pass that holds the state as rows (chacha_x86::blocks4_rows, about
// the latency of one block), and Poly1305 in radix 2^64, which has no powers of r to set up. A
// last block of keystream after the batches is computed in general registers.
struct chacha20_poly1305_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return chacha20_avx2::supported() && cpu::features().bmi2; }

    template <bool Encrypt>
    CARAPACE_CHACHA_POLY_AVX2_TARGET static void crypt_message(const chacha20_key& key, const std::uint8_t* nonce,
                                                               const std::uint8_t* aad, std::size_t aad_size,
                                                               const std::uint8_t* in, std::uint8_t* out,
                                                               std::size_t size, std::uint8_t* tag) noexcept {
        using namespace chacha_x86;
        if (size <= 192) {
            short_message<Encrypt, blocks4_rows>(key, nonce, aad, aad_size, in, out, size, tag);
            return;
        }
        poly1305_64 poly{};
        alignas(32) std::uint8_t ks[512];
        // Blocks 0-7: the Poly1305 key and the first 448 bytes.
        blocks8(key, 0, nonce, nullptr, ks);
        poly.init(ks);
        poly1305_padded(poly, aad, aad_size);
        if (size < vector_from) {
            scalar_groups groups{poly};
            batches<Encrypt>(groups, key, nonce, in, out, size, ks);
        } else {
            const poly1305_avx2 vpoly(poly);
            vector_groups groups{vpoly, vpoly.begin(poly), poly};
            batches<Encrypt>(groups, key, nonce, in, out, size, ks);
        }
        secure_wipe(ks, sizeof ks);
        poly1305_lengths_and_tag(poly, aad_size, size, tag);
    }

    // A message of up to 192 bytes: one four-block pass (Rows: blocks4_rows, or blocks4_rows_vl
    // from the AVX-512 engines) gives the Poly1305 key and all the keystream.
    template <bool Encrypt, auto Rows>
    CARAPACE_CHACHA_POLY_AVX2_TARGET static void short_message(const chacha20_key& key, const std::uint8_t* nonce,
                                                               const std::uint8_t* aad, std::size_t aad_size,
                                                               const std::uint8_t* in, std::uint8_t* out,
                                                               std::size_t size, std::uint8_t* tag) noexcept {
        using namespace chacha_x86;
        alignas(32) std::uint8_t ks[256];
        Rows(key, nonce, 1, ks);
        poly1305_radix64 poly{};  // no powers of r to set up for a few blocks
        poly.init(ks);
        poly1305_padded(poly, aad, aad_size);
        if constexpr (!Encrypt) poly1305_padded(poly, in, size);
        xor_bytes(ks + 64, in, out, size);
        if constexpr (Encrypt) poly1305_padded(poly, out, size);
        secure_wipe(ks, sizeof ks);
        poly1305_lengths_and_tag(poly, aad_size, size, tag);
    }

private:
    // Where the vector Poly1305 takes over from the scalar one: below, its setup and final sum
    // cost more than its lanes save (measured on Zen 5; even at 4 KiB, 3% faster at 8 KiB).
    static constexpr std::size_t vector_from = 4096;

    // The two Poly1305 forms the batches can feed, 64 bytes at a time, and then the last n bytes
    // (padded) into poly, which takes the lengths.
    struct scalar_groups {
        poly1305_64& poly;
        void absorb(const std::uint8_t* m) noexcept { poly.blocks(m, 4); }
        void last(const std::uint8_t* m, std::size_t n) noexcept { poly1305_padded(poly, m, n); }
    };
    struct vector_groups {
        const poly1305_avx2& key;
        poly1305_avx2_lanes lanes;
        poly1305_64& poly;
        CARAPACE_CHACHA_POLY_AVX2_TARGET __attribute__((always_inline)) void absorb(const std::uint8_t* m) noexcept {
            key.absorb(lanes, m);
        }
        // Whole groups through the lanes, which then hand their sum to the scalar code.
        CARAPACE_CHACHA_POLY_AVX2_TARGET void last(const std::uint8_t* m, std::size_t n) noexcept {
            const std::size_t grouped = n - n % 64;
            for (std::size_t g = 0; g < grouped; g += 64) key.absorb(lanes, m + g);
            key.finish(lanes, poly);
            poly1305_padded(poly, m + grouped, n - grouped);
        }
    };
    static_assert(poly1305_avx2::group_size == 64);

    // The message after blocks 0-7 (in ks): its first 448 bytes, the 512-byte batches and the
    // rest, with the ciphertext into `groups`.
    template <bool Encrypt, class Groups>
    CARAPACE_CHACHA_POLY_AVX2_TARGET static void batches(Groups& groups, const chacha20_key& key,
                                                         const std::uint8_t* nonce, const std::uint8_t* in,
                                                         std::uint8_t* out, std::size_t size,
                                                         std::uint8_t* ks) noexcept {
        using namespace chacha_x86;
        if (size <= 448) {
            if constexpr (!Encrypt) groups.last(in, size);
            xor_bytes(ks + 64, in, out, size);
            if constexpr (Encrypt) groups.last(out, size);
            return;
        }
        constexpr std::size_t group = 64;
        std::size_t done = 448;
        if constexpr (!Encrypt)
            for (std::size_t g = 0; g < done; g += group) groups.absorb(in + g);
        xor_bytes(ks + 64, in, out, done);
        // The ciphertext not yet absorbed (when sealing): the previous batch, or the first 448 bytes.
        const std::uint8_t* pending = out;
        std::size_t pending_groups = Encrypt ? done / group : 0;
        std::uint32_t counter = 8;
        state8 st;
        setup8(st, key, counter, nonce);
        const __m256i eight = _mm256_set1_epi32(8);
        for (; size - done >= 512; done += 512, counter += 8) {
            const std::uint8_t* absorb = Encrypt ? pending : in + done;
            const std::size_t count = Encrypt ? pending_groups : 512 / group;
            __m256i x[16];
CARAPACE_UNROLL(16)
            for (int i = 0; i < 16; ++i) x[i] = st.s[i];
            __m256i spill[4];
            begin_rounds(x, spill);
CARAPACE_UNROLL(10)
            for (std::size_t r = 0; r < 10; ++r) {
                double_round(x, spill);
                if (r < count) groups.absorb(absorb + group * r);
            }
            end_rounds(x, spill);
            finish8(st, x, in + done, out + done);
            st.s[12] = _mm256_add_epi32(st.s[12], eight);
            if constexpr (Encrypt) {
                pending = out + done;
                pending_groups = 512 / group;
            }
        }
        secure_wipe(st);  // holds the key
        if constexpr (Encrypt)
            for (std::size_t g = 0; g < pending_groups; ++g) groups.absorb(pending + group * g);
        // The last 0-511 bytes.
        const std::size_t rest = size - done;
        if (rest > 256) blocks8(key, counter, nonce, nullptr, ks);
        else if (rest > 64) blocks4_vex(key, counter, nonce, ks);
        else if (rest != 0) chacha20_block(key, counter, nonce, ks);  // one block: in general registers
        if constexpr (!Encrypt) groups.last(in + done, rest);
        xor_bytes(ks, in + done, out + done, rest);
        if constexpr (Encrypt) groups.last(out + done, rest);
    }

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
