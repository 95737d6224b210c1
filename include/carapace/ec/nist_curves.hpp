// The NIST curves P-256 (secp256r1, prime256v1) and P-384 (secp384r1) as types: their sizes, the
// engine their operations run on by default, and the hash that goes with each in TLS 1.3
// (ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384). ECDH in ec/ecdh.hpp, ECDSA in ec/ecdsa.hpp.
#pragma once

#include <cstddef>
#include <string_view>

#include "carapace/ec/detail/nist_dispatch.hpp"

namespace carapace {

// The NIST P-256 curve (secp256r1): the tag that selects it in ecdsa, ecdh and the key types.
struct p256 {
    // The curve's constants.
    using params = detail::p256_params;
    // The arithmetic engine, chosen at run time.
    using engine = detail::nist_dispatch<params>;
    // The curve's name.
    static constexpr std::string_view name = "P-256";
    // Sizes in bytes of a scalar and of a field element.
    static constexpr std::size_t scalar_size = 32, field_size = 32;
    static constexpr std::size_t uncompressed_size = 65, compressed_size = 33;  // SEC1 04||x||y, 02/03||x
    static constexpr std::size_t signature_size = 64;                           // r||s (IEEE P1363)
    static constexpr std::size_t max_der_signature_size = 72;                   // SEQUENCE { r, s }
};

// The NIST P-384 curve (secp384r1): the tag that selects it in ecdsa, ecdh and the key types.
struct p384 {
    // The curve's constants.
    using params = detail::p384_params;
    // The arithmetic engine, chosen at run time.
    using engine = detail::nist_dispatch<params>;
    // The curve's name.
    static constexpr std::string_view name = "P-384";
    // Sizes in bytes of a scalar and of a field element.
    static constexpr std::size_t scalar_size = 48, field_size = 48;
    // Sizes in bytes of a SEC 1 point, uncompressed and compressed.
    static constexpr std::size_t uncompressed_size = 97, compressed_size = 49;
    // The size of an r||s signature.
    static constexpr std::size_t signature_size = 96;
    // The largest DER signature.
    static constexpr std::size_t max_der_signature_size = 104;
};

}  // namespace carapace
