// Loading PEM files: a certificate chain (every CERTIFICATE block, in order) and a private key:
// PKCS#8 (RFC 5958, the "PRIVATE KEY" block `openssl genpkey` writes), RFC 5915's "EC PRIVATE
// KEY" (what `openssl ecparam -genkey` writes) or PKCS#1's "RSA PRIVATE KEY" (RFC 8017 A.1.2,
// what `openssl genrsa -traditional` writes), checked. One copy for carapace-tool (its genkey,
// sign, ecdh, s_client and s_server), the benchmarks, the examples and the tests. Errors are one line naming the file and the reason.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <span>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/rsa/rsa_private.hpp"
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

// A private key: an Ed25519 or X25519 seed or a P-256 or P-384 scalar (big-endian), checked, with
// the public key it gives (Ed25519/X25519: 32 bytes; EC: the SEC 1 uncompressed point); or an RSA
// key (type rsa, or rsa_pss when PKCS#8 named id-RSASSA-PSS) as its RSAPrivateKey DER in
// `rsa_der`, checked for consistency (rsa_private_key, up to max_rsa_bits), with its modulus as
// `public_key`. The secret is wiped when it goes.
inline constexpr std::size_t max_rsa_bits = 4096;
using rsa_key = carapace::rsa_private_key<max_rsa_bits>;

struct private_key {
    carapace::x509::key_type type = carapace::x509::key_type::unknown;
    carapace::bytes<48> storage{};
    std::size_t size = 0;
    std::vector<std::uint8_t> public_key;
    std::vector<std::uint8_t> rsa_der;

    private_key() = default;
    private_key(const private_key&) = delete;
    private_key& operator=(const private_key&) = delete;
    ~private_key() {
        carapace::secure_wipe(carapace::byte_span(storage));
        carapace::secure_wipe(rsa_der.data(), rsa_der.size());
    }
    [[nodiscard]] carapace::byte_view key() const { return carapace::byte_view(storage).first(size); }
};

namespace detail {

// The first block of `text` with one of `labels`, decoded into `out`, its label in `found`. False,
// with `error`, for none, malformed PEM or base64, or an encrypted key.
inline bool first_pem_block(const std::string& text, const std::string& path,
                            std::initializer_list<std::string_view> labels, der_bytes& out, std::string_view& found,
                            std::string& error) {
    carapace::pem::reader r(text);
    for (auto block = r.next(); block; block = r.next()) {
        if (block->label == "ENCRYPTED PRIVATE KEY") {
            error = path + ": encrypted keys are not supported";
            return false;
        }
        if (std::find(labels.begin(), labels.end(), block->label) == labels.end()) continue;
        out.resize(carapace::pem::max_decoded_size(*block));
        const auto n = carapace::pem::decode(*block, out);
        if (!n) {
            error = path + ": bad base64 in a " + std::string(block->label) + " block";
            return false;
        }
        out.resize(*n);
        found = block->label;
        return true;
    }
    std::string names;
    for (const auto label : labels) names += (names.empty() ? "" : " or ") + std::string(label);
    error = r.ok() ? path + ": no " + names + " block" : path + ": malformed PEM";
    return false;
}

inline std::string key_type_name(carapace::x509::key_type type) {
    using carapace::x509::key_type;
    switch (type) {
        case key_type::ed25519: return "Ed25519";
        case key_type::x25519: return "X25519";
        case key_type::ec_p256: return "P-256";
        case key_type::ec_p384: return "P-384";
        case key_type::ec_p521: return "unsupported (P-521)";
        case key_type::rsa: return "RSA";
        case key_type::rsa_pss: return "RSA-PSS";
        default: return "unsupported";
    }
}

// Whether SEC 1 `point` (uncompressed or compressed) is `uncompressed` written either way.
inline bool same_point(carapace::byte_view point, const std::vector<std::uint8_t>& uncompressed) {
    if (point.size() == uncompressed.size()) return std::equal(point.begin(), point.end(), uncompressed.begin());
    const std::size_t field = (uncompressed.size() - 1) / 2;
    if (point.size() != 1 + field) return false;
    const auto prefix = static_cast<std::uint8_t>(0x02 | (uncompressed.back() & 1u));
    return point[0] == prefix && std::equal(point.begin() + 1, point.end(), uncompressed.begin() + 1);
}

template <class Curve>
bool derive_ec_public_key(private_key& key) {
    carapace::bytes<Curve::uncompressed_size> point{};
    if (carapace::ec_public_key<Curve>(point, carapace::byte_view(key.storage).first<Curve::scalar_size>()) !=
        carapace::errc::ok)
        return false;
    key.public_key.assign(point.begin(), point.end());
    return true;
}

// An RSAPrivateKey, checked by loading it, kept as DER with its modulus as the public key.
inline bool take_rsa_key(const std::string& path, carapace::x509::key_type type, carapace::byte_view der,
                         private_key& out, std::string& error) {
    const auto key = rsa_key::from_pkcs1_der(der);
    if (!key) {
        error = path + (key.error() == carapace::errc::decode_error
                            ? ": malformed RSA private key"
                            : ": RSA key outside " + std::to_string(carapace::rsa_min_bits) + ".." +
                                  std::to_string(max_rsa_bits) + " bits, or inconsistent");
        return false;
    }
    out.type = type;
    out.rsa_der.assign(der.begin(), der.end());
    const auto modulus = key->public_key().modulus;
    out.public_key.assign(modulus.begin(), modulus.end());
    return true;
}

}  // namespace detail

// The private key of a PEM file: the first "PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" or "RSA
// PRIVATE KEY" block, of type Ed25519, X25519, P-256, P-384 or RSA (1024 to max_rsa_bits bits,
// consistent: n = p * q and the CRT values right), the EC scalar in [1, n-1], and any public key
// the file holds the one the private key gives. False, with `error`, for anything else. The
// file's text and its decoded form are wiped before returning.
inline bool load_private_key(const std::string& path, private_key& out, std::string& error) {
    namespace x509 = carapace::x509;
    using x509::key_type;
    std::string text;
    der_bytes der;
    struct wipe_on_exit {
        std::string& text;
        der_bytes& der;
        ~wipe_on_exit() {
            carapace::secure_wipe(std::span<char>(text));
            carapace::secure_wipe(der.data(), der.size());
        }
    } wipe{text, der};
    if (!read_file(path, text, error)) return false;
    std::string_view label;
    if (!detail::first_pem_block(text, path,
                                 {carapace::pem::private_key, carapace::pem::ec_private_key, "RSA PRIVATE KEY"}, der,
                                 label, error))
        return false;
    if (label == "RSA PRIVATE KEY") return detail::take_rsa_key(path, key_type::rsa, der, out, error);
    const bool bare_ec = label == carapace::pem::ec_private_key;
    const auto info = bare_ec ? x509::parse_ec_private_key(der) : x509::parse_private_key(der);
    if (!info) {
        error = path + (bare_ec ? ": malformed EC private key" : ": malformed PKCS#8 private key");
        return false;
    }
    out.type = info->type;
    switch (info->type) {
        case key_type::ed25519:
        case key_type::x25519: {
            out.size = 32;
            std::copy(info->key.begin(), info->key.end(), out.storage.begin());
            const auto seed = carapace::byte_view(out.storage).first<32>();
            const auto derived = info->type == key_type::ed25519 ? carapace::ed25519_public_key(seed)
                                                                 : carapace::x25519_public_key(seed);
            out.public_key.assign(derived.begin(), derived.end());
            break;
        }
        case key_type::ec_p256:
        case key_type::ec_p384: {
            out.size = info->key.size();
            std::copy(info->key.begin(), info->key.end(), out.storage.begin());
            const bool in_range = info->type == key_type::ec_p256 ? detail::derive_ec_public_key<carapace::p256>(out)
                                                                  : detail::derive_ec_public_key<carapace::p384>(out);
            if (!in_range) {
                error = path + ": the private scalar is not in [1, n-1] for " + detail::key_type_name(info->type);
                return false;
            }
            break;
        }
        case key_type::rsa:
        case key_type::rsa_pss: return detail::take_rsa_key(path, info->type, info->key, out, error);
        default:
            error = path + ": " + detail::key_type_name(info->type) +
                    " key type (Ed25519, X25519, P-256, P-384 and RSA are)";
            return false;
    }
    const bool matches = info->public_key.empty() ||
                         (out.public_key.size() == 32 ? std::equal(info->public_key.begin(), info->public_key.end(),
                                                                   out.public_key.begin(), out.public_key.end())
                                                      : detail::same_point(info->public_key, out.public_key));
    if (!matches) {
        error = path + ": the public key in the file is not the private key's";
        return false;
    }
    return true;
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
