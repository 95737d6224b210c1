// RSA signatures (RFC 8017): RSASSA-PSS and RSASSA-PKCS1-v1_5 over SHA-1, SHA-2, SHA-3 and, for
// PSS, SHAKE (RFC 8702) (rsa_hash.hpp), verification of 2048- to 8192-bit keys (rsa_public.hpp),
// constant-time CRT signing with exponent blinding and a check against faults (rsa_private.hpp),
// keys in PKCS#1, PKCS#8 and SubjectPublicKeyInfo parsed in place. Fixed-size integers on the
// stack, Montgomery arithmetic on 64- or 32-bit words (detail/).
#pragma once

#include "carapace/rsa/rsa_hash.hpp"
#include "carapace/rsa/rsa_private.hpp"
#include "carapace/rsa/rsa_public.hpp"
