// What carapace-tool needs from the operating system beyond standard C++: sockets, waiting on
// several of them, stdin as something that can be waited on, and the few file operations the C
// library has no portable spelling for. One declaration here, one definition per system:
// platform_posix.cpp (Linux and other POSIX systems) and platform_windows.cpp (Winsock 2, the
// Windows C runtime); tools/meson.build compiles the one that fits. The commands never test which
// system they run on. (Randomness, the clock and whole-file reads are in support/host/, shared with
// the benchmarks and examples.)
#pragma once

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#endif

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include "carapace/core/bytes.hpp"

namespace carapace_tool::platform {

#if defined(_WIN32)
using socket_handle = SOCKET;  // an opaque handle, not a small integer
using poll_entry = WSAPOLLFD;
inline constexpr socket_handle no_socket = INVALID_SOCKET;
#else
using socket_handle = int;
using poll_entry = pollfd;
inline constexpr socket_handle no_socket = -1;
#endif

// Once, before any command: a peer that closes early must be a write error, not SIGPIPE; Winsock
// needs WSAStartup before its first call; Windows' stdin and stdout become binary (text mode
// would turn LF into CR LF in keys, ciphertext and TLS data). False, with `error`, when sockets
// cannot be used at all.
bool prepare_process(std::string& error);

// The last socket call's failure, classified, and as text.
enum class failure { interrupted, would_block, out_of_resources, other };
failure last_failure();
std::string last_failure_text();

// A socket that child processes do not inherit; no_socket on failure.
socket_handle open_socket(int family, int type, int protocol);
// The next connection on a listening socket, not inherited either; no_socket on failure.
socket_handle accept_socket(socket_handle listener, sockaddr_storage& peer);
void close_socket(socket_handle s);
// No more bytes from us (TCP FIN); the socket stays open for reading.
void shutdown_send(socket_handle s);
bool set_option(socket_handle s, int level, int name, int value);
// A listening socket may take a port that recent connections still hold (SO_REUSEADDR on POSIX;
// nothing on Windows, where that option would let a second server take the port in use).
void allow_quick_rebind(socket_handle s);

// Sends what the socket takes now without blocking, and never raises a signal. Bytes sent, or -1.
long send_nowait(socket_handle s, const std::uint8_t* data, std::size_t size);
// One recv(): bytes received, 0 when the peer closed, -1 on an error.
long receive(socket_handle s, std::uint8_t* data, std::size_t size);
// poll() or WSAPoll(): how many entries are ready, 0 after `timeout_ms` (-1: no limit), -1 on an error.
int poll(poll_entry* entries, std::size_t count, int timeout_ms);

// Writes all of `data` to stdout, unbuffered (the C stream is flushed first).
bool write_stdout(carapace::byte_view data);

// stdin as a socket_handle that poll() can wait on. On POSIX that is descriptor 0 itself; WSAPoll
// takes sockets only, so on Windows a thread copies stdin into one end of a loopback connection.
class stdin_source {
public:
    stdin_source() = default;
    stdin_source(const stdin_source&) = delete;
    stdin_source& operator=(const stdin_source&) = delete;
    ~stdin_source();

    // False, with `error`, when it cannot be set up.
    bool open(std::string& error);
    [[nodiscard]] socket_handle handle() const { return handle_; }
    // Bytes read, 0 at the end of input, -1 on an error.
    long read(std::uint8_t* data, std::size_t size);

private:
    socket_handle handle_ = no_socket;
};

// Writes `data` to `path` readable by the owner only (mode 0600 where modes exist): into
// PATH.tmp first, then renamed over `path`, so a reader never sees half a file. False, with `error`.
bool write_private_file(const std::string& path, carapace::byte_view data, std::string& error);

// `target` (open for writing as `file`) gets the permissions of `source`, where the system has
// such permissions; nothing happens when `source` cannot be examined.
void copy_permissions(const std::string& source, std::FILE* file);

// Only the owner may read or write `path` (mode 0600), where the system has such modes.
void make_private(const std::string& path);

// Renames `from` over `to`, replacing `to` if it exists (std::rename does not on Windows).
bool replace_file(const std::string& from, const std::string& to);

// The calendar time in UTC (gmtime_r, which Windows spells gmtime_s).
std::tm utc_time(std::time_t t);

}  // namespace carapace_tool::platform
