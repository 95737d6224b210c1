// PBKDF2 (RFC 8018 §5.2) over HMAC with any carapace hash. scrypt (RFC 7914) uses it with one
// iteration on each side of its memory-hard core; it is also the classic password hash.
//
//   carapace::pbkdf2<carapace::sha256>(password, salt, iterations, out);
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/mac/hmac.hpp"

namespace carapace {

// out = DK of out.size() bytes. invalid_argument for zero iterations or an output longer than
// (2^32 - 1) blocks (§5.2 step 1).
template <class Hash>
[[nodiscard]] constexpr errc pbkdf2(byte_view password, byte_view salt, std::uint32_t iterations,
                                    byte_span out) noexcept {
    if (iterations == 0 || out.size() / Hash::digest_size >= 0xffffffffu) return errc::invalid_argument;
    const hmac<Hash> keyed(password);
    bytes<Hash::digest_size> u{}, t{};
    std::size_t done = 0;
    for (std::uint32_t block = 1; done < out.size(); ++block) {
        hmac<Hash> h = keyed;
        h.update(salt);
        const std::uint8_t index[4] = {static_cast<std::uint8_t>(block >> 24), static_cast<std::uint8_t>(block >> 16),
                                       static_cast<std::uint8_t>(block >> 8), static_cast<std::uint8_t>(block)};
        h.update(index);
        h.final(u);
        t = u;
        for (std::uint32_t i = 1; i < iterations; ++i) {
            hmac<Hash> next = keyed;
            next.update(u);
            next.final(u);
            for (std::size_t k = 0; k < t.size(); ++k) t[k] ^= u[k];
        }
        const std::size_t take = out.size() - done < t.size() ? out.size() - done : t.size();
        for (std::size_t k = 0; k < take; ++k) out[done + k] = t[k];
        done += take;
    }
    secure_wipe(u);
    secure_wipe(t);
    return errc::ok;
}

}  // namespace carapace
