// The three TLS 1.3 cipher suites (RFC 8446 §B.4): which hash and AEAD each uses and their sizes.
//
// Size switches for small targets; a default build defines neither and has all three suites:
//   CARAPACE_TLS_NO_AES_GCM   no AES-GCM suites: the engine has no AES code
//   CARAPACE_TLS_NO_SHA384    no TLS_AES_256_GCM_SHA384: the engine has no SHA-384 code
// A suite left out is never offered, and never accepted from the peer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "carapace/tls/protocol.hpp"

namespace carapace::tls {

// The hash of a cipher suite.
enum class hash_kind : std::uint8_t { sha256, sha384 };
// The AEAD of a cipher suite.
enum class aead_kind : std::uint8_t { aes_128_gcm, aes_256_gcm, chacha20_poly1305 };

// What a cipher suite is made of.
struct suite_info {
    // The suite's code.
    cipher_suite id;
    // Its hash.
    hash_kind hash;
    // Its AEAD.
    aead_kind aead;
    // The AEAD key size in bytes.
    std::size_t key_size;
    // The hash output size in bytes.
    std::size_t hash_size;
};

// The largest hash output of any suite.
inline constexpr std::size_t max_hash_size = 48;
// The largest AEAD key of any suite.
inline constexpr std::size_t max_key_size = 32;
// The AEAD nonce size of every suite.
inline constexpr std::size_t iv_size = 12;
// The AEAD tag size of every suite.
inline constexpr std::size_t aead_tag_size = 16;

#if defined(CARAPACE_TLS_NO_AES_GCM)
inline constexpr bool have_aes_gcm = false;
#else
// Whether this build has the AES-GCM suites (not with CARAPACE_TLS_NO_AES_GCM).
inline constexpr bool have_aes_gcm = true;
#endif
#if defined(CARAPACE_TLS_NO_SHA384)
inline constexpr bool have_sha384 = false;
#else
// Whether this build has TLS_AES_256_GCM_SHA384 (not with CARAPACE_TLS_NO_SHA384).
inline constexpr bool have_sha384 = true;
#endif

// The suites this build has, in the default order of preference.
inline constexpr suite_info all_suites[] = {
#if !defined(CARAPACE_TLS_NO_AES_GCM)
    {cipher_suite::aes_128_gcm_sha256, hash_kind::sha256, aead_kind::aes_128_gcm, 16, 32},
#if !defined(CARAPACE_TLS_NO_SHA384)
    {cipher_suite::aes_256_gcm_sha384, hash_kind::sha384, aead_kind::aes_256_gcm, 32, 48},
#endif
#endif
    {cipher_suite::chacha20_poly1305_sha256, hash_kind::sha256, aead_kind::chacha20_poly1305, 32, 32},
};

// The suite with this wire code, if this build has it.
constexpr std::optional<suite_info> find_suite(std::uint16_t id) noexcept {
    for (const auto& s : all_suites)
        if (static_cast<std::uint16_t>(s.id) == id) return s;
    return std::nullopt;
}

// The output size of a suite hash, in bytes.
constexpr std::size_t hash_size(hash_kind h) noexcept { return h == hash_kind::sha256 ? 32 : 48; }

}  // namespace carapace::tls
