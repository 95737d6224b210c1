// A buffer_pool of Count blocks of BlockSize bytes inside the object: what engines with lent
// buffers (buffering::lent) borrow their handshake storage from. No heap; size it to the number
// of handshakes in progress at once, not to the number of connections.
//
//   tls::fixed_buffer_pool<tls::lent_server::storage_block_size, 64> pool;   // static or global
//   config.buffers = &pool;
//   tls::lent_server s(config);          // 64 handshakes at a time, any number of idle connections
//
// Not thread-safe: one pool per thread (or a caller's own buffer_pool with a lock).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/interfaces.hpp"

namespace carapace::tls {

// A buffer pool of Count blocks of BlockSize bytes in the object itself: no heap.
template <std::size_t BlockSize, std::size_t Count>
class fixed_buffer_pool final : public buffer_pool {
    static_assert(Count > 0 && BlockSize > 0);
    // Blocks follow each other at a multiple of the strictest alignment.
    static constexpr std::size_t stride = (BlockSize + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) *
                                          alignof(std::max_align_t);

public:
    fixed_buffer_pool() noexcept = default;
    fixed_buffer_pool(const fixed_buffer_pool&) = delete;
    fixed_buffer_pool& operator=(const fixed_buffer_pool&) = delete;
    ~fixed_buffer_pool() { secure_wipe(storage_, sizeof(storage_)); }

    byte_span acquire(std::size_t size) noexcept override {
        if (size > BlockSize) return {};
        for (std::size_t i = 0; i < Count; ++i)
            if (!used_[i]) {
                used_[i] = true;
                ++in_use_;
                return byte_span(storage_ + i * stride, BlockSize);
            }
        return {};
    }

    void release(byte_span block) noexcept override {
        if (block.data() < storage_ || block.data() >= storage_ + sizeof(storage_)) return;  // not ours
        const auto offset = static_cast<std::size_t>(block.data() - storage_);
        if (offset % stride != 0 || !used_[offset / stride]) return;
        used_[offset / stride] = false;
        --in_use_;
    }

    // Blocks lent out now.
    [[nodiscard]] std::size_t in_use() const noexcept { return in_use_; }
    // The size of each block.
    static constexpr std::size_t block_size = BlockSize;
    // The number of blocks.
    static constexpr std::size_t capacity = Count;

private:
    alignas(std::max_align_t) std::uint8_t storage_[stride * Count] = {};
    bool used_[Count] = {};
    std::size_t in_use_ = 0;
};

}  // namespace carapace::tls
