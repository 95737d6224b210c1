// carapace-tool verify-sig | ecdh: the same operations as ed25519-verify and x25519, with keys
// in the files openssl reads and writes (tools/key_files.hpp) and P-256/P-384 too. genkey and
// sign, which draw randomness, are in cmd_keygen.cpp.
//   verify-sig --pub PEM --sig HEX [--pss|--pkcs1]
//                                       stdin message -> "ok" (exit 0) | "bad signature" (exit 1);
//                                       RSA: SHA-256, PSS (salt 32) by default or PKCS#1 v1.5
//   ecdh --key PEM --peer HEX           -> hex of the shared secret (X25519: a 32-byte u; P-256,
//                                       P-384: a SEC 1 point); a peer that gives no secret: exit 1
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "key_files.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/rsa/rsa.hpp"

namespace carapace_tool {

namespace {

using carapace::byte_view;

template <class Curve>
carapace::errc ec_agree(std::vector<std::uint8_t>& shared, const private_key& key, byte_view peer) {
    carapace::bytes<Curve::field_size> out{};
    const carapace::errc e = carapace::ecdh<Curve>(out, key.key().first<Curve::scalar_size>(), peer);
    shared.assign(out.begin(), out.end());
    carapace::secure_wipe(out);
    return e;
}

bool print_line(const char* text) { return std::fputs(text, stdout) >= 0 && std::fflush(stdout) == 0; }

}  // namespace

int cmd_verify_sig(std::span<char* const> argv) {
    const arguments args(argv, {{"pub", true}, {"sig", true}, {"pss", false}, {"pkcs1", false}});
    std::string error, path, sig_text;
    if (!no_positionals(args, error) || !required_value(args, "pub", "PEM", path, error) ||
        !required_value(args, "sig", "HEX", sig_text, error))
        return usage_error("verify-sig: " + error);
    const bool pkcs1 = args.flag("pkcs1");
    if (pkcs1 && args.flag("pss")) return usage_error("verify-sig: --pss and --pkcs1 exclude each other");
    public_key key;
    if (error = load_public_key(path, key); !error.empty()) return usage_error("verify-sig: " + error);
    if (key.type == key_type::x25519) return usage_error("verify-sig: " + path + ": an X25519 key does not sign");
    const bool rsa = key.type == key_type::rsa || key.type == key_type::rsa_pss;
    if (!rsa && (pkcs1 || args.flag("pss"))) return usage_error("verify-sig: --pss and --pkcs1 are for RSA keys");
    const auto signature = parse_hex(sig_text);
    if (!signature) return usage_error("verify-sig: --sig is not valid hex");
    std::vector<std::uint8_t> message;
    if (!read_all_stdin(message)) return failure("verify-sig: error reading standard input");
    bool good = false;
    if (rsa) {
        // Checked when loaded; an RSASSA-PSS key never makes a PKCS#1 v1.5 signature.
        const auto rsa_key = carapace::parse_rsa_public_key_pkcs1(key.key);
        const std::size_t salt = carapace::digest_size(rsa_signing_hash);
        good = rsa_key && (pkcs1 ? key.type == key_type::rsa &&
                                       carapace::rsa_verify_pkcs1(*rsa_key, rsa_signing_hash, message, *signature)
                                 : carapace::rsa_verify_pss(*rsa_key, rsa_signing_hash, rsa_signing_hash, salt, message,
                                                            *signature));
    } else if (key.type == key_type::ed25519)
        good = carapace::ed25519_verify(byte_view(key.key).first<32>(), message, *signature);
    else if (key.type == key_type::ec_p256)
        good = carapace::ecdsa_verify_der<carapace::p256>(key.key, message, signing_hash(key.type), *signature);
    else
        good = carapace::ecdsa_verify_der<carapace::p384>(key.key, message, signing_hash(key.type), *signature);
    if (!print_line(good ? "ok\n" : "bad signature\n")) return failure("verify-sig: error writing standard output");
    return good ? exit_ok : exit_failure;
}

int cmd_ecdh(std::span<char* const> argv) {
    const arguments args(argv, {{"key", true}, {"peer", true}});
    std::string error, path, peer_text;
    if (!no_positionals(args, error) || !required_value(args, "key", "PEM", path, error) ||
        !required_value(args, "peer", "HEX", peer_text, error))
        return usage_error("ecdh: " + error);
    private_key key;
    if (error = load_private_key(path, key); !error.empty()) return usage_error("ecdh: " + error);
    if (key.type == key_type::ed25519) return usage_error("ecdh: " + path + ": an Ed25519 key only signs (see sign)");
    const auto peer = parse_hex(peer_text);
    if (!peer) return usage_error("ecdh: --peer is not valid hex");
    const std::size_t field = key.type == key_type::x25519 ? 32 : key.size;
    const bool sized = key.type == key_type::x25519 ? peer->size() == 32
                                                    : peer->size() == 1 + 2 * field || peer->size() == 1 + field;
    if (!sized) {
        const std::string want = key.type == key_type::x25519 ? "32 bytes"
                                                              : std::to_string(1 + 2 * field) + " (uncompressed) or " +
                                                                    std::to_string(1 + field) + " (compressed) bytes";
        return usage_error("ecdh: --peer for a " + key_type_name(key.type) + " key must be " + want + ", not " +
                           std::to_string(peer->size()));
    }
    std::vector<std::uint8_t> shared;
    carapace::errc e = carapace::errc::ok;
    if (key.type == key_type::x25519) {
        carapace::bytes<32> out{};
        e = carapace::x25519(out, key.key().first<32>(), byte_view(*peer).first<32>());
        shared.assign(out.begin(), out.end());
        carapace::secure_wipe(out);
    } else if (key.type == key_type::ec_p256) {
        e = ec_agree<carapace::p256>(shared, key, *peer);
    } else {
        e = ec_agree<carapace::p384>(shared, key, *peer);
    }
    if (e != carapace::errc::ok) {
        carapace::secure_wipe(shared.data(), shared.size());
        if (key.type == key_type::x25519)
            return failure("ecdh: the result is all zero (the peer point has small order)");
        return failure("ecdh: the peer key is not a point on " + key_type_name(key.type));
    }
    const bool written = print_hex_line(shared);
    carapace::secure_wipe(shared.data(), shared.size());
    return written ? exit_ok : failure("ecdh: error writing standard output");
}

}  // namespace carapace_tool
