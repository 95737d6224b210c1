// One direction of record protection (RFC 8446 §5.2-5.3): the AEAD keyed from a traffic secret,
// its static IV and the 64-bit sequence number. The AEAD object lives in a union so the engine
// holds only the suite in use; it is built on install and wiped on clear.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

#if !defined(CARAPACE_TLS_NO_AES_CCM)
#include "carapace/aead/aes_ccm.hpp"
#endif
#if !defined(CARAPACE_TLS_NO_AES_GCM)
#include "carapace/aead/aes_gcm.hpp"
#endif
#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/detail/key_schedule.hpp"

namespace carapace::tls::detail {

inline constexpr std::size_t record_header_size = 5;
inline constexpr std::size_t max_plaintext_size = 16384;             // 2^14 (§5.1)
inline constexpr std::size_t max_ciphertext_size = 16384 + 256;      // 2^14 + 256 (§5.2)
inline constexpr std::size_t max_record_size = record_header_size + max_ciphertext_size;

// §5.5: AES-GCM keys carry at most 2^24.5 full-size records; we update well before, at 2^23.
// AES-CCM's confidentiality bound is of the same order (RFC 9147 §4.5.3, which also bounds
// forgery attempts: TLS needs no such bound, its first failed record is fatal), so CCM keys
// take the same limit. ChaCha20-Poly1305's limit is beyond any sequence number we reach.
inline constexpr std::uint64_t aes_record_limit = std::uint64_t{1} << 23;

// An opened record's inner plaintext is content || type || zero padding (§5.4).
struct inner_plaintext {
    content_type type;         // content_type::invalid when every byte is zero
    std::size_t content_size;
};

namespace inner_scan {

// All ones when v != 0.
inline std::size_t nonzero_mask(std::uint64_t v) noexcept {
    const auto folded = static_cast<std::uint32_t>(v | v >> 32);
    return ct::mask_from_bit(static_cast<std::size_t>((ct::is_zero_mask(folded) & 1u) ^ 1u));
}

// The OR of n bytes, eight at a time while it can.
inline std::uint64_t or_bytes(const std::uint8_t* p, std::size_t n) noexcept {
    std::uint64_t any = 0, word = 0;
    std::size_t i = 0;
    for (; n - i >= 8; i += 8) {
        std::memcpy(&word, p + i, 8);
        any |= word;
    }
    for (; i < n; ++i) any |= p[i];
    return any;
}

// The start of the last Block-byte block of inner[from, to) with a non-zero byte (from when none
// has one), reading every byte alike: each block is OR-ed together and kept with a masked select.
template <std::size_t Block>
std::size_t last_nonzero_block(byte_view inner, std::size_t from, std::size_t to) noexcept {
    std::size_t last = from, at = from;
    for (; to - at >= Block; at += Block) last = ct::select(nonzero_mask(or_bytes(&inner[at], Block)), at, last);
    if (at < to) last = ct::select(nonzero_mask(or_bytes(&inner[at], to - at)), at, last);
    return last;
}

}  // namespace inner_scan

// Finds the type, the last non-zero byte. Padding hides the content's length on the wire; a scan
// that stopped at that byte would tell it by its running time. This one reads every byte alike,
// narrowing down to a 256-byte block, then to 8 bytes, then to the byte. Only the answer is
// public, and each block on the way, which follows from it.
[[nodiscard]] inline inner_plaintext parse_inner_plaintext(byte_view inner) noexcept {
    using namespace inner_scan;
    const std::size_t size = inner.size();
    if (size == 0) return {content_type::invalid, 0};
    const std::size_t block = ct::declassify(last_nonzero_block<256>(inner, 0, size));
    const std::size_t word = ct::declassify(last_nonzero_block<8>(inner, block, std::min(block + 256, size)));
    const std::size_t at = ct::declassify(last_nonzero_block<1>(inner, word, std::min(word + 8, size)));
    // at is the type's place, unless no byte is non-zero (then at is 0, and so is inner[0]).
    const std::size_t end = ct::declassify(at + (nonzero_mask(inner[at]) & 1u));
    if (end == 0) return {content_type::invalid, 0};
    return {static_cast<content_type>(ct::declassify(inner[end - 1])), end - 1};
}

class record_cipher {
public:
    record_cipher() noexcept {}
    record_cipher(const record_cipher&) = delete;
    record_cipher& operator=(const record_cipher&) = delete;
    ~record_cipher() { clear(); }

    [[nodiscard]] bool active() const noexcept { return active_; }
    [[nodiscard]] std::uint64_t sequence() const noexcept { return sequence_; }
    // The tag each record carries under this key (the largest, max_tag_size, while none is
    // installed: what a flight is planned with before its keys exist).
    // A constant when every suite of the build has 16-byte tags (only CCM_8's are shorter).
    [[nodiscard]] std::size_t tag_size() const noexcept { return have_aes_ccm ? tag_size_ : max_tag_size; }
    // True when this key should be replaced by a KeyUpdate before more records are sealed.
    [[nodiscard]] bool near_limit() const noexcept {
        return kind_ != aead_kind::chacha20_poly1305 && sequence_ >= aes_record_limit;
    }

    // Keys this direction from a traffic secret and resets the sequence number.
    void install(const suite_info& suite, const secret& traffic) noexcept {
        clear();
        bytes<max_key_size> key{};
        traffic_key_and_iv(suite.hash, traffic, byte_span(key).first(suite.key_size), iv_);
        kind_ = suite.aead;
        with_aead([&key](auto& aead) {
            using aead_type = std::remove_cvref_t<decltype(aead)>;
            constexpr std::size_t n = aead_type::key_size;
            ::new (static_cast<void*>(&aead)) aead_type(fixed_view<n>(byte_view(key).first<n>()));
        });
        secure_wipe(key);
        if constexpr (have_aes_ccm) tag_size_ = static_cast<std::uint8_t>(suite.tag_size);
        active_ = true;
        sequence_ = 0;
    }

    void clear() noexcept {
        if (active_) with_aead([]<class Aead>(Aead& aead) { aead.~Aead(); });
        active_ = false;
        if constexpr (have_aes_ccm) tag_size_ = max_tag_size;
        secure_wipe(iv_);
        sequence_ = 0;
    }

    // record = header (5 bytes, written here) || inner plaintext (inner_size bytes, encrypted in
    // place) || room for the tag (tag_size() bytes). Returns the record's total size.
    std::size_t seal(byte_span record, std::size_t inner_size) noexcept {
        const std::size_t body = inner_size + tag_size();
        record[0] = static_cast<std::uint8_t>(content_type::application_data);
        record[1] = 0x03;
        record[2] = 0x03;
        record[3] = static_cast<std::uint8_t>(body >> 8);
        record[4] = static_cast<std::uint8_t>(body);
        const auto nonce = next_nonce();
        const byte_view aad = byte_view(record).first(record_header_size);
        const byte_span inner = record.subspan(record_header_size, inner_size);
        const byte_span tag = record.subspan(record_header_size + inner_size);
        // Sizes are within every AEAD's limits by construction. (A switch, not with_aead: the
        // calls stay inlined at -Os, which a small target's image size feels.)
        switch (kind_) {
#if !defined(CARAPACE_TLS_NO_AES_GCM)
            case aead_kind::aes_128_gcm: (void)aes128_.seal(nonce, aad, inner, inner, tag.first<16>()); break;
            case aead_kind::aes_256_gcm: (void)aes256_.seal(nonce, aad, inner, inner, tag.first<16>()); break;
#endif
#if !defined(CARAPACE_TLS_NO_AES_CCM)
            case aead_kind::aes_128_ccm: (void)ccm16_.seal(nonce, aad, inner, inner, tag.first<16>()); break;
            case aead_kind::aes_128_ccm_8: (void)ccm8_.seal(nonce, aad, inner, inner, tag.first<8>()); break;
#endif
            case aead_kind::chacha20_poly1305: (void)chacha_.seal(nonce, aad, inner, inner, tag.first<16>()); break;
#if defined(CARAPACE_TLS_NO_AES_GCM) || defined(CARAPACE_TLS_NO_AES_CCM)
            default: break;  // a suite this build leaves out is never installed
#endif
        }
        return record_header_size + body;
    }

    // Opens a protected record in place: header is its 5-byte header, body its ciphertext and
    // tag. On success the inner plaintext is the first body.size() - tag_size() bytes of body; on
    // failure that part is zeroed.
    [[nodiscard]] errc open(byte_view header, byte_span body) noexcept {
        if (body.size() < tag_size()) return errc::authentication_failed;
        const auto nonce = next_nonce();
        switch (kind_) {  // (a switch for the reason seal() gives)
#if !defined(CARAPACE_TLS_NO_AES_GCM)
            case aead_kind::aes_128_gcm: return open_with(aes128_, nonce, header, body);
            case aead_kind::aes_256_gcm: return open_with(aes256_, nonce, header, body);
#endif
#if !defined(CARAPACE_TLS_NO_AES_CCM)
            case aead_kind::aes_128_ccm: return open_with(ccm16_, nonce, header, body);
            case aead_kind::aes_128_ccm_8: return open_with(ccm8_, nonce, header, body);
#endif
            case aead_kind::chacha20_poly1305: return open_with(chacha_, nonce, header, body);
#if defined(CARAPACE_TLS_NO_AES_GCM) || defined(CARAPACE_TLS_NO_AES_CCM)
            default: break;  // a suite this build leaves out is never installed
#endif
        }
        return errc::authentication_failed;
    }

    // Gives back the sequence number of a record that failed to open and is being skipped as early
    // data (§4.2.10): it was never the peer's record under this key.
    void rewind() noexcept {
        if (sequence_ != 0) --sequence_;
    }
    void set_sequence_for_testing(std::uint64_t n) noexcept { sequence_ = n; }

private:
    // §5.3: the sequence number, left-padded to the IV length, XORed with the static IV.
    bytes<iv_size> next_nonce() noexcept {
        bytes<iv_size> nonce = iv_;
        for (std::size_t i = 0; i < 8; ++i)
            nonce[iv_size - 1 - i] ^= static_cast<std::uint8_t>(sequence_ >> (8 * i));
        ++sequence_;
        return nonce;
    }

    // Splits body at the AEAD's own (constant) tag size and opens it in place.
    template <class Aead>
    [[nodiscard]] static errc open_with(const Aead& aead, const bytes<iv_size>& nonce, byte_view header,
                                        byte_span body) noexcept {
        constexpr std::size_t tag = Aead::tag_size;
        if (body.size() < tag) return errc::authentication_failed;
        const byte_span text = body.first(body.size() - tag);
        return aead.open(nonce, header, text, byte_view(body).last<tag>(), text);
    }

    // Calls f with the union member of kind_, to build and destroy it.
    template <class F>
    void with_aead(F&& f) noexcept {
        switch (kind_) {
#if !defined(CARAPACE_TLS_NO_AES_GCM)
            case aead_kind::aes_128_gcm: f(aes128_); return;
            case aead_kind::aes_256_gcm: f(aes256_); return;
#endif
#if !defined(CARAPACE_TLS_NO_AES_CCM)
            case aead_kind::aes_128_ccm: f(ccm16_); return;
            case aead_kind::aes_128_ccm_8: f(ccm8_); return;
#endif
            case aead_kind::chacha20_poly1305: f(chacha_); return;
#if defined(CARAPACE_TLS_NO_AES_GCM) || defined(CARAPACE_TLS_NO_AES_CCM)
            default: return;  // a suite this build leaves out is never installed
#endif
        }
    }

    union {
#if !defined(CARAPACE_TLS_NO_AES_GCM)
        aes128_gcm aes128_;
        aes256_gcm aes256_;
#endif
#if !defined(CARAPACE_TLS_NO_AES_CCM)
        aes128_ccm16 ccm16_;
        aes128_ccm8 ccm8_;
#endif
        chacha20_poly1305 chacha_;
    };
    // In this order the last bytes are small ones, and the tail padding left is room the record
    // reader and writer keep their own fields in (they hold this [[no_unique_address]]).
    std::uint64_t sequence_ = 0;
    bytes<iv_size> iv_{};
    aead_kind kind_ = aead_kind::aes_128_gcm;
    std::uint8_t tag_size_ = max_tag_size;
    bool active_ = false;
};

}  // namespace carapace::tls::detail
