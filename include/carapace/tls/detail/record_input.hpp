// Where a received record waits until all of it is there, to be opened in place (RFC 8446 §5.1
// framing: a five-byte header, then its length of body).
//
// buffering::owned: input is copied into a buffer of one whole record, so the caller may hand in
// any split of the stream and forget what was consumed. The opened record's plaintext stays there
// until the next call (app_data points at it); what the next record does not overwrite is wiped.
// buffering::lent: the record is opened in the caller's own (mutable) input; a partial record is
// not consumed, and the caller presents it again with what follows. Its input buffer must hold a
// whole record (max_record_size).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/detail/record_layer.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/interfaces.hpp"

namespace carapace::tls::detail {

template <buffering Buffers>
class record_input;

template <>
class record_input<buffering::owned> {
public:
    using input_type = byte_view;

    record_input() noexcept = default;
    record_input(const record_input&) = delete;
    record_input& operator=(const record_input&) = delete;
    ~record_input() { wipe(); }

    // Takes input until a whole record is there: `record` is then all of it (header and body),
    // else it stays empty (more input needed). A bad header is the error to fail with.
    error next(byte_view input, std::size_t& consumed, const record_reader& reader, byte_span& record,
               bool last_still_needed) noexcept {
        auto take = [&](std::size_t want) {
            const std::size_t n = std::min(want, input.size() - consumed);
            if (n == 0) return;  // an empty input may have a null data pointer, which memcpy must never get
            std::memcpy(record_.data() + fill_, input.data() + consumed, n);
            fill_ += n;
            consumed += n;
        };
        if (fill_ < record_header_size) {
            take(record_header_size - fill_);
            if (fill_ < record_header_size) return error::none;
            if (const error e = reader.check_header(byte_view(record_).first(record_header_size)); e != error::none)
                return e;
        }
        const std::size_t total = record_header_size + record_reader::body_length(record_);
        take(total - fill_);
        if (fill_ < total) return error::none;
        scrub(last_still_needed);  // the part of the last record's plaintext this one did not overwrite
        fill_ = 0;
        used_ = total;
        record = byte_span(record_).first(total);
        return error::none;
    }

    // The end of a call waiting for input: the last record's plaintext goes, unless reassembly
    // still has to take some of it. So a stream of full records costs no extra pass.
    void scrub(bool last_still_needed) noexcept {
        if (used_ <= fill_ || last_still_needed) return;
        secure_wipe(record_.data() + fill_, used_ - fill_);
        used_ = 0;
    }

    void wipe() noexcept {
        secure_wipe(record_);
        fill_ = used_ = 0;
    }

private:
    std::size_t fill_ = 0, used_ = 0;
    bytes<max_record_size> record_{};
};

template <>
class record_input<buffering::lent> {
public:
    using input_type = byte_span;

    // The next whole record at input[consumed...], if all of it is there.
    static error next(byte_span input, std::size_t& consumed, const record_reader& reader, byte_span& record,
                      bool) noexcept {
        const std::size_t left = input.size() - consumed;
        if (left < record_header_size) return error::none;
        const byte_span at = input.subspan(consumed);
        if (const error e = reader.check_header(at.first(record_header_size)); e != error::none) return e;
        const std::size_t total = record_header_size + record_reader::body_length(at);
        if (left < total) return error::none;
        consumed += total;
        record = at.first(total);
        return error::none;
    }
    static void scrub(bool) noexcept {}
    static void wipe() noexcept {}
};

}  // namespace carapace::tls::detail
