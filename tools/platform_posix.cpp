// platform.hpp on POSIX systems (Linux, the BSDs, macOS): descriptors, poll(), and signals.
#include "platform.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace carapace_tool::platform {

bool prepare_process(std::string&) {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}

failure last_failure() {
    switch (errno) {
    case EINTR: return failure::interrupted;
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return failure::would_block;
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM: return failure::out_of_resources;
    default: return failure::other;
    }
}

std::string last_failure_text() { return std::strerror(errno); }

socket_handle open_socket(int family, int type, int protocol) { return ::socket(family, type | SOCK_CLOEXEC, protocol); }

socket_handle accept_socket(socket_handle listener, sockaddr_storage& peer) {
    socklen_t size = sizeof peer;
#if defined(__linux__)
    return ::accept4(listener, reinterpret_cast<sockaddr*>(&peer), &size, SOCK_CLOEXEC);
#else
    const int s = ::accept(listener, reinterpret_cast<sockaddr*>(&peer), &size);
    if (s >= 0) (void)::fcntl(s, F_SETFD, FD_CLOEXEC);
    return s;
#endif
}

void close_socket(socket_handle s) { (void)::close(s); }

void shutdown_send(socket_handle s) { (void)::shutdown(s, SHUT_WR); }

bool set_option(socket_handle s, int level, int name, int value) {
    return ::setsockopt(s, level, name, &value, sizeof value) == 0;
}

void allow_quick_rebind(socket_handle s) { (void)set_option(s, SOL_SOCKET, SO_REUSEADDR, 1); }

long send_nowait(socket_handle s, const std::uint8_t* data, std::size_t size) {
    return ::send(s, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
}

long receive(socket_handle s, std::uint8_t* data, std::size_t size) { return ::recv(s, data, size, 0); }

int poll(poll_entry* entries, std::size_t count, int timeout_ms) {
    return ::poll(entries, static_cast<nfds_t>(count), timeout_ms);
}

bool write_stdout(carapace::byte_view data) {
    if (std::fflush(stdout) != 0) return false;
    while (!data.empty()) {
        const ssize_t n = ::write(STDOUT_FILENO, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data = data.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

stdin_source::~stdin_source() = default;

bool stdin_source::open(std::string&) {
    handle_ = STDIN_FILENO;
    return true;
}

long stdin_source::read(std::uint8_t* data, std::size_t size) {
    ssize_t n;
    do n = ::read(STDIN_FILENO, data, size);
    while (n < 0 && errno == EINTR);
    return n;
}

bool write_private_file(const std::string& path, carapace::byte_view data, std::string& error) {
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        error = "cannot write " + temporary + ": " + std::strerror(errno);
        return false;
    }
    bool ok = ::fchmod(fd, 0600) == 0;
    while (ok && !data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) ok = false;
        else data = data.subspan(static_cast<std::size_t>(n));
    }
    if (!ok) error = "cannot write " + temporary + ": " + std::strerror(errno);
    if (::close(fd) != 0 && error.empty()) error = "cannot write " + temporary + ": " + std::strerror(errno);
    if (error.empty() && ::rename(temporary.c_str(), path.c_str()) != 0)
        error = "cannot rename " + temporary + " to " + path + ": " + std::strerror(errno);
    if (!error.empty()) ::unlink(temporary.c_str());
    return error.empty();
}

void copy_permissions(const std::string& source, std::FILE* file) {
    struct stat original {};
    if (::stat(source.c_str(), &original) == 0) (void)::fchmod(::fileno(file), original.st_mode & 07777);
}

void make_private(const std::string& path) { (void)::chmod(path.c_str(), 0600); }

bool replace_file(const std::string& from, const std::string& to) { return std::rename(from.c_str(), to.c_str()) == 0; }

std::tm utc_time(std::time_t t) {
    std::tm utc{};
    (void)::gmtime_r(&t, &utc);
    return utc;
}

}  // namespace carapace_tool::platform
