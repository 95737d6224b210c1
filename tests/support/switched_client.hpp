// TLS clients built with size switches, behind plain types: each translation unit renames the
// library's namespace, so its differently configured inline code cannot clash with the default
// build's in the same program.
//   switched_client       CARAPACE_TLS_NO_AES_GCM, CARAPACE_TLS_NO_SHA384,
//                         CARAPACE_X25519_NO_BASE_TABLE, CARAPACE_TLS_NO_OCSP, CARAPACE_TLS_NO_PINS,
//                         CARAPACE_X509_NO_PROFILES, CARAPACE_NO_P256, CARAPACE_NO_P384,
//                         CARAPACE_NO_RSA: X25519 and Ed25519 chains (switched_client.cpp)
//                         (it keeps the AES-CCM suites: AES without AES-GCM)
//   switched_client_p256  the same TLS and X.509 switches with CARAPACE_TLS_NO_AES_CCM, CARAPACE_NO_ED25519,
//                         CARAPACE_NO_P384, CARAPACE_NO_RSA and CARAPACE_EC_NO_BASE_TABLE: secp256r1 and ECDSA
//                         P-256 chains (switched_client_p256.cpp)
#pragma once

#include <cstddef>
#include <cstdint>

namespace switched_client {

struct result {
    std::size_t consumed = 0;
    std::size_t produced = 0;
    int what = 0;  // a carapace::tls::event
    const std::uint8_t* data = nullptr;
    std::size_t data_size = 0;
};

// The functions of each configuration.
#define CARAPACE_SWITCHED_CLIENT_API \
    bool reset(const std::uint8_t* root_der, std::size_t root_size, std::uint64_t seed); \
    result start(std::uint8_t* out, std::size_t out_size); \
    result receive(const std::uint8_t* in, std::size_t in_size, std::uint8_t* out, std::size_t out_size); \
    result send(const std::uint8_t* data, std::size_t size, std::uint8_t* out, std::size_t out_size); \
    bool handshake_complete(); \
    std::uint16_t negotiated_suite(); \
    std::size_t suite_count(); \
    std::size_t default_suite_count(); \
    std::size_t verifiable_scheme_count(); \
    void x25519_public_key(std::uint8_t* out, const std::uint8_t* private_key); \

// A fresh client for server name "localhost" that trusts root_der (kept by reference), with a
// deterministic random source (the seed) and a fixed clock; start, receive and send drive it.
// suite_count and default_suite_count: what the build has (all_suites) and offers by default;
// verifiable_scheme_count: the CertificateVerify schemes its verifier offers.
// x25519_public_key: through the switched build (the ladder, not the base-point table).
CARAPACE_SWITCHED_CLIENT_API

}  // namespace switched_client

namespace switched_client_p256 {
using switched_client::result;
CARAPACE_SWITCHED_CLIENT_API
}  // namespace switched_client_p256

#undef CARAPACE_SWITCHED_CLIENT_API
