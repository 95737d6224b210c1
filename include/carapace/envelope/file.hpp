// Whole-header operations of the age v1 envelope (age-encryption.org/v1): open a header (parse,
// unwrap the file key with the caller's identities, verify the MAC), seal a new header for a set of
// recipients, and rewrap: replace the recipient stanzas and recompute the MAC while the payload
// (nonce and chunks) stays byte for byte what it was, so rotating a KEK rewrites headers only.
//
// The order of checks follows the spec and its test kit: a header that does not parse fails
// before any unwrapping, a stanza's own errors before "no match", and the MAC is checked only
// once a file key is found.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "carapace/core/wipe.hpp"
#include "carapace/envelope/header.hpp"
#include "carapace/envelope/key_wrapper.hpp"
#include "carapace/envelope/keys.hpp"

namespace carapace::envelope {

// A header opened by open_header(): the parsed header, its file key and the payload nonce.
struct opened_header {
    // The parsed header.
    header_view header;
    // The file key an identity unwrapped.
    file_key key{};
    // The payload nonce that follows the header.
    bytes<payload_nonce_size> nonce{};
    std::size_t payload_offset = 0;  // where the STREAM chunks start: header, then the nonce

    ~opened_header() { secure_wipe(key); }
};

// Opens the header at the start of `input` with the first identity that unwraps a stanza.
// need_more_input when `input` ends before the header and nonce do.
[[nodiscard]] inline error open_header(std::string_view input, std::span<key_wrapper* const> identities,
                                       opened_header& out) noexcept {
    if (const error e = parse_header(input, out.header); e != error::ok) return e;
    if (input.size() < out.header.text.size() + payload_nonce_size) return error::need_more_input;
    // An scrypt stanza must be alone in its header (spec), whoever would open it.
    if (out.header.stanza_count > 1) {
        stanza_reader reader(out.header);
        stanza s;
        while (reader.next(s))
            if (s.type == "scrypt") return error::stanza_malformed;
    }
    error found = error::no_match;
    for (key_wrapper* id : identities) {
        stanza_reader reader(out.header);
        stanza s;
        while (found == error::no_match && reader.next(s)) {
            found = id->unwrap(s, out.key);
        }
        if (found != error::no_match) break;
    }
    if (found != error::ok) {
        secure_wipe(out.key);
        return found;
    }
    if (!verify_header_mac(out.key, out.header)) {
        secure_wipe(out.key);
        return error::hmac_mismatch;
    }
    for (std::size_t i = 0; i < payload_nonce_size; ++i)
        out.nonce[i] = static_cast<std::uint8_t>(input[out.header.text.size() + i]);
    out.payload_offset = out.header.text.size() + payload_nonce_size;
    return error::ok;
}

// Writes a header wrapping `key` for every recipient into `out`: its size in `size`.
[[nodiscard]] inline error seal_header(fixed_view<file_key_size> key, std::span<key_wrapper* const> recipients,
                                       random_source& rng, std::span<char> out, std::size_t& size) noexcept {
    size = 0;
    if (recipients.empty()) return error::invalid_argument;
    for (key_wrapper* r : recipients)
        if (r->must_be_alone() && recipients.size() > 1) return error::invalid_argument;
    header_writer w(out);
    for (key_wrapper* r : recipients)
        if (const error e = r->wrap(key, rng, w); e != error::ok) return e;
    const std::string_view covered = w.mac_input();
    if (w.failed()) return error::buffer_too_small;
    auto mac = header_mac(key, covered);
    size = w.finish(mac);
    return size == 0 ? error::buffer_too_small : error::ok;
}

// Starts a new file: a fresh file key and payload nonce, the header in `out`. The caller then
// writes header, nonce, and the stream_encryptor's chunks keyed with payload_key(key, nonce).
[[nodiscard]] inline error begin_file(std::span<key_wrapper* const> recipients, random_source& rng,
                                      std::span<char> out, std::size_t& header_size, file_key& key,
                                      bytes<payload_nonce_size>& nonce) noexcept {
    rng.fill(key);
    rng.fill(nonce);
    const error e = seal_header(key, recipients, rng, out, header_size);
    if (e != error::ok) secure_wipe(key);
    return e;
}

// Rewrap: opens the header at the start of `input` with `identities`, and writes into `out` a new
// header wrapping the same file key for `recipients`. The file becomes out[0, header_size)
// followed by input[old_header_size, end) unchanged (the nonce and every chunk).
[[nodiscard]] inline error rewrap(std::string_view input, std::span<key_wrapper* const> identities,
                                  std::span<key_wrapper* const> recipients, random_source& rng, std::span<char> out,
                                  std::size_t& header_size, std::size_t& old_header_size) noexcept {
    opened_header opened;
    header_size = old_header_size = 0;
    if (const error e = open_header(input, identities, opened); e != error::ok) return e;
    old_header_size = opened.header.text.size();
    return seal_header(opened.key, recipients, rng, out, header_size);
}

}  // namespace carapace::envelope
