// Raw public keys (RFC 7250) in the TLS 1.3 engine: the certificate type extensions' codec with
// malformed lists, the choices each role makes, and in-memory handshakes where the server, the
// client or both authenticate with a bare SubjectPublicKeyInfo checked against a pin (Ed25519 and
// ECDSA P-256), with the refusals: a pin that does not match, no common type.
#include <doctest/doctest.h>

#include "carapace/tls/raw_public_keys.hpp"
#include "support/tls_session.hpp"

using namespace carapace;
using namespace test_support;

namespace {

// The leaf's DER SubjectPublicKeyInfo: what a raw-public-key peer sends and what a pin names.
byte_view rpk_spki_of(const std::vector<byte_view>& chain) {
    const auto leaf = x509::parse_certificate(chain.at(0));
    REQUIRE(leaf);
    return leaf->public_key.encoded;
}

template <class Session>
void rpk_run(Session& s) {
    s.handshake();
}

}  // namespace

TEST_CASE("TLS raw public keys: certificate type extensions in ClientHello and EncryptedExtensions") {
    namespace codec = tls::detail::codec;
    const std::uint8_t both[] = {2, 0};
    codec::client_hello ch;
    const std::uint8_t random[32] = {1};
    ch.random = random;
    const tls::cipher_suite suites[] = {tls::cipher_suite::aes_128_gcm_sha256};
    ch.cipher_suites = suites;
    ch.client_certificate_types = byte_view(both).first(1);
    ch.server_certificate_types = both;
    byte_vector wire(512);
    tls::detail::writer w(wire);
    encode(w, ch);
    REQUIRE(w.ok());
    codec::client_hello back;
    REQUIRE(decode(byte_view(wire).first(w.size()), back) == tls::error::none);
    CHECK(codec::same_hello(ch, back));
    CHECK(back.present.contains(tls::extension_type::client_certificate_type));
    CHECK(codec::offered_extensions(ch).contains(tls::extension_type::server_certificate_type));

    // The list: CertificateType<1..2^8-1>, its length exact.
    byte_view types;
    const std::uint8_t good[] = {3, 2, 0x7f, 0};
    CHECK(codec::decode_certificate_type_list(good, types) == tls::error::none);
    CHECK(types.size() == 3);
    const std::uint8_t zero_length[] = {0};
    CHECK(codec::decode_certificate_type_list(zero_length, types) == tls::error::decode_error);
    const std::uint8_t truncated[] = {3, 2, 0};
    CHECK(codec::decode_certificate_type_list(truncated, types) == tls::error::decode_error);
    const std::uint8_t trailing[] = {1, 2, 0};
    CHECK(codec::decode_certificate_type_list(trailing, types) == tls::error::decode_error);
    CHECK(codec::decode_certificate_type_list({}, types) == tls::error::decode_error);

    // Unknown types are passed over: the first known usable one is chosen.
    tls::server_config sc;
    const byte_view chain[1] = {byte_view(good)};
    sc.raw_public_key = byte_view(good);
    const std::uint8_t unknown_first[] = {0x7f, 1, 2};
    tls::certificate_type chosen{};
    CHECK(tls::detail::choose_server_certificate_type(sc, true, unknown_first, chosen) == tls::error::none);
    CHECK(chosen == tls::certificate_type::raw_public_key);
    const std::uint8_t only_unknown[] = {0x7f, 1};
    CHECK(tls::detail::choose_server_certificate_type(sc, true, only_unknown, chosen) ==
          tls::error::unsupported_certificate);
    // Without the extension: X.509, which this server does not hold.
    CHECK(tls::detail::choose_server_certificate_type(sc, false, {}, chosen) == tls::error::unsupported_certificate);
    sc.certificate_chain = chain;
    CHECK(tls::detail::choose_server_certificate_type(sc, false, {}, chosen) == tls::error::none);
    CHECK(chosen == tls::certificate_type::x509);
    // The client's type: only one the server takes (by default X.509 only).
    const std::uint8_t rpk_only[] = {2};
    CHECK_FALSE(tls::detail::choose_client_certificate_type(sc, rpk_only));
    sc.peer_certificate_types = tls::raw_public_key_only;
    CHECK(tls::detail::choose_client_certificate_type(sc, rpk_only) == tls::certificate_type::raw_public_key);

    // EncryptedExtensions: exactly one type byte, only in answer to an offer.
    codec::encrypted_extensions ee;
    ee.server_certificate_type = 2;
    ee.client_certificate_type = 0;
    byte_vector ee_wire(64);
    tls::detail::writer ew(ee_wire);
    encode(ew, ee);
    REQUIRE(ew.ok());
    const codec::extension_set offered{tls::extension_type::server_certificate_type,
                                       tls::extension_type::client_certificate_type};
    codec::encrypted_extensions ee_back;
    REQUIRE(decode(byte_view(ee_wire).first(ew.size()), ee_back, offered) == tls::error::none);
    CHECK(codec::same_extensions(ee, ee_back));
    CHECK(decode(byte_view(ee_wire).first(ew.size()), ee_back, codec::extension_set{}) ==
          tls::error::unsupported_extension);
    const std::uint8_t two_bytes[] = {0, 6, 0, 20, 0, 2, 2, 0};
    CHECK(decode(two_bytes, ee_back, offered) == tls::error::decode_error);
    const std::uint8_t empty_choice[] = {0, 4, 0, 20, 0, 0};
    CHECK(decode(empty_choice, ee_back, offered) == tls::error::decode_error);

    // The client's check of an answer: one it offered, else illegal_parameter; none means X.509.
    tls::certificate_type t{};
    CHECK(tls::detail::check_certificate_type_answer(std::uint8_t{2}, rpk_only, t) == tls::error::none);
    CHECK(t == tls::certificate_type::raw_public_key);
    CHECK(tls::detail::check_certificate_type_answer(std::uint8_t{0}, rpk_only, t) == tls::error::illegal_parameter);
    CHECK(tls::detail::check_certificate_type_answer(std::uint8_t{0x7f}, both, t) == tls::error::illegal_parameter);
    CHECK(tls::detail::check_certificate_type_answer(std::nullopt, rpk_only, t) == tls::error::none);
    CHECK(t == tls::certificate_type::x509);
}

TEST_CASE("TLS raw public keys: the server authenticates with a pinned raw public key") {
    // Pinned by the whole SPKI, then by its SHA-256.
    for (const bool by_hash : {false, true}) {
        CAPTURE(by_hash);
        setup t;
        const byte_view spki = rpk_spki_of(t.server_id.views);
        const auto digest = sha256::hash(spki);
        tls::raw_public_key_verifier whole(spki), hashed{std::span<const std::uint8_t, 32>(digest)};
        t.server_config.certificate_chain = {};
        t.server_config.raw_public_key = spki;
        t.client_config.verifier = by_hash ? &hashed : &whole;
        t.client_config.peer_certificate_types = tls::raw_public_key_only;
        session s(t.client_config, t.server_config);
        rpk_run(s);
        check_connected_and_talking(s);
    }
}

TEST_CASE("TLS raw public keys: ECDSA P-256 server key") {
    setup t;
    ecdsa_identity server("ec/server_p256");
    REQUIRE(server.signer != nullptr);
    const byte_view spki = rpk_spki_of(server.views);
    tls::raw_public_key_verifier pinned(spki);
    t.server_config.certificate_chain = {};
    t.server_config.raw_public_key = spki;
    t.server_config.signer = server.signer;
    t.client_config.verifier = &pinned;
    t.client_config.peer_certificate_types = tls::raw_public_key_only;
    session s(t.client_config, t.server_config);
    rpk_run(s);
    check_connected_and_talking(s);
}

TEST_CASE("TLS raw public keys: client authentication, alone and with a raw-key server") {
    for (const bool raw_server : {false, true}) {
        CAPTURE(raw_server);
        setup t;
        const byte_view client_spki = rpk_spki_of(t.client_id.views);
        const byte_view server_spki = rpk_spki_of(t.server_id.views);
        tls::raw_public_key_verifier client_pin(client_spki), server_pin(server_spki);
        t.server_config.require_client_certificate = true;
        t.server_config.peer_certificate_types = tls::raw_public_key_only;
        t.server_config.verifier = &client_pin;
        t.client_config.raw_public_key = client_spki;
        t.client_config.signer = t.client_id.signer.get();
        if (raw_server) {
            // Both ends with raw keys.
            t.server_config.certificate_chain = {};
            t.server_config.raw_public_key = server_spki;
            t.client_config.verifier = &server_pin;
            t.client_config.peer_certificate_types = tls::raw_public_key_only;
        }
        // Otherwise mixed: an X.509 server, a raw-key client.
        session s(t.client_config, t.server_config);
        rpk_run(s);
        CHECK(s.server.client_authenticated());
        check_connected_and_talking(s);
    }
}

TEST_CASE("TLS raw public keys: refusals") {
    {
        // A key that is not the pinned one: bad_certificate.
        setup t;
        tls::raw_public_key_verifier wrong(rpk_spki_of(t.client_id.views));
        t.server_config.raw_public_key = rpk_spki_of(t.server_id.views);
        t.client_config.verifier = &wrong;
        t.client_config.peer_certificate_types = tls::raw_public_key_only;
        session s(t.client_config, t.server_config);
        rpk_run(s);
        CHECK(s.client_log.last_fatal.failure == tls::error::bad_certificate);
        CHECK(s.server_log.last_fatal.alert == tls::alert_description::bad_certificate);
    }
    {
        // The client takes raw keys only; the server has none: unsupported_certificate (RFC 7250 §4.3).
        setup t;
        tls::raw_public_key_verifier pinned(rpk_spki_of(t.server_id.views));
        t.client_config.verifier = &pinned;
        t.client_config.peer_certificate_types = tls::raw_public_key_only;
        session s(t.client_config, t.server_config);
        rpk_run(s);
        CHECK(s.server_log.last_fatal.failure == tls::error::unsupported_certificate);
        CHECK(s.client_log.last_fatal.alert == tls::alert_description::unsupported_certificate);
    }
    {
        // A client raw key offered to a server that takes X.509 only: the type is not answered
        // (RFC 7250 §4.3), the client has no chain to send, and a required certificate fails.
        setup t;
        t.server_config.require_client_certificate = true;
        t.client_config.raw_public_key = rpk_spki_of(t.client_id.views);
        t.client_config.signer = t.client_id.signer.get();
        session s(t.client_config, t.server_config);
        rpk_run(s);
        CHECK(s.server_log.last_fatal.failure == tls::error::certificate_required);
    }
    {
        // A server that takes raw keys from clients; the client has none to offer: the type is
        // not asked for and an empty Certificate fails a required authentication.
        setup t;
        t.server_config.require_client_certificate = true;
        t.server_config.peer_certificate_types = tls::raw_public_key_only;
        session s(t.client_config, t.server_config);
        rpk_run(s);
        CHECK(s.server_log.last_fatal.failure == tls::error::certificate_required);
    }
}
