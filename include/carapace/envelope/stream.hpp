// The age v1 payload (age-encryption.org/v1, "Payload"): STREAM (Hoang, Reyhanitabar, Rogaway,
// Vizár, "Online authenticated-encryption and its nonce-reuse misuse-resistance") over
// ChaCha20-Poly1305. Plaintext is cut into 64 KiB chunks; chunk i is sealed under the payload key
// with the nonce i (11 bytes, big-endian) || last (1 byte: 1 for the final chunk, else 0). The
// final chunk may be empty only when the whole payload is, so a full final chunk is not followed
// by an empty one. Truncation, reordering and appended data all fail to authenticate.
//
// Sans-I/O and bounded: the encryptor and decryptor hold at most one chunk. The decryptor writes
// plaintext only after its chunk authenticates (a failed chunk's output is wiped).
// A full-size chunk opens under either nonce (final or not); finish() marks the end of input.
// random_access opens any chunk alone, given the payload's total size: reading a byte range of a
// large file costs the chunks it spans, not the file.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/envelope/error.hpp"

namespace carapace::envelope {

// The plaintext size of a full chunk.
inline constexpr std::size_t chunk_size = 65536;
// The tag size of a chunk.
inline constexpr std::size_t tag_size = 16;
// The size of a full sealed chunk.
inline constexpr std::size_t sealed_chunk_size = chunk_size + tag_size;

namespace detail {
constexpr bytes<12> chunk_nonce(std::uint64_t index, bool last) noexcept {
    bytes<12> n{};
    for (std::size_t i = 0; i < 8; ++i) n[10 - i] = static_cast<std::uint8_t>(index >> (8 * i));
    n[11] = last ? 1 : 0;
    return n;
}
}  // namespace detail

// What one call did: bytes of input consumed, bytes written to the output, and the status.
struct stream_step {
    // Input bytes taken.
    std::size_t consumed = 0;
    // Output bytes written.
    std::size_t produced = 0;
    // ok, or why the stream stopped.
    error status = error::ok;
};

// Encrypts a payload in STREAM chunks of 64 KiB, in any input split.
class stream_encryptor {
public:
    // Starts a payload under the key from payload_key().
    explicit stream_encryptor(fixed_view<32> payload_key) noexcept : aead_(payload_key) {}
    ~stream_encryptor() { secure_wipe(buffer_); }
    stream_encryptor(const stream_encryptor&) = delete;
    stream_encryptor& operator=(const stream_encryptor&) = delete;

    // Takes plaintext; writes at most one sealed chunk (out needs sealed_chunk_size bytes). Call
    // again with the rest of the input until all of it is consumed.
    stream_step update(byte_view in, byte_span out) noexcept {
        stream_step s;
        if (finished_) return {0, 0, error::invalid_argument};
        if (out.size() < sealed_chunk_size) return {0, 0, error::buffer_too_small};
        // A full chunk is sealed only once more plaintext shows it is not the final one.
        if (buffered_ == chunk_size && !in.empty()) {
            s.produced = seal(byte_view(buffer_).first(chunk_size), false, out);
            buffered_ = 0;
            return s;
        }
        if (buffered_ == 0 && in.size() > chunk_size) {
            s.produced = seal(in.first(chunk_size), false, out);
            s.consumed = chunk_size;
            return s;
        }
        const std::size_t take = in.size() < chunk_size - buffered_ ? in.size() : chunk_size - buffered_;
        for (std::size_t i = 0; i < take; ++i) buffer_[buffered_ + i] = in[i];
        buffered_ += take;
        s.consumed = take;
        return s;
    }

    // Seals the final chunk (out needs sealed_chunk_size bytes).
    stream_step finish(byte_span out) noexcept {
        if (finished_) return {0, 0, error::invalid_argument};
        if (out.size() < sealed_chunk_size) return {0, 0, error::buffer_too_small};
        finished_ = true;
        return {0, seal(byte_view(buffer_).first(buffered_), true, out), error::ok};
    }

private:
    std::size_t seal(byte_view plain, bool last, byte_span out) noexcept {
        const auto nonce = detail::chunk_nonce(counter_++, last);
        (void)aead_.seal(nonce, {}, plain, out.first(plain.size() + tag_size));
        return plain.size() + tag_size;
    }

    chacha20_poly1305 aead_;
    std::uint64_t counter_ = 0;
    std::size_t buffered_ = 0;
    bool finished_ = false;
    bytes<chunk_size> buffer_{};
};

// Decrypts a payload chunk by chunk, releasing only authenticated plaintext.
class stream_decryptor {
public:
    // Starts a payload under the key from payload_key().
    explicit stream_decryptor(fixed_view<32> payload_key) noexcept : aead_(payload_key) {}
    ~stream_decryptor() { secure_wipe(buffer_); }
    stream_decryptor(const stream_decryptor&) = delete;
    stream_decryptor& operator=(const stream_decryptor&) = delete;

    // Takes ciphertext; writes at most one chunk of authenticated plaintext (out needs chunk_size
    // bytes). Call again with the rest of the input until all of it is consumed. An error is
    // sticky; the failed chunk's output is zeroed.
    stream_step update(byte_view in, byte_span out) noexcept {
        if (status_ != error::ok) return {0, 0, status_};
        if (finished_) return {0, 0, error::invalid_argument};
        if (out.size() < chunk_size) return {0, 0, error::buffer_too_small};
        if (in.empty()) return {};
        if (saw_last_) {  // bytes after the final chunk
            status_ = error::trailing_data;
            return {0, 0, status_};
        }
        stream_step s;
        if (buffered_ == 0 && in.size() >= sealed_chunk_size) {
            s.produced = open_full(in.first(sealed_chunk_size), out);
            s.consumed = sealed_chunk_size;
        } else {
            const std::size_t room = sealed_chunk_size - buffered_;
            const std::size_t take = in.size() < room ? in.size() : room;
            for (std::size_t i = 0; i < take; ++i) buffer_[buffered_ + i] = in[i];
            buffered_ += take;
            s.consumed = take;
            if (buffered_ == sealed_chunk_size) {
                s.produced = open_full(byte_view(buffer_), out);
                buffered_ = 0;
            }
        }
        s.status = status_;
        return s;
    }

    // The input has ended: opens the buffered final chunk.
    stream_step finish(byte_span out) noexcept {
        if (status_ != error::ok) return {0, 0, status_};
        if (finished_) return {0, 0, error::invalid_argument};
        if (out.size() < chunk_size) return {0, 0, error::buffer_too_small};
        finished_ = true;
        if (saw_last_) return {};
        // No final chunk, or an empty final chunk after others.
        if (buffered_ < tag_size || (buffered_ == tag_size && counter_ != 0)) {
            status_ = error::payload_corrupt;
            return {0, 0, status_};
        }
        const std::size_t n = open(byte_view(buffer_).first(buffered_), true, out);
        return {0, n, status_};
    }

    // ok, or the error that stopped the stream (sticky).
    [[nodiscard]] error status() const noexcept { return status_; }

private:
    // A full-size chunk is the final one or not: the nonce that authenticates it says which, as
    // the reference implementation decides (so the kit's released-plaintext hashes agree). A
    // final one must then be followed by nothing.
    std::size_t open_full(byte_view sealed, byte_span out) noexcept {
        const auto nonce = detail::chunk_nonce(counter_, false);
        if (aead_.open(nonce, {}, sealed.first(sealed_chunk_size), out.first(chunk_size)) == errc::ok) {
            ++counter_;
            return chunk_size;
        }
        saw_last_ = true;
        return open(sealed, true, out);
    }

    std::size_t open(byte_view sealed, bool last, byte_span out) noexcept {
        if (sealed.size() < tag_size || sealed.size() - tag_size > out.size()) {
            status_ = error::payload_corrupt;
            return 0;
        }
        const std::size_t n = sealed.size() - tag_size;
        const auto nonce = detail::chunk_nonce(counter_++, last);
        if (aead_.open(nonce, {}, sealed, out.first(n)) != errc::ok) {
            status_ = error::payload_corrupt;
            return 0;
        }
        return n;
    }

    chacha20_poly1305 aead_;
    std::uint64_t counter_ = 0;
    std::size_t buffered_ = 0;
    bool finished_ = false;
    bool saw_last_ = false;
    error status_ = error::ok;
    bytes<sealed_chunk_size> buffer_{};
};

// Opens chunks of a payload in any order. The payload's total size (after the 16-byte nonce)
// fixes the layout: which chunk is final and how long it is.
class random_access {
public:
    // A byte range of the payload.
    struct range {
        // The range's first byte.
        std::uint64_t offset = 0;
        // The range's size in bytes.
        std::uint64_t size = 0;
    };

    // Opens chunks of a payload of `payload_size` bytes (after the nonce) under `payload_key`.
    explicit random_access(fixed_view<32> payload_key, std::uint64_t payload_size) noexcept
        : aead_(payload_key), size_(payload_size) {
        chunks_ = (payload_size + sealed_chunk_size - 1) / sealed_chunk_size;
        const std::uint64_t last = payload_size - (chunks_ == 0 ? 0 : (chunks_ - 1) * sealed_chunk_size);
        valid_ = chunks_ != 0 && last >= tag_size && !(last == tag_size && chunks_ > 1);
    }

    // payload_corrupt when the size cannot be that of a valid payload.
    [[nodiscard]] error status() const noexcept { return valid_ ? error::ok : error::payload_corrupt; }
    [[nodiscard]] std::uint64_t chunk_count() const noexcept { return valid_ ? chunks_ : 0; }
    [[nodiscard]] std::uint64_t plaintext_size() const noexcept { return valid_ ? size_ - chunks_ * tag_size : 0; }
    // The chunk that holds plaintext byte `offset`.
    [[nodiscard]] static constexpr std::uint64_t chunk_of(std::uint64_t offset) noexcept { return offset / chunk_size; }
    // Where chunk i's sealed bytes sit in the payload (after the nonce).
    [[nodiscard]] range sealed_range(std::uint64_t i) const noexcept {
        if (!valid_ || i >= chunks_) return {};
        const std::uint64_t off = i * sealed_chunk_size;
        return {off, size_ - off < sealed_chunk_size ? size_ - off : sealed_chunk_size};
    }

    // Opens chunk i from its sealed bytes into out (chunk_size bytes suffice): the plaintext size,
    // or payload_corrupt (out zeroed).
    [[nodiscard]] error open_chunk(std::uint64_t i, byte_view sealed, byte_span out, std::size_t& produced) const noexcept {
        produced = 0;
        const range r = sealed_range(i);
        if (!valid_ || i >= chunks_) return error::invalid_argument;
        if (sealed.size() != r.size || sealed.size() < tag_size) return error::payload_corrupt;
        const std::size_t n = sealed.size() - tag_size;
        if (out.size() < n) return error::buffer_too_small;
        const auto nonce = detail::chunk_nonce(i, i + 1 == chunks_);
        if (aead_.open(nonce, {}, sealed, out.first(n)) != errc::ok) return error::payload_corrupt;
        produced = n;
        return error::ok;
    }

private:
    chacha20_poly1305 aead_;
    std::uint64_t size_ = 0;
    std::uint64_t chunks_ = 0;
    bool valid_ = false;
};

}  // namespace carapace::envelope
