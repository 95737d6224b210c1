// The certificate half of a handshake, the same for both roles (RFC 8446 §4.4.2, §4.4.3): the
// peer's Certificate and CertificateVerify checked with the caller's verifier, ours written with
// the caller's signer, either of which may answer later (a pending verification or signature; the
// receive loop in connection.hpp waits for complete_verification or complete_signature). A mixin
// of connection.hpp (CRTP: `Connection` is the connection, which holds the transcript and the
// pending verdict): kept apart so that the layer a PSK handshake never uses (§2.2) is one header,
// and a PSK-only build (CARAPACE_TLS_NO_CERTIFICATES) mixes in nothing but the size of no signature.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/detail/codec/certificate.hpp"
#include "carapace/tls/detail/codec/certificate_verify.hpp"
#include "carapace/tls/detail/handshake_reassembly.hpp"
#include "carapace/tls/detail/handshake_state.hpp"
#include "carapace/tls/detail/handshake_step.hpp"
#include "carapace/tls/detail/record_layer.hpp"
#include "carapace/tls/detail/wire.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/interfaces.hpp"
#if !defined(CARAPACE_TLS_NO_CERTIFICATES)
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/keys.hpp"
#endif

namespace carapace::tls::detail {

#if defined(CARAPACE_TLS_NO_CERTIFICATES)
template <class Connection>
class certificate_exchange {
protected:
    // No signer is used: our flights carry no signature.
    static constexpr std::size_t largest_signature(const signer*) noexcept { return 0; }
};
#else

template <class Connection>
class certificate_exchange {
protected:
    // The largest signature a signer may make (0 without one), for sizing our flight.
    static std::size_t largest_signature(const signer* key) noexcept {
        std::size_t n = 0;
        if (key != nullptr)
            for (const auto sc : key->schemes()) n = std::max(n, key->max_signature_size(sc));
        return n;
    }

    // The content a CertificateVerify signs, over the transcript so far (§4.4.3), kept here so a
    // pending signer's caller can read it until complete_signature.
    byte_view signed_content(bool server) noexcept {
        const digest h = self().transcript_hash();
        const auto role = server ? codec::signer_role::server : codec::signer_role::client;
        hs().signed_size = codec::signed_content(role, h.view(), hs().signed_content);
        return byte_view(hs().signed_content).first(hs().signed_size);
    }
    // The stored verdict when the caller completed a pending verification, else the verifier's.
    template <class Ask>
    error verdict_or(Ask&& ask, stapled_status* status = nullptr) noexcept {
        if (self().verdict_) {
            const error v = *self().verdict_;
            self().verdict_.reset();
            if (status != nullptr) *status = self().verdict_status_;
            return v;
        }
        return ask();
    }

    // The peer leaf's SubjectPublicKeyInfo, for its CertificateVerify.
    bool keep_peer_key(byte_view spki) noexcept {
        if (spki.size() > hs().peer_key.size()) return false;
        std::copy(spki.begin(), spki.end(), hs().peer_key.begin());
        hs().peer_key_size = spki.size();
        return true;
    }
    [[nodiscard]] byte_view peer_key() const noexcept {
        return byte_view(hs().peer_key).first(hs().peer_key_size);
    }

    // --- certificates and CertificateVerify, the same for both roles (§4.4.2, §4.4.3) -------
    // The peer's non-empty chain: keeps the leaf's key for CertificateVerify and, when
    // `check_chain`, has the verifier judge the chain (error::pending: it answers later). With
    // `status`, the peer was asked for a stapled OCSP response (`stapled`, maybe empty) and
    // `status` receives what it says.
    error accept_certificate(std::span<const byte_view> chain, certificate_verifier& verifier, std::string_view host,
                             tls::clock* clock, bool check_chain, byte_view stapled = {},
                             stapled_status* status = nullptr, bool* must_staple = nullptr) noexcept {
        const auto leaf = x509::parse_certificate(chain[0]);
        if (!leaf) return error::bad_certificate;
        if (must_staple != nullptr) *must_staple = x509::must_staple(*leaf);
        if (!keep_peer_key(leaf->public_key.encoded)) return error::unsupported_certificate;
        if (!check_chain) return error::none;
        return verdict_or(
            [&] {
                const auto now = clock != nullptr ? clock->now() : std::nullopt;
                std::string_view& detail = self().verify_detail_;
                if (status == nullptr) return verifier.verify_chain(chain, host, Connection::client_role(), now, detail);
                return verifier.verify_chain_and_status(chain, host, Connection::client_role(), now, stapled, *status,
                                                        detail);
            },
            status);
    }

    // A raw public key (RFC 7250 §3, RFC 8446 §4.4.2): exactly one entry, a DER
    // SubjectPublicKeyInfo, kept for CertificateVerify and, when `check`, judged by the verifier
    // (error::pending: it answers later).
    error accept_raw_public_key(std::span<const byte_view> entries, certificate_verifier& verifier,
                                bool check) noexcept {
        if (entries.size() != 1 || !x509::parse_public_key(entries[0])) return error::bad_certificate;
        if (!keep_peer_key(entries[0])) return error::unsupported_certificate;
        if (!check) return error::none;
        return verdict_or([&] {
            return verifier.verify_raw_public_key(entries[0], Connection::client_role(), self().verify_detail_);
        });
    }

    // The peer's CertificateVerify over the transcript so far, with a scheme we offered and §4.2.3
    // allows there (never rsa_pkcs1_*, whatever a verifier lists)
    // (error::pending: the verifier answers later).
    error check_certificate_verify(const handshake_message& m, certificate_verifier& verifier) noexcept {
        codec::certificate_verify cv;
        if (const error e = decode(m.body, cv); e != error::none) return e;
        bool advertised = false;
        for (const signature_scheme s : verifier.schemes()) advertised = advertised || s == cv.scheme;
        if (!advertised || !certificate_verify_scheme(cv.scheme)) return error::illegal_parameter;
        return verdict_or([&] {
            const byte_view content = signed_content(Connection::client_role());
            return verifier.verify_signature(peer_key(), cv.scheme, content, cv.signature);
        });
    }

    // Our CertificateVerify: signed now, or, when the signer answers signer::pending, nothing is
    // written and the step says signature_needed (see complete_signature). The signer writes into
    // the record itself, so this lays out codec::certificate_verify by hand, around the signature.
    step add_certificate_verify(flight& out, signer& key, signature_scheme scheme) noexcept {
        const byte_view content = signed_content(!Connection::client_role());
        writer w(out.content_space());
        w.u8(static_cast<std::uint8_t>(handshake_type::certificate_verify));
        const auto length = w.open<3>();
        w.u16(static_cast<std::uint16_t>(scheme));
        const auto at = w.open<2>();
        const byte_span room = w.reserve(key.max_signature_size(scheme));
        if (room.empty()) return {error::internal_error};
        const std::size_t size = key.sign(scheme, content, room);
        if (size == signer::pending) return {error::none, event::signature_needed};
        if (size == 0 || size > room.size()) return {error::internal_error};
        w.unreserve(room.size() - size);
        w.close<2>(at);
        w.close<3>(length);
        if (!w.ok()) return {error::internal_error};
        out.commit(w.size());
        hs().hashes.update(out.committed(w.size()));
        return {};
    }
    // Our Certificate and, with a scheme, our CertificateVerify (§4.4.2, §4.4.3). When the signer
    // answers later, what is written so far is flushed and the step says signature_needed.
    step authenticate(flight& out, std::span<const byte_view> chain, signer* key, std::optional<signature_scheme> scheme,
                      byte_view leaf_ocsp_response = {}) noexcept {
        add_certificate(out, chain, leaf_ocsp_response);
        if (!scheme || key == nullptr) return {};
        const step s = add_certificate_verify(out, *key, *scheme);
        if (s.what == event::signature_needed) self().flush(out);
        return s;
    }

    // Our CertificateVerify with a signature completed later.
    void write_certificate_verify(flight& out, signature_scheme scheme, byte_view signature) noexcept {
        const codec::certificate_verify cv{scheme, signature};
        self().write_message(out, handshake_type::certificate_verify, [&](writer& w) { encode(w, cv); });
    }

    // Our Certificate (empty context, as during the handshake) with `chain`, possibly empty, and
    // an OCSP response stapled to its leaf when one is given.
    void add_certificate(flight& out, std::span<const byte_view> chain, byte_view leaf_ocsp_response) noexcept {
        codec::certificate c;
        c.entries = chain;
        if (!chain.empty()) c.leaf_ocsp_response = leaf_ocsp_response;
        self().write_message(out, handshake_type::certificate, [&](writer& w) { encode(w, c); });
    }

private:
    shared_handshake_state& hs() noexcept { return self().hs(); }
    const shared_handshake_state& hs() const noexcept { return self().hs(); }
    Connection& self() noexcept { return static_cast<Connection&>(*this); }
    const Connection& self() const noexcept { return static_cast<const Connection&>(*this); }
};
#endif

}  // namespace carapace::tls::detail
