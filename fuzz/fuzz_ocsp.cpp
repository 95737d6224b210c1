// OCSP response parsing and checking (x509/ocsp.hpp) on arbitrary input: a response, the issuer
// and the certificate asked about, as a TLS client has them for a stapled response. Nothing may
// crash; the answers must be the same when asked twice; and a decided status (good or revoked)
// needs a successful response that parses and a subject whose issuer name is the issuer's.
//
// Input: [time: 5 bytes, big-endian][blobs, each [length: 2][bytes]]: the response (DER), then
// the issuer and the subject (DER certificates).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "carapace/x509/ocsp.hpp"

namespace {

using namespace carapace;

void require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 5) return 0;
    x509::revocation_options options;
    for (std::size_t i = 0; i < 5; ++i) options.time = options.time << 8 | data[i];
    std::vector<byte_view> blobs;
    for (std::size_t at = 5; at + 2 <= size;) {
        const std::size_t n = std::min(static_cast<std::size_t>(data[at]) << 8 | data[at + 1], size - at - 2);
        blobs.emplace_back(data + at + 2, n);
        at += 2 + n;
    }
    if (blobs.empty()) return 0;

    const auto response = x509::parse_ocsp_response(blobs[0]);
    require(response.ok() == x509::parse_ocsp_response(blobs[0]).ok());
    if (response && response->status == x509::ocsp_response_status::successful) {
        // Every SingleResponse and certificate the parser counted parses on its own.
        der::reader singles(response->responses);
        std::size_t count = 0;
        while (!singles.empty()) {
            auto single = singles.next();
            require(single.ok() && x509::detail::parse_single_response(*single).ok());
            ++count;
        }
        require(count == response->response_count);
        require(response->certificate_count <= x509::detail::max_ocsp_certificates);
    }
    if (blobs.size() < 3) return 0;

    const auto issuer = x509::parse_certificate(blobs[1]), subject = x509::parse_certificate(blobs[2]);
    if (!issuer || !subject) return 0;
    const auto status = x509::check_ocsp_response(blobs[0], *subject, *issuer, options);
    require(x509::check_ocsp_response(blobs[0], *subject, *issuer, options) == status);
    require(!x509::to_string(status.detail).empty());
    if (status.status != x509::revocation_status::unknown) {
        require(status.detail == x509::revocation_detail::none);
        require(response.ok() && response->status == x509::ocsp_response_status::successful);
        require(der::equal(subject->issuer, issuer->subject));
        require(x509::ocsp_status(*response, *subject, *issuer, options) == status);
    } else if (!response) {
        require(status.detail == x509::revocation_detail::malformed);
    }
    return 0;
}
