// AES-GCM (NIST SP 800-38D) with the ARMv8 Cryptography Extensions: AESE/AESMC for the cipher
// (aes_armv8.hpp) and PMULL for GHASH (ghash_pmull.hpp). Counter mode runs four blocks in flight,
// and GHASH takes the same four blocks with one reduction (their products by H^4..H^1 summed
// unreduced), so the AES and multiply pipelines both stay busy. The engine contract is in
// gcm_mode.hpp; partial blocks, the length block and the tag are left to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/aead/detail/aes_armv8.hpp"
#include "carapace/aead/detail/aes_key_expansion.hpp"
#include "carapace/aead/detail/gcm_portable.hpp"
#include "carapace/aead/detail/ghash_pmull.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_ARMV8_AES

struct gcm_armv8 {
    static constexpr const char* name = "armv8-ce";
    static bool supported() noexcept {
        const auto& f = cpu::arm();
        return f.aes && f.pmull;
    }

    struct key_state {
        aes_round_keys keys;
        alignas(16) std::uint8_t h_powers[4][16] = {};  // H^1..H^4, byte-reversed, each divided by x
        alignas(16) std::uint8_t h_folded[4][16] = {};  // for Karatsuba: each power's halves XORed
    };

    CARAPACE_ARMV8_CRYPTO_TARGET static void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        aes_expand_key(key, s.keys, armv8::sub_word);
        if (s.keys.rounds == 0) return;
        const uint64x2_t h1 =
            pmull::divide_by_x(pmull::reverse(vreinterpretq_u64_u8(armv8::encrypt_any(s.keys, vdupq_n_u8(0)))));
        uint64x2_t power = h1;
        for (int i = 0; i < 4; ++i) {
            pmull::store(s.h_powers[i], power);
            pmull::store(s.h_folded[i], pmull::fold_halves(power));
            power = pmull::multiply(power, h1);
        }
    }

    CARAPACE_ARMV8_CRYPTO_TARGET static void encrypt_block(const key_state& s, const std::uint8_t* in,
                                                           std::uint8_t* out) noexcept {
        armv8::store(out, armv8::encrypt_any(s.keys, armv8::load(in)));
    }

    // Y = (Y xor X_i) * H for `count` whole blocks.
    CARAPACE_ARMV8_CRYPTO_TARGET static void ghash(const key_state& s, std::uint8_t* y_bytes, const std::uint8_t* data,
                                                   std::size_t count) noexcept {
        const powers h = powers_of(s);
        uint64x2_t y = pmull::reverse(pmull::load(y_bytes));
        for (; count >= 4; count -= 4, data += 64) y = ghash_up_to_4(h, y, data, 4);
        if (count != 0) y = ghash_up_to_4(h, y, data, count);
        pmull::store(y_bytes, pmull::reverse(y));
    }

    // Counter mode from the counter block prefix || be32(counter) over `count` whole blocks, with
    // GHASH absorbing the ciphertext: the output when encrypting, the input when decrypting (read
    // before it is overwritten: in may be out).
    template <bool Encrypt>
    CARAPACE_ARMV8_CRYPTO_TARGET static void ctr32_ghash(const key_state& s, const std::uint8_t* prefix,
                                                         std::uint32_t counter, const std::uint8_t* in,
                                                         std::uint8_t* out, std::size_t count,
                                                         std::uint8_t* y_bytes) noexcept {
        switch (s.keys.rounds) {
            case 10: return run<Encrypt, 10>(s, prefix, counter, in, out, count, y_bytes);
            case 12: return run<Encrypt, 12>(s, prefix, counter, in, out, count, y_bytes);
            default: return run<Encrypt, 14>(s, prefix, counter, in, out, count, y_bytes);
        }
    }

private:
    // H^1..H^4 and their folded halves, in registers for one call.
    struct powers {
        uint64x2_t h[4];
        uint64x2_t folded[4];
    };

    CARAPACE_ARMV8_CRYPTO_INLINE static powers powers_of(const key_state& s) noexcept {
        powers p;
        for (int i = 0; i < 4; ++i) {
            p.h[i] = pmull::load(s.h_powers[i]);
            p.folded[i] = pmull::load(s.h_folded[i]);
        }
        return p;
    }

    // Y' = (Y ^ X1) H^n ^ X2 H^(n-1) ^ ... ^ Xn H for 1 <= n <= 4 blocks, one reduction.
    CARAPACE_ARMV8_CRYPTO_INLINE static uint64x2_t ghash_up_to_4(const powers& h, uint64x2_t y,
                                                                 const std::uint8_t* data, std::size_t n) noexcept {
        uint64x2_t lo = vdupq_n_u64(0), mid = lo, hi = lo;
        for (std::size_t i = 0; i < n; ++i) {
            uint64x2_t x = pmull::reverse(pmull::load(data + 16 * i));
            if (i == 0) x = veorq_u64(x, y);
            pmull::multiply_accumulate(x, h.h[n - 1 - i], h.folded[n - 1 - i], lo, mid, hi);
        }
        return pmull::reduce(lo, veorq_u64(mid, veorq_u64(lo, hi)), hi);
    }

    // Four counter blocks from `counter` on, through AES, XORed with up to four input blocks.
    template <int Rounds>
    CARAPACE_ARMV8_CRYPTO_INLINE static void xor_keystream4(const armv8::schedule<Rounds>& k, uint8x16_t base,
                                                            std::uint32_t counter, const std::uint8_t* in,
                                                            std::uint8_t* out, std::size_t n) noexcept {
        uint8x16_t x[4];
        for (unsigned i = 0; i < 4; ++i) x[i] = armv8::counter_block(base, counter + i);
        armv8::encrypt_n(k, x);
        for (std::size_t i = 0; i < n; ++i) armv8::store(out + 16 * i, veorq_u8(x[i], armv8::load(in + 16 * i)));
    }

    template <bool Encrypt, int Rounds>
    CARAPACE_ARMV8_CRYPTO_TARGET static void run(const key_state& s, const std::uint8_t* prefix, std::uint32_t counter,
                                                 const std::uint8_t* in, std::uint8_t* out, std::size_t count,
                                                 std::uint8_t* y_bytes) noexcept {
        const armv8::schedule<Rounds> k = armv8::keys_of<Rounds>(s.keys);
        const powers h = powers_of(s);
        uint64x2_t y = pmull::reverse(pmull::load(y_bytes));
        std::uint8_t block[16] = {};
        for (int i = 0; i < 12; ++i) block[i] = prefix[i];
        const uint8x16_t base = armv8::load(block);
        while (count != 0) {
            const std::size_t n = count < 4 ? count : 4;
            if constexpr (!Encrypt) y = ghash_up_to_4(h, y, in, n);
            xor_keystream4(k, base, counter, in, out, n);
            if constexpr (Encrypt) y = ghash_up_to_4(h, y, out, n);
            counter += 4;
            count -= n;
            if (count != 0) {
                in += 64;
                out += 64;
            }
        }
        pmull::store(y_bytes, pmull::reverse(y));
    }
};

#else

// Built without the ARMv8 intrinsics: never supported, so never called; the portable engine
// stands in.
struct gcm_armv8 : gcm_portable {
    static constexpr const char* name = "armv8-ce";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
