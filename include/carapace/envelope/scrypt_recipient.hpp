// The scrypt recipient type of age v1 (age-encryption.org/v1, "The scrypt recipient type"):
//   -> scrypt base64(16-byte salt) log2(N)
//   base64(ChaCha20-Poly1305(scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt,
//                                   N, r = 8, p = 1, 32 bytes), nonce 0, file key))
// Such a stanza must be alone in its header. The work factor is a decimal without sign or leading
// zero; one above the caller's ceiling is refused before any work (work_factor_refused), and the
// caller lends scrypt's memory (scrypt_work_words(2^ceiling, 8) words), so nothing is allocated.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/core/base64.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/envelope/key_wrapper.hpp"
#include "carapace/kdf/scrypt.hpp"

namespace carapace::envelope {

// The stanza type of passphrase recipients.
inline constexpr std::string_view scrypt_stanza_type = "scrypt";
// scrypt's block size parameter r, fixed by age.
inline constexpr std::uint32_t scrypt_r = 8;

// Words of work memory a passphrase with this ceiling needs.
constexpr std::size_t scrypt_work_words_for(unsigned max_log2_n) noexcept {
    return max_log2_n >= 63 ? 0 : scrypt_work_words(std::uint64_t{1} << max_log2_n, scrypt_r);
}

// A passphrase recipient (age's scrypt stanza) with a ceiling on the work a file may ask for.
class scrypt_passphrase final : public key_wrapper {
public:
    // `passphrase` and `work` stay the caller's and must outlive this object. Files asking for
    // more than 2^max_log2_n are refused; wrap() uses 2^wrap_log2_n (at most the ceiling).
    scrypt_passphrase(byte_view passphrase, std::span<std::uint32_t> work, unsigned max_log2_n,
                      unsigned wrap_log2_n) noexcept
        : passphrase_(passphrase), work_(work), max_log2_n_(max_log2_n), wrap_log2_n_(wrap_log2_n) {}

    [[nodiscard]] bool must_be_alone() const noexcept override { return true; }

    error wrap(fixed_view<file_key_size> key, random_source& rng, header_writer& out) noexcept override {
        if (wrap_log2_n_ == 0 || wrap_log2_n_ > max_log2_n_ || wrap_log2_n_ > 62) return error::invalid_argument;
        bytes<16> salt{};
        rng.fill(salt);
        bytes<32> wrap_key{};
        if (derive(salt, wrap_log2_n_, wrap_key) != error::ok) return error::work_factor_refused;
        bytes<file_key_size + 16> body{};
        (void)chacha20_poly1305(wrap_key).seal(bytes<12>{}, {}, key, body);
        secure_wipe(wrap_key);
        char salt_text[22] = {};
        (void)base64::encode(salt, salt_text, false);
        char n_text[3] = {};
        std::size_t n_size = 0;
        if (wrap_log2_n_ >= 10) n_text[n_size++] = static_cast<char>('0' + wrap_log2_n_ / 10);
        n_text[n_size++] = static_cast<char>('0' + wrap_log2_n_ % 10);
        const std::string_view args[2] = {std::string_view(salt_text, 22), std::string_view(n_text, n_size)};
        return out.add(scrypt_stanza_type, args, body);
    }

    error unwrap(const stanza& s, fixed_span<file_key_size> key) noexcept override {
        secure_wipe(key);
        if (s.type != scrypt_stanza_type) return error::no_match;
        if (s.arg_count != 2 || s.body_size() != file_key_size + 16) return error::stanza_malformed;
        bytes<16> salt{};
        const auto decoded = base64::decode_unpadded(s.arg(0), salt);
        if (!decoded || decoded.value() != salt.size()) return error::stanza_malformed;
        // log2(N): 1 or 2 decimal digits, no sign, no leading zero, not zero.
        const std::string_view n_text = s.arg(1);
        if (n_text.empty() || n_text.size() > 2 || n_text[0] == '0') return error::stanza_malformed;
        unsigned log2_n = 0;
        for (const char c : n_text) {
            if (c < '0' || c > '9') return error::stanza_malformed;
            log2_n = log2_n * 10 + static_cast<unsigned>(c - '0');
        }
        if (log2_n > max_log2_n_ || log2_n > 62) return error::work_factor_refused;
        bytes<file_key_size + 16> body{};
        std::size_t body_size = 0;
        if (s.decode_body(body, body_size) != error::ok) return error::stanza_malformed;
        bytes<32> wrap_key{};
        if (const error e = derive(salt, log2_n, wrap_key); e != error::ok) return e;
        const errc opened = chacha20_poly1305(wrap_key).open(bytes<12>{}, {}, body, key);
        secure_wipe(wrap_key);
        return opened == errc::ok ? error::ok : error::no_match;
    }

private:
    error derive(fixed_view<16> salt, unsigned log2_n, fixed_span<32> out) noexcept {
        constexpr std::string_view label = "age-encryption.org/v1/scrypt";
        bytes<label.size() + 16> full_salt{};
        for (std::size_t i = 0; i < label.size(); ++i) full_salt[i] = static_cast<std::uint8_t>(label[i]);
        for (std::size_t i = 0; i < 16; ++i) full_salt[label.size() + i] = salt[i];
        const std::uint64_t n = std::uint64_t{1} << log2_n;
        const errc e = scrypt(passphrase_, full_salt, n, scrypt_r, 1, work_, std::uint64_t{1} << max_log2_n_, out);
        return e == errc::ok ? error::ok : error::work_factor_refused;
    }

    byte_view passphrase_;
    std::span<std::uint32_t> work_;
    unsigned max_log2_n_;
    unsigned wrap_log2_n_;
};

}  // namespace carapace::envelope
