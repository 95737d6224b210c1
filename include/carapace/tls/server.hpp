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

// The default server takes ClientHellos of up to 64 KiB (and more: the buffer holds the largest
// handshake message accepted). A server that must be smaller picks its own size, and with it the
// largest ClientHello (and client Certificate) it accepts; larger ones get illegal_parameter.
inline constexpr std::size_t default_server_handshake_buffer = 65536 + 4096;

template <std::size_t HandshakeBufferSize = default_server_handshake_buffer>
class basic_server : public detail::connection<basic_server<HandshakeBufferSize>, HandshakeBufferSize> {
    using base = detail::connection<basic_server<HandshakeBufferSize>, HandshakeBufferSize>;
    friend base;
    using step = detail::step;
    using flight = detail::flight;
    using message = detail::handshake_message;

public:
    static constexpr std::size_t max_server_name_size = 255;

    explicit basic_server(const server_config& config) noexcept : config_(config) {}

    // Sends a NewSessionTicket (§4.6.1) once the handshake is complete. The ticket's content is
    // the caller's: typically the PSK of resumption_psk(nonce) and its parameters, sealed under a
    // key only this server knows.
    io_result send_session_ticket(const session_ticket& t, byte_span output) noexcept {
        if (this->has_failed()) return this->failed_result();
        if (!this->is_connected()) return base::refused(error::wrong_state);
        if (this->close_was_sent()) return base::refused(error::closed);
        if (t.nonce.size() > 255 || t.ticket.empty() || t.ticket.size() > 0xffff || t.lifetime > 604800)
            return base::refused(error::wrong_state);
        const std::size_t needed = this->outgoing().protected_size(4 + 8 + 1 + t.nonce.size() + 2 + t.ticket.size() + 2 + 8);
        if (output.size() < needed) return base::need_space(needed);
        flight out(output);
        this->write_post_handshake_message(out, handshake_type::new_session_ticket, [&](detail::writer& w) {
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
        });
        this->flush(out);
        return base::result(0, out.size(), event::need_input);
    }

    // The PSK a ticket with this nonce stands for (§4.6.1). An error once the connection failed.
    [[nodiscard]] error resumption_psk(byte_view nonce, byte_span out) const noexcept {
        if (this->has_failed()) return error::closed;
        if (!this->is_connected() || out.size() != this->suite().hash_size || nonce.size() > 255)
            return error::wrong_state;
        const detail::secret psk = detail::resumption_psk(this->suite().hash, this->resumption_secret(), nonce);
        std::copy(psk.view().begin(), psk.view().end(), out.begin());
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
        wait_signature,  // our CertificateVerify is with a pending signer
        connected,
    };

    static constexpr bool is_client = false;
    [[nodiscard]] bool accepts_application_data() const noexcept { return state_ == state::connected; }
    [[nodiscard]] byte_view client_random() const noexcept { return client_random_; }
    [[nodiscard]] tls::key_log* key_log() const noexcept { return config_.key_log; }
    void wipe_role_secrets() noexcept {}

    // Our whole first flight: ServerHello (or HelloRetryRequest), ChangeCipherSpec,
    // EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished.
    [[nodiscard]] std::size_t output_reserve() const noexcept {
        if (state_ != state::wait_client_hello && state_ != state::wait_second_client_hello &&
            state_ != state::wait_signature)
            return 0;
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

    [[nodiscard]] error check_message_header(handshake_type type, std::size_t length) const noexcept {
        switch (state_) {
            case state::wait_client_hello:
            case state::wait_second_client_hello: return base::expect(type, handshake_type::client_hello);
            case state::wait_certificate: return base::expect(type, handshake_type::certificate);
            case state::wait_certificate_verify: return base::expect(type, handshake_type::certificate_verify);
            case state::wait_finished: return this->check_finished_header(type, length);
            case state::connected: return base::check_post_handshake_header(type, length);
            default: return error::unexpected_message;
        }
    }

    step on_handshake_message(const message& m, flight& out) noexcept {
        switch (state_) {
            case state::wait_client_hello:
            case state::wait_second_client_hello: return on_client_hello(m, out);
            case state::wait_certificate: return on_certificate(m);
            case state::wait_certificate_verify: return on_certificate_verify(m);
            case state::wait_finished: return on_finished(m);
            case state::connected: return this->receive_key_update(m.body);
            default: return {error::unexpected_message};
        }
    }

    key_exchange* find_key_exchange(std::uint16_t g) const noexcept {
        for (key_exchange* kx : config_.key_exchanges)
            if (kx != nullptr && static_cast<std::uint16_t>(kx->group()) == g) return kx;
        return nullptr;
    }

    step on_client_hello(const message& m, flight& out) noexcept {
        if (config_.random == nullptr || config_.signer == nullptr || config_.certificate_chain.empty())
            return {error::internal_error};
        detail::client_hello ch;
        if (const error e = detail::decode_client_hello(m.body, ch); e != error::none) return {e};
        const bool second = state_ == state::wait_second_client_hello;
        // Appendix D.5: SSL 3.0 and older are refused outright; §4.2.1: only supported_versions
        // can offer TLS 1.3.
        const std::uint32_t legacy_version = detail::reader(m.body).u16();
        if (legacy_version <= 0x0300) return {error::protocol_version};
        if (!ch.has_versions || !detail::list_contains(ch.versions, version_tls13)) return {error::protocol_version};
        // §4.2.9: a PSK offer must say which key exchange modes go with it.
        if (ch.has_pre_shared_key && ch.psk_modes.empty()) return {error::missing_extension};
        // §4.1.2: the second hello carries no early data.
        if (second && ch.has_early_data) return {error::illegal_parameter};

        // Cipher suite: ours, in our order of preference.
        std::optional<suite_info> suite;
        for (const cipher_suite s : config_.cipher_suites)
            if (!suite && detail::list_contains(ch.cipher_suites, static_cast<std::uint16_t>(s))) suite = find_suite(static_cast<std::uint16_t>(s));
        if (!suite) return {error::handshake_failure};
        if (second && suite->id != this->suite().id) return {error::illegal_parameter};

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
        if (ch.record_size_limit != 0) this->limit_sent_records(ch.record_size_limit);
        session_id_size_ = ch.session_id.size();
        std::copy(ch.random.begin(), ch.random.end(), client_random_.begin());
        std::copy(ch.session_id.begin(), ch.session_id.end(), session_id_.begin());
        scheme_ = *scheme;
        this->choose_suite(*suite);
        // We accept no early data (§4.2.10): the client's is skipped, after our
        // HelloRetryRequest as application_data records, after our ServerHello as records that
        // do not open under the handshake key.
        early_data_offered_ = ch.has_early_data;

        if (share_group == 0) {
            if (second) return {error::illegal_parameter};
            return send_hello_retry_request(*preferred, m, out);
        }
        return send_server_flight(ch, share_group, client_share, m, out);
    }

    step send_hello_retry_request(named_group group, const message& client_hello, flight& out) noexcept {
        hello_retry_ = true;
        group_ = group;
        this->add_to_transcript(client_hello);
        this->restart_transcript_after_retry();
        this->write_message(out, handshake_type::server_hello, [&](detail::writer& w) {
            w.u16(legacy_version_tls12);
            w.bytes(detail::hello_retry_random);
            w.vector<1>(byte_view(session_id_).first(session_id_size_));
            w.u16(static_cast<std::uint16_t>(this->suite().id));
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
        this->flush(out);
        // §D.4: a compatibility-mode client (non-empty session id) gets a ChangeCipherSpec after
        // our first handshake message.
        answer_compatibility_mode(out);
        this->accept_change_cipher_spec(true);
        if (early_data_offered_) this->skip_early_data(detail::record_reader::early_data_skip::application_data);
        state_ = state::wait_second_client_hello;
        return {};
    }

    // §D.4: a compatibility-mode client (non-empty session id) gets a ChangeCipherSpec after our
    // first handshake message.
    void answer_compatibility_mode(flight& out) noexcept {
        if (session_id_size_ != 0) base::send_change_cipher_spec(out);
    }

    step send_server_flight(const detail::client_hello& ch, std::uint16_t group, byte_view client_share,
                            const message& client_hello, flight& out) noexcept {
        key_exchange* kx = find_key_exchange(group);
        bytes<max_key_share_size> share{};
        bytes<max_shared_secret_size> shared{};
        const std::size_t share_size = kx->share_size();
        const std::size_t shared_size = kx->respond(*config_.random, client_share, byte_span(share).first(share_size), shared);
        if (shared_size == 0) return {error::illegal_parameter};
        group_ = static_cast<named_group>(group);
        bytes<32> random{};
        config_.random->fill(random);
        this->add_to_transcript(client_hello);
        // The early-data skip of a first hello ends with the second one.
        this->skip_early_data(detail::record_reader::early_data_skip::none);

        this->write_message(out, handshake_type::server_hello, [&](detail::writer& w) {
            w.u16(legacy_version_tls12);
            w.bytes(random);
            w.vector<1>(byte_view(session_id_).first(session_id_size_));
            w.u16(static_cast<std::uint16_t>(this->suite().id));
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
        this->flush(out);
        answer_compatibility_mode(out);

        this->enter_handshake(byte_view(shared).first(shared_size));
        secure_wipe(shared);
        if (early_data_offered_) this->skip_early_data(detail::record_reader::early_data_skip::undecryptable);

        this->write_message(out, handshake_type::encrypted_extensions,
                            [&](detail::writer& w) { write_encrypted_extensions(w, ch); });
        if (config_.request_client_certificate || config_.require_client_certificate) {
            certificate_requested_ = true;
            this->write_message(out, handshake_type::certificate_request, [&](detail::writer& w) {
                w.u8(0);
                const auto extensions = w.open<2>();
                w.u16(static_cast<std::uint16_t>(extension_type::signature_algorithms));
                const auto at = w.open<2>();
                const auto list = w.open<2>();
                if (config_.verifier != nullptr)
                    for (const signature_scheme sc : config_.verifier->schemes()) w.u16(static_cast<std::uint16_t>(sc));
                w.close<2>(list);
                w.close<2>(at);
                w.close<2>(extensions);
            });
        }
        const step s = this->authenticate(out, config_.certificate_chain, config_.signer, scheme_);
        if (s.what == event::signature_needed) state_ = state::wait_signature;
        if (s.what == event::signature_needed || s.failure != error::none) return s;
        return send_finished(out);
    }

    // complete_signature(): the rest of our flight with the signature handed in.
    step resume_after_signature(byte_view signature, flight& out) noexcept {
        if (state_ != state::wait_signature) return {error::internal_error};
        this->write_certificate_verify(out, scheme_, signature);
        const step s = send_finished(out);
        // The client's flight may already be waiting: reassembly hands it over on receive().
        return s.failure != error::none ? s : step{};
    }

    step send_finished(flight& out) noexcept {
        const auto finished = this->finished_data(true);
        this->write_message(out, handshake_type::finished, [&](detail::writer& w) { w.bytes(finished.view()); });
        this->flush(out);
        if (!out.ok()) return {error::internal_error};
        this->enter_application();
        // We may send 0.5-RTT data from here (§2), but only after the client Finished through send().
        this->install_application_write();
        this->accept_change_cipher_spec(true);
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
                        this->limit_received_records(config_.record_size_limit);
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

    step on_certificate(const message& m) noexcept {
        detail::certificate_message cm;
        if (const error e = detail::decode_certificate(m.body, cm); e != error::none) return {e};
        if (!cm.request_context.empty()) return {error::illegal_parameter};
        if (cm.chain_length == 0) {
            // §4.4.2.4: no certificate; refuse only when one is required.
            if (config_.require_client_certificate) return {error::certificate_required};
            state_ = state::wait_finished;
            return {};
        }
        if (config_.verifier == nullptr) return {error::certificate_unknown};
        const error e = this->accept_certificate(std::span<const byte_view>(cm.chain.data(), cm.chain_length),
                                                 *config_.verifier, {}, config_.clock, true);
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
        client_authenticated_ = true;
        state_ = state::wait_finished;
        return {};
    }

    step on_finished(const message& m) noexcept {
        const auto expected = this->finished_data(false);
        if (!ct::equal(m.body, expected.view())) return {error::decrypt_error};
        this->add_to_transcript(m);
        this->finish_key_schedule();
        this->install_application_read();
        state_ = state::connected;
        this->mark_connected();
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
    bool hello_retry_ = false;
    bool early_data_offered_ = false;
    bool certificate_requested_ = false;
    bool client_authenticated_ = false;
};

using server = basic_server<>;

}  // namespace carapace::tls
