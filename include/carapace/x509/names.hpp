// Matching names: a host name or IP address against a certificate's subjectAltName (RFC 6125 as
// updated by RFC 9525), an email address too (RFC 5280 §4.2.1.6), and DNS and IP names against a
// CA's name constraints (RFC 5280 §4.2.1.10; the other forms are in name_constraints.hpp).
//
// Host names match dNSName entries only, ASCII case-insensitively; a wildcard is allowed only
// as the whole leftmost label of an entry with at least three labels ("*.example.com", never
// "*.com" or "f*.example.com"), and stands for exactly one label. IP addresses (IPv4 dotted
// quads and IPv6 text) match iPAddress entries only. The subject's common name is never used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/text.hpp"
#include "carapace/x509/certificate.hpp"

namespace carapace::x509 {

// An IP address in binary: 4 bytes for IPv4, 16 for IPv6; size 0 when the text is not one.
struct ip_address {
    // The address, in its first `size` bytes.
    bytes<16> octets{};
    // 4 (IPv4), 16 (IPv6) or 0 (not an address).
    std::size_t size = 0;
    // The address's bytes.
    [[nodiscard]] constexpr byte_view view() const noexcept { return byte_view(octets).first(size); }
};

namespace detail {

constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

constexpr int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Dotted-quad IPv4 into out[0..4): four decimal parts 0..255, no leading zeros (which some
// parsers read as octal: refusing them avoids disagreeing about what address is meant).
constexpr bool parse_ipv4(std::string_view text, std::uint8_t* out) noexcept {
    std::size_t part = 0, at = 0;
    while (part < 4) {
        std::size_t digits = 0;
        unsigned value = 0;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 4) {
            value = value * 10 + static_cast<unsigned>(text[at] - '0');
            ++at;
            ++digits;
        }
        if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text[at - digits] == '0')) return false;
        out[part++] = static_cast<std::uint8_t>(value);
        if (part < 4) {
            if (at >= text.size() || text[at] != '.') return false;
            ++at;
        }
    }
    return at == text.size();
}

// RFC 4291 §2.2 text: eight groups of 1-4 hex digits, one "::" for a run of zero groups, and
// optionally a dotted quad as the last 32 bits. No zone index.
constexpr bool parse_ipv6(std::string_view text, std::uint8_t* out) noexcept {
    std::uint8_t groups[16] = {};
    std::size_t count = 0;  // bytes written to groups
    std::size_t gap = 0;        // where "::" stands, in bytes
    bool has_gap = false;
    std::size_t at = 0;
    if (subview(text, 0, 2) == "::") {
        has_gap = true;
        at = 2;
    } else if (!text.empty() && text[0] == ':') {
        return false;
    }
    while (at < text.size()) {
        if (count >= 16) return false;
        // A trailing dotted quad?
        const std::size_t next_colon = text.find(':', at);
        if (next_colon == std::string_view::npos && text.find('.', at) != std::string_view::npos) {
            if (count > 12 || !parse_ipv4(subview(text, at), groups + count)) return false;
            count += 4;
            at = text.size();
            break;
        }
        unsigned value = 0;
        std::size_t digits = 0;
        while (at < text.size() && hex_digit(text[at]) >= 0 && digits < 5) {
            value = value << 4 | static_cast<unsigned>(hex_digit(text[at]));
            ++at;
            ++digits;
        }
        if (digits == 0 || digits > 4) return false;
        groups[count++] = static_cast<std::uint8_t>(value >> 8);
        groups[count++] = static_cast<std::uint8_t>(value);
        if (at == text.size()) break;
        if (text[at] != ':') return false;
        ++at;
        if (at < text.size() && text[at] == ':') {
            if (has_gap) return false;  // a second "::"
            has_gap = true;
            gap = count;
            ++at;
        } else if (at == text.size()) {
            return false;  // a single trailing ':'
        }
    }
    if (!has_gap) {
        if (count != 16) return false;
        for (std::size_t i = 0; i < 16; ++i) out[i] = groups[i];
        return true;
    }
    if (count > 14) return false;  // "::" must stand for at least one group
    const std::size_t zeros = 16 - count;
    for (std::size_t i = 0; i < 16; ++i) out[i] = 0;
    for (std::size_t i = 0; i < gap; ++i) out[i] = groups[i];
    for (std::size_t i = gap; i < count; ++i) out[i + zeros] = groups[i];
    return true;
}

// A host name as DNS spells it: labels of letters, digits, '-' and '_' (seen in the wild), 1-63
// characters, not starting or ending with '-', at most 253 characters in all.
constexpr bool valid_dns_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 253) return false;
    std::size_t label = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '.') {
            if (label == 0 || label > 63 || name[i - 1] == '-' || name[i - label] == '-') return false;
            label = 0;
            continue;
        }
        const char c = lower(name[i]);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
        ++label;
    }
    return true;
}

// A view of ASCII bytes as characters: an IA5String's content. (Not constexpr: the cast is not.)
inline std::string_view as_text(byte_view b) noexcept {
    return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace detail

// Parses an IPv4 or IPv6 address in text; size 0 if `text` is neither.
constexpr ip_address parse_ip_address(std::string_view text) noexcept {
    ip_address a;
    if (detail::parse_ipv4(text, a.octets.data())) {
        a.size = 4;
    } else if (text.find(':') != std::string_view::npos && detail::parse_ipv6(text, a.octets.data())) {
        a.size = 16;
    }
    return a;
}

// Whether a host name matches one dNSName entry (the rules at the top of this file).
constexpr bool dns_name_matches(std::string_view pattern, std::string_view host) noexcept {
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);  // a fully qualified name
    if (!detail::valid_dns_name(host)) return false;
    if (subview(pattern, 0, 2) != "*.") return detail::valid_dns_name(pattern) && detail::equal_ignoring_case(pattern, host);
    const std::string_view rest = subview(pattern, 1);  // ".example.com"
    // At least two labels after the wildcard, all of them valid.
    if (!detail::valid_dns_name(subview(rest, 1)) || subview(rest, 1).find('.') == std::string_view::npos) return false;
    const std::size_t first_dot = host.find('.');
    if (first_dot == std::string_view::npos || first_dot == 0) return false;
    return detail::equal_ignoring_case(subview(host, first_dot), rest);
}

// Whether the certificate's subjectAltName names this host: a DNS name or an IP address
// literal. Malformed entries match nothing.
inline bool matches_host(const certificate& cert, std::string_view host) noexcept {
    const ip_address ip = parse_ip_address(host);
    general_names names(cert.subject_alt_names);
    while (!names.empty()) {
        auto name = names.next();
        if (!name) return false;
        if (ip.size != 0) {
            if (name->tag == general_names::ip_address && der::equal(name->content, ip.view())) return true;
        } else if (name->tag == general_names::dns_name && dns_name_matches(detail::as_text(name->content), host)) {
            return true;
        }
    }
    return false;
}

// Whether the certificate's subjectAltName holds this mailbox as an rfc822Name: the local part
// compared exactly, the domain ASCII case-insensitively (RFC 5280 §7.5).
inline bool matches_email(const certificate& cert, std::string_view email) noexcept {
    const std::size_t at = email.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) return false;
    general_names names(cert.subject_alt_names);
    while (!names.empty()) {
        auto name = names.next();
        if (!name) return false;
        if (name->tag != der::context(1)) continue;
        const std::string_view entry = detail::as_text(name->content);
        const std::size_t entry_at = entry.rfind('@');
        if (entry_at == std::string_view::npos) continue;
        if (subview(entry, 0, entry_at) == subview(email, 0, at) &&
            detail::equal_ignoring_case(subview(entry, entry_at + 1), subview(email, at + 1)))
            return true;
    }
    return false;
}

// RFC 5280 §4.2.1.10 dNSName constraint: "example.com" covers example.com and every name
// below it; ".example.com" only the names below it. Label boundaries count: "badexample.com"
// is not within "example.com".
constexpr bool dns_name_within(std::string_view constraint, std::string_view name) noexcept {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (constraint.empty()) return true;  // an empty constraint covers every name
    if (constraint.front() == '.') {
        return name.size() > constraint.size() &&
               detail::equal_ignoring_case(subview(name, name.size() - constraint.size()), constraint);
    }
    if (detail::equal_ignoring_case(name, constraint)) return true;
    return name.size() > constraint.size() && name[name.size() - constraint.size() - 1] == '.' &&
           detail::equal_ignoring_case(subview(name, name.size() - constraint.size()), constraint);
}

// iPAddress constraint: address then mask (8 bytes for IPv4, 32 for IPv6).
constexpr bool ip_address_within(byte_view constraint, byte_view address) noexcept {
    if (constraint.size() != 2 * address.size()) return false;
    const std::size_t n = address.size();
    for (std::size_t i = 0; i < n; ++i)
        if ((address[i] & constraint[n + i]) != (constraint[i] & constraint[n + i])) return false;
    return true;
}

}  // namespace carapace::x509
