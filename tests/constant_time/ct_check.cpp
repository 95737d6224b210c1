// The constant-time check: each engine that handles secrets runs with its secrets (keys, plaintext,
// scalars, nonces) marked uninitialized, under valgrind's memcheck or MemorySanitizer (see
// checker.hpp), which then report every branch and memory address that depends on them. What is
// public by design (ciphertexts, tags, public keys, signatures) is marked initialized before
// anything looks at it; inside the library, ct::declassify does the same for the few answers that
// are public (whether a tag matched, where a record's padding ends).
//
//   ct-check                 runs every check this CPU and this checker allow; must report nothing
//   ct-check --planted-leak  runs a deliberately leaky function, which the checker must report
//
// Each check also tests its own results (a round trip, agreement with another engine) and that
// each output it makes public was in fact derived from the secrets, so that a check that silently
// checked nothing would fail. The exit status is 1 when one of those fails. scripts/ct-check
// builds and runs it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>

#include "carapace/aead/aes_ccm.hpp"
#include "carapace/aead/aes_gcm.hpp"
#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/aead/detail/poly1305_avx2.hpp"
#include "carapace/aead/detail/poly1305_avx512.hpp"
#include "carapace/aead/detail/poly1305_ifma.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/kem/mlkem.hpp"
#include "carapace/mac/hmac.hpp"
#include "carapace/rsa/rsa.hpp"
#include "carapace/tls/detail/record_cipher.hpp"
#include "checker.hpp"
#include "planted_leak.hpp"

namespace {

using namespace carapace;
namespace cd = carapace::detail;
using ct_check::publish;
using ct_check::mark_secret;

// Bytes that depend on their position and a seed: test data, public until marked secret.
void fill(byte_span out, unsigned seed) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i * 29 + seed * 101 + 7);
}

bool same(byte_view a, byte_view b) { return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0; }

class runner {
public:
    // Runs check() (which returns whether its results were right) unless `not_run` gives a reason
    // to leave it out.
    template <class F>
    void item(const char* area, const char* engine, const char* not_run, F&& check) {
        if (not_run != nullptr) {
            std::printf("not run: %s [%s]: %s\n", area, engine, not_run);
            return;
        }
        const bool ok = check();
        std::printf("%s: %s [%s]\n", ok ? "checked" : "FAILED (wrong results)", area, engine);
        std::fflush(stdout);
        ++(ok ? checked_ : failed_);
    }

    [[nodiscard]] int finish() const {
        std::printf("%d checked, %d with wrong results (checker: %s)\n", checked_, failed_, ct_check::checker_name);
        return failed_ == 0 && checked_ > 0 ? 0 : 1;
    }

private:
    int checked_ = 0, failed_ = 0;
};

// Whether this run checks a piece of code, or why not (nullptr: it does). `supported`: this CPU
// has what it needs, as the checker shows the CPU. `for_msan`: the MemorySanitizer run checks it
// too, as it must for what valgrind cannot execute; the rest is left to valgrind, which follows
// secrets more closely (checker.hpp). `in_asm`: it runs inline asm on secrets, which MSan cannot
// follow.
const char* not_run_reason(bool supported, bool for_msan, bool in_asm = false) {
    if (!ct_check::checker_follows_asm) {
        if (!for_msan) return "left to the valgrind run";
        if (in_asm) return "inline asm on secrets, which MemorySanitizer cannot follow (the valgrind run checks it)";
    }
    if (!supported) {
        return ct_check::checker_follows_asm && for_msan ? "valgrind cannot execute it (the MSan run checks it)"
                                                         : "not supported by this CPU";
    }
    return nullptr;
}

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
// RSA's IFMA powers alone: the engine tag (rsa/detail/mont_mulx.hpp) with the portable products.
struct rsa_ifma_powers {
    static constexpr const char* name = "avx512-ifma powers";
    static bool supported() noexcept { return cd::rsa_mont_ifma::supported(); }
    static constexpr bool mulx_products = false, ifma_powers = true;
};
#endif

// valgrind's CPUID hides ADX, but valgrind executes ADX and MULX: the MULX/ADX engine runs under it.
bool mulx_runs() {
    return cd::curve25519_mulx::supported() ||
           (ct_check::checker_follows_asm && ct_check::under_checker() && cpu::features().bmi2);
}

// ---- AEADs: the key schedule, seal and open (good and bad tag) at lengths that reach each
// engine's wide paths (AES-NI 8 blocks, VAES 16, AVX-512 ChaCha20 2 KiB, IFMA Poly1305 1 KiB).

constexpr std::size_t message_sizes[] = {0, 1, 17, 255, 1000, 3100};
constexpr std::size_t max_message = 3100;

template <class Aead>
bool check_aead(unsigned seed) {
    bytes<Aead::key_size> key{};
    fill(key, seed);
    mark_secret(key);
    const Aead aead(key);
    bytes<Aead::nonce_size> nonce{};
    fill(nonce, seed + 1);
    bytes<13> aad{};
    fill(aad, seed + 2);
    static std::array<std::uint8_t, max_message> plain, expected, sealed, opened;
    bool ok = true;
    for (const std::size_t size : message_sizes) {
        const byte_span p = byte_span(plain).first(size), c = byte_span(sealed).first(size),
                        o = byte_span(opened).first(size), e = byte_span(expected).first(size);
        fill(e, seed + 3 + static_cast<unsigned>(size));
        std::memcpy(p.data(), e.data(), size);
        mark_secret(p.data(), size);
        bytes<16> tag{};
        ok &= aead.seal(nonce, aad, p, c, tag) == errc::ok;
        ok &= publish(c.data(), size);  // on the wire
        ok &= publish(tag);
        ok &= aead.open(nonce, aad, c, tag, o) == errc::ok;
        ok &= publish(o.data(), size);
        ok &= same(o, e);
        tag[15] ^= 1;
        ok &= aead.open(nonce, aad, c, tag, o) == errc::authentication_failed;
    }
    // AES-GCM with a nonce other than 12 bytes: J0 from GHASH under the secret key.
    if constexpr (requires { Aead::max_nonce_size; }) {
        const byte_view short_nonce = byte_view(nonce).first(8);
        const byte_span p = byte_span(plain).first(100), c = byte_span(sealed).first(100);
        fill(p, seed + 4);
        mark_secret(p.data(), p.size());
        bytes<16> tag{};
        ok &= aead.seal(short_nonce, aad, p, c, tag) == errc::ok;
        ok &= publish(c.data(), c.size());
        ok &= publish(tag);
        ok &= aead.open(short_nonce, aad, c, tag, p) == errc::ok;
    }
    return ok;
}

template <class Engine>
void check_gcm(runner& run, bool for_msan) {
    run.item("AES-GCM 128/192/256", Engine::name, not_run_reason(Engine::supported(), for_msan), [] {
        return check_aead<aes_gcm_with<16, Engine>>(1) && check_aead<aes_gcm_with<24, Engine>>(2) &&
               check_aead<aes_gcm_with<32, Engine>>(3);
    });
}

// AES-CCM through its fixed forms (16-byte tags, 12-byte nonces): the same mode code as every
// other tag and nonce length.
template <class Engine>
void check_ccm(runner& run, bool for_msan) {
    run.item("AES-CCM 128/192/256", Engine::name, not_run_reason(Engine::supported(), for_msan), [] {
        return check_aead<aes_ccm_fixed_with<16, 16, 12, Engine>>(6) &&
               check_aead<aes_ccm_fixed_with<24, 16, 12, Engine>>(7) &&
               check_aead<aes_ccm_fixed_with<32, 16, 12, Engine>>(8);
    });
}

template <class Engine>
void check_chacha_poly(runner& run, bool for_msan) {
    run.item("ChaCha20-Poly1305, XChaCha20-Poly1305", Engine::name, not_run_reason(Engine::supported(), for_msan), [] {
        return check_aead<chacha20_poly1305_with<Engine>>(4) && check_aead<xchacha20_poly1305_with<Engine>>(5);
    });
}

// ---- ChaCha20 and Poly1305 alone.

template <auto XorStream>
bool check_chacha20_stream() {
    bytes<32> key_bytes{};
    fill(key_bytes, 6);
    mark_secret(key_bytes);
    const cd::chacha20_key key = cd::chacha20_load_key(key_bytes.data());
    bytes<12> nonce{};
    fill(nonce, 7);
    static std::array<std::uint8_t, max_message> in, out, back;
    fill(in, 8);
    std::array<std::uint8_t, max_message> expected = in;
    mark_secret(in);
    bool ok = true;
    for (const std::size_t size : message_sizes) {
        XorStream(key, 1, nonce.data(), in.data(), out.data(), size);
        ok &= publish(out.data(), size);  // ciphertext
        XorStream(key, 1, nonce.data(), out.data(), back.data(), size);
        ok &= publish(back.data(), size);
        ok &= same(byte_view(back).first(size), byte_view(expected).first(size));
    }
    return ok;
}

template <class Core>
bool check_poly1305() {
    bytes<32> key{};
    fill(key, 9);
    mark_secret(key);
    static std::array<std::uint8_t, max_message> message;
    bool ok = true;
    for (const std::size_t size : message_sizes) {
        fill(message, 10 + static_cast<unsigned>(size));
        mark_secret(message);
        bytes<16> tag{}, split_tag{};
        cd::poly1305_stream<Core> one(key.data());
        one.update(message.data(), size);
        one.finish(tag.data());
        cd::poly1305_stream<Core> parts(key.data());
        parts.update(message.data(), size / 3);
        parts.update(message.data() + size / 3, size - size / 3);
        parts.finish(split_tag.data());
        ok &= publish(tag);
        ok &= publish(split_tag);
        ok &= tag == split_tag;
    }
    return ok;
}

// ---- Tag comparison, HMAC.

bool check_equal() {
    bool ok = true;
    for (const std::size_t size : {std::size_t{16}, std::size_t{32}, std::size_t{48}}) {
        std::array<std::uint8_t, 48> a{}, b{};
        fill(a, 11);
        b = a;
        b[size - 1] ^= 0x80;
        mark_secret(a);
        mark_secret(b);
        const bool equal_self = ct::equal(byte_view(a).first(size), byte_view(a).first(size));
        const bool equal_other = ct::equal(byte_view(a).first(size), byte_view(b).first(size));
        ok &= ct::declassify(equal_self) && !ct::declassify(equal_other);
    }
    return ok;
}

template <class Hash>
bool check_hmac() {
    bool ok = true;
    for (const std::size_t key_size : {std::size_t{32}, std::size_t{200}}) {  // 200: longer than a block, hashed first
        std::array<std::uint8_t, 200> key{};
        std::array<std::uint8_t, 300> message{};
        fill(key, 12);
        fill(message, 13);
        mark_secret(key);
        mark_secret(message);
        const byte_view k = byte_view(key).first(key_size);
        auto tag = hmac<Hash>::mac(k, message);
        ok &= publish(tag);
        ok &= hmac<Hash>::verify(k, message, tag);
        ok &= hmac<Hash>::verify(k, message, byte_view(tag).first(16));
        tag[0] ^= 1;
        ok &= !hmac<Hash>::verify(k, message, tag);
    }
    return ok;
}

template <class Hash>
void check_hmac_engine(runner& run, const char* family, bool for_msan) {
    run.item(family, Hash::engine::name, not_run_reason(Hash::engine::supported(), for_msan),
             [] { return check_hmac<Hash>(); });
}

// ---- X25519 and Ed25519 signing.

using curve_reference = cd::curve25519_engine<cd::fe25519_25>;

template <class Engine>
bool check_x25519(bool with_base) {
    bytes<32> scalar{}, u{};
    fill(scalar, 14);
    fill(u, 15);  // the peer's public key
    bytes<32> expected{}, expected_public{};
    curve_reference::x25519(expected.data(), scalar.data(), u.data());
    curve_reference::x25519_base(expected_public.data(), scalar.data());
    mark_secret(scalar);
    bool ok = true;
    bytes<32> shared{};
    ok &= x25519<Engine>(shared, scalar, u) == errc::ok;
    ok &= publish(shared);  // compared here only: the real one stays secret
    ok &= shared == expected;
    const bytes<32> zero_point{};  // small order: the result is zero, which must be reported
    ok &= x25519<Engine>(shared, scalar, zero_point) == errc::invalid_argument;
    if (with_base) {
        bytes<32> public_key = x25519_public_key<Engine>(scalar);
        ok &= publish(public_key);
        ok &= public_key == expected_public;
    }
    return ok;
}

template <class Engine>
void check_x25519_engine(runner& run, const char* not_run, bool with_base = true) {
    run.item(with_base ? "X25519 (ladder, base point)" : "X25519 (ladder; base point is MULX/ADX's)", Engine::name,
             not_run, [with_base] { return check_x25519<Engine>(with_base); });
}

template <class Engine>
bool check_ed25519_signing() {
    bytes<32> seed{};
    std::array<std::uint8_t, 200> message{};
    fill(seed, 16);
    fill(message, 17);
    const std::array<std::uint8_t, 200> public_message = message;
    mark_secret(seed);
    mark_secret(message);  // what is signed may be secret too
    const ed25519_private_key_with<Engine> key(seed);
    bytes<32> public_key = key.public_key();
    bytes<64> signature = key.sign(message);
    bool ok = publish(public_key);
    ok &= publish(signature);
    return ok && ed25519_verify<curve_reference>(public_key, public_message, signature);
}

template <class Engine>
void check_ed25519_engine(runner& run, bool supported) {
    run.item("Ed25519 key expansion and signing", Engine::name, not_run_reason(supported, false),
             [] { return check_ed25519_signing<Engine>(); });
}

// ---- P-256 and P-384: public keys and ECDH with a secret scalar, ECDSA signing with a secret key
// (so a secret nonce) over a secret message, deterministic and hedged with secret extra bytes.

template <class Curve>
using nist_reference = cd::nist_portable32<typename Curve::params>;

template <class Curve, class Engine>
bool check_nist(unsigned seed) {
    constexpr std::size_t size = Curve::scalar_size;
    using reference = nist_reference<Curve>;
    bytes<size> scalar{}, peer_scalar{};
    fill(scalar, seed);
    fill(peer_scalar, seed + 1);
    scalar[0] &= 0x7f;  // below n
    peer_scalar[0] &= 0x7f;
    // What the results must be, from the reference engine on still public inputs.
    bytes<Curve::uncompressed_size> expected_public{}, peer{};
    bytes<Curve::field_size> expected_shared{};
    bool ok = ec_public_key<Curve, reference>(expected_public, scalar) == errc::ok;
    ok &= ec_public_key<Curve, reference>(peer, peer_scalar) == errc::ok;
    ok &= ecdh<Curve, reference>(expected_shared, peer_scalar, expected_public) == errc::ok;  // the peer's side
    std::array<std::uint8_t, 100> message{};
    fill(message, seed + 2);
    const std::array<std::uint8_t, 100> public_message = message;
    bytes<32> extra{};
    fill(extra, seed + 3);

    mark_secret(scalar);
    bytes<Curve::uncompressed_size> public_key{};
    ok &= ec_public_key<Curve, Engine>(public_key, scalar) == errc::ok;
    ok &= publish(public_key);
    ok &= public_key == expected_public;
    bytes<Curve::field_size> shared{};
    ok &= ecdh<Curve, Engine>(shared, scalar, peer) == errc::ok;
    ok &= publish(shared);  // compared here only: the real one stays secret
    ok &= shared == expected_shared;

    mark_secret(message);  // what is signed may be secret too
    mark_secret(extra);
    const auto key = ecdsa_private_key<Curve, Engine>::from_scalar(scalar);
    ok &= key.ok();
    bytes<Curve::uncompressed_size> key_public = key->public_key();
    ok &= publish(key_public);
    ok &= key_public == expected_public;
    for (const bool hedged : {false, true}) {
        for (const ecdsa_hash h : {ecdsa_hash::sha256, ecdsa_hash::sha384, ecdsa_hash::sha512}) {
            bytes<Curve::signature_size> signature{};
            key->sign(signature, message, h, hedged ? byte_view(extra) : byte_view{});
            ok &= publish(signature);
            ok &= ecdsa_verify<Curve, reference>(expected_public, public_message, h, signature);
        }
    }
    return ok;
}

template <class Curve, class Engine>
void check_nist_engine(runner& run, unsigned seed, const char* not_run) {
    const std::string area = std::string(Curve::name) + " public key, ECDH, ECDSA signing";
    run.item(area.c_str(), Engine::name, not_run, [seed] { return check_nist<Curve, Engine>(seed); });
}

template <class Curve>
void check_nist_engines(runner& run, unsigned seed) {
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
    // The P-256 field in MULX/ADX asm: valgrind follows it (its CPUID hides ADX, but it executes
    // it); MemorySanitizer cannot.
    if constexpr (std::is_same_v<Curve, p256>) {
        const bool runs = cd::p256_field_mulx::supported() ||
                          (ct_check::checker_follows_asm && ct_check::under_checker() && cpu::features().bmi2);
        check_nist_engine<Curve, cd::nist_p256_mulx>(run, seed, not_run_reason(runs, false, true));
    }
#endif
#if CARAPACE_HAVE_INT128
    check_nist_engine<Curve, cd::nist_portable64<typename Curve::params>>(run, seed, not_run_reason(true, false));
#endif
    check_nist_engine<Curve, cd::nist_portable32<typename Curve::params>>(run, seed, not_run_reason(true, false));
    check_nist_engine<Curve, typename Curve::engine>(run, seed, not_run_reason(true, false));
}

// ---- RSA: loading a private key (the consistency checks on p, q, d, dP, dQ, qInv) and signing
// (CRT exponentiation with the exponent blinded) with PSS over a secret message and salt, and
// PKCS#1 v1.5. The key: Wycheproof's rsa_pkcs1_2048_sig_gen_test.json, third group (PKCS#8).
// The first two bytes of each secret integer stay public: its DER encoding (the length, the
// minimal-form check of X.690 §8.3.2) shows them.

constexpr const char* rsa_key_hex =
    "308204bd020100300d06092a864886f70d0101010500048204a7308204a30201000282010100a2b451a07d0aa5f96e45"
    "5671513550514a8a5b462ebef717094fa1fee82224e637f9746d3f7cafd31878d80325b6ef5a1700f65903b469429e89"
    "d6eac8845097b5ab393189db92512ed8a7711a1253facd20f79c15e8247f3d3e42e46e48c98e254a2fe9765313a03eff"
    "8f17e1a029397a1fa26a8dce26f490ed81299615d9814c22da610428e09c7d9658594266f5c021d0fceca08d945a12be"
    "82de4d1ece6b4c03145b5d3495d4ed5411eb878daf05fd7afc3e09ada0f1126422f590975a1969816f48698bcbba1b4d"
    "9cae79d460d8f9f85e7975005d9bc22c4e5ac0f7c1a45d12569a62807d3b9a02e5a530e773066f453d1f5b4c2e9cf782"
    "0283f742b9d50203010001028201007627eef3567b2a27268e52053ecd31c3a7172ccb9ddcee819b306a5b3c66b7573c"
    "a4fa88efc6f3c4a00bfa0ae7139f64543a4dac3d05823f6ff477cfcec84fe2ac7a68b17204b390232e110310c4e899c4"
    "e7c10967db4acde042dbbf19dbe00b4b4741de1020aaaaffb5054c797c9f136f7d93ac3fc8caff6654242d7821ebee51"
    "7bf537f44366a0fdd45ae05b9909c2e6cc1ed9281eff4399f76c96b96233ec29ae0bbf0d752b234fc197389f51050aa1"
    "acd01c074c3ac8fbdb9ea8b651a95995e8db4ad5c43b6c8673e5a126e7ee94b8dff4c5afc01259bc8da76950bae6f8ba"
    "e715f50985b0d6f66d04c6fef3b700720eecdcdf171bb7b1ecbe7289c467c102818100dc431050f782e894fb5248247d"
    "98cb7d58b8d1e24f3b55d041c56e4de086b0d5bb028bda42eeb5d234d5681e5809d415e6a289ad4cfbf78f978f6c3581"
    "4f50eebff1c5b80a69f788e81e6bab5ddaa78369d659d143ec6f17e79813a575cfad9c569156b90113e2e9110ad9e7b4"
    "8a1c9348a6e653321191290ea36cfb3a5b18f102818100bd1a81e7977f9898122273ae3222b598ea5fb19eb4eabc3830"
    "8a5e32196603b2e500ffb79f5b886816611debc472fac45544070beb057c941378a6868af3b7a03d3f9880ec47d5e089"
    "b94fbde542aba9ae8d72c57088d7abf5b131f39098f7bc160f90536abc9492fd4e06f3ed7299d4b97bb03677207d9566"
    "9f140cfbc20f2502818100a94b528b28f291599121d91952ffd1c7f21d7c1479d99d478885fb161870ee1218bf084726"
    "12dbe5497e8d9c650688e09c786961ae3e2c354dc48ae34514759c4c23c4588488961dc06b414e61c0e1e7fbbd2923d3"
    "1532fe289f96da220711e58c14019808e00414276933bb07e4efb9b4a9b37656917205209f33f09515d7c10281803af0"
    "e72a933aef09ff2503df78bafed531c02ff1a2bc437c540cdcbd4ad35435cf511763596543480629b114ca7f780ff7ef"
    "a32ea0cb6e000d6d9ea1f2ef71fd9cf9948422a165557e37e755edfe70d90b920502eb478bc98a63f788ce3a0f856d6e"
    "de7251a383bfa8fa480a81a925af7b3cc538c4bab8c9f7597ffb68011d8d0281802640fbfbcfefb163ee7a87b6483a66"
    "ee41f956d90fa8a7939bfc042ee0924b1b7993d0445f758d51933e85179c0320b0c968b48a91c38b5be923e1097c0c56"
    "2f88d42294b6a2759bafa5428a74f1270874e45f6fcc60f21602de5eccd143cf31241f5921b5ad3983fb54ef17be3b28"
    "5367e50c999c67247b552fe4bfce945f7b";

template <class Word, class Engine>
bool check_rsa() {
    std::array<std::uint8_t, 1217> der{};
    for (std::size_t i = 0; i < der.size(); ++i) {
        auto nibble = [](char c) { return static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10); };
        der[i] = static_cast<std::uint8_t>(nibble(rsa_key_hex[2 * i]) << 4 | nibble(rsa_key_hex[2 * i + 1]));
    }
    const auto parts = cd::parse_rsa_pkcs8_der(der);
    if (!parts) return false;
    using key_type = rsa_private_key<2048, Word, Engine>;
    // What the results must be, from the 32-bit words on still public inputs.
    std::array<std::uint8_t, 64> message{}, salt{}, blinding{};
    fill(message, 30);
    fill(salt, 31);
    fill(blinding, 32);
    const auto digest = sha256::hash(message);
    std::array<std::uint8_t, 256> expected{}, sig{};
    const auto reference = rsa_private_key<2048, std::uint32_t>::from_pkcs8_der(der);
    bool ok = reference.ok() && reference->sign_pkcs1(rsa_hash::sha256, message, blinding, expected).ok();
    const std::array<std::uint8_t, 256> modulus_copy = [&] {
        std::array<std::uint8_t, 256> n{};
        std::memcpy(n.data(), reference->public_key().modulus.data(), 256);
        return n;
    }();
    const std::uint8_t e65537[3] = {1, 0, 1};
    const rsa_public_key_view pub{modulus_copy, e65537};

    for (const byte_view secret : {parts->private_exponent, parts->prime1, parts->prime2, parts->exponent1,
                                   parts->exponent2, parts->coefficient})
        mark_secret(secret.data() + 2, secret.size() - 2);
    mark_secret(message);
    mark_secret(salt);
    mark_secret(blinding);
    const auto key = key_type::from_pkcs8_der(der);
    ok &= key.ok();
    if (!ok) return false;
    ok &= key->sign_pkcs1(rsa_hash::sha256, message, blinding, sig).ok();
    ok &= publish(sig);
    ok &= sig == expected;
    const byte_view pss_salt = byte_view(salt).first(32), pss_blinding = byte_view(blinding).subspan(16);
    ok &= key->sign_pss(rsa_hash::sha256, message, pss_salt, pss_blinding, sig).ok();
    ok &= publish(sig);
    ok &= rsa_verify_pss_digest(pub, rsa_hash::sha256, rsa_hash::sha256, 32, digest, sig);
    return ok;
}

// ---- ML-KEM: KeyGen from secret seeds, Encaps with a secret m, Decaps with a secret key of a
// matching ciphertext and of one that must be rejected (the implicit-rejection path), the key
// expanded and as its seed. The encapsulation key and the ciphertexts are public; expected values
// come from a run on the same inputs left public. "auto": the NTT, CBD and Keccak x4 variants the
// dispatcher picks (AVX2 where the CPU has it; AVX-512VL Keccak under MemorySanitizer).

template <class Kem>
bool check_mlkem(unsigned seed) {
    bytes<32> d{}, z{}, m{};
    fill(d, seed);
    fill(z, seed + 1);
    fill(m, seed + 2);
    static typename Kem::encapsulation_key expected_ek, ek;
    static typename Kem::decapsulation_key expected_dk, dk;
    static typename Kem::ciphertext expected_ct, ct, rejected_ct;
    typename Kem::shared_secret expected_ss{}, ss{}, expected_rejected{};
    bool ok = Kem::keygen(d, z, expected_ek, expected_dk) == errc::ok;
    ok &= Kem::encapsulate(expected_ek, m, expected_ct, expected_ss) == errc::ok;
    rejected_ct = expected_ct;
    rejected_ct[7] ^= 0x40;
    shake256 j;
    j.update(z).update(rejected_ct);
    j.finish().squeeze(expected_rejected);

    mark_secret(d);
    mark_secret(z);
    ok &= Kem::keygen(d, z, ek, dk) == errc::ok;
    ok &= publish(ek);
    ok &= same(ek, expected_ek);

    mark_secret(m);
    ok &= Kem::encapsulate(ek, m, ct, ss) == errc::ok;
    ok &= publish(ct);
    ok &= same(ct, expected_ct);
    ok &= publish(ss);  // compared here only: the real one stays secret
    ok &= ss == expected_ss;

    ss = {};
    mark_secret(dk);  // all of it, as a key loaded from storage would be
    ok &= Kem::decapsulate(dk, ct, ss) == errc::ok;
    ok &= publish(ss);
    ok &= ss == expected_ss;
    ss = {};
    ok &= Kem::decapsulate(dk, rejected_ct, ss) == errc::ok;
    ok &= publish(ss);
    ok &= ss == expected_rejected;

    // The seed form d || z, as the TLS client keeps it: KeyGen and Decaps in one call.
    bytes<64> d_z{};
    for (std::size_t i = 0; i < 32; ++i) {
        d_z[i] = d[i];
        d_z[32 + i] = z[i];
    }
    ss = {};
    ok &= Kem::decapsulate_seed(d_z, ct, ss) == errc::ok;
    ok &= publish(ss);
    ok &= ss == expected_ss;
    ss = {};
    ok &= Kem::decapsulate_seed(d_z, rejected_ct, ss) == errc::ok;
    ok &= publish(ss);
    ok &= ss == expected_rejected;
    return ok;
}

// ---- The TLS record layer: keys from a secret traffic secret, records sealed and opened, the
// inner plaintext's type found past its padding.

bool check_record_layer(const tls::suite_info& suite) {
    namespace td = tls::detail;
    td::secret traffic;
    const byte_span traffic_bytes = traffic.span(suite.hash_size);
    fill(traffic_bytes, 18);
    mark_secret(traffic_bytes.data(), traffic_bytes.size());
    td::record_cipher writer, reader;
    writer.install(suite, traffic);
    reader.install(suite, traffic);
    struct inner {
        std::size_t content;
        tls::content_type type;
        std::size_t padding;
    };
    constexpr inner cases[] = {
        {0, tls::content_type::application_data, 0},   {100, tls::content_type::handshake, 0},
        {100, tls::content_type::application_data, 300}, {1, tls::content_type::alert, 31},
        {5000, tls::content_type::application_data, 2000}, {0, tls::content_type::invalid, 40},  // all zero
    };
    static bytes<td::max_record_size> record;
    static bytes<td::max_plaintext_size> expected;
    bool ok = true;
    for (const inner& c : cases) {
        const std::size_t inner_size = c.content + 1 + c.padding;
        const byte_span text = byte_span(record).subspan(td::record_header_size, inner_size);
        fill(byte_span(expected).first(c.content), 19 + static_cast<unsigned>(c.content));
        std::memcpy(text.data(), expected.data(), c.content);
        text[c.content] = static_cast<std::uint8_t>(c.type);
        std::memset(text.data() + c.content + 1, 0, c.padding);
        mark_secret(text.data(), text.size());
        const std::size_t size = writer.seal(record, inner_size);
        ok &= publish(record.data(), size);  // on the wire
        const byte_view header = byte_view(record).first(td::record_header_size);
        const byte_span body = byte_span(record).subspan(td::record_header_size, size - td::record_header_size);
        ok &= reader.open(header, body) == errc::ok;
        const td::inner_plaintext found = td::parse_inner_plaintext(body.first(inner_size));
        ok &= found.type == c.type;
        if (found.type == tls::content_type::invalid) continue;
        ok &= found.content_size == c.content;
        ok &= publish(body.data(), found.content_size);
        ok &= same(body.first(found.content_size), byte_view(expected).first(c.content));
    }
    // A forged record: open fails, as a whole.
    const std::size_t size = writer.seal(record, 50);
    ok &= publish(record.data(), size);
    record[size - 1] ^= 1;
    ok &= reader.open(byte_view(record).first(td::record_header_size),
                      byte_span(record).subspan(td::record_header_size, size - td::record_header_size)) ==
          errc::authentication_failed;
    return ok;
}

const char* suite_name(tls::cipher_suite id) {
    switch (id) {
        case tls::cipher_suite::aes_128_gcm_sha256: return "TLS_AES_128_GCM_SHA256, dispatched engines";
        case tls::cipher_suite::aes_256_gcm_sha384: return "TLS_AES_256_GCM_SHA384, dispatched engines";
        case tls::cipher_suite::chacha20_poly1305_sha256: return "TLS_CHACHA20_POLY1305_SHA256, dispatched engines";
        case tls::cipher_suite::aes_128_ccm_sha256: return "TLS_AES_128_CCM_SHA256, dispatched engines";
        case tls::cipher_suite::aes_128_ccm_8_sha256: return "TLS_AES_128_CCM_8_SHA256, dispatched engines";
    }
    return "?";
}

int check_all() {
    runner run;
    std::printf("constant-time check under %s\n", ct_check::checker_name);

    check_gcm<cd::gcm_portable>(run, false);
    check_gcm<cd::gcm_aesni>(run, false);
    check_gcm<cd::gcm_vaes>(run, true);
    check_gcm<cd::gcm_vaes512>(run, true);

    check_ccm<cd::ccm_portable>(run, false);
    check_ccm<cd::ccm_aesni>(run, false);

    check_chacha_poly<cd::chacha20_poly1305_portable>(run, false);
    check_chacha_poly<cd::chacha20_poly1305_portable32>(run, false);
    check_chacha_poly<cd::chacha20_poly1305_avx2>(run, false);
    check_chacha_poly<cd::chacha20_poly1305_avx512>(run, true);
    check_chacha_poly<cd::chacha20_poly1305_avx512_ifma>(run, true);

    run.item("ChaCha20", "portable", not_run_reason(true, false),
             [] { return check_chacha20_stream<cd::chacha20_xor_portable>(); });
    run.item("ChaCha20", cd::chacha20_avx2::name, not_run_reason(cd::chacha20_avx2::supported(), false),
             [] { return check_chacha20_stream<cd::chacha20_avx2::xor_stream>(); });

    run.item("Poly1305", cd::poly1305_32::name, not_run_reason(true, false),
             [] { return check_poly1305<cd::poly1305_32>(); });
    run.item("Poly1305", cd::poly1305_portable::name, not_run_reason(true, false),
             [] { return check_poly1305<cd::poly1305_portable>(); });
#if CARAPACE_HAVE_INT128
    run.item("Poly1305", cd::poly1305_radix64::name, not_run_reason(true, false),
             [] { return check_poly1305<cd::poly1305_radix64>(); });
#endif
    run.item("Poly1305", cd::poly1305_ifma_core::name, not_run_reason(cd::poly1305_ifma_core::supported(), true),
             [] { return check_poly1305<cd::poly1305_ifma_core>(); });
    run.item("Poly1305", cd::poly1305_avx2_core::name, not_run_reason(cd::poly1305_avx2_core::supported(), false),
             [] { return check_poly1305<cd::poly1305_avx2_core>(); });
    run.item("Poly1305", cd::poly1305_avx512_core::name, not_run_reason(cd::poly1305_avx512_core::supported(), true),
             [] { return check_poly1305<cd::poly1305_avx512_core>(); });

    run.item("tag comparison ct::equal", "portable", not_run_reason(true, false), check_equal);

    check_hmac_engine<sha256_with<cd::sha256_portable>>(run, "HMAC-SHA-256", false);
    check_hmac_engine<sha256_with<cd::sha256_shani>>(run, "HMAC-SHA-256", true);
    check_hmac_engine<sha384_with<cd::sha512_portable>>(run, "HMAC-SHA-384", false);
    check_hmac_engine<sha384_with<cd::sha512_avx2>>(run, "HMAC-SHA-384", false);
    check_hmac_engine<sha512_with<cd::sha512_portable>>(run, "HMAC-SHA-512", false);
    check_hmac_engine<sha512_with<cd::sha512_avx2>>(run, "HMAC-SHA-512", false);

#if CARAPACE_HAVE_INT128
    check_x25519_engine<cd::curve25519_engine<cd::fe25519_51>>(run, not_run_reason(true, false));
#endif
    check_x25519_engine<cd::curve25519_engine<cd::fe25519_25>>(run, not_run_reason(true, false));
    check_x25519_engine<cd::curve25519_mulx>(run, not_run_reason(mulx_runs(), false));
    // The IFMA ladder only: its base point code is the MULX/ADX engine's (asm).
    check_x25519_engine<cd::curve25519_ifma>(run, not_run_reason(cd::curve25519_ifma::supported(), true), false);
    check_x25519_engine<cd::curve25519_dispatch>(run, not_run_reason(true, false));

#if CARAPACE_HAVE_INT128
    check_ed25519_engine<cd::curve25519_engine<cd::fe25519_51>>(run, true);
#endif
    check_ed25519_engine<cd::curve25519_engine<cd::fe25519_25>>(run, true);
    check_ed25519_engine<cd::curve25519_mulx>(run, mulx_runs());
    check_ed25519_engine<cd::curve25519_dispatch>(run, true);

    check_nist_engines<p256>(run, 20);
    check_nist_engines<p384>(run, 21);

    // RSA on each Montgomery engine, the MULX/ADX rows named (valgrind's CPUID hides ADX, but it
    // executes it; MemorySanitizer cannot follow the asm).
    const char* rsa_area = "RSA-2048 key loading, PSS and PKCS#1 v1.5 signing";
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
    const bool rsa_mulx_runs = cd::rsa_mont_mulx::supported() ||
                               (ct_check::checker_follows_asm && ct_check::under_checker() && cpu::features().bmi2);
    run.item(rsa_area, "mulx-adx", not_run_reason(rsa_mulx_runs, false, true),
             [] { return check_rsa<std::uint64_t, cd::rsa_mont_mulx>(); });
    // The AVX-512 IFMA powers, with the portable products around them (the MULX ones are checked
    // above): valgrind cannot execute AVX-512 (its CPUID hides it, and the dispatcher then takes
    // the MULX rows); MemorySanitizer follows the intrinsics.
    run.item(rsa_area, rsa_ifma_powers::name, not_run_reason(rsa_ifma_powers::supported(), true),
             [] { return check_rsa<std::uint64_t, rsa_ifma_powers>(); });
#endif
#if CARAPACE_HAVE_INT128
    run.item(rsa_area, "portable-64", not_run_reason(true, false),
             [] { return check_rsa<std::uint64_t, cd::rsa_mont_portable>(); });
#endif
    run.item(rsa_area, "portable-32", not_run_reason(true, false),
             [] { return check_rsa<std::uint32_t, cd::rsa_mont_portable>(); });
    run.item("ML-KEM-512 KeyGen, Encaps, Decaps from dk and from the seed (and rejection)", "auto", not_run_reason(true, false),
             [] { return check_mlkem<mlkem512>(30); });
    run.item("ML-KEM-768 KeyGen, Encaps, Decaps from dk and from the seed (and rejection)", "auto", not_run_reason(true, false),
             [] { return check_mlkem<mlkem768>(31); });
    run.item("ML-KEM-1024 KeyGen, Encaps, Decaps from dk and from the seed (and rejection)", "auto", not_run_reason(true, false),
             [] { return check_mlkem<mlkem1024>(32); });

    // With the engines dispatched here: under MSan, the ones valgrind cannot execute (VAES,
    // AVX-512 ChaCha20 and IFMA Poly1305, SHA-NI). SHA-384's is the AVX2 asm where the CPU has it.
    for (const tls::suite_info& suite : tls::all_suites) {
        const bool in_asm = suite.hash == tls::hash_kind::sha384 && cd::sha512_avx2::supported();
        run.item("TLS record layer open (and seal)", suite_name(suite.id), not_run_reason(true, true, in_asm),
                 [&suite] { return check_record_layer(suite); });
    }
    return run.finish();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--planted-leak") == 0) return ct_check::run_planted_leak();
    if (argc != 1) {
        std::fprintf(stderr, "usage: %s [--planted-leak]\n", argv[0]);
        return 2;
    }
    return check_all();
}
