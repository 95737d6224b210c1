// Base64, PEM and the strict DER reader: RFC 4648 vectors, round trips against an encoder
// written here, every DER strictness rule with an input that breaks it, and the system CA
// bundle read end to end.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "carapace/core/base64.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/pem.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::unhex;

namespace {

// A plain encoder (the library only decodes): the reference for round trips.
std::string encode_base64(const byte_vector& in, std::size_t line_length = 0) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, in.size() - i);
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 3; ++j) group = group << 8 | (j < n ? in[i + j] : 0u);
        for (std::size_t j = 0; j < 4; ++j) out += j <= n ? digits[(group >> (18 - 6 * j)) & 63u] : '=';
    }
    if (line_length == 0) return out;
    std::string wrapped;
    for (std::size_t i = 0; i < out.size(); i += line_length) wrapped += out.substr(i, line_length) + "\r\n";
    return wrapped;
}

byte_vector decode_base64(std::string_view text, errc* error = nullptr) {
    byte_vector out(base64::max_decoded_size(text));
    auto n = base64::decode(text, out);
    if (error != nullptr) *error = n.error();
    if (!n) return {};
    out.resize(*n);
    return out;
}

errc base64_error(std::string_view text) {
    errc e = errc::ok;
    decode_base64(text, &e);
    return e;
}

}  // namespace

TEST_CASE("base64: RFC 4648 section 10 vectors") {
    const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (std::size_t i = 0; i < 7; ++i) {
        const std::string_view p = plain[i];
        CHECK(decode_base64(coded[i]) == byte_vector(p.begin(), p.end()));
    }
}

TEST_CASE("base64: round trips with line breaks, every length to 200") {
    std::mt19937 rng(7);
    for (std::size_t n = 0; n <= 200; ++n) {
        byte_vector data(n);
        for (auto& b : data) b = static_cast<std::uint8_t>(rng());
        CHECK(decode_base64(encode_base64(data)) == data);
        CHECK(decode_base64(encode_base64(data, 64)) == data);
        CHECK(decode_base64(" \t" + encode_base64(data, 5) + "\n") == data);
    }
}

TEST_CASE("base64: malformed text is refused and the output wiped") {
    CHECK(base64_error("Zm9v!") == errc::decode_error);     // not a digit
    CHECK(base64_error("Zm9") == errc::decode_error);       // missing padding
    CHECK(base64_error("Zg=") == errc::decode_error);       // short padding
    CHECK(base64_error("Zg===") == errc::decode_error);     // too much padding
    CHECK(base64_error("Zm9v=") == errc::decode_error);     // padding after a whole group
    CHECK(base64_error("Zg==Zg==") == errc::decode_error);  // data after padding
    CHECK(base64_error("Z===") == errc::decode_error);      // a lone digit
    CHECK(base64_error("Zh==") == errc::decode_error);      // non-zero unused bits
    CHECK(base64_error("Zm9=") == errc::decode_error);
    CHECK(base64_error("Zm8=") == errc::ok);

    byte_vector out(6, 0xaa);
    CHECK(base64::decode("Zm9vYmFy!", out).error() == errc::decode_error);
    CHECK(out == byte_vector(6, 0));
    byte_vector small(5, 0xaa);
    CHECK(base64::decode("Zm9vYmFy", small).error() == errc::buffer_too_small);
    CHECK(small == byte_vector(5, 0));
}

TEST_CASE("base64 decodes in constant evaluation") {
    constexpr auto decoded = [] {
        bytes<6> out{};
        const auto n = base64::decode("Zm9vYmFy", out);
        return n.ok() && *n == 6 ? out : bytes<6>{};
    }();
    static_assert(decoded == literal_bytes("foobar"));
}

TEST_CASE("DER: lengths in their shortest definite form only") {
    auto first = [](byte_vector in) { return der::reader(in).next(); };
    CHECK(first({0x04, 0x00}).ok());
    CHECK(first({0x04, 0x01, 0xaa}).ok());
    CHECK(!first({0x04, 0x02, 0xaa}).ok());                 // longer than the input
    CHECK(!first({0x04}).ok());                             // no length
    CHECK(!first({0x30, 0x80, 0x00, 0x00}).ok());           // BER indefinite length
    CHECK(!first({0x04, 0x81, 0x05, 1, 2, 3, 4, 5}).ok());  // long form for a short length
    byte_vector long_form{0x04, 0x81, 0x80};
    long_form.resize(3 + 0x80);
    CHECK(first(long_form).ok());
    byte_vector padded{0x04, 0x82, 0x00, 0x80};  // a leading zero length octet
    padded.resize(4 + 0x80);
    CHECK(!first(padded).ok());
    CHECK(!first({0x04, 0x85, 1, 0, 0, 0, 0}).ok());  // five length octets
    CHECK(!first({0x1f, 0x81, 0x01, 0x00}).ok());     // a multi-byte tag

    const byte_vector two{0x05, 0x00, 0x05, 0x00};
    der::reader r(two);
    CHECK(r.next().ok());
    CHECK(!r.empty());
    CHECK(r.next().ok());
    CHECK(r.empty());
    CHECK(!der::parse_single(two, der::null).ok());  // trailing data
}

TEST_CASE("DER: element views and tag checks") {
    const byte_vector data = unhex("300602010502017f");
    auto seq = der::parse_single(data, der::sequence);
    REQUIRE(seq.ok());
    CHECK(seq->encoded.size() == data.size());
    der::reader fields(seq->content);
    CHECK(fields.next_is(der::integer));
    CHECK(!fields.expect(der::boolean).ok());  // a mismatch consumes nothing
    auto a = fields.expect(der::integer);
    auto b = fields.expect(der::integer);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(*der::to_unsigned(*a) == 5);
    CHECK(*der::to_unsigned(*b) == 127);
    CHECK(fields.empty());
}

TEST_CASE("DER: INTEGER, BOOLEAN, BIT STRING and OID encodings") {
    auto element_of = [](std::uint8_t tag, byte_vector content) {
        static std::vector<byte_vector> keep;  // the views below must outlive the call
        keep.push_back(std::move(content));
        return der::element{tag, keep.back(), {}};
    };
    CHECK(der::to_unsigned(element_of(der::integer, {0x00, 0x80})).ok());
    CHECK(!der::to_unsigned(element_of(der::integer, {0x00, 0x7f})).ok());  // non-minimal
    CHECK(!der::integer_octets(element_of(der::integer, {0xff, 0x80})).ok());
    CHECK(der::integer_octets(element_of(der::integer, {0xff, 0x7f})).ok());
    CHECK(!der::to_unsigned(element_of(der::integer, {0x80})).ok());  // negative
    CHECK(!der::integer_octets(element_of(der::integer, {})).ok());
    CHECK(!der::to_unsigned(element_of(der::integer, {1, 0, 0, 0, 0, 0, 0, 0, 0})).ok());  // > 64 bits
    CHECK(*der::to_unsigned(element_of(der::integer, {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})) ==
          0xffffffffffffffffu);

    CHECK(*der::to_boolean(element_of(der::boolean, {0xff})) == true);
    CHECK(*der::to_boolean(element_of(der::boolean, {0x00})) == false);
    CHECK(!der::to_boolean(element_of(der::boolean, {0x01})).ok());  // BER true, not DER
    CHECK(!der::to_boolean(element_of(der::boolean, {0xff, 0xff})).ok());

    auto key_usage = der::to_bits(element_of(der::bit_string, {0x05, 0xa0}));  // bits 0 and 2
    REQUIRE(key_usage.ok());
    CHECK(der::bit_is_set(*key_usage, 0));
    CHECK(!der::bit_is_set(*key_usage, 1));
    CHECK(der::bit_is_set(*key_usage, 2));
    CHECK(!der::bit_is_set(*key_usage, 3));  // beyond the string
    CHECK(!der::to_bits(element_of(der::bit_string, {0x05, 0xa1})).ok());  // an unused bit set
    CHECK(!der::to_bits(element_of(der::bit_string, {0x08, 0x00})).ok());
    CHECK(!der::to_bits(element_of(der::bit_string, {0x01})).ok());  // empty with unused bits
    CHECK(der::to_bits(element_of(der::bit_string, {0x00})).ok());
    CHECK(!der::to_bits(element_of(der::bit_string, {})).ok());

    CHECK(der::oid_octets(element_of(der::object_identifier, {0x2b, 0x65, 0x70})).ok());  // 1.3.101.112
    CHECK(!der::oid_octets(element_of(der::object_identifier, {0x2b, 0x80, 0x01})).ok());  // padded arc
    CHECK(!der::oid_octets(element_of(der::object_identifier, {0x2b, 0x81})).ok());        // cut arc
    CHECK(!der::oid_octets(element_of(der::object_identifier, {})).ok());
}

TEST_CASE("DER: UTCTime and GeneralizedTime as RFC 5280 profiles them") {
    auto time_of = [](std::uint8_t tag, std::string_view text) {
        const byte_vector content(text.begin(), text.end());
        return der::to_time(der::element{tag, content, {}});
    };
    CHECK(*time_of(der::utc_time, "700101000000Z") == 0);
    CHECK(*time_of(der::utc_time, "491231235959Z") == 2524607999);  // 2049-12-31
    CHECK(*time_of(der::utc_time, "500101000000Z") == -631152000);  // 1950-01-01
    CHECK(*time_of(der::generalized_time, "20380119031408Z") == 2147483648);
    CHECK(*time_of(der::generalized_time, "20240229120000Z") == 1709208000);
    CHECK(*time_of(der::generalized_time, "20000229000000Z") == 951782400);
    CHECK(*time_of(der::generalized_time, "99991231235959Z") == 253402300799);
    CHECK(!time_of(der::generalized_time, "20230229000000Z").ok());  // not a leap year
    CHECK(!time_of(der::generalized_time, "19000229000000Z").ok());
    CHECK(!time_of(der::utc_time, "7001010000Z").ok());              // no seconds
    CHECK(!time_of(der::utc_time, "700101000000+0100").ok());        // not Z
    CHECK(!time_of(der::generalized_time, "20380119031408.5Z").ok());
    CHECK(!time_of(der::utc_time, "701301000000Z").ok());  // month 13
    CHECK(!time_of(der::utc_time, "700100000000Z").ok());  // day 0
    CHECK(!time_of(der::utc_time, "700101240000Z").ok());  // hour 24
    CHECK(!time_of(der::utc_time, "70010100000aZ").ok());
    CHECK(!time_of(der::octet_string, "700101000000Z").ok());
}

TEST_CASE("DER: nesting is bounded") {
    byte_vector nested{0x05, 0x00};
    for (int depth = 1; depth <= 40; ++depth) {
        byte_vector outer{0x30, static_cast<std::uint8_t>(nested.size())};
        if (nested.size() >= 0x80) outer = {0x30, 0x81, static_cast<std::uint8_t>(nested.size())};
        outer.insert(outer.end(), nested.begin(), nested.end());
        nested = outer;
        CHECK(der::well_formed(nested, 40));
        CHECK(der::well_formed(nested, static_cast<unsigned>(depth)));
        CHECK(!der::well_formed(nested, static_cast<unsigned>(depth - 1)));
        if (nested.size() > 250) break;
    }
    CHECK(!der::well_formed(unhex("3003050001"), 8));  // a child runs past its parent
}

TEST_CASE("PEM: blocks among other text, CRLF, bundles, and malformed ones") {
    const byte_vector one{1, 2, 3, 4, 5}, two{0xff, 0xee};
    const std::string text = "Subject: something\r\n"
                             "-----BEGIN CERTIFICATE-----\r\n" + encode_base64(one, 4) +
                             "-----END CERTIFICATE-----\r\n"
                             "between blocks\n"
                             "  -----BEGIN PRIVATE KEY-----\n" + encode_base64(two) + "\n-----END PRIVATE KEY-----";
    pem::reader r(text);
    auto a = r.next();
    REQUIRE(a.ok());
    CHECK(a->label == pem::certificate);
    byte_vector out(pem::max_decoded_size(*a));
    auto n = pem::decode(*a, out);
    REQUIRE(n.ok());
    out.resize(*n);
    CHECK(out == one);
    auto b = r.next();
    REQUIRE(b.ok());
    CHECK(b->label == pem::private_key);
    CHECK(!r.next().ok());
    CHECK(r.ok());

    byte_vector key(8);
    auto k = pem::decode_first(text, pem::private_key, key);
    REQUIRE(k.ok());
    CHECK(byte_vector(key.begin(), key.begin() + static_cast<std::ptrdiff_t>(*k)) == two);
    CHECK(!pem::decode_first(text, pem::public_key, key).ok());

    auto malformed = [](const std::string& t) {
        pem::reader m(t);
        while (m.next().ok()) {
        }
        return !m.ok();
    };
    CHECK(malformed("-----BEGIN CERTIFICATE-----\nAAAA\n"));                               // no END
    CHECK(malformed("-----BEGIN CERTIFICATE-----\nAAAA\n-----END PUBLIC KEY-----\n"));    // labels differ
    CHECK(malformed("-----BEGIN CERTIFICATE----- x\nAAAA\n-----END CERTIFICATE-----\n"));  // text after
    CHECK(malformed("-----BEGIN -----\nAAAA\n-----END -----\n"));                          // empty label
    CHECK(!malformed("no blocks at all"));
    CHECK(!malformed("x -----BEGIN CERTIFICATE----- not at a line start"));

    // PEM headers (encrypted keys) are not base64.
    pem::reader headers("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    auto h = headers.next();
    REQUIRE(h.ok());
    byte_vector sink(pem::max_decoded_size(*h));
    CHECK(pem::decode(*h, sink).error() == errc::decode_error);
}

TEST_CASE("PEM and DER: every certificate of the system CA bundle") {
    const std::string bundle = test_support::read_text_file("/etc/ssl/certs/ca-certificates.crt");
    REQUIRE_MESSAGE(!bundle.empty(), "install Debian's ca-certificates package (scripts/test does)");
    pem::reader r(bundle);
    std::size_t count = 0;
    for (auto block = r.next(); block; block = r.next()) {
        REQUIRE(block->label == pem::certificate);
        byte_vector der_bytes(pem::max_decoded_size(*block));
        auto n = pem::decode(*block, der_bytes);
        REQUIRE(n.ok());
        der_bytes.resize(*n);
        CAPTURE(count);
        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
        auto cert = der::parse_single(der_bytes, der::sequence);
        REQUIRE(cert.ok());
        CHECK(der::well_formed(cert->content, 16));
        der::reader fields(cert->content);
        CHECK(fields.expect(der::sequence).ok());
        CHECK(fields.expect(der::sequence).ok());
        auto signature = fields.expect(der::bit_string);
        REQUIRE(signature.ok());
        CHECK(der::to_bits(*signature).ok());
        CHECK(fields.empty());
        ++count;
    }
    CHECK(r.ok());
    CHECK(count > 100);
    MESSAGE(count << " certificates in the system bundle");
}
