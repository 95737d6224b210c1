// A client and a server engine over memory for the TLS tests: the test PKI of tests/vectors/tls
// loaded, the default interfaces wired up, and a pump that carries bytes both ways in random
// splits until neither side has anything left to do.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/server.hpp"
#include "host/pem_files.hpp"
#include "support/vectors.hpp"

namespace test_support {

// Every CERTIFICATE block of tests/vectors/<relative_path>, decoded (support/host, as the tool
// loads them); empty when the file cannot be loaded, which the test that asked then notices.
inline std::vector<byte_vector> load_certificates(const std::string& relative_path) {
    std::vector<byte_vector> out;
    std::string error;
    if (!host::load_certificate_chain(std::string(CARAPACE_TEST_VECTORS) + "/" + relative_path, out, error)) return {};
    return out;
}

// The Ed25519 seed of a PKCS#8 PEM key file; empty when it cannot be loaded.
inline byte_vector load_ed25519_seed(const std::string& relative_path) {
    carapace::bytes<32> seed{};
    std::string error;
    if (!host::load_ed25519_private_key(std::string(CARAPACE_TEST_VECTORS) + "/" + relative_path, seed, error)) return {};
    return byte_vector(seed.begin(), seed.end());
}

class test_random final : public carapace::tls::random_source {
public:
    explicit test_random(std::uint64_t seed) : rng_(seed) {}
    void fill(carapace::byte_span out) noexcept override {
        for (auto& b : out) b = static_cast<std::uint8_t>(rng_.next() >> 56);
    }

private:
    test_rng rng_;
};

class fixed_clock final : public carapace::tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override { return 1'800'000'000; }  // 2027
};

// One side's identity: its chain, views of it, its signer.
struct identity {
    std::vector<byte_vector> chain;
    std::vector<carapace::byte_view> views;
    std::unique_ptr<carapace::tls::ed25519_signer> signer;

    explicit identity(const std::string& name) {
        chain = load_certificates("tls/" + name + ".pem");
        for (const auto& c : chain) views.emplace_back(c);
        const byte_vector seed = load_ed25519_seed("tls/" + name + ".key");
        if (seed.size() == 32) signer = std::make_unique<carapace::tls::ed25519_signer>(carapace::fixed_view<32>(seed.data(), 32));
    }
};

// An identity with an ECDSA key (tests/vectors/tls/ec: P-256 or P-384, PKCS#8 or "EC PRIVATE
// KEY"): its chain and an ecdsa_signer, whose hedging bytes come from `random`. `signer` stays
// null when the key cannot be loaded, which the test that asked then notices.
struct ecdsa_identity {
    std::vector<byte_vector> chain;
    std::vector<carapace::byte_view> views;
    test_random random{99};
    std::unique_ptr<carapace::tls::ecdsa_signer<carapace::p256>> p256;
    std::unique_ptr<carapace::tls::ecdsa_signer<carapace::p384>> p384;
    carapace::tls::signer* signer = nullptr;

    explicit ecdsa_identity(const std::string& name) {
        chain = load_certificates("tls/" + name + ".pem");
        for (const auto& c : chain) views.emplace_back(c);
        host::private_key key;
        std::string error;
        if (!host::load_private_key(std::string(CARAPACE_TEST_VECTORS) + "/tls/" + name + ".key", key, error)) return;
        if (key.type == carapace::x509::key_type::ec_p256) {
            if (const auto k = carapace::ecdsa_private_key<carapace::p256>::from_scalar(key.key().first<32>())) {
                p256 = std::make_unique<carapace::tls::ecdsa_signer<carapace::p256>>(*k, random);
                signer = p256.get();
            }
        } else if (key.type == carapace::x509::key_type::ec_p384) {
            if (const auto k = carapace::ecdsa_private_key<carapace::p384>::from_scalar(key.key().first<48>())) {
                p384 = std::make_unique<carapace::tls::ecdsa_signer<carapace::p384>>(*k, random);
                signer = p384.get();
            }
        }
    }
    ecdsa_identity(const ecdsa_identity&) = delete;  // the signer refers to `random`
    ecdsa_identity& operator=(const ecdsa_identity&) = delete;
};

// Trust anchored at tests/vectors/tls/root.pem.
struct trust {
    carapace::x509::trust_store<4> store;
    byte_vector root;
    std::unique_ptr<carapace::tls::x509_verifier<4>> verifier;

    explicit trust(const std::string& root_file = "root", bool accept_any = false) {
        const auto roots = load_certificates("tls/" + root_file + ".pem");
        if (!roots.empty()) {
            root = roots[0];
            (void)store.add(root);
        }
        verifier = std::make_unique<carapace::tls::x509_verifier<4>>(store, accept_any);
    }
};

// Keeps each key log call as an NSS key log line: "LABEL client_random_hex secret_hex".
class recording_key_log final : public carapace::tls::key_log {
public:
    std::vector<std::string> lines;
    void log(std::string_view label, carapace::byte_view client_random, carapace::byte_view secret) noexcept override {
        lines.push_back(std::string(label) + " " + to_hex(client_random) + " " + to_hex(secret));
    }
};

// A stand-in group the server does not implement, to make a client's first share useless and
// force a HelloRetryRequest.
class unused_group final : public carapace::tls::key_exchange {
public:
    carapace::tls::named_group group() const noexcept override { return carapace::tls::named_group::secp256r1; }
    std::size_t share_size() const noexcept override { return 65; }
    carapace::errc generate(carapace::tls::random_source& rng,
                            std::span<std::uint8_t, carapace::tls::max_key_exchange_state>,
                            carapace::byte_span share) noexcept override {
        rng.fill(share);
        share[0] = 4;
        return carapace::errc::ok;
    }
    std::size_t finish(std::span<const std::uint8_t, carapace::tls::max_key_exchange_state>, carapace::byte_view,
                       std::span<std::uint8_t, carapace::tls::max_shared_secret_size>) noexcept override {
        return 0;
    }
    std::size_t respond(carapace::tls::random_source&, carapace::byte_view, carapace::byte_span,
                        std::span<std::uint8_t, carapace::tls::max_shared_secret_size>) noexcept override {
        return 0;
    }
};

// Events seen by one side while pumping.
struct side_log {
    std::vector<carapace::tls::event> events;
    byte_vector received;  // application data, concatenated
    byte_vector early;     // early data (0-RTT), concatenated
    carapace::tls::io_result last_fatal;
    bool saw(carapace::tls::event e) const { return count(e) != 0; }
    std::size_t count(carapace::tls::event e) const {
        std::size_t n = 0;
        for (auto x : events) n += x == e ? 1 : 0;
        return n;
    }
};

// Feeds `inbox` to an engine as bytes arrive in chunks of random size (max_chunk 0: all at once),
// appends what it produces to `outbox`. Returns true when it did anything. What the engine did
// not consume stays at the front and is offered again with the next chunk, as a caller's input
// buffer would (an engine with lent buffers leaves a partial record there).
template <class Engine>
bool drive(Engine& engine, byte_vector& inbox, byte_vector& outbox, side_log& log, test_rng& rng,
           std::size_t max_chunk, std::size_t output_size = 1 << 16) {
    bool progress = false;
    byte_vector out(output_size);
    std::size_t offered = 0;  // bytes at the front of inbox the engine has seen and left
    for (int guard = 0; guard < 100000; ++guard) {
        std::size_t n = inbox.size();
        if (max_chunk != 0 && n > 0) n = std::min(n, offered + 1 + rng.below(max_chunk));
        const auto r = engine.receive(carapace::byte_span(inbox.data(), n), out);
        outbox.insert(outbox.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        // Received data may point into the input (lent buffers): taken before the input moves.
        if (r.what == carapace::tls::event::app_data)
            log.received.insert(log.received.end(), r.data.begin(), r.data.end());
        if (r.what == carapace::tls::event::early_data) log.early.insert(log.early.end(), r.data.begin(), r.data.end());
        inbox.erase(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(r.consumed));
        offered = n - r.consumed;
        if (r.consumed != 0 || r.produced != 0) progress = true;
        if (r.what != carapace::tls::event::need_input) log.events.push_back(r.what);
        if (r.what == carapace::tls::event::fatal) {
            log.last_fatal = r;
            return progress;
        }
        if (r.what == carapace::tls::event::peer_closed || r.what == carapace::tls::event::need_output_space ||
            r.what == carapace::tls::event::refused || r.what == carapace::tls::event::signature_needed ||
            r.what == carapace::tls::event::verification_needed)
            return progress;
        if (r.what == carapace::tls::event::need_input) {
            if (inbox.empty()) return progress;
            if (r.consumed == 0 && n == inbox.size()) return progress;  // the rest of a record is still to come
        }
    }
    return progress;
}

// Runs both engines until neither makes progress.
template <class Client, class Server>
void pump(Client& client, Server& server, byte_vector& to_server, byte_vector& to_client, side_log& client_log,
          side_log& server_log, test_rng& rng, std::size_t max_chunk = 0, std::size_t output_size = 1 << 16) {
    for (int round = 0; round < 1000; ++round) {
        const bool a = drive(server, to_server, to_client, server_log, rng, max_chunk, output_size);
        const bool b = drive(client, to_client, to_server, client_log, rng, max_chunk, output_size);
        if (!a && !b) return;
    }
}

}  // namespace test_support
