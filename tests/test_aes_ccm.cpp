// AES-CCM: every Wycheproof test on every engine (the fixed-size TLS forms too), RFC 3610's packet
// vectors, SP 800-38C's examples and the forms of its associated-data length, a compile-time
// vector, fail-closed bit flips, in-place operation, engines agreeing with each other, the
// counter's carry past 32 bits, and the size and argument checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "support/aead_checks.hpp"
#include "support/ccm_variants.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

namespace {

// RFC 3610 Packet Vector #1, sealed and opened at compile time.
constexpr bool rfc3610_packet_1_in_constant_evaluation() {
    const bytes<16> key = {0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
                           0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf};
    const bytes<13> nonce = {0x00, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5};
    const bytes<8> aad = {0, 1, 2, 3, 4, 5, 6, 7};
    bytes<23> plaintext{};
    for (std::size_t i = 0; i < plaintext.size(); ++i) plaintext[i] = static_cast<std::uint8_t>(8 + i);
    const bytes<31> expected = {0x58, 0x8c, 0x97, 0x9a, 0x61, 0xc6, 0x63, 0xd2, 0xf0, 0x66, 0xd0,
                                0xc2, 0xc0, 0xf9, 0x89, 0x80, 0x6d, 0x5f, 0x6b, 0x61, 0xda, 0xc3,
                                0x84, 0x17, 0xe8, 0xd1, 0x2c, 0xfd, 0xf9, 0x26, 0xe0};
    const aes128_ccm ccm(key, 8);
    bytes<31> sealed{};
    if (ccm.seal(nonce, aad, plaintext, sealed) != errc::ok || sealed != expected) return false;
    bytes<23> opened{};
    if (ccm.open(nonce, aad, sealed, opened) != errc::ok || opened != plaintext) return false;
    sealed[30] ^= 1;
    return ccm.open(nonce, aad, sealed, opened) == errc::authentication_failed && opened == bytes<23>{};
}
static_assert(rfc3610_packet_1_in_constant_evaluation());

byte_vector repeated(const byte_vector& block, std::size_t times) {
    byte_vector out;
    for (std::size_t i = 0; i < times; ++i) out.insert(out.end(), block.begin(), block.end());
    return out;
}

// A vector given as key, nonce, aad, msg, ct, tag: seal reproduces ct || tag (out of place and in
// place), open takes it back, and the tampering checks hold.
template <class Engine>
void check_known_answer(const byte_vector& key, const byte_vector& nonce, const byte_vector& aad,
                        const byte_vector& msg, const byte_vector& ct, const byte_vector& tag) {
    REQUIRE(test_support::with_ccm_key_size(key.size(), [&]<std::size_t K>() {
        const aes_ccm_with<K, Engine> ccm(fixed_view<K>(key.data(), K), tag.size());
        byte_vector c(msg.size()), t(tag.size());
        REQUIRE(ccm.seal(nonce, aad, msg, c, t) == errc::ok);
        CHECK(c == ct);
        CHECK(t == tag);
        byte_vector in_place = msg;
        in_place.resize(msg.size() + tag.size());
        REQUIRE(ccm.seal(nonce, aad, byte_view(in_place).first(msg.size()), in_place) == errc::ok);
        CHECK(byte_vector(in_place.begin(), in_place.begin() + static_cast<std::ptrdiff_t>(msg.size())) == ct);
        byte_vector opened(msg.size(), 0xee);
        REQUIRE(ccm.open(nonce, aad, ct, tag, opened) == errc::ok);
        CHECK(opened == msg);
        REQUIRE(ccm.open(nonce, aad, in_place, byte_span(in_place).first(msg.size())) == errc::ok);
        CHECK(byte_vector(in_place.begin(), in_place.begin() + static_cast<std::ptrdiff_t>(msg.size())) == msg);
        if (aad.size() <= 64) test_support::check_open_fails_closed(ccm, nonce, aad, ct, tag);
    }));
}

}  // namespace

TEST_CASE_TEMPLATE("AES-CCM Wycheproof", Engine, CARAPACE_CCM_ENGINES) {
    if (!test_support::ccm_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("wycheproof/aes_ccm_test.json");
    REQUIRE(doc["numberOfTests"].integer() == 552);
    std::int64_t run = 0, valid = 0, through_fixed = 0;
    for (const auto& group : doc["testGroups"]) {
        const std::size_t tag_size = static_cast<std::size_t>(group["tagSize"].integer()) / 8;
        for (const auto& t : group["tests"]) {
            CAPTURE(t["tcId"].integer());
            CAPTURE(t["comment"].str());
            const byte_vector key = unhex(t["key"].str()), iv = unhex(t["iv"].str()), aad = unhex(t["aad"].str());
            const byte_vector msg = unhex(t["msg"].str()), ct = unhex(t["ct"].str()), tag = unhex(t["tag"].str());
            REQUIRE(tag.size() == tag_size);
            const bool is_valid = t["result"].str() == "valid";
            // Valid, or invalid for its nonce or tag size (which seal must refuse), or a modified tag.
            const bool bad_size = !detail::ccm_nonce_size_ok(iv.size()) || !detail::ccm_tag_size_ok(tag_size);
            CHECK((is_valid || bad_size || t["flags"][0].str() == "ModifiedTag"));
            const bool known = test_support::with_ccm_key_size(key.size(), [&]<std::size_t K>() {
                const aes_ccm_with<K, Engine> ccm(fixed_view<K>(key.data(), K), tag_size);
                byte_vector opened(ct.size(), 0xee);
                const errc e = ccm.open(iv, aad, ct, tag, opened);
                CHECK((e == errc::ok) == is_valid);
                if (is_valid) CHECK(opened == msg);
                else CHECK(test_support::all_zero(opened));
                byte_vector c(msg.size()), tg(tag_size);
                const errc s = ccm.seal(iv, aad, msg, c, tg);
                if (bad_size) {
                    CHECK(s == errc::invalid_argument);
                } else {
                    REQUIRE(s == errc::ok);
                    CHECK(c == ct);
                    CHECK((tg == tag) == is_valid);
                }
                // The fixed-size forms (TLS's) take the 12-byte-nonce cases with 16- and 8-byte tags.
                if (iv.size() == 12 && (tag_size == 16 || tag_size == 8)) {
                    if (tag_size == 16)
                        test_support::check_wycheproof_case(
                            aes_ccm_fixed_with<K, 16, 12, Engine>(fixed_view<K>(key.data(), K)), t, false);
                    else
                        test_support::check_wycheproof_case(
                            aes_ccm_fixed_with<K, 8, 12, Engine>(fixed_view<K>(key.data(), K)), t, false);
                    ++through_fixed;
                }
            });
            CHECK(known);
            if (is_valid) ++valid;
            ++run;
        }
    }
    CHECK(run == doc["numberOfTests"].integer());
    CHECK(valid == 405);
    CHECK(through_fixed == 3 * (78 + 8));
}

TEST_CASE_TEMPLATE("AES-CCM RFC 3610 packet vectors", Engine, CARAPACE_CCM_ENGINES) {
    if (!test_support::ccm_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("rfc/rfc3610.json");
    std::size_t run = 0;
    for (const auto& v : doc["vectors"]) {
        CAPTURE(v["packet"].integer());
        check_known_answer<Engine>(unhex(v["key"].str()), unhex(v["nonce"].str()), unhex(v["aad"].str()),
                                   unhex(v["msg"].str()), unhex(v["ct"].str()), unhex(v["tag"].str()));
        ++run;
    }
    CHECK(run == 7);
}

TEST_CASE_TEMPLATE("AES-CCM SP 800-38C Appendix C examples", Engine, CARAPACE_CCM_ENGINES) {
    if (!test_support::ccm_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("sp800_38c/appendix_c.json");
    std::size_t run = 0;
    for (const auto& v : doc["vectors"]) {
        CAPTURE(v["example"].integer());
        const byte_vector aad = repeated(unhex(v["aad"].str()), static_cast<std::size_t>(v["aad_repeat"].integer()));
        const byte_vector tag = unhex(v["tag"].str());
        REQUIRE(tag.size() == static_cast<std::size_t>(v["tag_size"].integer()));
        check_known_answer<Engine>(unhex(v["key"].str()), unhex(v["nonce"].str()), aad, unhex(v["msg"].str()),
                                   unhex(v["ct"].str()), tag);
        ++run;
    }
    CHECK(run == 4);
}

TEST_CASE_TEMPLATE("AES-CCM associated data either side of the 0xff 0xfe length form", Engine, CARAPACE_CCM_ENGINES) {
    if (!test_support::ccm_engine_runs_here<Engine>()) return;
    const auto doc = test_support::load_vectors("sp800_38c/aad_length_forms.json");
    std::size_t run = 0;
    for (const auto& v : doc["vectors"]) {
        byte_vector aad(static_cast<std::size_t>(v["aad_size"].integer()));
        for (std::size_t i = 0; i < aad.size(); ++i) aad[i] = static_cast<std::uint8_t>(i);
        CAPTURE(aad.size());
        const byte_vector tag = unhex(v["tag"].str());
        REQUIRE(tag.size() == static_cast<std::size_t>(v["tag_size"].integer()));
        check_known_answer<Engine>(unhex(v["key"].str()), unhex(v["nonce"].str()), aad, unhex(v["msg"].str()),
                                   unhex(v["ct"].str()), tag);
        ++run;
    }
    CHECK(run == 6);
}

TEST_CASE_TEMPLATE("AES-CCM open fails closed on every flipped bit", Engine, CARAPACE_CCM_ENGINES) {
    if (!test_support::ccm_engine_runs_here<Engine>()) return;
    test_support::test_rng rng(42);
    const byte_vector key = rng.bytes(32), plaintext = rng.bytes(37), aad = rng.bytes(20);
    for (const std::size_t tag_size : {std::size_t{4}, std::size_t{10}, std::size_t{16}}) {
        for (const std::size_t nonce_size : {std::size_t{7}, std::size_t{12}, std::size_t{13}}) {
            CAPTURE(tag_size);
            CAPTURE(nonce_size);
            const aes_ccm_with<32, Engine> ccm(fixed_view<32>(key.data(), 32), tag_size);
            const byte_vector nonce = rng.bytes(nonce_size);
            byte_vector ciphertext(plaintext.size()), tag(tag_size), out(plaintext.size());
            REQUIRE(ccm.seal(nonce, aad, plaintext, ciphertext, tag) == errc::ok);
            REQUIRE(ccm.open(nonce, aad, ciphertext, tag, out) == errc::ok);
            REQUIRE(out == plaintext);
            test_support::check_open_fails_closed(ccm, nonce, aad, ciphertext, tag);
        }
    }
    // The fixed-size forms.
    const byte_vector nonce = rng.bytes(12);
    const aes_ccm_fixed_with<32, 8, 12, Engine> ccm8(fixed_view<32>(key.data(), 32));
    byte_vector ciphertext(plaintext.size()), tag(8);
    REQUIRE(ccm8.seal(nonce, aad, plaintext, ciphertext, fixed_span<8>(tag.data(), 8)) == errc::ok);
    test_support::check_open_fails_closed(ccm8, nonce, aad, ciphertext, tag);
}

// Every payload length up to 300 bytes and AAD lengths around the first block (which holds the
// length encoding), every key size, tag and nonce size, against the portable engine; in place
// equal to out of place; the fixed forms equal to the general one.
template <std::size_t KeyBytes, class Engine>
void check_against_portable() {
    test_support::test_rng rng(KeyBytes);
    const byte_vector key = rng.bytes(KeyBytes);
    const byte_vector plaintext = rng.bytes(300), aad = rng.bytes(70);
    std::size_t step = 0;
    for (std::size_t length = 0; length <= 300; ++length) {
        for (const std::size_t aad_size : {std::size_t{0}, std::size_t{1}, std::size_t{13}, std::size_t{14},
                                           std::size_t{15}, std::size_t{30}, std::size_t{31}, std::size_t{70}}) {
            ++step;
            const std::size_t tag_size = 4 + 2 * (step % 7), nonce_size = 7 + step % 7;
            CAPTURE(KeyBytes);
            CAPTURE(length);
            CAPTURE(aad_size);
            CAPTURE(tag_size);
            CAPTURE(nonce_size);
            const byte_vector nonce = rng.bytes(nonce_size);
            const byte_view message = byte_view(plaintext).first(length), ad = byte_view(aad).first(aad_size);
            const aes_ccm_with<KeyBytes, Engine> ccm(fixed_view<KeyBytes>(key.data(), KeyBytes), tag_size);
            const aes_ccm_with<KeyBytes, detail::ccm_portable> reference(fixed_view<KeyBytes>(key.data(), KeyBytes),
                                                                         tag_size);
            byte_vector a(length + tag_size), b(length + tag_size);
            REQUIRE(ccm.seal(nonce, ad, message, a) == errc::ok);
            REQUIRE(reference.seal(nonce, ad, message, b) == errc::ok);
            REQUIRE(a == b);
            byte_vector in_place(message.begin(), message.end());
            in_place.resize(length + tag_size);
            REQUIRE(ccm.seal(nonce, ad, byte_view(in_place).first(length), in_place) == errc::ok);
            REQUIRE(in_place == a);
            REQUIRE(ccm.open(nonce, ad, in_place, byte_span(in_place).first(length)) == errc::ok);
            REQUIRE(std::equal(message.begin(), message.end(), in_place.begin()));
            byte_vector opened(length);
            a[length] ^= 1;  // the tag
            REQUIRE(ccm.open(nonce, ad, a, opened) == errc::authentication_failed);
            REQUIRE(test_support::all_zero(opened));
        }
        const byte_vector nonce = rng.bytes(12);
        const byte_view message = byte_view(plaintext).first(length), ad = byte_view(aad).first(length % 40);
        const aes_ccm_with<KeyBytes, Engine> general(fixed_view<KeyBytes>(key.data(), KeyBytes), 16);
        const aes_ccm_fixed_with<KeyBytes, 16, 12, Engine> fixed(fixed_view<KeyBytes>(key.data(), KeyBytes));
        byte_vector a(length + 16), b(length + 16), opened(length);
        REQUIRE(general.seal(nonce, ad, message, a) == errc::ok);
        REQUIRE(fixed.seal(nonce, ad, message, b) == errc::ok);
        REQUIRE(a == b);
        REQUIRE(fixed.open(nonce, ad, b, opened) == errc::ok);
        REQUIRE(std::equal(message.begin(), message.end(), opened.begin()));
    }
}

TEST_CASE_TEMPLATE("AES-CCM engines agree at every length, key, tag and nonce size", Engine, CARAPACE_CCM_ENGINES) {
    if (!test_support::ccm_engine_runs_here<Engine>()) return;
    check_against_portable<16, Engine>();
    check_against_portable<24, Engine>();
    check_against_portable<32, Engine>();
}

// The counter is the last q bytes of the counter block; the engines count in its last four, and
// the mode carries into the rest when they wrap (q > 4, after 2^32 blocks). Start the payload a
// few blocks before that wrap and check each block against counter blocks built here with the
// carry, and the MAC against a block-by-block CBC-MAC.
template <std::size_t KeyBytes, class Engine>
void check_counter_carry() {
    test_support::test_rng rng(60 + KeyBytes);
    const byte_vector key = rng.bytes(KeyBytes), plaintext = rng.bytes(16 * 40);
    typename Engine::key_state state{};
    detail::ccm_portable::key_state reference{};
    Engine::init(state, key);
    detail::ccm_portable::init(reference, key);
    for (const std::size_t q : {std::size_t{5}, std::size_t{8}}) {
        for (const std::uint32_t before : {0u, 1u, 2u, 7u, 39u}) {
            CAPTURE(q);
            CAPTURE(before);
            bytes<16> start{};
            start[0] = static_cast<std::uint8_t>(q - 1);
            for (std::size_t i = 1; i < 16 - q; ++i) start[i] = static_cast<std::uint8_t>(0xa0 + i);
            for (std::size_t i = 16 - q; i < 12; ++i) start[i] = 0xff;  // a carry that runs through them all
            start[16 - q] = 0x12;
            store_be32(start.data() + 12, 0xFFFFFFFFu - before);
            for (const bool encrypt : {true, false}) {
                CAPTURE(encrypt);
                // Expected: block by block.
                byte_vector expected(plaintext.size());
                bytes<16> counter = start, y_expected{};
                for (std::size_t b = 0; b < 40; ++b) {
                    bytes<16> keystream = counter;
                    detail::ccm_portable::encrypt_block(reference, keystream.data());
                    for (std::size_t i = 0; i < 16; ++i) {
                        expected[16 * b + i] = static_cast<std::uint8_t>(plaintext[16 * b + i] ^ keystream[i]);
                        y_expected[i] ^= encrypt ? plaintext[16 * b + i] : expected[16 * b + i];
                    }
                    detail::ccm_portable::encrypt_block(reference, y_expected.data());
                    for (std::size_t i = 16; i-- > 16 - q;)  // the whole q-byte counter, plus one
                        if (++counter[i] != 0) break;
                }
                byte_vector out(plaintext.size());
                bytes<16> ctr = start, y{};
                if (encrypt)
                    detail::ccm_crypt_blocks<Engine, true>(state, y, ctr, q, plaintext.data(), out.data(), 40);
                else
                    detail::ccm_crypt_blocks<Engine, false>(state, y, ctr, q, plaintext.data(), out.data(), 40);
                CHECK(out == expected);
                CHECK(y == y_expected);
                CHECK(ctr == counter);
            }
        }
    }
}

TEST_CASE_TEMPLATE("AES-CCM counter carries past its last four bytes", Engine, CARAPACE_CCM_ENGINES) {
    if (!test_support::ccm_engine_runs_here<Engine>()) return;
    check_counter_carry<16, Engine>();
    check_counter_carry<32, Engine>();
}

namespace {

// A stand-in engine that records the first block CBC-MAC takes and counts the blocks, to see
// how the associated data's length is encoded without hashing gigabytes.
struct recording_engine {
    struct key_state {};
    static inline bytes<16> first{};
    static inline std::uint64_t blocks = 0;
    static void cbc_mac(const key_state&, std::uint8_t*, const std::uint8_t* data, std::size_t count) {
        if (blocks == 0) std::copy(data, data + 16, first.begin());
        blocks += count;
    }
};

// The first MAC block after B0 for associated data of `size` bytes (all zero), and the number of
// blocks, through a mapping of zero pages (never touched) for the large sizes.
bool aad_encoding(std::uint64_t size, bytes<16>& first, std::uint64_t& blocks) {
#if defined(__linux__)
    if (size > SIZE_MAX) return false;
    void* p = mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) return false;
    recording_engine::blocks = 0;
    bytes<16> y{};
    detail::ccm_mac_aad<recording_engine>({}, y,
                                          byte_view(static_cast<const std::uint8_t*>(p), static_cast<std::size_t>(size)));
    munmap(p, static_cast<std::size_t>(size));
    first = recording_engine::first;
    blocks = recording_engine::blocks;
    return true;
#else
    (void)size, (void)first, (void)blocks;
    return false;
#endif
}

}  // namespace

TEST_CASE("AES-CCM associated-data length encodings of SP 800-38C A.2.2") {
    struct form {
        std::uint64_t size;
        const char* prefix;  // the encoded length, in hex
    };
    const form forms[] = {
        {1, "0001"},
        {0xfeff, "feff"},
        {0xff00, "fffe0000ff00"},
        {0xffffffffu, "fffeffffffff"},
        {std::uint64_t{1} << 32, "ffff0000000100000000"},
        {(std::uint64_t{1} << 32) + 9, "ffff0000000100000009"},
    };
    for (const form& f : forms) {
        CAPTURE(f.size);
        bytes<16> first{};
        std::uint64_t blocks = 0;
        if (!aad_encoding(f.size, first, blocks)) {
            MESSAGE("cannot map " << f.size << " bytes here: the encoding of that size is not checked");
            continue;
        }
        const std::string prefix = f.prefix;
        CHECK(to_hex(first).substr(0, prefix.size()) == prefix);
        CHECK(to_hex(first).substr(prefix.size()) == std::string(32 - prefix.size(), '0'));  // the data: zeros
        CHECK(blocks == (f.size + prefix.size() / 2 + 15) / 16);                             // padded to blocks
    }
}

TEST_CASE("AES-CCM argument checks") {
    const bytes<16> key{};
    const aes128_ccm ccm(key, 8);
    CHECK(ccm.tag_size() == 8);
    byte_vector pt(10), ct(10), tag(8), short_out(9);
    for (const std::size_t nonce_size : {std::size_t{0}, std::size_t{6}, std::size_t{14}, std::size_t{16}}) {
        CAPTURE(nonce_size);
        const byte_vector nonce(nonce_size);
        CHECK(ccm.seal(nonce, {}, pt, ct, tag) == errc::invalid_argument);
        byte_vector out(10, 0xee);
        CHECK(ccm.open(nonce, {}, ct, tag, out) == errc::invalid_argument);
        CHECK(test_support::all_zero(out));
    }
    const byte_vector nonce(13);
    CHECK(ccm.seal(nonce, {}, pt, short_out, tag) == errc::buffer_too_small);
    CHECK(ccm.seal(nonce, {}, pt, ct, byte_span(tag).first(6)) == errc::invalid_argument);  // not the key's tag size
    CHECK(ccm.seal(nonce, {}, pt, ct) == errc::buffer_too_small);                           // no room for the tag
    REQUIRE(ccm.seal(nonce, {}, pt, ct, tag) == errc::ok);
    byte_vector out(10, 0xee);
    CHECK(ccm.open(nonce, {}, ct, byte_view(tag).first(6), out) == errc::authentication_failed);
    CHECK(test_support::all_zero(out));
    CHECK(ccm.open(nonce, {}, ct, tag, out) == errc::ok);
    CHECK(out == pt);

    // Tag sizes CCM does not have make every call fail.
    for (const std::size_t tag_size : {std::size_t{0}, std::size_t{2}, std::size_t{5}, std::size_t{18}}) {
        CAPTURE(tag_size);
        const aes128_ccm bad(key, tag_size);
        byte_vector t(tag_size), sealed(10 + tag_size);
        CHECK(bad.seal(nonce, {}, pt, ct, t) == errc::invalid_argument);
        CHECK(bad.seal(nonce, {}, pt, sealed) == errc::invalid_argument);
        std::fill(out.begin(), out.end(), 0xee);
        CHECK(bad.open(nonce, {}, ct, t, out) != errc::ok);
        CHECK(test_support::all_zero(out));
    }

    // A 13-byte nonce leaves two bytes for the length: 65535 bytes at most.
    byte_vector big(65536), big_out(65536), big_tag(8);
    CHECK(ccm.seal(nonce, {}, byte_view(big).first(65535), byte_span(big_out).first(65535), big_tag) == errc::ok);
    CHECK(ccm.seal(nonce, {}, big, big_out, big_tag) == errc::invalid_argument);
    std::fill(big_out.begin(), big_out.end(), 0xee);
    CHECK(ccm.open(nonce, {}, big, big_tag, big_out) == errc::invalid_argument);
    CHECK(test_support::all_zero(big_out));

    // The fixed forms: 12-byte nonces only, at most 2^24 - 1 bytes.
    const aes128_ccm16 tls(key);
    static_assert(aes128_ccm16::tag_size == 16 && aes128_ccm8::tag_size == 8 && aes128_ccm8::nonce_size == 12);
    static_assert(aes128_ccm16::max_plaintext_size == (1u << 24) - 1);
    byte_vector sealed(26);
    CHECK(tls.seal(nonce, {}, pt, sealed) == errc::invalid_argument);
    const byte_vector nonce12(12);
    REQUIRE(tls.seal(nonce12, {}, pt, sealed) == errc::ok);
    CHECK(tls.open(nonce, {}, sealed, out) == errc::invalid_argument);
    CHECK(tls.open(nonce12, {}, byte_view(sealed).first(15), byte_span(out).first(0)) == errc::authentication_failed);
    REQUIRE(tls.open(nonce12, {}, sealed, out) == errc::ok);
    CHECK(out == pt);
    byte_vector huge((1u << 24) + 16);
    CHECK(tls.seal(nonce12, {}, byte_view(huge).first(1u << 24), huge) == errc::invalid_argument);
}
