// Where a connection keeps what it needs only while handshake messages are in flight: the
// handshake state (`State`: transcript, handshake secrets, key shares, the peer's key...) and the
// buffer messages are reassembled in. Both are made on acquire() and destroyed and wiped on
// release(), so nothing of a handshake outlives it.
//
// buffering::owned: the storage is inside the engine object; acquire() always succeeds.
// buffering::lent: the storage is a block borrowed from the caller's buffer_pool, returned on
// release(), so an idle established connection holds no handshake storage at all. The lent buffer
// has room for a whole record's content beyond the largest message: the record was opened in the
// caller's input, and everything of it is copied out before the call returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/detail/record_cipher.hpp"
#include "carapace/tls/interfaces.hpp"

namespace carapace::tls::detail {

template <class State, std::size_t MessageLimit, buffering Buffers>
class handshake_storage;

template <class State, std::size_t MessageLimit>
class handshake_storage<State, MessageLimit, buffering::owned> {
public:
    static constexpr std::size_t message_limit = MessageLimit;
    static constexpr std::size_t block_size = 0;  // nothing is borrowed

    handshake_storage() noexcept = default;
    handshake_storage(const handshake_storage&) = delete;
    handshake_storage& operator=(const handshake_storage&) = delete;
    ~handshake_storage() { release(); }

    bool acquire(buffer_pool*) noexcept {
        if (!held_) ::new (static_cast<void*>(state_)) State();
        held_ = true;
        return true;
    }
    void release() noexcept {
        if (!held_) return;
        state().~State();
        secure_wipe(state_, sizeof(state_));
        held_ = false;
    }
    [[nodiscard]] bool held() const noexcept { return held_; }
    State& state() noexcept { return *std::launder(reinterpret_cast<State*>(state_)); }
    const State& state() const noexcept { return *std::launder(reinterpret_cast<const State*>(state_)); }
    // Reassembly wipes what it buffered itself.
    byte_span buffer() noexcept { return buffer_; }

private:
    alignas(State) std::uint8_t state_[sizeof(State)] = {};
    bool held_ = false;
    bytes<MessageLimit> buffer_{};
};

template <class State, std::size_t MessageLimit>
class handshake_storage<State, MessageLimit, buffering::lent> {
    static constexpr std::size_t state_size =
        (sizeof(State) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);
    static_assert(alignof(State) <= alignof(std::max_align_t));

public:
    static constexpr std::size_t message_limit = MessageLimit;
    // What a pool's blocks must hold: the state, the largest message and a record's content.
    static constexpr std::size_t block_size = state_size + MessageLimit + max_plaintext_size;

    handshake_storage() noexcept = default;
    handshake_storage(const handshake_storage&) = delete;
    handshake_storage& operator=(const handshake_storage&) = delete;
    ~handshake_storage() { release(); }

    // False when the pool has no block free (or gave one too small or misaligned, returned).
    bool acquire(buffer_pool* pool) noexcept {
        if (held()) return true;
        if (pool == nullptr) return false;
        const byte_span block = pool->acquire(block_size);
        if (block.empty()) return false;
        if (block.size() < block_size || reinterpret_cast<std::uintptr_t>(block.data()) % alignof(std::max_align_t) != 0) {
            pool->release(block);
            return false;
        }
        pool_ = pool;
        block_ = block;
        ::new (static_cast<void*>(block.data())) State();
        return true;
    }
    void release() noexcept {
        if (block_.empty()) return;
        state().~State();
        secure_wipe(block_.data(), block_.size());
        pool_->release(block_);
        block_ = {};
    }
    [[nodiscard]] bool held() const noexcept { return !block_.empty(); }
    // The state sits at the start of the block.
    State& state() noexcept { return *std::launder(reinterpret_cast<State*>(block_.data())); }
    const State& state() const noexcept { return *std::launder(reinterpret_cast<const State*>(block_.data())); }
    byte_span buffer() noexcept { return block_.subspan(state_size, MessageLimit + max_plaintext_size); }

private:
    buffer_pool* pool_ = nullptr;
    byte_span block_{};
};

}  // namespace carapace::tls::detail
