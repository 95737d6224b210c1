// AES-CCM with AES-NI. CBC-MAC is one chain of dependent AES calls, so its speed is the latency
// of the AES rounds, and the AES unit sits mostly idle; each step here runs the counter-mode
// block beside the MAC block, round by round, so the encryption comes almost free. More blocks
// in flight would not help: the MAC chain still takes one block per AES latency. That is also
// why CCM has no VAES engine: CPUs with VAES have AES-NI, and wider registers cannot shorten the
// chain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/aead/detail/aes_key_expansion.hpp"
#include "carapace/aead/detail/ccm_portable.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/wipe.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_CCM_AESNI_TARGET __attribute__((target("aes,ssse3")))
#define CARAPACE_CCM_AESNI_INLINE CARAPACE_CCM_AESNI_TARGET __attribute__((always_inline)) static inline

struct ccm_aesni {
    static constexpr const char* name = "aes-ni";
    static bool supported() noexcept {
        const auto& f = cpu::features();
        return f.aesni && f.ssse3;
    }

    using key_state = aes_round_keys;

    CARAPACE_CCM_AESNI_TARGET static void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        aes_expand_key(key, s, sub_word);
    }

    CARAPACE_CCM_AESNI_TARGET static void encrypt_block(const key_state& s, std::uint8_t* block) noexcept {
        store(block, encrypt(s, load(block)));
    }

    CARAPACE_CCM_AESNI_TARGET static void encrypt2(const key_state& s, std::uint8_t* a, std::uint8_t* b) noexcept {
        __m128i x = _mm_xor_si128(load(a), load(s.bytes)), z = _mm_xor_si128(load(b), load(s.bytes));
        for (int r = 1; r < s.rounds; ++r) {
            const __m128i k = load(s.bytes + 16 * r);
            x = _mm_aesenc_si128(x, k);
            z = _mm_aesenc_si128(z, k);
        }
        const __m128i last = load(s.bytes + 16 * s.rounds);
        store(a, _mm_aesenclast_si128(x, last));
        store(b, _mm_aesenclast_si128(z, last));
    }

    // CBC-MAC: Y = E(K, Y xor X_i) over `count` whole blocks.
    CARAPACE_CCM_AESNI_TARGET static void cbc_mac(const key_state& s, std::uint8_t* y_bytes, const std::uint8_t* data,
                                                  std::size_t count) noexcept {
        switch (s.rounds) {
            case 10: return mac<10>(s, y_bytes, data, count);
            case 12: return mac<12>(s, y_bytes, data, count);
            default: return mac<14>(s, y_bytes, data, count);
        }
    }

    // Counter mode from the counter block ctr over `count` whole blocks, with CBC-MAC over the
    // plaintext, as in ccm_portable::ctr_cbc_mac.
    template <bool Encrypt>
    CARAPACE_CCM_AESNI_TARGET static void ctr_cbc_mac(const key_state& s, std::uint8_t* y_bytes, std::uint8_t* ctr,
                                                      const std::uint8_t* in, std::uint8_t* out,
                                                      std::size_t count) noexcept {
        switch (s.rounds) {
            case 10: return run<Encrypt, 10>(s, y_bytes, ctr, in, out, count);
            case 12: return run<Encrypt, 12>(s, y_bytes, ctr, in, out, count);
            default: return run<Encrypt, 14>(s, y_bytes, ctr, in, out, count);
        }
    }

private:
    CARAPACE_CCM_AESNI_INLINE __m128i load(const std::uint8_t* p) noexcept {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    }
    CARAPACE_CCM_AESNI_INLINE void store(std::uint8_t* p, __m128i v) noexcept {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
    }
    // Byte order reversed, so that the counter block's last four bytes are lane 0.
    CARAPACE_CCM_AESNI_INLINE __m128i reverse(__m128i v) noexcept {
        return _mm_shuffle_epi8(v, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    }

    // SubWord through aesenclast: with all four columns equal, ShiftRows changes nothing.
    CARAPACE_CCM_AESNI_TARGET static std::uint32_t sub_word(std::uint32_t w) noexcept {
        const __m128i x = _mm_aesenclast_si128(_mm_set1_epi32(static_cast<int>(w)), _mm_setzero_si128());
        return static_cast<std::uint32_t>(_mm_cvtsi128_si32(x));
    }

    CARAPACE_CCM_AESNI_INLINE __m128i encrypt(const key_state& s, __m128i x) noexcept {
        x = _mm_xor_si128(x, load(s.bytes));
        for (int r = 1; r < s.rounds; ++r) x = _mm_aesenc_si128(x, load(s.bytes + 16 * r));
        return _mm_aesenclast_si128(x, load(s.bytes + 16 * s.rounds));
    }

    // The round keys in registers for a whole message.
    template <int Rounds>
    struct schedule {
        __m128i k[static_cast<std::size_t>(Rounds + 1)];
    };

    template <int Rounds>
    CARAPACE_CCM_AESNI_INLINE schedule<Rounds> keys_of(const key_state& s) noexcept {
        schedule<Rounds> out;
        for (int r = 0; r <= Rounds; ++r) out.k[r] = load(s.bytes + 16 * r);
        return out;
    }

    template <int Rounds>
    CARAPACE_CCM_AESNI_INLINE __m128i encrypt1(const schedule<Rounds>& k, __m128i x) noexcept {
        x = _mm_xor_si128(x, k.k[0]);
        for (int r = 1; r < Rounds; ++r) x = _mm_aesenc_si128(x, k.k[r]);
        return _mm_aesenclast_si128(x, k.k[Rounds]);
    }

    // Two independent blocks, their rounds interleaved.
    template <int Rounds>
    CARAPACE_CCM_AESNI_INLINE void encrypt_pair(const schedule<Rounds>& k, __m128i& a, __m128i& b) noexcept {
        a = _mm_xor_si128(a, k.k[0]);
        b = _mm_xor_si128(b, k.k[0]);
        for (int r = 1; r < Rounds; ++r) {
            a = _mm_aesenc_si128(a, k.k[r]);
            b = _mm_aesenc_si128(b, k.k[r]);
        }
        a = _mm_aesenclast_si128(a, k.k[Rounds]);
        b = _mm_aesenclast_si128(b, k.k[Rounds]);
    }

    template <int Rounds>
    CARAPACE_CCM_AESNI_TARGET static void mac(const key_state& s, std::uint8_t* y_bytes, const std::uint8_t* data,
                                              std::size_t count) noexcept {
        const schedule<Rounds> k = keys_of<Rounds>(s);
        __m128i y = load(y_bytes);
        for (; count != 0; --count, data += 16) y = encrypt1(k, _mm_xor_si128(y, load(data)));
        store(y_bytes, y);
    }

    template <bool Encrypt, int Rounds>
    CARAPACE_CCM_AESNI_TARGET static void run(const key_state& s, std::uint8_t* y_bytes, std::uint8_t* ctr_bytes,
                                              const std::uint8_t* in, std::uint8_t* out, std::size_t count) noexcept {
        if (count == 0) return;
        const schedule<Rounds> k = keys_of<Rounds>(s);
        const __m128i one = _mm_set_epi32(0, 0, 0, 1);
        __m128i y = load(y_bytes);
        __m128i ctr = reverse(load(ctr_bytes));  // _mm_add_epi32 counts modulo 2^32 in lane 0
        if constexpr (Encrypt) {
            for (; count != 0; --count, in += 16, out += 16) {
                const __m128i p = load(in);
                __m128i keystream = reverse(ctr);
                ctr = _mm_add_epi32(ctr, one);
                y = _mm_xor_si128(y, p);
                encrypt_pair(k, y, keystream);
                store(out, _mm_xor_si128(p, keystream));
            }
        } else {
            // The MAC needs the plaintext: it runs one block behind the keystream.
            __m128i keystream = encrypt1(k, reverse(ctr));
            ctr = _mm_add_epi32(ctr, one);
            for (; count > 1; --count, in += 16, out += 16) {
                const __m128i p = _mm_xor_si128(load(in), keystream);
                store(out, p);
                y = _mm_xor_si128(y, p);
                keystream = reverse(ctr);
                ctr = _mm_add_epi32(ctr, one);
                encrypt_pair(k, y, keystream);
            }
            const __m128i p = _mm_xor_si128(load(in), keystream);
            store(out, p);
            y = encrypt1(k, _mm_xor_si128(y, p));
        }
        store(y_bytes, y);
        store(ctr_bytes, reverse(ctr));
    }
};

#undef CARAPACE_CCM_AESNI_INLINE
#undef CARAPACE_CCM_AESNI_TARGET

#else

// Built without intrinsics: never supported, so never called; the portable engine stands in.
struct ccm_aesni : ccm_portable {
    static constexpr const char* name = "aes-ni";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
