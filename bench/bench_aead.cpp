// AES-GCM and AES-CCM seal and open throughput: the dispatched engine (what aes128_gcm,
// aes256_gcm and aes128_ccm16 run, "auto") and each carapace engine this CPU has, against
// OpenSSL's EVP AES-GCM and AES-CCM in the same run (cipher fetched once, context reused, a fresh
// nonce set per message). CCM with 16-byte tags and 12-byte nonces, as TLS_AES_128_CCM_SHA256.
#include <cstdio>
#include <string>
#include <vector>

#include "carapace/aead/aes_ccm.hpp"
#include "carapace/aead/aes_gcm.hpp"
#include "compare.hpp"
#include "openssl_aead.hpp"

namespace {

using carapace_bench::best_of;
#if CARAPACE_BENCH_OPENSSL
using carapace_bench::openssl_aead;
#endif
using carapace_bench::report;

// Mode: the AEAD with its engine; Peer: the OpenSSL class to compare with.
template <class Mode, class Peer>
void bench_mode(const char* name, const char* openssl_name) {
    using Engine = typename Mode::engine;
    constexpr std::size_t KeyBytes = Mode::key_size;
    if (!Engine::supported()) {
        std::printf("%s: engine %s not supported here\n", name, Engine::name);
        return;
    }
    const carapace::bytes<KeyBytes> key{1, 2, 3};
    const carapace::bytes<12> nonce{4, 5, 6};
    const Mode aead(key);
    for (const std::size_t size : {std::size_t{16384}, std::size_t{1350}, std::size_t{64}}) {
        std::vector<std::uint8_t> buffer(size, 0x5a), sealed(size), opened(size);
        carapace::bytes<16> tag{}, sealed_tag{};
        auto ours_seal = [&] {
            (void)aead.seal(nonce, {}, buffer, buffer, tag);
            return tag[0];
        };
        // The message that opening checks, with its own tag: sealing in place above changes
        // the buffer and the tag at every call, and opening against those would time the
        // failure path (which also wipes the output).
        (void)aead.seal(nonce, {}, buffer, sealed, sealed_tag);
        auto ours_open = [&] {
            (void)aead.open(nonce, {}, sealed, sealed_tag, opened);
            return opened[0];
        };
        if (aead.open(nonce, {}, sealed, sealed_tag, opened) != carapace::errc::ok) {
            std::printf("%s %s: the sealed message does not open\n", name, Engine::name);
            return;
        }
        const std::string label = std::string(name) + " " + Engine::name + " " + std::to_string(size) + " B ";
#if CARAPACE_BENCH_OPENSSL
        Peer peer(openssl_name, key.data());
        std::uint8_t peer_tag[16] = {};
        auto peer_seal = [&] { return peer.seal(nonce.data(), buffer.data(), size, peer_tag); };
        auto peer_open = [&] { return peer.open(nonce.data(), sealed.data(), opened.data(), size, sealed_tag.data()); };
        report(label + "seal", "MB/s", static_cast<double>(size) / 1e6, best_of(ours_seal, peer_seal));
        report(label + "open", "MB/s", static_cast<double>(size) / 1e6, best_of(ours_open, peer_open));
#else
        (void)openssl_name;
        report(label + "seal", "MB/s", static_cast<double>(size) / 1e6, best_of(ours_seal, nullptr));
        report(label + "open", "MB/s", static_cast<double>(size) / 1e6, best_of(ours_open, nullptr));
#endif
    }
}

template <std::size_t KeyBytes, class Engine>
void bench_engine(const char* name, const char* openssl_name) {
#if CARAPACE_BENCH_OPENSSL
    bench_mode<carapace::aes_gcm_with<KeyBytes, Engine>, openssl_aead>(name, openssl_name);
#else
    bench_mode<carapace::aes_gcm_with<KeyBytes, Engine>, void>(name, openssl_name);
#endif
}

template <std::size_t KeyBytes, class Engine>
void bench_ccm(const char* name, const char* openssl_name) {
#if CARAPACE_BENCH_OPENSSL
    bench_mode<carapace::aes_ccm_fixed_with<KeyBytes, 16, 12, Engine>, carapace_bench::openssl_ccm>(name, openssl_name);
#else
    bench_mode<carapace::aes_ccm_fixed_with<KeyBytes, 16, 12, Engine>, void>(name, openssl_name);
#endif
}

}  // namespace

int main(int argc, char** argv) {
    if (!carapace_bench::begin(argc, argv, "bench-aead")) return 2;
    namespace d = carapace::detail;
    bench_engine<16, d::gcm_dispatch>("aes-128-gcm", "AES-128-GCM");
    bench_engine<16, d::gcm_vaes512>("aes-128-gcm", "AES-128-GCM");
    bench_engine<16, d::gcm_vaes>("aes-128-gcm", "AES-128-GCM");
    bench_engine<16, d::gcm_aesni>("aes-128-gcm", "AES-128-GCM");
    bench_engine<16, d::gcm_armv8>("aes-128-gcm", "AES-128-GCM");
    bench_engine<16, d::gcm_portable>("aes-128-gcm", "AES-128-GCM");
    bench_engine<32, d::gcm_dispatch>("aes-256-gcm", "AES-256-GCM");
    bench_engine<32, d::gcm_vaes512>("aes-256-gcm", "AES-256-GCM");
    bench_engine<32, d::gcm_vaes>("aes-256-gcm", "AES-256-GCM");
    bench_engine<32, d::gcm_aesni>("aes-256-gcm", "AES-256-GCM");
    bench_engine<32, d::gcm_armv8>("aes-256-gcm", "AES-256-GCM");
    bench_ccm<16, d::ccm_dispatch>("aes-128-ccm", "AES-128-CCM");
    bench_ccm<16, d::ccm_aesni>("aes-128-ccm", "AES-128-CCM");
    bench_ccm<16, d::ccm_armv8>("aes-128-ccm", "AES-128-CCM");
    bench_ccm<16, d::ccm_portable>("aes-128-ccm", "AES-128-CCM");
    bench_ccm<32, d::ccm_aesni>("aes-256-ccm", "AES-256-CCM");
    bench_ccm<32, d::ccm_armv8>("aes-256-ccm", "AES-256-CCM");
    return 0;
}
