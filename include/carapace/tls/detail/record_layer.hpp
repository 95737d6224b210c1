// The TLS 1.3 record layer (RFC 8446 §5): framing and limits of received records, their
// protection, the inner content type and padding, and the fragmentation and sealing of what we
// send. It knows nothing of handshake messages: it turns whole records into (type, content) and
// runs of content into records.
//
// Receiving: check_header() judges the five header bytes as soon as they are there (so an
// oversized record is refused before its body is read); open() then takes the whole record,
// mutable, and decrypts it in place. The limits: 2^14 bytes for an unprotected record (§5.1);
// 2^14 + 256 for a protected one (§5.2); and, once decrypted, the inner plaintext (content, type
// and padding together) within 2^14 + 1 or our RFC 8449 record_size_limit when the peer has
// acknowledged it (§5.4; RFC 8449 §4).
// A server that declines early data skips it (§4.2.10): records that do not decrypt under the
// handshake key, or, after a HelloRetryRequest, every application_data record, up to a budget.
//
// Sending: a flight is written straight into the caller's buffer. Handshake messages are appended
// to an open run of plaintext; flush() cuts the run into records of at most the peer's limit (and
// never more than 2^14, protected or not) and seals each in place.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/detail/key_schedule.hpp"
#include "carapace/tls/detail/record_cipher.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls::detail {

// Overhead of one protected record under a key with tags of tag_size bytes: header, inner
// content type, tag (§5.2).
constexpr std::size_t protected_overhead(std::size_t tag_size) noexcept { return record_header_size + 1 + tag_size; }
// The most any suite adds: what a flight planned before its keys are known is sized with.
inline constexpr std::size_t max_protected_overhead = protected_overhead(max_tag_size);
// RFC 8449 form of "no limit": the largest inner plaintext, content plus its type byte.
inline constexpr std::size_t max_inner_plaintext = max_plaintext_size + 1;
// Early data a server that declines it skips before giving up (§4.2.10: "up to the configured
// max_early_data_size"): the largest a server of ours advertises (max_early_data_limit, 2^14)
// with room for the records' overhead.
inline constexpr std::size_t early_data_skip_budget = 2 * max_plaintext_size + 256;

// A received record after open(): its real type and content, decrypted in place. `dropped`: a
// record the layer consumed itself (a compatibility ChangeCipherSpec, skipped early data).
struct opened_record {
    error failure = error::none;
    content_type type = content_type::invalid;
    byte_span content;
    bool was_protected = false;
    bool dropped = false;
};

class record_reader {
public:
    enum class early_data_skip : std::uint8_t {
        none,
        undecryptable,     // after our ServerHello: drop records that fail to open
        application_data,  // after our HelloRetryRequest: drop application_data records
    };

    record_reader() noexcept = default;
    record_reader(const record_reader&) = delete;
    record_reader& operator=(const record_reader&) = delete;

    [[nodiscard]] bool is_protected() const noexcept { return cipher_.active(); }

    // Keys the read direction (§7.3) and resets its sequence number.
    void install(const suite_info& suite, const secret& traffic) noexcept { cipher_.install(suite, traffic); }
    void clear() noexcept {
        cipher_.clear();
        skip_ = early_data_skip::none;
    }

    // RFC 8449: the largest inner plaintext (content and type) we take, once the peer knows it.
    void limit_inner_plaintext(std::size_t limit) noexcept {
        inner_limit_ = static_cast<std::uint16_t>(std::min(limit, max_inner_plaintext));
    }
    // §5: a plaintext ChangeCipherSpec of one 0x01 byte is dropped while this is set.
    void accept_change_cipher_spec(bool accept) noexcept { accept_ccs_ = accept; }
    void skip_early_data(early_data_skip mode) noexcept {
        skip_ = mode;
        skipped_ = 0;
    }

    void set_sequence_for_testing(std::uint64_t n) noexcept { cipher_.set_sequence_for_testing(n); }

    // The header's length field.
    [[nodiscard]] static std::size_t body_length(byte_view header) noexcept {
        return static_cast<std::size_t>(header[3]) << 8 | header[4];
    }

    // Judges a record header before its body is read.
    [[nodiscard]] error check_header(byte_view header) const noexcept {
        const auto type = static_cast<content_type>(header[0]);
        const bool known = type == content_type::handshake || type == content_type::alert ||
                           type == content_type::application_data || type == content_type::change_cipher_spec;
        if (!known) return error::unexpected_message;
        // legacy_record_version is ignored (§5.1), but a first byte other than 3 is not TLS.
        if (header[1] != 0x03) return error::decode_error;
        const std::size_t length = body_length(header);
        const bool sealed = type == content_type::application_data && (is_protected() || skipping());
        if (!sealed) {
            if (length > max_plaintext_size) return error::record_overflow;
            // §5.1: no zero-length handshake or alert fragments.
            if (length == 0 && type != content_type::application_data) return error::unexpected_message;
            return error::none;
        }
        if (length > max_ciphertext_size) return error::record_overflow;
        // The inner plaintext's size is public: refuse one over our limit before decrypting
        // (while skipping early data the record is not ours to judge).
        if (skip_ == early_data_skip::none && length > inner_limit_ + cipher_.tag_size()) return error::record_overflow;
        return error::none;
    }

    // Opens a whole record (header and body) whose header passed check_header.
    [[nodiscard]] opened_record open(byte_span record) noexcept {
        const auto type = static_cast<content_type>(record[0]);
        byte_span body = record.subspan(record_header_size);
        if (type == content_type::change_cipher_spec) {
            if (!accept_ccs_ || body.size() != 1 || body[0] != 1) return fail(error::unexpected_message);
            return dropped();
        }
        if (type != content_type::application_data) {
            // Unprotected handshake or alert. Once protected, only an alert may still come in the
            // clear (a peer that fails before it has our keys); the caller judges it.
            if (is_protected() && type != content_type::alert) return fail(error::unexpected_message);
            opened_record r;
            r.type = type;
            r.content = body;
            return r;
        }
        if (skip_ == early_data_skip::application_data) return skip(body.size());
        if (!is_protected()) return fail(error::unexpected_message);
        const byte_view header = byte_view(record).first(record_header_size);
        if (cipher_.open(header, body) != errc::ok) {
            if (skip_ == early_data_skip::undecryptable) {
                cipher_.rewind();  // the skipped record used no sequence number
                return skip(body.size());
            }
            return fail(error::bad_record_mac);
        }
        skip_ = early_data_skip::none;  // the peer's first real record ends the early data
        const byte_span inner = body.first(body.size() - cipher_.tag_size());
        const inner_plaintext parsed = parse_inner_plaintext(inner);
        if (parsed.type == content_type::invalid) return fail(error::unexpected_message);
        opened_record r;
        r.type = parsed.type;
        r.content = inner.first(parsed.content_size);
        r.was_protected = true;
        if (r.type == content_type::change_cipher_spec) return fail(error::unexpected_message);
        // §5.1 and §5.4: no zero-length handshake or alert content (padding or not).
        if (r.content.empty() && r.type != content_type::application_data) return fail(error::unexpected_message);
        return r;
    }

private:
    [[nodiscard]] bool skipping() const noexcept { return skip_ != early_data_skip::none; }
    static opened_record fail(error e) noexcept {
        opened_record r;
        r.failure = e;
        return r;
    }
    static opened_record dropped() noexcept {
        opened_record r;
        r.dropped = true;
        return r;
    }
    opened_record skip(std::size_t size) noexcept {
        skipped_ = static_cast<std::uint16_t>(skipped_ + size);  // size: one record, at most 2^14 + 256
        if (skipped_ > early_data_skip_budget) return fail(error::bad_record_mac);
        return dropped();
    }

    [[no_unique_address]] record_cipher cipher_{};  // its tail padding holds the fields after it
    // Small fields, so they fit in the cipher's tail padding (an idle connection holds two).
    std::uint16_t inner_limit_ = max_inner_plaintext;
    std::uint16_t skipped_ = 0;  // at most the budget plus one record
    static_assert(early_data_skip_budget + max_ciphertext_size <= 0xffff);
    early_data_skip skip_ = early_data_skip::none;
    bool accept_ccs_ = false;
};

// The write direction: its cipher, the peer's RFC 8449 limit and the key's usage limit.
class record_writer {
public:
    record_writer() noexcept = default;
    record_writer(const record_writer&) = delete;
    record_writer& operator=(const record_writer&) = delete;

    [[nodiscard]] bool is_protected() const noexcept { return cipher_.active(); }
    void install(const suite_info& suite, const secret& traffic) noexcept { cipher_.install(suite, traffic); }
    void clear() noexcept { cipher_.clear(); }

    // True when this key must be replaced by a KeyUpdate before more records are sealed (§5.5).
    [[nodiscard]] bool near_limit() const noexcept { return cipher_.near_limit(); }

    // RFC 8449: the peer's limit on inner plaintexts (content plus type).
    void limit_inner_plaintext(std::size_t limit) noexcept {
        peer_limit_ = static_cast<std::uint16_t>(std::min(limit, max_inner_plaintext));
    }
    // The most content we put in one record, protected or not (§5.1: never over 2^14).
    [[nodiscard]] std::size_t max_fragment() const noexcept { return peer_limit_ - 1; }

    // What one record adds to its content under the current protection.
    [[nodiscard]] std::size_t overhead() const noexcept {
        return is_protected() ? protected_overhead(cipher_.tag_size()) : record_header_size;
    }
    // What one protected record adds: under the current key, or the most any suite adds while
    // there is none yet.
    [[nodiscard]] std::size_t sealed_overhead() const noexcept { return protected_overhead(cipher_.tag_size()); }

    // Output bytes for `content` bytes sent as records of the current protection.
    [[nodiscard]] std::size_t records_size(std::size_t content) const noexcept {
        if (content == 0) return 0;
        const std::size_t records = (content + max_fragment() - 1) / max_fragment();
        return content + records * overhead();
    }
    // The same for protected records, whatever the current protection.
    [[nodiscard]] std::size_t protected_size(std::size_t content) const noexcept {
        if (content == 0) return 0;
        return content + (content + max_fragment() - 1) / max_fragment() * sealed_overhead();
    }

    // record = header (written here) || inner plaintext of inner_size bytes || room for the tag.
    std::size_t seal(byte_span record, std::size_t inner_size) noexcept { return cipher_.seal(record, inner_size); }

    // For tests: puts the sequence number where the key-usage limit is near.
    void set_sequence_for_testing(std::uint64_t n) noexcept { cipher_.set_sequence_for_testing(n); }

private:
    [[no_unique_address]] record_cipher cipher_{};  // its tail padding holds the fields after it
    std::uint16_t peer_limit_ = max_inner_plaintext;  // small: see record_reader
};

// Builds outgoing records in the caller's buffer. Content (handshake messages, application data,
// an alert) is appended to an open plaintext run, written where its first record's content will
// go; flush() cuts the run into records and seals them. Running out of room marks the flight
// failed; the caller sizes the buffer beforehand so that this never happens.
class flight {
public:
    explicit flight(byte_span out) noexcept : out_(out) {}

    [[nodiscard]] std::size_t size() const noexcept { return pos_; }
    [[nodiscard]] bool ok() const noexcept { return ok_; }
    [[nodiscard]] std::size_t room() const noexcept { return out_.size() - pos_; }

    // Where the next content goes; commit() adds what was written to the run.
    [[nodiscard]] byte_span content_space() noexcept {
        const std::size_t at = pos_ + record_header_size + run_;
        if (at >= out_.size()) return {};
        return out_.subspan(at);
    }
    [[nodiscard]] byte_view committed(std::size_t n) const noexcept {
        return byte_view(out_).subspan(pos_ + record_header_size + run_ - n, n);
    }
    // The same, writable: a ClientHello's binders are filled in after it is encoded.
    [[nodiscard]] byte_span committed_for_update(std::size_t n) noexcept {
        return out_.subspan(pos_ + record_header_size + run_ - n, n);
    }
    void commit(std::size_t n) noexcept { run_ += n; }
    void fail() noexcept { ok_ = false; }
    void drop_run() noexcept { run_ = 0; }

    // Cuts the run into records of `type`: plaintext records of `version` while the writer is
    // unprotected, else protected records whose inner type is `type`.
    void flush(record_writer& writer, content_type type, std::uint16_t version = legacy_version_tls12) noexcept {
        if (run_ == 0 || !ok_) return;
        const bool sealed = writer.is_protected();
        const std::size_t overhead = writer.overhead();
        const std::size_t chunk = writer.max_fragment();
        const std::size_t records = (run_ + chunk - 1) / chunk;
        if (out_.size() - pos_ < run_ + records * overhead) {
            ok_ = false;
            return;
        }
        // Move the chunks to their final places, last first so nothing is overwritten.
        for (std::size_t i = records; i-- > 1;) {
            const std::size_t n = i + 1 == records ? run_ - i * chunk : chunk;
            std::memmove(out_.data() + pos_ + i * (chunk + overhead) + record_header_size,
                         out_.data() + pos_ + record_header_size + i * chunk, n);
        }
        for (std::size_t i = 0; i < records; ++i) {
            const std::size_t n = i + 1 == records ? run_ - i * chunk : chunk;
            const byte_span rec = out_.subspan(pos_);
            if (sealed) {
                rec[record_header_size + n] = static_cast<std::uint8_t>(type);
                pos_ += writer.seal(rec, n + 1);
            } else {
                rec[0] = static_cast<std::uint8_t>(type);
                rec[1] = static_cast<std::uint8_t>(version >> 8);
                rec[2] = static_cast<std::uint8_t>(version);
                rec[3] = static_cast<std::uint8_t>(n >> 8);
                rec[4] = static_cast<std::uint8_t>(n);
                pos_ += record_header_size + n;
            }
        }
        run_ = 0;
    }

    // One record holding `content` (an alert), protected when the writer is.
    void record(record_writer& writer, content_type type, byte_view content) noexcept {
        const byte_span space = content_space();
        if (run_ != 0 || space.size() < content.size()) {
            ok_ = false;
            return;
        }
        std::memcpy(space.data(), content.data(), content.size());
        commit(content.size());
        flush(writer, type);
    }

    // The middlebox-compatibility ChangeCipherSpec (§D.4): always a plaintext record.
    void change_cipher_spec() noexcept {
        record_writer plain;
        const std::uint8_t ccs[1] = {1};
        record(plain, content_type::change_cipher_spec, ccs);
    }

private:
    byte_span out_;
    std::size_t pos_ = 0;
    std::size_t run_ = 0;
    bool ok_ = true;
};

}  // namespace carapace::tls::detail
