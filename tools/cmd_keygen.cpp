// carapace-tool genkey | sign: the commands that draw randomness (getrandom), with keys in the
// files openssl reads and writes (tools/key_files.hpp).
//   genkey {ed25519|x25519|p256|p384|rsa2048|rsa3072|rsa4096}
//                                       -> a PKCS#8 PEM private key on stdout (what `openssl
//                                       genpkey` writes); RSA with e = 65537 (rsa/keygen.hpp)
//   sign --key PEM [--pss|--pkcs1]      stdin message -> hex signature: Ed25519's 64 bytes; ECDSA's
//                                       DER with SHA-256 (P-256) or SHA-384 (P-384), hedged with 32
//                                       fresh random bytes (RFC 6979 §3.6); RSA with SHA-256,
//                                       RSASSA-PSS (MGF1-SHA-256, 32 random salt bytes) or, asked
//                                       for, PKCS#1 v1.5 (RFC 8017 §8.1, §8.2), exponent blinded
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "key_files.hpp"
#include "host/random.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/rsa/rsa.hpp"

namespace carapace_tool {

namespace {

template <class Curve>
std::vector<std::uint8_t> ecdsa_sign(const private_key& key, carapace::byte_view message) {
    // The scalar was checked when the key was loaded.
    const auto signer = carapace::ecdsa_private_key<Curve>::from_scalar(key.key().first<Curve::scalar_size>());
    carapace::bytes<32> extra{};
    host::getrandom_source().fill(extra);
    carapace::bytes<Curve::signature_size> rs{};
    signer->sign(rs, message, signing_hash(key.type), extra);
    carapace::bytes<Curve::max_der_signature_size> der_bytes{};
    const std::size_t n = carapace::ecdsa_rs_to_der<Curve>(rs, der_bytes);
    return std::vector<std::uint8_t>(der_bytes.begin(), der_bytes.begin() + static_cast<std::ptrdiff_t>(n));
}

// RSA-PSS (the default) or PKCS#1 v1.5 with SHA-256; blinding and salt from getrandom.
std::vector<std::uint8_t> rsa_sign(const private_key& key, carapace::byte_view message, bool pkcs1) {
    const auto signer = host::rsa_key::from_pkcs1_der(key.rsa_der);  // checked when the key was loaded
    if (!signer) return {};
    host::getrandom_source random;
    carapace::bytes<32> salt{};
    carapace::bytes<carapace::rsa_blinding_size> blinding{};
    random.fill(salt);
    random.fill(blinding);
    std::vector<std::uint8_t> out(signer->signature_size());
    const auto n = pkcs1 ? signer->sign_pkcs1(rsa_signing_hash, message, blinding, out)
                         : signer->sign_pss(rsa_signing_hash, message, salt, blinding, out);
    carapace::secure_wipe(blinding);
    if (!n) return {};
    out.resize(*n);
    return out;
}

}  // namespace

int cmd_genkey(std::span<char* const> argv) {
    const arguments args(argv, {});
    if (!args.ok()) return usage_error("genkey: " + args.error());
    if (args.positionals().size() != 1)
        return usage_error("genkey: want one key type: ed25519, x25519, p256, p384, rsa2048, rsa3072 or rsa4096");
    const std::string& name = args.positionals()[0];
    std::size_t rsa_bits = 0;
    if (name == "rsa2048") rsa_bits = 2048;
    if (name == "rsa3072") rsa_bits = 3072;
    if (name == "rsa4096") rsa_bits = 4096;
    if (rsa_bits != 0) {
        std::string text = generate_rsa_private_key_pem(rsa_bits);
        if (text.empty()) return failure("genkey: RSA key generation failed");
        const bool written =
            std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0;
        carapace::secure_wipe(std::span<char>(text));
        return written ? exit_ok : failure("genkey: error writing standard output");
    }
    key_type type = key_type::unknown;
    if (name == "ed25519") type = key_type::ed25519;
    if (name == "x25519") type = key_type::x25519;
    if (name == "p256") type = key_type::ec_p256;
    if (name == "p384") type = key_type::ec_p384;
    if (type == key_type::unknown)
        return usage_error("genkey: unknown key type '" + name +
                           "' (known: ed25519 x25519 p256 p384 rsa2048 rsa3072 rsa4096)");
    std::string text = generate_private_key_pem(type);
    const bool written = std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0;
    carapace::secure_wipe(std::span<char>(text));
    return written ? exit_ok : failure("genkey: error writing standard output");
}

int cmd_sign(std::span<char* const> argv) {
    const arguments args(argv, {{"key", true}, {"pss", false}, {"pkcs1", false}});
    std::string error, path;
    if (!no_positionals(args, error) || !required_value(args, "key", "PEM", path, error))
        return usage_error("sign: " + error);
    const bool pkcs1 = args.flag("pkcs1");
    if (pkcs1 && args.flag("pss")) return usage_error("sign: --pss and --pkcs1 exclude each other");
    private_key key;
    if (error = load_private_key(path, key); !error.empty()) return usage_error("sign: " + error);
    if (key.type == key_type::x25519) return usage_error("sign: " + path + ": an X25519 key does not sign (see ecdh)");
    const bool rsa = key.type == key_type::rsa || key.type == key_type::rsa_pss;
    if (!rsa && (pkcs1 || args.flag("pss"))) return usage_error("sign: --pss and --pkcs1 are for RSA keys");
    if (pkcs1 && key.type == key_type::rsa_pss)
        return usage_error("sign: " + path + ": an RSASSA-PSS key signs with PSS only (RFC 4055 §1.2)");
    std::vector<std::uint8_t> message, signature;
    if (!read_all_stdin(message)) return failure("sign: error reading standard input");
    if (rsa) {
        signature = rsa_sign(key, message, pkcs1);
        if (signature.empty()) return failure("sign: the RSA signature failed its check (a fault?)");
    } else if (key.type == key_type::ed25519) {
        const carapace::ed25519_private_key signer(key.key().first<32>());
        const auto s = signer.sign(message);
        signature.assign(s.begin(), s.end());
    } else if (key.type == key_type::ec_p256) {
        signature = ecdsa_sign<carapace::p256>(key, message);
    } else {
        signature = ecdsa_sign<carapace::p384>(key, message);
    }
    return print_hex_line(signature) ? exit_ok : failure("sign: error writing standard output");
}

}  // namespace carapace_tool
