// The PSK-only build (CARAPACE_TLS_NO_CERTIFICATES): the engines without X.509, certificate
// messages or signatures, as scripts/baremetal's tls-psk-client image has them. The switch
// changes inline functions, so this is a program of its own (carapace-tests-tls-psk-only), not a
// group of carapace-tests.
#define CARAPACE_TLS_NO_CERTIFICATES 1

#include "test_tls_psk_only.cpp"
