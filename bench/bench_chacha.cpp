// ChaCha20-Poly1305 seal and open throughput: the dispatched engine ("auto", what
// chacha20_poly1305 runs) and each carapace engine this CPU has, against OpenSSL's EVP
// ChaCha20-Poly1305 in the same run (cipher fetched once, context reused, a fresh nonce set per
// message, in place for seal, no AAD). Then a 64-byte seal with 13 bytes of AAD (a TLS 1.2
// record's header; the TLS 1.3 record header is 5 bytes) in core cycles, for each engine and for
// OpenSSL (cycles.hpp: the fewest ticks of single fenced calls times the core cycles per
// tick measured just before).
#include <cstdio>
#include <string>
#include <vector>

#include "carapace/aead/chacha20_poly1305.hpp"
#include "compare.hpp"
#include "cycles.hpp"
#include "openssl_aead.hpp"

namespace {

using carapace_bench::best_of;
#if CARAPACE_BENCH_OPENSSL
using carapace_bench::openssl_aead;
#endif
using carapace_bench::report;

template <class Engine>
void bench_engine() {
    if (!Engine::supported()) {
        std::printf("chacha20-poly1305: engine %s not supported here\n", Engine::name);
        return;
    }
    const carapace::bytes<32> key{1, 2, 3};
    const carapace::bytes<12> nonce{4, 5, 6};
    const carapace::chacha20_poly1305_with<Engine> aead(key);
    for (const std::size_t size : {std::size_t{16384}, std::size_t{1350}, std::size_t{1024}, std::size_t{64}}) {
        std::vector<std::uint8_t> buffer(size, 0x5a), sealed(size), opened(size);
        carapace::bytes<16> tag{};
        auto ours_seal = [&] {
            (void)aead.seal(nonce, {}, buffer, buffer, tag);
            return tag[0];
        };
        (void)aead.seal(nonce, {}, buffer, sealed, tag);
        auto ours_open = [&] {
            (void)aead.open(nonce, {}, sealed, tag, opened);
            return opened[0];
        };
        const std::string label = std::string("chacha20-poly1305 ") + Engine::name + " " + std::to_string(size) + " B ";
#if CARAPACE_BENCH_OPENSSL
        openssl_aead peer("ChaCha20-Poly1305", key.data());
        std::uint8_t peer_tag[16] = {};
        auto peer_seal = [&] { return peer.seal(nonce.data(), buffer.data(), size, peer_tag); };
        auto peer_open = [&] { return peer.open(nonce.data(), sealed.data(), opened.data(), size, tag.data()); };
        report(label + "seal", "MB/s", static_cast<double>(size) / 1e6, best_of(ours_seal, peer_seal));
        report(label + "open", "MB/s", static_cast<double>(size) / 1e6, best_of(ours_open, peer_open));
#else
        report(label + "seal", "MB/s", static_cast<double>(size) / 1e6, best_of(ours_seal, nullptr));
        report(label + "open", "MB/s", static_cast<double>(size) / 1e6, best_of(ours_open, nullptr));
#endif
    }
}

#if defined(__x86_64__)
// One 64-byte seal, in place, with 13 bytes of AAD: its core cycles and ticks.
void cycles_row(const char* who, double ratio, const carapace_bench::measured& m) {
    std::printf("%-52s %12.0f %12.0f\n", who, m.ours * ratio, m.ours);
    std::fflush(stdout);
}

template <class Engine>
void seal64_cycles(double ratio) {
    if (!Engine::supported()) return;
    const carapace::bytes<32> key{1, 2, 3};
    const carapace::bytes<12> nonce{4, 5, 6};
    const carapace::chacha20_poly1305_with<Engine> aead(key);
    carapace::bytes<64> buffer{};
    const carapace::bytes<13> aad{7, 8, 9};
    carapace::bytes<16> tag{};
    const auto seal = [&] {
        (void)aead.seal(nonce, aad, buffer, buffer, tag);
        return tag[0];
    };
    carapace_bench::measured m;
    m.ours = static_cast<double>(carapace_bench::min_ticks(seal, 20000));
    cycles_row((std::string("chacha20-poly1305 ") + Engine::name + " 64 B seal").c_str(), ratio, m);
}
#endif

}  // namespace

int main(int argc, char** argv) {
    if (!carapace_bench::begin(argc, argv, "bench-chacha")) return 2;
    namespace d = carapace::detail;
    bench_engine<d::chacha20_poly1305_dispatch>();  // "auto": what chacha20_poly1305 runs
    bench_engine<d::chacha20_poly1305_avx512_ifma>();
    bench_engine<d::chacha20_poly1305_avx512>();
    bench_engine<d::chacha20_poly1305_avx2>();
    bench_engine<d::chacha20_poly1305_portable>();
#if defined(__x86_64__)
    const double ratio = carapace_bench::core_cycles_per_tick();
    std::printf("\ncore cycles per TSC tick now: %.3f (dependent-add chain)\n", ratio);
    std::printf("%-52s %12s %12s\n", "single call (fewest of 20000)", "core cycles", "TSC ticks");
    seal64_cycles<d::chacha20_poly1305_dispatch>(ratio);
    seal64_cycles<d::chacha20_poly1305_avx512_ifma>(ratio);
    seal64_cycles<d::chacha20_poly1305_avx512>(ratio);
    seal64_cycles<d::chacha20_poly1305_avx2>(ratio);
    seal64_cycles<d::chacha20_poly1305_portable>(ratio);
#if CARAPACE_BENCH_OPENSSL
    {
        const carapace::bytes<32> key{1, 2, 3};
        const carapace::bytes<12> nonce{4, 5, 6};
        carapace_bench::openssl_aead peer("ChaCha20-Poly1305", key.data());
        std::uint8_t buffer[64] = {}, tag[16] = {};
        const std::uint8_t aad[13] = {7, 8, 9};
        carapace_bench::measured m;
        m.ours = static_cast<double>(carapace_bench::min_ticks(
            [&] { return peer.seal(nonce.data(), buffer, sizeof buffer, tag, aad, sizeof aad); }, 20000));
        cycles_row("OpenSSL ChaCha20-Poly1305 64 B seal (EVP)", ratio, m);
    }
#endif
#endif
    return 0;
}
