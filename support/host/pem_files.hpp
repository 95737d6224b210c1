// Loading PEM files: a certificate chain (every CERTIFICATE block, in order) and a PKCS#8 private
// key (RFC 5958, the "PRIVATE KEY" block `openssl genpkey` writes). One copy for carapace-tool,
// the benchmarks, the examples and the tests. Errors are one line naming the file and the reason.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/x509/keys.hpp"
#include "carapace/x509/pem.hpp"
#include "host/files.hpp"

namespace host {

using der_bytes = std::vector<std::uint8_t>;

// Every block labelled `label` of PEM `text`, decoded, appended to `out` in order. False, with
// `error` (prefixed with `path`, the text's name), on malformed PEM or text without such a block.
inline bool parse_pem_blocks(const std::string& text, const std::string& path, std::string_view label,
                             std::vector<der_bytes>& out, std::string& error) {
    const std::size_t before = out.size();
    carapace::pem::reader r(text);
    for (auto block = r.next(); block; block = r.next()) {
        if (block->label != label) continue;
        der_bytes der(carapace::pem::max_decoded_size(*block));
        const auto n = carapace::pem::decode(*block, der);
        if (!n) {
            error = path + ": bad base64 in a " + std::string(label) + " block";
            return false;
        }
        der.resize(*n);
        out.push_back(std::move(der));
    }
    if (!r.ok()) {
        error = path + ": malformed PEM";
        return false;
    }
    if (out.size() == before) {
        error = path + ": no " + std::string(label) + " block";
        return false;
    }
    return true;
}

// Every CERTIFICATE block of PEM `text` (a chain: leaf first).
inline bool parse_certificate_chain(const std::string& text, const std::string& path, std::vector<der_bytes>& out,
                                    std::string& error) {
    return parse_pem_blocks(text, path, carapace::pem::certificate, out, error);
}

// The same from a file. False, with `error`, on an unreadable file too.
inline bool load_certificate_chain(const std::string& path, std::vector<der_bytes>& out, std::string& error) {
    std::string text;
    return read_file(path, text, error) && parse_certificate_chain(text, path, out, error);
}

// The 32-byte seed of a PKCS#8 Ed25519 key (`openssl genpkey -algorithm ed25519`), the only
// private key type the TLS signer takes for now. False, with `error`, for anything else. The file's
// text and its decoded form are wiped before returning.
inline bool load_ed25519_private_key(const std::string& path, carapace::bytes<32>& seed, std::string& error) {
    std::string text;
    if (!read_file(path, text, error)) return false;
    der_bytes der(text.size());
    const auto n = carapace::pem::decode_first(text, carapace::pem::private_key, der);
    bool ok = false;
    if (!n) {
        if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos)
            error = path + ": encrypted keys are not supported";
        else if (text.find("-----BEGIN ") != std::string::npos && text.find("PRIVATE KEY-----") != std::string::npos)
            error = path + ": unsupported key type (only PKCS#8 Ed25519 keys, as `openssl genpkey -algorithm ed25519` writes them)";
        else
            error = path + ": no PRIVATE KEY block";
    } else if (const auto key = carapace::x509::parse_private_key(carapace::byte_view(der).first(*n)); !key) {
        error = path + ": malformed PKCS#8 private key";
    } else if (key->type != carapace::x509::key_type::ed25519 || key->key.size() != seed.size()) {
        error = path + ": unsupported key type (only Ed25519 for now)";
    } else {
        std::copy(key->key.begin(), key->key.end(), seed.begin());
        ok = true;
    }
    carapace::secure_wipe(carapace::byte_span(der));
    carapace::secure_wipe(std::span<char>(text));
    return ok;
}

}  // namespace host
