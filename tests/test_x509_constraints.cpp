// Name constraints on every name form (x509/name_constraints.hpp): the fixtures of
// tests/x509/make_constraint_fixtures.sh through path validation (the answers are the ones
// `openssl verify` gives for them), and the matching rules of each form on hand-made names.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "carapace/x509/name_constraints.hpp"
#include "carapace/x509/verify.hpp"
#include "support/vectors.hpp"

using namespace carapace;

namespace constraints_test {

using test_support::byte_vector;

byte_vector load(const std::string& name) {
    const std::string text = test_support::read_vector_file("x509/constraints/" + name + ".pem");
    byte_vector der_bytes(text.size());
    auto n = pem::decode_first(text, pem::certificate, der_bytes);
    REQUIRE_MESSAGE(n.ok(), name);
    der_bytes.resize(*n);
    return der_bytes;
}

// Verifies `leaf` with `intermediates` against `root` alone, for www.example.com, a day after
// the leaf's notBefore.
x509::verify_error verify(const std::string& root, const std::string& leaf,
                          const std::vector<std::string>& intermediates = {}, std::string_view host = "www.example.com") {
    const byte_vector root_der = load(root), leaf_der = load(leaf);
    std::vector<byte_vector> held;
    for (const auto& name : intermediates) held.push_back(load(name));
    const std::vector<byte_view> views(held.begin(), held.end());
    x509::trust_store<1> store;
    REQUIRE(store.add(root_der) == errc::ok);
    x509::verify_options options;
    options.time = x509::parse_certificate(leaf_der)->not_before + 86400;
    options.host = host;
    return x509::verify_chain(leaf_der, views, store, options);
}

// Appends one DER element: tag, length (up to 65535), content.
void append(byte_vector& out, std::uint8_t tag, byte_view content) {
    out.push_back(tag);
    const std::size_t n = content.size();
    if (n >= 256) out.push_back(0x82), out.push_back(static_cast<std::uint8_t>(n >> 8));
    else if (n >= 128) out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(n));
    for (const std::uint8_t b : content) out.push_back(b);
}

// A Name of one RDN per (type, string tag, value): type is the last arc of 2.5.4.
byte_vector name(std::initializer_list<std::tuple<std::uint8_t, std::uint8_t, std::string_view>> rdns) {
    byte_vector content;
    for (const auto& [type, tag, value] : rdns) {
        const std::uint8_t oid[3] = {0x55, 0x04, type};
        byte_vector attribute, sequence;
        append(attribute, 0x06, oid);
        append(attribute, tag, byte_view(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
        append(sequence, 0x30, attribute);
        append(content, 0x31, sequence);
    }
    byte_vector out;
    append(out, 0x30, content);
    return out;
}

constexpr std::uint8_t organization = 10, common_name = 3, country = 6;
constexpr std::uint8_t utf8 = 0x0c, printable = 0x13, bmp = 0x1e;

}  // namespace constraints_test

TEST_CASE("X.509 name constraints: rfc822Name, in the SAN and in the subject's emailAddress") {
    using namespace constraints_test;
    using enum x509::verify_error;
    CHECK(verify("email_root", "email_good") == ok);
    CHECK(verify("email_root", "email_evil") == name_constraint_violation);
    CHECK(verify("email_root", "email_subdomain") == name_constraint_violation);  // a host, not a domain
    CHECK(verify("email_root", "email_subject") == name_constraint_violation);
}

TEST_CASE("X.509 name constraints: directoryName, on subjects and SAN directory names") {
    using namespace constraints_test;
    using enum x509::verify_error;
    CHECK(verify("dir_root", "dir_good") == ok);
    CHECK(verify("dir_root", "dir_evil") == name_constraint_violation);
    CHECK(verify("dir_root", "dir_san") == name_constraint_violation);
    CHECK(verify("dir_root", "dir_evil_ca_leaf", {"dir_evil_ca"}) == name_constraint_violation);
}

TEST_CASE("X.509 name constraints: uniformResourceIdentifier") {
    using namespace constraints_test;
    using enum x509::verify_error;
    CHECK(verify("uri_root", "uri_good") == ok);
    CHECK(verify("uri_root", "uri_evil") == name_constraint_violation);
    CHECK(verify("uri_root", "uri_apex") == name_constraint_violation);
    CHECK(verify("uri_root", "uri_no_host") == name_constraint_violation);
}

TEST_CASE("X.509 name constraints: a constrained form not evaluated refuses names of that form") {
    using namespace constraints_test;
    using enum x509::verify_error;
    CHECK(verify("other_root", "other_named") == name_constraint_violation);
    CHECK(verify("other_root", "other_unnamed") == ok);
}

TEST_CASE("X.509 name constraints: a self-issued intermediate is exempt, the leaf below it is not") {
    using namespace constraints_test;
    using enum x509::verify_error;
    // self_rekeyed names ca.other.example, outside its issuer's example.com.
    CHECK(verify("self_root", "self_leaf", {"self_ca", "self_rekeyed"}) == ok);
    CHECK(verify("self_root", "self_leaf", {"self_rekeyed", "self_ca"}) == ok);
    CHECK(verify("self_root", "self_leaf", {"self_ca", "self_rekeyed"}, "www.other.example") == hostname_mismatch);
}

TEST_CASE("X.509 name constraints: rfc822Name and URI matching rules") {
    using x509::name_match;
    CHECK(x509::email_within("alice@allowed.example", "alice@ALLOWED.example") == name_match::within);
    CHECK(x509::email_within("alice@allowed.example", "Alice@allowed.example") == name_match::outside);
    CHECK(x509::email_within("allowed.example", "bob@Allowed.Example") == name_match::within);
    CHECK(x509::email_within("allowed.example", "bob@mail.allowed.example") == name_match::outside);
    CHECK(x509::email_within(".allowed.example", "bob@mail.allowed.example") == name_match::within);
    CHECK(x509::email_within(".allowed.example", "bob@allowed.example") == name_match::outside);
    CHECK(x509::email_within(".allowed.example", "bob@evilallowed.example") == name_match::outside);
    CHECK(x509::email_within("allowed.example", "no-at-sign") == name_match::undecided);
    CHECK(x509::email_within("allowed.example", "@allowed.example") == name_match::undecided);

    CHECK(x509::uri_host("https://user:pw@www.Example.com:8443/p?q#f") == "www.Example.com");
    CHECK(x509::uri_host("ldap://ldap.example.com") == "ldap.example.com");
    CHECK(x509::uri_host("urn:isbn:0451450523").empty());
    CHECK(x509::uri_host("https://192.0.2.1/").empty());
    CHECK(x509::uri_host("https://[2001:db8::1]/").empty());
    CHECK(x509::uri_host("https://host:80x/").empty());
    CHECK(x509::uri_host("1http://host/").empty());
    CHECK(x509::uri_within("www.example.com", "https://WWW.example.com/") == name_match::within);
    CHECK(x509::uri_within("example.com", "https://www.example.com/") == name_match::outside);
    CHECK(x509::uri_within(".example.com", "https://www.example.com/") == name_match::within);
    CHECK(x509::uri_within(".example.com", "https://example.com/") == name_match::outside);
    CHECK(x509::uri_within(".example.com", "mailto:a@www.example.com") == name_match::undecided);
}

TEST_CASE("X.509 name constraints: directory names compare as prepared strings, or refuse") {
    using namespace constraints_test;
    using x509::name_match;
    const byte_vector base = name({{organization, utf8, "Allowed Org"}});
    // Prefix, case, string type and spaces.
    CHECK(x509::directory_name_within(base, name({{organization, utf8, "Allowed Org"}, {common_name, utf8, "x"}})) ==
          name_match::within);
    CHECK(x509::directory_name_within(base, name({{organization, printable, "  ALLOWED   org "}})) == name_match::within);
    CHECK(x509::directory_name_within(base, name({{organization, utf8, "AllowedOrg"}})) == name_match::outside);
    CHECK(x509::directory_name_within(base, name({{organization, utf8, "Allowed Org Ltd"}})) == name_match::outside);
    CHECK(x509::directory_name_within(base, name({{common_name, utf8, "Allowed Org"}})) == name_match::outside);
    CHECK(x509::directory_name_within(base, name({{country, printable, "DE"}, {organization, utf8, "Allowed Org"}})) ==
          name_match::outside);
    CHECK(x509::directory_name_within(base, name({})) == name_match::outside);
    CHECK(x509::directory_name_within(name({}), name({{country, printable, "DE"}})) == name_match::within);
    // What would need Unicode rules is undecided: refused when permitted, and when excluded.
    CHECK(x509::directory_name_within(base, name({{organization, bmp, "Allowed Org"}})) == name_match::undecided);
    CHECK(x509::directory_name_within(base, name({{organization, utf8, "Allowed \xc3\x96rg"}})) == name_match::undecided);
}

TEST_CASE("X.509 name constraints: an excluded subtree catches what only a prepared comparison sees") {
    using namespace constraints_test;
    // A CA excluding O=Evil Org (hand-assembled NameConstraints content) and subjects that spell
    // it otherwise.
    const byte_vector excluded_name = name({{organization, utf8, "Evil Org"}});
    byte_vector base, subtree;
    append(base, 0xa4, excluded_name);
    append(subtree, 0x30, base);
    x509::certificate ca;
    ca.excluded_subtrees = subtree;
    auto check = [&](const byte_vector& subject_name) {
        x509::certificate subject;
        subject.subject = subject_name;
        std::size_t budget = 100;
        return x509::satisfies_constraints(ca, subject, {}, budget);
    };
    using enum x509::constraint_result;
    CHECK(check(name({{organization, printable, "EVIL ORG"}, {common_name, utf8, "a"}})) == violated);
    CHECK(check(name({{organization, bmp, "Evil Org"}})) == violated);
    CHECK(check(name({{organization, utf8, "Good Org"}})) == satisfied);
    CHECK(check(name({})) == satisfied);  // an empty subject is not a name
}

TEST_CASE("X.509 name constraints: wildcards, malformed bases, and the comparison budget") {
    using constraints_test::append;
    using test_support::byte_vector;
    using x509::name_match;
    using x509::detail::compare_name;
    using x509::detail::dns_name_tag;
    using x509::detail::ip_address_tag;
    auto b = [](std::string_view s) { return byte_view(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
    // "*.example.com" may stand for bad.example.com: an excluded base there catches it.
    CHECK(compare_name(dns_name_tag, b("bad.example.com"), b("*.example.com")) == name_match::undecided);
    CHECK(compare_name(dns_name_tag, b("example.com"), b("*.example.com")) == name_match::within);
    CHECK(compare_name(dns_name_tag, b(".x.example.com"), b("*.example.com")) == name_match::outside);
    CHECK(compare_name(dns_name_tag, b("exa mple.com"), b("www.example.com")) == name_match::undecided);
    const std::uint8_t short_base[5] = {192, 0, 2, 0, 255}, address[4] = {192, 0, 2, 1};
    CHECK(compare_name(ip_address_tag, short_base, address) == name_match::undecided);

    // Names times constraints past the budget: too complex, whatever the names.
    byte_vector subtrees;
    for (int i = 0; i < 40; ++i) {
        std::string base = "n";
        base += std::to_string(i);
        base += ".example.com";
        byte_vector general_name;
        append(general_name, 0x82, byte_view(reinterpret_cast<const std::uint8_t*>(base.data()), base.size()));
        append(subtrees, 0x30, general_name);
    }
    x509::certificate ca, subject;
    ca.permitted_subtrees = subtrees;
    const byte_vector empty_name{0x30, 0x00};
    subject.subject = empty_name;
    std::size_t budget = 39;
    CHECK(x509::satisfies_constraints(ca, subject, "n39.example.com", budget) == x509::constraint_result::too_complex);
    budget = 40;
    CHECK(x509::satisfies_constraints(ca, subject, "n39.example.com", budget) == x509::constraint_result::satisfied);
    CHECK(budget == 0);
}

TEST_CASE("X.509 email addresses: the leaf must name the mailbox asked for") {
    using namespace constraints_test;
    const byte_vector root = load("email_root"), leaf = load("email_good");
    x509::trust_store<1> store;
    REQUIRE(store.add(root) == errc::ok);
    x509::verify_options options;
    options.time = x509::parse_certificate(leaf)->not_before + 86400;
    options.usage = x509::purpose::any;
    using enum x509::verify_error;
    const std::pair<const char*, x509::verify_error> cases[] = {
        {"alice@allowed.example", ok},           {"alice@ALLOWED.example", ok},
        {"Alice@allowed.example", email_mismatch}, {"bob@allowed.example", email_mismatch},
        {"allowed.example", email_mismatch},     {"alice@", email_mismatch}};
    for (const auto& c : cases) {
        CAPTURE(c.first);
        options.email = c.first;
        CHECK(x509::verify_chain(leaf, {}, store, options) == c.second);
    }
    // A leaf without any rfc822Name.
    options.email = "alice@allowed.example";
    const byte_vector other = load("email_subject");
    CHECK(x509::verify_chain(other, {}, store, options) == email_mismatch);
}

TEST_CASE("X.509 name constraints: a base with the wrong constructed bit still constrains its form") {
    using namespace constraints_test;
    // permittedSubtrees { [1] constructed "allowed.example" }: an rfc822Name base, malformed.
    const std::string_view domain = "allowed.example";
    byte_vector base, subtree, subject_name = name({}), sans;
    append(base, 0xa1, byte_view(reinterpret_cast<const std::uint8_t*>(domain.data()), domain.size()));
    append(subtree, 0x30, base);
    const std::string_view mailbox = "alice@allowed.example";
    append(sans, 0x81, byte_view(reinterpret_cast<const std::uint8_t*>(mailbox.data()), mailbox.size()));
    x509::certificate ca, subject;
    ca.permitted_subtrees = subtree;
    subject.subject = subject_name;
    subject.subject_alt_names = sans;
    std::size_t budget = 10;
    CHECK(x509::satisfies_constraints(ca, subject, {}, budget) == x509::constraint_result::violated);
}

TEST_CASE("X.509 name constraints: long names spend more of the budget") {
    using namespace constraints_test;
    // A directoryName base and a subject of 40 RDNs each (over 600 bytes), equal: one comparison
    // walks them both, and costs accordingly.
    byte_vector rdns;
    for (int i = 0; i < 40; ++i) {
        const std::uint8_t oid[3] = {0x55, 0x04, 0x0b}, value[8] = {'u', 'n', 'i', 't', ' ', 'x', 'y', static_cast<std::uint8_t>('A' + i % 26)};
        byte_vector attribute, sequence;
        append(attribute, 0x06, oid);
        append(attribute, 0x0c, value);
        append(sequence, 0x30, attribute);
        append(rdns, 0x31, sequence);
    }
    byte_vector long_name, base, subtree;
    append(long_name, 0x30, rdns);
    REQUIRE(long_name.size() > 600);
    append(base, 0xa4, long_name);
    append(subtree, 0x30, base);
    x509::certificate ca, subject;
    ca.permitted_subtrees = subtree;
    subject.subject = long_name;
    const std::size_t cost = 1 + (2 * long_name.size()) / 256;
    std::size_t budget = cost;
    CHECK(x509::satisfies_constraints(ca, subject, {}, budget) == x509::constraint_result::satisfied);
    CHECK(budget == 0);
    budget = cost - 1;
    CHECK(x509::satisfies_constraints(ca, subject, {}, budget) == x509::constraint_result::too_complex);
}
