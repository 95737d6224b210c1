// The client of tests/support/switched_client.hpp: the library compiled with its size switches,
// under another namespace name (a macro renames `carapace`), so that none of its inline functions
// share a mangled name with the default build's.
#define CARAPACE_TLS_NO_AES_GCM 1
#define CARAPACE_TLS_NO_SHA384 1
#define CARAPACE_X25519_NO_BASE_TABLE 1
#define CARAPACE_TLS_NO_OCSP 1
#define CARAPACE_TLS_NO_PINS 1
#define CARAPACE_X509_NO_PROFILES 1
#define CARAPACE_NO_MLKEM 1
#define CARAPACE_NO_P256 1
#define CARAPACE_NO_P384 1
#define CARAPACE_NO_RSA 1
#define carapace carapace_switched
#define CARAPACE_SWITCHED_NAMESPACE switched_client

#include "support/switched_client_body.hpp"
