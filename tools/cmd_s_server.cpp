// carapace-tool s_server: the TLS 1.3 server engine over TCP, in the spirit of `openssl s_server`.
//
//   s_server --accept [HOST:]PORT {--cert PEM --key PEM | --psk HEX --psk-identity ID | both}
//            [--CAfile PEM --verify-client [optional|required]]
//            [--alpn P1,P2] [--groups G1:G2] [--ciphersuites S1:S2] [--echo] [--num-conns N]
//            [--max-conns N] [--timeout SECONDS] [--key-update] [--status-file DER]
//            [--tickets N] [--ticket-key-file FILE] [--psk-mode psk_dhe_ke|psk_ke|both]
//            [--early-data [--max-early-data N]] [--raw-public-key]
//            [--client-raw-public-key PEM] [--quiet]
//
// Raw public keys (RFC 7250): --raw-public-key authenticates with the bare public key of --key
// (Ed25519, P-256 or P-384) for clients that take one (server_certificate_type); --cert is then
// optional: with it, clients that do not are served the chain, without it they get
// unsupported_certificate. --client-raw-public-key PEM ("PUBLIC KEY", as `openssl pkey -pubout`
// writes) asks clients for their raw public key and accepts only that one (instead of --CAfile;
// required unless --verify-client optional).
// --psk with --psk-identity: an external PSK clients may use; without --cert and --key the server
// serves PSK handshakes only. --tickets N: session tickets sent after each full or resumed
// handshake (0 to 16; default 1 with --ticket-key-file, else 0), sealed with the newest key of
// --ticket-key-file (format in tls_psk_files.hpp; every key listed opens tickets), or without
// one with a random key of this run. --psk-mode: the modes accepted, most preferred first
// (default psk_dhe_ke). The summary adds "resumed", "psk" and
// "early_data: accepted|rejected|not_offered".
//
// --early-data accepts 0-RTT data (RFC 8446 §2.3): our tickets then allow --max-early-data bytes
// (1 to 16384, default 16384) and --tickets defaults to 1. Early data is taken only from a
// resumption ticket of ours whose age matches ours within 10 s (§8.3) in a ClientHello not seen in
// the last 10 s: the ClientHellos that carried early data are recorded for that window, up to
// 1024 of them (§8.2; past that, early data is declined until entries age out). Early data
// received goes to stdout like application data (with --echo, back to the client once the
// handshake is complete). Without --early-data, early data offered with a ticket of an earlier run
// is declined ("early_data: rejected") and the handshake goes on in 1-RTT. External PSKs carry no
// early data here.
//
// --status-file: an OCSP response (DER, at most 64 KiB) stapled to our certificate for clients
// that ask (status_request); it is sent as it is, fresh or not.
// Connections are served at once, each by its own engine, buffers and verifier, from one poll()
// loop: a client that stalls holds only its own slot, and loses it after --timeout seconds (the
// handshake must complete within that time of the accept; after it, that long without a byte
// moving either way ends the connection). Past --max-conns open connections, a new one is accepted
// and closed at once ("refused: ADDRESS"). --num-conns N: after N connections are accepted the
// listening sockets close, and the server exits when the last of them ends.
//
// What a connection's client sends goes to stdout (or back, with --echo), except a first request
// line "GET /keyupdate": the answer, as TLS conformance suites expect of a server (tlsfuzzer's
// keyupdate-from-server script; OpenSSL's s_server -www), is a KeyUpdate(update_requested) and then
// a short HTTP/1.0 200 response. The summary per connection on stderr: "connection: ADDRESS", the
// s_client lines, "sni", and on failure "alert"/"alert_by" or "error". Exit status: 0 when every
// connection closed cleanly, 1 otherwise (a timeout too), 2 on bad arguments or unreadable files.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "host/clock.hpp"
#include "host/files.hpp"
#include "host/random.hpp"
#include "platform.hpp"
#include "tls_driver.hpp"
#include "tls_options.hpp"
#include "tls_psk_files.hpp"
#include "tls_sockets.hpp"
#include "carapace/tls/raw_public_keys.hpp"
#include "carapace/tls/server.hpp"
#include "carapace/tls/tickets/replay_window.hpp"

namespace carapace_tool {

namespace {

namespace tls = carapace::tls;
using carapace::byte_span;
using carapace::byte_view;
using steady = std::chrono::steady_clock;

constexpr std::uint64_t default_timeout_seconds = 60;
constexpr std::uint64_t default_max_conns = 100;
constexpr std::uint64_t max_max_conns = 1000;  // below the usual limit of 1024 descriptors
// 0-RTT ClientHellos remembered for the replay window (64 bytes each): the most a server accepts
// early data from within one window.
constexpr std::size_t replay_capacity = 1024;

enum class client_auth { none, optional, required };

struct server_settings {
    const tls_options* options = nullptr;
    bool echo = false;
    client_auth auth = client_auth::none;
    std::uint64_t num_conns = 0;  // 0: serve until killed
    std::uint64_t max_conns = default_max_conns;
    std::chrono::seconds timeout{default_timeout_seconds};  // 0: none
};

// The request line conformance suites send to have the server update its keys.
bool is_key_update_request(byte_view data) {
    constexpr std::string_view line = "GET /keyupdate";
    if (data.size() < line.size() || !std::equal(line.begin(), line.end(), data.begin())) return false;
    if (data.size() == line.size()) return true;
    const auto next = data[line.size()];
    return next == ' ' || next == '?' || next == '\r' || next == '\n';
}

constexpr std::string_view key_update_response =
    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nkeys updated";

tls::server_config with_verifier(tls::server_config config, tls::certificate_verifier& verifier) {
    config.verifier = &verifier;
    return config;
}

// One accepted connection: its engine, its verifier (the summary is per connection), its queues,
// and its clocks. Lives at a fixed address (the connection refers to the engine and verifier).
class session final : public handlers {
public:
    session(socket_handle fd, const tls::server_config& shared, tls::certificate_verifier& inner, const server_settings& s,
            steady::time_point now)
        : fd_(fd), settings_(s), verifier_(inner, false), engine_(with_verifier(shared, verifier_)),
          conn_(engine_, fd, verifier_), accepted_(now), last_activity_(now) {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;
    ~session() override { platform::close_socket(fd_); }

    [[nodiscard]] socket_handle fd() const { return fd_; }
    [[nodiscard]] bool done() const { return state_ == state::done; }
    [[nodiscard]] bool clean() const { return clean_; }

    [[nodiscard]] short poll_events() {
        short events = 0;
        // While much waits to be sent, stop reading: the client is reading what we echo.
        if (state_ == state::running && conn_.queue().size() < queue_high_water) events |= POLLIN;
        if (!conn_.queue().empty()) events |= POLLOUT;
        return events;
    }

    void on_ready(short revents, steady::time_point now) {
        if (revents & POLLOUT) {
            bool moved = false;
            if (!conn_.queue().send_some(fd_, &moved)) {
                // Once the outcome is decided, a client that has gone does not change it.
                if (state_ == state::draining) return end(clean_);
                print_line("error", "send: " + platform::last_failure_text());
                return end(false);
            }
            if (moved) last_activity_ = now;
        }
        if (state_ == state::running && (revents & (POLLIN | POLLHUP | POLLERR))) {
            last_activity_ = now;
            outcome result = read_socket(conn_, *this);
            if (failed_) result = outcome::failed;
            if (result == outcome::closed) {
                conn_.send_close_notify();
                drain(true, now);
            } else if (result == outcome::failed) {
                drain(false, now);
            }
        } else if (state_ == state::draining && (revents & (POLLHUP | POLLERR)) && !(revents & POLLOUT)) {
            end(clean_);
        }
        if (state_ == state::draining && conn_.queue().empty()) end(clean_);
    }

    // When the timeout next needs looking at; max() when never.
    [[nodiscard]] steady::time_point deadline() const {
        if (settings_.timeout.count() == 0 || state_ == state::done) return steady::time_point::max();
        return (state_ == state::running && !conn_.handshake_done() ? accepted_ : last_activity_) + settings_.timeout;
    }

    void check_timeout(steady::time_point now) {
        if (now < deadline()) return;
        const std::string seconds = std::to_string(settings_.timeout.count());
        if (state_ == state::draining) {
            end(false);
        } else if (!conn_.handshake_done()) {
            print_line("error", "handshake not complete after " + seconds + " seconds");
            end(false);
        } else {
            print_line("error", "idle for " + seconds + " seconds");
            conn_.send_close_notify();
            drain(false, now);
        }
    }

    void on_handshake_complete() override {
        const tls_options& options = *settings_.options;
        if (!options.quiet) {
            print_summary(engine_, verifier_, "none", settings_.auth != client_auth::none ? "none" : "skipped");
            const std::string_view sni = engine_.server_name();
            print_line("sni", sni.empty() ? std::string_view("none") : sni);
            print_psk_summary(engine_.resumed(), engine_.selected_psk().has_value(), engine_.early_data_offered(),
                              engine_.early_data_accepted());
        }
        if (options.key_update) send_key_update();
        // Early data to echo could not be sent before the handshake was complete.
        if (!failed_ && !early_echo_.empty() && !conn_.send(early_echo_)) failed_ = true;
        early_echo_.clear();
    }
    bool on_early_data(byte_view data) override {
        seen_data_ = true;
        if (!settings_.echo) return platform::write_stdout(data);
        early_echo_.insert(early_echo_.end(), data.begin(), data.end());  // at most --max-early-data
        return true;
    }
    bool on_app_data(byte_view data) override {
        const bool first = !seen_data_;
        seen_data_ = true;
        if (first && is_key_update_request(data)) {
            if (!settings_.echo && !platform::write_stdout(data)) return false;
            send_key_update();
            if (!failed_ && !conn_.send(byte_view(reinterpret_cast<const std::uint8_t*>(key_update_response.data()),
                                                  key_update_response.size())))
                failed_ = true;
            return true;
        }
        if (settings_.echo) {
            if (!conn_.send(data)) failed_ = true;
            return true;
        }
        return platform::write_stdout(data);
    }
    void on_key_update() override {
        if (!settings_.options->quiet) print_line("key_update", "received");
    }

private:
    enum class state { running, draining, done };

    void send_key_update() {
        if (!conn_.write([&](byte_span o) { return engine_.request_key_update(o); })) failed_ = true;
        else if (!settings_.options->quiet) print_line("key_update", "sent");
    }

    // The outcome is decided: send what is queued (our close_notify or alert), then close.
    void drain(bool clean, steady::time_point now) {
        clean_ = clean;
        state_ = state::draining;
        last_activity_ = now;
    }
    void end(bool clean) {
        if (state_ == state::done) return;
        clean_ = clean;
        if (clean) platform::shutdown_send(fd_);
        state_ = state::done;
    }

    socket_handle fd_;
    const server_settings& settings_;
    recording_verifier verifier_;
    tls::server engine_;
    connection<tls::server> conn_;
    steady::time_point accepted_, last_activity_;
    state state_ = state::running;
    bool clean_ = false;
    bool failed_ = false;
    bool seen_data_ = false;
    std::vector<std::uint8_t> early_echo_;
};

// The poll loop over the listening sockets and every open session. True when every connection
// closed cleanly.
bool serve(std::vector<socket_handle> listeners, const tls::server_config& config, tls::certificate_verifier& inner,
           const server_settings& settings) {
    const bool quiet = settings.options->quiet;
    std::vector<std::unique_ptr<session>> sessions;
    std::vector<platform::poll_entry> fds;
    std::uint64_t accepted = 0;
    bool all_clean = true;
    steady::time_point accept_pause_until{};
    auto close_listeners = [&] {
        for (const socket_handle fd : listeners) platform::close_socket(fd);
        listeners.clear();
    };
    for (;;) {
        if (settings.num_conns != 0 && accepted == settings.num_conns) close_listeners();
        if (listeners.empty() && sessions.empty()) break;

        steady::time_point now = steady::now();
        const bool accepting = now >= accept_pause_until;
        fds.clear();
        if (accepting)
            for (const socket_handle fd : listeners) fds.push_back({fd, POLLIN, 0});
        const std::size_t first_session = fds.size();
        steady::time_point wake = accepting ? steady::time_point::max() : accept_pause_until;
        for (const auto& s : sessions) {
            fds.push_back({s->fd(), s->poll_events(), 0});
            wake = std::min(wake, s->deadline());
        }
        int wait_ms = -1;
        if (wake != steady::time_point::max()) {
            const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
            wait_ms = static_cast<int>(std::clamp<decltype(ms)>(ms, 0, 60'000));
        }
        if (platform::poll(fds.data(), fds.size(), wait_ms) < 0) {
            if (platform::last_failure() == platform::failure::interrupted) continue;
            print_line("error", "poll: " + platform::last_failure_text());
            return false;
        }
        now = steady::now();

        for (std::size_t i = 0; i < first_session; ++i) {
            if (!(fds[i].revents & POLLIN) || (settings.num_conns != 0 && accepted == settings.num_conns)) continue;
            sockaddr_storage peer{};
            const socket_handle fd = platform::accept_socket(fds[i].fd, peer);
            if (fd == platform::no_socket) {
                // Out of descriptors: the listener stays readable, so wait a little instead of spinning.
                if (platform::last_failure() == platform::failure::out_of_resources)
                    accept_pause_until = now + std::chrono::milliseconds(100);
                continue;
            }
            const std::string address = address_text(reinterpret_cast<const sockaddr*>(&peer));
            if (sessions.size() >= settings.max_conns) {
                if (!quiet) print_line("refused", address + " (" + std::to_string(settings.max_conns) + " connections open)");
                platform::close_socket(fd);
                continue;
            }
            set_nodelay(fd);
            ++accepted;
            if (!quiet) print_line("connection", address);
            sessions.push_back(std::make_unique<session>(fd, config, inner, settings, now));
        }
        for (std::size_t i = first_session; i < fds.size(); ++i)
            if (fds[i].revents != 0) sessions[i - first_session]->on_ready(fds[i].revents, now);
        for (auto& s : sessions) s->check_timeout(now);
        std::erase_if(sessions, [&](const std::unique_ptr<session>& s) {
            if (!s->done()) return false;
            if (!s->clean()) all_clean = false;
            return true;
        });
    }
    return all_clean;
}

}  // namespace

int cmd_s_server(std::span<char* const> argv) {
    static constexpr std::string_view auth_words[] = {"optional", "required"};
    const arguments args(argv, {{"accept", true},
                                {"cert", true},
                                {"key", true},
                                {"CAfile", true},
                                {"verify-client", false, auth_words},
                                {"alpn", true},
                                {"groups", true},
                                {"ciphersuites", true},
                                {"echo", false},
                                {"num-conns", true},
                                {"max-conns", true},
                                {"timeout", true},
                                {"key-update", false},
                                {"status-file", true},
                                {"tickets", true},
                                {"ticket-key-file", true},
                                {"psk", true},
                                {"psk-identity", true},
                                {"psk-mode", true},
                                {"early-data", false},
                                {"max-early-data", true},
                                {"raw-public-key", false},
                                {"client-raw-public-key", true},
                                {"quiet", false}});
    if (!args.ok()) return usage_error("s_server: " + args.error());
    if (!args.positionals().empty()) return usage_error("s_server: unexpected argument '" + args.positionals()[0] + "'");
    const auto accept = args.value("accept");
    if (!accept) return usage_error("s_server: missing --accept [HOST:]PORT");
    const auto where = parse_endpoint(*accept, true);
    if (!where) return usage_error("s_server: --accept takes [HOST:]PORT (an IPv6 address as [ADDRESS]:PORT)");
    const bool raw = args.flag("raw-public-key");
    if (raw && !args.value("key")) return usage_error("s_server: --raw-public-key needs --key");
    if (args.value("cert") && !args.value("key")) return usage_error("s_server: --cert and --key go together");
    if (args.value("key") && !args.value("cert") && !raw)
        return usage_error("s_server: --cert and --key go together (or --key with --raw-public-key)");
    if (!args.value("cert") && !args.value("psk") && !raw)
        return usage_error("s_server: --cert PEM and --key PEM are required (or --psk HEX --psk-identity ID)");
    psk_options psk;
    if (const std::string e = parse_psk_options(args.value("psk"), args.value("psk-identity"), args.value("psk-mode"), psk);
        !e.empty())
        return usage_error("s_server: " + e);
    std::vector<tls::ticket_key> ticket_keys;
    if (const auto path = args.value("ticket-key-file"))
        if (const std::string e = load_ticket_keys(*path, ticket_keys); !e.empty()) return usage_error("s_server: " + e);
    const bool early_data = args.flag("early-data");
    std::uint64_t max_early_data = tls::max_early_data_limit;
    if (const auto n = args.value("max-early-data")) {
        if (!early_data) return usage_error("s_server: --max-early-data needs --early-data");
        const auto parsed = parse_decimal(*n, tls::max_early_data_limit);
        if (!parsed || *parsed == 0)
            return usage_error("s_server: --max-early-data takes a number from 1 to " +
                               std::to_string(tls::max_early_data_limit));
        max_early_data = *parsed;
    }
    std::uint64_t tickets = ticket_keys.empty() && !early_data ? 0 : 1;
    if (const auto n = args.value("tickets")) {
        const auto parsed = parse_decimal(*n, 16);
        if (!parsed) return usage_error("s_server: --tickets takes a number from 0 to 16");
        tickets = *parsed;
    }

    server_settings settings;
    settings.echo = args.flag("echo");
    if (const auto v = args.value("verify-client"))
        settings.auth = *v == "optional" ? client_auth::optional : client_auth::required;
    const bool raw_client = args.value("client-raw-public-key").has_value();
    if (raw_client && args.value("CAfile")) return usage_error("s_server: --client-raw-public-key excludes --CAfile");
    if (raw_client && settings.auth == client_auth::none) settings.auth = client_auth::required;
    if (settings.auth != client_auth::none && !args.value("CAfile") && !raw_client)
        return usage_error("s_server: --verify-client needs --CAfile (or --client-raw-public-key)");
    if (const auto n = args.value("num-conns")) {
        const auto parsed = parse_decimal(*n, 1'000'000'000);
        if (!parsed || *parsed == 0) return usage_error("s_server: --num-conns takes a positive number");
        settings.num_conns = *parsed;
    }
    if (const auto n = args.value("max-conns")) {
        const auto parsed = parse_decimal(*n, max_max_conns);
        if (!parsed || *parsed == 0)
            return usage_error("s_server: --max-conns takes a number from 1 to " + std::to_string(max_max_conns));
        settings.max_conns = *parsed;
    }
    if (const auto n = args.value("timeout")) {
        const auto parsed = parse_decimal(*n, 86'400);
        if (!parsed) return usage_error("s_server: --timeout takes seconds, 0 to 86400 (0: none)");
        settings.timeout = std::chrono::seconds(*parsed);
    }

    auto options = std::make_unique<tls_options>();
    if (const std::string e = parse_common(args, *options); !e.empty()) return usage_error("s_server: " + e);
    if (args.value("cert"))
        if (const std::string e = load_identity(*args.value("cert"), *args.value("key"), options->id); !e.empty())
            return usage_error("s_server: " + e);
    if (raw && args.value("cert")) {
        const auto leaf = carapace::x509::parse_certificate(options->id.views[0]);
        if (leaf) options->id.spki.assign(leaf->public_key.encoded.begin(), leaf->public_key.encoded.end());
    } else if (raw) {
        if (const std::string e = load_raw_key_identity(*args.value("key"), options->id); !e.empty())
            return usage_error("s_server: " + e);
    }
    std::vector<std::uint8_t> client_key;
    if (raw_client)
        if (const std::string e = load_spki(*args.value("client-raw-public-key"), client_key); !e.empty())
            return usage_error("s_server: " + e);
    if (const auto ca = args.value("CAfile"))
        if (const std::string e = load_trust(*ca, false, options->roots); !e.empty()) return usage_error("s_server: " + e);
    settings.options = options.get();
    std::string status_file;
    if (const auto path = args.value("status-file")) {
        std::string error;
        if (!host::read_file(*path, status_file, error, std::size_t{64} << 10)) return usage_error("s_server: " + error);
        if (status_file.empty()) return usage_error("s_server: --status-file " + *path + " is empty");
    }

    std::string error;
    std::vector<socket_handle> listeners = listen_on(*where, error);
    if (listeners.empty()) {
        print_line("error", error);
        return exit_failure;
    }

    host::getrandom_source random;
    host::system_clock clock;
    tool_key_exchanges exchanges;
    tls::x509_verifier<trust_capacity> x509_inner(*options->roots.store);
    tls::raw_public_key_verifier pinned(client_key);
    tls::certificate_verifier& inner = raw_client ? static_cast<tls::certificate_verifier&>(pinned) : x509_inner;

    tls::server_config config;
    config.cipher_suites = options->suites;
    config.groups = options->groups;
    config.key_exchanges = exchanges.all;
    config.alpn = options->alpn;
    config.certificate_chain = options->id.views;
    config.signer = options->id.signer;
    config.raw_public_key = options->id.spki;
    if (raw_client) config.peer_certificate_types = tls::raw_public_key_only;
    config.random = &random;
    config.clock = &clock;
    config.request_client_certificate = settings.auth != client_auth::none;
    config.require_client_certificate = settings.auth == client_auth::required;
    config.external_psks = psk.psks;
    config.psk_modes = psk.modes;
    if (tickets > 0 && ticket_keys.empty()) {
        // No key file: a random key for this run (its tickets resume only with this process).
        tls::ticket_key k;
        random.fill(k.key);
        ticket_keys.push_back(k);
    }
    config.ticket_keys = ticket_keys;  // all open tickets, also with --tickets 0
    config.tickets_after_handshake = static_cast<std::uint8_t>(tickets);
    auto recorder = std::make_unique<tls::memory_client_hello_recorder<replay_capacity>>();
    if (early_data) {
        config.max_early_data = static_cast<std::uint32_t>(max_early_data);
        config.replay_recorder = recorder.get();  // one for all connections: a replay may come on any
    }
    config.ocsp_response = carapace::byte_view(reinterpret_cast<const std::uint8_t*>(status_file.data()), status_file.size());

    return serve(std::move(listeners), config, inner, settings) ? exit_ok : exit_failure;
}

}  // namespace carapace_tool
