// A strict DER reader (X.690 §10, as RFC 5280 requires for certificates): definite lengths in
// their shortest form, single-byte tags, nothing after the end. Elements are views into the
// caller's buffer: nothing is copied, nothing allocated. Untrusted input gets decode_error.
//
//   der::reader cert(bytes);
//   auto seq = cert.expect(der::sequence);          // the outer SEQUENCE
//   der::reader fields(seq->content);               // and its fields, one by one
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"

namespace carapace::der {

// Tags as they appear on the wire: class, constructed bit and number in one byte.
inline constexpr std::uint8_t boolean = 0x01, integer = 0x02, bit_string = 0x03, octet_string = 0x04,
                              null = 0x05, object_identifier = 0x06, utf8_string = 0x0c,
                              printable_string = 0x13, teletex_string = 0x14, ia5_string = 0x16,
                              utc_time = 0x17, generalized_time = 0x18, universal_string = 0x1c,
                              bmp_string = 0x1e, sequence = 0x30, set = 0x31;

// [n] IMPLICIT on a primitive type, and [n] on a constructed one (or EXPLICIT).
constexpr std::uint8_t context(unsigned n) noexcept { return static_cast<std::uint8_t>(0x80u | n); }
constexpr std::uint8_t context_constructed(unsigned n) noexcept { return static_cast<std::uint8_t>(0xa0u | n); }

// Whether a tag has the constructed bit.
constexpr bool is_constructed(std::uint8_t tag) noexcept { return (tag & 0x20u) != 0; }

// One DER element: its tag and its content.
struct element {
    // The tag byte (class, constructed bit, number).
    std::uint8_t tag = 0;
    byte_view content;  // the value octets
    byte_view encoded;  // tag, length and value: what a signature covers
};

// Reads the elements of one level, in order.
class reader {
public:
    constexpr reader() noexcept = default;
    // Reads the elements in `data`.
    constexpr explicit reader(byte_view data) noexcept : rest_(data) {}

    // True when nothing is left.
    [[nodiscard]] constexpr bool empty() const noexcept { return rest_.empty(); }

    // The next element, whatever its tag.
    [[nodiscard]] constexpr result<element> next() noexcept {
        if (rest_.size() < 2) return errc::decode_error;
        const std::uint8_t tag = rest_[0];
        if ((tag & 0x1fu) == 0x1fu) return errc::decode_error;  // multi-byte tags: not in X.509
        std::size_t length = rest_[1], header = 2;
        if (length & 0x80u) {
            const std::size_t count = length & 0x7fu;
            // 0x80 is BER's indefinite length; DER takes the short form below 128 and no
            // leading zero octets; more than four octets would describe more than 4 GiB.
            if (count == 0 || count > 4 || rest_.size() < 2 + count || rest_[2] == 0) return errc::decode_error;
            length = 0;
            for (std::size_t i = 0; i < count; ++i) length = length << 8 | rest_[2 + i];
            if (length < 0x80) return errc::decode_error;
            header += count;
        }
        if (length > rest_.size() - header) return errc::decode_error;
        element e{tag, rest_.subspan(header, length), rest_.first(header + length)};
        rest_ = rest_.subspan(header + length);
        return e;
    }

    // The next element, which must have this tag.
    [[nodiscard]] constexpr result<element> expect(std::uint8_t tag) noexcept {
        reader copy = *this;
        auto e = copy.next();
        if (!e) return e.error();
        if (e->tag != tag) return errc::decode_error;
        *this = copy;
        return e;
    }

    // Whether the next element (if any) has this tag; for OPTIONAL and DEFAULT fields.
    [[nodiscard]] constexpr bool next_is(std::uint8_t tag) const noexcept {
        return !rest_.empty() && rest_[0] == tag;
    }

private:
    byte_view rest_;
};

// The whole of `data` is exactly one element with this tag.
[[nodiscard]] constexpr result<element> parse_single(byte_view data, std::uint8_t tag) noexcept {
    reader r(data);
    auto e = r.expect(tag);
    if (e && !r.empty()) return errc::decode_error;
    return e;
}

// The value of a BOOLEAN: DER allows only 0x00 and 0xff.
[[nodiscard]] constexpr result<bool> to_boolean(const element& e) noexcept {
    if (e.tag != boolean || e.content.size() != 1) return errc::decode_error;
    if (e.content[0] == 0x00) return false;
    if (e.content[0] == 0xff) return true;
    return errc::decode_error;
}

// The two's-complement octets of an INTEGER, checked to be in their shortest form.
[[nodiscard]] constexpr result<byte_view> integer_octets(const element& e) noexcept {
    const byte_view c = e.content;
    if (e.tag != integer || c.empty()) return errc::decode_error;
    if (c.size() > 1 && ((c[0] == 0x00 && (c[1] & 0x80u) == 0) || (c[0] == 0xff && (c[1] & 0x80u) != 0)))
        return errc::decode_error;
    return c;
}

// A non-negative INTEGER that fits in 64 bits (versions, path lengths).
[[nodiscard]] constexpr result<std::uint64_t> to_unsigned(const element& e) noexcept {
    auto octets = integer_octets(e);
    if (!octets) return octets.error();
    byte_view c = *octets;
    if ((c[0] & 0x80u) != 0) return errc::decode_error;  // negative
    if (c[0] == 0x00 && c.size() > 1) c = c.subspan(1);
    if (c.size() > 8) return errc::decode_error;
    std::uint64_t v = 0;
    for (const std::uint8_t b : c) v = v << 8 | b;
    return v;
}

// A BIT STRING's octets and the count of unused bits in the last one.
struct bits {
    // The octets after the unused-bits count.
    byte_view octets;
    unsigned unused = 0;  // bits of the last octet that are not part of the string
};

// The value of a BIT STRING: the unused-bit count is 0..7, 0 when empty, and those bits zero.
[[nodiscard]] constexpr result<bits> to_bits(const element& e) noexcept {
    if (e.tag != bit_string || e.content.empty()) return errc::decode_error;
    const unsigned unused = e.content[0];
    const byte_view octets = e.content.subspan(1);
    if (unused > 7 || (octets.empty() && unused != 0)) return errc::decode_error;
    if (!octets.empty() && (octets.back() & ((1u << unused) - 1u)) != 0) return errc::decode_error;
    return bits{octets, unused};
}

// Whether named bit n (bit 0 is the first, most significant) is set.
constexpr bool bit_is_set(const bits& b, std::size_t n) noexcept {
    const std::size_t count = b.octets.size() * 8 - b.unused;
    return n < count && ((static_cast<unsigned>(b.octets[n / 8]) >> (7 - n % 8)) & 1u) != 0;
}

// An OBJECT IDENTIFIER's content octets, checked: non-empty, each arc minimally encoded and
// complete. Compare them with the oid constants as bytes.
[[nodiscard]] constexpr result<byte_view> oid_octets(const element& e) noexcept {
    const byte_view c = e.content;
    if (e.tag != object_identifier || c.empty() || (c.back() & 0x80u) != 0) return errc::decode_error;
    bool arc_start = true;
    for (const std::uint8_t b : c) {
        if (arc_start && b == 0x80) return errc::decode_error;  // a leading zero septet
        arc_start = (b & 0x80u) == 0;
    }
    return c;
}

// Byte-for-byte equality of two encodings (public data: not constant time).
constexpr bool equal(byte_view a, byte_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// Seconds since 1970-01-01 00:00:00 UTC for a proleptic Gregorian date and time of the years
// 0 to 9999 (what the four digits of a certificate time can say). The day count fits 32 bits, so
// a 32-bit target needs no 64-bit division here.
constexpr std::int64_t unix_time(std::int32_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                                 unsigned second) noexcept {
    // Days from civil (H. Hinnant's algorithm): March-based years make leap days come last.
    const std::int32_t y = year - (month <= 2 ? 1 : 0);
    const std::int32_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int32_t year_of_era = y - era * 400;
    const auto day_of_year = static_cast<std::int32_t>((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1);
    const std::int32_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    const std::int32_t days = era * 146097 + day_of_era - 719468;
    return std::int64_t{days} * 86400 + hour * 3600 + minute * 60 + second;
}

// A UTCTime (YYMMDDHHMMSSZ; YY below 50 is 20YY) or GeneralizedTime (YYYYMMDDHHMMSSZ) as RFC
// 5280 §4.1.2.5 profiles them: seconds present, no fractions, always Z. Seconds since the epoch.
[[nodiscard]] constexpr result<std::int64_t> to_time(const element& e) noexcept {
    const byte_view c = e.content;
    const std::size_t year_digits = e.tag == utc_time ? 2 : e.tag == generalized_time ? 4 : 0;
    if (year_digits == 0 || c.size() != year_digits + 11 || c.back() != 'Z') return errc::decode_error;
    for (std::size_t i = 0; i + 1 < c.size(); ++i)
        if (c[i] < '0' || c[i] > '9') return errc::decode_error;
    auto number = [&](std::size_t at, std::size_t n) {
        unsigned v = 0;
        for (std::size_t i = 0; i < n; ++i) v = v * 10 + (c[at + i] - '0');
        return v;
    };
    auto year = static_cast<std::int32_t>(number(0, year_digits));
    if (year_digits == 2) year += year < 50 ? 2000 : 1900;
    const std::size_t at = year_digits;
    const unsigned month = number(at, 2), day = number(at + 2, 2), hour = number(at + 4, 2),
                   minute = number(at + 6, 2), second = number(at + 8, 2);
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    constexpr unsigned month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return errc::decode_error;
    if (day > month_days[month - 1] + (month == 2 && leap ? 1u : 0u)) return errc::decode_error;
    return unix_time(year, month, day, hour, minute, second);
}

// Whether `data` is a sequence of well-formed elements whose constructed ones nest at most
// `max_depth` deep and contain only well-formed elements. For fuzzing and for checking input
// before it is walked generically; the certificate parser checks its own structure.
[[nodiscard]] constexpr bool well_formed(byte_view data, unsigned max_depth) noexcept {
    reader r(data);
    while (!r.empty()) {
        auto e = r.next();
        if (!e) return false;
        if (is_constructed(e->tag) && (max_depth == 0 || !well_formed(e->content, max_depth - 1))) return false;
    }
    return true;
}

}  // namespace carapace::der
