// AES-GCM (NIST SP 800-38D) with 128-, 192- and 256-bit keys: a key-scheduled context that seals
// and opens any number of messages. VAES/VPCLMULQDQ, AES-NI/PCLMULQDQ or portable constant-time
// code, chosen when the key is set.
//
//   const carapace::aes128_gcm gcm(key);                      // key: 16 bytes
//   gcm.seal(nonce, aad, plaintext, ciphertext, tag);         // detached 16-byte tag
//   gcm.seal(nonce, aad, plaintext, sealed);                  // sealed = ciphertext || tag
//   if (gcm.open(nonce, aad, sealed, plaintext) != carapace::errc::ok) { /* plaintext zeroed */ }
//
// Plaintext and ciphertext may be the same buffer (in place), but must not otherwise overlap.
// Nonces may have any length from 1 byte; 12 bytes is the fast and recommended one. Never reuse
// a nonce under one key.
#pragma once

#include "carapace/aead/detail/gcm_dispatch.hpp"
#include "carapace/aead/detail/gcm_mode.hpp"

namespace carapace {

// The same with an explicit engine (tests run every engine the CPU has).
template <std::size_t KeyBytes, class Engine>
using aes_gcm_with = detail::gcm_mode<KeyBytes, Engine>;

// AES-128-GCM: a key-scheduled context that seals and opens with a 16-byte tag.
using aes128_gcm = detail::gcm_mode<16, detail::gcm_dispatch>;
// AES-192-GCM, the same with a 24-byte key.
using aes192_gcm = detail::gcm_mode<24, detail::gcm_dispatch>;
// AES-256-GCM, the same with a 32-byte key.
using aes256_gcm = detail::gcm_mode<32, detail::gcm_dispatch>;

}  // namespace carapace
