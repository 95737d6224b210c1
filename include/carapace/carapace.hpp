// carapace: header-only C++20 cryptography and a sans-I/O TLS 1.3 engine. This umbrella header
// includes everything; each header below also stands alone.
#pragma once

#include "carapace/version.hpp"

#include "carapace/core/bytes.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/hex.hpp"
#include "carapace/core/text.hpp"
#include "carapace/core/wipe.hpp"

#include "carapace/aead/aes_gcm.hpp"
#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/hash/sha1.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/kdf/hkdf.hpp"
#include "carapace/mac/hmac.hpp"
#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/hkdf_label.hpp"
#include "carapace/tls/key_exchanges.hpp"
#include "carapace/tls/server.hpp"
#include "carapace/tls/signers.hpp"
#include "carapace/x509/crl.hpp"
#include "carapace/x509/ocsp.hpp"
#include "carapace/x509/pins.hpp"
