// carapace-tool speed [--seconds S] [NAME...]: throughput of each primitive, in the manner of
// `openssl speed`. Hashes and AEADs in MB/s over several message sizes (a fresh one-shot call
// per message), HMAC, HKDF and the curves in operations per second.
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "algorithms.hpp"
#include "cli.hpp"
#include "commands.hpp"
#include "speed_measure.hpp"
#include "carapace/aead/aes_gcm.hpp"
#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/kdf/hkdf.hpp"
#include "carapace/kem/mlkem.hpp"
#include "carapace/mac/hmac.hpp"
#include "carapace/version.hpp"

namespace carapace_tool {

namespace {

constexpr std::array<std::size_t, 6> hash_sizes = {16, 64, 256, 1024, 8192, 16384};

template <class Hash>
void speed_hash(const char* name, double seconds) {
    std::vector<std::uint8_t> message(hash_sizes.back(), 0x5a);
    std::printf("%-16s", name);
    for (const std::size_t size : hash_sizes) {
        const double ops = carapace_speed::ops_per_second(
            [&] { return Hash::hash(std::span<const std::uint8_t>(message.data(), size))[0]; }, seconds);
        std::printf(" %10.1f", ops * static_cast<double>(size) / 1e6);
    }
    std::printf("  MB/s\n");
}

// SHAKE as a hash row: 32 bytes of output per message.
template <class Xof>
struct xof_as_hash {
    static std::array<std::uint8_t, 32> hash(std::span<const std::uint8_t> message) {
        std::array<std::uint8_t, 32> out{};
        Xof::hash(message, out);
        return out;
    }
};

template <class Hash>
void speed_hmac(const char* name, double seconds) {
    const std::array<std::uint8_t, 32> key{1, 2, 3};
    const std::array<std::uint8_t, 64> message{4, 5, 6};
    const double ops = carapace_speed::ops_per_second(
        [&] { return carapace::hmac<Hash>::mac(key, message)[0]; }, seconds);
    std::printf("%-16s %12.0f ops/s   (32-byte key, 64-byte message, key setup included)\n", name, ops);
}

template <class Hash>
void speed_hkdf(const char* name, double seconds) {
    const std::array<std::uint8_t, 32> salt{1}, ikm{2};
    const std::array<std::uint8_t, 16> info{3};
    const double ops = carapace_speed::ops_per_second(
        [&] {
            std::array<std::uint8_t, 32> okm{};
            (void)carapace::hkdf<Hash>(salt, ikm, info, okm);
            return okm[0];
        },
        seconds);
    std::printf("%-16s %12.0f ops/s   (extract + 32-byte expand)\n", name, ops);
}

constexpr std::array<std::size_t, 3> aead_sizes = {64, 1350, 16384};

// Seal and open rows, in place, a 12-byte nonce and no AAD.
template <class Aead>
void speed_aead(const char* name, double seconds) {
    const carapace::bytes<Aead::key_size> key{1, 2, 3};
    const carapace::bytes<12> nonce{4, 5, 6};
    const Aead aead(key);
    std::vector<std::uint8_t> buffer(aead_sizes.back() + 16, 0x5a), sealed(aead_sizes.back() + 16);
    for (const bool seal : {true, false}) {
        std::printf("%-24s", (std::string(name) + (seal ? " seal" : " open")).c_str());
        for (const std::size_t size : aead_sizes) {
            const std::span<std::uint8_t> text(buffer.data(), size), out(sealed.data(), size + 16);
            (void)aead.seal(nonce, {}, text, out);
            const double ops = carapace_speed::ops_per_second(
                [&] {
                    if (seal) (void)aead.seal(nonce, {}, text, std::span<std::uint8_t>(buffer.data(), size + 16));
                    else (void)aead.open(nonce, {}, out, text);
                    return buffer[0];
                },
                seconds);
            std::printf(" %10.1f", ops * static_cast<double>(size) / 1e6);
        }
        std::printf("  MB/s\n");
    }
}

void speed_x25519(const char* name, double seconds) {
    const carapace::bytes<32> scalar{1, 2, 3}, peer{4, 5, 6};
    const auto point = carapace::x25519_public_key(peer);
    const double base = carapace_speed::ops_per_second([&] { return carapace::x25519_public_key(scalar)[0]; }, seconds);
    const double shared = carapace_speed::ops_per_second(
        [&] {
            carapace::bytes<32> out{};
            (void)carapace::x25519(out, scalar, point);
            return out[0];
        },
        seconds);
    std::printf("%-16s %12.0f ops/s   (base point: public key)\n", name, base);
    std::printf("%-16s %12.0f ops/s   (variable point: shared secret)\n", name, shared);
}

void speed_ed25519(const char* name, double seconds) {
    const carapace::bytes<32> seed{1, 2, 3};
    const carapace::bytes<64> message{4, 5, 6};
    const carapace::ed25519_private_key key(seed);
    const auto signature = key.sign(message);
    const double sign = carapace_speed::ops_per_second([&] { return key.sign(message)[0]; }, seconds);
    const double verify = carapace_speed::ops_per_second(
        [&] { return static_cast<std::uint8_t>(carapace::ed25519_verify(key.public_key(), message, signature)); },
        seconds);
    std::printf("%-16s %12.0f ops/s   (sign, 64-byte message, key expanded once)\n", name, sign);
    std::printf("%-16s %12.0f ops/s   (verify, 64-byte message)\n", name, verify);
}

// ECDSA sign and verify with the curve's TLS 1.3 hash, and ECDH with a peer point validated each
// time (as a key share is).
template <class Curve>
void speed_nist(const char* name, double seconds) {
    const auto hash = std::string_view(name) == "p256" ? carapace::ecdsa_hash::sha256 : carapace::ecdsa_hash::sha384;
    carapace::bytes<Curve::scalar_size> scalar{}, peer_scalar{};
    scalar[Curve::scalar_size - 1] = 1;
    scalar[0] = 0x12;
    peer_scalar[0] = 0x34;
    const auto key = carapace::ecdsa_private_key<Curve>::from_scalar(scalar);
    const auto peer = carapace::ecdsa_private_key<Curve>::from_scalar(peer_scalar);
    const carapace::bytes<64> message{4, 5, 6};
    const carapace::bytes<32> extra{7};
    carapace::bytes<Curve::signature_size> signature{};
    key->sign(signature, message, hash, extra);
    const double sign = carapace_speed::ops_per_second(
        [&] {
            carapace::bytes<Curve::signature_size> s{};
            key->sign(s, message, hash, extra);
            return s[0];
        },
        seconds);
    const double verify = carapace_speed::ops_per_second(
        [&] {
            const bool good = carapace::ecdsa_verify<Curve>(key->public_key(), message, hash, signature);
            return static_cast<std::uint8_t>(good);
        },
        seconds);
    const double shared = carapace_speed::ops_per_second(
        [&] {
            carapace::bytes<Curve::field_size> out{};
            (void)carapace::ecdh<Curve>(out, scalar, peer->public_key());
            return out[0];
        },
        seconds);
    std::printf("%-16s %12.0f ops/s   (ECDSA sign, 64-byte message, hedged)\n", name, sign);
    std::printf("%-16s %12.0f ops/s   (ECDSA verify, 64-byte message)\n", name, verify);
    std::printf("%-16s %12.0f ops/s   (ECDH: peer point validated, shared secret)\n", name, shared);
}

// KeyGen from a seed, Encaps with a fixed m, Decaps of a valid ciphertext (expanded key).
template <class Kem>
void speed_mlkem(const char* name, double seconds) {
    const carapace::bytes<64> seed{1, 2, 3};
    const carapace::bytes<32> m{4, 5, 6};
    typename Kem::encapsulation_key ek{};
    typename Kem::decapsulation_key dk{};
    typename Kem::ciphertext ct{};
    typename Kem::shared_secret ss{};
    (void)Kem::keygen(seed, ek, dk);
    (void)Kem::encapsulate(ek, m, ct, ss);
    const double keygen = carapace_speed::ops_per_second(
        [&] {
            (void)Kem::keygen(seed, ek, dk);
            return ek[0];
        },
        seconds);
    const double encaps = carapace_speed::ops_per_second(
        [&] {
            (void)Kem::encapsulate(ek, m, ct, ss);
            return ss[0];
        },
        seconds);
    const double decaps = carapace_speed::ops_per_second(
        [&] {
            (void)Kem::decapsulate(dk, ct, ss);
            return ss[0];
        },
        seconds);
    std::printf("%-16s %12.0f ops/s   (KeyGen from a 64-byte seed)\n", name, keygen);
    std::printf("%-16s %12.0f ops/s   (Encaps, modulus check included)\n", name, encaps);
    std::printf("%-16s %12.0f ops/s   (Decaps, expanded key, hash check included)\n", name, decaps);
}

enum class table { hash, aead, ops };

struct entry {
    const char* name;
    void (*run)(const char*, double);
    table kind;
};

constexpr std::array<entry, 25> entries = {{
    {"sha224", speed_hash<carapace::sha224>, table::hash},
    {"sha256", speed_hash<carapace::sha256>, table::hash},
    {"sha384", speed_hash<carapace::sha384>, table::hash},
    {"sha512", speed_hash<carapace::sha512>, table::hash},
    {"sha512-256", speed_hash<carapace::sha512_256>, table::hash},
    {"sha3-256", speed_hash<carapace::sha3_256>, table::hash},
    {"sha3-512", speed_hash<carapace::sha3_512>, table::hash},
    {"shake128", speed_hash<xof_as_hash<carapace::shake128>>, table::hash},
    {"shake256", speed_hash<xof_as_hash<carapace::shake256>>, table::hash},
    {"aes-128-gcm", speed_aead<carapace::aes128_gcm>, table::aead},
    {"aes-256-gcm", speed_aead<carapace::aes256_gcm>, table::aead},
    {"chacha20-poly1305", speed_aead<carapace::chacha20_poly1305>, table::aead},
    {"hmac-sha256", speed_hmac<carapace::sha256>, table::ops},
    {"hmac-sha384", speed_hmac<carapace::sha384>, table::ops},
    {"hmac-sha512", speed_hmac<carapace::sha512>, table::ops},
    {"hkdf-sha256", speed_hkdf<carapace::sha256>, table::ops},
    {"hkdf-sha384", speed_hkdf<carapace::sha384>, table::ops},
    {"hkdf-sha512", speed_hkdf<carapace::sha512>, table::ops},
    {"x25519", speed_x25519, table::ops},
    {"ed25519", speed_ed25519, table::ops},
    {"p256", speed_nist<carapace::p256>, table::ops},
    {"p384", speed_nist<carapace::p384>, table::ops},
    {"ml-kem-512", speed_mlkem<carapace::mlkem512>, table::ops},
    {"ml-kem-768", speed_mlkem<carapace::mlkem768>, table::ops},
    {"ml-kem-1024", speed_mlkem<carapace::mlkem1024>, table::ops},
}};

}  // namespace

int cmd_speed(std::span<char* const> argv) {
    const arguments args(argv, {{"seconds", true}});
    if (!args.ok()) return usage_error("speed: " + args.error());
    double seconds = 0.3;
    if (const auto text = args.value("seconds")) {
        const auto whole = parse_decimal(*text, 600);
        if (!whole || *whole == 0) return usage_error("speed: --seconds takes a whole number from 1 to 600");
        seconds = static_cast<double>(*whole);
    }
    std::vector<const entry*> chosen;
    for (const auto& name : args.positionals()) {
        const entry* found = nullptr;
        for (const auto& e : entries)
            if (name == e.name) found = &e;
        if (found == nullptr) {
            std::string known;
            for (const auto& e : entries) known += std::string(" ") + e.name;
            return usage_error("speed: unknown algorithm '" + name + "' (known:" + known + ")");
        }
        chosen.push_back(found);
    }
    if (chosen.empty())
        for (const auto& e : entries) chosen.push_back(&e);

    // The engine each dispatcher picked on this CPU (every one is "portable" when forced).
    std::printf("carapace %s speed: sha256 uses %s, sha512 uses %s, AES-GCM uses %s, ChaCha20-Poly1305 uses %s,"
                " X25519/Ed25519 use %s, P-256 uses %s, P-384 uses %s; %.1f s per figure\n",
                CARAPACE_VERSION_STRING, carapace::detail::sha256_dispatch::chosen_name(),
                carapace::detail::sha512_dispatch::chosen_name(), carapace::detail::gcm_dispatch::chosen_name(),
                carapace::detail::chacha20_poly1305_dispatch::chosen_name(),
                carapace::detail::curve25519_dispatch::chosen_name(), carapace::p256::engine::chosen_name(),
                carapace::p384::engine::chosen_name(), seconds);
    bool hash_header = false, aead_header = false;
    for (const entry* e : chosen) {
        if (e->kind == table::hash && !hash_header) {
            std::printf("%-16s", "type");
            for (const std::size_t size : hash_sizes) std::printf(" %10zu", size);
            std::printf("  bytes per message\n");
            hash_header = true;
        }
        if (e->kind == table::aead && !aead_header) {
            std::printf("%-24s", "type");
            for (const std::size_t size : aead_sizes) std::printf(" %10zu", size);
            std::printf("  bytes per message\n");
            aead_header = true;
        }
        e->run(e->name, seconds);
        std::fflush(stdout);
    }
    return exit_ok;
}

}  // namespace carapace_tool
