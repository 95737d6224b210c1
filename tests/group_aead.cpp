// The AEAD tests as one translation unit: both instantiate every engine variant of AES-GCM and
// ChaCha20-Poly1305 they test, and share the Wycheproof loader (see group_tls.cpp for why).
#include "test_aes_gcm.cpp"
#include "test_chacha20_poly1305.cpp"
