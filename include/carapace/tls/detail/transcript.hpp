// The transcript hash (RFC 8446 §4.4.1). Before the cipher suite is known (a client's
// ClientHello) both SHA-256 and SHA-384 run; choosing a suite keeps one. A HelloRetryRequest
// replaces ClientHello1 with the synthetic message_hash message. With CARAPACE_TLS_NO_SHA384
// there is only SHA-256.
#pragma once

#include <cstddef>

#include "carapace/core/bytes.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls::detail {

class transcript {
public:
    constexpr void update(byte_view message) noexcept {
        if (!chosen_ || kind_ == hash_kind::sha256) sha256_.update(message);
#if !defined(CARAPACE_TLS_NO_SHA384)
        if (!chosen_ || kind_ == hash_kind::sha384) sha384_.update(message);
#endif
    }

    constexpr void choose(hash_kind kind) noexcept {
        kind_ = kind;
        chosen_ = true;
    }
    [[nodiscard]] constexpr hash_kind kind() const noexcept { return kind_; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return hash_size(kind_); }

    // Hash of everything so far; the running state is kept. Returns the digest size.
    constexpr std::size_t current(std::span<std::uint8_t, max_hash_size> out) const noexcept {
        if (kind_ == hash_kind::sha256) {
            auto h = sha256_;
            h.final(out.template first<32>());
            return 32;
        }
#if !defined(CARAPACE_TLS_NO_SHA384)
        auto h = sha384_;
        h.final(out.template first<48>());
        return 48;
#else
        return 0;  // not reached: no suite uses SHA-384
#endif
    }

    // The hash of `kind` over everything so far followed by `more`, the running state kept: the
    // transcript a PSK binder covers (§4.2.11.2), whose hash is the PSK's, chosen suite or not.
    // Returns the digest size (0 for SHA-384 in a build without it).
    constexpr std::size_t current_with(hash_kind kind, byte_view more,
                                       std::span<std::uint8_t, max_hash_size> out) const noexcept {
        if (kind == hash_kind::sha256) {
            auto h = sha256_;
            h.update(more);
            h.final(out.template first<32>());
            return 32;
        }
#if !defined(CARAPACE_TLS_NO_SHA384)
        auto h = sha384_;
        h.update(more);
        h.final(out.template first<48>());
        return 48;
#else
        return 0;
#endif
    }

    // §4.4.1: after a HelloRetryRequest the transcript starts with
    // message_hash(Hash(ClientHello1)) in place of ClientHello1. The suite must be chosen.
    constexpr void replace_with_message_hash() noexcept {
        bytes<max_hash_size> digest{};
        const std::size_t n = current(digest);
        sha256_ = sha256{};
#if !defined(CARAPACE_TLS_NO_SHA384)
        sha384_ = sha384{};
#endif
        const std::uint8_t header[4] = {static_cast<std::uint8_t>(handshake_type::message_hash), 0, 0,
                                        static_cast<std::uint8_t>(n)};
        update(header);
        update(byte_view(digest).first(n));
    }

private:
    sha256 sha256_{};
#if !defined(CARAPACE_TLS_NO_SHA384)
    sha384 sha384_{};
#endif
    hash_kind kind_ = hash_kind::sha256;
    bool chosen_ = false;
};

}  // namespace carapace::tls::detail
