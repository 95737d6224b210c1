// The hello codecs (RFC 8446 §4.1.2-§4.1.4) driven directly: ClientHello and ServerHello /
// HelloRetryRequest round trips, hand-made wire bytes, every rule the decoders enforce with its
// exact error, and hellos of legal but unusual shape (tens of KiB, thousands of extensions).
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "carapace/tls/detail/codec/client_hello.hpp"
#include "carapace/tls/detail/codec/handshake_message.hpp"
#include "carapace/tls/detail/codec/server_hello.hpp"
#include "support/tls_codec_bytes.hpp"

using namespace codec_bytes;
using carapace::tls::error;
using carapace::tls::extension_type;
using carapace::tls::named_group;

namespace {

error decode_ch(const buffer& body, cc::client_hello& ch) { return cc::decode(view(body), ch); }
buffer encoded_message_of(const cc::client_hello& ch) {
    buffer out(1 << 16);
    carapace::tls::detail::writer w(out);
    cc::encode_message(w, ch);
    out.resize(w.size());
    return out;
}
error decode_ch(const buffer& body) {
    cc::client_hello ch;
    return decode_ch(body, ch);
}

// A ClientHello with every extension the codec represents, as a client would fill it.
struct full_hello {
    buffer random = random32(0x5a), session_id = filled(32, 7), share1 = filled(32, 1), share2 = filled(65, 2);
    buffer cookie = {9, 8, 7}, modes = {1}, host = {'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm'};
    buffer ticket = filled(40, 0x77), binder = filled(32, 0);
    std::array<carapace::tls::cipher_suite, 2> suites{carapace::tls::cipher_suite::chacha20_poly1305_sha256,
                                                      carapace::tls::cipher_suite::aes_128_gcm_sha256};
    std::array<named_group, 2> groups{named_group::x25519, named_group::secp256r1};
    std::array<cc::key_share_entry, 2> shares{};
    std::array<std::uint16_t, 2> versions{0x0304, 0x0303};
    std::array<carapace::tls::signature_scheme, 2> schemes{carapace::tls::signature_scheme::ed25519,
                                                           carapace::tls::signature_scheme::ecdsa_secp256r1_sha256};
    std::array<std::string_view, 2> alpn{"h2", "http/1.1"};
    std::array<cc::psk_identity, 1> identities{};
    std::array<carapace::byte_view, 1> binders{};
    cc::client_hello ch;

    full_hello() {
        shares = {cc::key_share_entry{named_group::x25519, view(share1)},
                  cc::key_share_entry{named_group::secp256r1, view(share2)}};
        identities = {cc::psk_identity{view(ticket), 0x01020304}};
        binders = {view(binder)};
        ch.random = view(random);
        ch.session_id = view(session_id);
        ch.cipher_suites = suites;
        ch.server_name = view(host);
        ch.supported_groups = groups;
        ch.has_key_share = true;
        ch.key_shares = shares;
        ch.supported_versions = versions;
        ch.signature_algorithms = schemes;
        ch.signature_algorithms_cert = schemes;
        ch.alpn = alpn;
        ch.cookie = view(cookie);
        ch.psk_key_exchange_modes = view(modes);
        ch.record_size_limit = 1024;
        ch.early_data = true;
        ch.post_handshake_auth = true;
        ch.psk_identities = identities;
        ch.psk_binders = binders;
    }
};

}  // namespace

TEST_CASE("TLS codec ClientHello: encode then decode gives the same hello, and encoding that gives the same bytes") {
    full_hello f;
    const buffer wire = encoded(f.ch);
    cc::client_hello back;
    REQUIRE(decode_ch(wire, back) == error::none);
    CHECK(cc::same_hello(back, f.ch));
    CHECK(back.ignored_extensions == 0);
    CHECK(back.key_shares[1].group == named_group::secp256r1);
    CHECK(back.alpn.contains(cc::text_bytes("http/1.1")));
    CHECK(back.present.contains(extension_type::pre_shared_key));
    CHECK(encoded(back) == wire);
    // Something that differs is seen as different.
    cc::client_hello other = back;
    other.record_size_limit = 1025;
    CHECK_FALSE(cc::same_hello(other, f.ch));
}

TEST_CASE("TLS codec ClientHello: hand-made bytes decode to their fields") {
    const buffer body = client_hello_body(cat({ext(extension_type::server_name, vec16(cat({u8(0), vec16({'a', 'b'})}))),
                                               minimal_extensions(),
                                               ext(extension_type::application_layer_protocol_negotiation,
                                                   vec16(cat({vec8({'h', '2'})}))),
                                               ext(0x1234, {1, 2, 3}),  // unrecognized: ignored
                                               ext(extension_type::record_size_limit, u16(512))}));
    cc::client_hello ch;
    REQUIRE(decode_ch(body, ch) == error::none);
    CHECK(ch.legacy_version == 0x0303);
    CHECK(ch.random.size() == 32);
    CHECK(ch.session_id.empty());
    CHECK(ch.cipher_suites.size() == 2);
    CHECK(ch.cipher_suites[1] == carapace::tls::cipher_suite::chacha20_poly1305_sha256);
    CHECK(cc::bytes_text(ch.server_name) == "ab");
    CHECK(ch.supported_groups.size() == 1);
    CHECK(ch.has_key_share);
    CHECK(ch.key_shares.size() == 1);
    CHECK(ch.key_shares[0].share.size() == 32);
    CHECK(ch.supported_versions.contains(0x0304));
    CHECK(ch.signature_algorithms[0] == carapace::tls::signature_scheme::ed25519);
    CHECK(ch.alpn.size() == 1);
    CHECK(ch.record_size_limit == 512);
    CHECK(ch.ignored_extensions == 1);
    CHECK(ch.order.size() == 7);
    CHECK(ch.order[0] == static_cast<std::uint16_t>(extension_type::server_name));
    CHECK(ch.binders_offset == 0);
}

TEST_CASE("TLS codec ClientHello: framing rules") {
    CHECK(decode_ch(client_hello_body(minimal_extensions())) == error::none);
    // session_id of 33 bytes; odd and empty cipher_suites; trailing byte; broken extension framing.
    CHECK(decode_ch(cat({u16(0x0303), random32(), vec8(filled(33, 0)), vec16(u16(0x1301)), vec8({0}),
                         vec16(minimal_extensions())})) == error::decode_error);
    CHECK(decode_ch(cat({u16(0x0303), random32(), vec8({}), vec16({0x13}), vec8({0}), vec16(minimal_extensions())})) ==
          error::decode_error);
    CHECK(decode_ch(cat({u16(0x0303), random32(), vec8({}), vec16({}), vec8({0}), vec16(minimal_extensions())})) ==
          error::decode_error);
    CHECK(decode_ch(cat({client_hello_body(minimal_extensions()), u8(0)})) == error::decode_error);
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), u16(0x1234), u16(5), u8(1)}))) == error::decode_error);
    // A repeated extension.
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), x25519_groups()}))) == error::illegal_parameter);
}

TEST_CASE("TLS codec ClientHello: the table (allowed, misplaced, unrecognized)") {
    // Recognized but not allowed in a ClientHello: oid_filters (CertificateRequest only).
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), ext(extension_type::oid_filters, {0, 0})}))) ==
          error::illegal_parameter);
    // Unrecognized: ignored, whatever it holds.
    cc::client_hello ch;
    CHECK(decode_ch(client_hello_body(cat({ext(0xfafa, {}), minimal_extensions(), ext(0x0a0a, {0xff})})), ch) ==
          error::none);
    CHECK(ch.ignored_extensions == 2);
    // Recognized, allowed, not represented (signed_certificate_timestamp): accepted and counted.
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), ext(extension_type::signed_certificate_timestamp, {})})),
                    ch) == error::none);
    CHECK(ch.ignored_extensions == 1);
    // status_request (RFC 6066 §8) is kept as it came (a view into the body, which must outlive
    // the decoded hello); an OCSP one must be well formed.
    const buffer ocsp = client_hello_body(cat({minimal_extensions(), ext(extension_type::status_request, {1, 0, 0, 0, 0})}));
    CHECK(decode_ch(ocsp, ch) == error::none);
    CHECK(ch.ignored_extensions == 0);
    CHECK(cc::asks_for_ocsp(ch));
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), ext(extension_type::status_request, {1, 0, 0, 0})})),
                    ch) == error::decode_error);
    const buffer other = client_hello_body(cat({minimal_extensions(), ext(extension_type::status_request, {2, 7})}));
    CHECK(decode_ch(other, ch) == error::none);
    CHECK_FALSE(cc::asks_for_ocsp(ch));
}

TEST_CASE("TLS codec ClientHello: pre_shared_key is last, its binders are located") {
    const buffer psk = ext(extension_type::pre_shared_key,
                           cat({vec16(cat({vec16({1, 2, 3}), u32(7)})), vec16(vec8(filled(32, 0xbb)))}));
    const buffer modes = ext(extension_type::psk_key_exchange_modes, vec8({1}));
    cc::client_hello ch;
    const buffer body = client_hello_body(cat({minimal_extensions(), modes, psk}));
    REQUIRE(decode_ch(body, ch) == error::none);
    REQUIRE(ch.psk_identities.size() == 1);
    CHECK(ch.psk_identities[0].obfuscated_ticket_age == 7);
    // The binders list (its 2-byte length, then one 1+32-byte entry) ends the body.
    CHECK(ch.binders_offset == body.size() - (2 + 1 + 32));
    const buffer message = cat({u8(1), u24(static_cast<std::uint32_t>(body.size())), body});
    CHECK(cc::truncated_client_hello_length(view(message)) == message.size() - 35);
    CHECK(cc::truncated_client_hello_length(view(cat({u8(1), u24(0), client_hello_body(minimal_extensions())}))) == 0);
    // Anything after it, recognized or not: illegal_parameter.
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), psk, modes}))) == error::illegal_parameter);
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), modes, psk, ext(0x7777, {})}))) ==
          error::illegal_parameter);
    // Binders must match identities one to one; a binder under 32 bytes is malformed.
    const buffer two_ids = ext(extension_type::pre_shared_key,
                               cat({vec16(cat({vec16({1}), u32(0), vec16({2}), u32(0)})), vec16(vec8(filled(32, 0)))}));
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), modes, two_ids}))) == error::illegal_parameter);
    const buffer short_binder =
        ext(extension_type::pre_shared_key, cat({vec16(cat({vec16({1, 2, 3}), u32(7)})), vec16(vec8(filled(31, 0)))}));
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), modes, short_binder}))) == error::decode_error);
}

TEST_CASE("TLS codec ClientHello: the encoder writes binder placeholders last and reports the truncation") {
    full_hello f;
    buffer message(4096);
    carapace::tls::detail::writer w(message);
    cc::encode_message(w, f.ch);
    REQUIRE(w.ok());
    message.resize(w.size());
    CHECK(message[0] == 1);
    CHECK((std::size_t{message[1]} << 16 | std::size_t{message[2]} << 8 | message[3]) == message.size() - 4);
    // Truncate(ClientHello) stops before the binders list: 2 + 1 + 32 bytes from the end.
    const std::size_t truncated = cc::truncated_client_hello_length(view(message));
    CHECK(truncated == message.size() - 35);
    // The real binder replaces the placeholder; one of another size is refused.
    const buffer binder = filled(32, 0xee), wrong = filled(48, 0xee);
    const std::array<carapace::byte_view, 1> good{view(binder)}, bad{view(wrong)};
    CHECK_FALSE(cc::fill_binders(message, truncated, bad));
    REQUIRE(cc::fill_binders(message, truncated, good));
    cc::client_hello back;
    REQUIRE(cc::decode(carapace::byte_view(message).subspan(4), back) == error::none);
    CHECK(cc::same_bytes(back.psk_binders[0], view(binder)));
    CHECK(cc::same_bytes(carapace::byte_view(message).first(truncated),
                         carapace::byte_view(encoded_message_of(f.ch)).first(truncated)));
}

TEST_CASE("TLS codec ClientHello: early_data, padding, server_name, compression, legacy_version") {
    // §4.2.10: early_data in a ClientHello is empty.
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), ext(extension_type::early_data, {0})}))) ==
          error::decode_error);
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), ext(extension_type::early_data, {})}))) == error::none);
    // RFC 7685: padding is zeros.
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), ext(extension_type::padding, {0, 0, 0})}))) ==
          error::none);
    CHECK(decode_ch(client_hello_body(cat({minimal_extensions(), ext(extension_type::padding, {0, 1, 0})}))) ==
          error::decode_error);
    // RFC 6066 §3: one host_name at most.
    const buffer two_hosts = ext(extension_type::server_name, vec16(cat({u8(0), vec16({'a'}), u8(0), vec16({'b'})})));
    CHECK(decode_ch(client_hello_body(cat({two_hosts, minimal_extensions()}))) == error::illegal_parameter);
    // §4.1.2: a TLS 1.3 ClientHello has exactly the null compression method.
    CHECK(decode_ch(client_hello_body(minimal_extensions(), 0x0303, {1, 0})) == error::illegal_parameter);
    // A hello that does not offer TLS 1.3 is left to negotiation (protocol_version there).
    CHECK(decode_ch(client_hello_body(x25519_groups(), 0x0303, {1, 0})) == error::none);
    // D.5: legacy_version 0x0300 or lower.
    CHECK(decode_ch(client_hello_body(minimal_extensions(), 0x0300)) == error::protocol_version);
    CHECK(decode_ch(client_hello_body(minimal_extensions(), 0x0002)) == error::protocol_version);
    CHECK(decode_ch(client_hello_body(minimal_extensions(), 0x0301)) == error::none);
    // An SSL 3.0-style hello with no extension block at all.
    CHECK(decode_ch(cat({u16(0x0300), random32(), vec8({}), vec16(u16(0x002f)), vec8({0})})) == error::protocol_version);
    cc::client_hello ch;
    CHECK(decode_ch(cat({u16(0x0303), random32(), vec8({}), vec16(u16(0x002f)), vec8({0})}), ch) == error::none);
    CHECK(ch.supported_versions.empty());
}

TEST_CASE("TLS codec ClientHello: key shares may be none, never of one group twice") {
    cc::client_hello ch;
    CHECK(decode_ch(client_hello_body(cat({x25519_groups(), ext(extension_type::key_share, vec16({})), tls13_versions()})),
                    ch) == error::none);
    CHECK(ch.has_key_share);
    CHECK(ch.key_shares.empty());
    const buffer twice = ext(extension_type::key_share,
                             vec16(cat({u16(0x001d), vec16(filled(32, 1)), u16(0x001d), vec16(filled(32, 2))})));
    CHECK(decode_ch(client_hello_body(cat({x25519_groups(), twice, tls13_versions()}))) == error::illegal_parameter);
    const buffer empty_share = ext(extension_type::key_share, vec16(cat({u16(0x001d), vec16({})})));
    CHECK(decode_ch(client_hello_body(cat({x25519_groups(), empty_share, tls13_versions()}))) == error::decode_error);
}

TEST_CASE("TLS codec ClientHello: no cap on its shape (64 KiB, thousands of extensions, hundreds of shares)") {
    buffer extensions = minimal_extensions();
    // 3,000 GREASE-like unrecognized extensions, all distinct.
    for (std::uint32_t i = 0; i < 3000; ++i) {
        const buffer e = ext(static_cast<std::uint16_t>(0x8000 + i), {static_cast<std::uint8_t>(i)});
        extensions.insert(extensions.end(), e.begin(), e.end());
    }
    // 300 key shares of distinct groups (listed in supported_groups).
    buffer groups, shares;
    for (std::uint32_t g = 0; g < 300; ++g) {
        groups = cat({groups, u16(0x4000 + g)});
        shares = cat({shares, u16(0x4000 + g), vec16(filled(100, static_cast<std::uint8_t>(g)))});
    }
    buffer big_extensions = cat({ext(extension_type::supported_groups, vec16(groups)),
                                 ext(extension_type::key_share, vec16(shares)), tls13_versions(), ed25519_algorithms()});
    for (std::uint32_t i = 0; i < 3000; ++i) big_extensions = cat({big_extensions, ext(static_cast<std::uint16_t>(0x8000 + i), {1})});
    const buffer body = client_hello_body(big_extensions);
    REQUIRE(body.size() >= 32768);
    cc::client_hello ch;
    REQUIRE(decode_ch(body, ch) == error::none);
    CHECK(ch.key_shares.size() == 300);
    CHECK(ch.supported_groups.size() == 300);
    CHECK(ch.ignored_extensions == 3000);
    // Padded to over 64 KiB in all: still decodes.
    const buffer padded = client_hello_body(
        cat({big_extensions, ext(extension_type::padding, filled(65535 - big_extensions.size() - 4, 0))}));
    REQUIRE(padded.size() + 4 >= 65536);
    CHECK(decode_ch(padded) == error::none);
    CHECK(decode_ch(client_hello_body(extensions)) == error::none);
    // A repeat among many (the bitmap path) is still found, at either end.
    const buffer repeat_last = client_hello_body(cat({big_extensions, ext(0x8000, {})}));
    CHECK(decode_ch(repeat_last) == error::illegal_parameter);
    const buffer many_shares_repeat = client_hello_body(
        cat({ext(extension_type::supported_groups, vec16(groups)),
             ext(extension_type::key_share, vec16(cat({shares, u16(0x4000), vec16({1})}))), tls13_versions()}));
    CHECK(decode_ch(many_shares_repeat) == error::illegal_parameter);
}

TEST_CASE("TLS codec ClientHello: order, raw extensions and padding on send") {
    full_hello f;
    f.ch.psk_identities = {};
    f.ch.psk_binders = {};
    const std::array<extension_type, 3> order{extension_type::supported_versions, extension_type::key_share,
                                              static_cast<extension_type>(0x0a0a)};
    const buffer grease_data = {0};
    const std::array<carapace::tls::raw_extension, 2> raw{carapace::tls::raw_extension{0x0a0a, view(grease_data)},
                                                          carapace::tls::raw_extension{0x1a1a, {}}};
    f.ch.order = order;
    f.ch.extra_extensions = raw;
    cc::client_hello back;
    const buffer wire = encoded(f.ch);
    REQUIRE(decode_ch(wire, back) == error::none);
    // Only the listed extensions of ours, in that order; the raw ones where listed, else after.
    REQUIRE(back.order.size() == 2);
    CHECK(back.order[0] == static_cast<std::uint16_t>(extension_type::supported_versions));
    CHECK(back.order[1] == static_cast<std::uint16_t>(extension_type::key_share));
    CHECK(back.ignored_extensions == 2);
    const auto offered = cc::offered_extensions(f.ch);
    CHECK(offered.contains(extension_type::key_share));
    CHECK_FALSE(offered.contains(extension_type::server_name));

    // RFC 7685: a 256..511-byte message is brought to exactly 512.
    cc::client_hello small;
    const buffer random = random32();
    const std::array<carapace::tls::cipher_suite, 1> suite{carapace::tls::cipher_suite::aes_128_gcm_sha256};
    const buffer host(200, 'a');
    small.random = view(random);
    small.cipher_suites = suite;
    small.server_name = view(host);
    small.pad_to_512 = true;
    const buffer padded = encoded(small);
    CHECK(padded.size() + 4 == 512);
    REQUIRE(decode_ch(padded, back) == error::none);
    CHECK(back.has_padding);
    CHECK(encoded(back) == padded);
    // Not below 256 bytes.
    const buffer short_host(10, 'a');
    small.server_name = view(short_host);
    CHECK(encoded(small).size() + 4 < 256);
}

// --- ServerHello / HelloRetryRequest

namespace {

const cc::extension_set sh_offered{extension_type::key_share, extension_type::supported_versions};

error decode_sh(const buffer& body, cc::server_hello& sh, const cc::extension_set& offered = sh_offered) {
    return cc::decode(view(body), sh, offered);
}
error decode_sh(const buffer& body, const cc::extension_set& offered = sh_offered) {
    cc::server_hello sh;
    return decode_sh(body, sh, offered);
}
buffer hrr_random() { return buffer(cc::hello_retry_random.begin(), cc::hello_retry_random.end()); }
buffer sh_versions() { return ext(extension_type::supported_versions, u16(0x0304)); }
buffer sh_share() { return ext(extension_type::key_share, cat({u16(0x001d), vec16(filled(32, 3))})); }
buffer downgrade_random(std::uint8_t last) {
    return cat({filled(24, 0x33), {'D', 'O', 'W', 'N', 'G', 'R', 'D', last}});
}

}  // namespace

TEST_CASE("TLS codec ServerHello: round trips of a ServerHello and a HelloRetryRequest") {
    const buffer random = random32(0x21), share = filled(32, 4), session = filled(32, 5), cookie = {1, 2, 3, 4};
    cc::server_hello sh;
    sh.random = view(random);
    sh.session_id = view(session);
    sh.suite = carapace::tls::cipher_suite::aes_256_gcm_sha384;
    sh.has_key_share = true;
    sh.key_share = {named_group::x25519, view(share)};
    sh.has_selected_identity = true;
    sh.selected_identity = 0;
    const cc::extension_set offered{extension_type::key_share, extension_type::supported_versions,
                                    extension_type::pre_shared_key};
    cc::server_hello back;
    const buffer wire = encoded(sh);
    REQUIRE(decode_sh(wire, back, offered) == error::none);
    CHECK(cc::same_hello(back, sh));
    CHECK_FALSE(back.is_hello_retry_request());
    CHECK(encoded(back) == wire);

    cc::server_hello hrr;
    hrr.random = cc::hello_retry_random;
    hrr.suite = carapace::tls::cipher_suite::aes_128_gcm_sha256;
    hrr.has_selected_group = true;
    hrr.selected_group = named_group::secp256r1;
    hrr.cookie = view(cookie);
    const buffer hrr_wire = encoded(hrr);
    // The cookie is the server's own: allowed although the client did not send one.
    REQUIRE(decode_sh(hrr_wire, back) == error::none);
    CHECK(back.is_hello_retry_request());
    CHECK(cc::same_hello(back, hrr));
    CHECK(back.selected_group == named_group::secp256r1);
    CHECK(encoded(back) == hrr_wire);
    // Today's wire order of a HelloRetryRequest: key_share, cookie, supported_versions.
    CHECK(back.order.size() == 3);
    CHECK(back.order[2] == static_cast<std::uint16_t>(extension_type::supported_versions));
}

TEST_CASE("TLS codec ServerHello: the default order gives RFC 8448's resumed ServerHello byte for byte") {
    // RFC 8448 §4, the server's ServerHello (handshake header removed).
    const buffer random = {0x3c, 0xcf, 0xd2, 0xde, 0xc8, 0x90, 0x22, 0x27, 0x63, 0x47, 0x2a, 0xe8, 0x13, 0x67, 0x77, 0xc9,
                           0xd7, 0x35, 0x87, 0x77, 0xbb, 0x66, 0xe9, 0x1e, 0xa5, 0x12, 0x24, 0x95, 0xf5, 0x59, 0xea, 0x2d};
    const buffer share = {0x12, 0x17, 0x61, 0xee, 0x42, 0xc3, 0x33, 0xe1, 0xb9, 0xe7, 0x7b, 0x60, 0xdd, 0x57, 0xc2, 0x05,
                          0x3c, 0xd9, 0x45, 0x12, 0xab, 0x47, 0xf1, 0x15, 0xe8, 0x6e, 0xff, 0x50, 0x94, 0x2c, 0xea, 0x31};
    const buffer expected = cat({u16(0x0303), random, vec8({}), u16(0x1301), u8(0),
                                 vec16(cat({ext(extension_type::pre_shared_key, u16(0)),
                                            ext(extension_type::key_share, cat({u16(0x001d), vec16(share)})),
                                            ext(extension_type::supported_versions, u16(0x0304))}))});
    cc::server_hello sh;
    sh.random = view(random);
    sh.suite = carapace::tls::cipher_suite::aes_128_gcm_sha256;
    sh.has_key_share = true;
    sh.key_share = {named_group::x25519, view(share)};
    sh.has_selected_identity = true;
    CHECK(encoded(sh) == expected);
}

TEST_CASE("TLS codec ServerHello: the version is settled before anything else") {
    // A TLS 1.2 ServerHello without extensions at all, with and without the downgrade sentinel.
    const buffer tls12 = cat({u16(0x0303), random32(), vec8({}), u16(0xc02f), u8(0)});
    CHECK(decode_sh(tls12) == error::protocol_version);
    CHECK(decode_sh(cat({u16(0x0303), downgrade_random(1), vec8({}), u16(0xc02f), u8(0)})) == error::illegal_parameter);
    CHECK(decode_sh(cat({u16(0x0302), downgrade_random(0), vec8({}), u16(0xc02f), u8(0)})) == error::illegal_parameter);
    // With TLS 1.2 extensions we never offered: still a version answer, not unsupported_extension.
    const buffer tls12_extensions = cat({ext(extension_type::renegotiation_info, {0}), ext(11, {1, 0})});
    CHECK(decode_sh(server_hello_body(random32(), tls12_extensions)) == error::protocol_version);
    CHECK(decode_sh(server_hello_body(downgrade_random(1), tls12_extensions)) == error::illegal_parameter);
    // Not even a misplaced extension or a bad compression preempts the version.
    CHECK(decode_sh(server_hello_body(random32(), ext(extension_type::signature_algorithms, {0, 2, 8, 7}), 0x0303, 1)) ==
          error::protocol_version);
    // supported_versions selecting anything but TLS 1.3.
    CHECK(decode_sh(server_hello_body(random32(), cat({sh_share(), ext(extension_type::supported_versions, u16(0x0303))}))) ==
          error::illegal_parameter);
    CHECK(decode_sh(server_hello_body(random32(), cat({sh_share(), ext(extension_type::supported_versions, {3, 4, 0})}))) ==
          error::decode_error);
    // Then legacy_version and compression.
    CHECK(decode_sh(server_hello_body(random32(), cat({sh_share(), sh_versions()}), 0x0301)) == error::illegal_parameter);
    CHECK(decode_sh(server_hello_body(random32(), cat({sh_share(), sh_versions()}), 0x0303, 1)) ==
          error::illegal_parameter);
    CHECK(decode_sh(server_hello_body(random32(), cat({sh_share(), sh_versions()}))) == error::none);
    // Broken fixed fields are malformed.
    CHECK(decode_sh(cat({u16(0x0303), random32()})) == error::decode_error);
    CHECK(decode_sh(cat({server_hello_body(random32(), cat({sh_share(), sh_versions()})), u8(0)})) == error::decode_error);
}

TEST_CASE("TLS codec ServerHello: the table, against what the client offered") {
    const buffer base = cat({sh_share(), sh_versions()});
    // Allowed and offered: fine. Allowed but not offered (pre_shared_key): unsupported_extension.
    CHECK(decode_sh(server_hello_body(random32(), cat({base, ext(extension_type::pre_shared_key, u16(0))}))) ==
          error::unsupported_extension);
    cc::extension_set with_psk = sh_offered;
    with_psk.add(extension_type::pre_shared_key);
    CHECK(decode_sh(server_hello_body(random32(), cat({base, ext(extension_type::pre_shared_key, u16(0))})), with_psk) ==
          error::none);
    // Recognized, offered in the ClientHello, but not allowed in a ServerHello.
    cc::extension_set wide = sh_offered;
    wide.add(extension_type::application_layer_protocol_negotiation);
    wide.add(extension_type::cookie);
    CHECK(decode_sh(server_hello_body(random32(), cat({base, ext(extension_type::application_layer_protocol_negotiation,
                                                                  vec16(vec8({'h', '2'})))})),
                    wide) == error::illegal_parameter);
    // cookie: HelloRetryRequest only.
    CHECK(decode_sh(server_hello_body(random32(), cat({base, ext(extension_type::cookie, vec16({1}))})), wide) ==
          error::illegal_parameter);
    // Unrecognized: unsupported_extension in a response.
    CHECK(decode_sh(server_hello_body(random32(), cat({base, ext(0x1234, {})}))) == error::unsupported_extension);
    CHECK(decode_sh(server_hello_body(hrr_random(), cat({ext(extension_type::key_share, u16(0x17)), sh_versions(),
                                                         ext(0x1234, {})}))) == error::unsupported_extension);
    // HRR: key_share not offered (the client sent none); pre_shared_key is not allowed even when offered.
    CHECK(decode_sh(server_hello_body(hrr_random(), cat({ext(extension_type::key_share, u16(0x17)), sh_versions()})),
                    cc::extension_set{extension_type::supported_versions}) == error::unsupported_extension);
    CHECK(decode_sh(server_hello_body(hrr_random(), cat({sh_versions(), ext(extension_type::pre_shared_key, u16(0))})),
                    with_psk) == error::illegal_parameter);
    // A repeat.
    CHECK(decode_sh(server_hello_body(random32(), cat({base, sh_share()}))) == error::illegal_parameter);
    // A key_share of the wrong shape for its message.
    CHECK(decode_sh(server_hello_body(random32(), cat({ext(extension_type::key_share, u16(0x1d)), sh_versions()}))) ==
          error::decode_error);
    CHECK(decode_sh(server_hello_body(hrr_random(), cat({sh_share(), sh_versions()}))) == error::decode_error);
}

TEST_CASE("TLS codec ServerHello: the downgrade sentinel and hello_retry_random") {
    CHECK(cc::has_downgrade_sentinel(view(downgrade_random(0))));
    CHECK(cc::has_downgrade_sentinel(view(downgrade_random(1))));
    CHECK_FALSE(cc::has_downgrade_sentinel(view(downgrade_random(2))));
    CHECK_FALSE(cc::has_downgrade_sentinel(view(random32())));
    cc::server_hello sh;
    sh.random = cc::hello_retry_random;
    CHECK(sh.is_hello_retry_request());
}
