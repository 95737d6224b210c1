// The record layer alone (tls/detail/record_layer.hpp), no engine: header checks and limits,
// protection round trips, padding counted toward the limits, fragmentation to the peer's limit
// and 2^14, ChangeCipherSpec, the skipping of early data a server declines, and the key-usage
// limit.
#include <doctest/doctest.h>

#include <vector>

#include "carapace/tls/detail/record_layer.hpp"
#include "support/vectors.hpp"

namespace test_tls_record_layer_ns {

using namespace carapace;
using namespace carapace::tls;
namespace detail = carapace::tls::detail;
using test_support::byte_vector;

namespace {

detail::secret test_secret(std::uint8_t seed) {
    detail::secret s;
    const byte_span b = s.span(32);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(seed + i);
    return s;
}

const suite_info& chacha() {
    for (const auto& s : all_suites)
        if (s.id == cipher_suite::chacha20_poly1305_sha256) return s;
    return all_suites[0];
}

byte_vector header(std::uint8_t type, std::size_t length, std::uint8_t major = 3) {
    return {type, major, 3, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
}

// A protected record whose inner plaintext is content || type || `padding` zeros.
byte_vector sealed_record(detail::record_writer& w, content_type type, const byte_vector& content, std::size_t padding) {
    byte_vector rec(content.size() + padding + w.sealed_overhead());
    std::copy(content.begin(), content.end(), rec.begin() + 5);
    rec[5 + content.size()] = static_cast<std::uint8_t>(type);
    const std::size_t n = w.seal(rec, content.size() + 1 + padding);
    REQUIRE(n == rec.size());
    return rec;
}

struct pair_of_directions {
    detail::record_writer writer;
    detail::record_reader reader;
    pair_of_directions() {
        const auto s = test_secret(7);
        writer.install(chacha(), s);
        reader.install(chacha(), s);
    }
};

}  // namespace

TEST_CASE("TLS record layer: header checks") {
    detail::record_reader r;
    CHECK(r.check_header(header(22, 100)) == error::none);
    CHECK(r.check_header(header(99, 100)) == error::unexpected_message);
    CHECK(r.check_header(header(22, 100, 2)) == error::decode_error);
    CHECK(r.check_header(header(22, 16384)) == error::none);
    CHECK(r.check_header(header(22, 16385)) == error::record_overflow);
    CHECK(r.check_header(header(22, 0)) == error::unexpected_message);  // §5.1
    CHECK(r.check_header(header(21, 0)) == error::unexpected_message);
    CHECK(r.check_header(header(23, 0)) == error::none);
    r.install(chacha(), test_secret(1));
    CHECK(r.check_header(header(23, 16384 + 256)) == error::record_overflow);  // 2^14 + 1 + 16 at most
    CHECK(r.check_header(header(23, 16384 + 1 + 16)) == error::none);
    CHECK(r.check_header(header(23, 16384 + 2 + 16)) == error::record_overflow);
    CHECK(r.check_header(header(23, 16384 + 257)) == error::record_overflow);
    r.limit_inner_plaintext(100);
    CHECK(r.check_header(header(23, 100 + 16)) == error::none);
    CHECK(r.check_header(header(23, 101 + 16)) == error::record_overflow);
}

// Every suite of the build: a record's length is its inner plaintext plus the suite's tag (§5.2),
// the reader's limits count that tag (CCM_8's is 8 bytes), and a flipped tag bit fails.
TEST_CASE("TLS record layer: each suite's tag size in sealing, opening and the length limits") {
    for (const auto& suite : all_suites) {
        CAPTURE(to_string(suite.id));
        const auto s = test_secret(3);
        detail::record_writer w;
        detail::record_reader r;
        CHECK(w.sealed_overhead() == 5 + 1 + 16);  // no key yet: the largest
        w.install(suite, s);
        r.install(suite, s);
        CHECK(w.sealed_overhead() == 5 + 1 + suite.tag_size);
        CHECK(w.records_size(100) == 100 + 5 + 1 + suite.tag_size);
        const byte_vector content = {9, 8, 7};
        auto rec = sealed_record(w, content_type::application_data, content, 2);
        CHECK(rec.size() == 5 + 3 + 1 + 2 + suite.tag_size);
        CHECK(detail::record_reader::body_length(rec) == 3 + 1 + 2 + suite.tag_size);
        REQUIRE(r.check_header(byte_view(rec).first(5)) == error::none);
        const auto opened = r.open(rec);
        REQUIRE(opened.failure == error::none);
        CHECK(byte_vector(opened.content.begin(), opened.content.end()) == content);

        CHECK(r.check_header(header(23, 16384 + 1 + suite.tag_size)) == error::none);
        CHECK(r.check_header(header(23, 16384 + 2 + suite.tag_size)) == error::record_overflow);
        r.limit_inner_plaintext(100);
        CHECK(r.check_header(header(23, 100 + suite.tag_size)) == error::none);
        CHECK(r.check_header(header(23, 101 + suite.tag_size)) == error::record_overflow);

        auto flipped = sealed_record(w, content_type::application_data, content, 0);
        flipped[flipped.size() - suite.tag_size] ^= 0x80;  // the tag's first bit
        CHECK(r.open(flipped).failure == error::bad_record_mac);
    }
}

TEST_CASE("TLS record layer: sealed records open to their type and content, padding removed") {
    pair_of_directions d;
    const byte_vector content = {1, 2, 3, 4, 5};
    for (std::size_t padding : {0u, 1u, 300u}) {
        auto rec = sealed_record(d.writer, content_type::handshake, content, padding);
        REQUIRE(d.reader.check_header(byte_view(rec).first(5)) == error::none);
        const auto opened = d.reader.open(rec);
        REQUIRE(opened.failure == error::none);
        CHECK(opened.type == content_type::handshake);
        CHECK(opened.was_protected);
        CHECK(byte_vector(opened.content.begin(), opened.content.end()) == content);
    }
    // One flipped bit: bad_record_mac.
    auto rec = sealed_record(d.writer, content_type::application_data, content, 0);
    rec[7] ^= 1;
    CHECK(d.reader.open(rec).failure == error::bad_record_mac);
}

TEST_CASE("TLS record layer: padding counts toward the inner-plaintext limits") {
    pair_of_directions d;
    // 2^14 bytes of content with 206 bytes of padding: 16,591 bytes of inner plaintext.
    auto big = sealed_record(d.writer, content_type::application_data, byte_vector(16384, 0x41), 206);
    CHECK(d.reader.check_header(byte_view(big).first(5)) == error::record_overflow);
    // Against an RFC 8449 limit of 100: 50 bytes of content and 555 of padding.
    d.reader.limit_inner_plaintext(100);
    auto padded = sealed_record(d.writer, content_type::application_data, byte_vector(50, 0x42), 555);
    CHECK(d.reader.check_header(byte_view(padded).first(5)) == error::record_overflow);
    auto fits = sealed_record(d.writer, content_type::application_data, byte_vector(50, 0x42), 49);
    CHECK(d.reader.check_header(byte_view(fits).first(5)) == error::none);
}

TEST_CASE("TLS record layer: empty, all-zero and ChangeCipherSpec inner plaintexts") {
    pair_of_directions d;
    auto empty_alert = sealed_record(d.writer, content_type::alert, {}, 0);
    CHECK(d.reader.open(empty_alert).failure == error::unexpected_message);
    pair_of_directions d2;
    auto padded_empty_handshake = sealed_record(d2.writer, content_type::handshake, {}, 10);
    CHECK(d2.reader.open(padded_empty_handshake).failure == error::unexpected_message);
    pair_of_directions d3;
    auto empty_data = sealed_record(d3.writer, content_type::application_data, {}, 3);
    const auto opened = d3.reader.open(empty_data);
    CHECK(opened.failure == error::none);
    CHECK(opened.content.empty());
    pair_of_directions d4;
    auto all_zero = sealed_record(d4.writer, content_type::invalid, {}, 5);
    CHECK(d4.reader.open(all_zero).failure == error::unexpected_message);
    pair_of_directions d5;
    auto ccs_inside = sealed_record(d5.writer, content_type::change_cipher_spec, {1}, 0);
    CHECK(d5.reader.open(ccs_inside).failure == error::unexpected_message);
}

TEST_CASE("TLS record layer: the compatibility ChangeCipherSpec is dropped only while accepted") {
    detail::record_reader r;
    byte_vector ccs = {20, 3, 3, 0, 1, 1};
    CHECK(r.open(ccs).failure == error::unexpected_message);
    r.accept_change_cipher_spec(true);
    CHECK(r.open(ccs).dropped);
    ccs[5] = 2;
    CHECK(r.open(ccs).failure == error::unexpected_message);
}

TEST_CASE("TLS record layer: records are cut to the peer's limit, and never beyond 2^14") {
    for (std::size_t limit : {64u, 100u, 16385u}) {
        for (bool protect : {false, true}) {
            CAPTURE(limit);
            CAPTURE(protect);
            detail::record_writer w;
            if (protect) w.install(chacha(), test_secret(3));
            w.limit_inner_plaintext(limit);
            byte_vector out(70000);
            detail::flight f(out);
            const byte_vector content(40000, 0x5a);
            std::copy(content.begin(), content.end(), f.content_space().begin());
            f.commit(content.size());
            f.flush(w, content_type::handshake);
            REQUIRE(f.ok());
            CHECK(f.size() == w.records_size(content.size()));
            // Walk the records: each within limit - 1 bytes of content, 2^14 at most.
            std::size_t at = 0, total = 0;
            while (at < f.size()) {
                const std::size_t length = static_cast<std::size_t>(out[at + 3]) << 8 | out[at + 4];
                const std::size_t inner = protect ? length - 16 - 1 : length;
                CHECK(inner <= limit - 1);
                CHECK(inner <= 16384);
                total += inner;
                at += 5 + length;
            }
            CHECK(total == content.size());
        }
    }
}

TEST_CASE("TLS record layer: a flight that does not fit fails and says so") {
    detail::record_writer w;
    byte_vector out(100);
    detail::flight f(out);
    f.commit(96);  // content that would need 101 bytes as one record
    f.flush(w, content_type::handshake);
    CHECK_FALSE(f.ok());
}

TEST_CASE("TLS record layer: declined early data is skipped, within a budget") {
    pair_of_directions d;
    detail::record_writer early;  // the client's early-data key: not ours
    early.install(chacha(), test_secret(99));
    d.reader.skip_early_data(detail::record_reader::early_data_skip::undecryptable);
    for (int i = 0; i < 5; ++i) {
        auto rec = sealed_record(early, content_type::application_data, byte_vector(1000, 0x33), 0);
        REQUIRE(d.reader.check_header(byte_view(rec).first(5)) == error::none);
        CHECK(d.reader.open(rec).dropped);
    }
    // The first record under the handshake key ends the skipping; its sequence number is 0.
    auto good = sealed_record(d.writer, content_type::handshake, {20, 0, 0, 0}, 0);
    const auto opened = d.reader.open(good);
    REQUIRE(opened.failure == error::none);
    CHECK(opened.type == content_type::handshake);
    auto bad = sealed_record(early, content_type::application_data, byte_vector(10, 0x33), 0);
    CHECK(d.reader.open(bad).failure == error::bad_record_mac);

    pair_of_directions e;
    e.reader.skip_early_data(detail::record_reader::early_data_skip::undecryptable);
    error last = error::none;
    for (int i = 0; i < 40 && last == error::none; ++i) {
        auto rec = sealed_record(early, content_type::application_data, byte_vector(1000, 0x33), 0);
        last = e.reader.open(rec).failure;
    }
    CHECK(last == error::bad_record_mac);  // over the budget

    // After a HelloRetryRequest: application_data records in the clear phase are dropped.
    detail::record_reader plain;
    plain.skip_early_data(detail::record_reader::early_data_skip::application_data);
    auto rec = sealed_record(early, content_type::application_data, byte_vector(100, 0x33), 0);
    CHECK(plain.check_header(byte_view(rec).first(5)) == error::none);
    CHECK(plain.open(rec).dropped);
    detail::record_reader strict;
    CHECK(strict.open(rec).failure == error::unexpected_message);
}

TEST_CASE("TLS record layer: AES-GCM and AES-CCM keys ask for a KeyUpdate at 2^23 records, ChaCha20 keys do not") {
    for (const auto& suite : all_suites) {
        detail::record_writer w;
        w.install(suite, test_secret(5));
        CHECK_FALSE(w.near_limit());
        w.set_sequence_for_testing(std::uint64_t{1} << 23);
        CHECK(w.near_limit() == (suite.aead != aead_kind::chacha20_poly1305));
    }
}

}  // namespace test_tls_record_layer_ns
