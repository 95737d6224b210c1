// AES-CCM (NIST SP 800-38C) with the ARMv8 Cryptography Extensions (aes_armv8.hpp). As in
// ccm_aesni.hpp: CBC-MAC is one chain of dependent AES calls, so each step runs the counter-mode
// block beside the MAC block, round by round, and the encryption comes almost free. The engine
// contract is in ccm_mode.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/aead/detail/aes_armv8.hpp"
#include "carapace/aead/detail/aes_key_expansion.hpp"
#include "carapace/aead/detail/ccm_portable.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/endian.hpp"

namespace carapace::detail {

#if CARAPACE_HAVE_ARMV8_AES

struct ccm_armv8 {
    static constexpr const char* name = "armv8-ce";
    static bool supported() noexcept { return cpu::arm().aes; }

    using key_state = aes_round_keys;

    CARAPACE_ARMV8_CRYPTO_TARGET static void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        aes_expand_key(key, s, armv8::sub_word);
    }

    CARAPACE_ARMV8_CRYPTO_TARGET static void encrypt_block(const key_state& s, std::uint8_t* block) noexcept {
        armv8::store(block, armv8::encrypt_any(s, armv8::load(block)));
    }

    CARAPACE_ARMV8_CRYPTO_TARGET static void encrypt2(const key_state& s, std::uint8_t* a, std::uint8_t* b) noexcept {
        uint8x16_t x[2] = {armv8::load(a), armv8::load(b)};
        armv8::encrypt_any(s, x);
        armv8::store(a, x[0]);
        armv8::store(b, x[1]);
    }

    // CBC-MAC: Y = E(K, Y xor X_i) over `count` whole blocks.
    CARAPACE_ARMV8_CRYPTO_TARGET static void cbc_mac(const key_state& s, std::uint8_t* y_bytes,
                                                     const std::uint8_t* data, std::size_t count) noexcept {
        switch (s.rounds) {
            case 10: return mac<10>(s, y_bytes, data, count);
            case 12: return mac<12>(s, y_bytes, data, count);
            default: return mac<14>(s, y_bytes, data, count);
        }
    }

    // Counter mode from the counter block ctr over `count` whole blocks, with CBC-MAC over the
    // plaintext, as in ccm_portable::ctr_cbc_mac.
    template <bool Encrypt>
    CARAPACE_ARMV8_CRYPTO_TARGET static void ctr_cbc_mac(const key_state& s, std::uint8_t* y_bytes, std::uint8_t* ctr,
                                                         const std::uint8_t* in, std::uint8_t* out,
                                                         std::size_t count) noexcept {
        switch (s.rounds) {
            case 10: return run<Encrypt, 10>(s, y_bytes, ctr, in, out, count);
            case 12: return run<Encrypt, 12>(s, y_bytes, ctr, in, out, count);
            default: return run<Encrypt, 14>(s, y_bytes, ctr, in, out, count);
        }
    }

private:
    template <int Rounds>
    CARAPACE_ARMV8_CRYPTO_TARGET static void mac(const key_state& s, std::uint8_t* y_bytes, const std::uint8_t* data,
                                                 std::size_t count) noexcept {
        const armv8::schedule<Rounds> k = armv8::keys_of<Rounds>(s);
        uint8x16_t y = armv8::load(y_bytes);
        for (; count != 0; --count, data += 16) y = armv8::encrypt(k, veorq_u8(y, armv8::load(data)));
        armv8::store(y_bytes, y);
    }

    // The MAC block and the keystream block of one step, their rounds interleaved.
    template <int Rounds>
    CARAPACE_ARMV8_CRYPTO_INLINE static void encrypt_pair(const armv8::schedule<Rounds>& k, uint8x16_t& a,
                                                          uint8x16_t& b) noexcept {
        uint8x16_t x[2] = {a, b};
        armv8::encrypt_n(k, x);
        a = x[0];
        b = x[1];
    }

    template <bool Encrypt, int Rounds>
    CARAPACE_ARMV8_CRYPTO_TARGET static void run(const key_state& s, std::uint8_t* y_bytes, std::uint8_t* ctr_bytes,
                                                 const std::uint8_t* in, std::uint8_t* out,
                                                 std::size_t count) noexcept {
        if (count == 0) return;
        const armv8::schedule<Rounds> k = armv8::keys_of<Rounds>(s);
        const uint8x16_t base = armv8::load(ctr_bytes);
        std::uint32_t counter = load_be32(ctr_bytes + 12);  // counts modulo 2^32, as the contract says
        uint8x16_t y = armv8::load(y_bytes);
        if constexpr (Encrypt) {
            for (; count != 0; --count, in += 16, out += 16) {
                const uint8x16_t p = armv8::load(in);
                uint8x16_t keystream = armv8::counter_block(base, counter++);
                y = veorq_u8(y, p);
                encrypt_pair(k, y, keystream);
                armv8::store(out, veorq_u8(p, keystream));
            }
        } else {
            // The MAC needs the plaintext: it runs one block behind the keystream.
            uint8x16_t keystream = armv8::encrypt(k, armv8::counter_block(base, counter++));
            for (; count > 1; --count, in += 16, out += 16) {
                const uint8x16_t p = veorq_u8(armv8::load(in), keystream);
                armv8::store(out, p);
                y = veorq_u8(y, p);
                keystream = armv8::counter_block(base, counter++);
                encrypt_pair(k, y, keystream);
            }
            const uint8x16_t p = veorq_u8(armv8::load(in), keystream);
            armv8::store(out, p);
            y = armv8::encrypt(k, veorq_u8(y, p));
        }
        armv8::store(y_bytes, y);
        store_be32(ctr_bytes + 12, counter);
    }
};

#else

// Built without the ARMv8 intrinsics: never supported, so never called; the portable engine
// stands in.
struct ccm_armv8 : ccm_portable {
    static constexpr const char* name = "armv8-ce";
    static constexpr bool supported() noexcept { return false; }
};

#endif

}  // namespace carapace::detail
