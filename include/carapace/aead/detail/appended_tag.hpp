// The "tag appended" forms of seal and open, shared by every AEAD: sealed = ciphertext || tag.
// A mode derives from appended_tag<itself> (and brings its seal/open in with `using`); these
// call its detached-tag seal and open.
#pragma once

#include <cstddef>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

template <class Mode>
class appended_tag {
public:
    // sealed.size() = plaintext.size() + tag_size. For in-place use, plaintext is the first
    // part of sealed.
    [[nodiscard]] constexpr errc seal(byte_view nonce, byte_view aad, byte_view plaintext,
                                      byte_span sealed) const noexcept {
        constexpr std::size_t tag_size = Mode::tag_size;
        if (sealed.size() != plaintext.size() + tag_size) return errc::buffer_too_small;
        return mode().seal(nonce, aad, plaintext, sealed.first(plaintext.size()),
                           sealed.subspan(plaintext.size()).template first<tag_size>());
    }

    // On any failure the plaintext buffer is zeroed, as with the detached form.
    [[nodiscard]] constexpr errc open(byte_view nonce, byte_view aad, byte_view sealed,
                                      byte_span plaintext) const noexcept {
        constexpr std::size_t tag_size = Mode::tag_size;
        if (sealed.size() < tag_size) {
            secure_wipe(plaintext);
            return errc::authentication_failed;
        }
        const std::size_t n = sealed.size() - tag_size;
        if (plaintext.size() != n) {
            secure_wipe(plaintext);
            return errc::buffer_too_small;
        }
        return mode().open(nonce, aad, sealed.first(n), sealed.subspan(n), plaintext);
    }

private:
    constexpr const Mode& mode() const noexcept { return static_cast<const Mode&>(*this); }
};

}  // namespace carapace::detail
