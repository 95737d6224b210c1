// Certificate path validation (x509/verify.hpp) on arbitrary chains: a trust store filled from
// the input (DER certificates, or a PEM bundle), a leaf, intermediates (past the 48 the
// validator considers), a host name, a time, a purpose and a profile. Nothing may crash; the
// answer must be the same when asked twice; the work must stay within its budgets; and an
// accepted chain must have a leaf that parses, is valid at the time asked for, and has a
// subjectAltName when a host was asked for.
//
// Input: [flags][time: 5 bytes, big-endian][host length][host][DER blobs, each [length: 2][bytes]]
//   flags: bits 0-1 how many blobs are anchors (the first ones); bit 2 the time is known; bits 3-4
//   the purpose (any, server, client); bit 5 a maximum depth of 3 (else 8); bit 6 the first blob
//   is a PEM bundle of anchors instead; bit 7 the RFC 5280 profile (else the Web PKI's). The blob
//   after the anchors is the leaf; the rest are intermediates.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "carapace/x509/verify.hpp"

namespace {

using namespace carapace;

void require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 7) return 0;
    const std::uint8_t flags = data[0];
    x509::verify_options options;
    options.time = 0;
    for (std::size_t i = 1; i < 6; ++i) options.time = options.time << 8 | data[i];
    options.time_known = (flags & 4) != 0;
    static constexpr x509::purpose purposes[4] = {x509::purpose::any, x509::purpose::server_auth,
                                                  x509::purpose::client_auth, x509::purpose::server_auth};
    options.usage = purposes[(flags >> 3) & 3];
    options.max_depth = (flags & 32) != 0 ? 3 : 8;
    options.profile = (flags & 128) != 0 ? x509::certificate_profile::rfc5280 : x509::certificate_profile::webpki;
    const std::size_t host_size = std::min<std::size_t>(data[6], size - 7);
    options.host = std::string_view(reinterpret_cast<const char*>(data + 7), host_size);

    std::vector<byte_view> blobs;
    for (std::size_t at = 7 + host_size; at + 2 <= size;) {
        const std::size_t n = std::min(static_cast<std::size_t>(data[at]) << 8 | data[at + 1], size - at - 2);
        blobs.emplace_back(data + at + 2, n);
        at += 2 + n;
    }
    if (blobs.empty()) return 0;

    static x509::trust_store<4> store;
    store = {};
    std::vector<std::uint8_t> pem_storage;
    std::size_t next = 0;
    if ((flags & 64) != 0) {
        const std::string_view text(reinterpret_cast<const char*>(blobs[0].data()), blobs[0].size());
        pem_storage.resize(text.size());
        (void)store.add_pem_bundle(text, pem_storage);
        next = 1;
    } else {
        for (; next < (flags & 3u) && next + 1 < blobs.size(); ++next) (void)store.add(blobs[next]);
    }
    if (next >= blobs.size()) return 0;
    const byte_view leaf = blobs[next];
    const std::span<const byte_view> intermediates = std::span<const byte_view>(blobs).subspan(next + 1);

    x509::verify_details details;
    const x509::verify_error e = x509::verify_chain(leaf, intermediates, store, options, details);
    require(x509::verify_chain(leaf, intermediates, store, options) == e);
    require(!x509::to_string(e).empty());
    // The work stays within its budgets, and a profile violation names its rule.
    require(details.signature_checks <= options.max_signature_checks);
    require(details.name_comparisons <= options.max_name_comparisons);
    require((e == x509::verify_error::profile_violation || e == x509::verify_error::weak_key) ==
            (details.broken_rule != x509::profile_rule::none));
    if (e == x509::verify_error::ok) {
        require(store.size() > 0);
        const auto cert = x509::parse_certificate(leaf);
        require(cert.ok());
        if (options.time_known) require(cert->not_before <= options.time && options.time <= cert->not_after);
        if (!options.host.empty()) require(!cert->subject_alt_names.empty());
    }
    return 0;
}
