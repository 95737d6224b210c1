// The server's choices (negotiation.hpp) on decoded ClientHellos, without an engine: each
// function's choice in the cases that matter and each error it answers.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "carapace/tls/detail/negotiation.hpp"
#include "support/tls_codec_bytes.hpp"

using namespace codec_bytes;
using carapace::tls::cipher_suite;
using carapace::tls::error;
using carapace::tls::extension_type;
using carapace::tls::named_group;
using carapace::tls::signature_scheme;
namespace neg = carapace::tls::detail;

namespace {

// A group implementation that is never asked to compute anything here.
class named_only_exchange final : public carapace::tls::key_exchange {
public:
    explicit named_only_exchange(named_group g) : group_(g) {}
    named_group group() const noexcept override { return group_; }
    std::size_t share_size() const noexcept override { return 32; }
    carapace::errc generate(carapace::tls::random_source&, std::span<std::uint8_t, carapace::tls::max_key_exchange_state>,
                            carapace::byte_span) noexcept override {
        return carapace::errc::ok;
    }
    std::size_t finish(std::span<const std::uint8_t, carapace::tls::max_key_exchange_state>, carapace::byte_view,
                       std::span<std::uint8_t, carapace::tls::max_shared_secret_size>) noexcept override {
        return 0;
    }
    std::size_t respond(carapace::tls::random_source&, carapace::byte_view, carapace::byte_span,
                        std::span<std::uint8_t, carapace::tls::max_shared_secret_size>) noexcept override {
        return 0;
    }

private:
    named_group group_;
};

// A decoded hello that owns its bytes.
struct hello {
    buffer body;
    cc::client_hello ch;
    error decoded = error::none;
    explicit hello(buffer b, std::uint16_t legacy_version = 0x0303)
        : body(client_hello_body(b, legacy_version)), decoded(cc::decode(view(body), ch)) {}
};

buffer groups_ext(std::initializer_list<std::uint16_t> groups) {
    buffer list;
    for (auto g : groups) list = cat({list, u16(g)});
    return ext(extension_type::supported_groups, vec16(list));
}
buffer shares_ext(std::initializer_list<std::uint16_t> groups) {
    buffer list;
    for (auto g : groups) list = cat({list, u16(g), vec16(filled(32, static_cast<std::uint8_t>(g)))});
    return ext(extension_type::key_share, vec16(list));
}

named_only_exchange x25519_kx{named_group::x25519}, p256_kx{named_group::secp256r1};
std::array<carapace::tls::key_exchange*, 2> implementations{&x25519_kx, &p256_kx};
constexpr std::array<named_group, 2> x25519_first{named_group::x25519, named_group::secp256r1};
constexpr std::array<named_group, 2> p256_first{named_group::secp256r1, named_group::x25519};

}  // namespace

TEST_CASE("TLS negotiation: version (§4.2.1, D.5)") {
    CHECK(neg::check_version(hello(minimal_extensions()).ch) == error::none);
    CHECK(neg::check_version(hello(x25519_groups()).ch) == error::protocol_version);
    CHECK(neg::check_version(hello(ext(extension_type::supported_versions, vec8(u16(0x0303)))).ch) ==
          error::protocol_version);
    CHECK(neg::check_version(hello(ext(extension_type::supported_versions, vec8(cat({u16(0x7f1c), u16(0x0304)})))).ch) ==
          error::none);
    // legacy_version 0x0300 is refused already by the decoder, and by check_version on its own.
    hello ssl3(minimal_extensions(), 0x0300);
    CHECK(ssl3.decoded == error::protocol_version);
    hello forged(minimal_extensions());
    forged.ch.legacy_version = 0x0300;
    CHECK(neg::check_version(forged.ch) == error::protocol_version);
}

TEST_CASE("TLS negotiation: cipher suite, ours in our order") {
    const hello h(minimal_extensions());  // offers 0x1301, 0x1303
    carapace::tls::suite_info suite{};
    const std::array<cipher_suite, 2> chacha_first{cipher_suite::chacha20_poly1305_sha256, cipher_suite::aes_128_gcm_sha256};
    REQUIRE(neg::choose_cipher_suite(h.ch, chacha_first, suite) == error::none);
    CHECK(suite.id == cipher_suite::chacha20_poly1305_sha256);
    const std::array<cipher_suite, 2> aes_first{cipher_suite::aes_256_gcm_sha384, cipher_suite::aes_128_gcm_sha256};
    REQUIRE(neg::choose_cipher_suite(h.ch, aes_first, suite) == error::none);
    CHECK(suite.id == cipher_suite::aes_128_gcm_sha256);
    const std::array<cipher_suite, 1> none{cipher_suite::aes_256_gcm_sha384};
    CHECK(neg::choose_cipher_suite(h.ch, none, suite) == error::handshake_failure);
}

TEST_CASE("TLS negotiation: signature scheme") {
    const std::array<signature_scheme, 2> ours{signature_scheme::ecdsa_secp256r1_sha256, signature_scheme::ed25519};
    signature_scheme s{};
    REQUIRE(neg::choose_signature_scheme(hello(minimal_extensions()).ch, ours, s) == error::none);
    CHECK(s == signature_scheme::ed25519);
    CHECK(neg::choose_signature_scheme(hello(cat({x25519_groups(), x25519_share(), tls13_versions()})).ch, ours, s) ==
          error::missing_extension);
    const std::array<signature_scheme, 1> rsa{signature_scheme::rsa_pss_rsae_sha256};
    CHECK(neg::choose_signature_scheme(hello(minimal_extensions()).ch, rsa, s) == error::handshake_failure);
    // §4.2.3: rsa_pkcs1_* never sign a CertificateVerify, even when a signer and the client list
    // them (as TLS 1.2 clients do): the RSA-PSS scheme both list is taken, or none.
    const auto algorithms = [](std::initializer_list<std::uint16_t> schemes) {
        buffer list;
        for (const auto v : schemes) list = cat({list, u16(v)});
        return cat({x25519_groups(), x25519_share(), tls13_versions(),
                    ext(extension_type::signature_algorithms, vec16(list))});
    };
    const std::array<signature_scheme, 3> pkcs1_first{signature_scheme::rsa_pkcs1_sha256, signature_scheme::rsa_pkcs1_sha1,
                                                      signature_scheme::rsa_pss_rsae_sha384};
    REQUIRE(neg::choose_signature_scheme(hello(algorithms({0x0401, 0x0201, 0x0805})).ch, pkcs1_first, s) == error::none);
    CHECK(s == signature_scheme::rsa_pss_rsae_sha384);
    CHECK(neg::choose_signature_scheme(hello(algorithms({0x0401, 0x0501, 0x0601, 0x0201})).ch, pkcs1_first, s) ==
          error::handshake_failure);
    const std::array<signature_scheme, 6> pss{
        signature_scheme::rsa_pss_pss_sha256,  signature_scheme::rsa_pss_pss_sha384,  signature_scheme::rsa_pss_pss_sha512,
        signature_scheme::rsa_pss_rsae_sha256, signature_scheme::rsa_pss_rsae_sha384, signature_scheme::rsa_pss_rsae_sha512};
    REQUIRE(neg::choose_signature_scheme(hello(algorithms({0x0806, 0x080a})).ch, pss, s) == error::none);
    CHECK(s == signature_scheme::rsa_pss_pss_sha384);
    // Which schemes a CertificateVerify may use at all.
    for (const auto scheme : {signature_scheme::rsa_pkcs1_sha256, signature_scheme::rsa_pkcs1_sha384,
                              signature_scheme::rsa_pkcs1_sha512, signature_scheme::rsa_pkcs1_sha1,
                              signature_scheme::ecdsa_sha1, static_cast<signature_scheme>(0x0402)})
        CHECK_FALSE(carapace::tls::certificate_verify_scheme(scheme));
    for (const auto scheme : pss) CHECK(carapace::tls::certificate_verify_scheme(scheme));
    CHECK(carapace::tls::certificate_verify_scheme(signature_scheme::ed25519));
    CHECK(carapace::tls::certificate_verify_scheme(signature_scheme::ecdsa_secp256r1_sha256));
}

TEST_CASE("TLS negotiation: group and key share") {
    neg::group_choice c;
    neg::group_policy policy{x25519_first, implementations, false};
    // A share of our preferred group.
    hello both(cat({groups_ext({0x17, 0x1d}), shares_ext({0x17, 0x1d}), tls13_versions()}));
    REQUIRE(neg::choose_group(both.ch, policy, c) == error::none);
    CHECK(c.group == named_group::x25519);
    CHECK(c.exchange == &x25519_kx);
    CHECK(c.client_share.size() == 32);
    CHECK(c.client_share[0] == 0x1d);
    CHECK_FALSE(c.hello_retry);
    // Only a share of an acceptable but less preferred group: taken, unless we insist.
    hello p256_only(cat({groups_ext({0x1d, 0x17}), shares_ext({0x17}), tls13_versions()}));
    REQUIRE(neg::choose_group(p256_only.ch, policy, c) == error::none);
    CHECK(c.group == named_group::secp256r1);
    CHECK_FALSE(c.hello_retry);
    policy.insist_on_preferred = true;
    REQUIRE(neg::choose_group(p256_only.ch, policy, c) == error::none);
    CHECK(c.group == named_group::x25519);
    CHECK(c.hello_retry);
    CHECK(c.client_share.empty());
    policy.insist_on_preferred = false;
    // No share we can use: HelloRetryRequest for our favourite among the client's groups.
    hello unknown_share(cat({groups_ext({0x1d, 0x4444}), shares_ext({0x4444}), tls13_versions()}));
    REQUIRE(neg::choose_group(unknown_share.ch, neg::group_policy{p256_first, implementations, false}, c) ==
            error::none);
    CHECK(c.hello_retry);
    CHECK(c.group == named_group::x25519);
    // Nothing in common; an implementation missing for a preferred group.
    hello foreign(cat({groups_ext({0x4444}), shares_ext({0x4444}), tls13_versions()}));
    CHECK(neg::choose_group(foreign.ch, policy, c) == error::handshake_failure);
    REQUIRE(neg::choose_group(p256_only.ch, neg::group_policy{x25519_first, std::span(implementations).last(1), false},
                              c) == error::none);
    CHECK(c.group == named_group::secp256r1);
    // Both extensions required; every share's group listed.
    CHECK(neg::choose_group(hello(cat({groups_ext({0x1d}), tls13_versions()})).ch, policy, c) ==
          error::missing_extension);
    CHECK(neg::choose_group(hello(cat({shares_ext({0x1d}), tls13_versions()})).ch, policy, c) ==
          error::missing_extension);
    CHECK(neg::choose_group(hello(cat({groups_ext({0x17}), shares_ext({0x17, 0x1d}), tls13_versions()})).ch, policy,
                            c) == error::illegal_parameter);
    // A group twice never gets this far: the decoder refuses it.
    CHECK(hello(cat({groups_ext({0x1d}), shares_ext({0x1d, 0x1d}), tls13_versions()})).decoded ==
          error::illegal_parameter);
}

TEST_CASE("TLS negotiation: many groups and shares stay correct on the bitmap path") {
    buffer groups, shares;
    for (std::uint32_t g = 0; g < 200; ++g) {
        groups = cat({groups, u16(0x5000 + g)});
        shares = cat({shares, u16(0x5000 + g), vec16({1})});
    }
    const neg::group_policy policy{x25519_first, implementations, false};
    neg::group_choice c;
    hello listed(cat({ext(extension_type::supported_groups, vec16(cat({groups, u16(0x1d)}))),
                      ext(extension_type::key_share, vec16(cat({shares, u16(0x1d), vec16(filled(32, 9))}))),
                      tls13_versions()}));
    REQUIRE(listed.decoded == error::none);
    REQUIRE(neg::choose_group(listed.ch, policy, c) == error::none);
    CHECK(c.group == named_group::x25519);
    CHECK(c.client_share[0] == 9);
    hello unlisted(cat({ext(extension_type::supported_groups, vec16(cat({groups, u16(0x1d)}))),
                        ext(extension_type::key_share, vec16(cat({shares, u16(0x17), vec16({1})}))), tls13_versions()}));
    REQUIRE(unlisted.decoded == error::none);
    CHECK(neg::choose_group(unlisted.ch, policy, c) == error::illegal_parameter);
}

TEST_CASE("TLS negotiation: the second ClientHello after a HelloRetryRequest") {
    const neg::group_policy policy{x25519_first, implementations, false};
    neg::group_choice c;
    hello good(cat({groups_ext({0x1d, 0x17}), shares_ext({0x1d}), tls13_versions()}));
    REQUIRE(neg::choose_group_after_retry(good.ch, policy, named_group::x25519, c) == error::none);
    CHECK(c.group == named_group::x25519);
    CHECK(c.client_share.size() == 32);
    CHECK(neg::choose_group_after_retry(good.ch, policy, named_group::secp256r1, c) == error::illegal_parameter);
    hello two(cat({groups_ext({0x1d, 0x17}), shares_ext({0x1d, 0x17}), tls13_versions()}));
    CHECK(neg::choose_group_after_retry(two.ch, policy, named_group::x25519, c) == error::illegal_parameter);
    hello none(cat({groups_ext({0x1d, 0x17}), shares_ext({}), tls13_versions()}));
    CHECK(neg::choose_group_after_retry(none.ch, policy, named_group::x25519, c) == error::illegal_parameter);
    // The cookie comes back unchanged.
    const buffer cookie = {1, 2, 3};
    hello with_cookie(cat({groups_ext({0x1d}), shares_ext({0x1d}), tls13_versions(), ext(extension_type::cookie, vec16(cookie))}));
    CHECK(neg::check_retry_cookie(with_cookie.ch, view(cookie)) == error::none);
    CHECK(neg::check_retry_cookie(good.ch, view(cookie)) == error::illegal_parameter);
    CHECK(neg::check_retry_cookie(good.ch, {}) == error::none);
    const buffer other = {1, 2, 4};
    CHECK(neg::check_retry_cookie(with_cookie.ch, view(other)) == error::illegal_parameter);
}

TEST_CASE("TLS negotiation: ALPN (RFC 7301 §3.2)") {
    const buffer offer = ext(extension_type::application_layer_protocol_negotiation,
                             vec16(cat({vec8({'h', 't', 't', 'p', '/', '1', '.', '1'}), vec8({'h', '2'})})));
    hello h(cat({minimal_extensions(), offer}));
    carapace::byte_view selected;
    const std::array<std::string_view, 2> ours{"h2", "http/1.1"};
    REQUIRE(neg::choose_alpn(h.ch, ours, selected) == error::none);
    CHECK(cc::bytes_text(selected) == "h2");
    const std::array<std::string_view, 1> smtp{"smtp"};
    CHECK(neg::choose_alpn(h.ch, smtp, selected) == error::no_application_protocol);
    CHECK(neg::choose_alpn(h.ch, {}, selected) == error::none);
    CHECK(selected.empty());
    CHECK(neg::choose_alpn(hello(minimal_extensions()).ch, ours, selected) == error::none);
    CHECK(selected.empty());
}

TEST_CASE("TLS negotiation: pre_shared_key needs psk_key_exchange_modes (§4.2.9)") {
    const buffer psk = ext(extension_type::pre_shared_key,
                           cat({vec16(cat({vec16({1, 2, 3}), u32(0)})), vec16(vec8(filled(32, 0)))}));
    hello without(cat({minimal_extensions(), psk}));
    REQUIRE(without.decoded == error::none);
    CHECK(neg::check_psk_modes(without.ch) == error::missing_extension);
    hello with(cat({minimal_extensions(), ext(extension_type::psk_key_exchange_modes, vec8({1})), psk}));
    CHECK(neg::check_psk_modes(with.ch) == error::none);
    CHECK(neg::check_psk_modes(hello(minimal_extensions()).ch) == error::none);
}
