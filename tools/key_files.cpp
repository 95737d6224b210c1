#include "key_files.hpp"

#include <algorithm>
#include <string_view>

#include "host/files.hpp"
#include "host/random.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/ec/x25519.hpp"
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

// Wipes a file's text and its decoded form however the loader returns.
struct wipe_on_exit {
    std::string& text;
    bytes_vector& der_bytes;
    ~wipe_on_exit() {
        carapace::secure_wipe(std::span<char>(text));
        carapace::secure_wipe(der_bytes.data(), der_bytes.size());
    }
};

// The first block of `text` with one of `labels`, decoded into `out`, its label in `found`. ""
// on success.
std::string first_block(const std::string& text, const std::string& path, std::initializer_list<std::string_view> labels,
                        bytes_vector& out, std::string_view& found) {
    pem::reader r(text);
    for (auto block = r.next(); block; block = r.next()) {
        if (block->label == "ENCRYPTED PRIVATE KEY") return path + ": encrypted keys are not supported";
        if (std::find(labels.begin(), labels.end(), block->label) == labels.end()) continue;
        out.resize(pem::max_decoded_size(*block));
        const auto n = pem::decode(*block, out);
        if (!n) return path + ": bad base64 in a " + std::string(block->label) + " block";
        out.resize(*n);
        found = block->label;
        return {};
    }
    if (!r.ok()) return path + ": malformed PEM";
    std::string names;
    for (const auto label : labels) names += (names.empty() ? "" : " or ") + std::string(label);
    return path + ": no " + names + " block";
}

// Whether SEC 1 `point` (uncompressed or compressed) is `uncompressed` written either way.
bool same_point(byte_view point, const bytes_vector& uncompressed) {
    if (point.size() == uncompressed.size()) return std::equal(point.begin(), point.end(), uncompressed.begin());
    const std::size_t field = (uncompressed.size() - 1) / 2;
    if (point.size() != 1 + field) return false;
    const std::uint8_t prefix = static_cast<std::uint8_t>(0x02 | (uncompressed.back() & 1u));
    return point[0] == prefix && std::equal(point.begin() + 1, point.end(), uncompressed.begin() + 1);
}

template <class Curve>
bool ec_derive(private_key& key) {
    carapace::bytes<Curve::uncompressed_size> point{};
    if (carapace::ec_public_key<Curve>(point, byte_view(key.secret).first<Curve::scalar_size>()) != carapace::errc::ok)
        return false;
    key.public_key.assign(point.begin(), point.end());
    return true;
}

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

bytes_vector oid_element(byte_view content) { return tlv(der::object_identifier, bytes_vector(content.begin(), content.end())); }

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
        random.fill(carapace::byte_span(key.secret.data(), key.size));
    } while (!ec_derive<Curve>(key));
}

}  // namespace

private_key::~private_key() { carapace::secure_wipe(secret); }

std::string key_type_name(key_type type) {
    switch (type) {
        case key_type::ed25519: return "Ed25519";
        case key_type::x25519: return "X25519";
        case key_type::ec_p256: return "P-256";
        case key_type::ec_p384: return "P-384";
        case key_type::ec_p521: return "unsupported (P-521)";
        case key_type::rsa: return "unsupported (RSA)";
        default: return "unsupported";
    }
}

std::string load_private_key(const std::string& path, private_key& out) {
    std::string text, error;
    bytes_vector der_bytes;
    const wipe_on_exit wipe{text, der_bytes};
    if (!host::read_file(path, text, error)) return error;
    std::string_view label;
    if (error = first_block(text, path, {pem::private_key, pem::ec_private_key}, der_bytes, label); !error.empty())
        return error;
    const bool bare_ec = label == pem::ec_private_key;
    const auto info = bare_ec ? x509::parse_ec_private_key(der_bytes) : x509::parse_private_key(der_bytes);
    if (!info) return path + (bare_ec ? ": malformed EC private key" : ": malformed PKCS#8 private key");
    out.type = info->type;
    switch (info->type) {
        case key_type::ed25519:
        case key_type::x25519: {
            out.size = 32;
            std::copy(info->key.begin(), info->key.end(), out.secret.begin());
            const auto seed = byte_view(out.secret).first<32>();
            const auto derived =
                info->type == key_type::ed25519 ? carapace::ed25519_public_key(seed) : carapace::x25519_public_key(seed);
            out.public_key.assign(derived.begin(), derived.end());
            break;
        }
        case key_type::ec_p256:
        case key_type::ec_p384: {
            out.size = info->key.size();
            std::copy(info->key.begin(), info->key.end(), out.secret.begin());
            const bool in_range = info->type == key_type::ec_p256 ? ec_derive<carapace::p256>(out) : ec_derive<carapace::p384>(out);
            if (!in_range) return path + ": the private scalar is not in [1, n-1] for " + key_type_name(info->type);
            break;
        }
        default:
            return path + ": " + key_type_name(info->type) + " key type (Ed25519, X25519, P-256 and P-384 are)";
    }
    const bool matches = info->public_key.empty() ||
                         (out.public_key.size() == 32 ? std::equal(info->public_key.begin(), info->public_key.end(),
                                                                   out.public_key.begin(), out.public_key.end())
                                                      : same_point(info->public_key, out.public_key));
    if (!matches) return path + ": the public key in the file is not the private key's";
    return {};
}

std::string load_public_key(const std::string& path, public_key& out) {
    std::string text, error;
    bytes_vector der_bytes;
    if (!host::read_file(path, text, error)) return error;
    std::string_view label;
    if (error = first_block(text, path, {pem::public_key, pem::certificate}, der_bytes, label); !error.empty()) return error;
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
            return carapace::ec_validate_point<carapace::p256>(info.key) ? "" : path + ": the key is not a point on P-256";
        case key_type::ec_p384:
            return carapace::ec_validate_point<carapace::p384>(info.key) ? "" : path + ": the key is not a point on P-384";
        default: return path + ": " + key_type_name(info.type) + " key type (Ed25519, P-256 and P-384 are)";
    }
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
            random.fill(carapace::byte_span(key.secret.data(), key.size));
            algorithm = tlv(der::sequence, oid_element(type == key_type::ed25519 ? byte_view(x509::oid::ed25519)
                                                                                  : byte_view(x509::oid::x25519)));
            bytes_vector seed(key.secret.begin(), key.secret.begin() + 32);
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
            bytes_vector scalar(key.secret.begin(), key.secret.begin() + static_cast<std::ptrdiff_t>(key.size));
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
