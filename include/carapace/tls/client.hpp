// The TLS 1.3 client engine (RFC 8446), sans I/O: start() writes the ClientHello; receive() takes
// the server's bytes and writes our answers; send(), close(), request_key_update() and
// export_keying_material() work once the handshake is complete. No heap: everything lives in the
// object, whose size is fixed at compile time (the handshake buffer holds the largest handshake
// message we accept, 16 KiB by default).
//
//   tls::client c(config);
//   auto r = c.start(out);                     // send out[0, r.produced)
//   r = c.receive(received, out);              // send what it produced; react to r.what
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "carapace/core/ct.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/detail/connection.hpp"
#include "carapace/tls/detail/hello.hpp"
#include "carapace/x509/names.hpp"

namespace carapace::tls {

template <std::size_t HandshakeBufferSize = 16384>
class basic_client : public detail::connection<basic_client<HandshakeBufferSize>, HandshakeBufferSize> {
    using base = detail::connection<basic_client<HandshakeBufferSize>, HandshakeBufferSize>;
    friend base;
    using step = detail::step;
    using flight = detail::flight;
    using message = detail::handshake_message;

public:
    // Most key shares sent in the first ClientHello.
    static constexpr std::size_t max_key_shares = 4;
    // Largest HelloRetryRequest cookie we echo.
    static constexpr std::size_t max_cookie_size = 512;

    explicit basic_client(const client_config& config) noexcept : config_(config) {}
    ~basic_client() { forget_shares(); }
    basic_client(const basic_client&) = delete;
    basic_client& operator=(const basic_client&) = delete;

    // Writes the ClientHello. Call once, first.
    // Refused (wrong_state) without a random source or verifier, or with an empty server_name
    // while the server is verified and skip_host_check is not set.
    io_result start(byte_span output) noexcept {
        if (this->has_failed()) return this->failed_result();
        if (state_ != state::idle) return base::refused(error::wrong_state);
        if (config_.random == nullptr || config_.verifier == nullptr) return base::refused(error::wrong_state);
        if (config_.verify_server && config_.server_name.empty() && !config_.skip_host_check)
            return base::refused(error::wrong_state);
        const std::size_t needed = hello_records_bound();
        if (output.size() < needed) return base::need_space(needed);
        config_.random->fill(random_);
        if (config_.middlebox_compatibility) config_.random->fill(session_id_);
        const auto groups = config_.key_share_groups.empty() ? config_.groups.first(config_.groups.empty() ? 0 : 1)
                                                             : config_.key_share_groups;
        for (const named_group g : groups) {
            if (share_count_ == max_key_shares) break;
            if (!generate_share(g)) {
                forget_shares();
                return base::refused(error::wrong_state);
            }
        }
        flight out(output);
        write_client_hello(out);
        this->flush(out, 0x0301);  // §5.1: the first ClientHello's record may say TLS 1.0
        if (!out.ok()) {
            forget_shares();
            return base::refused(error::buffer_too_small);
        }
        state_ = state::wait_server_hello;
        this->accept_change_cipher_spec(true);
        return base::result(0, out.size(), event::need_input);
    }

    [[nodiscard]] bool hello_retry_used() const noexcept { return hello_retry_; }
    [[nodiscard]] named_group negotiated_group() const noexcept { return group_; }
    [[nodiscard]] byte_view alpn_protocol() const noexcept { return byte_view(alpn_).first(alpn_size_); }

private:
    enum class state : std::uint8_t {
        idle,
        wait_server_hello,
        wait_encrypted_extensions,
        wait_certificate_or_request,
        wait_certificate,
        wait_certificate_verify,
        wait_finished,
        wait_signature,  // our CertificateVerify is with a pending signer
        connected,
    };

    struct offered_share {
        named_group group{};
        key_exchange* kx = nullptr;
        bytes<max_key_exchange_state> state{};
    };

    static constexpr bool is_client = true;
    [[nodiscard]] bool accepts_application_data() const noexcept { return state_ == state::connected; }
    [[nodiscard]] byte_view client_random() const noexcept { return random_; }
    [[nodiscard]] tls::key_log* key_log() const noexcept { return config_.key_log; }
    void wipe_role_secrets() noexcept { forget_shares(); }

    key_exchange* find_key_exchange(named_group g) const noexcept {
        for (key_exchange* kx : config_.key_exchanges)
            if (kx != nullptr && kx->group() == g) return kx;
        return nullptr;
    }

    bool generate_share(named_group g) noexcept {
        key_exchange* kx = find_key_exchange(g);
        if (kx == nullptr || kx->share_size() > max_key_share_size) return false;
        offered_share& s = shares_[share_count_];
        s.group = g;
        s.kx = kx;
        if (kx->generate(*config_.random, s.state, byte_span(share_public_[share_count_]).first(kx->share_size())) !=
            errc::ok)
            return false;
        ++share_count_;
        return true;
    }

    void forget_shares() noexcept {
        for (auto& s : shares_) secure_wipe(s.state);
        share_count_ = 0;
    }

    [[nodiscard]] bool send_server_name() const noexcept {
        // RFC 6066 §3: literal IP addresses are not sent as server names.
        return !config_.server_name.empty() && x509::parse_ip_address(config_.server_name).size == 0;
    }

    [[nodiscard]] std::span<const signature_scheme> signature_algorithms() const noexcept {
        return config_.verifier->schemes();
    }

    // An upper bound of the ClientHello's size, handshake header included.
    [[nodiscard]] std::size_t client_hello_bound() const noexcept {
        std::size_t n = 4 + 2 + 32 + 33 + 2 + 2 * config_.cipher_suites.size() + 2 + 2;
        n += 9 + config_.server_name.size();
        n += 6 + 2 * config_.groups.size();
        n += 6 + max_key_shares * (4 + max_key_share_size);
        n += 7 + 6 + 2 * signature_algorithms().size() + 6 + 2 * config_.signature_algorithms_cert.size();
        n += 6;
        for (auto p : config_.alpn) n += 1 + p.size();
        n += 6 + max_cookie_size + 6;
        for (const auto& x : config_.extra_extensions) n += 4 + x.data.size();
        return std::max<std::size_t>(n, 512) + 4;
    }

    void write_client_hello(flight& out) noexcept {
        this->write_message(out, handshake_type::client_hello, [&](detail::writer& w) {
            const std::size_t start = w.size() - 4;
            w.u16(legacy_version_tls12);
            w.bytes(random_);
            w.vector<1>(config_.middlebox_compatibility ? byte_view(session_id_) : byte_view{});
            const auto suites = w.open<2>();
            for (const cipher_suite s : config_.cipher_suites)
                if (find_suite(static_cast<std::uint16_t>(s))) w.u16(static_cast<std::uint16_t>(s));  // not one left out
            w.close<2>(suites);
            w.u8(1);
            w.u8(0);  // legacy_compression_methods: null only
            const auto extensions = w.open<2>();
            detail::write_extensions_in_order(w, config_.extension_order, config_.extra_extensions,
                                              [&](extension_type t) { return write_extension(w, t); });
            if (config_.pad_client_hello) detail::write_client_hello_padding(w, w.size() - start);
            w.close<2>(extensions);
        });
    }

    // Writes one of our extensions if it applies; false when it does not.
    bool write_extension(detail::writer& w, extension_type type) noexcept {
        auto open = [&] {
            w.u16(static_cast<std::uint16_t>(type));
            return w.open<2>();
        };
        switch (type) {
            case extension_type::server_name: {
                if (!send_server_name()) return false;
                const auto at = open();
                const auto list = w.open<2>();
                w.u8(0);  // host_name
                w.vector<2>(byte_view(reinterpret_cast<const std::uint8_t*>(config_.server_name.data()),
                                      config_.server_name.size()));
                w.close<2>(list);
                w.close<2>(at);
                return true;
            }
            case extension_type::supported_groups: {
                const auto at = open();
                const auto list = w.open<2>();
                for (const named_group g : config_.groups) w.u16(static_cast<std::uint16_t>(g));
                w.close<2>(list);
                w.close<2>(at);
                return true;
            }
            case extension_type::key_share: {
                const auto at = open();
                const auto list = w.open<2>();
                for (std::size_t i = 0; i < share_count_; ++i) {
                    w.u16(static_cast<std::uint16_t>(shares_[i].group));
                    w.vector<2>(byte_view(share_public_[i]).first(shares_[i].kx->share_size()));
                }
                w.close<2>(list);
                w.close<2>(at);
                return true;
            }
            case extension_type::supported_versions: {
                const auto at = open();
                w.u8(2);
                w.u16(version_tls13);
                w.close<2>(at);
                return true;
            }
            case extension_type::signature_algorithms:
            case extension_type::signature_algorithms_cert: {
                const auto schemes = type == extension_type::signature_algorithms ? signature_algorithms()
                                                                                  : config_.signature_algorithms_cert;
                if (schemes.empty()) return false;
                const auto at = open();
                const auto list = w.open<2>();
                for (const signature_scheme s : schemes) w.u16(static_cast<std::uint16_t>(s));
                w.close<2>(list);
                w.close<2>(at);
                return true;
            }
            case extension_type::application_layer_protocol_negotiation: {
                if (config_.alpn.empty()) return false;
                const auto at = open();
                const auto list = w.open<2>();
                for (const auto p : config_.alpn)
                    w.vector<1>(byte_view(reinterpret_cast<const std::uint8_t*>(p.data()), p.size()));
                w.close<2>(list);
                w.close<2>(at);
                return true;
            }
            case extension_type::cookie: {
                if (cookie_size_ == 0) return false;
                const auto at = open();
                w.vector<2>(byte_view(cookie_).first(cookie_size_));
                w.close<2>(at);
                return true;
            }
            case extension_type::record_size_limit: {
                if (config_.record_size_limit == 0) return false;
                const auto at = open();
                w.u16(config_.record_size_limit);
                w.close<2>(at);
                return true;
            }
            default: return false;
        }
    }

    // The second ClientHello as records, or the first.
    [[nodiscard]] std::size_t hello_records_bound() const noexcept {
        const std::size_t hello = client_hello_bound();
        return hello + (hello + detail::max_plaintext_size - 1) / detail::max_plaintext_size * detail::record_header_size;
    }

    // Output room the next received messages may need: a second ClientHello, or our last flight
    // (when the whole server flight arrives in one call), whichever is larger. Before the
    // server's record_size_limit is known, records are counted at the smallest limit (64).
    [[nodiscard]] std::size_t output_reserve() const noexcept {
        if (state_ == state::connected || state_ == state::idle) return 0;
        std::size_t plain = 4 + 48;  // Finished
        if (certificate_requested_ || state_ <= state::wait_certificate_or_request) {
            plain += 4 + 1 + 255 + 3;
            for (const auto c : config_.certificate_chain) plain += 5 + c.size();
            plain += 8 + base::largest_signature(config_.signer);
        }
        const bool limit_known = state_ > state::wait_encrypted_extensions;
        const std::size_t chunk = limit_known ? this->outgoing().max_fragment() : 63;
        const std::size_t last_flight = 6 + plain + (plain + chunk - 1) / chunk * detail::protected_overhead;
        if (state_ != state::wait_server_hello) return last_flight;
        return std::max(last_flight, 6 + hello_records_bound());
    }

    // The header of each message before its body is read: the type this state expects, and the
    // length of fixed-size messages.
    [[nodiscard]] error check_message_header(handshake_type type, std::size_t length) const noexcept {
        switch (state_) {
            case state::wait_server_hello: return base::expect(type, handshake_type::server_hello);
            case state::wait_encrypted_extensions: return base::expect(type, handshake_type::encrypted_extensions);
            case state::wait_certificate_or_request:
                if (type == handshake_type::certificate_request) return error::none;
                return base::expect(type, handshake_type::certificate);
            case state::wait_certificate: return base::expect(type, handshake_type::certificate);
            case state::wait_certificate_verify: return base::expect(type, handshake_type::certificate_verify);
            case state::wait_finished: return this->check_finished_header(type, length);
            case state::connected: return base::check_post_handshake_header(type, length);
            default: return error::unexpected_message;
        }
    }

    step on_handshake_message(const message& m, flight& out) noexcept {
        switch (state_) {
            case state::wait_server_hello: return on_server_hello(m, out);
            case state::wait_encrypted_extensions: return on_encrypted_extensions(m);
            case state::wait_certificate_or_request:
                if (m.type == handshake_type::certificate_request) return on_certificate_request(m);
                return on_certificate(m);
            case state::wait_certificate: return on_certificate(m);
            case state::wait_certificate_verify: return on_certificate_verify(m);
            case state::wait_finished: return on_finished(m, out);
            case state::connected:
                if (m.type == handshake_type::new_session_ticket) return {detail::decode_new_session_ticket(m.body)};
                return this->receive_key_update(m.body);
            default: return {error::unexpected_message};
        }
    }

    bool offered_suite(std::uint16_t id) const noexcept {
        for (const cipher_suite s : config_.cipher_suites)
            if (static_cast<std::uint16_t>(s) == id) return true;
        return false;
    }
    bool offered_group(std::uint16_t id) const noexcept {
        for (const named_group g : config_.groups)
            if (static_cast<std::uint16_t>(g) == id) return true;
        return false;
    }

    step on_server_hello(const message& m, flight& out) noexcept {
        detail::server_hello sh;
        if (const error e = detail::decode_server_hello(m.body, sh); e != error::none) return {e};
        if (sh.selected_version == 0) {
            // A TLS 1.2-or-older answer. §4.1.3: with the downgrade sentinel it is an attack.
            return {detail::has_downgrade_sentinel(sh.random) ? error::illegal_parameter : error::protocol_version};
        }
        if (sh.selected_version != version_tls13) return {error::illegal_parameter};
        const byte_view our_session_id = config_.middlebox_compatibility ? byte_view(session_id_) : byte_view{};
        if (!std::equal(sh.session_id.begin(), sh.session_id.end(), our_session_id.begin(), our_session_id.end()))
            return {error::illegal_parameter};
        const auto suite = find_suite(sh.cipher_suite);
        if (!suite || !offered_suite(sh.cipher_suite)) return {error::illegal_parameter};
        if (hello_retry_ && suite->id != this->suite().id) return {error::illegal_parameter};
        this->choose_suite(*suite);
        if (sh.hello_retry) return on_hello_retry_request(sh, m, out);

        if (!sh.has_key_share) return {error::missing_extension};
        const offered_share* share = nullptr;
        for (std::size_t i = 0; i < share_count_; ++i)
            if (static_cast<std::uint16_t>(shares_[i].group) == sh.key_share_group) share = &shares_[i];
        if (share == nullptr) return {error::illegal_parameter};
        bytes<max_shared_secret_size> shared{};
        const std::size_t shared_size = share->kx->finish(share->state, sh.key_share, shared);
        group_ = share->group;
        forget_shares();
        if (shared_size == 0) return {error::illegal_parameter};
        this->add_to_transcript(m);
        this->enter_handshake(byte_view(shared).first(shared_size));
        secure_wipe(shared);
        state_ = state::wait_encrypted_extensions;
        return {};
    }

    step on_hello_retry_request(const detail::server_hello& hrr, const message& m, flight& out) noexcept {
        if (hello_retry_) return {error::unexpected_message};
        hello_retry_ = true;
        // §4.1.4: the HRR must change something, and a selected group must be one we offered
        // without a share.
        if (!hrr.has_key_share && !hrr.has_cookie) return {error::illegal_parameter};
        if (hrr.has_key_share) {
            if (!offered_group(hrr.key_share_group)) return {error::illegal_parameter};
            for (std::size_t i = 0; i < share_count_; ++i)
                if (static_cast<std::uint16_t>(shares_[i].group) == hrr.key_share_group)
                    return {error::illegal_parameter};
        }
        if (hrr.cookie.size() > max_cookie_size) return {error::handshake_failure};
        std::copy(hrr.cookie.begin(), hrr.cookie.end(), cookie_.begin());
        cookie_size_ = hrr.cookie.size();
        this->restart_transcript_after_retry();
        this->add_to_transcript(m);
        if (hrr.has_key_share) {
            forget_shares();
            if (!generate_share(static_cast<named_group>(hrr.key_share_group))) return {error::handshake_failure};
        }
        // §D.4: the dummy ChangeCipherSpec goes before our second flight.
        if (config_.middlebox_compatibility) this->send_change_cipher_spec(out);
        write_client_hello(out);
        this->flush(out);
        return {};
    }


    step on_encrypted_extensions(const message& m) noexcept {
        detail::encrypted_extensions ee;
        if (const error e = detail::decode_encrypted_extensions(m.body, !config_.alpn.empty(), send_server_name(),
                                                                config_.record_size_limit != 0, ee);
            e != error::none)
            return {e};
        if (ee.has_alpn) {
            bool offered = false;
            for (const auto p : config_.alpn)
                offered = offered || std::equal(ee.alpn.begin(), ee.alpn.end(), p.begin(), p.end());
            if (!offered || ee.alpn.size() > alpn_.size()) return {error::illegal_parameter};
            std::copy(ee.alpn.begin(), ee.alpn.end(), alpn_.begin());
            alpn_size_ = ee.alpn.size();
        }
        // RFC 8449 §4: the server's limit applies to what we send; ours applies only once the
        // server has answered with its own (it then knows of ours).
        if (ee.record_size_limit != 0) {
            this->limit_sent_records(ee.record_size_limit);
            if (config_.record_size_limit != 0) this->limit_received_records(config_.record_size_limit);
        }
        state_ = state::wait_certificate_or_request;
        return {};
    }

    step on_certificate_request(const message& m) noexcept {
        detail::certificate_request cr;
        if (const error e = detail::decode_certificate_request(m.body, cr); e != error::none) return {e};
        // §4.3.2: empty during the handshake.
        if (!cr.request_context.empty()) return {error::illegal_parameter};
        certificate_requested_ = true;
        client_scheme_ = std::nullopt;
        if (config_.signer != nullptr && !config_.certificate_chain.empty())
            for (const signature_scheme sc : config_.signer->schemes())
                if (!client_scheme_ && detail::list_contains(cr.signature_algorithms, static_cast<std::uint16_t>(sc)))
                    client_scheme_ = sc;
        state_ = state::wait_certificate;
        return {};
    }

    step on_certificate(const message& m) noexcept {
        detail::certificate_message cm;
        if (const error e = detail::decode_certificate(m.body, cm); e != error::none) return {e};
        if (!cm.request_context.empty()) return {error::illegal_parameter};
        if (cm.chain_length == 0) return {error::decode_error};  // §4.4.2.4
        const error e = this->accept_certificate(std::span<const byte_view>(cm.chain.data(), cm.chain_length),
                                                 *config_.verifier, config_.server_name, config_.clock,
                                                 config_.verify_server);
        if (e == error::pending) return {error::none, event::verification_needed};
        if (e != error::none) return {e};
        state_ = state::wait_certificate_verify;
        return {};
    }

    step on_certificate_verify(const message& m) noexcept {
        detail::certificate_verify cv;
        if (const error e = detail::decode_certificate_verify(m.body, cv); e != error::none) return {e};
        const error e = this->check_certificate_verify(cv.scheme, cv.signature, *config_.verifier);
        if (e == error::pending) return {error::none, event::verification_needed};
        if (e != error::none) return {e};
        state_ = state::wait_finished;
        return {};
    }

    step on_finished(const message& m, flight& out) noexcept {
        const auto expected = this->finished_data(true);
        if (!ct::equal(m.body, expected.view())) return {error::decrypt_error};
        this->add_to_transcript(m);
        this->enter_application();
        this->install_application_read();

        // Our flight: [ChangeCipherSpec] [Certificate CertificateVerify] Finished.
        if (config_.middlebox_compatibility) this->send_change_cipher_spec(out);
        if (certificate_requested_) {
            // Without a certificate for the server's algorithms: an empty one, and no signature.
            const step s = this->authenticate(
                out, client_scheme_ ? config_.certificate_chain : std::span<const byte_view>{}, config_.signer,
                client_scheme_);
            if (s.what == event::signature_needed) state_ = state::wait_signature;
            if (s.what == event::signature_needed || s.failure != error::none) return s;
        }
        return send_finished(out);
    }

    // complete_signature(): the rest of our flight with the signature handed in.
    step resume_after_signature(byte_view signature, flight& out) noexcept {
        if (state_ != state::wait_signature || !client_scheme_) return {error::internal_error};
        this->write_certificate_verify(out, *client_scheme_, signature);
        return send_finished(out);
    }

    step send_finished(flight& out) noexcept {
        const auto finished = this->finished_data(false);
        this->write_message(out, handshake_type::finished, [&](detail::writer& w) { w.bytes(finished.view()); });
        this->flush(out);
        if (!out.ok()) return {error::internal_error};
        this->finish_key_schedule();
        this->install_application_write();
        state_ = state::connected;
        this->mark_connected();
        return {error::none, event::handshake_complete};
    }

    client_config config_;
    state state_ = state::idle;
    bytes<32> random_{};
    bytes<32> session_id_{};
    std::array<offered_share, max_key_shares> shares_{};
    std::array<bytes<max_key_share_size>, max_key_shares> share_public_{};
    std::size_t share_count_ = 0;
    bytes<max_cookie_size> cookie_{};
    std::size_t cookie_size_ = 0;
    bytes<255> alpn_{};
    std::size_t alpn_size_ = 0;
    std::optional<signature_scheme> client_scheme_{};
    named_group group_{};
    bool hello_retry_ = false;
    bool certificate_requested_ = false;
};

using client = basic_client<>;

}  // namespace carapace::tls
