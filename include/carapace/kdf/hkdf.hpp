// HKDF (RFC 5869): extract-then-expand key derivation over HMAC, usable in constant evaluation.
//
//   auto prk = carapace::hkdf_extract<carapace::sha256>(salt, input_key_material);
//   carapace::bytes<42> okm;
//   if (carapace::hkdf_expand<carapace::sha256>(prk, info, okm) != carapace::errc::ok) ...
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/mac/hmac.hpp"

namespace carapace {

// Longest output HKDF-Expand can give: 255 blocks of the hash's size.
template <class Hash>
inline constexpr std::size_t hkdf_max_output = 255 * Hash::digest_size;

// PRK = HMAC-Hash(salt, IKM). An empty salt stands for HashLen zero bytes, which HMAC pads to
// the same key, so no special case is needed.
template <class Hash>
[[nodiscard]] constexpr bytes<Hash::digest_size> hkdf_extract(byte_view salt, byte_view ikm) noexcept {
    return hmac<Hash>::mac(salt, ikm);
}

// OKM = T(1) | T(2) | ... truncated to okm.size(), T(i) = HMAC(PRK, T(i-1) | info | i).
// Fails (writing nothing) when more than 255 * HashLen bytes are asked for.
template <class Hash>
[[nodiscard]] constexpr errc hkdf_expand(byte_view prk, byte_view info, byte_span okm) noexcept {
    if (okm.size() > hkdf_max_output<Hash>) return errc::output_too_long;
    const hmac<Hash> keyed(prk);
    bytes<Hash::digest_size> block{};
    std::size_t done = 0;
    for (std::uint8_t counter = 1; done < okm.size(); ++counter) {
        hmac<Hash> h = keyed;
        if (counter > 1) h.update(block);
        h.update(info);
        const std::uint8_t c[1] = {counter};
        h.update(c);
        h.final(block);
        const std::size_t take =
            okm.size() - done < block.size() ? okm.size() - done : block.size();
        for (std::size_t i = 0; i < take; ++i) okm[done + i] = block[i];
        done += take;
    }
    secure_wipe(block);
    return errc::ok;
}

// Extract and expand in one call.
template <class Hash>
[[nodiscard]] constexpr errc hkdf(byte_view salt, byte_view ikm, byte_view info, byte_span okm) noexcept {
    if (okm.size() > hkdf_max_output<Hash>) return errc::output_too_long;
    auto prk = hkdf_extract<Hash>(salt, ikm);
    const errc e = hkdf_expand<Hash>(prk, info, okm);
    secure_wipe(prk);
    return e;
}

}  // namespace carapace
