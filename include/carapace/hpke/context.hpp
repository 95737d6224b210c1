// The HPKE key schedule and encryption context (RFC 9180 §5.1, §5.2, §5.3) for the suites with
// HKDF-SHA256 and ChaCha20-Poly1305 (AEAD id 0x0003), the pair age's post-quantum recipient uses.
// From the KEM's shared secret, the info string and (in PSK mode) a pre-shared key, the schedule
// derives the AEAD key, the base nonce and the exporter secret; a context then seals or opens
// messages in order, each under base_nonce XOR its sequence number, and exports secrets.
// Base and PSK modes; the Auth modes need a KEM with AuthEncap, which no KEM here offers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hpke/labeled_kdf.hpp"

namespace carapace::hpke {

// The HPKE mode (§5, Table 1): the only two this library implements.
enum class mode : std::uint8_t { base = 0x00, psk = 0x01 };

inline constexpr std::size_t key_size = 32;    // Nk of ChaCha20-Poly1305
inline constexpr std::size_t nonce_size = 12;  // Nn
inline constexpr std::size_t tag_size = 16;    // Nt
// RFC 9180 §9.5: a PSK carries at least 32 bytes of entropy; shorter ones are refused.
inline constexpr std::size_t min_psk_size = 32;

// An HPKE encryption context (§5.2), one for the sender or the receiver: the key, base nonce,
// exporter secret and sequence number that schedule() derives; wiped when destroyed.
class context {
public:
    constexpr context() noexcept = default;
    constexpr ~context() { wipe(); }
    context(const context&) = delete;
    context& operator=(const context&) = delete;

    // KeySchedule (§5.1). invalid_argument when the PSK inputs do not fit the mode (a PSK without
    // an id or the reverse, a PSK in base mode, none in PSK mode, a PSK under 32 bytes); the
    // context is then unusable.
    [[nodiscard]] constexpr errc schedule(std::uint16_t kem_id, mode m, fixed_view<32> shared_secret, byte_view info,
                                          byte_view psk, byte_view psk_id) noexcept {
        wipe();
        const bool want_psk = m == mode::psk;
        if (psk.empty() != psk_id.empty() || want_psk == psk.empty() || (want_psk && psk.size() < min_psk_size))
            return errc::invalid_argument;
        suite_ = suite_id::hpke(kem_id, kdf_hkdf_sha256, aead_chacha20_poly1305);
        bytes<1 + 2 * extract_size> schedule_context{};
        schedule_context[0] = static_cast<std::uint8_t>(m);
        const auto psk_id_hash = labeled_extract(suite_, {}, literal_bytes("psk_id_hash"), psk_id);
        const auto info_hash = labeled_extract(suite_, {}, literal_bytes("info_hash"), info);
        for (std::size_t i = 0; i < extract_size; ++i) {
            schedule_context[1 + i] = psk_id_hash[i];
            schedule_context[1 + extract_size + i] = info_hash[i];
        }
        auto secret = labeled_extract(suite_, shared_secret, literal_bytes("secret"), psk);
        errc e = labeled_expand(suite_, secret, literal_bytes("key"), schedule_context, key_);
        if (e == errc::ok) e = labeled_expand(suite_, secret, literal_bytes("base_nonce"), schedule_context, base_nonce_);
        if (e == errc::ok) e = labeled_expand(suite_, secret, literal_bytes("exp"), schedule_context, exporter_secret_);
        secure_wipe(secret);
        ready_ = e == errc::ok;
        if (!ready_) wipe();
        return e;
    }

    // ContextS.Seal (§5.2): sealed = ciphertext || tag (plaintext.size() + 16 bytes).
    [[nodiscard]] constexpr errc seal(byte_view aad, byte_view plaintext, byte_span sealed) noexcept {
        if (!ready_ || seq_ == ~std::uint64_t{0}) return errc::invalid_argument;
        if (sealed.size() != plaintext.size() + tag_size) return errc::buffer_too_small;
        const errc e = chacha20_poly1305(key_).seal(current_nonce(), aad, plaintext, sealed);
        if (e == errc::ok) ++seq_;
        return e;
    }

    // ContextR.Open (§5.2): authentication_failed (plaintext wiped, sequence unchanged) when the
    // tag does not verify.
    [[nodiscard]] constexpr errc open(byte_view aad, byte_view sealed, byte_span plaintext) noexcept {
        if (!ready_ || seq_ == ~std::uint64_t{0}) return errc::invalid_argument;
        if (sealed.size() < tag_size || plaintext.size() != sealed.size() - tag_size) return errc::buffer_too_small;
        const errc e = chacha20_poly1305(key_).open(current_nonce(), aad, sealed, plaintext);
        if (e == errc::ok) ++seq_;
        return e;
    }

    // Context.Export (§5.3): LabeledExpand(exporter_secret, "sec", exporter_context, L).
    [[nodiscard]] constexpr errc export_secret(byte_view exporter_context, byte_span out) const noexcept {
        if (!ready_) return errc::invalid_argument;
        return labeled_expand(suite_, exporter_secret_, literal_bytes("sec"), exporter_context, out);
    }

    // The schedule's outputs, for checks against published vectors.
    [[nodiscard]] constexpr const bytes<key_size>& key() const noexcept { return key_; }
    [[nodiscard]] constexpr const bytes<nonce_size>& base_nonce() const noexcept { return base_nonce_; }
    [[nodiscard]] constexpr const bytes<extract_size>& exporter_secret() const noexcept { return exporter_secret_; }
    [[nodiscard]] constexpr std::uint64_t sequence() const noexcept { return seq_; }

private:
    // base_nonce XOR I2OSP(seq, Nn) (§5.2).
    [[nodiscard]] constexpr bytes<nonce_size> current_nonce() const noexcept {
        bytes<nonce_size> n = base_nonce_;
        for (std::size_t i = 0; i < 8; ++i) n[nonce_size - 1 - i] ^= static_cast<std::uint8_t>(seq_ >> (8 * i));
        return n;
    }
    constexpr void wipe() noexcept {
        secure_wipe(key_);
        secure_wipe(base_nonce_);
        secure_wipe(exporter_secret_);
        seq_ = 0;
        ready_ = false;
    }

    suite_id suite_{};
    bytes<key_size> key_{};
    bytes<nonce_size> base_nonce_{};
    bytes<extract_size> exporter_secret_{};
    std::uint64_t seq_ = 0;
    bool ready_ = false;
};

}  // namespace carapace::hpke
