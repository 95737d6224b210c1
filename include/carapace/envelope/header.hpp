// The age v1 header (age-encryption.org/v1, "Header"): the version line, the recipient stanzas
// ("-> type args..." then a base64 body wrapped at 64 columns and closed by a short line) and the
// "--- MAC" line. Parsing is strict, as the spec asks: LF line ends only, canonical unpadded
// base64 everywhere, so that a header has one encoding and the MAC covers exactly what was read.
//
// No storage is needed: parse_header() checks the whole header once and returns views into the
// caller's bytes; stanza_reader walks the stanzas again when recipients try to unwrap them.
// header_writer builds a header into the caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/base64.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/envelope/error.hpp"

namespace carapace::envelope {

// The header's first line.
inline constexpr std::string_view version_line = "age-encryption.org/v1\n";
// The size of a file key in bytes.
inline constexpr std::size_t file_key_size = 16;
// The size of the header MAC in bytes.
inline constexpr std::size_t mac_size = 32;
// The width of a stanza body's base64 lines.
inline constexpr std::size_t body_columns = 64;

namespace detail {

constexpr bool is_arg_char(char c) noexcept { return c >= 0x21 && c <= 0x7e; }
constexpr bool is_base64_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// The next line of `text` from `pos` without its '\n', or npos-like failure when there is none.
struct line {
    std::string_view text;
    bool complete = false;
};
constexpr line next_line(std::string_view text, std::size_t pos) noexcept {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) return {text.substr(pos), false};
    return {text.substr(pos, end - pos), true};
}

// Checks "-> arg1 arg2 ..." and counts the arguments (type included).
constexpr bool check_stanza_line(std::string_view l, std::size_t& args) noexcept {
    if (l.size() < 4 || l.substr(0, 3) != "-> ") return false;
    args = 0;
    bool in_arg = false;
    for (std::size_t i = 3; i < l.size(); ++i) {
        if (l[i] == ' ') {
            if (!in_arg) return false;  // empty argument
            in_arg = false;
        } else if (is_arg_char(l[i])) {
            if (!in_arg) ++args;
            in_arg = true;
        } else {
            return false;
        }
    }
    return in_arg;
}

}  // namespace detail

// One recipient stanza, as views into the header.
struct stanza {
    // The stanza's type (its first argument).
    std::string_view type;
    std::string_view args;        // the arguments after the type, separated by single spaces
    std::size_t arg_count = 0;    // not counting the type
    std::string_view body_text;   // base64 lines, each with its '\n'

    // The i-th argument after the type ("" when there is none).
    [[nodiscard]] constexpr std::string_view arg(std::size_t i) const noexcept {
        std::size_t pos = 0;
        for (std::size_t k = 0; k < arg_count; ++k) {
            const std::size_t end = args.find(' ', pos);
            const std::string_view a = args.substr(pos, end == std::string_view::npos ? args.size() - pos : end - pos);
            if (k == i) return a;
            pos = end + 1;
        }
        return {};
    }

    // Size of the decoded body (the text was checked when the header was parsed).
    [[nodiscard]] constexpr std::size_t body_size() const noexcept {
        std::size_t digits = 0;
        for (const char c : body_text) digits += c != '\n' ? 1 : 0;
        return digits / 4 * 3 + (digits % 4 == 0 ? 0 : digits % 4 - 1);
    }

    // Decodes the body into the front of `out`: its size, or buffer_too_small.
    [[nodiscard]] constexpr error decode_body(byte_span out, std::size_t& size) const noexcept {
        size = body_size();
        if (size > out.size()) return error::buffer_too_small;
        std::size_t written = 0, pos = 0;
        while (pos < body_text.size()) {
            const std::size_t end = body_text.find('\n', pos);
            const std::string_view l = body_text.substr(pos, end - pos);
            const auto r = base64::decode_unpadded(l, out.subspan(written));
            if (!r) return error::header_malformed;  // parse_header checked every line
            written += r.value();
            pos = end + 1;
        }
        return error::ok;
    }
};

namespace detail {

// Parses one stanza starting at `pos` (at "-> "). Returns the position after it, 0 on a malformed
// stanza, or text.size() + 1 when the text ends inside it.
constexpr std::size_t parse_stanza(std::string_view text, std::size_t pos, stanza* out) noexcept {
    const line first = next_line(text, pos);
    if (!first.complete) return text.size() + 1;
    std::size_t args = 0;
    if (!check_stanza_line(first.text, args)) return 0;
    std::size_t body_begin = pos + first.text.size() + 1, at = body_begin;
    for (;;) {
        const line l = next_line(text, at);
        if (!l.complete) return text.size() + 1;
        if (l.text.size() > body_columns) return 0;
        for (const char c : l.text)
            if (!is_base64_char(c)) return 0;
        // Each line must decode on its own: full lines are 64 digits (48 bytes), and only the
        // last may end in a partial group, which must be canonical.
        bytes<48> scratch{};
        if (!base64::decode_unpadded(l.text, scratch)) return 0;
        at += l.text.size() + 1;
        if (l.text.size() < body_columns) break;
    }
    if (out != nullptr) {
        const std::string_view rest = first.text.substr(3);
        const std::size_t space = rest.find(' ');
        out->type = rest.substr(0, space);
        out->args = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
        out->arg_count = args - 1;
        out->body_text = text.substr(body_begin, at - body_begin);
    }
    return at;
}

}  // namespace detail

// A parsed header: views into the caller's bytes.
struct header_view {
    std::string_view text;       // the whole header, through the MAC line's '\n'
    std::string_view stanzas;    // every stanza's text
    // The number of stanzas.
    std::size_t stanza_count = 0;
    std::size_t mac_input_size = 0;  // the MAC covers text[0, mac_input_size): through "---"
    // The header MAC from the MAC line.
    bytes<mac_size> mac{};
};

// Walks the stanzas of a parsed header.
class stanza_reader {
public:
    // Reads the stanzas of `h`, which must outlive the reader.
    constexpr explicit stanza_reader(const header_view& h) noexcept : text_(h.stanzas) {}
    // The next stanza into `s`; false at the end or on a malformed stanza.
    [[nodiscard]] constexpr bool next(stanza& s) noexcept {
        if (pos_ >= text_.size()) return false;
        const std::size_t end = detail::parse_stanza(text_, pos_, &s);
        if (end == 0 || end > text_.size()) return false;
        pos_ = end;
        return true;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// Parses the header at the start of `input`. ok with `out` filled; need_more_input when `input`
// ends before the MAC line does (read more, or give up if the caller's limit is reached);
// header_malformed otherwise. Work is linear in the input size.
[[nodiscard]] constexpr error parse_header(std::string_view input, header_view& out) noexcept {
    if (input.size() < version_line.size())
        return version_line.substr(0, input.size()) == input ? error::need_more_input : error::header_malformed;
    if (input.substr(0, version_line.size()) != version_line) return error::header_malformed;
    std::size_t pos = version_line.size(), count = 0;
    for (;;) {
        if (input.size() - pos < 3) {
            const std::string_view rest = input.substr(pos);
            return (std::string_view("---").substr(0, rest.size()) == rest ||
                    std::string_view("-> ").substr(0, rest.size()) == rest)
                       ? error::need_more_input
                       : error::header_malformed;
        }
        if (input.substr(pos, 3) == "---") break;
        const std::size_t end = detail::parse_stanza(input, pos, nullptr);
        if (end == 0) return error::header_malformed;
        if (end > input.size()) return error::need_more_input;
        pos = end;
        ++count;
    }
    const detail::line mac_line = detail::next_line(input, pos);
    // "--- " and 43 digits of a 32-byte MAC.
    constexpr std::size_t mac_line_size = 4 + 43;
    if (!mac_line.complete) {
        return mac_line.text.size() <= mac_line_size ? error::need_more_input : error::header_malformed;
    }
    if (mac_line.text.size() != mac_line_size || mac_line.text.substr(0, 4) != "--- ")
        return error::header_malformed;
    bytes<mac_size> mac{};
    const auto decoded = base64::decode_unpadded(mac_line.text.substr(4), mac);
    if (!decoded || decoded.value() != mac_size) return error::header_malformed;
    out.text = input.substr(0, pos + mac_line_size + 1);
    out.stanzas = input.substr(version_line.size(), pos - version_line.size());
    out.stanza_count = count;
    out.mac_input_size = pos + 3;
    out.mac = mac;
    return error::ok;
}

// Builds a header into the caller's buffer: begin() is implicit, add() each stanza, then the
// caller computes the MAC over mac_input() and calls finish(mac). A too-small buffer makes every
// later call fail with buffer_too_small (sticky).
class header_writer {
public:
    // Writes into `out`, starting with the version line.
    constexpr explicit header_writer(std::span<char> out) noexcept : out_(out) { put(version_line); }

    // One stanza: its type and arguments (each 1+ VCHARs) and its body, wrapped at 64 columns.
    constexpr error add(std::string_view type, std::span<const std::string_view> args, byte_view body) noexcept {
        if (!valid_arg(type)) return error::invalid_argument;
        for (const auto a : args)
            if (!valid_arg(a)) return error::invalid_argument;
        put("-> ");
        put(type);
        for (const auto a : args) {
            put(" ");
            put(a);
        }
        put("\n");
        // 48 bytes make one full 64-column line; a short (maybe empty) line always ends the body.
        std::size_t pos = 0;
        for (;;) {
            const std::size_t take = body.size() - pos < 48 ? body.size() - pos : 48;
            if (failed_ || out_.size() - size_ < base64::encoded_size(take, false) + 1) {
                failed_ = true;
                return error::buffer_too_small;
            }
            const auto n = base64::encode(body.subspan(pos, take), out_.subspan(size_), false);
            size_ += n.value();
            put("\n");
            pos += take;
            if (take < 48) break;
        }
        return failed_ ? error::buffer_too_small : error::ok;
    }

    // Appends "---" and returns the bytes the MAC covers.
    [[nodiscard]] constexpr std::string_view mac_input() noexcept {
        if (!closed_) {
            put("---");
            closed_ = true;
        }
        return failed_ ? std::string_view{} : std::string_view(out_.data(), size_);
    }

    // Appends " MAC\n": the whole header's size, or 0 when the buffer was too small.
    [[nodiscard]] constexpr std::size_t finish(fixed_view<mac_size> mac) noexcept {
        if (!closed_) (void)mac_input();
        put(" ");
        if (!failed_ && out_.size() - size_ >= 44) {
            size_ += base64::encode(mac, out_.subspan(size_), false).value();
            put("\n");
        } else {
            failed_ = true;
        }
        return failed_ ? 0 : size_;
    }

    // True once any call failed (the buffer was too small).
    [[nodiscard]] constexpr bool failed() const noexcept { return failed_; }

private:
    static constexpr bool valid_arg(std::string_view a) noexcept {
        if (a.empty()) return false;
        for (const char c : a)
            if (!detail::is_arg_char(c)) return false;
        return true;
    }
    constexpr void put(std::string_view s) noexcept {
        if (failed_ || out_.size() - size_ < s.size()) {
            failed_ = true;
            return;
        }
        for (const char c : s) out_[size_++] = c;
    }

    std::span<char> out_;
    std::size_t size_ = 0;
    bool failed_ = false;
    bool closed_ = false;
};

}  // namespace carapace::envelope
