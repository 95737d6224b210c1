// Loading PEM files: a certificate chain (every CERTIFICATE block, in order) and a private key:
// PKCS#8 (RFC 5958, the "PRIVATE KEY" block `openssl genpkey` writes) or RFC 5915's "EC PRIVATE
// KEY" (what `openssl ecparam -genkey` writes). One copy for carapace-tool,
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

// A private key the TLS signers take: an Ed25519 seed or a P-256 or P-384 scalar (big-endian).
// Wiped when it goes.
struct private_key {
    carapace::x509::key_type type = carapace::x509::key_type::unknown;
    carapace::bytes<48> storage{};
    std::size_t size = 0;

    private_key() = default;
    private_key(const private_key&) = delete;
    private_key& operator=(const private_key&) = delete;
    ~private_key() { carapace::secure_wipe(carapace::byte_span(storage)); }
    [[nodiscard]] carapace::byte_view key() const { return carapace::byte_view(storage).first(size); }
};

// The private key of a PEM file: the first "PRIVATE KEY" (PKCS#8) or "EC PRIVATE KEY" block, of
// type Ed25519, P-256 or P-384. False, with `error`, for anything else. The file's text and its
// decoded form are wiped before returning.
inline bool load_private_key(const std::string& path, private_key& out, std::string& error) {
    namespace x509 = carapace::x509;
    std::string text;
    if (!read_file(path, text, error)) return false;
    der_bytes der(text.size());
    bool ec_form = false;
    auto n = carapace::pem::decode_first(text, carapace::pem::private_key, der);
    if (!n) {
        n = carapace::pem::decode_first(text, carapace::pem::ec_private_key, der);
        ec_form = n.ok();
    }
    const char* supported = "Ed25519, P-256 or P-384 keys in PKCS#8 or RFC 5915 (EC PRIVATE KEY) form";
    bool ok = false;
    if (!n) {
        if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos)
            error = path + ": encrypted keys are not supported";
        else if (text.find("-----BEGIN ") != std::string::npos && text.find("PRIVATE KEY-----") != std::string::npos)
            error = path + ": unsupported key type (only " + supported + ")";
        else
            error = path + ": no PRIVATE KEY or EC PRIVATE KEY block";
    } else {
        const carapace::byte_view encoded = carapace::byte_view(der).first(*n);
        const auto key = ec_form ? x509::parse_ec_private_key(encoded) : x509::parse_private_key(encoded);
        const std::size_t expected = key->type == x509::key_type::ed25519  ? 32
                                     : key->type == x509::key_type::ec_p256 ? 32
                                     : key->type == x509::key_type::ec_p384 ? 48
                                                                            : 0;
        if (!key) {
            error = path + (ec_form ? ": malformed EC private key" : ": malformed PKCS#8 private key");
        } else if (expected == 0 || key->key.size() != expected) {
            error = path + ": unsupported key type (only " + supported + ")";
        } else {
            std::copy(key->key.begin(), key->key.end(), out.storage.begin());
            out.size = expected;
            out.type = key->type;
            ok = true;
        }
    }
    carapace::secure_wipe(carapace::byte_span(der));
    carapace::secure_wipe(std::span<char>(text));
    return ok;
}

// The 32-byte seed of an Ed25519 key (`openssl genpkey -algorithm ed25519`). False, with
// `error`, for anything else.
inline bool load_ed25519_private_key(const std::string& path, carapace::bytes<32>& seed, std::string& error) {
    private_key key;
    if (!load_private_key(path, key, error)) return false;
    if (key.type != carapace::x509::key_type::ed25519) {
        error = path + ": not an Ed25519 key";
        return false;
    }
    std::copy(key.key().begin(), key.key().end(), seed.begin());
    return true;
}

}  // namespace host
