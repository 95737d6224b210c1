// AES-CCM (NIST SP 800-38C, RFC 3610) with 128-, 192- and 256-bit keys, beside AES-GCM: a
// key-scheduled context that seals and opens any number of messages. AES-NI or portable
// constant-time code, chosen when the key is set (ccm_aesni.hpp says why there is no VAES one).
//
//   const carapace::aes128_ccm ccm(key, 8);                   // key: 16 bytes; 8-byte tags
//   ccm.seal(nonce, aad, plaintext, ciphertext, tag);         // nonce: 7 to 13 bytes
//   ccm.seal(nonce, aad, plaintext, sealed);                  // sealed = ciphertext || tag
//   if (ccm.open(nonce, aad, sealed, plaintext) != carapace::errc::ok) { /* plaintext zeroed */ }
//
//   const carapace::aes128_ccm16 tls(key);                    // TLS_AES_128_CCM_SHA256's AEAD
//   const carapace::aes128_ccm8 tls8(key);                    // TLS_AES_128_CCM_8_SHA256's
//
// Tags are 4, 6, ..., 16 bytes. A nonce of n bytes leaves 15 - n for the payload length, so it
// caps the payload at 2^(8(15 - n)) - 1 bytes (64 KiB - 1 with 13 bytes, 16 MiB - 1 with 12).
// Plaintext and ciphertext may be the same buffer (in place), but must not otherwise overlap.
// Never reuse a nonce under one key. CCM makes two AES calls per block, and its CBC-MAC is a
// chain: AES-GCM is several times faster where both are allowed.
#pragma once

#include "carapace/aead/detail/ccm_dispatch.hpp"
#include "carapace/aead/detail/ccm_mode.hpp"

namespace carapace {

// AES-CCM with the tag length chosen with the key, with an explicit engine (tests run each one).
template <std::size_t KeyBytes, class Engine>
using aes_ccm_with = detail::ccm_mode<KeyBytes, Engine>;
// AES-CCM with fixed tag and nonce lengths, with an explicit engine.
template <std::size_t KeyBytes, std::size_t TagBytes, std::size_t NonceBytes, class Engine>
using aes_ccm_fixed_with = detail::ccm_fixed<KeyBytes, TagBytes, NonceBytes, Engine>;

// AES-128-CCM: tag length (4, 6, ..., 16) given with the key; nonces of 7 to 13 bytes.
using aes128_ccm = detail::ccm_mode<16, detail::ccm_dispatch>;
// AES-192-CCM, the same with a 24-byte key.
using aes192_ccm = detail::ccm_mode<24, detail::ccm_dispatch>;
// AES-256-CCM, the same with a 32-byte key.
using aes256_ccm = detail::ccm_mode<32, detail::ccm_dispatch>;

// AES-128-CCM with 16-byte tags and 12-byte nonces: AEAD_AES_128_CCM (RFC 5116), TLS_AES_128_CCM_SHA256.
using aes128_ccm16 = detail::ccm_fixed<16, 16, 12, detail::ccm_dispatch>;
// AES-128-CCM with 8-byte tags and 12-byte nonces: TLS_AES_128_CCM_8_SHA256 (RFC 6655's CCM_8).
using aes128_ccm8 = detail::ccm_fixed<16, 8, 12, detail::ccm_dispatch>;
// AES-256-CCM with 16-byte tags and 12-byte nonces: AEAD_AES_256_CCM (RFC 5116).
using aes256_ccm16 = detail::ccm_fixed<32, 16, 12, detail::ccm_dispatch>;
// AES-256-CCM with 8-byte tags and 12-byte nonces (RFC 6655's AES_256_CCM_8 suites).
using aes256_ccm8 = detail::ccm_fixed<32, 8, 12, detail::ccm_dispatch>;

}  // namespace carapace
