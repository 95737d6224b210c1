// CRL parsing and checking (x509/crl.hpp) on arbitrary input: a CRL, and the certificates a
// check needs (the issuer, the certificate asked about, delegated signers). Nothing may crash;
// the answers must be the same when asked twice; every entry counted by the parser must be found
// again by its serial; and a decided status (good or revoked) needs a CRL that parses, names the
// certificate's issuer, has no critical extension it cannot process, and is current at the time.
//
// Input: [time: 5 bytes, big-endian][blobs, each [length: 2][bytes]]: the CRL, then the issuer,
// the subject and any delegated signers (DER certificates).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "carapace/x509/crl.hpp"

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

    const auto list = x509::parse_crl(blobs[0]);
    const auto again = x509::parse_crl(blobs[0]);
    require(list.ok() == again.ok());
    if (list) {
        require(list->revoked_count == again->revoked_count && list->this_update == again->this_update);
        // Every entry the parser counted is found by its serial (the first with that serial).
        der::reader entries(list->revoked);
        std::size_t count = 0;
        while (!entries.empty()) {
            auto entry = entries.next();
            require(entry.ok());
            der::reader fields(entry->content);
            auto serial = fields.expect(der::integer);
            require(serial.ok());
            x509::crl_entry found;
            require(x509::find_revoked(*list, serial->content, found));
            require(der::equal(found.serial, serial->content));
            ++count;
        }
        require(count == list->revoked_count);
    }
    if (blobs.size() < 3) return 0;

    const auto issuer = x509::parse_certificate(blobs[1]), subject = x509::parse_certificate(blobs[2]);
    std::vector<x509::certificate> delegates;
    for (std::size_t i = 3; i < blobs.size(); ++i)
        if (auto cert = x509::parse_certificate(blobs[i])) delegates.push_back(*cert);
    if (!list || !issuer || !subject) return 0;
    for (const auto scope : {x509::revocation_scope::leaf, x509::revocation_scope::whole_path}) {
        options.scope = scope;
        const auto status = x509::crl_status(*subject, *issuer, {&*list, 1}, delegates, options);
        require(x509::crl_status(*subject, *issuer, {&*list, 1}, delegates, options) == status);
        require(!x509::to_string(status.detail).empty());
        if (status.status != x509::revocation_status::unknown) {
            require(status.detail == x509::revocation_detail::none);
            require(der::equal(list->issuer, subject->issuer));
            require(!list->has_unknown_critical_extension && !list->unsupported_scope);
            require(list->has_next_update && list->this_update <= options.time && options.time <= list->next_update);
            x509::crl_entry entry;
            require(x509::find_revoked(*list, subject->serial, entry) == (status.status == x509::revocation_status::revoked));
        }
        const x509::certificate path[2] = {*subject, *issuer};
        const auto path_status = x509::check_path_crls(path, {&*list, 1}, delegates, options);
        require(path_status == status);
    }
    return 0;
}
