// The RFC 8448 traces as engine configurations: the trace's hellos rebuilt extension for
// extension, its randomness scripted, its P-256 shares replayed through the interfaces (each
// checking what it is asked). Signatures are real: every CertificateVerify is verified with the
// certificate's key (verify_certificate_signature: the server's RSA-PSS and, in "Client
// Authentication", its ECDSA P-256 and the client's RSA-PSS), and the server signs with RSA
// Section 2's key through tls::rsa_signer, its PSS salt recovered from the trace's signature (the
// RSA public operation, then EMSA-PSS's DB) and handed to it through the random source, so that
// the signature comes out byte for byte. Only the "Client Authentication" signatures, by keys
// RFC 8448 does not print, are given out as the trace has them. Shared by the byte-exact replay
// and the malformed-message tests.
#pragma once

#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "carapace/hash/sha256.hpp"
#include "carapace/rsa/rsa.hpp"
#include "carapace/tls/detail/codec/certificate.hpp"
#include "carapace/tls/detail/codec/certificate_verify.hpp"
#include "support/tls_peers.hpp"

namespace test_support::rfc8448 {

using namespace carapace;


inline const test_json::value& rfc8448() {
    static const test_json::value doc = load_vectors("rfc/rfc8448.json");
    return doc;
}

inline const test_json::value& trace_titled(const std::string& title) {
    for (const auto& t : rfc8448()["traces"])
        if (t["title"].str() == title) return t;
    FAIL("no trace " << title);
    return rfc8448();
}

// The n-th (from 0) value of `field` in steps of `side` whose action starts with `action`.
inline byte_vector field(const test_json::value& trace, const std::string& side, const std::string& action,
                  const std::string& name, std::size_t n = 0) {
    for (const auto& s : trace["steps"]) {
        if (s["side"].str() != side || s["action"].str().rfind(action, 0) != 0) continue;
        if (!s["fields"].has(name)) continue;
        if (n-- == 0) return unhex(s["fields"][name].str());
    }
    FAIL("no " << side << " " << action << " " << name);
    return {};
}

// Extensions of a ClientHello or EncryptedExtensions, in order.
struct extension {
    std::uint16_t type;
    byte_vector data;
};
inline std::vector<extension> extensions_of(const byte_vector& message) {
    tls::detail::reader r(byte_view(message).subspan(4));
    if (message[0] == 1) {
        r.u16();
        r.bytes(32);
        r.vector<1>();
        r.vector<2>();
        r.vector<1>();
    } else if (message[0] == 2) {
        r.u16();
        r.bytes(32);
        r.vector<1>();
        r.u16();
        r.u8();
    }
    tls::detail::reader x = r.sub<2>();
    std::vector<extension> out;
    while (x.ok() && !x.empty()) {
        const auto type = static_cast<std::uint16_t>(x.u16());
        const byte_view data = x.vector<2>();
        out.push_back({type, byte_vector(data.begin(), data.end())});
    }
    return out;
}
inline byte_vector extension_data(const byte_vector& message, std::uint16_t type) {
    for (const auto& e : extensions_of(message))
        if (e.type == type) return e.data;
    return {};
}
// A u16 list inside an extension (after its 1- or 2-byte length).
template <class T>
std::vector<T> u16_list(const byte_vector& data, std::size_t length_bytes = 2) {
    std::vector<T> out;
    for (std::size_t i = length_bytes; i + 1 < data.size(); i += 2)
        out.push_back(static_cast<T>(data[i] << 8 | data[i + 1]));
    return out;
}

class scripted_random final : public tls::random_source {
public:
    std::deque<byte_vector> script;
    void fill(byte_span out) noexcept override {
        if (script.empty() || script.front().size() != out.size()) {
            ++mismatches;
            return;
        }
        std::copy(script.front().begin(), script.front().end(), out.begin());
        script.pop_front();
    }
    int mismatches = 0;
};

// P-256 as the trace did it: its shares and its shared secret, replayed.
class replayed_group final : public tls::key_exchange {
public:
    tls::named_group id = tls::named_group::secp256r1;
    byte_vector client_share, server_share, shared;
    tls::named_group group() const noexcept override { return id; }
    std::size_t share_size() const noexcept override { return client_share.size(); }
    errc generate(tls::random_source&, std::span<std::uint8_t, tls::max_key_exchange_state>,
                  byte_span share) noexcept override {
        std::copy(client_share.begin(), client_share.end(), share.begin());
        return errc::ok;
    }
    std::size_t finish(std::span<const std::uint8_t, tls::max_key_exchange_state>, byte_view peer,
                       std::span<std::uint8_t, tls::max_shared_secret_size> secret) noexcept override {
        if (byte_vector(peer.begin(), peer.end()) != server_share) return 0;
        std::copy(shared.begin(), shared.end(), secret.begin());
        return shared.size();
    }
    std::size_t respond(tls::random_source&, byte_view peer, byte_span share,
                        std::span<std::uint8_t, tls::max_shared_secret_size> secret) noexcept override {
        if (byte_vector(peer.begin(), peer.end()) != client_share) return 0;
        std::copy(server_share.begin(), server_share.end(), share.begin());
        std::copy(shared.begin(), shared.end(), secret.begin());
        return shared.size();
    }
};

// Signs exactly the expected content with the trace's scheme: through `real` (a tls::rsa_signer
// holding the trace's key) when set, else by giving out the trace's signature.
class replayed_signer final : public tls::signer {
public:
    byte_vector expected_content, signature;
    tls::signature_scheme scheme_[1] = {tls::signature_scheme::rsa_pss_rsae_sha256};
    tls::signer* real = nullptr;
    int calls = 0;
    std::span<const tls::signature_scheme> schemes() const noexcept override { return scheme_; }
    std::size_t max_signature_size(tls::signature_scheme) const noexcept override { return signature.size(); }
    std::size_t sign(tls::signature_scheme s, byte_view content, byte_span out) noexcept override {
        ++calls;
        if (s != scheme_[0] || byte_vector(content.begin(), content.end()) != expected_content)
            return 0;
        if (real != nullptr) return real->sign(s, content, out);
        std::copy(signature.begin(), signature.end(), out.begin());
        return signature.size();
    }
};

// DER of an INTEGER (hex magnitude) and of a constructed element around `content`.
inline byte_vector der_wrap(std::uint8_t tag, const byte_vector& content) {
    byte_vector out{tag};
    const std::size_t n = content.size();
    if (n < 0x80) out.push_back(static_cast<std::uint8_t>(n));
    else if (n < 0x100) out.insert(out.end(), {0x81, static_cast<std::uint8_t>(n)});
    else out.insert(out.end(), {0x82, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    out.insert(out.end(), content.begin(), content.end());
    return out;
}
inline byte_vector der_integer(const byte_vector& magnitude) {
    byte_vector v = magnitude;
    if (v.empty() || (v[0] & 0x80) != 0) v.insert(v.begin(), 0);
    return der_wrap(0x02, v);
}

// RFC 8448 Section 2's RSA key as an RSAPrivateKey (RFC 8017 A.1.2).
inline byte_vector trace_rsa_private_key() {
    const auto& k = rfc8448()["private_keys"]["rsa"];
    byte_vector body = der_integer({0});
    for (const char* name : {"modulus", "public exponent", "private exponent", "prime1", "prime2", "exponent1",
                             "exponent2", "coefficient"}) {
        const byte_vector v = der_integer(unhex(k[name].str()));
        body.insert(body.end(), v.begin(), v.end());
    }
    return der_wrap(0x30, body);
}

// The salt of an RSASSA-PSS signature with MGF1 over SHA-256 and a 32-byte salt (RFC 8017
// §9.1.2 run forward to step 10): EM = s^e mod n = maskedDB || H || 0xbc, DB = maskedDB xor
// MGF1(H) with its top bit cleared, and the salt DB's last 32 bytes.
inline byte_vector pss_salt_of(const rsa_public_key_view& key, byte_view signature) {
    const std::size_t k = key.size(), em_len = (key.bits() - 1 + 7) / 8;
    byte_vector em(k);
    REQUIRE(carapace::detail::rsa_view_op<carapace::detail::bn_word>{key}(signature, em));
    const byte_view encoded = byte_view(em).subspan(k - em_len);
    REQUIRE(encoded.back() == 0xbc);
    const std::size_t db_len = em_len - 32 - 1;
    byte_vector db(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(db_len));
    carapace::detail::mgf1_xor(rsa_hash::sha256, encoded.subspan(db_len, 32), db);
    db[0] &= static_cast<std::uint8_t>(0xff >> (8 * em_len - (key.bits() - 1)));
    const std::size_t salt_at = db_len - 32;
    for (std::size_t i = 0; i + 1 < salt_at; ++i) REQUIRE(db[i] == 0);  // PS
    REQUIRE(db[salt_at - 1] == 0x01);
    return byte_vector(db.begin() + static_cast<std::ptrdiff_t>(salt_at), db.end());
}

// Accepts the trace's chain; checks the signature is over the expected content with the
// trace's scheme, then verifies it with the leaf's key (verify_certificate_signature).
class replayed_verifier final : public tls::certificate_verifier {
public:
    std::vector<tls::signature_scheme> advertised;
    byte_vector expected_leaf, expected_content;
    tls::signature_scheme scheme{};
    int chain_calls = 0, signature_calls = 0;
    tls::error verify_chain(std::span<const byte_view> chain, std::string_view, bool, std::optional<std::int64_t>,
                            std::string_view&) noexcept override {
        ++chain_calls;
        if (chain.size() != 1 || byte_vector(chain[0].begin(), chain[0].end()) != expected_leaf)
            return tls::error::bad_certificate;
        return tls::error::none;
    }
    tls::error verify_signature(byte_view spki, tls::signature_scheme s, byte_view content,
                                byte_view sig) noexcept override {
        ++signature_calls;
        const auto leaf = x509::parse_certificate(expected_leaf);
        if (!leaf || !std::equal(spki.begin(), spki.end(), leaf->public_key.encoded.begin(), leaf->public_key.encoded.end()))
            return tls::error::bad_certificate;
        if (s != scheme) return tls::error::illegal_parameter;
        if (byte_vector(content.begin(), content.end()) != expected_content) return tls::error::decrypt_error;
        return tls::verify_certificate_signature(spki, s, content, sig);
    }
    std::span<const tls::signature_scheme> schemes() const noexcept override { return advertised; }
};

// The content a CertificateVerify signs, from the trace's messages.
inline byte_vector signed_content(bool server, const std::vector<byte_vector>& messages) {
    sha256 h;
    for (const auto& m : messages) h.update(m);
    const auto digest = h.final();
    bytes<tls::detail::codec::max_signed_content_size> out{};
    const std::size_t n = tls::detail::codec::signed_content(
        server ? tls::detail::codec::signer_role::server : tls::detail::codec::signer_role::client, digest, out);
    return byte_vector(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
}

inline byte_vector certificate_of(const byte_vector& certificate_message) {
    tls::detail::codec::certificate cm;
    REQUIRE(decode(byte_view(certificate_message).subspan(4), cm, tls::detail::codec::extension_set{}) ==
            tls::error::none);
    const auto chain = tls::detail::codec::chain_of(cm);
    REQUIRE(chain.size == 1);
    return byte_vector(chain.certificates[0].begin(), chain.certificates[0].end());
}

struct replay {
    const test_json::value& trace;
    bool hello_retry, client_auth;

    scripted_random client_random, server_random;
    // Section 2's key, signing for the server in the traces whose certificate holds it.
    std::optional<rsa_private_key<>> server_key;
    std::unique_ptr<tls::rsa_signer<>> rsa_server_signer;
    tls::x25519_key_exchange x25519;
    replayed_group p256;
    tls::key_exchange* key_exchanges[2] = {&x25519, &p256};
    // The trace's client lists groups it never uses (secp384r1, secp521r1, the FFDHE groups); our
    // client lists only groups it has a key_exchange for, so it gets one that is never called.
    std::vector<replayed_group> listed_only;
    std::vector<tls::key_exchange*> client_key_exchanges;
    replayed_signer server_signer, client_signer;
    replayed_verifier client_verifier, server_verifier;
    std::vector<tls::named_group> client_groups, server_groups, share_groups;
    std::vector<tls::cipher_suite> client_suites;
    std::vector<tls::extension_type> order;
    std::vector<byte_vector> extra_data;
    std::vector<tls::raw_extension> extras;
    byte_vector server_certificate, client_certificate, cookie;
    std::vector<byte_view> server_chain, client_chain;
    tls::client_config cc;
    tls::server_config sc;

    explicit replay(const std::string& title) : trace(trace_titled(title)) {
        hello_retry = title == "HelloRetryRequest";
        client_auth = title == "Client Authentication";
        const byte_vector ch = field(trace, "client", "construct a ClientHello", "ClientHello");
        const byte_vector last_ch = hello_retry ? field(trace, "client", "construct a ClientHello", "ClientHello", 1) : ch;
        const byte_vector sh = field(trace, "server", "construct a ServerHello", "ServerHello", hello_retry ? 1 : 0);
        const byte_vector ee = field(trace, "server", "construct an EncryptedExtensions", "EncryptedExtensions");
        const byte_vector cert = field(trace, "server", "construct a Certificate", "Certificate");
        const byte_vector cv = field(trace, "server", "construct a CertificateVerify", "CertificateVerify");

        // The client: the trace's hello, extension for extension.
        client_groups = u16_list<tls::named_group>(extension_data(ch, 0x000a));
        client_suites = u16_list<tls::cipher_suite>(byte_vector(ch.begin() + 4 + 2 + 32 + 1 + ch[38], ch.end()));
        client_suites.resize((static_cast<std::size_t>(ch[39 + ch[38]]) << 8 | ch[40 + ch[38]]) / 2);
        client_verifier.advertised = u16_list<tls::signature_scheme>(extension_data(ch, 0x000d));
        for (const auto& e : extensions_of(last_ch)) {
            if (e.type == 0x0015) continue;  // padding: the engine adds it
            order.push_back(static_cast<tls::extension_type>(e.type));
        }
        for (const auto& e : extensions_of(ch)) {
            if (e.type == 0xff01 || e.type == 0x0023 || e.type == 0x002d) {
                extra_data.push_back(e.data);
            }
        }
        std::size_t k = 0;
        for (const auto& e : extensions_of(ch))
            if (e.type == 0xff01 || e.type == 0x0023 || e.type == 0x002d) extras.push_back({e.type, extra_data[k++]});
        share_groups = {tls::named_group::x25519};
        const std::size_t session_id_size = ch[38];
        client_random.script.push_back(byte_vector(ch.begin() + 6, ch.begin() + 38));
        if (session_id_size != 0) client_random.script.push_back(byte_vector(ch.begin() + 39, ch.begin() + 39 + 32));
        client_random.script.push_back(field(trace, "client", "create an ephemeral x25519", "private key"));

        cc.server_name = "server";
        cc.cipher_suites = client_suites;
        cc.groups = client_groups;
        cc.key_share_groups = share_groups;
        listed_only.reserve(client_groups.size());
        client_key_exchanges = {&x25519, &p256};
        for (const tls::named_group g : client_groups) {
            if (g == x25519.group() || g == p256.group()) continue;
            listed_only.emplace_back().id = g;
            client_key_exchanges.push_back(&listed_only.back());
        }
        cc.key_exchanges = client_key_exchanges;
        cc.verifier = &client_verifier;
        cc.random = &client_random;
        cc.record_size_limit = 0x4001;
        cc.extension_order = order;
        cc.extra_extensions = extras;
        cc.middlebox_compatibility = session_id_size != 0;
        cc.pad_client_hello = true;

        server_certificate = certificate_of(cert);
        server_chain = {server_certificate};
        client_verifier.expected_leaf = server_certificate;
        tls::detail::codec::certificate_verify parsed_cv;
        REQUIRE(decode(byte_view(cv).subspan(4), parsed_cv) == tls::error::none);
        server_signer.signature = byte_vector(parsed_cv.signature.begin(), parsed_cv.signature.end());
        client_verifier.scheme = server_signer.scheme_[0] = static_cast<tls::signature_scheme>(parsed_cv.scheme);
        std::vector<byte_vector> transcript = {last_ch, sh, ee};
        if (hello_retry) {
            // Transcript-Hash starts with message_hash(ClientHello1) and the HelloRetryRequest.
            const auto ch1_hash = sha256::hash(ch);
            byte_vector message_hash = {254, 0, 0, 32};
            message_hash.insert(message_hash.end(), ch1_hash.begin(), ch1_hash.end());
            transcript.insert(transcript.begin(), field(trace, "server", "construct a ServerHello", "ServerHello", 0));
            transcript.insert(transcript.begin(), message_hash);
        }
        if (client_auth) transcript.push_back(field(trace, "server", "construct a CertificateRequest", "CertificateRequest"));
        transcript.push_back(cert);
        client_verifier.expected_content = signed_content(true, transcript);
        server_signer.expected_content = client_verifier.expected_content;

        // The server.
        server_groups = u16_list<tls::named_group>(extension_data(ee, 0x000a));
        sc.cipher_suites = client_suites;
        sc.groups = server_groups;
        sc.key_exchanges = key_exchanges;
        sc.certificate_chain = server_chain;
        sc.signer = &server_signer;
        sc.random = &server_random;
        sc.record_size_limit = 0x4001;
        sc.send_supported_groups = true;
        if (hello_retry) {
            sc.insist_on_preferred_group = true;
            const byte_vector hrr = field(trace, "server", "construct a ServerHello", "ServerHello", 0);
            const byte_vector c = extension_data(hrr, 0x002c);
            cookie.assign(c.begin() + 2, c.end());
            sc.hello_retry_cookie = cookie;
            p256.client_share = field(trace, "client", "create an ephemeral P-256", "public key");
            p256.server_share = field(trace, "server", "create an ephemeral P-256", "public key");
            p256.shared = field(trace, "server", "extract secret \"handshake\"", "IKM");
        } else {
            server_random.script.push_back(field(trace, "server", "create an ephemeral x25519", "private key"));
        }
        server_random.script.push_back(byte_vector(sh.begin() + 6, sh.begin() + 38));
        // The server signs with Section 2's key when its certificate holds it: the salt the trace's
        // signature carries, then blinding bytes, come from the random source in that order.
        const auto leaf = x509::parse_certificate(server_certificate);
        REQUIRE(leaf.ok());
        const auto leaf_key = parse_rsa_public_key_pkcs1(leaf->public_key.key);
        const byte_vector trace_modulus = unhex(rfc8448()["private_keys"]["rsa"]["modulus"].str());
        if (leaf->public_key.type == x509::key_type::rsa && leaf_key &&
            byte_vector(leaf_key->modulus.begin(), leaf_key->modulus.end()) == trace_modulus) {
            auto key = rsa_private_key<>::from_pkcs1_der(trace_rsa_private_key());
            REQUIRE(key.ok());
            server_key.emplace(*key);
            rsa_server_signer = std::make_unique<tls::rsa_signer<>>(*server_key, server_random);
            server_signer.real = rsa_server_signer.get();
            server_random.script.push_back(pss_salt_of(*leaf_key, server_signer.signature));
            server_random.script.push_back(byte_vector(rsa_blinding_size, 0xa5));
        }

        if (client_auth) {
            const byte_vector cr = field(trace, "server", "construct a CertificateRequest", "CertificateRequest");
            sc.request_client_certificate = true;
            server_verifier.advertised = u16_list<tls::signature_scheme>(byte_vector(cr.begin() + 11, cr.end()));
            sc.verifier = &server_verifier;
            const byte_vector client_cert = field(trace, "client", "construct a Certificate", "Certificate");
            const byte_vector client_cv = field(trace, "client", "construct a CertificateVerify", "CertificateVerify");
            client_certificate = certificate_of(client_cert);
            client_chain = {client_certificate};
            cc.certificate_chain = client_chain;
            cc.signer = &client_signer;
            server_verifier.expected_leaf = client_certificate;
            tls::detail::codec::certificate_verify ccv;
            REQUIRE(decode(byte_view(client_cv).subspan(4), ccv) == tls::error::none);
            client_signer.signature = byte_vector(ccv.signature.begin(), ccv.signature.end());
            server_verifier.scheme = client_signer.scheme_[0] = static_cast<tls::signature_scheme>(ccv.scheme);
            const byte_vector server_finished = field(trace, "server", "construct a Finished", "Finished");
            transcript.push_back(cv);
            transcript.push_back(server_finished);
            transcript.push_back(client_cert);
            client_signer.expected_content = signed_content(false, transcript);
            server_verifier.expected_content = client_signer.expected_content;
        }
    }
};

// Gives `bytes` to an engine and collects what it writes and reports.
template <class Engine>
bool deliver(Engine& engine, const byte_vector& bytes, byte_vector& produced, side_log& log, bool expect_success) {
    std::size_t off = 0;
    byte_vector out(1 << 16);
    for (int guard = 0; guard < 100; ++guard) {
        const auto r = engine.receive(byte_view(bytes).subspan(off), out);
        produced.insert(produced.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        off += r.consumed;
        if (r.what == tls::event::app_data) log.received.insert(log.received.end(), r.data.begin(), r.data.end());
        if (r.what == tls::event::early_data) log.early.insert(log.early.end(), r.data.begin(), r.data.end());
        if (r.what != tls::event::need_input) log.events.push_back(r.what);
        if (r.what == tls::event::fatal) {
            log.last_fatal = r;
            if (expect_success) FAIL("engine failed: " << tls::to_string(r.failure));
            return false;
        }
        if (r.what == tls::event::need_input && off == bytes.size()) return true;
    }
    return true;
}

}  // namespace test_support::rfc8448
