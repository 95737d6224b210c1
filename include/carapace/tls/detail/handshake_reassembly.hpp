// Handshake message reassembly (RFC 8446 §5.1, §4): the handshake content of records becomes
// whole messages, whatever the record boundaries. A message that lies whole in the record is
// handed out where it is, without a copy and without the buffer (an established connection with
// lent buffers takes its KeyUpdates so, borrowing nothing); a message split across records is
// assembled in the buffer, the record's content taken as room allows (the rest stays pending in
// the record, which the caller keeps until it is drained). Content is wiped in the record as it
// is consumed, so no plaintext of a handshake message stays behind.
//
// A message's header is judged as soon as it is there, by a check the state machine supplies
// (unexpected type, wrong length of a fixed-size message), so a 20,000-byte Finished gets
// decode_error rather than filling the buffer; a message longer than the buffer after that is
// illegal_parameter, as OpenSSL answers an excessive message size.
//
// Key changes (§5.1): handshake messages must not span a change of the read key; empty() tells
// the caller whether anything is left over when it installs a new key.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls::detail {

inline constexpr std::size_t handshake_header_size = 4;

struct handshake_message {
    handshake_type type{};
    byte_view whole;  // header and body, as the transcript takes it
    byte_view body;
};

class handshake_reassembly {
public:
    constexpr handshake_reassembly() noexcept = default;
    handshake_reassembly(const handshake_reassembly&) = delete;
    handshake_reassembly& operator=(const handshake_reassembly&) = delete;

    // The storage messages are assembled in; the largest message taken (header included) is
    // `message_limit`, at most the buffer's size.
    void attach(byte_span buffer, std::size_t message_limit) noexcept {
        buffer_ = buffer;
        limit_ = std::min(message_limit, buffer.size());
    }
    void attach(byte_span buffer) noexcept { attach(buffer, buffer.size()); }
    // Lets go of the storage, which must be empty(); the message limit stays.
    void detach() noexcept { buffer_ = {}; }
    [[nodiscard]] bool attached() const noexcept { return !buffer_.empty(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return limit_; }

    // A record's handshake content; it must stay valid until pending() is false, or absorb()
    // copies it at once.
    void add(byte_span content) noexcept { pending_ = content; }
    // Copies all pending content into the buffer; false when it does not fit (a buffer with room
    // for a record's content beyond the message limit always has room).
    [[nodiscard]] bool absorb() noexcept {
        take_pending();
        return pending_.empty();
    }
    [[nodiscard]] bool pending() const noexcept { return !pending_.empty(); }
    // Nothing buffered and nothing pending: a key may change here (§5.1).
    [[nodiscard]] bool empty() const noexcept { return fill_ == 0 && pending_.empty(); }
    // A partial message is buffered (application data may not interleave, §5.1).
    [[nodiscard]] bool partial() const noexcept { return fill_ != 0; }

    struct next_result {
        error failure = error::none;
        bool ready = false;  // `message` holds a whole message
        handshake_message message;
    };

    // The first whole message: from the record when all of it is there and nothing is buffered,
    // else moving pending bytes into the buffer as room allows (none without a buffer: the caller
    // attaches one when a message is split). `check(type, length)` judges each header once it is
    // there and returns error::none to go on.
    template <class HeaderCheck>
    [[nodiscard]] next_result next(HeaderCheck&& check) noexcept {
        next_result r;
        if (fill_ == 0 && pending_.size() >= handshake_header_size) {
            if (!judge(pending_, check, r)) return r;
            if (pending_.size() >= handshake_header_size + length_of(pending_)) return whole(pending_, r);
        }
        take_pending();
        if (fill_ < handshake_header_size) return r;
        if (!judge(buffer_, check, r)) return r;
        if (fill_ < handshake_header_size + length_of(buffer_)) return r;
        return whole(buffer_, r);
    }

    // Drops the message next() returned, wiping it; in the buffer, what followed it moves to the
    // front.
    void pop(const handshake_message& m) noexcept {
        const std::size_t n = m.whole.size();
        checked_ = false;
        if (!pending_.empty() && m.whole.data() == pending_.data()) {
            secure_wipe(pending_.data(), n);
            pending_ = pending_.subspan(n);
            return;
        }
        std::memmove(buffer_.data(), buffer_.data() + n, fill_ - n);
        secure_wipe(buffer_.data() + fill_ - n, n);
        fill_ -= n;
    }

    // Forgets everything (failure, end of the connection), wiping what was buffered.
    void wipe() noexcept {
        secure_wipe(buffer_.data(), fill_);
        fill_ = 0;
        pending_ = {};
        checked_ = false;
    }

private:
    static std::size_t length_of(byte_view header) noexcept {
        return static_cast<std::size_t>(header[1]) << 16 | static_cast<std::size_t>(header[2]) << 8 | header[3];
    }
    // The header at the front of `from`, judged once: by the state machine, then by our limit.
    template <class HeaderCheck>
    bool judge(byte_view from, HeaderCheck& check, next_result& r) noexcept {
        if (checked_) return true;
        const std::size_t length = length_of(from);
        if (const error e = check(static_cast<handshake_type>(from[0]), length); e != error::none) {
            r.failure = e;
            return false;
        }
        if (handshake_header_size + length > limit_) {
            r.failure = error::illegal_parameter;
            return false;
        }
        checked_ = true;
        return true;
    }
    static next_result& whole(byte_view from, next_result& r) noexcept {
        r.ready = true;
        r.message.type = static_cast<handshake_type>(from[0]);
        r.message.whole = from.first(handshake_header_size + length_of(from));
        r.message.body = r.message.whole.subspan(handshake_header_size);
        return r;
    }
    // Copies pending content into the buffer as room allows, wiping it in the record.
    void take_pending() noexcept {
        if (pending_.empty()) return;
        const std::size_t n = std::min(pending_.size(), buffer_.size() - fill_);
        if (n == 0) return;
        std::memcpy(buffer_.data() + fill_, pending_.data(), n);
        secure_wipe(pending_.data(), n);
        fill_ += n;
        pending_ = pending_.subspan(n);
    }

    byte_span buffer_{};
    byte_span pending_{};
    std::size_t limit_ = 0;
    std::size_t fill_ = 0;
    bool checked_ = false;
};

}  // namespace carapace::tls::detail
