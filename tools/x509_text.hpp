// Describing certificates as text, shared by the x509, verify, s_client and
// s_server commands. Names print as `openssl x509 -subject` prints them ("CN = a, O = b").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "carapace/core/bytes.hpp"
#include "carapace/x509/certificate.hpp"

namespace carapace_tool {

// An encoded Name as "CN = a, O = b" ("(malformed)" when it does not parse).
std::string describe_name(carapace::byte_view encoded);

// A public key as "ed25519/256", "rsa/2048", ...
std::string describe_key(const carapace::x509::public_key_info& key);

// subjectAltName content as "DNS:a, DNS:b, IP:192.0.2.7, email:x@y, URI:z".
std::string describe_san(carapace::byte_view content);

// keyUsage as RFC 5280 names them ("digitalSignature, keyCertSign"), "none" without the extension.
std::string describe_key_usage(const carapace::x509::certificate& c);
// extendedKeyUsage: "serverAuth, clientAuth", "anyExtendedKeyUsage", "none" without the extension.
std::string describe_extended_key_usage(const carapace::x509::certificate& c);
// nameConstraints: "permitted: DNS:a, ...; excluded: ..." (each part only when present), or "none".
std::string describe_name_constraints(const carapace::x509::certificate& c);
// Uppercase hex, or "none" when empty.
std::string hex_or_none(carapace::byte_view bytes);

}  // namespace carapace_tool
