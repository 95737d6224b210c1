// The five TLS 1.3 cipher suites (RFC 8446 §B.4): which hash and AEAD each uses and their sizes.
// The two AES-CCM suites are built in but off by default (config.hpp's default_cipher_suites
// leaves them out, as OpenSSL and GnuTLS do): they are for peers that ask for them, mostly
// constrained devices whose AES hardware has no GHASH. CCM_8's tag is 8 bytes, not 16, so the
// record layer takes each suite's tag size from here.
//
// Size switches for small targets; a default build defines none and has all five suites:
//   CARAPACE_TLS_NO_AES_GCM   no AES-GCM suites: the engine has no AES-GCM code
//   CARAPACE_TLS_NO_SHA384    no TLS_AES_256_GCM_SHA384: the engine has no SHA-384 code
//   CARAPACE_TLS_NO_AES_CCM   no AES-CCM suites: the engine has no AES-CCM code
// With both AES switches the engine has no AES code at all. A suite left out is never offered,
// and never accepted from the peer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "carapace/tls/protocol.hpp"

namespace carapace::tls {

// The hash of a cipher suite.
enum class hash_kind : std::uint8_t { sha256, sha384 };
// The AEAD of a cipher suite.
enum class aead_kind : std::uint8_t { aes_128_gcm, aes_256_gcm, chacha20_poly1305, aes_128_ccm, aes_128_ccm_8 };

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
    // The AEAD tag size in bytes: what each protected record adds to its inner plaintext.
    std::size_t tag_size;
};

// The largest hash output of any suite.
inline constexpr std::size_t max_hash_size = 48;
// The largest AEAD key of any suite.
inline constexpr std::size_t max_key_size = 32;
// The AEAD nonce size of every suite.
inline constexpr std::size_t iv_size = 12;
// The largest AEAD tag of any suite (CCM_8's is 8 bytes, the others' 16).
inline constexpr std::size_t max_tag_size = 16;

#if defined(CARAPACE_TLS_NO_AES_GCM)
inline constexpr bool have_aes_gcm = false;
#else
// Whether this build has the AES-GCM suites (not with CARAPACE_TLS_NO_AES_GCM).
inline constexpr bool have_aes_gcm = true;
#endif
#if defined(CARAPACE_TLS_NO_AES_CCM)
inline constexpr bool have_aes_ccm = false;
#else
// Whether this build has the AES-CCM suites (not with CARAPACE_TLS_NO_AES_CCM).
inline constexpr bool have_aes_ccm = true;
#endif
#if defined(CARAPACE_TLS_NO_SHA384)
inline constexpr bool have_sha384 = false;
#else
// Whether this build has TLS_AES_256_GCM_SHA384 (not with CARAPACE_TLS_NO_SHA384).
inline constexpr bool have_sha384 = true;
#endif

// The suites this build has, in the default order of preference (the CCM ones last, and only
// when a config names them).
inline constexpr suite_info all_suites[] = {
#if !defined(CARAPACE_TLS_NO_AES_GCM)
    {cipher_suite::aes_128_gcm_sha256, hash_kind::sha256, aead_kind::aes_128_gcm, 16, 32, 16},
#if !defined(CARAPACE_TLS_NO_SHA384)
    {cipher_suite::aes_256_gcm_sha384, hash_kind::sha384, aead_kind::aes_256_gcm, 32, 48, 16},
#endif
#endif
    {cipher_suite::chacha20_poly1305_sha256, hash_kind::sha256, aead_kind::chacha20_poly1305, 32, 32, 16},
#if !defined(CARAPACE_TLS_NO_AES_CCM)
    {cipher_suite::aes_128_ccm_sha256, hash_kind::sha256, aead_kind::aes_128_ccm, 16, 32, 16},
    {cipher_suite::aes_128_ccm_8_sha256, hash_kind::sha256, aead_kind::aes_128_ccm_8, 16, 32, 8},
#endif
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
