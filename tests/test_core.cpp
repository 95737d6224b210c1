// core/: constant-time helpers, hex, endian, wipe, result, CPU detection and dispatch, subview.
#include <doctest/doctest.h>

#include <array>
#include <cstdlib>
#include <string>

#include "carapace/aead/aes_ccm.hpp"
#include "carapace/aead/aes_gcm.hpp"
#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/cpu.hpp"
#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/hex.hpp"
#include "carapace/core/text.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "support/vectors.hpp"

using namespace carapace;

// subview clamps where std::string_view::substr would throw.
static_assert(subview("abcdef", 2) == "cdef");
static_assert(subview("abcdef", 2, 3) == "cde");
static_assert(subview("abcdef", 4, 100) == "ef");
static_assert(subview("abcdef", 6).empty());
static_assert(subview("abcdef", 7, 2).empty());
static_assert(subview("abcdef", 0, 0).empty());
static_assert(subview({}, 3).empty());

static_assert(ct::select<std::uint32_t>(0xffffffffu, 1, 2) == 1);
static_assert(ct::select<std::uint32_t>(0, 1, 2) == 2);
static_assert(ct::is_zero_mask(0) == 0xffffffffu && ct::is_zero_mask(0x80000000u) == 0);
static_assert(ct::declassify(std::size_t{1234}) == 1234 && ct::declassify(true));
static_assert(load_be32(literal_bytes("\x01\x02\x03\x04").data()) == 0x01020304u);
static_assert(load_le64(literal_bytes("\x01\x02\x03\x04\x05\x06\x07\x08").data()) == 0x0807060504030201ull);

TEST_CASE("ct::equal compares whole contents and lengths") {
    const auto a = literal_bytes("constant time");
    auto b = a;
    CHECK(ct::equal(a, b));
    for (std::size_t i = 0; i < b.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            b[i] ^= static_cast<std::uint8_t>(1u << bit);
            CHECK_FALSE(ct::equal(a, b));
            b[i] ^= static_cast<std::uint8_t>(1u << bit);
        }
    }
    CHECK_FALSE(ct::equal(byte_view(a), byte_view(a).first(3)));
    CHECK(ct::equal(byte_view{}, byte_view{}));
}

TEST_CASE("ct::select, conditional_swap and conditional_move follow the mask") {
    std::uint64_t x = 5, y = 9;
    ct::conditional_swap<std::uint64_t>(0, x, y);
    CHECK((x == 5 && y == 9));
    ct::conditional_swap<std::uint64_t>(~std::uint64_t{0}, x, y);
    CHECK((x == 9 && y == 5));
    CHECK(ct::mask_from_bit<std::uint8_t>(1) == 0xff);
    CHECK(ct::mask_from_bit<std::uint8_t>(0) == 0);

    std::array<std::uint8_t, 4> dst = {1, 2, 3, 4};
    const std::array<std::uint8_t, 4> src = {9, 9, 9, 9};
    ct::conditional_move(0, dst, src);
    CHECK(dst == std::array<std::uint8_t, 4>{1, 2, 3, 4});
    ct::conditional_move(0xff, dst, src);
    CHECK(dst == src);
    for (std::uint32_t v : {0u, 1u, 2u, 0x7fffffffu, 0x80000000u, 0xffffffffu})
        CHECK(ct::is_zero_mask(v) == (v == 0 ? 0xffffffffu : 0u));
}

TEST_CASE("hex decodes both cases and rejects malformed text") {
    std::array<std::uint8_t, 4> out{};
    REQUIRE(hex::decode("00aBcDfF", out) == errc::ok);
    CHECK(out == std::array<std::uint8_t, 4>{0x00, 0xab, 0xcd, 0xff});
    CHECK(hex::decode("00abcdf", std::span<std::uint8_t>(out).first(3)) == errc::decode_error);
    for (const char* bad : {"0g", "g0", "0 ", "/0", ":0", "@0", "`0", "G0", "0x"}) {
        std::array<std::uint8_t, 1> one{0x55};
        CHECK(hex::decode(bad, one) == errc::decode_error);
        CHECK(one[0] == 0);  // cleared on failure
    }
    CHECK(hex::decode("0011", std::span<std::uint8_t>(out).first(1)) == errc::buffer_too_small);

    // Every byte value round-trips, and every character outside [0-9a-fA-F] is refused.
    for (int v = 0; v < 256; ++v) {
        const std::array<std::uint8_t, 1> in{static_cast<std::uint8_t>(v)};
        std::array<char, 2> text{};
        REQUIRE(hex::encode(in, text) == errc::ok);
        std::array<std::uint8_t, 1> back{};
        CHECK(hex::decode(std::string_view(text.data(), 2), back) == errc::ok);
        CHECK(back == in);
        const char c = static_cast<char>(v);
        const bool is_hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        const char pair[2] = {c, '0'};
        CHECK((hex::decode(std::string_view(pair, 2), back) == errc::ok) == is_hex);
    }
}

TEST_CASE("endian stores invert loads") {
    std::array<std::uint8_t, 8> b{};
    store_be64(b.data(), 0x0102030405060708ull);
    CHECK(b == std::array<std::uint8_t, 8>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(load_be64(b.data()) == 0x0102030405060708ull);
    store_le32(b.data(), 0xa1b2c3d4u);
    CHECK(load_le32(b.data()) == 0xa1b2c3d4u);
    CHECK(b[0] == 0xd4);
    store_be16(b.data(), 0xbeef);
    CHECK((b[0] == 0xbe && b[1] == 0xef));
}

TEST_CASE("secure_wipe zeroes memory") {
    std::array<std::uint8_t, 37> secret{};
    secret.fill(0xa5);
    secure_wipe(secret);
    for (auto b : secret) CHECK(b == 0);
    std::array<std::uint64_t, 3> words = {1, 2, 3};
    secure_wipe(std::span(words));
    CHECK(words == std::array<std::uint64_t, 3>{});
    // An empty view of nothing (a null pointer) is fine: the sanitizer build checks this.
    std::uint8_t* nothing = nullptr;
    secure_wipe(nothing, 0);
    secure_wipe(std::span<std::uint8_t>{});
}

TEST_CASE("result carries a value or an error") {
    result<int> good(42);
    CHECK(good.ok());
    CHECK(*good == 42);
    result<int> bad(errc::decode_error);
    CHECK_FALSE(bad);
    CHECK(bad.error() == errc::decode_error);
    CHECK(bad.value() == 0);
    CHECK(to_string(errc::authentication_failed) == "authentication failed");
}

TEST_CASE("CPU detection honours CARAPACE_FORCE_PORTABLE") {
    const auto& f = cpu::features();
    const char* forced = std::getenv("CARAPACE_FORCE_PORTABLE");
    if (forced != nullptr && std::string(forced) == "1") {
        CHECK_FALSE(f.sse2);
        CHECK_FALSE(f.sha);
        CHECK_FALSE(f.avx2);
    }
#if CARAPACE_HAVE_X86_INTRINSICS
    else {
        CHECK(f.sse2);  // every x86-64 CPU has it
    }
#endif
    // Features that need OS support for YMM state never appear without it.
    CHECK((!f.avx2 || f.avx));
    CHECK((!f.vaes || f.avx));
}

namespace {

// Stand-in variants: which one ran is what call() returns.
struct variant_missing {
    static constexpr const char* name = "missing";
    static bool supported() noexcept { return false; }
    static constexpr int run() noexcept { return 1; }
};
struct variant_present {
    static constexpr const char* name = "present";
    static bool supported() noexcept { return true; }
    static constexpr int run() noexcept { return 2; }
};
struct variant_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }
    static constexpr int run() noexcept { return 3; }
};
using stand_in_variants = detail::cpu_variants<variant_missing, variant_present, variant_portable>;

constexpr int run_best() { return stand_in_variants::call(stand_in_variants::best(), []<class V>() { return V::run(); }); }

}  // namespace

// Constant evaluation always takes the portable variant.
static_assert(stand_in_variants::best() == stand_in_variants::portable);
static_assert(run_best() == 3);

TEST_CASE("CPU variant sets pick the first supported variant and call it") {
    for (std::uint8_t c = 0; c < stand_in_variants::count; ++c)
        CHECK(stand_in_variants::call(c, []<class V>() { return V::run(); }) == c + 1);
    CHECK(std::string(stand_in_variants::name_of(1)) == "present");
#if CARAPACE_HAVE_X86_INTRINSICS || CARAPACE_HAVE_ARM_INTRINSICS
    // The first variant says it cannot run; the second can, and is kept.
    CHECK(stand_in_variants::best() == 1);
    CHECK(run_best() == 2);
#else
    // Nothing but the portable code is compiled: nothing else is ever picked.
    CHECK(stand_in_variants::best() == stand_in_variants::portable);
    CHECK(run_best() == 3);
#endif
    CHECK(stand_in_variants::best() == stand_in_variants::best());
}

TEST_CASE("Every dispatcher runs portable code when forced to, and the CPU's engine otherwise") {
    const std::string picked[] = {detail::sha256_dispatch::chosen_name(), detail::sha512_dispatch::chosen_name(),
                                  detail::gcm_dispatch::chosen_name(), detail::chacha20_poly1305_dispatch::chosen_name(),
                                  detail::curve25519_dispatch::chosen_name()};
    const std::string ccm = detail::ccm_dispatch::chosen_name();
    // In the log, so that a run on another CPU (scripts/cross-test) shows what it exercised.
    MESSAGE("engines picked: SHA-256 " << picked[0] << ", SHA-512 " << picked[1] << ", AES-GCM " << picked[2]
                                       << ", AES-CCM " << ccm << ", ChaCha20-Poly1305 " << picked[3]
                                       << ", X25519 " << picked[4]);
    const char* forced = std::getenv("CARAPACE_FORCE_PORTABLE");
    if (forced != nullptr && std::string(forced) == "1") {
        for (const auto& name : picked) CHECK(name.rfind("portable", 0) == 0);
        CHECK(ccm == "portable");
        return;
    }
#if CARAPACE_HAVE_ARM_INTRINSICS
    CHECK(picked[0] == (detail::sha256_armv8::supported() ? "armv8-sha2" : "portable"));
    CHECK(picked[1] == (detail::sha512_armv8::supported() ? "armv8-sha512" : "portable"));
    CHECK(picked[2] == (detail::gcm_armv8::supported() ? "armv8-ce" : "portable"));
    CHECK(ccm == (detail::ccm_armv8::supported() ? "armv8-ce" : "portable"));
    CHECK(picked[3] == (detail::chacha20_poly1305_neon::supported() ? "neon" : "portable"));
#endif
    if (!CARAPACE_HAVE_X86_INTRINSICS) return;
    CHECK(ccm == (detail::ccm_aesni::supported() ? "aes-ni" : "portable"));
    // The fastest variant the CPU supports.
    CHECK(picked[0] == (detail::sha256_shani::supported() ? "sha-ni" : "portable"));
    CHECK(picked[2] == (detail::gcm_vaes512::supported() ? "vaes-avx512"
                        : detail::gcm_vaes::supported()  ? "vaes"
                        : detail::gcm_aesni::supported() ? "aes-ni"
                                                         : "portable"));
    CHECK(picked[4] == (detail::curve25519_ifma::supported()   ? "avx512-ifma"
                        : detail::curve25519_mulx::supported() ? "mulx-adx"
                                                               : "portable-51"));
}
