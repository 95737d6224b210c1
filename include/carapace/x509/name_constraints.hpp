// Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b) and (c)): whether the names of a certificate
// lie within the subtrees a CA above it permits and outside those it excludes.
//
// Every name form a constraint can name is enforced or refused, never ignored: dNSName,
// iPAddress, rfc822Name, uniformResourceIdentifier and directoryName are evaluated (the subject
// is a directoryName, and its emailAddress attributes are rfc822Names); a constraint on any other
// form (otherName, x400Address, ediPartyName, registeredID) refuses a certificate that has a
// name of that form. Where a comparison cannot be decided with certainty (directory strings
// that would need Unicode case folding, a URI without a host name, a malformed base) the answer
// is the one that refuses: outside a permitted subtree, inside an excluded one.
//
// Work is bounded: every (constraint, name) pair looked at spends one unit of a budget shared by
// the whole verification, plus one per 256 bytes the comparison may walk; when it runs out the
// answer is `too_complex`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/text.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/der.hpp"
#include "carapace/x509/names.hpp"

namespace carapace::x509 {

// The outcome of comparing a name with one constraint base.
enum class name_match : std::uint8_t { outside, within, undecided };

// RFC 5280 §4.2.1.10 rfc822Name constraint: "user@host" is that mailbox, "host" any mailbox at
// that host, ".example.com" any mailbox at a host below example.com. Local parts compare
// exactly, host names ASCII case-insensitively.
constexpr name_match email_within(std::string_view constraint, std::string_view address) noexcept {
    const std::size_t at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return name_match::undecided;
    const std::string_view host = subview(address, at + 1);
    if (constraint.empty()) return name_match::undecided;
    if (const std::size_t c_at = constraint.rfind('@'); c_at != std::string_view::npos) {
        return subview(constraint, 0, c_at) == subview(address, 0, at) &&
                       detail::equal_ignoring_case(subview(constraint, c_at + 1), host)
                   ? name_match::within
                   : name_match::outside;
    }
    if (constraint.front() == '.') {
        return host.size() > constraint.size() &&
                       detail::equal_ignoring_case(subview(host, host.size() - constraint.size()), constraint)
                   ? name_match::within
                   : name_match::outside;
    }
    return detail::equal_ignoring_case(host, constraint) ? name_match::within : name_match::outside;
}

// The host of a URI (RFC 3986 §3.2.2) when it is a DNS name: scheme "://" [userinfo "@"] host
// [":" port]. Empty when there is no authority, or its host is an IP literal or not a valid
// DNS name (RFC 5280 requires refusing such a URI under a URI constraint).
constexpr std::string_view uri_host(std::string_view uri) noexcept {
    const std::size_t colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0 || subview(uri, colon, 3) != "://") return {};
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = detail::lower(uri[i]);
        const bool letter = c >= 'a' && c <= 'z';
        if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) return {};
    }
    std::string_view authority = subview(uri, colon + 3);
    authority = subview(authority, 0, authority.find_first_of("/?#"));
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority = subview(authority, at + 1);
    if (const std::size_t port = authority.rfind(':'); port != std::string_view::npos) {
        for (std::size_t i = port + 1; i < authority.size(); ++i)
            if (authority[i] < '0' || authority[i] > '9') return {};
        authority = subview(authority, 0, port);
    }
    std::uint8_t ipv4[4] = {};
    if (!detail::valid_dns_name(authority) || detail::parse_ipv4(authority, ipv4)) return {};
    return authority;
}

// uniformResourceIdentifier constraint: "host.example.com" is that host only, ".example.com"
// any host below example.com.
constexpr name_match uri_within(std::string_view constraint, std::string_view uri) noexcept {
    const std::string_view host = uri_host(uri);
    if (host.empty() || constraint.empty()) return name_match::undecided;
    if (constraint.front() == '.') {
        return host.size() > constraint.size() &&
                       detail::equal_ignoring_case(subview(host, host.size() - constraint.size()), constraint)
                   ? name_match::within
                   : name_match::outside;
    }
    return detail::equal_ignoring_case(host, constraint) ? name_match::within : name_match::outside;
}

namespace detail {

// Directory strings compared the way RFC 4518 prepares them, as far as ASCII goes: the three
// string types that hold ASCII alike, case folded, leading and trailing spaces dropped and inner
// runs of spaces taken as one. Anything else that is not byte-equal is undecided.
constexpr bool is_ascii_string_type(std::uint8_t tag) noexcept {
    return tag == der::utf8_string || tag == der::printable_string || tag == der::ia5_string;
}

constexpr name_match compare_directory_strings(const der::element& a, const der::element& b) noexcept {
    if (der::equal(a.encoded, b.encoded)) return name_match::within;
    if (!is_ascii_string_type(a.tag) || !is_ascii_string_type(b.tag)) return name_match::undecided;
    auto ascii = [](byte_view v) {
        for (const std::uint8_t c : v)
            if (c >= 0x80) return false;
        return true;
    };
    if (!ascii(a.content) || !ascii(b.content)) return name_match::undecided;
    // Walks both, skipping space runs at the ends and folding those inside to one.
    std::size_t i = 0, j = 0;
    auto skip = [](byte_view v, std::size_t& k) {
        while (k < v.size() && v[k] == ' ') ++k;
    };
    skip(a.content, i);
    skip(b.content, j);
    while (i < a.content.size() && j < b.content.size()) {
        const bool space_a = a.content[i] == ' ', space_b = b.content[j] == ' ';
        if (space_a || space_b) {
            skip(a.content, i);
            skip(b.content, j);
            // A space run matches only a space run, and only if both go on.
            if (!space_a || !space_b) return name_match::outside;
            if ((i == a.content.size()) != (j == b.content.size())) return name_match::outside;
            continue;
        }
        if (lower(static_cast<char>(a.content[i])) != lower(static_cast<char>(b.content[j]))) return name_match::outside;
        ++i;
        ++j;
    }
    skip(a.content, i);
    skip(b.content, j);
    return i == a.content.size() && j == b.content.size() ? name_match::within : name_match::outside;
}

// AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }: same type and equivalent value.
constexpr name_match compare_attributes(byte_view a, byte_view b) noexcept {
    der::reader ra(a), rb(b);
    auto type_a = ra.expect(der::object_identifier), type_b = rb.expect(der::object_identifier);
    auto value_a = ra.next(), value_b = rb.next();
    if (!type_a || !type_b || !value_a || !value_b) return name_match::undecided;
    if (!der::equal(type_a->encoded, type_b->encoded)) return name_match::outside;
    return compare_directory_strings(*value_a, *value_b);
}

// RelativeDistinguishedName ::= SET OF AttributeTypeAndValue: equal sets. Multi-valued RDNs that
// are not byte-equal pairwise (DER sorts them by encoding, which string types change) are
// undecided unless they differ in size.
constexpr name_match compare_rdns(const der::element& a, const der::element& b) noexcept {
    if (der::equal(a.encoded, b.encoded)) return name_match::within;
    std::size_t count_a = 0, count_b = 0;
    for (der::reader r(a.content); !r.empty() && r.next(); ) ++count_a;
    for (der::reader r(b.content); !r.empty() && r.next(); ) ++count_b;
    if (count_a != count_b) return name_match::outside;
    der::reader ra(a.content), rb(b.content);
    name_match all = name_match::within;
    while (!ra.empty() && !rb.empty()) {
        auto x = ra.expect(der::sequence), y = rb.expect(der::sequence);
        if (!x || !y) return name_match::undecided;
        const name_match m = compare_attributes(x->content, y->content);
        if (m != name_match::within) all = count_a == 1 ? m : name_match::undecided;
    }
    return all;
}

}  // namespace detail

// directoryName constraint: `name` (an encoded Name) lies within `base` when base's RDNs are its
// first RDNs.
constexpr name_match directory_name_within(byte_view base, byte_view name) noexcept {
    auto base_seq = der::parse_single(base, der::sequence), name_seq = der::parse_single(name, der::sequence);
    if (!base_seq || !name_seq) return name_match::undecided;
    der::reader b(base_seq->content), n(name_seq->content);
    name_match result = name_match::within;
    while (!b.empty()) {
        if (n.empty()) return name_match::outside;
        auto rdn_b = b.expect(der::set), rdn_n = n.expect(der::set);
        if (!rdn_b || !rdn_n) return name_match::undecided;
        const name_match m = detail::compare_rdns(*rdn_b, *rdn_n);
        if (m == name_match::outside) return m;
        if (m == name_match::undecided) result = m;
    }
    return result;
}

// The outcome of checking a certificate against a CA's constraints.
enum class constraint_result : std::uint8_t { satisfied, violated, too_complex };

namespace detail {

// GeneralName tags (RFC 5280 §4.2.1.6): the primitive forms are IMPLICIT, directoryName (a
// CHOICE) and the SEQUENCE forms are constructed.
inline constexpr std::uint8_t other_name_tag = der::context_constructed(0), rfc822_name_tag = der::context(1),
                              dns_name_tag = der::context(2), directory_name_tag = der::context_constructed(4),
                              uri_tag = der::context(6), ip_address_tag = der::context(7);

// PKCS #9 emailAddress (1.2.840.113549.1.9.1): an rfc822Name inside a subject.
inline constexpr bytes<9> email_address_oid{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};

// How `name` (content of a GeneralName with `tag`) compares with a base of the same form.
inline name_match compare_name(std::uint8_t tag, byte_view base, byte_view name) noexcept {
    switch (tag) {
        case dns_name_tag: {
            const std::string_view b = as_text(base), n = as_text(name);
            if (!b.empty() && !valid_dns_name(subview(b, b[0] == '.' ? 1 : 0))) return name_match::undecided;
            if (dns_name_within(b, n)) return name_match::within;
            // A wildcard "*.example.com" stands for one more label: it may name x.example.com,
            // which a base "x.example.com" holds.
            if (subview(n, 0, 2) == "*." && !b.empty() && b[0] != '.') {
                const std::size_t dot = b.find('.');
                if (dot != std::string_view::npos && equal_ignoring_case(subview(b, dot + 1), subview(n, 2)))
                    return name_match::undecided;
            }
            return name_match::outside;
        }
        case ip_address_tag:
            if (base.size() != 8 && base.size() != 32) return name_match::undecided;
            if (name.size() != 4 && name.size() != 16) return name_match::undecided;
            return ip_address_within(base, name) ? name_match::within : name_match::outside;
        case rfc822_name_tag: return email_within(as_text(base), as_text(name));
        case uri_tag: return uri_within(as_text(base), as_text(name));
        case directory_name_tag: return directory_name_within(base, name);
        default: return name_match::undecided;  // a form not evaluated: refused if constrained
    }
}

// One name against all of a CA's subtrees.
struct constraint_checker {
    const certificate& ca;
    std::size_t& budget;  // work units left

    // The form is the tag's class and number: a base whose constructed bit is wrong for its form
    // is malformed, and compares as undecided rather than not at all.
    static constexpr bool same_form(std::uint8_t base_tag, std::uint8_t name_tag) noexcept {
        return (base_tag & 0xdfu) == (name_tag & 0xdfu);
    }
    static name_match compare(std::uint8_t base_tag, std::uint8_t name_tag, byte_view base, byte_view name) noexcept {
        return base_tag == name_tag ? compare_name(name_tag, base, name) : name_match::undecided;
    }

    // A comparison walks at most the base and the name once: one unit, and one more per 256
    // bytes, so that huge names cannot make a few comparisons slow.
    static constexpr std::size_t cost(byte_view base, byte_view name) noexcept {
        return 1 + (base.size() + name.size()) / 256;
    }
    bool spend(std::size_t units) noexcept {
        if (budget < units) {
            budget = 0;
            return false;
        }
        budget -= units;
        return true;
    }

    constraint_result check(std::uint8_t tag, byte_view name) noexcept {
        // The content of a directoryName is the Name's encoding; other forms compare content.
        bool permitted_seen = false, permitted = false;
        general_names permitted_bases(ca.permitted_subtrees, true);
        while (!permitted_bases.empty()) {
            auto base = permitted_bases.next();
            if (!base) return constraint_result::violated;
            if (!spend(same_form(base->tag, tag) ? cost(base->content, name) : 1)) return constraint_result::too_complex;
            if (!same_form(base->tag, tag)) continue;
            permitted_seen = true;
            if (compare(base->tag, tag, base->content, name) == name_match::within) permitted = true;
        }
        if (permitted_seen && !permitted) return constraint_result::violated;
        general_names excluded_bases(ca.excluded_subtrees, true);
        while (!excluded_bases.empty()) {
            auto base = excluded_bases.next();
            if (!base) return constraint_result::violated;
            if (!spend(same_form(base->tag, tag) ? cost(base->content, name) : 1)) return constraint_result::too_complex;
            if (!same_form(base->tag, tag)) continue;
            if (compare(base->tag, tag, base->content, name) != name_match::outside) return constraint_result::violated;
        }
        return constraint_result::satisfied;
    }
};

}  // namespace detail

// Whether the names of `subject` (its subject DN and emailAddress attributes, its SANs, and
// `host` when not empty: the name a TLS client asked for) satisfy `ca`'s constraints. The caller
// skips self-issued intermediates (§6.1.3: the constraints do not apply to them). `budget`
// counts work units left (see the top of this file) and is spent.
inline constraint_result satisfies_constraints(const certificate& ca, const certificate& subject, std::string_view host,
                                               std::size_t& budget) noexcept {
    using enum constraint_result;
    if (ca.permitted_subtrees.empty() && ca.excluded_subtrees.empty()) return satisfied;
    detail::constraint_checker checker{ca, budget};
    auto first_failure = [](constraint_result r) { return r != satisfied; };

    // The subject: a directoryName when not empty, and each emailAddress in it.
    auto subject_name = der::parse_single(subject.subject, der::sequence);
    if (!subject_name) return violated;
    if (!subject_name->content.empty()) {
        if (const auto r = checker.check(detail::directory_name_tag, subject.subject); first_failure(r)) return r;
        der::reader rdns(subject_name->content);
        while (!rdns.empty()) {
            auto rdn = rdns.expect(der::set);
            if (!rdn) return violated;
            der::reader attributes(rdn->content);
            while (!attributes.empty()) {
                auto attribute = attributes.expect(der::sequence);
                if (!attribute) return violated;
                der::reader fields(attribute->content);
                auto type = fields.expect(der::object_identifier);
                auto value = fields.next();
                if (!type || !value) return violated;
                if (!der::equal(type->content, detail::email_address_oid)) continue;
                if (const auto r = checker.check(detail::rfc822_name_tag, value->content); first_failure(r)) return r;
            }
        }
    }
    // Every subjectAltName, whatever its form.
    general_names names(subject.subject_alt_names);
    while (!names.empty()) {
        auto name = names.next();
        if (!name) return violated;
        // A SAN directoryName is [4] EXPLICIT Name: its content is the Name's encoding.
        if (const auto r = checker.check(name->tag, name->content); first_failure(r)) return r;
    }
    if (!host.empty()) {
        const ip_address ip = parse_ip_address(host);
        const byte_view host_bytes(reinterpret_cast<const std::uint8_t*>(host.data()), host.size());
        const auto r = ip.size != 0 ? checker.check(detail::ip_address_tag, ip.view())
                                    : checker.check(detail::dns_name_tag, host_bytes);
        if (first_failure(r)) return r;
    }
    return satisfied;
}

}  // namespace carapace::x509
