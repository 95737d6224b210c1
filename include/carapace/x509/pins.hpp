// Public key pinning (RFC 7469 §2.4 pin-sha256): the SHA-256 of a certificate's DER
// SubjectPublicKeyInfo, checked after path validation against every certificate of the
// validated path. RFC 7469 §4.3 requires a backup pin, one that matches no certificate of the
// current chain: without it, the next key rotation locks every pinned client out. A pin set
// without one is refused unless the caller says explicitly that it accepts that risk.
//
//   std::array<x509::spki_pin, 2> pins{*x509::parse_pin("sha256//..."), *x509::parse_pin("sha256//...")};
//   x509::verify_error e = x509::check_pins(path.view(), pins, {});
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/base64.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/verify.hpp"

namespace carapace::x509 {

// A SHA-256 SPKI pin (RFC 7469).
struct spki_pin {
    bytes<32> sha256{};  // SHA-256 of the DER SubjectPublicKeyInfo

    friend constexpr bool operator==(const spki_pin&, const spki_pin&) = default;
};

// A pin as text: "sha256//BASE64" (the form command lines take, as curl's --pinnedpubkey does)
// or RFC 7469's directive pin-sha256="BASE64". The base64 is RFC 4648 §4 with its padding and
// must decode to exactly 32 bytes; anything else is decode_error.
[[nodiscard]] constexpr result<spki_pin> parse_pin(std::string_view text) noexcept {
    constexpr std::string_view prefix = "sha256//", directive = "pin-sha256=\"";
    std::string_view digits;
    if (text.starts_with(prefix)) {
        digits = text.substr(prefix.size());
    } else if (text.starts_with(directive) && text.size() > directive.size() && text.back() == '"') {
        digits = text.substr(directive.size(), text.size() - directive.size() - 1);
    } else {
        return errc::decode_error;
    }
    // Exactly 44 characters with one '=': no whitespace, which base64::decode would skip.
    if (digits.size() != 44 || digits[43] != '=' || digits[42] == '=') return errc::decode_error;
    spki_pin pin;
    auto n = base64::decode(digits, pin.sha256);
    if (!n || *n != pin.sha256.size()) return errc::decode_error;
    return pin;
}

// The pin of a key: what `openssl pkey -pubin -outform der | openssl dgst -sha256` gives.
[[nodiscard]] inline spki_pin pin_of(const public_key_info& key) noexcept { return spki_pin{sha256::hash(key.encoded)}; }

// How pins are checked.
struct pin_options {
    // Accept a pin set in which every pin matches the current path (no backup pin). RFC 7469
    // §4.3 forbids it; a caller that pins a key it can never rotate may choose to.
    bool allow_no_backup_pin = false;
};

// Checks `pins` against the keys of `path` (a validated path, leaf first, as verify_chain gives
// it). An empty pin set pins nothing: ok. Otherwise pin_mismatch when no certificate of the path
// has a pinned key, then no_backup_pin when every pin matches some certificate of the path
// (unless the options allow it), else ok.
[[nodiscard]] inline verify_error check_pins(std::span<const certificate> path, std::span<const spki_pin> pins,
                                             const pin_options& options = {}) noexcept {
    if (pins.empty()) return verify_error::ok;
    bool matched = false, backup = false;
    for (const spki_pin& pin : pins) {
        bool in_path = false;
        for (const certificate& c : path) in_path = in_path || pin_of(c.public_key) == pin;
        matched = matched || in_path;
        backup = backup || !in_path;
    }
    if (!matched) return verify_error::pin_mismatch;
    if (!backup && !options.allow_no_backup_pin) return verify_error::no_backup_pin;
    return verify_error::ok;
}

}  // namespace carapace::x509
