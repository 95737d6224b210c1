// The tests of the primitives below TLS, the encodings and X.509 as one translation unit (see
// group_tls.cpp for why).
#include "test_constexpr.cpp"
#include "test_core.cpp"
#include "test_der_pem.cpp"
#include "test_ed25519.cpp"
#include "test_hkdf.cpp"
#include "test_hmac.cpp"
#include "test_sha2.cpp"
#include "test_x25519.cpp"
#include "test_x509_constraints.cpp"
#include "test_x509_names.cpp"
#include "test_x509_parse.cpp"
#include "test_x509_verify.cpp"
