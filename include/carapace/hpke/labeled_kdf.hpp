// HPKE's labeled key derivation (RFC 9180 §4): LabeledExtract and LabeledExpand over HKDF-SHA256
// (KDF id 0x0001), which prefix every input with "HPKE-v1", a suite identifier and a label, so
// that keys derived for one KEM, suite or purpose can never equal those of another. The suite is
// "KEM" || kem_id inside a KEM (§4.1) and "HPKE" || kem_id || kdf_id || aead_id in the key
// schedule (§5.1). The labeled inputs are fed to HMAC piece by piece: no buffer, no length limit
// beyond HKDF's own.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/kdf/hkdf.hpp"
#include "carapace/mac/hmac.hpp"

namespace carapace::hpke {

inline constexpr std::uint16_t kdf_hkdf_sha256 = 0x0001;         // HPKE KDF id (§7.2)
inline constexpr std::uint16_t aead_chacha20_poly1305 = 0x0003;  // HPKE AEAD id (§7.3)
inline constexpr std::size_t extract_size = 32;  // Nh of HKDF-SHA256

// "KEM" || I2OSP(kem_id, 2), or "HPKE" || the three ids: at most 10 bytes.
class suite_id {
public:
    // The suite inside a KEM (§4.1): "KEM" || kem_id.
    [[nodiscard]] static constexpr suite_id kem(std::uint16_t kem_id) noexcept {
        suite_id s;
        s.put('K'), s.put('E'), s.put('M');
        s.put16(kem_id);
        return s;
    }
    // The key schedule's suite (§5.1): "HPKE" || kem_id || kdf_id || aead_id.
    [[nodiscard]] static constexpr suite_id hpke(std::uint16_t kem_id, std::uint16_t kdf_id,
                                                 std::uint16_t aead_id) noexcept {
        suite_id s;
        s.put('H'), s.put('P'), s.put('K'), s.put('E');
        s.put16(kem_id);
        s.put16(kdf_id);
        s.put16(aead_id);
        return s;
    }
    // The identifier's bytes.
    [[nodiscard]] constexpr byte_view view() const noexcept { return byte_view(bytes_).first(size_); }

private:
    constexpr void put(char c) noexcept { bytes_[size_++] = static_cast<std::uint8_t>(c); }
    constexpr void put16(std::uint16_t v) noexcept {
        bytes_[size_++] = static_cast<std::uint8_t>(v >> 8);
        bytes_[size_++] = static_cast<std::uint8_t>(v);
    }
    bytes<10> bytes_{};
    std::size_t size_ = 0;
};

namespace detail {
inline constexpr bytes<7> version_label = literal_bytes("HPKE-v1");
}

// LabeledExtract(salt, label, ikm) = HKDF-Extract(salt, "HPKE-v1" || suite_id || label || ikm).
[[nodiscard]] constexpr bytes<extract_size> labeled_extract(const suite_id& suite, byte_view salt, byte_view label,
                                                            byte_view ikm) noexcept {
    hmac<sha256> h(salt);
    h.update(detail::version_label).update(suite.view()).update(label).update(ikm);
    return h.final();
}

// LabeledExpand(prk, label, info, L) = HKDF-Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id ||
// label || info, L). output_too_long (nothing written) beyond 255 blocks.
[[nodiscard]] constexpr errc labeled_expand(const suite_id& suite, byte_view prk, byte_view label, byte_view info,
                                            byte_span out) noexcept {
    if (out.size() > hkdf_max_output<sha256>) return errc::output_too_long;
    const std::uint8_t length[2] = {static_cast<std::uint8_t>(out.size() >> 8), static_cast<std::uint8_t>(out.size())};
    // HKDF-Expand (RFC 5869 §2.3) with its info given in pieces.
    const hmac<sha256> keyed(prk);
    bytes<extract_size> block{};
    std::size_t done = 0;
    for (std::uint8_t counter = 1; done < out.size(); ++counter) {
        hmac<sha256> h = keyed;
        if (counter > 1) h.update(block);
        h.update(length).update(detail::version_label).update(suite.view()).update(label).update(info);
        const std::uint8_t c[1] = {counter};
        h.update(c);
        h.final(block);
        const std::size_t take = out.size() - done < block.size() ? out.size() - done : block.size();
        for (std::size_t i = 0; i < take; ++i) out[done + i] = block[i];
        done += take;
    }
    secure_wipe(block);
    return errc::ok;
}

}  // namespace carapace::hpke
