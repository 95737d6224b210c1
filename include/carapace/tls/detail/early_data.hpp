// Where a connection's 0-RTT stands (RFC 8446 §2.3, §4.2.10, §4.5): the client's early data,
// offered with its first ClientHello, then accepted or rejected by the server's answer, ended by
// its EndOfEarlyData, and counted against the ticket's max_early_data; the server's, accepted or
// not and counted against what it allowed. Only the bookkeeping: the keys are the key schedule's
// (connection.hpp), the decisions the state machines' (client.hpp, server_tickets.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/tls/error.hpp"

namespace carapace::tls::detail {

// A client's early data. Stays `none` in a build without PSKs (CARAPACE_TLS_NO_PSK).
class client_early_data {
public:
    // The first ClientHello offered early data, up to `limit` bytes in all.
    void offer(std::uint32_t limit) noexcept {
        state_ = state::offered;
        limit_ = limit;
    }
    void accept() noexcept { state_ = state::accepted; }
    void reject() noexcept { state_ = state::rejected; }
    // Our EndOfEarlyData is sent: the early key is no longer used.
    void end() noexcept { state_ = state::ended; }

    // Offered, and the server has not answered yet.
    [[nodiscard]] bool offered() const noexcept { return state_ == state::offered; }
    // Accepted, and our EndOfEarlyData not sent yet.
    [[nodiscard]] bool accepted() const noexcept { return state_ == state::accepted; }
    // Accepted at some point (the public early_data_accepted()).
    [[nodiscard]] bool was_accepted() const noexcept { return state_ == state::accepted || state_ == state::ended; }
    // Early data may be sent now (before the answer, or once accepted).
    [[nodiscard]] bool may_send() const noexcept { return offered() || accepted(); }
    // The most early data in all (0 when none was offered), and what is left of it.
    [[nodiscard]] std::uint32_t limit() const noexcept { return limit_; }
    [[nodiscard]] std::size_t room() const noexcept { return limit_ - sent_; }
    void count_sent(std::size_t n) noexcept { sent_ += static_cast<std::uint32_t>(n); }

private:
    enum class state : std::uint8_t { none, offered, accepted, rejected, ended };
    state state_ = state::none;
    std::uint32_t limit_ = 0;
    std::uint32_t sent_ = 0;
};

// A server's early data: whether it accepted the client's, and how much came against the limit
// it allowed (§4.2.10: more is an unexpected_message).
class server_early_data {
public:
    void accept(std::uint32_t allowed) noexcept {
        accepted_ = true;
        allowed_ = allowed;
    }
    [[nodiscard]] bool accepted() const noexcept { return accepted_; }
    // Counts a record of early data; an error past the limit.
    [[nodiscard]] error take(std::size_t size) noexcept {
        if (size > allowed_ - received_) return error::unexpected_message;
        received_ += static_cast<std::uint32_t>(size);
        return error::none;
    }

private:
    bool accepted_ = false;
    std::uint32_t allowed_ = 0;
    std::uint32_t received_ = 0;
};

}  // namespace carapace::tls::detail
