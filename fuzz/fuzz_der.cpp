// The DER reader, the certificate parser and PEM/base64 decoding on arbitrary bytes: nothing may crash or read out of
// bounds (ASan watches), and what the reader accepts must hold together: every element lies
// inside its parent, and the elements of a level tile it exactly.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "carapace/x509/certificate.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/pem.hpp"

namespace {

// Walks every level the reader accepts, up to a depth, checking the views.
void walk(carapace::byte_view data, unsigned depth) {
    carapace::der::reader r(data);
    std::size_t covered = 0;
    while (!r.empty()) {
        auto e = r.next();
        if (!e) return;
        const auto& el = *e;
        if (el.encoded.data() != data.data() + covered) std::abort();
        if (el.content.data() + el.content.size() != el.encoded.data() + el.encoded.size()) std::abort();
        covered += el.encoded.size();
        if (covered > data.size()) std::abort();
        (void)carapace::der::to_time(el);
        (void)carapace::der::to_unsigned(el);
        (void)carapace::der::to_bits(el);
        (void)carapace::der::oid_octets(el);
        if (carapace::der::is_constructed(el.tag) && depth > 0) walk(el.content, depth - 1);
    }
    if (covered != data.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const carapace::byte_view bytes(data, size);
    walk(bytes, 16);
    (void)carapace::der::well_formed(bytes, 16);
    if (auto cert = carapace::x509::parse_certificate(bytes)) {
        carapace::x509::general_names names(cert->subject_alt_names);
        while (!names.empty() && names.next()) {
        }
        carapace::x509::general_names permitted(cert->permitted_subtrees, true);
        while (!permitted.empty() && permitted.next()) {
        }
    }

    const std::string_view text(reinterpret_cast<const char*>(data), size);
    carapace::pem::reader r(text);
    for (auto block = r.next(); block; block = r.next()) {
        std::vector<std::uint8_t> out(carapace::pem::max_decoded_size(*block));
        auto n = carapace::pem::decode(*block, out);
        if (n && *n > out.size()) std::abort();
    }
    return 0;
}
