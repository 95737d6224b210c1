// ML-KEM-768 KeyGen, Encaps and Decaps in cycles, and SHA3-256 / SHAKE128 throughput against
// OpenSSL's libcrypto in the same run.
//
// Cycles: the fewest time-stamp-counter ticks of 2000 single calls (the minimum leaves out calls
// another process interrupted), turned into core cycles by the ratio of core cycles to ticks
// measured just before with a chain of dependent 64-bit additions (one cycle each on every
// x86-64 core), so turbo and power states count as they are during the run. The raw ticks
// (constant nominal rate) are printed next to them. Published figures for
// the fastest implementations (mlkem-native, AVX2: about 21k / 22k / 28k cycles) are cycles of
// the core clock, which is what the first column estimates.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "carapace/hash/sha3.hpp"
#include "carapace/kem/mlkem.hpp"
#include "compare.hpp"
#include "cycles.hpp"

#if CARAPACE_BENCH_OPENSSL
#include <openssl/evp.h>
#endif

namespace {

using carapace_bench::best_of;
using carapace_bench::report;
#if defined(__x86_64__)
using carapace_bench::core_cycles_per_tick;
using carapace_bench::min_ticks;
#endif


// One row: core cycles (fewest ticks times the ratio measured just before), TSC ticks, and the
// operations per second of a steady run.
template <class Op>
void cycles_row(const char* what, Op&& op) {
    const double ops = best_of(op, nullptr).ours;
#if defined(__x86_64__)
    const double ratio = core_cycles_per_tick();
    const auto ticks = static_cast<double>(min_ticks(op, 2000));
    std::printf("%-40s %12.0f %12.0f %12.0f\n", what, ops, ticks * ratio, ticks);
#else
    std::printf("%-40s %12.0f %12s %12s\n", what, ops, "-", "-");
#endif
    std::fflush(stdout);
}

#if CARAPACE_BENCH_OPENSSL
struct openssl_xof {
    EVP_MD* md;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool xof;
    openssl_xof(const char* name, bool is_xof) : md(EVP_MD_fetch(nullptr, name, nullptr)), xof(is_xof) {}
    ~openssl_xof() {
        EVP_MD_CTX_free(ctx);
        EVP_MD_free(md);
    }
    std::uint8_t operator()(const std::uint8_t* data, std::size_t n) {
        unsigned char out[64];
        unsigned int len = 0;
        EVP_DigestInit_ex(ctx, md, nullptr);
        EVP_DigestUpdate(ctx, data, n);
        if (xof) EVP_DigestFinalXOF(ctx, out, 32);
        else EVP_DigestFinal_ex(ctx, out, &len);
        return out[0];
    }
};
#endif

void bench_sha3() {
    std::vector<std::uint8_t> message(16384, 0x5a);
    for (const std::size_t size : {std::size_t{16384}, std::size_t{1024}, std::size_t{64}}) {
        const std::span<const std::uint8_t> m(message.data(), size);
        auto sha3 = [&] { return carapace::sha3_256::hash(m)[0]; };
        auto shake = [&] {
            std::array<std::uint8_t, 32> out{};
            carapace::shake128::hash(m, out);
            return out[0];
        };
#if CARAPACE_BENCH_OPENSSL
        openssl_xof peer_sha3("SHA3-256", false), peer_shake("SHAKE128", true);
        auto peer_sha3_op = [&] { return peer_sha3(message.data(), size); };
        auto peer_shake_op = [&] { return peer_shake(message.data(), size); };
        report("SHA3-256 " + std::to_string(size) + " B", "MB/s", static_cast<double>(size) / 1e6,
               best_of(sha3, peer_sha3_op));
        report("SHAKE128 " + std::to_string(size) + " B -> 32 B", "MB/s", static_cast<double>(size) / 1e6,
               best_of(shake, peer_shake_op));
#else
        report("SHA3-256 " + std::to_string(size) + " B", "MB/s", static_cast<double>(size) / 1e6, best_of(sha3, nullptr));
        report("SHAKE128 " + std::to_string(size) + " B -> 32 B", "MB/s", static_cast<double>(size) / 1e6,
               best_of(shake, nullptr));
#endif
    }
    // SHAKE128 squeezing, as SampleNTT uses it: 168-byte blocks.
    auto squeeze = [&] {
        std::array<std::uint8_t, 34> seed{1, 2};
        std::array<std::uint8_t, 168 * 4> out{};
        carapace::shake128 x;
        x.update(seed);
        x.finish().squeeze(out);
        return out[0];
    };
    report("SHAKE128 34 B -> 672 B (SampleNTT)", "MB/s out", 672.0 / 1e6, best_of(squeeze, nullptr));
}

template <class Kem>
void bench_kem(const char* name) {
    const carapace::bytes<64> seed{1, 2, 3};
    const carapace::bytes<32> m{4, 5, 6};
    typename Kem::encapsulation_key ek{};
    typename Kem::decapsulation_key dk{};
    typename Kem::ciphertext ct{};
    typename Kem::shared_secret ss{};
    (void)Kem::keygen(seed, ek, dk);
    (void)Kem::encapsulate(ek, m, ct, ss);
    const std::string n(name);
    cycles_row((n + " KeyGen").c_str(),
               [&] {
                   (void)Kem::keygen(seed, ek, dk);
                   return ek[0];
               });
    cycles_row((n + " Encaps").c_str(),
               [&] {
                   (void)Kem::encapsulate(ek, m, ct, ss);
                   return ss[0];
               });
    cycles_row((n + " Decaps").c_str(),
               [&] {
                   (void)Kem::decapsulate(dk, ct, ss);
                   return ss[0];
               });
    // The TLS client's form: the 64-byte seed, KeyGen run again inside.
    cycles_row((n + " Decaps from the seed").c_str(),
               [&] {
                   (void)Kem::decapsulate_seed(seed, ct, ss);
                   return ss[0];
               });
    ct[0] ^= 1;  // the implicit-rejection path costs the same
    cycles_row((n + " Decaps (rejected ciphertext)").c_str(),
               [&] {
                   (void)Kem::decapsulate(dk, ct, ss);
                   return ss[0];
               });
}

}  // namespace

int main(int argc, char** argv) {
    if (!carapace_bench::begin(argc, argv, "bench-mlkem")) return 2;
    bench_sha3();
#if defined(__x86_64__)
    std::printf("\ncore cycles per TSC tick now: %.3f (dependent-add chain)\n", core_cycles_per_tick());
#endif
    std::printf("%-40s %12s %12s %12s\n", "operation", "ops/s", "core cycles", "TSC ticks");
    bench_kem<carapace::mlkem768>("ML-KEM-768");
    bench_kem<carapace::mlkem512>("ML-KEM-512");
    bench_kem<carapace::mlkem1024>("ML-KEM-1024");
    return 0;
}
