// Reading and writing the TLS presentation language (RFC 8446 §3): big-endian integers and
// vectors with 1-, 2- or 3-byte length prefixes. A reader that runs off its end or a writer that
// runs out of room records it once and then does nothing, so a codec checks `ok()` at the end
// instead of after every field.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"

namespace carapace::tls::detail {

class reader {
public:
    constexpr reader() noexcept = default;
    constexpr explicit reader(byte_view data) noexcept : data_(data) {}

    [[nodiscard]] constexpr bool ok() const noexcept { return ok_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return pos_ == data_.size(); }
    [[nodiscard]] constexpr std::size_t remaining() const noexcept { return data_.size() - pos_; }
    // True when everything was read and nothing overran: a whole structure decoded exactly.
    [[nodiscard]] constexpr bool done() const noexcept { return ok_ && empty(); }
    constexpr void fail() noexcept {
        ok_ = false;
        pos_ = data_.size();
    }

    constexpr std::uint32_t u8() noexcept { return number(1); }
    constexpr std::uint32_t u16() noexcept { return number(2); }
    constexpr std::uint32_t u24() noexcept { return number(3); }
    constexpr std::uint32_t u32() noexcept { return number(4); }

    constexpr byte_view bytes(std::size_t n) noexcept {
        if (n > remaining()) {
            fail();
            return {};
        }
        const byte_view out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }
    constexpr byte_view rest() noexcept { return bytes(remaining()); }

    // A vector with a LengthBytes-byte length prefix whose length lies in [min, max].
    template <std::size_t LengthBytes>
    constexpr byte_view vector(std::size_t min = 0, std::size_t max = std::size_t(-1)) noexcept {
        const std::size_t n = number(LengthBytes);
        if (!ok_ || n < min || n > max) {
            fail();
            return {};
        }
        return bytes(n);
    }
    template <std::size_t LengthBytes>
    constexpr reader sub(std::size_t min = 0, std::size_t max = std::size_t(-1)) noexcept {
        return reader(vector<LengthBytes>(min, max));
    }

private:
    constexpr std::uint32_t number(std::size_t n) noexcept {
        const byte_view b = bytes(n);
        std::uint32_t v = 0;
        for (auto x : b) v = (v << 8) | x;
        return v;
    }

    byte_view data_{};
    std::size_t pos_ = 0;
    bool ok_ = true;
};

class writer {
public:
    constexpr explicit writer(byte_span out) noexcept : out_(out) {}

    [[nodiscard]] constexpr bool ok() const noexcept { return ok_; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return pos_; }
    [[nodiscard]] constexpr byte_view written() const noexcept { return out_.first(pos_); }

    constexpr void u8(std::uint32_t v) noexcept { number(v, 1); }
    constexpr void u16(std::uint32_t v) noexcept { number(v, 2); }
    constexpr void u24(std::uint32_t v) noexcept { number(v, 3); }
    constexpr void u32(std::uint32_t v) noexcept { number(v, 4); }
    constexpr void bytes(byte_view b) noexcept {
        if (!room(b.size())) return;
        for (auto x : b) out_[pos_++] = x;
    }
    constexpr void zeros(std::size_t n) noexcept {
        if (!room(n)) return;
        for (std::size_t i = 0; i < n; ++i) out_[pos_++] = 0;
    }
    // Reserves room for n bytes and returns them to be filled in by the caller.
    constexpr byte_span reserve(std::size_t n) noexcept {
        if (!room(n)) return {};
        const byte_span s = out_.subspan(pos_, n);
        pos_ += n;
        return s;
    }

    // Gives back the last n reserved bytes that were not used.
    constexpr void unreserve(std::size_t n) noexcept {
        if (ok_ && n <= pos_) pos_ -= n;
    }

    // Opens a length-prefixed vector: write its contents, then close() with what this returned.
    template <std::size_t LengthBytes>
    [[nodiscard]] constexpr std::size_t open() noexcept {
        const std::size_t at = pos_;
        number(0, LengthBytes);
        return at;
    }
    template <std::size_t LengthBytes>
    constexpr void close(std::size_t at) noexcept {
        if (!ok_) return;
        const std::size_t n = pos_ - at - LengthBytes;
        if (LengthBytes < 4 && n >= (std::size_t{1} << (8 * LengthBytes))) {
            ok_ = false;
            return;
        }
        for (std::size_t i = 0; i < LengthBytes; ++i)
            out_[at + i] = static_cast<std::uint8_t>(n >> (8 * (LengthBytes - 1 - i)));
    }
    template <std::size_t LengthBytes>
    constexpr void vector(byte_view b) noexcept {
        const std::size_t at = open<LengthBytes>();
        bytes(b);
        close<LengthBytes>(at);
    }

private:
    constexpr bool room(std::size_t n) noexcept {
        if (!ok_ || n > out_.size() - pos_) {
            ok_ = false;
            return false;
        }
        return true;
    }
    constexpr void number(std::uint32_t v, std::size_t n) noexcept {
        if (!room(n)) return;
        for (std::size_t i = 0; i < n; ++i) out_[pos_++] = static_cast<std::uint8_t>(v >> (8 * (n - 1 - i)));
    }

    byte_span out_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

}  // namespace carapace::tls::detail
