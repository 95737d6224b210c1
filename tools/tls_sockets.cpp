#include "tls_sockets.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>

#include "cli.hpp"

namespace carapace_tool {

using carapace::byte_view;

namespace {

// getaddrinfo, with one fallback: "localhost" (and names under it) is loopback by definition
// (RFC 6761 §6.3), also on systems without /etc/hosts, such as minimal containers.
int resolve(const std::string& host, const std::string& port, const addrinfo& hints, addrinfo** list) {
    const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, list);
    if (rc == 0) return rc;
    std::string lower = host;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool loopback_name = lower == "localhost" || (lower.size() > 10 && lower.ends_with(".localhost"));
    if (!loopback_name) return rc;
    return ::getaddrinfo("127.0.0.1", port.c_str(), &hints, list);
}

socket_handle listen_socket(const sockaddr* address, socklen_t size, int family, bool v6only, std::string& error) {
    const socket_handle s = platform::open_socket(family, SOCK_STREAM, 0);
    if (s == platform::no_socket) {
        error = "socket: " + platform::last_failure_text();
        return s;
    }
    platform::allow_quick_rebind(s);
    if (family == AF_INET6) (void)platform::set_option(s, IPPROTO_IPV6, IPV6_V6ONLY, v6only ? 1 : 0);
    if (::bind(s, address, size) != 0 || ::listen(s, 16) != 0) {
        const std::string why = platform::last_failure_text();  // before address_text's calls
        error = "listen on " + address_text(address) + ": " + why;
        platform::close_socket(s);
        return platform::no_socket;
    }
    return s;
}

}  // namespace

std::optional<endpoint> parse_endpoint(std::string_view text, bool host_optional) {
    endpoint e;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
        e.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        e.host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
    } else {
        if (!host_optional) return std::nullopt;
        port = text;
    }
    if ((e.host.empty() && !host_optional) || !parse_decimal(port, 65535) || *parse_decimal(port, 65535) == 0)
        return std::nullopt;
    e.port = std::string(port);
    return e;
}

std::string address_text(const sockaddr* sa) {
    sockaddr_in v4{};
    if (sa->sa_family == AF_INET6) {
        // An IPv4 client of a dual-stack socket: show it as IPv4.
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(sa);
        if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
            v4.sin_family = AF_INET;
            v4.sin_port = v6->sin6_port;
            std::memcpy(&v4.sin_addr, v6->sin6_addr.s6_addr + 12, 4);
            sa = reinterpret_cast<const sockaddr*>(&v4);
        }
    }
    char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";
    const socklen_t size = sa->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    (void)::getnameinfo(sa, size, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    char text[NI_MAXHOST + NI_MAXSERV + 4];
    std::snprintf(text, sizeof text, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
    return text;
}

void set_nodelay(socket_handle s) { (void)platform::set_option(s, IPPROTO_TCP, TCP_NODELAY, 1); }

socket_handle connect_to(const endpoint& e, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    if (const int rc = resolve(e.host, e.port, hints, &list); rc != 0) {
        error = "cannot resolve " + e.host + ": " + ::gai_strerror(rc);
        return platform::no_socket;
    }
    socket_handle s = platform::no_socket;
    for (addrinfo* a = list; a != nullptr && s == platform::no_socket; a = a->ai_next) {
        s = platform::open_socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (s == platform::no_socket) continue;
        if (::connect(s, a->ai_addr, static_cast<socklen_t>(a->ai_addrlen)) != 0) {
            const std::string why = platform::last_failure_text();  // before address_text's calls
            error = "connect to " + address_text(a->ai_addr) + ": " + why;
            platform::close_socket(s);
            s = platform::no_socket;
        }
    }
    ::freeaddrinfo(list);
    if (s != platform::no_socket) set_nodelay(s);
    return s;
}

std::vector<socket_handle> listen_on(const endpoint& e, std::string& error) {
    std::vector<socket_handle> fds;
    const auto port = static_cast<std::uint16_t>(*parse_decimal(e.port, 65535));
    if (e.host.empty()) {
        sockaddr_in6 any6{};
        any6.sin6_family = AF_INET6;
        any6.sin6_port = htons(port);
        any6.sin6_addr = in6addr_any;
        if (const socket_handle fd = listen_socket(reinterpret_cast<const sockaddr*>(&any6), sizeof any6, AF_INET6,
                                                   false, error);
            fd != platform::no_socket) {
            fds.push_back(fd);
            return fds;
        }
        sockaddr_in any4{};
        any4.sin_family = AF_INET;
        any4.sin_port = htons(port);
        any4.sin_addr.s_addr = htonl(INADDR_ANY);
        if (const socket_handle fd = listen_socket(reinterpret_cast<const sockaddr*>(&any4), sizeof any4, AF_INET,
                                                   false, error);
            fd != platform::no_socket)
            fds.push_back(fd);
        return fds;
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* list = nullptr;
    if (const int rc = resolve(e.host, e.port, hints, &list); rc != 0) {
        error = "cannot resolve " + e.host + ": " + ::gai_strerror(rc);
        return fds;
    }
    for (addrinfo* a = list; a != nullptr; a = a->ai_next)
        if (const socket_handle fd =
                listen_socket(a->ai_addr, static_cast<socklen_t>(a->ai_addrlen), a->ai_family, true, error);
            fd != platform::no_socket)
            fds.push_back(fd);
    ::freeaddrinfo(list);
    return fds;
}

bool send_queue::send_some(socket_handle s, bool* moved) {
    while (!empty()) {
        const long n = platform::send_nowait(s, buffer_.data() + sent_, size());
        if (n < 0) {
            const platform::failure f = platform::last_failure();
            if (f == platform::failure::interrupted) continue;
            if (f == platform::failure::would_block) break;
            return false;
        }
        if (moved != nullptr && n > 0) *moved = true;
        sent_ += static_cast<std::size_t>(n);
    }
    if (sent_ == buffer_.size() || sent_ > (1u << 20)) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(sent_));
        sent_ = 0;
    }
    return true;
}

bool send_queue::send_all(socket_handle s, int timeout_ms) {
    while (!empty()) {
        if (!send_some(s)) return false;
        if (empty()) break;
        platform::poll_entry p{s, POLLOUT, 0};
        const int ready = platform::poll(&p, 1, timeout_ms);
        if (ready < 0 && platform::last_failure() != platform::failure::interrupted) return false;
        if (ready == 0) return false;
    }
    return true;
}

long receive_buffer::fill(socket_handle s) {
    if (taken_ == buffer_.size()) {
        buffer_.clear();
        taken_ = 0;
    }
    const std::size_t old = buffer_.size();
    buffer_.resize(old + io_chunk);
    long n;
    do n = platform::receive(s, buffer_.data() + old, io_chunk);
    while (n < 0 && platform::last_failure() == platform::failure::interrupted);
    buffer_.resize(old + (n > 0 ? static_cast<std::size_t>(n) : 0));
    return n;
}

}  // namespace carapace_tool
