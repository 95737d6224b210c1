// ChaCha20-Poly1305 (RFC 8439 §2.8) and XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): a keyed
// context that seals and opens any number of messages. AVX-512F, AVX2, SSSE3 or portable code,
// chosen at run time (portable in constant evaluation).
//
//   const carapace::chacha20_poly1305 aead(key);              // key: 32 bytes
//   aead.seal(nonce, aad, plaintext, ciphertext, tag);         // nonce: 12 bytes; 16-byte tag
//   aead.seal(nonce, aad, plaintext, sealed);                  // sealed = ciphertext || tag
//   if (aead.open(nonce, aad, sealed, plaintext) != carapace::errc::ok) { /* plaintext zeroed */ }
//
// xchacha20_poly1305 is the same with a 24-byte nonce, long enough to be chosen at random.
// Plaintext and ciphertext may be the same buffer (in place), but must not otherwise overlap.
// Never reuse a nonce under one key.
#pragma once

#include "carapace/aead/detail/chacha20_poly1305_dispatch.hpp"
#include "carapace/aead/detail/chacha20_poly1305_mode.hpp"

namespace carapace {

// The same with an explicit engine (tests run every engine the CPU has).
template <class Engine>
using chacha20_poly1305_with = detail::chacha20_poly1305_mode<false, Engine>;
template <class Engine>
using xchacha20_poly1305_with = detail::chacha20_poly1305_mode<true, Engine>;

// ChaCha20-Poly1305 (RFC 8439): a keyed context; seal() and open() with a 12-byte nonce.
using chacha20_poly1305 = detail::chacha20_poly1305_mode<false, detail::chacha20_poly1305_dispatch>;
// XChaCha20-Poly1305: the same with a 24-byte nonce, safe to choose at random.
using xchacha20_poly1305 = detail::chacha20_poly1305_mode<true, detail::chacha20_poly1305_dispatch>;

}  // namespace carapace
