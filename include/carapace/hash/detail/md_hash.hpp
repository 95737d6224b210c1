// The Merkle-Damgard front end shared by SHA-1 and the SHA-2 family (FIPS 180-4 §5.1, §6):
// buffering, padding and the length field. A family supplies its parameters (word type, initial
// state, digest size) and an engine that compresses whole blocks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>
#include <type_traits>

#include "carapace/core/bytes.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// Engine: static void compress(std::array<word, N>& state, const std::uint8_t* blocks,
//                              std::size_t block_count), constexpr where it can be.
template <class Params, class Engine>
class md_hash {
    using word = typename Params::word;
    using state_type = std::remove_const_t<decltype(Params::initial_state)>;
    static constexpr std::size_t word_bytes = sizeof(word);
    // SHA-256 ends its last block with a 64-bit bit count, SHA-512 with a 128-bit one.
    static constexpr std::size_t length_field_bytes = 2 * word_bytes;

public:
    static constexpr const char* algorithm_name = Params::name;
    static constexpr std::size_t digest_size = Params::digest_size;
    static constexpr std::size_t block_size = 16 * word_bytes;
    using digest = bytes<digest_size>;
    using engine = Engine;
    using params = Params;

    constexpr md_hash() noexcept = default;
    constexpr md_hash(const md_hash&) noexcept = default;
    constexpr md_hash& operator=(const md_hash&) noexcept = default;
    constexpr ~md_hash() { wipe(); }

    constexpr md_hash& update(byte_view data) noexcept {
        const std::uint8_t* p = data.data();
        std::size_t n = data.size();
        total_bytes_ += n;
        if (buffered_ != 0) {
            const std::size_t take = n < block_size - buffered_ ? n : block_size - buffered_;
            for (std::size_t i = 0; i < take; ++i) buffer_[buffered_ + i] = p[i];
            buffered_ += take;
            p += take;
            n -= take;
            if (buffered_ < block_size) return *this;
            Engine::compress(state_, buffer_.data(), 1);
            buffered_ = 0;
        }
        if (const std::size_t whole = n / block_size; whole != 0) {
            Engine::compress(state_, p, whole);
            p += whole * block_size;
            n -= whole * block_size;
        }
        for (std::size_t i = 0; i < n; ++i) buffer_[i] = p[i];
        buffered_ = n;
        return *this;
    }

    // Writes the digest and resets the object, ready to hash a new message.
    constexpr void final(fixed_span<digest_size> out) noexcept {
        const std::uint64_t bit_count_low = total_bytes_ << 3;
        const std::uint64_t bit_count_high = total_bytes_ >> 61;
        buffer_[buffered_++] = 0x80;
        if (buffered_ > block_size - length_field_bytes) {
            for (std::size_t i = buffered_; i < block_size; ++i) buffer_[i] = 0;
            Engine::compress(state_, buffer_.data(), 1);
            buffered_ = 0;
        }
        for (std::size_t i = buffered_; i < block_size - 8; ++i) buffer_[i] = 0;
        if constexpr (length_field_bytes == 16) store_be64(buffer_.data() + block_size - 16, bit_count_high);
        store_be64(buffer_.data() + block_size - 8, bit_count_low);
        Engine::compress(state_, buffer_.data(), 1);

        std::array<std::uint8_t, std::tuple_size_v<state_type> * word_bytes> full{};
        for (std::size_t i = 0; i < state_.size(); ++i) {
            if constexpr (word_bytes == 4)
                store_be32(full.data() + 4 * i, state_[i]);
            else
                store_be64(full.data() + 8 * i, state_[i]);
        }
        for (std::size_t i = 0; i < digest_size; ++i) out[i] = full[i];
        secure_wipe(full);
        wipe();
    }

    [[nodiscard]] constexpr digest final() noexcept {
        digest out{};
        final(out);
        return out;
    }

    // One-shot hash of a whole message.
    [[nodiscard]] static constexpr digest hash(byte_view data) noexcept {
        md_hash h;
        h.update(data);
        return h.final();
    }

private:
    constexpr void wipe() noexcept {
        secure_wipe(buffer_);
        state_ = Params::initial_state;
        total_bytes_ = 0;
        buffered_ = 0;
    }

    state_type state_ = Params::initial_state;
    bytes<block_size> buffer_{};
    std::uint64_t total_bytes_ = 0;
    std::size_t buffered_ = 0;
};

}  // namespace carapace::detail
