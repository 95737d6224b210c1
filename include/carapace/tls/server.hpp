// The TLS 1.3 server engine (RFC 8446), sans I/O: receive() takes the client's bytes and writes
// our flights; after handshake_complete, send(), close(), request_key_update() and
// export_keying_material() as for the client. No heap; the object's size is fixed at compile time.
// tls::lent_server borrows its handshake storage from config.buffers and opens records in the
// caller's input (see buffering in interfaces.hpp): an idle connection keeps only keys and
// secrets. It keeps a reference to its config, which must outlive it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "carapace/core/ct.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/detail/connection.hpp"
#include "carapace/tls/detail/codec/certificate.hpp"
#include "carapace/tls/detail/codec/certificate_request.hpp"
#include "carapace/tls/detail/codec/certificate_verify.hpp"
#include "carapace/tls/detail/codec/client_hello.hpp"
#include "carapace/tls/detail/codec/encrypted_extensions.hpp"
#include "carapace/tls/detail/certificate_types.hpp"
#include "carapace/tls/detail/codec/end_of_early_data.hpp"
#include "carapace/tls/detail/codec/new_session_ticket.hpp"
#include "carapace/tls/detail/codec/server_hello.hpp"
#include "carapace/tls/detail/negotiation.hpp"
#include "carapace/tls/detail/early_data.hpp"
#include "carapace/tls/detail/psk/binder.hpp"
#include "carapace/tls/detail/psk/selection.hpp"
#include "carapace/tls/detail/server_tickets.hpp"

namespace carapace::tls {

// The default server takes ClientHellos of up to 64 KiB (and more: the buffer holds the largest
// handshake message accepted). A server that must be smaller picks its own size, and with it the
// largest ClientHello (and client Certificate) it accepts; larger ones get illegal_parameter.
inline constexpr std::size_t default_server_handshake_buffer = 65536 + 4096;

namespace detail {

// What a server keeps only during its handshake (see handshake_storage.hpp).
struct server_handshake_state {
    bytes<32> session_id{};
    std::size_t session_id_size = 0;
    signature_scheme scheme{};
    detail::psk_choice psk{};  // the PSK chosen for this hello, if any
    detail::resumed_ticket ticket{};  // the ticket of ours it is, when it is one
    bool early_data_offered = false;
    bool certificate_requested = false;
    // RFC 7250: our Certificate's type (answered in EncryptedExtensions when the client asked), and
    // the type asked of the client when it offered one we take.
    certificate_type own_type = certificate_type::x509;
    bool answer_own_type = false;
    std::optional<certificate_type> client_type{};
#if !defined(CARAPACE_TLS_NO_PSK)
    detail::secret early_traffic{};  // the client's early key, until it is installed
#endif
};

}  // namespace detail

// A TLS 1.3 server engine, sans I/O: it takes the bytes received and writes the bytes to send.
// HandshakeBufferSize bounds the largest handshake message taken; Buffers: see `buffering`.
template <std::size_t HandshakeBufferSize = default_server_handshake_buffer, buffering Buffers = buffering::owned>
class basic_server : public detail::connection<basic_server<HandshakeBufferSize, Buffers>,
                                               detail::server_handshake_state, HandshakeBufferSize, Buffers> {
    using base = detail::connection<basic_server<HandshakeBufferSize, Buffers>, detail::server_handshake_state,
                                    HandshakeBufferSize, Buffers>;
    friend base;
    using step = detail::step;
    using flight = detail::flight;
    using message = detail::handshake_message;

public:
    // Longest SNI host name taken; a longer one fails the handshake (unrecognized_name).
    static constexpr std::size_t max_server_name_size = 255;

    // With lent buffers: the size of the blocks config.buffers must lend.
    static constexpr std::size_t storage_block_size = base::storage_block_size;

    // Copies the configuration, or with lent buffers keeps a reference: it must then outlive us.
    explicit basic_server(const server_config& config) noexcept : config_(config) {}
    basic_server(const basic_server&) = delete;
    basic_server& operator=(const basic_server&) = delete;

    // For tests: sends a NewSessionTicket (§4.6.1) with the caller's fields once the handshake is
    // complete (a trace replayed byte for byte; a ticket the engine did not make resumes nothing).
    io_result send_session_ticket_for_testing(const session_ticket& t, byte_span output) noexcept {
        if (this->has_failed()) return this->failed_result();
        if (!this->is_connected()) return base::refused(error::wrong_state);
        if (this->close_was_sent()) return base::refused(error::closed);
        if (t.nonce.size() > 255 || t.ticket.empty() || t.ticket.size() > 0xffff || t.lifetime > 604800)
            return base::refused(error::wrong_state);
        const std::size_t needed = this->outgoing().protected_size(4 + 8 + 1 + t.nonce.size() + 2 + t.ticket.size() + 2 + 8);
        if (output.size() < needed) return base::need_space(needed);
        flight out(output);
        detail::codec::new_session_ticket ticket;
        ticket.lifetime = t.lifetime;
        ticket.age_add = t.age_add;
        ticket.nonce = t.nonce;
        ticket.ticket = t.ticket;
        ticket.has_early_data = t.max_early_data != 0;
        ticket.max_early_data_size = t.max_early_data;
        this->write_post_handshake_message(out, handshake_type::new_session_ticket,
                                           [&](detail::writer& w) { encode(w, ticket); });
        this->flush(out);
        return base::result(0, out.size(), event::need_input);
    }

    // Sends one more of our own tickets (sealed under server_config::ticket_keys, or stateful in
    // session_store; those after the handshake go by themselves) once the handshake is complete.
    // Refused with wrong_state without either or without a clock that knows the time, with
    // no_buffer when the session store is full (nothing is sent then).
    io_result send_ticket(byte_span output) noexcept {
        if (this->has_failed()) return this->failed_result();
        if (!this->is_connected() || !detail::issues_tickets(config())) return base::refused(error::wrong_state);
        if (this->close_was_sent()) return base::refused(error::closed);
        const auto t = now();
        if (!t) return base::refused(error::wrong_state);
        const std::size_t needed = tickets_size(1);
        if (output.size() < needed) return base::need_space(needed);
        flight out(output);
        if (!write_ticket(out, *t)) return base::refused(error::no_buffer);
        this->flush(out);
        return base::result(0, out.size(), event::need_input);
    }

    // Whether the handshake went through a HelloRetryRequest.
    [[nodiscard]] bool hello_retry_used() const noexcept { return hello_retry_; }
    // The (EC)DHE group of the handshake; named_group{} when none was used (psk_ke).
    [[nodiscard]] named_group negotiated_group() const noexcept { return group_; }
    // The ALPN protocol we chose (a view into config.alpn), empty when none.
    [[nodiscard]] byte_view alpn_protocol() const noexcept { return alpn_; }
    // The host name the client asked for (SNI), empty when none.
    [[nodiscard]] std::string_view server_name() const noexcept {
        return std::string_view(reinterpret_cast<const char*>(server_name_.data()), server_name_size_);
    }
    // The index in config.external_psks of the PSK the handshake used, if any.
    [[nodiscard]] std::optional<std::size_t> selected_psk() const noexcept {
        if (!psk_used_ || resumed_) return std::nullopt;
        return psk_index_;
    }
    // True when the client resumed a session with one of our tickets.
    [[nodiscard]] bool resumed() const noexcept { return resumed_; }
    // True when we accepted the client's early data (0-RTT): it arrives as event::early_data.
    [[nodiscard]] bool early_data_accepted() const noexcept { return early_.accepted(); }
    // True when the client's first ClientHello offered early data, taken or not (a summary can
    // then tell declined early data from none).
    [[nodiscard]] bool early_data_offered() const noexcept { return early_offered_; }
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
        wait_end_of_early_data,
        connected,
    };

    const server_config& config() const noexcept { return config_.get(); }
    detail::server_handshake_state& hs() noexcept { return this->role_state(); }
    const detail::server_handshake_state& hs() const noexcept { return this->role_state(); }

    static constexpr bool is_client = false;
    [[nodiscard]] bool accepts_application_data() const noexcept { return state_ == state::connected; }
    [[nodiscard]] byte_view client_random() const noexcept { return client_random_; }
    [[nodiscard]] tls::key_log* key_log() const noexcept { return config().key_log; }
    [[nodiscard]] buffer_pool* buffer_source() const noexcept { return config().buffers; }

    // Our whole first flight: ServerHello (or HelloRetryRequest), ChangeCipherSpec,
    // EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished.
    [[nodiscard]] std::size_t output_reserve() const noexcept {
        if (state_ == state::wait_certificate || state_ == state::wait_certificate_verify || state_ == state::wait_finished ||
            state_ == state::wait_end_of_early_data)
            return tickets_reserve();
        if (state_ != state::wait_client_hello && state_ != state::wait_second_client_hello &&
            state_ != state::wait_signature)
            return 0;
        std::size_t hello = 4 + 2 + 32 + 33 + 3 + 2 + 6 + 8 + largest_response() + 6 + config().hello_retry_cookie.size();
        for (const auto& x : config().extra_extensions) hello += 4 + x.data.size();
        std::size_t plain = 4 + 2 + 6 + 2 * config().groups.size() + 6 + 4 + 7 + 255;  // EE
        plain += 4 + 1 + 2 + 6 + 2 * 16;                                                // CertificateRequest
        plain += 4 + 1 + 3;
        for (const auto c : config().certificate_chain) plain += 5 + c.size();
        plain += 5 + config().raw_public_key.size() + 2 * (4 + 1);  // and the type answers
        plain += 9 + config().ocsp_response.size();  // stapled to the leaf
        plain += 8 + base::largest_signature(config().signer) + 4 + 48;
        for (const auto& x : config().extra_extensions) plain += 4 + x.data.size();
        // The client's record_size_limit is not known yet: assume the smallest (RFC 8449: 64).
        const std::size_t chunk = 64 - 1;
        return hello + detail::record_header_size + 6 + plain + (plain + chunk - 1) / chunk * detail::max_protected_overhead;
    }

    // Our largest share: the largest answer of a key exchange of our groups.
    [[nodiscard]] std::size_t largest_response() const noexcept {
        std::size_t n = 0;
        for (const key_exchange* kx : config().key_exchanges)
            if (kx != nullptr && std::find(config().groups.begin(), config().groups.end(), kx->group()) != config().groups.end())
                n = std::max(n, kx->response_size());
        return std::min(n, max_key_share_size);
    }

    [[nodiscard]] error check_message_header(handshake_type type, std::size_t length) const noexcept {
        switch (state_) {
            case state::wait_client_hello:
            case state::wait_second_client_hello: return base::expect(type, handshake_type::client_hello);
            case state::wait_certificate: return base::expect(type, handshake_type::certificate);
            case state::wait_certificate_verify: return base::expect(type, handshake_type::certificate_verify);
            case state::wait_finished: return this->check_finished_header(type, length);
            case state::wait_end_of_early_data:
                if (const error e = base::expect(type, handshake_type::end_of_early_data); e != error::none) return e;
                return length == 0 ? error::none : error::decode_error;
            case state::connected: return base::check_post_handshake_header(type, length);
            default: return error::unexpected_message;
        }
    }

    step on_handshake_message(const message& m, flight& out) noexcept {
        switch (state_) {
            case state::wait_client_hello:
            case state::wait_second_client_hello: return on_client_hello(m, out);
            case state::wait_certificate:
            case state::wait_certificate_verify: return on_certificate_message(m);
            case state::wait_finished: return on_finished(m, out);
            case state::wait_end_of_early_data: return on_end_of_early_data(m);
            case state::connected: return this->receive_key_update(m.body);
            default: return {error::unexpected_message};
        }
    }

    // Whether we can make a certificate handshake: never in a build without certificates
    // (CARAPACE_TLS_NO_CERTIFICATES), which then, like a server configured without one, makes PSK
    // handshakes only.
    [[nodiscard]] bool has_certificate() const noexcept {
        return have_certificates && config().signer != nullptr &&
               (!config().certificate_chain.empty() || !config().raw_public_key.empty());
    }

    step on_client_hello(const message& m, flight& out) noexcept {
        if (config().random == nullptr || (!has_certificate() && config().external_psks.empty()))
            return {error::internal_error};
        detail::codec::client_hello ch;
        if (const error e = decode(m.body, ch); e != error::none) return {e};
        const bool second = state_ == state::wait_second_client_hello;
        if (const error e = detail::check_version(ch); e != error::none) return {e};
        if (const error e = detail::check_psk_modes(ch); e != error::none) return {e};
        // §4.1.2: the second hello carries no early data.
        if (second && ch.early_data) return {error::illegal_parameter};

        // A PSK of ours decides the suite (its hash) and spares us a certificate (§4.2.11);
        // without one, a certificate is needed.
        hs().psk = detail::choose_ticket(config(), now(), ch, hs().ticket);
        if (!hs().psk.chosen)
            hs().psk = detail::choose_external_psk(ch, config().external_psks, config().psk_modes, config().cipher_suites);
        suite_info suite{};
        if (hs().psk.chosen) {
            suite = hs().psk.suite;
        } else {
            if (!has_certificate()) return {error::handshake_failure};
            if (const error e = detail::choose_cipher_suite(ch, config().cipher_suites, suite); e != error::none)
                return {e};
            if (const error e = detail::choose_signature_scheme(ch, config().signer->schemes(), hs().scheme);
                e != error::none)
                return {e};
            hs().answer_own_type = ch.present.contains(extension_type::server_certificate_type);
            if (const error e = detail::choose_server_certificate_type(config(), hs().answer_own_type,
                                                                       ch.server_certificate_types, hs().own_type);
                e != error::none)
                return {e};
        }
        if (second && suite.id != this->suite().id) return {error::illegal_parameter};
        const detail::group_policy groups{config().groups, config().key_exchanges, config().insist_on_preferred_group};
        detail::group_choice group;
        if (second) {
            if (const error e = detail::check_retry_cookie(ch, config().hello_retry_cookie); e != error::none)
                return {e};
        }
        if (hs().psk.chosen && hs().psk.mode == psk_mode::psk_ke) {
            // §4.2.9: no (EC)DHE; the client's shares, if any, are not used.
        } else if (second) {
            if (const error e = detail::choose_group_after_retry(ch, groups, group_, group); e != error::none) return {e};
        } else if (const error e = detail::choose_group(ch, groups, group); e != error::none) {
            return {e};
        }
        if (const error e = detail::choose_alpn(ch, config().alpn, alpn_); e != error::none) return {e};

        if (ch.present.contains(extension_type::server_name)) {
            if (ch.server_name.size() > max_server_name_size) return {error::unrecognized_name};
            std::copy(ch.server_name.begin(), ch.server_name.end(), server_name_.begin());
            server_name_size_ = static_cast<std::uint8_t>(ch.server_name.size());
        }
        if (ch.record_size_limit != 0) this->limit_sent_records(ch.record_size_limit);
        hs().session_id_size = ch.session_id.size();
        std::copy(ch.random.begin(), ch.random.end(), client_random_.begin());
        std::copy(ch.session_id.begin(), ch.session_id.end(), hs().session_id.begin());
        this->choose_suite(suite);
        if (hs().psk.chosen) {
            if (const error e = check_binder(ch, m); e != error::none) return {e};
        }
        // Early data we decline (§4.2.10) is skipped, after our HelloRetryRequest as
        // application_data records, after our ServerHello as records that do not open under the
        // handshake key.
        hs().early_data_offered = ch.early_data;
        if (!second) early_offered_ = ch.early_data;

        if (group.hello_retry) return send_hello_retry_request(group.group, m, out);
        if (ch.early_data &&
            detail::accepts_early_data(config(), now(), hs().psk, hs().ticket, this->suite().id, alpn_, ch))
            early_.accept(detail::early_data_allowed(config(), hs().ticket));
        return send_server_flight(ch, group, m, out);
    }

    // §4.2.11.2: the binder of the identity we chose, over the transcript so far and this hello
    // up to its binders; compared in constant time, a mismatch fails the handshake.
    [[nodiscard]] error check_binder(const detail::codec::client_hello& ch, const message& m) const noexcept {
        const hash_kind hash = this->suite().hash;
        const detail::digest prefix = this->transcript_hash_with(hash, m.whole.first(4 + ch.binders_offset));
        const detail::digest expected = detail::psk_binder(hash, chosen_psk(), hs().psk.resumption, prefix.view());
        const byte_view received = ch.psk_binders[hs().psk.identity];
        return ct::equal(received, expected.view()) ? error::none : error::decrypt_error;
    }

    [[nodiscard]] byte_view chosen_psk() const noexcept {
        return hs().psk.resumption ? hs().ticket.psk.view() : config().external_psks[hs().psk.ours].key;
    }

    [[nodiscard]] std::optional<std::int64_t> now() const noexcept {
        if (config().clock == nullptr) return std::nullopt;
        return config().clock->now();
    }

    step send_hello_retry_request(named_group group, const message& client_hello, flight& out) noexcept {
        hello_retry_ = true;
        group_ = group;
        this->add_to_transcript(client_hello);
        this->restart_transcript_after_retry();
        detail::codec::server_hello hrr;
        hrr.random = detail::codec::hello_retry_random;
        hrr.session_id = byte_view(hs().session_id).first(hs().session_id_size);
        hrr.suite = this->suite().id;
        hrr.has_selected_group = true;
        hrr.selected_group = group;
        hrr.cookie = config().hello_retry_cookie;
        this->write_message(out, handshake_type::server_hello, [&](detail::writer& w) { encode(w, hrr); });
        this->flush(out);
        // §D.4: a compatibility-mode client (non-empty session id) gets a ChangeCipherSpec after
        // our first handshake message.
        answer_compatibility_mode(out);
        this->accept_change_cipher_spec(true);
        if (hs().early_data_offered) this->skip_early_data(detail::record_reader::early_data_skip::application_data);
        state_ = state::wait_second_client_hello;
        return {};
    }

    void answer_compatibility_mode(flight& out) noexcept {
        if (hs().session_id_size != 0) base::send_change_cipher_spec(out);
    }

    step send_server_flight(const detail::codec::client_hello& ch, const detail::group_choice& group,
                            const message& client_hello, flight& out) noexcept {
        const bool with_psk = hs().psk.chosen;
        const bool with_dhe = !with_psk || hs().psk.mode == psk_mode::psk_dhe_ke;
        bytes<max_key_share_size> share{};
        bytes<max_shared_secret_size> shared{};
        std::size_t share_size = 0;
        // psk_ke: the (EC)DHE input of the key schedule is a string of zeros (§7.1).
        std::size_t shared_size = this->suite().hash_size;
        if (with_dhe) {
            key_exchange* kx = group.exchange;
            share_size = kx->response_size();
            if (share_size > share.size()) return {error::internal_error};
            shared_size = kx->respond(*config().random, group.client_share, byte_span(share).first(share_size), shared);
            if (shared_size == 0) return {error::illegal_parameter};
            group_ = group.group;
        }
        bytes<32> random{};
        config().random->fill(random);
        this->add_to_transcript(client_hello);
#if !defined(CARAPACE_TLS_NO_PSK)
        if (early_.accepted()) hs().early_traffic = this->early_traffic_secret(this->suite().hash, chosen_psk());
#endif
        // The early-data skip of a first hello ends with the second one.
        this->skip_early_data(detail::record_reader::early_data_skip::none);

        detail::codec::server_hello sh;
        sh.random = random;
        sh.session_id = byte_view(hs().session_id).first(hs().session_id_size);
        sh.suite = this->suite().id;
        sh.has_key_share = with_dhe;
        if (with_dhe) sh.key_share = {group_, byte_view(share).first(share_size)};
        sh.has_selected_identity = with_psk;
        sh.selected_identity = hs().psk.identity;
        this->write_message(out, handshake_type::server_hello, [&](detail::writer& w) { encode(w, sh); });
        this->flush(out);
        answer_compatibility_mode(out);

        this->enter_handshake(byte_view(shared).first(shared_size), with_psk ? chosen_psk() : byte_view{});
        secure_wipe(shared);
        if (with_psk) {
            psk_used_ = true;
            resumed_ = hs().psk.resumption;
            psk_index_ = static_cast<std::uint32_t>(hs().psk.ours);
        }
        if (early_.accepted()) {
#if !defined(CARAPACE_TLS_NO_PSK)
            // The hello is the transcript's last message until our ServerHello: taken before it.
            this->install_early_read(hs().early_traffic);
            hs().early_traffic.clear();
#endif
        } else if (hs().early_data_offered) {
            this->skip_early_data(detail::record_reader::early_data_skip::undecryptable);
        }

        write_encrypted_extensions(out, ch);
        // §4.3.2, §2.2: a PSK handshake authenticates by the PSK; no certificates either way.
        if (with_psk) return send_finished(out);
        if constexpr (have_certificates) return send_certificates(ch, out);
        return {error::internal_error};  // without certificates, has_certificate() let no hello get here
    }

    // Our CertificateRequest, Certificate and CertificateVerify, then our Finished.
    step send_certificates(const detail::codec::client_hello& ch, flight& out) noexcept {
        if (config().request_client_certificate || config().require_client_certificate) {
            hs().certificate_requested = true;
            detail::codec::certificate_request cr;
            if (config().verifier != nullptr) cr.signature_algorithms = config().verifier->schemes();
            this->write_message(out, handshake_type::certificate_request, [&](detail::writer& w) { encode(w, cr); });
        }
        // The caller's OCSP response for our leaf, when the client asked for one (RFC 6066 §8).
        const bool raw = have_raw_public_keys && hs().own_type == certificate_type::raw_public_key;
        const byte_view ocsp = detail::codec::asks_for_ocsp(ch) && !raw ? config().ocsp_response : byte_view{};
        const std::span<const byte_view> ours =
            raw ? std::span<const byte_view>(&config().raw_public_key, 1) : config().certificate_chain;
        const step s = this->authenticate(out, ours, config().signer, hs().scheme, ocsp);
        if (s.what == event::signature_needed) state_ = state::wait_signature;
        if (s.what == event::signature_needed || s.failure != error::none) return s;
        return send_finished(out);
    }

    // complete_signature(): the rest of our flight with the signature handed in.
    step resume_after_signature(byte_view signature, flight& out) noexcept {
        if (state_ != state::wait_signature) return {error::internal_error};
        if constexpr (have_certificates) this->write_certificate_verify(out, hs().scheme, signature);
        const step s = send_finished(out);
        // The client's flight may already be waiting: reassembly hands it over on receive().
        return s.failure != error::none ? s : step{};
    }

    step send_finished(flight& out) noexcept {
        this->write_finished(out, true);
        this->flush(out);
        if (!out.ok()) return {error::internal_error};
        this->enter_application();
        // We may send 0.5-RTT data from here (§2), but only after the client Finished through send().
        this->install_application_write();
        this->accept_change_cipher_spec(true);
        state_ = hs().certificate_requested ? state::wait_certificate : state::wait_finished;
        // §4.5: the client's early data, then its EndOfEarlyData, before the rest of its flight.
        if (early_.accepted()) state_ = state::wait_end_of_early_data;
        return {};
    }

    // Early data received while we read it (0-RTT accepted), within the limit (§4.2.10).
    error take_early_data(std::size_t size) noexcept {
        if (state_ != state::wait_end_of_early_data) return error::unexpected_message;
        return early_.take(size);
    }

    // The client's early data is over: its flight goes on under the handshake key.
    step on_end_of_early_data(const message& m) noexcept {
        detail::codec::end_of_early_data eoed;
        if (const error e = decode(m.body, eoed); e != error::none) return {e};
#if !defined(CARAPACE_TLS_NO_PSK)
        this->add_to_transcript(m);
        this->install_handshake_read();
#endif
        state_ = state::wait_finished;
        return {};
    }

    void write_encrypted_extensions(flight& out, const detail::codec::client_hello& ch) noexcept {
        detail::codec::encrypted_extensions ee;
        if (config().send_supported_groups) ee.supported_groups = config().groups;
        // RFC 8449 §4: only in answer to the client's; ours applies from here on.
        if (config().record_size_limit != 0 && ch.record_size_limit != 0) {
            ee.record_size_limit = config().record_size_limit;
            this->limit_received_records(config().record_size_limit);
        }
        ee.server_name_acknowledged = ch.present.contains(extension_type::server_name);
        ee.alpn = alpn_;
        ee.early_data = early_.accepted();
        // RFC 7250 §4.3: the types, only in a certificate handshake, the client's only when we ask.
        if (!hs().psk.chosen && hs().answer_own_type) ee.server_certificate_type = static_cast<std::uint8_t>(hs().own_type);
        hs().client_type.reset();
        if (!hs().psk.chosen && (config().request_client_certificate || config().require_client_certificate))
            hs().client_type = detail::choose_client_certificate_type(config(), ch.client_certificate_types);
        if (hs().client_type) ee.client_certificate_type = static_cast<std::uint8_t>(*hs().client_type);
        ee.extra_extensions = config().extra_extensions;
        if (!config().extension_order.empty()) ee.order = config().extension_order;
        this->write_message(out, handshake_type::encrypted_extensions, [&](detail::writer& w) { encode(w, ee); });
    }

    // The client's Certificate and CertificateVerify, in a build with certificates (without, we
    // never ask for them).
    step on_certificate_message(const message& m) noexcept {
        if constexpr (!have_certificates) {
            static_cast<void>(m);
            return {error::unexpected_message};
        } else {
            return state_ == state::wait_certificate ? on_certificate(m) : on_certificate_verify(m);
        }
    }

    step on_certificate(const message& m) noexcept {
        detail::codec::certificate c;
        // Our CertificateRequest asks for no entry extensions (§4.4.2: none may come back).
        if (const error e = decode(m.body, c, detail::codec::extension_set{}); e != error::none) return {e};
        if (!c.request_context.empty()) return {error::illegal_parameter};
        if (c.entries.empty()) {
            // §4.4.2.4: no certificate; refuse only when one is required.
            if (config().require_client_certificate) return {error::certificate_required};
            state_ = state::wait_finished;
            return {};
        }
        if (config().verifier == nullptr) return {error::certificate_unknown};
        const auto chain = detail::codec::chain_of(c);
        const error e = have_raw_public_keys && hs().client_type == certificate_type::raw_public_key
                            ? this->accept_raw_public_key(chain.view(), *config().verifier, true)
                            : this->accept_certificate(chain.view(), *config().verifier, {}, config().clock, true);
        if (e == error::pending) return {error::none, event::verification_needed};
        if (e != error::none) return {e};
        state_ = state::wait_certificate_verify;
        return {};
    }

    step on_certificate_verify(const message& m) noexcept {
        const error e = this->check_certificate_verify(m, *config().verifier);
        if (e == error::pending) return {error::none, event::verification_needed};
        if (e != error::none) return {e};
        client_authenticated_ = true;
        state_ = state::wait_finished;
        return {};
    }

    step on_finished(const message& m, flight& out) noexcept {
        if (const error e = this->check_finished(m, false); e != error::none) return {e};
        this->finish_key_schedule();
        this->install_application_read();
        state_ = state::connected;
        this->mark_connected();
        send_tickets(out);
        return {error::none, event::handshake_complete};
    }

    [[nodiscard]] bool sends_tickets() const noexcept { return detail::sends_tickets(config()); }
    // The most bytes of protected records `count` of our tickets take.
    [[nodiscard]] std::size_t tickets_size(std::size_t count) const noexcept {
        return detail::tickets_size(count, this->outgoing().max_fragment());
    }
    // What our tickets after the handshake take.
    [[nodiscard]] std::size_t tickets_reserve() const noexcept {
        return sends_tickets() ? tickets_size(config().tickets_after_handshake) : 0;
    }

    // Our NewSessionTickets once the client has finished (§4.6.1).
    void send_tickets(flight& out) noexcept {
        if (!sends_tickets()) return;
        const auto t = now();
        if (!t) return;
        for (std::size_t i = 0; i < config().tickets_after_handshake; ++i) write_ticket(out, *t);
        this->flush(out);
    }

    // One ticket of ours (see server_tickets.hpp), its nonce a counter.
    bool write_ticket(flight& out, std::int64_t now_seconds) noexcept {
        const detail::ticket_origin origin{this->suite(), this->resumption_secret(),
                                           byte_view(server_name_).first(server_name_size_), alpn_};
        detail::outgoing_ticket t;
        if (!detail::make_ticket(config(), origin, tickets_sent_++, now_seconds, t)) return false;
        this->write_post_handshake_message(out, handshake_type::new_session_ticket,
                                           [&](detail::writer& w) { encode(w, t.message); });
        return true;
    }

    detail::held_config<server_config, Buffers> config_;
    state state_ = state::wait_client_hello;
    bytes<32> client_random_{};  // names the connection in the key log
    bytes<max_server_name_size> server_name_{};
    std::uint8_t server_name_size_ = 0;
    byte_view alpn_{};
    named_group group_{};
    std::uint32_t psk_index_ = 0;
    bool hello_retry_ = false;
    bool client_authenticated_ = false;
    bool psk_used_ = false;
    bool resumed_ = false;
    bool early_offered_ = false;           // by the first ClientHello
    detail::server_early_data early_{};  // the client's 0-RTT
    std::uint32_t tickets_sent_ = 0;  // numbers our tickets' nonces
};

// A server with the default handshake buffer and its storage inside the object.
using server = basic_server<>;
// A server that borrows its handshake storage and opens records in the caller's input.
using lent_server = basic_server<default_server_handshake_buffer, buffering::lent>;

}  // namespace carapace::tls
