// Revocation and pinning: CRLs (RFC 5280 §5, §6.3), OCSP responses (RFC 6960) and SPKI pins
// (RFC 7469) against the fixtures of tests/x509/make_revocation_fixtures.sh, one per outcome,
// with the times and the pins openssl computed (revocation.json). Plus truncated and altered
// inputs, and a count of heap allocations (there must be none).
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "carapace/x509/crl.hpp"
#include "carapace/x509/ocsp.hpp"
#include "carapace/x509/pins.hpp"
#include "carapace/x509/verify.hpp"
#include "support/allocations.hpp"
#include "support/vectors.hpp"

namespace revocation_tests {

using namespace carapace;
using test_support::byte_vector;
using enum x509::revocation_status;
using enum x509::revocation_detail;

// A fixture file: the first PEM block of a .pem, the bytes of a .der.
byte_vector load(const std::string& file) {
    const std::string text = test_support::read_vector_file("x509/revocation/" + file);
    REQUIRE_MESSAGE(!text.empty(), file);
    if (file.ends_with(".der")) return byte_vector(text.begin(), text.end());
    byte_vector der_bytes(text.size());
    pem::reader r(text);
    auto block = r.next();
    REQUIRE(block.ok());
    auto n = pem::decode(*block, der_bytes);
    REQUIRE(n.ok());
    der_bytes.resize(*n);
    return der_bytes;
}

x509::certificate parse(const byte_vector& der_bytes) {
    auto c = x509::parse_certificate(der_bytes);
    REQUIRE(c.ok());
    return *c;
}

x509::crl parse_list(const byte_vector& der_bytes) {
    auto c = x509::parse_crl(der_bytes);
    REQUIRE(c.ok());
    return *c;
}

struct pki {
    test_json::value times = test_support::load_vectors("x509/revocation/revocation.json");
    std::int64_t now = times["now"].integer(), stale = times["stale"].integer(), before = times["before"].integer();
    byte_vector root_der = load("root.pem"), ca_der = load("ca.pem"), leaf_der = load("leaf.pem"),
                revoked_der = load("revoked_leaf.pem"), other_der = load("other_leaf.pem"),
                crl_signer_der = load("crl_signer.pem"), crl_signer_no_crlsign_der = load("crl_signer_no_crlsign.pem");
    x509::certificate root = parse(root_der), ca = parse(ca_der), leaf = parse(leaf_der), revoked_leaf = parse(revoked_der),
                      other_leaf = parse(other_der), crl_signer = parse(crl_signer_der),
                      crl_signer_no_crlsign = parse(crl_signer_no_crlsign_der);

    x509::revocation_options at(std::int64_t time, x509::revocation_scope scope = x509::revocation_scope::leaf) const {
        x509::revocation_options o;
        o.time = time;
        o.scope = scope;
        return o;
    }

    // The path verify_chain validates for `leaf_bytes` under the root, with the CA beside it.
    x509::verified_path path_of(const byte_vector& leaf_bytes) const {
        x509::trust_store<1> roots;
        REQUIRE(roots.add(root_der) == errc::ok);
        x509::verify_options options;
        options.time = now;
        options.host = "www.example.com";
        const std::vector<byte_view> intermediates{ca_der};
        x509::verified_path path;
        REQUIRE(x509::verify_chain(leaf_bytes, intermediates, roots, options, &path) == x509::verify_error::ok);
        return path;
    }
};

// The CA's CRL (written by make_revocation_fixtures.sh), parsed at compile time: the parser is
// constexpr too.
constexpr std::string_view embedded_crl_hex =
#include "vectors/x509/revocation/crl_der.inc"
    ;
constexpr auto embedded_crl = [] {
    std::array<std::uint8_t, embedded_crl_hex.size() / 2> der_bytes{};
    if (hex::decode(embedded_crl_hex, der_bytes) != errc::ok) test_support::constant_evaluation_failed();
    return der_bytes;
}();
constexpr auto embedded_list = [] {
    auto list = x509::parse_crl(embedded_crl);
    if (!list) test_support::constant_evaluation_failed();
    return list;
}();
static_assert(embedded_list->version == 2 && embedded_list->revoked_count == 1 && embedded_list->has_next_update);
static_assert(embedded_list->next_update - embedded_list->this_update == 30 * 86400);
static_assert([] {
    x509::crl_entry entry;
    constexpr std::uint8_t serial[] = {0x10, 0x02};
    return x509::find_revoked(*embedded_list, serial, entry) && entry.reason == x509::crl_reason::key_compromise;
}());

constexpr x509::revocation_result good_result{good, none}, revoked_result{revoked, none};
constexpr x509::revocation_result unknown_because(x509::revocation_detail d) { return {unknown, d}; }

TEST_CASE_FIXTURE(pki, "CRL: what openssl ca -gencrl wrote, parsed") {
    REQUIRE(times["now"].integer() != 0);
    const byte_vector der_bytes = load("crl.der");
    CHECK(load("crl.pem") == der_bytes);
    CHECK(byte_vector(embedded_crl.begin(), embedded_crl.end()) == der_bytes);
    const x509::crl list = parse_list(der_bytes);
    CHECK(list.version == 2);
    CHECK(list.signed_with == x509::signature_algorithm::ed25519);
    CHECK(der::equal(list.issuer, ca.subject));
    CHECK(list.this_update == now - 3600);
    CHECK(list.has_next_update);
    CHECK(list.next_update == now - 3600 + 30 * 86400);
    CHECK(list.revoked_count == 1);
    CHECK(der::equal(list.authority_key_id, ca.subject_key_id));
    CHECK(list.crl_number.size() == 1);
    CHECK(!list.has_unknown_critical_extension);
    x509::crl_entry entry;
    REQUIRE(x509::find_revoked(list, revoked_leaf.serial, entry));
    CHECK(entry.has_reason);
    CHECK(entry.reason == x509::crl_reason::key_compromise);
    CHECK(entry.revocation_date == now - 3600 - 86400);
    CHECK(!x509::find_revoked(list, leaf.serial, entry));

    const x509::crl empty = parse_list(load("crl_root.pem"));
    CHECK(empty.revoked_count == 0);
    CHECK(empty.revoked.empty());
}

TEST_CASE_FIXTURE(pki, "CRL: one fixture per outcome") {
    const byte_vector crl_der = load("crl.der");
    const x509::crl list = parse_list(crl_der);
    const std::span<const x509::crl> lists(&list, 1);
    CHECK(x509::crl_status(leaf, ca, lists, {}, at(now)) == good_result);
    CHECK(x509::crl_status(revoked_leaf, ca, lists, {}, at(now)) == revoked_result);
    // The CA's CRL says nothing about the CA's own certificate (the root issued it).
    CHECK(x509::crl_status(ca, root, lists, {}, at(now)) == unknown_because(no_information));
    CHECK(x509::crl_status(leaf, ca, {}, {}, at(now)) == unknown_because(no_information));
    // Stale after nextUpdate (and right at it still fresh), not yet valid before thisUpdate.
    CHECK(x509::crl_status(leaf, ca, lists, {}, at(stale)) == unknown_because(x509::revocation_detail::stale));
    CHECK(x509::crl_status(revoked_leaf, ca, lists, {}, at(stale)) == unknown_because(x509::revocation_detail::stale));
    CHECK(x509::crl_status(leaf, ca, lists, {}, at(list.next_update)) == good_result);
    CHECK(x509::crl_status(leaf, ca, lists, {}, at(list.this_update - 1)) == unknown_because(not_yet_valid));
    const byte_vector future_der = load("crl_future.pem");
    const x509::crl future = parse_list(future_der);
    CHECK(x509::crl_status(leaf, ca, {&future, 1}, {}, at(now)) == unknown_because(not_yet_valid));
    const byte_vector no_next_der = load("crl_no_next_update.der");
    const x509::crl no_next = parse_list(no_next_der);
    CHECK(!no_next.has_next_update);
    CHECK(x509::crl_status(leaf, ca, {&no_next, 1}, {}, at(now)) == unknown_because(x509::revocation_detail::stale));

    // Signed by a key that carries the CA's name but that nobody certified.
    const byte_vector wrong_der = load("crl_wrong_signer.pem");
    const x509::crl wrong = parse_list(wrong_der);
    CHECK(der::equal(wrong.issuer, ca.subject));
    CHECK(x509::crl_status(revoked_leaf, ca, {&wrong, 1}, {}, at(now)) == unknown_because(unauthorized_signer));
    // A delegated CRL signer: the CA's name, another key, certified by the CA with cRLSign.
    const byte_vector delegated_der = load("crl_delegated.pem");
    const x509::crl delegated = parse_list(delegated_der);
    const byte_vector rogue_der = load("rogue_ca.pem");  // the parsed certificate views it
    const std::vector<x509::certificate> delegates{crl_signer}, no_crlsign{crl_signer_no_crlsign},
        both{crl_signer_no_crlsign, crl_signer}, rogue{parse(rogue_der)};
    CHECK(x509::crl_status(revoked_leaf, ca, {&delegated, 1}, delegates, at(now)) == revoked_result);
    CHECK(x509::crl_status(leaf, ca, {&delegated, 1}, delegates, at(now)) == good_result);
    CHECK(x509::crl_status(revoked_leaf, ca, {&delegated, 1}, both, at(now)) == revoked_result);
    CHECK(x509::crl_status(revoked_leaf, ca, {&delegated, 1}, {}, at(now)) == unknown_because(unauthorized_signer));
    CHECK(x509::crl_status(revoked_leaf, ca, {&wrong, 1}, rogue, at(now)) == unknown_because(unauthorized_signer));
    // Delegates that look right but were not certified by the CA (a broken signature) use up the
    // budget of candidates: the real one after four of them is not tried.
    byte_vector forged_signer_der = crl_signer_der;
    forged_signer_der[forged_signer_der.size() - 2] ^= 0x01;
    const x509::certificate forged_signer = parse(forged_signer_der);
    const std::vector<x509::certificate> three_forged{forged_signer, forged_signer, forged_signer, crl_signer},
        four_forged{forged_signer, forged_signer, forged_signer, forged_signer, crl_signer};
    CHECK(x509::crl_status(revoked_leaf, ca, {&delegated, 1}, three_forged, at(now)) == revoked_result);
    CHECK(x509::crl_status(revoked_leaf, ca, {&delegated, 1}, four_forged, at(now)) == unknown_because(unauthorized_signer));
    // The delegate's certificate must be valid too.
    CHECK(x509::crl_status(revoked_leaf, ca, {&delegated, 1}, delegates, at(crl_signer.not_after + 1)).status == unknown);
    // A delegate without cRLSign signed this one.
    const byte_vector no_crlsign_der = load("crl_delegated_no_crlsign.pem");
    const x509::crl not_authorised = parse_list(no_crlsign_der);
    CHECK(x509::crl_status(revoked_leaf, ca, {&not_authorised, 1}, no_crlsign, at(now)) ==
          unknown_because(unauthorized_signer));
    CHECK(x509::crl_status(revoked_leaf, ca, {&not_authorised, 1}, both, at(now)) == unknown_because(unauthorized_signer));

    // Critical extensions we do not process, at the CRL's level and at an entry's: the CRL is
    // not used at all, for the listed serial or any other.
    const byte_vector critical_der = load("crl_critical.pem"), entry_critical_der = load("crl_entry_critical.der");
    const x509::crl critical = parse_list(critical_der), entry_critical = parse_list(entry_critical_der);
    CHECK(critical.has_unknown_critical_extension);
    CHECK(entry_critical.has_unknown_critical_extension);
    for (const x509::crl* c : {&critical, &entry_critical}) {
        CHECK(x509::crl_status(revoked_leaf, ca, {c, 1}, {}, at(now)) == unknown_because(unsupported_critical_extension));
        CHECK(x509::crl_status(leaf, ca, {c, 1}, {}, at(now)) == unknown_because(unsupported_critical_extension));
    }

    // Several CRLs: a usable one decides, and revoked wins over good.
    const std::vector<x509::crl> mixed{critical, wrong, list};
    CHECK(x509::crl_status(revoked_leaf, ca, mixed, {}, at(now)) == revoked_result);
    CHECK(x509::crl_status(leaf, ca, mixed, {}, at(now)) == good_result);
    const std::vector<x509::crl> good_and_revoking{no_next, delegated, list};
    CHECK(x509::crl_status(revoked_leaf, ca, good_and_revoking, delegates, at(now)) == revoked_result);
}

TEST_CASE_FIXTURE(pki, "CRL: scopes set by an issuingDistributionPoint") {
    const byte_vector dp_leaf_der = load("dp_leaf.pem");
    const x509::certificate dp_leaf = parse(dp_leaf_der);
    const byte_vector partition_der = load("crl_partition.pem"), ca_only_der = load("crl_ca_only.pem"),
                      some_reasons_der = load("crl_some_reasons.pem");
    const x509::crl partition = parse_list(partition_der), ca_only = parse_list(ca_only_der),
                    some_reasons = parse_list(some_reasons_der);
    CHECK(partition.has_issuing_distribution_point);
    CHECK(partition.only_user_certs);
    CHECK(!partition.distribution_point_names.empty());
    CHECK(!partition.unsupported_scope);
    CHECK(ca_only.only_ca_certs);
    CHECK(ca_only.distribution_point_names.empty());
    CHECK(some_reasons.unsupported_scope);
    // The partition covers the certificate that names it in cRLDistributionPoints, and no other.
    CHECK(x509::crl_status(dp_leaf, ca, {&partition, 1}, {}, at(now)) == good_result);
    CHECK(x509::crl_status(leaf, ca, {&partition, 1}, {}, at(now)) == unknown_because(no_information));
    CHECK(x509::crl_status(revoked_leaf, ca, {&partition, 1}, {}, at(now)) == unknown_because(no_information));
    // CA certificates only: not about a leaf.
    CHECK(x509::crl_status(leaf, ca, {&ca_only, 1}, {}, at(now)) == unknown_because(no_information));
    CHECK(x509::crl_status(revoked_leaf, ca, {&ca_only, 1}, {}, at(now)) == unknown_because(no_information));
    // Some reasons only: a partition this library does not follow.
    CHECK(x509::crl_status(revoked_leaf, ca, {&some_reasons, 1}, {}, at(now)) ==
          unknown_because(unsupported_critical_extension));
    // A complete CRL still speaks for the certificate with a distribution point.
    const byte_vector crl_der = load("crl.der");
    const x509::crl complete = parse_list(crl_der);
    CHECK(x509::crl_status(dp_leaf, ca, {&complete, 1}, {}, at(now)) == good_result);
}

TEST_CASE_FIXTURE(pki, "CRL: a validated path, leaf only or whole") {
    const x509::verified_path path = path_of(leaf_der), revoked_path = path_of(revoked_der);
    REQUIRE(path.size == 3);
    CHECK(der::equal(path.view()[1].encoded, ca.encoded));
    CHECK(der::equal(path.view()[2].encoded, root.encoded));
    const byte_vector crl_der = load("crl.der"), root_crl_der = load("crl_root.pem"),
                      revokes_ca_der = load("crl_root_revokes_ca.pem");
    const x509::crl list = parse_list(crl_der), root_list = parse_list(root_crl_der),
                    revokes_ca = parse_list(revokes_ca_der);
    const std::vector<x509::crl> leaf_only{list}, both{list, root_list}, ca_revoked{list, revokes_ca};
    using enum x509::revocation_scope;
    CHECK(x509::check_path_crls(path.view(), leaf_only, {}, at(now)) == good_result);
    CHECK(x509::check_path_crls(path.view(), leaf_only, {}, at(now, whole_path)) == unknown_because(no_information));
    CHECK(x509::check_path_crls(path.view(), both, {}, at(now, whole_path)) == good_result);
    CHECK(x509::check_path_crls(revoked_path.view(), both, {}, at(now, whole_path)) == revoked_result);
    CHECK(x509::check_path_crls(revoked_path.view(), leaf_only, {}, at(now)) == revoked_result);
    // A revoked intermediate fails the path even when only the leaf's status is required.
    CHECK(x509::check_path_crls(path.view(), ca_revoked, {}, at(now)) == revoked_result);
    CHECK(x509::check_path_crls(path.view(), {}, {}, at(now)) == unknown_because(no_information));
    // Another source's answer about the leaf (an OCSP response) combines with the CRLs'.
    CHECK(x509::check_path_crls(path.view(), {}, {}, at(now), good_result) == good_result);
    CHECK(x509::check_path_crls(path.view(), leaf_only, {}, at(now), revoked_result) == revoked_result);
    CHECK(x509::check_path_crls(path.view(), both, {}, at(now, whole_path), unknown_because(malformed)) == good_result);
    CHECK(x509::to_verify_error(revoked_result) == x509::verify_error::revoked);
    CHECK(x509::to_verify_error(unknown_because(no_information)) == x509::verify_error::revocation_unknown);
    CHECK(x509::to_verify_error(good_result) == x509::verify_error::ok);
}

TEST_CASE_FIXTURE(pki, "The validated path verify_chain hands back") {
    // A leaf that is itself an anchor is the whole path, and trusted as configured.
    x509::trust_store<1> pinned;
    REQUIRE(pinned.add(leaf_der) == errc::ok);
    x509::verify_options options;
    options.time = now;
    x509::verified_path path;
    REQUIRE(x509::verify_chain(leaf_der, {}, pinned, options, &path) == x509::verify_error::ok);
    REQUIRE(path.size == 1);
    CHECK(der::equal(path.view()[0].encoded, leaf_der));
    const byte_vector crl_der = load("crl.der");
    const x509::crl list = parse_list(crl_der);
    CHECK(x509::check_path_crls(path.view(), {&list, 1}, {}, at(now, x509::revocation_scope::whole_path)) == good_result);
    // The CA as the anchor: a path of two.
    x509::trust_store<1> ca_anchor;
    REQUIRE(ca_anchor.add(ca_der) == errc::ok);
    x509::verified_path two;
    CHECK(x509::verify_chain(leaf_der, {}, ca_anchor, options, &two) == x509::verify_error::ok);
    CHECK(two.size == 2);
    CHECK(der::equal(two.view()[1].encoded, ca_der));
    // A refused chain leaves the path empty.
    x509::verified_path refused = two;
    CHECK(x509::verify_chain(revoked_der, {}, pinned, options, &refused) == x509::verify_error::unknown_issuer);
    CHECK(refused.size == 0);
}

TEST_CASE_FIXTURE(pki, "CRL: truncated, extended and altered input is refused, without allocating") {
    const byte_vector der_bytes = load("crl.der");
    byte_vector longer = der_bytes;
    longer.push_back(0);
    const std::size_t before_count = test_support::allocation_count();
    std::size_t accepted = 0;
    for (std::size_t n = 0; n < der_bytes.size(); ++n)
        accepted += x509::parse_crl(byte_view(der_bytes).first(n)).ok() ? 1u : 0u;
    const bool longer_parses = x509::parse_crl(longer).ok();
    const auto list = x509::parse_crl(der_bytes);
    const auto status = x509::crl_status(revoked_leaf, ca, {&*list, 1}, {}, at(now));
    CHECK(test_support::allocation_count() == before_count);
    CHECK(accepted == 0);
    CHECK(!longer_parses);
    CHECK(status == revoked_result);

    // A flipped bit in the signature, and in the revoked serial (the signature breaks too).
    byte_vector flipped = der_bytes;
    flipped[flipped.size() - 3] ^= 0x01;
    const x509::crl bad = parse_list(flipped);
    CHECK(x509::crl_status(leaf, ca, {&bad, 1}, {}, at(now)) == unknown_because(bad_signature));
    // Every single-byte change either fails to parse or fails to verify: none yields good.
    std::size_t decided = 0;
    for (std::size_t i = 0; i < der_bytes.size(); ++i) {
        byte_vector changed = der_bytes;
        changed[i] ^= 0x40;
        auto parsed = x509::parse_crl(changed);
        if (!parsed) continue;
        if (x509::crl_status(revoked_leaf, ca, {&*parsed, 1}, {}, at(now)).status != unknown) ++decided;
    }
    CHECK(decided == 0);
}

TEST_CASE_FIXTURE(pki, "OCSP: what openssl ocsp wrote, parsed") {
    const byte_vector der_bytes = load("ocsp_good.der");
    const auto response = x509::parse_ocsp_response(der_bytes);
    REQUIRE(response.ok());
    CHECK(response->status == x509::ocsp_response_status::successful);
    CHECK(response->signed_with == x509::signature_algorithm::ed25519);
    CHECK(!response->responder_by_key);
    CHECK(der::equal(response->responder, ca.subject));
    CHECK(response->response_count == 1);
    CHECK(response->certificate_count == 1);  // openssl sends the signer's certificate along
    CHECK(!response->has_unknown_critical_extension);
    der::reader singles(response->responses);
    auto single = x509::detail::parse_single_response(*singles.next());
    REQUIRE(single.ok());
    CHECK(single->hash == x509::ocsp_hash::sha1);
    CHECK(der::equal(single->serial, leaf.serial));
    CHECK(single->status == x509::ocsp_cert_status::good);
    CHECK(single->has_next_update);
    CHECK(single->next_update == single->this_update + 7 * 86400);
    CHECK(single->this_update >= now - 3600);
    CHECK(single->this_update < now);
    // The CertID's hashes are SHA-1 of the CA's name and key.
    CHECK(der::equal(single->issuer_name_hash, sha1::hash(ca.subject)));
    CHECK(der::equal(single->issuer_key_hash, sha1::hash(ca.public_key.key)));

    const byte_vector by_key_der = load("ocsp_good_by_key.der"), sha256_der = load("ocsp_good_sha256.der"),
                      revoked_der_response = load("ocsp_revoked.der");
    const auto by_key = x509::parse_ocsp_response(by_key_der);
    REQUIRE(by_key.ok());
    CHECK(by_key->responder_by_key);
    CHECK(der::equal(by_key->responder, sha1::hash(ca.public_key.key)));
    CHECK(by_key->certificate_count == 0);
    const auto with_sha256 = x509::parse_ocsp_response(sha256_der);
    REQUIRE(with_sha256.ok());
    der::reader sha256_singles(with_sha256->responses);
    CHECK(x509::detail::parse_single_response(*sha256_singles.next())->hash == x509::ocsp_hash::sha256);
    const auto revoked_response = x509::parse_ocsp_response(revoked_der_response);
    REQUIRE(revoked_response.ok());
    der::reader revoked_singles(revoked_response->responses);
    auto revoked_single = x509::detail::parse_single_response(*revoked_singles.next());
    REQUIRE(revoked_single.ok());
    CHECK(revoked_single->status == x509::ocsp_cert_status::revoked);
    CHECK(revoked_single->has_reason);
    CHECK(revoked_single->reason == x509::crl_reason::key_compromise);
    CHECK(revoked_single->revocation_time == now - 3600 - 86400);

    // Responses that are not successful carry a status only.
    const byte_vector try_later{0x30, 0x03, 0x0a, 0x01, 0x03}, unused_code{0x30, 0x03, 0x0a, 0x01, 0x04},
        successful_without_bytes{0x30, 0x03, 0x0a, 0x01, 0x00};
    const auto later = x509::parse_ocsp_response(try_later);
    REQUIRE(later.ok());
    CHECK(later->status == x509::ocsp_response_status::try_later);
    CHECK(x509::ocsp_status(*later, leaf, ca, at(now)) == unknown_because(responder_error));
    CHECK(!x509::parse_ocsp_response(unused_code).ok());
    CHECK(!x509::parse_ocsp_response(successful_without_bytes).ok());
    CHECK(x509::check_ocsp_response(unused_code, leaf, ca, at(now)) == unknown_because(malformed));
}

TEST_CASE_FIXTURE(pki, "OCSP: one fixture per outcome") {
    auto check = [&](const std::string& file, const x509::certificate& subject, const x509::certificate& issuer,
                     std::int64_t time) { return x509::check_ocsp_response(load(file), subject, issuer, at(time)); };
    CHECK(check("ocsp_good.der", leaf, ca, now) == good_result);
    CHECK(check("ocsp_good_sha256.der", leaf, ca, now) == good_result);
    CHECK(check("ocsp_good_by_key.der", leaf, ca, now) == good_result);
    CHECK(check("ocsp_revoked.der", revoked_leaf, ca, now) == revoked_result);
    CHECK(check("ocsp_unknown.der", other_leaf, ca, now) == unknown_because(unknown_to_responder));
    // Stale after nextUpdate, not yet valid before thisUpdate.
    CHECK(check("ocsp_good.der", leaf, ca, stale) == unknown_because(x509::revocation_detail::stale));
    CHECK(check("ocsp_revoked.der", revoked_leaf, ca, stale) == unknown_because(x509::revocation_detail::stale));
    CHECK(check("ocsp_good.der", leaf, ca, before) == unknown_because(not_yet_valid));
    // Signed by a key under the CA's name that the CA never certified: the responder ID names
    // the CA, whose key does not verify it, and the rogue certificate carried along is not one
    // the CA issued.
    CHECK(check("ocsp_wrong_signer.der", leaf, ca, now) == unknown_because(bad_signature));
    // A delegated responder: certified by the CA with id-kp-OCSPSigning, and without it.
    CHECK(check("ocsp_delegated.der", leaf, ca, now) == good_result);
    CHECK(check("ocsp_delegated_no_eku.der", leaf, ca, now) == unknown_because(unauthorized_signer));
    // Unknown critical extensions, in the SingleResponse and in responseExtensions.
    CHECK(check("ocsp_critical_single.der", leaf, ca, now) == unknown_because(unsupported_critical_extension));
    CHECK(check("ocsp_critical_response.der", leaf, ca, now) == unknown_because(unsupported_critical_extension));
    const byte_vector critical_response_der = load("ocsp_critical_response.der");
    CHECK(x509::parse_ocsp_response(critical_response_der)->has_unknown_critical_extension);
    const byte_vector responder_der = load("responder.pem");
    const x509::certificate responder = parse(responder_der);
    CHECK(check("ocsp_delegated.der", leaf, ca, responder.not_after + 1).status == unknown);
    // CertID mismatches: another serial, another issuer key under the same name, another issuer.
    CHECK(check("ocsp_good.der", revoked_leaf, ca, now) == unknown_because(no_information));
    CHECK(check("ocsp_good.der", other_leaf, ca, now) == unknown_because(no_information));
    CHECK(check("ocsp_good.der", leaf, crl_signer, now) == unknown_because(no_information));
    CHECK(check("ocsp_good_sha256.der", leaf, crl_signer, now) == unknown_because(no_information));
    CHECK(check("ocsp_good.der", leaf, root, now) == unknown_because(no_information));

    // What OCSP says about the leaf completes the CRLs' answer for the path.
    const x509::verified_path path = path_of(leaf_der), revoked_path = path_of(revoked_der);
    const auto leaf_answer = check("ocsp_good.der", path.view()[0], path.view()[1], now);
    CHECK(x509::check_path_crls(path.view(), {}, {}, at(now), leaf_answer) == good_result);
    const auto revoked_answer = check("ocsp_revoked.der", revoked_path.view()[0], revoked_path.view()[1], now);
    CHECK(x509::check_path_crls(revoked_path.view(), {}, {}, at(now), revoked_answer) == revoked_result);
    // The form a TLS client uses: the response and the validated path.
    const byte_vector good_der = load("ocsp_good.der"), revoked_response_der = load("ocsp_revoked.der");
    CHECK(x509::check_ocsp_response(good_der, path.view(), at(now)) == good_result);
    CHECK(x509::check_ocsp_response(revoked_response_der, revoked_path.view(), at(now)) == revoked_result);
    CHECK(x509::check_ocsp_response(good_der, path.view().first(1), at(now)) == unknown_because(no_information));
}

TEST_CASE_FIXTURE(pki, "OCSP: truncated and altered responses are refused, without allocating") {
    const byte_vector der_bytes = load("ocsp_good.der");
    byte_vector longer = der_bytes;
    longer.push_back(0);
    const std::size_t before_count = test_support::allocation_count();
    std::size_t accepted = 0;
    for (std::size_t n = 0; n < der_bytes.size(); ++n)
        accepted += x509::parse_ocsp_response(byte_view(der_bytes).first(n)).ok() ? 1u : 0u;
    const bool longer_parses = x509::parse_ocsp_response(longer).ok();
    const auto status = x509::check_ocsp_response(der_bytes, leaf, ca, at(now));
    CHECK(test_support::allocation_count() == before_count);
    CHECK(accepted == 0);
    CHECK(!longer_parses);
    CHECK(status == good_result);

    // Every single-byte change of what the signature covers either fails to parse or leaves the
    // status unknown; a change of the signature itself is a bad signature.
    const auto parsed = x509::parse_ocsp_response(der_bytes);
    REQUIRE(parsed.ok());
    const auto tbs_at = static_cast<std::size_t>(parsed->tbs.data() - der_bytes.data());
    std::size_t decided = 0;
    for (std::size_t i = tbs_at; i < tbs_at + parsed->tbs.size(); ++i) {
        byte_vector changed = der_bytes;
        changed[i] ^= 0x40;
        if (x509::check_ocsp_response(changed, leaf, ca, at(now)).status != unknown) ++decided;
    }
    CHECK(decided == 0);
    byte_vector bad_signature_bytes = der_bytes;
    bad_signature_bytes[static_cast<std::size_t>(parsed->signature.data() - der_bytes.data())] ^= 0x01;
    CHECK(x509::check_ocsp_response(bad_signature_bytes, leaf, ca, at(now)) == unknown_because(bad_signature));
}

TEST_CASE_FIXTURE(pki, "Pins: RFC 7469 pin-sha256 as openssl computes it, and the backup pin rule") {
    auto pin = [&](const char* name) {
        const std::string text = "sha256//" + times["pins"][name].str();
        auto parsed = x509::parse_pin(text);
        REQUIRE_MESSAGE(parsed.ok(), text);
        return *parsed;
    };
    const x509::spki_pin leaf_pin = pin("leaf"), ca_pin = pin("ca"), root_pin = pin("root"), backup = pin("other_leaf");
    CHECK(x509::pin_of(leaf.public_key) == leaf_pin);
    CHECK(x509::pin_of(ca.public_key) == ca_pin);
    CHECK(x509::pin_of(root.public_key) == root_pin);
    CHECK(!(leaf_pin == backup));
    const std::string directive = "pin-sha256=\"" + times["pins"]["leaf"].str() + "\"";
    CHECK(x509::parse_pin(directive).value() == leaf_pin);

    const std::string digits = times["pins"]["leaf"].str();
    REQUIRE(digits.size() == 44);
    const std::vector<std::string> bad_pins{
        digits, "sha1//" + digits, "sha256/" + digits, "SHA256//" + digits, "sha256//" + digits.substr(0, 43),
        "sha256//" + digits.substr(0, 43) + "A", "sha256//" + digits + "=", "sha256// " + digits.substr(1),
        "sha256//" + digits.substr(0, 20) + "\n" + digits.substr(21), "sha256//" + digits.substr(0, 40) + "A=A=",
        "sha256//" + digits.substr(0, 10) + "*" + digits.substr(11), "pin-sha256=" + digits, "pin-sha256=\"" + digits,
        "sha256//", "",
        "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};  // 44 digits without padding: 33 bytes
    for (const std::string& bad : bad_pins) CHECK_MESSAGE(!x509::parse_pin(bad).ok(), bad);

    const x509::verified_path path = path_of(leaf_der);
    using enum x509::verify_error;
    auto check = [&](std::vector<x509::spki_pin> pins, bool allow_no_backup = false) {
        x509::pin_options options;
        options.allow_no_backup_pin = allow_no_backup;
        return x509::check_pins(path.view(), pins, options);
    };
    CHECK(check({leaf_pin, backup}) == ok);
    CHECK(check({backup, ca_pin}) == ok);
    CHECK(check({root_pin, backup}) == ok);
    CHECK(check({backup}) == pin_mismatch);
    CHECK(check({backup}, true) == pin_mismatch);
    CHECK(check({leaf_pin}) == no_backup_pin);
    CHECK(check({leaf_pin, ca_pin, root_pin}) == no_backup_pin);
    CHECK(check({leaf_pin}, true) == ok);
    CHECK(check({}) == ok);
    const std::array<x509::spki_pin, 2> pin_array{ca_pin, backup};
    const std::string pin_text = "sha256//" + digits;
    const std::size_t before_count = test_support::allocation_count();
    const auto parsed = x509::parse_pin(pin_text);
    const auto verdict = x509::check_pins(path.view(), pin_array);
    CHECK(test_support::allocation_count() == before_count);
    CHECK(parsed.value() == leaf_pin);
    CHECK(verdict == ok);
    CHECK(x509::to_string(pin_mismatch) == "pin mismatch");
    CHECK(x509::to_string(no_backup_pin) == "no backup pin");
}

}  // namespace revocation_tests
