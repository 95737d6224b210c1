// Reading a whole file with a size limit, for the programs around the library (carapace-tool,
// the benchmarks, the examples, the tests). The limit is what makes a path such as /dev/zero or a
// runaway log an error message instead of an allocation failure: every file these programs read
// (PEM chains, keys, CA bundles) is far smaller.
#pragma once

#include <fcntl.h>
#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

namespace host {

namespace detail {

// The descriptor calls read_file makes, in the system's spelling. Windows' C runtime opens in text
// mode unless told otherwise, which would turn CR LF into LF inside DER and keys: binary it is.
#if defined(_WIN32)
inline int open_for_reading(const char* path) noexcept {
    return ::_open(path, _O_RDONLY | _O_BINARY | _O_NOINHERIT);
}
inline long long read_some(int fd, char* buffer, unsigned size) noexcept { return ::_read(fd, buffer, size); }
inline void close_file(int fd) noexcept { (void)::_close(fd); }
#else
inline int open_for_reading(const char* path) noexcept { return ::open(path, O_RDONLY | O_CLOEXEC); }
inline long long read_some(int fd, char* buffer, unsigned size) noexcept { return ::read(fd, buffer, size); }
inline void close_file(int fd) noexcept { (void)::close(fd); }
#endif

}  // namespace detail

inline constexpr std::size_t max_file_size = std::size_t{4} << 20;  // the system CA bundle is ~200 KiB

// The whole of `path` in `text`. False, with `error` ("cannot read PATH: REASON" or "PATH: larger
// than N bytes"), when it cannot be read or holds more than `limit` bytes.
inline bool read_file(const std::string& path, std::string& text, std::string& error,
                      std::size_t limit = max_file_size) {
    text.clear();
    const int fd = detail::open_for_reading(path.c_str());
    if (fd < 0) {
        error = "cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    char buffer[65536];
    for (;;) {
        // One byte more than the limit may arrive: that is how an oversized file is noticed
        // without trusting st_size, which devices and pipes do not report.
        const std::size_t room = limit + 1 - text.size();
        const unsigned want = room < sizeof buffer ? static_cast<unsigned>(room) : unsigned{sizeof buffer};
        const long long n = detail::read_some(fd, buffer, want);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = "cannot read " + path + ": " + std::strerror(errno);
            detail::close_file(fd);
            return false;
        }
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > limit) {
            error = path + ": larger than " + std::to_string(limit) + " bytes";
            text.clear();
            detail::close_file(fd);
            return false;
        }
    }
    detail::close_file(fd);
    return true;
}

}  // namespace host
