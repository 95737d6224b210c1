// The options s_client and s_server share (--ciphersuites, --groups, --alpn, --quiet,
// --key-update) and what they load (our identity, the trust anchors).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "tls_files.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/config.hpp"

namespace carapace_tool {

struct tls_options {
    std::vector<carapace::tls::cipher_suite> suites{std::begin(carapace::tls::default_cipher_suites),
                                                    std::end(carapace::tls::default_cipher_suites)};
    std::vector<carapace::tls::named_group> groups{std::begin(carapace::tls::default_groups),
                                                   std::end(carapace::tls::default_groups)};
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
