// GCM (NIST SP 800-38D) over an engine that supplies the AES and GHASH primitives. The engine
// works on whole blocks; this layer handles nonces of any length, partial blocks, the length
// block, the tag, the size limits, and failing closed.
//
// An engine provides: a trivially copyable key_state; init(state, key); encrypt_block(state,
// in16, out16); ghash(state, y16, data, block_count); and ctr32_ghash<Encrypt>(state, prefix12,
// counter, in, out, block_count, y16), counter mode fused with GHASH over the ciphertext.
// It may also provide crypt_message<Encrypt>(state, j0, in, out, byte_count, aad_size, y16,
// tag16): everything after the AAD in one call (counter mode from inc32(J0) over any number of
// bytes, GHASH over the ciphertext, its padding and the length block, tag = E(K, J0) xor GHASH),
// so that it can share AES batches and reductions between those steps. Without it,
// gcm_crypt_message below does the same from the block primitives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "carapace/aead/detail/appended_tag.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// Everything after the AAD from the block primitives: counter mode from inc32(J0) with GHASH
// over the ciphertext (whole blocks through the engine, the partial block here), then the length
// block and tag = E(K, J0) xor GHASH. y holds GHASH over the padded AAD on entry.
template <class Engine, bool Encrypt>
constexpr void gcm_crypt_message(const typename Engine::key_state& s, const std::uint8_t* j0, const std::uint8_t* in,
                                 std::uint8_t* out, std::size_t size, std::size_t aad_size, std::uint8_t* y,
                                 std::uint8_t* tag) noexcept {
    const std::uint32_t first_counter = load_be32(j0 + 12) + 1;
    const std::size_t whole = size / 16;
    if (whole != 0) Engine::template ctr32_ghash<Encrypt>(s, j0, first_counter, in, out, whole, y);
    if (const std::size_t rest = size % 16; rest != 0) {
        bytes<16> block{}, keystream{};
        for (std::size_t i = 0; i < 12; ++i) block[i] = j0[i];
        store_be32(block.data() + 12, first_counter + static_cast<std::uint32_t>(whole));
        Engine::encrypt_block(s, block.data(), keystream.data());
        bytes<16> last{};  // the ciphertext block, zero-padded, for GHASH
        for (std::size_t i = 0; i < rest; ++i) {
            const std::uint8_t a = in[16 * whole + i];
            const std::uint8_t b = static_cast<std::uint8_t>(a ^ keystream[i]);
            out[16 * whole + i] = b;
            last[i] = Encrypt ? b : a;
        }
        Engine::ghash(s, y, last.data(), 1);
        secure_wipe(keystream);
    }
    // Tag = E(K, J0) xor GHASH(... || [len(A)]_64 || [len(C)]_64).
    bytes<16> lengths{};
    store_be64(lengths.data(), static_cast<std::uint64_t>(aad_size) * 8);
    store_be64(lengths.data() + 8, static_cast<std::uint64_t>(size) * 8);
    Engine::ghash(s, y, lengths.data(), 1);
    bytes<16> mask{};
    Engine::encrypt_block(s, j0, mask.data());
    for (std::size_t i = 0; i < 16; ++i) tag[i] = static_cast<std::uint8_t>(mask[i] ^ y[i]);
    secure_wipe(mask);
}

template <std::size_t KeyBytes, class Engine>
class gcm_mode : public appended_tag<gcm_mode<KeyBytes, Engine>> {
    static_assert(KeyBytes == 16 || KeyBytes == 24 || KeyBytes == 32, "AES keys are 16, 24 or 32 bytes");

public:
    using engine = Engine;
    static constexpr std::size_t key_size = KeyBytes;
    static constexpr std::size_t tag_size = 16;
    static constexpr std::size_t nonce_size = 12;  // the recommended length, and the fast path
    // SP 800-38D §5.2.1.1: plaintext at most 2^39 - 256 bits; AAD and IV at most 2^64 - 1 bits.
    static constexpr std::uint64_t max_plaintext_size = (std::uint64_t{1} << 36) - 32;
    static constexpr std::uint64_t max_aad_size = (std::uint64_t{1} << 61) - 1;
    static constexpr std::uint64_t max_nonce_size = (std::uint64_t{1} << 61) - 1;

    constexpr explicit gcm_mode(fixed_view<KeyBytes> key) noexcept { Engine::init(state_, key); }
    constexpr gcm_mode(const gcm_mode&) noexcept = default;
    constexpr gcm_mode& operator=(const gcm_mode&) noexcept = default;
    constexpr ~gcm_mode() { secure_wipe(state_); }

    // Encrypts plaintext into ciphertext (the same size; the same buffer for in-place) and writes
    // the tag. Errors: empty or oversized nonce, oversized input, size mismatch.
    [[nodiscard]] constexpr errc seal(byte_view nonce, byte_view aad, byte_view plaintext,
                                      byte_span ciphertext, fixed_span<tag_size> tag) const noexcept {
        if (const errc e = check(nonce, aad, plaintext.size(), ciphertext.size()); e != errc::ok) return e;
        bytes<16> j0{}, y{};
        make_j0(nonce, j0);
        ghash_padded(y, aad);
        crypt_message<true>(j0, plaintext, ciphertext, y, aad.size(), tag);
        secure_wipe(y);
        return errc::ok;
    }

    // Checks the tag and decrypts. On any failure the plaintext buffer is zeroed (it may have been
    // written during the single pass) and authentication_failed is returned.
    [[nodiscard]] constexpr errc open(byte_view nonce, byte_view aad, byte_view ciphertext, byte_view tag,
                                      byte_span plaintext) const noexcept {
        if (const errc e = check(nonce, aad, ciphertext.size(), plaintext.size()); e != errc::ok) {
            secure_wipe(plaintext);
            return e;
        }
        if (tag.size() != tag_size) {
            secure_wipe(plaintext);
            return errc::authentication_failed;
        }
        bytes<16> j0{}, y{};
        make_j0(nonce, j0);
        ghash_padded(y, aad);
        bytes<tag_size> expected{};
        crypt_message<false>(j0, ciphertext, plaintext, y, aad.size(), expected);
        const bool authentic = ct::declassify(ct::equal(expected, tag));  // the verdict is public
        secure_wipe(expected);
        secure_wipe(y);
        if (!authentic) {
            secure_wipe(plaintext);
            return errc::authentication_failed;
        }
        return errc::ok;
    }

    using appended_tag<gcm_mode>::seal;
    using appended_tag<gcm_mode>::open;

private:
    static constexpr errc check(byte_view nonce, byte_view aad, std::size_t in_size, std::size_t out_size) noexcept {
        if (nonce.empty() || nonce.size() > max_nonce_size) return errc::invalid_argument;
        if (aad.size() > max_aad_size || in_size > max_plaintext_size) return errc::invalid_argument;
        if (in_size != out_size) return errc::buffer_too_small;
        return errc::ok;
    }

    // Y = GHASH over data followed by zeros up to a block boundary.
    constexpr void ghash_padded(bytes<16>& y, byte_view data) const noexcept {
        const std::size_t whole = data.size() / 16;
        if (whole != 0) Engine::ghash(state_, y.data(), data.data(), whole);
        if (const std::size_t rest = data.size() % 16; rest != 0) {
            bytes<16> last{};
            for (std::size_t i = 0; i < rest; ++i) last[i] = data[16 * whole + i];
            Engine::ghash(state_, y.data(), last.data(), 1);
        }
    }

    // J0 = IV || 0^31 || 1 for a 96-bit IV, else GHASH(IV || 0-pad || 0^64 || [len(IV)]_64).
    constexpr void make_j0(byte_view nonce, bytes<16>& j0) const noexcept {
        if (nonce.size() == nonce_size) {
            // Whole-word stores at run time, which the engines' loads of J0 can forward from.
            if (std::is_constant_evaluated()) {
                for (std::size_t i = 0; i < nonce_size; ++i) j0[i] = nonce[i];
            } else {
                std::memcpy(j0.data(), nonce.data(), nonce_size);
            }
            store_be32(j0.data() + 12, 1);
            return;
        }
        ghash_padded(j0, nonce);
        bytes<16> lengths{};
        store_be64(lengths.data() + 8, static_cast<std::uint64_t>(nonce.size()) * 8);
        Engine::ghash(state_, j0.data(), lengths.data(), 1);
    }

    // Counter mode, GHASH over the ciphertext and the length block, and the tag: the engine's
    // whole-message entry point if it has one (not in constant evaluation), else the generic one.
    template <bool Encrypt>
    constexpr void crypt_message(const bytes<16>& j0, byte_view in, byte_span out, bytes<16>& y, std::size_t aad_size,
                                 fixed_span<tag_size> tag) const noexcept {
        if constexpr (requires {
                          Engine::template crypt_message<Encrypt>(state_, j0.data(), in.data(), out.data(), in.size(),
                                                                  aad_size, y.data(), tag.data());
                      }) {
            if (!std::is_constant_evaluated()) {
                Engine::template crypt_message<Encrypt>(state_, j0.data(), in.data(), out.data(), in.size(), aad_size,
                                                        y.data(), tag.data());
                return;
            }
        }
        gcm_crypt_message<Engine, Encrypt>(state_, j0.data(), in.data(), out.data(), in.size(), aad_size, y.data(),
                                           tag.data());
    }

    typename Engine::key_state state_{};
};

}  // namespace carapace::detail
