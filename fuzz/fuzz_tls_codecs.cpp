// Every handshake-message codec (include/carapace/tls/detail/codec/) on arbitrary bytes, with the
// round-trip property. Input: the low four bits of byte 0 pick the message (modulo 10); for the responses
// (ServerHello, EncryptedExtensions, Certificate) bit 4 of byte 0 says whether the client
// offered every recognized extension (clear) or none (set); for Finished it picks a 32- or
// 48-byte hash. The rest is the message body.
//
// For every body b the decoder accepts, with m = decode(b):
//   1. encode(m) fits and decode(encode(m)) succeeds with a message equal to m (same_* / ==);
//   2. encode(m) == b byte for byte whenever the decoder dropped nothing: its ignored_extensions
//      count is zero (no unrecognized extension, no recognized one the struct does not hold, no
//      non-host_name server name). Extension order needs no condition: a decoded message records
//      the order and the encoder follows it.
// A violation aborts. Nothing may crash or read out of bounds on any input.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "carapace/tls/detail/codec/certificate.hpp"
#include "carapace/tls/detail/codec/certificate_request.hpp"
#include "carapace/tls/detail/codec/certificate_verify.hpp"
#include "carapace/tls/detail/codec/client_hello.hpp"
#include "carapace/tls/detail/codec/encrypted_extensions.hpp"
#include "carapace/tls/detail/codec/end_of_early_data.hpp"
#include "carapace/tls/detail/codec/finished.hpp"
#include "carapace/tls/detail/codec/key_update.hpp"
#include "carapace/tls/detail/codec/new_session_ticket.hpp"
#include "carapace/tls/detail/codec/server_hello.hpp"

namespace {

using namespace carapace;
using namespace carapace::tls;
namespace cc = carapace::tls::detail::codec;

// Room for any re-encoding: a body is at most the input, and encoding never grows an accepted
// body (it reproduces it or drops what was ignored).
std::vector<std::uint8_t> scratch(std::size_t size) { return std::vector<std::uint8_t>(size + 64); }

template <class T>
byte_view encode_into(const T& m, std::vector<std::uint8_t>& out) {
    detail::writer w(out);
    cc::encode(w, m);
    if (!w.ok()) std::abort();
    return w.written();
}

void same_bytes_or_abort(byte_view a, byte_view b) {
    if (a.size() != b.size() || (a.size() != 0 && std::memcmp(a.data(), b.data(), a.size()) != 0)) std::abort();
}

cc::extension_set every_extension() {
    cc::extension_set s;
    for (const auto& row : cc::extension_table) s.add(row.type);
    return s;
}

// decode, encode, decode again; Same(a, b) compares two decoded messages.
template <class T, class Decode, class Same>
void round_trip(byte_view body, Decode&& decode, Same&& same, bool exact_when_nothing_ignored) {
    T m;
    if (decode(body, m) != error::none) return;
    auto out = scratch(body.size());
    const byte_view again = encode_into(m, out);
    T back;
    if (decode(again, back) != error::none || !same(m, back)) std::abort();
    std::size_t ignored = 0;
    if constexpr (requires { m.ignored_extensions; }) ignored = m.ignored_extensions;
    if (exact_when_nothing_ignored && ignored == 0) same_bytes_or_abort(again, body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const byte_view body(data + 1, size - 1);
    const bool offered_none = (data[0] & 0x10) != 0;
    const cc::extension_set offered = offered_none ? cc::extension_set{} : every_extension();
    const int message = (data[0] & 0x0f) % 10;
    switch (message) {
        case 0:
            round_trip<cc::client_hello>(
                body, [](byte_view b, cc::client_hello& m) { return cc::decode(b, m); },
                [](const cc::client_hello& a, const cc::client_hello& b) { return cc::same_hello(a, b); }, true);
            break;
        case 1:
            round_trip<cc::server_hello>(
                body, [&](byte_view b, cc::server_hello& m) { return cc::decode(b, m, offered); },
                [](const cc::server_hello& a, const cc::server_hello& b) { return cc::same_hello(a, b); }, true);
            break;
        case 2:
            round_trip<cc::encrypted_extensions>(
                body, [&](byte_view b, cc::encrypted_extensions& m) { return cc::decode(b, m, offered); },
                [](const cc::encrypted_extensions& a, const cc::encrypted_extensions& b) {
                    return cc::same_extensions(a, b);
                },
                true);
            break;
        case 3:
            round_trip<cc::certificate_request>(
                body, [](byte_view b, cc::certificate_request& m) { return cc::decode(b, m); },
                [](const cc::certificate_request& a, const cc::certificate_request& b) { return cc::same_request(a, b); },
                true);
            break;
        case 4:
            round_trip<cc::certificate>(
                body, [&](byte_view b, cc::certificate& m) { return cc::decode(b, m, offered); },
                [](const cc::certificate& a, const cc::certificate& b) { return cc::same_certificate(a, b); }, true);
            break;
        case 5:
            round_trip<cc::certificate_verify>(
                body, [](byte_view b, cc::certificate_verify& m) { return cc::decode(b, m); },
                [](const cc::certificate_verify& a, const cc::certificate_verify& b) { return a == b; }, true);
            break;
        case 6: {
            const std::size_t hash = (data[0] & 0x10) != 0 ? 48 : 32;
            round_trip<cc::finished>(
                body, [&](byte_view b, cc::finished& m) { return cc::decode(b, m, hash); },
                [](const cc::finished& a, const cc::finished& b) { return a == b; }, true);
            break;
        }
        case 7:
            round_trip<cc::new_session_ticket>(
                body, [](byte_view b, cc::new_session_ticket& m) { return cc::decode(b, m); },
                [](const cc::new_session_ticket& a, const cc::new_session_ticket& b) { return a == b; }, true);
            break;
        case 8:
            round_trip<cc::key_update>(
                body, [](byte_view b, cc::key_update& m) { return cc::decode(b, m); },
                [](const cc::key_update& a, const cc::key_update& b) { return a == b; }, true);
            break;
        default:
            round_trip<cc::end_of_early_data>(
                body, [](byte_view b, cc::end_of_early_data& m) { return cc::decode(b, m); },
                [](const cc::end_of_early_data&, const cc::end_of_early_data&) { return true; }, true);
            break;
    }
    // The truncated-hello length is consistent with the decoder on any input taken as a message.
    if (message == 0 && size >= 4) {
        const std::size_t n = cc::truncated_client_hello_length(byte_view(data, size));
        if (n > size) std::abort();
    }
    return 0;
}
