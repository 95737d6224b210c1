// platform.hpp on Windows: Winsock 2 (WSAPoll, closesocket, WSAGetLastError), the C runtime's
// descriptors in binary mode, a thread that turns stdin into a socket, and MoveFileEx.
#include "platform.hpp"

#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <windows.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace carapace_tool::platform {

namespace {

// FormatMessage's text for a Winsock or Win32 error code, without its trailing CR LF.
std::string system_message(DWORD code) {
    char text[256] = {};
    const DWORD n = ::FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, code, 0,
                                     text, sizeof text, nullptr);
    std::string s(text, n);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    if (s.empty()) s = "error " + std::to_string(code);
    return s;
}

// The writing end of the stdin relay, and the thread that fills it: _read(0) until the end of
// input, each chunk sent whole (blocking), then a FIN, which the reading end sees as recv() == 0.
DWORD WINAPI copy_stdin(void* context) {
    const SOCKET out = reinterpret_cast<SOCKET>(context);
    char buffer[1 << 16];
    for (;;) {
        const int n = ::_read(0, buffer, sizeof buffer);
        if (n <= 0) break;
        int sent = 0;
        while (sent < n) {
            const int k = ::send(out, buffer + sent, n - sent, 0);
            if (k <= 0) {
                ::closesocket(out);
                return 0;
            }
            sent += k;
        }
    }
    ::shutdown(out, SD_SEND);
    ::closesocket(out);
    return 0;
}

}  // namespace

bool prepare_process(std::string& error) {
    (void)::_setmode(0, _O_BINARY);
    (void)::_setmode(1, _O_BINARY);
    WSADATA data;
    if (const int rc = ::WSAStartup(MAKEWORD(2, 2), &data); rc != 0) {
        error = "WSAStartup: " + system_message(static_cast<DWORD>(rc));
        return false;
    }
    return true;
}

failure last_failure() {
    switch (::WSAGetLastError()) {
    case WSAEINTR: return failure::interrupted;
    case WSAEWOULDBLOCK: return failure::would_block;
    case WSAEMFILE:
    case WSAENOBUFS: return failure::out_of_resources;
    default: return failure::other;
    }
}

std::string last_failure_text() { return system_message(static_cast<DWORD>(::WSAGetLastError())); }

socket_handle open_socket(int family, int type, int protocol) {
    return ::WSASocketW(family, type, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}

socket_handle accept_socket(socket_handle listener, sockaddr_storage& peer) {
    int size = sizeof peer;
    const SOCKET s = ::accept(listener, reinterpret_cast<sockaddr*>(&peer), &size);
    if (s != INVALID_SOCKET) (void)::SetHandleInformation(reinterpret_cast<HANDLE>(s), HANDLE_FLAG_INHERIT, 0);
    return s;
}

void close_socket(socket_handle s) { (void)::closesocket(s); }

void shutdown_send(socket_handle s) { (void)::shutdown(s, SD_SEND); }

bool set_option(socket_handle s, int level, int name, int value) {
    return ::setsockopt(s, level, name, reinterpret_cast<const char*>(&value), sizeof value) == 0;
}

// Windows lets a listener bind a port in TIME_WAIT anyway; SO_REUSEADDR would also let another
// program bind the port we listen on.
void allow_quick_rebind(socket_handle) {}

// Windows has no MSG_DONTWAIT: the socket is non-blocking for the one call. (Windows raises no
// signal for a closed connection, so there is no MSG_NOSIGNAL either.)
long send_nowait(socket_handle s, const std::uint8_t* data, std::size_t size) {
    u_long on = 1, off = 0;
    const long nonblocking = static_cast<long>(FIONBIO);  // an unsigned constant for a long parameter
    if (::ioctlsocket(s, nonblocking, &on) != 0) return -1;
    const int n = ::send(s, reinterpret_cast<const char*>(data), size > INT_MAX ? INT_MAX : static_cast<int>(size), 0);
    const int saved = ::WSAGetLastError();
    (void)::ioctlsocket(s, nonblocking, &off);
    ::WSASetLastError(saved);
    return n;
}

long receive(socket_handle s, std::uint8_t* data, std::size_t size) {
    return ::recv(s, reinterpret_cast<char*>(data), size > INT_MAX ? INT_MAX : static_cast<int>(size), 0);
}

int poll(poll_entry* entries, std::size_t count, int timeout_ms) {
    return ::WSAPoll(entries, static_cast<ULONG>(count), timeout_ms);
}

bool write_stdout(carapace::byte_view data) {
    if (std::fflush(stdout) != 0) return false;
    while (!data.empty()) {
        const unsigned chunk = data.size() > (1u << 30) ? 1u << 30 : static_cast<unsigned>(data.size());
        const int n = ::_write(1, data.data(), chunk);
        if (n < 0) return false;
        data = data.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

stdin_source::~stdin_source() {
    if (handle_ != no_socket) ::closesocket(handle_);
}

// A loopback connection made by hand (Windows has no socketpair): listen on 127.0.0.1 port 0,
// connect, accept, and give the connecting end to the thread.
bool stdin_source::open(std::string& error) {
    const SOCKET listener = open_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (listener == INVALID_SOCKET) return error = "stdin relay: " + last_failure_text(), false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int size = sizeof address;
    SOCKET writer = INVALID_SOCKET;
    const bool ok = ::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
                    ::listen(listener, 1) == 0 &&
                    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) == 0 &&
                    (writer = open_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) != INVALID_SOCKET &&
                    ::connect(writer, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    if (ok) {
        sockaddr_storage peer{};
        handle_ = accept_socket(listener, peer);
    }
    if (!ok || handle_ == INVALID_SOCKET) {
        error = "stdin relay: " + last_failure_text();
        if (writer != INVALID_SOCKET) ::closesocket(writer);
        ::closesocket(listener);
        return false;
    }
    ::closesocket(listener);
    const HANDLE thread = ::CreateThread(nullptr, 0, copy_stdin, reinterpret_cast<void*>(writer), 0, nullptr);
    if (thread == nullptr) {
        error = "stdin relay: " + system_message(::GetLastError());
        ::closesocket(writer);
        return false;
    }
    // The thread ends by itself at the end of input, or with the process.
    ::CloseHandle(thread);
    return true;
}

long stdin_source::read(std::uint8_t* data, std::size_t size) { return receive(handle_, data, size); }

bool write_private_file(const std::string& path, carapace::byte_view data, std::string& error) {
    const std::string temporary = path + ".tmp";
    // Windows has no owner-only mode bits; the file gets the folder's access control list.
    const int fd = ::_open(temporary.c_str(), _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY | _O_NOINHERIT,
                           _S_IREAD | _S_IWRITE);
    if (fd < 0) {
        error = "cannot write " + temporary + ": " + std::strerror(errno);
        return false;
    }
    bool ok = true;
    while (ok && !data.empty()) {
        const unsigned chunk = data.size() > (1u << 30) ? 1u << 30 : static_cast<unsigned>(data.size());
        const int n = ::_write(fd, data.data(), chunk);
        if (n < 0) ok = false;
        else data = data.subspan(static_cast<std::size_t>(n));
    }
    if (!ok) error = "cannot write " + temporary + ": " + std::strerror(errno);
    if (::_close(fd) != 0 && error.empty()) error = "cannot write " + temporary + ": " + std::strerror(errno);
    if (error.empty() && !replace_file(temporary, path))
        error = "cannot rename " + temporary + " to " + path + ": " + system_message(::GetLastError());
    if (!error.empty()) (void)::_unlink(temporary.c_str());
    return error.empty();
}

// Windows files carry access control lists, which a new file inherits from its folder.
void copy_permissions(const std::string&, std::FILE*) {}

void make_private(const std::string&) {}

bool replace_file(const std::string& from, const std::string& to) {
    return ::MoveFileExA(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) != 0;
}

std::tm utc_time(std::time_t t) {
    std::tm utc{};
    (void)::gmtime_s(&utc, &t);
    return utc;
}

}  // namespace carapace_tool::platform
