// carapace-tool s_client: the TLS 1.3 client engine over TCP, in the spirit of `openssl s_client`.
//
//   s_client --connect HOST:PORT [--servername NAME] [--CAfile PEM | --insecure] [--alpn P1,P2]
//            [--groups G1:G2] [--ciphersuites S1:S2] [--cert PEM --key PEM] [--key-update] [--status]
//            [--pin sha256//BASE64]... [--allow-no-backup-pin] [--sess-out FILE] [--sess-in FILE]
//            [--psk HEX --psk-identity ID] [--psk-mode psk_dhe_ke|psk_ke|both] [--early-data FILE]
//            [--raw-public-key PEM] [--send-raw-public-key] [--quiet]
//
// Raw public keys (RFC 7250): --raw-public-key PEM takes the server's key as a "PUBLIC KEY" PEM
// (what `openssl pkey -pubout` writes) and accepts only that key, sent bare in place of a
// certificate (no --CAfile, --insecure, --pin or --status with it); another key fails with
// "verify: pin mismatch" and alert bad_certificate, a server without raw keys with
// unsupported_certificate. --send-raw-public-key: when the server asks for a client certificate,
// answer with the bare public key of --key (Ed25519, P-256 or P-384; --cert is then optional,
// and the server's choice decides between the two). The summary's "peer" then reads
// "raw public key (TYPE)".
// --sess-out writes each session ticket the server sends to FILE (the last one wins); --sess-in
// offers the ticket in FILE, once, when it is for this server name and still fresh (else a full
// handshake, and "sess_in: not offered (REASON)"). The format is tls_psk_files.hpp's. --psk with
// --psk-identity offers an external PSK; without --CAfile or --insecure the client then accepts
// PSK handshakes only (no certificate to check). --psk-mode: the PSK key exchange modes offered
// (default psk_dhe_ke: (EC)DHE too, forward secrecy), for resumption too. The summary adds
// "resumed: yes|no", "psk: yes|no" (an external PSK was used) and
// "early_data: accepted|rejected|not_offered".
//
// --early-data FILE (1 byte to 1 MiB): FILE's contents are sent first, before stdin. With a
// --sess-in ticket that allows early data, as much of them as the ticket's max_early_data allows
// goes as 0-RTT data right after the ClientHello (RFC 8446 §2.3), the rest after the handshake.
// When the server rejects the early data, all of FILE is sent again after the handshake as
// ordinary data, so FILE's contents always arrive, once. Without such a ticket (none, one that
// allows no early data, or an external --psk: the engine sends early data only with a resumption
// ticket, §4.2.10) nothing is offered ("early_data: not_offered") and FILE goes after the
// handshake. Early data can be replayed by an attacker: send only requests that are safe to repeat.
//
// --status asks the server to staple an OCSP response for its certificate and checks it (soft
// fail: a revoked certificate fails the handshake, a missing or unusable response does not); the
// summary then says "ocsp: good|revoked|unknown|none". --pin (RFC 7469 SHA-256 SPKI pins, as
// `verify --pin` takes them): a key of the validated path must be pinned and one pin must be a
// backup matching none of it (unless --allow-no-backup-pin); else "verify: pin mismatch" or
// "verify: no backup pin" and alert bad_certificate.
// After the handshake the client copies stdin to the server and the server's data to stdout; on
// stdin EOF it sends close_notify and reads until the server closes. The summary on stderr, one
// "key: value" per line (protocol, cipher, group, hrr, alpn, peer, verify), "key_update: sent" and
// "key_update: received", and on failure "alert: NAME" (with "alert_by: us|peer") or
// "error: REASON". Exit status: 0 after a clean close, 1 on a failure, 2 on bad arguments or
// unreadable files.
#include <memory>
#include <optional>
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
#include "carapace/tls/client.hpp"
#include "carapace/tls/raw_public_keys.hpp"
#include "carapace/x509/pins.hpp"

namespace carapace_tool {

namespace {

namespace tls = carapace::tls;
using carapace::byte_span;
using carapace::byte_view;
using bytes = std::vector<std::uint8_t>;

constexpr std::size_t max_early_file = std::size_t{1} << 20;

template <class Engine>
struct client_handlers final : handlers {
    Engine& engine;
    connection<Engine>& conn;
    const recording_verifier& verifier;
    const tls_options& options;
    bool status;
    byte_view early_file;         // --early-data: all of it arrives, early or after the handshake
    std::size_t early_sent = 0;   // how much of it went as 0-RTT data
    bool failed = false;

    client_handlers(Engine& e, connection<Engine>& c, const recording_verifier& v, const tls_options& o, bool s)
        : engine(e), conn(c), verifier(v), options(o), status(s) {}

    void on_handshake_complete() override {
        const bool early_offered = engine.max_early_data() > 0;
        if (!options.quiet) {
            print_summary(engine, verifier, "none", "skipped");
            print_psk_summary(engine.resumed(), engine.selected_psk().has_value(), early_offered,
                              engine.early_data_accepted());
            if (status) print_line("ocsp", tls::to_string(engine.stapled_ocsp_status()));
        }
        if (options.key_update) {
            if (!conn.write([&](byte_span o) { return engine.request_key_update(o); })) failed = true;
            else if (!options.quiet) print_line("key_update", "sent");
        }
        // What did not go as early data, or all of it when the server skipped it.
        const std::size_t done = engine.early_data_accepted() ? early_sent : 0;
        if (!failed && !conn.send(early_file.subspan(done))) failed = true;
    }
    bool on_app_data(byte_view data) override { return platform::write_stdout(data); }
    void on_key_update() override {
        if (!options.quiet) print_line("key_update", "received");
    }
};

// Sends as much of `data` as the ticket allows as 0-RTT data; how much went, or nullopt on failure.
std::optional<std::size_t> send_early(tls::client& engine, connection<tls::client>& conn, byte_view data) {
    std::size_t sent = 0;
    while (sent < data.size() && sent < engine.max_early_data()) {
        tls::io_result r;
        if (!conn.write([&](byte_span o) { return r = engine.send_early(data.subspan(sent), o); })) return std::nullopt;
        if (r.consumed == 0) break;
        sent += r.consumed;
    }
    return sent;
}

int run_client(const endpoint& target, tls::client_config& config, const recording_verifier& verifier,
               const tls_options& options, byte_view early_file) {
    std::string error;
    const socket_handle fd = connect_to(target, error);
    if (fd == platform::no_socket) {
        print_line("error", error);
        return exit_failure;
    }
    auto engine = std::make_unique<tls::client>(config);
    connection<tls::client> conn(*engine, fd, verifier);
    client_handlers<tls::client> h(*engine, conn, verifier, options,
                                   config.ocsp_stapling != tls::ocsp_stapling::off);
    h.early_file = early_file;
    if (!conn.write([&](byte_span o) { return engine->start(o); })) {
        platform::close_socket(fd);
        return exit_failure;
    }
    if (const auto sent = send_early(*engine, conn, early_file)) {
        h.early_sent = *sent;
    } else {
        (void)conn.queue().send_all(fd, 1000);
        platform::close_socket(fd);
        return exit_failure;
    }

    platform::stdin_source input;
    if (!input.open(error)) {
        print_line("error", error);
        platform::close_socket(fd);
        return exit_failure;
    }
    bool stdin_open = true;
    bytes chunk(io_chunk);
    outcome result = outcome::more;
    while (result == outcome::more) {
        if (h.failed) {
            result = outcome::failed;
            break;
        }
        platform::poll_entry fds[2] = {{fd, POLLIN, 0}, {input.handle(), 0, 0}};
        if (!conn.queue().empty()) fds[0].events |= POLLOUT;
        const bool want_stdin =
            conn.handshake_done() && stdin_open && !conn.close_sent() && conn.queue().size() < queue_high_water;
        if (want_stdin) fds[1].events = POLLIN;
        if (platform::poll(fds, want_stdin ? 2 : 1, -1) < 0) {
            if (platform::last_failure() == platform::failure::interrupted) continue;
            print_line("error", "poll: " + platform::last_failure_text());
            result = outcome::failed;
            break;
        }
        if (fds[0].revents & POLLOUT) {
            if (!conn.queue().send_some(fd)) {
                print_line("error", "send: " + platform::last_failure_text());
                result = outcome::failed;
                break;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            result = read_socket(conn, h);
            if (result != outcome::more) break;
        }
        if (want_stdin && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            const long n = input.read(chunk.data(), chunk.size());
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
    else (void)conn.queue().send_all(fd, 1000);  // our alert, if any (a second per wait at most)
    platform::close_socket(fd);
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
                                {"status", false},
                                {"pin", true, {}, true},
                                {"allow-no-backup-pin", false},
                                {"sess-out", true},
                                {"sess-in", true},
                                {"psk", true},
                                {"psk-identity", true},
                                {"psk-mode", true},
                                {"early-data", true},
                                {"raw-public-key", true},
                                {"send-raw-public-key", false},
                                {"quiet", false}});
    if (!args.ok()) return usage_error("s_client: " + args.error());
    if (!args.positionals().empty()) return usage_error("s_client: unexpected argument '" + args.positionals()[0] + "'");
    const auto connect = args.value("connect");
    if (!connect) return usage_error("s_client: missing --connect HOST:PORT");
    const auto target = parse_endpoint(*connect, false);
    if (!target) return usage_error("s_client: --connect takes HOST:PORT (an IPv6 address as [ADDRESS]:PORT)");
    if (args.flag("insecure") && args.value("CAfile")) return usage_error("s_client: --CAfile and --insecure exclude each other");
    const bool send_raw = args.flag("send-raw-public-key");
    if (send_raw && !args.value("key")) return usage_error("s_client: --send-raw-public-key needs --key");
    if (args.value("cert") && !args.value("key")) return usage_error("s_client: --cert and --key go together");
    if (args.value("key") && !args.value("cert") && !send_raw)
        return usage_error("s_client: --cert and --key go together (or --key with --send-raw-public-key)");
    const bool raw_server = args.value("raw-public-key").has_value();
    if (raw_server && (args.value("CAfile") || args.flag("insecure") || !args.values("pin").empty() || args.flag("status")))
        return usage_error("s_client: --raw-public-key excludes --CAfile, --insecure, --pin and --status");

    auto options = std::make_unique<tls_options>();
    if (const std::string e = parse_common(args, *options); !e.empty()) return usage_error("s_client: " + e);
    if (const auto cert = args.value("cert")) {
        if (const std::string e = load_identity(*cert, *args.value("key"), options->id); !e.empty())
            return usage_error("s_client: " + e);
        options->have_identity = true;
    }
    if (send_raw) {
        std::string e;
        if (options->have_identity) {
            const auto leaf = carapace::x509::parse_certificate(options->id.views[0]);
            if (leaf) options->id.spki.assign(leaf->public_key.encoded.begin(), leaf->public_key.encoded.end());
        } else {
            e = load_raw_key_identity(*args.value("key"), options->id);
        }
        if (!e.empty()) return usage_error("s_client: " + e);
    }
    std::vector<std::uint8_t> server_key;
    if (raw_server)
        if (const std::string e = load_spki(*args.value("raw-public-key"), server_key); !e.empty())
            return usage_error("s_client: " + e);
    psk_options psk;
    if (const std::string e = parse_psk_options(args.value("psk"), args.value("psk-identity"), args.value("psk-mode"), psk);
        !e.empty())
        return usage_error("s_client: " + e);
    // With a PSK and no trust anchors named, only PSK handshakes are accepted (no certificate).
    const bool psk_only = !psk.psks.empty() && !args.value("CAfile") && !args.flag("insecure");
    auto tickets = std::make_unique<file_ticket_store>();
    if (const auto path = args.value("sess-in")) {
        tickets->loaded.emplace();
        if (const std::string e = load_ticket(*path, *tickets->loaded); !e.empty()) return usage_error("s_client: " + e);
    }
    if (const auto path = args.value("sess-out")) {
        if (path->empty()) return usage_error("s_client: --sess-out takes a file name");
        tickets->out_path = *path;
    }
    const bool insecure = args.flag("insecure");
    if (!insecure && !psk_only && !raw_server) {
        const auto ca = args.value("CAfile");
        if (const std::string e = load_trust(ca.value_or(system_trust_store), !ca.has_value(), options->roots);
            !e.empty())
            return usage_error("s_client: " + e + (ca ? "" : " (the system trust store; give --CAfile)"));
    }
    std::vector<carapace::x509::spki_pin> pins;
    for (const std::string& text : args.values("pin")) {
        const auto pin = carapace::x509::parse_pin(text);
        if (!pin) return usage_error("s_client: --pin must be sha256//BASE64 of 32 bytes, not " + text);
        pins.push_back(*pin);
    }
    carapace::x509::pin_options pin_options;
    pin_options.allow_no_backup_pin = args.flag("allow-no-backup-pin");
    if (pin_options.allow_no_backup_pin && pins.empty()) return usage_error("s_client: --allow-no-backup-pin needs --pin");
    if (!pins.empty() && args.flag("insecure")) return usage_error("s_client: --pin and --insecure exclude each other");
    std::string early_file;
    if (const auto path = args.value("early-data")) {
        std::string error;
        if (!host::read_file(*path, early_file, error, max_early_file)) return usage_error("s_client: " + error);
        if (early_file.empty()) return usage_error("s_client: --early-data " + *path + " is empty");
    }
    std::string server_name = args.value("servername").value_or(target->host);
    if (server_name.empty()) return usage_error("s_client: --servername must not be empty");

    host::getrandom_source random;
    host::system_clock clock;
    tool_key_exchanges exchanges;
    tls::x509_verifier<trust_capacity> inner(*options->roots.store, insecure);
    inner.pin(pins, pin_options);
    tls::raw_public_key_verifier pinned(server_key);
    recording_verifier verifier(raw_server ? static_cast<tls::certificate_verifier&>(pinned) : inner, insecure);

    tls::client_config config;
    config.cipher_suites = options->suites;
    config.groups = options->groups;
    config.key_exchanges = exchanges.all;
    config.key_share_groups = options->key_shares;
    config.alpn = options->alpn;
    config.server_name = server_name;  // an IP address is checked against the certificate, not sent
    config.verifier = psk_only ? nullptr : &verifier;
    config.external_psks = psk.psks;
    config.psk_modes = psk.modes;
    if (args.value("sess-in") || args.value("sess-out")) config.tickets = tickets.get();
    config.offer_early_data = !early_file.empty();
    // The certificate signatures x509_verifier checks, PKCS#1 v1.5 ones included (§4.2.3).
    config.signature_algorithms_cert = tls::certificate_signature_schemes;
    config.random = &random;
    config.clock = &clock;
    if (args.flag("status")) config.ocsp_stapling = tls::ocsp_stapling::soft_fail;
    if (options->have_identity || send_raw) {
        config.certificate_chain = options->id.views;
        config.signer = options->id.signer;
    }
    config.raw_public_key = options->id.spki;
    if (raw_server) config.peer_certificate_types = tls::raw_public_key_only;
    const int code = run_client(*target, config, verifier, *options,
                                byte_view(reinterpret_cast<const std::uint8_t*>(early_file.data()), early_file.size()));
    if (!options->quiet && !tickets->not_offered.empty()) print_line("sess_in", "not offered (" + tickets->not_offered + ")");
    if (!tickets->write_error.empty()) {
        print_line("error", tickets->write_error);
        return exit_failure;
    }
    if (!options->quiet && !tickets->out_path.empty())
        print_line("sess_out", tickets->written > 0 ? "written" : "no ticket received");
    return code;
}

}  // namespace carapace_tool
