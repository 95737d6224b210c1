// A TLS client built with the size switches CARAPACE_TLS_NO_AES_GCM, CARAPACE_TLS_NO_SHA384,
// CARAPACE_X25519_NO_BASE_TABLE, CARAPACE_TLS_NO_OCSP, CARAPACE_TLS_NO_PINS,
// CARAPACE_X509_NO_PROFILES and CARAPACE_TLS_NO_ECDSA (tests/support/switched_client.cpp), behind plain types: that
// translation unit renames the library's namespace, so its differently configured inline code
// cannot clash with the default build's in the same program.
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

// A fresh client for server name "localhost" that trusts root_der (kept by reference), with a
// deterministic random source (the seed) and a fixed clock.
bool reset(const std::uint8_t* root_der, std::size_t root_size, std::uint64_t seed);
result start(std::uint8_t* out, std::size_t out_size);
result receive(const std::uint8_t* in, std::size_t in_size, std::uint8_t* out, std::size_t out_size);
result send(const std::uint8_t* data, std::size_t size, std::uint8_t* out, std::size_t out_size);
bool handshake_complete();
std::uint16_t negotiated_suite();
// What this build has: its suites (all_suites) and its default offer.
std::size_t suite_count();
std::size_t default_suite_count();
// The CertificateVerify schemes its verifier offers (Ed25519 alone).
std::size_t verifiable_scheme_count();
// X25519 public key through the switched build (the ladder, not the base-point table).
void x25519_public_key(std::uint8_t* out, const std::uint8_t* private_key);

}  // namespace switched_client
