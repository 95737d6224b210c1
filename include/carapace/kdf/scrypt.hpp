// scrypt (RFC 7914): the memory-hard password-based key derivation age uses for passphrases.
// PBKDF2-HMAC-SHA256 on each side of ROMix, whose BlockMix is built on the Salsa20/8 core.
//
// No heap: ROMix needs N * r * 128 bytes, and the caller lends that memory (plus room for two
// more blocks) as a span of 32-bit words, and also sets the largest N it accepts. A parameter the
// caller did not allow is refused with errc::limit_exceeded before any work starts, so a hostile
// file cannot make us run for minutes.
//
//   std::vector<std::uint32_t> work(carapace::scrypt_work_words(n, r));   // the caller's memory
//   carapace::scrypt(password, salt, n, r, p, work, max_n, key);
//
// Like every scrypt, ROMix reads memory at addresses derived from the password (that is what makes
// it memory-hard, RFC 7914 §5); this is inherent to the function, not a flaw of this code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/kdf/pbkdf2.hpp"

namespace carapace {

// 32-bit words of work memory scrypt(.., n, r, ..) needs: V (n blocks) and X, Y (one each), each
// block 128 * r bytes. Zero when that does not fit in a size_t.
constexpr std::size_t scrypt_work_words(std::uint64_t n, std::uint32_t r) noexcept {
    const std::uint64_t words_per_block = std::uint64_t{32} * r;
    if (r == 0 || n > (~std::uint64_t{0} / words_per_block) - 2) return 0;
    const std::uint64_t words = (n + 2) * words_per_block;
    return words > static_cast<std::uint64_t>(~std::size_t{0}) / 4 ? 0 : static_cast<std::size_t>(words);
}

namespace detail {

constexpr std::uint32_t rotl32(std::uint32_t v, int c) noexcept { return v << c | v >> (32 - c); }

// §3: the Salsa20/8 core, in place on 16 words.
constexpr void salsa20_8(std::uint32_t* b) noexcept {
    std::uint32_t x[16];
    for (int i = 0; i < 16; ++i) x[i] = b[i];
    for (int round = 0; round < 8; round += 2) {
        x[4] ^= rotl32(x[0] + x[12], 7);   x[8] ^= rotl32(x[4] + x[0], 9);
        x[12] ^= rotl32(x[8] + x[4], 13);  x[0] ^= rotl32(x[12] + x[8], 18);
        x[9] ^= rotl32(x[5] + x[1], 7);    x[13] ^= rotl32(x[9] + x[5], 9);
        x[1] ^= rotl32(x[13] + x[9], 13);  x[5] ^= rotl32(x[1] + x[13], 18);
        x[14] ^= rotl32(x[10] + x[6], 7);  x[2] ^= rotl32(x[14] + x[10], 9);
        x[6] ^= rotl32(x[2] + x[14], 13);  x[10] ^= rotl32(x[6] + x[2], 18);
        x[3] ^= rotl32(x[15] + x[11], 7);  x[7] ^= rotl32(x[3] + x[15], 9);
        x[11] ^= rotl32(x[7] + x[3], 13);  x[15] ^= rotl32(x[11] + x[7], 18);
        x[1] ^= rotl32(x[0] + x[3], 7);    x[2] ^= rotl32(x[1] + x[0], 9);
        x[3] ^= rotl32(x[2] + x[1], 13);   x[0] ^= rotl32(x[3] + x[2], 18);
        x[6] ^= rotl32(x[5] + x[4], 7);    x[7] ^= rotl32(x[6] + x[5], 9);
        x[4] ^= rotl32(x[7] + x[6], 13);   x[5] ^= rotl32(x[4] + x[7], 18);
        x[11] ^= rotl32(x[10] + x[9], 7);  x[8] ^= rotl32(x[11] + x[10], 9);
        x[9] ^= rotl32(x[8] + x[11], 13);  x[10] ^= rotl32(x[9] + x[8], 18);
        x[12] ^= rotl32(x[15] + x[14], 7); x[13] ^= rotl32(x[12] + x[15], 9);
        x[14] ^= rotl32(x[13] + x[12], 13); x[15] ^= rotl32(x[14] + x[13], 18);
    }
    for (int i = 0; i < 16; ++i) b[i] += x[i];
    secure_wipe(x, 16);
}

// §4: BlockMix of `in` (2r 64-byte blocks) into `out`, even blocks first, then odd ones.
constexpr void scrypt_block_mix(const std::uint32_t* in, std::uint32_t* out, std::uint32_t r) noexcept {
    std::uint32_t x[16];
    for (int k = 0; k < 16; ++k) x[k] = in[(2 * r - 1) * 16 + static_cast<std::uint32_t>(k)];
    for (std::uint32_t i = 0; i < 2 * r; ++i) {
        for (std::uint32_t k = 0; k < 16; ++k) x[k] ^= in[i * 16 + k];
        salsa20_8(x);
        const std::uint32_t to = (i % 2 == 0 ? i / 2 : r + i / 2) * 16;
        for (std::uint32_t k = 0; k < 16; ++k) out[to + k] = x[k];
    }
    secure_wipe(x, 16);
}

// §5: ROMix on one 128r-byte block B (as little-endian words in x), with V, Y in `work`.
constexpr void scrypt_ro_mix(std::uint32_t* x, std::uint64_t n, std::uint32_t r, std::uint32_t* v,
                             std::uint32_t* y) noexcept {
    const std::size_t words = std::size_t{32} * r;
    for (std::uint64_t i = 0; i < n; ++i) {
        std::uint32_t* vi = v + static_cast<std::size_t>(i) * words;
        for (std::size_t k = 0; k < words; ++k) vi[k] = x[k];
        scrypt_block_mix(x, y, r);
        for (std::size_t k = 0; k < words; ++k) x[k] = y[k];
    }
    for (std::uint64_t i = 0; i < n; ++i) {
        // Integerify: the first 64 bits of the last 64-byte block, mod N (a power of two).
        const std::uint64_t last = std::uint64_t{x[words - 16]} | std::uint64_t{x[words - 15]} << 32;
        const std::uint32_t* vj = v + static_cast<std::size_t>(last & (n - 1)) * words;
        for (std::size_t k = 0; k < words; ++k) x[k] ^= vj[k];
        scrypt_block_mix(x, y, r);
        for (std::size_t k = 0; k < words; ++k) x[k] = y[k];
    }
}

}  // namespace detail

// out = scrypt(password, salt, N = n, r, p) of out.size() bytes (at most 64 bytes of output here,
// more than any use needs). invalid_argument when n is not a power of two above 1, r or p is
// zero, r * p >= 2^30 or n >= 2^(16 r) (§2); limit_exceeded when n > max_n or `work` is smaller
// than scrypt_work_words(n, r). The work memory is wiped before returning.
[[nodiscard]] constexpr errc scrypt(byte_view password, byte_view salt, std::uint64_t n, std::uint32_t r,
                                    std::uint32_t p, std::span<std::uint32_t> work, std::uint64_t max_n,
                                    byte_span out) noexcept {
    if (n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0 || std::uint64_t{r} * p >= (std::uint64_t{1} << 30) ||
        out.size() > 64)
        return errc::invalid_argument;
    if (16 * std::uint64_t{r} < 64 && n >= (std::uint64_t{1} << (16 * r))) return errc::invalid_argument;
    const std::size_t need = scrypt_work_words(n, r);
    if (n > max_n || need == 0 || work.size() < need) return errc::limit_exceeded;

    const std::size_t words = std::size_t{32} * r;
    std::uint32_t* v = work.data();
    std::uint32_t* x = v + static_cast<std::size_t>(n) * words;
    std::uint32_t* y = x + words;
    // B = PBKDF2(P, S, 1, p * 128r) is never held whole: PBKDF2's output block j depends on j
    // alone, so each B_i is derived into X when its turn comes, mixed, and streamed into the final
    // PBKDF2(P, B', 1, dkLen), whose (at most two) output blocks each absorb all of B'.
    const hmac<sha256> keyed(password);
    hmac<sha256> final_macs[2] = {keyed, keyed};
    bytes<32> t{};
    std::uint8_t block_bytes[4] = {};
    for (std::uint32_t i = 0; i < p; ++i) {
        // B_i = bytes [i*128r, (i+1)*128r) of PBKDF2(P, S, 1, p*128r): PBKDF2 blocks
        // i*4r+1 .. (i+1)*4r, each 32 bytes.
        for (std::uint32_t j = 0; j < 4 * r; ++j) {
            const std::uint32_t index = i * 4 * r + j + 1;
            hmac<sha256> h = keyed;
            h.update(salt);
            const std::uint8_t be[4] = {static_cast<std::uint8_t>(index >> 24), static_cast<std::uint8_t>(index >> 16),
                                        static_cast<std::uint8_t>(index >> 8), static_cast<std::uint8_t>(index)};
            h.update(be);
            h.final(t);
            for (std::uint32_t k = 0; k < 8; ++k)
                x[j * 8 + k] = std::uint32_t{t[4 * k]} | std::uint32_t{t[4 * k + 1]} << 8 |
                               std::uint32_t{t[4 * k + 2]} << 16 | std::uint32_t{t[4 * k + 3]} << 24;
        }
        detail::scrypt_ro_mix(x, n, r, v, y);
        for (std::size_t k = 0; k < words; ++k) {
            for (int b = 0; b < 4; ++b) block_bytes[b] = static_cast<std::uint8_t>(x[k] >> (8 * b));
            final_macs[0].update(block_bytes);
            final_macs[1].update(block_bytes);
        }
    }
    for (std::size_t b = 0; b * 32 < out.size(); ++b) {
        const std::uint8_t be[4] = {0, 0, 0, static_cast<std::uint8_t>(b + 1)};
        final_macs[b].update(be);
        final_macs[b].final(t);
        for (std::size_t k = 0; k < 32 && b * 32 + k < out.size(); ++k) out[b * 32 + k] = t[k];
    }
    secure_wipe(t);
    secure_wipe(block_bytes, 4);
    secure_wipe(work.data(), need);
    return errc::ok;
}

}  // namespace carapace
