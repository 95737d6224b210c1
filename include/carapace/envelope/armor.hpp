// The ASCII armor of age v1 files (age-encryption.org/v1, "ASCII armor"): a strict subset of
// RFC 7468 PEM with the label "AGE ENCRYPTED FILE". Strict as the spec asks: padded canonical
// base64 in lines of exactly 64 columns but the last (which is shorter or full, never empty), LF or
// CRLF line ends, no headers, no checksum, no whitespace inside the armor; only whitespace before
// the BEGIN line and after the END line. Work is linear in the text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/base64.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/envelope/error.hpp"

namespace carapace::envelope::armor {

// The armor's first line.
inline constexpr std::string_view begin_line = "-----BEGIN AGE ENCRYPTED FILE-----";
// The armor's last line.
inline constexpr std::string_view end_line = "-----END AGE ENCRYPTED FILE-----";
// The width of the base64 lines.
inline constexpr std::size_t columns = 64;

namespace detail {
constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
constexpr std::size_t skip_space(std::string_view t, std::size_t pos) noexcept {
    while (pos < t.size() && is_space(t[pos])) ++pos;
    return pos;
}
// Reads one line from pos (LF or CRLF end; `eof_ok` allows the text to end instead).
constexpr bool read_line(std::string_view t, std::size_t& pos, std::string_view& line, bool eof_ok) noexcept {
    const std::size_t nl = t.find('\n', pos);
    if (nl == std::string_view::npos) {
        if (!eof_ok) return false;
        line = t.substr(pos);
        pos = t.size();
        return true;
    }
    std::size_t end = nl;
    if (end > pos && t[end - 1] == '\r') --end;
    line = t.substr(pos, end - pos);
    pos = nl + 1;
    return true;
}
}  // namespace detail

// Whether `text` looks armored: its first non-whitespace bytes are the BEGIN line.
constexpr bool looks_armored(std::string_view text) noexcept {
    const std::size_t pos = detail::skip_space(text, 0);
    return text.substr(pos, begin_line.size()) == begin_line;
}

// Decodes the armored `text` into the front of `out` (size in `size`). armor_malformed on any
// breach of the rules, buffer_too_small when `out` is too small; `out` is wiped on failure.
[[nodiscard]] constexpr error decode(std::string_view text, byte_span out, std::size_t& size) noexcept {
    size = 0;
    std::size_t pos = detail::skip_space(text, 0);
    std::string_view line;
    if (!detail::read_line(text, pos, line, false) || line != begin_line) return error::armor_malformed;
    bool last_seen = false;
    error e = error::armor_malformed;
    while (detail::read_line(text, pos, line, true)) {
        if (line == end_line) {
            // Only whitespace may follow.
            if (detail::skip_space(text, pos) == text.size()) e = error::ok;
            break;
        }
        // A data line: after the last (short or padded) one only END may come; no whitespace.
        if (last_seen || line.empty() || line.size() > columns || line.size() % 4 != 0) break;
        bool spaced = false;
        for (const char c : line) spaced |= detail::is_space(c);
        if (spaced) break;
        if (line.size() < columns || line.find('=') != std::string_view::npos) last_seen = true;
        const auto r = base64::decode(line, out.subspan(size));
        if (!r) {
            if (r.error() == errc::buffer_too_small) e = error::buffer_too_small;
            break;
        }
        size += r.value();
        if (pos >= text.size()) break;  // no END line
    }
    if (e != error::ok) {
        secure_wipe(out);
        size = 0;
    }
    return e;
}

// Size of the armor of n bytes (LF line ends, a final LF).
constexpr std::size_t encoded_size(std::size_t n) noexcept {
    const std::size_t digits = base64::encoded_size(n, true);
    return begin_line.size() + 1 + digits + (digits + columns - 1) / columns + end_line.size() + 1;
}

// Armors `data` into `out`: the size written, or 0 when `out` is too small.
constexpr std::size_t encode(byte_view data, std::span<char> out) noexcept {
    if (out.size() < encoded_size(data.size())) return 0;
    std::size_t o = 0;
    auto put = [&](std::string_view s) {
        for (const char c : s) out[o++] = c;
    };
    put(begin_line);
    put("\n");
    for (std::size_t i = 0; i < data.size(); i += 48) {
        const std::size_t take = data.size() - i < 48 ? data.size() - i : 48;
        o += base64::encode(data.subspan(i, take), out.subspan(o), true).value();
        put("\n");
    }
    put(end_line);
    put("\n");
    return o;
}

}  // namespace carapace::envelope::armor
