// What the TLS examples need from the system, kept out of their way: PEM files, the Ed25519 key
// of a PKCS#8 file, randomness from getrandom(2) and the time. Not part of the library.
#pragma once

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "carapace/tls/interfaces.hpp"
#include "carapace/x509/keys.hpp"
#include "carapace/x509/pem.hpp"

namespace example {

using der_bytes = std::vector<std::uint8_t>;

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Every CERTIFICATE block of a PEM file, decoded, in order (a chain: leaf first).
inline std::vector<der_bytes> load_certificates(const std::string& path) {
    const std::string text = read_file(path);
    std::vector<der_bytes> out;
    carapace::pem::reader r(text);
    for (auto block = r.next(); block; block = r.next()) {
        if (block->label != carapace::pem::certificate) continue;
        der_bytes der(carapace::pem::max_decoded_size(*block));
        if (const auto n = carapace::pem::decode(*block, der)) {
            der.resize(*n);
            out.push_back(std::move(der));
        }
    }
    return out;
}

inline std::vector<carapace::byte_view> views(const std::vector<der_bytes>& certificates) {
    return {certificates.begin(), certificates.end()};
}

// The 32-byte seed of a PKCS#8 Ed25519 key file (`openssl genpkey -algorithm ed25519`).
inline std::optional<carapace::bytes<32>> load_ed25519_seed(const std::string& path) {
    const std::string text = read_file(path);
    der_bytes der(text.size());
    const auto n = carapace::pem::decode_first(text, carapace::pem::private_key, der);
    if (!n) return std::nullopt;
    const auto key = carapace::x509::parse_private_key(carapace::byte_view(der).first(*n));
    if (!key || key->type != carapace::x509::key_type::ed25519 || key->key.size() != 32) return std::nullopt;
    carapace::bytes<32> seed{};
    std::copy(key->key.begin(), key->key.end(), seed.begin());
    return seed;
}

class system_random final : public carapace::tls::random_source {
public:
    void fill(carapace::byte_span out) noexcept override {
        for (std::size_t done = 0; done < out.size();) {
            const auto n = ::getrandom(out.data() + done, out.size() - done, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) std::abort();
            done += static_cast<std::size_t>(n);
        }
    }
};

class system_clock final : public carapace::tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override { return static_cast<std::int64_t>(std::time(nullptr)); }
};

}  // namespace example
