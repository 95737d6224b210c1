// carapace-tool s_server: the TLS 1.3 server engine over TCP, in the spirit of `openssl s_server`.
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <memory>
#include <string>

#include "cli.hpp"
#include "commands.hpp"
#include "host/clock.hpp"
#include "host/random.hpp"
#include "tls_driver.hpp"
#include "tls_options.hpp"
#include "tls_sockets.hpp"
#include "carapace/tls/server.hpp"

namespace carapace_tool {

namespace {

namespace tls = carapace::tls;
using carapace::byte_span;
using carapace::byte_view;

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
bool serve(int fd, tls::server_config config, tls::certificate_verifier& inner, const tls_options& options,
           bool echo, bool verify_client) {
    recording_verifier verifier(inner, false);
    config.verifier = &verifier;
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
    host::getrandom_source random;
    host::system_clock clock;
    tls::x25519_key_exchange x25519;
    tls::key_exchange* exchanges[] = {&x25519};
    tls::x509_verifier<trust_capacity> inner(*options->roots.store);

    tls::server_config config;
    config.cipher_suites = options->suites;
    config.groups = options->groups;
    config.key_exchanges = exchanges;
    config.alpn = options->alpn;
    config.certificate_chain = options->id.views;
    config.signer = options->id.signer.get();
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
            if (!serve(fd, config, inner, *options, args.flag("echo"), verify_client)) all_clean = false;
            ::close(fd);
        }
    }
    for (const int fd : listeners) ::close(fd);
    return all_clean ? exit_ok : exit_failure;
}

}  // namespace carapace_tool
