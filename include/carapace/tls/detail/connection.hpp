// What a client and a server share, above the layers below it: the receive loop that takes
// records from the record layer, handshake messages from reassembly and hands each whole message
// to the role (CRTP `Role`), the application-data phase, alerts, KeyUpdate, exporters, the key
// schedule's secrets and the sticky failure. Its state is private: the roles hold their own state
// and decisions and act on this one only through the functions below.
//
// Input: record_input.hpp holds a record until all of it is there (owned: copied into the
// engine; lent: left in the caller's input), then it is opened in place and its handshake
// content reassembled.
// Output: the caller's buffer only (record_layer.hpp's flight). A call either does all it says or,
// when the buffer is too small, nothing (need_output_space with the size needed).
// Handshake state: handshake_storage.hpp holds what only a handshake needs, the roles' part
// (`RoleState`) and ours, made when a handshake begins (or a post-handshake message arrives) and
// wiped once it is over; only keys, secrets and settled facts stay in the object.
// Certificates: certificate_exchange.hpp, mixed in, checks the peer's Certificate and
// CertificateVerify and writes ours; the pending verdict it may wait for is kept here.
//
// The role provides:
//   static constexpr bool is_client;
//   std::size_t output_reserve() const;         // the most output its next messages may need
//   error check_message_header(handshake_type, std::size_t length) const;  // before the body
//   step on_handshake_message(const handshake_message&, flight&);
//   step resume_after_signature(byte_view signature, flight&);   // see complete_signature
//   bool accepts_application_data() const;
//   error take_early_data(std::size_t size);   // early data received, when application data is not
//                                              // accepted (an error unless 0-RTT was)
//   byte_view client_random() const; tls::key_log* key_log() const; buffer_pool* buffer_source() const;
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/detail/certificate_exchange.hpp"
#include "carapace/tls/detail/codec/finished.hpp"
#include "carapace/tls/detail/codec/key_update.hpp"
#include "carapace/tls/detail/handshake_reassembly.hpp"
#include "carapace/tls/detail/handshake_step.hpp"
#include "carapace/tls/detail/handshake_state.hpp"
#include "carapace/tls/detail/handshake_storage.hpp"
#include "carapace/tls/detail/held_config.hpp"
#include "carapace/tls/detail/key_schedule.hpp"
#include "carapace/tls/detail/record_input.hpp"
#include "carapace/tls/detail/record_layer.hpp"
#include "carapace/tls/detail/transcript.hpp"
#include "carapace/tls/detail/wire.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/events.hpp"
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls::detail {

// Room always kept for an alert or a KeyUpdate record.
inline constexpr std::size_t small_record_reserve = 64;
// The KeyUpdate message's size: a record of it adds the write key's overhead.
inline constexpr std::size_t key_update_message_size = 5;


template <class Role, class RoleState, std::size_t HandshakeBufferSize, buffering Buffers>
class connection : public certificate_exchange<connection<Role, RoleState, HandshakeBufferSize, Buffers>> {
    friend certificate_exchange<connection>;
    using storage = handshake_storage<handshake_state<RoleState>, HandshakeBufferSize, Buffers>;
    using input_type = typename record_input<Buffers>::input_type;

public:
    // The largest handshake message taken, header included.
    static constexpr std::size_t handshake_buffer_size = HandshakeBufferSize;
    // Bytes of a record kept inside the object (none with lent buffers).
    static constexpr std::size_t record_buffer_size = Buffers == buffering::owned ? max_record_size : 0;
    static constexpr buffering buffers = Buffers;
    // With lent buffers: the size of the blocks the buffer_pool must lend (else 0).
    static constexpr std::size_t storage_block_size = storage::block_size;

    [[nodiscard]] bool handshake_complete() const noexcept { return connected_; }
    [[nodiscard]] bool failed() const noexcept { return failure_ != error::none; }
    [[nodiscard]] cipher_suite negotiated_suite() const noexcept { return suite_.id; }

    // Takes received bytes; writes anything that must be sent. Call again (with the rest of the
    // input, or none) until it reports need_input. With lent buffers the input is mutable (records
    // are opened in it) and a partial record at its end is left unconsumed.
    io_result receive(input_type input, byte_span output) noexcept {
        io_result r = receive_records(input, output);
        settle();
        return r;
    }

    // Encrypts application data into records. Takes as much as fits and says how much it took; an
    // output buffer that cannot hold the first record (and a KeyUpdate that must precede it) is
    // need_output_space, and then nothing changed.
    io_result send(byte_view data, byte_span output) noexcept {
        if (failure_ != error::none) return failed_result();
        if (!connected_ || !writer_.is_protected()) return refused(error::wrong_state);
        if (close_sent_) return refused(error::closed);
        return seal_application_data(data, output);
    }

    // Sends close_notify. Received data may still be read until the peer closes too.
    io_result close(byte_span output) noexcept {
        if (failure_ != error::none) return failed_result();
        if (close_sent_) return refused(error::closed);
        if (awaiting_ != awaiting::nothing) return refused(error::wrong_state);
        if (output.size() < small_record_reserve) return need_space(small_record_reserve);
        flight out(output);
        const std::uint8_t alert[2] = {static_cast<std::uint8_t>(alert_level::warning),
                                       static_cast<std::uint8_t>(alert_description::close_notify)};
        out.record(writer_, content_type::alert, alert);
        close_sent_ = true;
        return result(0, out.size(), event::need_input);
    }

    // Sends KeyUpdate(update_requested) and moves our sending keys forward (§4.6.3).
    io_result request_key_update(byte_span output) noexcept {
        if (failure_ != error::none) return failed_result();
        if (!connected_) return refused(error::wrong_state);
        if (close_sent_) return refused(error::closed);
        if (output.size() < small_record_reserve) return need_space(small_record_reserve);
        flight out(output);
        send_key_update(out, true);
        return result(0, out.size(), event::need_input);
    }

    // RFC 8446 §7.5 exporter; available once the handshake is complete, and not after a failure.
    [[nodiscard]] error export_keying_material(byte_view label, byte_view context, byte_span out) const noexcept {
        if (failure_ != error::none) return failure_;
        if (!connected_) return error::wrong_state;
        if (detail::export_keying_material(suite_.hash, exporter_secret_, label, context, out) != errc::ok)
            return error::buffer_too_small;
        return error::none;
    }

    // The verdict of a certificate_verifier that answered error::pending (event::verification_needed):
    // error::none to accept, or the error to fail the handshake with, and for a chain with a
    // stapled OCSP response what the response says. Then call receive() again.
    error complete_verification(error verdict, stapled_status status = stapled_status::unknown) noexcept {
        if (failure_ != error::none) return failure_;
        if (awaiting_ != awaiting::verification || verdict == error::pending) return error::wrong_state;
        verdict_ = verdict;
        verdict_status_ = status;
        awaiting_ = awaiting::nothing;
        return error::none;
    }

    // The signature a signer that answered `pending` made over event::signature_needed's data
    // (empty: the signer failed). Writes the rest of our flight.
    io_result complete_signature(byte_view signature, byte_span output) noexcept {
        if (failure_ != error::none) return failed_result();
        if (awaiting_ != awaiting::signature) return refused(error::wrong_state);
        const std::size_t needed = role().output_reserve() + small_record_reserve;
        if (output.size() < needed) return need_space(needed);
        flight out(output);
        awaiting_ = awaiting::nothing;
        const step s = signature.empty() ? step{error::internal_error} : role().resume_after_signature(signature, out);
        if (s.failure != error::none) return fail(s.failure, out, 0);
        if (!out.ok()) return fail(error::internal_error, out, 0);
        settle();
        return result(0, out.size(), s.what);
    }

    // Why the peer's chain was refused, when the verifier said.
    [[nodiscard]] std::string_view verify_detail() const noexcept { return verify_detail_; }

    // RFC 8449: the largest plaintext we send per record.
    [[nodiscard]] std::size_t max_send_fragment() const noexcept { return writer_.max_fragment(); }

    // For tests: moves the write key's sequence number next to its usage limit (§5.5).
    void set_write_sequence_for_testing(std::uint64_t n) noexcept { writer_.set_sequence_for_testing(n); }
    void set_read_sequence_for_testing(std::uint64_t n) noexcept { reader_.set_sequence_for_testing(n); }

protected:
    connection() noexcept = default;
    // The handshake storage (the role's part with it) is wiped by its own destructor.
    ~connection() { wipe_secrets(); }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    Role& role() noexcept { return static_cast<Role&>(*this); }
    const Role& role() const noexcept { return static_cast<const Role&>(*this); }
    // For the layers mixed in (certificate_exchange.hpp): which side we are.
    static constexpr bool client_role() noexcept { return Role::is_client; }

    // The role's handshake state: there from the start of a handshake until it is complete.
    RoleState& role_state() noexcept { return storage_.state().role; }
    const RoleState& role_state() const noexcept { return storage_.state().role; }
    // For the client's start(): the storage its ClientHello's state goes into.
    [[nodiscard]] bool begin_handshake() noexcept { return hold_storage(); }

    // --- results -------------------------------------------------------------------------
    static io_result result(std::size_t consumed, std::size_t produced, event what) noexcept {
        io_result r;
        r.consumed = consumed;
        r.produced = produced;
        r.what = what;
        return r;
    }
    static io_result need_space(std::size_t needed) noexcept {
        io_result r = result(0, 0, event::need_output_space);
        r.needed = needed;
        return r;
    }
    // API misuse: reported, nothing changed.
    static io_result refused(error e) noexcept {
        io_result r = result(0, 0, event::refused);
        r.failure = e;
        return r;
    }
    [[nodiscard]] io_result failed_result() const noexcept {
        io_result r = result(0, 0, event::fatal);
        r.failure = failure_;
        r.alert = failure_alert_;
        return r;
    }
    [[nodiscard]] bool has_failed() const noexcept { return failure_ != error::none; }
    [[nodiscard]] bool is_connected() const noexcept { return connected_; }
    [[nodiscard]] bool close_was_sent() const noexcept { return close_sent_; }

    // Application data (or, before the handshake completes, a client's early data) as records
    // under the current write key; see send().
    io_result seal_application_data(byte_view data, byte_span output) noexcept {
        const std::size_t chunk = writer_.max_fragment();
        const std::size_t first = std::min(chunk, data.size());
        const bool update_first = key_update_owed_ || writer_.near_limit();
        const std::size_t overhead = writer_.sealed_overhead();
        const std::size_t update_size = key_update_message_size + overhead;
        const std::size_t needed = (update_first ? update_size : 0) + (first == 0 ? 0 : first + overhead);
        if (output.size() < needed) return need_space(needed);
        flight out(output);
        if (update_first) send_key_update(out, false);
        std::size_t taken = 0;
        while (taken < data.size()) {
            const std::size_t n = std::min(chunk, data.size() - taken);
            const std::size_t update = writer_.near_limit() ? update_size : 0;
            if (out.room() < update + n + overhead) break;
            if (update != 0) send_key_update(out, false);
            std::memcpy(out.content_space().data(), data.data() + taken, n);
            out.commit(n);
            out.flush(writer_, content_type::application_data);
            taken += n;
        }
        return result(taken, out.size(), event::need_input);
    }

    // --- the suite and the transcript ------------------------------------------------------
    void choose_suite(const suite_info& suite) noexcept {
        suite_ = suite;
        hs().hashes.choose(suite.hash);
    }
    [[nodiscard]] const suite_info& suite() const noexcept { return suite_; }
    [[nodiscard]] digest transcript_hash() const noexcept {
        digest d;
        d.size = hs().hashes.current(d.bytes_);
        return d;
    }
    // The hash of `kind` over the transcript so far followed by `more` (a PSK binder's, §4.2.11.2).
    [[nodiscard]] digest transcript_hash_with(hash_kind kind, byte_view more) const noexcept {
        digest d;
        d.size = hs().hashes.current_with(kind, more, d.bytes_);
        return d;
    }
    // The one way a received message enters the transcript, once: the role calls it where the
    // protocol needs the message hashed (before deriving keys from it, after checking a Finished or
    // CertificateVerify over what came before it); receive() adds it after the role when the role
    // did not, except KeyUpdate and NewSessionTicket, which are not part of it.
    void add_to_transcript(const handshake_message& m) noexcept {
        if (incoming_in_transcript_ || m.whole.data() != incoming_.data()) return;
        hs().hashes.update(m.whole);
        incoming_in_transcript_ = true;
    }
    // §4.4.1: after a HelloRetryRequest the transcript begins with message_hash(ClientHello1).
    void restart_transcript_after_retry() noexcept { hs().hashes.replace_with_message_hash(); }

    // --- the key schedule ------------------------------------------------------------------
    // From the (EC)DHE secret, with the ServerHello in the transcript: the handshake traffic
    // secrets, installed in the direction each role uses (§7.1).
    // A client still sending early data keeps its early write key (`keep_write_key`) until the
    // server says whether it takes the data.
    void enter_handshake(byte_view shared_secret, byte_view psk = {}, bool keep_write_key = false) noexcept {
        hs().handshake = early_secret(suite_.hash, psk).to_handshake(shared_secret);
        const digest h = transcript_hash();
        hs().traffic = hs().handshake.traffic(h.view());
        log_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", hs().traffic.client);
        log_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", hs().traffic.server);
        install_read(Role::is_client ? hs().traffic.server : hs().traffic.client);
        // Our alerts are protected from here on too; the compatibility ChangeCipherSpec still
        // goes out in the clear.
        if (!keep_write_key) writer_.install(suite_, Role::is_client ? hs().traffic.client : hs().traffic.server);
    }
    // verify_data of the server's (or client's) Finished over the transcript so far (§4.4.4).
    [[nodiscard]] digest finished_data(bool server_finished) const noexcept {
        const digest h = transcript_hash();
        return finished_verify_data(suite_.hash, server_finished ? hs().traffic.server : hs().traffic.client,
                                    h.view());
    }
    // With the server Finished in the transcript: the application traffic secrets and the
    // exporter secret (§7.1). Installed later, each when its direction switches.
    void enter_application() noexcept {
        hs().master = std::move(hs().handshake).to_master();
        const digest h = transcript_hash();
        application_secrets app = hs().master.application(h.view());
        read_secret_ = Role::is_client ? app.server : app.client;
        write_secret_ = Role::is_client ? app.client : app.server;
        exporter_secret_ = app.exporter;
        log_traffic_secret(true, 0, app.client);
        log_traffic_secret(false, 0, app.server);
        log_secret("EXPORTER_SECRET", exporter_secret_);
    }
    void install_application_write() noexcept { writer_.install(suite_, write_secret_); }
    void install_application_read() noexcept { install_read(read_secret_); }
    // With the client Finished in the transcript: resumption_master_secret, the last secret of
    // the schedule; the handshake's secrets go.
    void finish_key_schedule() noexcept {
        const digest h = transcript_hash();
        resumption_secret_ = std::move(hs().master).to_resumption(h.view());
        hs().traffic.client.clear();
        hs().traffic.server.clear();
    }
    [[nodiscard]] const secret& resumption_secret() const noexcept { return resumption_secret_; }

#if !defined(CARAPACE_TLS_NO_PSK)
    // --- 0-RTT (§2.3, §7.1) ----------------------------------------------------------------
    // client_early_traffic_secret of `psk` over Hash(ClientHello), with the ClientHello the last
    // message of the transcript.
    secret early_traffic_secret(hash_kind kind, byte_view psk) noexcept {
        const digest h = transcript_hash_with(kind, {});
        secret s = early_secret(kind, psk).client_early_traffic(h.view());
        log_secret("CLIENT_EARLY_TRAFFIC_SECRET", s);
        return s;
    }
    // The client writes its early data under the early key (of the ticket's suite) ...
    void install_early_write(const suite_info& suite, const secret& early) noexcept { writer_.install(suite, early); }
    // ... and the server reads it under that key until EndOfEarlyData (§4.5).
    void install_early_read(const secret& early) noexcept { install_read(early); }
    // After EndOfEarlyData, or when the server declined the early data: the handshake key.
    void install_handshake_write() noexcept {
        writer_.install(suite_, Role::is_client ? hs().traffic.client : hs().traffic.server);
    }
    void install_handshake_read() noexcept { install_read(Role::is_client ? hs().traffic.server : hs().traffic.client); }
    // A client's second ClientHello goes in the clear again (§4.1.2): the early key goes.
    void drop_write_key() noexcept { writer_.clear(); }
#endif

    // --- the record layer ----------------------------------------------------------------
    void accept_change_cipher_spec(bool accept) noexcept { reader_.accept_change_cipher_spec(accept); }
    void skip_early_data(record_reader::early_data_skip mode) noexcept { reader_.skip_early_data(mode); }
    // RFC 8449 limits, in the inner-plaintext form (content plus type): ours, once the peer has
    // acknowledged it, and the peer's.
    void limit_received_records(std::size_t limit) noexcept { reader_.limit_inner_plaintext(limit); }
    void limit_sent_records(std::size_t limit) noexcept { writer_.limit_inner_plaintext(limit); }
    [[nodiscard]] const record_writer& outgoing() const noexcept { return writer_; }

    // Appends a handshake message (header included) built by `encode(writer&)` to the flight and
    // to the transcript.
    template <class Encode>
    void write_message(flight& out, handshake_type type, Encode&& encode) noexcept {
        const std::size_t n = encode_message(out, type, encode);
        if (n != 0) hs().hashes.update(out.committed(n));
    }
    // The same for a message that must be completed before it is hashed: `finish(byte_span
    // message)` may rewrite the encoded message in place (a ClientHello's PSK binders, §4.2.11.2).
    template <class Encode, class Finish>
    void write_message(flight& out, handshake_type type, Encode&& encode, Finish&& finish) noexcept {
        const std::size_t n = encode_message(out, type, encode);
        if (n == 0) return;
        const byte_span message = out.committed_for_update(n);
        if (!finish(message)) {
            out.fail();
            return;
        }
        hs().hashes.update(message);
    }
    // A post-handshake message that is not part of the transcript (NewSessionTicket, KeyUpdate).
    template <class Encode>
    void write_post_handshake_message(flight& out, handshake_type type, Encode&& encode) noexcept {
        encode_message(out, type, encode);
    }
    void flush(flight& out, std::uint16_t version = legacy_version_tls12) noexcept {
        out.flush(writer_, content_type::handshake, version);
    }

    // The middlebox-compatibility ChangeCipherSpec (§D.4), at most once per connection.
    void send_change_cipher_spec(flight& out) noexcept {
        if (change_cipher_spec_sent_) return;
        out.change_cipher_spec();
        change_cipher_spec_sent_ = true;
    }

    // For the roles' header checks: the one type a state expects.
    static constexpr error expect(handshake_type got, handshake_type wanted) noexcept {
        return got == wanted ? error::none : error::unexpected_message;
    }
    // After the handshake both roles take KeyUpdate (one byte); the client also NewSessionTicket.
    static constexpr error check_post_handshake_header(handshake_type type, std::size_t length) noexcept {
        if (Role::is_client && type == handshake_type::new_session_ticket) return error::none;
        if (const error e = expect(type, handshake_type::key_update); e != error::none) return e;
        return length == 1 ? error::none : error::decode_error;
    }
    // A Finished carries verify_data of the suite's hash size.
    [[nodiscard]] error check_finished_header(handshake_type type, std::size_t length) const noexcept {
        if (const error e = expect(type, handshake_type::finished); e != error::none) return e;
        return length == suite_.hash_size ? error::none : error::decode_error;
    }

    // Marks the handshake done: application data may flow; no more ChangeCipherSpec.
    void mark_connected() noexcept {
        connected_ = true;
        reader_.accept_change_cipher_spec(false);
    }


    // Our Finished (§4.4.4) over the transcript so far.
    void write_finished(flight& out, bool server_finished) noexcept {
        const digest verify_data = finished_data(server_finished);
        const codec::finished f{verify_data.view()};
        write_message(out, handshake_type::finished, [&](writer& w) { encode(w, f); });
    }
    // The peer's Finished, compared in constant time, then taken into the transcript.
    error check_finished(const handshake_message& m, bool server_finished) noexcept {
        codec::finished f;
        if (const error e = decode(m.body, f, suite_.hash_size); e != error::none) return e;
        const digest expected = finished_data(server_finished);
        if (!ct::equal(f.verify_data, expected.view())) return error::decrypt_error;
        add_to_transcript(m);
        return error::none;
    }

    // Post-handshake KeyUpdate (§4.6.3), the same for both roles.
    step receive_key_update(byte_view body) noexcept {
        codec::key_update k;
        if (const error e = decode(body, k); e != error::none) return {e};
        next_traffic_secret(suite_.hash, read_secret_);
        log_traffic_secret(!Role::is_client, ++read_generation_, read_secret_);
        install_read(read_secret_);  // the next record must use the new key
        // One answer for a run of requests, sent before our next application data (or at the
        // end of this receive() call), not one per message.
        if (k.update_requested && !close_sent_) key_update_owed_ = true;
        return {error::none, event::key_update};
    }

private:
    enum class awaiting : std::uint8_t { nothing, verification, signature };

    io_result receive_records(input_type input, byte_span output) noexcept {
        if (failure_ != error::none) return failed_result();
        if (peer_closed_) return result(0, 0, event::peer_closed);
        if (const auto waiting = awaiting_event(); waiting) return *waiting;
        // A handshake in progress (or about to begin) has its storage before anything changes.
        if (!connected_ && !hold_storage()) return refused(error::no_buffer);
        const std::size_t needed = role().output_reserve() + small_record_reserve;
        if (output.size() < needed) return need_space(needed);
        flight out(output);
        std::size_t consumed = 0;
        for (;;) {
            // Whole handshake messages first: a record may carry several.
            if (!reassembly_.empty()) {
                const auto next = reassembly_.next([&](handshake_type type, std::size_t length) {
                    return role().check_message_header(type, length);
                });
                if (next.failure != error::none) return fail(next.failure, out, consumed);
                if (next.ready) {
                    if (const auto r = handle_message(next.message, out, consumed); r) return *r;
                    continue;
                }
                // A message split across records waits in the handshake buffer: after the
                // handshake, storage is borrowed again for it.
                if (reassembly_.pending() && !reassembly_.attached()) {
                    if (!hold_storage()) return fail(error::no_buffer, out, consumed);
                    continue;
                }
            }
            // Then the next record.
            byte_span record;
            if (const error e = input_.next(input, consumed, reader_, record, reassembly_.pending()); e != error::none)
                return fail(e, out, consumed);
            if (record.empty()) return finish_receive(out, consumed);
            const opened_record rec = reader_.open(record);
            if (rec.failure != error::none) return fail(rec.failure, out, consumed);
            if (rec.dropped) continue;
            switch (rec.type) {
                case content_type::handshake:
                    reassembly_.add(rec.content);
                    // With lent buffers, during a handshake (when a message may wait for the
                    // caller) nothing is left in the caller's input.
                    if (Buffers == buffering::lent && storage_.held() && !reassembly_.absorb())
                        return fail(error::internal_error, out, consumed);
                    continue;
                case content_type::alert: {
                    const step s = receive_alert(rec.content, rec.was_protected);
                    if (s.failure != error::none) return fail(s.failure, out, consumed);
                    if (s.what != event::need_input) return result(consumed, out.size(), s.what);
                    continue;
                }
                default: {
                    // Not interleaved with a partial handshake message (§5.1), and only once the
                    // peer's application keys are in use, or a server's early keys (§4.2.10: no
                    // more than the early data it allowed).
                    if (reassembly_.partial()) return fail(error::unexpected_message, out, consumed);
                    const bool early = !role().accepts_application_data();
                    if (early) {
                        if (const error e = role().take_early_data(rec.content.size()); e != error::none)
                            return fail(e, out, consumed);
                    }
                    if (rec.content.empty()) continue;
                    io_result r = result(consumed, out.size(), early ? event::early_data : event::app_data);
                    r.data = rec.content;
                    return r;
                }
            }
        }
    }

    // The handshake storage, borrowed when not held; reassembly works in it.
    bool hold_storage() noexcept {
        if (storage_.held()) return true;
        if (!storage_.acquire(role().buffer_source())) return false;
        reassembly_.attach(storage_.buffer(), storage::message_limit);
        return true;
    }
    // Gives the storage back once nothing of a handshake is in flight.
    void settle() noexcept {
        if (!storage_.held() || !connected_ || !reassembly_.empty() || awaiting_ != awaiting::nothing) return;
        let_go_of_storage();
    }
    void let_go_of_storage() noexcept {
        reassembly_.wipe();
        reassembly_.detach();
        storage_.release();
    }


    template <class Encode>
    static std::size_t encode_message(flight& out, handshake_type type, Encode& encode) noexcept {
        writer w(out.content_space());
        w.u8(static_cast<std::uint8_t>(type));
        const std::size_t length_at = w.open<3>();
        encode(w);
        w.close<3>(length_at);
        if (!w.ok()) {
            out.fail();
            return 0;
        }
        out.commit(w.size());
        return w.size();
    }

    [[nodiscard]] std::optional<io_result> awaiting_event() const noexcept {
        if (awaiting_ == awaiting::signature) {
            io_result r = result(0, 0, event::signature_needed);
            r.data = byte_view(hs().signed_content).first(hs().signed_size);
            return r;
        }
        if (awaiting_ == awaiting::verification) return result(0, 0, event::verification_needed);
        return std::nullopt;
    }

    // One whole message to the role; a result to return, or nothing to carry on.
    std::optional<io_result> handle_message(const handshake_message& m, flight& out, std::size_t consumed) noexcept {
        incoming_ = m.whole;
        incoming_in_transcript_ = false;
        const std::uint64_t keys_before = read_installs_;
        const step s = role().on_handshake_message(m, out);
        if (s.what == event::verification_needed && s.failure == error::none) {
            // The message stays buffered and is handled again once the verdict is in.
            awaiting_ = awaiting::verification;
            return result(consumed, out.size(), s.what);
        }
        verdict_.reset();
        if (s.failure != error::none) return fail(s.failure, out, consumed);
        if (!out.ok()) return fail(error::internal_error, out, consumed);
        const bool in_transcript =
            m.type != handshake_type::key_update && m.type != handshake_type::new_session_ticket;
        if (in_transcript && !incoming_in_transcript_) hs().hashes.update(m.whole);
        incoming_ = {};
        reassembly_.pop(m);
        // §5.1: a handshake message may not straddle a change of the read key.
        if (read_installs_ != keys_before && !reassembly_.empty()) return fail(error::unexpected_message, out, consumed);
        if (s.what == event::signature_needed) {
            awaiting_ = awaiting::signature;
            io_result r = result(consumed, out.size(), s.what);
            r.data = byte_view(hs().signed_content).first(hs().signed_size);
            return r;
        }
        if (s.what != event::need_input) return result(consumed, out.size(), s.what);
        return std::nullopt;
    }

    // The end of a receive() call with all input used: an owed KeyUpdate answer goes out now, and
    // the last record's plaintext goes.
    io_result finish_receive(flight& out, std::size_t consumed) noexcept {
        input_.scrub(reassembly_.pending());
        if (key_update_owed_ && connected_ && !close_sent_) send_key_update(out, false);
        if (!out.ok()) return fail(error::internal_error, out, consumed);
        return result(consumed, out.size(), event::need_input);
    }

    // Records the failure (sticky), sends its alert after whatever was already sealed, and wipes
    // the keys.
    io_result fail(error e, flight& out, std::size_t consumed) noexcept {
        failure_ = e;
        if (e == error::peer_alert) {
            failure_alert_ = peer_alert_;
        } else {
            failure_alert_ = alert_for(e);
            out.drop_run();
            const std::uint8_t alert[2] = {static_cast<std::uint8_t>(alert_level::fatal),
                                           static_cast<std::uint8_t>(failure_alert_)};
            out.record(writer_, content_type::alert, alert);
        }
        wipe_secrets();
        io_result r = result(consumed, out.size(), event::fatal);
        r.failure = e;
        r.alert = failure_alert_;
        return r;
    }

    // Keys, secrets, the handshake storage and any received plaintext we hold.
    void wipe_secrets() noexcept {
        reader_.clear();
        writer_.clear();
        read_secret_.clear();
        write_secret_.clear();
        exporter_secret_.clear();
        resumption_secret_.clear();
        let_go_of_storage();
        input_.wipe();
    }

    shared_handshake_state& hs() noexcept { return storage_.state().shared; }
    const shared_handshake_state& hs() const noexcept { return storage_.state().shared; }

    void install_read(const secret& traffic) noexcept {
        reader_.install(suite_, traffic);
        ++read_installs_;
    }

    // Hands a secret to the configured key log (debugging only).
    void log_secret(std::string_view label, const secret& s) noexcept {
        if (tls::key_log* log = role().key_log(); log != nullptr) log->log(label, role().client_random(), s.view());
    }
    // CLIENT_TRAFFIC_SECRET_N or SERVER_TRAFFIC_SECRET_N, N the number of KeyUpdates before it.
    void log_traffic_secret(bool client_secret, std::uint32_t generation, const secret& s) noexcept {
        if (role().key_log() == nullptr) return;
        char label[48] = {};
        const std::string_view prefix = client_secret ? "CLIENT_TRAFFIC_SECRET_" : "SERVER_TRAFFIC_SECRET_";
        std::size_t n = 0;
        for (const char c : prefix) label[n++] = c;
        char digits[20] = {};
        std::size_t count = 0;
        do {
            digits[count++] = static_cast<char>('0' + generation % 10);
            generation /= 10;
        } while (generation != 0);
        while (count > 0) label[n++] = digits[--count];
        log_secret(std::string_view(label, n), s);
    }

    void send_key_update(flight& out, bool request) noexcept {
        const codec::key_update k{request};
        write_post_handshake_message(out, handshake_type::key_update, [&](writer& w) { encode(w, k); });
        out.flush(writer_, content_type::handshake);
        if (!out.ok()) return;
        next_traffic_secret(suite_.hash, write_secret_);
        log_traffic_secret(Role::is_client, ++write_generation_, write_secret_);
        writer_.install(suite_, write_secret_);
        key_update_owed_ = false;
    }

    // Alerts (§6): closure alerts end the connection cleanly only once it is established.
    step receive_alert(byte_view body, bool was_protected) noexcept {
        if (reassembly_.partial()) return {error::unexpected_message};
        if (body.size() != 2) return {error::decode_error};
        const auto description = static_cast<alert_description>(body[1]);
        const bool closure =
            description == alert_description::close_notify || description == alert_description::user_canceled;
        if (!was_protected && reader_.is_protected()) {
            // Only a peer failing before it has our keys sends its alert in the clear; a closure
            // alert, or anything once the handshake is done, must be protected.
            if (closure || connected_) return {error::unexpected_message};
            peer_alert_ = description;
            return {error::peer_alert};
        }
        if (description == alert_description::user_canceled && was_protected) return {};  // close_notify follows
        if (description == alert_description::close_notify && connected_) {
            peer_closed_ = true;
            return {error::none, event::peer_closed};
        }
        // Any other alert, and a closure before the handshake completed, is the end: the
        // handshake did not succeed.
        peer_alert_ = description;
        return {error::peer_alert};
    }

    record_reader reader_{};
    record_writer writer_{};
    handshake_reassembly reassembly_{};
    suite_info suite_{all_suites[0]};
    secret read_secret_{}, write_secret_{}, exporter_secret_{}, resumption_secret_{};
    // KeyUpdates so far, for the key log (32 bits: a small target then needs no 64-bit division;
    // past 2^32 updates a debugging label wraps, nothing else).
    std::uint32_t read_generation_ = 0, write_generation_ = 0;
    std::uint64_t read_installs_ = 0;                           // read keys installed so far
    std::string_view verify_detail_{};
    byte_view incoming_{};  // the received message being handled (post-handshake ones too)
    bool incoming_in_transcript_ = false;
    std::optional<error> verdict_{};  // a pending verifier's, once the caller completed it
    stapled_status verdict_status_ = stapled_status::none;
    awaiting awaiting_ = awaiting::nothing;
    bool connected_ = false;
    bool close_sent_ = false;
    bool change_cipher_spec_sent_ = false;
    bool peer_closed_ = false;
    bool key_update_owed_ = false;
    error failure_ = error::none;
    alert_description failure_alert_ = alert_description::close_notify;
    alert_description peer_alert_ = alert_description::close_notify;
    [[no_unique_address]] record_input<Buffers> input_{};
    storage storage_{};
};

}  // namespace carapace::tls::detail
