// The object identifiers certificates use, as their DER content octets (compare with
// der::equal against der::oid_octets of an element).
#pragma once

#include <cstdint>

#include "carapace/core/bytes.hpp"

namespace carapace::x509::oid {

// Algorithms (RFC 8410, RFC 5758, RFC 8017, RFC 4055, RFC 5480).
inline constexpr bytes<3> ed25519{0x2b, 0x65, 0x70};  // 1.3.101.112
inline constexpr bytes<3> x25519{0x2b, 0x65, 0x6e};   // 1.3.101.110
// ecdsa-with-SHA256, 1.2.840.10045.4.3.2.
inline constexpr bytes<8> ecdsa_with_sha256{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
// ecdsa-with-SHA384, 1.2.840.10045.4.3.3.
inline constexpr bytes<8> ecdsa_with_sha384{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
// ecdsa-with-SHA512, 1.2.840.10045.4.3.4.
inline constexpr bytes<8> ecdsa_with_sha512{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
// rsaEncryption, 1.2.840.113549.1.1.1.
inline constexpr bytes<9> rsa_encryption{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
// id-RSASSA-PSS, 1.2.840.113549.1.1.10.
inline constexpr bytes<9> rsassa_pss{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
// sha1WithRSAEncryption, 1.2.840.113549.1.1.5.
inline constexpr bytes<9> sha1_with_rsa{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05};
// sha256WithRSAEncryption, 1.2.840.113549.1.1.11.
inline constexpr bytes<9> sha256_with_rsa{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
// sha384WithRSAEncryption, 1.2.840.113549.1.1.12.
inline constexpr bytes<9> sha384_with_rsa{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c};
// sha512WithRSAEncryption, 1.2.840.113549.1.1.13.
inline constexpr bytes<9> sha512_with_rsa{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d};
// Hashes and MGF1, inside RSASSA-PSS parameters (RFC 4055 §2.1, §2.2).
inline constexpr bytes<5> sha1{0x2b, 0x0e, 0x03, 0x02, 0x1a};  // 1.3.14.3.2.26
inline constexpr bytes<9> sha256{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};  // 2.16.840.1.101.3.4.2.1
// id-sha384, 2.16.840.1.101.3.4.2.2.
inline constexpr bytes<9> sha384{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
// id-sha512, 2.16.840.1.101.3.4.2.3.
inline constexpr bytes<9> sha512{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};
inline constexpr bytes<9> mgf1{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};  // 1.2.840.113549.1.1.8
// id-ecPublicKey, 1.2.840.10045.2.1.
inline constexpr bytes<7> ec_public_key{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
// secp256r1, 1.2.840.10045.3.1.7.
inline constexpr bytes<8> secp256r1{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
// secp384r1, 1.3.132.0.34.
inline constexpr bytes<5> secp384r1{0x2b, 0x81, 0x04, 0x00, 0x22};
// secp521r1, 1.3.132.0.35.
inline constexpr bytes<5> secp521r1{0x2b, 0x81, 0x04, 0x00, 0x23};
// Recognised to be refused as weak: P-192 (1.2.840.10045.3.1.1) and DSA (1.2.840.10040.4.1).
inline constexpr bytes<8> secp192r1{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01};
// id-dsa, 1.2.840.10040.4.1.
inline constexpr bytes<7> dsa{0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01};

// Certificate extensions (RFC 5280 §4.2, id-ce 2.5.29.x).
inline constexpr bytes<3> subject_key_identifier{0x55, 0x1d, 0x0e};
// id-ce-keyUsage, 2.5.29.15.
inline constexpr bytes<3> key_usage{0x55, 0x1d, 0x0f};
// id-ce-subjectAltName, 2.5.29.17.
inline constexpr bytes<3> subject_alt_name{0x55, 0x1d, 0x11};
// id-ce-basicConstraints, 2.5.29.19.
inline constexpr bytes<3> basic_constraints{0x55, 0x1d, 0x13};
// id-ce-nameConstraints, 2.5.29.30.
inline constexpr bytes<3> name_constraints{0x55, 0x1d, 0x1e};
// id-ce-authorityKeyIdentifier, 2.5.29.35.
inline constexpr bytes<3> authority_key_identifier{0x55, 0x1d, 0x23};
// id-ce-extKeyUsage, 2.5.29.37.
inline constexpr bytes<3> extended_key_usage{0x55, 0x1d, 0x25};
// id-ce-policyConstraints, 2.5.29.36.
inline constexpr bytes<3> policy_constraints{0x55, 0x1d, 0x24};
// Private extensions (RFC 5280 §4.2.2, id-pe 1.3.6.1.5.5.7.1.x).
inline constexpr bytes<8> authority_info_access{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01};
inline constexpr bytes<8> tls_feature{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x18};  // 1.3.6.1.5.5.7.1.24

// Key purposes (RFC 5280 §4.2.1.12).
inline constexpr bytes<4> any_extended_key_usage{0x55, 0x1d, 0x25, 0x00};
// id-kp-serverAuth, 1.3.6.1.5.5.7.3.1.
inline constexpr bytes<8> kp_server_auth{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
// id-kp-clientAuth, 1.3.6.1.5.5.7.3.2.
inline constexpr bytes<8> kp_client_auth{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};

// Name attributes.
inline constexpr bytes<3> common_name{0x55, 0x04, 0x03};

}  // namespace carapace::x509::oid
