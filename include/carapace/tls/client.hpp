// The TLS 1.3 client engine (RFC 8446), sans I/O: start() writes the ClientHello; receive() takes
// the server's bytes and writes our answers; send(), close(), request_key_update() and
// export_keying_material() work once the handshake is complete. No heap: everything lives in the
// object, whose size is fixed at compile time (the handshake buffer holds the largest handshake
// message we accept, 16 KiB by default).
//
//   tls::client c(config);
//   auto r = c.start(out);                     // send out[0, r.produced)
//   r = c.receive(received, out);              // send what it produced; react to r.what
//
// tls::lent_client borrows its handshake storage from config.buffers (a buffer_pool) and opens
// records in the caller's input (see buffering in interfaces.hpp): once connected it keeps only
// keys and secrets. It keeps a reference to its config, which must outlive it.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "carapace/core/ct.hpp"
#include "carapace/tls/config.hpp"
#include "carapace/tls/detail/client_groups.hpp"
#include "carapace/tls/detail/client_psk_offer.hpp"
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
#include "carapace/tls/detail/early_data.hpp"
#include "carapace/x509/names.hpp"

namespace carapace::tls {

namespace detail {

// Largest HelloRetryRequest cookie we echo.
inline constexpr std::size_t max_cookie_size = 512;

// What a client keeps only during its handshake (see handshake_storage.hpp).
struct client_handshake_state {
    struct offered_share {
        named_group group{};
        std::uint16_t public_at = 0;  // the public share: share_public[public_at, + public_size)
        std::uint16_t public_size = 0;
        key_exchange* kx = nullptr;
        bytes<max_key_exchange_state> state{};
    };
    bytes<32> session_id{};
    std::array<offered_share, max_client_key_shares> shares{};
    bytes<max_client_share_bytes> share_public{};
    std::size_t share_count = 0;
    bytes<max_cookie_size> cookie{};
    std::size_t cookie_size = 0;
    codec::extension_set offered{};  // what our ClientHello offered
    client_psk_offer psks{};           // the PSKs it offers and the ticket taken for them
#if !defined(CARAPACE_TLS_NO_PSK)
    secret early_traffic{};  // while our early data may still be sent
#endif
    // The one-byte fields before the two-byte one: in this order they fill the padding instead of
    // adding to it.
    bool certificate_requested = false;
    certificate_type server_type = certificate_type::x509;  // RFC 7250: what the server's Certificate holds
    certificate_type client_type = certificate_type::x509;  // and what ours is to hold
    std::optional<signature_scheme> client_scheme{};
};

}  // namespace detail

// A TLS 1.3 client engine, sans I/O: it takes the bytes received and writes the bytes to send.
// HandshakeBufferSize bounds the largest handshake message taken; Buffers: see `buffering`.
template <std::size_t HandshakeBufferSize = 16384, buffering Buffers = buffering::owned>
class basic_client : public detail::connection<basic_client<HandshakeBufferSize, Buffers>,
                                               detail::client_handshake_state, HandshakeBufferSize, Buffers> {
    using base = detail::connection<basic_client<HandshakeBufferSize, Buffers>, detail::client_handshake_state,
                                    HandshakeBufferSize, Buffers>;
    friend base;
    using step = detail::step;
    using flight = detail::flight;
    using message = detail::handshake_message;

public:
    static constexpr std::size_t max_key_shares = detail::max_client_key_shares;  // in the first ClientHello
    static constexpr std::size_t max_listed_groups = detail::max_listed_groups;    // in supported_groups
    static constexpr std::size_t max_client_share_bytes = detail::max_client_share_bytes;  // all our shares
    static constexpr std::size_t max_cookie_size = detail::max_cookie_size;  // largest HRR cookie echoed
    // With lent buffers: the size of the blocks config.buffers must lend.
    static constexpr std::size_t storage_block_size = base::storage_block_size;

    // Copies the configuration, or with lent buffers keeps a reference: it must then outlive us.
    explicit basic_client(const client_config& config) noexcept : config_(config) {}
    basic_client(const basic_client&) = delete;
    basic_client& operator=(const basic_client&) = delete;

    // Writes the ClientHello. Call once, first.
    // Refused (wrong_state) without a random source or verifier, with an empty server_name while
    // the server is verified and skip_host_check is not set, or when no group to share is
    // implemented by config.key_exchanges.
    io_result start(byte_span output) noexcept {
        if (this->has_failed()) return this->failed_result();
        if (state_ != state::idle) return base::refused(error::wrong_state);
        if (config().random == nullptr || (verifier() == nullptr && !psk_only()))
            return base::refused(error::wrong_state);
        if (verifier() != nullptr && config().verify_server && config().server_name.empty() &&
            !config().skip_host_check)
            return base::refused(error::wrong_state);
        if constexpr (have_psk)
            for (const external_psk& p : config().external_psks)
                if (p.key.empty() || p.identity.empty() || p.identity.size() > 0xffff)
                    return base::refused(error::wrong_state);
        const std::size_t needed = hello_records_bound();
        if (output.size() < needed) return base::need_space(needed);
        if (!this->begin_handshake()) return base::refused(error::no_buffer);
        config().random->fill(random_);
        if (config().middlebox_compatibility) config().random->fill(hs().session_id);
        hs().psks.take_ticket(config(), now());
        const auto groups = detail::first_share_groups(config());
        // No group we implement: only a psk_ke handshake can do without.
        if (groups.count == 0 && !(psk_only() && offers_mode(psk_mode::psk_ke))) return base::refused(error::wrong_state);
        for (const named_group g : groups.view()) {
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
        begin_early_data();
        return base::result(0, out.size(), event::need_input);
    }

    // 0-RTT (§2.3): sends early data after start() and until the server answers, when the hello
    // offered it (client_config::offer_early_data and a ticket that allows it), up to the ticket's
    // max_early_data in all; takes as much as fits and says how much it took. Early data can be
    // replayed by an attacker: send only what is safe to repeat. The receive() events
    // early_data_accepted or early_data_rejected then say whether the server took it. Refused
    // (wrong_state) when early data cannot be sent now.
    io_result send_early(byte_view data, byte_span output) noexcept {
        if (this->has_failed()) return this->failed_result();
#if !defined(CARAPACE_TLS_NO_PSK)
        if (!early_.may_send()) return base::refused(error::wrong_state);
        if (data.size() > early_.room()) data = data.first(early_.room());
        if (data.empty()) return base::refused(error::buffer_too_small);
        io_result r = this->seal_application_data(data, output);
        early_.count_sent(r.consumed);
        return r;
#else
        static_cast<void>(data);
        static_cast<void>(output);
        return base::refused(error::wrong_state);
#endif
    }
    // Whether the server accepted our early data (early_data_accepted).
    [[nodiscard]] bool early_data_accepted() const noexcept { return early_.was_accepted(); }
    // The most early data this handshake may carry in all: the ticket's max_early_data, 0 when
    // the hello offered none.
    [[nodiscard]] std::uint32_t max_early_data() const noexcept { return early_.limit(); }

    // Whether the handshake went through a HelloRetryRequest.
    [[nodiscard]] bool hello_retry_used() const noexcept { return hello_retry_; }
    // The (EC)DHE group of the handshake; named_group{} when none was used (psk_ke).
    [[nodiscard]] named_group negotiated_group() const noexcept { return group_; }
    // The ALPN protocol the server chose (a view into config.alpn), empty when none.
    [[nodiscard]] byte_view alpn_protocol() const noexcept { return alpn_; }
    // What the OCSP response the server stapled said (none when stapling is off or none came).
    [[nodiscard]] stapled_status stapled_ocsp_status() const noexcept { return stapled_; }
    // The index in config.external_psks of the PSK the server took, if it took one.
    [[nodiscard]] std::optional<std::size_t> selected_psk() const noexcept {
        if (!psk_used_ || resumed_) return std::nullopt;
        return psk_index_;
    }
    // True when the handshake resumed a session with a ticket (§2.2).
    [[nodiscard]] bool resumed() const noexcept { return resumed_; }

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

    using offered_share = detail::client_handshake_state::offered_share;

    // §4.2.10: early data goes only in the first hello, with a ticket that allows it.
    [[nodiscard]] bool offers_early_data() const noexcept {
        return config().offer_early_data && !hello_retry_ && hs().psks.first_allows_early_data();
    }
    // After the first ClientHello: the early key (of the ticket's suite), when it offered early data.
    void begin_early_data() noexcept {
#if !defined(CARAPACE_TLS_NO_PSK)
        if (!offers_early_data()) return;
        const auto suite = find_suite(static_cast<std::uint16_t>(hs().psks.ticket().suite));
        if (!suite) return;
        hs().early_traffic = this->early_traffic_secret(suite->hash, hs().psks.ticket().psk_view());
        this->install_early_write(*suite, hs().early_traffic);
        early_.offer(hs().psks.ticket().max_early_data);
#endif
    }
    const client_config& config() const noexcept { return config_.get(); }
    detail::client_handshake_state& hs() noexcept { return this->role_state(); }
    const detail::client_handshake_state& hs() const noexcept { return this->role_state(); }

    static constexpr bool is_client = true;
    [[nodiscard]] bool accepts_application_data() const noexcept { return state_ == state::connected; }
    // A server sends no early data.
    static constexpr error take_early_data(std::size_t) noexcept { return error::unexpected_message; }
    [[nodiscard]] byte_view client_random() const noexcept { return random_; }
    [[nodiscard]] tls::key_log* key_log() const noexcept { return config().key_log; }
    [[nodiscard]] buffer_pool* buffer_source() const noexcept { return config().buffers; }

    bool generate_share(named_group g) noexcept {
        key_exchange* kx = detail::find_key_exchange(config(), g);
        if (kx == nullptr || hs().share_count == max_key_shares) return false;
        const std::size_t size = kx->share_size();
        const offered_share* last = hs().share_count == 0 ? nullptr : &hs().shares[hs().share_count - 1];
        const std::size_t at = last == nullptr ? 0 : std::size_t{last->public_at} + last->public_size;
        if (size > max_key_share_size || size > hs().share_public.size() - at) return false;
        offered_share& s = hs().shares[hs().share_count];
        s.group = g;
        s.kx = kx;
        s.public_at = static_cast<std::uint16_t>(at);
        s.public_size = static_cast<std::uint16_t>(size);
        if (kx->generate(*config().random, s.state, byte_span(hs().share_public).subspan(at, size)) != errc::ok)
            return false;
        ++hs().share_count;
        return true;
    }

    void forget_shares() noexcept {
        for (auto& s : hs().shares) secure_wipe(s.state);
        hs().share_count = 0;
    }

    [[nodiscard]] bool send_server_name() const noexcept {
        // RFC 6066 §3: literal IP addresses are not sent as server names.
        return !config().server_name.empty() && x509::parse_ip_address(config().server_name).size == 0;
    }

    // The verifier of the server's certificate: none in a build without certificates
    // (CARAPACE_TLS_NO_CERTIFICATES), which then, like a client configured without one, makes PSK
    // handshakes only.
    [[nodiscard]] certificate_verifier* verifier() const noexcept {
        return have_certificates ? config().verifier : nullptr;
    }
    // Without a verifier only a PSK handshake is possible: no signature_algorithms then (§9.2).
    [[nodiscard]] std::span<const signature_scheme> signature_algorithms() const noexcept {
        if (verifier() == nullptr) return {};
        return verifier()->schemes();
    }
    [[nodiscard]] bool psk_only() const noexcept { return have_psk && !config().external_psks.empty(); }

    [[nodiscard]] bool offers_mode(psk_mode m) const noexcept { return detail::offers_psk_mode(config(), m); }

    [[nodiscard]] std::optional<std::int64_t> now() const noexcept {
        if (config().clock == nullptr) return std::nullopt;
        return config().clock->now();
    }

    [[nodiscard]] byte_view offered_key(const detail::client_psk_offer::offered_psk& p) const noexcept {
        return hs().psks.key(config(), p);
    }

    // An upper bound of the ClientHello's size, handshake header included.
    [[nodiscard]] std::size_t client_hello_bound() const noexcept {
        std::size_t n = 4 + 2 + 32 + 33 + 2 + 2 * config().cipher_suites.size() + 2 + 2;
        n += 9 + config().server_name.size() + 9;  // and status_request
        n += 6 + 2 * config().groups.size();
        n += 6 + max_key_shares * 4 + detail::share_bytes_bound(config());
        n += 7 + 6 + 2 * signature_algorithms().size() + 6 + 2 * config().signature_algorithms_cert.size();
        n += 6;
        for (auto p : config().alpn) n += 1 + p.size();
        n += 6 + max_cookie_size + 6;
        n += 2 * (4 + 1 + 2);  // client_certificate_type, server_certificate_type (RFC 7250)
        n += detail::client_psk_offer::hello_bound(config());
        for (const auto& x : config().extra_extensions) n += 4 + x.data.size();
        return std::max<std::size_t>(n, 512) + 4;
    }

    // The ClientHello (§4.1.2) from our configuration; it also records which extensions we offered,
    // which is all the server's answers may contain (§4.2).
    void write_client_hello(flight& out) noexcept {
        std::array<cipher_suite, std::size(all_suites)> suites{};
        std::size_t suite_count = 0;
        for (const cipher_suite s : config().cipher_suites) {
            // Only suites this build has (see cipher_suites.hpp), each once.
            if (!find_suite(static_cast<std::uint16_t>(s)) || suite_count == suites.size()) continue;
            if (std::find(suites.begin(), suites.begin() + static_cast<std::ptrdiff_t>(suite_count), s) ==
                suites.begin() + static_cast<std::ptrdiff_t>(suite_count))
                suites[suite_count++] = s;
        }
        std::array<detail::codec::key_share_entry, max_key_shares> shares{};
        for (std::size_t i = 0; i < hs().share_count; ++i)
            shares[i] = {hs().shares[i].group,
                         byte_view(hs().share_public).subspan(hs().shares[i].public_at, hs().shares[i].public_size)};
        static constexpr std::uint16_t versions[1] = {version_tls13};

        detail::codec::client_hello ch;
        ch.random = random_;
        ch.session_id = config().middlebox_compatibility ? byte_view(hs().session_id) : byte_view{};
        ch.cipher_suites = std::span<const cipher_suite>(suites).first(suite_count);
        if (send_server_name()) ch.server_name = detail::codec::text_bytes(config().server_name);
        const auto groups = detail::supported_groups(config());
        ch.supported_groups = groups.view();
        ch.has_key_share = hs().share_count != 0;
        ch.key_shares = std::span<const detail::codec::key_share_entry>(shares).first(hs().share_count);
        ch.supported_versions = versions;
        ch.signature_algorithms = signature_algorithms();
        ch.signature_algorithms_cert = config().signature_algorithms_cert;
        ch.alpn = config().alpn;
        ch.cookie = byte_view(hs().cookie).first(hs().cookie_size);
        ch.record_size_limit = config().record_size_limit;
        if (stapling()) ch.status_request = detail::codec::ocsp_status_request;
        ch.pad_to_512 = config().pad_client_hello;
        ch.extra_extensions = config().extra_extensions;
        if (!config().extension_order.empty()) ch.order = config().extension_order;
        const auto server_types = detail::server_types_offered(config());
        const auto client_types = detail::client_types_offered(config());
        if constexpr (have_raw_public_keys) {
            ch.server_certificate_types = server_types.view();
            ch.client_certificate_types = client_types.view();
        }

        // §4.2.11: the PSKs, with binders of their hash's size, zero until computed over the hello.
        hs().psks.choose(config(), hello_retry_ ? std::optional(this->suite().hash) : std::nullopt);
        detail::psk_extension_lists psk_lists;
        hs().psks.add_to_hello(config(), psk_lists, ch);
        ch.early_data = offers_early_data();
        hs().offered = detail::codec::offered_extensions(ch);
        this->write_message(
            out, handshake_type::client_hello, [&](detail::writer& w) { encode(w, ch); },
            [&](byte_span hello) { return fill_binders(hello); });
    }

    // §4.2.11.2: the binders, over the transcript so far and the hello up to its binders list.
    bool fill_binders(byte_span hello) noexcept {
        return hs().psks.fill_binders(config(), hello, [&](hash_kind kind, byte_view prefix) {
            return this->transcript_hash_with(kind, prefix);
        });
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
        std::size_t plain = 4 + 48 + 4 + detail::max_protected_overhead;  // Finished, EndOfEarlyData
        if (hs().certificate_requested || state_ <= state::wait_certificate_or_request) {
            plain += 4 + 1 + 255 + 3;
            for (const auto c : config().certificate_chain) plain += 5 + c.size();
            plain += 5 + config().raw_public_key.size();
            plain += 8 + base::largest_signature(config().signer);
        }
        const bool limit_known = state_ > state::wait_encrypted_extensions;
        const std::size_t chunk = limit_known ? this->outgoing().max_fragment() : 63;
        const std::size_t last_flight = 6 + plain + (plain + chunk - 1) / chunk * detail::max_protected_overhead;
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
            case state::wait_certificate:
            case state::wait_certificate_verify: return on_certificate_message(m);
            case state::wait_finished: return on_finished(m, out);
            case state::connected:
                if (m.type == handshake_type::new_session_ticket) return on_new_session_ticket(m);
                return this->receive_key_update(m.body);
            default: return {error::unexpected_message};
        }
    }

    // §4.6.1: a ticket, any number of them at any time after the handshake; with a store and a
    // clock, kept with the PSK it stands for and what it is bound to.
    step on_new_session_ticket(const message& m) noexcept {
        detail::codec::new_session_ticket nst;
        if (const error e = decode(m.body, nst); e != error::none) return {e};
        detail::keep_ticket(config(), nst, this->suite(), this->resumption_secret(), alpn_);
        return {};
    }

    bool offered_suite(cipher_suite id) const noexcept {
        return std::find(config().cipher_suites.begin(), config().cipher_suites.end(), id) != config().cipher_suites.end() &&
               find_suite(static_cast<std::uint16_t>(id));
    }
    step on_server_hello(const message& m, flight& out) noexcept {
        detail::codec::server_hello sh;
        if (const error e = decode(m.body, sh, hs().offered); e != error::none) return {e};
        const byte_view our_session_id = config().middlebox_compatibility ? byte_view(hs().session_id) : byte_view{};
        if (!detail::codec::same_bytes(sh.session_id, our_session_id)) return {error::illegal_parameter};
        if (!offered_suite(sh.suite)) return {error::illegal_parameter};
        if (hello_retry_ && sh.suite != this->suite().id) return {error::illegal_parameter};
        this->choose_suite(*find_suite(static_cast<std::uint16_t>(sh.suite)));
        if (sh.is_hello_retry_request()) return on_hello_retry_request(sh, m, out);

        // §4.2.11: a selected PSK is one we offered, of the suite's hash; without one, the server
        // authenticates with a certificate, which needs our verifier.
        byte_view psk;
        if (sh.has_selected_identity) {
            if (!have_psk || sh.selected_identity >= hs().psks.count()) return {error::illegal_parameter};
            const auto& p = hs().psks.at(sh.selected_identity);
            if (p.hash != this->suite().hash) return {error::illegal_parameter};
            psk = offered_key(p);
            psk_index_ = p.external;
            resumed_ = p.resumption;
            psk_used_ = true;
        } else if (verifier() == nullptr) {
            return {error::handshake_failure};
        }
        bytes<max_shared_secret_size> shared{};
        // psk_ke (§4.2.9): no key share, and zeros as the (EC)DHE input (§7.1).
        std::size_t shared_size = this->suite().hash_size;
        if (!sh.has_key_share) {
            if (!have_psk || !psk_used_ || !offers_mode(psk_mode::psk_ke)) return {error::missing_extension};
        } else {
            if (have_psk && psk_used_ && !offers_mode(psk_mode::psk_dhe_ke)) return {error::illegal_parameter};
            const offered_share* share = nullptr;
            for (std::size_t i = 0; i < hs().share_count; ++i)
                if (hs().shares[i].group == sh.key_share.group) share = &hs().shares[i];
            if (share == nullptr) return {error::illegal_parameter};
            shared_size = share->kx->finish(share->state, sh.key_share.share, shared);
            group_ = share->group;
        }
        forget_shares();
        if (shared_size == 0) return {error::illegal_parameter};
        this->add_to_transcript(m);
        // Our early data goes on under the early key until the server says whether it took it.
        this->enter_handshake(byte_view(shared).first(shared_size), psk, have_psk && early_.offered());
        secure_wipe(shared);
        state_ = state::wait_encrypted_extensions;
        return {};
    }

    step on_hello_retry_request(const detail::codec::server_hello& hrr, const message& m, flight& out) noexcept {
        if (hello_retry_) return {error::unexpected_message};
        hello_retry_ = true;
        // §4.1.4: the HRR must change something, and a selected group must be one we offered
        // without a share.
        if (!hrr.has_selected_group && hrr.cookie.empty()) return {error::illegal_parameter};
        if (hrr.has_selected_group) {
            if (!detail::lists_group(config(), hrr.selected_group)) return {error::illegal_parameter};
            for (std::size_t i = 0; i < hs().share_count; ++i)
                if (hs().shares[i].group == hrr.selected_group) return {error::illegal_parameter};
        }
        if (hrr.cookie.size() > max_cookie_size) return {error::handshake_failure};
        // §4.1.2: the second hello offers no early data; the first one's is not taken.
        const bool early_rejected = have_psk && early_.offered();
#if !defined(CARAPACE_TLS_NO_PSK)
        if (early_rejected) {
            early_.reject();
            hs().early_traffic.clear();
            this->drop_write_key();
        }
#endif
        std::copy(hrr.cookie.begin(), hrr.cookie.end(), hs().cookie.begin());
        hs().cookie_size = hrr.cookie.size();
        this->restart_transcript_after_retry();
        this->add_to_transcript(m);
        if (hrr.has_selected_group) {
            forget_shares();
            if (!generate_share(hrr.selected_group)) return {error::handshake_failure};
        }
        // §D.4: the dummy ChangeCipherSpec goes before our second flight.
        if (config().middlebox_compatibility) this->send_change_cipher_spec(out);
        write_client_hello(out);
        this->flush(out);
        return {error::none, early_rejected ? event::early_data_rejected : event::need_input};
    }

    step on_encrypted_extensions(const message& m) noexcept {
        detail::codec::encrypted_extensions ee;
        if (const error e = decode(m.body, ee, hs().offered); e != error::none) return {e};
        if (!ee.alpn.empty()) {
            bool offered = false;
            for (const auto p : config().alpn) offered = offered || detail::codec::same_bytes(ee.alpn, detail::codec::text_bytes(p));
            if (!offered) return {error::illegal_parameter};
            // Kept as a view of our own configuration's copy of the name.
            for (const auto p : config().alpn)
                if (detail::codec::same_bytes(ee.alpn, detail::codec::text_bytes(p))) alpn_ = detail::codec::text_bytes(p);
        }
        // RFC 8449 §4: the server's limit applies to what we send; ours applies only once the
        // server has answered with its own (it then knows of ours).
        if (ee.record_size_limit != 0) {
            this->limit_sent_records(ee.record_size_limit);
            if (config().record_size_limit != 0) this->limit_received_records(config().record_size_limit);
        }
        // RFC 7250 §4.2: each answer is one of the types we offered (none, without raw public keys).
        if constexpr (!have_raw_public_keys) {
            if (ee.server_certificate_type || ee.client_certificate_type) return {error::unsupported_extension};
        } else {
            if (const error e = detail::check_certificate_type_answer(
                    ee.server_certificate_type, detail::server_types_offered(config()).view(), hs().server_type);
                e != error::none)
                return {e};
            if (const error e = detail::check_certificate_type_answer(
                    ee.client_certificate_type, detail::client_types_offered(config()).view(), hs().client_type);
                e != error::none)
                return {e};
        }
        // A PSK handshake has no certificates (§2.2) and no CertificateRequest (§4.3.2).
        state_ = psk_used_ ? state::wait_finished : state::wait_certificate_or_request;
        return answer_to_early_data(ee.early_data);
    }

    // §4.2.10: the server takes our early data only with the first PSK (the ticket: resumed_)
    // and the ticket's suite; declined, our next records use the handshake key. (The decoder
    // already refused early_data in an answer to a hello that did not offer it.)
    step answer_to_early_data(bool accepted) noexcept {
        if (!have_psk || !early_.offered()) return {};
#if !defined(CARAPACE_TLS_NO_PSK)
        if (accepted) {
            if (!resumed_ || this->suite().id != hs().psks.ticket().suite) return {error::illegal_parameter};
            early_.accept();
            return {error::none, event::early_data_accepted};
        }
        early_.reject();
        hs().early_traffic.clear();
        this->install_handshake_write();
#else
        static_cast<void>(accepted);
#endif
        return {error::none, event::early_data_rejected};
    }

    // The server's CertificateRequest, Certificate and CertificateVerify, in a build with
    // certificates (without, a PSK handshake never waits for them).
    step on_certificate_message(const message& m) noexcept {
        if constexpr (!have_certificates) {
            static_cast<void>(m);
            return {error::unexpected_message};
        } else {
            if (state_ == state::wait_certificate_or_request && m.type == handshake_type::certificate_request)
                return on_certificate_request(m);
            if (state_ == state::wait_certificate_verify) return on_certificate_verify(m);
            return on_certificate(m);
        }
    }

    step on_certificate_request(const message& m) noexcept {
        detail::codec::certificate_request cr;
        if (const error e = decode(m.body, cr); e != error::none) return {e};
        // §4.3.2: empty during the handshake.
        if (!cr.request_context.empty()) return {error::illegal_parameter};
        hs().certificate_requested = true;
        hs().client_scheme = std::nullopt;
        if (config().signer != nullptr && detail::holds_certificate_type(config(), hs().client_type))
            for (const signature_scheme sc : config().signer->schemes())
                if (!hs().client_scheme && certificate_verify_scheme(sc) && cr.signature_algorithms.contains(sc))
                    hs().client_scheme = sc;
        state_ = state::wait_certificate;
        return {};
    }

    [[nodiscard]] bool stapling() const noexcept {
#if defined(CARAPACE_TLS_NO_OCSP) || defined(CARAPACE_TLS_NO_CERTIFICATES)
        return false;  // this build reads no OCSP responses: it does not ask for them either
#else
        return config().ocsp_stapling != ocsp_stapling::off;
#endif
    }

    step on_certificate(const message& m) noexcept {
        detail::codec::certificate c;
        // Entry extensions answer what our ClientHello asked for: the leaf's OCSP response.
        detail::codec::extension_set asked;
        if (stapling()) asked.add(extension_type::status_request);
        if (const error e = decode(m.body, c, asked); e != error::none) return {e};
        if (!c.request_context.empty()) return {error::illegal_parameter};
        if (c.entries.empty()) return {error::decode_error};  // §4.4.2.4
        const auto chain = detail::codec::chain_of(c);
        if constexpr (have_raw_public_keys)
            if (hs().server_type == certificate_type::raw_public_key) return on_raw_public_key(chain.view());
        // Without a server_certificate_type answer the server sends X.509 (RFC 7250 §4.2).
        if (!detail::takes_certificate_type(config(), certificate_type::x509)) return {error::unsupported_certificate};
        stapled_status status = stapled_status::none;
        bool must_staple = false;
#if defined(CARAPACE_TLS_NO_OCSP)
        bool* const asks_must_staple = nullptr;
#else
        bool* const asks_must_staple = stapling() ? &must_staple : nullptr;
#endif
        const error e = this->accept_certificate(chain.view(), *config().verifier, config().server_name, config().clock,
                                                 config().verify_server, c.leaf_ocsp_response,
                                                 stapling() ? &status : nullptr, asks_must_staple);
        if (e == error::pending) return {error::none, event::verification_needed};
        if (e != error::none) return {e};
        if (stapling() && config().verify_server) {
            stapled_ = status;
            if (status == stapled_status::revoked) return {error::certificate_revoked};
            // RFC 7633 §4.2.3.1: a must-staple leaf without a good response is refused.
            const bool hard = config().ocsp_stapling == ocsp_stapling::hard_fail || must_staple;
            if (hard && status != stapled_status::good) return {error::bad_certificate_status_response};
        }
        state_ = state::wait_certificate_verify;
        return {};
    }

    step on_raw_public_key(std::span<const byte_view> entries) noexcept {
        const error e = this->accept_raw_public_key(entries, *config().verifier, config().verify_server);
        if (e == error::pending) return {error::none, event::verification_needed};
        if (e != error::none) return {e};
        state_ = state::wait_certificate_verify;
        return {};
    }

    step on_certificate_verify(const message& m) noexcept {
        const error e = this->check_certificate_verify(m, *config().verifier);
        if (e == error::pending) return {error::none, event::verification_needed};
        if (e != error::none) return {e};
        state_ = state::wait_finished;
        return {};
    }

    step on_finished(const message& m, flight& out) noexcept {
        if (const error e = this->check_finished(m, true); e != error::none) return {e};
        this->enter_application();
        this->install_application_read();

        // Our flight: [ChangeCipherSpec] [EndOfEarlyData] [Certificate CertificateVerify] Finished.
        if (config().middlebox_compatibility) this->send_change_cipher_spec(out);
#if !defined(CARAPACE_TLS_NO_PSK)
        if (early_.accepted()) {
            // §4.5: the end of our early data, under the early key; then the handshake key.
            this->write_message(out, handshake_type::end_of_early_data, [](detail::writer&) {});
            this->flush(out);
            early_.end();
            hs().early_traffic.clear();
            this->install_handshake_write();
        }
#endif
        if constexpr (have_certificates) {
            if (hs().certificate_requested) {
                // Without a certificate for the server's algorithms: an empty one, and no signature.
                const bool raw = have_raw_public_keys && hs().client_type == certificate_type::raw_public_key;
                const std::span<const byte_view> ours =
                    raw ? std::span<const byte_view>(&config().raw_public_key, 1) : config().certificate_chain;
                const step s = this->authenticate(out, hs().client_scheme ? ours : std::span<const byte_view>{},
                                                  config().signer, hs().client_scheme);
                if (s.what == event::signature_needed) state_ = state::wait_signature;
                if (s.what == event::signature_needed || s.failure != error::none) return s;
            }
        }
        return send_finished(out);
    }

    // complete_signature(): the rest of our flight with the signature handed in.
    step resume_after_signature(byte_view signature, flight& out) noexcept {
        if (state_ != state::wait_signature || !hs().client_scheme) return {error::internal_error};
        if constexpr (have_certificates) this->write_certificate_verify(out, *hs().client_scheme, signature);
        return send_finished(out);
    }

    step send_finished(flight& out) noexcept {
        this->write_finished(out, false);
        this->flush(out);
        if (!out.ok()) return {error::internal_error};
        this->finish_key_schedule();
        this->install_application_write();
        state_ = state::connected;
        this->mark_connected();
        return {error::none, event::handshake_complete};
    }

    detail::held_config<client_config, Buffers> config_;
    state state_ = state::idle;
    bytes<32> random_{};  // names the connection in the key log
    byte_view alpn_{};     // the protocol the server chose, in our configuration
    named_group group_{};
    stapled_status stapled_ = stapled_status::none;
    std::uint8_t psk_index_ = 0;  // into config.external_psks, when psk_used_
    bool hello_retry_ = false;
    bool psk_used_ = false;
    bool resumed_ = false;
    detail::client_early_data early_{};  // our 0-RTT (none without PSKs: CARAPACE_TLS_NO_PSK)
};

// A client with the default handshake buffer and its storage inside the object.
using client = basic_client<>;
// A client that borrows its handshake storage and opens records in the caller's input.
using lent_client = basic_client<16384, buffering::lent>;

}  // namespace carapace::tls
