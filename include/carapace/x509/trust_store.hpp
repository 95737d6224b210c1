// A trust store: the anchors path validation ends at (RFC 5280 §6.1.1 (d)), parsed certificates
// viewing the caller's DER bytes, in a fixed-capacity array (no allocation; the whole store can
// be built at compile time from embedded DER).
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/pem.hpp"

namespace carapace::x509 {

// A fixed-capacity set of trust anchors: parsed certificates viewing the caller's DER bytes.
template <std::size_t Capacity>
class trust_store {
public:
    // Adds one DER certificate (kept as a view). Errors: decode_error, buffer_too_small (full).
    [[nodiscard]] constexpr errc add(byte_view der_bytes) noexcept {
        if (count_ == Capacity) return errc::buffer_too_small;
        auto cert = parse_certificate(der_bytes);
        if (!cert) return cert.error();
        anchors_[count_++] = *cert;
        return errc::ok;
    }

    // Adds every CERTIFICATE block of a PEM bundle, decoding them one after another into
    // `storage`, which must outlive the store (pem::max_decoded_size of each block, summed, is
    // enough; the bundle's size is always enough). Returns how many were added.
    [[nodiscard]] constexpr result<std::size_t> add_pem_bundle(std::string_view text, byte_span storage) noexcept {
        pem::reader r(text);
        std::size_t added = 0;
        for (auto block = r.next(); block; block = r.next()) {
            if (block->label != pem::certificate) continue;
            auto n = pem::decode(*block, storage);
            if (!n) return n.error();
            if (const errc e = add(storage.first(*n)); e != errc::ok) return e;
            storage = storage.subspan(*n);
            ++added;
        }
        if (!r.ok()) return errc::decode_error;
        return added;
    }

    // The number of anchors.
    [[nodiscard]] constexpr std::size_t size() const noexcept { return count_; }
    // The anchors, parsed.
    [[nodiscard]] constexpr std::span<const certificate> anchors() const noexcept {
        return std::span<const certificate>(anchors_.data(), count_);
    }

private:
    std::array<certificate, Capacity> anchors_{};
    std::size_t count_ = 0;
};

}  // namespace carapace::x509
