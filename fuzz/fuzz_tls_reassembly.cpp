// Handshake reassembly alone (tls/detail/handshake_reassembly.hpp).
//
// Input: byte 0 picks the buffer size (64 << (byte0 % 8) bytes); then fragments, each a length
// byte and that many bytes. The messages reassembly hands out must be exactly those a reference
// parse of the concatenated fragments finds, in order, up to the first message the header check
// refuses (type 0xff: unexpected_message) or that is longer than the buffer (illegal_parameter),
// where it must stop with that error. Nothing may be lost or invented across any fragmentation.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "carapace/tls/detail/handshake_reassembly.hpp"

namespace {

using carapace::byte_span;
using carapace::byte_view;
namespace tls = carapace::tls;
namespace detail = carapace::tls::detail;

void require(bool ok) {
    if (!ok) std::abort();
}

struct expected_message {
    std::size_t offset, size;  // header included, in the concatenated stream
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    std::vector<std::uint8_t> buffer(std::size_t{64} << (data[0] % 8));
    std::vector<std::vector<std::uint8_t>> fragments;
    std::vector<std::uint8_t> stream;
    for (std::size_t at = 1; at < size;) {
        const std::size_t n = std::min<std::size_t>(data[at], size - at - 1);
        fragments.emplace_back(data + at + 1, data + at + 1 + n);
        stream.insert(stream.end(), data + at + 1, data + at + 1 + n);
        at += 1 + n;
    }
    // The reference: messages in the stream, and how it must end.
    std::vector<expected_message> expected;
    tls::error expected_error = tls::error::none;
    for (std::size_t at = 0; stream.size() - at >= 4;) {
        const std::size_t length = static_cast<std::size_t>(stream[at + 1]) << 16 |
                                   static_cast<std::size_t>(stream[at + 2]) << 8 | stream[at + 3];
        if (stream[at] == 0xff) {
            expected_error = tls::error::unexpected_message;
            break;
        }
        if (4 + length > buffer.size()) {
            expected_error = tls::error::illegal_parameter;
            break;
        }
        if (stream.size() - at < 4 + length) break;
        expected.push_back({at, 4 + length});
        at += 4 + length;
    }

    detail::handshake_reassembly r;
    r.attach(buffer);
    auto check = [](tls::handshake_type type, std::size_t) {
        return static_cast<std::uint8_t>(type) == 0xff ? tls::error::unexpected_message : tls::error::none;
    };
    std::size_t got = 0;
    tls::error error = tls::error::none;
    for (auto& fragment : fragments) {
        r.add(fragment);
        while (error == tls::error::none) {
            const auto next = r.next(check);
            if (next.failure != tls::error::none) {
                error = next.failure;
                break;
            }
            if (!next.ready) break;
            require(got < expected.size());
            const auto& e = expected[got++];
            require(next.message.whole.size() == e.size);
            require(std::equal(next.message.whole.begin(), next.message.whole.end(), stream.begin() + static_cast<std::ptrdiff_t>(e.offset)));
            require(next.message.body.size() == e.size - 4);
            r.pop(next.message);
        }
        if (error != tls::error::none) break;
        require(!r.pending());  // what is left waits in the buffer, never in the fragment
    }
    require(got == expected.size());
    require(error == expected_error);
    return 0;
}
