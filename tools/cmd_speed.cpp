// carapace-tool speed [--seconds S] [NAME...]: throughput of each primitive, in the manner of
// `openssl speed`. Hashes in MB/s over several message sizes (a fresh one-shot hash per
// message), HMAC and HKDF in operations per second.
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "algorithms.hpp"
#include "cli.hpp"
#include "commands.hpp"
#include "speed_measure.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/kdf/hkdf.hpp"
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

struct entry {
    const char* name;
    void (*run)(const char*, double);
    bool is_hash;
};

constexpr std::array<entry, 11> entries = {{
    {"sha224", speed_hash<carapace::sha224>, true},
    {"sha256", speed_hash<carapace::sha256>, true},
    {"sha384", speed_hash<carapace::sha384>, true},
    {"sha512", speed_hash<carapace::sha512>, true},
    {"sha512-256", speed_hash<carapace::sha512_256>, true},
    {"hmac-sha256", speed_hmac<carapace::sha256>, false},
    {"hmac-sha384", speed_hmac<carapace::sha384>, false},
    {"hmac-sha512", speed_hmac<carapace::sha512>, false},
    {"hkdf-sha256", speed_hkdf<carapace::sha256>, false},
    {"hkdf-sha384", speed_hkdf<carapace::sha384>, false},
    {"hkdf-sha512", speed_hkdf<carapace::sha512>, false},
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

    std::printf("carapace %s speed: sha256 uses %s, sha512 uses %s; %.1f s per figure\n",
                CARAPACE_VERSION_STRING,
                carapace::detail::sha256_shani::supported() ? "SHA-NI" : "portable code",
                carapace::detail::sha512_avx2::supported() ? "AVX2+BMI2" : "portable code", seconds);
    bool header_printed = false;
    for (const entry* e : chosen) {
        if (e->is_hash && !header_printed) {
            std::printf("%-16s", "type");
            for (const std::size_t size : hash_sizes) std::printf(" %10zu", size);
            std::printf("  bytes per message\n");
            header_printed = true;
        }
        e->run(e->name, seconds);
        std::fflush(stdout);
    }
    return exit_ok;
}

}  // namespace carapace_tool
