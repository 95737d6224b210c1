// The body of a size-switched client (switched_client.hpp), compiled once per configuration by
// switched_client.cpp and switched_client_p256.cpp, which define the switches, rename the library's
// namespace and name this one (CARAPACE_SWITCHED_NAMESPACE) before including it. With
// CARAPACE_SWITCHED_P256 the client offers secp256r1, else X25519.
#pragma once

#include <iterator>
#include <new>
#include <optional>

#include "carapace/ec/x25519.hpp"
#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "support/switched_client.hpp"

namespace CARAPACE_SWITCHED_NAMESPACE {
namespace {

using namespace carapace;

class seeded_random final : public tls::random_source {
public:
    void seed(std::uint64_t s) noexcept { state_ = s | 1; }
    void fill(byte_span out) noexcept override {
        for (auto& b : out) {  // xorshift64*: deterministic test randomness
            state_ ^= state_ >> 12;
            state_ ^= state_ << 25;
            state_ ^= state_ >> 27;
            b = static_cast<std::uint8_t>((state_ * 0x2545f4914f6cdd1dULL) >> 56);
        }
    }

private:
    std::uint64_t state_ = 1;
};

class fixed_clock final : public tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override { return 1'800'000'000; }  // 2027
};

struct state {
    x509::trust_store<1> store;
    tls::x509_verifier<1> verifier{store};
#if defined(CARAPACE_SWITCHED_P256)
    tls::p256_key_exchange exchange;
    static constexpr tls::named_group group_names[1] = {tls::named_group::secp256r1};
#else
    tls::x25519_key_exchange exchange;
    static constexpr tls::named_group group_names[1] = {tls::named_group::x25519};
#endif
    tls::key_exchange* groups[1] = {&exchange};
    seeded_random random;
    fixed_clock clock;
    tls::client_config config;
    tls::client client;

    explicit state(std::uint64_t seed) : config(make_config()), client(config) { random.seed(seed); }
    tls::client_config make_config() noexcept {
        tls::client_config c;
        c.server_name = "localhost";
        c.key_exchanges = groups;
        c.groups = group_names;
        c.verifier = &verifier;
        c.random = &random;
        c.clock = &clock;
        return c;
    }
};
alignas(state) unsigned char storage[sizeof(state)];
state* current = nullptr;

result convert(const tls::io_result& r) {
    return {r.consumed, r.produced, static_cast<int>(r.what), r.data.data(), r.data.size()};
}

}  // namespace

bool reset(const std::uint8_t* root_der, std::size_t root_size, std::uint64_t seed) {
    if (current != nullptr) current->~state();
    current = ::new (static_cast<void*>(storage)) state(seed);
    return current->store.add(byte_view(root_der, root_size)) == errc::ok;
}

result start(std::uint8_t* out, std::size_t out_size) { return convert(current->client.start(byte_span(out, out_size))); }

result receive(const std::uint8_t* in, std::size_t in_size, std::uint8_t* out, std::size_t out_size) {
    return convert(current->client.receive(byte_view(in, in_size), byte_span(out, out_size)));
}

result send(const std::uint8_t* data, std::size_t size, std::uint8_t* out, std::size_t out_size) {
    return convert(current->client.send(byte_view(data, size), byte_span(out, out_size)));
}

bool handshake_complete() { return current->client.handshake_complete(); }

std::uint16_t negotiated_suite() { return static_cast<std::uint16_t>(current->client.negotiated_suite()); }

std::size_t suite_count() { return std::size(tls::all_suites); }
std::size_t default_suite_count() { return std::size(tls::default_cipher_suites); }
std::size_t verifiable_scheme_count() { return std::size(tls::verifiable_schemes); }

void x25519_public_key(std::uint8_t* out, const std::uint8_t* private_key) {
    carapace::x25519_public_key(fixed_span<32>(out, 32), fixed_view<32>(private_key, 32));
}

}  // namespace CARAPACE_SWITCHED_NAMESPACE
