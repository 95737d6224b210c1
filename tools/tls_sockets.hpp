// The TCP side of s_client and s_server: host:port arguments, name resolution, connecting,
// listening, and the two byte queues between a socket and an engine. Nothing here knows TLS.
//
// Sockets stay blocking; callers ask poll() which one is ready. Writes to a socket go through a
// send_queue and never block, so a peer that is itself busy writing can never deadlock us. The
// system calls themselves are in platform.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "carapace/core/bytes.hpp"
#include "platform.hpp"

namespace carapace_tool {

using platform::socket_handle;

inline constexpr std::size_t io_chunk = 1 << 16;  // one read from stdin or a socket

struct endpoint {
    std::string host, port;
};

// "HOST:PORT", "[V6]:PORT", or (when the host is optional) "PORT".
std::optional<endpoint> parse_endpoint(std::string_view text, bool host_optional);

// "192.0.2.7:443" or "[2001:db8::1]:443"; an IPv4 client of a dual-stack socket shows as IPv4.
std::string address_text(const sockaddr* address);

void set_nodelay(socket_handle s);

// Connects to each address of the name in turn. no_socket and `error` when none answers.
socket_handle connect_to(const endpoint& e, std::string& error);

// Listening sockets: every address of HOST, or without a host both IPv6 and IPv4 (one dual-stack
// socket where the system allows it). Empty, with `error`, when none could be opened.
std::vector<socket_handle> listen_on(const endpoint& e, std::string& error);

// Bytes waiting to go out on a socket. Sent without blocking, when poll() says there is room.
class send_queue {
public:
    void append(carapace::byte_view data) { buffer_.insert(buffer_.end(), data.begin(), data.end()); }
    [[nodiscard]] std::size_t size() const { return buffer_.size() - sent_; }
    [[nodiscard]] bool empty() const { return size() == 0; }

    // Sends what the socket takes now. False on a socket error; `moved` says whether any byte went.
    bool send_some(socket_handle s, bool* moved = nullptr);
    // Sends everything, waiting as long as it takes (at most `timeout_ms` per wait; -1: forever).
    // False on a socket error or a wait that timed out.
    bool send_all(socket_handle s, int timeout_ms = -1);

private:
    std::vector<std::uint8_t> buffer_;
    std::size_t sent_ = 0;
};

// Bytes received and not yet taken by the engine.
class receive_buffer {
public:
    [[nodiscard]] carapace::byte_view view() const { return carapace::byte_view(buffer_).subspan(taken_); }
    void consume(std::size_t n) { taken_ += n; }

    // One recv(); returns its result (0: the peer closed, -1: error).
    long fill(socket_handle s);

private:
    std::vector<std::uint8_t> buffer_;
    std::size_t taken_ = 0;
};

}  // namespace carapace_tool
