// Loading test vectors from tests/vectors (path compiled in as CARAPACE_TEST_VECTORS) and small
// helpers shared by the tests.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "carapace/core/hex.hpp"
#include "support/json.hpp"

namespace test_support {

using byte_vector = std::vector<std::uint8_t>;

// The whole of a file, or "" when it cannot be read.
inline std::string read_text_file(const std::string& path) {
    std::string text;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return text;
    char buffer[65536];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
    std::fclose(f);
    return text;
}

// tests/vectors/<relative_path> as text.
inline std::string read_vector_file(std::string_view relative_path) {
    return read_text_file(std::string(CARAPACE_TEST_VECTORS) + "/" + std::string(relative_path));
}

// Reads and parses tests/vectors/<relative_path>; an unreadable or malformed file gives a null
// value (and the test that asked fails on its first check of the content).
inline test_json::value load_vectors(std::string_view relative_path) {
    auto parsed = test_json::parser(read_vector_file(relative_path)).parse();
    return parsed ? *parsed : test_json::value{};
}

// Decodes hex; malformed hex in a vector file is a broken test, reported as an empty vector
// plus a flag the caller checks.
inline byte_vector unhex(std::string_view text, bool* ok = nullptr) {
    byte_vector out(carapace::hex::decoded_size(text));
    const bool good = carapace::hex::decode(text, out) == carapace::errc::ok;
    if (ok != nullptr) *ok = good;
    return good ? out : byte_vector{};
}

inline std::string to_hex(carapace::byte_view bytes) {
    std::string out(2 * bytes.size(), '\0');
    (void)carapace::hex::encode(bytes, out);
    return out;
}

// A 32-byte vector as the fixed-size view the curve APIs take; any other size fails the test.
inline carapace::fixed_view<32> view32(const byte_vector& v) {
    REQUIRE(v.size() == 32);
    return carapace::fixed_view<32>(v.data(), 32);
}

// Reaching this in constant evaluation makes the expression non-constant: a compile error.
inline void constant_evaluation_failed() {}

// A deterministic pseudo-random byte stream for property tests (xorshift64*).
class test_rng {
public:
    explicit test_rng(std::uint64_t seed) : state_(seed | 1) {}
    std::uint64_t next() {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545f4914f6cdd1dULL;
    }
    std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }
    byte_vector bytes(std::size_t n) {
        byte_vector out(n);
        for (auto& b : out) b = static_cast<std::uint8_t>(next() >> 56);
        return out;
    }

private:
    std::uint64_t state_;
};

}  // namespace test_support
