// carapace-tool s_client | s_server: the TLS 1.3 engine over TCP, in the spirit of `openssl
// s_client` and `openssl s_server`.
//
//   s_client --connect HOST:PORT [--servername NAME] [--CAfile PEM | --insecure] [--alpn P1,P2]
//            [--groups G1:G2] [--ciphersuites S1:S2] [--cert PEM --key PEM] [--key-update] [--quiet]
//   s_server --accept [HOST:]PORT --cert PEM --key PEM [--CAfile PEM --verify-client] [--alpn P1,P2]
//            [--groups G1:G2] [--ciphersuites S1:S2] [--echo] [--num-conns N] [--key-update] [--quiet]
//
// After the handshake the client copies stdin to the server and the server's data to stdout; on
// stdin EOF it sends close_notify and reads until the server closes. The server echoes (--echo)
// or writes what it receives to stdout, one connection after another. Each side prints a summary
// on stderr, one "key: value" per line (protocol, cipher, group, hrr, alpn, peer, verify; the
// server adds sni), "key_update: received" when the peer updates its keys, and on failure
// "alert: NAME" (with "alert_by: us|peer") or "error: REASON". Exit status: 0 after a clean
// close, 1 on a failure, 2 on bad arguments or unreadable files.
//
// The engine is driven the way its header describes: receive() with whatever bytes arrived, send
// everything it produced, react to the event. Sockets stay blocking; poll() says which of stdin
// and the socket is ready, and writes to the socket use MSG_DONTWAIT with a queue of their own so
// that a peer that is itself busy writing can never deadlock us.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "x509_text.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/server.hpp"
#include "carapace/x509/keys.hpp"
#include "carapace/x509/pem.hpp"

namespace carapace_tool {

namespace {

namespace tls = carapace::tls;
namespace x509 = carapace::x509;
using carapace::byte_span;
using carapace::byte_view;
using bytes = std::vector<std::uint8_t>;

constexpr const char* system_trust_store = "/etc/ssl/certs/ca-certificates.crt";
constexpr std::size_t trust_capacity = 256;
constexpr std::size_t io_chunk = 1 << 16;        // one read from stdin or the socket
constexpr std::size_t output_buffer = 1 << 17;   // the engine's output buffer, grown on demand
constexpr std::size_t queue_high_water = 1 << 20;  // stop producing while this much waits to be sent

// ---------------------------------------------------------------------------------------------
// The engine's interfaces, as a program on Linux provides them.

class getrandom_source final : public tls::random_source {
public:
    void fill(byte_span out) noexcept override {
        std::size_t done = 0;
        while (done < out.size()) {
            const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                std::perror("carapace-tool: getrandom");
                std::abort();  // no randomness, no keys: nothing sensible to go on with
            }
            done += static_cast<std::size_t>(n);
        }
    }
};

class system_clock final : public tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override { return static_cast<std::int64_t>(std::time(nullptr)); }
};

using trust_store = x509::trust_store<trust_capacity>;

// Wraps the default verifier to remember the peer's leaf subject and how verification went, for
// the summary.
class recording_verifier final : public tls::certificate_verifier {
public:
    recording_verifier(tls::certificate_verifier& inner, bool skipping) : inner_(inner), skipping_(skipping) {}

    tls::error verify_chain(std::span<const byte_view> chain, std::string_view host, bool peer_is_server,
                            std::optional<std::int64_t> now, std::string_view& detail) noexcept override {
        called_ = true;
        subject_ = "none";
        if (!chain.empty()) {
            const auto leaf = x509::parse_certificate(chain[0]);
            subject_ = leaf ? describe_name(leaf->subject) : "(malformed)";
        }
        const tls::error e = inner_.verify_chain(chain, host, peer_is_server, now, detail);
        if (skipping_) result_ = "skipped";
        else if (e == tls::error::none) result_ = "ok";
        else result_ = std::string(detail.empty() ? tls::to_string(e) : detail);
        return e;
    }
    tls::error verify_signature(byte_view spki, tls::signature_scheme scheme, byte_view content,
                                byte_view signature) noexcept override {
        return inner_.verify_signature(spki, scheme, content, signature);
    }
    std::span<const tls::signature_scheme> schemes() const noexcept override { return inner_.schemes(); }

    void reset() {
        called_ = false;
        subject_.clear();
        result_.clear();
    }
    [[nodiscard]] bool called() const { return called_; }
    [[nodiscard]] const std::string& subject() const { return subject_; }
    [[nodiscard]] const std::string& result() const { return result_; }

private:
    tls::certificate_verifier& inner_;
    bool skipping_;
    bool called_ = false;
    std::string subject_, result_;
};

// ---------------------------------------------------------------------------------------------
// Options both commands share.

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> out;
    for (;;) {
        const auto at = text.find(separator);
        out.emplace_back(text.substr(0, at));
        if (at == std::string_view::npos) return out;
        text.remove_prefix(at + 1);
    }
}

struct identity {
    std::vector<bytes> chain;
    std::vector<byte_view> views;
    std::unique_ptr<tls::ed25519_signer> signer;
};

struct trust {
    std::vector<bytes> roots;
    std::unique_ptr<trust_store> store = std::make_unique<trust_store>();
};

struct tls_options {
    std::vector<tls::cipher_suite> suites{std::begin(tls::default_cipher_suites), std::end(tls::default_cipher_suites)};
    std::vector<tls::named_group> groups{std::begin(tls::default_groups), std::end(tls::default_groups)};
    std::vector<std::string> alpn_storage;
    std::vector<std::string_view> alpn;
    identity id;
    trust roots;
    bool have_identity = false;
    bool quiet = false;
    bool key_update = false;
};

// Fills `options` from the arguments both commands take. An empty string means success; else the
// usage error to print.
std::string parse_common(const arguments& args, tls_options& options) {
    if (const auto v = args.value("ciphersuites")) {
        options.suites.clear();
        for (const auto& name : split(*v, ':')) {
            std::optional<tls::cipher_suite> found;
            for (const auto& s : tls::all_suites)
                if (tls::to_string(s.id) == name) found = s.id;
            if (!found) return "unknown cipher suite '" + name + "' (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)";
            options.suites.push_back(*found);
        }
    }
    if (const auto v = args.value("groups")) {
        options.groups.clear();
        for (const auto& name : split(*v, ':')) {
            if (name == "x25519" || name == "X25519") {
                options.groups.push_back(tls::named_group::x25519);
            } else if (name == "secp256r1" || name == "P-256" || name == "secp384r1" || name == "P-384" ||
                       name == "secp521r1" || name == "P-521" || name == "X25519MLKEM768" || name == "x448") {
                return "group '" + name + "' is not supported yet (supported: x25519)";
            } else {
                return "unknown group '" + name + "' (supported: x25519)";
            }
        }
    }
    if (const auto v = args.value("alpn")) {
        options.alpn_storage = split(*v, ',');
        for (const auto& p : options.alpn_storage) {
            if (p.empty() || p.size() > 255) return "--alpn: each protocol name takes 1 to 255 bytes";
            options.alpn.emplace_back(p);
        }
    }
    options.quiet = args.flag("quiet");
    options.key_update = args.flag("key-update");
    return {};
}

// Loads --cert and --key: the chain (leaf first) and a PKCS#8 Ed25519 key that must match the leaf.
std::string load_identity(const std::string& cert_path, const std::string& key_path, identity& id) {
    std::string error;
    if (!read_certificates(cert_path, id.chain, error)) return error;
    for (const auto& c : id.chain) id.views.emplace_back(c);
    const auto leaf = x509::parse_certificate(id.chain[0]);
    if (!leaf) return cert_path + ": the first certificate is malformed";

    std::string text;
    if (!read_file(key_path, text)) return "cannot read " + key_path;
    bytes der(text.size());
    const auto n = carapace::pem::decode_first(text, carapace::pem::private_key, der);
    if (!n) {
        if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos)
            return key_path + ": encrypted keys are not supported";
        if (text.find("-----BEGIN ") != std::string::npos && text.find("PRIVATE KEY-----") != std::string::npos)
            return key_path + ": unsupported key type (only PKCS#8 Ed25519 keys, as `openssl genpkey -algorithm ed25519` writes them)";
        return key_path + ": no PRIVATE KEY block";
    }
    const auto key = x509::parse_private_key(byte_view(der).first(*n));
    if (!key) return key_path + ": malformed PKCS#8 private key";
    if (key->type != x509::key_type::ed25519 || key->key.size() != 32) {
        carapace::secure_wipe(byte_span(der));
        return key_path + ": unsupported key type (only Ed25519 for now)";
    }
    id.signer = std::make_unique<tls::ed25519_signer>(carapace::fixed_view<32>(key->key.data(), 32));
    carapace::secure_wipe(byte_span(der));
    carapace::secure_wipe(std::span<char>(text));
    const auto& pub = id.signer->public_key();
    if (leaf->public_key.type != x509::key_type::ed25519 ||
        !std::equal(pub.begin(), pub.end(), leaf->public_key.key.begin(), leaf->public_key.key.end()))
        return key_path + " does not match the certificate in " + cert_path;
    return {};
}

// Trust anchors from a PEM bundle. `lenient` (the system store) skips what it cannot use.
std::string load_trust(const std::string& path, bool lenient, trust& t) {
    std::string error;
    if (!read_certificates(path, t.roots, error)) return error;
    for (const auto& root : t.roots) {
        if (t.store->add(root) == carapace::errc::ok) continue;
        if (lenient) continue;
        if (t.store->size() == trust_capacity) return path + ": more than " + std::to_string(trust_capacity) + " certificates";
        return path + ": a certificate is malformed";
    }
    if (t.store->size() == 0) return path + ": no usable certificate";
    return {};
}

// ---------------------------------------------------------------------------------------------
// Sockets.

struct endpoint {
    std::string host, port;
};

// "HOST:PORT", "[V6]:PORT", or (when the host is optional) "PORT".
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

void set_nodelay(int fd) {
    const int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

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

// Connects to each address of the name in turn. -1 and `error` when none answers.
int connect_to(const endpoint& e, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    if (const int rc = resolve(e.host, e.port, hints, &list); rc != 0) {
        error = "cannot resolve " + e.host + ": " + ::gai_strerror(rc);
        return -1;
    }
    int fd = -1;
    for (addrinfo* a = list; a != nullptr && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            error = "connect to " + address_text(a->ai_addr) + ": " + std::strerror(errno);
            ::close(fd);
            fd = -1;
        }
    }
    ::freeaddrinfo(list);
    if (fd >= 0) set_nodelay(fd);
    return fd;
}

int listen_socket(const sockaddr* address, socklen_t size, int family, bool v6only, std::string& error) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return -1;
    }
    const int one = 1, v6 = v6only ? 1 : 0;
    (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) (void)::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof v6);
    if (::bind(fd, address, size) != 0 || ::listen(fd, 16) != 0) {
        error = "listen on " + address_text(address) + ": " + std::strerror(errno);
        ::close(fd);
        return -1;
    }
    return fd;
}

// Listening sockets: every address of HOST, or without a host both IPv6 and IPv4 (one dual-stack
// socket where the system allows it).
std::vector<int> listen_on(const endpoint& e, std::string& error) {
    std::vector<int> fds;
    const auto port = static_cast<std::uint16_t>(*parse_decimal(e.port, 65535));
    if (e.host.empty()) {
        sockaddr_in6 any6{};
        any6.sin6_family = AF_INET6;
        any6.sin6_port = htons(port);
        any6.sin6_addr = in6addr_any;
        if (const int fd = listen_socket(reinterpret_cast<const sockaddr*>(&any6), sizeof any6, AF_INET6, false, error);
            fd >= 0) {
            fds.push_back(fd);
            return fds;
        }
        sockaddr_in any4{};
        any4.sin_family = AF_INET;
        any4.sin_port = htons(port);
        any4.sin_addr.s_addr = htonl(INADDR_ANY);
        if (const int fd = listen_socket(reinterpret_cast<const sockaddr*>(&any4), sizeof any4, AF_INET, false, error);
            fd >= 0)
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
        if (const int fd = listen_socket(a->ai_addr, a->ai_addrlen, a->ai_family, true, error); fd >= 0)
            fds.push_back(fd);
    ::freeaddrinfo(list);
    return fds;
}

// Writes all of `data` to a blocking descriptor (stdout).
bool write_all(int fd, byte_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data = data.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

// Bytes waiting to go out on the socket. Sent without blocking, when poll() says there is room.
class send_queue {
public:
    void append(byte_view data) { buffer_.insert(buffer_.end(), data.begin(), data.end()); }
    [[nodiscard]] std::size_t size() const { return buffer_.size() - sent_; }
    [[nodiscard]] bool empty() const { return size() == 0; }

    // Sends what the socket takes now. False on a socket error.
    bool send_some(int fd) {
        while (!empty()) {
            const ssize_t n = ::send(fd, buffer_.data() + sent_, size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                return false;
            }
            sent_ += static_cast<std::size_t>(n);
        }
        if (sent_ == buffer_.size() || sent_ > (1u << 20)) {
            buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(sent_));
            sent_ = 0;
        }
        return true;
    }

    // Sends everything, waiting as long as it takes. False on a socket error.
    bool send_all(int fd) {
        while (!empty()) {
            if (!send_some(fd)) return false;
            if (empty()) break;
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, -1) < 0 && errno != EINTR) return false;
        }
        return true;
    }

private:
    bytes buffer_;
    std::size_t sent_ = 0;
};

// Bytes received and not yet taken by the engine.
class receive_buffer {
public:
    [[nodiscard]] byte_view view() const { return byte_view(buffer_).subspan(taken_); }
    void consume(std::size_t n) { taken_ += n; }

    // One recv(); returns its result (0: the peer closed, -1: error).
    ssize_t fill(int fd) {
        if (taken_ == buffer_.size()) {
            buffer_.clear();
            taken_ = 0;
        }
        const std::size_t old = buffer_.size();
        buffer_.resize(old + io_chunk);
        ssize_t n;
        do n = ::recv(fd, buffer_.data() + old, io_chunk, 0);
        while (n < 0 && errno == EINTR);
        buffer_.resize(old + (n > 0 ? static_cast<std::size_t>(n) : 0));
        return n;
    }

private:
    bytes buffer_;
    std::size_t taken_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Driving an engine over a socket.

void print_line(std::string_view key, std::string_view value) {
    std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(key.size()), key.data(), static_cast<int>(value.size()),
                 value.data());
    std::fflush(stderr);
}

std::string text_of(byte_view b) { return std::string(b.begin(), b.end()); }

template <class Engine>
void print_summary(const Engine& engine, const recording_verifier& verifier, std::string_view peer_fallback,
                   std::string_view verify_fallback) {
    print_line("protocol", "TLSv1.3");
    print_line("cipher", tls::to_string(engine.negotiated_suite()));
    print_line("group", tls::to_string(engine.negotiated_group()));
    print_line("hrr", engine.hello_retry_used() ? "yes" : "no");
    const byte_view alpn = engine.alpn_protocol();
    print_line("alpn", alpn.empty() ? std::string("none") : text_of(alpn));
    print_line("peer", verifier.called() ? verifier.subject() : std::string(peer_fallback));
    print_line("verify", verifier.called() ? verifier.result() : std::string(verify_fallback));
}

void print_failure(const tls::io_result& r, const recording_verifier& verifier, bool handshake_done) {
    if (!handshake_done && verifier.called()) {
        print_line("peer", verifier.subject());
        print_line("verify", verifier.result());
    }
    if (r.failure == tls::error::peer_alert) {
        print_line("alert", tls::to_string(r.alert));
        print_line("alert_by", "peer");
    } else if (tls::sends_alert(r.failure)) {
        print_line("alert", tls::to_string(r.alert));
        print_line("alert_by", "us");
    } else {
        print_line("error", tls::to_string(r.failure));
    }
}

enum class outcome { more, closed, failed };

// What the caller does with the events of one connection.
struct handlers {
    virtual ~handlers() = default;
    virtual void on_handshake_complete() = 0;
    virtual bool on_app_data(byte_view data) = 0;  // false: give up (stdout failed)
    virtual void on_key_update() = 0;
};

// One TLS connection on a socket: the engine, its output buffer, the queues.
template <class Engine>
class connection {
public:
    connection(Engine& engine, int fd, const recording_verifier& verifier)
        : engine_(engine), fd_(fd), verifier_(verifier), out_(output_buffer) {}

    // Feeds the received bytes to the engine until it needs more; queues what it produces.
    outcome process(handlers& h) {
        for (;;) {
            const tls::io_result r = engine_.receive(in_.view(), out_);
            if (r.what == tls::event::need_output_space) {
                out_.resize(std::max(r.needed, 2 * out_.size()));
                continue;
            }
            queue_.append(byte_view(out_).first(r.produced));
            in_.consume(r.consumed);
            switch (r.what) {
                case tls::event::need_input: return outcome::more;
                case tls::event::handshake_complete:
                    handshake_done_ = true;
                    h.on_handshake_complete();
                    break;
                case tls::event::app_data:
                    if (!h.on_app_data(r.data)) {
                        print_line("error", std::string("cannot write to stdout: ") + std::strerror(errno));
                        return outcome::failed;
                    }
                    break;
                case tls::event::key_update: h.on_key_update(); break;
                case tls::event::peer_closed: return outcome::closed;
                case tls::event::fatal:
                // The tool's signer and verifier answer at once, and receive() refuses nothing it
                // is given here: any of these is a failure.
                case tls::event::refused:
                case tls::event::signature_needed:
                case tls::event::verification_needed:
                    print_failure(r, verifier_, handshake_done_);
                    (void)queue_.send_all(fd_);  // our alert, if any
                    return outcome::failed;
                case tls::event::need_output_space: break;
            }
        }
    }

    // Encrypts and queues application data. False on failure (reported).
    bool send(byte_view data) {
        while (!data.empty()) {
            const tls::io_result r = engine_.send(data, out_);
            if (r.what == tls::event::need_output_space) {
                out_.resize(std::max(r.needed, 2 * out_.size()));
                continue;
            }
            if (r.what == tls::event::fatal || r.what == tls::event::refused) return report(r);
            queue_.append(byte_view(out_).first(r.produced));
            data = data.subspan(r.consumed);
        }
        return true;
    }

    // Runs an engine call that only writes (start, close, request_key_update) and queues its output.
    template <class Call>
    bool write(Call&& call) {
        for (;;) {
            const tls::io_result r = call(byte_span(out_));
            if (r.what == tls::event::need_output_space) {
                out_.resize(std::max(r.needed, 2 * out_.size()));
                continue;
            }
            if (r.what == tls::event::fatal || r.what == tls::event::refused) return report(r);
            queue_.append(byte_view(out_).first(r.produced));
            return true;
        }
    }

    // Sends our close_notify once, then everything queued, and half-closes the socket.
    void finish() {
        if (!close_sent_) (void)write([&](byte_span o) { return engine_.close(o); });
        close_sent_ = true;
        (void)queue_.send_all(fd_);
        ::shutdown(fd_, SHUT_WR);
    }
    void send_close_notify() {
        if (!close_sent_ && write([&](byte_span o) { return engine_.close(o); })) close_sent_ = true;
    }

    [[nodiscard]] bool handshake_done() const { return handshake_done_; }
    [[nodiscard]] bool close_sent() const { return close_sent_; }
    send_queue& queue() { return queue_; }
    receive_buffer& input() { return in_; }
    int fd() const { return fd_; }

private:
    bool report(const tls::io_result& r) {
        print_failure(r, verifier_, handshake_done_);
        return false;
    }

    Engine& engine_;
    int fd_;
    const recording_verifier& verifier_;
    bytes out_;
    send_queue queue_;
    receive_buffer in_;
    bool handshake_done_ = false;
    bool close_sent_ = false;
};

// Reads from the socket once and processes it. EOF: `closed` after our close_notify (the peer
// closed in answer), else a failure (truncation).
template <class Engine>
outcome read_socket(connection<Engine>& c, handlers& h) {
    const ssize_t n = c.input().fill(c.fd());
    if (n < 0) {
        print_line("error", std::string("recv: ") + std::strerror(errno));
        return outcome::failed;
    }
    if (n == 0) {
        if (c.close_sent() && c.handshake_done()) return outcome::closed;
        print_line("error", c.handshake_done() ? "connection closed without close_notify"
                                               : "connection closed during the handshake");
        return outcome::failed;
    }
    return c.process(h);
}

// ---------------------------------------------------------------------------------------------
// s_client

template <class Engine>
struct client_handlers final : handlers {
    Engine& engine;
    connection<Engine>& conn;
    const recording_verifier& verifier;
    const tls_options& options;
    bool key_update_failed = false;

    client_handlers(Engine& e, connection<Engine>& c, const recording_verifier& v, const tls_options& o)
        : engine(e), conn(c), verifier(v), options(o) {}

    void on_handshake_complete() override {
        if (!options.quiet) print_summary(engine, verifier, "none", "skipped");
        if (options.key_update) {
            if (!conn.write([&](byte_span o) { return engine.request_key_update(o); })) key_update_failed = true;
            else if (!options.quiet) print_line("key_update", "sent");
        }
    }
    bool on_app_data(byte_view data) override { return write_all(STDOUT_FILENO, data); }
    void on_key_update() override {
        if (!options.quiet) print_line("key_update", "received");
    }
};

int run_client(const endpoint& target, tls::client_config& config, const recording_verifier& verifier,
               const tls_options& options) {
    std::string error;
    const int fd = connect_to(target, error);
    if (fd < 0) {
        print_line("error", error);
        return exit_failure;
    }
    auto engine = std::make_unique<tls::client>(config);
    connection<tls::client> conn(*engine, fd, verifier);
    client_handlers<tls::client> h(*engine, conn, verifier, options);
    if (!conn.write([&](byte_span o) { return engine->start(o); })) {
        ::close(fd);
        return exit_failure;
    }

    bool stdin_open = true;
    bytes chunk(io_chunk);
    outcome result = outcome::more;
    while (result == outcome::more) {
        if (h.key_update_failed) {
            result = outcome::failed;
            break;
        }
        pollfd fds[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, 0, 0}};
        if (!conn.queue().empty()) fds[0].events |= POLLOUT;
        const bool want_stdin =
            conn.handshake_done() && stdin_open && !conn.close_sent() && conn.queue().size() < queue_high_water;
        if (want_stdin) fds[1].events = POLLIN;
        if (::poll(fds, want_stdin ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            print_line("error", std::string("poll: ") + std::strerror(errno));
            result = outcome::failed;
            break;
        }
        if (fds[0].revents & POLLOUT) {
            if (!conn.queue().send_some(fd)) {
                print_line("error", std::string("send: ") + std::strerror(errno));
                result = outcome::failed;
                break;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            result = read_socket(conn, h);
            if (result != outcome::more) break;
        }
        if (want_stdin && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n;
            do n = ::read(STDIN_FILENO, chunk.data(), chunk.size());
            while (n < 0 && errno == EINTR);
            if (n > 0) {
                if (!conn.send(byte_view(chunk).first(static_cast<std::size_t>(n)))) result = outcome::failed;
            } else {
                // EOF (or an unreadable stdin): close our side, keep reading until the server closes.
                stdin_open = false;
                conn.send_close_notify();
            }
        }
    }
    if (result == outcome::closed) conn.finish();
    ::close(fd);
    return result == outcome::closed ? exit_ok : exit_failure;
}

}  // namespace

int cmd_s_client(std::span<char* const> argv) {
    const arguments args(argv, {{"connect", true},
                                {"servername", true},
                                {"CAfile", true},
                                {"insecure", false},
                                {"alpn", true},
                                {"groups", true},
                                {"ciphersuites", true},
                                {"cert", true},
                                {"key", true},
                                {"key-update", false},
                                {"quiet", false}});
    if (!args.ok()) return usage_error("s_client: " + args.error());
    if (!args.positionals().empty()) return usage_error("s_client: unexpected argument '" + args.positionals()[0] + "'");
    const auto connect = args.value("connect");
    if (!connect) return usage_error("s_client: missing --connect HOST:PORT");
    const auto target = parse_endpoint(*connect, false);
    if (!target) return usage_error("s_client: --connect takes HOST:PORT (an IPv6 address as [ADDRESS]:PORT)");
    if (args.flag("insecure") && args.value("CAfile")) return usage_error("s_client: --CAfile and --insecure exclude each other");
    if (args.value("cert").has_value() != args.value("key").has_value())
        return usage_error("s_client: --cert and --key go together");

    auto options = std::make_unique<tls_options>();
    if (const std::string e = parse_common(args, *options); !e.empty()) return usage_error("s_client: " + e);
    if (const auto cert = args.value("cert")) {
        if (const std::string e = load_identity(*cert, *args.value("key"), options->id); !e.empty())
            return usage_error("s_client: " + e);
        options->have_identity = true;
    }
    const bool insecure = args.flag("insecure");
    if (!insecure) {
        const auto ca = args.value("CAfile");
        if (const std::string e = load_trust(ca.value_or(system_trust_store), !ca.has_value(), options->roots);
            !e.empty())
            return usage_error("s_client: " + e + (ca ? "" : " (the system trust store; give --CAfile)"));
    }
    std::string server_name = args.value("servername").value_or(target->host);
    if (server_name.empty()) return usage_error("s_client: --servername must not be empty");

    std::signal(SIGPIPE, SIG_IGN);
    getrandom_source random;
    system_clock clock;
    tls::x25519_key_exchange x25519;
    tls::key_exchange* exchanges[] = {&x25519};
    tls::x509_verifier<trust_capacity> inner(*options->roots.store, insecure);
    recording_verifier verifier(inner, insecure);

    tls::client_config config;
    config.cipher_suites = options->suites;
    config.groups = options->groups;
    config.key_exchanges = exchanges;
    config.alpn = options->alpn;
    config.server_name = server_name;  // an IP address is checked against the certificate, not sent
    config.verifier = &verifier;
    config.random = &random;
    config.clock = &clock;
    if (options->have_identity) {
        config.certificate_chain = options->id.views;
        config.signer = options->id.signer.get();
    }
    return run_client(*target, config, verifier, *options);
}

namespace {

// ---------------------------------------------------------------------------------------------
// s_server

template <class Engine>
struct server_handlers final : handlers {
    Engine& engine;
    connection<Engine>& conn;
    const recording_verifier& verifier;
    const tls_options& options;
    bool echo;
    bool verify_client;
    bool failed = false;

    server_handlers(Engine& e, connection<Engine>& c, const recording_verifier& v, const tls_options& o, bool echo_,
                    bool verify_client_)
        : engine(e), conn(c), verifier(v), options(o), echo(echo_), verify_client(verify_client_) {}

    void on_handshake_complete() override {
        if (!options.quiet) {
            print_summary(engine, verifier, "none", verify_client ? "none" : "skipped");
            const std::string_view sni = engine.server_name();
            print_line("sni", sni.empty() ? std::string_view("none") : sni);
        }
        if (options.key_update) {
            if (!conn.write([&](byte_span o) { return engine.request_key_update(o); })) failed = true;
            else if (!options.quiet) print_line("key_update", "sent");
        }
    }
    bool on_app_data(byte_view data) override {
        if (echo) {
            if (!conn.send(data)) failed = true;
            return true;
        }
        return write_all(STDOUT_FILENO, data);
    }
    void on_key_update() override {
        if (!options.quiet) print_line("key_update", "received");
    }
};

// Serves one accepted connection to its end. True when it closed cleanly.
bool serve(int fd, const tls::server_config& config, recording_verifier& verifier, const tls_options& options,
           bool echo, bool verify_client) {
    verifier.reset();
    auto engine = std::make_unique<tls::server>(config);
    connection<tls::server> conn(*engine, fd, verifier);
    server_handlers<tls::server> h(*engine, conn, verifier, options, echo, verify_client);
    outcome result = outcome::more;
    while (result == outcome::more && !h.failed) {
        pollfd p{fd, 0, 0};
        // While much waits to be sent, stop reading: the client is reading what we echo.
        if (conn.queue().size() < queue_high_water) p.events |= POLLIN;
        if (!conn.queue().empty()) p.events |= POLLOUT;
        if (::poll(&p, 1, -1) < 0) {
            if (errno == EINTR) continue;
            print_line("error", std::string("poll: ") + std::strerror(errno));
            return false;
        }
        if ((p.revents & POLLOUT) && !conn.queue().send_some(fd)) {
            print_line("error", std::string("send: ") + std::strerror(errno));
            return false;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) result = read_socket(conn, h);
    }
    if (h.failed) result = outcome::failed;
    if (result == outcome::closed) conn.finish();
    return result == outcome::closed;
}

}  // namespace

int cmd_s_server(std::span<char* const> argv) {
    const arguments args(argv, {{"accept", true},
                                {"cert", true},
                                {"key", true},
                                {"CAfile", true},
                                {"verify-client", false},
                                {"alpn", true},
                                {"groups", true},
                                {"ciphersuites", true},
                                {"echo", false},
                                {"num-conns", true},
                                {"key-update", false},
                                {"quiet", false}});
    if (!args.ok()) return usage_error("s_server: " + args.error());
    if (!args.positionals().empty()) return usage_error("s_server: unexpected argument '" + args.positionals()[0] + "'");
    const auto accept = args.value("accept");
    if (!accept) return usage_error("s_server: missing --accept [HOST:]PORT");
    const auto where = parse_endpoint(*accept, true);
    if (!where) return usage_error("s_server: --accept takes [HOST:]PORT (an IPv6 address as [ADDRESS]:PORT)");
    if (!args.value("cert") || !args.value("key")) return usage_error("s_server: --cert PEM and --key PEM are required");
    const bool verify_client = args.flag("verify-client");
    if (verify_client && !args.value("CAfile")) return usage_error("s_server: --verify-client needs --CAfile");
    std::uint64_t num_conns = 0;
    if (const auto n = args.value("num-conns")) {
        const auto parsed = parse_decimal(*n, 1'000'000'000);
        if (!parsed || *parsed == 0) return usage_error("s_server: --num-conns takes a positive number");
        num_conns = *parsed;
    }

    auto options = std::make_unique<tls_options>();
    if (const std::string e = parse_common(args, *options); !e.empty()) return usage_error("s_server: " + e);
    if (const std::string e = load_identity(*args.value("cert"), *args.value("key"), options->id); !e.empty())
        return usage_error("s_server: " + e);
    if (const auto ca = args.value("CAfile"))
        if (const std::string e = load_trust(*ca, false, options->roots); !e.empty()) return usage_error("s_server: " + e);

    std::string error;
    const std::vector<int> listeners = listen_on(*where, error);
    if (listeners.empty()) {
        print_line("error", error);
        return exit_failure;
    }

    std::signal(SIGPIPE, SIG_IGN);
    getrandom_source random;
    system_clock clock;
    tls::x25519_key_exchange x25519;
    tls::key_exchange* exchanges[] = {&x25519};
    tls::x509_verifier<trust_capacity> inner(*options->roots.store);
    recording_verifier verifier(inner, false);

    tls::server_config config;
    config.cipher_suites = options->suites;
    config.groups = options->groups;
    config.key_exchanges = exchanges;
    config.alpn = options->alpn;
    config.certificate_chain = options->id.views;
    config.signer = options->id.signer.get();
    config.verifier = &verifier;
    config.random = &random;
    config.clock = &clock;
    config.request_client_certificate = verify_client;
    config.require_client_certificate = verify_client;

    bool all_clean = true;
    std::vector<pollfd> waiting;
    for (const int fd : listeners) waiting.push_back({fd, POLLIN, 0});
    for (std::uint64_t served = 0; num_conns == 0 || served < num_conns;) {
        if (::poll(waiting.data(), waiting.size(), -1) < 0) {
            if (errno == EINTR) continue;
            print_line("error", std::string("poll: ") + std::strerror(errno));
            return exit_failure;
        }
        for (const auto& p : waiting) {
            if (!(p.revents & POLLIN) || (num_conns != 0 && served == num_conns)) continue;
            sockaddr_storage peer{};
            socklen_t size = sizeof peer;
            const int fd = ::accept4(p.fd, reinterpret_cast<sockaddr*>(&peer), &size, SOCK_CLOEXEC);
            if (fd < 0) continue;
            set_nodelay(fd);
            ++served;
            if (!options->quiet) print_line("connection", address_text(reinterpret_cast<const sockaddr*>(&peer)));
            if (!serve(fd, config, verifier, *options, args.flag("echo"), verify_client)) all_clean = false;
            ::close(fd);
        }
    }
    for (const int fd : listeners) ::close(fd);
    return all_clean ? exit_ok : exit_failure;
}

}  // namespace carapace_tool
