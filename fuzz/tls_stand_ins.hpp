// What the TLS harnesses give the engines in place of an application's own: randomness that
// replays (the fuzzer must be able to run an input again) and a verifier that accepts any chain and
// signature, so that the fuzzer gets past the certificate.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "carapace/tls/client.hpp"

namespace fuzz_support {

class counter_random final : public carapace::tls::random_source {
public:
    void fill(carapace::byte_span out) noexcept override {
        for (auto& b : out) b = static_cast<std::uint8_t>(++n_ * 167);
    }

private:
    std::uint32_t n_ = 0;
};

class accept_all final : public carapace::tls::certificate_verifier {
public:
    carapace::tls::error verify_chain(std::span<const carapace::byte_view>, std::string_view, bool,
                                      std::optional<std::int64_t>, std::string_view&) noexcept override {
        return carapace::tls::error::none;
    }
    carapace::tls::error verify_signature(carapace::byte_view, carapace::tls::signature_scheme, carapace::byte_view,
                                          carapace::byte_view) noexcept override {
        return carapace::tls::error::none;
    }
    std::span<const carapace::tls::signature_scheme> schemes() const noexcept override { return schemes_; }

private:
    static constexpr carapace::tls::signature_scheme schemes_[1] = {carapace::tls::signature_scheme::ed25519};
};

}  // namespace fuzz_support
