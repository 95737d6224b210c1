// The P-256 client of tests/support/switched_client.hpp (switched_client_p256): the shape of an
// IoT device, secp256r1 only and ECDSA P-256 chains, with the size switches of the bare-metal
// image, under a namespace name of its own.
#define CARAPACE_TLS_NO_AES_GCM 1
#define CARAPACE_TLS_NO_AES_CCM 1
#define CARAPACE_TLS_NO_SHA384 1
#define CARAPACE_TLS_NO_OCSP 1
#define CARAPACE_TLS_NO_PINS 1
#define CARAPACE_X509_NO_PROFILES 1
#define CARAPACE_NO_MLKEM 1
#define CARAPACE_NO_ED25519 1
#define CARAPACE_NO_P384 1
#define CARAPACE_NO_RSA 1
#define CARAPACE_EC_NO_BASE_TABLE 1
#define CARAPACE_SWITCHED_P256 1
#define carapace carapace_switched_p256
#define CARAPACE_SWITCHED_NAMESPACE switched_client_p256

#include "support/switched_client_body.hpp"
