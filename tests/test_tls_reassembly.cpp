// Handshake reassembly alone (tls/detail/handshake_reassembly.hpp), no engine: messages across
// any fragmentation, several in one fragment, the header check before the body, the buffer's
// limit, and the key-change boundary.
#include <doctest/doctest.h>

#include <vector>

#include "carapace/tls/detail/handshake_reassembly.hpp"
#include "support/vectors.hpp"

namespace test_tls_reassembly_ns {

using namespace carapace;
using namespace carapace::tls;
namespace detail = carapace::tls::detail;
using test_support::byte_vector;

namespace {

// Built by index: GCC 12 warns falsely about growing a vector made from a short list.
byte_vector hs_message(std::uint8_t type, std::size_t length, std::uint8_t fill) {
    byte_vector m(4 + length, fill);
    m[0] = type;
    m[1] = static_cast<std::uint8_t>(length >> 16);
    m[2] = static_cast<std::uint8_t>(length >> 8);
    m[3] = static_cast<std::uint8_t>(length);
    return m;
}

auto accept_all = [](handshake_type, std::size_t) { return error::none; };

}  // namespace

TEST_CASE("TLS reassembly: messages come out whole whatever the fragment sizes") {
    byte_vector stream;
    for (std::uint8_t i = 1; i <= 4; ++i) {
        const auto m = hs_message(i, 10u * i, i);
        stream.insert(stream.end(), m.begin(), m.end());
    }
    for (std::size_t piece : {1u, 3u, 7u, 50u, 1000u}) {
        CAPTURE(piece);
        byte_vector buffer(256);
        detail::handshake_reassembly r;
        r.attach(buffer);
        std::vector<std::uint8_t> types;
        for (std::size_t at = 0; at < stream.size(); at += piece) {
            byte_vector fragment(stream.begin() + static_cast<std::ptrdiff_t>(at),
                                       stream.begin() + static_cast<std::ptrdiff_t>(std::min(stream.size(), at + piece)));
            r.add(fragment);
            for (;;) {
                const auto next = r.next(accept_all);
                REQUIRE(next.failure == error::none);
                if (!next.ready) break;
                const auto t = static_cast<std::uint8_t>(next.message.type);
                CHECK(next.message.body.size() == 10u * t);
                for (auto b : next.message.body) CHECK(b == t);
                types.push_back(t);
                r.pop(next.message);
            }
            CHECK_FALSE(r.pending());
        }
        CHECK(types == std::vector<std::uint8_t>{1, 2, 3, 4});
        CHECK(r.empty());
    }
}

TEST_CASE("TLS reassembly: the header is judged before the body arrives, once") {
    byte_vector buffer(64);
    detail::handshake_reassembly r;
    r.attach(buffer);
    int calls = 0;
    auto finished_of_32 = [&](handshake_type t, std::size_t length) {
        ++calls;
        if (t != handshake_type::finished) return error::unexpected_message;
        return length == 32 ? error::none : error::decode_error;
    };
    auto huge = hs_message(20, 20000, 0);
    r.add(byte_span(huge).first(4));  // the header alone of a 20,000-byte Finished
    CHECK(r.next(finished_of_32).failure == error::decode_error);

    detail::handshake_reassembly r2;
    r2.attach(buffer);
    auto ok = hs_message(20, 32, 9);
    r2.add(byte_span(ok).first(10));
    CHECK_FALSE(r2.next(finished_of_32).ready);
    r2.add(byte_span(ok).subspan(10));
    const auto next = r2.next(finished_of_32);
    CHECK(next.ready);
    CHECK(calls == 2);  // once for the first message, once for the second: not per fragment

    detail::handshake_reassembly r3;
    r3.attach(buffer);
    auto wrong = hs_message(11, 5, 0);
    r3.add(wrong);
    CHECK(r3.next(finished_of_32).failure == error::unexpected_message);
}

TEST_CASE("TLS reassembly: a message longer than the buffer is illegal_parameter") {
    byte_vector buffer(100);
    detail::handshake_reassembly r;
    r.attach(buffer);
    auto m = hs_message(11, 97, 1);  // 101 bytes with its header
    r.add(m);
    CHECK(r.next(accept_all).failure == error::illegal_parameter);
    detail::handshake_reassembly fits;
    fits.attach(buffer);
    auto n = hs_message(11, 96, 1);
    fits.add(n);
    CHECK(fits.next(accept_all).ready);
}

TEST_CASE("TLS reassembly: partial and leftover bytes are visible (key changes, interleaving)") {
    byte_vector buffer(64);
    detail::handshake_reassembly r;
    r.attach(buffer);
    auto two = hs_message(8, 2, 1);
    const auto second = hs_message(11, 3, 2);
    two.insert(two.end(), second.begin(), second.begin() + 2);
    r.add(two);
    const auto next = r.next(accept_all);
    REQUIRE(next.ready);
    r.pop(next.message);
    CHECK_FALSE(r.empty());  // part of a second message: a key may not change here
    CHECK_FALSE(r.next(accept_all).ready);
    CHECK(r.partial());
    // pop wiped what it dropped: the bytes after the kept part are zero.
    CHECK(buffer[2] == 0);
    CHECK(buffer[3] == 0);
    r.wipe();
    CHECK(r.empty());
    CHECK(buffer[0] == 0);
}

}  // namespace test_tls_reassembly_ns
