// The record layer's inner plaintext (RFC 8446 §5.4): the constant-time scan for the content type
// against the plain definition (the last non-zero byte), at every length and position around its
// block boundaries, with zeros inside the content too.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "carapace/tls/detail/record_cipher.hpp"

using namespace carapace;
using tls::content_type;

namespace {

// The definition: strip zeros from the end; the byte before them is the type.
tls::detail::inner_plaintext reference(const std::vector<std::uint8_t>& inner) {
    std::size_t n = inner.size();
    while (n > 0 && inner[n - 1] == 0) --n;
    if (n == 0) return {content_type::invalid, 0};
    return {static_cast<content_type>(inner[n - 1]), n - 1};
}

// size bytes: content with some zero bytes in it up to `type_at`, the type there, zeros after.
std::vector<std::uint8_t> inner_of(std::size_t size, std::size_t type_at, std::uint8_t type) {
    std::vector<std::uint8_t> inner(size, 0);
    for (std::size_t i = 0; i < type_at; ++i) inner[i] = static_cast<std::uint8_t>(i % 5 == 0 ? 0 : i * 7 + 1);
    inner[type_at] = type;
    return inner;
}

void check_same(const std::vector<std::uint8_t>& inner) {
    const auto found = tls::detail::parse_inner_plaintext(inner);
    const auto expected = reference(inner);
    REQUIRE(found.type == expected.type);
    REQUIRE(found.content_size == expected.content_size);
}

}  // namespace

TEST_CASE("inner plaintext: the type is the last non-zero byte, at every length and position") {
    check_same({});
    for (std::size_t size = 1; size <= 300; ++size) {
        check_same(std::vector<std::uint8_t>(size, 0));  // no type at all
        for (std::size_t at = 0; at < size; ++at) check_same(inner_of(size, at, 23));
    }
    // Around the 256-byte and 8-byte blocks the scan narrows down through, and a full record.
    for (const std::size_t size : std::vector<std::size_t>{511, 512, 513, 520, 1000, 16385}) {
        check_same(std::vector<std::uint8_t>(size, 0));
        for (std::size_t at = 0; at < size; at += at % 256 < 10 || at % 256 > 245 ? std::size_t{1} : std::size_t{37}) {
            check_same(inner_of(size, at, 22));
            check_same(inner_of(size, at, 0xff));
        }
    }
}

TEST_CASE("inner plaintext: content, type and padding as the record layer gives them") {
    std::vector<std::uint8_t> inner = {'h', 'i', 0, '!', 21, 0, 0, 0};
    auto found = tls::detail::parse_inner_plaintext(inner);
    CHECK(found.type == content_type::alert);
    CHECK(found.content_size == 4);
    inner = {0, 0, 23};  // zeros are content when a type follows them
    found = tls::detail::parse_inner_plaintext(inner);
    CHECK(found.type == content_type::application_data);
    CHECK(found.content_size == 2);
}
