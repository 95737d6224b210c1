// The ASCII armor of age v1 files (age-encryption.org/v1, "ASCII armor"): a strict subset of
// RFC 7468 PEM with the label "AGE ENCRYPTED FILE". Strict as the spec asks: padded canonical
// base64 in lines of exactly 64 columns but the last (which is shorter or full, never empty), LF or
// CRLF line ends, no headers, no checksum, no whitespace inside the armor; only whitespace before
// the BEGIN line and after the END line. Work is linear in the text.
//
// Streaming and bounded: decoder and encoder take any split of their input and hold at most one
// line, so an armored file of any size passes through a fixed amount of memory. decode() and
// encode() are the same machines run over a whole buffer.
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

// What one streaming call did: input consumed, output produced, and the status.
struct armor_step {
    std::size_t consumed = 0;   // input bytes (or chars) taken; the caller passes the rest again
    std::size_t produced = 0;   // output bytes (or chars) written to `out`
    error status = error::ok;   // ok, or the sticky error that stopped the stream
};

// Decodes armored text as it arrives. update() consumes what it can and writes the binary to
// `out`; a line is decoded only when `out` has room for it (48 bytes at most), otherwise the call
// returns early and the caller drains its output and calls again with the rest. finish() at the
// end of the input says whether the armor was complete. Errors are sticky.
class decoder {
public:
    // Decodes what it can of `in` into `out`; see the class comment for when it stops early.
    constexpr armor_step update(std::string_view in, byte_span out) noexcept {
        armor_step step;
        std::size_t pos = 0;
        while (pos < in.size() && state_ != state::failed) {
            // Whitespace before BEGIN is skipped; after END nothing else may come.
            if (state_ == state::leading || state_ == state::after_end) {
                if (detail::is_space(in[pos])) {
                    ++pos;
                } else {
                    state_ = state_ == state::leading ? state::begin : state::failed;
                }
                continue;
            }
            // One line: its end within reach of the longest line allowed, or the line is too long.
            const std::string_view rest = in.substr(pos);
            const std::size_t reach = max_raw_line + 1 - line_size_;
            const std::size_t nl = rest.substr(0, reach).find('\n');
            if (nl == std::string_view::npos) {
                if (rest.size() >= reach) {
                    state_ = state::failed;
                    break;
                }
                append(rest);
                pos = in.size();
                break;
            }
            // Room for a data line's bytes before anything of it is taken (a line starting with
            // '-' is END or malformed, and decodes to nothing).
            const char first = line_size_ != 0 ? line_[0] : (nl != 0 ? rest[0] : '\n');
            if (state_ == state::body && first != '-' && out.size() - step.produced < (line_size_ + nl) / 4 * 3) break;
            std::string_view line = rest.substr(0, nl);
            if (line_size_ != 0) {
                append(line);
                line = std::string_view(line_, line_size_);
            }
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            pos += nl + 1;
            step.produced += take_line(line, out.subspan(step.produced));
            line_size_ = 0;
        }
        step.consumed = pos;
        if (state_ == state::failed) {
            step.status = error::armor_malformed;
            secure_wipe(out.first(step.produced));
            step.produced = 0;
        }
        return step;
    }

    // The input ended: ok when the END line came (its line end may be missing) and only
    // whitespace after it.
    [[nodiscard]] constexpr error finish() noexcept {
        if (state_ == state::body && std::string_view(line_, line_size_) == end_line) state_ = state::after_end;
        if (state_ != state::after_end) state_ = state::failed;
        return state_ == state::failed ? error::armor_malformed : error::ok;
    }

private:
    enum class state : std::uint8_t { leading, begin, body, after_end, failed };
    static constexpr std::size_t max_raw_line = columns + 1;  // 64 digits and a CR

    constexpr void append(std::string_view part) noexcept {
        for (const char c : part) line_[line_size_++] = c;
    }
    // One line without its end; returns the bytes it decoded.
    constexpr std::size_t take_line(std::string_view line, byte_span out) noexcept {
        if (state_ == state::begin) {
            state_ = line == begin_line ? state::body : state::failed;
            return 0;
        }
        if (line == end_line) {
            state_ = state::after_end;
            return 0;
        }
        // A data line: after the last (short or padded) one only END may come; no whitespace.
        bool spaced = false;
        for (const char c : line) spaced |= detail::is_space(c);
        if (last_seen_ || line.empty() || line.size() > columns || line.size() % 4 != 0 || spaced) {
            state_ = state::failed;
            return 0;
        }
        if (line.size() < columns || line.find('=') != std::string_view::npos) last_seen_ = true;
        const auto r = base64::decode(line, out);
        if (!r) {
            state_ = state::failed;
            return 0;
        }
        return r.value();
    }

    char line_[max_raw_line + 1] = {};
    std::size_t line_size_ = 0;
    state state_ = state::leading;
    bool last_seen_ = false;
};

// Decodes the armored `text` into the front of `out` (size in `size`). armor_malformed on any
// breach of the rules, buffer_too_small when `out` is too small; `out` is wiped on failure.
[[nodiscard]] constexpr error decode(std::string_view text, byte_span out, std::size_t& size) noexcept {
    decoder d;
    const armor_step step = d.update(text, out);
    error e = step.status;
    if (e == error::ok && step.consumed != text.size()) e = error::buffer_too_small;
    if (e == error::ok) e = d.finish();
    size = e == error::ok ? step.produced : 0;
    if (e != error::ok) secure_wipe(out);
    return e;
}

// Size of the armor of n bytes (LF line ends, a final LF).
constexpr std::size_t encoded_size(std::size_t n) noexcept {
    const std::size_t digits = base64::encoded_size(n, true);
    return begin_line.size() + 1 + digits + (digits + columns - 1) / columns + end_line.size() + 1;
}

// Armors bytes as they arrive: the BEGIN line, then one 64-column line per 48 bytes; finish()
// writes the last, shorter line and the END line. A line is written only when `out` has room
// for it (update: 65 chars, plus the BEGIN line on the first call); the rest stays unconsumed.
class encoder {
public:
    static constexpr std::size_t line_size = columns + 1;  // one full line: 64 chars and its LF
    // The most finish() writes: the BEGIN line (when update() never ran), the last line, the END line.
    static constexpr std::size_t max_finish_size = begin_line.size() + 1 + line_size + end_line.size() + 1;

    constexpr ~encoder() { secure_wipe(pending_); }

    // Armors what it can of `in` into `out`, whole lines only; see the class comment.
    constexpr armor_step update(byte_view in, std::span<char> out) noexcept {
        armor_step step;
        if (!begun_) {
            if (out.size() < begin_line.size() + 1) return step;
            step.produced = put_begin(out);
        }
        while (step.consumed < in.size() && out.size() - step.produced >= line_size) {
            const byte_view rest = in.subspan(step.consumed);
            if (pending_size_ == 0 && rest.size() >= 48) {
                step.produced += put_line(rest.first(48), out.subspan(step.produced));
                step.consumed += 48;
                continue;
            }
            const std::size_t take = rest.size() < 48 - pending_size_ ? rest.size() : 48 - pending_size_;
            for (std::size_t i = 0; i < take; ++i) pending_[pending_size_ + i] = rest[i];
            pending_size_ += take;
            step.consumed += take;
            if (pending_size_ == 48) {
                step.produced += put_line(pending_, out.subspan(step.produced));
                pending_size_ = 0;
            }
        }
        // Bytes that complete no line are kept even when out is full.
        if (step.consumed < in.size() && pending_size_ + (in.size() - step.consumed) < 48) {
            for (std::size_t i = step.consumed; i < in.size(); ++i) pending_[pending_size_++] = in[i];
            step.consumed = in.size();
        }
        return step;
    }

    // What finish() writes now (at most max_finish_size).
    [[nodiscard]] constexpr std::size_t finish_size() const noexcept {
        const std::size_t last = pending_size_ == 0 ? 0 : base64::encoded_size(pending_size_, true) + 1;
        return (begun_ ? 0 : begin_line.size() + 1) + last + end_line.size() + 1;
    }

    // The last line and END: the size written, or 0 (nothing written) when out has less than
    // finish_size() chars.
    constexpr std::size_t finish(std::span<char> out) noexcept {
        if (out.size() < finish_size()) return 0;
        std::size_t o = begun_ ? 0 : put_begin(out);
        if (pending_size_ > 0) o += put_line(byte_view(pending_).first(pending_size_), out.subspan(o));
        pending_size_ = 0;
        for (const char c : end_line) out[o++] = c;
        out[o++] = '\n';
        return o;
    }

private:
    constexpr std::size_t put_begin(std::span<char> out) noexcept {
        for (std::size_t i = 0; i < begin_line.size(); ++i) out[i] = begin_line[i];
        out[begin_line.size()] = '\n';
        begun_ = true;
        return begin_line.size() + 1;
    }
    static constexpr std::size_t put_line(byte_view data, std::span<char> out) noexcept {
        const std::size_t n = base64::encode(data, out, true).value();
        out[n] = '\n';
        return n + 1;
    }

    bytes<48> pending_{};
    std::size_t pending_size_ = 0;
    bool begun_ = false;
};

// Armors `data` into `out`: the size written, or 0 when `out` is too small.
constexpr std::size_t encode(byte_view data, std::span<char> out) noexcept {
    if (out.size() < encoded_size(data.size())) return 0;
    encoder e;
    const armor_step step = e.update(data, out);
    return step.produced + e.finish(out.subspan(step.produced));
}

}  // namespace carapace::envelope::armor
