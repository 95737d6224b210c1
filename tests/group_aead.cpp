// The AEAD tests as one translation unit: they share the checks in support/aead_checks.hpp and
// the vector loading, compiled once (see group_tls.cpp for why).
#include "test_aes_ccm.cpp"
#include "test_aes_gcm.cpp"
#include "test_chacha20_poly1305.cpp"
