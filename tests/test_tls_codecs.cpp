// The extension table (RFC 8446 §4.2) and the codecs after the hellos, driven directly:
// EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished,
// NewSessionTicket, KeyUpdate, EndOfEarlyData. For each: encode then decode gives the same
// message, hand-made bytes decode to their fields, each rule has its exact error, and each message
// kind meets an allowed, a misplaced, an unrecognized and (for responses) an unsolicited extension.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "carapace/tls/detail/codec/certificate.hpp"
#include "carapace/tls/detail/codec/certificate_request.hpp"
#include "carapace/tls/detail/codec/certificate_verify.hpp"
#include "carapace/tls/detail/codec/encrypted_extensions.hpp"
#include "carapace/tls/detail/codec/end_of_early_data.hpp"
#include "carapace/tls/detail/codec/extensions.hpp"
#include "carapace/tls/detail/codec/finished.hpp"
#include "carapace/tls/detail/codec/handshake_message.hpp"
#include "carapace/tls/detail/codec/key_update.hpp"
#include "carapace/tls/detail/codec/new_session_ticket.hpp"
#include "carapace/tls/detail/codec/server_hello.hpp"
#include "support/tls_codec_bytes.hpp"

using namespace codec_bytes;
using carapace::tls::error;
using carapace::tls::extension_type;
using carapace::tls::named_group;
using cc::message_kind;

TEST_CASE("TLS codec table: rows of RFC 8446 §4.2 and RFC 8449") {
    constexpr auto ok = [](extension_type t, message_kind k) { return cc::allowed_in(static_cast<std::uint16_t>(t), k); };
    static_assert(ok(extension_type::key_share, message_kind::client_hello));
    static_assert(ok(extension_type::key_share, message_kind::server_hello));
    static_assert(ok(extension_type::key_share, message_kind::hello_retry_request));
    static_assert(!ok(extension_type::key_share, message_kind::encrypted_extensions));
    static_assert(ok(extension_type::cookie, message_kind::hello_retry_request));
    static_assert(!ok(extension_type::cookie, message_kind::server_hello));
    static_assert(ok(extension_type::pre_shared_key, message_kind::server_hello));
    static_assert(!ok(extension_type::pre_shared_key, message_kind::hello_retry_request));
    static_assert(ok(extension_type::status_request, message_kind::certificate_entry));
    static_assert(ok(extension_type::signed_certificate_timestamp, message_kind::certificate_request));
    static_assert(ok(extension_type::oid_filters, message_kind::certificate_request));
    static_assert(!ok(extension_type::oid_filters, message_kind::client_hello));
    static_assert(ok(extension_type::early_data, message_kind::new_session_ticket));
    static_assert(!ok(extension_type::supported_versions, message_kind::encrypted_extensions));
    static_assert(ok(extension_type::record_size_limit, message_kind::encrypted_extensions));
    static_assert(!ok(extension_type::record_size_limit, message_kind::server_hello));
    static_assert(!ok(extension_type::padding, message_kind::encrypted_extensions));
    static_assert(cc::is_recognized(static_cast<std::uint16_t>(extension_type::post_handshake_auth)));
    static_assert(!cc::is_recognized(static_cast<std::uint16_t>(extension_type::renegotiation_info)));
    static_assert(!cc::is_recognized(0x0a0a));
    // Every row allows at least one message, and no type has two rows.
    for (std::size_t i = 0; i < cc::recognized_extension_count; ++i) {
        CHECK(cc::extension_table[i].allowed != 0);
        CHECK(cc::extension_index(static_cast<std::uint16_t>(cc::extension_table[i].type)) == i);
    }
    cc::extension_set s{extension_type::key_share};
    CHECK(s.contains(extension_type::key_share));
    CHECK_FALSE(s.contains(extension_type::cookie));
    s.add(0x0a0a);  // unrecognized types are never members
    CHECK_FALSE(s.contains(0x0a0a));
}

// The codecs run in constant evaluation too: a ClientHello encoded and decoded at compile time, and
// a ServerHello decoded from its bytes.
constexpr bool hellos_at_compile_time() {
    constexpr std::array<std::uint8_t, 32> random{1, 2, 3};
    constexpr std::array<std::uint8_t, 4> share{9, 9, 9, 9};
    constexpr std::array<carapace::tls::cipher_suite, 1> suites{carapace::tls::cipher_suite::aes_128_gcm_sha256};
    constexpr std::array<named_group, 1> groups{named_group::x25519};
    constexpr std::array<std::uint16_t, 1> versions{0x0304};
    const std::array<cc::key_share_entry, 1> shares{cc::key_share_entry{named_group::x25519, share}};
    cc::client_hello ch;
    ch.random = random;
    ch.cipher_suites = suites;
    ch.supported_groups = groups;
    ch.has_key_share = true;
    ch.key_shares = shares;
    ch.supported_versions = versions;
    std::array<std::uint8_t, 256> out{};
    carapace::tls::detail::writer w(out);
    cc::encode(w, ch);
    cc::client_hello back;
    if (!w.ok() || cc::decode(w.written(), back) != error::none || !cc::same_hello(back, ch)) return false;

    std::array<std::uint8_t, 48> sh_body{0x03, 0x03};  // random: zeros
    constexpr std::array<std::uint8_t, 12> tail{0x00, 0x13, 0x01, 0x00, 0x00, 0x06, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04};
    for (std::size_t i = 0; i < 12; ++i) sh_body[34 + i] = tail[i];
    cc::server_hello sh;
    return cc::decode(carapace::byte_view(sh_body).first(46), sh, cc::extension_set{extension_type::supported_versions}) ==
               error::none &&
           sh.selected_version == 0x0304 && sh.suite == carapace::tls::cipher_suite::aes_128_gcm_sha256;
}
static_assert(hellos_at_compile_time());

// --- EncryptedExtensions

namespace {

const cc::extension_set ee_offered{extension_type::server_name, extension_type::supported_groups,
                                   extension_type::application_layer_protocol_negotiation,
                                   extension_type::record_size_limit, extension_type::early_data};

error decode_ee(const buffer& extensions, const cc::extension_set& offered = ee_offered) {
    cc::encrypted_extensions ee;
    return cc::decode(view(vec16(extensions)), ee, offered);
}

}  // namespace

TEST_CASE("TLS codec EncryptedExtensions: round trip and hand-made bytes") {
    const std::array<named_group, 2> groups{named_group::x25519, named_group::secp384r1};
    const buffer alpn = {'h', '2'};
    cc::encrypted_extensions ee;
    ee.supported_groups = groups;
    ee.record_size_limit = 2048;
    ee.server_name_acknowledged = true;
    ee.alpn = view(alpn);
    ee.early_data = true;
    const buffer wire = encoded(ee);
    cc::encrypted_extensions back;
    REQUIRE(cc::decode(view(wire), back, ee_offered) == error::none);
    CHECK(cc::same_extensions(back, ee));
    CHECK(encoded(back) == wire);

    const buffer hand = vec16(cat({ext(extension_type::application_layer_protocol_negotiation, vec16(vec8({'x'}))),
                                   ext(extension_type::server_name, {})}));
    REQUIRE(cc::decode(view(hand), back, ee_offered) == error::none);
    CHECK(cc::bytes_text(back.alpn) == "x");
    CHECK(back.server_name_acknowledged);
    CHECK(back.record_size_limit == 0);
    CHECK(encoded(back) == hand);  // the decoded order is kept
}

TEST_CASE("TLS codec EncryptedExtensions: the table and the rules") {
    CHECK(decode_ee({}) == error::none);
    // Allowed and offered; allowed but not offered; misplaced; unrecognized.
    CHECK(decode_ee(ext(extension_type::record_size_limit, u16(64))) == error::none);
    CHECK(decode_ee(ext(extension_type::record_size_limit, u16(64)), {extension_type::server_name}) ==
          error::unsupported_extension);
    // Misplaced: what a client offers in its hello (key_share, supported_versions) answered here.
    const cc::extension_set hello_offers = {extension_type::key_share, extension_type::supported_versions};
    CHECK(decode_ee(ext(extension_type::key_share, cat({u16(0x1d), vec16({1})})), hello_offers) ==
          error::illegal_parameter);
    CHECK(decode_ee(ext(extension_type::supported_versions, u16(0x0304)), hello_offers) == error::illegal_parameter);
    // Neither offered nor allowed: the unsolicited answer is judged first, as OpenSSL does.
    CHECK(decode_ee(ext(extension_type::key_share, cat({u16(0x1d), vec16({1})}))) == error::unsupported_extension);
    CHECK(decode_ee(ext(0x1234, {})) == error::unsupported_extension);
    // RFC 8449: below 64 is illegal_parameter; RFC 7301 §3.1: exactly one protocol.
    CHECK(decode_ee(ext(extension_type::record_size_limit, u16(63))) == error::illegal_parameter);
    CHECK(decode_ee(ext(extension_type::record_size_limit, u24(64))) == error::decode_error);
    CHECK(decode_ee(ext(extension_type::application_layer_protocol_negotiation, vec16(cat({vec8({'a'}), vec8({'b'})})))) ==
          error::decode_error);
    CHECK(decode_ee(ext(extension_type::server_name, {0})) == error::decode_error);
    CHECK(decode_ee(ext(extension_type::early_data, u32(0))) == error::decode_error);
    CHECK(decode_ee(cat({ext(extension_type::server_name, {}), ext(extension_type::server_name, {})})) ==
          error::illegal_parameter);
    cc::encrypted_extensions ee;
    CHECK(cc::decode(view(cat({vec16({}), u8(0)})), ee, ee_offered) == error::decode_error);
}

// --- CertificateRequest

namespace {

// The error only: the decoded views would point into a temporary.
error decode_cr(const buffer& extensions) {
    cc::certificate_request cr;
    return cc::decode(view(cat({vec8({}), vec16(extensions)})), cr);
}

}  // namespace

TEST_CASE("TLS codec CertificateRequest: round trip and hand-made bytes") {
    const std::array<carapace::tls::signature_scheme, 2> schemes{carapace::tls::signature_scheme::ed25519,
                                                                 carapace::tls::signature_scheme::rsa_pss_rsae_sha256};
    const buffer context = {1, 2}, authorities = cat({vec16({0x30, 0}), vec16({0x30, 1, 0})});
    cc::certificate_request cr;
    cr.request_context = view(context);
    cr.signature_algorithms = schemes;
    cr.signature_algorithms_cert = schemes;
    cr.certificate_authorities = view(authorities);
    const buffer wire = encoded(cr);
    cc::certificate_request back;
    REQUIRE(cc::decode(view(wire), back) == error::none);
    CHECK(cc::same_request(back, cr));
    CHECK(encoded(back) == wire);

    const buffer hand = cat({vec8({}), vec16(cat({ext(0x7a7a, {}), ed25519_algorithms()}))});
    REQUIRE(cc::decode(view(hand), back) == error::none);
    CHECK(back.request_context.empty());
    CHECK(back.signature_algorithms.size() == 1);
    CHECK(back.signature_algorithms.contains(carapace::tls::signature_scheme::ed25519));
    CHECK(back.ignored_extensions == 1);
    CHECK(back.present.contains(extension_type::signature_algorithms));
}

TEST_CASE("TLS codec CertificateRequest: the table and the rules") {
    // signature_algorithms is required.
    CHECK(decode_cr({}) == error::missing_extension);
    CHECK(decode_cr(ext(0x7a7a, {})) == error::missing_extension);
    // Allowed here and not represented (status_request, SCTs, oid_filters): accepted.
    CHECK(decode_cr(cat({ed25519_algorithms(), ext(extension_type::status_request, {}),
                         ext(extension_type::oid_filters, vec16({}))})) == error::none);
    // Misplaced: illegal_parameter (accepted by the engine before this codec).
    CHECK(decode_cr(cat({ed25519_algorithms(), x25519_share()})) == error::illegal_parameter);
    CHECK(decode_cr(cat({ed25519_algorithms(), ext(extension_type::server_name, {})})) == error::illegal_parameter);
    CHECK(decode_cr(cat({ed25519_algorithms(), ed25519_algorithms()})) == error::illegal_parameter);
    CHECK(decode_cr(ext(extension_type::signature_algorithms, vec16({8}))) == error::decode_error);
    CHECK(decode_cr(cat({ed25519_algorithms(), ext(extension_type::certificate_authorities, vec16({0, 0}))})) ==
          error::decode_error);
}

// --- Certificate

namespace {

// The error only: the decoded views would point into a temporary.
error decode_cert(const buffer& entries, const cc::extension_set& offered = {}) {
    cc::certificate c;
    return cc::decode(view(cat({vec8({}), vec24(entries)})), c, offered);
}
buffer entry(const buffer& der, const buffer& extensions = {}) { return cat({vec24(der), vec16(extensions)}); }

}  // namespace

TEST_CASE("TLS codec Certificate: round trip, hand-made bytes, the chain") {
    const buffer leaf = {0x30, 3, 1, 2, 3}, ca = {0x30, 1, 9};
    const std::array<carapace::byte_view, 2> chain{view(leaf), view(ca)};
    cc::certificate c;
    c.entries = chain;
    const buffer wire = encoded(c);
    CHECK(wire == cat({vec8({}), vec24(cat({entry(leaf), entry(ca)}))}));
    cc::certificate back;
    REQUIRE(cc::decode(view(wire), back, {}) == error::none);
    CHECK(cc::same_certificate(back, c));
    CHECK(encoded(back) == wire);
    const auto list = cc::chain_of(back);
    REQUIRE(list.size == 2);
    CHECK(cc::same_bytes(list.view()[1], view(ca)));
    // An empty chain is valid syntax (the state machine decides, §4.4.2.4).
    const buffer empty = cat({vec8({}), vec24({})});
    REQUIRE(cc::decode(view(empty), back, {}) == error::none);
    CHECK(back.entries.empty());
}

TEST_CASE("TLS codec Certificate: entry extensions follow the table; chain length; framing") {
    const buffer der = {0x30, 0};
    const buffer ocsp = ext(extension_type::status_request, {1, 0, 0, 1, 0});
    // Offered status_request: accepted; not offered: unsupported_extension; misplaced: illegal_parameter.
    CHECK(decode_cert(entry(der, ocsp), {extension_type::status_request}) == error::none);
    CHECK(decode_cert(entry(der, ocsp)) == error::unsupported_extension);
    CHECK(decode_cert(entry(der, ext(0x1234, {}))) == error::unsupported_extension);
    CHECK(decode_cert(entry(der, x25519_share()), {extension_type::key_share}) == error::illegal_parameter);
    CHECK(decode_cert(entry(der, cat({ocsp, ocsp})), {extension_type::status_request}) == error::illegal_parameter);
    // Ten certificates are fine, eleven are refused.
    buffer ten;
    for (int i = 0; i < 10; ++i) ten = cat({ten, entry(der)});
    CHECK(decode_cert(ten) == error::none);
    CHECK(decode_cert(cat({ten, entry(der)})) == error::bad_certificate);
    // An empty certificate, a truncated entry, trailing bytes.
    CHECK(decode_cert(entry({})) == error::decode_error);
    CHECK(decode_cert(cat({vec24(der)})) == error::decode_error);
    cc::certificate c;
    CHECK(cc::decode(view(cat({vec8({}), vec24({}), u8(0)})), c, {}) == error::decode_error);
}

// --- CertificateVerify, Finished

TEST_CASE("TLS codec CertificateVerify: round trip; an empty signature is valid syntax") {
    const buffer signature = filled(64, 0xab);
    cc::certificate_verify cv{carapace::tls::signature_scheme::ed25519, view(signature)};
    const buffer wire = encoded(cv);
    CHECK(wire == cat({u16(0x0807), vec16(signature)}));
    cc::certificate_verify back;
    REQUIRE(cc::decode(view(wire), back) == error::none);
    CHECK(back == cv);
    // Empty: the verifier answers decrypt_error, not this decoder decode_error.
    REQUIRE(cc::decode(view(cat({u16(0x0807), vec16({})})), back) == error::none);
    CHECK(back.signature.empty());
    CHECK(cc::decode(view(cat({u16(0x0807), vec16({}), u8(0)})), back) == error::decode_error);
    CHECK(cc::decode(view(u16(0x0807)), back) == error::decode_error);
}

TEST_CASE("TLS codec CertificateVerify: the signed content (§4.4.3)") {
    const buffer hash = filled(32, 0xcd);
    std::array<std::uint8_t, cc::max_signed_content_size> out{};
    const std::size_t n = cc::signed_content(cc::signer_role::server, view(hash), out);
    REQUIRE(n == 64 + 33 + 1 + 32);
    for (std::size_t i = 0; i < 64; ++i) CHECK(out[i] == 0x20);
    const auto context = carapace::literal_bytes("TLS 1.3, server CertificateVerify");
    CHECK(cc::same_bytes(carapace::byte_view(out).subspan(64, 33), context));
    CHECK(out[97] == 0);
    CHECK(cc::same_bytes(carapace::byte_view(out).subspan(98, 32), view(hash)));
    CHECK(cc::signed_content(cc::signer_role::client, view(hash), out) == n);
    CHECK(out[64 + 9] == 'c');
    CHECK(cc::signed_content(cc::signer_role::client, view(filled(49, 0)), out) == 0);
}

TEST_CASE("TLS codec Finished: exactly the hash size") {
    const buffer verify = filled(48, 0x11);
    cc::finished f{view(verify)};
    cc::finished back;
    const buffer wire = encoded(f);
    REQUIRE(cc::decode(view(wire), back, 48) == error::none);
    CHECK(back == f);
    CHECK(cc::decode(view(verify), back, 32) == error::decode_error);
    CHECK(cc::decode(view(filled(31, 0)), back, 32) == error::decode_error);
    CHECK(cc::decode(view(filled(33, 0)), back, 32) == error::decode_error);
    // A length that could never fit a handshake buffer is judged by its length alone.
    CHECK_FALSE(cc::finished_length_ok(70000, 32));
}

// --- NewSessionTicket, KeyUpdate, EndOfEarlyData

namespace {

buffer ticket_body(std::uint32_t lifetime, const buffer& ticket, const buffer& extensions) {
    return cat({u32(lifetime), u32(0xa1a2a3a4), vec8({1, 2}), vec16(ticket), vec16(extensions)});
}
error decode_nst(const buffer& body) {
    cc::new_session_ticket t;
    return cc::decode(view(body), t);
}

}  // namespace

TEST_CASE("TLS codec NewSessionTicket: round trip, hand-made bytes, the rules") {
    const buffer nonce = {0}, ticket = filled(100, 0x5e);
    cc::new_session_ticket t;
    t.lifetime = 604800;
    t.age_add = 0x12345678;
    t.nonce = view(nonce);
    t.ticket = view(ticket);
    t.has_early_data = true;
    t.max_early_data_size = 16384;
    const buffer wire = encoded(t);
    cc::new_session_ticket back;
    REQUIRE(cc::decode(view(wire), back) == error::none);
    CHECK(back == t);
    CHECK(encoded(back) == wire);

    REQUIRE(cc::decode(view(ticket_body(3600, {7}, ext(0x4a4a, {1}))), back) == error::none);
    CHECK(back.lifetime == 3600);
    CHECK(back.age_add == 0xa1a2a3a4);
    CHECK(back.nonce.size() == 2);
    CHECK_FALSE(back.has_early_data);
    CHECK(back.ignored_extensions == 1);
    // Seven days at most; a non-empty ticket; early_data carries exactly a u32.
    CHECK(decode_nst(ticket_body(604801, {7}, {})) == error::illegal_parameter);
    CHECK(decode_nst(ticket_body(60, {}, {})) == error::decode_error);
    CHECK(decode_nst(ticket_body(60, {7}, ext(extension_type::early_data, u24(1)))) == error::decode_error);
    CHECK(decode_nst(ticket_body(60, {7}, ext(extension_type::early_data, u32(1)))) == error::none);
    // The table: misplaced and repeated extensions (accepted by the engine before this codec).
    CHECK(decode_nst(ticket_body(60, {7}, x25519_share())) == error::illegal_parameter);
    CHECK(decode_nst(ticket_body(60, {7}, ext(extension_type::status_request, {}))) == error::illegal_parameter);
    CHECK(decode_nst(ticket_body(60, {7}, cat({ext(0x4a4a, {}), ext(0x4a4a, {})}))) == error::illegal_parameter);
    CHECK(decode_nst(cat({ticket_body(60, {7}, {}), u8(0)})) == error::decode_error);
}

TEST_CASE("TLS codec KeyUpdate and EndOfEarlyData") {
    cc::key_update k{true};
    cc::key_update back;
    CHECK(encoded(k) == buffer{1});
    REQUIRE(cc::decode(view(encoded(k)), back) == error::none);
    CHECK(back.update_requested);
    REQUIRE(cc::decode(view(buffer{0}), back) == error::none);
    CHECK_FALSE(back.update_requested);
    CHECK(cc::decode(view(buffer{2}), back) == error::illegal_parameter);
    CHECK(cc::decode(view(buffer{}), back) == error::decode_error);
    CHECK(cc::decode(view(buffer{0, 0}), back) == error::decode_error);

    cc::end_of_early_data e;
    CHECK(encoded(e).empty());
    CHECK(cc::decode(view(buffer{}), e) == error::none);
    CHECK(cc::decode(view(buffer{0}), e) == error::decode_error);
}

TEST_CASE("TLS codec: encode_message writes the handshake header") {
    buffer out(16);
    carapace::tls::detail::writer w(out);
    cc::encode_message(w, cc::key_update{true});
    REQUIRE(w.ok());
    CHECK(buffer(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(w.size())) == buffer{24, 0, 0, 1, 1});
    carapace::tls::detail::writer tiny(carapace::byte_span(out).first(3));
    cc::encode_message(tiny, cc::key_update{});
    CHECK_FALSE(tiny.ok());
}

TEST_CASE("TLS codec: repeats among many extensions, found without the server's bitmap in what a client reads") {
    // A NewSessionTicket with 200 unrecognized extensions (ignored, §4.6.1): accepted, and one
    // repeat among them is illegal_parameter, through the memory-free pairwise walk.
    buffer many;
    for (std::uint32_t i = 0; i < 200; ++i) many = cat({many, u16(0x3000 + i), vec16({})});
    const buffer head = cat({u32(60), u32(1), vec8({0}), vec16({1, 2, 3})});
    cc::new_session_ticket t;
    CHECK(cc::decode(view(cat({head, vec16(many)})), t) == error::none);
    CHECK(t.ignored_extensions == 200);
    const buffer repeated = cat({many, u16(0x3000 + 150), vec16({})});
    CHECK(cc::decode(view(cat({head, vec16(repeated)})), t) == error::illegal_parameter);
    CHECK(cc::has_repeated_id<cc::repeat_check::pairwise>(view(repeated), 201));
    CHECK(cc::has_repeated_id<cc::repeat_check::bitmap>(view(repeated), 201));
    CHECK_FALSE(cc::has_repeated_id<cc::repeat_check::pairwise>(view(many), 200));
    CHECK_FALSE(cc::has_repeated_id<cc::repeat_check::bitmap>(view(many), 200));
    // In a response every extension must answer one we offered, so a repeat is found among the
    // recognized types: an EncryptedExtensions naming server_name twice.
    CHECK(decode_ee(cat({ext(extension_type::server_name, {}), ext(extension_type::server_name, {})})) ==
          error::illegal_parameter);
}
