// The options s_client and s_server share (--ciphersuites, --groups, --alpn, --quiet,
// --key-update) and what they load (our identity, the trust anchors). --groups lists groups by
// preference; in s_client, each written *NAME gets a key share in the first ClientHello (as in
// OpenSSL 3.5), and without any *, the first one does (and, when it is post-quantum, the first
// classical one too).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "tls_files.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/hybrid_key_exchanges.hpp"
#include "carapace/tls/key_exchanges.hpp"

namespace carapace_tool {

// The groups both commands implement, by default in this order of preference: the hybrid
// X25519MLKEM768 first (s_client then sends it and an X25519 share), the ML-KEM groups spelled as
// OpenSSL 3.5 spells them.
inline constexpr carapace::tls::named_group tool_groups[] = {
    carapace::tls::named_group::x25519_mlkem768, carapace::tls::named_group::x25519,
    carapace::tls::named_group::secp256r1,       carapace::tls::named_group::secp384r1,
    carapace::tls::named_group::secp256r1_mlkem768, carapace::tls::named_group::mlkem768};
inline constexpr const char* supported_groups =
    "X25519MLKEM768, x25519, secp256r1 (P-256), secp384r1 (P-384), SecP256r1MLKEM768, MLKEM768";

// The key exchanges of tool_groups, for a config's key_exchanges.
struct tool_key_exchanges {
    carapace::tls::x25519_mlkem768_key_exchange x25519_mlkem768;
    carapace::tls::x25519_key_exchange x25519;
    carapace::tls::p256_key_exchange p256;
    carapace::tls::p384_key_exchange p384;
    carapace::tls::p256_mlkem768_key_exchange p256_mlkem768;
    carapace::tls::mlkem768_key_exchange mlkem768;
    carapace::tls::key_exchange* all[6] = {&x25519_mlkem768, &x25519, &p256, &p384, &p256_mlkem768, &mlkem768};
};

struct tls_options {
    std::vector<carapace::tls::cipher_suite> suites{std::begin(carapace::tls::default_cipher_suites),
                                                    std::end(carapace::tls::default_cipher_suites)};
    std::vector<carapace::tls::named_group> groups{std::begin(tool_groups), std::end(tool_groups)};
    std::vector<carapace::tls::named_group> key_shares;  // s_client: empty, a share of the first group
    std::vector<std::string> alpn_storage;
    std::vector<std::string_view> alpn;
    identity id;
    trust roots;
    bool have_identity = false;
    bool quiet = false;
    bool key_update = false;
};

// Fills `options` from the arguments both commands take. An empty string means success; else the
// usage error to print.
std::string parse_common(const arguments& args, tls_options& options);

}  // namespace carapace_tool
