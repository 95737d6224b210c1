// The TLS 1.3 server engine (RFC 8446), sans I/O: receive() takes the client's bytes and writes
// our flights; after handshake_complete, send(), close(), request_key_update() and
// export_keying_material() as for the client. No heap; the object's size is fixed at compile time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "carapace/core/ct.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/detail/connection.hpp"
#include "carapace/tls/detail/hello.hpp"

namespace carapace::tls {

template <std::size_t HandshakeBufferSize = 16384>
class basic_server : public detail::connection<basic_server<HandshakeBufferSize>, HandshakeBufferSize> {
    using base = detail::connection<basic_server<HandshakeBufferSize>, HandshakeBufferSize>;
    friend base;
    using step = detail::step;
    using flight = detail::flight;
    using secret = detail::secret;

public:
    static constexpr std::size_t max_server_name_size = 255;

    explicit basic_server(const server_config& config) noexcept : config_(config) {}

    // Sends a NewSessionTicket (§4.6.1) once the handshake is complete. The ticket's content is
    // the caller's: typically the PSK of resumption_psk(nonce) and its parameters, sealed under a
    // key only this server knows.
    io_result send_session_ticket(const session_ticket& t, byte_span output) noexcept {
        if (this->failure_ != error::none) return this->failed_result();
        if (!this->connected_) return base::misuse(error::wrong_state);
        if (this->close_sent_) return base::misuse(error::closed);
        if (t.nonce.size() > 255 || t.ticket.empty() || t.ticket.size() > 0xffff) return base::misuse(error::wrong_state);
        const std::size_t plain = 4 + 8 + 1 + t.nonce.size() + 2 + t.ticket.size() + 2 + 8;
        const std::size_t chunk = this->send_limit() - 1;
        const std::size_t needed = plain + (plain + chunk - 1) / chunk * detail::protected_overhead;
        if (output.size() < needed) return base::need_space(needed);
        flight out(output);
        // Not part of the transcript: written by hand rather than through add_message.
        const byte_span space = out.message_space();
        detail::writer w(space);
        w.u8(static_cast<std::uint8_t>(handshake_type::new_session_ticket));
        const auto length = w.open<3>();
        w.u32(t.lifetime);
        w.u32(t.age_add);
        w.vector<1>(t.nonce);
        w.vector<2>(t.ticket);
        const auto extensions = w.open<2>();
        if (t.max_early_data != 0) {
            w.u16(static_cast<std::uint16_t>(extension_type::early_data));
            w.u16(4);
            w.u32(t.max_early_data);
        }
        w.close<2>(extensions);
        w.close<3>(length);
        out.commit(w.size());
        out.flush(this->write_, this->send_limit(), content_type::handshake);
        return base::result(0, out.size(), event::need_input);
    }

    // The PSK a ticket with this nonce stands for (§4.6.1).
    [[nodiscard]] error resumption_psk(byte_view nonce, byte_span out) const noexcept {
        if (!this->connected_ || out.size() != this->suite_.hash_size) return error::wrong_state;
        detail::expand_label(this->suite_.hash, this->resumption_secret_.view(), literal_bytes("resumption"), nonce, out);
        return error::none;
    }

    [[nodiscard]] bool hello_retry_used() const noexcept { return hello_retry_; }
    [[nodiscard]] named_group negotiated_group() const noexcept { return group_; }
    [[nodiscard]] byte_view alpn_protocol() const noexcept { return alpn_; }
    // The host name the client asked for (SNI), empty when none.
    [[nodiscard]] std::string_view server_name() const noexcept {
        return std::string_view(reinterpret_cast<const char*>(server_name_.data()), server_name_size_);
    }
    // True when the client authenticated with a certificate.
    [[nodiscard]] bool client_authenticated() const noexcept { return client_authenticated_; }

private:
    enum class state : std::uint8_t {
        wait_client_hello,
        wait_second_client_hello,
        wait_certificate,
        wait_certificate_verify,
        wait_finished,
        connected,
    };

    static constexpr bool is_client = false;
    [[nodiscard]] bool accepts_application_data() const noexcept { return state_ == state::connected; }
    [[nodiscard]] byte_view client_random() const noexcept { return client_random_; }

    // Our whole first flight: ServerHello (or HelloRetryRequest), ChangeCipherSpec,
    // EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished.
    [[nodiscard]] std::size_t output_reserve() const noexcept {
        if (state_ != state::wait_client_hello && state_ != state::wait_second_client_hello) return 0;
        std::size_t hello = 4 + 2 + 32 + 33 + 3 + 2 + 6 + 8 + max_key_share_size + 6 + config_.hello_retry_cookie.size();
        for (const auto& x : config_.extra_extensions) hello += 4 + x.data.size();
        std::size_t plain = 4 + 2 + 6 + 2 * config_.groups.size() + 6 + 4 + 7 + 255;  // EE
        plain += 4 + 1 + 2 + 6 + 2 * 16;                                                // CertificateRequest
        plain += 4 + 1 + 3;
        for (const auto c : config_.certificate_chain) plain += 5 + c.size();
        plain += 8 + base::largest_signature(config_.signer) + 4 + 48;
        for (const auto& x : config_.extra_extensions) plain += 4 + x.data.size();
        // The client's record_size_limit is not known yet: assume the smallest (RFC 8449: 64).
        const std::size_t chunk = 64 - 1;
        return hello + detail::record_header_size + 6 + plain + (plain + chunk - 1) / chunk * detail::protected_overhead;
    }

    step on_handshake_message(handshake_type type, byte_view message, flight& out) noexcept {
        const byte_view body = message.subspan(4);
        switch (state_) {
            case state::wait_client_hello:
            case state::wait_second_client_hello:
                if (type != handshake_type::client_hello) return {error::unexpected_message};
                return on_client_hello(body, message, out);
            case state::wait_certificate:
                if (type != handshake_type::certificate) return {error::unexpected_message};
                return on_certificate(body, message);
            case state::wait_certificate_verify:
                if (type != handshake_type::certificate_verify) return {error::unexpected_message};
                return on_certificate_verify(body, message);
            case state::wait_finished:
                if (type != handshake_type::finished) return {error::unexpected_message};
                return on_finished(body, message);
            case state::connected: return this->post_handshake_message(type, body, out);
        }
        return {error::unexpected_message};
    }

    key_exchange* find_key_exchange(std::uint16_t g) const noexcept {
        for (key_exchange* kx : config_.key_exchanges)
            if (kx != nullptr && static_cast<std::uint16_t>(kx->group()) == g) return kx;
        return nullptr;
    }

    step on_client_hello(byte_view body, byte_view message, flight& out) noexcept {
        if (config_.random == nullptr || config_.signer == nullptr || config_.certificate_chain.empty())
            return {error::internal_error};
        detail::client_hello ch;
        if (const error e = detail::decode_client_hello(body, ch); e != error::none) return {e};
        const bool second = state_ == state::wait_second_client_hello;
        // §4.2.1: only supported_versions can offer TLS 1.3.
        if (!ch.has_versions || !detail::list_contains(ch.versions, version_tls13)) return {error::protocol_version};

        // Cipher suite: ours, in our order of preference.
        std::optional<suite_info> suite;
        for (const cipher_suite s : config_.cipher_suites)
            if (!suite && detail::list_contains(ch.cipher_suites, static_cast<std::uint16_t>(s))) suite = find_suite(static_cast<std::uint16_t>(s));
        if (!suite) return {error::handshake_failure};
        if (second && suite->id != this->suite_.id) return {error::illegal_parameter};

        // Certificate authentication needs signature_algorithms (§4.2.3) and a scheme we can sign.
        if (!ch.has_signature_algorithms) return {error::missing_extension};
        std::optional<signature_scheme> scheme;
        for (const signature_scheme s : config_.signer->schemes())
            if (!scheme && detail::list_contains(ch.signature_algorithms, static_cast<std::uint16_t>(s))) scheme = s;
        if (!scheme) return {error::handshake_failure};

        // (EC)DHE: both extensions (§9.2), every share of a listed group, no group twice.
        if (!ch.has_groups || !ch.has_key_share) return {error::missing_extension};
        std::uint16_t share_group = 0;
        byte_view client_share;
        std::size_t shares = 0;
        bool unlisted = false;
        const error share_error = detail::for_each_key_share(ch.key_shares, [&](std::uint16_t g, byte_view share) {
            ++shares;
            if (!detail::list_contains(ch.groups, g)) unlisted = true;
            (void)share;
        });
        if (share_error != error::none) return {share_error};
        if (unlisted) return {error::illegal_parameter};
        std::optional<named_group> preferred;  // our favourite of the client's groups
        for (const named_group g : config_.groups)
            if (!preferred && find_key_exchange(static_cast<std::uint16_t>(g)) != nullptr &&
                detail::list_contains(ch.groups, static_cast<std::uint16_t>(g)))
                preferred = g;
        if (!preferred) return {error::handshake_failure};
        // The share we use: of our preferred group when insisting, else of any acceptable group.
        for (const named_group g : config_.groups) {
            if (share_group != 0 || find_key_exchange(static_cast<std::uint16_t>(g)) == nullptr) continue;
            if (config_.insist_on_preferred_group && g != *preferred) continue;
            (void)detail::for_each_key_share(ch.key_shares, [&](std::uint16_t cg, byte_view share) {
                if (cg == static_cast<std::uint16_t>(g)) {
                    share_group = cg;
                    client_share = share;
                }
            });
        }
        if (second) {
            // §4.1.2: the second hello has exactly one share, of the group we asked for, and our
            // cookie back.
            if (shares != 1 || share_group != static_cast<std::uint16_t>(group_)) return {error::illegal_parameter};
            const byte_view cookie = config_.hello_retry_cookie;
            if (!cookie.empty() && (!ch.has_cookie || !std::equal(cookie.begin(), cookie.end(), ch.cookie.begin(),
                                                                  ch.cookie.end())))
                return {error::illegal_parameter};
        }

        // ALPN (RFC 7301): our most preferred protocol the client offers.
        alpn_ = {};
        if (ch.has_alpn && !config_.alpn.empty()) {
            for (const auto p : config_.alpn) {
                detail::reader names(ch.alpn);
                while (alpn_.empty() && !names.empty()) {
                    const byte_view name = names.vector<1>(1);
                    if (std::equal(name.begin(), name.end(), p.begin(), p.end()))
                        alpn_ = byte_view(reinterpret_cast<const std::uint8_t*>(p.data()), p.size());
                }
            }
            if (alpn_.empty()) return {error::no_application_protocol};
        }
        if (ch.has_server_name) {
            if (ch.server_name.size() > max_server_name_size) return {error::unrecognized_name};
            std::copy(ch.server_name.begin(), ch.server_name.end(), server_name_.begin());
            server_name_size_ = ch.server_name.size();
        }
        if (ch.record_size_limit != 0)
            this->peer_record_limit_ = std::min<std::size_t>(ch.record_size_limit, detail::max_plaintext_size + 1);
        session_id_size_ = ch.session_id.size();
        std::copy(ch.random.begin(), ch.random.end(), client_random_.begin());
        std::copy(ch.session_id.begin(), ch.session_id.end(), session_id_.begin());
        scheme_ = *scheme;
        this->suite_ = *suite;
        this->transcript_.choose(suite->hash);

        if (share_group == 0) {
            if (second) return {error::illegal_parameter};
            return send_hello_retry_request(*preferred, message, out);
        }
        return send_server_flight(ch, share_group, client_share, message, out);
    }

    step send_hello_retry_request(named_group group, byte_view client_hello, flight& out) noexcept {
        hello_retry_ = true;
        group_ = group;
        this->transcript_.update(client_hello);
        this->transcript_.replace_with_message_hash();
        this->add_message(out, handshake_type::server_hello, [&](detail::writer& w) {
            w.u16(legacy_version_tls12);
            w.bytes(detail::hello_retry_random);
            w.vector<1>(byte_view(session_id_).first(session_id_size_));
            w.u16(static_cast<std::uint16_t>(this->suite_.id));
            w.u8(0);
            const auto extensions = w.open<2>();
            w.u16(static_cast<std::uint16_t>(extension_type::key_share));
            w.u16(2);
            w.u16(static_cast<std::uint16_t>(group));
            if (!config_.hello_retry_cookie.empty()) {
                w.u16(static_cast<std::uint16_t>(extension_type::cookie));
                const auto at = w.open<2>();
                w.vector<2>(config_.hello_retry_cookie);
                w.close<2>(at);
            }
            w.u16(static_cast<std::uint16_t>(extension_type::supported_versions));
            w.u16(2);
            w.u16(version_tls13);
            w.close<2>(extensions);
        });
        out.flush(this->write_, this->send_limit(), content_type::handshake);
        // §D.4: a compatibility-mode client (non-empty session id) gets a ChangeCipherSpec after
        // our first handshake message.
        send_change_cipher_spec(out);
        this->accept_change_cipher_spec_ = true;
        state_ = state::wait_second_client_hello;
        return {};
    }

    void send_change_cipher_spec(flight& out) noexcept {
        if (session_id_size_ == 0 || change_cipher_spec_sent_) return;
        out.change_cipher_spec();
        change_cipher_spec_sent_ = true;
    }

    step send_server_flight(const detail::client_hello& ch, std::uint16_t group, byte_view client_share,
                            byte_view client_hello, flight& out) noexcept {
        key_exchange* kx = find_key_exchange(group);
        bytes<max_key_share_size> share{};
        bytes<max_shared_secret_size> shared{};
        const std::size_t share_size = kx->share_size();
        const std::size_t shared_size = kx->respond(*config_.random, client_share, byte_span(share).first(share_size), shared);
        if (shared_size == 0) return {error::illegal_parameter};
        group_ = static_cast<named_group>(group);
        bytes<32> random{};
        config_.random->fill(random);
        this->transcript_.update(client_hello);

        this->add_message(out, handshake_type::server_hello, [&](detail::writer& w) {
            w.u16(legacy_version_tls12);
            w.bytes(random);
            w.vector<1>(byte_view(session_id_).first(session_id_size_));
            w.u16(static_cast<std::uint16_t>(this->suite_.id));
            w.u8(0);
            const auto extensions = w.open<2>();
            w.u16(static_cast<std::uint16_t>(extension_type::key_share));
            const auto ks = w.open<2>();
            w.u16(group);
            w.vector<2>(byte_view(share).first(share_size));
            w.close<2>(ks);
            w.u16(static_cast<std::uint16_t>(extension_type::supported_versions));
            w.u16(2);
            w.u16(version_tls13);
            w.close<2>(extensions);
        });
        out.flush(this->write_, this->send_limit(), content_type::handshake);
        send_change_cipher_spec(out);

        this->schedule_.start(this->suite_.hash);
        (void)this->schedule_.to_handshake(byte_view(shared).first(shared_size));
        secure_wipe(shared);
        const auto h = this->transcript_hash();
        secret server_hs;
        (void)this->schedule_.derive(detail::key_schedule::stage::handshake, literal_bytes("c hs traffic"), h.view(),
                                     client_handshake_);
        (void)this->schedule_.derive(detail::key_schedule::stage::handshake, literal_bytes("s hs traffic"), h.view(),
                                     server_hs);
        this->log_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", client_handshake_);
        this->log_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", server_hs);
        this->install_write(server_hs);
        this->install_read(client_handshake_);

        this->add_message(out, handshake_type::encrypted_extensions,
                          [&](detail::writer& w) { write_encrypted_extensions(w, ch); });
        if (config_.request_client_certificate || config_.require_client_certificate) {
            certificate_requested_ = true;
            this->add_message(out, handshake_type::certificate_request, [&](detail::writer& w) {
                w.u8(0);
                const auto extensions = w.open<2>();
                w.u16(static_cast<std::uint16_t>(extension_type::signature_algorithms));
                const auto at = w.open<2>();
                const auto list = w.open<2>();
                if (config_.verifier != nullptr)
                    for (const signature_scheme s : config_.verifier->schemes()) w.u16(static_cast<std::uint16_t>(s));
                w.close<2>(list);
                w.close<2>(at);
                w.close<2>(extensions);
            });
        }
        this->add_certificate(out, config_.certificate_chain);
        if (!this->add_certificate_verify(out, *config_.signer, scheme_, true)) return {error::internal_error};
        const auto finished = this->finished_for(server_hs);
        this->add_message(out, handshake_type::finished, [&](detail::writer& w) { w.bytes(finished.view()); });
        out.flush(this->write_, this->send_limit(), content_type::handshake);
        if (!out.ok()) return {error::internal_error};

        secret client_app;
        if (!this->derive_application_secrets(client_app, server_app_)) return {error::internal_error};
        client_application_ = client_app;
        // We may send 0.5-RTT data from here (§2), but only after the client Finished through send().
        this->install_write(server_app_);
        this->accept_change_cipher_spec_ = true;
        state_ = certificate_requested_ ? state::wait_certificate : state::wait_finished;
        return {};
    }

    void write_encrypted_extensions(detail::writer& w, const detail::client_hello& ch) noexcept {
        const auto extensions = w.open<2>();
        static constexpr extension_type default_order[] = {
            extension_type::supported_groups, extension_type::record_size_limit, extension_type::server_name,
            extension_type::application_layer_protocol_negotiation};
        detail::write_extensions_in_order(
            w, config_.extension_order, config_.extra_extensions,
            [&](extension_type t) {
                switch (t) {
                    case extension_type::supported_groups: {
                        if (!config_.send_supported_groups) return false;
                        w.u16(static_cast<std::uint16_t>(t));
                        const auto at = w.open<2>();
                        const auto list = w.open<2>();
                        for (const named_group g : config_.groups) w.u16(static_cast<std::uint16_t>(g));
                        w.close<2>(list);
                        w.close<2>(at);
                        return true;
                    }
                    case extension_type::record_size_limit:
                        // RFC 8449 §4: only in answer to the client's.
                        if (config_.record_size_limit == 0 || ch.record_size_limit == 0) return false;
                        this->own_record_limit_ =
                            std::min<std::size_t>(config_.record_size_limit, detail::max_plaintext_size + 1);
                        w.u16(static_cast<std::uint16_t>(t));
                        w.u16(2);
                        w.u16(config_.record_size_limit);
                        return true;
                    case extension_type::server_name:
                        if (!ch.has_server_name) return false;
                        w.u16(static_cast<std::uint16_t>(t));
                        w.u16(0);
                        return true;
                    case extension_type::application_layer_protocol_negotiation: {
                        if (alpn_.empty()) return false;
                        w.u16(static_cast<std::uint16_t>(t));
                        const auto at = w.open<2>();
                        const auto list = w.open<2>();
                        w.vector<1>(alpn_);
                        w.close<2>(list);
                        w.close<2>(at);
                        return true;
                    }
                    default: return false;
                }
            },
            default_order);
        w.close<2>(extensions);
    }

    step on_certificate(byte_view body, byte_view message) noexcept {
        detail::certificate_message cm;
        if (const error e = detail::decode_certificate(body, cm); e != error::none) return {e};
        if (!cm.request_context.empty()) return {error::illegal_parameter};
        this->transcript_.update(message);
        if (cm.chain_length == 0) {
            // §4.4.2.4: no certificate; refuse only when one is required.
            if (config_.require_client_certificate) return {error::certificate_required};
            state_ = state::wait_finished;
            return {};
        }
        if (config_.verifier == nullptr) return {error::certificate_unknown};
        if (const error e = this->accept_certificate(cm, *config_.verifier, {}, false, config_.clock, true);
            e != error::none)
            return {e};
        state_ = state::wait_certificate_verify;
        return {};
    }

    step on_certificate_verify(byte_view body, byte_view message) noexcept {
        if (const error e = this->check_certificate_verify(body, *config_.verifier, false); e != error::none) return {e};
        this->transcript_.update(message);
        client_authenticated_ = true;
        state_ = state::wait_finished;
        return {};
    }

    step on_finished(byte_view body, byte_view message) noexcept {
        const auto expected = this->finished_for(client_handshake_);
        if (body.size() != expected.size) return {error::decode_error};
        if (!ct::equal(body, expected.view())) return {error::decrypt_error};
        this->transcript_.update(message);
        this->derive_resumption_secret();
        this->install_read(client_application_);
        client_handshake_.clear();
        client_application_.clear();
        server_app_.clear();
        state_ = state::connected;
        this->connected_ = true;
        this->accept_change_cipher_spec_ = false;
        return {error::none, event::handshake_complete};
    }

    server_config config_;
    state state_ = state::wait_client_hello;
    bytes<32> session_id_{};
    std::size_t session_id_size_ = 0;
    bytes<32> client_random_{};  // names the connection in the key log
    bytes<max_server_name_size> server_name_{};
    std::size_t server_name_size_ = 0;
    byte_view alpn_{};
    signature_scheme scheme_{};
    named_group group_{};
    secret client_handshake_{}, client_application_{}, server_app_{};
    bool hello_retry_ = false;
    bool certificate_requested_ = false;
    bool change_cipher_spec_sent_ = false;
    bool client_authenticated_ = false;
};

using server = basic_server<>;

}  // namespace carapace::tls
