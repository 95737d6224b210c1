// CCM (NIST SP 800-38C, RFC 3610) over an engine that supplies AES on whole blocks. This layer
// formats B0, the associated data and the counter blocks (SP 800-38C Appendix A), handles the
// partial blocks, the size limits, the tag, and failing closed.
//
// An engine provides: a trivially copyable key_state; init(state, key); encrypt_block(state,
// block16) and encrypt2(state, a16, b16), in place; cbc_mac(state, y16, data, block_count); and
// ctr_cbc_mac<Encrypt>(state, y16, ctr16, in, out, block_count): counter mode from ctr16 (its
// last four bytes counting modulo 2^32, left at the next counter) with CBC-MAC over the
// plaintext, whole blocks, in == out allowed.
//
// Parameters (SP 800-38C A.1, RFC 3610 §2): tag length t in {4, 6, ..., 16}; nonce length n in
// 7..13, which leaves q = 15 - n bytes for the payload length, so a payload has at most
// 2^(8q) - 1 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "carapace/aead/detail/appended_tag.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// Tag lengths SP 800-38C allows: 4, 6, 8, 10, 12, 14 or 16 bytes.
constexpr bool ccm_tag_size_ok(std::size_t t) noexcept { return t >= 4 && t <= 16 && t % 2 == 0; }
// Nonce lengths SP 800-38C allows: 7 to 13 bytes.
constexpr bool ccm_nonce_size_ok(std::size_t n) noexcept { return n >= 7 && n <= 13; }
// The longest payload a nonce of n bytes (7..13) leaves room for: 2^(8q) - 1 bytes, q = 15 - n.
constexpr std::uint64_t ccm_max_payload(std::size_t n) noexcept {
    const std::size_t q = 15 - n;
    return q >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * q)) - 1;
}

// Y = CBC-MAC over the associated data as SP 800-38C A.2.2 formats it: its length in 2 bytes if
// below 2^16 - 2^8, else 0xff 0xfe and 4 bytes if below 2^32, else 0xff 0xff and 8 bytes; then
// the data, zero-padded to a whole block. aad is not empty.
template <class Engine>
constexpr void ccm_mac_aad(const typename Engine::key_state& s, bytes<16>& y, byte_view aad) noexcept {
    bytes<16> block{};
    const std::uint64_t a = aad.size();
    std::size_t used = 0;
    if (a < 0xff00) {
        block[0] = static_cast<std::uint8_t>(a >> 8);
        block[1] = static_cast<std::uint8_t>(a);
        used = 2;
    } else if (a <= 0xffffffffu) {
        block[0] = 0xff;
        block[1] = 0xfe;
        store_be32(block.data() + 2, static_cast<std::uint32_t>(a));
        used = 6;
    } else {
        block[0] = 0xff;
        block[1] = 0xff;
        store_be64(block.data() + 2, a);
        used = 10;
    }
    const std::size_t first = aad.size() < 16 - used ? aad.size() : 16 - used;
    for (std::size_t i = 0; i < first; ++i) block[used + i] = aad[i];
    Engine::cbc_mac(s, y.data(), block.data(), 1);
    const byte_view rest = aad.subspan(first);
    const std::size_t whole = rest.size() / 16;
    if (whole != 0) Engine::cbc_mac(s, y.data(), rest.data(), whole);
    if (const std::size_t tail = rest.size() % 16; tail != 0) {
        bytes<16> last{};
        for (std::size_t i = 0; i < tail; ++i) last[i] = rest[16 * whole + i];
        Engine::cbc_mac(s, y.data(), last.data(), 1);
    }
}

// Counter mode and CBC-MAC over the payload's whole blocks, from the counter block ctr (whose
// last q bytes are the counter). The engine counts in the last four bytes; when they wrap (only
// possible for q > 4, after 2^32 blocks) the carry goes on into the counter's higher bytes here.
// With q < 4 those four bytes start with nonce bytes, which may be secret (TLS derives its nonces
// from the traffic secret), so nothing is computed from them: the length limit (SP 800-38C A.1),
// fewer than 2^(8q) bytes, keeps the count within the q counter bytes: one call takes every block.
template <class Engine, bool Encrypt>
constexpr void ccm_crypt_blocks(const typename Engine::key_state& s, bytes<16>& y, bytes<16>& ctr, std::size_t q,
                                const std::uint8_t* in, std::uint8_t* out, std::size_t count) noexcept {
    if (q < 4) {
        if (count != 0) Engine::template ctr_cbc_mac<Encrypt>(s, y.data(), ctr.data(), in, out, count);
        return;
    }
    while (count != 0) {
        const std::uint64_t room = (std::uint64_t{1} << 32) - load_be32(ctr.data() + 12);
        const std::size_t n = count < room ? count : static_cast<std::size_t>(room);
        Engine::template ctr_cbc_mac<Encrypt>(s, y.data(), ctr.data(), in, out, n);
        if (load_be32(ctr.data() + 12) == 0) {
            for (std::size_t i = 12; i > 16 - q; --i)
                if (++ctr[i - 1] != 0) break;
        }
        in += 16 * n;
        out += 16 * n;
        count -= n;
    }
}

// The whole of CCM but the tag check: B0 and the associated data into the MAC, the payload
// through counter mode from counter 1 with the MAC over its plaintext, and mac = Y xor S0, whose
// first t bytes are the tag. The sizes have been checked.
template <class Engine, bool Encrypt>
constexpr void ccm_crypt(const typename Engine::key_state& s, byte_view nonce, byte_view aad, const std::uint8_t* in,
                         std::uint8_t* out, std::size_t size, std::size_t tag_size, bytes<16>& mac) noexcept {
    const std::size_t q = 15 - nonce.size();
    // B0 = flags || N || [size]_q; A0 = [q - 1] || N || 0 (SP 800-38C A.2.1, A.3).
    bytes<16> y{}, s0{};
    y[0] = static_cast<std::uint8_t>((aad.empty() ? 0 : 0x40) | ((tag_size - 2) / 2) << 3 | (q - 1));
    s0[0] = static_cast<std::uint8_t>(q - 1);
    for (std::size_t i = 0; i < nonce.size(); ++i) y[1 + i] = s0[1 + i] = nonce[i];
    std::uint64_t length = size;
    for (std::size_t i = 0; i < q; ++i, length >>= 8) y[15 - i] = static_cast<std::uint8_t>(length);
    bytes<16> ctr = s0;
    ctr[15] = 1;
    Engine::encrypt2(s, y.data(), s0.data());  // Y0 = E(B0) and S0 = E(A0)
    if (!aad.empty()) ccm_mac_aad<Engine>(s, y, aad);

    const std::size_t whole = size / 16;
    ccm_crypt_blocks<Engine, Encrypt>(s, y, ctr, q, in, out, whole);
    if (const std::size_t tail = size % 16; tail != 0) {
        // The last block: the MAC takes its plaintext zero-padded.
        const std::size_t at = 16 * whole;
        bytes<16> plain{}, keystream = ctr;
        if constexpr (Encrypt) {
            for (std::size_t i = 0; i < tail; ++i) plain[i] = in[at + i];
            for (std::size_t i = 0; i < 16; ++i) y[i] = static_cast<std::uint8_t>(y[i] ^ plain[i]);
            Engine::encrypt2(s, y.data(), keystream.data());
            for (std::size_t i = 0; i < tail; ++i) out[at + i] = static_cast<std::uint8_t>(plain[i] ^ keystream[i]);
        } else {
            Engine::encrypt_block(s, keystream.data());
            for (std::size_t i = 0; i < tail; ++i) {
                plain[i] = static_cast<std::uint8_t>(in[at + i] ^ keystream[i]);
                out[at + i] = plain[i];
            }
            for (std::size_t i = 0; i < 16; ++i) y[i] = static_cast<std::uint8_t>(y[i] ^ plain[i]);
            Engine::encrypt_block(s, y.data());
        }
        secure_wipe(plain);
        secure_wipe(keystream);
    }
    for (std::size_t i = 0; i < 16; ++i) mac[i] = static_cast<std::uint8_t>(y[i] ^ s0[i]);
    secure_wipe(y);
    secure_wipe(s0);
    secure_wipe(ctr);
}

// The key schedule and the checked seal and open that both front ends below share.
template <std::size_t KeyBytes, class Engine>
class ccm_key {
    static_assert(KeyBytes == 16 || KeyBytes == 24 || KeyBytes == 32, "AES keys are 16, 24 or 32 bytes");

public:
    using engine = Engine;
    static constexpr std::size_t key_size = KeyBytes;

    constexpr explicit ccm_key(fixed_view<KeyBytes> key) noexcept { Engine::init(state_, key); }
    constexpr ccm_key(const ccm_key&) noexcept = default;
    constexpr ccm_key& operator=(const ccm_key&) noexcept = default;
    constexpr ~ccm_key() { secure_wipe(state_); }

protected:
    // Seal with a tag of tag.size() bytes.
    constexpr errc seal_checked(byte_view nonce, byte_view aad, byte_view plaintext, byte_span ciphertext,
                                byte_span tag) const noexcept {
        if (!ccm_nonce_size_ok(nonce.size()) || !ccm_tag_size_ok(tag.size())) return errc::invalid_argument;
        if (plaintext.size() > ccm_max_payload(nonce.size())) return errc::invalid_argument;
        if (plaintext.size() != ciphertext.size()) return errc::buffer_too_small;
        bytes<16> mac{};
        ccm_crypt<Engine, true>(state_, nonce, aad, plaintext.data(), ciphertext.data(), plaintext.size(), tag.size(),
                                mac);
        for (std::size_t i = 0; i < tag.size(); ++i) tag[i] = mac[i];
        secure_wipe(mac);
        return errc::ok;
    }

    // Open expecting a tag of tag_size bytes; on any failure the plaintext buffer is zeroed.
    constexpr errc open_checked(byte_view nonce, byte_view aad, byte_view ciphertext, byte_view tag,
                                byte_span plaintext, std::size_t tag_size) const noexcept {
        const errc e = !ccm_nonce_size_ok(nonce.size()) || !ccm_tag_size_ok(tag_size) ||
                               ciphertext.size() > ccm_max_payload(nonce.size())
                           ? errc::invalid_argument
                       : ciphertext.size() != plaintext.size() ? errc::buffer_too_small
                       : tag.size() != tag_size                ? errc::authentication_failed
                                                               : errc::ok;
        if (e != errc::ok) {
            secure_wipe(plaintext);
            return e;
        }
        bytes<16> mac{};
        ccm_crypt<Engine, false>(state_, nonce, aad, ciphertext.data(), plaintext.data(), ciphertext.size(), tag_size,
                                 mac);
        const bool authentic = ct::declassify(ct::equal(byte_view(mac).first(tag_size), tag));  // a public verdict
        secure_wipe(mac);
        if (!authentic) {
            secure_wipe(plaintext);
            return errc::authentication_failed;
        }
        return errc::ok;
    }

private:
    typename Engine::key_state state_{};
};

// CCM with the tag length chosen with the key (any SP 800-38C allows) and nonces of 7 to 13
// bytes, as RFC 3610 leaves M and L to each application.
template <std::size_t KeyBytes, class Engine>
class ccm_mode : public ccm_key<KeyBytes, Engine> {
    using base = ccm_key<KeyBytes, Engine>;

public:
    static constexpr std::size_t min_nonce_size = 7;
    static constexpr std::size_t max_nonce_size = 13;

    // A tag length SP 800-38C does not allow makes every seal and open fail with invalid_argument.
    constexpr ccm_mode(fixed_view<KeyBytes> key, std::size_t tag_size) noexcept : base(key), tag_size_(tag_size) {}

    // The tag length chosen with the key.
    constexpr std::size_t tag_size() const noexcept { return tag_size_; }

    // Encrypts plaintext into ciphertext (the same size; the same buffer for in-place) and writes
    // the tag (tag_size() bytes). Errors: a nonce or tag of a size CCM does not have, a payload
    // too long for the nonce's length field, a size mismatch.
    [[nodiscard]] constexpr errc seal(byte_view nonce, byte_view aad, byte_view plaintext, byte_span ciphertext,
                                      byte_span tag) const noexcept {
        if (tag.size() != tag_size_) return errc::invalid_argument;
        return base::seal_checked(nonce, aad, plaintext, ciphertext, tag);
    }

    // Checks the tag and decrypts. On any failure the plaintext buffer is zeroed; a tag of
    // another length than tag_size() gives authentication_failed.
    [[nodiscard]] constexpr errc open(byte_view nonce, byte_view aad, byte_view ciphertext, byte_view tag,
                                      byte_span plaintext) const noexcept {
        return base::open_checked(nonce, aad, ciphertext, tag, plaintext, tag_size_);
    }

    // sealed = ciphertext || tag, sealed.size() = plaintext.size() + tag_size(); for in-place use,
    // plaintext is the first part of sealed.
    [[nodiscard]] constexpr errc seal(byte_view nonce, byte_view aad, byte_view plaintext,
                                      byte_span sealed) const noexcept {
        if (!ccm_tag_size_ok(tag_size_)) return errc::invalid_argument;
        if (sealed.size() != plaintext.size() + tag_size_) return errc::buffer_too_small;
        return base::seal_checked(nonce, aad, plaintext, sealed.first(plaintext.size()),
                                  sealed.subspan(plaintext.size()));
    }

    // Opens ciphertext || tag; on any failure the plaintext buffer is zeroed.
    [[nodiscard]] constexpr errc open(byte_view nonce, byte_view aad, byte_view sealed,
                                      byte_span plaintext) const noexcept {
        if (sealed.size() < tag_size_) {
            secure_wipe(plaintext);
            return errc::authentication_failed;
        }
        const std::size_t n = sealed.size() - tag_size_;
        return base::open_checked(nonce, aad, sealed.first(n), sealed.subspan(n), plaintext, tag_size_);
    }

private:
    std::size_t tag_size_;
};

// CCM with the tag and nonce lengths fixed at compile time, in the shape of gcm_mode: what a
// protocol that fixes them uses (TLS 1.3's AES-128-CCM and AES-128-CCM-8: 12-byte nonces, 16- and
// 8-byte tags, RFC 8446 §B.4).
template <std::size_t KeyBytes, std::size_t TagBytes, std::size_t NonceBytes, class Engine>
class ccm_fixed : public ccm_key<KeyBytes, Engine>,
                  public appended_tag<ccm_fixed<KeyBytes, TagBytes, NonceBytes, Engine>> {
    static_assert(ccm_tag_size_ok(TagBytes), "CCM tags are 4, 6, ..., 16 bytes");
    static_assert(ccm_nonce_size_ok(NonceBytes), "CCM nonces are 7 to 13 bytes");
    using base = ccm_key<KeyBytes, Engine>;

public:
    static constexpr std::size_t tag_size = TagBytes;
    static constexpr std::size_t nonce_size = NonceBytes;
    static constexpr std::uint64_t max_plaintext_size = ccm_max_payload(NonceBytes);

    constexpr explicit ccm_fixed(fixed_view<KeyBytes> key) noexcept : base(key) {}

    // Encrypts plaintext into ciphertext (the same size; the same buffer for in-place) and writes
    // the tag. Errors: a nonce of another size than nonce_size, a payload over max_plaintext_size,
    // a size mismatch.
    [[nodiscard]] constexpr errc seal(byte_view nonce, byte_view aad, byte_view plaintext, byte_span ciphertext,
                                      fixed_span<tag_size> tag) const noexcept {
        if (nonce.size() != nonce_size) return errc::invalid_argument;
        return base::seal_checked(nonce, aad, plaintext, ciphertext, tag);
    }

    // Checks the tag and decrypts. On any failure the plaintext buffer is zeroed.
    [[nodiscard]] constexpr errc open(byte_view nonce, byte_view aad, byte_view ciphertext, byte_view tag,
                                      byte_span plaintext) const noexcept {
        if (nonce.size() != nonce_size) {
            secure_wipe(plaintext);
            return errc::invalid_argument;
        }
        return base::open_checked(nonce, aad, ciphertext, tag, plaintext, tag_size);
    }

    using appended_tag<ccm_fixed>::seal;
    using appended_tag<ccm_fixed>::open;
};

}  // namespace carapace::detail
