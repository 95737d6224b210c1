// PEM (RFC 7468): "-----BEGIN LABEL-----", base64, "-----END LABEL-----". Finds the blocks in a
// text that may hold many of them (a CA bundle) and anything between them (comments, openssl's
// human-readable dumps), with LF or CRLF line ends. Decoding writes into the caller's buffer.
//
//   pem::reader bundle(text);
//   while (auto block = bundle.next()) { ... block->label, pem::decode(*block, buffer) ... }
//   if (!bundle.ok()) { /* a block was malformed */ }
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "carapace/core/base64.hpp"
#include "carapace/core/text.hpp"
#include "carapace/core/error.hpp"

namespace carapace::pem {

// The labels of the blocks the library reads.
inline constexpr std::string_view certificate = "CERTIFICATE", private_key = "PRIVATE KEY",
                                  public_key = "PUBLIC KEY", ec_private_key = "EC PRIVATE KEY";

// One PEM block: its label and its base64 body.
struct block {
    std::string_view label;  // e.g. "CERTIFICATE"
    std::string_view body;   // the base64 text between the lines, whitespace included
};

// The blocks of a text, in order.
class reader {
public:
    // Reads the blocks of `text`, which must outlive the reader.
    constexpr explicit reader(std::string_view text) noexcept : rest_(text) {}

    // The next block, or an error: decode_error once there is none left (then ok() says
    // whether the text simply ended or a block was malformed: no END line, a mismatched label).
    [[nodiscard]] constexpr result<block> next() noexcept {
        constexpr std::string_view begin = "-----BEGIN ", end = "-----END ", dashes = "-----";
        const std::size_t start = find_line_start(begin);
        if (start == std::string_view::npos) {
            rest_ = {};
            return errc::decode_error;
        }
        std::string_view text = subview(rest_, start + begin.size());
        const std::size_t label_end = text.find(dashes);
        const std::size_t line_end = text.find('\n');
        if (label_end == std::string_view::npos || label_end > line_end) return fail();
        const std::string_view label = subview(text, 0, label_end);
        if (!valid_label(label)) return fail();
        text = subview(text, label_end + dashes.size());
        if (!only_space_to_line_end(text)) return fail();
        const std::size_t body_start = text.find('\n');
        if (body_start == std::string_view::npos) return fail();
        text = subview(text, body_start + 1);
        const std::size_t end_at = text.find(end);
        if (end_at == std::string_view::npos) return fail();
        const std::string_view body = subview(text, 0, end_at);
        text = subview(text, end_at + end.size());
        if (subview(text, 0, label.size()) != label || subview(text, label.size(), dashes.size()) != dashes) return fail();
        text = subview(text, label.size() + dashes.size());
        if (!only_space_to_line_end(text)) return fail();
        rest_ = text;
        return block{label, body};
    }

    // False once a malformed block was met.
    [[nodiscard]] constexpr bool ok() const noexcept { return !malformed_; }

private:
    // Where `marker` starts a line of rest_ (leading spaces and tabs allowed), or npos.
    constexpr std::size_t find_line_start(std::string_view marker) const noexcept {
        for (std::size_t at = rest_.find(marker); at != std::string_view::npos; at = rest_.find(marker, at + 1)) {
            std::size_t i = at;
            while (i > 0 && (rest_[i - 1] == ' ' || rest_[i - 1] == '\t')) --i;
            if (i == 0 || rest_[i - 1] == '\n') return at;
        }
        return std::string_view::npos;
    }

    // RFC 7468 labels: printable ASCII without '-' at either end; we also refuse the empty one.
    static constexpr bool valid_label(std::string_view label) noexcept {
        if (label.empty() || label.front() == '-' || label.back() == '-' || label.front() == ' ') return false;
        for (const char c : label)
            if (c < 0x20 || c > 0x7e) return false;
        return true;
    }

    // Only blanks (and the CR of a CRLF) up to the end of the line or of the text.
    static constexpr bool only_space_to_line_end(std::string_view text) noexcept {
        for (const char c : text) {
            if (c == '\n') return true;
            if (c != ' ' && c != '\t' && c != '\r') return false;
        }
        return true;
    }

    constexpr result<block> fail() noexcept {
        malformed_ = true;
        rest_ = {};
        return errc::decode_error;
    }

    std::string_view rest_;
    bool malformed_ = false;
};

// The upper bound on a block's decoded size, for sizing a buffer.
constexpr std::size_t max_decoded_size(const block& b) noexcept { return base64::max_decoded_size(b.body); }

// Decodes a block's body into the front of `out`; returns how many bytes it wrote. PEM headers
// (RFC 1421 "Proc-Type:" lines, encrypted keys) are not base64 and are refused as decode_error.
[[nodiscard]] constexpr result<std::size_t> decode(const block& b, std::span<std::uint8_t> out) noexcept {
    return base64::decode(b.body, out);
}

// The first block with this label in `text`, decoded into `out`; returns the bytes written.
[[nodiscard]] constexpr result<std::size_t> decode_first(std::string_view text, std::string_view label,
                                                         std::span<std::uint8_t> out) noexcept {
    reader r(text);
    for (auto b = r.next(); b; b = r.next())
        if (b->label == label) return decode(*b, out);
    return errc::decode_error;
}

}  // namespace carapace::pem
