// Reading a whole file with a size limit, for the programs around the library (carapace-tool,
// the benchmarks, the examples, the tests). The limit is what makes a path such as /dev/zero or a
// runaway log an error message instead of an allocation failure: every file these programs read
// (PEM chains, keys, CA bundles) is far smaller.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

namespace host {

inline constexpr std::size_t max_file_size = std::size_t{4} << 20;  // the system CA bundle is ~200 KiB

// The whole of `path` in `text`. False, with `error` ("cannot read PATH: REASON" or "PATH: larger
// than N bytes"), when it cannot be read or holds more than `limit` bytes.
inline bool read_file(const std::string& path, std::string& text, std::string& error,
                      std::size_t limit = max_file_size) {
    text.clear();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    char buffer[65536];
    for (;;) {
        // One byte more than the limit may arrive: that is how an oversized file is noticed
        // without trusting st_size, which devices and pipes do not report.
        const std::size_t room = limit + 1 - text.size();
        const ssize_t n = ::read(fd, buffer, room < sizeof buffer ? room : sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = "cannot read " + path + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > limit) {
            error = path + ": larger than " + std::to_string(limit) + " bytes";
            text.clear();
            ::close(fd);
            return false;
        }
    }
    ::close(fd);
    return true;
}

}  // namespace host
