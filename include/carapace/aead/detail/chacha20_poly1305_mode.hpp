// AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8) and XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha §2.3)
// over an engine. This layer handles the nonces, the subkey, the size limits and failing closed;
// the engine does the whole message after that.
//
// An engine provides name, supported() and crypt_message<Encrypt>(key, nonce12, aad, aad_size,
// in, out, size, tag16): the one-time Poly1305 key from block 0, ChaCha20 from block 1 over `size`
// bytes (in may be out), and the tag over aad || pad16 || ciphertext || pad16 || le64 lengths.
// chacha20_poly1305_generic below builds that from a ChaCha20 stream function and a Poly1305 core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "carapace/aead/detail/appended_tag.hpp"
#include "carapace/aead/detail/chacha20.hpp"
#include "carapace/aead/detail/poly1305.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// Poly1305 over data followed by zeros up to a 16-byte boundary.
template <class Poly>
constexpr void poly1305_padded(Poly& poly, const std::uint8_t* data, std::size_t size) noexcept {
    const std::size_t whole = size / 16;
    if (whole != 0) poly.blocks(data, whole);
    if (const std::size_t rest = size % 16; rest != 0) {
        std::uint8_t last[16] = {};
        for (std::size_t i = 0; i < rest; ++i) last[i] = data[16 * whole + i];
        poly.blocks(last, 1);
    }
}

// The one-time key: the first 32 bytes of keystream block 0 (§2.6).
template <class Poly>
constexpr void poly1305_key_from_block0(Poly& poly, const chacha20_key& key, const std::uint8_t* nonce) noexcept {
    std::uint8_t block0[64] = {};
    chacha20_block(key, 0, nonce, block0);
    poly.init(block0);
    secure_wipe(block0, 64);
}

// The length block and the tag.
template <class Poly>
constexpr void poly1305_lengths_and_tag(Poly& poly, std::size_t aad_size, std::size_t size, std::uint8_t* tag) noexcept {
    std::uint8_t lengths[16] = {};
    store_le64(lengths, static_cast<std::uint64_t>(aad_size));
    store_le64(lengths + 8, static_cast<std::uint64_t>(size));
    poly.blocks(lengths, 1);
    poly.finish(tag);
}

// The AEAD from a ChaCha20 stream function and a Poly1305 core, a chunk at a time so that the
// data Poly1305 reads is still in cache (and read before it is overwritten when decrypting in
// place).
template <auto Chacha, class Poly, bool Encrypt>
constexpr void chacha20_poly1305_generic(const chacha20_key& key, const std::uint8_t* nonce, const std::uint8_t* aad,
                                         std::size_t aad_size, const std::uint8_t* in, std::uint8_t* out,
                                         std::size_t size, std::uint8_t* tag) noexcept {
    Poly poly{};
    poly1305_key_from_block0(poly, key, nonce);
    poly1305_padded(poly, aad, aad_size);
    constexpr std::size_t chunk = 4096;
    std::uint32_t counter = 1;
    for (std::size_t done = 0; done < size;) {
        const std::size_t n = size - done < chunk ? size - done : chunk;
        if constexpr (!Encrypt) poly1305_padded(poly, in + done, n);
        Chacha(key, counter, nonce, in + done, out + done, n);
        if constexpr (Encrypt) poly1305_padded(poly, out + done, n);
        counter += static_cast<std::uint32_t>(chunk / 64);
        done += n;
    }
    poly1305_lengths_and_tag(poly, aad_size, size, tag);
}

// The portable engine: usable in constant evaluation and on any CPU. Poly is poly1305_64 where
// the compiler has a 128-bit product, else poly1305_32 (tests run both).
template <class Poly>
struct chacha20_poly1305_portable_with {
    static constexpr const char* name = Poly::name[0] == '6' ? "portable" : "portable-32";
    static constexpr bool supported() noexcept { return true; }

    template <bool Encrypt>
    static constexpr void crypt_message(const chacha20_key& key, const std::uint8_t* nonce, const std::uint8_t* aad,
                                        std::size_t aad_size, const std::uint8_t* in, std::uint8_t* out,
                                        std::size_t size, std::uint8_t* tag) noexcept {
        chacha20_poly1305_generic<chacha20_xor_portable, Poly, Encrypt>(key, nonce, aad, aad_size, in, out, size, tag);
    }
};

using chacha20_poly1305_portable = chacha20_poly1305_portable_with<poly1305_portable>;
using chacha20_poly1305_portable32 = chacha20_poly1305_portable_with<poly1305_32>;

// Extended = false: ChaCha20-Poly1305 with a 12-byte nonce (RFC 8439 §2.8).
// Extended = true: XChaCha20-Poly1305 with a 24-byte nonce: HChaCha20(key, nonce[0..16]) is the
// key, 0^32 || nonce[16..24] the nonce.
template <bool Extended, class Engine>
class chacha20_poly1305_mode : public appended_tag<chacha20_poly1305_mode<Extended, Engine>> {
public:
    using engine = Engine;
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t tag_size = 16;
    static constexpr std::size_t nonce_size = Extended ? 24 : 12;
    // §2.8: the block counter is 32 bits and starts at 1 for the message, so at most
    // (2^32 - 1) 64-byte blocks; the AAD length is a 64-bit count of bytes.
    static constexpr std::uint64_t max_plaintext_size = ((std::uint64_t{1} << 32) - 1) * 64;
    static constexpr std::uint64_t max_aad_size = ~std::uint64_t{0};

    constexpr explicit chacha20_poly1305_mode(fixed_view<key_size> key) noexcept
        : key_(chacha20_load_key(key.data())) {}
    constexpr chacha20_poly1305_mode(const chacha20_poly1305_mode&) noexcept = default;
    constexpr chacha20_poly1305_mode& operator=(const chacha20_poly1305_mode&) noexcept = default;
    constexpr ~chacha20_poly1305_mode() { secure_wipe(key_); }

    // Encrypts plaintext into ciphertext (the same size; the same buffer for in-place) and writes
    // the tag. Errors: a nonce that is not nonce_size bytes, oversized input, size mismatch.
    [[nodiscard]] constexpr errc seal(byte_view nonce, byte_view aad, byte_view plaintext, byte_span ciphertext,
                                      fixed_span<tag_size> tag) const noexcept {
        if (const errc e = check(nonce, aad, plaintext.size(), ciphertext.size()); e != errc::ok) return e;
        crypt<true>(nonce, aad, plaintext, ciphertext, tag.data());
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
        bytes<tag_size> expected{};
        crypt<false>(nonce, aad, ciphertext, plaintext, expected.data());
        const bool authentic = ct::declassify(ct::equal(expected, tag));  // the verdict is public
        secure_wipe(expected);
        if (!authentic) {
            secure_wipe(plaintext);
            return errc::authentication_failed;
        }
        return errc::ok;
    }

    using appended_tag<chacha20_poly1305_mode>::seal;
    using appended_tag<chacha20_poly1305_mode>::open;

private:
    static constexpr errc check(byte_view nonce, byte_view aad, std::size_t in_size, std::size_t out_size) noexcept {
        if (nonce.size() != nonce_size) return errc::invalid_argument;
        if (static_cast<std::uint64_t>(aad.size()) > max_aad_size ||
            static_cast<std::uint64_t>(in_size) > max_plaintext_size)
            return errc::invalid_argument;
        if (in_size != out_size) return errc::buffer_too_small;
        return errc::ok;
    }

    template <bool Encrypt>
    constexpr void crypt(byte_view nonce, byte_view aad, byte_view in, byte_span out, std::uint8_t* tag) const noexcept {
        if constexpr (Extended) {
            chacha20_key subkey = hchacha20(key_, nonce.data());
            std::uint8_t nonce12[12] = {};
            for (std::size_t i = 0; i < 8; ++i) nonce12[4 + i] = nonce[16 + i];
            run<Encrypt>(subkey, nonce12, aad, in, out, tag);
            secure_wipe(subkey);
        } else {
            run<Encrypt>(key_, nonce.data(), aad, in, out, tag);
        }
    }

    // Constant evaluation always takes the portable engine (the others use intrinsics).
    template <bool Encrypt>
    static constexpr void run(const chacha20_key& key, const std::uint8_t* nonce, byte_view aad, byte_view in,
                              byte_span out, std::uint8_t* tag) noexcept {
        if (std::is_constant_evaluated())
            chacha20_poly1305_portable::crypt_message<Encrypt>(key, nonce, aad.data(), aad.size(), in.data(),
                                                               out.data(), in.size(), tag);
        else
            Engine::template crypt_message<Encrypt>(key, nonce, aad.data(), aad.size(), in.data(), out.data(),
                                                    in.size(), tag);
    }

    chacha20_key key_{};
};

}  // namespace carapace::detail
