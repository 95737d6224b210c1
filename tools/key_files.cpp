#include "key_files.hpp"

#include <algorithm>
#include <string_view>

#include "host/files.hpp"
#include "host/pem_files.hpp"
#include "host/random.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/rsa/keygen.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/keys.hpp"
#include "carapace/x509/oid.hpp"
#include "carapace/x509/pem.hpp"

namespace carapace_tool {

namespace x509 = carapace::x509;
namespace der = carapace::der;
namespace pem = carapace::pem;
using carapace::byte_view;
using bytes_vector = std::vector<std::uint8_t>;

namespace {

// DER: tag, definite length, content (content under 64 KiB, as every key here is).
bytes_vector tlv(std::uint8_t tag, const bytes_vector& content) {
    const std::size_t n = content.size();
    bytes_vector out;
    out.reserve(4 + n);  // no reallocation: no copies of a secret left behind in freed memory
    out.push_back(tag);
    if (n >= 256) out.insert(out.end(), {0x82, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    else if (n >= 128) out.insert(out.end(), {0x81, static_cast<std::uint8_t>(n)});
    else out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

bytes_vector concat(std::initializer_list<const bytes_vector*> parts) {
    std::size_t n = 0;
    for (const bytes_vector* p : parts) n += p->size();
    bytes_vector out;
    out.reserve(n);
    for (const bytes_vector* p : parts) out.insert(out.end(), p->begin(), p->end());
    return out;
}

bytes_vector oid_element(byte_view content) {
    return tlv(der::object_identifier, bytes_vector(content.begin(), content.end()));
}

std::string base64(const bytes_vector& data) {
    static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < data.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, data.size() - i);
        std::uint32_t v = static_cast<std::uint32_t>(data[i]) << 16;
        if (n > 1) v |= static_cast<std::uint32_t>(data[i + 1]) << 8;
        if (n > 2) v |= data[i + 2];
        for (std::size_t k = 0; k < 4; ++k) out += k <= n ? digits[(v >> (18 - 6 * k)) & 63u] : '=';
    }
    return out;
}

// RFC 7468 text: 64-column base64 lines between the BEGIN and END lines.
std::string pem_text(std::string_view label, const bytes_vector& der_bytes) {
    std::string encoded = base64(der_bytes);
    std::string out = "-----BEGIN " + std::string(label) + "-----\n";
    for (std::size_t i = 0; i < encoded.size(); i += 64) out += encoded.substr(i, 64) + "\n";
    out += "-----END " + std::string(label) + "-----\n";
    carapace::secure_wipe(std::span<char>(encoded));
    return out;
}

// A scalar in [1, n) by rejection sampling: the chance of a retry is under 2^-32.
template <class Curve>
void generate_ec(private_key& key, host::getrandom_source& random) {
    key.size = Curve::scalar_size;
    do {
        random.fill(carapace::byte_span(key.storage.data(), key.size));
    } while (!host::detail::derive_ec_public_key<Curve>(key));
}

}  // namespace

std::string key_type_name(key_type type) { return host::detail::key_type_name(type); }

std::string load_private_key(const std::string& path, private_key& out) {
    std::string error;
    return host::load_private_key(path, out, error) ? std::string{} : error;
}

std::string load_public_key(const std::string& path, public_key& out) {
    std::string text, error;
    bytes_vector der_bytes;
    if (!host::read_file(path, text, error)) return error;
    std::string_view label;
    if (!host::detail::first_pem_block(text, path, {pem::public_key, pem::certificate}, der_bytes, label, error))
        return error;
    x509::public_key_info info;
    if (label == pem::public_key) {
        auto spki = x509::parse_public_key(der_bytes);
        if (!spki) return path + ": malformed public key";
        info = *spki;
    } else {
        auto cert = x509::parse_certificate(der_bytes);
        if (!cert) return path + ": malformed certificate";
        info = cert->public_key;
    }
    out.type = info.type;
    out.key.assign(info.key.begin(), info.key.end());
    switch (info.type) {
        case key_type::ed25519:
        case key_type::x25519: return {};
        case key_type::ec_p256:
            if (carapace::ec_validate_point<carapace::p256>(info.key)) return {};
            return path + ": the key is not a point on P-256";
        case key_type::ec_p384:
            if (carapace::ec_validate_point<carapace::p384>(info.key)) return {};
            return path + ": the key is not a point on P-384";
        case key_type::rsa:
        case key_type::rsa_pss:
            if (carapace::parse_rsa_public_key_pkcs1(info.key)) return {};
            return path + ": an RSA key outside 1024..8192 bits, or with an even or too large exponent";
        default: return path + ": " + key_type_name(info.type) + " key type (Ed25519, P-256, P-384 and RSA are)";
    }
}

std::string generate_rsa_private_key_pem(std::size_t bits) {
    host::getrandom_source random;
    bytes_vector rsa_der(carapace::rsa_private_key_der_max(host::max_rsa_bits));
    const auto fill = [&](carapace::byte_span out) { random.fill(out); };
    const auto n = carapace::rsa_generate_key<host::max_rsa_bits>(bits, fill, rsa_der);
    if (!n) return {};
    rsa_der.resize(*n);
    // PKCS#8 (RFC 5958) around it: version 0, { rsaEncryption, NULL } (RFC 8017 A.1), the key.
    const bytes_vector id = oid_element(x509::oid::rsa_encryption), null{der::null, 0};
    const bytes_vector algorithm = tlv(der::sequence, concat({&id, &null}));
    const bytes_vector version = tlv(der::integer, {0});
    bytes_vector wrapped = tlv(der::octet_string, rsa_der);
    bytes_vector fields = concat({&version, &algorithm, &wrapped});
    bytes_vector der_bytes = tlv(der::sequence, fields);
    std::string text = pem_text(pem::private_key, der_bytes);
    for (bytes_vector* v : {&rsa_der, &wrapped, &fields, &der_bytes}) carapace::secure_wipe(v->data(), v->size());
    return text;
}

std::string generate_private_key_pem(key_type type) {
    host::getrandom_source random;
    private_key key;
    key.type = type;
    bytes_vector algorithm, secret_part;
    switch (type) {
        case key_type::ed25519:
        case key_type::x25519: {
            // RFC 8410 §7: no parameters; privateKey is CurvePrivateKey, an OCTET STRING of the seed.
            key.size = 32;
            random.fill(carapace::byte_span(key.storage.data(), key.size));
            algorithm = tlv(der::sequence, oid_element(type == key_type::ed25519 ? byte_view(x509::oid::ed25519)
                                                                                  : byte_view(x509::oid::x25519)));
            bytes_vector seed(key.storage.begin(), key.storage.begin() + 32);
            secret_part = tlv(der::octet_string, seed);
            carapace::secure_wipe(seed.data(), seed.size());
            break;
        }
        case key_type::ec_p256:
        case key_type::ec_p384: {
            if (type == key_type::ec_p256) generate_ec<carapace::p256>(key, random);
            else generate_ec<carapace::p384>(key, random);
            // RFC 5915 §3 inside RFC 5958, as openssl writes it: ECPrivateKey { 1, d, [1] publicKey },
            // the curve named once, in the algorithm's parameters.
            const bytes_vector curve = oid_element(type == key_type::ec_p256 ? byte_view(x509::oid::secp256r1)
                                                                              : byte_view(x509::oid::secp384r1));
            const bytes_vector id = oid_element(x509::oid::ec_public_key);
            algorithm = tlv(der::sequence, concat({&id, &curve}));
            const bytes_vector version = tlv(der::integer, {1});
            bytes_vector scalar(key.storage.begin(), key.storage.begin() + static_cast<std::ptrdiff_t>(key.size));
            bytes_vector d = tlv(der::octet_string, scalar);
            carapace::secure_wipe(scalar.data(), scalar.size());
            bytes_vector bits{0};
            bits.insert(bits.end(), key.public_key.begin(), key.public_key.end());
            const bytes_vector point = tlv(der::context_constructed(1), tlv(der::bit_string, bits));
            bytes_vector fields = concat({&version, &d, &point});
            secret_part = tlv(der::sequence, fields);
            carapace::secure_wipe(d.data(), d.size());
            carapace::secure_wipe(fields.data(), fields.size());
            break;
        }
        default: return {};
    }
    const bytes_vector version = tlv(der::integer, {0});
    bytes_vector wrapped = tlv(der::octet_string, secret_part);
    bytes_vector fields = concat({&version, &algorithm, &wrapped});
    bytes_vector der_bytes = tlv(der::sequence, fields);
    std::string text = pem_text(pem::private_key, der_bytes);
    for (bytes_vector* v : {&secret_part, &wrapped, &fields, &der_bytes}) carapace::secure_wipe(v->data(), v->size());
    return text;
}

}  // namespace carapace_tool
