// What a client and a server share: the record layer (§5) and handshake message reassembly, the
// application-data phase, alerts, KeyUpdate and exporters. The role (CRTP `Role`) handles each
// complete handshake message and says how much output room its next step may need.
//
// Input: bytes are copied into one record buffer until a whole record is there, so any split of
// the input works; a protected record is decrypted in place, and its handshake bytes are moved
// into the reassembly buffer, where messages are taken one at a time.
// Output: the caller's buffer only. Handshake messages are written into it as one plaintext run
// and then cut into records no larger than the peer allows, each sealed in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/detail/key_schedule.hpp"
#include "carapace/tls/detail/messages.hpp"
#include "carapace/tls/detail/record_cipher.hpp"
#include "carapace/tls/detail/transcript.hpp"
#include "carapace/tls/detail/wire.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/events.hpp"
#include "carapace/tls/interfaces.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/x509/certificate.hpp"

namespace carapace::tls::detail {

// Overhead of one protected record: header, inner content type, tag.
inline constexpr std::size_t protected_overhead = record_header_size + 1 + aead_tag_size;
// Room always kept for an alert or a KeyUpdate record.
inline constexpr std::size_t small_record_reserve = 64;

// Builds outgoing records in the caller's buffer. Handshake messages are appended to an open
// plaintext run (written where its first record's content will go); flush() cuts the run into
// records and seals them with the write cipher.
class flight {
public:
    explicit flight(byte_span out) noexcept : out_(out) {}

    [[nodiscard]] std::size_t size() const noexcept { return pos_; }
    [[nodiscard]] bool ok() const noexcept { return ok_; }

    // Where the next message is written; commit() adds what was written to the run.
    [[nodiscard]] byte_span message_space() noexcept {
        const std::size_t at = pos_ + record_header_size + run_;
        if (at >= out_.size()) return {};
        return out_.subspan(at);
    }
    [[nodiscard]] byte_view committed_message(std::size_t n) const noexcept {
        return byte_view(out_).subspan(pos_ + record_header_size + run_ - n, n);
    }
    void commit(std::size_t n) noexcept { run_ += n; }
    void fail() noexcept { ok_ = false; }
    void drop_run() noexcept { run_ = 0; }

    // Cuts the run into records of at most `limit` content bytes: plaintext records of `type` and
    // `version` when the cipher is inactive, else protected records of inner type `type`.
    void flush(record_cipher& cipher, std::size_t limit, content_type type,
               std::uint16_t version = legacy_version_tls12) noexcept {
        if (run_ == 0 || !ok_) return;
        const bool protect = cipher.active();
        const std::size_t overhead = protect ? protected_overhead : record_header_size;
        const std::size_t chunk = protect ? limit - 1 : limit;
        const std::size_t records = (run_ + chunk - 1) / chunk;
        if (out_.size() - pos_ < run_ + records * overhead) {
            ok_ = false;
            return;
        }
        // Move the chunks to their final places, last first so nothing is overwritten.
        for (std::size_t i = records; i-- > 1;) {
            const std::size_t n = i + 1 == records ? run_ - i * chunk : chunk;
            std::memmove(out_.data() + pos_ + i * (chunk + overhead) + record_header_size,
                         out_.data() + pos_ + record_header_size + i * chunk, n);
        }
        for (std::size_t i = 0; i < records; ++i) {
            const std::size_t n = i + 1 == records ? run_ - i * chunk : chunk;
            const byte_span rec = out_.subspan(pos_);
            if (protect) {
                rec[record_header_size + n] = static_cast<std::uint8_t>(type);
                pos_ += cipher.seal(rec, n + 1);
            } else {
                rec[0] = static_cast<std::uint8_t>(type);
                rec[1] = static_cast<std::uint8_t>(version >> 8);
                rec[2] = static_cast<std::uint8_t>(version);
                rec[3] = static_cast<std::uint8_t>(n >> 8);
                rec[4] = static_cast<std::uint8_t>(n);
                pos_ += record_header_size + n;
            }
        }
        run_ = 0;
    }

    // One record holding `content` (e.g. an alert), protected when the cipher is active.
    void record(record_cipher& cipher, content_type type, byte_view content) noexcept {
        const byte_span space = message_space();
        if (run_ != 0 || space.size() < content.size()) {
            ok_ = false;
            return;
        }
        std::memcpy(space.data(), content.data(), content.size());
        commit(content.size());
        flush(cipher, max_plaintext_size, type);
    }

    // The middlebox-compatibility ChangeCipherSpec (§D.4): always a plaintext record.
    void change_cipher_spec() noexcept {
        record_cipher none;
        const std::uint8_t ccs[1] = {1};
        record(none, content_type::change_cipher_spec, ccs);
    }

private:
    byte_span out_;
    std::size_t pos_ = 0;
    std::size_t run_ = 0;
    bool ok_ = true;
};

// What handling one handshake message led to.
struct step {
    error failure = error::none;
    event what = event::need_input;  // need_input: nothing to report, carry on
};

template <class Role, std::size_t HandshakeBufferSize>
class connection {
public:
    static constexpr std::size_t handshake_buffer_size = HandshakeBufferSize;
    static constexpr std::size_t record_buffer_size = max_record_size;

    [[nodiscard]] bool handshake_complete() const noexcept { return connected_; }
    [[nodiscard]] bool failed() const noexcept { return failure_ != error::none; }
    [[nodiscard]] cipher_suite negotiated_suite() const noexcept { return suite_.id; }

    // Takes received bytes; writes anything that must be sent. Call again (with the rest of the
    // input, or none) until it reports need_input.
    io_result receive(byte_view input, byte_span output) noexcept {
        if (failure_ != error::none) return failed_result();
        if (peer_closed_) return result(0, 0, event::peer_closed);
        const std::size_t needed = role().output_reserve() + small_record_reserve;
        if (output.size() < needed) {
            io_result r = result(0, 0, event::need_output_space);
            r.needed = needed;
            return r;
        }
        flight out(output);
        std::size_t consumed = 0;
        for (;;) {
            // Complete handshake messages first: a record may carry several.
            bool handled = false;
            if (const auto s = next_handshake_message(out, handled); s.failure != error::none)
                return fail(s.failure, out, consumed);
            else if (s.what != event::need_input)
                return result(consumed, out.size(), s.what);
            if (handled || pending_size_ != 0) continue;  // more messages, or more of the record

            // Then the next record.
            const error e = read_record(input, consumed);
            if (e != error::none) return fail(e, out, consumed);
            if (record_fill_ < record_header_size || record_fill_ < record_header_size + record_length())
                return result(consumed, out.size(), event::need_input);
            const auto r = process_record();
            record_fill_ = 0;
            if (r.failure != error::none) return fail(r.failure, out, consumed);
            if (r.what == event::app_data) {
                io_result res = result(consumed, out.size(), event::app_data);
                res.data = app_data_;
                return res;
            }
            if (r.what != event::need_input) return result(consumed, out.size(), r.what);
        }
    }

    // Encrypts application data into records. Takes as much as fits and says how much it took; an
    // output buffer that cannot hold one record of it is need_output_space.
    io_result send(byte_view data, byte_span output) noexcept {
        if (failure_ != error::none) return failed_result();
        if (!connected_ || !write_.active()) return misuse(error::wrong_state);
        if (close_sent_) return misuse(error::closed);
        flight out(output);
        std::size_t taken = 0;
        const std::size_t chunk = send_limit() - 1;
        while (taken < data.size()) {
            if (write_.near_limit()) {
                send_key_update(out, false);
                if (!out.ok()) break;
            }
            const std::size_t n = std::min(chunk, data.size() - taken);
            const byte_span space = out.message_space();
            if (space.size() < n + 1 + aead_tag_size) break;
            std::memcpy(space.data(), data.data() + taken, n);
            out.commit(n);
            out.flush(write_, send_limit(), content_type::application_data);
            taken += n;
        }
        if (taken == 0 && !data.empty()) {
            io_result r = result(0, 0, event::need_output_space);
            r.needed = std::min(chunk, data.size()) + protected_overhead;
            return r;
        }
        return result(taken, out.size(), event::need_input);
    }

    // Sends close_notify. Received data may still be read until the peer closes too.
    io_result close(byte_span output) noexcept {
        if (failure_ != error::none) return failed_result();
        if (close_sent_) return misuse(error::closed);
        if (output.size() < small_record_reserve) return need_space(small_record_reserve);
        flight out(output);
        const std::uint8_t alert[2] = {static_cast<std::uint8_t>(alert_level::warning),
                                       static_cast<std::uint8_t>(alert_description::close_notify)};
        out.record(write_, content_type::alert, alert);
        close_sent_ = true;
        return result(0, out.size(), event::need_input);
    }

    // Sends KeyUpdate(update_requested) and moves our sending keys forward (§4.6.3).
    io_result request_key_update(byte_span output) noexcept {
        if (failure_ != error::none) return failed_result();
        if (!connected_) return misuse(error::wrong_state);
        if (close_sent_) return misuse(error::closed);
        if (output.size() < small_record_reserve) return need_space(small_record_reserve);
        flight out(output);
        send_key_update(out, true);
        return result(0, out.size(), event::need_input);
    }

    // RFC 8446 §7.5 exporter; available once the handshake is complete.
    [[nodiscard]] error export_keying_material(byte_view label, byte_view context, byte_span out) const noexcept {
        if (!connected_) return error::wrong_state;
        if (export_keying_material_impl(label, context, out) != errc::ok) return error::buffer_too_small;
        return error::none;
    }

    // Why the peer's chain was refused, when the verifier said.
    [[nodiscard]] std::string_view verify_detail() const noexcept { return verify_detail_; }

    // Largest SubjectPublicKeyInfo of a peer leaf we keep to check its CertificateVerify.
    static constexpr std::size_t max_peer_key_size = 1024;

    // RFC 8449: the largest plaintext we send per record (the peer's limit, less the content type).
    [[nodiscard]] std::size_t max_send_fragment() const noexcept { return send_limit() - 1; }

protected:
    connection() noexcept = default;
    ~connection() { wipe_secrets(); }

    Role& role() noexcept { return static_cast<Role&>(*this); }

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
    static io_result misuse(error e) noexcept {
        io_result r = result(0, 0, event::fatal);
        r.failure = e;
        return r;
    }
    io_result failed_result() const noexcept {
        io_result r = result(0, 0, event::fatal);
        r.failure = failure_;
        r.alert = failure_alert_;
        return r;
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
            out.record(write_, content_type::alert, alert);
        }
        wipe_secrets();
        io_result r = result(consumed, out.size(), event::fatal);
        r.failure = e;
        r.alert = failure_alert_;
        return r;
    }

    void wipe_secrets() noexcept {
        read_.clear();
        write_.clear();
        read_secret_.clear();
        write_secret_.clear();
        exporter_secret_.clear();
        resumption_secret_.clear();
        schedule_.wipe();
    }

    // Appends a handshake message (header included) built by `encode(writer&)` to the flight
    // and to the transcript.
    template <class Encode>
    void add_message(flight& out, handshake_type type, Encode&& encode) noexcept {
        const byte_span space = out.message_space();
        writer w(space);
        w.u8(static_cast<std::uint8_t>(type));
        const std::size_t length_at = w.open<3>();
        encode(w);
        w.close<3>(length_at);
        if (!w.ok()) {
            out.fail();
            return;
        }
        out.commit(w.size());
        transcript_.update(out.committed_message(w.size()));
    }

    // Installs the next read key; a handshake message may not straddle the change (§5.1).
    void install_read(const secret& traffic) noexcept {
        read_.install(suite_, traffic);
        read_secret_ = traffic;
        read_key_changed_ = true;
    }
    void install_write(const secret& traffic) noexcept {
        write_.install(suite_, traffic);
        write_secret_ = traffic;
    }
    [[nodiscard]] bool handshake_data_buffered() const noexcept { return hs_fill_ != 0 || pending_size_ != 0; }

    // The current transcript hash.
    struct digest {
        bytes<max_hash_size> bytes_{};
        std::size_t size = 0;
        [[nodiscard]] byte_view view() const noexcept { return byte_view(bytes_).first(size); }
    };
    [[nodiscard]] digest transcript_hash() const noexcept {
        digest d;
        d.size = transcript_.current(d.bytes_);
        return d;
    }

    // Finished verify_data for a base secret over the current transcript.
    [[nodiscard]] digest finished_for(const secret& base) const noexcept {
        const digest h = transcript_hash();
        digest d;
        d.size = finished_verify_data(suite_.hash, base, h.view(), d.bytes_);
        return d;
    }

    // Derives the application traffic secrets and the exporter secret once the server Finished is
    // in the transcript.
    [[nodiscard]] bool derive_application_secrets(secret& client_app, secret& server_app) noexcept {
        if (schedule_.to_master() != errc::ok) return false;
        const digest h = transcript_hash();
        const bool derived =
            schedule_.derive(key_schedule::stage::master, literal_bytes("c ap traffic"), h.view(), client_app) ==
                errc::ok &&
            schedule_.derive(key_schedule::stage::master, literal_bytes("s ap traffic"), h.view(), server_app) ==
                errc::ok &&
            schedule_.derive(key_schedule::stage::master, literal_bytes("exp master"), h.view(), exporter_secret_) ==
                errc::ok;
        if (derived) {
            log_traffic_secret(true, 0, client_app);
            log_traffic_secret(false, 0, server_app);
            log_secret("EXPORTER_SECRET", exporter_secret_);
        }
        return derived;
    }

    // Hands a secret to the configured key log (debugging only).
    void log_secret(std::string_view label, const secret& s) noexcept {
        if (tls::key_log* log = role().config_.key_log; log != nullptr) log->log(label, role().client_random(), s.view());
    }

    // CLIENT_TRAFFIC_SECRET_N or SERVER_TRAFFIC_SECRET_N, N the number of KeyUpdates before it.
    void log_traffic_secret(bool client_secret, std::uint64_t generation, const secret& s) noexcept {
        if (role().config_.key_log == nullptr) return;
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

    // resumption_master_secret, once the client Finished is in the transcript (§7.1). The key
    // schedule has done its work then and is wiped.
    void derive_resumption_secret() noexcept {
        const digest h = transcript_hash();
        (void)schedule_.derive(key_schedule::stage::master, literal_bytes("res master"), h.view(), resumption_secret_);
        schedule_.wipe();
    }

    // The peer's non-empty Certificate (§4.4.2): keeps the leaf's key for CertificateVerify and,
    // when `check_chain`, has the verifier judge the chain.
    error accept_certificate(const certificate_message& cm, certificate_verifier& verifier, std::string_view host,
                             bool peer_is_server, tls::clock* clock, bool check_chain) noexcept {
        const auto leaf = x509::parse_certificate(cm.chain[0]);
        if (!leaf) return error::bad_certificate;
        const byte_view spki = leaf->public_key.encoded;
        if (spki.size() > peer_key_.size()) return error::unsupported_certificate;
        std::copy(spki.begin(), spki.end(), peer_key_.begin());
        peer_key_size_ = spki.size();
        if (!check_chain) return error::none;
        const auto now = clock != nullptr ? clock->now() : std::nullopt;
        return verifier.verify_chain(std::span<const byte_view>(cm.chain.data(), cm.chain_length), host,
                                     peer_is_server, now, verify_detail_);
    }

    // The peer's CertificateVerify (§4.4.3) over the transcript so far, with a scheme we offered.
    error check_certificate_verify(byte_view body, certificate_verifier& verifier, bool peer_is_server) const noexcept {
        certificate_verify cv;
        if (const error e = decode_certificate_verify(body, cv); e != error::none) return e;
        bool advertised = false;
        for (const signature_scheme s : verifier.schemes())
            advertised = advertised || static_cast<std::uint16_t>(s) == cv.scheme;
        if (!advertised) return error::illegal_parameter;
        const digest h = transcript_hash();
        bytes<max_signed_content> content{};
        const std::size_t n = certificate_verify_content(peer_is_server, h.view(), content);
        return verifier.verify_signature(byte_view(peer_key_).first(peer_key_size_),
                                         static_cast<signature_scheme>(cv.scheme), byte_view(content).first(n),
                                         cv.signature);
    }

    // Our Certificate (empty context, as during the handshake) with `chain`, possibly empty.
    void add_certificate(flight& out, std::span<const byte_view> chain) noexcept {
        add_message(out, handshake_type::certificate, [&](writer& w) {
            w.u8(0);
            const auto list = w.open<3>();
            for (const auto c : chain) {
                w.vector<3>(c);
                w.u16(0);
            }
            w.close<3>(list);
        });
    }

    // Our CertificateVerify over the transcript so far; false when the signer fails.
    bool add_certificate_verify(flight& out, signer& key, signature_scheme scheme, bool we_are_server) noexcept {
        const digest h = transcript_hash();
        bytes<max_signed_content> content{};
        const std::size_t n = certificate_verify_content(we_are_server, h.view(), content);
        bool signed_ok = false;
        add_message(out, handshake_type::certificate_verify, [&](writer& w) {
            w.u16(static_cast<std::uint16_t>(scheme));
            const auto at = w.open<2>();
            const byte_span room = w.reserve(key.max_signature_size(scheme));
            if (room.empty()) return;
            const std::size_t size = key.sign(scheme, byte_view(content).first(n), room);
            signed_ok = size != 0;
            w.unreserve(room.size() - size);
            w.close<2>(at);
        });
        return signed_ok;
    }

    // The largest signature a signer may make (0 without one), for sizing our flight.
    static std::size_t largest_signature(const signer* key) noexcept {
        std::size_t n = 0;
        if (key != nullptr)
            for (const auto s : key->schemes()) n = std::max(n, key->max_signature_size(s));
        return n;
    }

    // Post-handshake messages both roles handle: KeyUpdate; the client also takes tickets.
    step post_handshake_message(handshake_type type, byte_view body, flight& out) noexcept {
        if (type != handshake_type::key_update) return {error::unexpected_message};
        bool update_requested = false;
        if (const error e = decode_key_update(body, update_requested); e != error::none) return {e};
        next_traffic_secret(suite_.hash, read_secret_);
        log_traffic_secret(!Role::is_client, ++read_generation_, read_secret_);
        read_.install(suite_, read_secret_);
        read_key_changed_ = true;  // the next record must use the new key (§4.6.3)
        if (update_requested && !close_sent_) send_key_update(out, false);
        if (!out.ok()) return {error::internal_error};
        return {error::none, event::key_update};
    }

    void send_key_update(flight& out, bool request) noexcept {
        add_key_update(out, request);
        out.flush(write_, send_limit(), content_type::handshake);
        next_traffic_secret(suite_.hash, write_secret_);
        log_traffic_secret(Role::is_client, ++write_generation_, write_secret_);
        write_.install(suite_, write_secret_);
    }

    void add_key_update(flight& out, bool request) noexcept {
        // KeyUpdate is not part of the transcript: write it by hand.
        const byte_span space = out.message_space();
        if (space.size() < 5) {
            out.fail();
            return;
        }
        space[0] = static_cast<std::uint8_t>(handshake_type::key_update);
        space[1] = 0;
        space[2] = 0;
        space[3] = 1;
        space[4] = request ? 1 : 0;
        out.commit(5);
    }

    [[nodiscard]] std::size_t send_limit() const noexcept { return peer_record_limit_; }

    [[nodiscard]] errc export_keying_material_impl(byte_view label, byte_view context, byte_span out) const noexcept {
        return detail::export_keying_material(suite_.hash, exporter_secret_, label, context, out);
    }

    transcript transcript_{};
    key_schedule schedule_{};
    suite_info suite_{all_suites[0]};
    record_cipher read_{};
    record_cipher write_{};
    secret read_secret_{}, write_secret_{}, exporter_secret_{}, resumption_secret_{};
    std::uint64_t read_generation_ = 0, write_generation_ = 0;  // KeyUpdates so far, for the key log
    std::size_t peer_record_limit_ = max_plaintext_size + 1;  // RFC 8449 form: content + type byte
    std::size_t own_record_limit_ = max_plaintext_size + 1;
    bytes<max_peer_key_size> peer_key_{};
    std::size_t peer_key_size_ = 0;
    std::string_view verify_detail_{};
    bool connected_ = false;
    bool accept_change_cipher_spec_ = false;  // §5: between the first ClientHello and the peer's Finished
    bool close_sent_ = false;
    bool peer_closed_ = false;
    error failure_ = error::none;
    alert_description failure_alert_ = alert_description::close_notify;
    alert_description peer_alert_ = alert_description::close_notify;

private:
    [[nodiscard]] std::size_t record_length() const noexcept {
        return static_cast<std::size_t>(record_[3]) << 8 | record_[4];
    }

    // Copies input into the record buffer until a whole record (header and body) is there.
    error read_record(byte_view input, std::size_t& consumed) noexcept {
        auto take = [&](std::size_t want) {
            const std::size_t n = std::min(want, input.size() - consumed);
            std::memcpy(record_.data() + record_fill_, input.data() + consumed, n);
            record_fill_ += n;
            consumed += n;
        };
        if (record_fill_ < record_header_size) {
            take(record_header_size - record_fill_);
            if (record_fill_ < record_header_size) return error::none;
            const auto type = static_cast<content_type>(record_[0]);
            const std::size_t length = record_length();
            const bool known = type == content_type::handshake || type == content_type::alert ||
                               type == content_type::application_data || type == content_type::change_cipher_spec;
            if (!known) return error::unexpected_message;
            // legacy_record_version is ignored (§5.1), but a first byte other than 3 is not TLS.
            if (record_[1] != 0x03) return error::decode_error;
            const bool protect = read_.active() && type == content_type::application_data;
            if (length > (protect ? max_ciphertext_size : max_plaintext_size)) return error::record_overflow;
            if (length == 0 && type != content_type::application_data) return error::decode_error;
        }
        take(record_header_size + record_length() - record_fill_);
        return error::none;
    }

    step process_record() noexcept {
        auto type = static_cast<content_type>(record_[0]);
        const std::size_t length = record_length();
        byte_span body = byte_span(record_).subspan(record_header_size, length);
        if (type == content_type::change_cipher_spec) {
            // §5: a single 0x01 byte, dropped, only while the handshake is under way.
            if (!accept_change_cipher_spec_ || length != 1 || body[0] != 1) return {error::unexpected_message};
            return {};
        }
        if (read_.active()) {
            // A peer that gives up before it has switched to its handshake keys sends its alert in
            // the clear (OpenSSL's client does when it refuses our certificate). Like the
            // ChangeCipherSpec record, it is taken only while the handshake is under way.
            if (type == content_type::alert && accept_change_cipher_spec_ && length == 2) return receive_alert(body);
            if (type != content_type::application_data) return {error::unexpected_message};
            const byte_view header = byte_view(record_).first(record_header_size);
            if (read_.open(header, body) != errc::ok) return {error::bad_record_mac};
            const inner_plaintext inner = parse_inner_plaintext(body.first(length - aead_tag_size));
            if (inner.type == content_type::invalid) return {error::unexpected_message};
            type = inner.type;
            body = body.first(inner.content_size);
            if (body.size() + 1 > own_record_limit_) return {error::record_overflow};
        } else if (type == content_type::application_data) {
            return {error::unexpected_message};
        }
        switch (type) {
            case content_type::handshake:
                if (body.empty()) return {error::unexpected_message};
                pending_offset_ = static_cast<std::size_t>(body.data() - record_.data());
                pending_size_ = body.size();
                return {};
            case content_type::alert: return receive_alert(body);
            case content_type::application_data:
                // Not interleaved with a partial handshake message (§5.1), and only once the
                // peer's application keys are in use.
                if (hs_fill_ != 0 || !role().accepts_application_data()) return {error::unexpected_message};
                app_data_ = body;
                return {error::none, event::app_data};
            default: return {error::unexpected_message};
        }
    }

    step receive_alert(byte_view body) noexcept {
        if (body.size() != 2 || hs_fill_ != 0) return {body.size() != 2 ? error::decode_error : error::unexpected_message};
        const auto description = static_cast<alert_description>(body[1]);
        if (description == alert_description::close_notify) {
            peer_closed_ = true;
            return {error::none, event::peer_closed};
        }
        // §6: user_canceled is followed by close_notify; every other alert ends the connection.
        if (description == alert_description::user_canceled) return {};
        peer_alert_ = description;
        return {error::peer_alert};
    }

    // Moves pending handshake bytes into the reassembly buffer and handles the first complete
    // message there.
    step next_handshake_message(flight& out, bool& handled) noexcept {
        if (pending_size_ != 0) {
            const std::size_t n = std::min(pending_size_, HandshakeBufferSize - hs_fill_);
            std::memcpy(hs_.data() + hs_fill_, record_.data() + pending_offset_, n);
            hs_fill_ += n;
            pending_offset_ += n;
            pending_size_ -= n;
        }
        if (hs_fill_ < 4) return {};
        const std::size_t length = static_cast<std::size_t>(hs_[1]) << 16 | static_cast<std::size_t>(hs_[2]) << 8 | hs_[3];
        if (4 + length > HandshakeBufferSize) return {error::handshake_failure};
        if (hs_fill_ < 4 + length) return {};
        const auto type = static_cast<handshake_type>(hs_[0]);
        const byte_view message = byte_view(hs_).first(4 + length);
        const step s = role().on_handshake_message(type, message, out);
        handled = true;
        if (!out.ok() && s.failure == error::none) return {error::internal_error};
        // Drop the message; keep what follows it.
        std::memmove(hs_.data(), hs_.data() + 4 + length, hs_fill_ - 4 - length);
        hs_fill_ -= 4 + length;
        if (s.failure == error::none && read_key_changed_ && handshake_data_buffered())
            return {error::unexpected_message};
        read_key_changed_ = false;
        return s;
    }

    bytes<max_record_size> record_{};
    bytes<HandshakeBufferSize> hs_{};
    std::size_t record_fill_ = 0;
    std::size_t hs_fill_ = 0;
    std::size_t pending_offset_ = 0, pending_size_ = 0;
    byte_view app_data_{};
    bool read_key_changed_ = false;
};

}  // namespace carapace::tls::detail
