// X25519, Ed25519, and P-256/P-384 ECDSA and ECDH (bench_ec_nist.hpp) operations per second:
// carapace against OpenSSL's EVP_PKEY in the same run.
//
// OpenSSL keys are created once; each operation is what an application does per handshake:
// X25519 base point = EVP_PKEY_new_raw_private_key + EVP_PKEY_get_raw_public_key (OpenSSL
// derives the public key when the key is made), variable point = EVP_PKEY_derive on a context
// set up once, Ed25519 = EVP_DigestSignInit + EVP_DigestSign and EVP_DigestVerifyInit +
// EVP_DigestVerify on a reused EVP_MD_CTX (a one-shot Ed25519 context must be initialised per
// message). carapace signs with an ed25519_private_key expanded once (OpenSSL's key likewise
// keeps its public key). Every engine this CPU has is measured, the automatic choice first.
//
// Two figures per row: operations per second (best of alternating rounds, as the other
// benchmarks), and below the table the fastest single operation of many on each side, which a
// busy shared machine disturbs far less (preemption only ever makes an operation slower).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string>

#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/x25519.hpp"
#include "bench_ec_nist.hpp"
#include "compare.hpp"
#include <type_traits>
#include <vector>

#if CARAPACE_BENCH_OPENSSL
#include <openssl/evp.h>
#endif

namespace {

using carapace_bench::best_of;
using carapace_bench::report;
namespace d = carapace::detail;

constexpr std::array<std::uint8_t, 32> scalar = {0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1,
                                                 0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0,
                                                 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a};
constexpr std::array<std::uint8_t, 32> peer_scalar = {0x5d, 0xab, 0x08, 0x7e, 0x62, 0x4a, 0x8a, 0x4b, 0x79, 0xe1, 0x7f,
                                                      0x8b, 0x83, 0x80, 0x0e, 0xe6, 0x6f, 0x3b, 0xb1, 0x29, 0x26, 0x18,
                                                      0xb6, 0xfd, 0x1c, 0x2f, 0x8b, 0x27, 0xff, 0x88, 0xe0, 0xeb};
std::array<std::uint8_t, 64> message{};  // 64 bytes signed and verified

#if CARAPACE_BENCH_OPENSSL
struct openssl_side {
    EVP_PKEY* x_ours = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar.data(), 32);
    EVP_PKEY* x_peer = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, peer_scalar.data(), 32);
    EVP_PKEY_CTX* derive = EVP_PKEY_CTX_new(x_ours, nullptr);
    EVP_PKEY* ed = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, scalar.data(), 32);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    bool ok = false;
    openssl_side() {
        ok = x_ours && x_peer && derive && ed && md && EVP_PKEY_derive_init(derive) == 1 &&
             EVP_PKEY_derive_set_peer(derive, x_peer) == 1;
    }
    ~openssl_side() {
        EVP_MD_CTX_free(md);
        EVP_PKEY_free(ed);
        EVP_PKEY_CTX_free(derive);
        EVP_PKEY_free(x_peer);
        EVP_PKEY_free(x_ours);
    }
    std::array<std::uint8_t, 32> base() {
        std::array<std::uint8_t, 32> out{};
        std::size_t len = 32;
        EVP_PKEY* k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar.data(), 32);
        EVP_PKEY_get_raw_public_key(k, out.data(), &len);
        EVP_PKEY_free(k);
        return out;
    }
    std::array<std::uint8_t, 32> shared() {
        std::array<std::uint8_t, 32> out{};
        std::size_t len = 32;
        EVP_PKEY_derive(derive, out.data(), &len);
        return out;
    }
    std::array<std::uint8_t, 64> sign() {
        std::array<std::uint8_t, 64> sig{};
        std::size_t len = 64;
        EVP_DigestSignInit(md, nullptr, nullptr, nullptr, ed);
        EVP_DigestSign(md, sig.data(), &len, message.data(), message.size());
        return sig;
    }
    bool verify(const std::array<std::uint8_t, 64>& sig) {
        EVP_DigestVerifyInit(md, nullptr, nullptr, nullptr, ed);
        return EVP_DigestVerify(md, sig.data(), sig.size(), message.data(), message.size()) == 1;
    }
};
#endif

struct fastest {
    std::string what;
    double ours_us = 0, peer_us = 0;
};
std::vector<fastest> fastest_rows;

// The shortest time one call of op takes, in microseconds, over `runs` calls.
template <class Op>
double fastest_us(Op&& op, int runs) {
    using clock = std::chrono::steady_clock;
    double best = 1e30;
    for (int i = 0; i < runs; ++i) {
        const auto start = clock::now();
        carapace_speed::sink = static_cast<std::uint8_t>(carapace_speed::sink ^ op());
        best = std::min(best, std::chrono::duration<double, std::micro>(clock::now() - start).count());
    }
    return best;
}

template <class Ours, class Peer>
void compare(const std::string& what, Ours&& ours, Peer&& peer) {
    if (!carapace_bench::wanted(what)) return;
    report(what, "ops/s", 1, best_of(ours, peer));
    fastest f{what};
    const int runs = carapace_bench::rounds > 1 ? 400 : 20;
    for (int r = 0; r < 3; ++r) {  // alternate, so both sides see the same machine
        const double o = fastest_us(ours, runs);
        f.ours_us = r == 0 ? o : std::min(f.ours_us, o);
        if constexpr (!std::is_same_v<std::decay_t<Peer>, std::nullptr_t>) {
            const double p = fastest_us(peer, runs);
            f.peer_us = r == 0 ? p : std::min(f.peer_us, p);
        }
    }
    fastest_rows.push_back(f);
}

template <class Engine>
void bench_engine(const char* label) {
    const auto peer_public = carapace::x25519_public_key<Engine>(peer_scalar);
    const carapace::ed25519_private_key_with<Engine> key(scalar);
    const auto signature = key.sign(message);
    auto ours_base = [&] { return carapace::x25519_public_key<Engine>(scalar)[0]; };
    auto ours_shared = [&] {
        carapace::bytes<32> out{};
        (void)carapace::x25519<Engine>(out, scalar, peer_public);
        return out[0];
    };
    auto ours_sign = [&] { return key.sign(message)[0]; };
    auto ours_verify = [&] {
        return static_cast<std::uint8_t>(carapace::ed25519_verify<Engine>(key.public_key(), message, signature));
    };
    const std::string name = label;
#if CARAPACE_BENCH_OPENSSL
    openssl_side peer;
    // Same answers on both sides, or the comparison means nothing.
    bool agree = peer.ok;
    carapace::bytes<32> ours_secret{};
    agree = agree && carapace::x25519<Engine>(ours_secret, scalar, peer_public) == carapace::errc::ok;
    agree = agree && peer.base() == carapace::x25519_public_key<Engine>(scalar) && peer.shared() == ours_secret;
    agree = agree && peer.sign() == signature && peer.verify(signature);
    if (!agree) {
        std::printf("%s: OpenSSL and carapace disagree; not compared\n", label);
        return;
    }
    compare("x25519 base " + name, ours_base, [&] { return peer.base()[0]; });
    compare("x25519 variable " + name, ours_shared, [&] { return peer.shared()[0]; });
    compare("ed25519 sign " + name, ours_sign, [&] { return peer.sign()[0]; });
    compare("ed25519 verify " + name, ours_verify, [&] { return static_cast<std::uint8_t>(peer.verify(signature)); });
#else
    compare("x25519 base " + name, ours_base, nullptr);
    compare("x25519 variable " + name, ours_shared, nullptr);
    compare("ed25519 sign " + name, ours_sign, nullptr);
    compare("ed25519 verify " + name, ours_verify, nullptr);
#endif
}

}  // namespace

int main(int argc, char** argv) {
    if (!carapace_bench::begin(argc, argv, "bench-ec")) return 2;
    for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<std::uint8_t>(i);
    bench_engine<d::curve25519_dispatch>(d::curve25519_ifma::supported()   ? "auto"
                                         : d::curve25519_mulx::supported() ? "auto"
                                                                           : "auto");
    if (d::curve25519_ifma::supported()) bench_engine<d::curve25519_ifma>("avx512-ifma");
    if (d::curve25519_mulx::supported()) bench_engine<d::curve25519_mulx>("mulx-adx");
#if CARAPACE_HAVE_INT128
    bench_engine<d::curve25519_engine<d::fe25519_51>>("portable-51");
#endif
    bench_engine<d::curve25519_engine<d::fe25519_25>>("portable-25.5");
    auto nist_compare = [](const std::string& what, auto&& ours, auto&& peer) { compare(what, ours, peer); };
    nist_bench::bench_curve<carapace::p256, carapace::p256::engine>("auto", nist_compare, message.data(), message.size());
    nist_bench::bench_curve<carapace::p384, carapace::p384::engine>("auto", nist_compare, message.data(), message.size());
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
    if (d::nist_p256_mulx::supported())
        nist_bench::bench_curve<carapace::p256, d::nist_p256_mulx>("mulx-adx", nist_compare, message.data(), message.size());
#endif
#if CARAPACE_HAVE_INT128
    nist_bench::bench_curve<carapace::p256, d::nist_portable64<d::p256_params>>("portable-64", nist_compare,
                                                                               message.data(), message.size());
#endif
    nist_bench::bench_curve<carapace::p256, d::nist_portable32<d::p256_params>>("portable-32", nist_compare,
                                                                               message.data(), message.size());
    std::printf("\nfastest single operation (microseconds; ratio = OpenSSL time / carapace time)\n");
    for (const auto& f : fastest_rows) {
        if (f.peer_us > 0)
            std::printf("%-52s %12.2f %12.2f %8.2fx\n", f.what.c_str(), f.ours_us, f.peer_us, f.peer_us / f.ours_us);
        else
            std::printf("%-52s %12.2f %12s %9s\n", f.what.c_str(), f.ours_us, "-", "-");
    }
    return 0;
}
