// The driver loop of s_client and s_server: one engine pumped against one socket, the way the
// engine's header describes it (receive() with whatever bytes arrived, send everything it
// produced, react to the event), and the summary lines both commands print on stderr.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tls_sockets.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/events.hpp"
#include "carapace/tls/interfaces.hpp"

namespace carapace_tool {

inline constexpr std::size_t output_buffer = 1 << 17;     // the engine's output buffer, grown on demand
inline constexpr std::size_t queue_high_water = 1 << 20;  // stop producing while this much waits to be sent

// Wraps the default verifier to remember the peer's leaf subject and how verification went, for
// the summary.
class recording_verifier final : public carapace::tls::certificate_verifier {
public:
    recording_verifier(carapace::tls::certificate_verifier& inner, bool skipping) : inner_(inner), skipping_(skipping) {}

    carapace::tls::error verify_chain(std::span<const carapace::byte_view> chain, std::string_view host,
                                      bool peer_is_server, std::optional<std::int64_t> now,
                                      std::string_view& detail) noexcept override;
    carapace::tls::error verify_chain_and_status(std::span<const carapace::byte_view> chain, std::string_view host,
                                                 bool peer_is_server, std::optional<std::int64_t> now,
                                                 carapace::byte_view stapled_ocsp,
                                                 carapace::tls::stapled_status& status,
                                                 std::string_view& detail) noexcept override;
    carapace::tls::error verify_raw_public_key(carapace::byte_view spki, bool peer_is_server,
                                               std::string_view& detail) noexcept override;
    carapace::tls::error verify_signature(carapace::byte_view spki, carapace::tls::signature_scheme scheme,
                                          carapace::byte_view content, carapace::byte_view signature) noexcept override {
        return inner_.verify_signature(spki, scheme, content, signature);
    }
    std::span<const carapace::tls::signature_scheme> schemes() const noexcept override { return inner_.schemes(); }

    [[nodiscard]] bool called() const { return called_; }
    [[nodiscard]] const std::string& subject() const { return subject_; }
    [[nodiscard]] const std::string& result() const { return result_; }

private:
    void note_peer(std::span<const carapace::byte_view> chain);
    void note_result(carapace::tls::error e, std::string_view detail);

    carapace::tls::certificate_verifier& inner_;
    bool skipping_;
    bool called_ = false;
    std::string subject_, result_;
};

// "key: value" on stderr, flushed; the value through terminal_text().
void print_line(std::string_view key, std::string_view value);

// The summary after a handshake: protocol, cipher, group, hrr, alpn, peer, verify.
void print_summary(carapace::tls::cipher_suite suite, carapace::tls::named_group group, bool hrr,
                   carapace::byte_view alpn, const recording_verifier& verifier, std::string_view peer_fallback,
                   std::string_view verify_fallback);
template <class Engine>
void print_summary(const Engine& engine, const recording_verifier& verifier, std::string_view peer_fallback,
                   std::string_view verify_fallback) {
    print_summary(engine.negotiated_suite(), engine.negotiated_group(), engine.hello_retry_used(),
                  engine.alpn_protocol(), verifier, peer_fallback, verify_fallback);
}

// After the summary: "resumed: yes|no", "psk: yes|no" (an external PSK was used) and
// "early_data: accepted|rejected|not_offered" (0-RTT: whether the client's hello offered early
// data, and whether the server took it).
void print_psk_summary(bool resumed, bool external_psk, bool early_offered, bool early_accepted);

// "alert: NAME" and "alert_by: us|peer", or "error: REASON"; before the handshake completed, the
// peer and verify lines too when the verifier ran.
void print_failure(const carapace::tls::io_result& r, const recording_verifier& verifier, bool handshake_done);

enum class outcome { more, closed, failed };

// What the caller does with the events of one connection.
struct handlers {
    virtual ~handlers() = default;
    virtual void on_handshake_complete() = 0;
    virtual bool on_app_data(carapace::byte_view data) = 0;  // false: give up (stdout failed)
    virtual void on_key_update() = 0;
    // Server: 0-RTT data from the client (a client engine reports none). False: give up (stdout failed).
    virtual bool on_early_data(carapace::byte_view) { return false; }
};

// One TLS connection on a socket: the engine, its output buffer, the queues.
template <class Engine>
class connection {
public:
    connection(Engine& engine, socket_handle fd, const recording_verifier& verifier)
        : engine_(engine), fd_(fd), verifier_(verifier), out_(output_buffer) {}

    // Feeds the received bytes to the engine until it needs more; queues what it produces.
    outcome process(handlers& h) {
        namespace tls = carapace::tls;
        for (;;) {
            const tls::io_result r = engine_.receive(in_.view(), out_);
            if (r.what == tls::event::need_output_space) {
                out_.resize(std::max(r.needed, 2 * out_.size()));
                continue;
            }
            queue_.append(carapace::byte_view(out_).first(r.produced));
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
                case tls::event::early_data:
                    if (!h.on_early_data(r.data)) {
                        print_line("error", std::string("cannot write to stdout: ") + std::strerror(errno));
                        return outcome::failed;
                    }
                    break;
                // Client: the server's answer to our early data; the handshake_complete handler
                // asks the engine for it (what to send again, the summary).
                case tls::event::early_data_accepted:
                case tls::event::early_data_rejected: break;
                case tls::event::peer_closed: return outcome::closed;
                case tls::event::fatal:
                // The tool's signer and verifier answer at once, and receive() refuses nothing it
                // is given here: any of these is a failure.
                case tls::event::refused:
                case tls::event::signature_needed:
                case tls::event::verification_needed:
                    print_failure(r, verifier_, handshake_done_);
                    return outcome::failed;  // our alert, if any, is queued: the caller sends it
                default:
                    // An event added after this was written: a failure too, rather than a loop.
                    print_line("error", "unexpected event from the engine");
                    return outcome::failed;
            }
        }
    }

    // Encrypts and queues application data. False on failure (reported).
    bool send(carapace::byte_view data) {
        namespace tls = carapace::tls;
        while (!data.empty()) {
            const tls::io_result r = engine_.send(data, out_);
            if (r.what == tls::event::need_output_space) {
                out_.resize(std::max(r.needed, 2 * out_.size()));
                continue;
            }
            if (r.what != tls::event::need_input) return report(r);
            queue_.append(carapace::byte_view(out_).first(r.produced));
            data = data.subspan(r.consumed);
        }
        return true;
    }

    // Runs an engine call that only writes (start, close, request_key_update) and queues its output.
    template <class Call>
    bool write(Call&& call) {
        namespace tls = carapace::tls;
        for (;;) {
            const tls::io_result r = call(carapace::byte_span(out_));
            if (r.what == tls::event::need_output_space) {
                out_.resize(std::max(r.needed, 2 * out_.size()));
                continue;
            }
            if (r.what != tls::event::need_input) return report(r);
            queue_.append(carapace::byte_view(out_).first(r.produced));
            return true;
        }
    }

    // Sends our close_notify once, then everything queued, and half-closes the socket.
    void finish() {
        if (!close_sent_) (void)write([&](carapace::byte_span o) { return engine_.close(o); });
        close_sent_ = true;
        (void)queue_.send_all(fd_);
        platform::shutdown_send(fd_);
    }
    void send_close_notify() {
        if (!close_sent_ && write([&](carapace::byte_span o) { return engine_.close(o); })) close_sent_ = true;
    }

    [[nodiscard]] bool handshake_done() const { return handshake_done_; }
    [[nodiscard]] bool close_sent() const { return close_sent_; }
    send_queue& queue() { return queue_; }
    receive_buffer& input() { return in_; }
    socket_handle fd() const { return fd_; }

private:
    bool report(const carapace::tls::io_result& r) {
        print_failure(r, verifier_, handshake_done_);
        return false;
    }

    Engine& engine_;
    socket_handle fd_;
    const recording_verifier& verifier_;
    std::vector<std::uint8_t> out_;
    send_queue queue_;
    receive_buffer in_;
    bool handshake_done_ = false;
    bool close_sent_ = false;
};

// Reads from the socket once and processes it. EOF: `closed` after our close_notify (the peer
// closed in answer), else a failure (truncation).
template <class Engine>
outcome read_socket(connection<Engine>& c, handlers& h) {
    const long n = c.input().fill(c.fd());
    if (n < 0) {
        print_line("error", "recv: " + platform::last_failure_text());
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

}  // namespace carapace_tool
